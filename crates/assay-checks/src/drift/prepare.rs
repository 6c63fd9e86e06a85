//! Building a [`Prepared`] column from profiles (profile mode) or from raw values (exact mode).

use assay_stats::drift::binning::align_categories;
use assay_stats::drift::Empirical;
use assay_stats::{ColumnKind, ColumnProfile, NumericState};

use super::method::Prepared;

/// Points taken from a quantile sketch to stand for a distribution in profile mode.
pub const SKETCH_POINTS: usize = 2000;

/// Categories kept from a sketched (over the exact cap) categorical column; the rest are
/// pooled into one `(other)` category.
pub const SKETCHED_CATEGORIES: usize = 200;

/// The label of pooled categories.
pub const OTHER: &str = "(other)";

/// How a side's distribution was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fidelity {
    /// Every value counted exactly (raw rows, or a profile still holding exact counts).
    Exact,
    /// Recovered from sketches (quantile sketch or frequent items).
    Sketched {
        /// How far the recovered cumulative distribution may be from the exact one (at 99 %
        /// confidence), summed over the sides compared: the sketch's normalized rank error
        /// plus half a point's weight of [`SKETCH_POINTS`]. A Kolmogorov-Smirnov D computed
        /// from the sketches is within it of the exact D. `None` when no such bound is known
        /// (categories recovered from frequent items).
        cdf_error: Option<f64>,
    },
}

impl Fidelity {
    /// The bound of [`Fidelity::Sketched`], 0 when exact.
    pub fn cdf_error(&self) -> Option<f64> {
        match self {
            Fidelity::Exact => Some(0.0),
            Fidelity::Sketched { cdf_error } => *cdf_error,
        }
    }
}

/// The distribution of a numeric column from its profile state: exact counts while the
/// profile holds them, else [`SKETCH_POINTS`] evenly spaced quantiles of the KLL sketch, each
/// weighing `n / SKETCH_POINTS` (so sample sizes stay the true counts).
pub fn numeric_from_profile(n: &NumericState) -> (Empirical, Fidelity) {
    if let Some(values) = n.exact_values() {
        let e = Empirical::from_weighted(values.map(|(v, c)| (v, c as f64)));
        return (e, Fidelity::Exact);
    }
    let total = n.moments.count as f64;
    let weight = total / SKETCH_POINTS as f64;
    let points = (0..SKETCH_POINTS).filter_map(|i| {
        n.sketch
            .quantile((i as f64 + 0.5) / SKETCH_POINTS as f64)
            .map(|v| (v, weight))
    });
    let cdf_error = n.sketch.rank_error() + 0.5 / SKETCH_POINTS as f64;
    (
        Empirical::from_weighted(points),
        Fidelity::Sketched {
            cdf_error: Some(cdf_error),
        },
    )
}

/// Category counts of a column from its profile: exact while the profile holds them, else the
/// [`SKETCHED_CATEGORIES`] most frequent values plus an [`OTHER`] bucket.
pub fn categories_from_profile(c: &ColumnProfile) -> (Vec<(String, f64)>, Fidelity) {
    if let Some(counts) = c.state.exact_value_counts() {
        let v = counts.into_iter().map(|(k, n)| (k, n as f64)).collect();
        return (v, Fidelity::Exact);
    }
    let top = c.state.top_values(SKETCHED_CATEGORIES);
    let listed: f64 = top.iter().map(|f| f.count as f64).sum();
    let mut v: Vec<(String, f64)> = top.into_iter().map(|f| (f.value, f.count as f64)).collect();
    let rest = c.state.non_null() as f64 - listed;
    if rest > 0.0 {
        v.push((OTHER.to_string(), rest));
    }
    (v, Fidelity::Sketched { cdf_error: None })
}

/// Whether a column is compared as categories.
pub fn is_categorical(c: &ColumnProfile) -> bool {
    c.kind == ColumnKind::Categorical || c.state.as_numeric().is_none()
}

/// Prepares a column from both profiles. Numeric columns compared as categories (kind
/// `categorical`) use their value counts.
pub fn from_profiles(
    reference: &ColumnProfile,
    current: &ColumnProfile,
    categorical: bool,
) -> Result<(Prepared, Fidelity), String> {
    let name = current.name.clone();
    if categorical {
        let (r, fr) = categories_from_profile(reference);
        let (c, fc) = categories_from_profile(current);
        let (labels, reference, current) = align_categories(&r, &c);
        let fidelity = worst(fr, fc);
        for (side, counts) in [("reference", &r), ("current data", &c)] {
            let total: f64 = counts.iter().map(|(_, n)| n).sum();
            let other: f64 = counts
                .iter()
                .filter(|(k, _)| k == OTHER)
                .map(|(_, n)| n)
                .sum();
            if total > 0.0 && other / total > 0.5 {
                return Err(format!(
                    "`{}` has more than {} distinct values and in the {side} {} of them are \
                     rarer than the {SKETCHED_CATEGORIES} most frequent: an id-like column \
                     whose categories cannot be compared from sketches (exclude it, or compare \
                     it as numbers)",
                    name,
                    assay_stats::value_counter::DEFAULT_EXACT_CAP,
                    crate::check::pct(other / total)
                ));
            }
        }
        return Ok((
            Prepared::Categorical {
                labels,
                reference,
                current,
            },
            fidelity,
        ));
    }
    let (Some(rn), Some(cn)) = (reference.state.as_numeric(), current.state.as_numeric()) else {
        return Err(type_mismatch(reference, current));
    };
    let (r, fr) = numeric_from_profile(rn);
    let (c, fc) = numeric_from_profile(cn);
    Ok((
        Prepared::Numeric {
            reference: r,
            current: c,
        },
        worst(fr, fc),
    ))
}

