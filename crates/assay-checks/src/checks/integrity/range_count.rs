//! Shared by range-style checks: counting a numeric column's values outside `[lo, hi]`
//! exactly when possible (from the profile's distinct values, the values kept on the
//! profiling read or a row pass), from the sketch as a last resort.

use std::any::Any;

use assay_engine::capture::CapturedValues;
use assay_engine::Dataset;
use assay_stats::NumericState;

use crate::accumulators::OutsideRange;
use ahash::AHashMap;

use crate::check::{downcast, Inputs, RowPass, Side};

/// How the count outside is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountMethod {
    /// The current range lies inside the bounds: exactly zero.
    Inside,
    /// From the profile's exact distinct values.
    ExactCounts,
    /// From the current data's values kept on its profiling read
    /// ([`crate::check::Check::current_values_need`]).
    Captured,
    /// By a row pass over the current data.
    RowPass,
    /// Estimated from the KLL sketch (a saved profile with many distinct values).
    Sketch,
}

/// Chooses the cheapest exact method available.
pub fn method_for(
    inputs: &Inputs,
    column: &str,
    n: &NumericState,
    lo: f64,
    hi: f64,
) -> CountMethod {
    let captured = |c: &CapturedValues| c.has(column);
    match (n.min, n.max) {
        (Some(a), Some(b)) if a >= lo && b <= hi => CountMethod::Inside,
        (None, None) => CountMethod::Inside,
        _ if n.values.is_exact() => CountMethod::ExactCounts,
        _ if inputs.current.captured.as_deref().is_some_and(captured) => CountMethod::Captured,
        _ if inputs.current.source.is_some() => CountMethod::RowPass,
        _ => CountMethod::Sketch,
    }
}

/// The row pass a [`CountMethod::RowPass`] needs.
pub fn pass_for(column: &str, lo: f64, hi: f64) -> RowPass {
    RowPass {
        side: Side::Current,
        accumulator: Box::new(OutsideRange::new(column, lo, hi)),
    }
}

/// True for the Arrow types whose values a range check counts (numbers and temporal values).
pub fn is_numeric_type(dt: &arrow::datatypes::DataType) -> bool {
    assay_engine::profile_udaf::value_class(dt)
        == Some(assay_engine::profile_udaf::ValueClass::Numeric)
}

/// The finished range counts (taps or row passes), by column.
pub fn counts_by_column(
    passes: Vec<Box<dyn Any>>,
) -> Result<AHashMap<String, OutsideRange>, String> {
    passes
        .into_iter()
        .map(|p| downcast::<OutsideRange>(p).map(|c| (c.column.clone(), c)))
        .collect()
}

/// Values outside `[lo, hi]` and whether the count is exact: from the rows when they were
/// counted (a tap on the profiling read, or a row pass), else as `method` says.
pub fn count_outside(
    current: &Dataset,
    n: &NumericState,
    method: CountMethod,
    column: &str,
    lo: f64,
    hi: f64,
    counted: &AHashMap<String, OutsideRange>,
) -> Result<(f64, bool), String> {
    if let Some(c) = counted.get(column) {
        if c.lo == lo && c.hi == hi {
            return Ok(((c.below + c.above) as f64, true));
        }
    }
    Ok(match method {
        CountMethod::Inside => (0.0, true),
        CountMethod::ExactCounts => {
            let mut count = 0u64;
            if let Some(values) = n.exact_values() {
                for (v, c) in values {
                    if v < lo || v > hi {
                        count += c;
                    }
                }
            }
            (count as f64, true)
        }
        CountMethod::Captured => {
            let values = current
                .captured
                .as_ref()
                .map(|c| c.values(column))
                .transpose()
                .map_err(|e| e.to_string())?
                .flatten()
                .ok_or_else(|| format!("internal: the values of `{column}` were not kept"))?;
            let outside = values.iter().filter(|v| **v < lo || **v > hi).count();
            (outside as f64, true)
        }
        CountMethod::RowPass => {
            return Err(format!(
                "internal: the values of `{column}` outside [{lo}, {hi}] were not counted"
            ))
        }
        CountMethod::Sketch => {
            let below = n.sketch.cdf_at(lo, false).unwrap_or(0.0);
            let above = 1.0 - n.sketch.cdf_at(hi, true).unwrap_or(1.0);
            ((below + above).max(0.0) * n.moments.count as f64, false)
        }
    })
}
