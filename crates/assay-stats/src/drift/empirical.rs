//! [`Empirical`]: a weighted empirical distribution, the input of every sample-based test.
//!
//! Exact data is represented as its sorted distinct values with their counts (so a column of
//! 5 million values with 40 distinct ones is 40 entries, and ties are explicit); a distribution
//! recovered from a quantile sketch is the same shape with fractional weights.

/// Sorted distinct finite values with positive weights (counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Empirical {
    values: Vec<f64>,
    weights: Vec<f64>,
    total: f64,
}

impl Empirical {
    /// From raw values (sorted here; non-finite values are dropped: callers count them
    /// separately). The values are sorted as order-preserving integers with the standard
    /// library's unstable sort ([`crate::quantile::sorted_total_order`]): on 5 million doubles
    /// it measured faster than the radix sorts `radsort`, `rdst` and `voracious_radix_sort`
    /// (81 ms against 98, 88 and 117 ms for normal values; 12 against 51–67 ms for counts).
    pub fn from_values(mut values: Vec<f64>) -> Self {
        values.retain(|v| v.is_finite());
        Self::compact_sorted(crate::quantile::sorted_total_order(values))
    }

    /// From values already in ascending order (as [`crate::quantile::sorted_total_order`]
    /// leaves them), without sorting again; non-finite values are dropped. Values that turn out
    /// not to be in order are sorted, so the result is [`Empirical::from_values`]'s either way.
    pub fn from_sorted(mut values: Vec<f64>) -> Self {
        values.retain(|v| v.is_finite());
        if !values.windows(2).all(|w| w[0] <= w[1]) {
            return Self::from_values(values);
        }
        Self::compact_sorted(values)
    }

    /// From finite values in ascending order, each of weight 1: the distinct values are moved
    /// to the front of `values` itself (no second copy of a column of distinct values), their
    /// counts in a vector sized once.
    fn compact_sorted(mut values: Vec<f64>) -> Self {
        let total = values.len() as f64;
        // -0.0 and 0.0 are one value.
        let distinct = values.len() - values.windows(2).filter(|w| w[0] == w[1]).count();
        let mut weights: Vec<f64> = Vec::with_capacity(distinct);
        let mut kept = 0;
        for i in 0..values.len() {
            let v = if values[i] == 0.0 { 0.0 } else { values[i] };
            if kept > 0 && values[kept - 1] == v {
                if let Some(w) = weights.last_mut() {
                    *w += 1.0;
                }
            } else {
                values[kept] = v;
                weights.push(1.0);
                kept += 1;
            }
        }
        values.truncate(kept);
        Self {
            values,
            weights,
            total,
        }
    }

    /// From `(value, weight)` pairs in any order; equal values are merged, non-finite values
    /// and non-positive weights dropped.
    pub fn from_weighted(pairs: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let mut pairs: Vec<(f64, f64)> = pairs
            .into_iter()
            .filter(|(v, w)| v.is_finite() && *w > 0.0 && w.is_finite())
            .collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut out = Self::default();
        for (v, w) in pairs {
            out.push_sorted(v, w);
        }
        out
    }

    fn push_sorted(&mut self, v: f64, w: f64) {
        // -0.0 and 0.0 are one value.
        let v = if v == 0.0 { 0.0 } else { v };
        match self.values.last() {
            Some(last) if *last == v => {
                if let Some(lw) = self.weights.last_mut() {
                    *lw += w;
                }
            }
            _ => {
                self.values.push(v);
                self.weights.push(w);
            }
        }
        self.total += w;
    }

    /// The sorted distinct values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The weight (count) of each distinct value.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Total weight: the sample size for exact data.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Number of distinct values.
    pub fn distinct(&self) -> usize {
        self.values.len()
    }

