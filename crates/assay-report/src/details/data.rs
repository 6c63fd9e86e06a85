//! Details of the other data checks: `schema.match`, `target.class_imbalance`,
//! `leakage.single_feature`, `leakage.train_test_overlap` and `privacy.pii`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{lenient, lenient_list};

/// `schema.match`: columns missing, extra or retyped against the reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaMatchDetails {
    /// Reference columns the current data lacks.
    #[serde(default, deserialize_with = "lenient")]
    pub missing: Option<Vec<String>>,
    /// Current columns the reference lacks.
    #[serde(default, deserialize_with = "lenient")]
    pub extra: Option<Vec<String>>,
    /// Columns whose type changed.
    #[serde(default, deserialize_with = "lenient_list")]
    pub retyped: Option<Vec<Retyped>>,
    /// Columns of the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_columns: Option<u64>,
    /// Columns of the current data.
    #[serde(default, deserialize_with = "lenient")]
    pub current_columns: Option<u64>,
}

/// A column whose Arrow type differs between the sides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Retyped {
    /// The column.
    pub column: String,
    /// Its type in the reference.
    pub reference: String,
    /// Its type in the current data.
    pub current: String,
}

/// `target.class_imbalance`. A target with one class only writes `classes` alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassImbalanceDetails {
    /// Classes seen.
    #[serde(default, deserialize_with = "lenient")]
    pub classes: Option<u64>,
    /// The rarest class.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub minority_class: Option<String>,
    /// Most frequent over rarest class count (null when the rarest has no rows).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub imbalance_ratio: Option<Option<f64>>,
    /// Share of each class (the 50 most frequent).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub class_shares: Option<BTreeMap<String, f64>>,
}

/// `leakage.single_feature` on one feature.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SingleFeatureDetails {
    /// Holdout accuracy of predicting the target from the feature alone.
    #[serde(default, deserialize_with = "lenient")]
    pub accuracy: Option<f64>,
    /// Accuracy of always predicting the majority class.
    #[serde(default, deserialize_with = "lenient")]
    pub baseline_accuracy: Option<f64>,
    /// Buckets of the feature.
    #[serde(default, deserialize_with = "lenient")]
    pub buckets: Option<u64>,
    /// Labelled rows.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
}

/// `leakage.train_test_overlap`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OverlapDetails {
    /// Current rows also found in the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub overlapping_rows: Option<u64>,
    /// Current rows.
    #[serde(default, deserialize_with = "lenient")]
    pub current_rows: Option<u64>,
    /// Reference rows.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_rows: Option<u64>,
    /// Columns compared.
    #[serde(default, deserialize_with = "lenient")]
    pub columns: Option<u64>,
}

/// `privacy.pii` on one string column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PiiDetails {
    /// Non-null values scanned.
    #[serde(default, deserialize_with = "lenient")]
    pub values: Option<u64>,
    /// Values holding any personal data.
    #[serde(default, deserialize_with = "lenient")]
    pub with_pii: Option<u64>,
    /// Share of values holding each kind (`email`, `phone`, …).
    #[serde(default, deserialize_with = "lenient")]
    pub share_by_kind: Option<BTreeMap<String, f64>>,
    /// Masked examples per kind found.
    #[serde(default, deserialize_with = "lenient")]
    pub masked_examples: Option<BTreeMap<String, Vec<String>>>,
}
