//! Model validation end to end: `assay split`, `assay crossval` (built-in learners and a real
//! external trainer), `assay sensitivity`, `assay bench-model` and the shipped suites, against
//! scikit-learn figures written by `scripts/gen_validation_fixtures.py` (versions recorded in
//! the fixture), and the bad inputs of the model-validation issue.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// Scores of the same ONNX model (float32 thresholds on float32-exact Adult values) scored by
/// assay and by scikit-learn: identical predictions, float summation order.
const SAME_MODEL: f64 = 1e-6;
/// Ishigami indices from 8,192 base samples: the estimators' Monte-Carlo error.
const SOBOL_MC: f64 = 0.03;

fn fixture() -> Value {
    let text = fs::read_to_string(repo(
        "crates/assay-cli/tests/fixtures/validation_parity.json",
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: assay {got} vs reference {want} (tolerance {tol})"
    );
}

fn json_run(args: &[&str]) -> (Run, Value) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&["-o", "json=-"]);
    let r = assay(&all);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let report = r.json();
    (r, report)
}

fn results(report: &Value) -> &Vec<Value> {
    report["results"].as_array().expect("results")
}

fn find<'a>(report: &'a Value, id: &str, column: Option<&str>) -> &'a Value {
    results(report)
        .iter()
        .find(|r| r["id"] == id && r["column"].as_str() == column)
        .unwrap_or_else(|| panic!("no {id} [{column:?}] in {report}"))
}

