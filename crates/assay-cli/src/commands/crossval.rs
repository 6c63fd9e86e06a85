//! `assay crossval DATA`: cross-validation with a built-in learner or an external trainer,
//! without a suite file.

use anyhow::Result;
use clap::Args;

use assay_checks::requests::CrossvalRequest;
use assay_checks::Suite;
use assay_engine::Engine;

use crate::data_args::DataArgs;
use crate::report_args::{key_values, run_flags_suite, ReportArgs};

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

/// The library request the flags describe.
pub fn request_of(args: &CrossvalArgs) -> Result<CrossvalRequest> {
    Ok(CrossvalRequest {
        target: args.target.clone(),
        learner: args.learner.clone(),
        params: key_values("--param", &args.learner_params)?,
        trainer: args.trainer.clone(),
        trainer_format: args.trainer_format.clone(),
        trainer_timeout: args.trainer_timeout,
        workdir: args.workdir.clone(),
        split: args.split.options(),
        metrics: args.metrics.clone(),
        features: args.features.clone(),
        task: args.task.clone(),
        positive_class: args.positive_class.clone(),
        unseen_segments: args.unseen_segments.clone(),
        parallel: args.parallel,
        confidence: args.confidence,
    })
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &CrossvalArgs) -> Result<Suite> {
    request_of(args)?
        .suite(&args.data, &args.data_args.read_options())
        .map_err(anyhow::Error::msg)
}

/// Runs the cross-validation; returns the exit code.
pub async fn run(engine: &Engine, args: CrossvalArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    run_flags_suite(engine, suite, "assay crossval", &args.report).await
}
