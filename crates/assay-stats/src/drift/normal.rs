//! Standard normal CDF as scipy's `scipy.special.ndtr` (xsf's port of Cephes `ndtr`, `erf`,
//! `erfc` by Stephen L. Moshier), same rational approximations and branch points.
//!
//! Not `statrs::function::erf`: its `erfc` is off by up to ~1e-10 relative around 1 to 2
//! (e.g. `erfc(sqrt 2)`), which would show in p-values.

const NDTR_P: [f64; 9] = [
    2.461969814735305e-10,
    0.5641895648310689,
    7.463210564422699,
    48.63719709856814,
    196.5208329560771,
    526.4451949954773,
    934.5285271719576,
    1027.5518868951572,
    557.5353353693994,
];
const NDTR_Q: [f64; 8] = [
    13.228195115474499,
    86.70721408859897,
    354.9377788878199,
    975.7085017432055,
    1823.9091668790973,
    2246.3376081871097,
    1656.6630919416134,
    557.5353408177277,
];
const NDTR_R: [f64; 6] = [
    0.5641895835477551,
    1.275366707599781,
    5.019050422511805,
    6.160210979930536,
    7.4097426995044895,
    2.9788666537210022,
];
const NDTR_S: [f64; 6] = [
    2.2605286322011726,
    9.396035249380015,
    12.048953980809666,
    17.08144507475659,
    9.608968090632859,
    3.369076451000815,
];
const NDTR_T: [f64; 5] = [
    9.604973739870516,
    90.02601972038427,
    2232.005345946843,
    7003.325141128051,
    55592.30130103949,
];
const NDTR_U: [f64; 5] = [
    33.56171416475031,
    521.3579497801527,
    4594.323829709801,
    22629.000061389095,
    49267.39426086359,
];
/// `log(DBL_MAX)`.
const MAXLOG: f64 = 7.097_827_128_933_84e2;

/// Cephes `polevl`: `c[0] x^n + ... + c[n]`.
fn polevl(x: f64, c: &[f64]) -> f64 {
    c.iter()
        .skip(1)
        .fold(c.first().copied().unwrap_or(0.0), |acc, ci| acc * x + ci)
}

/// Cephes `p1evl`: like [`polevl`] with an implicit leading coefficient 1.
fn p1evl(x: f64, c: &[f64]) -> f64 {
    c.iter()
        .skip(1)
        .fold(x + c.first().copied().unwrap_or(0.0), |acc, ci| {
            acc * x + ci
        })
}

/// Complementary error function (Cephes `erfc`).
pub(crate) fn erfc(a: f64) -> f64 {
    if a.is_nan() {
        return f64::NAN;
    }
    let x = a.abs();
    if x < 1.0 {
        return 1.0 - erf(a);
    }
    let z = -a * a;
    if z < -MAXLOG {
        return if a < 0.0 { 2.0 } else { 0.0 };
    }
    let z = z.exp();
    let (p, q) = if x < 8.0 {
        (polevl(x, &NDTR_P), p1evl(x, &NDTR_Q))
    } else {
        (polevl(x, &NDTR_R), p1evl(x, &NDTR_S))
    };
    let mut y = (z * p) / q;
    if a < 0.0 {
        y = 2.0 - y;
    }
    if y != 0.0 {
        y
    } else if a < 0.0 {
        2.0
    } else {
        0.0
    }
}

/// Error function (Cephes `erf`).
pub(crate) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return -erf(-x);
    }
    if x > 1.0 {
        return 1.0 - erfc(x);
    }
    let z = x * x;
    x * polevl(z, &NDTR_T) / p1evl(z, &NDTR_U)
}

/// Standard normal CDF `Φ(a)` (scipy `ndtr`).
pub(crate) fn ndtr(a: f64) -> f64 {
    if a.is_nan() {
        return f64::NAN;
    }
    let x = a * std::f64::consts::FRAC_1_SQRT_2;
    let z = x.abs();
    if z < 1.0 {
        0.5 + 0.5 * erf(x)
    } else {
        let y = 0.5 * erfc(z);
        if x > 0.0 {
            1.0 - y
        } else {
            y
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_ndtr() {
        // scipy.special.ndtr(x), scipy 1.17.1
        let cases = [
            (0.3, 0.617_911_422_188_952_6),
            (-10.0, 7.619_853_024_160_47e-24),
            (2.0, 0.977_249_868_051_820_8),
            (5.0, 0.999_999_713_348_428_1),
            (0.9, 0.815_939_874_653_240_5),
            (-1.5, 0.066_807_201_268_858_07),
        ];
        for (x, want) in cases {
            let got = ndtr(x);
            assert!(
                ((got - want) / want).abs() < 1e-15,
                "ndtr({x}) = {got:e}, scipy {want:e}"
            );
        }
        assert_eq!(ndtr(-38.0), 0.0);
        assert_eq!(ndtr(f64::INFINITY), 1.0);
        assert_eq!(ndtr(f64::NEG_INFINITY), 0.0);
        assert!(ndtr(f64::NAN).is_nan());
    }
}
