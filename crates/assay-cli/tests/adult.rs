//! End-to-end on the real UCI Adult data, against pandas/numpy figures recorded by
//! `scripts/gen_fixtures.py` in `tests/fixtures/adult_pandas.json` (library versions inside).
//! Tolerances are the fixture's: 1e-9 relative for moments and extremes, exact for counts,
//! and quantiles within the KLL rank-error interval `[low, high]`.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

fn fixture() -> Value {
    let text = fs::read_to_string(root().join("crates/assay-cli/tests/fixtures/adult_pandas.json"))
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn profile(side: &str, dir: &std::path::Path) -> Value {
    let out = dir.join(format!("{side}.json"));
    let r = assay(&[
        "profile",
        &repo(&format!("examples/adult/adult_{side}.csv")),
        "--null-value",
        "?",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&fs::read_to_string(out).unwrap()).unwrap()
}

fn col<'a>(profile: &'a Value, name: &str) -> &'a Value {
    profile["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[test]
fn profile_matches_pandas() {
    let fx = fixture();
    let d = tempfile::tempdir().unwrap();
    for side in ["reference", "current"] {
        let p = profile(side, d.path());
        let expected = &fx[side];
        assert_eq!(p["rows"], expected["rows"], "{side} rows");
        assert_eq!(p["format"], "assay-profile");
        for (name, e) in expected["columns"].as_object().unwrap() {
            let c = col(&p, name);
            let state = &c["state"];
            assert_eq!(state["nulls"], e["nulls"], "{side}.{name} nulls");
            // Profile summaries go through the CLI table for distinct/top; moments from the JSON.
            if e["dtype"] == "int64" {
                let body = &state["body"];
                let m = &body["moments"];
                let count = m["count"].as_f64().unwrap();
                let mean = m["mean"].as_f64().unwrap();
                let std = (m["m2"].as_f64().unwrap() / (count - 1.0)).sqrt();
                assert!(
                    close(mean, e["mean"].as_f64().unwrap(), 1e-9),
                    "{side}.{name} mean {mean} vs {}",
                    e["mean"]
                );
                assert!(
                    close(std, e["std"].as_f64().unwrap(), 1e-9),
                    "{side}.{name} std {std} vs {}",
                    e["std"]
                );
                assert_eq!(
                    body["min"].as_f64().unwrap(),
                    e["min"].as_f64().unwrap(),
                    "{side}.{name} min"
                );
                assert_eq!(
                    body["max"].as_f64().unwrap(),
                    e["max"].as_f64().unwrap(),
                    "{side}.{name} max"
                );
            }
        }
    }
}

#[test]
fn profile_summary_distinct_top_and_quantiles_match_pandas() {
    let fx = fixture();
    let r = assay(&[
        "profile",
        &repo("examples/adult/adult_current.csv"),
        "--null-value",
        "?",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = &fx["current"]["columns"];
    let mut seen = 0;
    for line in r.stdout.lines().skip(2) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let name = cells[0];
        let e = &expected[name];
        assert_eq!(cells[4], e["distinct"].to_string(), "{name} distinct");
        let top = format!("{}", e["top_value"]).trim_matches('"').to_string();
        assert!(
            line.contains(&format!("{top} ({})", e["top_count"])),
            "{name} top: {line}"
        );
        if e["dtype"] == "int64" {
            // Median within the KLL rank-error interval of the exact (inverted_cdf) quantile.
            let median: f64 = cells[6].parse().unwrap();
            let q = e["quantiles"]
                .as_array()
                .unwrap()
                .iter()
                .find(|q| q["q"] == 0.5)
                .unwrap();
            assert!(
                median >= q["low"].as_f64().unwrap() && median <= q["high"].as_f64().unwrap(),
                "{name} median {median} outside {q}"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 15);
}

#[test]
fn example_suite_matches_pandas_figures() {
    let fx = fixture();
    let r = assay(&["check", &repo("examples/adult/suite.yaml"), "-o", "json=-"]);
    // The example passes with warnings only (exit 0); `--strict` turns them into a failure.
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let rep = r.json();
    assert_eq!(rep["schema_version"], 1);
    let s = &rep["summary"];
    let results = rep["results"].as_array().unwrap();
    assert_eq!(s["total"].as_u64().unwrap() as usize, results.len());
    let sum: u64 = ["passed", "warned", "failed", "errors", "skipped"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .sum();
    assert_eq!(sum as usize, results.len());
    for r in results {
        for key in ["id", "column", "status", "value", "threshold", "details"] {
            assert!(r.get(key).is_some(), "result lacks {key}: {r}");
        }
    }
    let cur = &fx["current"]["columns"];
    for name in ["workclass", "occupation", "native-country", "age"] {
        let v = result(&rep, "integrity.null_share", Some(name))["value"]
            .as_f64()
            .unwrap();
        assert!(
            close(v, cur[name]["null_share"].as_f64().unwrap(), 1e-12),
            "{name} null share {v}"
        );
    }
    assert_eq!(result(&rep, "schema.match", None)["value"], 0.0);
    assert_eq!(
        result(&rep, "integrity.duplicate_rows", None)["details"]["duplicates"],
        fx["duplicate_rows"]
    );
    let overlap = result(&rep, "leakage.train_test_overlap", None);
    assert_eq!(overlap["details"]["overlapping_rows"], fx["overlap_rows"]);
    assert_eq!(overlap["status"], "warn");
    let nc = result(&rep, "integrity.new_categories", Some("native-country"));
    assert!(close(
        nc["value"].as_f64().unwrap(),
        fx["new_categories"]["native-country"]["share"]
            .as_f64()
            .unwrap(),
        1e-12
    ));
    assert_eq!(nc["details"]["values"][0]["value"], "Holand-Netherlands");
    let vr = result(&rep, "integrity.value_range", Some("fnlwgt"));
    assert_eq!(
        vr["details"]["outside"].as_f64().unwrap(),
        fx["value_range"]["fnlwgt"]["outside"].as_f64().unwrap()
    );
    assert!(close(
        vr["value"].as_f64().unwrap(),
        fx["value_range"]["fnlwgt"]["share"].as_f64().unwrap(),
        1e-12
    ));
    let ci = result(&rep, "target.class_imbalance", Some("income-per-year"));
    assert!(close(
        ci["value"].as_f64().unwrap(),
        fx["class_balance"]["minority_share"].as_f64().unwrap(),
        1e-12
    ));
    assert_eq!(ci["details"]["minority_class"], ">50K");
    // Adult has no personal data and no leaking feature.
    for r in results.iter().filter(|r| r["id"] == "privacy.pii") {
        assert_eq!(r["value"], 0.0, "{r}");
    }
    for r in results
        .iter()
        .filter(|r| r["id"] == "leakage.single_feature")
    {
        assert!(r["value"].as_f64().unwrap() < 0.8, "{r}");
    }
    let strict = assay(&[
        "check",
        &repo("examples/adult/suite.yaml"),
        "--strict",
        "--quiet",
    ]);
    assert_eq!(strict.code, 1);
}

#[test]
fn merged_part_profiles_equal_the_whole() {
    let d = tempfile::tempdir().unwrap();
    let a = profile("reference", d.path());
    let b = profile("current", d.path());
    let merged = d.path().join("merged.json");
    let r = assay(&[
        "profile",
        "merge",
        d.path().join("reference.json").to_str().unwrap(),
        d.path().join("current.json").to_str().unwrap(),
        "-o",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Value = serde_json::from_str(&fs::read_to_string(&merged).unwrap()).unwrap();
    let whole_path = d.path().join("whole.json");
    let r = assay(&[
        "profile",
        &repo("examples/adult/adult_reference.csv"),
        &repo("examples/adult/adult_current.csv"),
        "--null-value",
        "?",
        "-o",
        whole_path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w: Value = serde_json::from_str(&fs::read_to_string(&whole_path).unwrap()).unwrap();
    assert_eq!(m["rows"], w["rows"]);
    assert_eq!(
        m["rows"].as_u64(),
        Some(a["rows"].as_u64().unwrap() + b["rows"].as_u64().unwrap())
    );
    for c in w["columns"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let mc = col(&m, name);
        assert_eq!(mc["state"]["nulls"], c["state"]["nulls"], "{name}");
        assert_eq!(mc["state"]["rows"], c["state"]["rows"], "{name}");
        let (bm, bw) = (&mc["state"]["body"], &c["state"]["body"]);
        if bw["type"] == "numeric" {
            assert_eq!(bm["min"], bw["min"]);
            assert_eq!(bm["max"], bw["max"]);
            assert!(close(
                bm["moments"]["mean"].as_f64().unwrap(),
                bw["moments"]["mean"].as_f64().unwrap(),
                1e-9
            ));
        }
        // Exact value counts are identical, whatever the split; sketches agree within bounds.
        if bw["values"]["mode"] == "exact" {
            assert_eq!(bm["values"], bw["values"], "{name} values");
        } else {
            assert_eq!(bm["values"]["mode"], "sketch", "{name}");
        }
    }
}

#[test]
fn all_formats_at_once() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f).to_string_lossy().into_owned();
    let r = assay(&[
        "check",
        &repo("examples/adult/suite.yaml"),
        "-o",
        &format!("json={}", p("r.json")),
        "-o",
        &format!("junit={}", p("r.xml")),
        "-o",
        &format!("markdown={}", p("r.md")),
        "-o",
        &format!("html={}", p("r.html")),
        "-o",
        "terminal=-",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("passed"), "{}", r.stdout);
    let json: Value = serde_json::from_str(&fs::read_to_string(p("r.json")).unwrap()).unwrap();
    let total = json["summary"]["total"].as_u64().unwrap();
    let xml = fs::read_to_string(p("r.xml")).unwrap();
    assert_eq!(xml.matches("<testcase").count() as u64, total);
    let md = fs::read_to_string(p("r.md")).unwrap();
    assert!(md.contains("integrity.new_categories"));
    let html = fs::read_to_string(p("r.html")).unwrap();
    assert!(html.contains("<svg"));
    assert!(
        html.len() < 1_000_000,
        "HTML must stay small: {} bytes",
        html.len()
    );
    // No raw rows embedded: fnlwgt values of ordinary rows (not extremes) are not in the page.
    for v in ["209642", "45781", "159449"] {
        assert!(!html.contains(v), "raw value {v} found in the HTML");
    }
}

#[test]
fn init_writes_a_suite_that_passes_on_its_own_data() {
    let d = tempfile::tempdir().unwrap();
    let suite = d.path().join("starter.yaml");
    let data = repo("examples/adult/adult_reference.csv");
    let r = assay(&[
        "init",
        &data,
        "--null-value",
        "?",
        "-o",
        suite.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(&suite).unwrap();
    assert!(
        text.contains("integrity.value_range") && text.contains("bounds"),
        "{text}"
    );
    assert!(text.contains("Holand-Netherlands") || text.contains("United-States"));
    let r = assay(&["check", suite.to_str().unwrap(), "-o", "json=-"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rep = r.json();
    assert_eq!(rep["summary"]["failed"], 0);
    // Refuses to overwrite.
    let r = assay(&["init", &data, "-o", suite.to_str().unwrap()]);
    assert_input_error(&r, &["already exists"]);
}

#[test]
fn toml_and_json_suites_are_equivalent_to_yaml() {
    let d = tempfile::tempdir().unwrap();
    let cur = repo("examples/adult/adult_current.csv");
    let refp = repo("examples/adult/adult_reference.csv");
    let toml = format!(
        "name = \"t\"\n[data]\ncurrent = \"{cur}\"\nreference = \"{refp}\"\n[data.csv]\nnull_values = [\"?\"]\n\n[[checks]]\ncheck = \"integrity.null_share\"\ncondition = \"<= reference * 1.1 + 0.01\"\n"
    );
    let json = format!(
        "{{\"name\": \"t\", \"data\": {{\"current\": \"{cur}\", \"reference\": \"{refp}\", \"csv\": {{\"null_values\": [\"?\"]}}}}, \"checks\": [{{\"check\": \"integrity.null_share\", \"condition\": \"<= reference * 1.1 + 0.01\"}}]}}"
    );
    let yaml = format!(
        "name: t\ndata:\n  current: {cur}\n  reference: {refp}\n  csv: {{null_values: ['?']}}\nchecks:\n  - check: integrity.null_share\n    condition: <= reference * 1.1 + 0.01\n"
    );
    let mut reports = Vec::new();
    for (name, body) in [("s.toml", toml), ("s.json", json), ("s.yaml", yaml)] {
        let p = d.path().join(name);
        fs::write(&p, body).unwrap();
        let r = assay(&["check", p.to_str().unwrap(), "-o", "json=-"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        reports.push(r.json()["results"].clone());
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[1], reports[2]);
}

#[test]
fn init_with_reference_elsewhere_writes_resolvable_paths_and_infers_from_the_reference() {
    let d = tempfile::tempdir().unwrap();
    let suite = d.path().join("sub/starter.yaml");
    fs::create_dir_all(suite.parent().unwrap()).unwrap();
    // Relative data paths given from the repository root, suite written elsewhere.
    let r = assay(&[
        "init",
        "examples/adult/adult_current.csv",
        "--reference",
        "examples/adult/adult_reference.csv",
        "--null-value",
        "?",
        "-o",
        suite.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(&suite).unwrap();
    assert!(text.contains("schema.match") && text.contains("leakage.train_test_overlap"));
    // Domains come from the reference, which never saw Holand-Netherlands.
    assert!(
        !text.contains("Holand-Netherlands"),
        "domain inferred from the current data"
    );
    let r = assay(&["check", suite.to_str().unwrap(), "-o", "json=-"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let rep = r.json();
    let nc = rep["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "integrity.new_categories" && r["column"] == "native-country")
        .unwrap();
    assert_eq!(nc["status"], "warn");
}

#[test]
fn init_names_the_suite_after_its_data_suggests_null_markers_and_keeps_to_what_it_inferred() {
    let d = tempfile::tempdir().unwrap();
    let suite = d.path().join("suites/starter.yaml");
    fs::create_dir_all(suite.parent().unwrap()).unwrap();
    // The data lives in the repository, the suite in a temporary directory: paths go in
    // relative to the suite, with `..`.
    let data = repo("examples/adult/adult_current.csv");
    let reference = repo("examples/adult/adult_reference.csv");
    let r = assay(&[
        "init",
        &data,
        "--reference",
        &reference,
        "-o",
        suite.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "note: `?` in workclass, occupation, native-country looks like a missing value"
        ),
        "{}",
        r.stderr
    );
    let text = fs::read_to_string(&suite).unwrap();
    assert!(text.contains("\nname: adult_current\n"), "{text}");
    assert!(text.contains("data.csv.null_values: [\"?\"]"), "{text}");
    assert!(
        !text.contains("- '?'") && !text.contains("- \"?\""),
        "? listed as a category"
    );
    for section in [
        "evaluation:",
        "validation:",
        "sensitivity:",
        "performance:",
        "options:",
    ] {
        assert!(!text.contains(section), "default section {section} written");
    }
    let current_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("current:"))
        .unwrap();
    assert!(current_line.contains("../"), "{current_line}");
    assert!(!current_line.contains(&*d.path().to_string_lossy()));
    // The suite resolves its paths from its own directory.
    let r = assay(&["check", suite.to_str().unwrap(), "-o", "json=-"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
}
