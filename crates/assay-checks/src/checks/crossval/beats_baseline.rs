//! `crossval.beats_baseline`: whether the model beats a trivial predictor trained on the
//! same folds, by the Nadeau–Bengio corrected resampled t-test.

use std::any::Any;

use statrs::distribution::{ContinuousCDF, StudentsT};

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
            let mut measurement = Measurement::value(Some(name), p, message)
                .detail("metric", name)
                .detail("mean_improvement", mean)
                .detail("t", if t.is_finite() { Some(t) } else { None })
                .detail("p_value", p)
                .detail("test_train_ratio", ratio)
                .detail("folds", fold_table(run, m));
            measurement.failed_anyway = failures(run);
            out.push(measurement);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_test_matches_hand_computation() {
        // d = [0.1, 0.2, 0.3]: mean 0.2, s² = 0.01, ratio 0.25 → var (1/3 + 0.25)·0.01.
        let (mean, t, p) = corrected_t_test(&[0.1, 0.2, 0.3], 0.25).unwrap();
        assert!((mean - 0.2).abs() < 1e-12);
        let expected_t = 0.2 / ((1.0 / 3.0 + 0.25) * 0.01f64).sqrt();
        assert!((t - expected_t).abs() < 1e-9);
        // scipy.stats.t.sf(2.618614682831909, 2) = 0.060058654935940134
        assert!((p - 0.060_058_654_935_940_13).abs() < 1e-9, "{p}");
        let (_, _, p) = corrected_t_test(&[0.1, 0.1], 0.2).unwrap();
        assert_eq!(p, 0.0);
        assert!(corrected_t_test(&[0.1], 0.2).is_none());
    }
}
