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
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use assay_stats::Profile;

use crate::auth::{self, Role};
use crate::ingest::{decode_with, labels_of, BodyFormat};
use crate::metrics::labels;
use crate::monitor::{self, Monitor, MonitorSpec};
use crate::openapi::responses::*;
use crate::openapi::schemas::{
    ArrowIpc, CsvText, JsonLines, JsonRow, OpenApiDocument, StoredReport, WindowKey,
};
use crate::openapi::Access;
use crate::records::{
    AlertView, ColumnView, DeliveryRecord, FigureRecord, LabelsAccepted, MonitorView, WindowRecord,
    WINDOW_COLUMNS,
};
use crate::state::{AppState, MonitorEntry};
use crate::windows::{
    close_open_windows, store_labels, store_profile, store_rows, StoreRowsError, Stored,
};

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

/// The JSON error document every error answer of the API is.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// What was wrong.
    pub error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
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
                if let Some(t) = part
                    .trim()
                    .strip_prefix(auth::COOKIE_NAME)
                    .and_then(|t| t.strip_prefix('='))
                {
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

/// Lets a request through when its bearer token has at least `role` (401 or 403 otherwise).
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

/// An OpenAPI-described router of the service.
pub type DescribedRoutes = OpenApiRouter<Arc<AppState>>;

/// Every route of the service, in groups by who may call them. Each operation is mounted by its
/// handler's `#[utoipa::path]` attribute; [`routes`] puts each group behind its guard and
/// [`description`] describes each with the same access, so neither can disagree with the other.
pub fn groups() -> Vec<(Access, DescribedRoutes)> {
    let public = OpenApiRouter::default()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .merge(crate::ui::public_routes());
    let reader = OpenApiRouter::default()
        .routes(routes!(metrics))
        .routes(routes!(openapi))
        .routes(routes!(list_monitors))
        .routes(routes!(get_monitor))
        .routes(routes!(list_windows))
        .routes(routes!(window_report))
        .routes(routes!(window_rows))
        .routes(routes!(series))
        .routes(routes!(heatmap))
        .routes(routes!(alerts_of));
    let writer = OpenApiRouter::default()
        .routes(routes!(post_rows))
        .routes(routes!(post_labels))
        .routes(routes!(post_profile))
        .routes(routes!(close_windows));
    let admin = OpenApiRouter::default()
        .routes(routes!(create_monitor))
        .routes(routes!(delete_monitor))
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token));
    vec![
        (Access::Public, public),
        (Access::Token(Role::Reader), reader),
        (Access::Token(Role::Writer), writer),
        (Access::Token(Role::Admin), admin),
        (Access::Page, crate::ui::pages()),
    ]
}

/// Every route of the service, each group behind the guard its access names.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let mut app = Router::new();
    for (access, group) in groups() {
        let (group, _) = group.split_for_parts();
        let guard = |role| {
            from_fn_with_state(
                state.clone(),
                move |s: State<Arc<AppState>>, r: Request, n: Next| require(s.0, r, n, role),
            )
        };
        let group = match access {
            Access::Public => group,
            Access::Page => {
                group.route_layer(from_fn_with_state(state.clone(), crate::ui::sign_in_first))
            }
            Access::Token(role) => group
                .route_layer(guard(role))
                .layer(axum::middleware::from_fn(json_errors)),
        };
        app = app.merge(group);
    }
    app
}

/// The OpenAPI description of every route (served at `/api/v1/openapi.json`).
pub fn description() -> &'static Value {
    static DESCRIPTION: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DESCRIPTION.get_or_init(|| {
        crate::openapi::document(
            groups()
                .into_iter()
                .map(|(access, group)| (access, group.into_openapi())),
        )
    })
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
        axum::body::Body::from(json!(ErrorBody { error: message }).to_string()),
    )
}

