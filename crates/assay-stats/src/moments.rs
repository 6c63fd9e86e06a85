//! Mergeable count, mean and variance (Welford's algorithm with Chan et al.'s parallel merge).

use serde::{Deserialize, Serialize};

/// Running count, mean and sum of squared deviations of finite values.
///
/// Merging two states gives exactly (up to floating-point rounding) the state of the
/// concatenated data, whatever the split: this is what lets partitions be profiled in parallel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values seen.
    pub count: u64,
    /// Running mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean (M2).
    pub m2: f64,
}

impl Moments {
    /// Adds one finite value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Merges another state into this one (Chan, Golub and LeVeque, 1979).
    pub fn merge(&mut self, other: &Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        let n_a = self.count as f64;
        let n_b = other.count as f64;
        let n = n_a + n_b;
        let delta = other.mean - self.mean;
        self.mean += delta * n_b / n;
        self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        self.count += other.count;
    }

    /// Mean, or `None` when no value was seen.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// Sample variance (denominator n − 1, as pandas `var()`), or `None` below two values.
    pub fn sample_variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2 / (self.count - 1) as f64)
    }

    /// Sample standard deviation (denominator n − 1).
    pub fn sample_std(&self) -> Option<f64> {
        self.sample_variance().map(f64::sqrt)
    }

    /// Population variance (denominator n, as numpy `var()`), or `None` when empty.
    pub fn population_variance(&self) -> Option<f64> {
        (self.count > 0).then(|| self.m2 / self.count as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[f64]) -> Moments {
        let mut m = Moments::default();
        values.iter().for_each(|v| m.push(*v));
        m
    }

    #[test]
    fn empty_and_single() {
        let empty = Moments::default();
        assert_eq!(empty.mean(), None);
        assert_eq!(empty.sample_variance(), None);
        let one = of(&[3.5]);
        assert_eq!(one.mean(), Some(3.5));
        assert_eq!(one.sample_variance(), None);
        assert_eq!(one.population_variance(), Some(0.0));
    }

    #[test]
    fn matches_two_pass_formula() {
        let data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let m = of(&data);
        assert_eq!(m.mean(), Some(5.0));
        assert!((m.population_variance().unwrap() - 4.0).abs() < 1e-12);
        assert!((m.sample_variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn merge_equals_concatenation() {
        let a = [1.0, 2.5, -3.0, 1e6];
        let b = [0.25, 7.0, 7.0];
        let mut merged = of(&a);
        merged.merge(&of(&b));
        let all: Vec<f64> = a.iter().chain(b.iter()).copied().collect();
        let whole = of(&all);
        assert_eq!(merged.count, whole.count);
        assert!((merged.mean - whole.mean).abs() < 1e-9);
        assert!((merged.m2 - whole.m2).abs() / whole.m2 < 1e-12);
        let mut with_empty = of(&a);
        with_empty.merge(&Moments::default());
        assert_eq!(with_empty, of(&a));
        let mut from_empty = Moments::default();
        from_empty.merge(&of(&b));
        assert_eq!(from_empty, of(&b));
    }
}
