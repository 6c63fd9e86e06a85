//! `drift.z_test`: two-proportion Z-test on a two-valued column.

use crate::check::CheckDoc;
use crate::drift::method::nonempty_bins;
use crate::drift::method::{Applies, DriftMethod, Family, MethodOptions, Prepared, Score};
use assay_stats::drift::z_test::two_proportion_z;

/// Two-proportion Z-test on a two-valued column.
pub struct ZTest;

impl DriftMethod for ZTest {
    fn name(&self) -> &'static str {
        "z_test"
    }

    fn id(&self) -> &'static str {
        "drift.z_test"
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
            summary: "Two-proportion Z-test on a two-valued column.",
            computes: "The pooled two-proportion Z statistic (current share minus reference share of the first category, over its pooled standard error) and its two-sided normal p-value. Columns with more than two categories are an error (use chi_square). One result per column plus a dataset row (share of drifted columns); details: statistic, p_value (tests), method, threshold, n_reference, n_current, effect_size, the histograms used.",
            why: "The default for small binary columns (as Evidently).",
            parameters: "common drift parameters (see assay explain drift.auto).",
            default_condition: ">= 0.05 (the corrected p-value; drift below)",
            exactness: "Exact with exact counts.",
            references: "statsmodels proportions_ztest (pooled); parity with the explicit formula within 1e-12 on the statistic and 1e-9 (relative) on p. Evidently z_stat_test.",
        }
    }

    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String> {
        let bins = nonempty_bins(column, options)?;
        let k = bins.reference.len();
        if k > 2 {
            return Err(format!(
                "z_test compares two categories; this column has {k} categories or bins (use chi_square)"
            ));
        }
        let r1 = bins.reference.first().copied().unwrap_or(0.0);
        let c1 = bins.current.first().copied().unwrap_or(0.0);
        let nr: f64 = bins.reference.iter().sum();
        let nc: f64 = bins.current.iter().sum();
        let t = two_proportion_z(r1, nr, c1, nc).ok_or("z_test: a side is empty")?;
        Ok(Score::test(t).with_bins(bins))
    }
}
