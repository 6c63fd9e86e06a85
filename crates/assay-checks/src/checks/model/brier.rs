//! `model.brier`: Mean squared error of the predicted probabilities.

use assay_stats::metrics::probabilistic;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.brier`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.brier",
    task: EvalTask::Classification,
    needs: Needs::Probabilities,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Mean squared error of the predicted probabilities.",
        computes: "The Brier score, as sklearn.metrics.brier_score_loss (binary: the positive class's probability; multiclass as scikit-learn 1.9 defines it).",
        why: "Accuracy and calibration of probabilities in one figure.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the Brier score of predicting the class frequencies",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn brier_score_loss; Brier (1950).",
    },
    compute: |d, w| probabilistic::brier_score(&d.frame.y_class, d.proba()?, d.frame.k(), w),
    trivial: support::prior_brier,
    trivial_name: "class-frequency predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(support::brier_terms, |m| m),
};
