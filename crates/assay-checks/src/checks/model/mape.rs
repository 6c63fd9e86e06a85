//! `model.mape`: Mean absolute percentage error.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.mape`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.mape",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Mean absolute percentage error.",
        computes: "Σ w |y − ŷ| / max(|y|, ε) / Σ w, as sklearn.metrics.mean_absolute_percentage_error (a share, not a percentage; huge where y is near 0).",
        why: "Relative error, comparable across targets of different scale.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the MAPE of predicting the median",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn mean_absolute_percentage_error.",
    },
    compute: |d, w| regression::mean_absolute_percentage_error(d.y(), d.yhat(), w),
    trivial: support::median_mape,
    trivial_name: "median predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(support::ape_terms, |m| m),
};
