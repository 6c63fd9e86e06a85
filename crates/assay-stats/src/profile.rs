//! A dataset profile: the mergeable, serializable state of every column.

use serde::{Deserialize, Serialize};

use crate::column_state::ColumnState;
use crate::StatsError;

/// Format marker written in every saved profile.
pub const PROFILE_FORMAT: &str = "assay-profile";
/// Version of the saved-profile layout; bumped on any incompatible change.
pub const PROFILE_VERSION: u32 = 1;

/// Whether a column is treated as numeric or categorical by the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Ordered numbers: ranges, quantiles, histograms with bins.
    Numeric,
    /// Labels: category sets, frequencies.
    Categorical,
}

impl std::fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
        })
    }
}

/// The profile of one column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Source data type (Arrow's display form, e.g. `Int64`, `Utf8`).
    pub data_type: String,
    /// Numeric or categorical, as inferred or overridden.
    pub kind: ColumnKind,
    /// The mergeable statistics.
    pub state: ColumnState,
}

/// The profile of a dataset: one state per column, mergeable across partitions and files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profile {
    /// Always [`PROFILE_FORMAT`].
    pub format: String,
    /// Layout version, [`PROFILE_VERSION`].
    pub version: u32,
    /// Where the data came from (paths or URLs), for reports.
    pub sources: Vec<String>,
    /// Total rows.
    pub rows: u64,
    /// Column profiles, in source order.
    pub columns: Vec<ColumnProfile>,
}

impl Profile {
    /// A profile over `sources` with the given columns.
    pub fn new(sources: Vec<String>, rows: u64, columns: Vec<ColumnProfile>) -> Self {
        Self {
            format: PROFILE_FORMAT.to_string(),
            version: PROFILE_VERSION,
            sources,
            rows,
            columns,
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Merges the profile of another part of the same dataset: same columns with the same
    /// types, in any order.
    pub fn merge(&mut self, other: &Profile) -> Result<(), StatsError> {
        if self.columns.len() != other.columns.len() {
            return Err(StatsError::Incompatible(format!(
                "profiles have different columns: {} vs {}",
                self.columns.len(),
                other.columns.len()
            )));
        }
        for col in &mut self.columns {
            let theirs = other.column(&col.name).ok_or_else(|| {
                StatsError::Incompatible(format!(
                    "column `{}` is missing from the other profile",
                    col.name
                ))
            })?;
            if theirs.data_type != col.data_type {
                return Err(StatsError::Incompatible(format!(
                    "column `{}` is {} in one profile and {} in the other",
                    col.name, col.data_type, theirs.data_type
                )));
            }
            col.state.merge(&theirs.state)?;
        }
        self.rows += other.rows;
        self.sources.extend(other.sources.iter().cloned());
        Ok(())
    }

    /// Reads a saved profile from JSON text, checking format and version.
    pub fn from_json(text: &str) -> Result<Profile, StatsError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| StatsError::Format(e.to_string()))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(PROFILE_FORMAT) => {}
            _ => {
                return Err(StatsError::Format(format!(
                    "not an assay profile (expected \"format\": \"{PROFILE_FORMAT}\")"
                )))
            }
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != u64::from(PROFILE_VERSION) {
            return Err(StatsError::Format(format!(
                "profile version {version} is not supported (this assay reads version {PROFILE_VERSION})"
            )));
        }
        serde_json::from_value(value).map_err(|e| StatsError::Format(e.to_string()))
    }

    /// Serializes to compact JSON.
    pub fn to_json(&self) -> Result<String, StatsError> {
        serde_json::to_string(self).map_err(|e| StatsError::Format(e.to_string()))
    }
}
