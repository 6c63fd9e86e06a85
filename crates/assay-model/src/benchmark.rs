//! Inference benchmark of an ONNX model ([`bench()`]): load time, single-threaded latency per
//! batch size, multi-threaded throughput and memory, for `assay bench-model` and suite
//! performance checks.

use std::time::Instant;

use arrow::array::UInt64Array;
use arrow::compute::take_record_batch;
use arrow::record_batch::RecordBatch;
use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::model::Binding;
use crate::Model;

/// Timed calls per batch size never exceed this many (beyond `min_iterations`), whatever
/// the time budget: it bounds the memory of the recorded latencies.
pub const MAX_ITERATIONS: usize = 1_000_000;

/// Histogram bins per decade of latency (log-spaced edges `10^(k/10)` ms).
pub const HISTOGRAM_BINS_PER_DECADE: u32 = 10;

/// What to measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchConfig {
    /// Batch sizes (rows per call) whose latency is measured. Default `[1, 8, 64, 512]`.
    pub batch_sizes: Vec<usize>,
    /// Untimed calls per batch size before timing. Default 5.
    pub warmup: usize,
    /// Timed calls per batch size, at least (≥ 1). Default 30.
    pub min_iterations: usize,
    /// Timing of a batch size goes on past `min_iterations` until this many seconds have
    /// passed (up to [`MAX_ITERATIONS`] calls). Default 2.0.
    pub max_seconds_per_size: f64,
    /// Thread counts whose throughput is measured. Default `[1, available cores]`.
    pub threads: Vec<usize>,
    /// Rows predicted per throughput measurement (0 skips throughput). Default 100,000.
    pub throughput_rows: usize,
}

impl Default for BenchConfig {
    fn default() -> Self {
        // Every core the thread budget allows (`--threads`).
        let cores = assay_runtime::threads::budget();
        let mut threads = vec![1];
        if cores > 1 {
            threads.push(cores);
        }
        BenchConfig {
            batch_sizes: vec![1, 8, 64, 512],
            warmup: 5,
            min_iterations: 30,
            max_seconds_per_size: 2.0,
            threads,
            throughput_rows: 100_000,
        }
    }
}

/// The benchmark's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchResult {
    /// The model file.
    pub model: String,
    /// Wall time of [`OnnxModel::load`] (chunks of [`CHUNK_ROWS`](crate::CHUNK_ROWS) rows),
    /// milliseconds.
    pub load_ms: f64,
    /// Latency per batch size, in the configured order.
    pub latency: Vec<LatencyStats>,
    /// Throughput per thread count, in the configured order.
    pub throughput: Vec<Throughput>,
    /// Peak resident set size of the process (`VmHWM`), bytes; `None` off Linux.
    pub peak_rss_bytes: Option<u64>,
    /// Whether the peak was reset before the benchmark; when `false`, `peak_rss_bytes`
    /// covers the whole life of the process.
    pub peak_rss_reset: bool,
    /// Resident set growth while loading the model (`VmRSS` after minus before, 0 if it
    /// shrank), bytes; `None` off Linux.
    pub model_rss_bytes: Option<u64>,
}

impl BenchResult {
    /// The latency figures of batch size `batch_rows`, if it was measured.
    pub fn latency_at(&self, batch_rows: usize) -> Option<&LatencyStats> {
        self.latency.iter().find(|l| l.batch_rows == batch_rows)
    }
}

