//! A dataset profile: the mergeable, serializable state of every column.

use serde::{Deserialize, Serialize};

use crate::column_state::ColumnState;
use crate::StatsError;

/// Format marker written in every saved profile.
pub const PROFILE_FORMAT: &str = "assay-profile";
/// Version of the saved-profile layout; bumped on any incompatible change.
///
/// Version 2 keys the distinct values of integer, decimal and temporal columns by their exact
/// integer (`"domain"` of a numeric state); version 1 keyed every number by its `f64` bits.
/// Version-1 files are still read (their numeric states are in the float domain).
///
/// Version 3 keeps the frequent values of a sketched column as a Misra–Gries summary
/// (`"frequent_values"`: counters, maximum error, total; see [`crate::frequent`]) instead of
/// DataSketches' frequent-items bytes (`"frequent"`). Files of versions 1 and 2 are still read:
/// their frequent-items sketches convert with the same bounds.
pub const PROFILE_VERSION: u32 = 3;

/// Largest row count a profile read from outside may claim: 2^53, where `f64` shares are
/// still exact and far beyond any real dataset, so merged counts cannot overflow.
pub const MAX_ROWS: u64 = 1 << 53;

/// Oldest saved-profile version this assay reads.
pub const PROFILE_MIN_VERSION: u32 = 1;

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
    /// Where the profile was computed, when not in one local read: a cluster's partial
    /// profiles merged (absent for a local profile, and in files before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Computed>,
}

/// Where a profile was computed: the engine that ran the partial profiles and how many were
/// merged into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Computed {
    /// `spark`, `ballista`, or `mixed` once profiles from different engines are merged.
    pub engine: String,
    /// Partial profiles (partitions) merged.
    pub partitions: u64,
}

impl Computed {
    /// The engine's name as reports print it (`Spark`).
    pub fn engine_name(&self) -> String {
        match self.engine.as_str() {
            "spark" => "Spark".to_string(),
            "ballista" => "Ballista".to_string(),
            other => other.to_string(),
        }
    }

    /// What a report says about it: "computed on Spark: 16 partial profiles merged".
    pub fn describe(&self) -> String {
        let s = if self.partitions == 1 { "" } else { "s" };
        format!(
            "computed on {}: {} partial profile{s} merged",
            self.engine_name(),
            self.partitions
        )
    }
}

/// The path and message of an error inside the body at `path` (`columns[i].state.body`),
/// found by reading that body again as the state its `type` names.
fn body_error(text: &str, path: &str) -> Option<(String, String)> {
    let index: usize = path
        .strip_prefix("columns[")?
        .strip_suffix("].state.body")?
        .parse()
        .ok()?;
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut body = value
        .get("columns")?
        .get(index)?
        .get("state")?
        .get("body")?
        .clone();
    let kind = body.as_object_mut()?.remove("type")?;
    let failed = |e: serde_path_to_error::Error<serde_json::Error>| {
        (e.path().to_string(), e.inner().to_string())
    };
    match kind.as_str()? {
        "numeric" => serde_path_to_error::deserialize::<_, crate::NumericState>(body)
            .err()
            .map(failed),
        "text" => serde_path_to_error::deserialize::<_, crate::TextState>(body)
            .err()
            .map(failed),
        _ => None,
    }
}

