//! Parity of the model-evaluation statistics with scikit-learn, Fairlearn, statsmodels,
//! numpy and scipy.
//!
//! The fixtures (`tests/fixtures/metric_parity.json`) are written by
//! `scripts/gen_metric_fixtures.py` (scikit-learn 1.9.1, fairlearn 0.15.0, statsmodels 0.15.0,
//! numpy 2.4.6, scipy 1.17.1). Every recorded value is checked; `null` means the reference
//! leaves the value undefined and assay must return `None`. A failure lists every case and
//! metric out of tolerance; the worst error per tolerance class is printed
//! (`cargo test -p assay-stats --test metrics_parity -- --nocapture`).

use assay_stats::metrics::bootstrap::Bootstrap;
use assay_stats::metrics::classification::{Average, Confusion};
use assay_stats::metrics::fairness::{
    demographic_parity_difference, demographic_parity_ratio, equal_opportunity_difference,
    equal_opportunity_ratio, equalized_odds_difference, equalized_odds_ratio, group_rates,
    GroupRates,
};
use assay_stats::metrics::intervals::{
    delong, delong_paired, normal_quantile, percentile_interval, wilson,
};
use assay_stats::metrics::probabilistic::{
    brier_score, expected_calibration_error, log_loss, reliability, top_label, ReliabilityBin,
};
use assay_stats::metrics::ranking::{roc_auc_ovr, RankedScores};
use assay_stats::metrics::regression::{
    explained_variance, max_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, median_absolute_error, r2_score, root_mean_squared_error,
};
use assay_stats::metrics::significance::mcnemar;
use serde_json::Value;

/// `|got - want| <= abs + rel * |want|`.
#[derive(Debug, Clone, Copy)]
struct Tol {
    name: &'static str,
    rel: f64,
    abs: f64,
}

/// Confusion cells, accuracy, precision / recall / F, balanced accuracy, MCC, kappa, group
/// rates and fairness disparities: ratios of (weighted) counts.
const COUNTS: Tol = Tol {
    name: "counts",
    rel: 1e-12,
    abs: 1e-15,
};
/// Log loss and Brier score: means of per-row losses (numpy sums pairwise, assay in order).
const LOSSES: Tol = Tol {
    name: "log loss / brier",
    rel: 1e-10,
    abs: 1e-15,
};
/// ROC AUC (binary and one-vs-rest) and average precision: assay sums trapezoids of the
/// unnormalised counts, scikit-learn integrates the normalised curve.
const AUC: Tol = Tol {
    name: "auc / ap",
    rel: 1e-10,
    abs: 1e-15,
};
/// ROC and precision-recall curve points and thresholds.
const CURVES: Tol = Tol {
    name: "curves",
    rel: 1e-12,
    abs: 1e-15,
};
/// Reliability-diagram bins, calibration_curve and the expected calibration error.
const CALIBRATION: Tol = Tol {
    name: "calibration",
    rel: 1e-12,
    abs: 1e-15,
};
/// Regression errors (MAE, MSE, RMSE, MAPE, median and max error).
const REGRESSION: Tol = Tol {
    name: "regression errors",
    rel: 1e-12,
    abs: 1e-15,
};
/// R² and explained variance (`1 - a / b`, where `a` and `b` are sums in different orders).
const EXPLAINED: Tol = Tol {
    name: "r2 / explained variance",
    rel: 1e-10,
    abs: 1e-12,
};
/// Test statistics (McNemar).
const STATISTIC: Tol = Tol {
    name: "statistics",
    rel: 1e-12,
    abs: 1e-15,
};
/// p-values (McNemar exact and chi-square, paired DeLong).
const P_VALUE: Tol = Tol {
    name: "p-values",
    rel: 1e-9,
    abs: 1e-300,
};
/// DeLong AUC (midranks vs the O(nm) pair count).
const DELONG_AUC: Tol = Tol {
    name: "delong auc",
    rel: 1e-12,
    abs: 1e-15,
};
/// DeLong variances and the paired z statistic.
const DELONG_VARIANCE: Tol = Tol {
    name: "delong variance / z",
    rel: 1e-9,
    abs: 1e-15,
};
/// Wilson bounds, percentile bounds and normal quantiles.
const INTERVAL: Tol = Tol {
    name: "intervals / quantiles",
    rel: 1e-12,
    abs: 1e-15,
};

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/metric_parity.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture file present");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn cases(fx: &Value, key: &str) -> Vec<Value> {
    fx[key].as_array().expect("case list").clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn labels(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("array of labels")
        .iter()
        .map(|x| u32::try_from(x.as_u64().expect("label")).expect("small label"))
        .collect()
}

