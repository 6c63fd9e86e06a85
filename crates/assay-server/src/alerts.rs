//! Alerts: raised when a monitor's latest window changes to a bad status (fail or error, and
//! warn when `alerts.on: warn`), at most once per cooldown, never twice for the same status
//! (deduplication), and "resolved" when it recovers. Webhooks (generic JSON or Slack-compatible)
//! are delivered by a background sender that retries with exponential backoff.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use assay_report::{Report, Status};

use crate::metrics::labels;
use crate::monitor::Windowing;
use crate::state::{AppState, MonitorEntry};
use crate::store::now_ms;

fn is_bad(status: &str, on_warn: bool) -> bool {
    matches!(status, "fail" | "error") || (on_warn && status == "warn")
}

/// Decides and records the alert (if any) for the newest window's status.
pub async fn on_window_status(
    state: &AppState,
    entry: &MonitorEntry,
    key: i64,
    window: (i64, i64, u64),
    status: Status,
    report: &Report,
) -> Result<(), sqlx::Error> {
    let monitor = &entry.monitor;
    let pool = state.store.pool();
    let row: (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT last_status, last_alert_ms FROM monitors WHERE id = $1")
            .bind(monitor.id)
            .fetch_one(pool)
            .await?;
    let bounds = (window.0, window.1);
    let rows = window.2;
    let alerted = row.0.unwrap_or_else(|| "none".into());
    let now = now_ms();
    let new = status.as_str();
    let kind = if is_bad(new, monitor.alert_on_warn) {
        if alerted == new {
            None // deduplicated: already alerted for this status
        } else if row.1.is_some_and(|t| now - t < monitor.cooldown_ms) {
            tracing::info!(monitor = %monitor.name(), status = new, "alert held back by the cooldown");
            None
        } else {
            Some("firing")
        }
    } else if is_bad(&alerted, monitor.alert_on_warn) {
        Some("resolved")
    } else {
        None
    };
    sqlx::query("UPDATE monitors SET last_window_key = $1 WHERE id = $2")
        .bind(key)
        .bind(monitor.id)
        .execute(pool)
        .await?;
    let Some(kind) = kind else { return Ok(()) };
    // What the monitor showed before this window: the previous evaluated window's status.
    let previous: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT status FROM windows WHERE monitor_id = $1 AND state = 'evaluated' AND window_key < $2 \
         ORDER BY window_key DESC LIMIT 1",
    )
    .bind(monitor.id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    let previous = previous.and_then(|p| p.0).unwrap_or_else(|| "none".into());
    let was = if previous == "none" {
        String::new()
    } else {
        format!(" (was {previous})")
    };
    let window_text = match monitor.windowing {
        Windowing::Rows(_) => format!("window {key} ({rows} rows)"),
        Windowing::Time { .. } => format!(
            "window {} – {} ({rows} rows)",
            crate::dashboard::format_utc(bounds.0),
            crate::dashboard::format_utc(bounds.1)
        ),
    };
    let bad_result = |r: &&assay_report::CheckResult| {
        matches!(r.status, Status::Fail | Status::Error)
            || (r.status == Status::Warn && monitor.alert_on_warn)
    };
    let failing_total = report.results.iter().filter(bad_result).count();
    let failing: Vec<Value> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Error) || (r.status == Status::Warn && monitor.alert_on_warn))
        .take(20)
        .map(|r| {
            json!({"check": r.id, "column": r.column, "status": r.status.as_str(), "value": r.value.filter(|v| v.is_finite()),
                   "threshold": r.threshold.filter(|v| v.is_finite()), "message": r.message})
        })
        .collect();
    let message = if kind == "firing" {
        let names: Vec<String> = failing
            .iter()
            .take(5)
            .map(|f| match f["column"].as_str() {
                Some(c) => format!("{} ({c})", f["check"].as_str().unwrap_or("")),
                None => f["check"].as_str().unwrap_or("").to_string(),
            })
            .collect();
        format!(
            "assay monitor {}: {}{} in {}; {} check(s) failing: {}",
            monitor.name(),
            new,
            was,
            window_text,
            failing_total,
            names.join(", ")
        )
    } else {
        format!(
            "assay monitor {}: resolved, {} is {} (alerted on {alerted})",
            monitor.name(),
            window_text,
            new,
        )
    };
    let payload = json!({
        "monitor": monitor.name(),
        "kind": kind,
        "status": new,
        "previous_status": previous,
        "window": {"key": key, "start_ms": bounds.0, "end_ms": bounds.1, "rows": rows},
        "failing_total": failing_total,
        "summary": report.summary,
        "failing": failing,
        "message": message,
        "created_ms": now,
    });
    let mut tx = pool.begin().await?;
    let (alert_id,): (i64,) = sqlx::query_as(
        "INSERT INTO alerts (monitor_id, window_key, kind, status, previous_status, message, payload, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(monitor.id)
    .bind(key)
    .bind(kind)
    .bind(new)
    .bind(&previous)
    .bind(&message)
    .bind(payload.to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for hook in &monitor.spec.alerts.webhooks {
        sqlx::query("INSERT INTO deliveries (alert_id, url, format, next_attempt_ms) VALUES ($1, $2, $3, $4)")
            .bind(alert_id)
            .bind(&hook.url)
            .bind(hook.format.unwrap_or(crate::monitor::WebhookFormat::Json).as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    let last_alert = if kind == "firing" { Some(now) } else { row.1 };
    sqlx::query("UPDATE monitors SET last_status = $1, last_alert_ms = $2 WHERE id = $3")
        .bind(new)
        .bind(last_alert)
        .bind(monitor.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state
        .metrics
        .alerts
        .get_or_create(&labels(&[("monitor", monitor.name()), ("kind", kind)]))
        .inc();
    tracing::warn!(monitor = %monitor.name(), kind, status = new, previous = %previous, "alert");
    state.deliver_now.notify_one();
    Ok(())
}

/// The body sent to a webhook.
pub fn webhook_body(format: &str, payload: &Value) -> Value {
    if format == "slack" {
        let icon = match (payload["kind"].as_str(), payload["status"].as_str()) {
            (Some("resolved"), _) => ":large_green_circle:",
            (_, Some("warn")) => ":large_yellow_circle:",
            _ => ":red_circle:",
        };
        json!({ "text": format!("{icon} {}", payload["message"].as_str().unwrap_or("assay alert")) })
    } else {
        payload.clone()
    }
}

/// Delay before retry number `attempt` (1-based): base · 2^(attempt−1), at most 5 minutes.
pub fn backoff_ms(base_ms: i64, attempt: i64) -> i64 {
    let shift = (attempt - 1).clamp(0, 20) as u32;
    base_ms.saturating_mul(1i64 << shift).min(300_000)
}

/// Runs forever: picks due deliveries and sends each in its own task, so a webhook that hangs
/// (until the per-attempt timeout) or resets its connections holds back neither the others nor
/// window evaluation. Every attempt's outcome is recorded; failures are retried with backoff.
pub async fn run_sender(state: Arc<AppState>) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_millis(
            state.limits.webhook_timeout_ms.max(1),
        ))
        .connect_timeout(Duration::from_millis(
            state.limits.webhook_timeout_ms.max(1),
        ))
        .user_agent(concat!("assay/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook client; alerts will not be delivered");
            return;
        }
    };
    // Deliveries being attempted now (not picked again until their attempt is recorded).
    let in_flight: Arc<Mutex<HashSet<i64>>> = Arc::default();
    loop {
        let _ = tokio::time::timeout(
            Duration::from_millis(state.limits.tick_ms.min(500)),
            state.deliver_now.notified(),
        )
        .await;
        assay_runtime::fault::inject("webhook-sender", "*");
        if let Err(e) = start_due(&state, &client, &in_flight).await {
            tracing::error!(error = %e, "finding due webhook deliveries failed");
        }
    }
}

/// Starts an attempt for every due delivery that is not already being attempted.
async fn start_due(
    state: &Arc<AppState>,
    client: &reqwest::Client,
    in_flight: &Arc<Mutex<HashSet<i64>>>,
) -> Result<(), sqlx::Error> {
    let due: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT d.id, d.url, d.format, d.attempts, a.payload FROM deliveries d JOIN alerts a ON a.id = d.alert_id \
         WHERE d.delivered_ms IS NULL AND d.gave_up_ms IS NULL AND d.next_attempt_ms <= $1 ORDER BY d.id LIMIT 200",
    )
    .bind(now_ms())
    .fetch_all(state.store.pool())
    .await?;
    for (id, url, format, attempts, payload) in due {
        let fresh = in_flight.lock().map(|mut f| f.insert(id)).unwrap_or(false);
        if !fresh {
            continue;
        }
        let (state, client, in_flight) = (state.clone(), client.clone(), in_flight.clone());
        tokio::spawn(async move {
            let payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
            let body = webhook_body(&format, &payload);
            let error = match client.post(&url).json(&body).send().await {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("HTTP {}", r.status())),
                Err(e) => Some(error_chain(&e)),
            };
            if let Err(e) = record_attempt(&state, id, &url, attempts + 1, error).await {
                tracing::error!(error = %e, "recording a webhook attempt failed");
            }
            if let Ok(mut f) = in_flight.lock() {
                f.remove(&id);
            }
        });
    }
    Ok(())
}

