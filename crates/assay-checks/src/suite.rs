//! Declarative suites: YAML (or the same structure as TOML or JSON) naming the data, the roles
//! and the checks with their conditions.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use assay_engine::{CsvSettings, DataFormat, Roles, SourceSpec};

use crate::catalogue;
use crate::condition::Condition;
pub use crate::sections::{
    DataSide, InputDistribution, PerformanceSection, SensitivitySection, ValidationSection,
};

/// Severity of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A failed condition is a warning (exit 0 unless `--strict`).
    Warn,
    /// A failed condition fails the run (exit 1).
    #[default]
    Fail,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        }
    }
}

/// One path or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Paths {
    /// A single path, directory, glob or URL.
    One(String),
    /// Several, of the same format.
    Many(Vec<String>),
}

impl Paths {
    /// As a list.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Paths::One(p) => vec![p.clone()],
            Paths::Many(v) => v.clone(),
        }
    }
}

/// The `data:` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSection {
    /// The data under test (or a saved profile).
    pub current: Paths,
    /// The baseline (or a saved profile).
    #[serde(default)]
    pub reference: Option<Paths>,
    /// Format, when the extension does not tell.
    #[serde(default)]
    pub format: Option<String>,
    /// CSV options.
    #[serde(default)]
    pub csv: CsvSettings,
}

/// Profiling options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuiteOptions {
    /// Distinct values kept exactly per column (default 10000).
    pub exact_distinct_cap: usize,
    /// Integer columns with at most this many distinct values are categorical (default 5).
    pub categorical_max_distinct: u64,
    /// Histogram bins in reports (default 20).
    pub histogram_bins: usize,
    /// MiB of the rows a read keeps in order (for model evaluation, validation and row checks
    /// such as `leakage.single_feature`) held in memory; the rest is written to a temporary
    /// file and read back in order (default 1024).
    pub rows_memory_mib: usize,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        Self {
            exact_distinct_cap: assay_stats::value_counter::DEFAULT_EXACT_CAP,
            categorical_max_distinct: assay_engine::roles::DEFAULT_CATEGORICAL_MAX_DISTINCT,
            histogram_bins: 20,
            rows_memory_mib: assay_engine::profiler::DEFAULT_KEEP_ROWS_MEMORY_BYTES >> 20,
        }
    }
}

/// The `evaluation:` section: where predictions come from and how metrics are computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvaluationSection {
    /// ONNX model run on the current data (else predictions come from `roles.prediction` /
    /// `roles.probabilities`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// ONNX model of the baseline, run on the same rows (else `roles.baseline_prediction` /
    /// `roles.baseline_probabilities`, if any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_model: Option<String>,
    /// Feature columns, in input order, for a model whose single input is a `[N, F]` matrix
    /// (default: the model's `assay.features` metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// `classification` or `regression` (default: from the model, else from the columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The positive class of a binary task (default: the second class in sorted order, as
    /// scikit-learn).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_class: Option<String>,
    /// Classes of the `roles.probabilities` columns, in column order (default: the sorted
    /// classes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Decision threshold on the positive class's probability when labels are derived from
    /// probabilities (label = positive when p >= threshold).
    pub threshold: f64,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// Bootstrap resamples per interval (0: analytic intervals only).
    pub bootstrap_rounds: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Named slices: SQL boolean expressions over the data's columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slices: Vec<String>,
    /// Slices and segment values with fewer rows are reported as skipped.
    pub min_slice_size: u64,
    /// Protected groups with fewer rows are left out of fairness gaps.
    pub min_group_size: u64,
}

impl Default for EvaluationSection {
    fn default() -> Self {
        Self {
            model: None,
            baseline_model: None,
            features: None,
            task: None,
            positive_class: None,
            classes: None,
            threshold: 0.5,
            confidence: 0.95,
            bootstrap_rounds: 1000,
            seed: 0,
            slices: Vec::new(),
            min_slice_size: 30,
            min_group_size: 30,
        }
    }
}

/// One entry of `checks:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckEntry {
    /// Check id from the catalogue.
    pub check: String,
    /// Columns to run on (default: the check's natural set, usually every feature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// Check-specific parameters.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    /// Condition, e.g. `<= 0.05` or `<= reference * 1.1 + 0.01` (default: the check's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `warn` or `fail` (default `fail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

