//! `model.confusion_matrix`: Share of rows misclassified, with the full confusion matrix.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.confusion_matrix`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.confusion_matrix",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Share of rows misclassified, with the full confusion matrix.",
        computes: "The misclassification rate 1 − accuracy; details.matrix is the weighted confusion matrix (rows: true class, columns: predicted, in details.labels order), as sklearn.metrics.confusion_matrix.",
        why: "Where the errors are: which classes are confused with which.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< 1 − the majority-class share",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn confusion_matrix.",
    },
    compute: |d, w| d.confusion(w).accuracy().map(|a| 1.0 - a),
    trivial: |d, w| d.class_shares(w).into_iter().reduce(f64::max).map(|m| 1.0 - m),
    trivial_name: "majority-class predictor",
    analytic: None,
    details: Some(support::confusion_details),
    shortcut: Shortcut::Confusion(|c, _| c.accuracy().map(|a| 1.0 - a)),
};
