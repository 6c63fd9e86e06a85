//! Leakage checks.
pub mod single_feature;
pub mod train_test_overlap;
