//! `drift.energy`: energy distance between the two numeric distributions.

use crate::check::CheckDoc;
use crate::drift::method::samples;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use crate::drift::score::normed_distance;
use assay_stats::drift::sample_distance::energy_distance;

/// Energy distance between the two numeric distributions.
pub struct Energy;

impl DriftMethod for Energy {
    fn name(&self) -> &'static str {
        "energy"
    }

    fn id(&self) -> &'static str {
        "drift.energy"
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
            summary: "Energy distance between the two numeric distributions.",
            computes: "E = sqrt(2 ∫ (F_ref − F_cur)²) over the merged support (the scipy definition), by default divided by the reference standard deviation (floored at 0.001) so that the 0.1 threshold does not depend on the column's units; details carry `energy` (plain) and `energy_normed`. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "A metric on distributions that catches changes of location and shape.",
            parameters: "common drift parameters (see assay explain drift.auto); normed: divide by the reference standard deviation (default true).",
            default_condition: "< 0.1",
            exactness: "Exact mode: every row. Profile mode: on 2,000 sketch quantiles.",
            references: "scipy.stats.energy_distance; parity within 1e-12 relative. Evidently energy_dist_test (threshold 0.1, on the plain distance; assay norms it by default).",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let (r, c) = samples(column, "energy")?;
        let e = energy_distance(r, c).ok_or("energy: a side is empty")?;
        Ok(normed_distance("energy", e, r, options.normed))
    }
}
