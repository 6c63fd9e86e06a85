//! `assay sensitivity MODEL.onnx`: Sobol, Morris, one-at-a-time or permutation sensitivity of
//! a model, without a suite file.

use anyhow::Result;
use clap::Args;

use assay_checks::requests::SensitivityRequest;
use assay_checks::Suite;
use assay_engine::Engine;

use crate::data_args::DataArgs;
use crate::report_args::{run_flags_suite, ReportArgs};

/// Arguments of `assay sensitivity`.
#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// The ONNX model.
    pub model: String,
    /// sobol, morris, oat or permutation (permutation importance needs --data and --target).
    #[arg(long, default_value = "sobol")]
    pub method: String,
    /// Base samples (sobol: rows = samples × (inputs + 2)), trajectories (morris) (default 1024).
    #[arg(long)]
    pub samples: Option<usize>,
    /// Seed (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// An input's range, sampled uniformly: INPUT=LOW:HIGH (repeatable).
    #[arg(long = "bounds", value_name = "INPUT=LOW:HIGH")]
    pub bounds: Vec<String>,
    /// An input's declared domain: INPUT=LOW:HIGH (repeatable); sampling outside it is an error.
    #[arg(long = "domain", value_name = "INPUT=LOW:HIGH")]
    pub domains: Vec<String>,
    /// Data whose rows give the distribution of every input without --bounds (and the rows
    /// permutation importance shuffles).
    #[arg(long)]
    pub data: Option<String>,
    /// Target column (permutation importance).
    #[arg(long)]
    pub target: Option<String>,
    /// Metric of permutation importance (default roc_auc / accuracy / r2).
    #[arg(long)]
    pub metric: Option<String>,
    /// Feature columns in input order, for a model with one [N, F] input (default: the
    /// model's `assay.features` metadata).
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Output analysed: a class name (its probability), `probability` (the positive class) or
    /// `value` (regressors).
    #[arg(long = "model-output")]
    pub model_output: Option<String>,
    /// Positive class of a binary classifier (default: the second class in sorted order).
    #[arg(long)]
    pub positive_class: Option<String>,
    /// Grid levels of morris and oat (default 4).
    #[arg(long)]
    pub levels: Option<usize>,
    /// Bootstrap resamples of the confidence half-widths (default 100).
    #[arg(long)]
    pub resamples: Option<usize>,
    /// Confidence level of the half-widths (default 0.95).
    #[arg(long)]
    pub confidence: Option<f64>,
    /// Rows per model call (default 8192): memory stays flat whatever --samples is.
    #[arg(long)]
    pub block_rows: Option<usize>,
    /// Report options.
    #[command(flatten)]
    pub report: ReportArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// The library request the flags describe.
pub fn request_of(args: &SensitivityArgs) -> SensitivityRequest {
    SensitivityRequest {
        model: args.model.clone(),
        method: Some(args.method.clone()),
        samples: args.samples,
        seed: args.seed,
        bounds: args.bounds.clone(),
        domains: args.domains.clone(),
        target: args.target.clone(),
        metric: args.metric.clone(),
        features: args.features.clone(),
        model_output: args.model_output.clone(),
        positive_class: args.positive_class.clone(),
        levels: args.levels,
        resamples: args.resamples,
        confidence: args.confidence,
        block_rows: args.block_rows,
    }
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &SensitivityArgs) -> Result<Suite> {
    request_of(args)
        .suite(args.data.as_deref(), &args.data_args.read_options())
        .map_err(anyhow::Error::msg)
}

/// Runs the analysis; returns the exit code.
pub async fn run(engine: &Engine, args: SensitivityArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    run_flags_suite(engine, suite, "assay sensitivity", &args.report).await
}
