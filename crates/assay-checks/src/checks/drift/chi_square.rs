//! `drift.chi_square`: chi-square test of independence between the side (reference/current) and the category or bin.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::contingency::chi_square;

/// Chi-square test of independence between the side (reference/current) and the category or bin.
pub struct ChiSquare;

impl DriftMethod for ChiSquare {
    fn name(&self) -> &'static str {
        "chi_square"
    }

    fn id(&self) -> &'static str {
        "drift.chi_square"
    }

    fn family(&self) -> Family {
        Family::Test
    }

    fn applies(&self) -> Applies {
        Applies::Binned
    }

    fn default_threshold(&self) -> f64 {
        0.05
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Chi-square test of independence between the side (reference/current) and the category or bin.",
            computes: "Pearson's chi-square on the 2×k contingency table of counts (categories, or bins of numeric columns); categories empty on both sides are dropped; with Yates' continuity correction on 2×2 tables unless `yates: false` (scipy's default). Details: `dof`. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "The classic test for categorical drift; the default for small categorical columns (as Evidently).",
            parameters: "common drift parameters (assay explain drift.auto); yates: continuity correction on 2×2 tables (default true).",
            default_condition: ">= 0.05 (the corrected p-value; drift below)",
            exactness: "Exact with exact counts; a categorical column over the exact cap is compared on its 200 most frequent values plus an (other) bucket.",
            references: "scipy.stats.chi2_contingency(correction=yates); parity within 1e-12 on the statistic and 1e-9 (relative) on p (scripts/gen_drift_histogram_fixtures.py). Evidently chi_stat_test.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let t = chi_square(&bins.reference, &bins.current, options.yates)
            .ok_or("chi-square needs at least two categories with values")?;
        let dof = t.dof;
        let yates = t.yates_applied;
        Ok(Score::test(t.into())
            .with("dof", dof)
            .with("yates_applied", yates)
            .with_bins(bins))
    }
}
