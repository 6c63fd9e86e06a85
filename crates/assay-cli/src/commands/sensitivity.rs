//! `assay sensitivity MODEL.onnx`: Sobol, Morris, one-at-a-time or permutation sensitivity of
//! a model, without a suite file.

use anyhow::{bail, Result};
use clap::Args;
use serde_json::Map;
use std::collections::BTreeMap;

use assay_checks::suite::{
    DataSection, EvaluationSection, InputDistribution, Paths, SensitivitySection, Severity,
    SuiteOptions,
};
use assay_checks::Suite;
use assay_engine::{Engine, Roles};

use crate::data_args::DataArgs;
use crate::report_args::{entry, flag_limit, run_flags_suite, ReportArgs};

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

/// Parses `INPUT=LOW:HIGH`.
pub fn range_of(flag: &str, s: &str) -> Result<(String, f64, f64)> {
    let bad = || anyhow::anyhow!("{flag} `{s}` must be INPUT=LOW:HIGH with numbers LOW < HIGH");
    let (name, range) = s.rsplit_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
    let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) || name.trim().is_empty() {
        return Err(bad());
    }
    Ok((name.trim().to_string(), lo, hi))
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &SensitivityArgs) -> Result<Suite> {
    let id = match args.method.as_str() {
        "sobol" => "sensitivity.sobol",
        "morris" => "sensitivity.morris",
        "oat" => "sensitivity.oat",
        "permutation" => "sensitivity.permutation_importance",
        o => bail!("--method `{o}`: one of sobol, morris, oat, permutation"),
    };
    if id == "sensitivity.permutation_importance" && (args.data.is_none() || args.target.is_none())
    {
        bail!("--method permutation shuffles data rows: give --data and --target");
    }
    if args.metric.is_some() && id != "sensitivity.permutation_importance" {
        bail!("--metric applies to --method permutation only");
    }
    let mut inputs = BTreeMap::new();
    for b in &args.bounds {
        let (name, low, high) = range_of("--bounds", b)?;
        inputs.insert(
            name,
            InputDistribution {
                dist: "uniform".into(),
                low: Some(low),
                high: Some(high),
                mean: None,
                sd: None,
                mode: None,
            },
        );
    }
    let mut domains = BTreeMap::new();
    for d in &args.domains {
        let (name, low, high) = range_of("--domain", d)?;
        domains.insert(name, [low, high]);
    }
    let d = SensitivitySection::default();
    if let Some(c) = args.confidence {
        if !(c > 0.0 && c < 1.0) {
            bail!("--confidence must be between 0 and 1, got {c}");
        }
    }
    if let Some(n) = args.samples {
        // Morris keeps its trajectories: it has its own, lower, range.
        match assay_checks::limits::find_for(id, "sensitivity.samples") {
            Some(limit) => limit
                .test("--samples", n as f64)
                .map_err(|m| anyhow::anyhow!("{m} (with --method {})", args.method))?,
            None => flag_limit("--samples", "sensitivity.samples", n as f64)?,
        }
    }
    for (flag, key, value) in [
        ("--levels", "sensitivity.levels", args.levels),
        ("--resamples", "sensitivity.resamples", args.resamples),
        ("--block-rows", "sensitivity.block_rows", args.block_rows),
    ] {
        if let Some(v) = value {
            flag_limit(flag, key, v as f64)?;
        }
    }
    let sensitivity = SensitivitySection {
        model: Some(args.model.clone()),
        features: (!args.features.is_empty()).then(|| args.features.clone()),
        inputs,
        domains,
        samples: args.samples.unwrap_or(d.samples),
        seed: args.seed.unwrap_or(d.seed),
        levels: args.levels.unwrap_or(d.levels),
        resamples: args.resamples.unwrap_or(d.resamples),
        confidence: args.confidence.unwrap_or(d.confidence),
        output: args.model_output.clone(),
        block_rows: args.block_rows.unwrap_or(d.block_rows),
    };
    let mut params = Map::new();
    if let Some(m) = &args.metric {
        params.insert("metric".into(), m.clone().into());
    }
    if args.seed.is_some() && id == "sensitivity.permutation_importance" {
        params.insert("seed".into(), sensitivity.seed.into());
    }
    let spec = args.data_args.spec(Vec::new())?;
    Ok(Suite {
        name: Some(format!("sensitivity ({}): {}", args.method, args.model)),
        data: DataSection {
            current: match &args.data {
                Some(d) => Paths::One(d.clone()),
                None => Paths::Many(Vec::new()),
            },
            reference: None,
            format: args.data_args.format.clone(),
            csv: spec.csv,
        },
        roles: Roles {
            target: args.target.clone(),
            ..Roles::default()
        },
        options: SuiteOptions::default(),
        evaluation: EvaluationSection {
            positive_class: args.positive_class.clone(),
            ..EvaluationSection::default()
        },
        validation: Default::default(),
        sensitivity,
        performance: Default::default(),
        checks: vec![entry(id, params, Severity::Fail)],
    })
}

/// Runs the analysis; returns the exit code.
pub async fn run(engine: &Engine, args: SensitivityArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    run_flags_suite(engine, suite, "assay sensitivity", &args.report).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_reject_bad_input() {
        assert_eq!(
            range_of("--bounds", "age=17:90").unwrap(),
            ("age".into(), 17.0, 90.0)
        );
        assert_eq!(
            range_of("--bounds", "a=b=-1:2.5").unwrap(),
            ("a=b".into(), -1.0, 2.5)
        );
        for bad in ["age", "age=17", "age=90:17", "age=x:1", "=1:2", "age=1:inf"] {
            assert!(range_of("--bounds", bad).is_err(), "{bad}");
        }
    }
}
