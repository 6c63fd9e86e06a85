//! `model.average_precision`: Area under the precision-recall curve (step-wise).

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.average_precision`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.average_precision",
    task: EvalTask::Classification,
    needs: Needs::Probabilities,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Area under the precision-recall curve (step-wise).",
        computes: "Average precision of the positive class's probability, Σ (R_n − R_{n−1}) P_n, as sklearn.metrics.average_precision_score; with more than two classes, the macro average of one-vs-rest average precisions over the classes present in the target. Details: the precision-recall curve (at most 200 points).",
        why: "Ranking quality where positives are rare and false alarms matter.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> the prevalence of the positive class (a random ranking's expected value)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn average_precision_score.",
    },
    compute: support::average_precision,
    trivial: support::prevalence,
    trivial_name: "random ranking",
    analytic: None,
    details: Some(support::pr_details),
    shortcut: Shortcut::None,
};
