//! Each check on small hand-made data whose right answer is known exactly.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn run_suite(
    dir: &Path,
    csv_current: &str,
    csv_reference: Option<&str>,
    body: &str,
) -> (i32, Value) {
    fs::write(dir.join("cur.csv"), csv_current).unwrap();
    let mut data = String::from("data:\n  current: cur.csv\n");
    if let Some(r) = csv_reference {
        fs::write(dir.join("ref.csv"), r).unwrap();
        data.push_str("  reference: ref.csv\n");
    }
    fs::write(dir.join("s.yaml"), format!("{data}{body}")).unwrap();
    let r = assay_in(dir, &["check", "s.yaml", "-o", "json=-"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    (r.code, r.json())
}

/// IQR fences (k = 1.5) with quartiles by the inverted CDF (numpy's `inverted_cdf`), from
/// every value.
fn exact_iqr_fences(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let quartile = |q: f64| sorted[((q * n as f64).ceil() as usize).max(1) - 1];
    let (q1, q3) = (quartile(0.25), quartile(0.75));
    (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1))
}

fn csv(header: &str, rows: impl IntoIterator<Item = String>) -> String {
    let mut s = format!("{header}\n");
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    s
}

#[test]
fn pii_is_found_validated_and_masked() {
    let d = tempfile::tempdir().unwrap();
    let cur = csv(
        "note,code",
        [
            "write to jane.doe@example.com,A1".to_string(),
            "card 4111 1111 1111 1111,A2".into(),
            "card 4111 1111 1111 1112,A3".into(), // fails Luhn
            "cpf 529.982.247-25,A4".into(),
            "cpf 529.982.247-26,A5".into(), // bad check digits
            "ssn 123-45-6789,A6".into(),
            "from 192.168.10.1,A7".into(),
            "call +44 20 7946 0958,A8".into(),
            "nothing here,A9".into(),
            "version 1.2.3.4.5,A10".into(),
        ],
    );
    let (code, rep) = run_suite(d.path(), &cur, None, "checks:\n  - check: privacy.pii\n");
    assert_eq!(code, 1);
    let r = result(&rep, "privacy.pii", Some("note"));
    assert_eq!(r["value"], 0.6);
    assert_eq!(r["details"]["with_pii"], 6);
    let kinds = &r["details"]["share_by_kind"];
    for k in [
        "email",
        "credit_card",
        "br_cpf",
        "us_ssn",
        "ip_address",
        "phone",
    ] {
        assert_eq!(kinds[k], 0.1, "{k}: {kinds}");
    }
    let shown = r["details"]["masked_examples"].to_string();
    assert!(
        !shown.contains("jane.doe@example.com") && !shown.contains("4111 1111 1111 1111"),
        "{shown}"
    );
    assert_eq!(result(&rep, "privacy.pii", Some("code"))["value"], 0.0);
}

#[test]
fn mixed_types_and_string_length() {
    let d = tempfile::tempdir().unwrap();
    let mut rows: Vec<String> = (0..18).map(|i| format!("{i},abc")).collect();
    rows.push("n/a,abcdefghij".into());
    rows.push("?,a".into());
    let cur = csv("num_as_text,word", rows);
    let body = "checks:\n  - check: integrity.mixed_types\n  - check: integrity.string_length\n    params: {min_length: 2, max_length: 5}\n";
    let (_, rep) = run_suite(d.path(), &cur, None, body);
    let m = result(&rep, "integrity.mixed_types", Some("num_as_text"));
    assert_eq!(m["value"], 0.1);
    assert_eq!(m["details"]["numbers"], 18);
    assert_eq!(m["status"], "fail");
    let w = result(&rep, "integrity.string_length", Some("word"));
    assert_eq!(w["value"], 0.1); // "abcdefghij" and "a" of 20
    assert_eq!(w["details"]["outside"], 2);
}

#[test]
fn outliers_by_iqr_and_zscore() {
    let d = tempfile::tempdir().unwrap();
    // 1..=100 and one 1000: numpy inverted_cdf quartiles of 101 values are 26 and 76 → fences
    // -49 and 151 → one outlier; z-score: mean 9.9+..., one value beyond 3σ.
    let mut rows: Vec<String> = (1..=100).map(|i| i.to_string()).collect();
    rows.push("1000".into());
    let cur = csv("x", rows);
    let body = "checks:\n  - check: integrity.outlier_share\n  - check: integrity.outlier_share\n    params: {method: zscore, factor: 3}\n";
    let (_, rep) = run_suite(d.path(), &cur, None, body);
    let results: Vec<&Value> = rep["results"].as_array().unwrap().iter().collect();
    assert_eq!(results[0]["details"]["outliers"], 1.0);
    assert_eq!(results[0]["details"]["lower_fence"], -49.0);
    assert_eq!(results[0]["details"]["upper_fence"], 151.0);
    assert!((results[0]["value"].as_f64().unwrap() - 1.0 / 101.0).abs() < 1e-12);
    assert_eq!(results[1]["details"]["outliers"], 1.0);
}

#[test]
fn id_uniqueness_duplicates_and_overlap() {
    let d = tempfile::tempdir().unwrap();
    let cur = csv(
        "id,a,b",
        ["1,x,1", "2,y,2", "2,y,2", "3,z,3", "4,x,1"].map(String::from),
    );
    let reference = csv("id,a,b", ["10,x,1", "11,q,9"].map(String::from));
    let body = "roles:\n  id: id\nchecks:\n  - check: integrity.id_unique\n  - check: integrity.duplicate_rows\n  - check: leakage.train_test_overlap\n";
    let (code, rep) = run_suite(d.path(), &cur, Some(&reference), body);
    assert_eq!(code, 1);
    assert_eq!(
        result(&rep, "integrity.id_unique", Some("id"))["value"],
        1.0
    );
    let dup = result(&rep, "integrity.duplicate_rows", None);
    assert_eq!(dup["details"]["duplicates"], 1);
    assert_eq!(dup["value"], 0.2);
    // Rows (x,1) appear twice in current and once in the reference, ids ignored.
    let o = result(&rep, "leakage.train_test_overlap", None);
    assert_eq!(o["details"]["overlapping_rows"], 2);
    assert_eq!(o["value"], 0.4);
}

#[test]
fn leaking_feature_is_caught_and_noise_is_not() {
    let d = tempfile::tempdir().unwrap();
    let rows = (0..2000).map(|i| {
        let y = (i * 7919 % 13) % 2;
        let leak = if y == 1 { "yes" } else { "no" };
        let noise = (i * 31 % 17) as f64 / 17.0;
        format!("{y},{leak},{noise}")
    });
    let cur = csv("y,leak,noise", rows);
    let body = "roles:\n  target: y\nchecks:\n  - check: leakage.single_feature\n  - check: target.class_imbalance\n";
    let (_, rep) = run_suite(d.path(), &cur, None, body);
    let leak = result(&rep, "leakage.single_feature", Some("leak"));
    assert_eq!(leak["value"], 1.0);
    assert_eq!(leak["status"], "fail");
    let noise = result(&rep, "leakage.single_feature", Some("noise"));
    assert!(noise["value"].as_f64().unwrap() < 0.1, "{noise}");
    let ci = result(&rep, "target.class_imbalance", Some("y"));
    // (i*7919 % 13) % 2 over 2000 rows: count the ones exactly.
    let ones = (0..2000).filter(|i| (i * 7919 % 13) % 2 == 1).count() as f64;
    let minority = ones.min(2000.0 - ones) / 2000.0;
    assert!((ci["value"].as_f64().unwrap() - minority).abs() < 1e-12);
}

/// `leakage.single_feature` is fed the rows the one read kept (in memory, or all of them
/// written to a temporary file and read back with `options.rows_memory_mib: 0`): the current
/// data is read once, and the holdout power is the rule's, computed here from the rows; a
/// numeric feature past the exact counts is cut at its exact deciles (from the kept rows).
#[test]
fn single_feature_leakage_rides_on_the_one_read_in_memory_or_spilled() {
    use std::collections::BTreeMap;
    let n = 3000usize;
    let y_of = |i: usize| u8::from(i % 10 < 3);
    let cat_of = |i: usize| match (y_of(i), i % 7) {
        (1, 0) => "lo",
        (1, 1) => "mid",
        (1, _) => "hi",
        (_, 0) => "hi",
        (_, 1 | 2) => "mid",
        _ => "lo",
    };
    // Many distinct values (past `exact_distinct_cap: 100` below), leaning with the target.
    let num_of =
        |i: usize| (i * 7919 % 1000) as f64 + f64::from(y_of(i)) * 450.0 + (i % 7) as f64 / 8.0;
    let rows = (0..n).map(|i| format!("{},{},{},{}", y_of(i), cat_of(i), i % 4, num_of(i)));
    let cur = csv("y,cat,small,num", rows);
    // `num`'s deciles, exact (numpy's inverted CDF), and each row's bucket (numpy's digitize).
    let mut sorted: Vec<f64> = (0..n).map(num_of).collect();
    sorted.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = (1..10)
        .map(|k| sorted[((k as f64 / 10.0 * n as f64).ceil() as usize).max(1) - 1])
        .collect();
    edges.dedup();
    let bucket = |column: &str, i: usize| match column {
        "cat" => cat_of(i).to_string(),
        _ => edges.partition_point(|e| *e <= num_of(i)).to_string(),
    };
    // The rule, from the rows as written: train on one parity, score the other, average.
    let table = |column: &str, parity: usize| {
        let mut t: BTreeMap<(String, u8), u64> = BTreeMap::new();
        for i in (0..n).filter(|i| i % 2 == parity) {
            *t.entry((bucket(column, i), y_of(i))).or_default() += 1;
        }
        t
    };
    let majority = |counts: &[(u8, u64)]| {
        let mut sorted = counts.to_vec();
        sorted.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
        assert!(
            sorted.len() < 2 || sorted[0].1 != sorted[1].1,
            "a tie: {sorted:?}"
        );
        sorted[0].0
    };
    let power = |train: &BTreeMap<(String, u8), u64>, test: &BTreeMap<(String, u8), u64>| {
        let class_total = |y: u8| train.iter().filter(|(k, _)| k.1 == y).map(|(_, c)| c).sum();
        let overall = majority(&[(0, class_total(0)), (1, class_total(1))]);
        let (mut correct, mut base, mut rows) = (0u64, 0u64, 0u64);
        for ((b, y), &count) in test {
            let y = *y;
            let in_bucket = |c: u8| train.get(&(b.clone(), c)).copied().unwrap_or(0);
            let predicted = majority(&[(0, in_bucket(0)), (1, in_bucket(1))]);
            rows += count;
            correct += if y == predicted { count } else { 0 };
            base += if y == overall { count } else { 0 };
        }
        assert!(correct > base);
        (correct - base) as f64 / (rows - base) as f64
    };
    let expected = |column: &str| {
        let (even, odd) = (table(column, 0), table(column, 1));
        (power(&even, &odd) + power(&odd, &even)) / 2.0
    };
    let (expected_cat, expected_num) = (expected("cat"), expected("num"));
    assert!(expected_cat > 0.1 && expected_cat < 1.0, "{expected_cat}");
    assert!(expected_num > 0.1 && expected_num < 1.0, "{expected_num}");

    let suite = |options: &str| {
        format!(
            "options:\n  exact_distinct_cap: 100\n{options}roles:\n  target: y\nchecks:\n  \
             - check: leakage.single_feature\n    condition: \"<= 0.99\"\n"
        )
    };
    let mut values: Vec<Vec<Value>> = Vec::new();
    for options in ["", "  rows_memory_mib: 0\n"] {
        let d = tempfile::tempdir().unwrap();
        let (_, rep) = run_suite(d.path(), &cur, None, &suite(options));
        assert_eq!(rep["current"]["reads"], 1, "{options}: {}", rep["current"]);
        for (column, expected, buckets) in [
            ("cat", expected_cat, 3),
            ("num", expected_num, edges.len() + 1),
        ] {
            let r = result(&rep, "leakage.single_feature", Some(column));
            let got = r["value"].as_f64().unwrap();
            assert!(
                (got - expected).abs() < 1e-12,
                "{options}{column}: {got} against {expected}"
            );
            assert_eq!(r["details"]["rows"], n as u64, "{options}: {r}");
            assert_eq!(r["details"]["buckets"], buckets, "{options}: {r}");
        }
        values.push(
            rep["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["value"].clone())
                .collect(),
        );
    }
    // Every feature, the same figures whether the kept rows stayed in memory or not.
    assert_eq!(values[0].len(), 3);
    assert_eq!(values[0], values[1]);
}

#[test]
fn ranges_categories_constants_and_schema() {
    let d = tempfile::tempdir().unwrap();
    let reference = csv(
        "age,color,k,gone",
        ["20,red,1,a", "30,blue,1,b", "40,red,1,c"].map(String::from),
    );
    let cur = csv(
        "age,color,k,extra",
        ["25,red,1,1", "50,green,1,2", "-1,blue,1,3", "35,green,1,4"].map(String::from),
    );
    let body = "checks:\n  - check: schema.match\n  - check: integrity.value_range\n    columns: [age]\n  - check: integrity.value_range\n    params: {bounds: {age: [0, 120]}}\n  - check: integrity.new_categories\n    columns: [color]\n  - check: integrity.new_categories\n    params: {allowed: {color: [red, green, blue]}}\n  - check: integrity.constant_column\n    columns: [k, age]\n  - check: integrity.null_share\n    columns: [age]\n    condition: \"<= reference * 1.1 + 0.01\"\n";
    let (code, rep) = run_suite(d.path(), &cur, Some(&reference), body);
    assert_eq!(code, 1);
    let results = rep["results"].as_array().unwrap();
    let schema = &results[0];
    assert_eq!(schema["value"], 2.0); // gone missing, extra added
    assert_eq!(schema["details"]["missing"][0], "gone");
    assert_eq!(schema["details"]["extra"][0], "extra");
    // Against the reference range [20, 40]: 50 and -1 are outside → 2 of 4.
    assert_eq!(results[1]["value"], 0.5);
    assert_eq!(results[1]["details"]["bounds_from"], "reference");
    // Against [0, 120] from the suite: only -1.
    assert_eq!(results[2]["value"], 0.25);
    assert_eq!(results[2]["details"]["bounds_from"], "suite");
    assert_eq!(results[3]["value"], 0.5);
    assert_eq!(results[3]["details"]["values"][0]["value"], "green");
    assert_eq!(results[4]["value"], 0.0);
    assert_eq!(results[5]["column"], "k");
    assert_eq!(results[5]["status"], "fail");
    assert_eq!(results[6]["status"], "pass");
    let nulls = &results[7];
    assert_eq!(nulls["value"], 0.0);
    assert!((nulls["threshold"].as_f64().unwrap() - 0.01).abs() < 1e-12);
    assert_eq!(nulls["condition"], "value <= reference × 1.1 + 0.01");
}

#[test]
fn relative_condition_without_reference_is_skipped_not_failed() {
    let d = tempfile::tempdir().unwrap();
    let cur = csv("a", ["1", "2"].map(String::from));
    let body = "checks:\n  - check: integrity.null_share\n    condition: \"<= reference * 1.1\"\n  - check: schema.match\n";
    let (code, rep) = run_suite(d.path(), &cur, None, body);
    assert_eq!(code, 0);
    assert_eq!(rep["summary"]["skipped"], 2);
    let r = result(&rep, "integrity.null_share", Some("a"));
    assert!(r["message"]
        .as_str()
        .unwrap()
        .contains("relative to a reference"));
}

#[test]
fn explain_and_catalogue() {
    let r = assay(&["checks"]);
    assert_eq!(r.code, 0);
    for id in [
        "schema.match",
        "integrity.null_share",
        "privacy.pii",
        "leakage.single_feature",
    ] {
        assert!(r.stdout.contains(id), "{id} missing from the catalogue");
    }
    let r = assay(&["explain", "privacy.pii"]);
    assert_eq!(r.code, 0);
    for section in [
        "What it computes",
        "Why it matters",
        "Parameters",
        "Default condition",
        "Exactness",
        "References",
        "Luhn",
    ] {
        assert!(r.stdout.contains(section), "{section}");
    }
    let r = assay(&["explain", "privacy.pi"]);
    assert_input_error(&r, &["unknown check", "privacy.pii"]);
    for sub in ["check", "profile", "init", "checks", "explain"] {
        let r = assay(&[sub, "--help"]);
        assert_eq!(r.code, 0, "{sub} --help");
        assert!(r.stdout.contains("Usage"), "{sub}");
    }
}

#[test]
fn empty_current_data_fails_the_row_count() {
    let d = tempfile::tempdir().unwrap();
    let (code, rep) = run_suite(
        d.path(),
        "a,b\n",
        Some("a,b\n1,2\n"),
        "checks:\n  - check: integrity.row_count\n  - check: integrity.row_count\n    condition: \">= reference * 0.5\"\n",
    );
    assert_eq!(code, 1);
    let results = rep["results"].as_array().unwrap();
    assert_eq!(results[0]["value"], 0.0);
    assert_eq!(results[0]["status"], "fail");
    assert_eq!(results[1]["threshold"], 0.5);
    assert_eq!(results[1]["status"], "fail");
}

/// A deterministic generator for the one-read test (xorshift).
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Rows of the one-read test: id, x (float), s (string), contact (e-mail or not).
fn one_read_rows(n: usize, seed: u64, shift: f64) -> Vec<(u64, f64, String, String)> {
    let mut rng = Xorshift(seed);
    (0..n)
        .map(|i| {
            // Every 50th id repeats the one before it.
            let id = if i % 50 == 49 { i as u64 - 1 } else { i as u64 };
            let x = (rng.next() % 1_000_000) as f64 / 1000.0 + shift;
            let s =
                "a".repeat((rng.next() % 12) as usize + 1) + &format!("{}", rng.next() % 100_000);
            let contact = if i % 100 == 7 {
                format!("user{i}@example.org")
            } else {
                format!("none-{}", rng.next() % 50_000)
            };
            (id, x, s, contact)
        })
        .collect()
}

#[test]
fn row_checks_ride_on_the_one_profiling_read_of_each_side() {
    let d = tempfile::tempdir().unwrap();
    // 30,000 rows: beyond the 10,000 distinct values kept exactly, so none of these counts can
    // come from the profile: each is made on the profiling read itself.
    let n = 30_000;
    let reference = one_read_rows(n, 11, 0.0);
    let mut current = one_read_rows(n, 12, 100.0);
    // 200 current rows copy reference rows (overlap), and so also duplicate nothing in current.
    for i in 0..200 {
        current[i * 7] = reference[i * 11].clone();
    }
    let write = |path: &str, rows: &[(u64, f64, String, String)]| {
        let body = csv(
            "id,x,s,contact",
            rows.iter().map(|(id, x, s, c)| format!("{id},{x},{s},{c}")),
        );
        fs::write(d.path().join(path), body).unwrap();
    };
    write("ref.csv", &reference);
    write("cur.csv", &current);
    fs::write(
        d.path().join("s.yaml"),
        "data:\n  reference: ref.csv\n  current: cur.csv\nroles:\n  id: id\nchecks:\n  \
         - check: integrity.value_range\n  - check: integrity.outlier_share\n  \
         - check: integrity.string_length\n  - check: integrity.duplicate_rows\n  \
         - check: integrity.id_unique\n  - check: leakage.train_test_overlap\n  \
         - check: privacy.pii\n",
    )
    .unwrap();
    let r = assay_in(d.path(), &["check", "s.yaml", "-o", "json=-"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["reference"]["reads"], 1, "{}", report["reference"]);
    assert_eq!(report["current"]["reads"], 1, "{}", report["current"]);
    let value = |id: &str, col: Option<&str>| -> &Value {
        let r = result(&report, id, col);
        assert_ne!(r["status"], "error", "{r}");
        r
    };
    // value_range: current x outside the reference's [min, max], counted from the rows.
    let (lo, hi) = reference
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
            (a.min(r.1), b.max(r.1))
        });
    let outside = current.iter().filter(|r| r.1 < lo || r.1 > hi).count();
    let vr = value("integrity.value_range", Some("x"));
    assert_eq!(
        vr["details"]["outside"].as_f64(),
        Some(outside as f64),
        "{vr}"
    );
    assert_eq!(vr["details"]["exact"], true);
    // outlier_share: outside the reference's fences, exactly: the fences from the reference's
    // exact quartiles (its values kept from its read; 30,000 distinct values are past the
    // exact counts), the reference's own share from them too.
    let os = value("integrity.outlier_share", Some("x"));
    let (flo, fhi) = (
        os["details"]["lower_fence"].as_f64().unwrap(),
        os["details"]["upper_fence"].as_f64().unwrap(),
    );
    let ref_x: Vec<f64> = reference.iter().map(|r| r.1).collect();
    assert_eq!((flo, fhi), exact_iqr_fences(&ref_x), "{os}");
    let ref_outside = ref_x.iter().filter(|x| **x < flo || **x > fhi).count();
    assert_eq!(
        os["details"]["reference_share"].as_f64(),
        Some(ref_outside as f64 / n as f64),
        "{os}"
    );
    let outliers = current.iter().filter(|r| r.1 < flo || r.1 > fhi).count();
    assert_eq!(
        os["details"]["outliers"].as_f64(),
        Some(outliers as f64),
        "{os}"
    );
    assert_eq!(os["details"]["exact_count"], true);
    // string_length: bounds from the reference's shortest and longest string.
    let len = |s: &str| s.chars().count();
    let (smin, smax) = reference.iter().fold((usize::MAX, 0), |(a, b), r| {
        (a.min(len(&r.2)), b.max(len(&r.2)))
    });
    let s_outside = current
        .iter()
        .filter(|r| len(&r.2) < smin || len(&r.2) > smax)
        .count();
    let sl = value("integrity.string_length", Some("s"));
    assert_eq!(
        sl["details"]["outside"].as_f64(),
        Some(s_outside as f64),
        "{sl}"
    );
    // duplicate_rows: rows equal to an earlier row.
    let mut seen = std::collections::HashSet::new();
    let dups = current
        .iter()
        .filter(|r| !seen.insert(format!("{}|{}|{}|{}", r.0, r.1, r.2, r.3)))
        .count();
    let dr = value("integrity.duplicate_rows", None);
    assert_eq!(
        dr["details"]["duplicates"].as_f64(),
        Some(dups as f64),
        "{dr}"
    );
    // id_unique: rows repeating an earlier id.
    let mut ids = std::collections::HashSet::new();
    let repeated = current.iter().filter(|r| !ids.insert(r.0)).count();
    let iu = value("integrity.id_unique", Some("id"));
    assert_eq!(iu["value"].as_f64(), Some(repeated as f64), "{iu}");
    // train_test_overlap: current rows (over every column but the id) found in the reference.
    let key = |r: &(u64, f64, String, String)| format!("{}|{}|{}", r.1, r.2, r.3);
    let in_reference: std::collections::HashSet<String> = reference.iter().map(key).collect();
    let overlapping = current
        .iter()
        .filter(|r| in_reference.contains(&key(r)))
        .count();
    assert!(overlapping >= 200, "{overlapping}");
    let ov = value("leakage.train_test_overlap", None);
    assert_eq!(
        ov["details"]["overlapping_rows"].as_f64(),
        Some(overlapping as f64),
        "{ov}"
    );
    // pii: the e-mail rows (every 100th, plus those copied from the reference).
    let emails = current.iter().filter(|r| r.3.contains('@')).count();
    let pii = value("privacy.pii", Some("contact"));
    let share = pii["value"].as_f64().unwrap();
    assert!(
        (share - emails as f64 / n as f64).abs() < 1e-12,
        "{share} vs {emails}/{n}: {pii}"
    );
}

#[test]
fn row_checks_on_the_read_keep_their_fallbacks_and_errors() {
    let d = tempfile::tempdir().unwrap();
    // `fresh` is only in the current data, with more distinct values than the exact cap: its
    // outlier fences come from the current data, so its count takes a row pass of its own.
    let n = 12_000;
    let reference = csv("x", (0..n).map(|i| format!("{}", i % 100)));
    let current = csv(
        "x,fresh",
        (0..n).map(|i| format!("{},{}", i % 100, if i < 30 { 1e9 } else { i as f64 })),
    );
    let (_, report) = run_suite(
        d.path(),
        &current,
        Some(&reference),
        "checks:\n  - check: integrity.outlier_share\n  - check: leakage.train_test_overlap\n    \
         columns: [fresh]\n",
    );
    let fresh = result(&report, "integrity.outlier_share", Some("fresh"));
    assert_eq!(fresh["details"]["fences_from"], "current", "{fresh}");
    assert_eq!(fresh["details"]["outliers"].as_f64(), Some(30.0), "{fresh}");
    assert_eq!(fresh["details"]["exact_count"], true, "{fresh}");
    // A column the reference lacks fails that check with the reason, not an internal error.
    let overlap = result(&report, "leakage.train_test_overlap", None);
    assert_eq!(overlap["status"], "error", "{overlap}");
    let message = overlap["message"].as_str().unwrap_or_default();
    assert!(message.contains("not in the reference data"), "{overlap}");
    // A bad parameter of a check whose rows are counted on the read is still a configuration
    // error (exit 2), found before reading.
    fs::write(d.path().join("text.csv"), "s\nabc\nde\n").unwrap();
    fs::write(
        d.path().join("bad.yaml"),
        "data:\n  current: text.csv\nchecks:\n  - check: integrity.string_length\n    \
         params: {min_length: -1}\n",
    )
    .unwrap();
    let r = assay_in(d.path(), &["check", "bad.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("min_length"), "{}", r.stderr);
}

/// Without a reference, outlier fences come from the current data's own quartiles, known only
/// once it is read: the values past the exact counts are kept from that read and counted after
/// it, so the file is still read once, and the count is exact (checked against the rows, given
/// the fences the report states). A column that stays within its exact counts is counted from
/// them.
#[test]
fn outlier_share_without_a_reference_counts_from_the_one_read() {
    let d = tempfile::tempdir().unwrap();
    let n = 30_000;
    let mut rng = Xorshift(5);
    let rows: Vec<(f64, i64)> = (0..n)
        .map(|i| {
            // Heavy tails: every 40th value far out, on either side.
            let base = (rng.next() % 1_000_000) as f64 / 1000.0;
            let x = match i % 40 {
                0 => base * 50.0,
                1 => -base * 50.0,
                _ => base,
            };
            (x, (rng.next() % 20) as i64 - (i % 500 == 0) as i64 * 1000)
        })
        .collect();
    let body = csv("x,k", rows.iter().map(|(x, k)| format!("{x},{k}")));
    fs::write(d.path().join("cur.csv"), body).unwrap();
    fs::write(
        d.path().join("s.yaml"),
        "data:\n  current: cur.csv\nchecks:\n  - check: integrity.outlier_share\n",
    )
    .unwrap();
    let r = assay_in(d.path(), &["check", "s.yaml", "-o", "json=-"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["current"]["reads"], 1, "{}", report["current"]);
    for (column, values) in [
        ("x", rows.iter().map(|r| r.0).collect::<Vec<f64>>()),
        ("k", rows.iter().map(|r| r.1 as f64).collect()),
    ] {
        let res = result(&report, "integrity.outlier_share", Some(column));
        let details = &res["details"];
        assert_eq!(details["exact_count"], true, "{res}");
        assert_eq!(details["fences_from"], "current", "{res}");
        let lo = details["lower_fence"].as_f64().unwrap();
        let hi = details["upper_fence"].as_f64().unwrap();
        // The fences from the exact quartiles of every value, whichever way they were kept.
        assert_eq!((lo, hi), exact_iqr_fences(&values), "{res}");
        let truth = values.iter().filter(|v| **v < lo || **v > hi).count();
        assert!(truth > 0, "{column}: the data has outliers");
        assert_eq!(details["outliers"].as_f64(), Some(truth as f64), "{res}");
        let share = res["value"].as_f64().unwrap();
        assert!((share - truth as f64 / n as f64).abs() < 1e-12, "{res}");
    }
}
