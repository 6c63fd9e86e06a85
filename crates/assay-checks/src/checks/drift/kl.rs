//! `drift.kl`: kullback–Leibler divergence of the current bin shares from the reference ones.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::divergence::kl_divergence;

/// Kullback–Leibler divergence of the current bin shares from the reference ones.
pub struct Kl;

impl DriftMethod for Kl {
    fn name(&self) -> &'static str {
        "kl"
    }

    fn id(&self) -> &'static str {
        "drift.kl"
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
            summary: "Kullback–Leibler divergence of the current bin shares from the reference ones.",
            computes: "KL(reference ‖ current) = Σ r_i log(r_i / c_i) on bins or categories, zero shares filled as Evidently 0.7 does (0.0001, or the smallest non-zero share / 10^6), then renormalized as scipy.stats.entropy does, so the value stays finite. One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "Information lost when the current distribution is used to approximate the reference; asymmetric and unbounded, so thresholds are data-specific.",
            parameters: "common drift parameters (assay explain drift.auto); base: logarithm base (default e).",
            default_condition: "< 0.1",
            exactness: "Exact with exact counts; from sketches within the bin-share error.",
            references: "scipy.stats.entropy(reference, current, base) after Evidently's empty-bin fill; parity within 1e-12 (scripts/gen_drift_histogram_fixtures.py). Evidently kl_div_stat_test.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let v = kl_divergence(&bins.reference, &bins.current, options.base)
            .ok_or("kl: no values to compare")?;
        Ok(Score::distance(v)
            .with("base", options.base)
            .with_bins(bins))
    }
}
