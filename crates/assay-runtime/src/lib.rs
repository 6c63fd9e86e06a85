//! Process-wide execution settings shared by every assay crate.
//!
//! - [`threads`]: one thread budget (`--threads`) that bounds every worker pool assay starts:
//!   rayon's global pool, scoped worker threads (exact drift, inference, cross-validation),
//!   the async runtime and DataFusion's partitions.
//! - [`cancel`]: cooperative cancellation (a Python caller's Ctrl-C stops the work under way).
//! - [`fault`]: fault containment. A panic inside a check, a worker thread or a third-party
//!   reader becomes an error value carrying the panic's message and location, so one faulty
//!   component yields one `error` result instead of ending the run.
//!
//! ```
//! let result = assay_runtime::fault::isolate(|| -> u32 { panic!("boom") });
//! assert!(result.unwrap_err().contains("boom"));
//! assert_eq!(assay_runtime::fault::isolate(|| 2 + 2), Ok(4));
//! ```

#![warn(missing_docs)]

// The `fuzzing` feature only separates the fuzz build's instrumented artifacts (scripts/fuzz):
// a build that enables it without the instrumentation (`--all-features`) would share them.
#[cfg(all(feature = "fuzzing", not(fuzzing)))]
compile_error!(
    "the `fuzzing` feature is set only by scripts/fuzz (fuzz/instrument adds `--cfg fuzzing`)"
);

pub mod cancel;
pub mod fault;
pub mod threads;