/// Liveness
///
/// Answers `ok` while the process serves HTTP.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "healthz",
    responses((status = 200, description = "The service is up.", content_type = "text/plain", body = String, example = "ok\n")),
)]
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness
///
/// Answers `ready` when the database answers and the background tasks (the evaluator and the
/// webhook sender) run; 503 otherwise, naming why.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready.", content_type = "text/plain", body = String, example = "ready\n"),
        (status = 503, description = "Not ready: the database is unreachable, or a background task failed and is being restarted (`background task down, restarting: evaluator`).", content_type = "text/plain", body = String, example = "database unreachable\n"),
    ),
)]
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

/// Prometheus metrics
///
/// The service's metrics in the OpenMetrics text format (Prometheus scrapes it; configure the
/// scrape job with a bearer token). Metrics are prefixed `assay_`: `ingest_rows`,
/// `ingest_requests` (by outcome: accepted, rejected, overloaded), `ingest_in_flight`,
/// `profiles_pushed`, `labels`, `window_evaluations` (by status), `window_status` (latest
/// evaluated window: 0 pass, 1 warn, 2 fail, 3 error), `check_value`, `drift_score`,
/// `window_evaluation_seconds`, `window_close_to_result_seconds`,
/// `http_request_duration_seconds`, `alerts`, `webhook_attempts`, `background_task_up`,
/// `background_task_failures`, `window_evaluation_faults`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "metrics",
    operation_id = "getMetrics",
    responses((
        status = 200,
        description = "The metrics (`Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8`).",
        content_type = "application/openmetrics-text",
        body = String,
        example = "# TYPE assay_window_status gauge\n# HELP assay_window_status Status of the latest evaluated window: 0 pass, 1 warn, 2 fail, 3 error.\nassay_window_status{monitor=\"churn\"} 0\n# EOF\n",
    )),
)]
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

/// This description
///
/// This OpenAPI description, as JSON.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "monitors",
    operation_id = "getOpenapi",
    responses((status = 200, description = "The OpenAPI document.", body = OpenApiDocument)),
)]
async fn openapi() -> Json<&'static Value> {
    Json(description())
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
        windows: None,
        last_status: None,
        last_window_end_ms: None,
        rows: None,
    }
}

/// Create a monitor
///
/// Creates a monitor from a spec and a reference profile. The spec is validated in full before
/// anything is stored: its fields as described here (unknown fields are refused), then the
/// suite (YAML or JSON text with `roles` and `checks`: checks that exist and can run on
/// windows, roles and check columns present in the reference profile, valid slice expressions)
/// against the reference profile; the 400 message names the field. Checks that train, time or
/// perturb models (`crossval.*`, `generalization.*`, `sensitivity.*`, `robustness.*`,
/// `performance.*`, `fairness.counterfactual`) are refused. The body is read as JSON whatever
/// its `Content-Type`.
#[utoipa::path(
    post,
    path = "/api/v1/monitors",
    tag = "monitors",
    operation_id = "createMonitor",
    request_body(content = MonitorSpec, content_type = "application/json", example = json!({
        "name": "churn",
        "suite": "roles: {id: customer_id, timestamp: ts, target: churned, prediction: score}\nchecks:\n  - check: drift.auto\n  - check: integrity.null_share\n",
        "reference_profile": {"format": "assay-profile", "version": 3, "sources": ["train.parquet"], "rows": 120000, "columns": []},
        "window": {"every": "1h", "grace": "5m"},
        "labels": {"wait": "7d"},
        "alerts": {"on": "warn", "cooldown": "30m", "webhooks": [{"url": "https://hooks.slack.com/services/T000/B000/XXXX", "format": "slack"}]},
        "retention": "7d",
    })),
    responses(
        (status = 201, description = "Created.", body = MonitorView),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
    ),
)]
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

