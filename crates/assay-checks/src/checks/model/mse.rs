//! `model.mse`: Mean squared error.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.mse`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.mse",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Mean squared error.",
        computes: "Σ w (y − ŷ)² / Σ w, as sklearn.metrics.mean_squared_error.",
        why: "Penalises large errors more than small ones.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the MSE of predicting the mean (the target's variance)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn mean_squared_error.",
    },
    compute: |d, w| regression::mean_squared_error(d.y(), d.yhat(), w),
    trivial: support::mean_mse,
    trivial_name: "mean predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(|d| support::error_terms(d, |e| e * e), |m| m),
};
