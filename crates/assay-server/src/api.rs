//! The HTTP API under `/api/v1/`, the health checks and `/metrics`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use assay_stats::Profile;

use crate::auth::{self, Role};
use crate::ingest::{decode_with, labels_of, BodyFormat};
use crate::metrics::labels;
use crate::monitor::{self, Monitor, MonitorSpec};
use crate::records::{
    AlertView, ColumnView, DeliveryRecord, FigureRecord, LabelsAccepted, MonitorActivity,
    MonitorView, WindowRecord, WINDOW_COLUMNS,
};
use crate::state::{AppState, MonitorEntry};
use crate::windows::{close_open_windows, store_labels, store_profile, store_rows, StoreRowsError};

/// An API error: a status and a message naming what was wrong.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub message: String,
}

impl ApiError {
    /// 400 with a message.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
    fn internal(message: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %message, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {message}"),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match crate::store::classify(&e) {
            crate::store::DbFault::Unavailable => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    message: format!(
                        "the database is unavailable ({e}); nothing was stored: retry later"
                    ),
                }
            }
            crate::store::DbFault::Full => {
                tracing::error!(error = %e, "database disk full");
                ApiError {
                    status: StatusCode::INSUFFICIENT_STORAGE,
                    message: format!(
                        "the database's disk is full ({e}); nothing was stored: retry when \
                         space is freed"
                    ),
                }
            }
            crate::store::DbFault::Other => ApiError::internal(format!("database: {e}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS
            || self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::INSUFFICIENT_STORAGE
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"assay\""),
            );
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body; the error names the field it is about (`window.rows: invalid value…`).
/// Objects must be written as objects: serde also reads a struct from an array of its fields
/// in order (`[null, "reader"]`), which no client means.
fn json_body<T: serde::de::DeserializeOwned + serde::Serialize>(body: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let raw: Value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| e.inner().to_string())?;
    de.end().map_err(|e| e.to_string())?;
    let value: T = serde_path_to_error::deserialize(raw.clone()).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })?;
    let shape = serde_json::to_value(&value).map_err(|e| e.to_string())?;
    objects_as_objects(&raw, &shape, "")?;
    Ok(value)
}

/// Where `shape` (the parsed value written back) is an object, `raw` (what was sent) must be
/// one too; the error names the path.
fn objects_as_objects(raw: &Value, shape: &Value, path: &str) -> Result<(), String> {
    let at = |p: &str| {
        if p.is_empty() {
            "the body".to_string()
        } else {
            p.to_string()
        }
    };
    match (raw, shape) {
        (Value::Object(r), Value::Object(s)) => {
            for (k, v) in s {
                if let Some(rv) = r.get(k) {
                    let sub = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    objects_as_objects(rv, v, &sub)?;
                }
            }
            Ok(())
        }
        (_, Value::Object(_)) => Err(format!("{}: expected a JSON object", at(path))),
        (Value::Array(r), Value::Array(s)) => r
            .iter()
            .zip(s)
            .enumerate()
            .try_for_each(|(i, (rv, sv))| objects_as_objects(rv, sv, &format!("{path}[{i}]"))),
        _ => Ok(()),
    }
}

/// The answer to a request whose handler panicked: 500 with the JSON error document.
pub fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: assay_runtime::fault::describe_panic(payload.as_ref()),
    }
    .into_response()
}

/// The bearer token of a request (`Authorization: Bearer …`), or the dashboard cookie when
/// `cookie` is allowed.
pub fn token_of(headers: &HeaderMap, cookie: bool) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ") {
            return Some(v[7..].trim().to_string());
        }
    }
    if cookie {
        for c in headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            for part in c.split(';') {
                if let Some(t) = part.trim().strip_prefix("assay_token=") {
                    return Some(t.to_string());
                }
            }
        }
    }
    None
}

/// Checks the request's token has at least `needed`.
pub async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    needed: Role,
    cookie: bool,
) -> Result<Role, ApiError> {
    let Some(token) = token_of(headers, cookie) else {
        return Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: "missing API token: send `Authorization: Bearer TOKEN` (make one with `assay token create`)".into(),
        });
    };
    match auth::role_of(&state.store, &token).await? {
        None => Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: "invalid or revoked API token".into(),
        }),
        Some((_, role)) if role < needed => Err(ApiError {
            status: StatusCode::FORBIDDEN,
            message: format!(
                "this endpoint needs the {} role; the token is a {}",
                needed.as_str(),
                role.as_str()
            ),
        }),
        Some((_, role)) => Ok(role),
    }
}

async fn require_reader(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    require(state, request, next, Role::Reader).await
}
async fn require_writer(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    require(state, request, next, Role::Writer).await
}
async fn require_admin(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    require(state, request, next, Role::Admin).await
}

