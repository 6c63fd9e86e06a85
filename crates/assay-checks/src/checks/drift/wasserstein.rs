//! `drift.wasserstein`: wasserstein (earth mover's) distance between the two numeric distributions, normed by the reference standard deviation.

use crate::check::CheckDoc;
use crate::drift::method::samples;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use crate::drift::score::normed_distance;
use assay_stats::drift::sample_distance::wasserstein;

/// Wasserstein (earth mover's) distance between the two numeric distributions, normed by the reference standard deviation.
pub struct Wasserstein;

impl DriftMethod for Wasserstein {
    fn name(&self) -> &'static str {
        "wasserstein"
    }

    fn id(&self) -> &'static str {
        "drift.wasserstein"
    }

    fn family(&self) -> Family {
        Family::Distance
    }

    fn applies(&self) -> Applies {
        Applies::Numeric
    }

    fn default_threshold(&self) -> f64 {
        0.1
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Wasserstein (earth mover's) distance between the two numeric distributions, normed by the reference standard deviation.",
            computes: "W1 = ∫|F_ref(x) − F_cur(x)| dx over the merged support; by default divided by the reference's population standard deviation (floored at 0.001, as Evidently), so the value reads as 'the distribution moved by this many standard deviations'. Details carry both `wasserstein` (plain) and `wasserstein_normed`. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "The default for large numeric columns (as Evidently): unlike a p-value it does not shrink to zero with more rows, so it measures how much the data moved, not how sure we are that it moved.",
            parameters: "common drift parameters (assay explain drift.auto); normed: divide by the reference standard deviation (default true).",
            default_condition: "< 0.1",
            exactness: "Exact mode: every row. Profile mode: from 2,000 sketch quantiles; the error is bounded by the rank error times the value range of the affected quantiles (small except in long tails).",
            references: "scipy.stats.wasserstein_distance; parity within 1e-12 relative. Evidently wasserstein_distance_norm (threshold 0.1).",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let (r, c) = samples(column, "wasserstein")?;
        let w = wasserstein(r, c).ok_or("wasserstein: a side is empty")?;
        Ok(normed_distance("wasserstein", w, r, options.normed))
    }
}
