//! Details of the `sensitivity.*` results (one per model input).

use serde::{Deserialize, Serialize};

use super::{lenient, NumberList};

/// `sensitivity.sobol`: an input's first-order and total indices (Saltelli design).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SobolDetails {
    /// First-order index S1.
    #[serde(default, deserialize_with = "lenient")]
    pub s1: Option<f64>,
    /// Half-width of S1's confidence interval.
    #[serde(default, deserialize_with = "lenient")]
    pub s1_conf: Option<f64>,
    /// Total index ST.
    #[serde(default, deserialize_with = "lenient")]
    pub st: Option<f64>,
    /// Half-width of ST's confidence interval.
    #[serde(default, deserialize_with = "lenient")]
    pub st_conf: Option<f64>,
    /// The index the condition compares (`st` or `s1`).
    #[serde(default, deserialize_with = "lenient")]
    pub index: Option<String>,
    /// Base samples N of the design.
    #[serde(default, deserialize_with = "lenient")]
    pub base_samples: Option<u64>,
    /// Model evaluations.
    #[serde(default, deserialize_with = "lenient")]
    pub evaluations: Option<u64>,
    /// The input's distribution.
    #[serde(default, deserialize_with = "lenient")]
    pub distribution: Option<String>,
}

/// `sensitivity.morris`: an input's elementary effects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MorrisDetails {
    /// Mean elementary effect μ.
    #[serde(default, deserialize_with = "lenient")]
    pub mu: Option<f64>,
    /// Mean absolute elementary effect μ*.
    #[serde(default, deserialize_with = "lenient")]
    pub mu_star: Option<f64>,
    /// Standard deviation of the elementary effects σ.
    #[serde(default, deserialize_with = "lenient")]
    pub sigma: Option<f64>,
    /// Half-width of μ*'s confidence interval.
    #[serde(default, deserialize_with = "lenient")]
    pub mu_star_conf: Option<f64>,
    /// Trajectories.
    #[serde(default, deserialize_with = "lenient")]
    pub trajectories: Option<u64>,
    /// Grid levels.
    #[serde(default, deserialize_with = "lenient")]
    pub levels: Option<u64>,
    /// Model evaluations.
    #[serde(default, deserialize_with = "lenient")]
    pub evaluations: Option<u64>,
    /// The input's distribution.
    #[serde(default, deserialize_with = "lenient")]
    pub distribution: Option<String>,
}

/// `sensitivity.oat`: the output as one input sweeps its range, the others at their medians.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OatDetails {
    /// Largest minus smallest output of the sweep.
    #[serde(default, deserialize_with = "lenient")]
    pub swing: Option<f64>,
    /// The input's nominal value (its median).
    #[serde(default, deserialize_with = "lenient")]
    pub nominal: Option<f64>,
    /// The output at the nominal point.
    #[serde(default, deserialize_with = "lenient")]
    pub nominal_output: Option<f64>,
    /// The input values swept.
    #[serde(default, deserialize_with = "lenient")]
    pub inputs: Option<NumberList>,
    /// The output at each.
    #[serde(default, deserialize_with = "lenient")]
    pub outputs: Option<NumberList>,
    /// End-to-end slope in the input's units.
    #[serde(default, deserialize_with = "lenient")]
    pub slope: Option<f64>,
    /// The input's distribution.
    #[serde(default, deserialize_with = "lenient")]
    pub distribution: Option<String>,
}

/// `sensitivity.permutation_importance`: the metric's drop when an input is shuffled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportanceDetails {
    /// Metric whose drop is measured.
    #[serde(default, deserialize_with = "lenient")]
    pub metric: Option<String>,
    /// Mean drop over the repeats.
    #[serde(default, deserialize_with = "lenient")]
    pub importance: Option<f64>,
    /// Standard deviation over the repeats.
    #[serde(default, deserialize_with = "lenient")]
    pub sd: Option<f64>,
    /// The metric before shuffling.
    #[serde(default, deserialize_with = "lenient")]
    pub baseline_score: Option<f64>,
    /// The drop of each repeat.
    #[serde(default, deserialize_with = "lenient")]
    pub repeats: Option<NumberList>,
    /// Rows scored.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
}
