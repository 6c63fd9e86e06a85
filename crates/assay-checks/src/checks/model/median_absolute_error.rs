//! `model.median_absolute_error`: Median absolute error.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.median_absolute_error`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.median_absolute_error",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Median absolute error.",
        computes: "The (weighted) median of |y − ŷ|, as sklearn.metrics.median_absolute_error.",
        why: "Typical error, robust to a few wild ones.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the median absolute error of predicting the median",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn median_absolute_error.",
    },
    compute: |d, w| regression::median_absolute_error(d.y(), d.yhat(), w),
    trivial: support::median_medae,
    trivial_name: "median predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::None,
};
