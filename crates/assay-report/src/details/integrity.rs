//! Details of the `integrity.*` results. Every figure is always written (null when it is
//! undefined), as the report's contract documents.

use serde::{Deserialize, Serialize};

use super::{lenient, lenient_list};

/// `integrity.null_share` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NullShareDetails {
    /// Null values.
    #[serde(default, deserialize_with = "lenient")]
    pub nulls: Option<u64>,
    /// Rows.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Null share of the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_share: Option<f64>,
}

/// `integrity.non_finite_share` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NonFiniteShareDetails {
    /// NaN values.
    #[serde(default, deserialize_with = "lenient")]
    pub nan: Option<u64>,
    /// +∞ values.
    #[serde(default, deserialize_with = "lenient")]
    pub pos_inf: Option<u64>,
    /// −∞ values.
    #[serde(default, deserialize_with = "lenient")]
    pub neg_inf: Option<u64>,
    /// Non-null values.
    #[serde(default, deserialize_with = "lenient")]
    pub non_null: Option<u64>,
    /// Non-finite share of the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_share: Option<f64>,
}

/// `integrity.constant_column` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConstantColumnDetails {
    /// Distinct non-null values.
    #[serde(default, deserialize_with = "lenient")]
    pub distinct: Option<u64>,
    /// Share of the most frequent value.
    #[serde(default, deserialize_with = "lenient")]
    pub dominant_share: Option<f64>,
    /// The most frequent value.
    #[serde(default, deserialize_with = "lenient")]
    pub dominant_value: Option<String>,
}

/// `integrity.mixed_types` on one string column: values by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MixedTypesDetails {
    /// Number-like values.
    #[serde(default, deserialize_with = "lenient")]
    pub numbers: Option<u64>,
    /// Other text.
    #[serde(default, deserialize_with = "lenient")]
    pub text: Option<u64>,
    /// Boolean-like values.
    #[serde(default, deserialize_with = "lenient")]
    pub booleans: Option<u64>,
    /// Date-like values.
    #[serde(default, deserialize_with = "lenient")]
    pub dates: Option<u64>,
    /// Blank values.
    #[serde(default, deserialize_with = "lenient")]
    pub blank: Option<u64>,
}

/// `integrity.new_categories` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewCategoriesDetails {
    /// Values not among the allowed categories.
    #[serde(default, deserialize_with = "lenient")]
    pub new_categories: Option<u64>,
    /// Rows holding one.
    #[serde(default, deserialize_with = "lenient")]
    pub new_rows: Option<u64>,
    /// Allowed categories.
    #[serde(default, deserialize_with = "lenient")]
    pub known_categories: Option<u64>,
    /// Where the allowed categories come from (`suite`, `reference`).
    #[serde(default, deserialize_with = "lenient")]
    pub allowed_from: Option<String>,
    /// The new values, most frequent first (at most 20).
    #[serde(default, deserialize_with = "lenient_list")]
    pub values: Option<Vec<CategoryCount>>,
    /// True when every value was counted (else from the top values).
    #[serde(default, deserialize_with = "lenient")]
    pub exact: Option<bool>,
}

/// `integrity.row_count`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowCountDetails {
    /// Rows of the current data.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Rows of the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_rows: Option<f64>,
}

/// `integrity.value_range` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueRangeDetails {
    /// Lowest allowed value (null: unbounded).
    #[serde(default, deserialize_with = "lenient")]
    pub min_allowed: Option<f64>,
    /// Highest allowed value (null: unbounded).
    #[serde(default, deserialize_with = "lenient")]
    pub max_allowed: Option<f64>,
    /// Where the bounds come from (`suite`, `reference`).
    #[serde(default, deserialize_with = "lenient")]
    pub bounds_from: Option<String>,
    /// Smallest current value.
    #[serde(default, deserialize_with = "lenient")]
    pub current_min: Option<f64>,
    /// Largest current value.
    #[serde(default, deserialize_with = "lenient")]
    pub current_max: Option<f64>,
    /// Values outside the bounds.
    #[serde(default, deserialize_with = "lenient")]
    pub outside: Option<f64>,
    /// Finite values.
    #[serde(default, deserialize_with = "lenient")]
    pub values: Option<u64>,
    /// True when the count is exact (else from the sketch).
    #[serde(default, deserialize_with = "lenient")]
    pub exact: Option<bool>,
    /// Values outside as a share of all rows.
    #[serde(default, deserialize_with = "lenient")]
    pub share_of_rows: Option<f64>,
}

/// `integrity.outlier_share` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutlierShareDetails {
    /// Lower fence.
    #[serde(default, deserialize_with = "lenient")]
    pub lower_fence: Option<f64>,
    /// Upper fence.
    #[serde(default, deserialize_with = "lenient")]
    pub upper_fence: Option<f64>,
    /// Where the fences come from (`reference`, `current`).
    #[serde(default, deserialize_with = "lenient")]
    pub fences_from: Option<String>,
    /// Values outside the fences.
    #[serde(default, deserialize_with = "lenient")]
    pub outliers: Option<f64>,
    /// Finite values.
    #[serde(default, deserialize_with = "lenient")]
    pub values: Option<u64>,
    /// True when the count is exact.
    #[serde(default, deserialize_with = "lenient")]
    pub exact_count: Option<bool>,
    /// Share outside the fences on the reference.
    #[serde(default, deserialize_with = "lenient")]
    pub reference_share: Option<f64>,
}

/// `integrity.string_length` on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StringLengthDetails {
    /// Shortest allowed length.
    #[serde(default, deserialize_with = "lenient")]
    pub min_length: Option<u64>,
    /// Longest allowed length (null: unbounded).
    #[serde(default, deserialize_with = "lenient")]
    pub max_length: Option<u64>,
    /// Shortest current value.
    #[serde(default, deserialize_with = "lenient")]
    pub current_min_length: Option<u64>,
    /// Longest current value.
    #[serde(default, deserialize_with = "lenient")]
    pub current_max_length: Option<u64>,
    /// Mean current length.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_length: Option<f64>,
    /// Values outside the bounds.
    #[serde(default, deserialize_with = "lenient")]
    pub outside: Option<u64>,
}

/// `integrity.duplicate_rows`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRowsDetails {
    /// Rows equal to an earlier row.
    #[serde(default, deserialize_with = "lenient")]
    pub duplicates: Option<u64>,
    /// Rows.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Columns compared.
    #[serde(default, deserialize_with = "lenient")]
    pub columns: Option<u64>,
}

/// `integrity.id_unique` on one id column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdUniqueDetails {
    /// Rows.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Distinct ids.
    #[serde(default, deserialize_with = "lenient")]
    pub distinct: Option<u64>,
}

/// A value and its count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// The value.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}
