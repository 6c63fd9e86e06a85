//! Prometheus metrics of the service (`GET /metrics`).

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(String, String)>;

/// Every metric the service exports.
pub struct Metrics {
    registry: Registry,
    /// Rows acknowledged, by monitor and format.
    pub ingest_rows: Family<Labels, Counter>,
    /// Ingest requests by outcome (accepted, rejected, overloaded, too_large).
    pub ingest_requests: Family<Labels, Counter>,
    /// Ingest requests being processed.
    pub ingest_in_flight: Gauge,
    /// Pushed profiles accepted, by monitor.
    pub profiles_pushed: Family<Labels, Counter>,
    /// Labels accepted, by monitor.
    pub labels: Family<Labels, Counter>,
    /// Window evaluations, by monitor and status.
    pub window_evaluations: Family<Labels, Counter>,
    /// Latest window status per monitor: 0 pass, 1 warn, 2 fail, 3 error.
    pub window_status: Family<Labels, Gauge<f64, AtomicU64>>,
    /// Latest value of every figure, by monitor, check and column.
    pub check_value: Family<Labels, Gauge<f64, AtomicU64>>,
    /// Latest drift score per monitor and column (the `drift.*` checks' values).
    pub drift_score: Family<Labels, Gauge<f64, AtomicU64>>,
    /// Seconds to evaluate a window, by monitor.
    pub evaluation_seconds: Family<Labels, Histogram>,
    /// Seconds from a window's close to its stored result, by monitor.
    pub close_to_result_seconds: Family<Labels, Histogram>,
    /// HTTP request latency, by route, method and status.
    pub http_seconds: Family<Labels, Histogram>,
    /// Alerts raised, by monitor and kind.
    pub alerts: Family<Labels, Counter>,
    /// Webhook delivery attempts, by outcome (delivered, failed, gave_up).
    pub webhook_attempts: Family<Labels, Counter>,
    /// Background task failures (a panic or an unexpected stop), by task.
    pub task_failures: Family<Labels, Counter>,
    /// 1 while a background task runs, 0 while it waits to be restarted, by task.
    pub task_up: Family<Labels, Gauge>,
    /// Window evaluations that failed with an internal error (the window is marked `error`).
    pub evaluation_faults: Family<Labels, Counter>,
}

fn seconds_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.5, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("assay");
        let ingest_rows = Family::<Labels, Counter>::default();
        registry.register(
            "ingest_rows",
            "Rows acknowledged by ingestion",
            ingest_rows.clone(),
        );
        let ingest_requests = Family::<Labels, Counter>::default();
        registry.register(
            "ingest_requests",
            "Ingest requests by outcome",
            ingest_requests.clone(),
        );
        let ingest_in_flight = Gauge::default();
        registry.register(
            "ingest_in_flight",
            "Ingest requests being processed",
            ingest_in_flight.clone(),
        );
        let profiles_pushed = Family::<Labels, Counter>::default();
        registry.register(
            "profiles_pushed",
            "Profiles pushed (hybrid mode)",
            profiles_pushed.clone(),
        );
        let labels = Family::<Labels, Counter>::default();
        registry.register("labels", "Delayed labels accepted", labels.clone());
        let window_evaluations = Family::<Labels, Counter>::default();
        registry.register(
            "window_evaluations",
            "Window evaluations by status",
            window_evaluations.clone(),
        );
        let window_status = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "window_status",
            "Status of the latest evaluated window: 0 pass, 1 warn, 2 fail, 3 error",
            window_status.clone(),
        );
        let check_value = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "check_value",
            "Latest value of each check's figure",
            check_value.clone(),
        );
        let drift_score = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "drift_score",
            "Latest drift score per column",
            drift_score.clone(),
        );
        let evaluation_seconds = Family::<Labels, Histogram>::new_with_constructor(
            seconds_histogram as fn() -> Histogram,
        );
        registry.register(
            "window_evaluation_seconds",
            "Time to evaluate a window",
            evaluation_seconds.clone(),
        );
        let close_to_result_seconds = Family::<Labels, Histogram>::new_with_constructor(
            seconds_histogram as fn() -> Histogram,
        );
        registry.register(
            "window_close_to_result_seconds",
            "Time from a window's close to its stored result",
            close_to_result_seconds.clone(),
        );
        let http_seconds = Family::<Labels, Histogram>::new_with_constructor(
            seconds_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            http_seconds.clone(),
        );
        let alerts = Family::<Labels, Counter>::default();
        registry.register("alerts", "Alerts raised", alerts.clone());
        let webhook_attempts = Family::<Labels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts by outcome",
            webhook_attempts.clone(),
        );
        let task_failures = Family::<Labels, Counter>::default();
        registry.register(
            "background_task_failures",
            "Background task failures (panic or stop), by task; each is restarted with backoff",
            task_failures.clone(),
        );
        let task_up = Family::<Labels, Gauge>::default();
        registry.register(
            "background_task_up",
            "1 while a background task runs, 0 while it waits to be restarted",
            task_up.clone(),
        );
        let evaluation_faults = Family::<Labels, Counter>::default();
        registry.register(
            "window_evaluation_faults",
            "Window evaluations that failed with an internal error, by monitor",
            evaluation_faults.clone(),
        );
        Metrics {
            registry,
            task_failures,
            task_up,
            evaluation_faults,
            ingest_rows,
            ingest_requests,
            ingest_in_flight,
            profiles_pushed,
            labels,
            window_evaluations,
            window_status,
            check_value,
            drift_score,
            evaluation_seconds,
            close_to_result_seconds,
            http_seconds,
            alerts,
            webhook_attempts,
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Label set helper.
pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
