//! `assay evaluate` and the model/fairness checks end to end on the shipped Adult and bike
//! models, against scikit-learn and Fairlearn figures written by
//! `scripts/gen_evaluation_fixtures.py` (versions recorded in the fixture), and every bad input
//! of the model-evaluation issue.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

/// Metrics from the same prediction columns sklearn read: same numbers, float summation order.
const SAME_INPUT: f64 = 1e-9;
/// Probability metrics from the ONNX model run by assay (float32, ≤ 4.2e-7 from sklearn's
/// float64 probabilities): ranking and log-loss figures move by at most this much.
const ONNX_PROBA: f64 = 1e-5;

fn fixture() -> Value {
    let text = fs::read_to_string(repo(
        "crates/assay-cli/tests/fixtures/evaluation_parity.json",
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn results(report: &Value) -> &Vec<Value> {
    report["results"].as_array().expect("results")
}

fn one<'a>(report: &'a Value, id: &str, column: Option<&str>) -> &'a Value {
    results(report)
        .iter()
        .find(|r| r["id"] == id && r["column"].as_str() == column)
        .unwrap_or_else(|| panic!("no {id} [{column:?}] in {}", report))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "{what}: assay {got} vs reference {want} (tolerance {tol})"
    );
}

const ADULT_SCORED: &str = "examples/adult/adult_current_scored.csv";

fn evaluate(args: &[&str]) -> (Run, Value) {
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "json=-"]);
    let r = assay(&all);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let report = r.json();
    (r, report)
}

fn classification_metrics(report: &Value, want: &Value, proba_tol: f64) {
    for m in [
        "accuracy",
        "balanced_accuracy",
        "precision",
        "recall",
        "f1",
        "mcc",
        "cohen_kappa",
    ] {
        let r = one(report, &format!("model.{m}"), None);
        close(num(&r["value"]), num(&want[m]), SAME_INPUT, m);
        let (lo, hi) = (num(&r["details"]["ci_low"]), num(&r["details"]["ci_high"]));
        assert!(
            lo <= num(&r["value"]) && num(&r["value"]) <= hi,
            "{m} outside [{lo}, {hi}]"
        );
        assert!(hi - lo < 0.1, "{m} interval too wide: [{lo}, {hi}]");
    }
    for m in [
        "roc_auc",
        "average_precision",
        "log_loss",
        "brier",
        "calibration_error",
    ] {
        let r = one(report, &format!("model.{m}"), None);
        close(num(&r["value"]), num(&want[m]), proba_tol, m);
    }
    let cm = one(report, "model.confusion_matrix", None);
    let matrix = &cm["details"]["matrix"];
    for t in 0..2 {
        for p in 0..2 {
            assert_eq!(
                num(&matrix[t][p]),
                num(&want["confusion_matrix"][t][p]),
                "cell {t},{p}"
            );
        }
    }
    close(
        num(&one(report, "model.accuracy", None)["details"]["trivial_value"]),
        num(&want["majority_share"]),
        SAME_INPUT,
        "majority share",
    );
}

