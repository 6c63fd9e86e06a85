//! `assay drift REFERENCE CURRENT`: drift of every column, without a suite file.

use std::io::IsTerminal;

use anyhow::{bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use assay_checks::checks::drift::{method_named, METHODS};
use assay_checks::suite::{CheckEntry, DataSection, Paths, Severity, SuiteOptions};
use assay_checks::{run_suite, LoadedSuite, RunOptions, Suite};
use assay_engine::{Engine, Roles};

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
    /// Columns to leave out (ids, timestamps), comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
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

/// Builds the suite the flags describe.
pub fn suite_of(args: &DriftArgs) -> Result<Suite> {
    if let Some(m) = &args.method {
        if method_named(m).is_none() {
            bail!(
                "--method `{m}` is not a drift method (one of: {})",
                METHODS
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    for (flag, v) in [
        ("--min-effect", args.min_effect),
        ("--drift-share", args.drift_share),
    ] {
        if v.is_some_and(|x| !x.is_finite()) {
            bail!("{flag} must be a finite number");
        }
    }
    if let Some(b) = args.bins {
        if let Some(limit) = assay_checks::limits::find_for("drift.auto", "bins") {
            limit.test("--bins", b as f64).map_err(anyhow::Error::msg)?;
        }
    }
    let spec = args.data.spec(Vec::new())?;
    let roles = Roles {
        target: args.target.clone(),
        prediction: args.prediction.clone(),
        probabilities: args.probabilities.clone(),
        categorical: args.categorical.clone(),
        ..Roles::default()
    };
    let mut params = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            params.insert(k.to_string(), v);
        }
    };
    put("mode", args.mode.clone().map(Value::from));
    put("correction", args.correction.clone().map(Value::from));
    put("min_effect", args.min_effect.map(Value::from));
    put("drift_share", args.drift_share.map(Value::from));
    put("binning", args.binning.clone().map(Value::from));
    put("bins", args.bins.map(Value::from));
    put(
        "exclude",
        (!args.exclude.is_empty()).then(|| Value::from(args.exclude.clone())),
    );
    let severity = Some(if args.warn_only {
        Severity::Warn
    } else {
        Severity::Fail
    });
    let features_id = match &args.method {
        Some(m) => format!("drift.{m}"),
        None => "drift.auto".to_string(),
    };
    let mut checks = vec![CheckEntry {
        check: features_id,
        columns: (!args.columns.is_empty()).then(|| args.columns.clone()),
        params: params.clone(),
        condition: None,
        severity,
    }];
    let mut role_params = params;
    if let Some(m) = &args.method {
        role_params.insert("method".into(), Value::from(m.clone()));
    }
    if args.prediction.is_some() || !args.probabilities.is_empty() {
        checks.push(CheckEntry {
            check: "drift.prediction".into(),
            columns: None,
            params: role_params.clone(),
            condition: None,
            severity,
        });
    }
    if args.target.is_some() {
        checks.push(CheckEntry {
            check: "drift.target".into(),
            columns: None,
            params: role_params,
            condition: None,
            severity,
        });
    }
    Ok(Suite {
        name: Some(format!("drift: {} → {}", args.reference, args.current)),
        data: DataSection {
            current: Paths::One(args.current.clone()),
            reference: Some(Paths::One(args.reference.clone())),
            format: args.data.format.clone(),
            csv: spec.csv,
        },
        roles,
        options: SuiteOptions::default(),
        evaluation: Default::default(),
        validation: Default::default(),
        sensitivity: Default::default(),
        performance: Default::default(),
        checks,
    })
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
