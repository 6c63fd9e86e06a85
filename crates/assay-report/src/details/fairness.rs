//! Details of a group `fairness.*` result (a gap between the groups of a protected attribute).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;

/// What a group fairness check measured over one attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FairnessDetails {
    /// Figures per group (groups with rows only).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub groups: Option<BTreeMap<String, GroupFigures>>,
    /// Groups left out (fewer rows than `min_group_size`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub excluded_groups: Option<Vec<String>>,
    /// Smallest group compared.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_group_size: Option<u64>,
    /// The protected attribute (or `a × b` for an intersection).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub attribute: Option<String>,
    /// Measure name (the id without `fairness.`).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure: Option<String>,
    /// The rate compared across groups (`selection_rate`, `tpr`, …).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<String>,
    /// Groups compared.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub groups_compared: Option<u64>,
    /// Lower bound of the gap's interval.
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
    /// Confidence level of the interval.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Option<f64>,
    /// How the interval was computed.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub ci_method: Option<String>,
    /// Group with the lowest rate.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub lowest_group: Option<String>,
    /// Group with the highest rate.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub highest_group: Option<String>,
    /// The privileged group the gap is taken against, when given.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub privileged: Option<String>,
    /// Any other figure.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The rates of one group (`None`, written as null, when undefined for the group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// Rows in the group.
    #[serde(default, deserialize_with = "lenient")]
    pub count: Option<u64>,
    /// Sum of weights in the group.
    #[serde(default, deserialize_with = "lenient")]
    pub weight: Option<f64>,
    /// Share predicted positive.
    #[serde(default, deserialize_with = "lenient")]
    pub selection_rate: Option<f64>,
    /// True positive rate.
    #[serde(default, deserialize_with = "lenient")]
    pub tpr: Option<f64>,
    /// False positive rate.
    #[serde(default, deserialize_with = "lenient")]
    pub fpr: Option<f64>,
    /// False negative rate.
    #[serde(default, deserialize_with = "lenient")]
    pub fnr: Option<f64>,
    /// Precision.
    #[serde(default, deserialize_with = "lenient")]
    pub precision: Option<f64>,
    /// Accuracy.
    #[serde(default, deserialize_with = "lenient")]
    pub accuracy: Option<f64>,
}
