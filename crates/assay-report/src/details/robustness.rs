//! Details of the `robustness.*` results and of `fairness.counterfactual_invariance` (which
//! perturbs the model's inputs too, and is shown beside them).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{lenient, lenient_list};

/// `robustness.noise`: predictions under Gaussian noise on the numeric inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoiseDetails {
    /// Noise scale, in standard deviations of each input.
    #[serde(default, deserialize_with = "lenient")]
    pub scale: Option<f64>,
    /// Change of a predicted value that counts as a change (regression outputs).
    #[serde(default, deserialize_with = "lenient")]
    pub tolerance: Option<f64>,
    /// Repeats averaged.
    #[serde(default, deserialize_with = "lenient")]
    pub repeats: Option<u64>,
    /// Rows perturbed.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Mean absolute change of the analysed output.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_abs_change: Option<f64>,
    /// The output analysed (`P(>50K)`).
    #[serde(default, deserialize_with = "lenient")]
    pub output: Option<String>,
    /// Per input perturbed alone, largest flip rate first.
    #[serde(default, deserialize_with = "lenient_list")]
    pub inputs: Option<Vec<InputFlip>>,
}

/// The flip rate of one input perturbed alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputFlip {
    /// Input.
    pub input: String,
    /// Share of rows whose prediction changes.
    #[serde(default, deserialize_with = "lenient")]
    pub flip_rate: Option<f64>,
    /// The input's standard deviation (the noise is a multiple of it).
    #[serde(default, deserialize_with = "lenient")]
    pub sd: Option<f64>,
}

/// `robustness.monotonicity` on one input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonotonicityDetails {
    /// `increasing` or `decreasing`.
    #[serde(default, deserialize_with = "lenient")]
    pub direction: Option<String>,
    /// Rows tested.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Rows that break the constraint.
    #[serde(default, deserialize_with = "lenient")]
    pub violating_rows: Option<u64>,
    /// Largest move the wrong way.
    #[serde(default, deserialize_with = "lenient")]
    pub largest_violation: Option<f64>,
    /// The grid swept.
    #[serde(default, deserialize_with = "lenient")]
    pub grid: Option<Grid>,
}

/// A grid of input values: `levels` points from `low` to `high`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// Lowest value.
    #[serde(default, deserialize_with = "lenient")]
    pub low: Option<f64>,
    /// Highest value.
    #[serde(default, deserialize_with = "lenient")]
    pub high: Option<f64>,
    /// Points.
    #[serde(default, deserialize_with = "lenient")]
    pub levels: Option<u64>,
}

/// `fairness.counterfactual_invariance` on one protected attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CounterfactualDetails {
    /// Rows tested.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Rows whose prediction changed for some counterfactual value.
    #[serde(default, deserialize_with = "lenient")]
    pub changed_rows: Option<u64>,
    /// Mean absolute change of the analysed output.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_abs_change: Option<f64>,
    /// Per counterfactual value.
    #[serde(default, deserialize_with = "lenient_list")]
    pub values: Option<Vec<CounterfactualValue>>,
}

/// The effect of setting the attribute to one value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CounterfactualValue {
    /// The counterfactual value.
    pub value: Value,
    /// Rows whose value was changed to it.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Of those, rows whose prediction changed.
    #[serde(default, deserialize_with = "lenient")]
    pub changed: Option<u64>,
    /// changed / rows.
    #[serde(default, deserialize_with = "lenient")]
    pub share: Option<f64>,
}