/// Why the two sides of a column cannot be compared, if they cannot: numbers on one side and
/// text on the other, or time values of different types (units), whose raw numbers differ.
pub fn incomparable(reference: &ColumnProfile, current: &ColumnProfile) -> Option<String> {
    if reference.state.non_null() == 0 || current.state.non_null() == 0 {
        return None;
    }
    if reference.state.as_numeric().is_some() != current.state.as_numeric().is_some() {
        return Some(type_mismatch(reference, current));
    }
    let temporal = |t: &str| {
        ["Timestamp", "Date", "Time", "Duration", "Interval"]
            .iter()
            .any(|p| t.starts_with(p))
    };
    if reference.data_type != current.data_type
        && (temporal(&reference.data_type) || temporal(&current.data_type))
    {
        return Some(format!(
            "`{}` holds {} in the reference and {} in the current data: time values of \
             different types or units cannot be compared as numbers (read both sides with the \
             same type, e.g. --type {}=timestamp)",
            current.name, reference.data_type, current.data_type, current.name
        ));
    }
    None
}

/// The message for a column numeric on one side and text on the other.
pub fn type_mismatch(reference: &ColumnProfile, current: &ColumnProfile) -> String {
    format!(
        "the sides disagree on the type of `{}`: {} in the reference, {} in the current data",
        current.name, reference.data_type, current.data_type
    )
}

/// The less faithful of two.
pub fn worst(a: Fidelity, b: Fidelity) -> Fidelity {
    if a == Fidelity::Exact && b == Fidelity::Exact {
        Fidelity::Exact
    } else {
        Fidelity::Sketched {
            cdf_error: a.cdf_error().zip(b.cdf_error()).map(|(x, y)| x + y),
        }
    }
}

/// Whether a numeric column's profile on this side already holds exact counts.
pub fn profile_is_exact(c: &ColumnProfile) -> bool {
    c.state
        .as_numeric()
        .is_some_and(|n| n.values.exact_counts().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_stats::drift::ks::ks_2samp;
    use assay_stats::ColumnState;
    use rand::{Rng, SeedableRng};

    /// A Kolmogorov-Smirnov D computed from two profiles' sketches (the cap at 0: nothing kept
    /// exactly) is within the stated bound of the D of every value, for shifts from none to
    /// large; the bound is the two sketches' rank errors plus half a point's weight each.
    #[test]
    fn ks_from_sketches_is_within_the_stated_bound() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for shift in [0.0, 0.05, 0.2, 1.0] {
            let reference: Vec<f64> = (0..60_000).map(|_| rng.random::<f64>() * 10.0).collect();
            let current: Vec<f64> = (0..40_000)
                .map(|_| rng.random::<f64>() * 10.0 + shift * 10.0)
                .collect();
            // Each side as one state, and as the merge of six partitions' states (a cluster's
            // partial profiles).
            let one = |v: &[f64]| {
                let values: Vec<Option<f64>> = v.iter().copied().map(Some).collect();
                ColumnState::of_numbers(&values, 0)
            };
            let merged = |v: &[f64]| {
                let mut parts = v.chunks(v.len() / 6 + 1).map(one);
                let mut state = parts.next().expect("a partition");
                for part in parts {
                    state.merge(&part).expect("same kind of state");
                }
                state
            };
            for (rs, cs) in [
                (one(&reference), one(&current)),
                (merged(&reference), merged(&current)),
            ] {
                let (Some(rn), Some(cn)) = (rs.as_numeric(), cs.as_numeric()) else {
                    panic!("numeric states expected");
                };
                let (r, fr) = numeric_from_profile(rn);
                let (c, fc) = numeric_from_profile(cn);
                let fidelity = worst(fr, fc);
                let bound = fidelity.cdf_error().expect("a numeric bound");
                assert!(matches!(fidelity, Fidelity::Sketched { .. }));
                assert!(
                    (bound
                        - (rn.sketch.rank_error()
                            + cn.sketch.rank_error()
                            + 1.0 / SKETCH_POINTS as f64))
                        .abs()
                        < 1e-15
                );
                let sketched = ks_2samp(&r, &c).expect("D").statistic;
                let exact = ks_2samp(
                    &Empirical::from_values(reference.clone()),
                    &Empirical::from_values(current.clone()),
                )
                .expect("D")
                .statistic;
                assert!(
                    (sketched - exact).abs() <= bound,
                    "shift {shift}: D from sketches {sketched} vs exact {exact}, bound {bound}"
                );
                assert_eq!(rs.rows + cs.rows, 100_000);
            }
        }
    }
}
