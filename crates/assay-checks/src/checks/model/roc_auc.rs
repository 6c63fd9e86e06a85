//! `model.roc_auc`: Area under the ROC curve.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.roc_auc`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.roc_auc",
    task: EvalTask::Classification,
    needs: Needs::Probabilities,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Area under the ROC curve.",
        computes: "The area under the ROC curve of the positive class's probability (binary), or the one-vs-rest average over classes (params.multi_class macro or weighted), as sklearn.metrics.roc_auc_score. Details: the ROC curve (at most 200 points).",
        why: "How well the scores rank positives above negatives, whatever the threshold.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). multi_class: macro (default) or weighted, for more than two classes. ",
        default_condition: "> 0.5 (better than random ranking)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: DeLong (binary, unweighted), else a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn roc_auc_score; DeLong, DeLong & Clarke-Pearson (1988); Sun & Xu (2014).",
    },
    compute: support::roc_auc,
    trivial: |_, _| Some(0.5),
    trivial_name: "random ranking",
    analytic: Some(support::delong),
    details: Some(support::roc_details),
    shortcut: Shortcut::None,
};
