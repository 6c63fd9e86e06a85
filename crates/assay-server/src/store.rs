//! The service's database: embedded SQLite in a data directory, or PostgreSQL. Both run the
//! same SQL through sqlx's `Any` driver; the schema is created by versioned migrations
//! (`migrations/sqlite`, `migrations/postgres`) applied on start.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// An embedded SQLite database (`assay.db`) in this directory (created if missing).
    DataDir(PathBuf),
    /// A database URL: `postgres://…` (or `sqlite://…`).
    Url(String),
}

impl Location {
    /// From the `--data-dir` / `--database` flags (the URL wins when both are given).
    pub fn from_flags(
        data_dir: Option<&Path>,
        database: Option<&str>,
    ) -> Result<Location, StoreError> {
        match (database, data_dir) {
            (Some(_), Some(_)) => Err(StoreError::Config(
                "give either --data-dir (embedded SQLite) or --database (PostgreSQL), not both"
                    .into(),
            )),
            (Some(url), None) => Ok(Location::Url(url.to_string())),
            (None, Some(dir)) => Ok(Location::DataDir(dir.to_path_buf())),
            (None, None) => Err(StoreError::Config(
                "give --data-dir DIR (embedded SQLite) or --database postgres://…".into(),
            )),
        }
    }

    fn describe(&self) -> String {
        match self {
            Location::DataDir(d) => format!("SQLite database in {}", d.display()),
            Location::Url(u) => redact(u),
        }
    }
}

/// A database URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Which SQL dialect the database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Bad flags or URL.
    #[error("{0}")]
    Config(String),
    /// The database refused a connection or a statement.
    #[error("database ({place}): {source}")]
    Database {
        /// The database.
        place: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("database ({place}): migration failed: {source}")]
    Migration {
        /// The database.
        place: String,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    place: String,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating the SQLite file or the schema if needed) and applies pending migrations.
    pub async fn open(location: &Location) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let place = location.describe();
        let url = match location {
            Location::DataDir(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Config(format!(
                        "cannot create the data directory {}: {e}",
                        dir.display()
                    ))
                })?;
                format!("sqlite://{}?mode=rwc", dir.join("assay.db").display())
            }
            Location::Url(u) => u.clone(),
        };
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Config(format!(
                "--database {}: expected a postgres:// or sqlite:// URL",
                redact(&url)
            )));
        };
        let db_err = |source| StoreError::Database {
            place: place.clone(),
            source,
        };
        let options = AnyConnectOptions::from_str(&url).map_err(db_err)?;
        // One direct connection first: its error names the cause (refused, authentication,
        // missing database) where the pool would only time out.
        match tokio::time::timeout(
            Duration::from_secs(15),
            sqlx::AnyConnection::connect_with(&options),
        )
        .await
        {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
            Ok(Err(e)) => return Err(db_err(e)),
            Err(_) => {
                return Err(StoreError::Config(format!(
                    "database ({place}): no answer within 15 s"
                )))
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            // A database that is down answers 503 within this time, not after a long hang.
            .acquire_timeout(Duration::from_secs(5))
            // A connection that comes back still inside a transaction (its COMMIT failed, for
            // example on a full disk) is closed, not reused: reused, its next transaction would
            // be a savepoint inside the stuck one, acknowledged but never committed.
            .after_release(|conn, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL keeps readers off the writer's back; NORMAL syncs at checkpoints,
                        // which survives a killed process (the durability promise) but not a
                        // power cut between checkpoints.
                        conn.execute("PRAGMA journal_mode=WAL").await?;
                        conn.execute("PRAGMA synchronous=NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout=30000").await?;
                        conn.execute("PRAGMA foreign_keys=ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(db_err)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migration {
                place: place.clone(),
                source,
            })?;
        Ok(Store {
            pool,
            backend,
            place,
        })
    }

    /// The connection pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The dialect.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database, for messages (password redacted).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// The latest applied migration version.
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        let row: (i64,) = sqlx::query_as(
            "SELECT CAST(MAX(version) AS BIGINT) FROM _sqlx_migrations WHERE success = TRUE",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.0)
    }
}

/// How a database error is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The database cannot be reached or is shutting down (503, retry later): connection
    /// refused or reset, pool timeout, PostgreSQL SQLSTATE 08xxx/57P0x/53200/53300, SQLite
    /// busy, locked or I/O errors.
    Unavailable,
    /// The database's disk is full (507): PostgreSQL 53100, SQLite SQLITE_FULL.
    Full,
    /// Anything else (500).
    Other,
}

/// Classifies a database error.
pub fn classify(e: &sqlx::Error) -> DbFault {
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => DbFault::Full,
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => DbFault::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            match code.parse::<i64>() {
                // SQLite: the primary result code is the low byte of the extended code.
                Ok(n) => match n & 0xff {
                    13 => DbFault::Full,                     // SQLITE_FULL
                    5 | 6 | 10 | 14 => DbFault::Unavailable, // BUSY, LOCKED, IOERR, CANTOPEN
                    _ => DbFault::Other,
                },
                // PostgreSQL SQLSTATE.
                Err(_) => match code.as_str() {
                    "53100" => DbFault::Full,
                    c if c.starts_with("08")
                        || c.starts_with("57P")
                        || c == "53200"
                        || c == "53300" =>
                    {
                        DbFault::Unavailable
                    }
                    _ => DbFault::Other,
                },
            }
        }
        _ => DbFault::Other,
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