async fn require(state: Arc<AppState>, request: Request, next: Next, role: Role) -> Response {
    match authorize(&state, request.headers(), role, false).await {
        Ok(_) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Times every request into `assay_http_request_duration_seconds` and logs it.
pub async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().clone();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    state
        .metrics
        .http_seconds
        .get_or_create(&labels(&[
            ("route", &route),
            ("method", method.as_str()),
            ("status", &status),
        ]))
        .observe(seconds);
    tracing::debug!(%method, route = %route, status = %status, seconds, "request");
    response
}

/// Every route of the service but the dashboard.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let reader = Router::new()
        .route("/metrics", get(metrics))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/monitors", get(list_monitors))
        .route("/api/v1/monitors/{name}", get(get_monitor))
        .route("/api/v1/monitors/{name}/windows", get(list_windows))
        .route(
            "/api/v1/monitors/{name}/windows/{key}/report",
            get(window_report),
        )
        .route(
            "/api/v1/monitors/{name}/windows/{key}/rows",
            get(window_rows),
        )
        .route("/api/v1/monitors/{name}/series", get(series))
        .route("/api/v1/monitors/{name}/heatmap", get(heatmap))
        .route("/api/v1/monitors/{name}/alerts", get(alerts_of))
        .route_layer(from_fn_with_state(state.clone(), require_reader));
    let writer = Router::new()
        .route("/api/v1/monitors/{name}/rows", post(post_rows))
        .route("/api/v1/monitors/{name}/labels", post(post_labels))
        .route("/api/v1/monitors/{name}/profiles", post(post_profile))
        .route("/api/v1/monitors/{name}/close", post(close_windows))
        .route_layer(from_fn_with_state(state.clone(), require_writer));
    let admin = Router::new()
        .route("/api/v1/monitors", post(create_monitor))
        .route("/api/v1/monitors/{name}", delete(delete_monitor))
        .route("/api/v1/tokens", post(create_token).get(list_tokens))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route_layer(from_fn_with_state(state.clone(), require_admin));
    let api = Router::new()
        .merge(reader)
        .merge(writer)
        .merge(admin)
        .layer(axum::middleware::from_fn(json_errors));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .merge(api)
}

/// Every API error is the JSON error document `{"error": "…"}`, including the answers axum
/// gives itself (a malformed query string or path, a body over the size limit, a wrong
/// method), which are plain text otherwise. Headers (`Retry-After`, `Allow`, …) are kept.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(
        parts,
        axum::body::Body::from(json!({ "error": message }).to_string()),
    )
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let down = state.tasks.down();
    if !down.is_empty() {
        let text = format!("background task down, restarting: {}\n", down.join(", "));
        return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
    }
    if state.store.ping().await {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// The OpenAPI description (YAML source, served as JSON).
pub const OPENAPI_YAML: &str = include_str!("openapi.yaml");

async fn openapi() -> ApiResult<Json<Value>> {
    serde_norway::from_str::<Value>(OPENAPI_YAML)
        .map(Json)
        .map_err(ApiError::internal)
}

async fn entry_of(state: &AppState, name: &str) -> ApiResult<Arc<MonitorEntry>> {
    state
        .monitor(name)
        .await
        .ok_or_else(|| ApiError::not_found(format!("no monitor named `{name}`")))
}

/// A webhook URL with its path and query hidden (Slack webhook paths are secrets).
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match u.port() {
            Some(port) => format!("{}://{}:{port}/…", u.scheme(), u.host_str().unwrap_or("")),
            None => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("")),
        },
        Err(_) => "…".into(),
    }
}

fn monitor_view(entry: &MonitorEntry) -> MonitorView {
    let m = &entry.monitor;
    let mut spec = m.spec.clone();
    for hook in &mut spec.alerts.webhooks {
        hook.url = redact_url(&hook.url);
    }
    MonitorView {
        name: m.name().to_string(),
        window: m.windowing.describe(),
        spec,
        columns: m
            .schema
            .fields()
            .iter()
            .map(|f| ColumnView {
                name: f.name().clone(),
                data_type: f.data_type().to_string(),
            })
            .collect(),
        reference_rows: m.reference.rows,
        event_id_column: m.id_column.clone(),
        timestamp_column: m.time_column.clone(),
        label_column: m.label_column.clone(),
        activity: None,
    }
}