fn weights(c: &Value) -> Option<Vec<f64>> {
    (!c["weights"].is_null()).then(|| floats(&c["weights"]))
}

/// Collects mismatches and the worst error per tolerance class.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    checked: usize,
    /// (tolerance class, worst relative error, worst absolute error, where)
    worst: Vec<(&'static str, f64, f64, String)>,
}

impl Report {
    fn value(&mut self, case: &str, what: &str, got: f64, want: f64, tol: Tol) {
        self.checked += 1;
        let err = (got - want).abs();
        let rel = if want != 0.0 { err / want.abs() } else { err };
        let place = format!("{case} / {what}");
        match self.worst.iter_mut().find(|w| w.0 == tol.name) {
            Some(w) => {
                if rel > w.1 {
                    w.1 = rel;
                    w.3 = place.clone();
                }
                w.2 = w.2.max(err);
            }
            None => self.worst.push((tol.name, rel, err, place.clone())),
        }
        // `got == want` covers infinities; NaN fails the comparison.
        let within = got == want || err <= tol.abs + tol.rel * want.abs();
        if !within {
            self.failures.push(format!(
                "{place}: got {got:e}, reference {want:e} (|diff| {err:e}, tolerance {})",
                tol.name
            ));
        }
    }

    /// A scalar that the reference may leave undefined (`null`).
    fn opt(&mut self, case: &str, what: &str, got: Option<f64>, want: &Value, tol: Tol) {
        match (got, want.as_f64()) {
            (None, None) if want.is_null() => self.checked += 1,
            (Some(g), Some(w)) => self.value(case, what, g, w, tol),
            (g, _) => self
                .failures
                .push(format!("{case} / {what}: got {g:?}, reference {want}")),
        }
    }

