//! `crossval.beats_baseline`: whether the model beats a trivial predictor trained on the
//! same folds, by the Nadeau–Bengio corrected resampled t-test.

use std::any::Any;

use statrs::distribution::{ContinuousCDF, StudentsT};

use assay_report::details::crossval::BeatsBaselineDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::model::metric::fmt_p;
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::{CrossvalRun, ValidationNeeds};

use super::{crossval_needs, failures, fold_table, run_of, selected, short};

/// The model against the trivial predictor, over folds.
pub struct BeatsBaseline;

/// One-sided corrected resampled t-test of the paired improvements `d` (positive: the model
/// is better) with test/train size ratio `ratio`: (mean, t, p).
pub fn corrected_t_test(d: &[f64], ratio: f64) -> Option<(f64, f64, f64)> {
    let n = d.len();
    if n < 2 {
        return None;
    }
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let corrected = (1.0 / n as f64 + ratio) * var;
    if corrected <= 0.0 {
        let p = if mean > 0.0 { 0.0 } else { 1.0 };
        let t = if mean > 0.0 {
            f64::INFINITY
        } else if mean < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        };
        return Some((mean, t, p));
    }
    let t = mean / corrected.sqrt();
    let dist = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?;
    Some((mean, t, 1.0 - dist.cdf(t)))
}

fn improvements(run: &CrossvalRun, m: usize) -> (Vec<f64>, f64) {
    let higher = run.metrics[m].higher_is_better;
    let mut d = Vec::new();
    let mut ratios = Vec::new();
    for f in &run.folds {
        if let (Some(Some(s)), Some(Some(t))) = (f.scores.get(m), f.trivial_scores.get(m)) {
            d.push(if higher { s - t } else { t - s });
            if f.train_rows > 0 {
                ratios.push(f.test_rows as f64 / f.train_rows as f64);
            }
        }
    }
    let ratio = if ratios.is_empty() {
        0.0
    } else {
        ratios.iter().sum::<f64>() / ratios.len() as f64
    };
    (d, ratio)
}

impl Check for BeatsBaseline {
    fn id(&self) -> &'static str {
        "crossval.beats_baseline"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Whether the cross-validated model is significantly better than a trivial predictor.",
            computes: "Per fold, the improvement of the model's validation score over a trivial predictor fitted on the same training rows (scikit-learn DummyClassifier(strategy='prior'): majority class, class shares as probabilities; DummyRegressor: the mean), oriented so positive is better. Value: the one-sided p-value of the Nadeau–Bengio corrected resampled t-test, t = mean / sqrt((1/n + n_test/n_train)·s²), n − 1 degrees of freedom. Details: the mean improvement and per-fold scores.",
            why: "A model that cannot beat predicting the majority class (or the mean) has learned nothing useful, however good its headline accuracy looks on imbalanced data.",
            parameters: "metric: one metric name or a list (default: every metric of validation.metrics).",
            default_condition: "< 0.05",
            exactness: "Exact scores; the test's variance correction accounts for overlapping training sets (Nadeau & Bengio, 2003). Needs at least two folds.",
            references: "Nadeau & Bengio (2003) 'Inference for the generalization error'; Bouckaert & Frank (2004); scikit-learn DummyClassifier / DummyRegressor.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::less_than(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        crossval_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let run = run_of(inputs)?;
        let mut out = Vec::new();
        for m in selected(inputs, run)? {
            let name = short(run.metrics[m].id);
            let (d, ratio) = improvements(run, m);
            let Some((mean, t, p)) = corrected_t_test(&d, ratio) else {
                let why = failures(run).unwrap_or_else(|| {
                    format!("{name}: fewer than two folds with a score and a trivial score")
                });
                out.push(Measurement::error(Some(name), why));
                continue;
            };
            let message = format!(
                "{name}: the model beats the trivial predictor by {mean:+.4} on average over {} \
                 folds (corrected t = {t:.2}, one-sided p = {})",
                d.len(),
                fmt_p(p)
            );
            let mut measurement =
                Measurement::value(Some(name), p, message).with_details(&BeatsBaselineDetails {
                    metric: Some(name.to_string()),
                    mean_improvement: Some(mean),
                    t: Some(t).filter(|x| x.is_finite()),
                    p_value: Some(p),
                    test_train_ratio: Some(ratio),
                    folds: Some(fold_table(run, m)),
                });
            measurement.failed_anyway = failures(run);
            out.push(measurement);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `corrected_t_test` cases of `tests/fixtures/reference_values.json`, written by
    /// `scripts/gen_reference_fixtures.py`: the Nadeau–Bengio formula written out in numpy 2.4.6
    /// with `scipy.stats.t.sf` (scipy 1.17.1) for the p-value (versions recorded in the file).
    fn reference_cases() -> Vec<serde_json::Value> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference_values.json"
        );
        let text = std::fs::read_to_string(path).expect("fixture file present");
        let all: serde_json::Value = serde_json::from_str(&text).expect("fixture is valid JSON");
        all["corrected_t_test"]
            .as_array()
            .expect("corrected_t_test cases")
            .clone()
    }

    fn number(v: &serde_json::Value) -> f64 {
        v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
    }

    /// Mean of the improvements: absolute (numpy sums pairwise, assay in order).
    const MEAN_TOL: f64 = 1e-12;
    /// t statistic: relative (the same few operations on the mean and the variance).
    const T_TOL: f64 = 1e-12;
    /// One-sided p-value: absolute, statrs' Student t CDF against scipy's t.sf (the tolerance
    /// of the hand-copied check this replaces).
    const P_TOL: f64 = 1e-9;

    #[test]
    fn corrected_test_matches_the_reference() {
        let cases = reference_cases();
        assert!(cases.len() >= 4);
        for c in &cases {
            let name = c["name"].as_str().expect("name");
            let d: Vec<f64> = c["d"].as_array().expect("d").iter().map(number).collect();
            let (mean, t, p) = corrected_t_test(&d, number(&c["ratio"])).unwrap();
            let (want_mean, want_t, want_p) =
                (number(&c["mean"]), number(&c["t"]), number(&c["p_value"]));
            assert!(
                (mean - want_mean).abs() <= MEAN_TOL,
                "{name}: mean {mean} vs {want_mean}"
            );
            assert!(
                (t - want_t).abs() <= T_TOL * want_t.abs(),
                "{name}: t {t} vs {want_t}"
            );
            assert!((p - want_p).abs() <= P_TOL, "{name}: p {p} vs {want_p}");
        }
    }

    #[test]
    fn corrected_test_by_hand_and_degenerate_cases() {
        // d = [0.1, 0.2, 0.3]: mean 0.2, s² = 0.01, ratio 0.25 → var (1/3 + 0.25)·0.01.
        let (mean, t, _) = corrected_t_test(&[0.1, 0.2, 0.3], 0.25).unwrap();
        assert!((mean - 0.2).abs() < 1e-12);
        let expected_t = 0.2 / ((1.0 / 3.0 + 0.25) * 0.01f64).sqrt();
        assert!((t - expected_t).abs() < 1e-9);
        // No spread: an infinite t, p = 0 for a positive mean (assay's convention; scipy
        // would divide by zero).
        let (_, t, p) = corrected_t_test(&[0.1, 0.1], 0.2).unwrap();
        assert_eq!(t, f64::INFINITY);
        assert_eq!(p, 0.0);
        assert!(corrected_t_test(&[0.1], 0.2).is_none());
    }
}
