//! `assay serve`: the continuous monitoring service. It receives what a model sees and predicts
//! (rows as JSON Lines, CSV or Arrow IPC, or only profiles in hybrid setups) and, later, the
//! true labels; cuts them into tumbling windows; evaluates each closed window against the
//! monitor's reference profile with assay's checks; keeps the history (SQLite or PostgreSQL);
//! alerts through webhooks; and shows it all on a dashboard and in Prometheus metrics.

// The `fuzzing` feature only separates the fuzz build's instrumented artifacts (scripts/fuzz):
// a build that enables it without the instrumentation (`--all-features`) would share them.
#[cfg(all(feature = "fuzzing", not(fuzzing)))]
compile_error!(
    "the `fuzzing` feature is set only by scripts/fuzz (fuzz/instrument adds `--cfg fuzzing`)"
);

pub mod alerts;
pub mod api;
pub mod auth;
pub mod client;
pub mod dashboard;
pub mod evaluate;
pub mod ingest;
pub mod metrics;
pub mod monitor;
pub mod openapi;
pub mod records;
pub mod state;
pub mod store;
pub mod ui;
pub mod windows;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::Arc;
use std::time::{Duration, Instant};

use state::Task;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::Router;

pub use state::Limits;
pub use store::{Location, Store};

/// How to run the service.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The database.
    pub location: Location,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// TLS certificate chain and private key (PEM), when serving HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Limits.
    pub limits: Limits,
}

/// Logs as JSON lines (`json`) or readable text (`text`), filtered by `ASSAY_LOG` (default
/// `info`).
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASSAY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
}

/// Opens the database, loads the monitors and builds the shared state.
pub async fn prepare(config: &ServeConfig) -> anyhow::Result<Arc<AppState>> {
    let data_dir_lock = match &config.location {
        Location::DataDir(dir) => Some(lock_data_dir(dir)?),
        Location::Url(_) => None,
    };
    let store = Store::open(&config.location).await?;
    let scratch_parent = match &config.location {
        Location::DataDir(d) => d.join("tmp"),
        Location::Url(_) => std::env::temp_dir(),
    };
    std::fs::create_dir_all(&scratch_parent)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", scratch_parent.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix("assay-serve-")
        .tempdir_in(&scratch_parent)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot create a scratch directory in {}: {e}",
                scratch_parent.display()
            )
        })?;
    let mut monitors = BTreeMap::new();
    let totals: Vec<(i64, i64)> = sqlx::query_as("SELECT id, rows_total FROM monitors")
        .fetch_all(store.pool())
        .await?;
    for loaded in monitor::load_all(&store).await? {
        match loaded {
            Ok(m) => {
                let total = totals
                    .iter()
                    .find(|t| t.0 == m.id)
                    .map(|t| t.1.max(0) as u64)
                    .unwrap_or(0);
                monitors.insert(
                    m.name().to_string(),
                    Arc::new(state::MonitorEntry {
                        monitor: m,
                        ingest_lock: Default::default(),
                        rows_total: AtomicU64::new(total),
                        deleted: Default::default(),
                    }),
                );
            }
            Err((name, e)) => {
                tracing::error!(monitor = %name, error = %e, "monitor cannot be loaded; its windows are not evaluated")
            }
        }
    }
    let state = Arc::new(AppState {
        store,
        monitors: tokio::sync::RwLock::new(monitors),
        ingest_slots: tokio::sync::Semaphore::new(config.limits.max_concurrent_ingest.max(1)),
        limits: config.limits.clone(),
        metrics: metrics::Metrics::new(),
        evaluate_now: Default::default(),
        deliver_now: Default::default(),
        engine: assay_engine::Engine::new(None),
        scratch,
        pending_windows: AtomicI64::new(0),
        data_dir_lock,
        tasks: Default::default(),
    });
    if let Ok(n) = evaluate::pending_count(&state).await {
        state
            .pending_windows
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(state)
}

use state::AppState;

