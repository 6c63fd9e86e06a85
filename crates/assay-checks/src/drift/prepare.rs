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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fidelity {
    /// Every value counted exactly (raw rows, or a profile still holding exact counts).
    Exact,
    /// Recovered from sketches (quantile sketch or frequent items).
    Sketched,
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
    (Empirical::from_weighted(points), Fidelity::Sketched)
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
    (v, Fidelity::Sketched)
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
        Fidelity::Sketched
    }
}

/// Whether a numeric column's profile on this side already holds exact counts.
pub fn profile_is_exact(c: &ColumnProfile) -> bool {
    c.state
        .as_numeric()
        .is_some_and(|n| n.values.exact_counts().is_some())
}
