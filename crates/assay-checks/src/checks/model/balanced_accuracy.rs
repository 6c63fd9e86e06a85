//! `model.balanced_accuracy`: Mean recall over the classes present in the target.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.balanced_accuracy`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.balanced_accuracy",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Mean recall over the classes present in the target.",
        computes: "The average of per-class recall over classes present in the target, as sklearn.metrics.balanced_accuracy_score (adjusted=False).",
        why: "Accuracy that a model cannot inflate by favouring the majority class.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> 1 / (number of classes present) (chance)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn balanced_accuracy_score.",
    },
    compute: |d, w| d.confusion(w).balanced_accuracy(),
    trivial: support::chance,
    trivial_name: "chance",
    analytic: None,
    details: None,
    shortcut: Shortcut::Confusion(|c, _| c.balanced_accuracy()),
};
