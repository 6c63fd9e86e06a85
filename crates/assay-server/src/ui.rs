//! Dashboard routes (`/ui/…`): server-rendered pages. Sign-in takes an API token (any role)
//! and keeps it in an HttpOnly cookie.

use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    alerts_list, authorize, heatmap_of, monitor_stats, resolve_key, series_of, stored_report,
    ApiError, DescribedRoutes, MonitorName,
};
use crate::auth::{self, Role};
use crate::dashboard::{self, AlertRow, MonitorPage, MonitorSummary, WindowRow};
use crate::openapi::responses::*;
use crate::records::{WindowRecord, WINDOW_COLUMNS};
use crate::state::AppState;

/// The dashboard's routes anyone may call: redirects, sign-in and sign-out.
pub fn public_routes() -> DescribedRoutes {
    OpenApiRouter::default()
        .routes(routes!(root_redirect))
        .routes(routes!(ui_redirect))
        .routes(routes!(login_form, login))
        .routes(routes!(logout))
}

/// The dashboard's pages, behind [`sign_in_first`].
pub fn pages() -> DescribedRoutes {
    OpenApiRouter::default()
        .routes(routes!(monitors))
        .routes(routes!(monitor))
        .routes(routes!(report))
}

/// Lets a page request through when it is signed in (a bearer token, or the sign-in cookie, of
/// any role); redirects to the sign-in page otherwise.
pub async fn sign_in_first(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    match authorize(&state, request.headers(), Role::Reader, true).await {
        Ok(_) => next.run(request).await,
        Err(e) if e.status == StatusCode::UNAUTHORIZED => Redirect::to("/ui/login").into_response(),
        Err(e) => e.into_response(),
    }
}

/// Redirect to the dashboard
///
/// Redirects to `/ui/`.
#[utoipa::path(
    get,
    path = "/",
    tag = "dashboard",
    operation_id = "rootRedirect",
    responses((status = 303, response = RedirectToDashboard)),
)]
async fn root_redirect() -> Redirect {
    Redirect::to("/ui/")
}

/// Redirect to the dashboard
///
/// Redirects to `/ui/`.
#[utoipa::path(
    get,
    path = "/ui",
    tag = "dashboard",
    operation_id = "uiRedirect",
    responses((status = 303, response = RedirectToDashboard)),
)]
async fn ui_redirect() -> Redirect {
    Redirect::to("/ui/")
}

/// The query of the sign-in page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LoginQuery {
    /// An API token of any role.
    token: Option<String>,
    /// Where to go after signing in: a path starting with `/ui/` without `//` or `\`; any other
    /// value is replaced by `/ui/` (no open redirects).
    #[param(default = "/ui/", example = "/ui/monitors/churn")]
    next: Option<String>,
}

/// Dashboard sign-in
///
/// Without `token`: the sign-in form (`next` is then ignored). With `token` (any role): signs
/// in directly, setting the `assay_token` cookie (HttpOnly, SameSite=Strict) and redirecting to
/// `next` (default `/ui/`), which makes links like `/ui/login?token=…&next=/ui/monitors/churn`
/// work; an invalid token gets the form again with the error (401).
#[utoipa::path(
    get,
    path = "/ui/login",
    tag = "dashboard",
    operation_id = "uiLoginForm",
    params(LoginQuery),
    responses(
        (status = 200, response = HtmlPage),
        (status = 303, response = SignedIn),
        (status = 400, description = "A malformed query string, e.g. a parameter given twice (plain-text message from the HTTP framework).",
            content_type = "text/plain", body = String, example = "Failed to deserialize query string: duplicate field `token`"),
        (status = 401, response = LoginRefused),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
        (status = 507, response = InsufficientStorage),
    ),
)]
async fn login_form(State(state): State<Arc<AppState>>, Query(q): Query<LoginQuery>) -> Response {
    // `?token=` signs in directly (handy for links and headless browsers).
    match q.token {
        Some(t) => sign_in(&state, &t, q.next.as_deref()).await,
        None => Html(dashboard::login_page(None)).into_response(),
    }
}

/// The sign-in form.
#[derive(Deserialize, ToSchema)]
struct LoginForm {
    /// An API token of any role.
    token: String,
}

