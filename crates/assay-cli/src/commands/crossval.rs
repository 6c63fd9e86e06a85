//! `assay crossval DATA`: cross-validation with a built-in learner or an external trainer,
//! without a suite file.

use std::io::IsTerminal;

use anyhow::{bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use assay_checks::suite::{DataSection, Paths, Severity, SuiteOptions, ValidationSection};
use assay_checks::{run_suite, LoadedSuite, RunOptions, Suite};
use assay_engine::{Engine, Roles};

use crate::data_args::DataArgs;
use crate::report_args::{entry, key_values, ReportArgs};

/// Arguments of `assay crossval`.
#[derive(Args, Debug)]
pub struct CrossvalArgs {
    /// The data (file, directory, glob or URL), with the target column.
    pub data: String,
    /// Target column.
    #[arg(long)]
    pub target: String,
    /// Built-in learner: logistic_regression, linear_regression, ridge, random_forest,
    /// decision_tree.
    #[arg(long)]
    pub learner: Option<String>,
    /// A hyper-parameter of the built-in learner, KEY=VALUE (repeatable), e.g. trees=200.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub learner_params: Vec<String>,
    /// External trainer command, run per fold: `{train}`, `{valid}`, `{model}`, `{fold}`,
    /// `{workdir}` are replaced by (shell-quoted) paths; it must write an ONNX model to
    /// `{model}`. Example: "python train.py {train} {model}".
    #[arg(long)]
    pub trainer: Option<String>,
    /// Fold files for the trainer: csv (default) or parquet.
    #[arg(long)]
    pub trainer_format: Option<String>,
    /// Seconds after which a trainer is stopped.
    #[arg(long)]
    pub trainer_timeout: Option<f64>,
    /// Keep fold files and models in this directory (default: a temporary one, removed).
    #[arg(long)]
    pub workdir: Option<String>,
    /// Splitter (default: stratified_kfold for classification, kfold for regression); see
    /// `assay split --help`.
    #[arg(long)]
    pub splitter: Option<String>,
    /// Folds (default 5).
    #[arg(long)]
    pub folds: Option<usize>,
    /// Repetitions of the repeated splitters (default 10).
    #[arg(long)]
    pub repeats: Option<usize>,
    /// Shuffle before splitting.
    #[arg(long)]
    pub shuffle: bool,
    /// Seed of shuffles and learners (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Column stratified on (default: the target, for stratified splitters).
    #[arg(long)]
    pub stratify: Option<String>,
    /// Group column of the group splitters.
    #[arg(long)]
    pub group: Option<String>,
    /// Rows between training and test rows of time-series folds.
    #[arg(long)]
    pub gap: Option<usize>,
    /// Test size of shuffle and time-series splitters: a share (0.2, 20%) or rows (200).
    #[arg(long)]
    pub test_size: Option<String>,
    /// Training size of shuffle splitters: a share or rows.
    #[arg(long)]
    pub train_size: Option<String>,
    /// Most training rows of a time-series fold.
    #[arg(long)]
    pub max_train_size: Option<usize>,
    /// Label start column of purged folds.
    #[arg(long)]
    pub interval_start: Option<String>,
    /// Label end column of purged folds.
    #[arg(long)]
    pub interval_end: Option<String>,
    /// Embargo of purged folds: a share of rows (0.01, 1%) or duration:SPAN.
    #[arg(long)]
    pub embargo: Option<String>,
    /// Metrics (comma-separated; default accuracy,roc_auc,f1,log_loss or rmse,mae,r2).
    #[arg(long, value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Feature columns (comma-separated; default every column but the target and splitter
    /// columns).
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// classification or regression (default: from the target column).
    #[arg(long)]
    pub task: Option<String>,
    /// Positive class of a binary task.
    #[arg(long)]
    pub positive_class: Option<String>,
    /// Segment column whose values are held out in turn (generalization.unseen_segments).
    #[arg(long = "unseen-segment", value_delimiter = ',')]
    pub unseen_segments: Vec<String>,
    /// Folds trained at once (default: every core).
    #[arg(long)]
    pub parallel: Option<usize>,
    /// Confidence level of the interval of the mean (default 0.95).
    #[arg(long)]
    pub confidence: Option<f64>,
    /// Report options.
    #[command(flatten)]
    pub report: ReportArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &CrossvalArgs) -> Result<Suite> {
    if args.learner.is_none() == args.trainer.is_none() {
        bail!("give a built-in learner (--learner random_forest) or an external trainer (--trainer 'python train.py {{train}} {{model}}'), one of the two");
    }
    if let Some(c) = args.confidence {
        if !(c > 0.0 && c < 1.0) {
            bail!("--confidence must be between 0 and 1, got {c}");
        }
    }
    let defaults = ValidationSection::default();
    let validation = ValidationSection {
        features: (!args.features.is_empty()).then(|| args.features.clone()),
        task: args.task.clone(),
        positive_class: args.positive_class.clone(),
        splitter: args.splitter.clone(),
        folds: args.folds.unwrap_or(defaults.folds),
        repeats: args.repeats.unwrap_or(defaults.repeats),
        shuffle: args.shuffle,
        seed: args.seed.unwrap_or(defaults.seed),
        test_size: args.test_size.clone().map(Value::String),
        train_size: args.train_size.clone().map(Value::String),
        gap: args.gap.unwrap_or(0),
        max_train_size: args.max_train_size,
        embargo: args.embargo.clone().map(Value::String),
        stratify: args.stratify.clone(),
        group: args.group.clone(),
        interval_start: args.interval_start.clone(),
        interval_end: args.interval_end.clone(),
        learner: args.learner.clone(),
        learner_params: key_values("--param", &args.learner_params)?,
        trainer: args.trainer.clone(),
        trainer_format: args
            .trainer_format
            .clone()
            .unwrap_or(defaults.trainer_format.clone()),
        trainer_timeout: args.trainer_timeout,
        workdir: args.workdir.clone(),
        parallel: args.parallel,
        metrics: args.metrics.clone(),
        confidence: args.confidence.unwrap_or(defaults.confidence),
        unseen_segments: (!args.unseen_segments.is_empty()).then(|| args.unseen_segments.clone()),
        ..defaults
    };
    let spec = args.data_args.spec(Vec::new())?;
    let mut checks = vec![
        entry("crossval.score", Map::new(), Severity::Fail),
        entry("crossval.beats_baseline", Map::new(), Severity::Fail),
        entry("generalization.overfitting", Map::new(), Severity::Warn),
        entry("generalization.fold_variance", Map::new(), Severity::Warn),
    ];
    if !args.unseen_segments.is_empty() {
        checks.push(entry(
            "generalization.unseen_segments",
            Map::<String, Value>::new(),
            Severity::Warn,
        ));
    }
    Ok(Suite {
        name: Some(format!("crossval: {}", args.data)),
        data: DataSection {
            current: Paths::One(args.data.clone()),
            reference: None,
            format: args.data_args.format.clone(),
            csv: spec.csv,
        },
        roles: Roles {
            target: Some(args.target.clone()),
            ..Roles::default()
        },
        options: SuiteOptions::default(),
        evaluation: Default::default(),
        validation,
        sensitivity: Default::default(),
        performance: Default::default(),
        checks,
    })
}

/// Runs the cross-validation; returns the exit code.
pub async fn run(engine: &Engine, args: CrossvalArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    let loaded = LoadedSuite::from_suite(suite, "assay crossval")?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = run_suite(engine, &loaded, &options).await?;
    args.report.finish(&report)
}
