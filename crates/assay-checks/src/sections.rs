//! Suite sections of model validation: `validation:` (cross-validation), `sensitivity:`
//! (sensitivity and robustness analysis of an ONNX model) and `performance:` (inference
//! benchmarks with budgets).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Which side of the suite's data cross-validation runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSide {
    /// `data.current` (the default).
    #[default]
    Current,
    /// `data.reference` (for suites whose current data is production data, checked for
    /// coverage by the validation data).
    Reference,
}

/// The `validation:` section: how cross-validation splits, trains and scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ValidationSection {
    /// The data cross-validated (`current` or `reference`).
    pub data: DataSide,
    /// Feature columns (default: `roles.features`, else every column without a role).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// `classification` or `regression` (default: from the target column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The positive class of a binary task (default: the second class in sorted order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_class: Option<String>,
    /// Splitter name (default: `stratified_kfold` for classification, `kfold` for regression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub splitter: Option<String>,
    /// Folds (`n_splits`).
    pub folds: usize,
    /// Repetitions of the repeated splitters.
    pub repeats: usize,
    /// Shuffle before splitting (k-fold splitters).
    pub shuffle: bool,
    /// Seed of the splitter's random choices (default 0; k-fold splitters take one only with
    /// `shuffle: true`, as scikit-learn).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Test size of the shuffle splitters and time-series folds: a share (`0.2`, `20%`) or
    /// a row count (`200`), as scikit-learn's float / int.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_size: Option<Value>,
    /// Training size of the shuffle splitters (share or row count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_size: Option<Value>,
    /// Rows left out between training and test rows of time-series folds.
    pub gap: usize,
    /// Most training rows of a time-series fold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_train_size: Option<usize>,
    /// Embargo of purged folds: a share of the rows (`0.01`, `1%`) or a time span in the
    /// interval columns' unit (`duration:3600`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embargo: Option<Value>,
    /// Column whose classes are stratified (default: the target, for stratified splitters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stratify: Option<String>,
    /// Group column of the group splitters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Column with each row's label start (purged folds; numbers or timestamps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<String>,
    /// Column with each row's label end (purged folds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_end: Option<String>,
    /// Built-in learner (`logistic_regression`, `linear_regression`, `ridge`,
    /// `random_forest`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner: Option<String>,
    /// Hyper-parameters of the built-in learner.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub learner_params: Map<String, Value>,
    /// External trainer: a command run per fold, with `{train}`, `{valid}`, `{model}`,
    /// `{fold}` and `{workdir}` replaced (shell-quoted), that writes an ONNX model to `{model}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer: Option<String>,
    /// Fold files given to the trainer: `csv` or `parquet`.
    pub trainer_format: String,
    /// Seconds after which a trainer is stopped (default: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer_timeout: Option<f64>,
    /// Directory for the fold files and models (kept); default a temporary directory,
    /// removed at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workdir: Option<String>,
    /// Folds trained at once (default: every core).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallel: Option<usize>,
    /// Metrics scored per fold (default: accuracy, roc_auc, f1, log_loss for
    /// classification; rmse, mae, r2 for regression).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
    /// Confidence level of the interval of the mean over folds.
    pub confidence: f64,
    /// Segment columns whose values are held out for `generalization.unseen_segments`
    /// (default: `roles.segments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unseen_segments: Option<Vec<String>>,
}

impl Default for ValidationSection {
    fn default() -> Self {
        Self {
            data: DataSide::Current,
            features: None,
            task: None,
            positive_class: None,
            splitter: None,
            folds: 5,
            repeats: 10,
            shuffle: false,
            seed: None,
            test_size: None,
            train_size: None,
            gap: 0,
            max_train_size: None,
            embargo: None,
            stratify: None,
            group: None,
            interval_start: None,
            interval_end: None,
            learner: None,
            learner_params: Map::new(),
            trainer: None,
            trainer_format: "csv".into(),
            trainer_timeout: None,
            workdir: None,
            parallel: None,
            metrics: Vec::new(),
            confidence: 0.95,
            unseen_segments: None,
        }
    }
}

