//! Pure statistics for assay.
//!
//! Everything here works on plain values, slices and counts: no I/O and no Arrow. The centre
//! is [`ColumnState`], the mergeable per-column profile state (moments, a KLL quantile sketch,
//! exact-then-sketched distinct values and frequencies, string kinds and lengths), and
//! [`Profile`], a dataset's set of column states, which is what assay saves, ships and merges.
//! Two-sample drift tests live in [`drift`]; model-evaluation metrics, intervals, the
//! bootstrap, significance tests and group fairness in [`metrics`]. Cross-validation splitters
//! (scikit-learn's, fold for fold, plus purged k-fold) live in [`splitters`].
//! Global sensitivity analysis (SALib's Sobol', Morris and one-at-a-time designs and
//! estimators, designs streamed in blocks) lives in [`sensitivity`].
//!
//! ```
//! use assay_stats::{ColumnBody, ColumnState};
//!
//! let mut a = ColumnState::numeric();
//! let mut b = ColumnState::numeric();
//! for (state, values) in [(&mut a, [1.0, 2.0]), (&mut b, [3.0, 4.0])] {
//!     if let ColumnBody::Numeric(n) = &mut state.body {
//!         values.iter().for_each(|v| n.push(*v));
//!     }
//!     state.rows += 2;
//! }
//! a.merge(&b).unwrap();
//! assert_eq!(a.rows, 4);
//! assert_eq!(a.as_numeric().unwrap().moments.mean(), Some(2.5));
//! ```

#![warn(missing_docs)]

// The `fuzzing` feature only separates the fuzz build's instrumented artifacts (scripts/fuzz):
// a build that enables it without the instrumentation (`--all-features`) would share them.
#[cfg(all(feature = "fuzzing", not(fuzzing)))]
compile_error!(
    "the `fuzzing` feature is set only by scripts/fuzz (fuzz/instrument adds `--cfg fuzzing`)"
);

pub mod column_state;
pub mod drift;
pub mod frequent;
pub mod histogram;
pub mod leakage;
pub mod metrics;
pub mod moments;
pub mod pii;
pub mod profile;
pub mod quantile;
pub mod sensitivity;
pub mod splitters;
pub mod text_kind;
pub mod value_counter;

#[cfg(test)]
pub(crate) mod reference_fixture;

pub use column_state::{ratio, ColumnBody, ColumnState, NumericState, TextState};
pub use histogram::Histogram;
pub use moments::Moments;
pub use profile::{ColumnKind, ColumnProfile, Computed, Profile};
pub use quantile::QuantileSketch;
pub use value_counter::{FrequentValue, ValueCounter};

/// Errors from statistics code.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// A DataSketches sketch could not be merged or decoded.
    #[error("sketch error: {0}")]
    Sketch(String),
    /// Two states cannot be merged.
    #[error("incompatible states: {0}")]
    Incompatible(String),
    /// A serialized profile is malformed or of an unsupported version.
    #[error("invalid profile: {0}")]
    Format(String),
}
