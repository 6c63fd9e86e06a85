//! Modified Bessel function of the second kind `K_nu(x)` for real order and `x > 0`, needed by
//! the limiting Cramér–von Mises distribution.
//!
//! Computed from the integral representation `K_nu(x) = ∫_0^∞ exp(-x cosh t) cosh(nu t) dt`
//! with the trapezoidal rule: the integrand is analytic and even in `t`, so the rule converges
//! geometrically in the step (error about `exp(-2 pi d / h)` for a strip of half-width `d`).
//! The step is `min(0.1, 0.5 / sqrt(x))`, which keeps the discretisation error below 1e-20
//! relative from `x = 1e-8` to `x = 1e5`. Against 30-digit values (mpmath) it is within 2e-15
//! relative; scipy's `kv` (AMOS) is itself off by up to 3e-14 relative at some points.

/// `exp(x) K_nu(x)` (scipy `kve`), for `x > 0`; `+inf` at `x = 0`, NaN for negative or NaN `x`.
pub(crate) fn bessel_k_scaled(nu: f64, x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::INFINITY;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let nu = nu.abs();
    let h = (0.5 / x.sqrt()).min(0.1);
    // f(t) = exp(-x (cosh t - 1)) cosh(nu t); cosh t - 1 = 2 sinh^2(t/2) without cancellation.
    let mut sum = 0.5; // f(0) / 2
    let mut k = 1u32;
    loop {
        let t = f64::from(k) * h;
        let s = (t / 2.0).sinh();
        let f = (-x * 2.0 * s * s).exp() * (nu * t).cosh();
        sum += f;
        // Stop once past the maximum of the integrand (x sinh t > nu) and negligible.
        if x * t.sinh() > nu && f <= 1e-18 * sum {
            break;
        }
        if k >= 100_000 {
            break;
        }
        k += 1;
    }
    h * sum
}

/// `K_nu(x)` (scipy `kv`) for `x > 0`.
pub(crate) fn bessel_k(nu: f64, x: f64) -> f64 {
    bessel_k_scaled(nu, x) * (-x).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_values() {
        // (nu, x, K_nu(x) from mpmath.besselk at 30 digits, scipy.special.kv 1.17.1).
        // scipy's AMOS values are off by up to 3e-14 relative; ours by at most 2e-15.
        let cases: [(f64, f64, f64, f64); 12] = [
            (0.25, 1e-6, 68.10722788973494, 68.107_227_889_734_9),
            (0.25, 1e-3, 11.756_476_271_934_459, 11.756_476_271_934_451),
            (0.25, 0.05, 3.587737545264027, 3.587_737_545_264_021_7),
            (0.25, 0.5, 0.960316324931886, 0.960_316_324_931_882_6),
            (0.25, 1.0, 0.4307397744485855, 0.430_739_774_448_581_4),
            (0.25, 3.7, 0.01574898621209445, 0.015_748_986_212_094_453),
            (0.25, 20.0, 5.750002072403683e-10, 5.750_002_072_403_683e-10),
            (0.25, 150.0, 7.337894916340609e-67, 7.337_894_916_340_61e-67),
            (
                0.25,
                600.0,
                1.355_899_090_158_333_9e-262,
                1.355_899_090_158_334e-262,
            ),
            (0.75, 0.2, 3.151601086382876, 3.151_601_086_382_873_6),
            (1.25, 2.0, 0.1567475478393932, 0.156_747_547_839_397_5),
            (0.0, 1.0, 0.421_024_438_240_708_33, 0.421_024_438_240_708_34),
        ];
        for (nu, x, exact, scipy) in cases {
            let got = bessel_k(nu, x);
            assert!(
                ((got - exact) / exact).abs() < 2e-15,
                "kv({nu}, {x}) = {got}, exact {exact}"
            );
            assert!(
                ((got - scipy) / scipy).abs() < 5e-14,
                "kv({nu}, {x}) = {got}, scipy {scipy}"
            );
        }
        assert!(bessel_k(0.25, -1.0).is_nan());
        assert_eq!(bessel_k_scaled(0.25, 0.0), f64::INFINITY);
    }

    #[test]
    fn half_order_has_closed_form() {
        // K_{1/2}(x) = sqrt(pi / (2x)) e^{-x}
        for x in [1e-6, 0.01, 0.3, 1.0, 7.5, 40.0, 300.0] {
            let want = (std::f64::consts::PI / (2.0 * x)).sqrt();
            let got = bessel_k_scaled(0.5, x);
            assert!(
                ((got - want) / want).abs() < 1e-14,
                "x = {x}: {got} vs {want}"
            );
        }
    }
}
