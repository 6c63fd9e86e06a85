//! Target checks.
pub mod class_imbalance;
