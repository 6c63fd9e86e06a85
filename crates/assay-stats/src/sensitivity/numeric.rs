//! Summation and moments as numpy computes them, and shared parameter checks.

use super::SensitivityError;
use crate::metrics::intervals::normal_quantile;

/// numpy's unrolled-block size for pairwise summation.
const PW_BLOCKSIZE: usize = 128;

/// `Σ f(i)` for `i in 0..n` by numpy's pairwise summation (8 accumulators in blocks of up to
/// 128, halves above), so sums of many terms round as `np.sum` / `np.mean` do.
pub(crate) fn pairwise_sum_by<F: Fn(usize) -> f64 + Copy>(n: usize, f: F) -> f64 {
    pairwise(0, n, f)
}

fn pairwise<F: Fn(usize) -> f64 + Copy>(start: usize, n: usize, f: F) -> f64 {
    if n < 8 {
        let mut res = 0.0;
        for i in start..start + n {
            res += f(i);
        }
        res
    } else if n <= PW_BLOCKSIZE {
        let mut r = [0.0; 8];
        for (j, slot) in r.iter_mut().enumerate() {
            *slot = f(start + j);
        }
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (j, slot) in r.iter_mut().enumerate() {
                *slot += f(start + i + j);
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += f(start + i);
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(start, n2, f) + pairwise(start + n2, n - n2, f)
    }
}

/// Pairwise sum of a slice.
pub(crate) fn sum(values: &[f64]) -> f64 {
    pairwise_sum_by(values.len(), |i| values.get(i).copied().unwrap_or(0.0))
}

/// Mean of a slice (`np.mean`); NaN when empty.
pub(crate) fn mean(values: &[f64]) -> f64 {
    sum(values) / values.len() as f64
}

/// Standard deviation with `ddof` (`np.std(x, ddof=ddof)`, two-pass); NaN when
/// `len <= ddof`.
pub(crate) fn std_dev(values: &[f64], ddof: usize) -> f64 {
    if values.len() <= ddof {
        return f64::NAN;
    }
    let m = mean(values);
    let ss = pairwise_sum_by(values.len(), |i| {
        let d = values.get(i).copied().unwrap_or(m) - m;
        d * d
    });
    (ss / (values.len() - ddof) as f64).sqrt()
}

/// The two-sided normal critical value SALib uses, `norm.ppf(0.5 + conf_level / 2)`.
pub(crate) fn z_value(conf_level: f64) -> Result<f64, SensitivityError> {
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(SensitivityError::InvalidParameter {
            what: "confidence level",
            expected: "strictly between 0 and 1",
            got: conf_level.to_string(),
        });
    }
    Ok(normal_quantile(0.5 + conf_level / 2.0))
}

/// Bootstrap resamples must be at least 2 (the spread uses `ddof = 1`).
pub(crate) fn check_resamples(num_resamples: usize) -> Result<(), SensitivityError> {
    if num_resamples < 2 {
        return Err(SensitivityError::InvalidParameter {
            what: "number of bootstrap resamples",
            expected: "at least 2",
            got: num_resamples.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sums_and_moments() {
        let v: Vec<f64> = (1..=1000).map(f64::from).collect();
        assert_eq!(sum(&v), 500_500.0);
        assert_eq!(mean(&v[..3]), 2.0);
        assert_eq!(std_dev(&[1.0, 2.0, 3.0, 4.0], 1), (5.0f64 / 3.0).sqrt());
        assert_eq!(std_dev(&[1.0, 3.0], 0), 1.0);
        assert!(std_dev(&[1.0], 1).is_nan());
        // 0.1 summed 10 times: numpy gives 1.0 (pairwise), sequential 0.9999999999999999.
        assert_eq!(sum(&[0.1; 10]), 1.0);
    }

    #[test]
    fn critical_values() {
        assert!((z_value(0.95).unwrap() - 1.959_963_984_540_054).abs() < 1e-15);
        assert!(z_value(1.0).is_err());
        assert!(z_value(f64::NAN).is_err());
        assert!(check_resamples(1).is_err());
        assert!(check_resamples(2).is_ok());
    }
}
