//! Dashboard routes (`/ui/…`): server-rendered pages. Sign-in takes an API token (any role)
//! and keeps it in an HttpOnly cookie.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::api::{
    alerts_list, authorize, heatmap_of, monitor_stats, resolve_key, series_of, stored_report,
    ApiError,
};
use crate::auth::{self, Role};
use crate::dashboard::{self, AlertRow, MonitorPage, MonitorSummary, WindowRow};
use crate::records::{WindowRecord, WINDOW_COLUMNS};
use crate::state::AppState;

/// The dashboard's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui", get(|| async { Redirect::to("/ui/") }))
        .route("/ui/", get(monitors))
        .route("/ui/login", get(login_form).post(login))
        .route("/ui/logout", get(logout))
        .route("/ui/monitors/{name}", get(monitor))
        .route("/ui/monitors/{name}/report", get(report))
}

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    match authorize(state, headers, Role::Reader, true).await {
        Ok(_) => Ok(()),
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            Err(Redirect::to("/ui/login").into_response())
        }
        Err(e) => Err(e.into_response()),
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    token: Option<String>,
    next: Option<String>,
}

async fn login_form(State(state): State<Arc<AppState>>, Query(q): Query<LoginQuery>) -> Response {
    // `?token=` signs in directly (handy for links and headless browsers).
    match q.token {
        Some(t) => sign_in(&state, &t, q.next.as_deref()).await,
        None => Html(dashboard::login_page(None)).into_response(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

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
                    format!("assay_token={token}; Path=/; HttpOnly; SameSite=Strict"),
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

async fn logout() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                "assay_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0".to_string(),
            ),
            (header::LOCATION, "/ui/login".to_string()),
        ],
    )
        .into_response()
}

async fn monitors(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(r) = signed_in(&state, &headers).await {
        return r;
    }
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

async fn monitor(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(r) = signed_in(&state, &headers).await {
        return r;
    }
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

async fn report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(r) = signed_in(&state, &headers).await {
        return r;
    }
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