/// A suite file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Name shown in reports.
    #[serde(default)]
    pub name: Option<String>,
    /// What to read.
    pub data: DataSection,
    /// Column roles.
    #[serde(default)]
    pub roles: Roles,
    /// Profiling options.
    #[serde(default)]
    pub options: SuiteOptions,
    /// Model evaluation settings (models to run, positive class, intervals, slices).
    #[serde(default)]
    pub evaluation: EvaluationSection,
    /// Cross-validation settings (splitter, learner or external trainer, metrics).
    #[serde(default)]
    pub validation: ValidationSection,
    /// Sensitivity analysis settings (model, input distributions, designs).
    #[serde(default)]
    pub sensitivity: SensitivitySection,
    /// Inference benchmark settings (model, baseline, batch sizes).
    #[serde(default)]
    pub performance: PerformanceSection,
    /// Checks to run, in order.
    pub checks: Vec<CheckEntry>,
}

/// A suite that failed to load: the message names the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(": line {l}")).unwrap_or_default())]
pub struct SuiteError {
    /// Suite file.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What was wrong.
    pub message: String,
}

/// A loaded, validated suite with the directory its relative paths are resolved against.
#[derive(Debug, Clone)]
pub struct LoadedSuite {
    /// The suite.
    pub suite: Suite,
    /// Source text (to find lines for later errors).
    pub text: String,
    /// Suite file path.
    pub path: String,
    /// Directory of the suite file.
    pub base_dir: PathBuf,
}

/// Keeps parser messages short: a value quoted in full (a whole file read as one string) is cut.
fn shorten_message(msg: &str) -> String {
    if msg.chars().count() <= 300 {
        return msg.to_string();
    }
    let head: String = msg.chars().take(200).collect();
    format!("{head}… (message shortened)")
}

/// 1-based line of the first line containing all `needles`.
pub fn line_of(text: &str, needles: &[&str]) -> Option<usize> {
    text.lines()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .map(|i| i + 1)
}

impl LoadedSuite {
    /// Reads and validates a suite file (`.yaml`/`.yml`, `.toml` or `.json`).
    pub fn load(path: &str) -> Result<LoadedSuite, SuiteError> {
        let text = std::fs::read_to_string(path).map_err(|e| SuiteError {
            path: path.to_string(),
            line: None,
            message: format!("cannot read the suite: {e}"),
        })?;
        Self::from_text(path, &text)
    }

    /// Parses and validates a suite's text; `path` names it in errors, tells the format by its
    /// extension and is the base of relative paths.
    pub fn from_text(path: &str, text: &str) -> Result<LoadedSuite, SuiteError> {
        let err = |line: Option<usize>, message: String| SuiteError {
            path: path.to_string(),
            line,
            message,
        };
        // The 1-based line of a byte offset (offsets past the end name the last line).
        let line_at = |offset: usize| {
            let bytes = text.as_bytes();
            bytes[..offset.min(bytes.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        };
        if text.trim().is_empty() {
            return Err(err(
                None,
                "the suite file is empty (expected `data:` and `checks:`)".into(),
            ));
        }
        let lower = path.to_ascii_lowercase();
        if ![".yaml", ".yml", ".toml", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return Err(err(
                None,
                "not a suite file: expected a .yaml, .yml, .toml or .json suite (to profile data, use `assay profile`)".into(),
            ));
        }
        let suite: Suite = if lower.ends_with(".toml") {
            toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_at(s.start));
                err(line, e.message().to_string())
            })?
        } else if lower.ends_with(".json") {
            serde_json::from_str(text)
                .map_err(|e| err(Some(e.line()), shorten_message(&e.to_string())))?
        } else {
            serde_norway::from_str(text).map_err(|e| {
                // The scanner's line is wrong for some errors (a NUL byte); its byte index is not.
                let msg = e.to_string();
                // Scanner errors name a byte position in the message ("… at position 22")
                // and report line 1: the position tells the line.
                let position = msg
                    .split(" at position ")
                    .nth(1)
                    .and_then(|p| p.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|p| p.parse::<usize>().ok());
                let line = match (position, e.location()) {
                    (Some(p), _) => Some(line_at(p)),
                    (None, Some(l)) if l.index() > 0 => Some(line_at(l.index())),
                    (None, l) => l.map(|l| l.line()),
                };
                // serde_norway appends " at line L column C"; keep the message short.
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                err(line, shorten_message(&msg))
            })?
        };
        let base_dir = Path::new(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let loaded = LoadedSuite {
            suite,
            text: text.to_string(),
            path: path.to_string(),
            base_dir,
        };
        loaded.validate()?;
        Ok(loaded)
    }

    /// A suite built in memory (for commands that run checks without a suite file): it has no
    /// text, so its errors name no line; relative paths are resolved against the working
    /// directory.
    pub fn from_suite(suite: Suite, label: &str) -> Result<LoadedSuite, SuiteError> {
        let loaded = LoadedSuite {
            suite,
            text: String::new(),
            path: label.to_string(),
            base_dir: PathBuf::new(),
        };
        loaded.validate()?;
        Ok(loaded)
    }

