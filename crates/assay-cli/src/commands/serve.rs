//! `assay serve`: the monitoring service, and `assay token` to manage its API tokens.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use assay_server::auth::{self, Role};
use assay_server::monitor::parse_duration;
use assay_server::{Limits, Location, ServeConfig, Store};

/// Where the service keeps its data.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Data directory for the embedded SQLite database (created if missing).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL database instead: postgres://user:password@host:port/database.
    #[arg(long, value_name = "URL", env = "ASSAY_DATABASE_URL")]
    pub database: Option<String>,
}

impl DatabaseArgs {
    fn location(&self) -> Result<Location> {
        Ok(Location::from_flags(
            self.data_dir.as_deref(),
            self.database.as_deref(),
        )?)
    }
}

/// Arguments of `assay serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM): serve HTTPS (needs --tls-key).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Largest request body in MiB (413 beyond).
    #[arg(long, default_value_t = 64)]
    pub max_body_mb: usize,
    /// Ingest requests processed at once; more wait up to --queue-wait, then get 429.
    #[arg(long, default_value_t = 4)]
    pub max_concurrent_ingest: usize,
    /// How long an ingest request waits for a slot before 429.
    #[arg(long, default_value = "2s")]
    pub queue_wait: String,
    /// Closed windows waiting for evaluation beyond which ingestion answers 429.
    #[arg(long, default_value_t = 64)]
    pub max_pending_windows: i64,
    /// First webhook retry delay (doubled per attempt, at most 5m).
    #[arg(long, default_value = "1s")]
    pub webhook_retry: String,
    /// Webhook attempts before giving up.
    #[arg(long, default_value_t = 8)]
    pub webhook_attempts: i64,
    /// How often time windows are checked for closing.
    #[arg(long, default_value = "1s")]
    pub tick: String,
    /// Timeout of one webhook delivery attempt (a webhook that does not answer in time is
    /// retried with backoff; it never holds back the others).
    #[arg(long, default_value = "10s")]
    pub webhook_timeout: String,
    /// First delay before a failed background task (evaluator, webhook sender) is restarted;
    /// doubled per failure in a row, at most 30s.
    #[arg(long, default_value = "500ms")]
    pub restart_backoff: String,
    /// Log format on stderr: text or json (structured, one object per line).
    #[arg(long, default_value = "text")]
    pub log_format: String,
}

/// A duration flag within `[lo_ms, hi_ms]`.
fn bounded_duration_flag(flag: &str, value: &str, lo_ms: i64, hi_ms: i64) -> Result<i64> {
    let ms = duration_flag(flag, value)?;
    if !(lo_ms..=hi_ms).contains(&ms) {
        bail!(
            "--{flag} `{value}`: expected {} to {}",
            assay_server::monitor::format_duration(lo_ms),
            assay_server::monitor::format_duration(hi_ms)
        );
    }
    Ok(ms)
}

fn duration_flag(flag: &str, value: &str) -> Result<i64> {
    match parse_duration(value) {
        Some(ms) if ms >= 0 => Ok(ms),
        _ => bail!("--{flag} `{value}`: expected a duration such as 500ms, 2s, 1m"),
    }
}

/// Runs the service until SIGINT or SIGTERM.
pub async fn run(args: ServeArgs) -> Result<u8> {
    let json = match args.log_format.as_str() {
        "json" => true,
        "text" => false,
        other => bail!("--log-format `{other}`: expected text or json"),
    };
    if args.max_body_mb == 0 || args.max_body_mb > 1024 {
        bail!("--max-body-mb {}: expected 1 to 1024", args.max_body_mb);
    }
    if !(1..=256).contains(&args.max_concurrent_ingest) {
        bail!(
            "--max-concurrent-ingest {}: expected 1 to 256",
            args.max_concurrent_ingest
        );
    }
    if !(1..=100_000).contains(&args.max_pending_windows) {
        bail!(
            "--max-pending-windows {}: expected 1 to 100000",
            args.max_pending_windows
        );
    }
    if !(1..=100).contains(&args.webhook_attempts) {
        bail!(
            "--webhook-attempts {}: expected 1 to 100",
            args.webhook_attempts
        );
    }
    assay_server::init_logging(json);
    let limits = Limits {
        max_body_bytes: args.max_body_mb << 20,
        max_concurrent_ingest: args.max_concurrent_ingest,
        queue_wait_ms: bounded_duration_flag("queue-wait", &args.queue_wait, 0, 60_000)? as u64,
        max_pending_windows: args.max_pending_windows,
        webhook_retry_base_ms: bounded_duration_flag(
            "webhook-retry",
            &args.webhook_retry,
            1,
            300_000,
        )?,
        webhook_max_attempts: args.webhook_attempts,
        tick_ms: bounded_duration_flag("tick", &args.tick, 10, 60_000)? as u64,
        webhook_timeout_ms: bounded_duration_flag(
            "webhook-timeout",
            &args.webhook_timeout,
            1,
            300_000,
        )? as u64,
        restart_backoff_ms: bounded_duration_flag(
            "restart-backoff",
            &args.restart_backoff,
            1,
            60_000,
        )? as u64,
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(c), Some(k)) => Some((c, k)),
        _ => None,
    };
    assay_server::serve(ServeConfig {
        location: args.database.location()?,
        listen: args.listen,
        tls,
        limits,
    })
    .await?;
    Ok(0)
}

/// Arguments of `assay token`.
#[derive(Args, Debug)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// Token commands (they open the database directly, so the first admin token can be made
/// before the service runs).
#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Make a token; the token is printed on the last line (shown only once).
    Create {
        /// admin (everything), writer (send rows, labels, profiles) or reader (read results).
        #[arg(long)]
        role: String,
        /// A name to recognise it by.
        #[arg(long, default_value = "")]
        name: String,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List tokens (never their secrets).
    List {
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a token by id.
    Revoke {
        /// Token id (from `assay token list`).
        id: i64,
        /// The database.
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Runs `assay token …`.
pub async fn run_token(args: TokenArgs) -> Result<u8> {
    match args.command {
        TokenCommand::Create {
            role,
            name,
            database,
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!("--role `{role}`: expected admin, writer or reader");
            };
            let store = Store::open(&database.location()?).await?;
            let token = auth::create_token(&store, &name, role).await?;
            eprintln!(
                "created {} token {} in {}; it is shown only once:",
                role.as_str(),
                token.id,
                store.place()
            );
            println!("{}", token.token);
        }
        TokenCommand::List { database } => {
            let store = Store::open(&database.location()?).await?;
            println!(
                "{:>5}  {:<7} {:<10} {:<20} name",
                "id", "role", "state", "created (UTC)"
            );
            for t in auth::list_tokens(&store).await? {
                println!(
                    "{:>5}  {:<7} {:<10} {:<20} {}",
                    t.id,
                    t.role.as_str(),
                    if t.revoked_ms.is_some() {
                        "revoked"
                    } else {
                        "active"
                    },
                    assay_server::dashboard::format_utc(t.created_ms),
                    t.name
                );
            }
        }
        TokenCommand::Revoke { id, database } => {
            let store = Store::open(&database.location()?).await?;
            if !auth::revoke_token(&store, id).await? {
                bail!("no active token with id {id} in {}", store.place());
            }
            eprintln!("revoked token {id}");
        }
    }
    Ok(0)
}