/// Dashboard sign-in (form)
///
/// Signs in with the token typed in the form: sets the `assay_token` cookie and redirects to
/// `/ui/`, or shows the form again with an error (401). The form takes no `next`; other fields
/// are ignored.
#[utoipa::path(
    post,
    path = "/ui/login",
    tag = "dashboard",
    operation_id = "uiLogin",
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, response = SignedIn),
        (status = 401, response = LoginRefused),
        (status = 413, description = "The body is larger than `--max-body-mb` (plain-text message from the HTTP framework).",
            content_type = "text/plain", body = String),
        (status = 415, description = "The body is not a form (`Content-Type` other than `application/x-www-form-urlencoded`; plain-text message from the HTTP framework).",
            content_type = "text/plain", body = String, example = "Form requests must have `Content-Type: application/x-www-form-urlencoded`"),
        (status = 422, description = "The form has no `token`, or more than one (plain-text message from the HTTP framework).",
            content_type = "text/plain", body = String, example = "Failed to deserialize form body: missing field `token`"),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
        (status = 507, response = InsufficientStorage),
    ),
)]
async fn login(State(state): State<Arc<AppState>>, Form(form): Form<LoginForm>) -> Response {
    sign_in(&state, &form.token, None).await
}

async fn sign_in(state: &AppState, token: &str, next: Option<&str>) -> Response {
    let token = token.trim();
    // Only dashboard paths: never an open redirect.
    let next = next
        .filter(|n| n.starts_with("/ui/") && !n.contains("//") && !n.contains('\\'))
        .unwrap_or("/ui/");
    match auth::role_of(&state.store, token).await {
        Ok(Some(_)) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    format!(
                        "{}={token}; Path=/; HttpOnly; SameSite=Strict",
                        auth::COOKIE_NAME
                    ),
                ),
                (header::LOCATION, next.to_string()),
            ],
        )
            .into_response(),
        Ok(None) => (
            StatusCode::UNAUTHORIZED,
            Html(dashboard::login_page(Some(
                "That token is not valid (or was revoked).",
            ))),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Dashboard sign-out
///
/// Clears the `assay_token` cookie and redirects to `/ui/login`.
#[utoipa::path(
    get,
    path = "/ui/logout",
    tag = "dashboard",
    operation_id = "uiLogout",
    responses((status = 303, response = SignedOut)),
)]
async fn logout() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!(
                    "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                    auth::COOKIE_NAME
                ),
            ),
            (header::LOCATION, "/ui/login".to_string()),
        ],
    )
        .into_response()
}

