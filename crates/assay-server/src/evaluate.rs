//! Window evaluation: when a window closes (or new labels or late rows arrive for it), its rows
//! and pushed profiles become the current dataset, the reference profile the reference, and the
//! monitor's checks run on them with assay's ordinary check runner. Checks that need ground
//! truth run on the rows whose label has arrived. Results, figures and the status are stored;
//! a status change raises an alert.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow::compute::filter_record_batch;
use arrow::datatypes::DataType;

use assay_checks::suite::Paths;
use assay_checks::{run_suite, LoadedSuite, RunOptions};
use assay_engine::ProfileOptions;
use assay_report::{CheckResult, Report, Status, Summary};
use assay_stats::Profile;

use crate::alerts;
use crate::ingest::decode_stored;
use crate::metrics::labels;
use crate::monitor::Windowing;
use crate::state::{AppState, MonitorEntry};
use crate::store::now_ms;

/// Runs forever: closes due time windows, evaluates closed and re-opened windows, drops raw
/// rows past retention.
pub async fn run_evaluator(state: Arc<AppState>) {
    let mut last_cleanup = Instant::now();
    loop {
        let tick = Duration::from_millis(state.limits.tick_ms);
        let _ = tokio::time::timeout(tick, state.evaluate_now.notified()).await;
        assay_runtime::fault::inject("evaluator-loop", "*");
        if let Err(e) = close_due_windows(&state).await {
            tracing::error!(error = %e, "closing due windows failed");
        }
        loop {
            // Kept current during a backlog: ingestion answers 429 beyond the limit.
            if let Ok(n) = pending_count(&state).await {
                state
                    .pending_windows
                    .store(n, std::sync::atomic::Ordering::SeqCst);
            }
            match next_window(&state).await {
                Ok(Some((entry, key))) => {
                    let name = entry.monitor.name().to_string();
                    if let Ok(mut current) = state.tasks.evaluating.lock() {
                        *current = Some((entry.monitor.id, key));
                    }
                    // A panic inside one window's evaluation fails that window only.
                    let outcome = assay_runtime::fault::isolate_future(async {
                        assay_runtime::fault::inject("evaluate-window", &key.to_string());
                        evaluate_window(&state, &entry, key).await
                    })
                    .await;
                    if let Ok(mut current) = state.tasks.evaluating.lock() {
                        *current = None;
                    }
                    let failure = match outcome {
                        Ok(Ok(())) => None,
                        Ok(Err(EvalError::Transient(e))) => {
                            // Tried again on a later tick; a re-evaluation stays pending.
                            tracing::warn!(monitor = %name, window = key, error = %e, "window evaluation postponed");
                            let _ = sqlx::query("UPDATE windows SET dirty = 1 WHERE monitor_id = $1 AND window_key = $2 AND state = 'evaluated'")
                                .bind(entry.monitor.id)
                                .bind(key)
                                .execute(state.store.pool())
                                .await;
                            break;
                        }
                        Ok(Err(EvalError::Failed(e))) => Some(e),
                        Err(fault) => {
                            state
                                .metrics
                                .evaluation_faults
                                .get_or_create(&labels(&[("monitor", &name)]))
                                .inc();
                            Some(fault)
                        }
                    };
                    if entry.deleted.load(std::sync::atomic::Ordering::SeqCst) {
                        // Deleted while it was evaluated: its rows and windows are gone.
                        tracing::debug!(monitor = %name, window = key, "monitor deleted during evaluation");
                    } else if let Some(e) = failure {
                        tracing::error!(monitor = %name, window = key, error = %e, "window evaluation failed");
                        // Do not spin on a window that cannot be evaluated: store the error.
                        let _ = store_failure(&state, &entry, key, &e).await;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "finding windows to evaluate failed");
                    break;
                }
            }
        }
        if let Ok(n) = pending_count(&state).await {
            state
                .pending_windows
                .store(n, std::sync::atomic::Ordering::SeqCst);
        }
        if last_cleanup.elapsed() > Duration::from_secs(60) {
            last_cleanup = Instant::now();
            if let Err(e) = drop_expired_rows(&state).await {
                tracing::error!(error = %e, "retention cleanup failed");
            }
            if let Err(e) = crate::windows::forget_old_keys(&state.store).await {
                tracing::error!(error = %e, "idempotency key cleanup failed");
            }
        }
    }
}

