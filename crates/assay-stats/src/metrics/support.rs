//! Small helpers shared by the metric modules: input checks and finite results.

/// `Some(x)` when `x` is finite, else `None` (no metric returns NaN or an infinity).
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Whether an optional weight slice fits `n` rows.
pub(crate) fn weights_fit(weights: Option<&[f64]>, n: usize) -> bool {
    weights.is_none_or(|w| w.len() == n)
}

/// The weight of row `i` (1 without weights, 0 past the end of the slice).
#[inline]
pub(crate) fn weight_at(weights: Option<&[f64]>, i: usize) -> f64 {
    match weights {
        None => 1.0,
        Some(w) => w.get(i).copied().unwrap_or(0.0),
    }
}

/// `num / den`, or `None` when the denominator is zero or the quotient is not finite.
pub(crate) fn divide(num: f64, den: f64) -> Option<f64> {
    if den == 0.0 {
        None
    } else {
        finite(num / den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(finite(f64::NAN), None);
        assert_eq!(finite(f64::INFINITY), None);
        assert_eq!(finite(1.5), Some(1.5));
        assert!(weights_fit(None, 3));
        assert!(weights_fit(Some(&[1.0, 2.0]), 2));
        assert!(!weights_fit(Some(&[1.0]), 2));
        assert_eq!(weight_at(None, 7), 1.0);
        assert_eq!(weight_at(Some(&[2.0]), 0), 2.0);
        assert_eq!(weight_at(Some(&[2.0]), 1), 0.0);
        assert_eq!(divide(1.0, 0.0), None);
        assert_eq!(divide(1.0, 4.0), Some(0.25));
    }
}
