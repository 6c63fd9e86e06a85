//! `drift.tvd`: total variation distance between the reference and current bin shares (with TFDV's L-infinity distance beside it).

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::divergence::{l_infinity, total_variation};

/// Total variation distance between the reference and current bin shares (with TFDV's L-infinity distance beside it).
pub struct Tvd;

impl DriftMethod for Tvd {
    fn name(&self) -> &'static str {
        "tvd"
    }

    fn id(&self) -> &'static str {
        "drift.tvd"
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
            summary: "Total variation distance between the reference and current bin shares (with TFDV's L-infinity distance beside it).",
            computes: "TVD = ½ Σ |r_i − c_i|: the share of probability mass that moved between bins or categories. Details carry `l_infinity` = max |r_i − c_i|, the distance TFDV's drift comparator thresholds for categorical features. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "The most readable distance: 0.1 means a tenth of the rows would have to change category to turn one distribution into the other.",
            parameters: "common drift parameters (see assay explain drift.auto).",
            default_condition: "< 0.1",
            exactness: "Exact with exact counts; from sketches within the bin-share error.",
            references: "TFDV L-infinity distance; total variation as in Evidently's TVD; parity with numpy within 1e-12.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let tvd =
            total_variation(&bins.reference, &bins.current).ok_or("tvd: no values to compare")?;
        let linf = l_infinity(&bins.reference, &bins.current).unwrap_or(f64::NAN);
        Ok(Score::distance(tvd)
            .with("l_infinity", linf)
            .with_bins(bins))
    }
}
