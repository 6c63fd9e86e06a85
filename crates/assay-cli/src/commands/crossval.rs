//! `assay crossval DATA`: cross-validation with a built-in learner or an external trainer,
//! without a suite file.

use anyhow::{bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use assay_checks::suite::{DataSection, Paths, Severity, SuiteOptions, ValidationSection};
use assay_checks::Suite;
use assay_engine::{Engine, Roles};

use crate::data_args::DataArgs;
use crate::report_args::{entry, flag_limit, key_values, run_flags_suite, ReportArgs};

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
    /// How rows are split into folds.
    #[command(flatten)]
    pub split: crate::splitter_args::SplitterArgs,
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
    args.split.check_limits()?;
    if let Some(p) = args.parallel {
        flag_limit("--parallel", "validation.parallel", p as f64)?;
    }
    let defaults = ValidationSection::default();
    let validation = ValidationSection {
        features: (!args.features.is_empty()).then(|| args.features.clone()),
        task: args.task.clone(),
        positive_class: args.positive_class.clone(),
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
        ..args.split.section()
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
    run_flags_suite(engine, suite, "assay crossval", &args.report).await
}
