//! `assay drift REFERENCE CURRENT`: drift of every column, without a suite file.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use assay_checks::requests::DriftRequest;
use assay_checks::{run_suite, LoadedSuite, RunOptions, Suite};
use assay_engine::Engine;

use crate::data_args::DataArgs;

/// Arguments of `assay drift`.
#[derive(Args, Debug)]
pub struct DriftArgs {
    /// The baseline: data (file, directory, glob, URL) or a saved profile (.json).
    pub reference: String,
    /// The data under test, or a saved profile.
    pub current: String,
    /// One method for every column (default: chosen per column, see `assay explain drift.auto`):
    /// ks, wasserstein, psi, jensen_shannon, kl, hellinger, tvd, chi_square, z_test, cramer_v,
    /// anderson_darling, cramer_von_mises, mann_whitney, energy.
    #[arg(long)]
    pub method: Option<String>,
    /// Only these columns (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Target column: also reports target drift, and is left out of the features.
    #[arg(long)]
    pub target: Option<String>,
    /// Prediction column: also reports prediction drift, and is left out of the features.
    #[arg(long)]
    pub prediction: Option<String>,
    /// Probability column(s), repeatable: part of prediction drift.
    #[arg(long = "probability")]
    pub probabilities: Vec<String>,
    /// Columns to leave out, comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Compare dates, times and identifiers too (by default features holding dates or times,
    /// and integer or text columns with a distinct value per row, are left out; the report
    /// lists them).
    #[arg(long)]
    pub no_auto_exclude: bool,
    /// Columns to compare as categories (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// exact (read the numeric columns whose profile is sketched) or profile (profiles only).
    #[arg(long)]
    pub mode: Option<String>,
    /// Multiple-testing correction of the p-values: bh (default), bonferroni or none.
    #[arg(long)]
    pub correction: Option<String>,
    /// Effect-size floor below which a significant test is not called drift (default 0.1).
    #[arg(long)]
    pub min_effect: Option<f64>,
    /// Share of drifted columns at which the dataset counts as drifted (default 0.5).
    #[arg(long)]
    pub drift_share: Option<f64>,
    /// Binning of numeric columns for histogram methods: quantiles (default), sturges, fixed.
    #[arg(long)]
    pub binning: Option<String>,
    /// Number of bins (default 10).
    #[arg(long)]
    pub bins: Option<usize>,
    /// A drifted column is a warning, not a failure.
    #[arg(long)]
    pub warn_only: bool,
    /// Report options.
    #[command(flatten)]
    pub report: crate::report_args::ReportArgs,
    /// How to read the data.
    #[command(flatten)]
    pub data: DataArgs,
}

/// The library request the flags describe.
pub fn request_of(args: &DriftArgs) -> DriftRequest {
    DriftRequest {
        method: args.method.clone(),
        columns: args.columns.clone(),
        target: args.target.clone(),
        prediction: args.prediction.clone(),
        probabilities: args.probabilities.clone(),
        exclude: args.exclude.clone(),
        no_auto_exclude: args.no_auto_exclude,
        categorical: args.categorical.clone(),
        mode: args.mode.clone(),
        correction: args.correction.clone(),
        min_effect: args.min_effect,
        drift_share: args.drift_share,
        binning: args.binning.clone(),
        bins: args.bins,
        warn_only: args.warn_only,
    }
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &DriftArgs) -> Result<Suite> {
    request_of(args)
        .suite(&args.reference, &args.current, &args.data.read_options())
        .map_err(anyhow::Error::msg)
}

/// Runs drift; returns the exit code.
pub async fn run(engine: &Engine, args: DriftArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    let loaded = LoadedSuite::from_suite(suite, "assay drift")?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = run_suite(engine, &loaded, &options).await?;
    args.report.finish(&report)
}
