//! `assay evaluate DATA`: model metrics, fairness, slices and the regression gate, without a
//! suite file.

use std::io::IsTerminal;

use anyhow::{bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use assay_checks::checks::fairness::MEASURES;
use assay_checks::checks::model::{metric_named, METRICS};
use assay_checks::suite::{
    CheckEntry, DataSection, EvaluationSection, Paths, Severity, SuiteOptions,
};
use assay_checks::{run_suite, LoadedSuite, RunOptions, Suite};
use assay_engine::{Engine, Roles};
use assay_report::{Report, Summary};

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

fn entry(id: &str, params: Map<String, Value>) -> CheckEntry {
    CheckEntry {
        check: id.to_string(),
        columns: None,
        params,
        condition: None,
        severity: Some(Severity::Fail),
    }
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &EvaluateArgs) -> Result<Suite> {
    if args.model.is_none() && args.prediction.is_none() && args.probabilities.is_empty() {
        bail!(
            "give a model (--model FILE.onnx) or prediction columns (--prediction, --probability)"
        );
    }
    if args.model.is_some() && (args.prediction.is_some() || !args.probabilities.is_empty()) {
        bail!("give either --model or --prediction/--probability, not both");
    }
    if args.baseline_model.is_some()
        && (args.baseline_prediction.is_some() || !args.baseline_probabilities.is_empty())
    {
        bail!("give either --baseline-model or --baseline-prediction/--baseline-probability, not both");
    }
    for (flag, v) in [
        ("--confidence", args.confidence),
        ("--threshold", args.threshold),
        ("--tolerance", args.tolerance),
    ] {
        if v.is_some_and(|x| !x.is_finite()) {
            bail!("{flag} must be a finite number");
        }
    }
    let mut metrics: Vec<&'static str> = Vec::new();
    for m in &args.metrics {
        match metric_named(m) {
            Some(s) => metrics.push(s.id),
            None => bail!(
                "--metrics: unknown metric `{m}` (one of: {})",
                METRICS
                    .iter()
                    .map(|s| s.id.trim_start_matches("model."))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    if metrics.is_empty() {
        metrics = METRICS.iter().map(|s| s.id).collect();
    }
    let spec = args.data_args.spec(Vec::new())?;
    let defaults = EvaluationSection::default();
    let evaluation = EvaluationSection {
        model: args.model.clone(),
        baseline_model: args.baseline_model.clone(),
        features: (!args.features.is_empty()).then(|| args.features.clone()),
        task: args.task.clone(),
        positive_class: args.positive_class.clone(),
        classes: (!args.classes.is_empty()).then(|| args.classes.clone()),
        threshold: args.threshold.unwrap_or(defaults.threshold),
        confidence: args.confidence.unwrap_or(defaults.confidence),
        bootstrap_rounds: args.bootstrap_rounds.unwrap_or(defaults.bootstrap_rounds),
        seed: args.seed.unwrap_or(defaults.seed),
        slices: args.slices.clone(),
        min_slice_size: args.min_slice_size.unwrap_or(defaults.min_slice_size),
        min_group_size: args.min_group_size.unwrap_or(defaults.min_group_size),
    };
    let roles = Roles {
        target: Some(args.target.clone()),
        prediction: args.prediction.clone(),
        probabilities: args.probabilities.clone(),
        baseline_prediction: args.baseline_prediction.clone(),
        baseline_probabilities: args.baseline_probabilities.clone(),
        weight: args.weight.clone(),
        segments: args.segment.clone(),
        protected: args.protected.clone(),
        ..Roles::default()
    };
    let mut checks: Vec<CheckEntry> = metrics.iter().map(|id| entry(id, Map::new())).collect();
    if !args.segment.is_empty() || !args.slices.is_empty() {
        checks.push(entry("model.slices", Map::new()));
    }
    if !args.segment.is_empty() || !args.protected.is_empty() {
        checks.push(entry("model.weak_slices", Map::new()));
    }
    if !args.protected.is_empty() {
        checks.extend(MEASURES.iter().map(|m| entry(m.id, Map::new())));
    }
    let has_baseline = args.baseline_model.is_some()
        || args.baseline_prediction.is_some()
        || !args.baseline_probabilities.is_empty();
    if has_baseline {
        let mut params = Map::new();
        if let Some(t) = args.tolerance {
            params.insert("tolerance".into(), Value::from(t));
        }
        checks.push(entry("model.regression_gate", params));
        checks.push(entry("model.prediction_stability", Map::new()));
    }
    Ok(Suite {
        name: Some(format!("evaluate: {}", args.data)),
        data: DataSection {
            current: Paths::One(args.data.clone()),
            reference: None,
            format: args.data_args.format.clone(),
            csv: spec.csv,
        },
        roles,
        options: SuiteOptions::default(),
        evaluation,
        validation: Default::default(),
        sensitivity: Default::default(),
        performance: Default::default(),
        checks,
    })
}

/// Leaves out the results of metrics that do not apply to the task (a regression has no
/// accuracy): `assay evaluate` asks for every metric of both kinds.
fn drop_other_task(mut report: Report) -> Report {
    report
        .results
        .retain(|r| r.details.get("task_mismatch") != Some(&Value::Bool(true)));
    report.summary = Summary::of(&report.results);
    report
}

/// Runs the evaluation; returns the exit code.
pub async fn run(engine: &Engine, args: EvaluateArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    let loaded = LoadedSuite::from_suite(suite, "assay evaluate")?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = drop_other_task(run_suite(engine, &loaded, &options).await?);
    if !args.metrics.is_empty() && !report.results.iter().any(|r| r.id.starts_with("model.")) {
        bail!(
            "--metrics {}: none of these metrics applies to this evaluation (a classifier's \
             metrics are accuracy, roc_auc, ...; a regressor's rmse, r2, ...)",
            args.metrics.join(",")
        );
    }
    args.report.finish(&report)
}
