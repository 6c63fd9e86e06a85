//! `assay init`: a starter suite inferred from a dataset, the way TFDV infers a schema:
//! per-column null thresholds, numeric ranges and category domains written out explicitly,
//! so the suite checks new data even without a reference.

use serde_json::{json, Map, Value};

use assay_engine::Roles;
use assay_stats::{ColumnKind, Profile};

use crate::suite::{CheckEntry, DataSection, Paths, Severity, Suite, SuiteOptions};

/// Categorical columns with at most this many values get an explicit domain.
pub const MAX_DOMAIN_SIZE: usize = 100;

/// Text values that usually stand for a missing value: found among a column's categories, they
/// are left out of its domain and suggested as null markers.
pub const NULL_MARKERS: &[&str] = &[
    "?", "NA", "N/A", "n/a", "na", "NULL", "null", "Null", "None", "none", "NaN", "nan", "-", "--",
    "missing", "MISSING", "#N/A",
];

/// The null markers found among the categories of `profile`'s columns, each with the columns
/// holding it (in column order).
pub fn null_markers(profile: &Profile) -> Vec<(String, Vec<String>)> {
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for c in &profile.columns {
        let Some(values) = c.state.exact_value_counts() else {
            continue;
        };
        for (v, _) in values {
            if NULL_MARKERS.contains(&v.trim()) {
                match found.iter_mut().find(|(m, _)| *m == v) {
                    Some((_, cols)) => cols.push(c.name.clone()),
                    None => found.push((v, vec![c.name.clone()])),
                }
            }
        }
    }
    found
}

/// Common names of a target column.
const TARGET_NAMES: &[&str] = &[
    "target", "label", "y", "class", "outcome", "income", "churn",
];

fn ceil4(x: f64) -> f64 {
    (x * 10_000.0).ceil() / 10_000.0
}

/// Guesses the target column from common names.
pub fn guess_target(profile: &Profile) -> Option<String> {
    profile
        .columns
        .iter()
        .find(|c| {
            let n = c.name.to_ascii_lowercase();
            TARGET_NAMES.iter().any(|t| {
                n == *t || n.starts_with(&format!("{t}_")) || n.starts_with(&format!("{t}-"))
            })
        })
        .map(|c| c.name.clone())
}

fn entry(check: &str) -> CheckEntry {
    CheckEntry {
        check: check.into(),
        columns: None,
        params: Map::new(),
        condition: None,
        severity: None,
    }
}

/// Builds the starter suite for `profile`, read from `data` (and compared with `reference`).
pub fn starter_suite(
    profile: &Profile,
    data: DataSection,
    reference_given: bool,
    name: &str,
) -> Suite {
    let target = guess_target(profile);
    let roles = Roles {
        target: target.clone(),
        ..Roles::default()
    };
    let features: Vec<&assay_stats::ColumnProfile> = profile
        .columns
        .iter()
        .filter(|c| Some(&c.name) != target.as_ref())
        .collect();
    let mut checks = Vec::new();
    checks.push(entry("integrity.row_count"));
    if reference_given {
        checks.push(entry("schema.match"));
    }
    // Null shares: columns without nulls must stay without; the others get 1.1× + 0.01.
    let (clean, nullable): (Vec<_>, Vec<_>) =
        profile.columns.iter().partition(|c| c.state.nulls == 0);
    if !clean.is_empty() {
        checks.push(CheckEntry {
            columns: Some(clean.iter().map(|c| c.name.clone()).collect()),
            condition: Some("== 0".into()),
            ..entry("integrity.null_share")
        });
    }
    for c in nullable {
        checks.push(CheckEntry {
            columns: Some(vec![c.name.clone()]),
            condition: Some(format!(
                "<= {}",
                ceil4(c.state.null_share() * 1.1 + 0.01).min(1.0)
            )),
            ..entry("integrity.null_share")
        });
    }
    checks.push(CheckEntry {
        condition: Some("== 0".into()),
        ..entry("integrity.non_finite_share")
    });
    let non_constant: Vec<String> = features
        .iter()
        .filter(|c| c.state.distinct() >= 2)
        .map(|c| c.name.clone())
        .collect();
    if !non_constant.is_empty() {
        checks.push(CheckEntry {
            columns: Some(non_constant),
            ..entry("integrity.constant_column")
        });
    }
    let mut bounds = Map::new();
    for c in features.iter().filter(|c| c.kind == ColumnKind::Numeric) {
        if let Some(n) = c.state.as_numeric() {
            if let (Some(lo), Some(hi)) = (n.min, n.max) {
                bounds.insert(c.name.clone(), json!([lo, hi]));
            }
        }
    }
    if !bounds.is_empty() {
        let mut params = Map::new();
        params.insert("bounds".into(), Value::Object(bounds));
        checks.push(CheckEntry {
            params,
            condition: Some("<= 0.01".into()),
            severity: Some(Severity::Warn),
            ..entry("integrity.value_range")
        });
    }
    let mut allowed = Map::new();
    for c in features
        .iter()
        .filter(|c| c.kind == ColumnKind::Categorical)
    {
        if let Some(mut values) = c.state.exact_value_counts() {
            values.retain(|(v, _)| !NULL_MARKERS.contains(&v.trim()));
            if values.len() <= MAX_DOMAIN_SIZE {
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                allowed.insert(
                    c.name.clone(),
                    json!(values.into_iter().map(|(v, _)| v).collect::<Vec<_>>()),
                );
            }
        }
    }
    if !allowed.is_empty() {
        let mut params = Map::new();
        params.insert("allowed".into(), Value::Object(allowed));
        checks.push(CheckEntry {
            params,
            condition: Some("== 0".into()),
            severity: Some(Severity::Warn),
            ..entry("integrity.new_categories")
        });
    }
    checks.push(CheckEntry {
        condition: Some("<= 0.01".into()),
        severity: Some(Severity::Warn),
        ..entry("integrity.duplicate_rows")
    });
    checks.push(entry("integrity.mixed_types"));
    checks.push(entry("privacy.pii"));
    if target.is_some() {
        checks.push(entry("target.class_imbalance"));
        checks.push(entry("leakage.single_feature"));
    }
    if reference_given {
        checks.push(CheckEntry {
            severity: Some(Severity::Warn),
            ..entry("leakage.train_test_overlap")
        });
    }
    Suite {
        name: Some(name.to_string()),
        data,
        roles,
        options: SuiteOptions::default(),
        evaluation: Default::default(),
        validation: Default::default(),
        sensitivity: Default::default(),
        performance: Default::default(),
        checks,
    }
}