async fn create_monitor(State(state): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let spec: MonitorSpec = json_body(&body).map_err(|e| {
        ApiError::bad(format!(
            "monitor: {e} (expected JSON with name, suite, reference_profile, window)"
        ))
    })?;
    let Some(reference) = spec.reference_profile.clone() else {
        return Err(ApiError::bad(
            "reference_profile: missing (the reference as a saved profile: `assay profile REFERENCE -o ref.json`)",
        ));
    };
    let reference = Profile::from_json(&reference.to_string())
        .map_err(|e| ApiError::bad(format!("reference_profile: {e}")))?;
    // Validate before storing.
    let probe =
        Monitor::build(0, spec.clone(), reference.clone()).map_err(|e| ApiError::bad(e.0))?;
    let inserted = match monitor::insert(&state.store, &spec, &reference, &probe.schema).await {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => None,
        other => other?,
    };
    let Some(id) = inserted else {
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            message: format!("a monitor named `{}` exists", spec.name),
        });
    };
    let monitor = Monitor { id, ..probe };
    let entry = Arc::new(MonitorEntry {
        monitor,
        ingest_lock: Default::default(),
        rows_total: AtomicU64::new(0),
        deleted: Default::default(),
    });
    state
        .monitors
        .write()
        .await
        .insert(spec.name.clone(), entry.clone());
    tracing::info!(monitor = %spec.name, "monitor created");
    Ok((StatusCode::CREATED, Json(monitor_view(&entry))).into_response())
}

async fn list_monitors(State(state): State<Arc<AppState>>) -> ApiResult<Json<Vec<MonitorView>>> {
    let stats = monitor_stats(&state).await?;
    Ok(Json(
        state
            .all_monitors()
            .await
            .iter()
            .map(|e| MonitorView {
                activity: stats.get(&e.monitor.id).map(|s| MonitorActivity {
                    windows: s.0,
                    last_status: s.1.clone(),
                    last_window_end_ms: s.2,
                    rows: s.3,
                }),
                ..monitor_view(e)
            })
            .collect(),
    ))
}

/// Per monitor: evaluated windows, the newest evaluated window's status and end, rows received.
pub type MonitorStats = (i64, Option<String>, Option<i64>, i64);

/// Per monitor: evaluated windows, the newest window's status and end, rows received.
pub async fn monitor_stats(state: &AppState) -> ApiResult<BTreeMap<i64, MonitorStats>> {
    let counts: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT monitor_id, COUNT(*) FROM windows WHERE state = 'evaluated' GROUP BY monitor_id",
    )
    .fetch_all(state.store.pool())
    .await?;
    let latest: Vec<(i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT w.monitor_id, w.status, w.end_ms FROM windows w JOIN \
         (SELECT monitor_id, MAX(window_key) AS k FROM windows WHERE state = 'evaluated' GROUP BY monitor_id) l \
         ON l.monitor_id = w.monitor_id AND l.k = w.window_key",
    )
    .fetch_all(state.store.pool())
    .await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT monitor_id, CAST(COALESCE(SUM(rows + profile_rows), 0) AS BIGINT) FROM windows GROUP BY monitor_id",
    )
    .fetch_all(state.store.pool())
    .await?;
    let mut out: BTreeMap<i64, MonitorStats> = BTreeMap::new();
    for (id, n) in rows {
        out.entry(id).or_default().3 = n;
    }
    for (id, n) in counts {
        out.entry(id).or_default().0 = n;
    }
    for (id, status, end) in latest {
        let e = out.entry(id).or_default();
        e.1 = status;
        e.2 = Some(end);
    }
    Ok(out)
}

async fn get_monitor(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Json<MonitorView>> {
    Ok(Json(monitor_view(entry_of(&state, &name).await?.as_ref())))
}

async fn delete_monitor(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let entry = entry_of(&state, &name).await?;
    let _guard = entry.ingest_lock.lock().await;
    entry.deleted.store(true, Ordering::SeqCst);
    let id = entry.monitor.id;
    let mut tx = state.store.pool().begin().await?;
    for table in [
        "deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE monitor_id = $1)",
        "alerts WHERE monitor_id = $1",
        "figures WHERE monitor_id = $1",
        "labels WHERE monitor_id = $1",
        "pushed_profiles WHERE monitor_id = $1",
        "batches WHERE monitor_id = $1",
        "windows WHERE monitor_id = $1",
        "monitors WHERE id = $1",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    state.monitors.write().await.remove(&name);
    tracing::info!(monitor = %name, "monitor deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Takes an ingest slot: waits up to the queue time, then answers 429.
async fn ingest_slot(state: &AppState) -> ApiResult<tokio::sync::SemaphorePermit<'_>> {
    let overloaded = |why: &str| {
        state
            .metrics
            .ingest_requests
            .get_or_create(&labels(&[("outcome", "overloaded")]))
            .inc();
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!("overloaded: {why}; retry later"),
        }
    };
    if state.pending_windows.load(Ordering::SeqCst) > state.limits.max_pending_windows {
        return Err(overloaded("too many closed windows wait for evaluation"));
    }
    match tokio::time::timeout(
        Duration::from_millis(state.limits.queue_wait_ms),
        state.ingest_slots.acquire(),
    )
    .await
    {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(overloaded("every ingest slot is busy")),
    }
}

fn format_of(headers: &HeaderMap) -> ApiResult<BodyFormat> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    BodyFormat::from_content_type(ct).ok_or_else(|| ApiError {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        message: format!(
            "Content-Type `{ct}`: send application/x-ndjson (JSON Lines), text/csv or application/vnd.apache.arrow.stream"
        ),
    })
}

async fn post_rows(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let entry = entry_of(&state, &name).await?;
    let format = format_of(&headers)?;
    let _slot = ingest_slot(&state).await?;
    state.metrics.ingest_in_flight.inc();
    let key = idempotency_key(&headers)?;
    let result = ingest_rows(&state, &entry, format, body, key.as_deref()).await;
    state.metrics.ingest_in_flight.dec();
    let outcome = if result.is_ok() {
        "accepted"
    } else {
        "rejected"
    };
    state
        .metrics
        .ingest_requests
        .get_or_create(&labels(&[("outcome", outcome)]))
        .inc();
    result
}

/// The `Idempotency-Key` header: 1 to 200 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_string()))
        }
        _ => Err(ApiError::bad(
            "Idempotency-Key header: expected 1 to 200 visible ASCII characters",
        )),
    }
}

