//! Two-sample Cramér–von Mises test, as `scipy.stats.cramervonmises_2samp(method='auto')`.

use super::bessel::bessel_k;
use super::pooled::{has_integral_weights, pooled};
use super::{Empirical, TestOutcome};

/// Largest sample size for which scipy's `method='auto'` computes the exact p-value.
pub const CVM_MAX_EXACT_N: u64 = 20;

/// Two-sample Cramér–von Mises test of `x` against `y`, as
/// `scipy.stats.cramervonmises_2samp(x, y, method='auto')` (scipy 1.17.1).
///
/// The statistic is Anderson's (1962) `T = U / (nm(n+m)) - (4nm - 1) / (6(n+m))` with
/// `U = n Σ (r(x_i) - i)^2 + m Σ (r(y_j) - j)^2` over pooled midranks (ties get midranks, as
/// scipy). The sums are taken in closed form per tie group, so the cost is O(distinct values);
/// for exact counts they are computed in exact integer arithmetic (then `T` is correctly
/// rounded, where scipy's floating-point sum loses about `1e-15 nm/(n+m)` absolute).
///
/// The p-value is `"exact"` when both samples have at most [`CVM_MAX_EXACT_N`] observations
/// (scipy's enumeration of the null distribution of `U`, Xiao, Gordon & Yakovlev 2006),
/// `"asymptotic"` otherwise: `1 - V(t_n)` with `V` the limiting one-sample distribution
/// (Csörgő & Faraway 1996, series truncated as scipy at terms below 1e-7, `K_{1/4}` by
/// quadrature) at the normalised statistic `t_n`, and `1` when `t_n < 0.003`. As in scipy,
/// p-values from the series are only accurate to about 1e-7 absolute for very large `T`.
///
/// Fractional weights: the closed forms take the real weights as tie-group sizes and
/// `n = total()`; the exact p-value needs whole sample sizes, so such inputs use the
/// asymptotic one.
///
/// Returns `None` when either sample has fewer than two observations (scipy returns NaN).
/// Parity (scipy 1.17.1 fixtures): statistic within 1e-12 relative or
/// `1e-15 + 1e-14 nm/(n+m)` absolute (scipy's floating-point `U` loses that much to
/// cancellation: 1.7e-12 relative at 12000 against 11000, where assay's value is the exact
/// rational rounded once); exact p-value within 1e-12 relative; asymptotic p-value within
/// 1e-10 relative or 1e-13 absolute.
pub fn cramer_von_mises_2samp(x: &Empirical, y: &Empirical) -> Option<TestOutcome> {
    let (nx, ny) = (x.total(), y.total());
    if !(nx >= 2.0 && ny >= 2.0) {
        return None;
    }
    let whole = has_integral_weights(x) && has_integral_weights(y);
    let exact_sums = if whole { exact_rank_sums(x, y) } else { None };
    let (u, t) = match exact_sums {
        Some(s) => s,
        None => float_rank_sums(x, y),
    };
    if whole && nx.max(ny) <= CVM_MAX_EXACT_N as f64 {
        let p = exact_p_value(u, nx as u64, ny as u64)?;
        return Some(TestOutcome {
            statistic: t,
            p_value: p,
            p_method: "exact",
        });
    }
    let p = asymptotic_p_value(t, nx, ny);
    Some(TestOutcome {
        statistic: t,
        p_value: p,
        p_method: "asymptotic",
    })
}

/// `(U, T)` from exact integer sums (whole weights); `None` on i128 overflow.
fn exact_rank_sums(x: &Empirical, y: &Empirical) -> Option<(f64, f64)> {
    let nx = x.total() as i128;
    let ny = y.total() as i128;
    // 4 Σ (r - i)^2 over the positions of one sample inside a tie group: with
    // S = 2 (r - before - 1) (an integer, midranks being half-integers) and `a` members,
    // Σ_{l<a} (S - 2l)^2 = a S^2 - 2 S a (a-1) + 2 a (a-1) (2a-1) / 3.
    fn group(s: i128, a: i128) -> Option<i128> {
        let t1 = a.checked_mul(s.checked_mul(s)?)?;
        let t2 = 2i128.checked_mul(s)?.checked_mul(a)?.checked_mul(a - 1)?;
        let t3 = 2i128
            .checked_mul(a)?
            .checked_mul(a - 1)?
            .checked_mul(2 * a - 1)?
            / 3;
        t1.checked_sub(t2)?.checked_add(t3)
    }
    let (mut qx, mut qy) = (0i128, 0i128);
    let (mut before, mut bx, mut by) = (0i128, 0i128, 0i128);
    for p in pooled(x, y) {
        let (a, b) = (p.a as i128, p.b as i128);
        let t = a + b;
        let two_r = 2 * before + t + 1;
        if a > 0 {
            qx = qx.checked_add(group(two_r - 2 * bx - 2, a)?)?;
        }
        if b > 0 {
            qy = qy.checked_add(group(two_r - 2 * by - 2, b)?)?;
        }
        before += t;
        bx += a;
        by += b;
    }
    let four_u = nx.checked_mul(qx)?.checked_add(ny.checked_mul(qy)?)?;
    let k = nx * ny;
    let big_n = nx + ny;
    // T = (6U - k(4k-1)) / (6kN) = (6 (4U) - 4k(4k-1)) / (24 k N)
    let num = 6i128.checked_mul(four_u)?.checked_sub(
        4i128
            .checked_mul(k)?
            .checked_mul(4i128.checked_mul(k)? - 1)?,
    )?;
    let den = 24i128.checked_mul(k)?.checked_mul(big_n)?;
    Some((four_u as f64 / 4.0, num as f64 / den as f64))
}

