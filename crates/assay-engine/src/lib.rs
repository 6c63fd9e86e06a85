//! The assay engine: Arrow and DataFusion underneath every read.
//!
//! - [`source`]: Parquet, CSV, JSON Lines and Arrow IPC from local paths, directories, globs,
//!   hive-partitioned folders and object stores (`s3://`, `gs://`, `az://`, `http(s)://`).
//! - [`memory`]: Arrow batches already in memory (a Python caller's table) as `memory://NAME`.
//! - [`profile_udaf`]: how Arrow arrays feed mergeable [`assay_stats::ColumnState`]s, and
//!   `assay_profile(col)`, the same as a DataFusion aggregate (for engines that plan it).
//! - [`profiler`]: builds a [`assay_stats::Profile`] from a source in one read, every core
//!   folding its share of the batches, the partial states merged in memory.
//! - [`capture`]: raw numeric values kept from that same read for exact checks, spilled to a
//!   temporary file past a memory budget.
//! - [`ordered`]: rows kept in the source's order from that same read, for model evaluation
//!   and validation.
//! - [`tap`]: row work (hashes, range counts) riding on the profiling read.
//! - [`scan`]: streams only the columns a check needs, for checks that need raw values.
//! - [`roles`]: column roles and numeric/categorical inference.

#![warn(missing_docs)]

// The `fuzzing` feature only separates the fuzz build's instrumented artifacts (scripts/fuzz):
// a build that enables it without the instrumentation (`--all-features`) would share them.
#[cfg(all(feature = "fuzzing", not(fuzzing)))]
compile_error!(
    "the `fuzzing` feature is set only by scripts/fuzz (fuzz/instrument adds `--cfg fuzzing`)"
);

pub mod capture;
pub mod dataset;
pub mod engine;
pub mod error;
pub mod format;
pub mod ipc_frames;
pub mod memory;
pub mod ordered;
pub mod preflight;
pub mod profile_udaf;
pub mod profiler;
pub mod progress;
pub mod read_options;
pub mod roles;
pub mod scan;
pub mod source;
pub mod tap;

pub use dataset::{load_dataset, open_dataset, read_dataset, read_profile, Dataset, OpenedDataset};
pub use engine::Engine;
pub use error::{EngineError, Result};
pub use format::{CsvSettings, DataFormat};
pub use profiler::{profile_source, ProfileOptions};
pub use read_options::ReadOptions;
pub use roles::Roles;
pub use source::{open_source, OpenedSource, SourceSpec};
