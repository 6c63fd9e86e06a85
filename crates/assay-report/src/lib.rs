//! The one Report every front end produces and every renderer formats.
//!
//! Its JSON form is a contract: `schema_version`, `summary`, `results` (each with `id`,
//! `column`, `status`, `value`, `threshold`, `details`) are stable. Fields are only ever added;
//! a change of meaning bumps [`REPORT_SCHEMA_VERSION`].
//!
//! This crate holds the contract only (serde, nothing heavy); the renderers (terminal, JSON,
//! JUnit, Markdown, HTML) are in `assay-render`.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use assay_stats::Histogram;

pub mod details;

/// Version of the report's JSON layout.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Verdict of one check result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The condition held.
    Pass,
    /// A warn-severity condition did not hold.
    Warn,
    /// A fail-severity condition did not hold.
    Fail,
    /// The check could not compute its value (bad column type, exception...).
    Error,
    /// Not applicable (for example no reference was given).
    Skipped,
}

impl Status {
    /// Lower-case name as serialized.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }

    /// Ordering for "worst first" listings: fail, error, warn, skipped, pass.
    pub fn severity_rank(&self) -> u8 {
        match self {
            Status::Fail => 0,
            Status::Error => 1,
            Status::Warn => 2,
            Status::Skipped => 3,
            Status::Pass => 4,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Result of one check on one column (or on the dataset when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable check id, dotted snake_case (`integrity.null_share`).
    pub id: String,
    /// Column the result is about; `None` (JSON null) for dataset-level results.
    pub column: Option<String>,
    /// Verdict.
    pub status: Status,
    /// The measured value (a share, a count...), or null when none could be computed.
    pub value: Option<f64>,
    /// The resolved bound the value was compared with, or null.
    pub threshold: Option<f64>,
    /// Human-readable condition, e.g. `value <= 0.0543 (reference × 1.1 + 0.01)`.
    pub condition: Option<String>,
    /// Severity of the condition: `warn` or `fail`.
    pub severity: String,
    /// One-line explanation of the outcome.
    pub message: String,
    /// Named figures behind the value (counts, reference value, examples...).
    pub details: Map<String, Value>,
}

impl CheckResult {
    /// Display name: `id[column]`, or `id` for a dataset-level result.
    pub fn display_name(&self) -> String {
        match &self.column {
            Some(c) => format!("{}[{}]", self.id, c),
            None => self.id.clone(),
        }
    }

    /// The details read as a family's typed struct (see [`details`]), or `None` when they do
    /// not have its shape (a result of another family, an error result without figures).
    pub fn details_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(Value::Object(self.details.clone())).ok()
    }

    /// The check family: the part of the id before the first dot (`integrity` for
    /// `integrity.null_share`), or the whole id when it has no dot.
    pub fn family(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }
}

/// Counts of results per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Results that passed.
    pub passed: usize,
    /// Results that warned.
    pub warned: usize,
    /// Results that failed.
    pub failed: usize,
    /// Results that errored.
    pub errors: usize,
    /// Results that were skipped.
    pub skipped: usize,
    /// All results.
    pub total: usize,
}

impl Summary {
    /// Counts the statuses of `results`.
    pub fn of(results: &[CheckResult]) -> Summary {
        let mut s = Summary {
            total: results.len(),
            ..Summary::default()
        };
        for r in results {
            match r.status {
                Status::Pass => s.passed += 1,
                Status::Warn => s.warned += 1,
                Status::Fail => s.failed += 1,
                Status::Error => s.errors += 1,
                Status::Skipped => s.skipped += 1,
            }
        }
        s
    }

    /// One word for the whole run: `FAILED` when anything failed or errored, `WARNINGS` when
    /// something warned, else `PASSED`.
    pub fn verdict_word(&self) -> &'static str {
        if self.failed > 0 || self.errors > 0 {
            "FAILED"
        } else if self.warned > 0 {
            "WARNINGS"
        } else {
            "PASSED"
        }
    }

    /// The status that sums the run up: fail (failures or errors), warn, else pass.
    pub fn overall_status(&self) -> Status {
        if self.failed > 0 || self.errors > 0 {
            Status::Fail
        } else if self.warned > 0 {
            Status::Warn
        } else {
            Status::Pass
        }
    }
}

/// What was read for one side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// Paths or URLs as given.
    pub sources: Vec<String>,
    /// Rows read (or summarized by the profile).
    pub rows: u64,
    /// Columns.
    pub columns: usize,
    /// True when this side came from a saved profile rather than raw data.
    pub from_profile: bool,
    /// How many times the raw data was read to make the report: 1 when every check was served
    /// by the one planned read, 0 for a saved profile (absent in reports before it existed).
    #[serde(default)]
    pub reads: u64,
    /// Where this side's profile was computed when not locally (a Spark or Ballista cluster's
    /// partial profiles merged); absent for a local read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<assay_stats::Computed>,
}

/// A column's distribution on each side, for charts (no raw rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDistribution {
    /// Column name.
    pub column: String,
    /// `numeric` or `categorical`.
    pub kind: String,
    /// Reference distribution, when there is a reference.
    pub reference: Option<Histogram>,
    /// Current distribution (on the same bins as the reference).
    pub current: Option<Histogram>,
}

/// The outcome of a run: what was read, every result, and the distributions to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Version of assay that produced the report.
    pub assay_version: String,
    /// Suite name (or the command that produced the report).
    pub suite: String,
    /// The current dataset.
    pub current: DatasetInfo,
    /// The reference dataset, when one was given.
    pub reference: Option<DatasetInfo>,
    /// Counts per status.
    pub summary: Summary,
    /// All results, in suite order.
    pub results: Vec<CheckResult>,
    /// Per-column distributions for charts.
    pub distributions: Vec<ColumnDistribution>,
}

impl Report {
    /// Exit code under DESIGN.md's rules: 1 when anything failed or errored (or warned, when
    /// `strict`), else 0.
    pub fn exit_code(&self, strict: bool) -> i32 {
        let s = &self.summary;
        if s.failed > 0 || s.errors > 0 || (strict && s.warned > 0) {
            1
        } else {
            0
        }
    }
}
