//! The service's shared state: database, monitors, limits, metrics and wake-ups.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use tokio::sync::{Mutex, Notify, RwLock, Semaphore};

use crate::metrics::Metrics;
use crate::monitor::Monitor;
use crate::store::Store;

/// Limits that keep the service inside its memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted request body, bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Ingest requests decoded and stored at once; more wait up to `queue_wait_ms`, then get 429.
    pub max_concurrent_ingest: usize,
    /// How long an ingest request may wait for a slot before 429.
    pub queue_wait_ms: u64,
    /// Closed windows waiting for evaluation beyond which ingestion answers 429.
    pub max_pending_windows: i64,
    /// First webhook retry delay, doubled per attempt (capped at 5 minutes).
    pub webhook_retry_base_ms: i64,
    /// Webhook attempts before giving up.
    pub webhook_max_attempts: i64,
    /// Evaluator poll period (it is also woken when a window closes).
    pub tick_ms: u64,
    /// Timeout of one webhook delivery attempt.
    pub webhook_timeout_ms: u64,
    /// First delay before restarting a failed background task (doubled per failure in a row,
    /// capped at 30 s).
    pub restart_backoff_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 << 20,
            max_concurrent_ingest: 4,
            queue_wait_ms: 2_000,
            max_pending_windows: 64,
            webhook_retry_base_ms: 1_000,
            webhook_max_attempts: 8,
            tick_ms: 1_000,
            webhook_timeout_ms: 10_000,
            restart_backoff_ms: 500,
        }
    }
}

/// A monitor with its ingestion lock (rows of one monitor are stored one request at a time, so
/// row-count windows are cut in arrival order).
pub struct MonitorEntry {
    /// The monitor.
    pub monitor: Monitor,
    /// Serialises ingestion.
    pub ingest_lock: Mutex<()>,
    /// Rows stored so far (row-count windows).
    pub rows_total: AtomicU64,
    /// Set (under the ingestion lock) when the monitor is deleted.
    pub deleted: std::sync::atomic::AtomicBool,
}

/// Shared by every handler and background task.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Monitors by name.
    pub monitors: RwLock<BTreeMap<String, Arc<MonitorEntry>>>,
    /// Limits.
    pub limits: Limits,
    /// Ingest slots.
    pub ingest_slots: Semaphore,
    /// Metrics.
    pub metrics: Metrics,
    /// Wakes the evaluator (a window closed or labels arrived).
    pub evaluate_now: Notify,
    /// Wakes the webhook sender.
    pub deliver_now: Notify,
    /// assay's check engine (DataFusion session).
    pub engine: assay_engine::Engine,
    /// Scratch directory for window files.
    pub scratch: tempfile::TempDir,
    /// Closed windows not yet evaluated (cached for the overload check).
    pub pending_windows: std::sync::atomic::AtomicI64,
    /// The data directory's lock (one service per data directory), held while serving.
    pub data_dir_lock: Option<std::fs::File>,
    /// Health of the supervised background tasks.
    pub tasks: TaskHealth,
}

/// The supervised background tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Closes and evaluates windows.
    Evaluator,
    /// Delivers webhooks.
    Sender,
}

impl Task {
    /// Its name in logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Task::Evaluator => "evaluator",
            Task::Sender => "webhook_sender",
        }
    }
}

/// Whether each background task is running, and the window the evaluator is working on (so a
/// window whose evaluation brings the task down is marked `error`, not retried forever).
#[derive(Debug, Default)]
pub struct TaskHealth {
    evaluator_up: std::sync::atomic::AtomicBool,
    sender_up: std::sync::atomic::AtomicBool,
    /// `(monitor id, window key)` being evaluated.
    pub evaluating: std::sync::Mutex<Option<(i64, i64)>>,
}

impl TaskHealth {
    fn flag(&self, task: Task) -> &std::sync::atomic::AtomicBool {
        match task {
            Task::Evaluator => &self.evaluator_up,
            Task::Sender => &self.sender_up,
        }
    }

    /// Marks a task running or down.
    pub fn set_up(&self, task: Task, up: bool) {
        self.flag(task)
            .store(up, std::sync::atomic::Ordering::SeqCst);
    }

    /// True while the task runs.
    pub fn is_up(&self, task: Task) -> bool {
        self.flag(task).load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The tasks that are down.
    pub fn down(&self) -> Vec<&'static str> {
        [Task::Evaluator, Task::Sender]
            .into_iter()
            .filter(|t| !self.is_up(*t))
            .map(|t| t.name())
            .collect()
    }
}

impl AppState {
    /// The monitor of that name.
    pub async fn monitor(&self, name: &str) -> Option<Arc<MonitorEntry>> {
        self.monitors.read().await.get(name).cloned()
    }

    /// Every monitor, by name.
    pub async fn all_monitors(&self) -> Vec<Arc<MonitorEntry>> {
        self.monitors.read().await.values().cloned().collect()
    }
}