/// List monitors
///
/// Every monitor, by name. A monitor that has windows also shows its rows received (`rows`),
/// its number of evaluated windows (`windows`) and the status and end of the newest evaluated
/// one (`last_status`, `last_window_end_ms`, null until a window has been evaluated).
#[utoipa::path(
    get,
    path = "/api/v1/monitors",
    tag = "monitors",
    operation_id = "listMonitors",
    responses((status = 200, description = "The monitors.", body = Vec<MonitorView>)),
)]
async fn list_monitors(State(state): State<Arc<AppState>>) -> ApiResult<Json<Vec<MonitorView>>> {
    let stats = monitor_stats(&state).await?;
    Ok(Json(
        state
            .all_monitors()
            .await
            .iter()
            .map(|e| match stats.get(&e.monitor.id) {
                Some((windows, last_status, last_window_end_ms, rows)) => MonitorView {
                    windows: Some(*windows),
                    last_status: Some(last_status.clone()),
                    last_window_end_ms: Some(*last_window_end_ms),
                    rows: Some(*rows),
                    ..monitor_view(e)
                },
                None => monitor_view(e),
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

/// A monitor's name in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MonitorName {
    /// Monitor name (letters, digits, `-`, `_`, `.`; 404 when no monitor has it).
    #[param(
        pattern = "^[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*$",
        min_length = 1,
        max_length = 100
    )]
    pub name: String,
}

/// Get a monitor
///
/// The monitor: its spec (without the reference profile; webhook URLs without their path),
/// resolved columns and roles.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}",
    tag = "monitors",
    operation_id = "getMonitor",
    params(MonitorName),
    responses(
        (status = 200, description = "The monitor.", body = MonitorView),
        (status = 404, response = NotFound),
    ),
)]
async fn get_monitor(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Json<MonitorView>> {
    Ok(Json(monitor_view(entry_of(&state, &name).await?.as_ref())))
}

/// Delete a monitor
///
/// Deletes the monitor and everything stored for it: windows, rows, pushed profiles, labels,
/// figures, reports, alerts and deliveries. Its name can then be used again.
#[utoipa::path(
    delete,
    path = "/api/v1/monitors/{name}",
    tag = "monitors",
    operation_id = "deleteMonitor",
    params(MonitorName),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, response = NotFound),
    ),
)]
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

/// The `Idempotency-Key` header of ingest requests.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// 1 to 200 visible ASCII characters (400 otherwise) naming this request, unique per
    /// monitor: a repeat with the key of an earlier accepted request stores nothing and answers
    /// the earlier answer, with `"replayed": true`.
    #[serde(rename = "Idempotency-Key")]
    #[param(
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = "^[!-~]+$",
        example = "batch-2025-01-01T00-00-17"
    )]
    pub key: Option<String>,
}

/// Send rows
///
/// Stores rows in the monitor's windows; they are committed before the answer. Columns are the
/// reference profile's columns plus the event id and timestamp columns (`columns` of the
/// monitor); missing columns are null, unknown columns and values that do not fit their
/// column's type are refused (400, naming the column and line). The timestamp column holds
/// integer ms since the epoch or RFC 3339 / ISO 8601 text, in years 1 to 9999. Row-count
/// windows that fill up close at once (`closed`). A body of blank lines stores nothing.
#[utoipa::path(
    post,
    path = "/api/v1/monitors/{name}/rows",
    tag = "ingest",
    operation_id = "postRows",
    params(MonitorName, IdempotencyKey),
    request_body(
        description = "Rows in one of four formats, chosen by `Content-Type` (parameters such as \
            `charset` are ignored; any other type gets 415): JSON Lines (one JSON object per line; \
            `application/jsonl`, `application/json-lines` and `application/json` are read as JSON \
            Lines too, so a JSON array is not accepted), CSV with a header row, or Arrow IPC \
            (stream or file format). The columns are the monitor's (see `columns` of the monitor). \
            Here a JSON Lines body is described as its rows: one object, or an array of objects \
            (one line each).",
        content(
            (JsonLines = "application/x-ndjson", example = json!([
                {"customer_id": "c-1", "ts": "2025-01-01T00:03:12Z", "tenure": 14, "score": 0.81},
                {"customer_id": "c-2", "ts": 1735690000000_i64, "tenure": 3, "score": 0.12},
            ])),
            (JsonLines = "application/jsonl"),
            (JsonLines = "application/json-lines"),
            (JsonRow = "application/json"),
            (CsvText = "text/csv", example = json!("customer_id,ts,tenure,score\nc-1,2025-01-01T00:03:12Z,14,0.81\nc-2,2025-01-01T00:04:55Z,3,0.12\n")),
            (ArrowIpc = "application/vnd.apache.arrow.stream"),
            (ArrowIpc = "application/vnd.apache.arrow.file"),
        ),
    ),
    responses(
        (status = 200, description = "Stored (or, with a known `Idempotency-Key`, the earlier answer replayed).", body = Stored),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
    ),
)]
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