    /// No values at all.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Weighted mean.
    pub fn mean(&self) -> Option<f64> {
        if self.total <= 0.0 {
            return None;
        }
        let s: f64 = self
            .values
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| v * w)
            .sum();
        Some(s / self.total)
    }

    /// Population standard deviation (numpy `std`, `ddof=0`).
    pub fn std(&self) -> Option<f64> {
        let m = self.mean()?;
        let ss: f64 = self
            .values
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| w * (v - m) * (v - m))
            .sum();
        Some((ss / self.total).sqrt())
    }

    /// Share of the weight at values `<= x`.
    pub fn cdf(&self, x: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let idx = self.values.partition_point(|v| *v <= x);
        self.weights[..idx].iter().sum::<f64>() / self.total
    }

    /// Quantile `q` in `[0, 1]` with numpy's default (`linear`) interpolation, treating each
    /// value as repeated `weight` times (weights are rounded up to whole counts for the
    /// positions; exact for integer counts).
    pub fn quantile_linear(&self, q: f64) -> Option<f64> {
        if self.is_empty() || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let n = self.total;
        // numpy linear: position h = (n - 1) q, between order statistics floor(h) and ceil(h).
        let h = (n - 1.0).max(0.0) * q;
        let lo = h.floor();
        let frac = h - lo;
        let a = self.order_statistic(lo);
        let b = self.order_statistic((lo + 1.0).min((n - 1.0).max(0.0)));
        Some(a + frac * (b - a))
    }

    /// The value at 0-based position `i` of the sorted (repeated) sample.
    fn order_statistic(&self, i: f64) -> f64 {
        let mut seen = 0.0;
        for (v, w) in self.values.iter().zip(&self.weights) {
            seen += w;
            if i < seen {
                return *v;
            }
        }
        self.values.last().copied().unwrap_or(f64::NAN)
    }
}

/// An exact distribution of a few values, for tests.
#[cfg(test)]
pub(crate) fn emp(values: &[f64]) -> Empirical {
    Empirical::from_values(values.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_sorted_equals_from_values_in_order_or_not() {
        let values = vec![3.0, 1.0, f64::NAN, 1.0, f64::INFINITY, -0.0, 0.0, 2.5];
        let expected = Empirical::from_values(values.clone());
        let sorted = crate::quantile::sorted_total_order(values.clone());
        let from_sorted = Empirical::from_sorted(sorted);
        assert_eq!(from_sorted.values(), expected.values());
        assert_eq!(from_sorted.weights(), expected.weights());
        let unsorted = Empirical::from_sorted(values.clone());
        assert_eq!(unsorted.values(), expected.values());
        assert_eq!(unsorted.weights(), expected.weights());
        // The same as weighting each value 1 (a separate path), -0.0 kept as +0.0.
        let weighted = Empirical::from_weighted(values.iter().map(|v| (*v, 1.0)));
        assert_eq!(expected, weighted);
        assert_eq!(expected.values()[0].to_bits(), 0f64.to_bits());
        assert_eq!(expected.total(), 6.0);
    }

    #[test]
    fn merges_ties_and_drops_non_finite() {
        let e = Empirical::from_values(vec![3.0, 1.0, f64::NAN, 1.0, f64::INFINITY, -0.0, 0.0]);
        assert_eq!(e.values(), &[0.0, 1.0, 3.0]);
        assert_eq!(e.weights(), &[2.0, 2.0, 1.0]);
        assert_eq!(e.total(), 5.0);
        assert_eq!(e.cdf(1.0), 0.8);
        assert_eq!(e.cdf(-1.0), 0.0);
    }

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 2, 4, 10], [0, .25, .5, .9, 1]) = [1, 2, 2, 7.6, 10]
        let e = Empirical::from_values(vec![1.0, 2.0, 2.0, 4.0, 10.0]);
        let q: Vec<f64> = [0.0, 0.25, 0.5, 0.9, 1.0]
            .iter()
            .map(|q| e.quantile_linear(*q).unwrap())
            .collect();
        assert_eq!(q[..3], [1.0, 2.0, 2.0]);
        assert!((q[3] - 7.6).abs() < 1e-12);
        assert_eq!(q[4], 10.0);
        // numpy.std([1, 2, 2, 4, 10]) = 3.249615361854384
        assert!((e.std().unwrap() - 3.249_615_361_854_384).abs() < 1e-12);
    }
}