/// Single-threaded latency of one batch size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Rows per call (the model was prepared for exactly this many).
    pub batch_rows: usize,
    /// Wall time of loading the model for this batch size, milliseconds.
    pub load_ms: f64,
    /// Timed calls.
    pub iterations: usize,
    /// Fastest call, milliseconds.
    pub min_ms: f64,
    /// Median, milliseconds (numpy linear interpolation).
    pub p50_ms: f64,
    /// 90th percentile, milliseconds (numpy linear interpolation).
    pub p90_ms: f64,
    /// 99th percentile, milliseconds (numpy linear interpolation).
    pub p99_ms: f64,
    /// Slowest call, milliseconds.
    pub max_ms: f64,
    /// Mean, milliseconds.
    pub mean_ms: f64,
    /// Log-spaced histogram: `(upper edge in ms, calls)`, edges `10^(k/10)` ms (10 per
    /// decade), contiguous from the bin of the fastest call to that of the slowest; a bin
    /// holds the calls slower than the previous edge and not slower than its own.
    pub histogram: Vec<(f64, u64)>,
    /// Rows per second over the timed calls (rows / summed call time).
    pub rows_per_s: f64,
}

/// Multi-threaded throughput.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Throughput {
    /// Worker threads.
    pub threads: usize,
    /// Rows predicted.
    pub rows: usize,
    /// Wall time of the call, seconds.
    pub seconds: f64,
    /// Rows per second.
    pub rows_per_s: f64,
}

/// Benchmarks the model at `path` on `data` (sample rows, cycled to fill larger batches),
/// binding `columns` (the data's column names) and `features` as [`OnnxModel::bind`] does.
///
/// What is measured:
///
/// - **Load time** ([`BenchResult::load_ms`]): wall time of [`OnnxModel::load`] (reading,
///   optimizing and preparing the model for chunks of [`CHUNK_ROWS`](crate::CHUNK_ROWS)
///   rows), the model every other assay command runs. Each batch size's own load is in
///   [`LatencyStats::load_ms`].
/// - **Latency** ([`LatencyStats`]): for each batch size, a model prepared for exactly that
///   many rows ([`OnnxModel::load_with_batch_rows`], so a batch of 1 is not padded to
///   [`CHUNK_ROWS`](crate::CHUNK_ROWS)); [`BenchConfig::warmup`] calls discarded, then at
///   least [`BenchConfig::min_iterations`] timed calls, continuing while less than
///   [`BenchConfig::max_seconds_per_size`] has passed. One call is one
///   [`OnnxModel::predict`] on one thread, Arrow columns in and decoded predictions out
///   (what a serving path pays). Successive calls read successive windows of the sample
///   rows, cycled when the batch is larger than the sample. Percentiles use numpy's default
///   (`method="linear"`) interpolation between order statistics.
/// - **Throughput** ([`Throughput`]): one [`OnnxModel::predict`] over
///   [`BenchConfig::throughput_rows`] rows (the sample cycled) with each thread count, after
///   one untimed warm-up call on a slice of them, with the
///   [`CHUNK_ROWS`](crate::CHUNK_ROWS) model.
/// - **Memory** (Linux only, `None` elsewhere): process-level figures from
///   `/proc/self/status`. The peak resident set (`VmHWM`) is reset before the benchmark by
///   writing `5` to `/proc/self/clear_refs` when the kernel allows it
///   ([`BenchResult::peak_rss_reset`]); otherwise it is the peak of the process's whole life.
///   [`BenchResult::model_rss_bytes`] is the resident set after loading the model minus
///   before. Both include everything else the process does meanwhile (other threads, the
///   sample data), so they are meaningful in a process that runs the benchmark alone.
///
/// A model registered in the process ([`crate::external`], e.g. a Python model) is measured
/// the same way: its load time is the lookup, and it runs on the calling thread whatever the
/// thread count (its own code decides its parallelism).
pub fn bench(
    path: &str,
    data: &RecordBatch,
    columns: &[String],
    features: Option<&[String]>,
    config: &BenchConfig,
) -> Result<BenchResult, ModelError> {
    let config_err = |reason: String| ModelError::Config {
        path: path.to_string(),
        reason,
    };
    if config.batch_sizes.contains(&0) {
        return Err(config_err(
            "benchmark batch sizes must be at least 1".into(),
        ));
    }
    if config.threads.contains(&0) {
        return Err(config_err(
            "benchmark thread counts must be at least 1".into(),
        ));
    }
    let budget = assay_runtime::threads::budget();
    if let Some(t) = config.threads.iter().find(|t| **t > budget) {
        return Err(config_err(format!(
            "a throughput measurement with {t} threads exceeds the thread budget of {budget} \
             (--threads); raise --threads or measure fewer threads"
        )));
    }
    if config.min_iterations == 0 {
        return Err(config_err(
            "the benchmark needs at least 1 timed call per batch size (min_iterations)".into(),
        ));
    }
    if !(config.max_seconds_per_size.is_finite() && config.max_seconds_per_size >= 0.0) {
        return Err(config_err(format!(
            "max_seconds_per_size must be a finite number of seconds ≥ 0, got {}",
            config.max_seconds_per_size
        )));
    }
    if data.num_rows() == 0 {
        return Err(config_err(
            "the benchmark needs at least one sample row".into(),
        ));
    }

    let peak_rss_reset = memory::reset_peak();
    let rss_before = memory::rss_bytes();
    let started = Instant::now();
    let model = Model::load(path)?;
    let load_ms = ms(started);
    let rss_after = memory::rss_bytes();
    let model_rss_bytes = match (rss_before, rss_after) {
        (Some(b), Some(a)) => Some(a.saturating_sub(b)),
        _ => None,
    };
    let binding = model.bind(columns, features)?;
    let sample = project(path, data, &binding)?;

    let mut latency = Vec::with_capacity(config.batch_sizes.len());
    for &rows in &config.batch_sizes {
        let (sized, sized_load_ms) = if rows == model.batch_rows() {
            (None, load_ms)
        } else {
            let started = Instant::now();
            let m = Model::load_with_batch_rows(path, rows)?;
            (Some(m), ms(started))
        };
        let m = sized.as_ref().unwrap_or(&model);
        latency.push(measure_latency(
            path,
            m,
            &binding,
            &sample,
            rows,
            sized_load_ms,
            config,
        )?);
    }

    let mut throughput = Vec::with_capacity(config.threads.len());
    if config.throughput_rows > 0 && !config.threads.is_empty() {
        let rows = config.throughput_rows;
        let big = cycled(path, &sample, rows)?;
        for &threads in &config.threads {
            let warm = rows.min(threads.saturating_mul(model.batch_rows()));
            model.predict(&binding, &big.slice(0, warm), threads)?;
            let started = Instant::now();
            model.predict(&binding, &big, threads)?;
            let seconds = started.elapsed().as_secs_f64();
            throughput.push(Throughput {
                threads,
                rows,
                seconds,
                rows_per_s: per_second(rows as f64, seconds),
            });
        }
    }

    Ok(BenchResult {
        model: path.to_string(),
        load_ms,
        latency,
        throughput,
        peak_rss_bytes: memory::peak_bytes(),
        peak_rss_reset,
        model_rss_bytes,
    })
}

