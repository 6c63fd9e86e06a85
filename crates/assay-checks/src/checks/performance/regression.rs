//! `performance.regression`: the model's latency and throughput against a baseline model
//! measured in the same run.

use std::any::Any;

use assay_report::details::performance::PerfRegressionDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{bench_needs, bench_of, figure, latencies, percentile_of};

/// Slow-down against the baseline.
pub struct PerformanceRegression;

impl Check for PerformanceRegression {
    fn id(&self) -> &'static str {
        "performance.regression"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Slow-down of the model against a baseline model benchmarked in the same run.",
            computes: "Per batch size: the model's latency percentile divided by the baseline's (a ratio above 1 is slower); plus one result for throughput with every core: the baseline's rows/s divided by the model's. Both models are measured in the same process, one after the other, with the same rows and settings.",
            why: "Absolute latencies depend on the machine; a ratio against the model in production, measured side by side, is what a CI gate can hold stable.",
            parameters: "percentile: p50 (default), p90, p99, max or mean; batch: only this batch size.",
            default_condition: "<= 1.2 (at most 20% slower)",
            exactness: "Ratio of measured wall times; run-to-run noise of a few percent is normal, so keep a tolerance.",
            references: "—",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(1.2)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["percentile", "batch"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        bench_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let bench = bench_of(inputs)?;
        let Some(base) = &bench.baseline else {
            return Ok(vec![Measurement::skipped(
                None,
                "no baseline model: give performance.baseline_model (or evaluation.baseline_model, --baseline-model)",
            )]);
        };
        let which = match inputs.param_str("percentile")? {
            None => "p50",
            Some(_) => percentile_of(inputs)?,
        };
        let mut out = Vec::new();
        for l in latencies(inputs, &bench.candidate)? {
            let Some(b) = base.latency_at(l.batch_rows) else {
                continue;
            };
            let (c, r) = (figure(l, which), figure(b, which));
            if r <= 0.0 {
                continue;
            }
            let ratio = c / r;
            out.push(
                Measurement::value(
                    Some(&format!("batch {}", l.batch_rows)),
                    ratio,
                    format!(
                        "batch {}: {which} {c:.3} ms vs baseline {r:.3} ms ({ratio:.2}×)",
                        l.batch_rows
                    ),
                )
                .with_reference(Some(r))
                .with_details(&PerfRegressionDetails {
                    percentile: Some(which.to_string()),
                    model_ms: Some(c),
                    baseline_ms: Some(r),
                    baseline: Some(base.model.clone()),
                    ..PerfRegressionDetails::default()
                }),
            );
        }
        let best = |r: &assay_model::benchmark::BenchResult| {
            r.throughput
                .iter()
                .max_by_key(|t| t.threads)
                .map(|t| (t.threads, t.rows_per_s))
        };
        if let (Some((threads, c)), Some((_, b))) = (best(&bench.candidate), best(base)) {
            if c > 0.0 {
                let ratio = b / c;
                out.push(
                    Measurement::value(
                        Some("throughput"),
                        ratio,
                        format!(
                            "throughput with {threads} threads: {c:.0} rows/s vs baseline {b:.0} ({ratio:.2}× slower)"
                        ),
                    )
                    .with_details(&PerfRegressionDetails {
                        model_rows_per_s: Some(c),
                        baseline_rows_per_s: Some(b),
                        threads: Some(threads as u64),
                        ..PerfRegressionDetails::default()
                    }),
                );
            }
        }
        Ok(out)
    }
}
