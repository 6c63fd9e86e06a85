//! Details of the model-evaluation results: `model.<metric>` (one metric each), `model.slices`,
//! `model.weak_slices`, `model.regression_gate` and `model.prediction_stability`.
//!
//! Reading is lenient field by field ([`super::lenient`]): a figure of the wrong type in a
//! hand-edited report reads as absent, and the rest of the result still renders.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{lenient, lenient_list, NumberList};

/// What a `model.<metric>` check measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricDetails {
    /// Metric name (`accuracy`, `roc_auc`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub metric: Option<String>,
    /// The metric's point value.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub estimate: Option<f64>,
    /// Rows evaluated.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub n: Option<u64>,
    /// Name of the model evaluated.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub model: Option<String>,
    /// Whether larger values are better.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub higher_is_better: Option<bool>,
    /// Lower bound of the confidence interval.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_low: Option<f64>,
    /// Upper bound of the confidence interval.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_high: Option<f64>,
    /// Confidence level of the interval (0.95).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Option<f64>,
    /// How the interval was computed (`wilson`, `delong`, `bootstrap`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_method: Option<String>,
    /// The bootstrap interval, when an analytic one was reported and both were computed.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub bootstrap_ci: Option<[f64; 2]>,
    /// How a multi-class metric averages its classes (`macro`, `weighted`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub average: Option<String>,
    /// The metric of the trivial predictor.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub trivial_value: Option<f64>,
    /// Name of the trivial predictor (`majority class`, `mean`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub trivial: Option<String>,
    /// The metric on the reference (baseline) data.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_value: Option<f64>,
    /// Sum of the row weights (weighted evaluations).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub weight_sum: Option<f64>,
    /// Rows left out of the evaluation, by reason.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub rows_left_out: Option<Map<String, Value>>,
    /// Set when the metric does not fit the model's task.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_mismatch: Option<bool>,
    /// ROC curve (`model.roc_auc`, binary).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub roc_curve: Option<RocCurve>,
    /// Precision–recall curve (`model.average_precision`, binary).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub pr_curve: Option<PrCurve>,
    /// Reliability diagram (`model.calibration_error`).
    #[serde(
        default,
        deserialize_with = "lenient_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub reliability: Option<Vec<ReliabilityBin>>,
    /// What the reliability diagram calibrates (`positive class` or `top label`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub calibration_of: Option<String>,
    /// Class labels in matrix order (`model.confusion_matrix`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub labels: Option<Vec<Value>>,
    /// Counts: rows are the true class, columns the predicted one.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub matrix: Option<Vec<NumberList>>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// ROC curve points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    /// False positive rates.
    pub fpr: NumberList,
    /// True positive rates.
    pub tpr: NumberList,
}

/// Precision–recall curve points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrCurve {
    /// Recall.
    pub recall: NumberList,
    /// Precision.
    pub precision: NumberList,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin of predicted probabilities.
    pub lower: f64,
    /// Upper edge.
    pub upper: f64,
    /// Weight (rows) in the bin.
    pub weight: f64,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Observed share of positives in the bin.
    pub fraction_positive: f64,
}

/// One `model.slices` result: the metric on one slice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SliceDetails {
    /// Metric name.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub metric: Option<String>,
    /// Rows in the slice.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub n: Option<u64>,
    /// Lower bound of the metric's interval on the slice.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_low: Option<f64>,
    /// Upper bound.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_high: Option<f64>,
    /// The metric on all rows (added by the runner as every result's reference value).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_value: Option<f64>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `model.weak_slices` result: a slice worse than the rest, or the summary row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WeakSliceDetails {
    /// Rows in the slice.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub n: Option<u64>,
    /// Loss on the slice.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub slice_loss: Option<f64>,
    /// Loss on the other rows.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub rest_loss: Option<f64>,
    /// Name of the loss.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub loss: Option<String>,
    /// p-value of the slice's test.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub p_value: Option<f64>,
    /// q-value (false-discovery-rate adjusted p-value).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub q_value: Option<f64>,
    /// Slices tested.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub tested: Option<u64>,
    /// Loss on every row (the summary row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub overall_loss: Option<f64>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One metric of `model.regression_gate`: candidate against baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GateDetails {
    /// Metric name.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub metric: Option<String>,
    /// The metric of the candidate model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub candidate: Option<f64>,
    /// The metric of the baseline model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline: Option<f64>,
    /// Candidate minus baseline.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub delta: Option<f64>,
    /// Degradation tolerated.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub tolerance: Option<f64>,
    /// Whether degradation and tolerance are relative to the baseline.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub relative: Option<bool>,
    /// Whether larger values of the metric are better.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub higher_is_better: Option<bool>,
    /// Name of the paired test.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub test: Option<String>,
    /// Its p-value.
    #[serde(default, deserialize_with = "lenient")]
    pub p_value: Option<f64>,
    /// Significance level.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub alpha: Option<f64>,
    /// Whether the difference is significant.
    #[serde(default, deserialize_with = "lenient")]
    pub significant: Option<bool>,
    /// Name of the candidate model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub candidate_model: Option<String>,
    /// Name of the baseline model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_model: Option<String>,
    /// Interval of the degradation.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub degradation_ci: Option<[f64; 2]>,
    /// Confidence level of that interval.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Option<f64>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `model.prediction_stability` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StabilityDetails {
    /// Rows whose prediction changed.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub changed: Option<f64>,
    /// Rows compared.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub rows: Option<u64>,
    /// Largest change of a predicted value or probability.
    #[serde(default, deserialize_with = "lenient")]
    pub max_change: Option<f64>,
    /// Mean change.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_change: Option<f64>,
    /// Name of the candidate model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub candidate_model: Option<String>,
    /// Name of the baseline model.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_model: Option<String>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
