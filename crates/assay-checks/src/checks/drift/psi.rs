//! `drift.psi`: population Stability Index between the reference and current bin shares.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::divergence::psi;

/// Population Stability Index between the reference and current bin shares.
pub struct Psi;

impl DriftMethod for Psi {
    fn name(&self) -> &'static str {
        "psi"
    }

    fn id(&self) -> &'static str {
        "drift.psi"
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
            summary: "Population Stability Index between the reference and current bin shares.",
            computes: "PSI = Σ (c_i − r_i) ln(c_i / r_i) over bins (numeric columns: by default 10 bins at reference deciles; categorical: each category). Empty bins: a share of 0 is filled as Evidently 0.7 does (0.0001, or the smallest non-zero share / 10^6 when that is not above 0.0001), each side separately and without renormalizing, so a category present on one side only contributes a large but finite term. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "The credit-risk industry standard: < 0.1 no significant change, 0.1–0.25 moderate, > 0.25 major.",
            parameters: "common drift parameters (see assay explain drift.auto).",
            default_condition: "< 0.1",
            exactness: "Exact while the bins are counted from exact values (exact mode, or profiles with exact counts); from sketches the bin shares are within the rank error (~1.3%).",
            references: "Evidently psi_stat_test (formula and empty-bin fill); parity with a numpy implementation within 1e-12 relative (scripts/gen_drift_histogram_fixtures.py).",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let v = psi(&bins.reference, &bins.current).ok_or("psi: no values to compare")?;
        Ok(Score::distance(v).with_bins(bins))
    }
}
