//! `performance.latency`: inference latency percentiles per batch size.

use std::any::Any;

use assay_report::details::performance::{LatencyBinCount, LatencyDetails};

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{bench_needs, bench_of, figure, latencies, percentile_of};

/// Latency per batch size.
pub struct Latency;

impl Check for Latency {
    fn id(&self) -> &'static str {
        "performance.latency"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Inference latency of the model per batch size (p50, p90, p99, max), in milliseconds.",
            computes: "For each batch size of performance.batch_sizes, the model is prepared for exactly that many rows (no padding), called performance.warmup times untimed, then timed single-threaded until both performance.iterations calls and performance.seconds_per_size seconds are reached. Value: the chosen percentile of the call times (numpy's linear interpolation), one result per batch size; details: every percentile, the mean, rows/s and a log-spaced histogram.",
            why: "Serving budgets are written as tail latencies at a batch size ('p99 at batch 1 under 5 ms'); a model that meets its accuracy target but misses its latency budget cannot ship.",
            parameters: "percentile: p50, p90, p99 (default), max or mean; batch: only this batch size (or list of sizes).",
            default_condition: "<= 100 (ms)",
            exactness: "Measured wall time on this machine: percentiles of the timed calls, exact for those calls; noisy across machines and runs (compare models within one run with performance.regression).",
            references: "MLPerf Inference (single-stream latency percentiles); numpy.percentile.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(100.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["percentile", "batch"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        bench_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let bench = bench_of(inputs)?;
        let which = percentile_of(inputs)?;
        let mut out = Vec::new();
        for l in latencies(inputs, &bench.candidate)? {
            let value = figure(l, which);
            let histogram: Vec<LatencyBinCount> = l
                .histogram
                .iter()
                .map(|(edge, count)| LatencyBinCount {
                    upper_ms: *edge,
                    count: *count,
                })
                .collect();
            out.push(
                Measurement::value(
                    Some(&format!("batch {}", l.batch_rows)),
                    value,
                    format!(
                        "batch {}: {which} {value:.3} ms (p50 {:.3}, p90 {:.3}, p99 {:.3}, max {:.3}) over {} calls, {:.0} rows/s",
                        l.batch_rows, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.iterations, l.rows_per_s
                    ),
                )
                .with_details(&LatencyDetails {
                    model: Some(bench.candidate.model.clone()),
                    batch_rows: Some(l.batch_rows as u64),
                    percentile: Some(which.to_string()),
                    iterations: Some(l.iterations as u64),
                    p50_ms: Some(l.p50_ms),
                    p90_ms: Some(l.p90_ms),
                    p99_ms: Some(l.p99_ms),
                    max_ms: Some(l.max_ms),
                    mean_ms: Some(l.mean_ms),
                    rows_per_s: Some(l.rows_per_s),
                    histogram: Some(histogram),
                }),
            );
        }
        Ok(out)
    }
}
