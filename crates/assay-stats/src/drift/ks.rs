//! Two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp` (two-sided, `method='auto'`).

use super::kolmogorov::kstwo_sf;
use super::ks_exact::two_sided_sf;
use super::pooled::{has_integral_weights, pooled, whole_size};
use super::{Empirical, TestOutcome};

/// Largest sample size for which scipy's `method='auto'` tries the exact p-value
/// (`MAX_AUTO_N`).
pub const KS_MAX_EXACT_N: u64 = 10_000;

/// Two-sided two-sample Kolmogorov–Smirnov test of `reference` against `current`, as
/// `scipy.stats.ks_2samp(reference, current, alternative='two-sided', method='auto')`
/// (scipy 1.17.1).
///
/// The statistic is `D = sup |F_ref - F_cur|`, evaluated at every distinct value of the pooled
/// support (ties handled as scipy's `searchsorted(side='right')`). The p-value is:
///
/// - `"exact"` when both sample sizes are at most [`KS_MAX_EXACT_N`]: scipy's lattice-path
///   count (`_compute_prob_outside_square` for equal sizes, the Hodges/Viehmann inside method
///   otherwise) at `h = round(D lcm(n1, n2))`; as in scipy, the statistic returned is then
///   `h / lcm`, and when the exact computation leaves `[0, 1]` it falls back to the asymptotic
///   p-value (`p_method = "asymptotic"`);
/// - `"asymptotic"` otherwise: `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`, the exact one-sample
///   two-sided distribution (Simard & L'Ecuyer's algorithm selection, ported from scipy).
///
/// Fractional weights (a distribution recovered from a sketch): the sample sizes are rounded
/// half-to-even to whole numbers (at least 1) for the p-value only; the statistic stays the
/// weighted `D` (not snapped to `h / lcm`).
///
/// Returns `None` when either side is empty. Parity (scipy 1.17.1 fixtures,
/// `tests/drift_parity_samples.rs`): statistic within 1e-12 relative, p-value within 1e-10
/// relative (or 1e-300 absolute).
///
/// Cost: O(distinct values) for the statistic. The exact p-value is O(n1 n2) in the worst case
/// (only for sizes up to 10 000). The asymptotic one is a one-sided Smirnov sum of at most
/// `round(n1 n2 / (n1 + n2))` terms (only below a million; an O(1) approximation above, as
/// scipy), a Durbin matrix power of order at most 117, or O(1) expansions.
pub fn ks_2samp(reference: &Empirical, current: &Empirical) -> Option<TestOutcome> {
    if reference.is_empty() || current.is_empty() {
        return None;
    }
    let (n1, n2) = (reference.total(), current.total());
    let (mut c1, mut c2) = (0.0, 0.0);
    let (mut max_diff, mut min_diff) = (f64::NEG_INFINITY, f64::INFINITY);
    for p in pooled(reference, current) {
        c1 += p.a;
        c2 += p.b;
        let diff = c1 / n1 - c2 / n2;
        max_diff = max_diff.max(diff);
        min_diff = min_diff.min(diff);
    }
    let min_s = (-min_diff).clamp(0.0, 1.0);
    let d = if min_s > max_diff { min_s } else { max_diff };

    let exact_counts = has_integral_weights(reference) && has_integral_weights(current);
    let (m1, m2) = (whole_size(n1), whole_size(n2));
    let mut d_for_asymp = d;
    if m1.max(m2) <= KS_MAX_EXACT_N {
        let g = gcd(m1, m2);
        let lcm = (m1 / g) * m2;
        let h = (d * lcm as f64).round_ties_even();
        let h = if h > 0.0 { h as u64 } else { 0 };
        let d_lattice = h as f64 / lcm as f64;
        let statistic = if exact_counts { d_lattice } else { d };
        if h == 0 {
            return Some(TestOutcome {
                statistic,
                p_value: 1.0,
                p_method: "exact",
            });
        }
        if let Some(p) = two_sided_sf(m1, m2, g, h) {
            return Some(TestOutcome {
                statistic,
                p_value: p,
                p_method: "exact",
            });
        }
        // scipy keeps the lattice-snapped D for its fallback.
        d_for_asymp = d_lattice;
    }
    let (big, small) = if m1 >= m2 {
        (m1 as f64, m2 as f64)
    } else {
        (m2 as f64, m1 as f64)
    };
    let en = big * small / (big + small);
    let n_eff = whole_size(en);
    let p = kstwo_sf(d_for_asymp, n_eff).clamp(0.0, 1.0);
    let statistic = if exact_counts { d_for_asymp } else { d };
    Some(TestOutcome {
        statistic,
        p_value: p,
        p_method: "asymptotic",
    })
}

/// Greatest common divisor.
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::empirical::emp;

    #[test]
    fn empty_side_gives_none() {
        assert_eq!(ks_2samp(&emp(&[]), &emp(&[1.0])), None);
        assert_eq!(ks_2samp(&emp(&[1.0]), &emp(&[])), None);
    }

    #[test]
    fn identical_samples_give_zero_and_one() {
        let a = emp(&[1.0, 2.0, 3.0, 3.0]);
        let r = ks_2samp(&a, &a).unwrap();
        assert_eq!((r.statistic, r.p_value, r.p_method), (0.0, 1.0, "exact"));
        // A single distinct value on both sides: scipy returns D = 0, p = 1.
        let r = ks_2samp(&emp(&[1.0, 1.0, 1.0]), &emp(&[1.0, 1.0])).unwrap();
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
    }

    #[test]
    fn small_samples_match_scipy() {
        // scipy.stats.ks_2samp([1, 2], [3]) = (1.0, 0.6666666666666666)
        let r = ks_2samp(&emp(&[1.0, 2.0]), &emp(&[3.0])).unwrap();
        assert_eq!(r.statistic, 1.0);
        assert!((r.p_value - 0.666_666_666_666_666_6).abs() < 1e-15);
        // scipy.stats.ks_2samp([1], [2]) = (1.0, 1.0)
        let r = ks_2samp(&emp(&[1.0]), &emp(&[2.0])).unwrap();
        assert_eq!((r.statistic, r.p_value), (1.0, 1.0));
    }

    #[test]
    fn halved_weights_keep_the_statistic() {
        let a = emp(&[0.5, 1.0, 1.0, 2.5, 3.0, 7.0, 7.0, 7.0]);
        let b = emp(&[1.0, 2.0, 2.0, 4.0, 8.0]);
        let half = |e: &Empirical| {
            Empirical::from_weighted(
                e.values()
                    .iter()
                    .zip(e.weights())
                    .map(|(v, w)| (*v, w * 0.5)),
            )
        };
        let full = ks_2samp(&a, &b).unwrap();
        let halved = ks_2samp(&half(&a), &half(&b)).unwrap();
        // scipy.stats.ks_2samp(a, b).statistic = 0.225 (at 2.0: 3/8 against 3/5).
        assert!((full.statistic - halved.statistic).abs() < 1e-15);
        assert!((full.statistic - 0.225).abs() < 1e-15, "{}", full.statistic);
        assert_eq!(halved.p_method, "exact");
    }

    #[test]
    fn gcd_works() {
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(7, 5), 1);
        assert_eq!(gcd(10, 10), 10);
    }
}
