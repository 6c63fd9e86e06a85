//! The per-column method of `drift.auto`, `drift.prediction` and `drift.target`.
//!
//! Evidently's rule (`get_default_stattest`), which assay starts from: with at most 1,000
//! reference rows, numeric columns get the two-sample KS test, categorical ones the Z-test for
//! two categories and chi-square otherwise; with more rows, numeric columns get the Wasserstein
//! distance normed by the reference standard deviation (threshold 0.1) and categorical ones the
//! Jensen–Shannon distance (threshold 0.1). assay keeps that choice and differs in how it is
//! applied, and in one choice: two-valued columns get the Z-test at every size (see
//! `drift.auto`'s explain text). Every row is used (Evidently and Deepchecks sample), the tests' p-values are
//! corrected for the number of columns (Benjamini–Hochberg) and gated by an effect size, and
//! "categorical" is assay's column kind (text, booleans, integers with at most 5 distinct
//! values, or the suite's roles), which matches Evidently's `n_unique <= 5` heuristic for
//! numbers.

use assay_stats::ColumnProfile;

use super::method::DriftMethod;
use crate::checks::drift::{
    chi_square::ChiSquare, jensen_shannon::JensenShannon, ks::Ks, wasserstein::Wasserstein,
    z_test::ZTest,
};

/// Reference sizes up to this get the statistical tests; larger ones get distances.
pub const SMALL_SAMPLE: u64 = 1000;

/// The method for one column.
pub fn choose(
    categorical: bool,
    reference: Option<&ColumnProfile>,
    current: Option<&ColumnProfile>,
) -> &'static dyn DriftMethod {
    let n = reference.map_or(0, |r| r.state.non_null());
    if categorical {
        let distinct = [reference, current]
            .into_iter()
            .flatten()
            .filter_map(|c| c.state.exact_value_counts())
            .flatten()
            .map(|(k, _)| k)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        // Two-valued columns get the Z-test at every size (gated by the effect size): a
        // Jensen–Shannon distance of 0.1 needs a ~14-point move of a binary share.
        if distinct <= 2 && distinct > 0 {
            &ZTest
        } else if n > SMALL_SAMPLE {
            &JensenShannon
        } else {
            &ChiSquare
        }
    } else if n > SMALL_SAMPLE {
        &Wasserstein
    } else {
        &Ks
    }
}
