//! Storing what arrives: rows cut into windows, pushed profiles, delayed labels. Everything is
//! committed to the database before the request is acknowledged.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use arrow::array::RecordBatch;
use serde::Serialize;

use assay_stats::Profile;

use crate::ingest::{encode_ipc, event_times, split_by_key};
use crate::monitor::Windowing;
use crate::state::MonitorEntry;
use crate::store::{now_ms, Store};

/// What an ingest request stored (committed before the answer).
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stored {
    /// Rows acknowledged (for a pushed profile, its row count).
    pub accepted: u64,
    /// Keys of the windows the rows went to.
    pub windows: Vec<i64>,
    /// Windows this request closed (row-count windows).
    pub closed: Vec<i64>,
    /// True when this answer replays an earlier request with the same `Idempotency-Key`
    /// (nothing was stored again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schema(schema_with = crate::openapi::schemas::only_true)]
    pub replayed: bool,
}

/// The stored answer to an earlier request with this idempotency key, if any.
async fn replay(
    store: &Store,
    monitor_id: i64,
    key: Option<&str>,
) -> Result<Option<Stored>, StoreRowsError> {
    let Some(key) = key else { return Ok(None) };
    let row: Option<(String,)> =
        sqlx::query_as("SELECT response FROM ingest_keys WHERE monitor_id = $1 AND idem_key = $2")
            .bind(monitor_id)
            .bind(key)
            .fetch_optional(store.pool())
            .await?;
    Ok(row
        .and_then(|(text,)| serde_json::from_str::<Stored>(&text).ok())
        .map(|s| Stored {
            replayed: true,
            ..s
        }))
}

