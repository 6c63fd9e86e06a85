//! `model.log_loss`: Cross-entropy of the predicted probabilities.

use assay_stats::metrics::probabilistic;

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.log_loss`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.log_loss",
    task: EvalTask::Classification,
    needs: Needs::Probabilities,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Cross-entropy of the predicted probabilities.",
        computes: "The mean negative log-likelihood of the true class, probabilities clipped to [eps, 1 − eps], as sklearn.metrics.log_loss.",
        why: "Punishes confident wrong predictions; the figure to watch when probabilities are used as such.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "< the log loss of predicting the class frequencies",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn log_loss.",
    },
    compute: |d, w| probabilistic::log_loss(&d.frame.y_class, d.proba()?, d.frame.k(), w),
    trivial: support::prior_log_loss,
    trivial_name: "class-frequency predictor",
    analytic: None,
    details: None,
    shortcut: Shortcut::RowMean(support::log_loss_terms, |m| m),
};
