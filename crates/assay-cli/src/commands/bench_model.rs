//! `assay bench-model MODEL.onnx`: inference latency, throughput, memory and load time, with
//! budgets, and a comparison against a baseline model measured in the same run.

use anyhow::{bail, Result};
use clap::Args;
use serde_json::{Map, Value};

use assay_checks::suite::{
    CheckEntry, DataSection, EvaluationSection, Paths, PerformanceSection, Severity, SuiteOptions,
};
use assay_checks::Suite;
use assay_engine::{Engine, Roles};

use crate::data_args::DataArgs;
use crate::report_args::{entry, flag_limit, run_flags_suite, ReportArgs};

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

/// Splits `p99@1<5` into ("p99@1", "<5").
fn split_budget(b: &str) -> Option<(&str, &str)> {
    let at = b.find(['<', '>', '='])?;
    Some((b[..at].trim(), b[at..].trim()))
}

/// The suite entry a budget describes.
pub fn budget_entry(b: &str) -> Result<CheckEntry> {
    let Some((what, condition)) = split_budget(b) else {
        bail!("--budget `{b}`: expected WHAT OP NUMBER, e.g. p99@1<5 or throughput>=50000");
    };
    assay_checks::Condition::parse(condition)
        .map_err(|e| anyhow::anyhow!("--budget `{b}`: {e}"))?;
    let mut params = Map::new();
    let id = match what {
        "throughput" => "performance.throughput",
        "memory" => "performance.memory",
        "load_time" | "load" => "performance.load_time",
        "regression" => "performance.regression",
        other => {
            let (pct, batch) = other.split_once('@').unwrap_or((other, ""));
            if !["p50", "p90", "p99", "max", "mean"].contains(&pct) {
                bail!(
                    "--budget `{b}`: `{what}` is not one of pXX@BATCH (p50, p90, p99, max, mean), throughput, memory, load_time, regression"
                );
            }
            params.insert("percentile".into(), Value::from(pct));
            if !batch.is_empty() {
                let n: usize = batch.parse().map_err(|_| {
                    anyhow::anyhow!("--budget `{b}`: batch `{batch}` is not a whole number")
                })?;
                params.insert("batch".into(), Value::from(n));
            }
            "performance.latency"
        }
    };
    let mut e = entry(id, params, Severity::Fail);
    e.condition = Some(condition.to_string());
    Ok(e)
}