/// `(U, T)` in floating point, as scipy, for fractional weights or sums beyond i128.
fn float_rank_sums(x: &Empirical, y: &Empirical) -> (f64, f64) {
    let (nx, ny) = (x.total(), y.total());
    // Σ_{l<a} (s - l)^2 = a s^2 - s a (a-1) + a (a-1) (2a-1) / 6
    let group =
        |s: f64, a: f64| a * s * s - s * a * (a - 1.0) + a * (a - 1.0) * (2.0 * a - 1.0) / 6.0;
    let (mut sx, mut sy) = (0.0, 0.0);
    let (mut before, mut bx, mut by) = (0.0, 0.0, 0.0);
    for p in pooled(x, y) {
        let t = p.a + p.b;
        let r = before + (t + 1.0) / 2.0;
        if p.a > 0.0 {
            sx += group(r - bx - 1.0, p.a);
        }
        if p.b > 0.0 {
            sy += group(r - by - 1.0, p.b);
        }
        before += t;
        bx += p.a;
        by += p.b;
    }
    let u = nx * sx + ny * sy;
    let k = nx * ny;
    let big_n = nx + ny;
    (u, u / (k * big_n) - (4.0 * k - 1.0) / (6.0 * big_n))
}

/// numpy's `floor_divide` for doubles (floor of the quotient, computed via `fmod`).
fn floor_divide(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        return a / b;
    }
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let mut floordiv = div.floor();
        if div - floordiv > 0.5 {
            floordiv += 1.0;
        }
        floordiv
    } else {
        0.0f64.copysign(a / b)
    }
}

/// Exact p-value `P(U >= u)` by scipy's `_pval_cvm_2samp_exact`: the frequency table of
/// `g_{u,v}` over lattice paths (Xiao, Gordon & Yakovlev 2006, Algorithm 1).
fn exact_p_value(u: f64, m: u64, n: u64) -> Option<f64> {
    fn gcd(mut a: u64, mut b: u64) -> u64 {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }
    fn merge(x: &[(u64, u64)], y: &[(u64, u64)]) -> Vec<(u64, u64)> {
        let mut out = Vec::with_capacity(x.len() + y.len());
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            let (xv, yv) = (x[i], y[j]);
            if xv.0 < yv.0 {
                out.push(xv);
                i += 1;
            } else if yv.0 < xv.0 {
                out.push(yv);
                j += 1;
            } else {
                out.push((xv.0, xv.1 + yv.1));
                i += 1;
                j += 1;
            }
        }
        out.extend_from_slice(&x[i..]);
        out.extend_from_slice(&y[j..]);
        out
    }
    if m == 0 || n == 0 {
        return None;
    }
    let lcm = m / gcd(m, n) * n;
    let a = (lcm / m) as i64;
    let b = (lcm / n) as i64;
    let mn = m * n;
    let big_l = (lcm * lcm * (m + n)) as f64;
    let d = 6.0 * u - (mn * (4 * mn - 1)) as f64;
    let zeta = floor_divide(big_l * d, (6 * mn * mn) as f64);

    let (m_us, n_us) = (usize::try_from(m).ok()?, usize::try_from(n).ok()?);
    let mut gs: Vec<Vec<(u64, u64)>> = vec![Vec::new(); m_us + 1];
    gs[0] = vec![(0, 1)];
    for uu in 0..=n_us {
        let mut next = Vec::with_capacity(m_us + 1);
        let mut tmp: Vec<(u64, u64)> = Vec::new();
        for (v, g) in gs.iter().enumerate() {
            tmp = merge(&tmp, g);
            let diff = a * v as i64 - b * uu as i64;
            let res = (diff * diff) as u64;
            for e in tmp.iter_mut() {
                e.0 += res;
            }
            next.push(tmp.clone());
        }
        gs = next;
    }
    let combinations = binomial(m + n, m)?;
    let hits: u64 = gs[m_us]
        .iter()
        .filter(|(value, _)| *value as f64 >= zeta)
        .map(|(_, c)| c)
        .sum();
    Some(hits as f64 / combinations as f64)
}

/// `C(n, k)` in u64, `None` on overflow.
fn binomial(n: u64, k: u64) -> Option<u64> {
    let k = k.min(n - k);
    let mut c: u64 = 1;
    for i in 0..k {
        c = c.checked_mul(n - i)? / (i + 1);
    }
    Some(c)
}

