//! Column roles (target, prediction, id, ...) and numeric/categorical kind inference.

use std::collections::BTreeMap;

use arrow::datatypes::{DataType, Schema};
use serde::{Deserialize, Serialize};

use assay_stats::{ColumnKind, ColumnState};

use crate::error::{EngineError, Result};

/// What each column is for. Every field is optional; `features` defaults to every column
/// that has no other role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Roles {
    /// Ground-truth label or value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Predicted label or value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prediction: Option<String>,
    /// Predicted probability column(s), one per class (or one for the positive class).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probabilities: Vec<String>,
    /// The baseline model's predicted label or value (for regression gates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_prediction: Option<String>,
    /// The baseline model's probability column(s).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub baseline_probabilities: Vec<String>,
    /// Row identifier (should be unique).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Event time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Sample weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Columns to slice metrics by.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    /// Protected attributes for fairness.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protected: Vec<String>,
    /// Model inputs; default: every column without another role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Columns forced to be categorical.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categorical: Vec<String>,
    /// Columns forced to be numeric.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numeric: Vec<String>,
}

impl Roles {
    /// Every (suite key, column) pair named by the roles.
    pub fn named_columns(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut one = |k: &str, v: &Option<String>| {
            if let Some(c) = v {
                out.push((k.to_string(), c.clone()));
            }
        };
        one("roles.target", &self.target);
        one("roles.prediction", &self.prediction);
        one("roles.baseline_prediction", &self.baseline_prediction);
        one("roles.id", &self.id);
        one("roles.timestamp", &self.timestamp);
        one("roles.weight", &self.weight);
        for (k, list) in [
            ("roles.probabilities", &self.probabilities),
            ("roles.baseline_probabilities", &self.baseline_probabilities),
            ("roles.segments", &self.segments),
            ("roles.protected", &self.protected),
            ("roles.categorical", &self.categorical),
            ("roles.numeric", &self.numeric),
        ] {
            out.extend(list.iter().map(|c| (k.to_string(), c.clone())));
        }
        if let Some(f) = &self.features {
            out.extend(f.iter().map(|c| ("roles.features".to_string(), c.clone())));
        }
        out
    }

    /// Checks that every named column exists in `columns`; the error names the suite key.
    pub fn validate(&self, columns: &[String], source: &str) -> Result<()> {
        for (key, col) in self.named_columns() {
            if !columns.iter().any(|c| c == &col) {
                let hint = did_you_mean(&col, columns);
                return Err(EngineError::Column {
                    column: col,
                    message: format!(
                        "named in `{key}` but {source} has no such column{hint} (columns: {})",
                        shorten(columns)
                    ),
                });
            }
        }
        Ok(())
    }

    /// Columns with a non-feature role (target, prediction, probabilities, id, timestamp, weight).
    pub fn non_feature_columns(&self) -> Vec<String> {
        let mut v: Vec<String> = [
            &self.target,
            &self.prediction,
            &self.baseline_prediction,
            &self.id,
            &self.timestamp,
            &self.weight,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        v.extend(self.probabilities.iter().cloned());
        v.extend(self.baseline_probabilities.iter().cloned());
        v
    }

    /// The feature columns among `columns`.
    pub fn features_of(&self, columns: &[String]) -> Vec<String> {
        match &self.features {
            Some(f) => f.clone(),
            None => {
                let other = self.non_feature_columns();
                columns
                    .iter()
                    .filter(|c| !other.contains(c))
                    .cloned()
                    .collect()
            }
        }
    }

    /// The role of a column as a short word, for reports (`feature` when none).
    pub fn role_of(&self, column: &str) -> &'static str {
        let is = |o: &Option<String>| o.as_deref() == Some(column);
        if is(&self.target) {
            "target"
        } else if is(&self.prediction) {
            "prediction"
        } else if self.probabilities.iter().any(|c| c == column) {
            "probability"
        } else if is(&self.id) {
            "id"
        } else if is(&self.timestamp) {
            "timestamp"
        } else if is(&self.weight) {
            "weight"
        } else {
            "feature"
        }
    }

    /// Kind overrides from `categorical` and `numeric`.
    pub fn kind_overrides(&self) -> BTreeMap<String, ColumnKind> {
        let mut m = BTreeMap::new();
        for c in &self.categorical {
            m.insert(c.clone(), ColumnKind::Categorical);
        }
        for c in &self.numeric {
            m.insert(c.clone(), ColumnKind::Numeric);
        }
        m
    }
}

fn shorten(cols: &[String]) -> String {
    if cols.len() > 20 {
        format!("{}, ... ({} in all)", cols[..20].join(", "), cols.len())
    } else {
        cols.join(", ")
    }
}

/// Integer columns with at most this many distinct values are treated as categorical.
pub const DEFAULT_CATEGORICAL_MAX_DISTINCT: u64 = 5;

/// Infers numeric vs categorical: strings and booleans are categorical; floats and
/// temporal values numeric; integers numeric unless they hold at most `max_distinct`
/// distinct values (codes such as season 1–4, flags 0/1), as Evidently does for its
/// low-cardinality numeric columns. `override_kind` wins.
pub fn infer_kind(
    data_type: &DataType,
    state: &ColumnState,
    max_distinct: u64,
    override_kind: Option<ColumnKind>,
) -> ColumnKind {
    if let Some(k) = override_kind {
        return k;
    }
    if state.as_text().is_some() {
        return ColumnKind::Categorical;
    }
    let integer = matches!(
        data_type,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    );
    if integer && state.distinct_is_exact() && state.distinct() <= max_distinct {
        ColumnKind::Categorical
    } else {
        ColumnKind::Numeric
    }
}

/// Column names of a schema.
pub fn column_names(schema: &Schema) -> Vec<String> {
    schema.fields().iter().map(|f| f.name().clone()).collect()
}

/// ` (did you mean `NAME`?)` for the name among `candidates` closest to `name` (a few edits
/// away at most), or nothing: for messages about a column that does not exist.
pub fn did_you_mean(name: &str, candidates: &[String]) -> String {
    let most = (name.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| {
            (
                strsim::levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= most)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_column_gets_the_closest_name() {
        let columns: Vec<String> = ["occupation", "age", "native-country"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            did_you_mean("ocupation", &columns),
            " (did you mean `occupation`?)"
        );
        assert_eq!(did_you_mean("agee", &columns), " (did you mean `age`?)");
        assert_eq!(
            did_you_mean("Native-Country", &columns),
            " (did you mean `native-country`?)"
        );
        assert_eq!(did_you_mean("salary", &columns), "");
    }
}
