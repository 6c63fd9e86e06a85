//! Survival function of the one-sided Kolmogorov–Smirnov (Smirnov) statistic `D_n^+`, a port
//! of `scipy.special.smirnov` (scipy's `xsf/cephes/kolmogorov.h`, by Paul van Mulbregt):
//! the Birnbaum–Tingey sum evaluated in double-double arithmetic with scaled binomial
//! coefficients, with the same special cases and early termination, so it matches scipy to a
//! few ulps.

use super::double_double::Dd;

/// Above this `n` the sum is replaced by an approximation (as scipy).
const SMIRNOV_MAX_COMPUTE_N: i64 = 1_000_000;
/// Upper-sum limits (scipy `SM_UPPER_MAX_TERMS`, `SM_UPPERSUM_MIN_N`).
const SM_UPPER_MAX_TERMS: i64 = 3;
const SM_UPPERSUM_MIN_N: i64 = 10;
/// Exponent cap used to keep double-double powers normalized.
const SM_MAX_EXPONENT: i64 = 960;
/// `log(2^-1075)`: exp of anything below underflows (cephes `MINLOG`).
const MINLOG: f64 = -7.451_332_191_019_412e2;

/// `floor(n x)` computed exactly, the fractional remainder and `n x` as a double.
fn mod_nx(n: i64, x: f64) -> (f64, i64, f64) {
    let nx_d = (n as f64) * Dd::new(x);
    let nxfloor_d = nx_d.floor();
    let alpha_d = nx_d - nxfloor_d;
    let mut alpha = alpha_d.hi;
    let mut nxfloor = nxfloor_d.hi as i64;
    if alpha == 1.0 {
        nxfloor += 1;
        alpha = 0.0;
    }
    (alpha, nxfloor, nx_d.hi)
}

/// Binomial coefficient update `C(n, j+1) = C(n, j) (n - j) / (j + 1)` on a scaled mantissa.
fn update_binomial(cman: &mut Dd, cexpt: &mut i64, n: i64, j: i64) {
    let rat = Dd::new((n - j) as f64) / ((j as f64) + 1.0);
    let (man2, expt) = (*cman * rat).frexp();
    *cexpt += expt;
    *cman = man2;
}

/// `a^m` in double-double (scipy `pow_D`: `pow` on the high part plus a correction).
fn pow_d(a: Dd, m: i64) -> Dd {
    if m <= 0 {
        if m == 0 {
            return Dd::new(1.0);
        }
        return 1.0 / pow_d(a, -m);
    }
    if a.eq_f64(0.0) {
        return Dd::new(0.0);
    }
    let mf = m as f64;
    let ans = a.hi.powf(mf);
    let r = a.lo / a.hi;
    let mut adj = mf * r;
    if adj.abs() > 1e-8 {
        if adj.abs() < 1e-4 {
            // First two terms of the Taylor series of (1 + r)^m.
            adj += (mf * r) * ((mf - 1.0) / 2.0 * r);
        } else {
            adj = (mf * r.ln_1p()).exp_m1();
        }
    }
    Dd::new(ans) + ans * adj
}

/// `((1 + b))^m` style helper: `(a + b)^m` as a double.
fn pow2(a: f64, b: f64, m: i64) -> f64 {
    pow_d(Dd::new(a) + b, m).hi
}

/// scipy `nextPowerOf2` (despite its name: the smallest representable value above `x`).
fn next_power_of_2(x: f64) -> f64 {
    let q = super::double_double::ldexp(x, 1 - 53);
    let l = (q + x).abs();
    if l == 0.0 {
        x.abs()
    } else {
        l
    }
}

/// `a^m = significand * 2^exponent`, returned as `(significand, exponent)`.
fn pow2_scaled_d(a: Dd, m: i64) -> (Dd, i64) {
    if m <= 0 {
        if m == 0 {
            return (Dd::new(1.0), 0);
        }
        let (ans, ae1) = pow2_scaled_d(a, -m);
        let (ans, ae2) = (1.0 / ans).frexp();
        return (ans, -ae1 + ae2);
    }
    let (y, ye) = a.frexp();
    if m == 1 {
        return (y, ye);
    }
    let mut max_expt = SM_MAX_EXPONENT;
    if (m as f64) * (y.hi - 1.0) / y.hi < -(SM_MAX_EXPONENT as f64) * std::f64::consts::LN_2 {
        let lg2y = y.hi.ln() / std::f64::consts::LN_2;
        let lg_ans = (m as f64) * lg2y;
        if lg_ans <= -(SM_MAX_EXPONENT as f64) {
            max_expt = (next_power_of_2(-(SM_MAX_EXPONENT as f64) / lg2y + 1.0) / 2.0) as i64;
        }
    }
    if m <= max_expt {
        let ans1 = pow_d(y, m);
        let (ans, mut ans_e) = ans1.frexp();
        ans_e += m * ye;
        return (ans, ans_e);
    }
    let q = m / max_expt;
    let r = m % max_expt;
    let (y2r, y2r_e) = pow2_scaled_d(y, r);
    let (y2m, y2m_e) = pow2_scaled_d(y, max_expt);
    let (y2mq, mut y2mq_e) = pow2_scaled_d(y2m, q);
    let (ans, mut ans_e) = (y2r * y2mq).frexp();
    y2mq_e += y2m_e * q;
    ans_e += y2mq_e + y2r_e;
    ans_e += m * ye;
    (ans, ans_e)
}