    /// A vector, compared element by element.
    fn vec(&mut self, case: &str, what: &str, got: &[f64], want: &Value, tol: Tol) {
        let want = floats(want);
        if got.len() != want.len() {
            self.failures.push(format!(
                "{case} / {what}: {} values, reference {}",
                got.len(),
                want.len()
            ));
            return;
        }
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            self.value(case, &format!("{what}[{i}]"), *g, *w, tol);
        }
    }

    fn exact<T: PartialEq + std::fmt::Debug>(&mut self, case: &str, what: &str, got: T, want: T) {
        self.checked += 1;
        if got != want {
            self.failures
                .push(format!("{case} / {what}: got {got:?}, reference {want:?}"));
        }
    }

    /// Whether an optional result is present exactly when the reference is not null.
    fn presence<T: std::fmt::Debug>(
        &mut self,
        case: &str,
        what: &str,
        got: &Option<T>,
        want: &Value,
    ) -> bool {
        self.checked += 1;
        match (got.is_some(), want.is_null()) {
            (true, false) => true,
            (false, true) => false,
            _ => {
                self.failures
                    .push(format!("{case} / {what}: got {got:?}, reference {want}"));
                false
            }
        }
    }

    fn reliability(&mut self, case: &str, what: &str, got: &[ReliabilityBin], want: &Value) {
        let pick = |f: fn(&ReliabilityBin) -> f64| got.iter().map(f).collect::<Vec<_>>();
        self.vec(
            case,
            &format!("{what}.lower"),
            &pick(|b| b.lower),
            &want["lower"],
            CALIBRATION,
        );
        self.vec(
            case,
            &format!("{what}.upper"),
            &pick(|b| b.upper),
            &want["upper"],
            CALIBRATION,
        );
        self.vec(
            case,
            &format!("{what}.weight"),
            &pick(|b| b.weight),
            &want["weight"],
            CALIBRATION,
        );
        self.vec(
            case,
            &format!("{what}.mean_predicted"),
            &pick(|b| b.mean_predicted),
            &want["mean_predicted"],
            CALIBRATION,
        );
        self.vec(
            case,
            &format!("{what}.fraction_positive"),
            &pick(|b| b.fraction_positive),
            &want["fraction_positive"],
            CALIBRATION,
        );
        self.opt(
            case,
            &format!("{what}.ece"),
            expected_calibration_error(got),
            &want["ece"],
            CALIBRATION,
        );
    }

    fn finish(self, test: &str) {
        eprintln!("{test}: {} values checked", self.checked);
        for (name, rel, abs, place) in &self.worst {
            eprintln!(
                "{test}: worst {name}: {rel:.3e} relative ({abs:.3e} absolute max) at {place}"
            );
        }
        assert!(self.checked > 0, "{test}: nothing checked");
        assert!(
            self.failures.is_empty(),
            "{test}: {} mismatches:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// Label metrics shared by the binary and multiclass cases.
fn check_label_metrics(r: &mut Report, name: &str, c: &Confusion, e: &Value) {
    r.vec(name, "confusion", &c.cells, &e["confusion"], COUNTS);
    r.opt(name, "accuracy", c.accuracy(), &e["accuracy"], COUNTS);
    r.opt(
        name,
        "balanced_accuracy",
        c.balanced_accuracy(),
        &e["balanced_accuracy"],
        COUNTS,
    );
    r.opt(name, "matthews", c.matthews(), &e["matthews"], COUNTS);
    r.opt(
        name,
        "cohen_kappa",
        c.cohen_kappa(),
        &e["cohen_kappa"],
        COUNTS,
    );
    type Scorer = fn(&Confusion, Average) -> Option<f64>;
    let scorers: [(&str, Scorer); 4] = [
        ("precision", |c, a| c.precision(a)),
        ("recall", |c, a| c.recall(a)),
        ("f1", |c, a| c.f1(a)),
        ("f2", |c, a| c.fbeta(2.0, a)),
    ];
    for (metric, score) in scorers {
        let want = &e[metric];
        for (key, average) in [
            ("micro", Average::Micro),
            ("macro", Average::Macro),
            ("weighted", Average::Weighted),
        ] {
            r.opt(
                name,
                &format!("{metric}.{key}"),
                score(c, average),
                &want[key],
                COUNTS,
            );
        }
        if c.k == 2 {
            let pos = Average::Binary { positive: 1 };
            r.opt(
                name,
                &format!("{metric}.binary"),
                score(c, pos),
                &want["binary"],
                COUNTS,
            );
        }
        let per_class: Vec<f64> = (0..c.k)
            .map(|k| score(c, Average::Binary { positive: k }).unwrap_or(f64::NAN))
            .collect();
        r.vec(
            name,
            &format!("{metric}.per_class"),
            &per_class,
            &want["per_class"],
            COUNTS,
        );
    }
}

#[test]
fn fixture_records_the_reference_versions() {
    let fx = fixture();
    assert_eq!(fx["versions"]["scikit-learn"], "1.9.1");
    assert_eq!(fx["versions"]["fairlearn"], "0.15.0");
    assert_eq!(fx["versions"]["statsmodels"], "0.15.0");
    assert_eq!(fx["versions"]["numpy"], "2.4.6");
    assert_eq!(fx["versions"]["scipy"], "1.17.1");
    assert_eq!(fx["delong_reference"], "direct O(nm) DeLong 1988 formula");
    assert!(cases(&fx, "binary").len() >= 10);
    assert!(cases(&fx, "multiclass").len() >= 5);
    assert!(cases(&fx, "regression").len() >= 8);
    assert!(cases(&fx, "fairness").len() >= 4);
}

#[test]
fn binary_metrics_match_sklearn() {
    let fx = fixture();
    let bins = usize::try_from(fx["n_bins"].as_u64().expect("n_bins")).expect("small");
    let mut r = Report::default();
    for c in cases(&fx, "binary") {
        let name = c["name"].as_str().expect("name");
        let e = &c["expected"];
        let y = labels(&c["y_true"]);
        let positive: Vec<bool> = y.iter().map(|&v| v == 1).collect();
        let scores = floats(&c["scores"]);
        let scores_b = floats(&c["scores_b"]);
        let threshold = c["threshold"].as_f64().expect("threshold");
        let w = weights(&c);
        let w = w.as_deref();
        let pred =
            |s: &[f64]| -> Vec<u32> { s.iter().map(|&p| u32::from(p >= threshold)).collect() };
        let (y_pred, y_pred_b) = (pred(&scores), pred(&scores_b));

        let confusion = Confusion::new(&y, &y_pred, w, 2);
        check_label_metrics(&mut r, name, &confusion, e);

        let proba: Vec<f64> = scores.iter().flat_map(|&p| [1.0 - p, p]).collect();
        r.opt(
            name,
            "log_loss",
            log_loss(&y, &proba, 2, w),
            &e["log_loss"],
            LOSSES,
        );
        r.opt(
            name,
            "brier",
            brier_score(&y, &proba, 2, w),
            &e["brier"],
            LOSSES,
        );

        let ranked = RankedScores::new(&scores).expect("finite scores");
        r.opt(
            name,
            "roc_auc",
            ranked.roc_auc(&positive, w),
            &e["roc_auc"],
            AUC,
        );
        r.opt(
            name,
            "average_precision",
            ranked.average_precision(&positive, w),
            &e["average_precision"],
            AUC,
        );
        let roc = ranked.roc_curve(&positive, w);
        if r.presence(name, "roc_curve", &roc, &e["roc_curve"]) {
            let roc = roc.expect("checked");
            let want = &e["roc_curve"];
            r.vec(name, "roc_curve.fpr", &roc.x, &want["fpr"], CURVES);
            r.vec(name, "roc_curve.tpr", &roc.y, &want["tpr"], CURVES);
            r.exact(
                name,
                "roc_curve.thresholds[0]",
                roc.thresholds.first().copied(),
                Some(f64::INFINITY),
            );
            let rest = roc.thresholds.get(1..).unwrap_or(&[]);
            r.vec(
                name,
                "roc_curve.thresholds",
                rest,
                &want["thresholds_after_inf"],
                CURVES,
            );
        }
        let pr = ranked.precision_recall_curve(&positive, w);
        if r.presence(name, "pr_curve", &pr, &e["pr_curve"]) {
            let pr = pr.expect("checked");
            let want = &e["pr_curve"];
            r.vec(name, "pr_curve.recall", &pr.x, &want["recall"], CURVES);
            r.vec(
                name,
                "pr_curve.precision",
                &pr.y,
                &want["precision"],
                CURVES,
            );
            r.vec(
                name,
                "pr_curve.thresholds",
                &pr.thresholds,
                &want["thresholds"],
                CURVES,
            );
        }

        let diagram = reliability(&positive, &scores, w, bins);
        if let Some(want) = e.get("calibration_curve") {
            let frac: Vec<f64> = diagram.iter().map(|b| b.fraction_positive).collect();
            let mean: Vec<f64> = diagram.iter().map(|b| b.mean_predicted).collect();
            r.vec(
                name,
                "calibration_curve.prob_true",
                &frac,
                &want["prob_true"],
                CALIBRATION,
            );
            r.vec(
                name,
                "calibration_curve.prob_pred",
                &mean,
                &want["prob_pred"],
                CALIBRATION,
            );
        }
        r.reliability(name, "reliability", &diagram, &e["reliability"]);

        let correct_a: Vec<bool> = y_pred.iter().zip(&y).map(|(p, t)| p == t).collect();
        let correct_b: Vec<bool> = y_pred_b.iter().zip(&y).map(|(p, t)| p == t).collect();
        let m = mcnemar(&correct_a, &correct_b);
        let want = &e["mcnemar"];
        r.exact(name, "mcnemar.b", m.b, want["b"].as_f64().expect("b"));
        r.exact(name, "mcnemar.c", m.c, want["c"].as_f64().expect("c"));
        r.exact(
            name,
            "mcnemar.exact",
            m.exact,
            want["exact"].as_bool().expect("exact"),
        );
        r.opt(
            name,
            "mcnemar.statistic",
            Some(m.statistic),
            &want["statistic"],
            STATISTIC,
        );
        r.opt(
            name,
            "mcnemar.p_value",
            Some(m.p_value),
            &want["p_value"],
            P_VALUE,
        );

        let want = &e["wilson_accuracy"];
        let successes = correct_a.iter().filter(|&&ok| ok).count() as f64;
        r.exact(
            name,
            "wilson.successes",
            successes,
            want["successes"].as_f64().expect("s"),
        );
        let interval = wilson(
            successes,
            y.len() as f64,
            want["confidence"].as_f64().expect("c"),
        );
        r.opt(
            name,
            "wilson.low",
            interval.map(|i| i.low),
            &want["low"],
            INTERVAL,
        );
        r.opt(
            name,
            "wilson.high",
            interval.map(|i| i.high),
            &want["high"],
            INTERVAL,
        );

        check_delong(&mut r, name, &positive, &scores, &scores_b, &e["delong"]);
    }
    r.finish("binary");
}

fn check_delong(r: &mut Report, name: &str, positive: &[bool], a: &[f64], b: &[f64], want: &Value) {
    let da = delong(positive, a);
    let db = delong(positive, b);
    let paired = delong_paired(positive, a, b);
    if want.is_null() {
        r.exact(
            name,
            "delong (undefined)",
            (da, db, paired),
            (None, None, None),
        );
        return;
    }
    r.opt(
        name,
        "delong.auc_a",
        da.map(|d| d.auc),
        &want["auc_a"],
        DELONG_AUC,
    );
    r.opt(
        name,
        "delong.variance_a",
        da.map(|d| d.variance),
        &want["variance_a"],
        DELONG_VARIANCE,
    );
    r.opt(
        name,
        "delong.auc_b",
        db.map(|d| d.auc),
        &want["auc_b"],
        DELONG_AUC,
    );
    r.opt(
        name,
        "delong.variance_b",
        db.map(|d| d.variance),
        &want["variance_b"],
        DELONG_VARIANCE,
    );
    if want["z"].is_null() {
        r.exact(name, "delong_paired (undefined)", paired, None);
        return;
    }
    r.opt(
        name,
        "delong.difference",
        paired.map(|p| p.difference),
        &want["difference"],
        DELONG_AUC,
    );
    r.opt(
        name,
        "delong.variance",
        paired.map(|p| p.variance),
        &want["variance"],
        DELONG_VARIANCE,
    );
    r.opt(
        name,
        "delong.z",
        paired.map(|p| p.z),
        &want["z"],
        DELONG_VARIANCE,
    );
    r.opt(
        name,
        "delong.p_value",
        paired.map(|p| p.p_value),
        &want["p_value"],
        P_VALUE,
    );
}

#[test]
fn multiclass_metrics_match_sklearn() {
    let fx = fixture();
    let bins = usize::try_from(fx["n_bins"].as_u64().expect("n_bins")).expect("small");
    let mut r = Report::default();
    for c in cases(&fx, "multiclass") {
        let name = c["name"].as_str().expect("name");
        let e = &c["expected"];
        let k = usize::try_from(c["k"].as_u64().expect("k")).expect("small");
        let y = labels(&c["y_true"]);
        let y_pred = labels(&c["y_pred"]);
        let proba = floats(&c["proba"]);
        let w = weights(&c);
        let w = w.as_deref();

        let confusion = Confusion::new(&y, &y_pred, w, k);
        check_label_metrics(&mut r, name, &confusion, e);
        r.opt(
            name,
            "log_loss",
            log_loss(&y, &proba, k, w),
            &e["log_loss"],
            LOSSES,
        );
        r.opt(
            name,
            "brier",
            brier_score(&y, &proba, k, w),
            &e["brier"],
            LOSSES,
        );
        r.opt(
            name,
            "roc_auc_ovr_macro",
            roc_auc_ovr(&y, &proba, k, w, false),
            &e["roc_auc_ovr_macro"],
            AUC,
        );
        r.opt(
            name,
            "roc_auc_ovr_weighted",
            roc_auc_ovr(&y, &proba, k, w, true),
            &e["roc_auc_ovr_weighted"],
            AUC,
        );

        let (correct, confidence) = top_label(&y, &proba, k);
        let want = &e["top_label"];
        let want_correct: Vec<bool> = want["correct"]
            .as_array()
            .expect("correct")
            .iter()
            .map(|v| v.as_bool().expect("bool"))
            .collect();
        r.exact(name, "top_label.correct", &correct, &want_correct);
        r.vec(
            name,
            "top_label.confidence",
            &confidence,
            &want["confidence"],
            CALIBRATION,
        );
        let diagram = reliability(&correct, &confidence, w, bins);
        r.reliability(
            name,
            "top_label.reliability",
            &diagram,
            &want["reliability"],
        );
    }
    r.finish("multiclass");
}

#[test]
fn regression_metrics_match_sklearn() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "regression") {
        let name = c["name"].as_str().expect("name");
        let e = &c["expected"];
        let y = floats(&c["y"]);
        let yhat = floats(&c["yhat"]);
        let w = weights(&c);
        let w = w.as_deref();
        r.opt(
            name,
            "mae",
            mean_absolute_error(&y, &yhat, w),
            &e["mae"],
            REGRESSION,
        );
        r.opt(
            name,
            "mse",
            mean_squared_error(&y, &yhat, w),
            &e["mse"],
            REGRESSION,
        );
        r.opt(
            name,
            "rmse",
            root_mean_squared_error(&y, &yhat, w),
            &e["rmse"],
            REGRESSION,
        );
        r.opt(
            name,
            "mape",
            mean_absolute_percentage_error(&y, &yhat, w),
            &e["mape"],
            REGRESSION,
        );
        r.opt(
            name,
            "median_ae",
            median_absolute_error(&y, &yhat, w),
            &e["median_ae"],
            REGRESSION,
        );
        r.opt(
            name,
            "max_error",
            max_error(&y, &yhat),
            &e["max_error"],
            REGRESSION,
        );
        r.opt(name, "r2", r2_score(&y, &yhat, w), &e["r2"], EXPLAINED);
        r.opt(
            name,
            "explained_variance",
            explained_variance(&y, &yhat, w),
            &e["explained_variance"],
            EXPLAINED,
        );
    }
    r.finish("regression");
}