/// scipy `_pval_cvm_2samp_asymptotic`: normalise `T` with its exact mean and variance
/// (Anderson 1962, eqs. 11, 14, 15) and use the limiting distribution.
fn asymptotic_p_value(t: f64, nx: f64, ny: f64) -> f64 {
    let k = nx * ny;
    let big_n = nx + ny;
    let et = (1.0 + 1.0 / big_n) / 6.0;
    let vt = (big_n + 1.0) * (4.0 * k * big_n - 3.0 * (nx * nx + ny * ny) - 2.0 * k)
        / (45.0 * big_n * big_n * 4.0 * k);
    let tn = 1.0 / 6.0 + (t - et) / (45.0 * vt).sqrt();
    if tn >= 0.003 {
        (1.0 - cdf_cvm_inf(tn)).max(0.0)
    } else {
        1.0
    }
}

/// CDF of the limiting Cramér–von Mises distribution (Csörgő & Faraway 1996, eq. 1.2), as
/// scipy `_cdf_cvm_inf`: terms are added until one falls below 1e-7.
fn cdf_cvm_inf(x: f64) -> f64 {
    let pi_1_5 = std::f64::consts::PI.powf(1.5);
    let mut tot = 0.0;
    // Γ(k + 1/2) / Γ(k + 1), updated by the recurrence (exp(gammaln - gammaln) in scipy).
    let mut gamma_ratio = std::f64::consts::PI.sqrt();
    let mut k = 0u32;
    loop {
        let u = gamma_ratio / (pi_1_5 * x.sqrt());
        let y = f64::from(4 * k + 1);
        let q = y * y / (16.0 * x);
        let z = u * y.sqrt() * (-q).exp() * bessel_k(0.25, q);
        tot += z;
        if z.abs() < 1e-7 || k >= 10_000 {
            break;
        }
        k += 1;
        gamma_ratio *= (f64::from(k) - 0.5) / f64::from(k);
    }
    tot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::empirical::emp;

    #[test]
    fn too_small_gives_none() {
        assert_eq!(
            cramer_von_mises_2samp(&emp(&[1.0]), &emp(&[1.0, 2.0])),
            None
        );
        assert_eq!(cramer_von_mises_2samp(&emp(&[1.0, 2.0]), &emp(&[])), None);
    }

    #[test]
    fn matches_scipy_small_cases() {
        // scipy.stats.cramervonmises_2samp(x, y), scipy 1.17.1
        let r = cramer_von_mises_2samp(&emp(&[1.0, 2.0]), &emp(&[2.0, 3.0])).unwrap();
        assert!((r.statistic - 0.1875).abs() < 1e-15);
        assert!((r.p_value - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(r.p_method, "exact");
        let a = emp(&[1.0, 2.0, 3.0]);
        let r = cramer_von_mises_2samp(&a, &a).unwrap();
        assert_eq!((r.statistic, r.p_value), (0.0, 1.0));
        // A single distinct value on both sides: T = 0.06666666666666665, p = 1.
        let r = cramer_von_mises_2samp(&emp(&[1.0, 1.0, 1.0]), &emp(&[1.0, 1.0])).unwrap();
        assert!((r.statistic - 0.066_666_666_666_666_65).abs() < 1e-15);
        assert_eq!(r.p_value, 1.0);
    }

    #[test]
    fn float_and_exact_sums_agree() {
        let x = emp(&[1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0, 8.0]);
        let y = emp(&[2.0, 3.0, 3.0, 4.0, 5.0, 9.0]);
        let (ue, te) = exact_rank_sums(&x, &y).unwrap();
        let (uf, tf) = float_rank_sums(&x, &y);
        assert_eq!(ue, uf);
        assert!((te - tf).abs() < 1e-15);
    }

    #[test]
    fn limiting_cdf_matches_scipy() {
        // scipy.stats._hypotests._cdf_cvm_inf(x), scipy 1.17.1
        // (its series is truncated, hence the value below 1 at x = 30, which we reproduce).
        let cases = [
            (0.003, 1.274_844_041_704_198_8e-18),
            (0.05, 0.123_719_068_958_649_06),
            (0.2, 0.732_529_569_459_222_9),
            (0.461, 0.949_892_872_798_241_5),
            (1.5, 0.999_827_303_780_210_7),
            (4.0, 0.999_999_999_291_339_6),
            (30.0, 0.999_999_993_918_927_8),
        ];
        for (x, want) in cases {
            let got = cdf_cvm_inf(x);
            assert!(((got - want) / want).abs() < 1e-13, "{x}: {got} vs {want}");
        }
    }

    #[test]
    fn floor_divide_is_numpy() {
        assert_eq!(floor_divide(7.0, 2.0), 3.0);
        assert_eq!(floor_divide(-7.0, 2.0), -4.0);
        assert_eq!(floor_divide(-0.5, 3.0), -1.0);
        assert_eq!(binomial(40, 20), Some(137_846_528_820));
    }
}
