//! The catalogue: one file per check, grouped by family.

pub mod crossval;
pub mod drift;
pub mod fairness;
pub mod generalization;
pub mod integrity;
pub mod leakage;
pub mod model;
pub mod performance;
pub mod privacy;
pub mod robustness;
pub mod schema;
pub mod sensitivity;
pub mod target;

use std::any::Any;

use assay_stats::ColumnProfile;

use crate::check::{downcast, Inputs, Measurement};

/// Looks up `name` in the current profile and, when there is a reference, in the reference.
/// Returns a ready `skipped` measurement when the column is missing from the current data.
pub(crate) fn columns_of<'a>(
    inputs: &'a Inputs,
    name: &str,
) -> Result<(&'a ColumnProfile, Option<&'a ColumnProfile>), Box<Measurement>> {
    let cur = inputs.current.profile.column(name).ok_or_else(|| {
        Box::new(Measurement::error(
            Some(name),
            format!("column `{name}` is not in the current data"),
        ))
    })?;
    let reference = inputs.reference.and_then(|r| r.profile.column(name));
    Ok((cur, reference))
}

/// The current numeric state of `name` (and the reference profile), or the error result
/// for a missing or non-numeric column.
pub(crate) fn numeric_of<'a>(
    inputs: &'a Inputs,
    name: &str,
) -> Result<(&'a assay_stats::NumericState, Option<&'a ColumnProfile>), Box<Measurement>> {
    let (cur, reference) = columns_of(inputs, name)?;
    let n = cur.state.as_numeric().ok_or_else(|| {
        Box::new(Measurement::error(
            Some(name),
            format!("`{name}` is not a numeric column"),
        ))
    })?;
    Ok((n, reference))
}

/// The current text state of `name`, or the error result for a missing or non-text column.
pub(crate) fn text_of<'a>(
    inputs: &'a Inputs,
    name: &str,
) -> Result<&'a assay_stats::TextState, Box<Measurement>> {
    let (cur, _) = columns_of(inputs, name)?;
    cur.state.as_text().ok_or_else(|| {
        Box::new(Measurement::error(
            Some(name),
            format!("`{name}` is not a string column"),
        ))
    })
}

/// Measures each of the check's columns (those passing `keep`, or the suite's `columns:`):
/// `f` gets the column's current and reference profiles; a column missing from the current data
/// becomes an error result.
pub(crate) fn per_column(
    inputs: &Inputs,
    keep: impl Fn(&ColumnProfile) -> bool,
    mut f: impl FnMut(&str, &ColumnProfile, Option<&ColumnProfile>) -> Measurement,
) -> Vec<Measurement> {
    inputs
        .target_columns(keep)
        .into_iter()
        .map(|name| match columns_of(inputs, &name) {
            Ok((cur, reference)) => f(&name, cur, reference),
            Err(m) => *m,
        })
        .collect()
}

/// The next finished row pass, downcast to the check's accumulator type.
pub(crate) fn next_pass<T: 'static>(
    passes: &mut impl Iterator<Item = Box<dyn Any>>,
) -> Result<T, String> {
    downcast(passes.next().ok_or("internal: missing row pass")?)
}
