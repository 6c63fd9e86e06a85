//! k-sample Anderson–Darling test, as `scipy.stats.anderson_ksamp(samples, midrank=True)`
//! (equivalently `variant='midrank'`).

use super::{Empirical, TestOutcome};

/// Interpolation coefficients of Scholz & Stephens (1987), Table 2, and their significance
/// levels, as in scipy.
const B0: [f64; 7] = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1: [f64; 7] = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2: [f64; 7] = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
const SIG: [f64; 7] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

/// Above this pooled size the harmonic sums of the variance use asymptotic expansions instead
/// of scipy's O(N) loops (the two agree to ~1e-15 relative there).
const DIRECT_HARMONIC_MAX_N: f64 = 1e6;

/// k-sample Anderson–Darling test that `samples` come from one distribution, as
/// `scipy.stats.anderson_ksamp(samples, midrank=True)` with its default (interpolated)
/// p-value (scipy 1.17.1).
///
/// The statistic is scipy's `statistic`: the standardised `(A2akN - (k - 1)) / sigma_N`, where
/// `A2akN` is Scholz & Stephens' (1987) eq. 7 for data with ties (midranks), computed over the
/// distinct pooled values with the weights (O(distinct values) per sample after an
/// O(D log D) merge of the supports), and `sigma_N^2` their exact variance.
///
/// The p-value (`p_method = "interpolated"`) is scipy's: `exp` of a quadratic least-squares fit
/// of `log(significance)` against the Table 2 critical values for `k - 1`, evaluated at the
/// statistic, and capped to `[0.001, 0.25]` exactly as scipy (0.25 below the smallest critical
/// value, 0.001 above the largest).
///
/// Fractional weights: the weights are used as tie-group sizes and `N = Σ total()`; the
/// harmonic sums of the variance use `N` rounded to a whole number.
///
/// Returns `None` with fewer than two samples, an empty sample, fewer than two distinct pooled
/// values (scipy raises) or a pooled size below 4 (scipy returns NaN or raises). Parity (scipy
/// 1.17.1 fixtures): statistic within 1e-10 relative or 1e-12 absolute, p-value within 1e-10
/// relative.
pub fn anderson_ksamp(samples: &[&Empirical]) -> Option<TestOutcome> {
    let k = samples.len();
    if k < 2 || samples.iter().any(|s| s.is_empty()) {
        return None;
    }
    let mut support: Vec<f64> = samples
        .iter()
        .flat_map(|s| s.values().iter().copied())
        .collect();
    support.sort_unstable_by(f64::total_cmp);
    support.dedup();
    if support.len() < 2 {
        return None;
    }
    let n: Vec<f64> = samples.iter().map(|s| s.total()).collect();
    let big_n: f64 = n.iter().sum();
    if big_n < 4.0 {
        return None;
    }

    // Scholz & Stephens eq. 7 over distinct values z_j: l_j pooled weight at z_j,
    // B_j = (pooled weight below z_j) + l_j / 2, M_ij = (weight of sample i below z_j) + f_ij / 2.
    let mut pos = vec![0usize; k];
    let mut below = vec![0.0f64; k];
    let mut f = vec![0.0f64; k];
    let mut inner = vec![0.0f64; k];
    let mut pooled_below = 0.0;
    for &z in &support {
        let mut lj = 0.0;
        for (i, s) in samples.iter().enumerate() {
            f[i] = match s.values().get(pos[i]) {
                Some(&v) if v == z => {
                    let w = s.weights().get(pos[i]).copied().unwrap_or(0.0);
                    pos[i] += 1;
                    w
                }
                _ => 0.0,
            };
            lj += f[i];
        }
        let bj = pooled_below + lj / 2.0;
        let denom = bj * (big_n - bj) - big_n * lj / 4.0;
        for i in 0..k {
            let mij = below[i] + f[i] / 2.0;
            let dev = big_n * mij - bj * n[i];
            inner[i] += lj / big_n * (dev * dev) / denom;
            below[i] += f[i];
        }
        pooled_below += lj;
    }
    let mut a2akn: f64 = inner.iter().zip(&n).map(|(s, ni)| s / ni).sum();
    a2akn *= (big_n - 1.0) / big_n;

    let kf = k as f64;
    let big_h: f64 = n.iter().map(|ni| 1.0 / ni).sum();
    let (h, g) = harmonic_sums(big_n.round());
    let a = (4.0 * g - 6.0) * (kf - 1.0) + (10.0 - 6.0 * g) * big_h;
    let b = (2.0 * g - 4.0) * kf * kf + 8.0 * h * kf + (2.0 * g - 14.0 * h - 4.0) * big_h - 8.0 * h
        + 4.0 * g
        - 6.0;
    let c = (6.0 * h + 2.0 * g - 2.0) * kf * kf
        + (4.0 * h - 4.0 * g + 6.0) * kf
        + (2.0 * h - 6.0) * big_h
        + 4.0 * h;
    let d = (2.0 * h + 6.0) * kf * kf - 4.0 * h * kf;
    let n3 = big_n * big_n * big_n;
    let n2 = big_n * big_n;
    let sigmasq =
        (a * n3 + b * n2 + c * big_n + d) / ((big_n - 1.0) * (big_n - 2.0) * (big_n - 3.0));
    let m = kf - 1.0;
    let a2 = (a2akn - m) / sigmasq.sqrt();
    if !a2.is_finite() {
        return None;
    }
    Some(TestOutcome {
        statistic: a2,
        p_value: interpolated_p_value(a2, m)?,
        p_method: "interpolated",
    })
}

