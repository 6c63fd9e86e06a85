//! `model.precision`: Share of predicted positives that are positive.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.precision`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.precision",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: true,
    doc: CheckDoc {
        summary: "Share of predicted positives that are positive.",
        computes: "TP / (TP + FP) of the positive class (binary), or averaged over classes, as sklearn.metrics.precision_score (zero_division gives 0).",
        why: "The cost of false alarms: how often a positive prediction is right.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). average: binary (default for two classes), micro, macro (default for more) or weighted, as scikit-learn's `average=`. ",
        default_condition: "> the precision of a random predictor guessing each class at its frequency (binary: the prevalence)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: Wilson score on TP / (TP + FP) for binary unweighted data, else a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn precision_score.",
    },
    compute: |d, w| d.confusion(w).precision(d.average),
    trivial: support::stratified,
    trivial_name: "class-frequency random predictor",
    analytic: Some(support::wilson_precision),
    details: None,
    shortcut: Shortcut::Confusion(|c, d| c.precision(d.average)),
};
