//! `drift.cramer_v`: cramér's V between the side (reference/current) and the category: an effect size of categorical drift.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::contingency::cramers_v;

/// Cramér's V between the side (reference/current) and the category: an effect size of categorical drift.
pub struct CramerV;

impl DriftMethod for CramerV {
    fn name(&self) -> &'static str {
        "cramer_v"
    }

    fn id(&self) -> &'static str {
        "drift.cramer_v"
    }

    fn family(&self) -> Family {
        Family::Distance
    }

    fn applies(&self) -> Applies {
        Applies::Binned
    }

    fn default_threshold(&self) -> f64 {
        0.1
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Cramér's V between the side (reference/current) and the category: an effect size of categorical drift.",
            computes: "V = sqrt(χ² / (n · (min(2, k) − 1))) on the 2×k table, without bias correction; 0 means identical shares, 1 complete separation. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "A chi-square turned into an effect size: it does not grow with the number of rows.",
            parameters: "common drift parameters (see assay explain drift.auto).",
            default_condition: "< 0.1",
            exactness: "Exact with exact counts.",
            references: "scipy.stats.contingency.association(method='cramer'); parity within 1e-12.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let v = cramers_v(&bins.reference, &bins.current)
            .ok_or("cramer_v needs at least two categories with values")?;
        Ok(Score::distance(v).with_bins(bins))
    }
}