#[test]
fn fairness_matches_fairlearn() {
    let fx = fixture();
    let mut r = Report::default();
    for c in cases(&fx, "fairness") {
        let name = c["name"].as_str().expect("name");
        let e = &c["expected"];
        let y: Vec<bool> = labels(&c["y_true"]).iter().map(|&v| v == 1).collect();
        let p: Vec<bool> = labels(&c["y_pred"]).iter().map(|&v| v == 1).collect();
        let groups = labels(&c["groups"]);
        let n_groups = usize::try_from(c["n_groups"].as_u64().expect("n_groups")).expect("small");
        let w = weights(&c);
        let rates = group_rates(&y, &p, &groups, n_groups, w.as_deref());
        let by = &c["by_group"];
        for (g, rate) in rates.iter().enumerate() {
            let at = |m: &str| by[m][g].clone();
            r.exact(
                name,
                &format!("count[{g}]"),
                rate.count,
                at("count").as_u64().expect("count"),
            );
            r.opt(
                name,
                &format!("selection_rate[{g}]"),
                rate.selection_rate,
                &at("selection_rate"),
                COUNTS,
            );
            r.opt(name, &format!("tpr[{g}]"), rate.tpr, &at("tpr"), COUNTS);
            r.opt(name, &format!("fpr[{g}]"), rate.fpr, &at("fpr"), COUNTS);
            r.opt(name, &format!("fnr[{g}]"), rate.fnr, &at("fnr"), COUNTS);
            r.opt(
                name,
                &format!("precision[{g}]"),
                rate.precision,
                &at("precision"),
                COUNTS,
            );
            r.opt(
                name,
                &format!("accuracy[{g}]"),
                rate.accuracy,
                &at("accuracy"),
                COUNTS,
            );
        }
        type Disparity = fn(&[GroupRates]) -> Option<f64>;
        let aggregates: [(&str, Disparity); 6] = [
            (
                "demographic_parity_difference",
                demographic_parity_difference,
            ),
            ("demographic_parity_ratio", demographic_parity_ratio),
            ("equalized_odds_difference", equalized_odds_difference),
            ("equalized_odds_ratio", equalized_odds_ratio),
            ("equal_opportunity_difference", equal_opportunity_difference),
            ("equal_opportunity_ratio", equal_opportunity_ratio),
        ];
        for (metric, f) in aggregates {
            r.opt(name, metric, f(&rates), &e[metric], COUNTS);
        }
    }
    r.finish("fairness");
}