async fn ingest_rows(
    state: &AppState,
    entry: &Arc<MonitorEntry>,
    format: BodyFormat,
    body: Bytes,
    idempotency: Option<&str>,
) -> ApiResult<Json<Value>> {
    let schema = entry.monitor.schema.clone();
    let csv = entry.monitor.suite.suite.data.csv.clone();
    let batches = tokio::task::spawn_blocking(move || decode_with(&body, format, &schema, &csv))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::bad(format!("rows ({}): {e}", format.as_str())))?;
    let stored = store_rows(&state.store, entry, batches, idempotency)
        .await
        .map_err(|e| match e {
            StoreRowsError::Rows(m) => ApiError::bad(format!("rows: {m}")),
            StoreRowsError::Database(e) => ApiError::from(e),
            StoreRowsError::Deleted => {
                ApiError::not_found(format!("monitor `{}` was deleted", entry.monitor.name()))
            }
        })?;
    state
        .metrics
        .ingest_rows
        .get_or_create(&labels(&[
            ("monitor", entry.monitor.name()),
            ("format", format.as_str()),
        ]))
        .inc_by(stored.accepted);
    if !stored.closed.is_empty() {
        state.evaluate_now.notify_one();
    }
    Ok(Json(json!(stored)))
}

async fn post_labels(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<LabelsAccepted>> {
    let entry = entry_of(&state, &name).await?;
    let m = &entry.monitor;
    let (Some(id_col), Some(label_col)) = (m.id_column.clone(), m.label_column.clone()) else {
        return Err(ApiError::bad(format!(
            "monitor `{name}` takes no labels: it needs an event id column (roles.id or event_id_column) and a target (roles.target)"
        )));
    };
    let format = format_of(&headers)?;
    let _slot = ingest_slot(&state).await?;
    let fields: Vec<_> = m
        .schema
        .fields()
        .iter()
        .filter(|f| f.name() == &id_col || f.name() == &label_col)
        .cloned()
        .collect();
    let schema = Arc::new(arrow::datatypes::Schema::new(fields));
    let (id2, label2) = (id_col.clone(), label_col.clone());
    let csv = m.suite.suite.data.csv.clone();
    let rows = tokio::task::spawn_blocking(move || {
        decode_with(&body, format, &schema, &csv).and_then(|b| labels_of(&b, &id2, &label2))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| {
        ApiError::bad(format!(
            "labels ({}, columns `{id_col}` and `{label_col}`): {e}",
            format.as_str()
        ))
    })?;
    if rows.iter().all(|(_, label)| label.is_none()) {
        return Err(ApiError::bad(format!(
            "labels: no `{}` values (each row needs the event id and its label)",
            m.label_column.as_deref().unwrap_or("target")
        )));
    }
    if entry.deleted.load(Ordering::SeqCst) {
        return Err(ApiError::not_found(format!("monitor `{name}` was deleted")));
    }
    let marked = store_labels(&state.store, &entry, &rows).await?;
    state
        .metrics
        .labels
        .get_or_create(&labels(&[("monitor", &name)]))
        .inc_by(rows.len() as u64);
    if marked > 0 {
        state.evaluate_now.notify_one();
    }
    Ok(Json(LabelsAccepted {
        accepted: rows.len(),
        windows_to_reevaluate: marked,
    }))
}

#[derive(Deserialize)]
struct ProfileQuery {
    /// Event time of the profiled data: ms since the epoch or RFC 3339.
    time: Option<String>,
}

async fn post_profile(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<ProfileQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let entry = entry_of(&state, &name).await?;
    let key = idempotency_key(&headers)?;
    let _slot = ingest_slot(&state).await?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad("profile: not UTF-8 text"))?;
    let profile = assay_engine::dataset::parse_profile(text)
        .map_err(|e| ApiError::bad(format!("profile: {e}")))?;
    if profile.rows == 0 {
        return Err(ApiError::bad("profile: it profiles no rows"));
    }
    for c in &profile.columns {
        let Ok(field) = entry.monitor.schema.field_with_name(&c.name) else {
            return Err(ApiError::bad(format!(
                "profile: column `{}` is not one of the monitor's columns",
                c.name
            )));
        };
        let pushed = monitor::ingest_type(&c.data_type);
        if &pushed != field.data_type() {
            return Err(ApiError::bad(format!(
                "profile: column `{}` is {} in the profile but {} in the monitor (profile data of the same types as the reference)",
                c.name,
                c.data_type,
                field.data_type()
            )));
        }
    }
    for c in &entry.monitor.reference.columns {
        if profile.column(&c.name).is_none() {
            return Err(ApiError::bad(format!(
                "profile: column `{}` of the reference is missing (profile the same columns as the reference)",
                c.name
            )));
        }
    }
    let time = match query.time.as_deref() {
        None => None,
        Some(t) => Some(
            parse_time(t)
                .filter(|ms| crate::ingest::EVENT_TIME_RANGE.contains(ms))
                .ok_or_else(|| {
                    ApiError::bad(format!(
                        "time: `{t}` is not ms since the epoch or an RFC 3339 time in years 1 to 9999"
                    ))
                })?,
        ),
    };
    let stored = store_profile(&state.store, &entry, &profile, time, key.as_deref())
        .await
        .map_err(|e| match e {
            StoreRowsError::Rows(m) => ApiError::bad(m),
            StoreRowsError::Database(e) => ApiError::from(e),
            StoreRowsError::Deleted => ApiError::not_found(format!("monitor `{name}` was deleted")),
        })?;
    state
        .metrics
        .profiles_pushed
        .get_or_create(&labels(&[("monitor", &name)]))
        .inc();
    if !stored.closed.is_empty() {
        state.evaluate_now.notify_one();
    }
    Ok(Json(json!(stored)))
}

/// Milliseconds since the epoch, or an RFC 3339 time.
pub fn parse_time(text: &str) -> Option<i64> {
    crate::ingest::parse_event_time(text)
}

async fn close_windows(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let entry = entry_of(&state, &name).await?;
    let keys = close_open_windows(&state.store, &entry).await?;
    state.evaluate_now.notify_one();
    Ok(Json(json!({ "closed": keys })))
}

#[derive(Deserialize)]
struct WindowsQuery {
    limit: Option<i64>,
}

/// Most windows one listing, series or heatmap request returns.
pub const MAX_LISTED_WINDOWS: i64 = 10_000;
/// Default and largest number of rows one `…/rows` request returns.
pub const DEFAULT_ROWS_PAGE: i64 = 10_000;
/// Largest `limit` of a `…/rows` request.
pub const MAX_ROWS_PAGE: i64 = 1_000_000;

/// A query parameter checked against its documented range (400 naming it otherwise).
fn in_range(name: &str, value: i64, lo: i64, hi: i64) -> ApiResult<i64> {
    if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad(format!(
            "{name}: {value} is out of range ({lo} to {hi})"
        )))
    }
}

