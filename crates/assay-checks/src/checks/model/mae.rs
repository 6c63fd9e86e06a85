//! `model.mae`: Mean absolute error.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.mae`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.mae",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Mean absolute error.",
        computes: "Σ w |y − ŷ| / Σ w, as sklearn.metrics.mean_absolute_error.",
        why: "The typical size of an error, in the target's unit.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the MAE of predicting the median",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn mean_absolute_error.",
    },
    compute: |d, w| regression::mean_absolute_error(d.y(), d.yhat(), w),
    trivial: support::median_mae,
    trivial_name: "median predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(|d| support::error_terms(d, |e| e.abs()), |m| m),
};
