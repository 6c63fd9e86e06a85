//! Two-sample tests and distances for drift detection.
//!
//! Sample-based methods take two [`Empirical`] distributions (sorted distinct values with
//! weights, exact or recovered from a sketch); histogram-based ones take aligned bin counts
//! (see [`binning`]). Each function names its reference implementation and the tolerance of the
//! parity fixtures (`scripts/gen_drift_fixtures.py`) in its doc.

pub mod binning;
pub mod contingency;
pub mod correction;
pub mod divergence;
pub mod empirical;
pub mod z_test;

pub use binning::{align_categories, bin_counts, bin_edges, Binning, BinningError};
pub use contingency::{chi_square, cramers_v, ChiSquare};
pub use correction::{benjamini_hochberg, bonferroni, InvalidPValue};
pub use divergence::{
    hellinger, jensen_shannon, kl_divergence, l_infinity, psi, total_variation, JensenShannon,
};
pub use empirical::Empirical;
pub use z_test::two_proportion_z;

// Sample-based two-sample tests and distances (scipy parity: `scripts/gen_drift_sample_fixtures.py`).
pub mod anderson_darling;
mod bessel;
pub mod cramer_von_mises;
mod double_double;
mod kolmogorov;
pub mod ks;
mod ks_exact;
pub mod mann_whitney;
pub(crate) mod normal;
mod pooled;
pub mod sample_distance;
mod smirnov;

pub use anderson_darling::anderson_ksamp;
pub use cramer_von_mises::{cramer_von_mises_2samp, CVM_MAX_EXACT_N};
pub use ks::{ks_2samp, KS_MAX_EXACT_N};
pub use mann_whitney::mann_whitney_u;
pub use sample_distance::{energy_distance, wasserstein};

/// Outcome of a hypothesis test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestOutcome {
    /// The test statistic.
    pub statistic: f64,
    /// The p-value (two-sided unless the function says otherwise).
    pub p_value: f64,
    /// How the p-value was computed (`"exact"`, `"asymptotic"`, `"interpolated"`, ...).
    pub p_method: &'static str,
}
