//! `generalization.overfitting`: how much worse a model scores on validation rows than on
//! the rows it was trained on, averaged over cross-validation folds.

use std::any::Any;

use assay_report::details::crossval::OverfittingDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::crossval::{
    crossval_needs, failures, fold_table, run_of, scale_dependent, selected, short,
};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

/// Train − validation gap per metric.
pub struct Overfitting;

impl Check for Overfitting {
    fn id(&self) -> &'static str {
        "generalization.overfitting"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Gap between training and validation scores over cross-validation folds (overfitting).",
            computes: "Per fold, the metric on the fold's training rows minus the metric on its validation rows, oriented so that a positive gap means worse on validation (train − validation for higher-is-better metrics, validation − train for losses); the value is the mean over folds. With params.relative: true (the default for metrics in the target's unit: MAE, MSE, RMSE, max and median absolute error), each gap is divided by the absolute training score.",
            why: "A model that fits its training rows much better than unseen rows has memorized noise; its validation score will not hold in production either as the data moves.",
            parameters: "metric: metric name or list (default: every metric of validation.metrics); relative: gap relative to the training score (default: true for the metrics in the target's unit — mae, mse, rmse, max_error, median_absolute_error — false for the others).",
            default_condition: "<= 0.05",
            exactness: "Exact.",
            references: "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning §7.4; scikit-learn cross_validate(return_train_score=True).",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric", "relative"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        crossval_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let run = run_of(inputs)?;
        let relative_param = inputs.param_bool("relative")?;
        let mut out = Vec::new();
        for m in selected(inputs, run)? {
            let spec = run.metrics[m];
            let relative = relative_param.unwrap_or_else(|| scale_dependent(spec.id));
            let name = short(spec.id);
            let gaps: Vec<f64> = run
                .folds
                .iter()
                .filter_map(|f| {
                    let (Some(Some(tr)), Some(Some(va))) = (f.train_scores.get(m), f.scores.get(m))
                    else {
                        return None;
                    };
                    let gap = if spec.higher_is_better {
                        tr - va
                    } else {
                        va - tr
                    };
                    if relative {
                        (tr.abs() > 0.0).then(|| gap / tr.abs())
                    } else {
                        Some(gap)
                    }
                })
                .collect();
            if gaps.is_empty() {
                out.push(Measurement::error(
                    Some(name),
                    failures(run).unwrap_or_else(|| format!("{name}: no fold has both scores")),
                ));
                continue;
            }
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let largest = gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let train = run.train_scores(m);
            let valid = run.scores(m);
            let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            let message = format!(
                "{name}: training {:.4}, validation {:.4}: mean {}gap {mean:+.4} (largest fold {largest:+.4})",
                avg(&train),
                avg(&valid),
                if relative { "relative " } else { "" },
            );
            let mut measurement =
                Measurement::value(Some(name), mean, message).with_details(&OverfittingDetails {
                    metric: Some(name.to_string()),
                    train_mean: Some(avg(&train)),
                    validation_mean: Some(avg(&valid)),
                    largest_gap: Some(largest),
                    relative: Some(relative),
                    folds: Some(fold_table(run, m)),
                });
            measurement.failed_anyway = failures(run);
            out.push(measurement);
        }
        Ok(out)
    }
}