/// Send delayed labels
///
/// Stores labels (ground truth) by event id, replacing earlier labels of the same events, and
/// marks the windows closed within `labels.wait` for another evaluation. The body has exactly
/// two columns: the monitor's event id column (`event_id_column`, default the suite's
/// `roles.id`) and its label column (the suite's `roles.target`); any other column is refused.
/// Every row needs an event id, and at least one row a label; a null label clears the event's
/// label. A monitor without both columns takes no labels (400).
#[utoipa::path(
    post,
    path = "/api/v1/monitors/{name}/labels",
    tag = "ingest",
    operation_id = "postLabels",
    params(MonitorName),
    request_body(
        description = "Labels in the same formats as rows, with exactly the monitor's event id \
            column and its label (target) column.",
        content(
            (JsonLines = "application/x-ndjson", example = json!([
                {"customer_id": "c-1", "churned": "yes"},
                {"customer_id": "c-2", "churned": "no"},
            ])),
            (JsonLines = "application/jsonl"),
            (JsonLines = "application/json-lines"),
            (JsonRow = "application/json"),
            (CsvText = "text/csv", example = json!("customer_id,churned\nc-1,yes\nc-2,no\n")),
            (ArrowIpc = "application/vnd.apache.arrow.stream"),
            (ArrowIpc = "application/vnd.apache.arrow.file"),
        ),
    ),
    responses(
        (status = 200, description = "Stored.", body = LabelsAccepted),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
    ),
)]
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

/// The query of `POST …/profiles`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProfileQuery {
    /// Event time of the profiled data: integer ms since the epoch, or an RFC 3339 time, in
    /// years 1 to 9999. Only used by time windows; default the arrival time.
    #[param(schema_with = crate::openapi::schemas::event_time, example = 1735689600000_i64)]
    time: Option<String>,
}

/// Push a profile (hybrid)
///
/// Stores a profile of production data made by the client (`assay profile` / `assay push`) in
/// one window: for time windows the window of `time` (default: the arrival time); for
/// row-count windows the open window, which the profile's rows may carry past its size (it
/// then closes). The profile must profile at least one row, have every column of the reference
/// profile, each of the monitor's type, and no column the monitor does not know (400
/// otherwise). The body is read as JSON whatever its `Content-Type`.
#[utoipa::path(
    post,
    path = "/api/v1/monitors/{name}/profiles",
    tag = "ingest",
    operation_id = "postProfile",
    params(MonitorName, ProfileQuery, IdempotencyKey),
    request_body(content = crate::openapi::schemas::AssayProfile, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored: `accepted` is the profile's row count, `windows` the one window it went to (or, with a known `Idempotency-Key`, the earlier answer replayed).", body = Stored),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 429, response = TooManyRequests),
    ),
)]
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

/// The answer to `POST …/close`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedWindows {
    /// Keys of the windows closed.
    pub closed: Vec<i64>,
}