/// Takes the data directory's lock: two services on one SQLite file would cut row windows
/// twice.
fn lock_data_dir(dir: &std::path::Path) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the data directory {}: {e}", dir.display()))?;
    let path = dir.join("assay.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(anyhow::anyhow!(
            "another `assay serve` is using the data directory {} (one service per data directory)",
            dir.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(anyhow::anyhow!("cannot lock {}: {e}", path.display()))
        }
    }
}

/// The whole HTTP application.
pub fn app(state: Arc<AppState>) -> Router {
    api::routes(state.clone())
        .fallback(api::not_found)
        .layer(from_fn_with_state(state.clone(), api::observe))
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        // A panic in a handler is a 500 JSON answer for that request, never a dropped
        // connection or a dead server.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            api::panic_response,
        ))
        .with_state(state)
}

/// Runs the service until SIGINT/SIGTERM.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let state = prepare(&config).await?;
    let version = state.store.schema_version().await.unwrap_or(0);
    tracing::info!(
        database = %state.store.place(),
        schema_version = version,
        monitors = state.monitors.read().await.len(),
        listen = %config.listen,
        tls = config.tls.is_some(),
        "assay serve starting"
    );
    start_background_tasks(&state);
    let app = app(state);
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    match &config.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "TLS certificate {} / key {}: {e}",
                        cert.display(),
                        key.display()
                    )
                })?;
            axum_server::bind_rustls(config.listen, tls)
                .handle(handle)
                .serve(app.into_make_service())
                .await
        }
        None => {
            axum_server::bind(config.listen)
                .handle(handle)
                .serve(app.into_make_service())
                .await
        }
    }
    .map_err(|e| anyhow::anyhow!("cannot serve on {}: {e}", config.listen))
}

/// Starts the evaluator and the webhook sender under supervision.
pub fn start_background_tasks(state: &Arc<AppState>) {
    tokio::spawn(supervise(state.clone(), Task::Evaluator));
    tokio::spawn(supervise(state.clone(), Task::Sender));
}

/// Runs a background task forever: when it panics (or stops), the failure is counted in
/// `/metrics` and logged, `/readyz` answers 503 until it runs again, a window the evaluator was
/// working on is marked `error` (so it is skipped, not retried forever), and the task is
/// restarted after a backoff that doubles per failure in a row (reset after a minute of
/// healthy running, capped at 30 s).
async fn supervise(state: Arc<AppState>, task: Task) {
    let base = Duration::from_millis(state.limits.restart_backoff_ms.max(1));
    let mut backoff = base;
    let up = state
        .metrics
        .task_up
        .get_or_create(&metrics::labels(&[("task", task.name())]))
        .clone();
    loop {
        state.tasks.set_up(task, true);
        up.set(1);
        let started = Instant::now();
        let handle = match task {
            Task::Evaluator => tokio::spawn(evaluate::run_evaluator(state.clone())),
            Task::Sender => tokio::spawn(alerts::run_sender(state.clone())),
        };
        let why = match handle.await {
            Ok(()) => "it stopped".to_string(),
            Err(e) if e.is_panic() => assay_runtime::fault::describe_panic(e.into_panic().as_ref()),
            Err(e) => e.to_string(),
        };
        state.tasks.set_up(task, false);
        up.set(0);
        state
            .metrics
            .task_failures
            .get_or_create(&metrics::labels(&[("task", task.name())]))
            .inc();
        if started.elapsed() > Duration::from_secs(60) {
            backoff = base;
        }
        tracing::error!(task = task.name(), error = %why, restart_in_ms = backoff.as_millis() as u64, "background task failed; restarting");
        if task == Task::Evaluator {
            let current = state
                .tasks
                .evaluating
                .lock()
                .ok()
                .and_then(|mut w| w.take());
            if let Some((monitor_id, key)) = current {
                evaluate::mark_faulted(&state, monitor_id, key, &why).await;
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// Logs a panic caught by the service's containment (a handler or background task), with
/// where it happened; the caller turns it into a 500 answer, an `error` window or a restart.
pub fn log_panic(message: &str, location: &str) {
    tracing::error!(panic = %message, at = %location, "internal error contained");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