async fn close_due_windows(state: &AppState) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for entry in state.all_monitors().await {
        if let Windowing::Time { grace_ms, .. } = entry.monitor.windowing {
            sqlx::query("UPDATE windows SET state = 'closed', closed_ms = $1 WHERE monitor_id = $2 AND state = 'open' AND end_ms <= $3")
                .bind(now)
                .bind(entry.monitor.id)
                .bind(now - grace_ms)
                .execute(state.store.pool())
                .await?;
        }
    }
    Ok(())
}

/// Closed windows not yet evaluated.
pub async fn pending_count(state: &AppState) -> Result<i64, sqlx::Error> {
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM windows WHERE state = 'closed'")
        .fetch_one(state.store.pool())
        .await?;
    Ok(row.0)
}

async fn next_window(state: &AppState) -> Result<Option<(Arc<MonitorEntry>, i64)>, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT monitor_id, window_key FROM windows \
         WHERE state = 'closed' OR (state = 'evaluated' AND dirty = 1) \
         ORDER BY closed_ms, window_key LIMIT 1",
    )
    .fetch_optional(state.store.pool())
    .await?;
    let Some((monitor_id, key)) = row else {
        return Ok(None);
    };
    let entry = state
        .all_monitors()
        .await
        .into_iter()
        .find(|e| e.monitor.id == monitor_id);
    match entry {
        Some(e) => Ok(Some((e, key))),
        None => {
            // A monitor that failed to load: park its windows.
            sqlx::query("UPDATE windows SET state = 'evaluated', dirty = 0, status = 'error' WHERE monitor_id = $1 AND window_key = $2")
                .bind(monitor_id)
                .bind(key)
                .execute(state.store.pool())
                .await?;
            Ok(None)
        }
    }
}

async fn drop_expired_rows(state: &AppState) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for entry in state.all_monitors().await {
        sqlx::query(
            "DELETE FROM batches WHERE monitor_id = $1 AND window_key IN \
             (SELECT window_key FROM windows WHERE monitor_id = $1 AND state = 'evaluated' AND closed_ms < $2)",
        )
        .bind(entry.monitor.id)
        .bind(now - entry.monitor.retention_ms)
        .execute(state.store.pool())
        .await?;
    }
    Ok(())
}

/// The overall status of a window: the worst result (skipped results do not count).
pub fn overall_status(results: &[CheckResult]) -> Status {
    let mut worst = Status::Pass;
    for r in results {
        let rank = |s: Status| match s {
            Status::Pass | Status::Skipped => 0,
            Status::Warn => 1,
            Status::Error => 2,
            Status::Fail => 3,
        };
        if rank(r.status) > rank(worst) {
            worst = r.status;
        }
    }
    worst
}

/// Why a window could not be evaluated.
#[derive(Debug)]
pub enum EvalError {
    /// The database or the disk is unavailable for now (down, disk full): the window is left
    /// to be evaluated again later, not marked `error`.
    Transient(String),
    /// The window cannot be evaluated: it is stored with status `error`.
    Failed(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Transient(m) | EvalError::Failed(m) => f.write_str(m),
        }
    }
}

impl From<String> for EvalError {
    fn from(m: String) -> Self {
        EvalError::Failed(m)
    }
}

impl From<&str> for EvalError {
    fn from(m: &str) -> Self {
        EvalError::Failed(m.to_string())
    }
}

impl EvalError {
    fn database(e: sqlx::Error) -> EvalError {
        let message = format!("database: {e}");
        match crate::store::classify(&e) {
            crate::store::DbFault::Unavailable | crate::store::DbFault::Full => {
                EvalError::Transient(message)
            }
            crate::store::DbFault::Other => EvalError::Failed(message),
        }
    }

    fn io(what: String, e: std::io::Error) -> EvalError {
        let message = format!("{what}: {e}");
        if e.kind() == std::io::ErrorKind::StorageFull {
            EvalError::Transient(message)
        } else {
            EvalError::Failed(message)
        }
    }

    fn arrow(what: String, e: arrow::error::ArrowError) -> EvalError {
        match e {
            arrow::error::ArrowError::IoError(_, io) => EvalError::io(what, io),
            other => EvalError::Failed(format!("{what}: {other}")),
        }
    }
}