/// The starter suite as commented YAML: the sections a suite has by default (evaluation,
/// validation, sensitivity, performance, options) are left out, and the null markers found
/// in `profile` (see [`null_markers`]) are suggested in a comment.
pub fn to_yaml(suite: &Suite, source: &str, profile: &Profile) -> Result<String, String> {
    // Serialized in field order (name first), the default sections removed.
    let mut value = serde_norway::to_value(suite).map_err(|e| e.to_string())?;
    let defaults = serde_norway::to_value(Suite {
        name: None,
        data: data_section("", None),
        roles: Roles::default(),
        options: SuiteOptions::default(),
        evaluation: Default::default(),
        validation: Default::default(),
        sensitivity: Default::default(),
        performance: Default::default(),
        checks: Vec::new(),
    })
    .map_err(|e| e.to_string())?;
    if let (serde_norway::Value::Mapping(map), serde_norway::Value::Mapping(default)) =
        (&mut value, &defaults)
    {
        for key in [
            "options",
            "evaluation",
            "validation",
            "sensitivity",
            "performance",
        ] {
            if map.get(key) == default.get(key) {
                map.remove(key);
            }
        }
    }
    let body = serde_norway::to_string(&value).map_err(|e| e.to_string())?;
    let mut hints = String::new();
    let markers = null_markers(profile);
    if !markers.is_empty() && suite.data.csv.null_values.is_empty() {
        for (marker, columns) in &markers {
            hints.push_str(&format!(
                "# `{marker}` in {} looks like a missing value: it is left out of the category \
                 domains below.\n",
                columns.join(", ")
            ));
        }
        let list: Vec<String> = markers.iter().map(|(m, _)| format!("{m:?}")).collect();
        hints.push_str(&format!(
            "# If it is, read it as null (data.csv.null_values: [{}]; `--null-value` when \
             running `assay init` again) so that null thresholds count it.\n",
            list.join(", ")
        ));
    }
    Ok(format!(
        "# Starter suite inferred by `assay init` from {source}.\n\
         # Ranges, category domains and null thresholds below were observed in that data:\n\
         # review them, point `data.current` at the data to validate, and run `assay check`.\n\
         # Conditions: `<= 0.05`, `>= 0.8`, `== 0`, or relative `<= reference * 1.1 + 0.01`.\n\
         # `assay checks` lists every check; `assay explain ID` documents one.\n{hints}{body}"
    ))
}

/// A data section for one path.
pub fn data_section(current: &str, reference: Option<&str>) -> DataSection {
    DataSection {
        current: Paths::One(current.to_string()),
        reference: reference.map(|r| Paths::One(r.to_string())),
        format: None,
        csv: Default::default(),
    }
}