#[test]
fn intervals_and_tests_match_statsmodels_numpy_scipy() {
    let fx = fixture();
    let mut r = Report::default();
    for (i, c) in cases(&fx, "wilson").iter().enumerate() {
        let name = format!("wilson[{i}]");
        let got = wilson(
            c["successes"].as_f64().expect("successes"),
            c["n"].as_f64().expect("n"),
            c["confidence"].as_f64().expect("confidence"),
        );
        r.opt(&name, "low", got.map(|g| g.low), &c["low"], INTERVAL);
        r.opt(&name, "high", got.map(|g| g.high), &c["high"], INTERVAL);
    }
    for (i, c) in cases(&fx, "mcnemar").iter().enumerate() {
        let name = format!("mcnemar[{i}]");
        let bools = |v: &Value| -> Vec<bool> {
            v.as_array()
                .expect("bools")
                .iter()
                .map(|b| b.as_bool().expect("bool"))
                .collect()
        };
        let m = mcnemar(&bools(&c["correct_a"]), &bools(&c["correct_b"]));
        r.exact(&name, "b", m.b, c["b"].as_f64().expect("b"));
        r.exact(&name, "c", m.c, c["c"].as_f64().expect("c"));
        r.exact(
            &name,
            "exact",
            m.exact,
            c["exact"].as_bool().expect("exact"),
        );
        r.opt(
            &name,
            "statistic",
            Some(m.statistic),
            &c["statistic"],
            STATISTIC,
        );
        r.opt(&name, "p_value", Some(m.p_value), &c["p_value"], P_VALUE);
    }
    for (i, c) in cases(&fx, "percentile").iter().enumerate() {
        let name = format!("percentile[{i}]");
        let got = percentile_interval(
            &floats(&c["values"]),
            c["confidence"].as_f64().expect("confidence"),
            "bootstrap",
        );
        r.opt(&name, "low", got.map(|g| g.low), &c["low"], INTERVAL);
        r.opt(&name, "high", got.map(|g| g.high), &c["high"], INTERVAL);
    }
    for c in cases(&fx, "ndtri") {
        let p = c["p"].as_f64().expect("p");
        r.opt(
            &format!("ndtri({p})"),
            "x",
            Some(normal_quantile(p)),
            &c["x"],
            INTERVAL,
        );
    }
    r.finish("intervals");
}