#[derive(Deserialize)]
struct RowsQuery {
    /// Rows to return (default 10000, at most 1000000).
    limit: Option<i64>,
    /// Rows to skip first (default 0).
    offset: Option<i64>,
}

async fn list_windows(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(q): Query<WindowsQuery>,
) -> ApiResult<Json<Vec<WindowRecord>>> {
    let entry = entry_of(&state, &name).await?;
    let limit = in_range("limit", q.limit.unwrap_or(500), 1, MAX_LISTED_WINDOWS)?;
    let mut rows: Vec<WindowRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {WINDOW_COLUMNS} FROM windows WHERE monitor_id = $1 ORDER BY window_key DESC LIMIT $2"
    )))
    .bind(entry.monitor.id)
    .bind(limit)
    .fetch_all(state.store.pool())
    .await?;
    rows.reverse();
    Ok(Json(rows))
}

#[derive(Deserialize)]
struct ReportQuery {
    format: Option<String>,
}

async fn window_report(
    State(state): State<Arc<AppState>>,
    Path((name, key)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let entry = entry_of(&state, &name).await?;
    let key = resolve_key(&state, &entry, &key).await?;
    let text = stored_report(&state, &entry, key).await?;
    let html = match q.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(other) => {
            return Err(ApiError::bad(format!(
                "format: `{other}` (expected json or html)"
            )))
        }
    };
    if html {
        let report: assay_report::Report = serde_json::from_str(&text).map_err(|_| {
            ApiError::not_found(format!(
                "window {key} of `{name}` has no report (its evaluation failed: {text})"
            ))
        })?;
        return Ok(axum::response::Html(assay_render::html::render_html(&report)).into_response());
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

/// The raw rows stored for a window (while retained), as JSON Lines in arrival order.
async fn window_rows(
    State(state): State<Arc<AppState>>,
    Path((name, key)): Path<(String, String)>,
    Query(q): Query<RowsQuery>,
) -> ApiResult<Response> {
    let limit = in_range(
        "limit",
        q.limit.unwrap_or(DEFAULT_ROWS_PAGE),
        1,
        MAX_ROWS_PAGE,
    )? as usize;
    let offset = in_range("offset", q.offset.unwrap_or(0), 0, i64::MAX)? as usize;
    let entry = entry_of(&state, &name).await?;
    let key = if key == "latest" {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT MAX(window_key) FROM windows WHERE monitor_id = $1")
                .bind(entry.monitor.id)
                .fetch_optional(state.store.pool())
                .await?;
        row.and_then(|r| r.0)
            .ok_or_else(|| ApiError::not_found("no window yet"))?
    } else {
        resolve_key(&state, &entry, &key).await?
    };
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT rows FROM windows WHERE monitor_id = $1 AND window_key = $2")
            .bind(entry.monitor.id)
            .bind(key)
            .fetch_optional(state.store.pool())
            .await?;
    if exists.is_none() {
        return Err(ApiError::not_found(format!(
            "monitor `{name}` has no window {key}"
        )));
    }
    // Stored batches are read one at a time, and only until the page is full.
    let mut stored = sqlx::query_as::<_, (i64, Vec<u8>)>(
        "SELECT rows, data FROM batches WHERE monitor_id = $1 AND window_key = $2 ORDER BY id",
    )
    .bind(entry.monitor.id)
    .bind(key)
    .fetch(state.store.pool());
    let (mut skip, mut wanted) = (offset, limit);
    let mut page: Vec<arrow::array::RecordBatch> = Vec::new();
    while wanted > 0 {
        let Some((rows, blob)) = futures::TryStreamExt::try_next(&mut stored).await? else {
            break;
        };
        let rows = rows.max(0) as usize;
        if skip >= rows {
            skip -= rows;
            continue;
        }
        for batch in crate::ingest::decode_stored(&blob).map_err(ApiError::internal)? {
            let n = batch.num_rows();
            if skip >= n {
                skip -= n;
                continue;
            }
            let take = (n - skip).min(wanted);
            page.push(batch.slice(skip, take));
            skip = 0;
            wanted -= take;
            if wanted == 0 {
                break;
            }
        }
    }
    drop(stored);
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let mut writer = arrow::json::LineDelimitedWriter::new(Vec::new());
        for batch in &page {
            writer.write(batch).map_err(|e| e.to_string())?;
        }
        writer.finish().map_err(|e| e.to_string())?;
        Ok(writer.into_inner())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

/// `latest` or a window key.
pub async fn resolve_key(state: &AppState, entry: &MonitorEntry, key: &str) -> ApiResult<i64> {
    if key == "latest" {
        let row: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT MAX(window_key) FROM windows WHERE monitor_id = $1 AND state = 'evaluated'",
        )
        .bind(entry.monitor.id)
        .fetch_optional(state.store.pool())
        .await?;
        return row
            .and_then(|r| r.0)
            .ok_or_else(|| ApiError::not_found("no evaluated window yet"));
    }
    key.parse()
        .map_err(|_| ApiError::bad(format!("window `{key}`: expected a window key or `latest`")))
}

/// The stored report JSON of a window.
pub async fn stored_report(state: &AppState, entry: &MonitorEntry, key: i64) -> ApiResult<String> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT report FROM windows WHERE monitor_id = $1 AND window_key = $2")
            .bind(entry.monitor.id)
            .bind(key)
            .fetch_optional(state.store.pool())
            .await?;
    row.and_then(|r| r.0).ok_or_else(|| {
        ApiError::not_found(format!(
            "window {key} of `{}` has not been evaluated",
            entry.monitor.name()
        ))
    })
}

#[derive(Deserialize)]
struct SeriesQuery {
    check: Option<String>,
    column: Option<String>,
    /// The newest this many windows (default 500).
    windows: Option<i64>,
}

/// Every figure over time: `(check, column) → points`.
/// The key of the oldest of the newest `windows` windows (the start of a bounded history).
pub async fn first_key_of_last(
    state: &AppState,
    entry: &MonitorEntry,
    windows: i64,
) -> ApiResult<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT window_key FROM windows WHERE monitor_id = $1 ORDER BY window_key DESC LIMIT 1 OFFSET $2",
    )
    .bind(entry.monitor.id)
    .bind(windows.max(1) - 1)
    .fetch_optional(state.store.pool())
    .await?;
    Ok(row.map(|r| r.0).unwrap_or(i64::MIN))
}

