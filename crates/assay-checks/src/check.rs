//! The [`Check`] trait: a check measures values; conditions (applied by the runner) decide.

use std::any::Any;

use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use serde_json::{Map, Value};

use assay_engine::{Dataset, Roles};

use crate::condition::Condition;

/// Which dataset a row pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The data under test.
    Current,
    /// The baseline.
    Reference,
}

/// Documentation of a check, printed by `assay explain ID`, in fixed sections.
#[derive(Debug, Clone, Copy)]
pub struct CheckDoc {
    /// One-line summary.
    pub summary: &'static str,
    /// What value is computed, precisely.
    pub computes: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// Parameters (`params:` keys) and their defaults.
    pub parameters: &'static str,
    /// Default condition(s).
    pub default_condition: &'static str,
    /// Exactness: when it is exact and when estimated (and with what bound).
    pub exactness: &'static str,
    /// Reference implementations / literature.
    pub references: &'static str,
}

/// Everything a check may read: the two datasets' profiles (and sources, through
/// accumulators), roles, and its configuration.
pub struct Inputs<'a> {
    /// The data under test.
    pub current: &'a Dataset,
    /// The baseline, if any.
    pub reference: Option<&'a Dataset>,
    /// Column roles.
    pub roles: &'a Roles,
    /// Columns the suite entry restricts the check to (`None`: the check's default set).
    pub columns: Option<&'a [String]>,
    /// The entry's `params:`.
    pub params: &'a Map<String, Value>,
    /// The condition the runner applies (the entry's or the check's default).
    pub condition: &'a Condition,
    /// Whether the suite entry gave the condition explicitly.
    pub condition_is_explicit: bool,
    /// Model evaluation data, when a check of the suite needs it.
    pub evaluation: Option<&'a crate::evaluation::EvalContext>,
    /// Model validation data (cross-validation, analysed model, benchmarks), when a check
    /// of the suite needs it.
    pub validation: Option<&'a crate::validation::ValidationContext>,
    /// Rows of the current data kept in order from its read for the checks that declared them
    /// ([`Check::kept_rows_need`]), while their row passes are planned; `None` otherwise.
    pub kept_rows: Option<&'a assay_engine::ordered::KeptRows>,
}

impl Inputs<'_> {
    /// Columns to run on: the entry's `columns:` or, by default, the current dataset's
    /// features (non-role columns) that pass `keep`.
    pub fn target_columns(
        &self,
        keep: impl Fn(&assay_stats::ColumnProfile) -> bool,
    ) -> Vec<String> {
        match self.columns {
            Some(c) => c.to_vec(),
            None => {
                let all = self.current.columns();
                let features = self.roles.features_of(&all);
                self.current
                    .profile
                    .columns
                    .iter()
                    .filter(|c| features.contains(&c.name) && keep(c))
                    .map(|c| c.name.clone())
                    .collect()
            }
        }
    }

    /// [`Params::f64`] of the entry's `params:`.
    pub fn param_f64(&self, key: &str) -> Result<Option<f64>, String> {
        Params(self.params).f64(key)
    }

    /// [`Params::in_range`] of the entry's `params:`.
    pub fn param_in_range(&self, check: &str, key: &str, default: f64) -> Result<f64, String> {
        Params(self.params).in_range(check, key, default)
    }

    /// [`Params::count`] of the entry's `params:`.
    pub fn param_count(&self, check: &str, key: &str, default: usize) -> Result<usize, String> {
        Params(self.params).count(check, key, default)
    }

    /// [`Params::non_negative`] of the entry's `params:`.
    pub fn param_non_negative(&self, key: &str) -> Result<Option<f64>, String> {
        Params(self.params).non_negative(key)
    }

    /// [`Params::seed`] of the entry's `params:`.
    pub fn param_seed(&self, key: &str) -> Result<Option<u64>, String> {
        Params(self.params).seed(key)
    }

    /// [`Params::str`] of the entry's `params:`.
    pub fn param_str(&self, key: &str) -> Result<Option<String>, String> {
        Params(self.params).str(key)
    }

    /// [`Params::bool`] of the entry's `params:`.
    pub fn param_bool(&self, key: &str) -> Result<Option<bool>, String> {
        Params(self.params).bool(key)
    }

    /// [`Params::strings`] of the entry's `params:`.
    pub fn param_strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        Params(self.params).strings(key)
    }
}