#[test]
fn adult_prediction_columns_match_sklearn_and_fairlearn() {
    let want = fixture();
    let (r, report) = evaluate(&[
        ADULT_SCORED,
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--prediction",
        "pred_gbt",
        "--probability",
        "proba_gbt",
        "--protected",
        "sex,race",
        "--bootstrap-rounds",
        "200",
    ]);
    let cols = &want["adult_columns"];
    classification_metrics(&report, cols, SAME_INPUT);
    // Every metric beats its trivial predictor; the DeLong interval of ROC AUC is analytic.
    let auc = one(&report, "model.roc_auc", None);
    assert_eq!(auc["status"], "pass");
    assert_eq!(auc["details"]["ci_method"], "delong");
    assert!(auc["details"]["roc_curve"]["fpr"].as_array().unwrap().len() <= 200);
    assert_eq!(
        one(&report, "model.accuracy", None)["details"]["ci_method"],
        "wilson"
    );
    // Fairness as Fairlearn, groups under 30 rows left out.
    let fair = &cols["fairness"];
    for attr in ["sex", "race", "sex × race"] {
        for m in [
            "demographic_parity_difference",
            "demographic_parity_ratio",
            "equalized_odds_difference",
            "equalized_odds_ratio",
            "equal_opportunity_difference",
        ] {
            let res = one(&report, &format!("fairness.{m}"), Some(attr));
            close(
                num(&res["value"]),
                num(&fair[attr][m]),
                SAME_INPUT,
                &format!("{m}[{attr}]"),
            );
            let (lo, hi) = (
                num(&res["details"]["ci_low"]),
                num(&res["details"]["ci_high"]),
            );
            assert!(lo <= hi, "{m}[{attr}] interval");
        }
        let groups = one(
            &report,
            "fairness.demographic_parity_difference",
            Some(attr),
        )["details"]["groups"]
            .as_object()
            .unwrap()
            .clone();
        for (g, rates) in fair[attr]["groups"].as_object().unwrap() {
            let got = &groups[g];
            assert_eq!(num(&got["count"]), num(&rates["count"]), "count of {g}");
            for k in [
                "selection_rate",
                "tpr",
                "fpr",
                "fnr",
                "accuracy",
                "precision",
            ] {
                if rates[k].is_number() && got[k].is_number() {
                    close(
                        num(&got[k]),
                        num(&rates[k]),
                        SAME_INPUT,
                        &format!("{k} of {g}"),
                    );
                }
            }
        }
    }
    // Sex: the selection-rate gap is 0.10 (> 0.1 fails), the four-fifths rule fails.
    assert_eq!(
        one(
            &report,
            "fairness.demographic_parity_difference",
            Some("sex")
        )["status"],
        "fail"
    );
    assert_eq!(
        one(&report, "fairness.disparate_impact", Some("sex"))["status"],
        "fail"
    );
    let excluded = one(
        &report,
        "fairness.demographic_parity_difference",
        Some("sex × race"),
    )["details"]["excluded_groups"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        excluded, 0,
        "all sex × race groups have at least 30 rows here"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn adult_onnx_model_run_by_assay_matches_sklearn() {
    let want = fixture();
    let (r, report) = evaluate(&[
        "examples/adult/adult_current.csv",
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--model",
        "examples/adult/models/adult_gbt.onnx",
        "--bootstrap-rounds",
        "100",
    ]);
    classification_metrics(&report, &want["adult_gbt_model"], ONNX_PROBA);
    assert_eq!(
        one(&report, "model.accuracy", None)["details"]["model"],
        "examples/adult/models/adult_gbt.onnx"
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn regression_gate_between_two_adult_model_versions() {
    let want = fixture();
    let gate = &want["gate_gbt_vs_lr"];
    // The gradient-boosted model replacing the logistic regression: better, the gate passes.
    let (r, report) = evaluate(&[
        "examples/adult/adult_current.csv",
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--model",
        "examples/adult/models/adult_gbt.onnx",
        "--baseline-model",
        "examples/adult/models/adult_lr.onnx",
        "--metrics",
        "accuracy,roc_auc",
        "--bootstrap-rounds",
        "100",
    ]);
    let acc = one(&report, "model.regression_gate", Some("accuracy"));
    assert_eq!(acc["status"], "pass");
    close(
        num(&acc["details"]["candidate"]),
        num(&want["adult_gbt_model"]["accuracy"]),
        SAME_INPUT,
        "candidate accuracy",
    );
    close(
        num(&acc["details"]["baseline"]),
        num(&want["adult_lr_model"]["accuracy"]),
        SAME_INPUT,
        "baseline accuracy",
    );
    assert_eq!(acc["details"]["test"], "mcnemar");
    close(
        num(&acc["details"]["p_value"]),
        num(&gate["mcnemar_p"]),
        1e-6,
        "McNemar p",
    );
    let auc = one(&report, "model.regression_gate", Some("roc_auc"));
    assert_eq!(auc["details"]["test"], "delong paired");
    assert!(num(&auc["value"]) < 0.0, "gbt ranks better than lr");
    // The metric's reference is the baseline's value.
    close(
        num(&one(&report, "model.accuracy", None)["details"]["baseline_value"]),
        num(&want["adult_lr_model"]["accuracy"]),
        SAME_INPUT,
        "baseline value on model.accuracy",
    );
    let stability = one(&report, "model.prediction_stability", None);
    close(
        num(&stability["value"]),
        num(&gate["changed_labels"]),
        SAME_INPUT,
        "changed labels",
    );
    assert_eq!(
        stability["status"], "fail",
        "6.7% of labels change: more than 5%"
    );
    assert_eq!(r.code, 1);

    // The other way round: a significant loss, the gate fails.
    let (r, report) = evaluate(&[
        "examples/adult/adult_current.csv",
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--model",
        "examples/adult/models/adult_lr.onnx",
        "--baseline-model",
        "examples/adult/models/adult_gbt.onnx",
        "--metrics",
        "accuracy",
        "--bootstrap-rounds",
        "100",
        "--tolerance",
        "0.01",
    ]);
    let acc = one(&report, "model.regression_gate", Some("accuracy"));
    assert_eq!(acc["status"], "fail");
    assert!((num(&acc["value"]) - 0.0249).abs() < 0.001, "{acc}");
    assert_eq!(r.code, 1);
}

#[test]
fn bike_regressor_run_by_assay_matches_sklearn() {
    let want = &fixture()["bike_gbr_model"];
    let (r, report) = evaluate(&[
        "examples/bike_sharing/half_b.csv",
        "--target",
        "cnt",
        "--model",
        "examples/bike_sharing/models/bike_gbr.onnx",
        "--bootstrap-rounds",
        "100",
    ]);
    // Tree sums in float32 (as onnxruntime): predictions within 2.2e-4 of sklearn's.
    for m in [
        "mae",
        "mse",
        "rmse",
        "r2",
        "explained_variance",
        "median_absolute_error",
        "max_error",
        "mape",
    ] {
        close(
            num(&one(&report, &format!("model.{m}"), None)["value"]),
            num(&want[m]),
            1e-5,
            m,
        );
    }
    assert!(results(&report).iter().all(|r| r["id"] != "model.accuracy"));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn bad_inputs_are_clear_errors_or_documented_results() {
    let dir = tempfile::tempdir().unwrap();
    // Probabilities outside [0, 1]: probability metrics are errors naming the column and row.
    let bad_p = write(
        dir.path(),
        "p.csv",
        "y,pred,p\n1,1,0.9\n0,0,1.5\n1,1,0.8\n0,1,0.6\n",
    );
    let (_, report) = evaluate(&[
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--probability",
        "p",
    ]);
    let auc = one(&report, "model.roc_auc", None);
    assert_eq!(auc["status"], "error");
    assert!(
        auc["message"]
            .as_str()
            .unwrap()
            .contains("probability 1.5 at data row 2 is outside [0, 1]"),
        "{auc}"
    );
    assert_eq!(one(&report, "model.accuracy", None)["value"], 0.75);
    // Per-class probabilities that do not sum to 1.
    let sums = write(dir.path(), "s.csv", "y,a,b\nx,0.5,0.2\nz,0.1,0.9\n");
    let (_, report) = evaluate(&[
        &sums,
        "--target",
        "y",
        "--probability",
        "a",
        "--probability",
        "b",
        "--classes",
        "x,z",
    ]);
    let ll = one(&report, "model.log_loss", None);
    assert!(
        ll["message"].as_str().unwrap().contains("sum to 0.7"),
        "{ll}"
    );
    // A target label the model's classes do not include (`>50K.` for `>50K`): exit 2,
    // naming the label, the row and the model's classes.
    let unknown = write(
        dir.path(),
        "unknown.csv",
        "age,fnlwgt,education-num,capital-gain,capital-loss,hours-per-week,income\n\
         39,77516,13,2174,0,40,<=50K\n50,83311,13,0,0,13,>50K.\n38,215646,9,0,0,40,>50K\n",
    );
    let r = assay(&[
        "evaluate",
        &unknown,
        "--target",
        "income",
        "--model",
        &repo("examples/adult/models/adult_gbt.onnx"),
    ]);
    assert_input_error(
        &r,
        &[
            "label `>50K.` (1 row(s), first at data row 2)",
            "classes: <=50K, >50K",
        ],
    );
    // A mistyped positive class is named as such.
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--positive-class",
        "yes",
    ]);
    assert_input_error(&r, &["positive_class `yes` is not a class"]);
    // A null or NaN model input: the row is left out and counted, never predicted from NaN.
    let nan = write(
        dir.path(),
        "nan.csv",
        "age,fnlwgt,education-num,capital-gain,capital-loss,hours-per-week,income\n\
         39,77516,13,2174,0,40,<=50K\n,83311,13,0,0,13,>50K\n38,215646,9,0,0,40,>50K\n\
         52,209642,9,0,0,45,<=50K\n",
    );
    let (_, report) = evaluate(&[
        &nan,
        "--target",
        "income",
        "--model",
        &repo("examples/adult/models/adult_lr.onnx"),
        "--bootstrap-rounds",
        "0",
    ]);
    let acc = one(&report, "model.accuracy", None);
    assert_eq!(num(&acc["details"]["n"]), 3.0);
    let left_out = acc["details"]["rows_left_out"].as_object().unwrap();
    assert_eq!(left_out.len(), 1, "{left_out:?}");
    let (reason, count) = left_out.iter().next().unwrap();
    assert!(reason.contains("null or non-finite `age`"), "{reason}");
    assert_eq!(count, 1);
    assert!(one(&report, "model.log_loss", None)["value"].is_number());
    // Too few bootstrap rounds for a percentile interval, a zero minimum slice size.
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--bootstrap-rounds",
        "2",
    ]);
    assert_input_error(&r, &["bootstrap_rounds must be 0", "at least 100"]);
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--min-slice-size",
        "0",
    ]);
    assert_input_error(&r, &["min_slice_size must be at least 1"]);
    // Metrics of the other task only: an error, not an empty pass.
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--metrics",
        "rmse",
    ]);
    assert_input_error(&r, &["--metrics rmse: none of these metrics applies"]);
    // A single class present: ROC AUC is undefined, an error result (not NaN).
    let single = write(
        dir.path(),
        "one.csv",
        "y,pred,p\n1,1,0.9\n1,0,0.4\n1,1,0.7\n",
    );
    let (_, report) = evaluate(&[
        &single,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--probability",
        "p",
        "--positive-class",
        "1",
    ]);
    let auc = one(&report, "model.roc_auc", None);
    assert_eq!(auc["status"], "error");
    assert!(auc["value"].is_null());
    // A model whose inputs the data lacks: exit 2, naming the model and the column.
    let r = assay(&[
        "evaluate",
        "examples/adult/adult_current.csv",
        "--target",
        "income-per-year",
        "--model",
        "examples/bike_sharing/models/bike_gbr.onnx",
    ]);
    assert_input_error(&r, &["bike_gbr.onnx", "needs column `season`"]);
    // A missing model file, a missing target column, a malformed slice.
    let r = assay(&["evaluate", &bad_p, "--target", "y", "--model", "nope.onnx"]);
    assert_input_error(&r, &["nope.onnx", "no such file"]);
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "label",
        "--prediction",
        "pred",
    ]);
    assert_input_error(&r, &["label"]);
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--slice",
        "y >>> 2",
    ]);
    assert_input_error(&r, &["slice `y >>> 2`"]);
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--slice",
        "y + 1",
    ]);
    assert_input_error(&r, &["not true/false"]);
    // Nothing to evaluate, and an unknown metric.
    let r = assay(&["evaluate", &bad_p, "--target", "y"]);
    assert_input_error(&r, &["--model", "--prediction"]);
    let r = assay(&[
        "evaluate",
        &bad_p,
        "--target",
        "y",
        "--prediction",
        "pred",
        "--metrics",
        "acuracy",
    ]);
    assert_input_error(&r, &["unknown metric `acuracy`"]);
}

