//! Mergeable count, mean and variance (Welford's algorithm with Chan et al.'s parallel merge).

use serde::{Deserialize, Serialize};

/// Running count, mean and sum of squared deviations of finite values.
///
/// Merging two states gives exactly (up to floating-point rounding) the state of the
/// concatenated data, whatever the split: this is what lets partitions be profiled in parallel.
///
/// Values near `f64::MAX` keep a finite mean; their sum of squares may exceed `f64` and is
/// then `+∞` (saved as the string `"inf"`, since JSON has no infinity).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values seen.
    pub count: u64,
    /// Running mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean (M2); `+∞` when it exceeds `f64`.
    #[serde(with = "number_or_infinity")]
    pub m2: f64,
}

/// An `f64` that is finite or `+∞`, as a JSON number or the string `"inf"`.
mod number_or_infinity {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else if *x == f64::INFINITY {
            s.serialize_str("inf")
        } else {
            Err(serde::ser::Error::custom(format!("{x} cannot be saved")))
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Number(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match Repr::deserialize(d)? {
            Repr::Number(x) => Ok(x),
            Repr::Text(t) if t == "inf" => Ok(f64::INFINITY),
            Repr::Text(t) => Err(serde::de::Error::custom(format!(
                "expected a number or \"inf\", got \"{t}\""
            ))),
        }
    }
}

/// Independent accumulators of [`lane_sum`] and [`min_max`].
const LANES: usize = 8;

/// Σ f(x) over independent lanes, so that the additions need not wait on each other.
#[inline]
fn lane_sum(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, x) in acc.iter_mut().zip(c) {
            *a += f(*x);
        }
    }
    acc.iter().sum::<f64>() + rest.iter().map(|x| f(*x)).sum::<f64>()
}

/// Smallest and largest of finite values (`None` when empty), over independent lanes.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let first = *values.first()?;
    let mut lo = [first; LANES];
    let mut hi = [first; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..LANES {
            lo[i] = lo[i].min(c[i]);
            hi[i] = hi[i].max(c[i]);
        }
    }
    let lo = rest.iter().chain(&lo).copied().fold(first, f64::min);
    let hi = rest.iter().chain(&hi).copied().fold(first, f64::max);
    Some((lo, hi))
}

impl Moments {
    /// Adds one finite value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let n = self.count as f64;
        let delta = x - self.mean;
        if delta.is_finite() {
            self.mean += delta / n;
            self.m2 += delta * (x - self.mean);
        } else {
            // |x − mean| is beyond f64 (values near ±f64::MAX): the mean as a convex combination
            // never overflows; the sum of squares is beyond f64.
            self.mean = self.mean * ((n - 1.0) / n) + x / n;
            self.m2 = f64::INFINITY;
        }
    }

    /// Adds finite values in bulk: the batch's own mean and sum of squared deviations (two
    /// passes over independent lanes, which the compiler vectorizes), merged in as one state.
    /// The same moments as pushing the values one by one, up to rounding (and no less
    /// accurate: the per-value update is a chain of divisions). A batch whose sums leave `f64`
    /// (values near ±`f64::MAX`) is pushed value by value instead.
    pub fn push_batch(&mut self, values: &[f64]) {
        if values.len() < 2 * LANES {
            values.iter().for_each(|x| self.push(*x));
            return;
        }
        let n = values.len() as f64;
        let mean = lane_sum(values, |x| x) / n;
        let m2 = if mean.is_finite() {
            lane_sum(values, |x| (x - mean) * (x - mean))
        } else {
            f64::NAN
        };
        if !m2.is_finite() {
            values.iter().for_each(|x| self.push(*x));
            return;
        }
        self.merge(&Moments {
            count: values.len() as u64,
            mean,
            m2,
        });
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
        if delta.is_finite() {
            self.mean += delta * n_b / n;
            self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        } else {
            self.mean = self.mean * (n_a / n) + other.mean * (n_b / n);
            self.m2 = f64::INFINITY;
        }
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
    fn batches_give_the_moments_of_the_values_pushed_one_by_one() {
        let mut x: u64 = 7;
        let values: Vec<f64> = (0..10_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                1e6 + ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 40.0
            })
            .collect();
        let one_by_one = of(&values);
        let mut batched = Moments::default();
        for chunk in values.chunks(1_000) {
            batched.push_batch(chunk);
        }
        batched.push_batch(&[]);
        assert_eq!(batched.count, one_by_one.count);
        assert!((batched.mean - one_by_one.mean).abs() <= 1e-12 * one_by_one.mean.abs());
        assert!(
            (batched.m2 - one_by_one.m2).abs() <= 1e-9 * one_by_one.m2,
            "{batched:?}"
        );
        // Short batches and batches whose sums overflow go value by value.
        let mut huge = Moments::default();
        huge.push_batch(&[f64::MAX; 40]);
        assert_eq!(huge.count, 40);
        assert!(huge.mean.is_finite());
        assert_eq!(min_max(&values[..19]), {
            let lo = values[..19].iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values[..19]
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            Some((lo, hi))
        });
        assert_eq!(min_max(&[]), None);
    }

    #[test]
    fn extreme_values_keep_a_finite_mean_and_survive_a_round_trip() {
        let mut m = of(&[f64::MAX, -f64::MAX, 1e300, -1e300]);
        assert!(m.mean.is_finite(), "{m:?}");
        assert!(m.mean.abs() < 1e293, "{m:?}");
        assert_eq!(m.m2, f64::INFINITY);
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"m2\":\"inf\""), "{json}");
        let back: Moments = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        m.merge(&of(&[f64::MAX]));
        assert!(m.mean.is_finite() && m.m2 == f64::INFINITY, "{m:?}");
        assert!(serde_json::from_str::<Moments>(r#"{"count":1,"mean":0,"m2":"nan"}"#).is_err());
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
