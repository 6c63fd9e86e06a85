//! The catalogue: one file per check, grouped by family.

pub mod integrity;
pub mod leakage;
pub mod privacy;
pub mod schema;
pub mod target;

use assay_stats::ColumnProfile;

use crate::check::{Inputs, Measurement};

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
