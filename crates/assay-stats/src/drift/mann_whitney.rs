//! Mann–Whitney U test, as `scipy.stats.mannwhitneyu` (two-sided, continuity correction,
//! `method='auto'`).

use super::normal::ndtr;
use super::pooled::{has_integral_weights, pooled};
use super::{Empirical, TestOutcome};

/// Largest lower-tail table (entries, 8 bytes each) the exact p-value builds; beyond it (a
/// sample of at most 8 against one of over a million, where scipy's O(U^2) recursion would
/// not finish either) the asymptotic p-value is used.
const MAX_EXACT_TABLE: f64 = 5e6;

/// Two-sided Mann–Whitney U test with `x = reference` and `y = current`, as
/// `scipy.stats.mannwhitneyu(reference, current, use_continuity=True,
/// alternative='two-sided', method='auto')` (scipy 1.17.1).
///
/// The statistic is scipy's: `U1`, the U of `reference` (`R1 - n1 (n1 + 1) / 2` with `R1` the
/// midrank sum of `reference` in the pooled sample), so `U1 > n1 n2 / 2` means the reference
/// tends to be larger than the current sample. Computed in O(distinct values).
///
/// The p-value follows scipy's `_mwu_choose_method`: `"exact"` when at least one sample has 8
/// or fewer observations and there are no ties (the null distribution of U, as a Gaussian
/// binomial coefficient, built up to the observed lower tail), `"asymptotic"` otherwise:
/// `2 Φ(-z)` with `z = (max(U1, U2) - n1 n2 / 2 - 1/2) / σ` and the tie-corrected
/// `σ^2 = n1 n2 / 12 ((n + 1) - Σ (t^3 - t) / (n (n - 1)))`, clipped to `[0, 1]`. When every
/// value is tied (`σ = 0`) the p-value is 1, as scipy.
///
/// Fractional weights: ranks and tie sizes come from the cumulative weights and `n = total()`;
/// ties mean a pooled weight above 1 (scipy's `t > 1`, and a weight below 1 adds nothing to
/// the tie correction), and the exact p-value needs whole sample sizes, so such inputs use the
/// asymptotic one. Deviation from scipy: when `n1 n2 - max(U1, U2)` reaches 5e6 (sizes like 8
/// against 1.25 million, untied) the exact table is not built and the p-value is asymptotic.
///
/// Returns `None` when either side is empty. Parity (scipy 1.17.1 fixtures): statistic within
/// 1e-12 relative, p-value within 1e-10 relative (or 1e-300 absolute).
pub fn mann_whitney_u(reference: &Empirical, current: &Empirical) -> Option<TestOutcome> {
    if reference.is_empty() || current.is_empty() {
        return None;
    }
    let (n1, n2) = (reference.total(), current.total());
    let mut before = 0.0;
    let mut r1 = 0.0;
    let mut tie_term = 0.0;
    let mut ties = false;
    for p in pooled(reference, current) {
        let t = p.a + p.b;
        r1 += p.a * (before + (t + 1.0) / 2.0);
        // t^3 - t is 0 for an untied value; fractional weights below 1 are no ties either.
        tie_term += (t * t * t - t).max(0.0);
        ties |= t > 1.0;
        before += t;
    }
    let u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    let u2 = n1 * n2 - u1;
    let u = u1.max(u2);

    let whole = has_integral_weights(reference) && has_integral_weights(current);
    let small = n1 <= 8.0 || n2 <= 8.0;
    let exact = small && !ties && whole && (n1 * n2 - u) < MAX_EXACT_TABLE;
    if exact {
        if let Some(cdf) = exact_cdf((n1 * n2 - u) as usize, n1 as usize, n2 as usize) {
            let p = (2.0 * cdf).clamp(0.0, 1.0);
            return Some(TestOutcome {
                statistic: u1,
                p_value: p,
                p_method: "exact",
            });
        }
    }
    let mu = n1 * n2 / 2.0;
    let n = n1 + n2;
    let inner = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    let p = if inner > 0.0 {
        let z = (u - mu - 0.5) / inner.sqrt();
        (2.0 * ndtr(-z)).clamp(0.0, 1.0)
    } else {
        // Every value tied: U = n1 n2 / 2 and scipy's z is -inf, so p = 1.
        1.0
    };
    Some(TestOutcome {
        statistic: u1,
        p_value: p,
        p_method: "asymptotic",
    })
}

/// `P(U <= k)` under the null without ties, for sample sizes `n1`, `n2`: the coefficients of
/// the Gaussian binomial `[n1 + n2 choose s]_q = Π_{i=1}^{s} (1 - q^{l+i}) / (1 - q^i)`
/// (`s = min`, `l = max`), truncated at degree `k`, over `C(n1 + n2, s)`.
fn exact_cdf(k: usize, n1: usize, n2: usize) -> Option<f64> {
    let (s, l) = (n1.min(n2), n1.max(n2));
    let len = k.checked_add(1)?;
    let mut c = vec![0.0f64; len];
    c[0] = 1.0;
    let mut total = 1.0f64;
    for i in 1..=s {
        for u in i..len {
            c[u] += c[u - i];
        }
        let shift = l + i;
        for u in (shift..len).rev() {
            c[u] -= c[u - shift];
        }
        total = total * (l + i) as f64 / i as f64;
    }
    let below: f64 = c.iter().sum();
    Some(below / total.round())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::empirical::emp;

    #[test]
    fn empty_side_gives_none() {
        assert_eq!(mann_whitney_u(&emp(&[]), &emp(&[1.0])), None);
        assert_eq!(mann_whitney_u(&emp(&[1.0]), &emp(&[])), None);
    }

    #[test]
    fn matches_scipy_small_cases() {
        // scipy.stats.mannwhitneyu(x, y), scipy 1.17.1
        let r = mann_whitney_u(&emp(&[1.0, 2.0]), &emp(&[3.0])).unwrap();
        assert_eq!(r.statistic, 0.0);
        assert!((r.p_value - 0.666_666_666_666_666_6).abs() < 1e-15);
        assert_eq!(r.p_method, "exact");
        let r = mann_whitney_u(&emp(&[1.0, 2.0]), &emp(&[2.0, 3.0])).unwrap();
        assert_eq!(r.statistic, 0.5);
        assert!((r.p_value - 0.414_216_178_242_525_2).abs() < 1e-15);
        assert_eq!(r.p_method, "asymptotic");
        // identical: U = 4.5, p = 1
        let a = emp(&[1.0, 2.0, 3.0]);
        let r = mann_whitney_u(&a, &a).unwrap();
        assert_eq!((r.statistic, r.p_value), (4.5, 1.0));
        // one value on both sides: U = n1 n2 / 2, p = 1
        let r = mann_whitney_u(&emp(&[1.0; 12]), &emp(&[1.0; 10])).unwrap();
        assert_eq!((r.statistic, r.p_value), (60.0, 1.0));
    }

    #[test]
    fn exact_distribution_is_the_gaussian_binomial() {
        // n1 = 2, n2 = 3: U takes 0..=6 with counts 1, 1, 2, 2, 2, 1, 1 (of C(5, 2) = 10).
        let cdf: Vec<f64> = (0..=6).map(|k| exact_cdf(k, 2, 3).unwrap()).collect();
        let want = [0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0];
        for (g, w) in cdf.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{cdf:?}");
        }
    }
}
