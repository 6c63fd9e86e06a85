//! [`BenchModelRequest`]: what `assay bench-model MODEL` (and `assay.bench_model`) measures.

use serde::Deserialize;
use serde_json::{Map, Value};

use assay_engine::{ReadOptions, Roles};

use super::{check_flag, entry};
use crate::suite::{
    CheckEntry, DataSection, EvaluationSection, Paths, PerformanceSection, Severity, SuiteOptions,
};
use crate::Suite;

/// What `assay bench-model MODEL` measures (every field as the flag of the same name).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BenchModelRequest {
    /// The model (an ONNX file, or the name a front end registered its model under).
    pub model: String,
    /// Feature columns in input order.
    pub features: Vec<String>,
    /// A baseline model measured in the same run.
    pub baseline_model: Option<String>,
    /// Batch sizes whose latency is measured.
    pub batch_sizes: Vec<usize>,
    /// Untimed warm-up calls per batch size.
    pub warmup: Option<usize>,
    /// Timed calls per batch size, at least.
    pub iterations: Option<usize>,
    /// Seconds per batch size.
    pub seconds: Option<f64>,
    /// Thread counts of the throughput runs.
    pub throughput_threads: Vec<usize>,
    /// Rows of each throughput run.
    pub throughput_rows: Option<usize>,
    /// Budgets: `p99@1<5`, `throughput>=50000`, `memory<=512`, `load_time<=2000`,
    /// `regression<=1.2`.
    pub budgets: Vec<String>,
}

/// Splits `p99@1<5` into ("p99@1", "<5").
fn split_budget(b: &str) -> Option<(&str, &str)> {
    let at = b.find(['<', '>', '='])?;
    Some((b[..at].trim(), b[at..].trim()))
}

/// The suite entry a budget describes.
pub fn budget_entry(b: &str) -> Result<CheckEntry, String> {
    let Some((what, condition)) = split_budget(b) else {
        return Err(format!(
            "--budget `{b}`: expected WHAT OP NUMBER, e.g. p99@1<5 or throughput>=50000"
        ));
    };
    crate::Condition::parse(condition).map_err(|e| format!("--budget `{b}`: {e}"))?;
    let mut params = Map::new();
    let id = match what {
        "throughput" => "performance.throughput",
        "memory" => "performance.memory",
        "load_time" | "load" => "performance.load_time",
        "regression" => "performance.regression",
        other => {
            let (pct, batch) = other.split_once('@').unwrap_or((other, ""));
            if !["p50", "p90", "p99", "max", "mean"].contains(&pct) {
                return Err(format!(
                    "--budget `{b}`: `{what}` is not one of pXX@BATCH (p50, p90, p99, max, mean), throughput, memory, load_time, regression"
                ));
            }
            params.insert("percentile".into(), Value::from(pct));
            if !batch.is_empty() {
                let n: usize = batch.parse().map_err(|_| {
                    format!("--budget `{b}`: batch `{batch}` is not a whole number")
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

impl BenchModelRequest {
    /// The suite benchmarking the model on `data` (rows fed to it; default uniform random
    /// values); `Err` names the wrong option as its flag.
    pub fn suite(&self, data: Option<&str>, read: &ReadOptions) -> Result<Suite, String> {
        let d = PerformanceSection::default();
        if let Some(s) = self.seconds {
            if !(s.is_finite() && s > 0.0) {
                return Err(format!("--seconds must be a positive number, got {s}"));
            }
            check_flag("--seconds", "performance.seconds_per_size", s)?;
        }
        if self.batch_sizes.contains(&0) || self.throughput_threads.contains(&0) {
            return Err("--batch-sizes and --throughput-threads must be at least 1".into());
        }
        // The ranges of the performance section, named by flag (see crate::limits).
        for (flag, key, value) in [
            ("--warmup", "performance.warmup", self.warmup),
            ("--iterations", "performance.iterations", self.iterations),
            (
                "--throughput-rows",
                "performance.throughput_rows",
                self.throughput_rows,
            ),
        ] {
            if let Some(v) = value {
                check_flag(flag, key, v as f64)?;
            }
        }
        for b in &self.batch_sizes {
            check_flag("--batch-sizes", "performance.batch_sizes", *b as f64)?;
        }
        for t in &self.throughput_threads {
            check_flag("--throughput-threads", "performance.threads", *t as f64)?;
        }
        let mut distinct = self.batch_sizes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if !distinct.is_empty() {
            check_flag(
                "the number of --batch-sizes",
                "performance.batch_sizes (count)",
                distinct.len() as f64,
            )?;
        }
        check_flag(
            "the number of --throughput-threads",
            "performance.threads (count)",
            self.throughput_threads.len() as f64,
        )?;
        let performance = PerformanceSection {
            model: Some(self.model.clone()),
            baseline_model: self.baseline_model.clone(),
            features: (!self.features.is_empty()).then(|| self.features.clone()),
            batch_sizes: if distinct.is_empty() {
                d.batch_sizes.clone()
            } else {
                distinct
            },
            warmup: self.warmup.unwrap_or(d.warmup),
            iterations: self.iterations.unwrap_or(d.iterations),
            seconds_per_size: self.seconds.unwrap_or(d.seconds_per_size),
            threads: self.throughput_threads.clone(),
            throughput_rows: self.throughput_rows.unwrap_or(d.throughput_rows),
            sample_rows: d.sample_rows,
        };
        let budgets: Vec<CheckEntry> = self
            .budgets
            .iter()
            .map(|b| budget_entry(b))
            .collect::<Result<_, _>>()?;
        // Every figure is reported (as a warning-level result with the default condition),
        // unless a budget already covers it: latency budgets cover their batch size.
        let budgeted_batches: Vec<u64> = budgets
            .iter()
            .filter(|b| b.check == "performance.latency")
            .filter_map(|b| b.params.get("batch").and_then(Value::as_u64))
            .collect();
        let mut checks: Vec<CheckEntry> = Vec::new();
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
        if self.baseline_model.is_some()
            && !budgets.iter().any(|b| b.check == "performance.regression")
        {
            checks.push(entry("performance.regression", Map::new(), Severity::Warn));
        }
        checks.extend(budgets);
        let spec = read.spec(Vec::new())?;
        Ok(Suite {
            name: Some(format!("bench-model: {}", self.model)),
            data: DataSection {
                current: match data {
                    Some(d) => Paths::One(d.to_string()),
                    None => Paths::Many(Vec::new()),
                },
                reference: None,
                format: read.format.clone(),
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
