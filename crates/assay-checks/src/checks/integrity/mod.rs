//! Data integrity checks.
pub mod constant_column;
pub mod duplicate_rows;
pub mod id_unique;
pub mod mixed_types;
pub mod new_categories;
pub mod non_finite_share;
pub mod null_share;
pub mod outlier_share;
pub mod range_count;
pub mod row_count;
pub mod string_length;
pub mod value_range;