    /// An error about the suite, located at the first line containing `needles`.
    pub fn error_at(&self, needles: &[&str], message: String) -> SuiteError {
        SuiteError {
            path: self.path.clone(),
            line: line_of(&self.text, needles),
            message,
        }
    }

    fn validate(&self) -> Result<(), SuiteError> {
        if let Some(f) = &self.suite.data.format {
            if DataFormat::parse(f).is_none() {
                return Err(self.error_at(
                    &["format"],
                    format!("data.format `{f}` is not one of parquet, csv, json, ipc"),
                ));
            }
        }
        crate::limits::check("data.csv.infer_rows", self.suite.data.csv.infer_rows as f64)
            .map_err(|m| self.error_at(&["infer_rows"], m))?;
        let options = &self.suite.options;
        for (key, value) in [
            ("histogram_bins", options.histogram_bins as f64),
            ("rows_memory_mib", options.rows_memory_mib as f64),
            ("exact_distinct_cap", options.exact_distinct_cap as f64),
            (
                "categorical_max_distinct",
                options.categorical_max_distinct as f64,
            ),
        ] {
            crate::limits::check(&format!("options.{key}"), value)
                .map_err(|m| self.error_at(&[key], m))?;
        }
        // Above the exact cap no column has exact distinct counts, so the setting would be
        // silently ignored (the default is left alone: it is not the user's choice).
        if options.categorical_max_distinct > options.exact_distinct_cap as u64
            && options.categorical_max_distinct
                != assay_engine::roles::DEFAULT_CATEGORICAL_MAX_DISTINCT
        {
            return Err(self.error_at(
                &["categorical_max_distinct"],
                format!(
                    "options.categorical_max_distinct ({}) must not exceed \
                     options.exact_distinct_cap ({}): integer columns are found categorical \
                     from their exact distinct count, which is kept up to the cap only",
                    options.categorical_max_distinct, options.exact_distinct_cap
                ),
            ));
        }
        for checked in [
            self.suite.validation.check(),
            self.suite.sensitivity.check(),
            self.suite.performance.check(),
        ] {
            if let Err((key, message)) = checked {
                return Err(self.error_at(&[key], message));
            }
        }
        if self
            .suite
            .checks
            .iter()
            .any(|e| e.check == "sensitivity.morris")
        {
            if let Some(limit) =
                crate::limits::find_for("sensitivity.morris", "sensitivity.samples")
            {
                limit
                    .test("sensitivity.samples", self.suite.sensitivity.samples as f64)
                    .map_err(|m| {
                        self.error_at(&["samples"], format!("{m} (with sensitivity.morris)"))
                    })?;
            }
        }
        let ev = &self.suite.evaluation;
        if let Some(t) = &ev.task {
            if t != "classification" && t != "regression" {
                return Err(self.error_at(
                    &["task"],
                    format!("evaluation.task `{t}` must be classification or regression"),
                ));
            }
        }
        if !(ev.confidence > 0.0 && ev.confidence < 1.0) {
            return Err(self.error_at(
                &["confidence"],
                format!(
                    "evaluation.confidence must be between 0 and 1, got {}",
                    ev.confidence
                ),
            ));
        }
        crate::limits::check("evaluation.bootstrap_rounds", ev.bootstrap_rounds as f64)
            .map_err(|m| self.error_at(&["bootstrap_rounds"], m))?;
        for (key, v) in [
            ("min_slice_size", ev.min_slice_size),
            ("min_group_size", ev.min_group_size),
        ] {
            if v == 0 {
                return Err(self.error_at(&[key], format!("evaluation.{key} must be at least 1")));
            }
        }
        if !(0.0..=1.0).contains(&ev.threshold) {
            return Err(self.error_at(
                &["threshold"],
                format!(
                    "evaluation.threshold must be in [0, 1], got {}",
                    ev.threshold
                ),
            ));
        }
        if self.suite.checks.is_empty() {
            return Err(self.error_at(
                &["checks"],
                "`checks:` is empty: list at least one check".into(),
            ));
        }
        for (index, entry) in self.suite.checks.iter().enumerate() {
            let Some(check) = catalogue::find(&entry.check) else {
                let hint = catalogue::suggest(&entry.check)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(self.error_at(
                    &[&entry.check],
                    format!(
                        "unknown check `{}`{hint}; `assay checks` lists them",
                        entry.check
                    ),
                ));
            };
            if let Some(c) = &entry.condition {
                let parsed =
                    Condition::parse(c).map_err(|m| self.error_at(&["condition", c.trim()], m))?;
                let automatic = ["drift.auto", "drift.prediction", "drift.target"];
                if automatic.contains(&entry.check.as_str()) {
                    return Err(self.error_at(
                        &["condition", c.trim()],
                        format!(
                            "`{}` picks a method per column and applies that method's \
                             threshold, so it takes no condition (use `params: {{method: ...}}` \
                             with drift.<method> and a condition, or min_effect/correction)",
                            entry.check
                        ),
                    ));
                }
                if entry.check.starts_with("drift.") && parsed.is_relative() {
                    return Err(self.error_at(
                        &["condition", c.trim()],
                        format!(
                            "`{}` compares the two datasets already; its condition must be \
                             absolute (for example `< 0.2`), not relative to the reference",
                            entry.check
                        ),
                    ));
                }
            }
            let known = check.known_params();
            for key in entry.params.keys() {
                if !known.contains(&key.as_str()) {
                    let list = if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    };
                    return Err(self.error_at(
                        &[&format!("{key}:")],
                        format!(
                            "`{}` has no parameter `{key}` (parameters: {list})",
                            entry.check
                        ),
                    ));
                }
            }
            self.check_params(index, entry)?;
        }
        Ok(())
    }

    /// The values of an entry's `params:` that can be judged before running: a key given as
    /// null, and numbers outside the range [`crate::limits`] gives them (checks read them again,
    /// with the same ranges, when they run).
    fn check_params(&self, index: usize, entry: &CheckEntry) -> Result<(), SuiteError> {
        let error = |key: &str, message: String| SuiteError {
            path: self.path.clone(),
            line: self.param_line(index, key),
            message,
        };
        for (key, value) in &entry.params {
            let key = key.as_str();
            match value {
                Value::Null => {
                    return Err(error(
                        key,
                        format!(
                            "params.{key} must not be null: NaN, infinity and null are not \
                             allowed (YAML `.nan`, `.inf` and `~` read as null; leave the key \
                             out for the default)"
                        ),
                    ))
                }
                Value::Number(n) => {
                    if let Some(v) = n.as_f64() {
                        crate::limits::check_param(&entry.check, key, v)
                            .map_err(|m| error(key, m))?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The line of `params.KEY` of check entry `index`: the first line naming the key from the
    /// entry's `check:` line on (entries of the same check counted in order).
    fn param_line(&self, index: usize, key: &str) -> Option<usize> {
        if self.text.is_empty() {
            return None;
        }
        let id = self.suite.checks[index].check.as_str();
        let nth = self.suite.checks[..index]
            .iter()
            .filter(|e| e.check == id)
            .count();
        let start = self
            .text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(id))
            .nth(nth)
            .map(|(i, _)| i)
            .or_else(|| line_of(&self.text, &[id]).map(|l| l - 1))?;
        self.text
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| {
                l.contains(&format!("{key}:"))
                    || l.contains(&format!("{key} ="))
                    || l.contains(&format!("\"{key}\""))
            })
            .map(|(i, _)| i + 1)
            .or(Some(start + 1))
    }

    /// A path of the suite resolved against the suite's directory (URLs, in-memory sources
    /// and absolute paths unchanged).
    pub fn resolve(&self, p: &str) -> String {
        if assay_engine::source::is_url(p)
            || assay_engine::memory::memory_name(p).is_some()
            || assay_model::external::is_registered(p)
            || Path::new(p).is_absolute()
        {
            p.to_string()
        } else {
            self.base_dir.join(p).to_string_lossy().into_owned()
        }
    }

    fn spec(&self, paths: &Paths) -> SourceSpec {
        SourceSpec {
            paths: paths.to_vec().iter().map(|p| self.resolve(p)).collect(),
            format: self
                .suite
                .data
                .format
                .as_deref()
                .and_then(DataFormat::parse),
            csv: self.suite.data.csv.clone(),
        }
    }

    /// The current dataset's source spec (paths resolved against the suite's directory).
    pub fn current_spec(&self) -> SourceSpec {
        self.spec(&self.suite.data.current)
    }

    /// The reference dataset's source spec, if any.
    pub fn reference_spec(&self) -> Option<SourceSpec> {
        self.suite.data.reference.as_ref().map(|p| self.spec(p))
    }

    /// The entry's condition, parsed (or the check's default).
    pub fn condition_of(&self, entry: &CheckEntry, has_reference: bool) -> Condition {
        entry
            .condition
            .as_deref()
            .and_then(|c| Condition::parse(c).ok())
            .or_else(|| catalogue::find(&entry.check).map(|c| c.default_condition(has_reference)))
            .unwrap_or_else(|| Condition::equals(0.0))
    }
}
