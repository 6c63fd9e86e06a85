//! `model.calibration_error`: Expected calibration error of the probabilities.

use super::metric::{MetricSpec, Needs, Shortcut};
use super::support;
use crate::check::CheckDoc;
use crate::evaluation::EvalTask;

/// `model.calibration_error`.
pub static SPEC: MetricSpec = MetricSpec {
    id: "model.calibration_error",
    task: EvalTask::Classification,
    needs: Needs::Probabilities,
    higher_is_better: false,
    averaged: false,
    doc: CheckDoc {
        summary: "Expected calibration error of the probabilities.",
        computes: "Σ_b (w_b / W) |observed frequency_b − mean predicted probability_b| over equal-width probability bins (params.bins, default 10), on the positive class's probability (binary) or the top-label confidence (multiclass); the bins are those of sklearn.calibration.calibration_curve(strategy='uniform'). Details: the reliability diagram.",
        why: "A model whose 0.8 does not mean 80% misleads every decision taken on its probabilities.",
        parameters: "bound: value (default), lower or upper: which figure the condition judges (the point estimate or an end of the interval). bins: number of equal-width bins (default 10). ",
        default_condition: "< 0.05",
        exactness: "Exact on every row (weighted by roles.weight). Interval: a seeded percentile bootstrap (evaluation.bootstrap_rounds, seed, confidence).",
        references: "Naeini et al. (2015); Guo et al. (2017); scikit-learn calibration_curve.",
    },
    compute: support::calibration_error,
    trivial: |_, _| Some(0.05),
    trivial_name: "tolerance",
    analytic: None,
    details: Some(support::calibration_details),
    shortcut: Shortcut::None,
};
