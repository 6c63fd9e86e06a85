//! Details of the `performance.*` results (`assay bench-model`, or a suite's `performance:`).

use serde::{Deserialize, Serialize};

use super::lenient;

/// `performance.latency` at one batch size.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyDetails {
    /// Model benchmarked.
    #[serde(default, deserialize_with = "lenient")]
    pub model: Option<String>,
    /// Rows per call.
    #[serde(default, deserialize_with = "lenient")]
    pub batch_rows: Option<u64>,
    /// The figure the condition compares (`p99`).
    #[serde(default, deserialize_with = "lenient")]
    pub percentile: Option<String>,
    /// Timed calls.
    #[serde(default, deserialize_with = "lenient")]
    pub iterations: Option<u64>,
    /// Median call time, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub p50_ms: Option<f64>,
    /// 90th percentile, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub p90_ms: Option<f64>,
    /// 99th percentile, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub p99_ms: Option<f64>,
    /// Slowest call, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub max_ms: Option<f64>,
    /// Mean call time, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub mean_ms: Option<f64>,
    /// Rows per second over the timed calls.
    #[serde(default, deserialize_with = "lenient")]
    pub rows_per_s: Option<f64>,
    /// Log-spaced histogram of call times (10 bins a decade); one malformed bin makes the whole
    /// histogram read as absent (its edges would no longer mean anything).
    #[serde(default, deserialize_with = "lenient")]
    pub histogram: Option<Vec<LatencyBinCount>>,
}

/// Calls not slower than `upper_ms` (and slower than the previous bin's edge).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyBinCount {
    /// Upper edge, ms.
    pub upper_ms: f64,
    /// Calls in the bin.
    pub count: u64,
}

/// `performance.throughput` with one thread count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThroughputDetails {
    /// Model benchmarked.
    #[serde(default, deserialize_with = "lenient")]
    pub model: Option<String>,
    /// Worker threads.
    #[serde(default, deserialize_with = "lenient")]
    pub threads: Option<u64>,
    /// Rows predicted.
    #[serde(default, deserialize_with = "lenient")]
    pub rows: Option<u64>,
    /// Wall time, seconds.
    #[serde(default, deserialize_with = "lenient")]
    pub seconds: Option<f64>,
    /// Rows per second against one thread's.
    #[serde(default, deserialize_with = "lenient")]
    pub speedup: Option<f64>,
}

/// `performance.memory`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryDetails {
    /// Model benchmarked.
    #[serde(default, deserialize_with = "lenient")]
    pub model: Option<String>,
    /// Peak resident memory over the benchmark, MiB.
    #[serde(default, deserialize_with = "lenient")]
    pub peak_mib: Option<f64>,
    /// Resident memory the loaded model adds, MiB.
    #[serde(default, deserialize_with = "lenient")]
    pub model_mib: Option<f64>,
}

/// `performance.load_time`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadTimeDetails {
    /// Model benchmarked.
    #[serde(default, deserialize_with = "lenient")]
    pub model: Option<String>,
    /// The baseline model's load time, ms.
    #[serde(default, deserialize_with = "lenient")]
    pub baseline_load_ms: Option<f64>,
}

/// `performance.regression`: a latency percentile at one batch size, or throughput, of the
/// candidate against the baseline model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PerfRegressionDetails {
    /// The percentile compared (latency rows).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub percentile: Option<String>,
    /// The candidate's figure, ms (latency rows).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub model_ms: Option<f64>,
    /// The baseline's figure, ms (latency rows).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_ms: Option<f64>,
    /// The baseline model (latency rows).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline: Option<String>,
    /// The candidate's rows per second (the throughput row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub model_rows_per_s: Option<f64>,
    /// The baseline's rows per second (the throughput row).
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub baseline_rows_per_s: Option<f64>,
    /// Threads of the throughput compared.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub threads: Option<u64>,
}
