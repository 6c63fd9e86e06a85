//! `model.mcc`: Matthews correlation coefficient between predicted and true classes.

use super::metric::{MetricSpec, Needs, Shortcut};
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.mcc`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.mcc",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Matthews correlation coefficient between predicted and true classes.",
        computes: "The Matthews correlation coefficient (multiclass form for more than two classes), as sklearn.metrics.matthews_corrcoef.",
        why: "A single balanced figure that stays informative under heavy class imbalance; 0 is chance, 1 perfect.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> 0 (better than chance)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn matthews_corrcoef; Matthews (1975), Gorodkin (2004).",
    },
    compute: |d, w| d.confusion(w).matthews(),
    trivial: |_, _| Some(0.0),
    trivial_name: "chance",
    analytic: None,
    details: None,
    shortcut: Shortcut::Confusion(|c, _| c.matthews()),
};