fn measure_latency(
    path: &str,
    model: &Model,
    binding: &Binding,
    sample: &RecordBatch,
    rows: usize,
    load_ms: f64,
    config: &BenchConfig,
) -> Result<LatencyStats, ModelError> {
    // Calls read windows of `pool`: the sample itself, or the sample cycled when smaller
    // than a batch.
    let pool = if sample.num_rows() >= rows {
        sample.clone()
    } else {
        cycled(path, sample, rows)?
    };
    let windows = pool.num_rows() - rows + 1;
    let window = |call: usize| pool.slice(call.wrapping_mul(rows) % windows, rows);
    for call in 0..config.warmup {
        model.predict(binding, &window(call), 1)?;
    }
    let mut samples: Vec<f64> = Vec::with_capacity(config.min_iterations);
    let started = Instant::now();
    while samples.len() < config.min_iterations
        || (samples.len() < MAX_ITERATIONS
            && started.elapsed().as_secs_f64() < config.max_seconds_per_size)
    {
        let batch = window(config.warmup + samples.len());
        let t = Instant::now();
        model.predict(binding, &batch, 1)?;
        samples.push(ms(t));
    }
    let total_ms: f64 = samples.iter().sum();
    let iterations = samples.len();
    let histogram = log_histogram(&samples);
    samples.sort_by(f64::total_cmp);
    let first = samples.first().copied().unwrap_or(0.0);
    let last = samples.last().copied().unwrap_or(0.0);
    Ok(LatencyStats {
        batch_rows: rows,
        load_ms,
        iterations,
        min_ms: first,
        p50_ms: percentile(&samples, 0.50),
        p90_ms: percentile(&samples, 0.90),
        p99_ms: percentile(&samples, 0.99),
        max_ms: last,
        mean_ms: total_ms / iterations.max(1) as f64,
        histogram,
        rows_per_s: per_second((rows * iterations) as f64, total_ms / 1000.0),
    })
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn per_second(count: f64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count / seconds
    } else {
        0.0
    }
}

