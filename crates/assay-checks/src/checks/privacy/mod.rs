//! Privacy checks.
pub mod pii;
