//! Rows read back from the database, as the API returns them.

use serde::Serialize;

/// A window and its state.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct WindowRecord {
    /// Window key: the window's number (row-count windows) or start time in ms (time windows).
    pub key: i64,
    /// Start: event time (time windows) or first arrival (row-count windows), ms.
    pub start_ms: i64,
    /// End: event time (time windows) or last arrival (row-count windows), ms.
    pub end_ms: i64,
    /// Raw rows stored.
    pub rows: i64,
    /// Rows represented by pushed profiles.
    pub profile_rows: i64,
    /// open, closed (waiting for evaluation) or evaluated.
    pub state: String,
    /// Overall status of the latest evaluation.
    pub status: Option<String>,
    /// When it closed, ms.
    pub closed_at_ms: Option<i64>,
    /// When it was last evaluated, ms.
    pub evaluated_at_ms: Option<i64>,
    /// Evaluations so far (late rows and labels re-evaluate).
    pub evaluations: i64,
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
pub struct DeliveryRecord {
    /// Webhook URL.
    pub url: String,
    /// json or slack.
    pub format: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When delivered.
    pub delivered_ms: Option<i64>,
    /// When given up.
    pub gave_up_ms: Option<i64>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
}

/// A monitor as the API shows it (`GET /api/v1/monitors[/{name}]`, `POST /api/v1/monitors`):
/// its spec with webhook URLs redacted, its columns and roles, and in lists its activity.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonitorView {
    /// Monitor name.
    pub name: String,
    /// How rows are cut into windows, in words (`every 1h`, `1000 rows`).
    pub window: String,
    /// The spec it was created from (webhook paths hidden).
    pub spec: crate::monitor::MonitorSpec,
    /// The columns rows must have, with their Arrow types.
    pub columns: Vec<ColumnView>,
    /// Rows of the reference profile.
    pub reference_rows: u64,
    /// The event id column (for delayed labels), if any.
    pub event_id_column: Option<String>,
    /// The event time column, if any.
    pub timestamp_column: Option<String>,
    /// The label (target) column, if any.
    pub label_column: Option<String>,
    /// In lists, for a monitor with windows: what it has received and evaluated.
    #[serde(flatten)]
    pub activity: Option<MonitorActivity>,
}

/// A column of a monitor and its Arrow type.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ColumnView {
    /// Column name.
    pub name: String,
    /// Arrow data type, as Arrow writes it (`Int64`, `Utf8`, ...).
    #[serde(rename = "type")]
    pub data_type: String,
}

/// What a monitor has received and evaluated.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonitorActivity {
    /// Evaluated windows.
    pub windows: i64,
    /// Status of the newest evaluated window (`null` until one is).
    pub last_status: Option<String>,
    /// End of the newest evaluated window, ms (`null` until one is).
    pub last_window_end_ms: Option<i64>,
    /// Rows received.
    pub rows: i64,
}

/// The answer to `POST …/labels`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LabelsAccepted {
    /// Label rows read.
    pub accepted: usize,
    /// Evaluated windows whose rows got labels, evaluated again.
    pub windows_to_reevaluate: u64,
}

/// One alert with its deliveries (`GET …/alerts`), newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    /// Alert id.
    pub id: i64,
    /// The window that raised or resolved it.
    pub window_key: i64,
    /// `firing` or `resolved`.
    pub kind: String,
    /// The window's status.
    pub status: String,
    /// The status before it.
    pub previous_status: String,
    /// What happened, in words.
    pub message: String,
    /// When it was made, ms.
    pub created_ms: i64,
    /// Its webhook deliveries (URLs redacted).
    pub deliveries: Vec<DeliveryRecord>,
}