/// Every figure of the newest `windows` windows as time series.
pub async fn series_of(
    state: &AppState,
    entry: &MonitorEntry,
    check: Option<&str>,
    column: Option<&str>,
    windows: i64,
) -> ApiResult<Vec<crate::dashboard::Series>> {
    let from = first_key_of_last(state, entry, windows).await?;
    let rows: Vec<FigureRecord> = sqlx::query_as(
        "SELECT f.check_id, f.column_name, f.window_key, w.start_ms, w.end_ms, f.value, f.threshold, f.status \
         FROM figures f JOIN windows w ON w.monitor_id = f.monitor_id AND w.window_key = f.window_key \
         WHERE f.monitor_id = $1 AND ($2 = '' OR f.check_id = $2) AND ($3 = '' OR f.column_name = $3) \
         AND f.window_key >= $4 ORDER BY f.check_id, f.column_name, f.window_key",
    )
    .bind(entry.monitor.id)
    .bind(check.unwrap_or(""))
    .bind(column.unwrap_or(""))
    .bind(from)
    .fetch_all(state.store.pool())
    .await?;
    let mut out: Vec<crate::dashboard::Series> = Vec::new();
    for r in rows {
        let (check, key, start, end, value, threshold, status) = (
            r.check_id,
            r.window_key,
            r.start_ms,
            r.end_ms,
            r.value,
            r.threshold,
            r.status,
        );
        let column = (!r.column_name.is_empty()).then_some(r.column_name);
        let same = out
            .last()
            .is_some_and(|s| s.check == check && s.column == column);
        if !same {
            out.push(crate::dashboard::Series {
                check: check.clone(),
                column: column.clone(),
                threshold: None,
                points: Vec::new(),
            });
        }
        if let Some(s) = out.last_mut() {
            if threshold.is_some() {
                s.threshold = threshold;
            }
            s.points.push(crate::dashboard::SeriesPoint {
                window_key: key,
                start_ms: start,
                end_ms: end,
                value,
                status,
            });
        }
    }
    Ok(out)
}