/// Close the open windows now
///
/// Closes every open window of the monitor now (they are then evaluated); for row-count
/// windows the next row starts a new window. No request body (a body is ignored).
#[utoipa::path(
    post,
    path = "/api/v1/monitors/{name}/close",
    tag = "ingest",
    operation_id = "closeWindows",
    params(MonitorName),
    responses(
        (status = 200, description = "The keys of the windows closed.", body = ClosedWindows),
        (status = 404, response = NotFound),
    ),
)]
async fn close_windows(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<Json<ClosedWindows>> {
    let entry = entry_of(&state, &name).await?;
    let closed = close_open_windows(&state.store, &entry).await?;
    state.evaluate_now.notify_one();
    Ok(Json(ClosedWindows { closed }))
}

/// The query of `GET …/windows`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WindowsQuery {
    /// How many windows, 1 to 10000 (default 500; 400 outside).
    #[param(minimum = 1, maximum = 10000, default = 500)]
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

/// The query of `GET …/windows/{key}/rows`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RowsQuery {
    /// Rows to return, 1 to 1000000 (default 10000; 400 outside).
    #[param(minimum = 1, maximum = 1000000, default = 10000)]
    limit: Option<i64>,
    /// Rows to skip first (default 0; 400 when negative).
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// List windows
///
/// The newest `limit` windows of the monitor, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/windows",
    tag = "results",
    operation_id = "listWindows",
    params(MonitorName, WindowsQuery),
    responses(
        (status = 200, description = "The windows.", body = Vec<WindowRecord>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
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

/// How a report is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    /// The report's JSON document.
    Json,
    /// The report rendered as an HTML page.
    Html,
}

/// The query of `GET …/windows/{key}/report`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// `json` (the default) or `html` (the HTML report); any other value is a 400.
    #[param(inline, nullable = false, default = "json")]
    format: Option<ReportFormat>,
}

/// A window's report
///
/// The stored assay report of an evaluated window (`latest`: the newest evaluated window), as
/// JSON, or rendered as HTML with `format=html`. A window whose evaluation failed has
/// `{"error": "…"}` as its JSON report (status 200) and no HTML report (404). A window that
/// does not exist or is not evaluated yet gets 404.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/windows/{key}/report",
    tag = "results",
    operation_id = "getWindowReport",
    params(
        MonitorName,
        ("key" = WindowKey, Path, description = "A window key (row-count windows: 0, 1, 2, …; time windows: the window's start in ms since the epoch) or `latest` (the newest evaluated window). Anything else gets 400.", example = "latest"),
        ReportQuery,
    ),
    responses(
        (status = 200, description = "The report.", content(
            (StoredReport = "application/json"),
            (String = "text/html"),
        )),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
async fn window_report(
    State(state): State<Arc<AppState>>,
    Path((name, key)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let entry = entry_of(&state, &name).await?;
    let key = resolve_key(&state, &entry, &key).await?;
    let text = stored_report(&state, &entry, key).await?;
    if q.format == Some(ReportFormat::Html) {
        let report: assay_report::Report = serde_json::from_str(&text).map_err(|_| {
            ApiError::not_found(format!(
                "window {key} of `{name}` has no report (its evaluation failed: {text})"
            ))
        })?;
        return Ok(axum::response::Html(assay_render::html::render_html(&report)).into_response());
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

/// A window's raw rows
///
/// The raw rows stored for a window, as JSON Lines in the monitor's columns and in arrival
/// order, as they were sent (delayed labels are not joined in; null values are left out of
/// each line), a page at a time: `offset` rows are skipped, then at most `limit` rows are
/// returned. `latest` is the newest window whatever its state (open, closed or evaluated). Raw
/// rows are kept for `retention` after their window closes; pushed profiles have no rows. A
/// window without stored rows (pushed profiles only, rows past retention, or a page past the
/// end) gives an empty body; a window that does not exist gets 404.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/windows/{key}/rows",
    tag = "results",
    operation_id = "getWindowRows",
    params(
        MonitorName,
        ("key" = WindowKey, Path, description = "A window key (row-count windows: 0, 1, 2, …; time windows: the window's start in ms since the epoch) or `latest` (the newest window, whatever its state). Anything else gets 400.", example = "latest"),
        RowsQuery,
    ),
    responses(
        (status = 200, description = "The rows, one JSON object per line (possibly none).", content_type = "application/x-ndjson", body = String,
            example = "{\"customer_id\":\"c-1\",\"ts\":\"2025-01-01T00:03:12Z\",\"tenure\":14,\"score\":0.81}\n{\"customer_id\":\"c-2\",\"ts\":\"2025-01-01T00:04:55Z\",\"tenure\":3,\"score\":0.12,\"churned\":\"no\"}\n"),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
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

/// The query of `GET …/series`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SeriesQuery {
    /// Only this check id (e.g. `drift.psi`); empty means every check.
    check: Option<String>,
    /// Only this column; empty means every column.
    column: Option<String>,
    /// Only the newest this many windows, 1 to 10000 (default 500; 400 outside).
    #[param(minimum = 1, maximum = 10000, default = 500)]
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

/// Figures over time
///
/// Every check's figure over the newest `windows` windows, one series per (check, column),
/// optionally only one check and/or one column.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/series",
    tag = "results",
    operation_id = "getSeries",
    params(MonitorName, SeriesQuery),
    responses(
        (status = 200, description = "The series, by check then column.", body = Vec<crate::dashboard::Series>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
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

/// The query of `GET …/heatmap`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// Only the newest this many windows, 1 to 10000 (default 500; 400 outside).
    #[param(minimum = 1, maximum = 10000, default = 500)]
    windows: Option<i64>,
}

/// Drift heatmap
///
/// One cell per (column, window) of the column-level `drift.*` checks over the newest
/// `windows` windows, by column then window.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/heatmap",
    tag = "results",
    operation_id = "getHeatmap",
    params(MonitorName, HistoryQuery),
    responses(
        (status = 200, description = "The cells.", body = Vec<crate::dashboard::HeatCell>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
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

/// Alert history
///
/// The monitor's alerts, newest first (at most 1000), each with the state of its webhook
/// deliveries.
#[utoipa::path(
    get,
    path = "/api/v1/monitors/{name}/alerts",
    tag = "results",
    operation_id = "listAlerts",
    params(MonitorName),
    responses(
        (status = 200, description = "The alerts.", body = Vec<AlertView>),
        (status = 404, response = NotFound),
    ),
)]
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
    /// Free-text name to recognise it by (at most 200 characters; default empty).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The token's role.
    pub role: Role,
}

/// Create a token
///
/// Makes a token with 256 random bits; the secret is in this answer only (the service keeps its
/// SHA-256 hash). The body is read as JSON whatever its `Content-Type`.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    operation_id = "createToken",
    request_body(content = TokenRequest, content_type = "application/json", example = json!({"role": "writer", "name": "scoring-service"})),
    responses(
        (status = 201, description = "Created.", body = auth::NewToken),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
    ),
)]
async fn create_token(State(state): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let request: TokenRequest = json_body(&body).map_err(|e| {
        ApiError::bad(format!(
            "token: {e} (expected {{\"role\": \"admin|writer|reader\", \"name\": \"…\"}})"
        ))
    })?;
    let role = request.role;
    let name = request.name.unwrap_or_default();
    if name.chars().count() > 200 {
        return Err(ApiError::bad("name: longer than 200 characters"));
    }
    let token = auth::create_token(&state.store, &name, role).await?;
    Ok((StatusCode::CREATED, Json(json!(token))).into_response())
}

/// List tokens
///
/// Every token, revoked ones included, newest first; never the secrets.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    operation_id = "listTokens",
    responses((status = 200, description = "The tokens.", body = Vec<auth::TokenInfo>)),
)]
async fn list_tokens(State(state): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(auth::list_tokens(&state.store).await?)))
}

/// Revoke a token
///
/// Revokes a token; it stops working at once. A token that does not exist or is already
/// revoked gets 404.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    operation_id = "revokeToken",
    params(("id" = i64, Path, description = "Token id (from the token list or `assay token list`); 400 when not an integer.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ),
)]
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