#[test]
fn empty_slices_and_small_groups_are_skipped_with_the_reason() {
    let (_, report) = evaluate(&[
        ADULT_SCORED,
        "--null-value",
        "?",
        "--target",
        "income-per-year",
        "--prediction",
        "pred_gbt",
        "--slice",
        "age > 1000",
        "--slice",
        "age >= 60 and sex = 'Female'",
        "--protected",
        "race",
        "--min-group-size",
        "200",
        "--bootstrap-rounds",
        "0",
    ]);
    let empty = one(&report, "model.slices", Some("age > 1000"));
    assert_eq!(empty["status"], "skipped");
    assert!(
        empty["message"].as_str().unwrap().contains("0 rows"),
        "{empty}"
    );
    let seniors = one(
        &report,
        "model.slices",
        Some("age >= 60 and sex = 'Female'"),
    );
    // pandas: 247 rows with age >= 60 and sex == 'Female', 227 of them predicted right.
    assert_eq!(num(&seniors["details"]["n"]), 247.0);
    close(
        num(&seniors["value"]),
        227.0 / 247.0,
        SAME_INPUT,
        "slice accuracy",
    );
    let dp = one(
        &report,
        "fairness.demographic_parity_difference",
        Some("race"),
    );
    let excluded: Vec<String> = dp["details"]["excluded_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(excluded.contains(&"Other".to_string()), "{excluded:?}");
    assert_eq!(excluded, ["Amer-Indian-Eskimo", "Other"]);
}

#[test]
fn the_shipped_adult_evaluation_suite_passes_with_fairness_warnings() {
    let r = assay(&["check", "examples/adult/evaluate.yaml", "-o", "json=-"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let report = r.json();
    let want = fixture();
    close(
        num(&one(&report, "model.accuracy", None)["value"]),
        num(&want["adult_gbt_model"]["accuracy"]),
        SAME_INPUT,
        "accuracy",
    );
    // The recall condition is on the lower end of its Wilson interval.
    let recall = one(&report, "model.recall", None);
    assert_eq!(recall["value"], recall["details"]["ci_low"]);
    assert_eq!(recall["status"], "pass");
    for m in ["accuracy", "roc_auc", "log_loss"] {
        assert_eq!(
            one(&report, "model.regression_gate", Some(m))["status"],
            "pass",
            "{m}"
        );
    }
    assert_eq!(
        one(&report, "fairness.disparate_impact", Some("sex"))["status"],
        "warn"
    );
    assert_eq!(
        one(&report, "model.slices", Some("relationship=Wife"))["status"],
        "warn"
    );
    let weak = results(&report)
        .iter()
        .filter(|r| r["id"] == "model.weak_slices" && r["status"] == "warn")
        .count();
    assert_eq!(weak, 10, "the ten worst weak slices are reported");
}

/// The model evaluation takes its rows from the profiling read (kept in the file's order,
/// whatever the number of threads): the data is read once, and the report, bootstrap
/// intervals included, is the same on one thread and on three.
#[test]
fn evaluation_reads_the_data_once_and_reports_the_same_on_any_number_of_threads() {
    let run = |threads: &str| {
        let r = assay(&[
            "--threads",
            threads,
            "check",
            "examples/adult/evaluate.yaml",
            "-o",
            "json=-",
        ]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        r.json()
    };
    let one_thread = run("1");
    let three_threads = run("3");
    for report in [&one_thread, &three_threads] {
        assert_eq!(report["current"]["reads"], 1, "{}", report["current"]);
    }
    let recall = one(&one_thread, "model.recall", None);
    assert!(num(&recall["details"]["ci_low"]) < num(&recall["details"]["ci_high"]));
    assert_eq!(one_thread["results"], three_threads["results"]);
}