/// A serde path (`columns[2].state.body.moments.mean`) as a user reads it: "column `age`:
/// state.body.moments.mean".
fn describe_path(path: &str, names: &[String]) -> String {
    if let Some(rest) = path.strip_prefix("columns[") {
        if let Some((index, field)) = rest.split_once(']') {
            if let Some(name) = index.parse::<usize>().ok().and_then(|i| names.get(i)) {
                let field = field.trim_start_matches('.');
                return if field.is_empty() {
                    format!("column `{name}`")
                } else {
                    format!("column `{name}`: {field}")
                };
            }
        }
    }
    if path == "." {
        "the profile".to_string()
    } else {
        path.to_string()
    }
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
            computed: None,
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
        let rows = self
            .rows
            .checked_add(other.rows)
            .filter(|r| *r <= MAX_ROWS)
            .ok_or_else(|| {
                StatsError::Incompatible(format!(
                    "the merged profile would count {} + {} rows, more than the largest \
                     supported count, 2^53",
                    self.rows, other.rows
                ))
            })?;
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
            col.state.merge(&theirs.state).map_err(|e| match e {
                StatsError::Incompatible(m) => {
                    StatsError::Incompatible(format!("column `{}`: {m}", col.name))
                }
                other => other,
            })?;
        }
        self.rows = rows;
        for source in &other.sources {
            if !self.sources.contains(source) {
                self.sources.push(source.clone());
            }
        }
        self.computed = match (self.computed.take(), &other.computed) {
            (None, None) => None,
            (mine, theirs) => {
                let partitions = |c: Option<&Computed>| c.map_or(1, |c| c.partitions);
                let engine = match (&mine, theirs) {
                    (Some(a), Some(b)) if a.engine == b.engine => a.engine.clone(),
                    _ => "mixed".to_string(),
                };
                Some(Computed {
                    engine,
                    partitions: partitions(mine.as_ref()) + partitions(theirs.as_ref()),
                })
            }
        };
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
        if !(u64::from(PROFILE_MIN_VERSION)..=u64::from(PROFILE_VERSION)).contains(&version) {
            return Err(StatsError::Format(format!(
                "profile version {version} is not supported (this assay reads versions \
                 {PROFILE_MIN_VERSION} to {PROFILE_VERSION})"
            )));
        }
        let names: Vec<String> = value
            .get("columns")
            .and_then(|c| c.as_array())
            .map(|cols| {
                cols.iter()
                    .map(|c| {
                        c.get("name")
                            .and_then(|n| n.as_str())
                            .unwrap_or("?")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut profile: Profile = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            // A state's body is tagged by its `type`, which hides the path inside it: read the
            // body again as its type to name the field.
            let (path, inner) = match body_error(text, &path) {
                Some((inner_path, inner)) => (format!("{path}.{inner_path}"), inner),
                None => (path, e.inner().to_string()),
            };
            StatsError::Format(format!("{}: {inner}", describe_path(&path, &names)))
        })?;
        profile.validate()?;
        // Read as the current layout from here on (version-1 states are float-keyed, which the
        // current layout still expresses).
        profile.version = PROFILE_VERSION;
        Ok(profile)
    }

    /// Checks a profile read from outside before anything uses it: unique, named columns; every
    /// column counting the profile's rows; kinds that fit the states; each state consistent
    /// ([`ColumnState::validate`]). The message names the column and the field.
    pub fn validate(&self) -> Result<(), StatsError> {
        if self.rows > MAX_ROWS {
            return Err(StatsError::Format(format!(
                "rows ({}) exceed the largest supported count, 2^53 ({MAX_ROWS})",
                self.rows
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.columns {
            let bad =
                |message: String| StatsError::Format(format!("column `{}`: {message}", c.name));
            if c.name.is_empty() {
                return Err(StatsError::Format("a column has an empty name".into()));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(bad("the column appears twice".into()));
            }
            if c.state.rows != self.rows {
                return Err(bad(format!(
                    "rows is {} but the profile has {} rows",
                    c.state.rows, self.rows
                )));
            }
            if c.kind == ColumnKind::Numeric && c.state.as_numeric().is_none() {
                return Err(bad(
                    "kind is numeric but the state holds text values (type \"text\")".into(),
                ));
            }
            c.state.validate().map_err(bad)?;
        }
        Ok(())
    }

    /// Serializes to compact JSON.
    pub fn to_json(&self) -> Result<String, StatsError> {
        serde_json::to_string(self).map_err(|e| StatsError::Format(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn saved() -> Value {
        let mut age = ColumnState::of_numbers(&[Some(30.0), Some(40.0), None, Some(40.0)], 100);
        age.rows = 4;
        let name = ColumnState::of_strings(&[Some("a"), Some("b"), Some("a"), None], 100);
        let p = Profile::new(
            vec!["x.csv".into()],
            4,
            vec![
                ColumnProfile {
                    name: "age".into(),
                    data_type: "Int64".into(),
                    kind: ColumnKind::Numeric,
                    state: age,
                },
                ColumnProfile {
                    name: "name".into(),
                    data_type: "Utf8".into(),
                    kind: ColumnKind::Categorical,
                    state: name,
                },
            ],
        );
        serde_json::from_str(&p.to_json().unwrap()).unwrap()
    }

    fn refused(edit: impl FnOnce(&mut Value), needles: &[&str]) {
        let mut v = saved();
        edit(&mut v);
        let e = Profile::from_json(&v.to_string()).unwrap_err().to_string();
        for n in needles {
            assert!(e.contains(n), "{n:?} not in: {e}");
        }
    }

    #[test]
    fn a_consistent_profile_loads_and_merges() {
        let p = Profile::from_json(&saved().to_string()).unwrap();
        let mut twice = p.clone();
        twice.merge(&p).unwrap();
        assert_eq!(twice.rows, 8);
        assert_eq!(twice.column("age").unwrap().state.non_null(), 6);
    }

    /// Each edit once gave a panic (`rows - nulls` underflow) or a wrong figure (shares near
    /// 1.8e19); each is now an error naming the column and the field.
    #[test]
    fn hand_edited_profiles_are_refused_naming_column_and_field() {
        refused(
            |v| v["columns"][0]["state"]["nulls"] = json!(9),
            &["column `age`", "nulls (9) exceed rows (4)"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["nan"] = json!(5),
            &["column `age`", "non-null values"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["min"] = json!(99),
            &["column `age`", "min (99)"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["moments"]["mean"] = json!(1e300),
            &["column `age`", "moments.mean"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["moments"]["m2"] = json!(-1.0),
            &["column `age`", "moments.m2"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["moments"]["mean"] = Value::Null,
            &[
                "column `age`",
                "state.body.moments.mean",
                "invalid type: null",
            ],
        );
        refused(
            |v| v["columns"][1]["state"]["body"]["values"]["values"][0][1] = json!(7),
            &[
                "column `name`",
                "values: the exact counts add up to 8, expected 3",
            ],
        );
        refused(
            |v| v["columns"][1]["state"]["body"]["values"]["cap"] = json!(1_000_000_000_000u64),
            &["column `name`", "exact cap"],
        );
        refused(
            |v| v["columns"][0]["state"]["rows"] = json!(5),
            &["column `age`", "rows is 5 but the profile has 4 rows"],
        );
        refused(
            |v| v["columns"][1]["name"] = json!("age"),
            &["column `age`", "twice"],
        );
        refused(
            |v| v["version"] = json!(99),
            &["version 99 is not supported"],
        );
        refused(
            |v| {
                v["rows"] = json!(1u64 << 60);
                v["columns"] = json!([]);
            },
            &["2^53"],
        );
        refused(
            |v| v["columns"][0]["state"]["body"]["sketch"] = json!("AAAA"),
            &["column `age`"],
        );
        refused(
            |v| v["columns"][0]["state"]["nulls"] = json!(-1),
            &["column `age`", "state.nulls", "invalid value"],
        );
    }

    #[test]
    fn merged_counts_beyond_2_pow_53_are_refused() {
        let mut big = Profile::new(Vec::new(), MAX_ROWS, Vec::new());
        let e = big.clone().merge(&big).unwrap_err().to_string();
        assert!(e.contains("2^53"), "{e}");
        big.rows = MAX_ROWS - 1;
        let mut one = Profile::new(Vec::new(), 1, Vec::new());
        one.merge(&big).unwrap();
        assert_eq!(one.rows, MAX_ROWS);
    }
    #[test]
    fn merging_counts_the_partial_profiles_and_names_the_engine() {
        let local = Profile::from_json(&saved().to_string()).unwrap();
        assert_eq!(local.computed, None);
        assert!(!local.to_json().unwrap().contains("computed"));
        let mut both_local = local.clone();
        both_local.merge(&local).unwrap();
        assert_eq!(both_local.computed, None);
        assert_eq!(both_local.sources, vec!["x.csv".to_string()]);

        let spark = |partitions| Computed {
            engine: "spark".into(),
            partitions,
        };
        let mut a = local.clone();
        a.computed = Some(spark(1));
        let mut b = local.clone();
        b.computed = Some(spark(3));
        b.sources = vec!["y.csv".into()];
        a.merge(&b).unwrap();
        assert_eq!(a.computed, Some(spark(4)));
        assert_eq!(a.sources, vec!["x.csv".to_string(), "y.csv".to_string()]);
        let again = Profile::from_json(&a.to_json().unwrap()).unwrap();
        assert_eq!(again.computed, Some(spark(4)));
        assert_eq!(
            spark(4).describe(),
            "computed on Spark: 4 partial profiles merged"
        );

        let mut mixed = local.clone();
        mixed.merge(&a).unwrap();
        assert_eq!(
            mixed.computed,
            Some(Computed {
                engine: "mixed".into(),
                partitions: 5
            })
        );
    }
}
