//! `performance.load_time`: time to load and prepare the model.

use std::any::Any;

use assay_report::details::performance::LoadTimeDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{bench_needs, bench_of};

/// Model load time.
pub struct LoadTime;

impl Check for LoadTime {
    fn id(&self) -> &'static str {
        "performance.load_time"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Time to load the model file and prepare it for inference, in milliseconds.",
            computes: "Wall time of reading, parsing and optimizing the ONNX model into a runnable plan (tract), as reported by the benchmark (see `assay bench-model`).",
            why: "Cold starts of serverless functions and autoscaled replicas pay the load time on every new instance.",
            parameters: "none.",
            default_condition: "<= 5000 (ms)",
            exactness: "Measured wall time on this machine.",
            references: "—",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(5000.0)
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        bench_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let bench = bench_of(inputs)?;
        let r = &bench.candidate;
        Ok(vec![Measurement::value(
            None,
            r.load_ms,
            format!("{} loads in {:.1} ms", r.model, r.load_ms),
        )
        .with_details(&LoadTimeDetails {
            model: Some(r.model.clone()),
            baseline_load_ms: bench.baseline.as_ref().map(|b| b.load_ms),
        })])
    }
}
