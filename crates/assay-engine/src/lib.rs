//! The assay engine: Arrow and DataFusion underneath every read.
//!
//! - [`source`]: Parquet, CSV, JSON Lines and Arrow IPC from local paths, directories, globs,
//!   hive-partitioned folders and object stores (`s3://`, `gs://`, `az://`, `http(s)://`).
//! - [`profile_udaf`]: `assay_profile(col)`, a DataFusion aggregate over mergeable
//!   [`assay_stats::ColumnState`]s, so one query profiles every column on every core.
//! - [`profiler`]: builds a [`assay_stats::Profile`] from a source.
//! - [`scan`]: streams only the columns a check needs, for checks that need raw values.
//! - [`roles`]: column roles and numeric/categorical inference.

#![warn(missing_docs)]

pub mod dataset;
pub mod engine;
pub mod error;
pub mod format;
pub mod ipc_frames;
pub mod preflight;
pub mod profile_udaf;
pub mod profiler;
pub mod roles;
pub mod scan;
pub mod source;

pub use dataset::{load_dataset, read_profile, Dataset};
pub use engine::Engine;
pub use error::{EngineError, Result};
pub use format::{CsvSettings, DataFormat};
pub use profiler::{profile_source, ProfileOptions};
pub use roles::Roles;
pub use source::{open_source, OpenedSource, SourceSpec};