/// A deterministic sample with known mean: `mu + sd Φ⁻¹((i + ½) / n)`.
fn normal_scores_sample(n: usize, mu: f64, sd: f64) -> Vec<f64> {
    (0..n)
        .map(|i| mu + sd * normal_quantile((i as f64 + 0.5) / n as f64))
        .collect()
}

fn weighted_mean(x: &[f64]) -> impl Fn(&[f64]) -> Vec<Option<f64>> + Sync + Send + '_ {
    move |w: &[f64]| {
        let total: f64 = w.iter().sum();
        let sum: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum();
        vec![(total > 0.0).then(|| sum / total)]
    }
}

#[test]
fn bootstrap_percentile_interval_of_a_mean_has_normal_theory_width() {
    let (n, mu, sd) = (2000, 10.0, 2.0);
    let x = normal_scores_sample(n, mu, sd);
    let mean = x.iter().sum::<f64>() / n as f64;
    assert!((mean - mu).abs() < 1e-12);
    // Plug-in (ddof = 0) standard deviation: the bootstrap resamples the empirical law.
    let s = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let boot = Bootstrap {
        rounds: 2000,
        seed: 2026,
        confidence: 0.95,
    };
    let replicates = boot.replicates(n, None, 1, weighted_mean(&x));
    assert_eq!(replicates[0].len(), 2000);
    let interval = boot.interval(&replicates[0]).expect("replicates");
    assert!(interval.low < mu && mu < interval.high, "{interval:?}");
    let width = interval.high - interval.low;
    // z_0.975 = 1.959964 (scipy.stats.norm.ppf(0.975)), written out rather than taken from
    // `normal_quantile`, the code under test; the 10% tolerance below dwarfs its rounding.
    let normal_width = 2.0 * 1.959_964 * s / (n as f64).sqrt();
    let ratio = width / normal_width;
    eprintln!("bootstrap width {width:.6}, normal theory {normal_width:.6}, ratio {ratio:.4}");
    assert!((ratio - 1.0).abs() < 0.10, "width ratio {ratio}");
    // Deterministic: the same seed gives the same replicates.
    assert_eq!(boot.replicates(n, None, 1, weighted_mean(&x)), replicates);
}

#[test]
fn bootstrap_replicates_do_not_depend_on_the_thread_count() {
    let x = normal_scores_sample(3000, 0.0, 1.0);
    let boot = Bootstrap {
        rounds: 101,
        seed: 99,
        confidence: 0.9,
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| boot.replicates(x.len(), None, 1, weighted_mean(&x)))
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one[0].len(), 101);
    assert_eq!(one, two);
    // And stratified resampling too.
    let strata: Vec<u32> = (0..x.len()).map(|i| u32::from(x[i] > 0.5)).collect();
    let run_strat = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| boot.replicates_stratified(&strata, None, 1, weighted_mean(&x)))
    };
    assert_eq!(run_strat(1), run_strat(2));
}
