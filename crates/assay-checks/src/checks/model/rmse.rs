//! `model.rmse`: Root mean squared error.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.rmse`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.rmse",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Root mean squared error.",
        computes: "√MSE, as sklearn.metrics.root_mean_squared_error.",
        why: "MSE in the target's unit.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the RMSE of predicting the mean (the target's standard deviation)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn root_mean_squared_error.",
    },
    compute: |d, w| regression::root_mean_squared_error(d.y(), d.yhat(), w),
    trivial: |d, w| support::mean_mse(d, w).map(f64::sqrt),
    trivial_name: "mean predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(|d| support::error_terms(d, |e| e * e), f64::sqrt),
};
