//! Two-proportion Z test (pooled variance) for the drift of a binary column's share.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::TestOutcome;

/// Pooled two-proportion Z test that the reference and current success shares are equal,
/// two-sided.
///
/// With shares `p_r = ref_successes / ref_n`, `p_c = cur_successes / cur_n` and pooled share
/// `p = (cur_successes + ref_successes) / (cur_n + ref_n)`, the statistic is
/// `z = (p_c − p_r) / sqrt(p (1 − p) (1 / cur_n + 1 / ref_n))` (sign: **current minus
/// reference**, positive when the share grew) and the p-value `2 · Φ(−|z|)` (`p_method`
/// `"asymptotic"`), evaluated as the chi-square (1 dof) upper tail of `z²`, which is the same
/// quantity and more accurate in statrs than its normal tail. Counts may be fractional.
///
/// Degenerate: when the pooled share is 0 or 1 (no successes, or only successes, in both
/// samples) the variance is 0 and the shares are equal; the statistic is `0` and the p-value
/// `1` (`p_method` `"degenerate"`) where statsmodels returns NaN. `None` when a size is not
/// positive, a success count is negative or exceeds its size, or a value is not finite.
///
/// Reference: `statsmodels.stats.proportion.proportions_ztest([cur_successes, ref_successes],
/// [cur_n, ref_n])` (default `value=0`, pooled variance); the fixture computes that formula
/// explicitly with numpy 2.4.6 and `scipy.stats.norm.sf` (scipy 1.17.1), without statsmodels.
/// Parity `1e-12` relative on the statistic, `1e-9` relative on the p-value.
pub fn two_proportion_z(
    ref_successes: f64,
    ref_n: f64,
    cur_successes: f64,
    cur_n: f64,
) -> Option<TestOutcome> {
    let valid =
        |x: f64, n: f64| x.is_finite() && n.is_finite() && n > 0.0 && (0.0..=n).contains(&x);
    if !valid(ref_successes, ref_n) || !valid(cur_successes, cur_n) {
        return None;
    }
    let diff = cur_successes / cur_n - ref_successes / ref_n;
    let pooled = (cur_successes + ref_successes) / (cur_n + ref_n);
    let variance = pooled * (1.0 - pooled) * (1.0 / cur_n + 1.0 / ref_n);
    if variance <= 0.0 {
        return Some(TestOutcome {
            statistic: 0.0,
            p_value: 1.0,
            p_method: "degenerate",
        });
    }
    let statistic = diff / variance.sqrt();
    // 2 Φ(−|z|) = P(χ²₁ > z²): statrs' regularized incomplete gamma is accurate to ~1e-13
    // relative, its normal tail (erfc) only to ~1e-10.
    let p_value = ChiSquared::new(1.0).ok()?.sf(statistic * statistic);
    Some(TestOutcome {
        statistic,
        p_value: p_value.min(1.0),
        p_method: "asymptotic",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_counts_give_none() {
        assert_eq!(two_proportion_z(1.0, 0.0, 1.0, 10.0), None);
        assert_eq!(two_proportion_z(11.0, 10.0, 1.0, 10.0), None);
        assert_eq!(two_proportion_z(-1.0, 10.0, 1.0, 10.0), None);
        assert_eq!(two_proportion_z(1.0, 10.0, f64::NAN, 10.0), None);
        assert_eq!(two_proportion_z(1.0, 10.0, 1.0, f64::INFINITY), None);
    }

    #[test]
    fn degenerate_shares_give_no_evidence() {
        for (x1, x2) in [(0.0, 0.0), (10.0, 20.0)] {
            let t = two_proportion_z(x1, 10.0, x2, 20.0).unwrap();
            assert_eq!(
                (t.statistic, t.p_value, t.p_method),
                (0.0, 1.0, "degenerate")
            );
        }
    }

    /// The `z_test` cases of `tests/fixtures/reference_values.json`, written by
    /// `scripts/gen_reference_fixtures.py` with statsmodels 0.15.0 `proportions_ztest([cur_x,
    /// ref_x], [cur_n, ref_n])` (versions recorded in the file).
    fn statsmodels_cases() -> Vec<serde_json::Value> {
        crate::reference_fixture::section("z_test")
    }

    fn number(v: &serde_json::Value) -> f64 {
        v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
    }

    /// Statistic against statsmodels: the same few operations.
    const STATISTIC_TOL: f64 = 1e-12;
    /// p-value: statrs' chi-square (1 dof) upper tail of z² against scipy's 2·norm.sf(|z|)
    /// (the comment above claims ~1e-13 relative for statrs; 1e-12 leaves a margin).
    const P_TOL: f64 = 1e-12;

    #[test]
    fn matches_statsmodels() {
        let cases = statsmodels_cases();
        assert!(cases.len() >= 2);
        for c in &cases {
            let name = c["name"].as_str().expect("name");
            let t = two_proportion_z(
                number(&c["ref_successes"]),
                number(&c["ref_n"]),
                number(&c["cur_successes"]),
                number(&c["cur_n"]),
            )
            .unwrap();
            let (z, p) = (number(&c["statistic"]), number(&c["p_value"]));
            assert!(
                (t.statistic - z).abs() <= STATISTIC_TOL * z.abs(),
                "{name}: z {} vs statsmodels {z}",
                t.statistic
            );
            assert!(
                (t.p_value - p).abs() <= P_TOL * p,
                "{name}: p {} vs statsmodels {p}",
                t.p_value
            );
            assert_eq!(t.p_method, "asymptotic");
        }
    }

    #[test]
    fn sign_is_current_minus_reference() {
        // p_r = 0.3, p_c = 0.45, pooled 0.375: z = 0.15 / sqrt(0.375 · 0.625 · 0.02) > 0 (the
        // value itself is checked against statsmodels in matches_statsmodels).
        let t = two_proportion_z(30.0, 100.0, 45.0, 100.0).unwrap();
        let z = 0.15 / (0.375f64 * 0.625 * 0.02).sqrt();
        assert!((t.statistic - z).abs() < 1e-12);
        assert!(t.statistic > 0.0);
        let back = two_proportion_z(45.0, 100.0, 30.0, 100.0).unwrap();
        assert_eq!(back.statistic, -t.statistic);
        assert_eq!(back.p_value, t.p_value);
        let same = two_proportion_z(5.0, 10.0, 50.0, 100.0).unwrap();
        assert_eq!((same.statistic, same.p_value), (0.0, 1.0));
    }
}
