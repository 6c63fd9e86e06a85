//! Double-double arithmetic (an unevaluated sum `hi + lo` of two `f64`, about 106 significant
//! bits), the subset scipy's `xsf` library uses for the one-sided Smirnov distribution
//! (`xsf/cephes/dd_real.h`, from the QD package of Hida, Li and Bailey). Ported operation by
//! operation so [`super::smirnov`] rounds as scipy does.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A double-double number `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dd {
    pub hi: f64,
    pub lo: f64,
}

/// `fl(a + b)` and its rounding error, assuming `|a| >= |b|`.
fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let c = s - a;
    (s, b - c)
}

/// `fl(a + b)` and its rounding error.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let c = s - a;
    let d = b - c;
    let e = s - c;
    (s, (a - e) + d)
}

/// `fl(a * b)` and its rounding error.
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `x * 2^e`, correct across the whole exponent range (like C `ldexp`).
pub(crate) fn ldexp(mut x: f64, mut e: i64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let step = f64::from_bits(((1000 + 1023) as u64) << 52); // 2^1000
    let step_down = f64::from_bits(((1023 - 1000) as u64) << 52); // 2^-1000
    while e > 1000 {
        x *= step;
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= step_down;
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    // 2^e is a normal number for e in [-1000, 1000].
    x * f64::from_bits(((e + 1023) as u64) << 52)
}

/// Splits `x` into a mantissa in `[0.5, 1)` (in magnitude) and a power of two (C `frexp`).
pub(crate) fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    if biased == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * f64::from_bits(((54 + 1023) as u64) << 52));
        return (m, e - 54);
    }
    let e = biased - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

impl Dd {
    /// The double-double equal to `x`.
    pub(crate) fn new(x: f64) -> Self {
        Dd { hi: x, lo: 0.0 }
    }

    /// Whether the value is exactly the double `x`.
    pub(crate) fn eq_f64(self, x: f64) -> bool {
        self.hi == x && self.lo == 0.0
    }

    /// `self * 2^e`.
    pub(crate) fn ldexp(self, e: i64) -> Self {
        Dd {
            hi: ldexp(self.hi, e),
            lo: ldexp(self.lo, e),
        }
    }

    /// Mantissa and exponent, `0.5 <= |mantissa.hi| < 1` (or `== 1` with `lo` of opposite
    /// sign), as `xsf`'s `frexp`.
    pub(crate) fn frexp(self) -> (Self, i64) {
        let (mut man, mut exponent) = frexp(self.hi);
        let mut b1 = ldexp(self.lo, -exponent);
        if man.abs() == 0.5 && man * b1 < 0.0 {
            man *= 2.0;
            b1 *= 2.0;
            exponent -= 1;
        }
        (Dd { hi: man, lo: b1 }, exponent)
    }

    /// Largest integer not above the value.
    pub(crate) fn floor(self) -> Self {
        let hi = self.hi.floor();
        if hi == self.hi {
            let lo = self.lo.floor();
            let (s, e) = quick_two_sum(hi, lo);
            Dd { hi: s, lo: e }
        } else {
            Dd { hi, lo: 0.0 }
        }
    }
}

impl Neg for Dd {
    type Output = Dd;
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Add for Dd {
    type Output = Dd;
    fn add(self, rhs: Dd) -> Dd {
        let (s1, s2) = two_sum(self.hi, rhs.hi);
        let (t1, t2) = two_sum(self.lo, rhs.lo);
        let (s1, s2) = quick_two_sum(s1, s2 + t1);
        let (s1, s2) = quick_two_sum(s1, s2 + t2);
        Dd { hi: s1, lo: s2 }
    }
}

impl Add<f64> for Dd {
    type Output = Dd;
    fn add(self, rhs: f64) -> Dd {
        let (s1, s2) = two_sum(self.hi, rhs);
        let (s1, s2) = quick_two_sum(s1, s2 + self.lo);
        Dd { hi: s1, lo: s2 }
    }
}

impl Sub for Dd {
    type Output = Dd;
    fn sub(self, rhs: Dd) -> Dd {
        self + (-rhs)
    }
}

impl Sub<f64> for Dd {
    type Output = Dd;
    fn sub(self, rhs: f64) -> Dd {
        let (s1, s2) = two_sum(self.hi, -rhs);
        let (s1, s2) = quick_two_sum(s1, s2 + self.lo);
        Dd { hi: s1, lo: s2 }
    }
}

impl Mul for Dd {
    type Output = Dd;
    fn mul(self, rhs: Dd) -> Dd {
        let (p1, mut p2) = two_prod(self.hi, rhs.hi);
        p2 += self.hi * rhs.lo + self.lo * rhs.hi;
        let (p1, p2) = quick_two_sum(p1, p2);
        Dd { hi: p1, lo: p2 }
    }
}

impl Mul<f64> for Dd {
    type Output = Dd;
    fn mul(self, rhs: f64) -> Dd {
        let (p1, e1) = two_prod(self.hi, rhs);
        let (p2, e2) = two_prod(self.lo, rhs);
        let (p1, e1) = quick_two_sum(p1, e2 + p2 + e1);
        Dd { hi: p1, lo: e1 }
    }
}

impl Mul<Dd> for f64 {
    type Output = Dd;
    fn mul(self, rhs: Dd) -> Dd {
        rhs * self
    }
}

impl Div for Dd {
    type Output = Dd;
    fn div(self, rhs: Dd) -> Dd {
        let q1 = self.hi / rhs.hi;
        let r = self - rhs * q1;
        let q2 = r.hi / rhs.hi;
        let r = r - rhs * q2;
        let q3 = r.hi / rhs.hi;
        let (q1, q2) = quick_two_sum(q1, q2);
        Dd { hi: q1, lo: q2 } + q3
    }
}

impl Div<f64> for Dd {
    type Output = Dd;
    fn div(self, rhs: f64) -> Dd {
        self / Dd::new(rhs)
    }
}

impl Div<Dd> for f64 {
    type Output = Dd;
    fn div(self, rhs: Dd) -> Dd {
        Dd::new(self) / rhs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_and_ldexp_round_trip() {
        for x in [1.0, 0.75, -3.5, 1e-310, 6.02e23, f64::MIN_POSITIVE] {
            let (m, e) = frexp(x);
            assert!((0.5..1.0).contains(&m.abs()), "{x}: {m}");
            assert_eq!(ldexp(m, e), x);
        }
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(ldexp(1.0, -1074), 5e-324);
        assert_eq!(ldexp(1.0, -1080), 0.0);
        assert_eq!(ldexp(0.5, 1025), f64::INFINITY);
        assert_eq!(ldexp(0.75, 2000 - 1000), 0.75 * 2f64.powi(1000));
    }

    #[test]
    fn keeps_bits_a_double_loses() {
        // (1 + 2^-60) - 1 is lost in f64 but kept in double-double.
        let tiny = 2f64.powi(-60);
        let x = Dd::new(1.0) + tiny;
        assert_eq!((x - 1.0).hi, tiny);
        // 1/3 * 3 == 1 to about 1e-32.
        let third = 1.0 / Dd::new(3.0);
        let one = third * 3.0;
        assert!((one.hi - 1.0).abs() + one.lo.abs() < 1e-31);
        assert_eq!(Dd::new(2.5).floor().hi, 2.0);
        assert_eq!(
            Dd {
                hi: 3.0,
                lo: -1e-20
            }
            .floor()
            .hi,
            2.0
        );
    }
}
