//! The assay check catalogue, suites and runner.
//!
//! A [`check::Check`] measures values (from profiles, or from row passes it asks the runner
//! for); a [`condition::Condition`] from the suite turns each value into a status. The
//! [`runner`] reads every dataset once to profile it and at most once more for the checks that
//! need raw rows, whatever the number of checks.

#![warn(missing_docs)]

// The `fuzzing` feature only separates the fuzz build's instrumented artifacts (scripts/fuzz):
// a build that enables it without the instrumentation (`--all-features`) would share them.
#[cfg(all(feature = "fuzzing", not(fuzzing)))]
compile_error!(
    "the `fuzzing` feature is set only by scripts/fuzz (fuzz/instrument adds `--cfg fuzzing`)"
);

pub mod accumulators;
pub mod catalogue;
pub mod check;
pub mod checks;
pub mod condition;
pub mod drift;
pub mod evaluation;
pub mod init;
pub mod limits;
pub mod requests;
pub mod runner;
pub mod sections;
pub mod suite;
mod taps;
#[cfg(test)]
pub mod testing;
pub mod validation;

pub use catalogue::{catalogue, explain, find};
pub use condition::Condition;
pub use runner::{run_suite, RunError, RunOptions};
pub use suite::{LoadedSuite, Suite, SuiteError};
