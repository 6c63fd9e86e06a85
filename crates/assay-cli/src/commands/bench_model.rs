//! `assay bench-model MODEL.onnx`: inference latency, throughput, memory and load time, with
//! budgets, and a comparison against a baseline model measured in the same run.

use anyhow::Result;
use clap::Args;

use assay_checks::requests::BenchModelRequest;
use assay_checks::Suite;
use assay_engine::Engine;

use crate::data_args::DataArgs;
use crate::report_args::{run_flags_suite, ReportArgs};

/// Arguments of `assay bench-model`.
#[derive(Args, Debug)]
pub struct BenchModelArgs {
    /// The ONNX model.
    pub model: String,
    /// Rows to feed the model (default: uniform random values in [0, 1) for each input).
    #[arg(long)]
    pub data: Option<String>,
    /// Feature columns in input order, for a model with one [N, F] input (default: the
    /// model's `assay.features` metadata).
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// A baseline model measured in the same run (performance.regression).
    #[arg(long)]
    pub baseline_model: Option<String>,
    /// Batch sizes whose latency is measured (default 1,8,64,512).
    #[arg(long, value_delimiter = ',')]
    pub batch_sizes: Vec<usize>,
    /// Untimed warm-up calls per batch size (default 5).
    #[arg(long)]
    pub warmup: Option<usize>,
    /// Timed calls per batch size, at least (default 30).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Seconds per batch size (calls go on until both limits are reached; default 2).
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Thread counts of the throughput runs (default 1 and every core).
    #[arg(long, value_delimiter = ',')]
    pub throughput_threads: Vec<usize>,
    /// Rows of each throughput run (default 100000).
    #[arg(long)]
    pub throughput_rows: Option<usize>,
    /// A budget (repeatable): `p99@1<5` (latency percentile p50/p90/p99/max/mean at a batch
    /// size, in ms), `throughput>=50000` (rows/s, every thread count), `memory<=512` (peak
    /// MiB), `load_time<=2000` (ms), `regression<=1.2` (slow-down against the baseline).
    #[arg(long = "budget", value_name = "BUDGET")]
    pub budgets: Vec<String>,
    /// Report options.
    #[command(flatten)]
    pub report: ReportArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// The library request the flags describe.
pub fn request_of(args: &BenchModelArgs) -> BenchModelRequest {
    BenchModelRequest {
        model: args.model.clone(),
        features: args.features.clone(),
        baseline_model: args.baseline_model.clone(),
        batch_sizes: args.batch_sizes.clone(),
        warmup: args.warmup,
        iterations: args.iterations,
        seconds: args.seconds,
        throughput_threads: args.throughput_threads.clone(),
        throughput_rows: args.throughput_rows,
        budgets: args.budgets.clone(),
    }
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &BenchModelArgs) -> Result<Suite> {
    request_of(args)
        .suite(args.data.as_deref(), &args.data_args.read_options())
        .map_err(anyhow::Error::msg)
}

/// Runs the benchmark; returns the exit code.
pub async fn run(engine: &Engine, args: BenchModelArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    run_flags_suite(engine, suite, "assay bench-model", &args.report).await
}
