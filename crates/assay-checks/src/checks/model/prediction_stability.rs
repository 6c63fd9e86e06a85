//! `model.prediction_stability`: how many predictions change from the baseline model to the
//! model under test on the same rows (a golden-set test).

use std::any::Any;

use assay_report::details::model::StabilityDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::evaluation::EvalTask;

/// Prediction stability against the baseline.
pub struct PredictionStability;

impl Check for PredictionStability {
    fn id(&self) -> &'static str {
        "model.prediction_stability"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of rows whose prediction changes between the baseline and the model under test.",
            computes: "Classification: the weighted share of rows whose predicted label differs; details give the largest and mean absolute change of any class probability. Regression: the share of rows whose prediction moves by more than params.tolerance (default 0, any change); details give the largest and mean absolute change.",
            why: "On a golden set whose answers are trusted, a new model that changes many predictions changes behaviour users rely on, even at equal accuracy.",
            parameters: "tolerance: regression predictions closer than this count as unchanged (default 0).",
            default_condition: "<= 0.05",
            exactness: "Exact.",
            references: "Golden-set regression testing (Breck et al., 2017, 'The ML test score').",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["tolerance"]
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        let Some(base) = &frame.baseline else {
            return Ok(vec![Measurement::skipped(
                None,
                "no baseline: give evaluation.baseline_model (--baseline-model) or \
                 roles.baseline_prediction (--baseline-prediction)",
            )]);
        };
        let cand = &frame.candidate;
        let weight = |i: usize| frame.weights.as_ref().map_or(1.0, |w| w[i]);
        let n = frame.rows();
        let total: f64 = (0..n).map(weight).sum();
        if total <= 0.0 {
            return Ok(vec![Measurement::error(None, "all weights are zero")]);
        }
        let tolerance = inputs.param_non_negative("tolerance")?.unwrap_or(0.0);
        let (changed, max_change, mean_change, what) = match frame.task {
            EvalTask::Classification => {
                let changed: f64 = (0..n)
                    .filter(|i| cand.labels[*i] != base.labels[*i])
                    .map(weight)
                    .sum();
                let (mut max, mut sum) = (None::<f64>, 0.0);
                if let (Some(pc), Some(pb)) = (&cand.probabilities, &base.probabilities) {
                    let k = frame.k();
                    for i in 0..n {
                        let d = (0..k)
                            .map(|c| (pc[i * k + c] - pb[i * k + c]).abs())
                            .fold(0.0, f64::max);
                        max = Some(max.map_or(d, |m| m.max(d)));
                        sum += d * weight(i);
                    }
                }
                (changed, max, max.map(|_| sum / total), "probability")
            }
            EvalTask::Regression => {
                let mut changed = 0.0;
                let (mut max, mut sum) = (0.0f64, 0.0);
                for i in 0..n {
                    let d = (cand.values[i] - base.values[i]).abs();
                    if d > tolerance {
                        changed += weight(i);
                    }
                    max = max.max(d);
                    sum += d * weight(i);
                }
                (changed, Some(max), Some(sum / total), "prediction")
            }
        };
        let share = changed / total;
        let mut message = format!("{} of rows change prediction", pct(share));
        if let Some(m) = max_change {
            message.push_str(&format!("; largest {what} change {m:.4}"));
        }
        Ok(vec![Measurement::value(None, share, message).with_details(
            &StabilityDetails {
                changed: Some(changed),
                rows: Some(n as u64),
                max_change,
                mean_change,
                candidate_model: Some(cand.name.clone()),
                baseline_model: Some(base.name.clone()),
                ..StabilityDetails::default()
            },
        )])
    }
}
