//! `model.explained_variance`: Explained variance score.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.explained_variance`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.explained_variance",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Explained variance score.",
        computes: "1 − Var(y − ŷ) / Var(y) (weighted), as sklearn.metrics.explained_variance_score (force_finite).",
        why: "Like R² but blind to a constant bias.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> 0",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn explained_variance_score.",
    },
    compute: |d, w| regression::explained_variance(d.y(), d.yhat(), w),
    trivial: |_, _| Some(0.0),
    trivial_name: "mean predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::None,
};
