//! Regression metrics, as scikit-learn 1.9 (`mean_absolute_error`, `mean_squared_error`,
//! `root_mean_squared_error`, `mean_absolute_percentage_error`, `r2_score`,
//! `explained_variance_score`, `median_absolute_error`, `max_error`), single output.
//!
//! `y` is the truth, `yhat` the prediction, `w` optional sample weights. Every function
//! returns `None` for empty input, lengths that disagree, a zero total weight (scikit-learn
//! raises) or a non-finite result (NaN or infinite input).

use super::support::{finite, weight_at, weights_fit};

/// Whether the inputs are a non-empty, consistent set of rows.
fn fits(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> bool {
    !y.is_empty() && y.len() == yhat.len() && weights_fit(w, y.len())
}

/// Weighted mean of `f(i)` over the rows (`numpy.average`); `None` when the weights sum to 0.
fn average(n: usize, w: Option<&[f64]>, f: impl Fn(usize) -> f64) -> Option<f64> {
    let (mut sum, mut total) = (0.0, 0.0);
    for i in 0..n {
        let wi = weight_at(w, i);
        sum += f(i) * wi;
        total += wi;
    }
    if total == 0.0 {
        return None;
    }
    finite(sum / total)
}

/// Residual `y_i − ŷ_i`.
fn residual(y: &[f64], yhat: &[f64], i: usize) -> f64 {
    y.get(i).copied().unwrap_or(f64::NAN) - yhat.get(i).copied().unwrap_or(f64::NAN)
}

/// Mean absolute error `Σ w |y − ŷ| / Σ w`.
pub fn mean_absolute_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) {
        return None;
    }
    average(y.len(), w, |i| residual(y, yhat, i).abs())
}

/// Mean squared error `Σ w (y − ŷ)² / Σ w`.
pub fn mean_squared_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) {
        return None;
    }
    average(y.len(), w, |i| residual(y, yhat, i).powi(2))
}

/// Root of [`mean_squared_error`] (`root_mean_squared_error`).
pub fn root_mean_squared_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    mean_squared_error(y, yhat, w).map(f64::sqrt)
}

/// Mean absolute percentage error `Σ w |y − ŷ| / max(|y|, ε) / Σ w` with `ε = f64::EPSILON`,
/// as scikit-learn: a fraction (not multiplied by 100), and a zero truth divides by `ε`, which
/// makes the value huge rather than undefined.
pub fn mean_absolute_percentage_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) {
        return None;
    }
    average(y.len(), w, |i| {
        let truth = y.get(i).copied().unwrap_or(f64::NAN);
        residual(y, yhat, i).abs() / truth.abs().max(f64::EPSILON)
    })
}

/// `1 − numerator / denominator` with scikit-learn's `force_finite=True` rules: a zero
/// numerator gives 1.0 (perfect predictions, even of a constant truth), a non-zero numerator
/// over a zero denominator (constant truth) gives 0.0.
fn explained_fraction(numerator: f64, denominator: f64) -> Option<f64> {
    if numerator == 0.0 {
        Some(1.0)
    } else if denominator == 0.0 {
        Some(0.0)
    } else {
        finite(1.0 - numerator / denominator)
    }
}

/// Coefficient of determination `R² = 1 − Σ w (y − ŷ)² / Σ w (y − ȳ_w)²` (`r2_score`,
/// `force_finite=True`): 1.0 when the predictions are perfect, 0.0 when the truth is constant
/// and the predictions are not. `None` with fewer than two rows (scikit-learn warns and
/// returns NaN) and as the module says.
pub fn r2_score(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) || y.len() < 2 {
        return None;
    }
    let n = y.len();
    let mean = average(n, w, |i| y.get(i).copied().unwrap_or(f64::NAN))?;
    let (mut numerator, mut denominator) = (0.0, 0.0);
    for i in 0..n {
        let wi = weight_at(w, i);
        numerator += wi * residual(y, yhat, i).powi(2);
        denominator += wi * (y.get(i).copied().unwrap_or(f64::NAN) - mean).powi(2);
    }
    if !numerator.is_finite() || !denominator.is_finite() {
        return None;
    }
    explained_fraction(numerator, denominator)
}

/// Explained variance `1 − Var_w(y − ŷ) / Var_w(y)` (`explained_variance_score`,
/// `force_finite=True`, same 1.0 / 0.0 rules as [`r2_score`]). Unlike `r2_score`,
/// scikit-learn defines it for a single row (1.0: both variances are 0).
pub fn explained_variance(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) {
        return None;
    }
    let n = y.len();
    let diff_mean = average(n, w, |i| residual(y, yhat, i))?;
    let numerator = average(n, w, |i| (residual(y, yhat, i) - diff_mean).powi(2))?;
    let truth = |i: usize| y.get(i).copied().unwrap_or(f64::NAN);
    let mean = average(n, w, truth)?;
    let denominator = average(n, w, |i| (truth(i) - mean).powi(2))?;
    explained_fraction(numerator, denominator)
}