/// The bound columns of `data` only.
fn project(path: &str, data: &RecordBatch, binding: &Binding) -> Result<RecordBatch, ModelError> {
    let schema = data.schema();
    let mut indices = Vec::new();
    for name in binding.all_columns() {
        let ix = schema.index_of(&name).map_err(|_| ModelError::Binding {
            path: path.to_string(),
            reason: format!("column `{name}` is missing from the benchmark data"),
        })?;
        indices.push(ix);
    }
    data.project(&indices).map_err(|e| ModelError::Binding {
        path: path.to_string(),
        reason: format!("selecting the model's columns from the benchmark data: {e}"),
    })
}

/// `rows` rows of `sample`, repeated from its start as often as needed.
fn cycled(path: &str, sample: &RecordBatch, rows: usize) -> Result<RecordBatch, ModelError> {
    let n = sample.num_rows();
    if rows <= n {
        return Ok(sample.slice(0, rows));
    }
    let indices = UInt64Array::from_iter_values((0..rows).map(|i| (i % n) as u64));
    take_record_batch(sample, &indices).map_err(|e| ModelError::Config {
        path: path.to_string(),
        reason: format!("repeating the {n} sample rows to {rows}: {e}"),
    })
}

/// The `q` quantile of ascending `sorted` values, numpy's default `linear` method: the value
/// at fractional rank `(n - 1) q`, interpolated between its neighbours. 0 for no values.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let below = sorted.get(lo).copied().unwrap_or(last);
    let above = sorted.get(lo + 1).copied().unwrap_or(below);
    below + (h - lo as f64) * (above - below)
}

/// Histogram of positive latencies (ms) over log-spaced bins `(10^((k-1)/10), 10^(k/10)]`,
/// from the bin of the smallest value to that of the largest; values ≤ 0 count in the first.
pub(crate) fn log_histogram(values: &[f64]) -> Vec<(f64, u64)> {
    let per_decade = f64::from(HISTOGRAM_BINS_PER_DECADE);
    let edge = |k: i32| 10f64.powf(f64::from(k) / per_decade);
    let bin = |v: f64| -> i32 {
        let mut k = (per_decade * v.log10()).ceil() as i32;
        // Guard the float rounding of log10 at the edges.
        if v > edge(k) {
            k += 1;
        } else if v <= edge(k - 1) {
            k -= 1;
        }
        k
    };
    let positive = values.iter().copied().filter(|v| *v > 0.0 && v.is_finite());
    let (Some(lo), Some(hi)) = (
        positive.clone().map(bin).min(),
        positive.clone().map(bin).max(),
    ) else {
        // No positive finite value: one bin at the smallest edge reported (1 ns).
        return if values.is_empty() {
            Vec::new()
        } else {
            vec![(edge(-60), values.len() as u64)]
        };
    };
    let mut counts = vec![0u64; (hi - lo + 1) as usize];
    for &v in values {
        let k = if v > 0.0 && v.is_finite() {
            bin(v)
        } else if v > 0.0 {
            hi
        } else {
            lo
        };
        if let Some(c) = counts.get_mut((k.clamp(lo, hi) - lo) as usize) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| (edge(lo + i as i32), c))
        .collect()
}

