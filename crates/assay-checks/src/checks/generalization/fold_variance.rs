//! `generalization.fold_variance`: how much a metric varies from fold to fold.

use std::any::Any;

use assay_report::details::crossval::FoldVarianceDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::crossval::{
    crossval_needs, failures, fold_table, run_of, scale_dependent, selected, short,
};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::crossval::summarize;
use crate::validation::ValidationNeeds;

/// Spread of validation scores across folds.
pub struct FoldVariance;

impl Check for FoldVariance {
    fn id(&self) -> &'static str {
        "generalization.fold_variance"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Spread of a metric's validation score from fold to fold.",
            computes: "Over the cross-validation folds with a score: the standard deviation (sample, n − 1) for scale-free metrics (accuracy, AUC, F1, R², log loss, ...), the coefficient of variation sd / |mean| for metrics in the target's unit (MAE, MSE, RMSE, max and median absolute error); params.measure picks one. Details: mean, sd, cv, min, max and the range.",
            why: "A model whose score swings between folds depends on which rows it saw: its headline mean hides how unlucky the next training set can be.",
            parameters: "metric: metric name or list (default: every metric of validation.metrics); measure: sd or cv (default by metric, above).",
            default_condition: "sd <= 0.05; cv <= 0.1",
            exactness: "Exact.",
            references: "Kohavi (1995) 'A study of cross-validation and bootstrap for accuracy estimation and model selection'.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.1)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric", "measure"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        crossval_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let run = run_of(inputs)?;
        let measure = match inputs.param_str("measure")?.as_deref() {
            None => None,
            Some("cv") => Some(false),
            Some("sd") => Some(true),
            Some(o) => return Err(format!("params.measure must be cv or sd, got `{o}`")),
        };
        let mut out = Vec::new();
        for m in selected(inputs, run)? {
            let name = short(run.metrics[m].id);
            let use_sd = measure.unwrap_or(!scale_dependent(run.metrics[m].id));
            let scores = run.scores(m);
            let Some(s) = summarize(&scores, run.confidence).filter(|s| s.n >= 2) else {
                out.push(Measurement::error(
                    Some(name),
                    failures(run)
                        .unwrap_or_else(|| format!("{name}: fewer than two folds with a score")),
                ));
                continue;
            };
            let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let cv = if s.mean != 0.0 {
                s.sd / s.mean.abs()
            } else {
                f64::INFINITY
            };
            let value = if use_sd { s.sd } else { cv };
            let message = format!(
                "{name} varies from {min:.4} to {max:.4} over {} folds: sd {:.4}, coefficient of variation {:.4}",
                s.n, s.sd, cv
            );
            let mut measurement =
                Measurement::value(Some(name), value, message).with_details(&FoldVarianceDetails {
                    metric: Some(name.to_string()),
                    measure: Some(if use_sd { "sd" } else { "cv" }.to_string()),
                    mean: Some(s.mean),
                    sd: Some(s.sd),
                    cv: Some(cv).filter(|x| x.is_finite()),
                    min: Some(min),
                    max: Some(max),
                    range: Some(max - min),
                    folds: Some(fold_table(run, m)),
                });
            if !inputs.condition_is_explicit && use_sd {
                measurement.condition = Some(Condition::at_most(0.05));
            }
            measurement.failed_anyway = failures(run);
            out.push(measurement);
        }
        Ok(out)
    }
}
