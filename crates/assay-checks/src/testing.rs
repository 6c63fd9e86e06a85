//! Test helpers: profile-only datasets built from plain values.

use assay_engine::{Dataset, Roles};
use assay_stats::value_counter::DEFAULT_EXACT_CAP;
use assay_stats::{ColumnKind, ColumnProfile, ColumnState, Profile};
use serde_json::{Map, Value};

use crate::check::{Check, Inputs, Measurement};

/// A column of values: numbers (`None` = null) or strings.
pub enum Values<'a> {
    /// Numeric values.
    Num(&'a [Option<f64>]),
    /// String values.
    Text(&'a [Option<&'a str>]),
}

/// A profile-only dataset with the given columns.
pub fn dataset(columns: &[(&str, Values)]) -> Dataset {
    let mut profiles = Vec::new();
    let mut rows = 0;
    for (name, values) in columns {
        let (state, kind, dt) = match values {
            Values::Num(v) => (
                ColumnState::of_numbers(v, DEFAULT_EXACT_CAP),
                ColumnKind::Numeric,
                "Float64",
            ),
            Values::Text(v) => (
                ColumnState::of_strings(v, DEFAULT_EXACT_CAP),
                ColumnKind::Categorical,
                "Utf8",
            ),
        };
        rows = state.rows;
        profiles.push(ColumnProfile {
            name: name.to_string(),
            data_type: dt.into(),
            kind,
            state,
        });
    }
    Dataset {
        label: "test".into(),
        profile: Profile::new(vec!["test".into()], rows, profiles),
        source: None,
        captured: None,
        rows: None,
    }
}

/// Runs a profile-only check.
pub fn measure(
    check: &dyn Check,
    current: &Dataset,
    reference: Option<&Dataset>,
    params: Value,
) -> Vec<Measurement> {
    let roles = Roles::default();
    let params: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    let inputs = Inputs {
        current,
        reference,
        roles: &roles,
        columns: None,
        params: &params,
        condition: &check.default_condition(reference.is_some()),
        condition_is_explicit: false,
        evaluation: None,
        validation: None,
        kept_rows: None,
    };
    check.measure(&inputs, Vec::new()).expect("measure")
}
