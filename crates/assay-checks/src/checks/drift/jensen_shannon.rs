//! `drift.jensen_shannon`: jensen–Shannon distance between the reference and current bin shares.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::divergence::jensen_shannon;

/// Jensen–Shannon distance between the reference and current bin shares.
pub struct JensenShannon;

impl DriftMethod for JensenShannon {
    fn name(&self) -> &'static str {
        "jensen_shannon"
    }

    fn id(&self) -> &'static str {
        "drift.jensen_shannon"
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
            summary: "Jensen–Shannon distance between the reference and current bin shares.",
            computes: "JS distance = sqrt(½ KL(p‖m) + ½ KL(q‖m)), m = (p + q)/2, on bins (numeric) or categories; details also carry the divergence (the distance squared). Zero shares need no floor (m > 0 wherever p or q is). One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "Symmetric, bounded (≤ sqrt(ln 2) in base e, ≤ 1 in base 2), defined when a category is missing on one side: the default for large categorical columns (as Evidently).",
            parameters: "common drift parameters (assay explain drift.auto); base: logarithm base (default e).",
            default_condition: "< 0.1",
            exactness: "Exact with exact counts; from sketches within the bin-share error.",
            references: "scipy.spatial.distance.jensenshannon(p, q, base); parity within 1e-12. Evidently jensenshannon_stat_test (threshold 0.1).",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let js = jensen_shannon(&bins.reference, &bins.current, options.base)
            .ok_or("jensen_shannon: no values to compare")?;
        Ok(Score::distance(js.distance)
            .with("divergence", js.divergence)
            .with("base", options.base)
            .with_bins(bins))
    }
}