/// Records one attempt: delivered, failed (next attempt after a backoff) or given up.
async fn record_attempt(
    state: &AppState,
    id: i64,
    url: &str,
    attempts: i64,
    error: Option<String>,
) -> Result<(), sqlx::Error> {
    let pool = state.store.pool();
    let shown = crate::api::redact_url(url);
    let now = now_ms();
    let outcome = match error {
        None => {
            sqlx::query("UPDATE deliveries SET delivered_ms = $1, attempts = $2, last_error = NULL WHERE id = $3")
                .bind(now)
                .bind(attempts)
                .bind(id)
                .execute(pool)
                .await?;
            "delivered"
        }
        Some(e) if attempts >= state.limits.webhook_max_attempts => {
            tracing::error!(url = %shown, attempts, error = %e, "webhook delivery given up");
            sqlx::query("UPDATE deliveries SET gave_up_ms = $1, attempts = $2, last_error = $3 WHERE id = $4")
                .bind(now)
                .bind(attempts)
                .bind(e)
                .bind(id)
                .execute(pool)
                .await?;
            "gave_up"
        }
        Some(e) => {
            let next = now + backoff_ms(state.limits.webhook_retry_base_ms, attempts);
            tracing::warn!(url = %shown, attempts, error = %e, retry_in_ms = next - now, "webhook delivery failed");
            sqlx::query("UPDATE deliveries SET next_attempt_ms = $1, attempts = $2, last_error = $3 WHERE id = $4")
                .bind(next)
                .bind(attempts)
                .bind(e)
                .bind(id)
                .execute(pool)
                .await?;
            "failed"
        }
    };
    state
        .metrics
        .webhook_attempts
        .get_or_create(&labels(&[("outcome", outcome)]))
        .inc();
    Ok(())
}

/// An error with its causes ("error sending request: connection refused"), URL paths hidden.
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1000, 1), 1000);
        assert_eq!(backoff_ms(1000, 2), 2000);
        assert_eq!(backoff_ms(1000, 4), 8000);
        assert_eq!(backoff_ms(1000, 30), 300_000);
    }

    #[test]
    fn slack_bodies_carry_the_message_as_text() {
        let p = json!({"kind": "firing", "status": "fail", "message": "assay monitor m: fail"});
        assert_eq!(
            webhook_body("slack", &p),
            json!({"text": ":red_circle: assay monitor m: fail"})
        );
        let r = json!({"kind": "resolved", "status": "pass", "message": "ok"});
        assert_eq!(webhook_body("slack", &r)["text"], ":large_green_circle: ok");
        assert_eq!(webhook_body("json", &p), p);
    }

    #[test]
    fn warn_fires_only_when_asked() {
        assert!(is_bad("fail", false) && is_bad("error", false));
        assert!(!is_bad("warn", false) && is_bad("warn", true));
        assert!(!is_bad("pass", true));
    }
}