/// Process memory from `/proc/self` (Linux).
mod memory {
    #[cfg(target_os = "linux")]
    fn status_kib(field: &str) -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        let rest = line.get(field.len()..)?.trim_start_matches(':').trim();
        let kib = rest.strip_suffix("kB").unwrap_or(rest).trim();
        kib.parse().ok()
    }

    /// Current resident set, bytes.
    pub(super) fn rss_bytes() -> Option<u64> {
        #[cfg(target_os = "linux")]
        {
            status_kib("VmRSS").map(|k| k * 1024)
        }
        #[cfg(not(target_os = "linux"))]
        {
            None
        }
    }

    /// Peak resident set, bytes.
    pub(super) fn peak_bytes() -> Option<u64> {
        #[cfg(target_os = "linux")]
        {
            status_kib("VmHWM").map(|k| k * 1024)
        }
        #[cfg(not(target_os = "linux"))]
        {
            None
        }
    }

    /// Resets the peak resident set to the current one; `false` if not permitted.
    pub(super) fn reset_peak() -> bool {
        #[cfg(target_os = "linux")]
        {
            std::fs::write("/proc/self/clear_refs", "5").is_ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4], [50, 90, 99]) = [2.5, 3.7, 3.97]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((percentile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((percentile(&v, 0.9) - 3.7).abs() < 1e-12);
        assert!((percentile(&v, 0.99) - 3.97).abs() < 1e-12);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 1.0), 4.0);
        assert_eq!(percentile(&[7.0], 0.9), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        // numpy.percentile(range(1, 11), 90) = 9.1
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((percentile(&v, 0.9) - 9.1).abs() < 1e-12);
    }

    #[test]
    fn histogram_bins_are_log_spaced_and_count_everything() {
        // 1 ms is an edge (10^0): it belongs to the bin ending at 1.
        let v = [1.0, 1.1, 1.2, 9.0, 10.0];
        let h = log_histogram(&v);
        assert_eq!(h.len(), 11, "{h:?}");
        assert_eq!(h.first().map(|b| b.0), Some(1.0));
        assert!((h.last().map(|b| b.0).unwrap_or(0.0) - 10.0).abs() < 1e-9);
        assert_eq!(h.iter().map(|b| b.1).sum::<u64>(), 5);
        assert_eq!(h[0].1, 1); // 1.0
        assert_eq!(h[1].1, 2); // 1.1, 1.2 in (1, 1.2589]
        assert_eq!(h[10].1, 2); // 9.0 and 10.0 in (7.94, 10]
        assert_eq!(h[9].1, 0);
        for w in h.windows(2) {
            assert!((w[1].0 / w[0].0 - 10f64.powf(0.1)).abs() < 1e-9);
        }
    }

    #[test]
    fn histogram_of_one_value_and_of_nothing() {
        assert_eq!(log_histogram(&[]), Vec::<(f64, u64)>::new());
        let h = log_histogram(&[0.05, 0.05]);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].1, 2);
        assert!(h[0].0 >= 0.05 && h[0].0 < 0.05 * 10f64.powf(0.1));
        let h = log_histogram(&[0.0, 0.0, 2.0]);
        assert_eq!(h.iter().map(|b| b.1).sum::<u64>(), 3);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn default_config() {
        let c = BenchConfig::default();
        assert_eq!(c.batch_sizes, vec![1, 8, 64, 512]);
        assert_eq!(c.warmup, 5);
        assert_eq!(c.min_iterations, 30);
        assert_eq!(c.max_seconds_per_size, 2.0);
        assert_eq!(c.threads.first(), Some(&1));
        assert_eq!(c.throughput_rows, 100_000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn memory_figures_are_read_on_linux() {
        let rss = memory::rss_bytes().unwrap_or(0);
        let peak = memory::peak_bytes().unwrap_or(0);
        assert!(rss > 0);
        assert!(peak >= rss);
    }
}
