//! Binning two samples into aligned histograms, the input of the histogram-based drift
//! measures ([`super::divergence`], [`super::contingency`]).
//!
//! A numeric column is cut into bins by a [`Binning`] rule ([`bin_edges`]) and each sample is
//! counted into the same bins ([`bin_counts`]); a categorical column is aligned label by label
//! ([`align_categories`]). The rules follow numpy, and the parity fixtures
//! (`scripts/gen_drift_histogram_fixtures.py`) check the edges against
//! `numpy.histogram_bin_edges` / `numpy.quantile` to a relative `1e-12` and the counts exactly.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::Empirical;

/// Bin count used when a rule that takes one is named without it (`"quantiles"`, `"fixed"`).
pub const DEFAULT_BINS: usize = 10;

/// Largest bin count accepted by [`Binning::parse`]; [`bin_edges`] clamps larger counts to it.
pub const MAX_BINS: usize = 100_000;

/// How a numeric column is cut into bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binning {
    /// Edges at the reference sample's quantiles `0, 1/k, ..., 1` (numpy `linear`
    /// interpolation), duplicate edges removed: a discrete column gets fewer bins than `k`.
    /// Current values outside the reference range are counted in the first or last bin.
    ReferenceQuantiles(usize),
    /// Sturges' rule over both samples together, as
    /// `numpy.histogram_bin_edges(concat(reference, current), bins="sturges")` (the binning of
    /// Evidently's PSI, KL and JS tests for numeric columns).
    Sturges,
    /// `k` equal-width bins over the range of both samples together, as
    /// `numpy.histogram_bin_edges(concat(reference, current), bins=k)`.
    Fixed(usize),
}

impl Default for Binning {
    /// Ten reference-quantile (decile) bins.
    fn default() -> Self {
        Binning::ReferenceQuantiles(DEFAULT_BINS)
    }
}

/// A binning specification that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BinningError {
    /// The rule name is not one of `quantiles`, `sturges`, `fixed`.
    #[error("unknown binning rule {0:?}: expected \"quantiles\", \"sturges\" or \"fixed\"")]
    UnknownRule(String),
    /// A bin count of zero.
    #[error("{rule} binning needs at least 1 bin, got 0")]
    ZeroBins {
        /// The rule name.
        rule: &'static str,
    },
    /// A bin count above [`MAX_BINS`].
    #[error("{rule} binning allows at most {max} bins, got {bins}", max = MAX_BINS)]
    TooManyBins {
        /// The rule name.
        rule: &'static str,
        /// The requested count.
        bins: usize,
    },
    /// A bin count given to a rule that chooses its own.
    #[error("sturges binning chooses its own bin count; remove the bin count ({0})")]
    BinsNotAllowed(usize),
    /// The text after `:` in `"rule:bins"` is not a whole number.
    #[error("invalid bin count {0:?}: expected a positive whole number, as in \"quantiles:20\"")]
    InvalidBinCount(String),
}

impl Binning {
    /// The rule named `name` (`"quantiles"`, `"sturges"` or `"fixed"`, as in a suite file) with
    /// an optional bin count. `quantiles` and `fixed` default to [`DEFAULT_BINS`] bins and accept
    /// `1..=MAX_BINS`; `sturges` chooses its own count and rejects one.
    pub fn parse(name: &str, bins: Option<usize>) -> Result<Binning, BinningError> {
        let checked = |rule: &'static str| match bins.unwrap_or(DEFAULT_BINS) {
            0 => Err(BinningError::ZeroBins { rule }),
            b if b > MAX_BINS => Err(BinningError::TooManyBins { rule, bins: b }),
            b => Ok(b),
        };
        match name {
            "quantiles" => Ok(Binning::ReferenceQuantiles(checked("quantiles")?)),
            "fixed" => Ok(Binning::Fixed(checked("fixed")?)),
            "sturges" => match bins {
                None => Ok(Binning::Sturges),
                Some(b) => Err(BinningError::BinsNotAllowed(b)),
            },
            other => Err(BinningError::UnknownRule(other.to_string())),
        }
    }

    /// The rule's name as accepted by [`Binning::parse`].
    pub fn name(&self) -> &'static str {
        match self {
            Binning::ReferenceQuantiles(_) => "quantiles",
            Binning::Sturges => "sturges",
            Binning::Fixed(_) => "fixed",
        }
    }

    /// The requested bin count (`None` for Sturges, which derives it from the sample size).
    pub fn bins(&self) -> Option<usize> {
        match self {
            Binning::ReferenceQuantiles(k) | Binning::Fixed(k) => Some(*k),
            Binning::Sturges => None,
        }
    }
}

