//! Typed `details` of the check families: the structs checks fill in and renderers read, so a
//! figure has one name, checked by the compiler on both sides. Each serializes to the same
//! JSON keys the report's contract documents (absent fields are left out, never `null`), and
//! keeps whatever else a result carries in `extra`.
//!
//! A result's details are read with [`crate::CheckResult::details_as`].

pub mod drift;
