//! `model.f1`: Harmonic mean of precision and recall.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.f1`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.f1",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: true,
    doc: CheckDoc {
        summary: "Harmonic mean of precision and recall.",
        computes: "2PR / (P + R) of the positive class (binary), or averaged over classes, as sklearn.metrics.f1_score (zero_division gives 0).",
        why: "One figure balancing false alarms and misses.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). average: binary (default for two classes), micro, macro (default for more) or weighted, as scikit-learn's `average=`. ",
        default_condition: "> the F1 of a random predictor guessing each class at its frequency",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn f1_score.",
    },
    compute: |d, w| d.confusion(w).f1(d.average),
    trivial: support::stratified,
    trivial_name: "class-frequency random predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::Confusion(|c, d| c.f1(d.average)),
};