/// Records the answer to a request with an idempotency key, in the request's transaction.
async fn remember(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    monitor_id: i64,
    key: Option<&str>,
    stored: &Stored,
    now: i64,
) -> Result<(), StoreRowsError> {
    let Some(key) = key else { return Ok(()) };
    let text = serde_json::to_string(stored).map_err(|e| StoreRowsError::Rows(e.to_string()))?;
    sqlx::query(
        "INSERT INTO ingest_keys (monitor_id, idem_key, received_ms, response) VALUES ($1, $2, $3, $4)",
    )
    .bind(monitor_id)
    .bind(key)
    .bind(now)
    .bind(text)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets idempotency keys older than a day.
pub async fn forget_old_keys(store: &Store) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ingest_keys WHERE received_ms < $1")
        .bind(now_ms() - 86_400_000)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Why storing failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreRowsError {
    /// The rows are wrong (400).
    #[error("{0}")]
    Rows(String),
    /// The database failed (500).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The monitor was deleted meanwhile (404).
    #[error("the monitor was deleted")]
    Deleted,
}

/// Cuts decoded batches into windows and stores them in one transaction.
pub async fn store_rows(
    store: &Store,
    entry: &MonitorEntry,
    batches: Vec<RecordBatch>,
    idempotency_key: Option<&str>,
) -> Result<Stored, StoreRowsError> {
    let monitor = &entry.monitor;
    let _guard = entry.ingest_lock.lock().await;
    if entry.deleted.load(Ordering::SeqCst) {
        return Err(StoreRowsError::Deleted);
    }
    if let Some(earlier) = replay(store, monitor.id, idempotency_key).await? {
        return Ok(earlier);
    }
    let now = now_ms();
    let mut parts: BTreeMap<i64, Vec<RecordBatch>> = BTreeMap::new();
    let mut accepted = 0u64;
    let mut closed = Vec::new();
    let mut total = entry.rows_total.load(Ordering::SeqCst);
    match monitor.windowing {
        Windowing::Rows(n) => {
            for batch in batches {
                let mut offset = 0usize;
                while offset < batch.num_rows() {
                    let key = (total / n) as i64;
                    let room = (n - total % n) as usize;
                    let take = room.min(batch.num_rows() - offset);
                    parts
                        .entry(key)
                        .or_default()
                        .push(batch.slice(offset, take));
                    offset += take;
                    total += take as u64;
                    accepted += take as u64;
                    if total.is_multiple_of(n) {
                        closed.push(key);
                    }
                }
            }
        }
        Windowing::Time { size_ms, .. } => {
            let mut row_offset = 0usize;
            for batch in batches {
                let times = match &monitor.time_column {
                    Some(c) => event_times(&batch, c, row_offset).map_err(StoreRowsError::Rows)?,
                    None => vec![now; batch.num_rows()],
                };
                row_offset += batch.num_rows();
                let keys: Vec<i64> = times
                    .iter()
                    .map(|t| Windowing::key_of_time(size_ms, *t))
                    .collect();
                for (key, part) in split_by_key(&batch, &keys).map_err(StoreRowsError::Rows)? {
                    accepted += part.num_rows() as u64;
                    parts.entry(key).or_default().push(part);
                }
            }
        }
    }
    if accepted == 0 {
        return Ok(Stored {
            accepted: 0,
            windows: Vec::new(),
            closed: Vec::new(),
            replayed: false,
        });
    }
    let mut tx = store.pool().begin().await?;
    for (key, batches) in &parts {
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let bytes = encode_ipc(batches).map_err(StoreRowsError::Rows)?;
        sqlx::query("INSERT INTO batches (monitor_id, window_key, rows, received_ms, data) VALUES ($1, $2, $3, $4, $5)")
            .bind(monitor.id)
            .bind(*key)
            .bind(rows as i64)
            .bind(now)
            .bind(bytes)
            .execute(&mut *tx)
            .await?;
        let (start, end) = match monitor.windowing {
            Windowing::Rows(_) => (now, now),
            w @ Windowing::Time { .. } => w.bounds(*key),
        };
        upsert_window(&mut tx, monitor.id, *key, start, end, rows as i64, 0, now).await?;
    }
    if let Windowing::Rows(_) = monitor.windowing {
        advance_row_windows(&mut tx, monitor.id, total, &closed, now).await?;
    }
    let stored = Stored {
        accepted,
        windows: parts.keys().copied().collect(),
        closed,
        replayed: false,
    };
    remember(&mut tx, monitor.id, idempotency_key, &stored, now).await?;
    tx.commit().await?;
    entry.rows_total.store(total, Ordering::SeqCst);
    Ok(stored)
}

/// Row-count windows: stores the row cursor and closes the windows that filled up.
async fn advance_row_windows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    monitor_id: i64,
    total: u64,
    closed: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE monitors SET rows_total = $1 WHERE id = $2")
        .bind(total as i64)
        .bind(monitor_id)
        .execute(&mut **tx)
        .await?;
    for key in closed {
        sqlx::query("UPDATE windows SET state = 'closed', closed_ms = $1 WHERE monitor_id = $2 AND window_key = $3 AND state = 'open'")
            .bind(now)
            .bind(monitor_id)
            .bind(*key)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds rows (and pushed-profile rows) to a window, creating it open. Rows arriving for a
/// window already closed (being or done evaluating) mark it for another evaluation.
#[allow(clippy::too_many_arguments)]
async fn upsert_window(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    monitor_id: i64,
    key: i64,
    start: i64,
    end: i64,
    rows: i64,
    profile_rows: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO windows (monitor_id, window_key, start_ms, end_ms, rows, profile_rows, state, opened_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) \
         ON CONFLICT (monitor_id, window_key) DO UPDATE SET \
           rows = windows.rows + excluded.rows, \
           profile_rows = windows.profile_rows + excluded.profile_rows, \
           end_ms = CASE WHEN excluded.end_ms > windows.end_ms THEN excluded.end_ms ELSE windows.end_ms END, \
           dirty = CASE WHEN windows.state = 'open' THEN windows.dirty ELSE 1 END",
    )
    .bind(monitor_id)
    .bind(key)
    .bind(start)
    .bind(end)
    .bind(rows)
    .bind(profile_rows)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores a pushed profile in the window of `time_ms` (time windows) or the open window
/// (row-count windows; a profile is never split, so it may carry a window past its size).
pub async fn store_profile(
    store: &Store,
    entry: &MonitorEntry,
    profile: &Profile,
    time_ms: Option<i64>,
    idempotency_key: Option<&str>,
) -> Result<Stored, StoreRowsError> {
    let monitor = &entry.monitor;
    let _guard = entry.ingest_lock.lock().await;
    if entry.deleted.load(Ordering::SeqCst) {
        return Err(StoreRowsError::Deleted);
    }
    if let Some(earlier) = replay(store, monitor.id, idempotency_key).await? {
        return Ok(earlier);
    }
    let now = now_ms();
    let rows = profile.rows;
    let text = profile
        .to_json()
        .map_err(|e| StoreRowsError::Rows(e.to_string()))?;
    let mut closed = Vec::new();
    let mut total = entry.rows_total.load(Ordering::SeqCst);
    let (key, start, end) = match monitor.windowing {
        Windowing::Rows(n) => {
            let key = (total / n) as i64;
            let before = total;
            let overflow =
                || StoreRowsError::Rows("the monitor's row counter would overflow".into());
            total = total.checked_add(rows).ok_or_else(overflow)?;
            if total / n > before / n || total.is_multiple_of(n) {
                closed.push(key);
                // The next window starts empty.
                total = total.div_ceil(n).checked_mul(n).ok_or_else(overflow)?;
            }
            (key, now, now)
        }
        w @ Windowing::Time { size_ms, .. } => {
            let key = Windowing::key_of_time(size_ms, time_ms.unwrap_or(now));
            let (s, e) = w.bounds(key);
            (key, s, e)
        }
    };
    let mut tx = store.pool().begin().await?;
    sqlx::query("INSERT INTO pushed_profiles (monitor_id, window_key, rows, received_ms, profile) VALUES ($1, $2, $3, $4, $5)")
        .bind(monitor.id)
        .bind(key)
        .bind(rows as i64)
        .bind(now)
        .bind(text)
        .execute(&mut *tx)
        .await?;
    upsert_window(&mut tx, monitor.id, key, start, end, 0, rows as i64, now).await?;
    if let Windowing::Rows(_) = monitor.windowing {
        advance_row_windows(&mut tx, monitor.id, total, &closed, now).await?;
    }
    let stored = Stored {
        accepted: rows,
        windows: vec![key],
        closed,
        replayed: false,
    };
    remember(&mut tx, monitor.id, idempotency_key, &stored, now).await?;
    tx.commit().await?;
    entry.rows_total.store(total, Ordering::SeqCst);
    Ok(stored)
}

/// Stores labels (replacing earlier labels of the same events) and marks recently evaluated
/// windows for another evaluation. Returns how many windows were marked.
pub async fn store_labels(
    store: &Store,
    entry: &MonitorEntry,
    labels: &[(String, Option<String>)],
) -> Result<u64, sqlx::Error> {
    let monitor = &entry.monitor;
    let now = now_ms();
    let mut tx = store.pool().begin().await?;
    // 4 parameters a row; SQLite allows 32766 per statement.
    for chunk in labels.chunks(2_000) {
        let mut sql =
            String::from("INSERT INTO labels (monitor_id, event_id, label, received_ms) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let p = i * 4;
            sql.push_str(&format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4));
        }
        sql.push_str(" ON CONFLICT (monitor_id, event_id) DO UPDATE SET label = excluded.label, received_ms = excluded.received_ms");
        // Not cached: nulls bound in one evaluation must not fix parameter types for the next.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (id, label) in chunk {
            q = q
                .bind(monitor.id)
                .bind(id.clone())
                .bind(label.clone())
                .bind(now);
        }
        q.execute(&mut *tx).await?;
    }
    let marked = sqlx::query("UPDATE windows SET dirty = 1 WHERE monitor_id = $1 AND state <> 'open' AND closed_ms >= $2")
        .bind(monitor.id)
        .bind(now - monitor.label_wait_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(marked)
}

/// Closes a monitor's open windows now (`POST …/close`); returns their keys.
pub async fn close_open_windows(
    store: &Store,
    entry: &MonitorEntry,
) -> Result<Vec<i64>, sqlx::Error> {
    let monitor = &entry.monitor;
    let _guard = entry.ingest_lock.lock().await;
    let now = now_ms();
    let keys: Vec<(i64,)> = sqlx::query_as("SELECT window_key FROM windows WHERE monitor_id = $1 AND state = 'open' ORDER BY window_key")
        .bind(monitor.id)
        .fetch_all(store.pool())
        .await?;
    let mut tx = store.pool().begin().await?;
    sqlx::query("UPDATE windows SET state = 'closed', closed_ms = $1 WHERE monitor_id = $2 AND state = 'open'")
        .bind(now)
        .bind(monitor.id)
        .execute(&mut *tx)
        .await?;
    if let Windowing::Rows(n) = monitor.windowing {
        // The next row starts a new window.
        let total = entry.rows_total.load(Ordering::SeqCst).div_ceil(n) * n;
        sqlx::query("UPDATE monitors SET rows_total = $1 WHERE id = $2")
            .bind(total as i64)
            .bind(monitor.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        entry.rows_total.store(total, Ordering::SeqCst);
    } else {
        tx.commit().await?;
    }
    Ok(keys.into_iter().map(|k| k.0).collect())
}
