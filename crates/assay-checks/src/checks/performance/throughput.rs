//! `performance.throughput`: rows per second, single- and multi-threaded.

use std::any::Any;

use assay_report::details::performance::ThroughputDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{bench_needs, bench_of};

/// Throughput per thread count.
pub struct Throughput;

impl Check for Throughput {
    fn id(&self) -> &'static str {
        "performance.throughput"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Batch inference throughput of the model, rows per second, per thread count.",
            computes: "performance.throughput_rows rows (the current data's rows, cycled) predicted in 2,048-row chunks split over each thread count of performance.threads (default 1 and every core); value: rows / wall seconds, one result per thread count.",
            why: "Batch scoring jobs and backfills are sized by throughput; a model twice as slow doubles the bill or misses the window.",
            parameters: "threads: only this thread count.",
            default_condition: ">= 1000 (rows/s)",
            exactness: "Measured wall time of one run per thread count on this machine.",
            references: "MLPerf Inference (offline scenario).",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_least(1000.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["threads"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        bench_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let bench = bench_of(inputs)?;
        let wanted = inputs.param_f64("threads")?;
        let single = bench
            .candidate
            .throughput
            .iter()
            .find(|t| t.threads == 1)
            .map(|t| t.rows_per_s);
        Ok(bench
            .candidate
            .throughput
            .iter()
            .filter(|t| wanted.is_none_or(|w| t.threads as f64 == w))
            .map(|t| {
                let speedup = single.filter(|s| *s > 0.0).map(|s| t.rows_per_s / s);
                Measurement::value(
                    Some(&format!(
                        "{} thread{}",
                        t.threads,
                        if t.threads == 1 { "" } else { "s" }
                    )),
                    t.rows_per_s,
                    format!(
                        "{:.0} rows/s with {} thread(s) ({} rows in {:.3} s){}",
                        t.rows_per_s,
                        t.threads,
                        t.rows,
                        t.seconds,
                        speedup.map_or(String::new(), |s| format!(", {s:.2}× one thread"))
                    ),
                )
                .with_details(&ThroughputDetails {
                    model: Some(bench.candidate.model.clone()),
                    threads: Some(t.threads as u64),
                    rows: Some(t.rows as u64),
                    seconds: Some(t.seconds),
                    speedup,
                })
            })
            .collect())
    }
}