/// Median of `|y − ŷ|` (`median_absolute_error`).
///
/// Without weights, `numpy.median` (the mean of the two middle values for an even count).
/// With weights, scikit-learn 1.9's `_weighted_percentile(errors, w, 50, average=True)`
/// ("averaged inverted CDF"): sort the errors, take the first whose cumulative weight
/// reaches half the total; if the cumulative weight there exceeds half the total by no more
/// than `f64::EPSILON` (absolute), average it with the next error of non-zero weight.
/// `None` when the weights sum to 0.
pub fn median_absolute_error(y: &[f64], yhat: &[f64], w: Option<&[f64]>) -> Option<f64> {
    if !fits(y, yhat, w) {
        return None;
    }
    let n = y.len();
    let errors: Vec<f64> = (0..n).map(|i| residual(y, yhat, i).abs()).collect();
    if errors.iter().any(|e| e.is_nan()) {
        return None;
    }
    let Some(weights) = w else {
        let mut sorted = errors;
        sorted.sort_unstable_by(f64::total_cmp);
        let mid = n / 2;
        let upper = sorted.get(mid).copied()?;
        return if n % 2 == 1 {
            finite(upper)
        } else {
            let lower = sorted.get(mid - 1).copied()?;
            finite((lower + upper) / 2.0)
        };
    };
    if weights.iter().all(|&x| x == 0.0) {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        errors
            .get(a)
            .copied()
            .unwrap_or(0.0)
            .total_cmp(&errors.get(b).copied().unwrap_or(0.0))
    });
    let value = |pos: usize| {
        order
            .get(pos)
            .and_then(|&i| errors.get(i).copied())
            .unwrap_or(f64::NAN)
    };
    let weight = |pos: usize| order.get(pos).map_or(0.0, |&i| weight_at(w, i));
    let mut cdf = Vec::with_capacity(n);
    let mut running = 0.0;
    for pos in 0..n {
        running += weight(pos);
        cdf.push(running);
    }
    let mut target = 0.5 * running;
    if target == 0.0 {
        target = f64::from_bits(1); // numpy.nextafter(0, 1)
    }
    // searchsorted(cdf, target, side="left"), clipped to the last index.
    let idx = cdf.partition_point(|&c| c < target).min(n - 1);
    let at = cdf.get(idx).copied().unwrap_or(f64::NAN);
    if at - target > f64::EPSILON {
        return finite(value(idx));
    }
    let mut next = (idx + 1).min(n - 1);
    if weight(next) == 0.0 {
        // The next error of non-zero weight: searchsorted(cdf, cdf[idx], side="right").
        let right = cdf.partition_point(|&c| c <= at);
        next = if right > n - 1 { idx } else { right };
    }
    finite((value(idx) + value(next)) / 2.0)
}