async fn series(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(q): Query<SeriesQuery>,
) -> ApiResult<Json<Vec<crate::dashboard::Series>>> {
    let entry = entry_of(&state, &name).await?;
    let windows = in_range("windows", q.windows.unwrap_or(500), 1, MAX_LISTED_WINDOWS)?;
    let series = series_of(
        &state,
        &entry,
        q.check.as_deref(),
        q.column.as_deref(),
        windows,
    )
    .await?;
    Ok(Json(series))
}

/// Drift cells: one per (column, window) of the `drift.*` checks with a column.
pub async fn heatmap_of(
    state: &AppState,
    entry: &MonitorEntry,
    windows: i64,
) -> ApiResult<Vec<crate::dashboard::HeatCell>> {
    let from = first_key_of_last(state, entry, windows).await?;
    let rows: Vec<(String, i64, Option<f64>, String)> = sqlx::query_as(
        "SELECT column_name, window_key, score, status FROM figures \
         WHERE monitor_id = $1 AND score IS NOT NULL AND window_key >= $2 ORDER BY column_name, window_key",
    )
    .bind(entry.monitor.id)
    .bind(from)
    .fetch_all(state.store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(column, window_key, value, status)| crate::dashboard::HeatCell {
                column,
                window_key,
                value,
                status,
            },
        )
        .collect())
}

#[derive(Deserialize)]
struct HistoryQuery {
    /// The newest this many windows (default 500).
    windows: Option<i64>,
}

async fn heatmap(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<Vec<crate::dashboard::HeatCell>>> {
    let entry = entry_of(&state, &name).await?;
    let windows = in_range("windows", q.windows.unwrap_or(500), 1, MAX_LISTED_WINDOWS)?;
    Ok(Json(heatmap_of(&state, &entry, windows).await?))
}

/// Alert history, newest first, with delivery state.
pub async fn alerts_list(
    state: &AppState,
    entry: &MonitorEntry,
    limit: i64,
) -> ApiResult<Vec<AlertView>> {
    let rows: Vec<(i64, i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, window_key, kind, status, previous_status, message, created_ms FROM alerts WHERE monitor_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(entry.monitor.id)
    .bind(limit)
    .fetch_all(state.store.pool())
    .await?;
    let mut out = Vec::new();
    for (id, key, kind, status, previous, message, created) in rows {
        let deliveries: Vec<DeliveryRecord> = sqlx::query_as(
            "SELECT url, format, attempts, delivered_ms, gave_up_ms, last_error FROM deliveries WHERE alert_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(state.store.pool())
        .await?;
        let deliveries: Vec<DeliveryRecord> = deliveries
            .into_iter()
            .map(|d| DeliveryRecord {
                url: redact_url(&d.url),
                ..d
            })
            .collect();
        out.push(AlertView {
            id,
            window_key: key,
            kind,
            status,
            previous_status: previous,
            message,
            created_ms: created,
            deliveries,
        });
    }
    Ok(out)
}

async fn alerts_of(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<AlertView>>> {
    let entry = entry_of(&state, &name).await?;
    Ok(Json(alerts_list(&state, &entry, 1000).await?))
}

/// The body of `POST /api/v1/tokens`.
#[derive(Debug, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// A name to recognise the token by (at most 200 characters).
    pub name: Option<String>,
    /// `admin`, `writer` or `reader`.
    pub role: String,
}

async fn create_token(State(state): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let request: TokenRequest = json_body(&body).map_err(|e| {
        ApiError::bad(format!(
            "token: {e} (expected {{\"role\": \"admin|writer|reader\", \"name\": \"…\"}})"
        ))
    })?;
    let role = Role::parse(&request.role).ok_or_else(|| {
        ApiError::bad(format!(
            "role: `{}` (expected admin, writer or reader)",
            request.role
        ))
    })?;
    let name = request.name.unwrap_or_default();
    if name.chars().count() > 200 {
        return Err(ApiError::bad("name: longer than 200 characters"));
    }
    let token = auth::create_token(&state.store, &name, role).await?;
    Ok((StatusCode::CREATED, Json(json!(token))).into_response())
}

async fn list_tokens(State(state): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(auth::list_tokens(&state.store).await?)))
}

async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    if auth::revoke_token(&state.store, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no active token with id {id}")))
    }
}