/// A suite entry's `params:`, read with the type checks every check applies (a key given as
/// null is an error: YAML `.nan`, `.inf` and `~` all read as null, and none means "default").
#[derive(Debug, Clone, Copy)]
pub struct Params<'a>(pub &'a Map<String, Value>);

impl Params<'_> {
    /// The raw value of a key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// A numeric parameter (`None` when absent). A key given as null is an error: YAML
    /// `.nan`, `.inf` and `~` (TOML `nan`, `inf`) all read as null, and none means "default".
    pub fn f64(&self, key: &str) -> Result<Option<f64>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Null) => Err(format!(
                "params.{key} must be a number (NaN, infinity and null are not allowed)"
            )),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("params.{key} must be a number, got {v}")),
        }
    }

    /// A numeric parameter with a default, in the range [`crate::limits`] gives for
    /// `params.KEY` of check `check`.
    pub fn in_range(&self, check: &str, key: &str, default: f64) -> Result<f64, String> {
        let v = self.f64(key)?.unwrap_or(default);
        crate::limits::check_param(check, key, v)?;
        Ok(v)
    }

    /// A whole-number parameter with a default, in the range [`crate::limits`] gives for
    /// `params.KEY` of check `check` (which must have one).
    pub fn count(&self, check: &str, key: &str, default: usize) -> Result<usize, String> {
        if crate::limits::find_for(check, key).is_none() {
            return Err(format!(
                "internal: no limit is defined for params.{key} of {check}"
            ));
        }
        match self.f64(key)? {
            None => Ok(default),
            Some(v) => {
                crate::limits::check_param(check, key, v)?;
                Ok(v as usize)
            }
        }
    }

    /// A numeric parameter that must be at least 0 (a tolerance, a gap).
    pub fn non_negative(&self, key: &str) -> Result<Option<f64>, String> {
        match self.f64(key)? {
            Some(v) if v < 0.0 => Err(format!("params.{key} must be at least 0, got {v}")),
            other => Ok(other),
        }
    }

    /// A seed: a whole number from 0 to 2^64 - 1 (read exactly, not through a float).
    pub fn seed(&self, key: &str) -> Result<Option<u64>, String> {
        let Some(v) = self.0.get(key) else {
            return Ok(None);
        };
        if let Some(seed) = v.as_u64() {
            return Ok(Some(seed));
        }
        // A float with no fraction (`3.0`) is taken while it is exact.
        match v.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&f) => {
                Ok(Some(f as u64))
            }
            _ => Err(format!(
                "params.{key} must be a whole number from 0 to {}, got {v}",
                u64::MAX
            )),
        }
    }

    /// A string parameter (a key given as null is an error).
    pub fn str(&self, key: &str) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(format!("params.{key} must be a string, got {v}")),
        }
    }

    /// A boolean parameter (a key given as null is an error).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(format!("params.{key} must be true or false, got {v}")),
        }
    }

    /// A list-of-strings parameter (a key given as null is an error).
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Ok(other.to_string()),
                })
                .collect::<Result<Vec<_>, String>>()
                .map(Some),
            Some(v) => Err(format!("params.{key} must be a list, got {v}")),
        }
    }
}

/// What a check may read when it plans its taps ([`Check::taps`]), before the current data
/// is read: the sources' columns and types, the reference's profile when the check reads after
/// it, roles and configuration.
pub struct TapInputs<'a> {
    /// Columns and Arrow types of the current data; `None` when it is a saved profile.
    pub current: Option<&'a SchemaRef>,
    /// Columns and Arrow types of the reference when it is raw data.
    pub reference_schema: Option<&'a SchemaRef>,
    /// The reference, profiled: set only for checks that [`Check::taps_after_reference`].
    pub reference: Option<&'a Dataset>,
    /// Whether the suite has a reference at all (raw data or a saved profile).
    pub has_reference: bool,
    /// Column roles.
    pub roles: &'a Roles,
    /// Columns the suite entry restricts the check to.
    pub columns: Option<&'a [String]>,
    /// The entry's `params:`.
    pub params: Params<'a>,
}

