//! Histograms: the distribution of a column as bins (numeric) or categories.

use serde::{Deserialize, Serialize};

/// A column's distribution, as drawn in reports and used by distance-based checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Histogram {
    /// Numeric bins: `edges.len() == counts.len() + 1`; bin `i` is `[edges[i], edges[i+1])`,
    /// the last bin closed on the right (as numpy `histogram`).
    Numeric {
        /// Bin edges, ascending.
        edges: Vec<f64>,
        /// Count per bin (fractional when estimated from a sketch).
        counts: Vec<f64>,
        /// True when counts come from exact values, false when estimated from the KLL sketch.
        exact: bool,
    },
    /// Category counts, most frequent first; values beyond the listed ones are summed in `other`.
    Categorical {
        /// Category labels.
        labels: Vec<String>,
        /// Count per label.
        counts: Vec<f64>,
        /// Count of all values not listed.
        other: f64,
        /// True when counts are exact.
        exact: bool,
    },
}

impl Histogram {
    /// Total count over all bins (and `other`).
    pub fn total(&self) -> f64 {
        match self {
            Histogram::Numeric { counts, .. } => counts.iter().sum(),
            Histogram::Categorical { counts, other, .. } => counts.iter().sum::<f64>() + other,
        }
    }
}

/// `bins` equal-width edges spanning `[min, max]` (a single bin of width 1 around a constant).
pub fn equal_width_edges(min: f64, max: f64, bins: usize) -> Vec<f64> {
    let bins = bins.max(1);
    if !(min.is_finite() && max.is_finite()) {
        return Vec::new();
    }
    if max <= min {
        return vec![min - 0.5, min + 0.5];
    }
    let width = (max - min) / bins as f64;
    let mut edges: Vec<f64> = (0..bins).map(|i| min + width * i as f64).collect();
    edges.push(max);
    edges
}

/// Index of the bin holding `x` for `edges` (numpy convention; `None` outside the range).
#[inline]
pub fn bin_index(edges: &[f64], x: f64) -> Option<usize> {
    let n = edges.len();
    if n < 2 || x.is_nan() || x < edges[0] || x > edges[n - 1] {
        return None;
    }
    if x == edges[n - 1] {
        return Some(n - 2);
    }
    // First edge strictly greater than x, minus one.
    let pos = edges.partition_point(|e| *e <= x);
    Some(pos.saturating_sub(1).min(n - 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_and_bins_follow_numpy() {
        let e = equal_width_edges(0.0, 10.0, 5);
        assert_eq!(e, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(bin_index(&e, 0.0), Some(0));
        assert_eq!(bin_index(&e, 1.999), Some(0));
        assert_eq!(bin_index(&e, 2.0), Some(1));
        assert_eq!(bin_index(&e, 10.0), Some(4));
        assert_eq!(bin_index(&e, 10.1), None);
        assert_eq!(bin_index(&e, -0.1), None);
        assert_eq!(bin_index(&e, f64::NAN), None);
        assert_eq!(equal_width_edges(3.0, 3.0, 10), vec![2.5, 3.5]);
        assert!(equal_width_edges(f64::NAN, 1.0, 3).is_empty());
    }
}
