//! Inference performance checks with budgets: latency percentiles per batch size,
//! throughput, memory, load time, and a regression check against a baseline model measured
//! in the same run (see `assay_model::benchmark`).

pub mod latency;
pub mod load_time;
pub mod memory;
pub mod regression;
pub mod throughput;

use assay_model::benchmark::{BenchResult, LatencyStats};

use crate::check::{Check, Inputs};
use crate::suite::{CheckEntry, Suite};
use crate::validation::{BenchRun, ValidationNeeds};

/// Every performance check.
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(latency::Latency),
        Box::new(throughput::Throughput),
        Box::new(memory::Memory),
        Box::new(load_time::LoadTime),
        Box::new(regression::PerformanceRegression),
    ]
}

/// Performance checks need the benchmarks.
pub(crate) fn bench_needs(_: &Suite, _: &CheckEntry) -> ValidationNeeds {
    ValidationNeeds {
        benchmark: true,
        ..ValidationNeeds::default()
    }
}

/// The benchmarks of the run.
pub(crate) fn bench_of<'a>(inputs: &'a Inputs) -> Result<&'a BenchRun, String> {
    inputs
        .validation
        .and_then(|v| v.bench.as_ref())
        .ok_or_else(|| "internal: the benchmarks were not prepared".to_string())
}

/// Which latency figure: `p50`, `p90`, `p99` (default), `max` or `mean`.
pub(crate) fn percentile_of(inputs: &Inputs) -> Result<&'static str, String> {
    Ok(match inputs.param_str("percentile")?.as_deref() {
        None | Some("p99") => "p99",
        Some("p50") => "p50",
        Some("p90") => "p90",
        Some("max") => "max",
        Some("mean") => "mean",
        Some(o) => {
            return Err(format!(
                "params.percentile must be p50, p90, p99, max or mean, got `{o}`"
            ))
        }
    })
}

/// The chosen figure of `s`, milliseconds.
pub(crate) fn figure(s: &LatencyStats, which: &str) -> f64 {
    match which {
        "p50" => s.p50_ms,
        "p90" => s.p90_ms,
        "max" => s.max_ms,
        "mean" => s.mean_ms,
        _ => s.p99_ms,
    }
}

/// Latency rows of `result` restricted to `params.batch` (a batch size or a list) when given.
pub(crate) fn latencies<'a>(
    inputs: &Inputs,
    result: &'a BenchResult,
) -> Result<Vec<&'a LatencyStats>, String> {
    let wanted: Option<Vec<f64>> = match inputs.params.get("batch") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Array(a)) => Some(
            a.iter()
                .map(|v| {
                    v.as_f64()
                        .ok_or_else(|| format!("params.batch must list batch sizes, got {v}"))
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(v) => Some(vec![v
            .as_f64()
            .ok_or_else(|| format!("params.batch must be a batch size, got {v}"))?]),
    };
    let rows: Vec<&LatencyStats> = result
        .latency
        .iter()
        .filter(|l| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&(l.batch_rows as f64)))
        })
        .collect();
    if let Some(w) = &wanted {
        if let Some(missing) = w
            .iter()
            .find(|b| !result.latency.iter().any(|l| l.batch_rows as f64 == **b))
        {
            return Err(format!(
                "params.batch: {missing} is not a measured batch size (performance.batch_sizes: {})",
                result
                    .latency
                    .iter()
                    .map(|l| l.batch_rows.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(rows)
}

/// Bytes as MiB.
pub(crate) fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
