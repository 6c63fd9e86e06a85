//! `performance.memory`: memory of the process while the model is loaded and run.

use std::any::Any;

use assay_report::details::performance::MemoryDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{bench_needs, bench_of, mib};

/// Peak memory.
pub struct Memory;

impl Check for Memory {
    fn id(&self) -> &'static str {
        "performance.memory"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Peak memory of the process while the model is benchmarked (MiB), and the memory the loaded model takes.",
            computes: "Linux /proc/self/status: the high-water mark VmHWM over the benchmark (reset before it through /proc/self/clear_refs when the kernel allows) as the value; details: the resident memory the model adds when loaded (VmRSS after − before). Process-level figures: they include the data rows held by assay.",
            why: "A model that fits the latency budget but not the memory of its serving container is killed under load.",
            parameters: "measure: peak (default) or model.",
            default_condition: "<= 1024 (MiB)",
            exactness: "Operating-system counters, page granularity; unavailable (skipped) off Linux.",
            references: "proc(5): VmHWM, VmRSS, clear_refs.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(1024.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["measure"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        bench_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let bench = bench_of(inputs)?;
        let r = &bench.candidate;
        let model_only = match inputs.param_str("measure")?.as_deref() {
            None | Some("peak") => false,
            Some("model") => true,
            Some(o) => return Err(format!("params.measure must be peak or model, got `{o}`")),
        };
        let bytes = if model_only {
            r.model_rss_bytes
        } else {
            r.peak_rss_bytes
        };
        let Some(bytes) = bytes else {
            return Ok(vec![Measurement::skipped(
                None,
                "memory figures are unavailable on this platform (/proc/self/status)",
            )]);
        };
        let value = mib(bytes);
        Ok(vec![Measurement::value(
            None,
            value,
            format!(
                "{} {value:.1} MiB{}",
                if model_only {
                    "the loaded model takes"
                } else {
                    "peak memory"
                },
                r.model_rss_bytes
                    .filter(|_| !model_only)
                    .map_or(String::new(), |m| format!(
                        " (the model itself {:.1} MiB)",
                        mib(m)
                    ))
            ),
        )
        .with_details(&MemoryDetails {
            model: Some(r.model.clone()),
            peak_mib: r.peak_rss_bytes.map(mib),
            model_mib: r.model_rss_bytes.map(mib),
        })])
    }
}
