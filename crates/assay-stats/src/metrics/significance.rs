//! Significance tests comparing two models on the same rows: McNemar's test on their
//! per-row correctness (statsmodels `mcnemar`), and the two-sided p-value of a paired
//! bootstrap difference.

use crate::drift::normal::erfc;

/// McNemar's test of two classifiers on the same rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McNemar {
    /// Rows model A got right and model B wrong.
    pub b: f64,
    /// Rows model A got wrong and model B right.
    pub c: f64,
    /// `min(b, c)` for the exact test; `(|b − c| − 1)² / (b + c)` for the chi-square one.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Whether the exact binomial test was used.
    pub exact: bool,
}

/// Below this many discordant rows (`b + c`), the exact binomial test is used.
pub const MCNEMAR_EXACT_BELOW: f64 = 25.0;

/// b = rows A right and B wrong, c = the reverse. exact binomial test when b + c < 25, else
/// chi-square with continuity correction — as statsmodels `mcnemar(table, exact=...,
/// correction=True)`.
///
/// Exact: statistic `min(b, c)`, p-value `min(1, 2 · BinomCDF(min(b, c); b + c, ½))`
/// (`b = c = 0` gives p = 1). Chi-square: statistic `(|b − c| − 1)² / (b + c)` (statsmodels
/// applies the correction even when `|b − c| < 1`), p-value the upper tail of χ²(1),
/// `erfc(sqrt(statistic / 2))`. Rows past the shorter slice are ignored.
pub fn mcnemar(correct_a: &[bool], correct_b: &[bool]) -> McNemar {
    let (mut b, mut c) = (0u64, 0u64);
    for (&a, &bb) in correct_a.iter().zip(correct_b) {
        match (a, bb) {
            (true, false) => b += 1,
            (false, true) => c += 1,
            _ => {}
        }
    }
    let (bf, cf) = (b as f64, c as f64);
    let discordant = bf + cf;
    if discordant < MCNEMAR_EXACT_BELOW {
        let k = b.min(c);
        let n = b + c;
        // Σ_{i ≤ k} C(n, i), exact in f64 for n < 25.
        let mut binom = 1.0;
        let mut cdf = 0.0;
        for i in 0..=k {
            if i > 0 {
                binom = binom * (n - i + 1) as f64 / i as f64;
            }
            cdf += binom;
        }
        let p = (2.0 * cdf / 2f64.powi(n as i32)).min(1.0);
        McNemar {
            b: bf,
            c: cf,
            statistic: k as f64,
            p_value: p,
            exact: true,
        }
    } else {
        let statistic = ((bf - cf).abs() - 1.0).powi(2) / discordant;
        McNemar {
            b: bf,
            c: cf,
            statistic,
            p_value: erfc((statistic / 2.0).sqrt()),
            exact: false,
        }
    }
}

/// Two-sided paired-bootstrap p-value for H0: difference = 0, from replicates of (metric_a -
/// metric_b): 2·min(share ≤ 0, share ≥ 0), capped at 1.
///
/// Non-finite replicates are ignored; `None` when none is finite.
pub fn bootstrap_p_value(differences: &[f64]) -> Option<f64> {
    let (mut total, mut at_most, mut at_least) = (0usize, 0usize, 0usize);
    for &d in differences.iter().filter(|d| d.is_finite()) {
        total += 1;
        if d <= 0.0 {
            at_most += 1;
        }
        if d >= 0.0 {
            at_least += 1;
        }
    }
    if total == 0 {
        return None;
    }
    let share = at_most.min(at_least) as f64 / total as f64;
    Some((2.0 * share).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(b: usize, c: usize, same: usize) -> (Vec<bool>, Vec<bool>) {
        let mut a = Vec::new();
        let mut bb = Vec::new();
        for _ in 0..b {
            a.push(true);
            bb.push(false);
        }
        for _ in 0..c {
            a.push(false);
            bb.push(true);
        }
        for i in 0..same {
            a.push(i % 2 == 0);
            bb.push(i % 2 == 0);
        }
        (a, bb)
    }

    #[test]
    fn exact_matches_statsmodels() {
        // statsmodels mcnemar([[_, 2], [8, _]], exact=True): statistic 2, p = 0.109375
        let (a, b) = rows(2, 8, 11);
        let t = mcnemar(&a, &b);
        assert_eq!((t.b, t.c, t.statistic, t.exact), (2.0, 8.0, 2.0, true));
        assert!((t.p_value - 0.109_375).abs() < 1e-15);
        // b = c: p capped at 1.
        let (a, b) = rows(3, 3, 0);
        assert_eq!(mcnemar(&a, &b).p_value, 1.0);
        // No discordant rows (also empty input).
        let t = mcnemar(&[], &[]);
        assert_eq!((t.statistic, t.p_value, t.exact), (0.0, 1.0, true));
        let t = mcnemar(&[true], &[true]);
        assert_eq!((t.b, t.c, t.p_value), (0.0, 0.0, 1.0));
    }

    #[test]
    fn chi_square_with_correction() {
        // b = 20, c = 5: (15 - 1)^2 / 25 = 7.84; chi2.sf(7.84, 1) = 0.005110...
        let (a, b) = rows(20, 5, 3);
        let t = mcnemar(&a, &b);
        assert!(!t.exact);
        assert!((t.statistic - 7.84).abs() < 1e-14);
        // scipy.stats.chi2.sf(7.84, 1)
        assert!(
            (t.p_value / 0.005_110_260_660_855_866 - 1.0).abs() < 1e-12,
            "{}",
            t.p_value
        );
        // Equal discordant counts still get the correction: (0 - 1)^2 / 26.
        let (a, b) = rows(13, 13, 0);
        assert!((mcnemar(&a, &b).statistic - 1.0 / 26.0).abs() < 1e-15);
    }

    #[test]
    fn bootstrap_p_values() {
        assert_eq!(bootstrap_p_value(&[]), None);
        assert_eq!(bootstrap_p_value(&[f64::NAN]), None);
        assert_eq!(bootstrap_p_value(&[1.0, 2.0, 3.0, 4.0]), Some(0.0));
        assert_eq!(bootstrap_p_value(&[-1.0, 2.0, 3.0, 4.0]), Some(0.5));
        // Zeros count on both sides; all-zero differences give 1.
        assert_eq!(bootstrap_p_value(&[0.0, 2.0, 3.0, 4.0]), Some(0.5));
        assert_eq!(bootstrap_p_value(&[0.0; 3]), Some(1.0));
        assert_eq!(bootstrap_p_value(&[-1.0, 1.0]), Some(1.0));
    }
}