/// Answers 404 with a JSON error for unknown routes (and 405 is axum's).
pub async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route {method} {}", uri.path()))
}

#[cfg(test)]
mod description_tests {
    use std::collections::BTreeSet;

    use serde_json::Value;
    use utoipa::PartialSchema;

    use super::OPENAPI_YAML;

    /// The property names of a schema, through `allOf` parts and the `$ref`s among them
    /// (flattened fields), `refs` resolving those by name.
    fn properties(schema: &Value, refs: &[(&str, Value)]) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = schema["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(name) = schema["$ref"].as_str() {
            let name = name.rsplit('/').next().unwrap_or(name);
            let resolved = refs.iter().find(|(n, _)| *n == name);
            out.extend(
                resolved
                    .map(|(_, s)| properties(s, refs))
                    .unwrap_or_default(),
            );
        }
        for part in schema["allOf"]
            .as_array()
            .into_iter()
            .chain(schema["oneOf"].as_array())
            .flatten()
        {
            out.extend(properties(part, refs));
        }
        out
    }

    /// The hand-written description documents every field the answer and request types
    /// (de)serialize, and no other: the types' schemas are derived (utoipa) and compared by
    /// property name, schema by schema.
    #[test]
    fn the_description_documents_the_fields_the_types_have() {
        let doc: Value = serde_norway::from_str(OPENAPI_YAML).expect("the description parses");
        let derived = |s: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>| {
            serde_json::to_value(s).expect("a schema serializes")
        };
        let pairs = [
            ("Monitor", derived(crate::records::MonitorView::schema())),
            (
                "MonitorColumn",
                derived(crate::records::ColumnView::schema()),
            ),
            ("Window", derived(crate::records::WindowRecord::schema())),
            ("Alert", derived(crate::records::AlertView::schema())),
            (
                "Delivery",
                derived(crate::records::DeliveryRecord::schema()),
            ),
            (
                "LabelsAccepted",
                derived(crate::records::LabelsAccepted::schema()),
            ),
            ("Series", derived(crate::dashboard::Series::schema())),
            (
                "SeriesPoint",
                derived(crate::dashboard::SeriesPoint::schema()),
            ),
            ("HeatCell", derived(crate::dashboard::HeatCell::schema())),
            ("Stored", derived(crate::windows::Stored::schema())),
            ("TokenRequest", derived(super::TokenRequest::schema())),
            ("Token", derived(crate::auth::TokenInfo::schema())),
            ("NewToken", derived(crate::auth::NewToken::schema())),
            // As answered (the reference profile is stored apart, never sent back).
            (
                "MonitorSpecView",
                derived(crate::monitor::MonitorSpec::schema()),
            ),
            ("LabelSpec", derived(crate::monitor::LabelSpec::schema())),
            ("AlertSpec", derived(crate::monitor::AlertSpec::schema())),
            ("Webhook", derived(crate::monitor::Webhook::schema())),
        ];
        let refs = [(
            "MonitorActivity",
            derived(crate::records::MonitorActivity::schema()),
        )];
        let mut mismatches = Vec::new();
        for (name, schema) in &pairs {
            let written = properties(&doc["components"]["schemas"][*name], &refs);
            let typed = properties(schema, &refs);
            if written != typed {
                mismatches.push(format!(
                    "{name}: documented {written:?}, the type has {typed:?}"
                ));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
        // As sent: the same fields and the reference profile (read, never written back).
        let mut request = properties(&derived(crate::monitor::MonitorSpec::schema()), &refs);
        request.insert("reference_profile".into());
        assert_eq!(
            properties(&doc["components"]["schemas"]["MonitorSpec"], &refs),
            request
        );
    }
}
