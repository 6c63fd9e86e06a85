//! `model.accuracy`: Share of rows whose predicted class is the true class.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.accuracy`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.accuracy",
    task: EvalTask::Classification,
    needs: Needs::Labels,
    higher_is_better: true,
    averaged: false,
    doc: CheckDoc {
        summary: "Share of rows whose predicted class is the true class.",
        computes: "The weighted share of rows with prediction == target, as sklearn.metrics.accuracy_score. Details: the interval, the majority-class predictor's accuracy and the baseline model's.",
        why: "The headline figure of a classifier; judged against the majority-class predictor it says whether the model learned anything.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). ",
        default_condition: "> the majority-class share (beats always predicting the most frequent class)",
        exactness: "Exact on every row (weighted by roles.weight). Interval: Wilson score (unweighted data), else a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "scikit-learn accuracy_score; Wilson (1927).",
    },
    compute: |d, w| d.confusion(w).accuracy(),
    trivial: |d, w| d.class_shares(w).into_iter().reduce(f64::max),
    trivial_name: "majority-class predictor",
    analytic: Some(support::wilson_accuracy),
    details: None,
    shortcut: Shortcut::Confusion(|c, _| c.accuracy()),
};