/// Builds the suite the flags describe.
pub fn suite_of(args: &BenchModelArgs) -> Result<Suite> {
    let d = PerformanceSection::default();
    if let Some(s) = args.seconds {
        if !(s.is_finite() && s > 0.0) {
            bail!("--seconds must be a positive number, got {s}");
        }
    }
    if args.batch_sizes.contains(&0) || args.throughput_threads.contains(&0) {
        bail!("--batch-sizes and --throughput-threads must be at least 1");
    }
    // The ranges of the performance section, named by flag (see assay_checks::limits).
    if let Some(s) = args.seconds {
        flag_limit("--seconds", "performance.seconds_per_size", s)?;
    }
    for (flag, key, value) in [
        ("--warmup", "performance.warmup", args.warmup),
        ("--iterations", "performance.iterations", args.iterations),
        (
            "--throughput-rows",
            "performance.throughput_rows",
            args.throughput_rows,
        ),
    ] {
        if let Some(v) = value {
            flag_limit(flag, key, v as f64)?;
        }
    }
    for b in &args.batch_sizes {
        flag_limit("--batch-sizes", "performance.batch_sizes", *b as f64)?;
    }
    for t in &args.throughput_threads {
        flag_limit("--throughput-threads", "performance.threads", *t as f64)?;
    }
    let mut distinct = args.batch_sizes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if !distinct.is_empty() {
        flag_limit(
            "the number of --batch-sizes",
            "performance.batch_sizes (count)",
            distinct.len() as f64,
        )?;
    }
    flag_limit(
        "the number of --throughput-threads",
        "performance.threads (count)",
        args.throughput_threads.len() as f64,
    )?;
    let performance = PerformanceSection {
        model: Some(args.model.clone()),
        baseline_model: args.baseline_model.clone(),
        features: (!args.features.is_empty()).then(|| args.features.clone()),
        batch_sizes: if args.batch_sizes.is_empty() {
            d.batch_sizes.clone()
        } else {
            let mut b = args.batch_sizes.clone();
            b.sort_unstable();
            b.dedup();
            b
        },
        warmup: args.warmup.unwrap_or(d.warmup),
        iterations: args.iterations.unwrap_or(d.iterations),
        seconds_per_size: args.seconds.unwrap_or(d.seconds_per_size),
        threads: args.throughput_threads.clone(),
        throughput_rows: args.throughput_rows.unwrap_or(d.throughput_rows),
        sample_rows: d.sample_rows,
    };
    let mut checks: Vec<CheckEntry> = Vec::new();
    let budgets: Vec<CheckEntry> = args
        .budgets
        .iter()
        .map(|b| budget_entry(b))
        .collect::<Result<_>>()?;
    // Every figure is reported (as a warning-level result with the default condition),
    // unless a budget already covers it: latency budgets cover their batch size.
    let budgeted_batches: Vec<u64> = budgets
        .iter()
        .filter(|b| b.check == "performance.latency")
        .filter_map(|b| b.params.get("batch").and_then(Value::as_u64))
        .collect();
    for id in [
        "performance.load_time",
        "performance.latency",
        "performance.throughput",
        "performance.memory",
    ] {
        let covered = budgets
            .iter()
            .any(|b| b.check == id && !b.params.contains_key("batch"));
        if covered {
            continue;
        }
        let mut params = Map::new();
        if id == "performance.latency" && !budgeted_batches.is_empty() {
            let rest: Vec<Value> = performance
                .batch_sizes
                .iter()
                .filter(|b| !budgeted_batches.contains(&(**b as u64)))
                .map(|b| Value::from(*b))
                .collect();
            if rest.is_empty() {
                continue;
            }
            params.insert("batch".into(), Value::Array(rest));
        }
        checks.push(entry(id, params, Severity::Warn));
    }
    if args.baseline_model.is_some() && !budgets.iter().any(|b| b.check == "performance.regression")
    {
        checks.push(entry("performance.regression", Map::new(), Severity::Warn));
    }
    checks.extend(budgets);
    let spec = args.data_args.spec(Vec::new())?;
    Ok(Suite {
        name: Some(format!("bench-model: {}", args.model)),
        data: DataSection {
            current: match &args.data {
                Some(d) => Paths::One(d.clone()),
                None => Paths::Many(Vec::new()),
            },
            reference: None,
            format: args.data_args.format.clone(),
            csv: spec.csv,
        },
        roles: Roles::default(),
        options: SuiteOptions::default(),
        evaluation: EvaluationSection::default(),
        validation: Default::default(),
        sensitivity: Default::default(),
        performance,
        checks,
    })
}

/// Runs the benchmark; returns the exit code.
pub async fn run(engine: &Engine, args: BenchModelArgs) -> Result<u8> {
    let suite = suite_of(&args)?;
    run_flags_suite(engine, suite, "assay bench-model", &args.report).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_become_checks_with_conditions() {
        let e = budget_entry("p99@1<5").unwrap();
        assert_eq!(e.check, "performance.latency");
        assert_eq!(e.params["percentile"], "p99");
        assert_eq!(e.params["batch"], 1);
        assert_eq!(e.condition.as_deref(), Some("<5"));
        assert_eq!(
            budget_entry("throughput>=1000").unwrap().check,
            "performance.throughput"
        );
        assert_eq!(
            budget_entry("memory <= 512").unwrap().condition.as_deref(),
            Some("<= 512")
        );
        assert!(budget_entry("p42@1<5").is_err());
        assert!(budget_entry("p99@x<5").is_err());
        assert!(budget_entry("p99@1").is_err());
        assert!(budget_entry("memory<=lots").is_err());
    }
}
