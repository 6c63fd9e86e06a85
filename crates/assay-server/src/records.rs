//! Rows read back from the database, as the API returns them.

use serde::Serialize;

/// A window and its state.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
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
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
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
