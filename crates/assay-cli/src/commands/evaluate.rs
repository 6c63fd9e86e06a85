//! `assay evaluate DATA`: model metrics, fairness, slices and the regression gate, without a
//! suite file.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use assay_checks::requests::EvaluateRequest;
use assay_checks::{run_suite, LoadedSuite, RunOptions, Suite};
use assay_engine::Engine;

use crate::data_args::DataArgs;

/// Arguments of `assay evaluate`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// The data to evaluate on (file, directory, glob or URL), with the target column.
    pub data: String,
    /// Target (ground truth) column.
    #[arg(long)]
    pub target: String,
    /// ONNX model to run on the data (classifier or regressor).
    #[arg(long)]
    pub model: Option<String>,
    /// Feature columns in input order, for a model with one [N, F] input (default: the
    /// model's `assay.features` metadata), comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Predicted label (or value) column, instead of a model.
    #[arg(long)]
    pub prediction: Option<String>,
    /// Probability column(s): one for the positive class, or one per class (repeatable).
    #[arg(long = "probability")]
    pub probabilities: Vec<String>,
    /// Baseline ONNX model for the regression gate.
    #[arg(long)]
    pub baseline_model: Option<String>,
    /// Baseline prediction column for the regression gate.
    #[arg(long)]
    pub baseline_prediction: Option<String>,
    /// Baseline probability column(s).
    #[arg(long = "baseline-probability")]
    pub baseline_probabilities: Vec<String>,
    /// Protected attribute(s) for fairness, comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub protected: Vec<String>,
    /// Segment column(s) to slice metrics by, comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub segment: Vec<String>,
    /// A slice as a SQL condition, e.g. "age >= 60 and sex = 'Female'" (repeatable).
    #[arg(long = "slice")]
    pub slices: Vec<String>,
    /// Sample weight column.
    #[arg(long)]
    pub weight: Option<String>,
    /// classification or regression (default: from the model or the columns).
    #[arg(long)]
    pub task: Option<String>,
    /// Positive class of a binary task (default: the second class in sorted order).
    #[arg(long)]
    pub positive_class: Option<String>,
    /// Classes of the --probability columns, in order (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub classes: Vec<String>,
    /// Decision threshold on the positive class's probability when labels come from
    /// probabilities (default 0.5).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Only these metrics (comma-separated), e.g. accuracy,roc_auc (default: every metric of
    /// the task).
    #[arg(long, value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Confidence level of the intervals (default 0.95).
    #[arg(long)]
    pub confidence: Option<f64>,
    /// Bootstrap resamples (default 1000; 0 for analytic intervals only).
    #[arg(long)]
    pub bootstrap_rounds: Option<usize>,
    /// Bootstrap seed (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Smallest slice reported (default 30 rows).
    #[arg(long)]
    pub min_slice_size: Option<u64>,
    /// Smallest protected group compared (default 30 rows).
    #[arg(long)]
    pub min_group_size: Option<u64>,
    /// Allowed degradation against the baseline, the same for every gate metric (default 0;
    /// per-metric tolerances in a suite: `params.metrics` of model.regression_gate).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Report options.
    #[command(flatten)]
    pub report: crate::report_args::ReportArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// The library request the flags describe.
pub fn request_of(args: &EvaluateArgs) -> EvaluateRequest {
    EvaluateRequest {
        target: args.target.clone(),
        model: args.model.clone(),
        features: args.features.clone(),
        prediction: args.prediction.clone(),
        probabilities: args.probabilities.clone(),
        baseline_model: args.baseline_model.clone(),
        baseline_prediction: args.baseline_prediction.clone(),
        baseline_probabilities: args.baseline_probabilities.clone(),
        protected: args.protected.clone(),
        segment: args.segment.clone(),
        slices: args.slices.clone(),
        weight: args.weight.clone(),
        task: args.task.clone(),
        positive_class: args.positive_class.clone(),
        classes: args.classes.clone(),
        threshold: args.threshold,
        metrics: args.metrics.clone(),
        confidence: args.confidence,
        bootstrap_rounds: args.bootstrap_rounds,
        seed: args.seed,
        min_slice_size: args.min_slice_size,
        min_group_size: args.min_group_size,
        tolerance: args.tolerance,
    }
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &EvaluateArgs) -> Result<Suite> {
    request_of(args)
        .suite(&args.data, &args.data_args.read_options())
        .map_err(anyhow::Error::msg)
}

/// Runs the evaluation; returns the exit code.
pub async fn run(engine: &Engine, args: EvaluateArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    let loaded = LoadedSuite::from_suite(suite, "assay evaluate")?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = request_of(&args)
        .finish(run_suite(engine, &loaded, &options).await?)
        .map_err(anyhow::Error::msg)?;
    args.report.finish(&report)
}
