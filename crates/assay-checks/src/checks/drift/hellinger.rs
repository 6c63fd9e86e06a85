//! `drift.hellinger`: hellinger distance between the reference and current bin shares.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::divergence::hellinger;

/// Hellinger distance between the reference and current bin shares.
pub struct Hellinger;

impl DriftMethod for Hellinger {
    fn name(&self) -> &'static str {
        "hellinger"
    }

    fn id(&self) -> &'static str {
        "drift.hellinger"
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
            summary: "Hellinger distance between the reference and current bin shares.",
            computes: "H = sqrt(1 − Σ sqrt(r_i c_i)) on bins or categories, in [0, 1]; zero shares need no floor. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "Bounded and symmetric; less dominated by rare bins than KL.",
            parameters: "common drift parameters (see assay explain drift.auto).",
            default_condition: "< 0.1",
            exactness: "Exact with exact counts; from sketches within the bin-share error.",
            references: "Evidently hellinger_stat_test formula; parity with numpy within 1e-12.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let v =
            hellinger(&bins.reference, &bins.current).ok_or("hellinger: no values to compare")?;
        Ok(Score::distance(v).with_bins(bins))
    }
}