impl TapInputs<'_> {
    /// Columns to run on: the entry's `columns:` or, by default, the current data's features
    /// (non-role columns) whose Arrow type passes `keep`. Empty for a saved profile.
    pub fn target_columns(&self, keep: impl Fn(&DataType) -> bool) -> Vec<String> {
        let Some(schema) = self.current else {
            return Vec::new();
        };
        match self.columns {
            Some(c) => c.to_vec(),
            None => {
                let all: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
                let features = self.roles.features_of(&all);
                schema
                    .fields()
                    .iter()
                    .filter(|f| features.contains(f.name()) && keep(f.data_type()))
                    .map(|f| f.name().clone())
                    .collect()
            }
        }
    }

    /// Every column of the current data (empty for a saved profile).
    pub fn current_columns(&self) -> Vec<String> {
        self.current
            .map(|s| s.fields().iter().map(|f| f.name().clone()).collect())
            .unwrap_or_default()
    }
}

/// A raw-data accumulator: fed the batches of one row pass, then handed back to its check.
pub trait RowAccumulator: Send {
    /// Columns it reads.
    fn columns(&self) -> Vec<String>;
    /// Consumes one batch (containing at least [`RowAccumulator::columns`], by name).
    fn update(&mut self, batch: &RecordBatch) -> Result<(), String>;
    /// The accumulator as `Any`, for the check to downcast its own type.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
    /// Scan group: accumulators of one group (and side) share one scan; groups are scanned in
    /// ascending order, the reference side first. Checks that hold raw values split their
    /// columns into groups so that only one group's values are in memory at a time.
    fn scan_group(&self) -> usize {
        0
    }
    /// Called once its scan has ended, before the next group is scanned: the place to reduce
    /// raw values to the figures the check needs.
    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// An empty copy for another partition of a profiling read it rides on (see
    /// [`Check::taps`]). `None`: it cannot be split, and so cannot be a tap.
    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        None
    }
    /// Adds a copy made by [`RowAccumulator::fork`] (fed other rows) into this one. The result
    /// must not depend on which rows went to which copy, nor on the order of merges.
    fn merge(&mut self, _other: Box<dyn Any>) -> Result<(), String> {
        Err("internal: this accumulator cannot be merged".into())
    }
}

/// A planned row pass: which side, and the accumulator to feed.
pub struct RowPass {
    /// The dataset to read.
    pub side: Side,
    /// The accumulator.
    pub accumulator: Box<dyn RowAccumulator>,
}

/// What a check measured on one column (or the dataset), before any verdict.
#[derive(Debug, Clone, Default)]
pub struct Measurement {
    /// Column, or `None` for dataset-level values.
    pub column: Option<String>,
    /// The value the condition is applied to.
    pub value: Option<f64>,
    /// The same figure on the reference, for relative conditions.
    pub reference_value: Option<f64>,
    /// Named figures.
    pub details: Map<String, Value>,
    /// What the value means, e.g. "5.64% of values are null".
    pub message: String,
    /// Set when the check does not apply (status `skipped`).
    pub skipped: Option<String>,
    /// Set when the value could not be computed (status `error`).
    pub error: Option<String>,
    /// A condition for this measurement alone, replacing the entry's (for example the
    /// dataset-level row of a per-column check).
    pub condition: Option<Condition>,
    /// Set when the condition fails but the check judges the failure immaterial (for example
    /// a significant drift whose effect size is below the configured minimum): the result
    /// passes and the reason is appended to its message.
    pub immaterial: Option<String>,
    /// Set when the check judges the value failed whatever the condition says (for example a
    /// column whose values did not drift but whose null share did): the result fails (or
    /// warns) and the reason is appended to its message.
    pub failed_anyway: Option<String>,
}

impl Measurement {
    /// A measured value for a column.
    pub fn value(column: Option<&str>, value: f64, message: impl Into<String>) -> Self {
        Self {
            column: column.map(str::to_string),
            value: Some(value),
            message: message.into(),
            ..Self::default()
        }
    }