/// Largest absolute residual `max |y − ŷ|` (`max_error`). `None` for empty input, lengths
/// that disagree or NaN.
pub fn max_error(y: &[f64], yhat: &[f64]) -> Option<f64> {
    if y.is_empty() || y.len() != yhat.len() {
        return None;
    }
    let mut worst: f64 = 0.0;
    for (a, b) in y.iter().zip(yhat) {
        let e = (a - b).abs();
        if e.is_nan() {
            return None;
        }
        worst = worst.max(e);
    }
    finite(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - b).abs() <= 1e-14 * b.abs().max(1.0), "{a} != {b}");
    }

    // sklearn docstring examples: y = [3, -0.5, 2, 7], yhat = [2.5, 0.0, 2, 8].
    const Y: [f64; 4] = [3.0, -0.5, 2.0, 7.0];
    const YHAT: [f64; 4] = [2.5, 0.0, 2.0, 8.0];

    #[test]
    fn sklearn_docstring_values() {
        close(mean_absolute_error(&Y, &YHAT, None), 0.5);
        close(mean_squared_error(&Y, &YHAT, None), 0.375);
        close(root_mean_squared_error(&Y, &YHAT, None), 0.375f64.sqrt());
        close(r2_score(&Y, &YHAT, None), 0.948_608_137_044_967_9);
        close(explained_variance(&Y, &YHAT, None), 0.957_173_447_537_473_2);
        close(median_absolute_error(&Y, &YHAT, None), 0.5);
        close(max_error(&Y, &YHAT), 1.0);
        // mape: (0.5/3 + 0.5/0.5 + 0 + 1/7) / 4
        close(
            mean_absolute_percentage_error(&Y, &YHAT, None),
            (0.5 / 3.0 + 1.0 + 0.0 + 1.0 / 7.0) / 4.0,
        );
    }

    #[test]
    fn empty_mismatched_and_zero_weights() {
        for f in [
            mean_absolute_error,
            mean_squared_error,
            root_mean_squared_error,
            mean_absolute_percentage_error,
            r2_score,
            explained_variance,
            median_absolute_error,
        ] {
            assert_eq!(f(&[], &[], None), None);
            assert_eq!(f(&[1.0, 2.0], &[1.0], None), None);
            assert_eq!(f(&[1.0, 2.0], &[1.0, 3.0], Some(&[1.0])), None);
            assert_eq!(f(&[1.0, 2.0], &[1.0, 3.0], Some(&[0.0, 0.0])), None);
            assert_eq!(f(&[1.0, f64::NAN], &[1.0, 3.0], None), None);
        }
        assert_eq!(max_error(&[], &[]), None);
        assert_eq!(max_error(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn single_row_and_constant_truth() {
        assert_eq!(r2_score(&[1.0], &[2.0], None), None);
        assert_eq!(explained_variance(&[1.0], &[2.0], None), Some(1.0));
        close(mean_absolute_error(&[1.0], &[3.0], None), 2.0);
        close(median_absolute_error(&[1.0], &[3.0], None), 2.0);
        // Constant truth: perfect -> 1, otherwise 0.
        let y = [2.0; 3];
        assert_eq!(r2_score(&y, &y, None), Some(1.0));
        assert_eq!(r2_score(&y, &[1.0, 2.0, 3.0], None), Some(0.0));
        assert_eq!(explained_variance(&y, &y, None), Some(1.0));
        assert_eq!(explained_variance(&y, &[1.0, 2.0, 3.0], None), Some(0.0));
        // Constant offset: explained variance 1, r2 < 1.
        let yhat = [2.0, 3.0, 4.0];
        let y = [1.0, 2.0, 3.0];
        assert_eq!(explained_variance(&y, &yhat, None), Some(1.0));
        close(r2_score(&y, &yhat, None), 1.0 - 3.0 / 2.0);
    }

    #[test]
    fn mape_with_zero_truth_divides_by_epsilon() {
        close(
            mean_absolute_percentage_error(&[0.0, 1.0], &[1.0, 1.0], None),
            (1.0 / f64::EPSILON) / 2.0,
        );
    }

    #[test]
    fn weighted_means() {
        let w = [1.0, 2.0, 0.0, 1.0];
        // |r| = [.5, .5, 0, 1] -> (0.5 + 1 + 0 + 1) / 4
        close(mean_absolute_error(&Y, &YHAT, Some(&w)), 2.5 / 4.0);
        close(
            mean_squared_error(&Y, &YHAT, Some(&w)),
            (0.25 + 0.5 + 1.0) / 4.0,
        );
    }

    #[test]
    fn weighted_median_as_sklearn_averaged_inverted_cdf() {
        // Errors [1, 2, 3, 4], unit weights: cdf [1,2,3,4], target 2 hits cdf exactly at
        // error 2 -> average with 3 (= numpy.median).
        let y = [0.0; 4];
        let yhat = [1.0, 2.0, 3.0, 4.0];
        close(median_absolute_error(&y, &yhat, Some(&[1.0; 4])), 2.5);
        // Weights [1, 1, 2, 1]: total 5, target 2.5, cdf [1, 2, 4, 5] -> error 3.
        close(
            median_absolute_error(&y, &yhat, Some(&[1.0, 1.0, 2.0, 1.0])),
            3.0,
        );
        // Exact hit followed by a zero weight: skip to the next non-zero one.
        close(
            median_absolute_error(&y, &yhat, Some(&[1.0, 1.0, 0.0, 2.0])),
            (2.0 + 4.0) / 2.0,
        );
        // Exact hit at error 1, the next error has weight: average.
        close(
            median_absolute_error(&y, &yhat, Some(&[1.0, 1.0, 0.0, 0.0])),
            (1.0 + 2.0) / 2.0,
        );
        close(
            median_absolute_error(&y, &yhat, Some(&[0.0, 0.0, 0.0, 2.0])),
            4.0,
        );
        // Ties in the errors.
        close(
            median_absolute_error(&y, &[1.0, 1.0, 1.0, 5.0], Some(&[1.0; 4])),
            1.0,
        );
        // Unweighted odd and even counts.
        close(median_absolute_error(&y[..3], &yhat[..3], None), 2.0);
    }
}