/// `((a + b) / (c + d))^m` in double-double.
fn pow4_d(a: f64, b: f64, c: f64, d: f64, m: i64) -> Dd {
    if m <= 0 {
        if m == 0 {
            return Dd::new(1.0);
        }
        return pow4_d(c, d, a, b, -m);
    }
    let big_a = Dd::new(a) + b;
    let big_c = Dd::new(c) + d;
    if big_a.eq_f64(0.0) {
        return if big_c.eq_f64(0.0) {
            Dd::new(f64::NAN)
        } else {
            Dd::new(0.0)
        };
    }
    if big_c.eq_f64(0.0) {
        return Dd::new(if big_a.hi < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    pow_d(big_a / big_c, m)
}

/// One term `A_v(n, x) = C(n, v) (1 - x - v/n)^(n - v) (x + v/n)^(v - 1)`.
fn compute_av(n: i64, x: f64, v: i64, cman: Dd, cexpt: i64) -> Dd {
    let nf = n as f64;
    let t2x = Dd::new((n - v) as f64) / nf - x;
    let (t2, t2e) = pow2_scaled_d(t2x, n - v);
    let t1x = Dd::new(v as f64) / nf + x;
    let (t1, t1e) = pow2_scaled_d(t1x, v - 1);
    let ans = t1 * t2 * cman;
    ans.ldexp(cexpt + t1e + t2e)
}

/// `P(D_n^+ >= x)` for a sample of size `n`, as `scipy.special.smirnov(n, x)`; NaN outside
/// `n > 0`, `0 <= x <= 1`.
pub(crate) fn smirnov_sf(n: i64, x: f64) -> f64 {
    if !(n > 0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if n == 1 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    let (alpha, nxfl, nx) = mod_nx(n, x);
    let _ = nx;
    let mut n1mxfl = n - nxfl - if alpha == 0.0 { 0 } else { 1 };
    let mut n1mxceil = n - nxfl;
    if alpha == 0.0 {
        n1mxfl -= 1;
        n1mxceil += 1;
    }
    // x <= 1/n.
    if nxfl == 0 || (nxfl == 1 && alpha == 0.0) {
        let t = pow2(1.0, x, n - 1);
        let cdf = x * t;
        return 1.0 - cdf;
    }
    // The sf underflows.
    if -2.0 * (n as f64) * x * x < MINLOG {
        return 0.0;
    }
    // x >= 1 - 1/n.
    if nxfl >= n - 1 {
        return pow2(1.0, -x, n);
    }
    let nf = n as f64;
    if n > SMIRNOV_MAX_COMPUTE_N {
        // p ~ e^(-(6nx+1)^2 / 18n)
        let logp = -(6.0 * nf * x + 1.0).powf(2.0) / 18.0 / nf;
        let sf = if logp < -std::f64::consts::LN_2 {
            logp.exp()
        } else {
            1.0 - (-logp.exp_m1())
        };
        return sf;
    }
    let n_upper_terms = n - n1mxceil + 1;
    let use_upper_sum = (n_upper_terms <= 1 && x < 0.5)
        || (n >= SM_UPPERSUM_MIN_N && n_upper_terms <= SM_UPPER_MAX_TERMS && x <= 0.5 / nf.sqrt());

    let (start, step, n_terms, first_aj) = if use_upper_sum {
        (n, -1, n - n1mxceil + 1, pow4_d(1.0, x, 1.0, 0.0, n - 1))
    } else {
        let t2 = pow4_d(1.0, -x, 1.0, 0.0, n);
        (0, 1, n1mxfl + 1, t2 / x)
    };
    let mut aj_sum = Dd::new(0.0) + first_aj;
    let mut cman = Dd::new(1.0);
    let mut cexpt = 0i64;
    let vmid = n / 2;
    update_binomial(&mut cman, &mut cexpt, n, 0);
    let mut j = 1;
    while j < n_terms {
        let v = start + j * step;
        let aj = compute_av(n, x, v, cman, cexpt);
        if aj.hi.is_finite() && !aj.eq_f64(0.0) {
            aj_sum = aj_sum + aj;
        }
        if !aj.eq_f64(0.0) {
            if (4.0 * ((n_terms - j) as f64) * aj.hi.abs()) < (f64::EPSILON * aj_sum.hi)
                && j != n_terms - 1
            {
                break;
            }
        } else if j > vmid {
            break;
        }
        update_binomial(&mut cman, &mut cexpt, n, j);
        j += 1;
    }
    let prob = (x * aj_sum).hi;
    let sf = if step < 0 { 1.0 - prob } else { prob };
    sf.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_smirnov() {
        // scipy.special.smirnov(n, x), scipy 1.17.1.
        let cases = [
            (1, 0.3, 0.7),
            (5, 0.1, 0.85359),
            (10, 0.5, 0.003888705),
            (50, 0.2, 0.015_719_427_449_405_61),
            (1000, 0.05, 0.006_506_037_390_545_166),
            (8571, 0.02, 0.001_037_888_764_004_451),
            (2_000_000, 0.001, 0.018_303_432_023_617_325),
            (7, 0.9, 9.999_999_999_999_985e-8),
            (100, 0.005, 0.991_807_619_442_206_3),
            (300, 0.003_333_333_333_333_333_5, 0.990_984_168_910_489_3),
            (40, 0.999, 1.000_000_000_000_035_6e-120),
        ];
        for (n, x, want) in cases {
            let got = smirnov_sf(n, x);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "smirnov({n}, {x}) = {got}, scipy {want}"
            );
        }
        assert!(smirnov_sf(0, 0.5).is_nan());
        assert_eq!(smirnov_sf(10, 0.0), 1.0);
        assert_eq!(smirnov_sf(10, 1.0), 0.0);
    }
}
