//! Rows read back from the database, as the API returns them.

use serde::Serialize;

/// A window. For time windows `start_ms` / `end_ms` are its event-time bounds; for row-count
/// windows the arrival times of its first and latest rows.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = Window)]
#[serde(deny_unknown_fields)]
pub struct WindowRecord {
    /// Window key: 0, 1, 2, … (row-count windows) or the start in ms since the epoch (time
    /// windows).
    pub key: i64,
    /// Start: event time (time windows) or first arrival (row-count windows), ms.
    pub start_ms: i64,
    /// End: event time (time windows) or last arrival (row-count windows), ms.
    pub end_ms: i64,
    /// Raw rows received.
    #[schema(minimum = 0)]
    pub rows: i64,
    /// Rows covered by pushed profiles.
    #[schema(minimum = 0)]
    pub profile_rows: i64,
    /// `open` (taking rows), `closed` (waiting for evaluation), `evaluated`.
    #[schema(value_type = WindowState)]
    pub state: String,
    /// Overall status of the latest evaluation (the worst result; skipped results do not
    /// count); null before the first.
    #[schema(value_type = Option<WindowStatus>, required = true)]
    pub status: Option<String>,
    /// When it closed, ms.
    #[schema(required = true)]
    pub closed_at_ms: Option<i64>,
    /// When it was last evaluated, ms.
    #[schema(required = true)]
    pub evaluated_at_ms: Option<i64>,
    /// How many times it was evaluated (late rows and labels re-evaluate it).
    #[schema(minimum = 0)]
    pub evaluations: i64,
}

/// The state of a window, as the service stores it.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WindowState {
    /// Taking rows.
    Open,
    /// Waiting for evaluation.
    Closed,
    /// Evaluated (and evaluated again when late rows or labels arrive).
    Evaluated,
}

/// The overall status of a window's evaluation, as the service stores it.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WindowStatus {
    /// Every check passed.
    Pass,
    /// The worst result was a warning.
    Warn,
    /// A check failed.
    Fail,
    /// The evaluation or a check could not run.
    Error,
}

/// The status of one check's result, as reports write it.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Passed.
    Pass,
    /// Warned.
    Warn,
    /// Failed.
    Fail,
    /// Could not run.
    Error,
    /// Did not apply (e.g. no labels yet).
    Skipped,
}

/// The columns of a [`WindowRecord`], for `SELECT`.
pub const WINDOW_COLUMNS: &str =
    "window_key AS key, start_ms, end_ms, rows, profile_rows, state, status, \
     closed_ms AS closed_at_ms, evaluated_ms AS evaluated_at_ms, evaluations";

/// One stored figure with its window's bounds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FigureRecord {
    /// Check id.
    pub check_id: String,
    /// Column, or empty.
    pub column_name: String,
    /// Window key.
    pub window_key: i64,
    /// Window start.
    pub start_ms: i64,
    /// Window end.
    pub end_ms: i64,
    /// The measured value.
    pub value: Option<f64>,
    /// The condition's threshold.
    pub threshold: Option<f64>,
    /// The result's status.
    pub status: String,
}

/// One webhook delivery of an alert.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = Delivery)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRecord {
    /// The webhook URL's scheme, host and port; its path (a secret for Slack) is hidden.
    #[schema(pattern = "^https?://[^/]*/…$", example = "https://hooks.slack.com/…")]
    pub url: String,
    /// How the webhook is called.
    #[schema(value_type = crate::monitor::WebhookFormat)]
    pub format: String,
    /// Attempts so far.
    #[schema(minimum = 0)]
    pub attempts: i64,
    /// When delivered.
    #[schema(required = true)]
    pub delivered_ms: Option<i64>,
    /// When given up.
    #[schema(required = true)]
    pub gave_up_ms: Option<i64>,
    /// Error of the last failed attempt.
    #[schema(required = true)]
    pub last_error: Option<String>,
}

/// A monitor as the API shows it (`GET /api/v1/monitors[/{name}]`, `POST /api/v1/monitors`):
/// its spec with webhook URLs redacted, its columns and roles, and in lists its activity.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Monitor)]
#[serde(deny_unknown_fields)]
pub struct MonitorView {
    /// Monitor name.
    pub name: String,
    /// The windows, described (`10000 rows`, `every 1h`).
    #[schema(example = "every 1h")]
    pub window: String,
    /// The spec it was created from (webhook paths hidden).
    #[schema(schema_with = crate::openapi::schemas::monitor_spec_view)]
    pub spec: crate::monitor::MonitorSpec,
    /// The columns rows are read with (the reference's, plus the event id and timestamp
    /// columns).
    pub columns: Vec<ColumnView>,
    /// Rows of the reference profile.
    pub reference_rows: u64,
    /// Event id column (labels join on it), if any.
    #[schema(required = true)]
    pub event_id_column: Option<String>,
    /// Event time column, if any (otherwise rows take their arrival time).
    #[schema(required = true)]
    pub timestamp_column: Option<String>,
    /// Label (target) column, the suite's `roles.target`, if any.
    #[schema(required = true)]
    pub label_column: Option<String>,
    /// List output only, once the monitor has a window: evaluated windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub windows: Option<i64>,
    /// List output only, once the monitor has a window: the newest evaluated window's status
    /// (null before the first evaluation).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<WindowStatus>)]
    pub last_status: Option<Option<String>>,
    /// List output only, once the monitor has a window: the newest evaluated window's end, ms
    /// since the epoch (null before the first evaluation).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub last_window_end_ms: Option<Option<i64>>,
    /// List output only, once the monitor has a window: rows received (raw and pushed-profile
    /// rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub rows: Option<i64>,
}

/// A column rows are read with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MonitorColumn)]
#[serde(deny_unknown_fields)]
pub struct ColumnView {
    /// Column name.
    pub name: String,
    /// Arrow data type, as Arrow writes it (`Int64`, `Utf8`, ...).
    #[serde(rename = "type")]
    pub data_type: String,
}

/// The answer to `POST …/labels`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsAccepted {
    /// Labels stored.
    pub accepted: usize,
    /// Evaluated windows marked for another evaluation.
    pub windows_to_reevaluate: u64,
}

/// An alert and the state of its webhook deliveries (`GET …/alerts`, newest first).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Alert)]
#[serde(deny_unknown_fields)]
pub struct AlertView {
    /// Alert id.
    pub id: i64,
    /// The window whose evaluation raised it.
    pub window_key: i64,
    /// `firing` when a status turned bad, `resolved` when it turned good again.
    #[schema(value_type = AlertKind)]
    pub kind: String,
    /// The window's status.
    #[schema(value_type = WindowStatus)]
    pub status: String,
    /// The status of the evaluated window before it (`none` when it is the monitor's first).
    #[schema(value_type = PreviousStatus)]
    pub previous_status: String,
    /// What happened, in words.
    pub message: String,
    /// When it was made, ms.
    pub created_ms: i64,
    /// One per webhook of the monitor (URLs redacted).
    pub deliveries: Vec<DeliveryRecord>,
}

/// What an alert says.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    /// The status turned bad.
    Firing,
    /// The status turned good again.
    Resolved,
}

/// The status before an alert's window.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PreviousStatus {
    /// Passed.
    Pass,
    /// Warned.
    Warn,
    /// Failed.
    Fail,
    /// Could not be evaluated.
    Error,
    /// No window was evaluated before.
    None,
}
