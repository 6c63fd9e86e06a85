//! `model.recall`: Share of positives the model finds (true positive rate).

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.recall`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.recall",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: true,
    doc: CheckDoc {
        summary: "Share of positives the model finds (true positive rate).",
        computes: "TP / (TP + FN) of the positive class (binary), or averaged over classes, as sklearn.metrics.recall_score (zero_division gives 0).",
        why: "The cost of misses: how many of the cases that matter the model catches.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). average: binary (default for two classes), micro, macro (default for more) or weighted, as scikit-learn's `average=`. ",
        default_condition: "> the recall of a random predictor guessing each class at its frequency (binary: the prevalence)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: Wilson score on TP / (TP + FN) for binary unweighted data, else a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn recall_score.",
    },
    compute: |d, w| d.confusion(w).recall(d.average),
    trivial: support::stratified,
    trivial_name: "class-frequency random predictor",
    analytic: Some(support::wilson_recall),
    details: None,
    shortcut: Shortcut::Confusion(|c, d| c.recall(d.average)),
};