impl FromStr for Binning {
    type Err = BinningError;

    /// Parses `"rule"` or `"rule:bins"` (`"quantiles"`, `"quantiles:20"`, `"sturges"`,
    /// `"fixed:30"`), the inverse of [`Display`](fmt::Display).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            None => Binning::parse(s, None),
            Some((name, count)) => {
                let bins = count
                    .parse::<usize>()
                    .map_err(|_| BinningError::InvalidBinCount(count.to_string()))?;
                Binning::parse(name, Some(bins))
            }
        }
    }
}

impl fmt::Display for Binning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bins() {
            Some(k) => write!(f, "{}:{k}", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// Bin edges (ascending, at least two) for `reference` and `current` under `binning`, or an
/// empty vector when both samples are empty.
///
/// - [`Binning::ReferenceQuantiles`]`(k)`: `numpy.unique(numpy.quantile(reference,
///   numpy.linspace(0, 1, k + 1)))`, so duplicate quantiles (discrete columns, heavy ties) merge
///   and give fewer than `k` bins. When the reference has fewer than two distinct values (no
///   quantile to cut at) the rule falls back to `Fixed(k)` over both samples, so a current
///   sample that moved away from a constant reference still lands in other bins. Sketch
///   weights are treated as in [`Empirical::quantile_linear`].
/// - [`Binning::Sturges`]: `numpy.histogram_bin_edges(concat(reference, current),
///   bins="sturges")`: width `ptp / (log2(n) + 1)` with `n` the combined count (total weight),
///   `ceil(ptp / width)` equal-width bins (numpy's exact float operations, so a power-of-two
///   `n` can give one more bin than `log2(n) + 1`). numpy's integer-dtype rule (width at least
///   1) does not apply: values are f64.
/// - [`Binning::Fixed`]`(k)`: `numpy.histogram_bin_edges(concat(reference, current), bins=k)`.
///
/// Bin counts of 0 are treated as 1 and counts above [`MAX_BINS`] as `MAX_BINS`. A degenerate
/// range (both samples the same single value `v`) gives one bin `[v - 0.5, v + 0.5]` under
/// every rule (numpy's outer edges; numpy would split that range into `k` bins for `Fixed(k)`,
/// all but one empty). If the range overflows f64 (`max - min` infinite) the equal-width edges
/// are interpolated without overflow instead of numpy's `inf`/`NaN`.
///
/// Reference: numpy 2.4.6 `histogram_bin_edges` and `quantile`; parity: relative `1e-12`
/// (observed: within 3e-16).
pub fn bin_edges(binning: Binning, reference: &Empirical, current: &Empirical) -> Vec<f64> {
    let Some((lo, hi)) = union_range(reference, current) else {
        return Vec::new();
    };
    match binning {
        Binning::ReferenceQuantiles(k) => {
            let k = k.clamp(1, MAX_BINS);
            let mut edges = reference_quantiles(reference, k);
            edges.sort_unstable_by(f64::total_cmp);
            edges.dedup();
            if edges.len() >= 2 {
                edges
            } else {
                equal_width(lo, hi, k)
            }
        }
        Binning::Fixed(k) => equal_width(lo, hi, k.clamp(1, MAX_BINS)),
        Binning::Sturges => {
            let n = reference.total() + current.total();
            let ptp = hi - lo;
            let width = ptp / (n.log2() + 1.0);
            let bins = if width > 0.0 && width.is_finite() {
                let b = (ptp / width).ceil();
                if b.is_finite() && b >= 1.0 {
                    (b as usize).min(MAX_BINS)
                } else {
                    1
                }
            } else {
                1
            };
            equal_width(lo, hi, bins)
        }
    }
}

/// Smallest and largest value over both samples.
fn union_range(reference: &Empirical, current: &Empirical) -> Option<(f64, f64)> {
    let firsts = [reference.values().first(), current.values().first()];
    let lasts = [reference.values().last(), current.values().last()];
    let lo = firsts.into_iter().flatten().copied().reduce(f64::min)?;
    let hi = lasts.into_iter().flatten().copied().reduce(f64::max)?;
    Some((lo, hi))
}

/// `numpy.linspace(lo, hi, bins + 1)` with numpy's outer-edge rule for `lo == hi`.
fn equal_width(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    if lo == hi {
        return vec![lo - 0.5, hi + 0.5];
    }
    let div = bins as f64;
    let delta = hi - lo;
    let step = delta / div;
    let mut edges: Vec<f64> = (0..bins)
        .map(|j| {
            let j = j as f64;
            if !delta.is_finite() {
                let t = j / div;
                lo * (1.0 - t) + hi * t
            } else if step == 0.0 {
                j / div * delta + lo
            } else {
                j * step + lo
            }
        })
        .collect();
    edges.push(hi);
    edges
}

/// `numpy.quantile(sample, numpy.linspace(0, 1, k + 1))` (method `linear`) in one sweep.
fn reference_quantiles(e: &Empirical, k: usize) -> Vec<f64> {
    if e.is_empty() {
        return Vec::new();
    }
    let n = e.total();
    let last = n - 1.0;
    let step = 1.0 / k as f64;
    let mut cursor = OrderStatistics::new(e);
    (0..=k)
        .map(|j| {
            let q = if j == k { 1.0 } else { j as f64 * step };
            let h = last * q;
            if h >= last {
                return cursor.at(last.max(0.0));
            }
            let prev = h.floor();
            let gamma = h - prev;
            let a = cursor.at(prev);
            let b = cursor.at(prev + 1.0);
            // numpy `_lerp`: the formula anchored at the nearer end.
            let diff = b - a;
            if gamma >= 0.5 {
                b - diff * (1.0 - gamma)
            } else {
                a + diff * gamma
            }
        })
        .collect()
}

/// Order statistics of an [`Empirical`] looked up at non-decreasing positions, O(distinct)
/// over all look-ups.
struct OrderStatistics<'a> {
    values: &'a [f64],
    weights: &'a [f64],
    index: usize,
    /// Total weight of `values[..=index]`.
    seen: f64,
}

impl<'a> OrderStatistics<'a> {
    fn new(e: &'a Empirical) -> Self {
        Self {
            values: e.values(),
            weights: e.weights(),
            index: 0,
            seen: e.weights().first().copied().unwrap_or(0.0),
        }
    }

