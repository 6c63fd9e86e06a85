//! Details of the cross-validation results: `crossval.*` and `generalization.*`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{lenient, lenient_list};

/// One fold of a cross-validation, as every cross-validated result lists them (`folds`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FoldFigures {
    /// Repeat index (0 unless the splitter repeats).
    #[serde(default, deserialize_with = "lenient")]
    pub repeat: Option<u64>,
    /// Fold index within the repeat.
    #[serde(default, deserialize_with = "lenient")]
    pub fold: Option<u64>,
    /// Training rows.
    #[serde(default, deserialize_with = "lenient")]
    pub train_rows: Option<u64>,
    /// Validation rows.
    #[serde(default, deserialize_with = "lenient")]
    pub test_rows: Option<u64>,
    /// Validation score.
    #[serde(default, deserialize_with = "lenient")]
    pub score: Option<f64>,
    /// Score on the fold's training rows.
    #[serde(default, deserialize_with = "lenient")]
    pub train_score: Option<f64>,
    /// Score of the trivial predictor trained on the same rows.
    #[serde(default, deserialize_with = "lenient")]
    pub trivial_score: Option<f64>,
    /// Seconds spent on the fold (training and scoring).
    #[serde(default, deserialize_with = "lenient")]
    pub seconds: Option<f64>,
    /// `ok` or `error`.
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Why the fold failed.
    #[serde(default, deserialize_with = "lenient")]
    pub error: Option<String>,
}

/// The fold table alone (a cross-validation that could not be scored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FoldTable {
    /// The folds.
    #[serde(default, deserialize_with = "lenient_list")]
    pub folds: Option<Vec<FoldFigures>>,
}

/// `crossval.score`: one metric over the folds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrossvalScoreDetails {
    /// Metric name.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// Mean validation score over the folds with a score.
    #[serde(default, deserialize_with = "lenient")]
    pub mean: Option<f64>,
    /// Sample standard deviation over folds.
    #[serde(default, deserialize_with = "lenient")]
    pub sd: Option<f64>,
    /// Student-t interval of the mean: lower bound.
    #[serde(default, deserialize_with = "lenient")]
    pub ci_low: Option<f64>,
    /// Upper bound.
    #[serde(default, deserialize_with = "lenient")]
    pub ci_high: Option<f64>,
    /// Confidence level of the interval.
    #[serde(default, deserialize_with = "lenient")]
    pub confidence: Option<f64>,
    /// Folds with a score.
    #[serde(default, deserialize_with = "lenient")]
    pub n_folds: Option<u64>,
    /// Folds whose training or scoring failed.
    #[serde(default, deserialize_with = "lenient")]
    pub failed_folds: Option<u64>,
    /// Mean score on the training rows.
    #[serde(default, deserialize_with = "lenient")]
    pub train_mean: Option<f64>,
    /// Mean score of the trivial predictor.
    #[serde(default, deserialize_with = "lenient")]
    pub trivial_mean: Option<f64>,
    /// Whether larger scores are better.
    #[serde(default, deserialize_with = "lenient")]
    pub higher_is_better: Option<bool>,
    /// Splitter name.
    #[serde(default, deserialize_with = "lenient")]
    pub splitter: Option<String>,
    /// How the models were trained (a learner, or the external trainer command).
    #[serde(default, deserialize_with = "lenient")]
    pub training: Option<String>,
    /// The folds.
    #[serde(default, deserialize_with = "lenient_list")]
    pub folds: Option<Vec<FoldFigures>>,
}

/// `crossval.beats_baseline`: the model against the trivial predictor, fold by fold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BeatsBaselineDetails {
    /// Metric name.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// Mean per-fold improvement over the trivial predictor.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_improvement: Option<f64>,
    /// Corrected resampled t statistic.
    #[serde(default, deserialize_with = "lenient")]
    pub t: Option<f64>,
    /// One-sided p-value.
    #[serde(default, deserialize_with = "lenient")]
    pub p_value: Option<f64>,
    /// Validation over training rows (Nadeau and Bengio's correction).
    #[serde(default, deserialize_with = "lenient")]
    pub test_train_ratio: Option<f64>,
    /// The folds.
    #[serde(default, deserialize_with = "lenient_list")]
    pub folds: Option<Vec<FoldFigures>>,
}