/// How one model input is sampled by the sensitivity designs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDistribution {
    /// `uniform` (low, high), `normal` (mean, sd), `truncnorm` (low, high, mean, sd),
    /// `triangular` (low, high, mode), `lognormal` (mean, sd of the log).
    #[serde(default = "uniform")]
    pub dist: String,
    /// Lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Standard deviation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// Mode of a triangular distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
}

fn uniform() -> String {
    "uniform".into()
}

/// The `sensitivity:` section: the model analysed and how its inputs are sampled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensitivitySection {
    /// ONNX model analysed (default: `evaluation.model`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Feature columns in input order for a `[N, F]` model input (default: the model's
    /// `assay.features` metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Distribution of each input. Inputs not listed are sampled from the current data's
    /// range (uniform between its minimum and maximum) or held at its median (OAT).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, InputDistribution>,
    /// Declared domain of inputs: `[low, high]`; a distribution or perturbation reaching
    /// outside it is a configuration error.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, [f64; 2]>,
    /// Base samples (Sobol: rows = samples × (inputs + 2); Morris: trajectories).
    pub samples: usize,
    /// Seed.
    pub seed: u64,
    /// Grid levels of Morris and OAT.
    pub levels: usize,
    /// Bootstrap resamples of the confidence half-widths.
    pub resamples: usize,
    /// Confidence level of the half-widths.
    pub confidence: f64,
    /// Model output analysed: `probability` of the positive class (classifiers, default) or
    /// `value` (regressors); a class name picks that class's probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Rows per model call of the designs (memory stays flat whatever `samples` is).
    pub block_rows: usize,
}

impl Default for SensitivitySection {
    fn default() -> Self {
        Self {
            model: None,
            features: None,
            inputs: BTreeMap::new(),
            domains: BTreeMap::new(),
            samples: 1024,
            seed: 0,
            levels: 4,
            resamples: 100,
            confidence: 0.95,
            output: None,
            block_rows: 8192,
        }
    }
}

/// The `performance:` section: inference benchmarks of a model (and a baseline, measured in
/// the same run) on rows of the current data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerformanceSection {
    /// ONNX model measured (default: `evaluation.model`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Baseline model measured in the same run (default: `evaluation.baseline_model`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_model: Option<String>,
    /// Feature columns for a `[N, F]` input (default: the model's metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Batch sizes whose latency is measured.
    pub batch_sizes: Vec<usize>,
    /// Warm-up calls per batch size (not timed).
    pub warmup: usize,
    /// Timed calls per batch size, at least.
    pub iterations: usize,
    /// Time budget per batch size, seconds (calls continue until both are reached).
    pub seconds_per_size: f64,
    /// Thread counts of the throughput runs (default: 1 and every core).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<usize>,
    /// Rows of each throughput run.
    pub throughput_rows: usize,
    /// Rows of the current data used as inputs (cycled).
    pub sample_rows: usize,
}

impl Default for PerformanceSection {
    fn default() -> Self {
        Self {
            model: None,
            baseline_model: None,
            features: None,
            batch_sizes: vec![1, 8, 64, 512],
            warmup: 5,
            iterations: 30,
            seconds_per_size: 2.0,
            threads: Vec::new(),
            throughput_rows: 100_000,
            sample_rows: 10_000,
        }
    }
}