    /// The value at 0-based position `i` of the sorted sample (each value repeated `weight`
    /// times); positions must not decrease between calls.
    fn at(&mut self, i: f64) -> f64 {
        while i >= self.seen && self.index + 1 < self.values.len() {
            self.index += 1;
            self.seen += self.weights.get(self.index).copied().unwrap_or(0.0);
        }
        self.values.get(self.index).copied().unwrap_or(f64::NAN)
    }
}

/// Weight of `e` in each bin of `edges` (ascending, as from [`bin_edges`]); one entry per bin,
/// empty when `edges` has fewer than two entries.
///
/// Bins follow `numpy.histogram`: half-open `[edges[i], edges[i + 1])`, the last bin closed.
/// Unlike `numpy.histogram`, which drops values outside `[edges[0], edges[last]]`, values below
/// the first edge are counted in the first bin and values above the last edge in the last bin:
/// reference-quantile edges span the reference only, and current values outside it must still
/// be counted (they are the drift). Equivalent to
/// `numpy.histogram(numpy.clip(x, edges[0], edges[-1]), edges)[0]`. O(distinct + bins).
///
/// Reference: numpy 2.4.6 `histogram` on clipped values; parity: exact.
pub fn bin_counts(edges: &[f64], e: &Empirical) -> Vec<f64> {
    let Some(bins) = edges.len().checked_sub(1).filter(|b| *b > 0) else {
        return Vec::new();
    };
    // Bin index = number of interior edges <= v, which also sends values below the first edge
    // to bin 0 and values at or above the last interior edge to the last bin.
    let interior = &edges[1..bins];
    let mut counts = vec![0.0; bins];
    let mut bin = 0;
    for (v, w) in e.values().iter().zip(e.weights()) {
        while bin < interior.len() && interior[bin] <= *v {
            bin += 1;
        }
        if let Some(c) = counts.get_mut(bin) {
            *c += w;
        }
    }
    counts
}

/// Aligns two categorical frequency tables on the union of their labels: returns the labels
/// and the reference and current counts in that order, `0.0` where a label is absent.
/// Repeated labels within one table are summed.
///
/// Order: reference count descending, then current count descending, then label ascending
/// (deterministic, most frequent reference categories first).
pub fn align_categories(
    reference: &[(String, f64)],
    current: &[(String, f64)],
) -> (Vec<String>, Vec<f64>, Vec<f64>) {
    let mut table: HashMap<&str, (f64, f64)> = HashMap::new();
    for (label, count) in reference {
        table.entry(label.as_str()).or_default().0 += count;
    }
    for (label, count) in current {
        table.entry(label.as_str()).or_default().1 += count;
    }
    let mut rows: Vec<(&str, (f64, f64))> = table.into_iter().collect();
    rows.sort_by(|(la, (ra, ca)), (lb, (rb, cb))| {
        rb.total_cmp(ra)
            .then_with(|| cb.total_cmp(ca))
            .then_with(|| la.cmp(lb))
    });
    let labels = rows.iter().map(|(l, _)| l.to_string()).collect();
    let reference_counts = rows.iter().map(|(_, (r, _))| *r).collect();
    let current_counts = rows.iter().map(|(_, (_, c))| *c).collect();
    (labels, reference_counts, current_counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::empirical::emp;

    #[test]
    fn parses_suite_names() {
        assert_eq!(
            Binning::parse("quantiles", None),
            Ok(Binning::ReferenceQuantiles(10))
        );
        assert_eq!(
            Binning::parse("quantiles", Some(4)),
            Ok(Binning::ReferenceQuantiles(4))
        );
        assert_eq!(Binning::parse("fixed", Some(30)), Ok(Binning::Fixed(30)));
        assert_eq!(Binning::parse("sturges", None), Ok(Binning::Sturges));
        assert_eq!(
            Binning::parse("sturges", Some(5)),
            Err(BinningError::BinsNotAllowed(5))
        );
        assert_eq!(
            Binning::parse("fixed", Some(0)),
            Err(BinningError::ZeroBins { rule: "fixed" })
        );
        assert_eq!(
            Binning::parse("quantiles", Some(MAX_BINS + 1)),
            Err(BinningError::TooManyBins {
                rule: "quantiles",
                bins: MAX_BINS + 1
            })
        );
        let err = Binning::parse("deciles", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown binning rule \"deciles\": expected \"quantiles\", \"sturges\" or \"fixed\""
        );
        assert_eq!(Binning::default(), Binning::ReferenceQuantiles(10));
    }

    #[test]
    fn from_str_round_trips_display() {
        for b in [
            Binning::ReferenceQuantiles(20),
            Binning::Sturges,
            Binning::Fixed(7),
        ] {
            assert_eq!(b.to_string().parse::<Binning>(), Ok(b));
        }
        assert_eq!("fixed".parse::<Binning>(), Ok(Binning::Fixed(10)));
        assert_eq!(
            "fixed:ten".parse::<Binning>(),
            Err(BinningError::InvalidBinCount("ten".into()))
        );
        assert_eq!(
            "fixed:-1".parse::<Binning>(),
            Err(BinningError::InvalidBinCount("-1".into()))
        );
    }

    #[test]
    fn empty_samples_give_no_bins() {
        let e = Empirical::default();
        for b in [Binning::default(), Binning::Sturges, Binning::Fixed(3)] {
            assert!(bin_edges(b, &e, &e).is_empty());
        }
        assert!(bin_counts(&[], &emp(&[1.0])).is_empty());
        assert!(bin_counts(&[1.0], &emp(&[1.0])).is_empty());
    }

    #[test]
    fn single_value_gives_one_bin() {
        let e = emp(&[3.0, 3.0, 3.0]);
        for b in [Binning::default(), Binning::Sturges, Binning::Fixed(4)] {
            let edges = bin_edges(b, &e, &e);
            assert_eq!(edges, vec![2.5, 3.5], "{b}");
            assert_eq!(bin_counts(&edges, &e), vec![3.0]);
        }
    }

    #[test]
    fn constant_reference_falls_back_to_equal_width() {
        let r = emp(&[0.0; 5]);
        let c = emp(&[0.0, 2.0, 4.0]);
        let edges = bin_edges(Binning::ReferenceQuantiles(4), &r, &c);
        assert_eq!(edges, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(bin_counts(&edges, &r), vec![5.0, 0.0, 0.0, 0.0]);
        assert_eq!(bin_counts(&edges, &c), vec![1.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn quantile_edges_merge_duplicates() {
        // numpy.unique(numpy.quantile([0,0,0,0,0,0,1,1,2,2], numpy.linspace(0, 1, 5)))
        // = [0, 1, 2]
        let r = emp(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0]);
        let edges = bin_edges(Binning::ReferenceQuantiles(4), &r, &r);
        assert_eq!(edges, vec![0.0, 1.0, 2.0]);
        assert_eq!(bin_counts(&edges, &r), vec![6.0, 4.0]);
    }

    #[test]
    fn counts_clamp_out_of_range_values() {
        let edges = [0.0, 1.0, 2.0];
        let e = emp(&[-5.0, 0.0, 0.5, 1.0, 2.0, 9.0]);
        // [-5 -> 0], [0, 0.5 -> 0], [1, 2, 9 -> 1]
        assert_eq!(bin_counts(&edges, &e), vec![3.0, 3.0]);
        // Zero-width bins as numpy: [0, 1), [1, 1), [1, 2].
        let e = emp(&[0.0, 1.0, 1.5]);
        assert_eq!(bin_counts(&[0.0, 1.0, 1.0, 2.0], &e), vec![1.0, 0.0, 2.0]);
        // Fractional weights are summed as they are.
        let w = Empirical::from_weighted([(0.5, 0.25), (1.5, 1.5)]);
        assert_eq!(bin_counts(&edges, &w), vec![0.25, 1.5]);
    }

    #[test]
    fn sturges_matches_numpy_on_power_of_two() {
        // numpy.histogram_bin_edges(numpy.arange(8.0), bins="sturges"): n = 8, log2(8) + 1 = 4
        // bins of width 1.75.
        let e = emp(&[0.0, 1.0, 2.0, 3.0]);
        let c = emp(&[4.0, 5.0, 6.0, 7.0]);
        assert_eq!(
            bin_edges(Binning::Sturges, &e, &c),
            vec![0.0, 1.75, 3.5, 5.25, 7.0]
        );
    }

    #[test]
    fn huge_range_does_not_overflow() {
        let e = emp(&[-f64::MAX, f64::MAX]);
        let edges = bin_edges(Binning::Fixed(2), &e, &e);
        assert_eq!(edges, vec![-f64::MAX, 0.0, f64::MAX]);
        assert_eq!(bin_counts(&edges, &e), vec![1.0, 1.0]);
    }

    #[test]
    fn aligns_categories_by_frequency() {
        let r = vec![
            ("b".to_string(), 5.0),
            ("a".to_string(), 5.0),
            ("c".to_string(), 9.0),
            ("b".to_string(), 1.0),
        ];
        let c = vec![
            ("d".to_string(), 2.0),
            ("a".to_string(), 3.0),
            ("e".to_string(), 2.0),
        ];
        let (labels, rc, cc) = align_categories(&r, &c);
        assert_eq!(labels, vec!["c", "b", "a", "d", "e"]);
        assert_eq!(rc, vec![9.0, 6.0, 5.0, 0.0, 0.0]);
        assert_eq!(cc, vec![0.0, 0.0, 3.0, 2.0, 2.0]);
        let (labels, rc, cc) = align_categories(&[], &[]);
        assert!(labels.is_empty() && rc.is_empty() && cc.is_empty());
    }
}
