//! Schema checks.
pub mod schema_match;
