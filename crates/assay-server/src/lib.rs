//! `assay serve`: the continuous monitoring service. It receives what a model sees and predicts
//! (rows as JSON Lines, CSV or Arrow IPC, or only profiles in hybrid setups) and, later, the
//! true labels; cuts them into tumbling windows; evaluates each closed window against the
//! monitor's reference profile with assay's checks; keeps the history (SQLite or PostgreSQL);
//! alerts through webhooks; and shows it all on a dashboard and in Prometheus metrics.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod dashboard;
pub mod evaluate;
pub mod ingest;
pub mod metrics;
pub mod monitor;
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
        .merge(ui::routes())
        .fallback(api::not_found)
        .layer(from_fn_with_state(state.clone(), api::observe))
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
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
    tokio::spawn(evaluate::run_evaluator(state.clone()));
    tokio::spawn(alerts::run_sender(state.clone()));
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