/// `.venv-test/bin` (python3 with scikit-learn and skl2onnx), or `None` outside CI when it
/// is not installed.
fn trainer_python() -> Option<PathBuf> {
    let bin = root().join(".venv-test/bin");
    let ok = Command::new(bin.join("python3"))
        .args(["-c", "import sklearn, skl2onnx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(bin);
    }
    if std::env::var_os("CI").is_some() {
        panic!(".venv-test lacks scikit-learn/skl2onnx: .ci/run must install scripts/requirements-test.txt");
    }
    eprintln!("skipping: install scripts/requirements-test.txt into .venv-test");
    None
}

/// Runs assay in `dir` with `bin` first on PATH.
fn assay_with_path(dir: &Path, bin: &Path, args: &[&str]) -> Run {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PATH", path)
        .output()
        .expect("run assay");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn split_json(args: &[&str]) -> Value {
    let mut all = vec!["split"];
    all.extend_from_slice(args);
    let r = assay(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("folds JSON")
}

fn indices(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("indices")
        .iter()
        .map(|x| x.as_u64().expect("index"))
        .collect()
}

#[test]
fn split_matches_scikit_learn_fold_assignments() {
    let fx = fixture();
    let f = &fx["split"];
    // StratifiedKFold(5, shuffle=True, random_state=0) on the target.
    let folds = split_json(&[
        "examples/adult/adult_reference.csv",
        "--null-value",
        "?",
        "--splitter",
        "stratified_kfold",
        "--stratify",
        "income-per-year",
        "--folds",
        "5",
        "--shuffle",
        "--seed",
        "0",
    ]);
    assert_eq!(folds["n_rows"], f["adult_rows"]);
    let want = f["stratified_kfold_5_shuffle_seed0_test"]
        .as_array()
        .unwrap();
    let got = folds["folds"].as_array().unwrap();
    assert_eq!(got.len(), 5);
    let n = num(&f["adult_rows"]) as usize;
    for (g, w) in got.iter().zip(want) {
        assert_eq!(indices(&g["test"]), indices(w));
        // Train is every other row, ascending.
        let test = indices(&g["test"]);
        let train = indices(&g["train"]);
        assert_eq!(train.len() + test.len(), n);
        assert!(train.windows(2).all(|p| p[0] < p[1]));
    }
    // GroupKFold(3) on race (nulls a group of their own).
    let folds = split_json(&[
        "examples/adult/adult_reference.csv",
        "--null-value",
        "?",
        "--splitter",
        "group_kfold",
        "--group",
        "race",
        "--folds",
        "3",
    ]);
    let want = f["group_kfold_3_race_test"].as_array().unwrap();
    let got = folds["folds"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "group_kfold folds");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(indices(&g["test"]), indices(w));
    }
    // TimeSeriesSplit(4, test_size=1000, gap=24, max_train_size=5000).
    let folds = split_json(&[
        "examples/bike_sharing/half_a.csv",
        "--splitter",
        "time_series",
        "--folds",
        "4",
        "--test-size",
        "1000",
        "--gap",
        "24",
        "--max-train-size",
        "5000",
    ]);
    let want = f["time_series_4_test1000_gap24_max5000"]
        .as_array()
        .unwrap();
    let got = folds["folds"].as_array().unwrap();
    assert_eq!(got.len(), want.len(), "time_series folds");
    for (g, w) in got.iter().zip(want) {
        for key in ["train", "test"] {
            let got = indices(&g[key]);
            let (lo, hi) = (w[key][0].as_u64().unwrap(), w[key][1].as_u64().unwrap());
            assert_eq!(got, (lo..hi).collect::<Vec<u64>>(), "{key}");
        }
    }
}

#[test]
fn crossval_with_the_example_external_trainer_matches_scikit_learn() {
    let Some(bin) = trainer_python() else { return };
    let r = assay_with_path(
        &root(),
        &bin,
        &[
            "crossval",
            "examples/adult/adult_reference.csv",
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--trainer",
            "python3 examples/adult/train.py {train} {model}",
            "--folds",
            "3",
            "--shuffle",
            "--seed",
            "1",
            "--metrics",
            "roc_auc,accuracy,log_loss",
            "-o",
            "json=-",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let report = r.json();
    let fx = fixture();
    let want = fx["crossval_trainer"]["folds"].as_array().unwrap();
    for metric in ["roc_auc", "accuracy", "log_loss"] {
        let res = find(&report, "crossval.score", Some(metric));
        let folds = res["details"]["folds"].as_array().unwrap();
        assert_eq!(folds.len(), 3);
        let mut mean = 0.0;
        for (g, w) in folds.iter().zip(want) {
            close(num(&g["score"]), num(&w[metric]), SAME_MODEL, metric);
            mean += num(&w[metric]) / 3.0;
        }
        close(num(&res["value"]), mean, SAME_MODEL, "mean");
        assert!(num(&res["details"]["ci_low"]) < mean && mean < num(&res["details"]["ci_high"]));
    }
    for (g, w) in find(&report, "crossval.score", Some("accuracy"))["details"]["folds"]
        .as_array()
        .unwrap()
        .iter()
        .zip(want)
    {
        close(
            num(&g["train_score"]),
            num(&w["train_accuracy"]),
            SAME_MODEL,
            "train accuracy",
        );
    }
    let beats = find(&report, "crossval.beats_baseline", Some("roc_auc"));
    assert_eq!(beats["status"], "pass");
    assert!(num(&beats["details"]["mean_improvement"]) > 0.3);
}

/// A trainer that fails on fold 1 and copies a fixed model otherwise.
fn flaky_trainer(dir: &Path) -> String {
    let script = dir.join("trainer.sh");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$ASSAY_FOLD\" = 1 ]; then echo 'boom: out of GPU memory' >&2; exit 3; fi\ncp '{}' \"$2\"\n",
            repo("examples/adult/models/adult_gbt.onnx")
        ),
    )
    .unwrap();
    format!("sh {} {{train}} {{model}}", script.display())
}

#[test]
fn a_failing_trainer_marks_its_fold_and_the_others_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let trainer = flaky_trainer(dir.path());
    let (r, report) = json_run(&[
        "crossval",
        "examples/adult/adult_current.csv",
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--trainer",
        &trainer,
        "--folds",
        "3",
        "--metrics",
        "accuracy",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let res = find(&report, "crossval.score", Some("accuracy"));
    assert_eq!(res["status"], "fail");
    assert_eq!(res["details"]["failed_folds"], 1);
    assert!(res["message"]
        .as_str()
        .unwrap()
        .contains("1 of 3 folds failed"));
    let folds = res["details"]["folds"].as_array().unwrap();
    assert_eq!(folds[1]["status"], "error");
    let err = folds[1]["error"].as_str().unwrap();
    assert!(
        err.contains("boom: out of GPU memory") && err.contains("fold 1"),
        "{err}"
    );
    for f in [&folds[0], &folds[2]] {
        assert_eq!(f["status"], "ok");
        let s = num(&f["score"]);
        assert!(s > 0.8 && s < 0.9, "{s}");
    }
    // The two good folds' mean is the value.
    close(
        num(&res["value"]),
        (num(&folds[0]["score"]) + num(&folds[2]["score"])) / 2.0,
        1e-12,
        "mean of the good folds",
    );
    // A trainer that exits 0 without writing the model.
    let (r, report) = json_run(&[
        "crossval",
        "examples/adult/adult_current.csv",
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--trainer",
        "true {train} {model}",
        "--folds",
        "2",
        "--metrics",
        "accuracy",
    ]);
    assert_eq!(r.code, 1);
    let res = find(&report, "crossval.score", Some("accuracy"));
    assert_eq!(res["status"], "error");
    assert!(
        res["message"].as_str().unwrap().contains("model"),
        "{}",
        res["message"]
    );
}

#[test]
fn builtin_linear_regression_matches_scikit_learn_per_fold() {
    let (r, report) = json_run(&[
        "crossval",
        "examples/bike_sharing/half_a.csv",
        "--target",
        "cnt",
        "--learner",
        "linear_regression",
        "--features",
        "season,yr,mnth,hr,holiday,weekday,workingday,weathersit,temp,atemp,hum,windspeed",
        "--splitter",
        "kfold",
        "--folds",
        "5",
        "--metrics",
        "rmse,mae,r2",
    ]);
    // The linear model beats the mean predictor on every metric (scikit-learn on the same
    // folds: mean rmse 141.1 vs 181.2, mae 110.4 vs 146.3, r2 0.236 vs -0.296) and
    // significantly so (Nadeau–Bengio one-sided p = 0.006, 0.010, 0.028 < 0.05, computed with
    // numpy/scipy from the fixture's folds and DummyRegressor's scores). The overfitting and
    // fold-variance checks of `assay crossval` are warnings, which do not change the exit code:
    // the run passes.
    // VERIFY: exit code 0 derived from the figures above, not yet observed by running the test.
    assert_eq!(r.code, 0, "{}\n{report}", r.stderr);
    for metric in ["rmse", "mae", "r2"] {
        let score = find(&report, "crossval.score", Some(metric));
        assert_eq!(score["status"], "pass", "{metric}: {score}");
        let beats = find(&report, "crossval.beats_baseline", Some(metric));
        assert_eq!(beats["status"], "pass", "{metric}: {beats}");
        assert!(num(&beats["value"]) < 0.05, "{metric}: {beats}");
    }
    let fx = fixture();
    let want = fx["crossval_linear"]["folds"].as_array().unwrap();
    for metric in ["rmse", "mae", "r2"] {
        let folds = find(&report, "crossval.score", Some(metric))["details"]["folds"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(folds.len(), 5);
        for (g, w) in folds.iter().zip(want) {
            close(num(&g["score"]), num(&w[metric]), 1e-6, metric);
        }
    }
}

#[test]
fn builtin_learners_on_adult_with_categorical_features_beat_the_baseline() {
    for (learner, params) in [
        ("logistic_regression", vec![]),
        (
            "random_forest",
            vec!["--param", "trees=15", "--param", "max_depth=8"],
        ),
    ] {
        let mut args = vec![
            "crossval",
            "examples/adult/adult_current.csv",
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--learner",
            learner,
            "--folds",
            "3",
            "--metrics",
            "roc_auc,accuracy",
        ];
        args.extend(params);
        let (r, report) = json_run(&args);
        // Both learners beat the trivial predictor on both metrics by a wide margin (scikit-learn
        // stand-ins on the same StratifiedKFold(3): accuracy +0.09 over the 76% majority class
        // on every fold, AUC +0.40; Nadeau–Bengio p < 0.001), and the generalization checks of
        // `assay crossval` only warn: the run passes.
        // VERIFY: exit code 0 derived from the figures above, not yet observed by running the
        // test.
        assert_eq!(r.code, 0, "{learner}: {}\n{report}", r.stderr);
        let auc = find(&report, "crossval.score", Some("roc_auc"));
        assert_eq!(auc["status"], "pass", "{learner}: {auc}");
        assert!(num(&auc["value"]) > 0.85, "{learner}: {}", auc["value"]);
        for metric in ["roc_auc", "accuracy"] {
            let beats = find(&report, "crossval.beats_baseline", Some(metric));
            assert_eq!(beats["status"], "pass", "{learner} {metric}: {beats}");
        }
        assert_eq!(
            find(&report, "crossval.score", Some("accuracy"))["status"],
            "pass",
            "{learner}"
        );
        assert!(auc["details"]["training"]
            .as_str()
            .unwrap()
            .contains(learner));
    }
}

/// A suite asking for a seed on an unshuffled k-fold (and the directory holding it).
fn empty_dir_for_seed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("seed.yaml");
    fs::write(
        &suite,
        format!(
            "data: {{ current: {} }}\nroles: {{ target: income-per-year }}\nvalidation: {{ splitter: kfold, seed: 4, learner: decision_tree }}\nchecks:\n  - check: crossval.score\n",
            repo("examples/adult/adult_current.csv")
        ),
    )
    .unwrap();
    (dir, suite)
}

fn ishigami(method: &str, extra: &[&str]) -> Value {
    let pi = std::f64::consts::PI.to_string();
    let bounds: Vec<String> = ["x1", "x2", "x3"]
        .iter()
        .map(|x| format!("{x}=-{pi}:{pi}"))
        .collect();
    let model = repo("crates/assay-cli/tests/fixtures/ishigami.onnx");
    let mut args = vec!["sensitivity", model.as_str(), "--method", method];
    for b in &bounds {
        args.extend(["--bounds", b.as_str()]);
    }
    args.extend_from_slice(extra);
    let (r, report) = json_run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    report
}

#[test]
fn sobol_indices_of_an_onnx_ishigami_model_match_the_analytic_values() {
    let fx = fixture();
    let report = ishigami("sobol", &["--samples", "8192", "--seed", "3"]);
    for (i, x) in ["x1", "x2", "x3"].iter().enumerate() {
        let r = find(&report, "sensitivity.sobol", Some(x));
        let d = &r["details"];
        close(num(&d["s1"]), num(&fx["ishigami"]["s1"][i]), SOBOL_MC, "S1");
        close(num(&d["st"]), num(&fx["ishigami"]["st"][i]), SOBOL_MC, "ST");
        assert!(num(&d["s1_conf"]) > 0.0 && num(&d["st_conf"]) > 0.0);
        assert_eq!(d["evaluations"], 8192 * 5);
        assert_eq!(num(&r["value"]), num(&d["st"]));
    }
    // Morris ranks x1 first and x3's effects as interaction-heavy (σ > μ*... at least large).
    let report = ishigami("morris", &["--samples", "200", "--levels", "4"]);
    let mu_star =
        |x: &str| num(&find(&report, "sensitivity.morris", Some(x))["details"]["mu_star"]);
    assert!(mu_star("x1") > mu_star("x3") && mu_star("x2") > 0.0);
    // OAT at the nominal point (0, 0, 0): x2 swings 7·sin² from 0 to 7; x3 acts only through
    // sin(x1) = 0, so one-at-a-time sees nothing (which Sobol's ST3 = 0.24 does see).
    let report = ishigami("oat", &["--levels", "5"]);
    close(
        num(&find(&report, "sensitivity.oat", Some("x2"))["value"]),
        7.0,
        1e-9,
        "x2 swing",
    );
    close(
        num(&find(&report, "sensitivity.oat", Some("x3"))["value"]),
        0.0,
        1e-12,
        "x3 swing",
    );
}

#[test]
fn adult_sensitivity_suite_runs_every_analysis() {
    let r = assay(&["check", "examples/adult/sensitivity.yaml", "-o", "json=-"]);
    let report = r.json();
    // Every fail-severity check of the suite passes or is skipped: Sobol, Morris, OAT and
    // permutation importance are informational, counterfactual invariance is skipped (sex is not
    // a model input), and the inference budgets (p99 < 5 ms at batch 1, >= 20,000 rows/s,
    // memory <= 1 GiB, load <= 5 s) are far above what the GBT model needs (README: p50 7 µs at
    // batch 1). Noise, monotonicity, fnlwgt's Sobol bound and the regression against the
    // baseline model are warnings. So nothing fails and the run exits 0; the budgets are the
    // only figures measured on the machine (a heavily loaded machine could break them, and the
    // failing results are then listed below).
    // VERIFY: exit code 0 derived from the suite's conditions, not yet observed by running the
    // test.
    let failing: Vec<String> = results(&report)
        .iter()
        .filter(|x| x["status"] == "fail" || x["status"] == "error")
        .map(|x| format!("{} [{}]: {}", x["id"], x["column"], x["message"]))
        .collect();
    assert!(failing.is_empty(), "{failing:#?}\n{}", r.stderr);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for f in [
        "age",
        "fnlwgt",
        "education-num",
        "capital-gain",
        "capital-loss",
        "hours-per-week",
    ] {
        let s = find(&report, "sensitivity.sobol", Some(f));
        for k in ["s1", "st", "s1_conf", "st_conf"] {
            assert!(s["details"][k].is_number(), "{f} {k}");
        }
        assert!(find(&report, "sensitivity.morris", Some(f))["details"]["mu_star"].is_number());
        assert!(find(&report, "sensitivity.permutation_importance", Some(f))["value"].is_number());
    }
    // The sampling weight barely matters; capital gain matters most for this model.
    let st = |f: &str| num(&find(&report, "sensitivity.sobol", Some(f))["details"]["st"]);
    assert!(st("fnlwgt") < 0.05, "{}", st("fnlwgt"));
    let imp = |f: &str| num(&find(&report, "sensitivity.permutation_importance", Some(f))["value"]);
    assert!(imp("capital-gain") > imp("fnlwgt"));
    let cf = find(&report, "fairness.counterfactual_invariance", Some("sex"));
    assert_eq!(cf["status"], "skipped");
    assert!(cf["message"].as_str().unwrap().contains("not an input"));
    let noise = find(&report, "robustness.noise", None);
    let flip = num(&noise["value"]);
    assert!(flip > 0.0 && flip < 0.2, "{flip}");
    let lat = find(&report, "performance.latency", Some("batch 1"));
    assert!(num(&lat["details"]["p50_ms"]) <= num(&lat["details"]["p99_ms"]));
}

#[test]
fn counterfactual_invariance_on_a_model_that_reads_the_attribute() {
    // Bike model reads `workingday`: declared protected for the test, changing it alone moves
    // predictions of most rows.
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.yaml");
    fs::write(
        &suite,
        format!(
            "data: {{ current: {} }}\nroles: {{ target: cnt, protected: [workingday, hr] }}\n\
             evaluation: {{ model: {} }}\nchecks:\n  - check: fairness.counterfactual_invariance\n    params: {{ max_rows: 500, tolerance: 1.0 }}\n",
            repo("examples/bike_sharing/half_a.csv"),
            repo("examples/bike_sharing/models/bike_gbr.onnx")
        ),
    )
    .unwrap();
    let r = assay(&["check", suite.to_str().unwrap(), "-o", "json=-"]);
    let report = r.json();
    let w = find(
        &report,
        "fairness.counterfactual_invariance",
        Some("workingday"),
    );
    assert_eq!(w["status"], "fail");
    let share = num(&w["value"]);
    assert!(share > 0.3 && share <= 1.0, "{share}");
    assert_eq!(w["details"]["rows"], 500);
    assert_eq!(w["details"]["values"].as_array().unwrap().len(), 2);
}

#[test]
fn bench_model_reports_latency_percentiles_and_enforces_budgets() {
    let model = "examples/adult/models/adult_gbt.onnx";
    let quick = [
        "--batch-sizes",
        "1,16",
        "--seconds",
        "0.05",
        "--iterations",
        "5",
        "--warmup",
        "1",
        "--throughput-threads",
        "1,2",
        "--throughput-rows",
        "4000",
    ];
    let mut args = vec!["bench-model", model];
    args.extend_from_slice(&quick);
    args.extend(["--baseline-model", "examples/adult/models/adult_lr.onnx"]);
    let (r, report) = json_run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for b in ["batch 1", "batch 16"] {
        let l = find(&report, "performance.latency", Some(b));
        let d = &l["details"];
        let (p50, p90, p99, max) = (
            num(&d["p50_ms"]),
            num(&d["p90_ms"]),
            num(&d["p99_ms"]),
            num(&d["max_ms"]),
        );
        assert!(p50 > 0.0 && p50 <= p90 && p90 <= p99 && p99 <= max, "{d}");
        assert!(num(&d["iterations"]) >= 5.0);
        let counted: u64 = d["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, d["iterations"].as_u64().unwrap());
    }
    assert!(num(&find(&report, "performance.throughput", Some("2 threads"))["value"]) > 0.0);
    assert!(
        find(&report, "performance.regression", Some("batch 1"))["details"]["baseline_ms"]
            .is_number()
    );
    // An impossible budget fails the run (exit 1); a malformed one is an input error.
    let mut args = vec!["bench-model", model];
    args.extend_from_slice(&quick);
    args.extend(["--budget", "p99@1<0.000001"]);
    let (r, report) = json_run(&args);
    assert_eq!(r.code, 1);
    let budget = results(&report)
        .iter()
        .find(|x| x["id"] == "performance.latency" && x["status"] == "fail")
        .expect("failed budget");
    assert_eq!(budget["column"], "batch 1");
    assert_input_error(
        &assay(&["bench-model", model, "--budget", "p42@1<5"]),
        &["--budget", "p42@1<5"],
    );
}

#[test]
fn validation_bad_inputs_are_clear_errors() {
    // A class with fewer members than folds.
    assert_input_error(
        &assay(&[
            "split",
            "examples/adult/adult_reference.csv",
            "--splitter",
            "stratified_kfold",
            "--stratify",
            "race",
            "--folds",
            "400",
        ]),
        &["stratified_kfold", "class", "400"],
    );
    // Fewer groups than folds.
    assert_input_error(
        &assay(&[
            "split",
            "examples/adult/adult_reference.csv",
            "--splitter",
            "group_kfold",
            "--group",
            "sex",
            "--folds",
            "3",
        ]),
        &["group_kfold", "3"],
    );
    assert_input_error(
        &assay(&[
            "split",
            "examples/adult/adult_reference.csv",
            "--splitter",
            "kfoldd",
        ]),
        &["kfoldd"],
    );
    assert_input_error(
        &assay(&[
            "split",
            "examples/adult/adult_reference.csv",
            "--splitter",
            "kfold",
            "--seed",
            "3",
        ]),
        &["--shuffle"],
    );
    assert_input_error(
        &assay(&[
            "split",
            "examples/bike_sharing/half_a.csv",
            "--splitter",
            "time_series",
            "--seed",
            "3",
        ]),
        &["--seed", "time_series"],
    );
    assert_input_error(
        &assay(&[
            "split",
            "examples/bike_sharing/half_a.csv",
            "--splitter",
            "time_series",
            "--shuffle",
        ]),
        &["--shuffle", "time_series"],
    );
    // A suite seed on a k-fold splitter without shuffle is refused too.
    let seeded = empty_dir_for_seed();
    assert_input_error(
        &assay(&["check", seeded.1.to_str().unwrap()]),
        &["validation.seed", "shuffle"],
    );
    let empty_dir = tempfile::tempdir().unwrap();
    let empty = empty_dir.path().join("empty.csv");
    fs::write(&empty, "").unwrap();
    assert_input_error(
        &assay(&["split", empty.to_str().unwrap(), "--splitter", "kfold"]),
        &["empty.csv"],
    );
    // Learner / trainer problems.
    let adult = "examples/adult/adult_current.csv";
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--target",
            "income-per-year",
            "--learner",
            "svm",
        ]),
        &["svm", "logistic_regression"],
    );
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--target",
            "income-per-year",
            "--trainer",
            "python train.py {trian} {model}",
        ]),
        &["{trian}"],
    );
    assert_input_error(
        &assay(&["crossval", adult, "--target", "income-per-year"]),
        &["--learner", "--trainer"],
    );
    assert_input_error(
        &assay(&["crossval", adult, "--target", "nope", "--learner", "ridge"]),
        &["nope"],
    );
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--target",
            "income-per-year",
            "--learner",
            "random_forest",
            "--param",
            "trees=0",
        ]),
        &["trees"],
    );
    // Sensitivity: outside a declared domain, no distribution, missing and corrupt models.
    let model = "examples/adult/models/adult_gbt.onnx";
    assert_input_error(
        &assay(&[
            "sensitivity",
            model,
            "--data",
            adult,
            "--null-value",
            "?",
            "--bounds",
            "age=0:150",
            "--domain",
            "age=17:90",
        ]),
        &["age", "domain", "[17, 90]"],
    );
    assert_input_error(
        &assay(&["sensitivity", model, "--bounds", "age=17:90"]),
        &["fnlwgt", "--bounds"],
    );
    assert_input_error(
        &assay(&["sensitivity", "nope.onnx", "--bounds", "a=0:1"]),
        &["nope.onnx"],
    );
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.onnx");
    fs::write(&corrupt, b"not a model").unwrap();
    assert_input_error(
        &assay(&[
            "sensitivity",
            corrupt.to_str().unwrap(),
            "--bounds",
            "a=0:1",
        ]),
        &["corrupt.onnx"],
    );
    assert_input_error(
        &assay(&[
            "sensitivity",
            model,
            "--method",
            "sobol",
            "--bounds",
            "age=90:17",
        ]),
        &["--bounds", "age=90:17"],
    );
    // The target among the features; a learner that does not fit the target; a class too
    // small, by its label; a fold per group of a 15,000-value column.
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--learner",
            "decision_tree",
            "--features",
            "age,income-per-year",
        ]),
        &["income-per-year", "features"],
    );
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--learner",
            "linear_regression",
        ]),
        &["linear_regression", "classification", "income-per-year"],
    );
    assert_input_error(
        &assay(&[
            "split",
            "examples/adult/adult_reference.csv",
            "--splitter",
            "stratified_kfold",
            "--stratify",
            "age",
            "--folds",
            "5",
        ]),
        &["class `", "of column `age`"],
    );
    assert_input_error(
        &assay(&[
            "crossval",
            adult,
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--learner",
            "decision_tree",
            "--splitter",
            "leave_one_group_out",
            "--group",
            "fnlwgt",
        ]),
        &["leave_one_group_out", "folds", "1000"],
    );
    // Benchmark data with a header and no rows.
    let header_only = dir.path().join("header.csv");
    fs::write(&header_only, "age,fnlwgt\n").unwrap();
    assert_input_error(
        &assay(&[
            "bench-model",
            model,
            "--data",
            header_only.to_str().unwrap(),
        ]),
        &["header.csv", "no rows"],
    );
    // Out-of-range section values are configuration errors with their line, never a panic
    // or a hang.
    for (section, line, needle) in [
        (
            "validation:\n  learner: decision_tree\n  confidence: 1.5\n",
            "crossval.score",
            "validation.confidence",
        ),
        (
            "sensitivity:\n  block_rows: 0\n",
            "sensitivity.sobol",
            "sensitivity.block_rows",
        ),
        (
            "performance:\n  throughput_rows: 0\n",
            "performance.throughput",
            "performance.throughput_rows",
        ),
        (
            "sensitivity:\n  domains: { age: [90, 17] }\n",
            "sensitivity.oat",
            "sensitivity.domains.age",
        ),
    ] {
        let suite = dir.path().join("range.yaml");
        fs::write(
            &suite,
            format!(
                "data: {{ current: {} }}\nroles: {{ target: income-per-year }}\nevaluation: {{ model: {} }}\n{section}checks:\n  - check: {line}\n",
                repo(adult),
                repo(model)
            ),
        )
        .unwrap();
        let r = assay(&["check", suite.to_str().unwrap()]);
        assert_input_error(&r, &[needle, "range.yaml:"]);
    }
    // A malformed validation section names the key and line.
    let suite = dir.path().join("bad.yaml");
    fs::write(
        &suite,
        format!(
            "data: {{ current: {} }}\nroles: {{ target: income-per-year }}\nvalidation:\n  folds: 3\n  learnr: ridge\nchecks:\n  - check: crossval.score\n",
            repo(adult)
        ),
    )
    .unwrap();
    assert_input_error(&assay(&["check", suite.to_str().unwrap()]), &["learnr"]);
}

