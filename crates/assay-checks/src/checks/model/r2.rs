//! `model.r2`: Coefficient of determination.

use assay_stats::metrics::regression;

use super::metric::{MetricSpec, Needs, Shortcut};
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.r2`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.r2",
    task: EvalTask::Regression,
    needs: Needs::Values,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Coefficient of determination.",
        computes: "1 − SS_res / SS_tot (weighted), as sklearn.metrics.r2_score (force_finite).",
        why: "Share of the target's variance the model explains; 0 is the mean predictor.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> 0 (better than predicting the mean)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn r2_score.",
    },
    compute: |d, w| regression::r2_score(d.y(), d.yhat(), w),
    trivial: |_, _| Some(0.0),
    trivial_name: "mean predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::None,
};
