//! `model.max_error`: Largest absolute error.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.max_error`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.max_error",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Largest absolute error.",
        computes: "max |y − ŷ| over the rows (rows of weight 0 left out), as sklearn.metrics.max_error.",
        why: "The worst case a user can meet.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the largest error of predicting the median",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn max_error.",
    },
    compute: support::max_error,
    trivial: support::median_max_error,
    trivial_name: "median predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::None,
};
