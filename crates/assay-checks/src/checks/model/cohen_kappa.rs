//! `model.cohen_kappa`: Agreement between predicted and true classes beyond chance.

use super::metric::{MetricSpec, Needs, Shortcut};
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.cohen_kappa`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.cohen_kappa",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Agreement between predicted and true classes beyond chance.",
        computes: "Cohen's kappa (unweighted), as sklearn.metrics.cohen_kappa_score.",
        why: "Accuracy corrected for the agreement expected by chance.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> 0 (better than chance)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn cohen_kappa_score; Cohen (1960).",
    },
    compute: |d, w| d.confusion(w).cohen_kappa(),
    trivial: |_, _| Some(0.0),
    trivial_name: "chance",
    analytic: None,
    details: None,
    shortcut: Shortcut::Confusion(|c, _| c.cohen_kappa()),
};