#[test]
fn validate_suite_example_runs_with_the_external_trainer() {
    let Some(bin) = trainer_python() else { return };
    let r = assay_with_path(
        &root(),
        &bin,
        &["check", "examples/adult/validate.yaml", "-o", "json=-"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let report = r.json();
    assert_eq!(
        find(&report, "crossval.score", Some("roc_auc"))["status"],
        "pass"
    );
    let unseen = find(&report, "generalization.unseen_segments", Some("race"));
    assert!(unseen["details"]["values"].as_array().unwrap().len() >= 4);
    let joint = find(&report, "generalization.validation_coverage", None);
    assert!(num(&joint["value"]) < 0.01);
    let country = find(
        &report,
        "generalization.validation_coverage",
        Some("native-country"),
    );
    assert_eq!(
        country["details"]["unseen"][0]["value"],
        "Holand-Netherlands"
    );
}

/// Cross-validation on the reference, model evaluation on the current data and the current
/// data's coverage by the reference in one suite: all take their rows from the profiling
/// reads, so each file is read once; the folds and scores are the same on one thread and on
/// three.
#[test]
fn crossval_and_evaluation_share_the_one_read_of_each_side() {
    let d = tempfile::tempdir().unwrap();
    let adult = |f: &str| repo(&format!("examples/adult/{f}"));
    fs::write(
        d.path().join("s.yaml"),
        format!(
            "data:\n  reference: {}\n  current: {}\n  csv: {{ null_values: [\"?\"] }}\n\
             roles:\n  target: income-per-year\n\
             validation:\n  data: reference\n  splitter: stratified_kfold\n  folds: 3\n  \
             shuffle: true\n  seed: 1\n  learner: decision_tree\n  metrics: [accuracy]\n\
             evaluation:\n  model: {}\n  positive_class: \">50K\"\n  bootstrap_rounds: 100\n  \
             seed: 7\n\
             checks:\n  - check: crossval.score\n    params: {{ metric: accuracy }}\n  \
             - check: generalization.fold_variance\n  - check: model.accuracy\n  \
             - check: generalization.validation_coverage\n",
            adult("adult_reference.csv"),
            adult("adult_current.csv"),
            adult("models/adult_gbt.onnx"),
        ),
    )
    .unwrap();
    let run = |threads: &str| {
        let r = assay_in(
            d.path(),
            &["--threads", threads, "check", "s.yaml", "-o", "json=-"],
        );
        assert_ne!(r.code, 2, "{}", r.stderr);
        r.json()
    };
    let one_thread = run("1");
    let three_threads = run("3");
    for report in [&one_thread, &three_threads] {
        assert_eq!(report["reference"]["reads"], 1, "{}", report["reference"]);
        assert_eq!(report["current"]["reads"], 1, "{}", report["current"]);
        for r in results(report) {
            assert_ne!(r["status"], "error", "{r}");
        }
    }
    let score = find(&one_thread, "crossval.score", Some("accuracy"));
    assert!(num(&score["value"]) > 0.7, "{score}");
    let joint = find(&one_thread, "generalization.validation_coverage", None);
    assert!(num(&joint["value"]) < 0.01, "{joint}");
    let country = find(
        &one_thread,
        "generalization.validation_coverage",
        Some("native-country"),
    );
    assert_eq!(
        country["details"]["unseen"][0]["value"],
        "Holand-Netherlands"
    );
    // Everything but the folds' training times.
    fn untimed(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| k.as_str() != "seconds")
                    .map(|(k, v)| (k.clone(), untimed(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(untimed).collect()),
            other => other.clone(),
        }
    }
    assert_eq!(
        untimed(&one_thread["results"]),
        untimed(&three_threads["results"])
    );
}