/// Evaluates one window and stores its result.
pub async fn evaluate_window(
    state: &AppState,
    entry: &MonitorEntry,
    key: i64,
) -> Result<(), EvalError> {
    let started = Instant::now();
    let monitor = &entry.monitor;
    let pool = state.store.pool();
    let db = EvalError::database;
    // Labels or rows arriving from here on mark the window again.
    sqlx::query("UPDATE windows SET dirty = 0 WHERE monitor_id = $1 AND window_key = $2")
        .bind(monitor.id)
        .bind(key)
        .execute(pool)
        .await
        .map_err(db)?;
    let info: (i64, i64, i64, i64, Option<i64>, i64) = sqlx::query_as(
        "SELECT start_ms, end_ms, rows, profile_rows, closed_ms, opened_ms FROM windows WHERE monitor_id = $1 AND window_key = $2",
    )
    .bind(monitor.id)
    .bind(key)
    .fetch_one(pool)
    .await
    .map_err(db)?;
    let (start_ms, end_ms, _, _, closed_ms, opened_ms) = info;
    let blobs: Vec<(Vec<u8>,)> = sqlx::query_as(
        "SELECT data FROM batches WHERE monitor_id = $1 AND window_key = $2 ORDER BY id",
    )
    .bind(monitor.id)
    .bind(key)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut batches = Vec::new();
    for (blob,) in &blobs {
        batches.extend(decode_stored(blob).map_err(|e| format!("stored rows: {e}"))?);
    }
    let pushed: Vec<(String,)> = sqlx::query_as(
        "SELECT profile FROM pushed_profiles WHERE monitor_id = $1 AND window_key = $2 ORDER BY id",
    )
    .bind(monitor.id)
    .bind(key)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut labelled_rows = 0usize;
    if let (Some(id_col), Some(label_col)) = (&monitor.id_column, &monitor.label_column) {
        if !batches.is_empty() {
            let rows: Vec<(String, Option<String>)> = sqlx::query_as(
                "SELECT event_id, label FROM labels WHERE monitor_id = $1 AND received_ms >= $2",
            )
            .bind(monitor.id)
            .bind(opened_ms)
            .fetch_all(pool)
            .await
            .map_err(db)?;
            let map: HashMap<String, Option<String>> = rows.into_iter().collect();
            if !map.is_empty() {
                batches = batches
                    .iter()
                    .map(|b| join_labels(b, id_col, label_col, &map))
                    .collect::<Result<_, _>>()?;
            }
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("window-")
        .tempdir_in(state.scratch.path())
        .map_err(|e| EvalError::io("scratch directory".into(), e))?;
    let reference_path = dir.path().join("reference.profile.json");
    write_file(
        &reference_path,
        monitor
            .reference
            .to_json()
            .map_err(|e| e.to_string())?
            .as_bytes(),
    )?;
    let reference_path = reference_path.to_string_lossy().into_owned();
    // Which checks need ground truth.
    let suite = &monitor.suite.suite;
    let needs_labels: Vec<bool> = suite
        .checks
        .iter()
        .map(|e| {
            assay_checks::find(&e.check)
                .map(|c| c.needs_evaluation())
                .unwrap_or(false)
                || e.check.starts_with("target.")
                || e.check == "drift.target"
                || e.check.starts_with("fairness.")
        })
        .collect();
    let mut results: Vec<CheckResult> = Vec::new();
    let mut report: Option<Report> = None;
    // Data checks: every row, and the pushed profiles.
    if needs_labels.iter().any(|n| !n) {
        let current_path = if pushed.is_empty() {
            write_rows(dir.path(), "window.arrow", &batches)?
        } else {
            let mut merged: Option<Profile> = None;
            for (text,) in &pushed {
                let p = Profile::from_json(text).map_err(|e| format!("pushed profile: {e}"))?;
                match merged.as_mut() {
                    None => merged = Some(p),
                    Some(m) => m
                        .merge(&p)
                        .map_err(|e| format!("pushed profiles do not merge: {e}"))?,
                }
            }
            if !batches.is_empty() {
                let path = write_rows(dir.path(), "rows.arrow", &batches)?;
                let mut rows = profile_rows(state, &monitor.suite, &path).await?;
                if let Some(m) = merged.as_mut() {
                    // Pushed profiles carry no id or time columns: compare what both have.
                    rows.columns.retain(|c| m.column(&c.name).is_some());
                    m.merge(&rows).map_err(|e| {
                        format!("pushed profiles do not merge with the window's rows: {e}")
                    })?;
                }
            }
            let p = merged.ok_or("empty window")?;
            let path = dir.path().join("window.profile.json");
            write_file(&path, p.to_json().map_err(|e| e.to_string())?.as_bytes())?;
            path.to_string_lossy().into_owned()
        };
        let r = run_part(
            state,
            &monitor.suite,
            &needs_labels,
            false,
            &current_path,
            &reference_path,
        )
        .await?;
        results.extend(r.results.iter().cloned());
        report = Some(r);
    }
    // Model checks: the rows whose label has arrived.
    if needs_labels.iter().any(|n| *n) {
        let labelled: Vec<RecordBatch> = match &monitor.label_column {
            Some(label_col) => batches
                .iter()
                .map(|b| only_labelled(b, label_col))
                .collect::<Result<_, _>>()?,
            None => batches.clone(),
        };
        labelled_rows = labelled.iter().map(|b| b.num_rows()).sum();
        if labelled_rows == 0 {
            for (entry, needs) in suite.checks.iter().zip(&needs_labels) {
                if *needs {
                    results.push(CheckResult {
                        id: entry.check.clone(),
                        column: None,
                        status: Status::Skipped,
                        value: None,
                        threshold: None,
                        condition: None,
                        severity: entry.severity.unwrap_or_default().as_str().to_string(),
                        message: format!(
                            "no labelled rows yet in this window ({} rows wait for their `{}` label)",
                            batches.iter().map(|b| b.num_rows()).sum::<usize>(),
                            monitor.label_column.as_deref().unwrap_or("target")
                        ),
                        details: Default::default(),
                    });
                }
            }
        } else {
            let path = write_rows(dir.path(), "labelled.arrow", &labelled)?;
            let r = run_part(
                state,
                &monitor.suite,
                &needs_labels,
                true,
                &path,
                &reference_path,
            )
            .await?;
            results.extend(r.results.iter().cloned());
            if report.is_none() {
                report = Some(r);
            }
        }
    }
    let mut report = report.ok_or("the monitor has no checks")?;
    report.suite = monitor.name().to_string();
    report.summary = Summary::of(&results);
    report.results = results;
    let status = overall_status(&report.results);
    let report_json = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    let now = now_ms();
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query(
        "UPDATE windows SET state = 'evaluated', status = $1, evaluated_ms = $2, evaluations = evaluations + 1, report = $3 \
         WHERE monitor_id = $4 AND window_key = $5",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(report_json)
    .bind(monitor.id)
    .bind(key)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query("DELETE FROM figures WHERE monitor_id = $1 AND window_key = $2")
        .bind(monitor.id)
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for (chunk_index, chunk) in report.results.chunks(500).enumerate() {
        let mut sql = String::from(
            "INSERT INTO figures (monitor_id, window_key, position, check_id, column_name, value, threshold, score, status) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let p = i * 9;
            let placeholders: Vec<String> = (1..=9).map(|k| format!("${}", p + k)).collect();
            sql.push_str(&format!("({})", placeholders.join(", ")));
        }
        // Not cached: nulls bound in one evaluation must not fix parameter types for the next.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for (i, r) in chunk.iter().enumerate() {
            q = q
                .bind(monitor.id)
                .bind(key)
                .bind((chunk_index * 500 + i) as i64)
                .bind(r.id.clone())
                .bind(r.column.clone().unwrap_or_default())
                .bind(r.value.filter(|v| v.is_finite()))
                .bind(r.threshold.filter(|v| v.is_finite()))
                .bind(drift_score(r))
                .bind(r.status.as_str());
        }
        q.execute(&mut *tx).await.map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    // Metrics.
    let m = &state.metrics;
    let name = monitor.name();
    m.window_evaluations
        .get_or_create(&labels(&[("monitor", name), ("status", status.as_str())]))
        .inc();
    m.evaluation_seconds
        .get_or_create(&labels(&[("monitor", name)]))
        .observe(started.elapsed().as_secs_f64());
    if let Some(closed) = closed_ms {
        m.close_to_result_seconds
            .get_or_create(&labels(&[("monitor", name)]))
            .observe(((now - closed).max(0) as f64) / 1000.0);
    }
    let newest: Option<(i64,)> = sqlx::query_as(
        "SELECT MAX(window_key) FROM windows WHERE monitor_id = $1 AND state = 'evaluated'",
    )
    .bind(monitor.id)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let is_newest = newest.map(|(k,)| k <= key).unwrap_or(true);
    if is_newest {
        let code = match status {
            Status::Pass | Status::Skipped => 0.0,
            Status::Warn => 1.0,
            Status::Fail => 2.0,
            Status::Error => 3.0,
        };
        m.window_status
            .get_or_create(&labels(&[("monitor", name)]))
            .set(code);
        for r in &report.results {
            if let Some(v) = r.value.filter(|v| v.is_finite()) {
                let column = r.column.clone().unwrap_or_default();
                m.check_value
                    .get_or_create(&labels(&[
                        ("monitor", name),
                        ("check", &r.id),
                        ("column", &column),
                    ]))
                    .set(v);
                if let (Some(score), false) = (drift_score(r), column.is_empty()) {
                    m.drift_score
                        .get_or_create(&labels(&[("monitor", name), ("column", &column)]))
                        .set(score);
                }
            }
        }
        let rows =
            batches.iter().map(|b| b.num_rows()).sum::<usize>() as u64 + pushed_rows(&pushed);
        alerts::on_window_status(state, entry, key, (start_ms, end_ms, rows), status, &report)
            .await
            .map_err(db)?;
    }
    tracing::info!(
        monitor = %name,
        window = key,
        status = status.as_str(),
        rows = batches.iter().map(|b| b.num_rows()).sum::<usize>(),
        labelled_rows,
        pushed_profiles = pushed.len(),
        seconds = started.elapsed().as_secs_f64(),
        "window evaluated"
    );
    Ok(())
}

/// The drift score of a per-column drift result: its effect size (the measure every drift
/// method reports on one scale, e.g. Wasserstein distance ÷ reference std for numbers, the
/// share moved for categories), which grows with drift, unlike the p-value a test's condition
/// reads; the absolute statistic when a method reports no effect size.
pub fn drift_score(r: &CheckResult) -> Option<f64> {
    if !r.id.starts_with("drift.") || r.column.is_none() {
        return None;
    }
    r.details
        .get("effect_size")
        .and_then(|v| v.as_f64())
        .or_else(|| {
            r.details
                .get("statistic")
                .and_then(|v| v.as_f64())
                .map(f64::abs)
        })
        .or(r.value)
        .filter(|v| v.is_finite())
}

fn pushed_rows(pushed: &[(String,)]) -> u64 {
    pushed
        .iter()
        .filter_map(|(t,)| Profile::from_json(t).ok())
        .map(|p| p.rows)
        .sum()
}

/// Marks a window whose evaluation brought the evaluator down as evaluated with status `error`
/// (called by the supervisor before it restarts the task).
pub async fn mark_faulted(state: &AppState, monitor_id: i64, key: i64, why: &str) {
    let entry = state
        .all_monitors()
        .await
        .into_iter()
        .find(|e| e.monitor.id == monitor_id);
    if let Some(entry) = entry {
        state
            .metrics
            .evaluation_faults
            .get_or_create(&labels(&[("monitor", entry.monitor.name())]))
            .inc();
        if let Err(e) = store_failure(state, &entry, key, why).await {
            tracing::error!(window = key, error = %e, "cannot mark the faulted window");
        }
    }
}

async fn store_failure(
    state: &AppState,
    entry: &MonitorEntry,
    key: i64,
    message: &str,
) -> Result<(), sqlx::Error> {
    let report = serde_json::json!({ "error": message }).to_string();
    sqlx::query(
        "UPDATE windows SET state = 'evaluated', status = 'error', dirty = 0, evaluated_ms = $1, evaluations = evaluations + 1, report = $2 \
         WHERE monitor_id = $3 AND window_key = $4",
    )
    .bind(now_ms())
    .bind(report)
    .bind(entry.monitor.id)
    .bind(key)
    .execute(state.store.pool())
    .await?;
    state
        .metrics
        .window_evaluations
        .get_or_create(&labels(&[
            ("monitor", entry.monitor.name()),
            ("status", "error"),
        ]))
        .inc();
    Ok(())
}

async fn run_part(
    state: &AppState,
    base: &LoadedSuite,
    needs_labels: &[bool],
    labelled: bool,
    current: &str,
    reference: &str,
) -> Result<Report, String> {
    let mut loaded = base.clone();
    loaded.suite.checks = base
        .suite
        .checks
        .iter()
        .zip(needs_labels)
        .filter(|(_, n)| **n == labelled)
        .map(|(c, _)| c.clone())
        .collect();
    loaded.suite.data.current = Paths::One(current.to_string());
    // Id and time columns are bookkeeping: a pushed profile need not have them.
    if current.ends_with(".profile.json") {
        let text = std::fs::read_to_string(current).map_err(|e| e.to_string())?;
        let profile = Profile::from_json(&text).map_err(|e| e.to_string())?;
        let roles = &mut loaded.suite.roles;
        if roles
            .id
            .as_ref()
            .is_some_and(|c| profile.column(c).is_none())
        {
            roles.id = None;
        }
        if roles
            .timestamp
            .as_ref()
            .is_some_and(|c| profile.column(c).is_none())
        {
            roles.timestamp = None;
        }
    }
    loaded.suite.data.reference = Some(Paths::One(reference.to_string()));
    loaded.suite.data.format = None;
    run_suite(&state.engine, &loaded, &RunOptions::default())
        .await
        .map_err(|e| e.to_string())
}

async fn profile_rows(
    state: &AppState,
    suite: &LoadedSuite,
    path: &str,
) -> Result<Profile, String> {
    let options = ProfileOptions {
        exact_cap: suite.suite.options.exact_distinct_cap,
        categorical_max_distinct: suite.suite.options.categorical_max_distinct,
        kind_overrides: suite.suite.roles.kind_overrides(),
        columns: None,
        progress: false,
        capture: None,
        keep_rows: None,
        ..ProfileOptions::default()
    };
    let spec = assay_engine::source::SourceSpec::path(path);
    assay_engine::load_dataset(&state.engine, &spec, &options)
        .await
        .map(|d| d.profile)
        .map_err(|e| e.to_string())
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), EvalError> {
    std::fs::write(path, bytes)
        .map_err(|e| EvalError::io(format!("cannot write {}", path.display()), e))
}

/// Writes batches as an Arrow IPC file; returns its path.
fn write_rows(
    dir: &std::path::Path,
    name: &str,
    batches: &[RecordBatch],
) -> Result<String, EvalError> {
    let path = dir.join(name);
    let what = || format!("cannot write {}", path.display());
    let file = std::fs::File::create(&path).map_err(|e| EvalError::io(what(), e))?;
    let Some(first) = batches.first() else {
        return Err("the window has no rows".into());
    };
    let mut writer =
        arrow::ipc::writer::FileWriter::try_new(std::io::BufWriter::new(file), &first.schema())
            .map_err(|e| EvalError::arrow(what(), e))?;
    for b in batches {
        writer.write(b).map_err(|e| EvalError::arrow(what(), e))?;
    }
    writer.finish().map_err(|e| EvalError::arrow(what(), e))?;
    Ok(path.to_string_lossy().into_owned())
}

/// Replaces the label column by the labels received for the rows' ids (rows without a received
/// label keep what they carried).
fn join_labels(
    batch: &RecordBatch,
    id_col: &str,
    label_col: &str,
    labels: &HashMap<String, Option<String>>,
) -> Result<RecordBatch, String> {
    let schema = batch.schema();
    let (Ok(id_index), Ok(label_index)) = (schema.index_of(id_col), schema.index_of(label_col))
    else {
        return Ok(batch.clone());
    };
    let ids =
        arrow::compute::cast(batch.column(id_index), &DataType::Utf8).map_err(|e| e.to_string())?;
    let ids = ids.as_any().downcast_ref::<StringArray>().ok_or("ids")?;
    let current = arrow::compute::cast(batch.column(label_index), &DataType::Utf8)
        .map_err(|e| e.to_string())?;
    let current = current
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or("labels")?;
    let joined: StringArray = (0..batch.num_rows())
        .map(|i| {
            let received = (!ids.is_null(i))
                .then(|| labels.get(ids.value(i)))
                .flatten();
            match received {
                Some(l) => l.clone(),
                None => (!current.is_null(i)).then(|| current.value(i).to_string()),
            }
        })
        .collect();
    let target_type = schema.field(label_index).data_type().clone();
    let joined: ArrayRef = arrow::compute::cast(&joined, &target_type)
        .map_err(|e| format!("labels of `{label_col}` do not fit its type {target_type}: {e}"))?;
    let mut columns = batch.columns().to_vec();
    columns[label_index] = joined;
    RecordBatch::try_new(schema, columns).map_err(|e| e.to_string())
}

fn only_labelled(batch: &RecordBatch, label_col: &str) -> Result<RecordBatch, String> {
    let Some(labels) = batch.column_by_name(label_col) else {
        return Ok(batch.clone());
    };
    let mask = arrow::compute::is_not_null(labels).map_err(|e| e.to_string())?;
    filter_record_batch(batch, &mask).map_err(|e| e.to_string())
}