    /// A skipped result.
    pub fn skipped(column: Option<&str>, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            column: column.map(str::to_string),
            message: reason.clone(),
            skipped: Some(reason),
            ..Self::default()
        }
    }

    /// An error result.
    pub fn error(column: Option<&str>, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            column: column.map(str::to_string),
            message: reason.clone(),
            error: Some(reason),
            ..Self::default()
        }
    }

    /// Sets the reference value.
    pub fn with_reference(mut self, r: Option<f64>) -> Self {
        self.reference_value = r;
        self
    }

    /// Adds the fields of a family's typed details ([`assay_report::details`]).
    pub fn with_details(mut self, details: &impl serde::Serialize) -> Self {
        self.details.extend(assay_report::details::to_map(details));
        self
    }

    /// Adds one named figure.
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// A check of the catalogue.
pub trait Check: Send + Sync {
    /// Stable dotted id (`integrity.null_share`).
    fn id(&self) -> &'static str;
    /// Its documentation.
    fn doc(&self) -> CheckDoc;
    /// The condition used when the suite gives none.
    fn default_condition(&self, has_reference: bool) -> Condition;
    /// Parameters this check accepts (validated when the suite is loaded).
    fn known_params(&self) -> &'static [&'static str] {
        &[]
    }
    /// True when the check evaluates a model (it reads [`Inputs::evaluation`]).
    fn needs_evaluation(&self) -> bool {
        false
    }
    /// What it needs prepared by model validation (cross-validation, the analysed model,
    /// benchmarks), given its suite entry.
    fn validation_needs(
        &self,
        _suite: &crate::suite::Suite,
        _entry: &crate::suite::CheckEntry,
    ) -> crate::validation::ValidationNeeds {
        crate::validation::ValidationNeeds::default()
    }
    /// Declares, before any data is read, which numeric columns' raw finite values the check
    /// wants kept from the profiling read (exact drift tests), so that it needs no read of its
    /// own. `None`: it wants none.
    fn raw_numeric_need(
        &self,
        _entry: &crate::suite::CheckEntry,
        _roles: &assay_engine::Roles,
    ) -> Option<assay_engine::capture::CaptureSpec> {
        None
    }
    /// Numeric values of the current data alone it wants kept from the profiling read
    /// (`has_reference`: the suite names a reference), for a check whose bounds come from the
    /// current data itself, known only once it is read (default: none). Kept as
    /// [`Check::raw_numeric_need`]'s are (spilled to a temporary file past the memory budget),
    /// they spare a second read.
    fn current_values_need(
        &self,
        _entry: &crate::suite::CheckEntry,
        _roles: &assay_engine::Roles,
        _has_reference: bool,
    ) -> Option<assay_engine::capture::CaptureSpec> {
        None
    }
    /// Numeric values of the reference alone it wants kept from the reference's read (when the
    /// reference is raw data), for figures that must come from the reference's exact values
    /// (default: none). Kept as [`Check::raw_numeric_need`]'s are.
    fn reference_values_need(
        &self,
        _entry: &crate::suite::CheckEntry,
        _roles: &assay_engine::Roles,
    ) -> Option<assay_engine::capture::CaptureSpec> {
        None
    }
    /// Row work done during the profiling reads themselves ("taps"), planned before the
    /// current data is read: `Some(passes)` are the check's row passes (each accumulator must
    /// [`RowAccumulator::fork`]), handed to [`Check::measure`] in order, and
    /// [`Check::row_passes`] is then not asked; `None` (the default): the check plans its row
    /// passes after the reads, and each is a read of its own.
    fn taps(&self, _inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        Ok(None)
    }
    /// True when [`Check::taps`] needs the reference already profiled (bounds taken from the
    /// reference): the runner then reads the reference before the current data, not beside it.
    fn taps_after_reference(&self) -> bool {
        false
    }
    /// Columns of the current data whose rows its [`Check::row_passes`] read, declared before
    /// the data is read (`inputs.reference` is `None` here): the profiling read keeps those
    /// rows in order ([`assay_engine::ProfileOptions::keep_rows`], in memory up to
    /// `options.rows_memory_mib`, the rest in a temporary file) and the passes are fed from
    /// them, so they read nothing again. `None` (the default): its passes, if any, scan the
    /// data themselves.
    fn kept_rows_need(&self, _inputs: &TapInputs) -> Option<Vec<String>> {
        None
    }
    /// Row passes it needs over raw data (default: none; the profiles suffice).
    fn row_passes(&self, _inputs: &Inputs) -> Result<Vec<RowPass>, String> {
        Ok(Vec::new())
    }
    /// Measures, given the finished accumulators of its row passes, in order.
    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String>;
}

/// Downcasts a finished accumulator back to the check's own type.
pub fn downcast<T: 'static>(b: Box<dyn Any>) -> Result<T, String> {
    b.downcast::<T>()
        .map(|b| *b)
        .map_err(|_| "internal: a row pass returned an unexpected type".to_string())
}

/// Formats a share as a percentage with sensible precision.
pub fn pct(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 {
        "0%".into()
    } else if p.abs() < 0.01 {
        format!("{p:.4}%")
    } else {
        format!("{p:.2}%")
    }
}