/// Dashboard: monitors
///
/// HTML page listing every monitor with its latest status. Without a valid sign-in (a bearer
/// token, or else the cookie `assay_token`) it redirects to `/ui/login`.
#[utoipa::path(
    get,
    path = "/ui/",
    tag = "dashboard",
    operation_id = "uiMonitors",
    responses((status = 200, response = HtmlPage)),
)]
async fn monitors(State(state): State<Arc<AppState>>) -> Response {
    let stats = match monitor_stats(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let open: Vec<(i64, i64)> = match sqlx::query_as(
        "SELECT monitor_id, CAST(COALESCE(SUM(rows + profile_rows), 0) AS BIGINT) FROM windows WHERE state = 'open' GROUP BY monitor_id",
    )
    .fetch_all(state.store.pool())
    .await
    {
        Ok(o) => o,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let summaries: Vec<MonitorSummary> = state
        .all_monitors()
        .await
        .iter()
        .map(|e| {
            let id = e.monitor.id;
            let s = stats.get(&id).cloned().unwrap_or_default();
            MonitorSummary {
                name: e.monitor.name().to_string(),
                window: e.monitor.windowing.describe(),
                windows: s.0.max(0) as u64,
                rows: s.3.max(0) as u64,
                last_status: s.1,
                last_window_end_ms: s.2,
                open_window_rows: open
                    .iter()
                    .find(|t| t.0 == id)
                    .map(|t| t.1.max(0) as u64)
                    .unwrap_or(0),
            }
        })
        .collect();
    Html(dashboard::monitors_page(&summaries)).into_response()
}

fn no_such_monitor(name: &str) -> Response {
    let page = dashboard::notice_page(name, &format!("No monitor named {name}."));
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

/// Dashboard: one monitor
///
/// HTML page of a monitor: windows, figures over time, drift heatmap, alerts (the newest 200
/// windows). Without a valid sign-in it redirects to `/ui/login`.
#[utoipa::path(
    get,
    path = "/ui/monitors/{name}",
    tag = "dashboard",
    operation_id = "uiMonitor",
    params(MonitorName),
    responses(
        (status = 200, response = HtmlPage),
        (status = 404, description = "No such monitor (HTML).", content_type = "text/html", body = String),
    ),
)]
async fn monitor(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    let Some(entry) = state.monitor(&name).await else {
        return no_such_monitor(&name);
    };
    let page = async {
        let windows: Vec<WindowRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {WINDOW_COLUMNS} FROM windows WHERE monitor_id = $1 ORDER BY window_key DESC LIMIT 200"
        )))
        .bind(entry.monitor.id)
        .fetch_all(state.store.pool())
        .await?;
        let windows: Vec<WindowRow> = windows
            .into_iter()
            .rev()
            .map(|w| WindowRow {
                key: w.key,
                start_ms: w.start_ms,
                end_ms: w.end_ms,
                rows: (w.rows + w.profile_rows).max(0) as u64,
                state: w.state,
                status: w.status,
            })
            .collect();
        // The dashboard shows the newest 200 windows.
        let series = series_of(&state, &entry, None, None, 200).await?;
        let heatmap = heatmap_of(&state, &entry, 200).await?;
        let alerts: Vec<AlertRow> = alerts_list(&state, &entry, 200)
            .await?
            .into_iter()
            .map(|a| AlertRow {
                delivered: !a.deliveries.is_empty()
                    && a.deliveries.iter().all(|d| d.delivered_ms.is_some()),
                attempts: u32::try_from(
                    a.deliveries.iter().map(|d| d.attempts.max(0)).sum::<i64>(),
                )
                .unwrap_or(u32::MAX),
                last_error: a.deliveries.iter().find_map(|d| d.last_error.clone()),
                created_ms: a.created_ms,
                kind: a.kind,
                status: a.status,
                previous_status: a.previous_status,
                message: a.message,
            })
            .collect();
        let has_report = windows.iter().any(|w| w.state == "evaluated");
        let window = entry.monitor.windowing.describe();
        Ok::<String, ApiError>(dashboard::monitor_page(&MonitorPage {
            name: entry.monitor.name(),
            window: &window,
            windows: &windows,
            series: &series,
            heatmap: &heatmap,
            alerts: &alerts,
            has_report,
        }))
    };
    match page.await {
        Ok(html) => Html(html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Dashboard: latest report
///
/// The HTML report of the monitor's newest evaluated window, or a page saying that no window
/// has been evaluated yet or that the newest evaluation failed. Without a valid sign-in it
/// redirects to `/ui/login`.
#[utoipa::path(
    get,
    path = "/ui/monitors/{name}/report",
    tag = "dashboard",
    operation_id = "uiMonitorReport",
    params(MonitorName),
    responses(
        (status = 200, response = HtmlPage),
        (status = 404, description = "No such monitor (HTML), or it was deleted while the page was being made (JSON error).", content(
            (String = "text/html"),
            (crate::api::ErrorBody = "application/json"),
        )),
    ),
)]
async fn report(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    let Some(entry) = state.monitor(&name).await else {
        return no_such_monitor(&name);
    };
    let html = async {
        let key = match resolve_key(&state, &entry, "latest").await {
            Ok(k) => k,
            Err(e) if e.status == StatusCode::NOT_FOUND => {
                return Ok(dashboard::notice_page(
                    &name,
                    "No window has been evaluated yet.",
                ))
            }
            Err(e) => return Err(e),
        };
        let text = stored_report(&state, &entry, key).await?;
        match serde_json::from_str::<assay_report::Report>(&text) {
            Ok(report) => Ok::<String, ApiError>(assay_render::html::render_html(&report)),
            Err(_) => Ok(dashboard::notice_page(
                &name,
                &format!("The latest window could not be evaluated: {text}"),
            )),
        }
    };
    match html.await {
        Ok(h) => Html(h).into_response(),
        Err(e) => e.into_response(),
    }
}