/// scipy's interpolated p-value for the standardised statistic `a2` with `m = k - 1`.
fn interpolated_p_value(a2: f64, m: f64) -> Option<f64> {
    let critical: Vec<f64> = (0..7)
        .map(|i| B0[i] + B1[i] / m.sqrt() + B2[i] / m)
        .collect();
    let cmin = critical.iter().copied().fold(f64::INFINITY, f64::min);
    let cmax = critical.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if a2 < cmin {
        return Some(0.25);
    }
    if a2 > cmax {
        return Some(0.001);
    }
    let log_sig: Vec<f64> = SIG.iter().map(|s| s.ln()).collect();
    let coef = polyfit2(&critical, &log_sig)?;
    let fitted = coef.iter().fold(0.0, |acc, c| acc * a2 + c);
    Some(fitted.exp())
}

/// Least-squares quadratic `[c2, c1, c0]` (highest power first, as `numpy.polyfit(x, y, 2)`),
/// by Householder QR of the column-scaled Vandermonde matrix.
fn polyfit2(x: &[f64], y: &[f64]) -> Option<[f64; 3]> {
    let rows = x.len();
    if rows < 3 || y.len() != rows {
        return None;
    }
    // Columns x^2, x, 1, each scaled to unit norm (as numpy does before lstsq).
    let mut cols: [Vec<f64>; 3] = [
        x.iter().map(|t| t * t).collect(),
        x.to_vec(),
        vec![1.0; rows],
    ];
    let mut scale = [0.0f64; 3];
    for (col, s) in cols.iter_mut().zip(scale.iter_mut()) {
        *s = col.iter().map(|v| v * v).sum::<f64>().sqrt();
        if *s == 0.0 {
            return None;
        }
        col.iter_mut().for_each(|v| *v /= *s);
    }
    let mut rhs = y.to_vec();
    let reflect = |v: &[f64], vnorm2: f64, target: &mut [f64]| {
        let dot: f64 = v.iter().zip(target.iter()).map(|(a, b)| a * b).sum();
        let fac = 2.0 * dot / vnorm2;
        for (t, vi) in target.iter_mut().zip(v) {
            *t -= fac * vi;
        }
    };
    for j in 0..3 {
        let norm = cols[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        let alpha = if cols[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = cols[j][j..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|t| t * t).sum();
        if vnorm2 == 0.0 {
            continue;
        }
        for col in cols.iter_mut().skip(j) {
            reflect(&v, vnorm2, &mut col[j..]);
        }
        reflect(&v, vnorm2, &mut rhs[j..]);
    }
    let mut c = [0.0f64; 3];
    for j in (0..3).rev() {
        let s: f64 = ((j + 1)..3).map(|l| cols[l][j] * c[l]).sum();
        c[j] = (rhs[j] - s) / cols[j][j];
    }
    for (cj, s) in c.iter_mut().zip(scale) {
        *cj /= s;
    }
    Some(c)
}

/// `(h, g)` of Scholz & Stephens' variance for pooled size `n`:
/// `h = Σ_{i=1}^{n-1} 1/i`, `g = Σ_{i=1}^{n-2} Σ_{j=i+1}^{n-1} 1/((n-i) j)`.
///
/// Up to [`DIRECT_HARMONIC_MAX_N`] summed in scipy's order; above it from
/// `g = H2_n - (2 H_n - 1/n) / n` with asymptotic expansions of the harmonic numbers.
fn harmonic_sums(n: f64) -> (f64, f64) {
    if n <= DIRECT_HARMONIC_MAX_N {
        let steps = (n as u64).saturating_sub(2);
        // hs_cs = cumsum(1 / [n-1, n-2, ..., 2]); h = hs_cs[-1] + 1; g = Σ hs_cs[i] / (i + 2)
        let mut cum = 0.0;
        let mut g = 0.0;
        for i in 0..steps {
            cum += 1.0 / (n - 1.0 - i as f64);
            g += cum / (i as f64 + 2.0);
        }
        (cum + 1.0, g)
    } else {
        let harmonic = |x: f64| {
            let x2 = x * x;
            x.ln() + 0.577_215_664_901_532_9 + 1.0 / (2.0 * x) - 1.0 / (12.0 * x2)
                + 1.0 / (120.0 * x2 * x2)
        };
        let harmonic2 = |x: f64| {
            std::f64::consts::PI * std::f64::consts::PI / 6.0 - 1.0 / x + 1.0 / (2.0 * x * x)
                - 1.0 / (6.0 * x * x * x)
        };
        let hn = harmonic(n);
        let h = hn - 1.0 / n;
        let g = harmonic2(n) - (2.0 * hn - 1.0 / n) / n;
        (h, g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::empirical::emp;

    #[test]
    fn degenerate_inputs_give_none() {
        let a = emp(&[1.0, 2.0]);
        assert_eq!(anderson_ksamp(&[&a]), None);
        assert_eq!(anderson_ksamp(&[&a, &emp(&[])]), None);
        // one distinct value overall: scipy raises
        assert_eq!(
            anderson_ksamp(&[&emp(&[1.0, 1.0]), &emp(&[1.0, 1.0])]),
            None
        );
        // N = 3: scipy returns NaN
        assert_eq!(anderson_ksamp(&[&emp(&[1.0, 2.0]), &emp(&[3.0])]), None);
    }

    /// The `anderson_ksamp` cases of `tests/fixtures/reference_values.json`, written by
    /// `scripts/gen_reference_fixtures.py` with scipy 1.17.1 `anderson_ksamp(samples,
    /// variant="midrank")` (versions recorded in the file).
    fn scipy_case(name: &str) -> serde_json::Value {
        crate::reference_fixture::case("anderson_ksamp", name)
    }

    fn number(v: &serde_json::Value) -> f64 {
        v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
    }

    /// Absolute tolerance on the statistic and the p-value against scipy, as tight as the
    /// hand-copied checks this replaces (the parity tests allow 1e-10 relative).
    const TOL: f64 = 1e-12;

    /// assay's result on a fixture case, and scipy's (statistic, p-value).
    fn against_scipy(name: &str) -> (TestOutcome, f64, f64) {
        let case = scipy_case(name);
        let samples: Vec<Empirical> = case["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .map(|s| {
                let values: Vec<f64> = s.as_array().expect("sample").iter().map(number).collect();
                emp(&values)
            })
            .collect();
        let refs: Vec<&Empirical> = samples.iter().collect();
        let r = anderson_ksamp(&refs).unwrap();
        (r, number(&case["statistic"]), number(&case["p_value"]))
    }

    #[test]
    fn matches_scipy_small_cases() {
        // scipy.stats.anderson_ksamp([[1, 2], [2, 3]], variant='midrank')
        let (r, statistic, p) = against_scipy("two_overlapping_pairs");
        assert!(
            (r.statistic - statistic).abs() < TOL,
            "{} vs {statistic}",
            r.statistic
        );
        assert!((r.p_value - p).abs() < TOL, "{} vs {p}", r.p_value);
        assert_eq!(r.p_method, "interpolated");
        // identical samples [1, 2, 3] twice: scipy caps the p-value at 0.25.
        let (r, statistic, p) = against_scipy("identical_triples");
        assert!(
            (r.statistic - statistic).abs() < TOL,
            "{} vs {statistic}",
            r.statistic
        );
        assert_eq!(p, 0.25, "scipy's cap");
        assert_eq!(r.p_value, p);
    }

    #[test]
    fn harmonic_sums_agree_across_methods() {
        // Direct sums against the closed form g = H2_n - (2 H_n - 1/n)/n at moderate n.
        for n in [10.0, 1000.0, 250_000.0] {
            let (h, g) = harmonic_sums(n);
            let hn: f64 = (1..=(n as u64)).map(|i| 1.0 / i as f64).sum();
            let h2n: f64 = (1..=(n as u64)).map(|i| 1.0 / (i as f64 * i as f64)).sum();
            assert!((h - (hn - 1.0 / n)).abs() < 1e-12 * hn);
            assert!((g - (h2n - (2.0 * hn - 1.0 / n) / n)).abs() < 1e-12, "{n}");
        }
        // The expansions continue the direct sums smoothly past the switch.
        let (h_lo, g_lo) = harmonic_sums(DIRECT_HARMONIC_MAX_N);
        let (h_hi, g_hi) = harmonic_sums(DIRECT_HARMONIC_MAX_N + 1.0);
        assert!(((h_hi - h_lo) - 1.0 / DIRECT_HARMONIC_MAX_N).abs() < 1e-12);
        assert!((g_hi - g_lo).abs() < 1e-9);
    }

    #[test]
    fn polyfit_recovers_a_quadratic() {
        let x = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0];
        let y: Vec<f64> = x.iter().map(|t| 2.0 * t * t - 3.0 * t + 0.5).collect();
        let c = polyfit2(&x, &y).unwrap();
        for (got, want) in c.iter().zip([2.0, -3.0, 0.5]) {
            assert!((got - want).abs() < 1e-13, "{c:?}");
        }
    }
}