/// `generalization.overfitting`: training against validation scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OverfittingDetails {
    /// Metric name.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// Mean training score.
    #[serde(default, deserialize_with = "lenient")]
    pub train_mean: Option<f64>,
    /// Mean validation score.
    #[serde(default, deserialize_with = "lenient")]
    pub validation_mean: Option<f64>,
    /// Largest gap of one fold.
    #[serde(default, deserialize_with = "lenient")]
    pub largest_gap: Option<f64>,
    /// Gaps relative to the training score.
    #[serde(default, deserialize_with = "lenient")]
    pub relative: Option<bool>,
    /// The folds.
    #[serde(default, deserialize_with = "lenient_list")]
    pub folds: Option<Vec<FoldFigures>>,
}

/// `generalization.fold_variance`: the spread of a metric over folds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FoldVarianceDetails {
    /// Metric name.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// What the value is: `cv` (coefficient of variation) or `sd`.
    #[serde(default, deserialize_with = "lenient")]
    pub measure: Option<String>,
    /// Mean score.
    #[serde(default, deserialize_with = "lenient")]
    pub mean: Option<f64>,
    /// Sample standard deviation.
    #[serde(default, deserialize_with = "lenient")]
    pub sd: Option<f64>,
    /// Coefficient of variation sd / |mean|.
    #[serde(default, deserialize_with = "lenient")]
    pub cv: Option<f64>,
    /// Lowest fold score.
    #[serde(default, deserialize_with = "lenient")]
    pub min: Option<f64>,
    /// Highest fold score.
    #[serde(default, deserialize_with = "lenient")]
    pub max: Option<f64>,
    /// max − min.
    #[serde(default, deserialize_with = "lenient")]
    pub range: Option<f64>,
    /// The folds.
    #[serde(default, deserialize_with = "lenient_list")]
    pub folds: Option<Vec<FoldFigures>>,
}

/// `generalization.unseen_segments`: scores on segment values held out of training.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnseenSegmentsDetails {
    /// Metric name.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// The metric on the pooled held-out predictions.
    #[serde(default, deserialize_with = "lenient")]
    pub held_out_score: Option<f64>,
    /// The ordinary cross-validated score.
    #[serde(default, deserialize_with = "lenient")]
    pub crossval_score: Option<f64>,
    /// Per segment value.
    #[serde(default, deserialize_with = "lenient_list")]
    pub values: Option<Vec<SegmentScore>>,
    /// Group folds run.
    #[serde(default, deserialize_with = "lenient")]
    pub folds: Option<u64>,
}

/// The held-out score of one segment value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SegmentScore {
    /// The value.
    pub value: Value,
    /// Rows with the value.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// The metric on those rows, predicted by models that never saw the value.
    #[serde(default, deserialize_with = "lenient")]
    pub score: Option<f64>,
}

/// `generalization.validation_coverage`: a numeric feature's validation range, a categorical
/// feature's validation categories, or (without a column) all features at once. Each result
/// writes the fields of its kind only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageDetails {
    /// Smallest validation value (numeric feature).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub validation_min: Option<f64>,
    /// Largest validation value (numeric feature).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub validation_max: Option<f64>,
    /// Production values below the range.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub below: Option<u64>,
    /// Production values above the range.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub above: Option<u64>,
    /// Validation categories (categorical feature).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub validation_categories: Option<u64>,
    /// Production categories validation never had, most frequent first.
    #[serde(
        default,
        deserialize_with = "lenient_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub unseen: Option<Vec<UnseenValue>>,
    /// Production rows outside (per feature).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub outside_rows: Option<u64>,
    /// Production rows (joint row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub rows: Option<u64>,
    /// Rows with at least one feature outside (joint row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub uncovered_rows: Option<u64>,
    /// Features considered (joint row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub features: Option<u64>,
}

/// A production category the validation data never had.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnseenValue {
    /// The value.
    pub value: Value,
    /// Production rows holding it.
    #[serde(default, deserialize_with = "lenient")]
    pub count: Option<u64>,
}