/// A section value out of range: the key (for the error's line) and the message.
pub type SectionError = (&'static str, String);

fn share(key: &'static str, section: &str, v: f64) -> Result<(), SectionError> {
    if v > 0.0 && v < 1.0 {
        Ok(())
    } else {
        Err((
            key,
            format!("{section}.{key} must be between 0 and 1, got {v}"),
        ))
    }
}

/// `section.key` in the range [`crate::limits`] gives it.
fn limited(key: &'static str, section: &str, v: f64) -> Result<(), SectionError> {
    crate::limits::check(&format!("{section}.{key}"), v).map_err(|m| (key, m))
}

impl ValidationSection {
    /// Checks the values serde cannot (ranges, names).
    pub fn check(&self) -> Result<(), SectionError> {
        if let Some(t) = &self.task {
            if t != "classification" && t != "regression" {
                return Err((
                    "task",
                    format!("validation.task `{t}` must be classification or regression"),
                ));
            }
        }
        share("confidence", "validation", self.confidence)?;
        limited("folds", "validation", self.folds as f64)?;
        limited("repeats", "validation", self.repeats as f64)?;
        let repeated = self
            .splitter
            .as_deref()
            .and_then(|s| s.parse::<assay_stats::splitters::SplitterKind>().ok())
            .is_some_and(|k| {
                matches!(
                    k,
                    assay_stats::splitters::SplitterKind::RepeatedKFold
                        | assay_stats::splitters::SplitterKind::RepeatedStratifiedKFold
                )
            });
        if repeated {
            crate::limits::check_combined(
                "validation.folds × validation.repeats",
                self.folds as f64 * self.repeats as f64,
                &format!("{} × {}", self.folds, self.repeats),
                None,
            )
            .map_err(|m| ("repeats", m))?;
        }
        if let Some(p) = self.parallel {
            limited("parallel", "validation", p as f64)?;
        }
        // The learner's own parser checks these too; here the error gets the suite line.
        for key in ["trees", "max_categories"] {
            if let Some(v) = self.learner_params.get(key).and_then(Value::as_f64) {
                crate::limits::check(&format!("validation.learner_params.{key}"), v)
                    .map_err(|m| (key, m))?;
            }
        }
        if let Some(t) = self.trainer_timeout {
            if !(t.is_finite() && t > 0.0) {
                return Err((
                    "trainer_timeout",
                    format!(
                        "validation.trainer_timeout must be a positive number of seconds, got {t}"
                    ),
                ));
            }
        }
        if !["csv", "parquet"].contains(&self.trainer_format.as_str()) {
            return Err((
                "trainer_format",
                format!(
                    "validation.trainer_format must be csv or parquet, got `{}`",
                    self.trainer_format
                ),
            ));
        }
        Ok(())
    }
}

impl SensitivitySection {
    /// Checks the values serde cannot (ranges, domains).
    pub fn check(&self) -> Result<(), SectionError> {
        limited("samples", "sensitivity", self.samples as f64)?;
        limited("levels", "sensitivity", self.levels as f64)?;
        limited("resamples", "sensitivity", self.resamples as f64)?;
        limited("block_rows", "sensitivity", self.block_rows as f64)?;
        share("confidence", "sensitivity", self.confidence)?;
        for (name, [lo, hi]) in &self.domains {
            if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                return Err((
                    "domains",
                    format!(
                        "sensitivity.domains.{name} must be [low, high] with low < high, got [{lo}, {hi}]"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl PerformanceSection {
    /// Checks the values serde cannot (ranges).
    pub fn check(&self) -> Result<(), SectionError> {
        if self.batch_sizes.is_empty() || self.batch_sizes.contains(&0) {
            return Err((
                "batch_sizes",
                format!(
                    "performance.batch_sizes must list batch sizes of at least 1 row, got {:?}",
                    self.batch_sizes
                ),
            ));
        }
        crate::limits::check_named(
            "the number of performance.batch_sizes",
            "performance.batch_sizes (count)",
            self.batch_sizes.len() as f64,
        )
        .map_err(|m| ("batch_sizes", m))?;
        for b in &self.batch_sizes {
            limited("batch_sizes", "performance", *b as f64)?;
        }
        if self.threads.contains(&0) {
            return Err(("threads", "performance.threads must be at least 1".into()));
        }
        crate::limits::check_named(
            "the number of performance.threads",
            "performance.threads (count)",
            self.threads.len() as f64,
        )
        .map_err(|m| ("threads", m))?;
        for t in &self.threads {
            limited("threads", "performance", *t as f64)?;
        }
        limited("warmup", "performance", self.warmup as f64)?;
        limited("iterations", "performance", self.iterations as f64)?;
        limited(
            "throughput_rows",
            "performance",
            self.throughput_rows as f64,
        )?;
        limited("sample_rows", "performance", self.sample_rows as f64)?;
        limited("seconds_per_size", "performance", self.seconds_per_size)?;
        Ok(())
    }
}
