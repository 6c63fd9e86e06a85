//! Monitors: what to watch (a suite's roles and checks), against what (a reference profile,
//! never raw rows), over which windows (tumbling, by event time or by row count), and whom to
//! tell (webhooks).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use serde::{Deserialize, Serialize};

use assay_checks::suite::{DataSection, Paths};
use assay_checks::LoadedSuite;
use assay_stats::Profile;

use crate::store::{now_ms, Store};

/// Check families that need more than a window of rows (training, model files, timing):
/// refused in monitors.
const OFFLINE_FAMILIES: &[&str] = &[
    "crossval.",
    "generalization.",
    "sensitivity.",
    "robustness.",
    "performance.",
    "fairness.counterfactual",
];

/// A monitor as created through the API (`POST /api/v1/monitors`) and as the service shows it
/// (every field, optional ones not given as null, without the reference profile, webhook URLs
/// without their path). Unknown fields are refused. Durations are a number (digits) and a unit:
/// `ms`, `s`, `m` (or `min`), `h`, `d`, `w`, within the limits of each field.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorSpec {
    /// Unique name: letters, digits, `-`, `_`, `.` (1–100 characters, not only dots).
    #[schema(
        pattern = "^[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*$",
        min_length = 1,
        max_length = 100
    )]
    pub name: String,
    /// A suite (YAML or JSON text) giving `roles`, `options`, `evaluation` and `checks`; its
    /// `data` section, if any, is ignored but for `data.csv` (windows are the current data, the
    /// reference profile the reference). It is checked against the reference profile (400
    /// naming what is wrong).
    #[schema(min_length = 1)]
    pub suite: String,
    /// The reference as a saved assay profile (`assay profile DATA -o ref.json`). Required on
    /// creation (400 without it); stored apart from the spec, never answered (write-only).
    // Left out of answers by `skip_serializing_if`: `skip_serializing` would leave it out of
    // the description too.
    #[serde(default, skip_serializing_if = "never_written")]
    #[schema(schema_with = crate::openapi::schemas::reference_profile, required = true)]
    pub reference_profile: Option<serde_json::Value>,
    /// The windows.
    pub window: WindowSpec,
    /// Column holding each event's id (default: the suite's `roles.id`): labels join on it.
    #[serde(default)]
    #[schema(
        pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub event_id_column: Option<String>,
    /// Column holding each event's time (default: `roles.timestamp`): integer milliseconds since
    /// the epoch, or an RFC 3339 / ISO 8601 string. Without one, rows take their arrival time.
    #[serde(default)]
    #[schema(
        pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub timestamp_column: Option<String>,
    /// Delayed labels.
    #[serde(default)]
    pub labels: LabelSpec,
    /// Alerting.
    #[serde(default)]
    pub alerts: AlertSpec,
    /// How long raw rows are kept after their window closes (default `7d`); pushed profiles,
    /// results and alerts are kept.
    #[serde(default)]
    #[schema(schema_with = crate::openapi::schemas::retention)]
    pub retention: Option<String>,
}

/// A whole number written as JSON reads it: `20` or `20.0` (JSON Schema, which the API's
/// description follows, counts `20.0` as an integer), or null.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(f))
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| {
                D::Error::custom(format!("invalid value: {n}, expected a whole number"))
            }),
        Some(other) => Err(D::Error::custom(format!(
            "invalid type: {other}, expected a whole number"
        ))),
    }
}

/// `MonitorSpec::reference_profile` is never serialized.
fn never_written<T>(_: &T) -> bool {
    true
}

/// Tumbling windows: by row count or by event time (its schema is `openapi::schemas`': one of
/// the two forms).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// Close a window every this many rows.
    #[serde(default, deserialize_with = "whole_number")]
    pub rows: Option<u64>,
    /// Close a window every this much event time (`30s`, `15m`, `1h`, `1d`), aligned to the epoch.
    #[serde(default)]
    pub every: Option<String>,
    /// How long after its end a time window waits for late rows before it is evaluated
    /// (default `0s`). Rows arriving later still count: the window is evaluated again.
    #[serde(default)]
    pub grace: Option<String>,
}

/// Delayed ground truth.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    /// How long after a window closes labels may still arrive and re-evaluate it (default `1d`).
    #[serde(default)]
    #[schema(schema_with = crate::openapi::schemas::label_wait)]
    pub wait: Option<String>,
}

/// Where and how often to alert.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertSpec {
    /// Lowest status that fires: `warn` or `fail` (default). `error` always fires.
    #[serde(default)]
    pub on: Option<AlertOn>,
    /// Minimum time between two firing alerts of the monitor (default `0s`); a status that
    /// stays bad never fires twice.
    #[serde(default)]
    #[schema(schema_with = crate::openapi::schemas::alert_cooldown)]
    pub cooldown: Option<String>,
    /// Webhooks called on every alert (at most 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub webhooks: Vec<Webhook>,
}

/// One webhook.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// `http://` or `https://` URL.
    #[schema(schema_with = crate::openapi::schemas::webhook_url)]
    pub url: String,
    /// `json` (assay's alert document, default) or `slack` (`{"text": …}` for Slack-compatible
    /// incoming webhooks).
    #[serde(default)]
    pub format: Option<WebhookFormat>,
}

/// The lowest status that fires an alert (`alerts.on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlertOn {
    /// Fire on `warn`, `fail` and `error`.
    Warn,
    /// Fire on `fail` and `error`.
    Fail,
}

/// How a webhook is called (`alerts.webhooks[].format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// assay's alert document.
    Json,
    /// `{"text": …}` for Slack-compatible incoming webhooks.
    Slack,
}

impl WebhookFormat {
    /// Its name (as stored with each delivery).
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Slack => "slack",
        }
    }
}

/// How windows are cut, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Windowing {
    /// Every `n` rows: window `k` holds rows `k·n … (k+1)·n − 1` in arrival order.
    Rows(u64),
    /// Every `size_ms` of event time, aligned to the epoch; key = start time.
    Time {
        /// Window length.
        size_ms: i64,
        /// Wait after the end before evaluating.
        grace_ms: i64,
    },
}

impl Windowing {
    /// Human description ("10000 rows", "every 1h").
    pub fn describe(&self) -> String {
        match self {
            Windowing::Rows(n) => format!("{n} rows"),
            Windowing::Time { size_ms, .. } => format!("every {}", format_duration(*size_ms)),
        }
    }

    /// Window key of an event time (time windows): its window's start.
    pub fn key_of_time(size_ms: i64, ts: i64) -> i64 {
        ts.div_euclid(size_ms) * size_ms
    }

    /// `(start_ms, end_ms)` of a window: event-time bounds (time windows) or `(0, 0)`.
    pub fn bounds(&self, key: i64) -> (i64, i64) {
        match self {
            Windowing::Rows(_) => (0, 0),
            Windowing::Time { size_ms, .. } => (key, key.saturating_add(*size_ms)),
        }
    }
}

/// A monitor as the service uses it.
#[derive(Debug, Clone)]
pub struct Monitor {
    /// Database id.
    pub id: i64,
    /// The spec it was created with (reference profile stripped).
    pub spec: MonitorSpec,
    /// The suite, parsed.
    pub suite: LoadedSuite,
    /// The reference profile.
    pub reference: Arc<Profile>,
    /// Columns and types rows are read with.
    pub schema: SchemaRef,
    /// Windows.
    pub windowing: Windowing,
    /// Event id column, if any.
    pub id_column: Option<String>,
    /// Event time column, if any.
    pub time_column: Option<String>,
    /// Label (target) column, if any.
    pub label_column: Option<String>,
    /// Raw rows kept this long after a window closes.
    pub retention_ms: i64,
    /// Labels re-evaluate a window up to this long after it closed.
    pub label_wait_ms: i64,
    /// Minimum time between firing alerts.
    pub cooldown_ms: i64,
    /// `warn` fires too.
    pub alert_on_warn: bool,
}

/// A spec that cannot become a monitor: the message names the field.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

/// Parses `500ms`, `30s`, `15m`, `2h`, `1d`, `1w` into milliseconds: one whole number and one
/// unit, as the OpenAPI description's pattern says (humantime reads the value; it would also
/// take compound spellings such as `1h 30m`, which the API does not promise).
pub fn parse_duration(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    if number.is_empty() || !matches!(unit, "ms" | "s" | "m" | "min" | "h" | "d" | "w") {
        return None;
    }
    let duration = humantime::parse_duration(text).ok()?;
    i64::try_from(duration.as_millis()).ok()
}

/// The shortest exact spelling of a duration (`90000` → `90s`, `3600000` → `1h`).
pub fn format_duration(ms: i64) -> String {
    for (unit, f) in [
        ("w", 604_800_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if ms != 0 && ms % f == 0 {
            return format!("{}{unit}", ms / f);
        }
    }
    format!("{ms}ms")
}

/// Shortest `window.every`.
pub const MIN_WINDOW_MS: i64 = 1_000;
/// Most rows of a row-count window (`window.rows`).
pub const MAX_WINDOW_ROWS: u64 = 100_000_000;
/// Longest `window.every` (a month): longer windows are never evaluated in practice and hold
/// every row in memory when they are.
pub const MAX_WINDOW_MS: i64 = 31 * 86_400_000;
/// Longest `window.grace`.
pub const MAX_GRACE_MS: i64 = 7 * 86_400_000;
/// Longest `retention` of raw rows.
pub const MAX_RETENTION_MS: i64 = 366 * 86_400_000;
/// Longest `labels.wait` (every label batch re-evaluates the windows closed within it).
pub const MAX_LABEL_WAIT_MS: i64 = 30 * 86_400_000;
/// Longest `alerts.cooldown`.
pub const MAX_COOLDOWN_MS: i64 = 30 * 86_400_000;
/// Most webhooks of one monitor.
pub const MAX_WEBHOOKS: usize = 20;

fn duration_field(
    field: &str,
    value: Option<&str>,
    default_ms: i64,
    max_ms: i64,
) -> Result<i64, SpecError> {
    let ms = match value {
        None => default_ms,
        Some(v) => parse_duration(v).filter(|d| *d >= 0).ok_or_else(|| {
            SpecError(format!(
                "{field}: `{v}` is not a duration (expected a number and a unit: ms, s, m, h, d, w, e.g. `15m`)"
            ))
        })?,
    };
    if ms > max_ms {
        return Err(SpecError(format!(
            "{field}: `{}` is longer than the longest allowed, {}",
            value.unwrap_or_default(),
            format_duration(max_ms)
        )));
    }
    Ok(ms)
}

/// True for a name usable in URLs and metrics labels.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.chars().all(|c| c == '.')
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Parses a monitor's suite text. Its `data` section, if any, is replaced by the window.
pub fn parse_suite(name: &str, text: &str) -> Result<LoadedSuite, SpecError> {
    let label = format!("monitor {name}: suite");
    let mut value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let line = e
            .location()
            .map(|l| format!(" line {}", l.line()))
            .unwrap_or_default();
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        SpecError(format!("{label}:{line}: {msg}"))
    })?;
    let Some(map) = value.as_mapping_mut() else {
        return Err(SpecError(format!(
            "{label}: expected a mapping with `roles` and `checks`"
        )));
    };
    // Keep the suite's CSV settings (null markers apply to CSV rows posted to the monitor).
    let csv = map
        .get("data")
        .and_then(|d| d.get("csv"))
        .cloned()
        .map(serde_norway::from_value::<assay_engine::format::CsvSettings>)
        .transpose()
        .map_err(|e| SpecError(format!("{label}: data.csv: {e}")))?
        .unwrap_or_default();
    map.insert(
        serde_norway::Value::from("data"),
        serde_norway::to_value(DataSection {
            current: Paths::Many(Vec::new()),
            reference: None,
            format: None,
            csv,
        })
        .map_err(|e| SpecError(format!("{label}: {e}")))?,
    );
    let suite: assay_checks::Suite = serde_norway::from_value(value).map_err(|e| {
        let msg = e.to_string();
        SpecError(format!(
            "{label}: {}",
            msg.split(" at line ").next().unwrap_or(&msg)
        ))
    })?;
    for entry in &suite.checks {
        if let Some(family) = OFFLINE_FAMILIES
            .iter()
            .find(|f| entry.check.starts_with(**f))
        {
            return Err(SpecError(format!(
                "{label}: `{}` cannot run on a window of production rows ({family}* checks train, time or perturb models; run them with `assay check`)",
                entry.check
            )));
        }
    }
    let mut loaded =
        LoadedSuite::from_suite(suite, &label).map_err(|e| SpecError(e.to_string()))?;
    loaded.text = text.to_string();
    Ok(loaded)
}

/// Arrow type of a profiled column (`Int64`, `Utf8`, `Timestamp(ms)`, …); anything else is read
/// as text.
fn arrow_type_of(profiled: &str) -> DataType {
    profiled.parse::<DataType>().unwrap_or(DataType::Utf8)
}

/// The type a profiled column is read with (narrow integers and floats widened, text as Utf8).
pub fn ingest_type(profiled: &str) -> DataType {
    match arrow_type_of(profiled) {
        // Narrow integers would reject values a later batch legitimately carries.
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => DataType::Int64,
        DataType::Float16 | DataType::Float32 => DataType::Float64,
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        other => other,
    }
}

/// The schema rows are read with: the reference's columns, plus the id and time columns.
pub fn ingest_schema(reference: &Profile, id: Option<&str>, time: Option<&str>) -> SchemaRef {
    let mut fields: Vec<Field> = reference
        .columns
        .iter()
        .map(|c| Field::new(&c.name, ingest_type(&c.data_type), true))
        .collect();
    if let Some(id) = id {
        if !fields.iter().any(|f| f.name() == id) {
            fields.push(Field::new(id, DataType::Utf8, true));
        }
    }
    if let Some(time) = time {
        if !fields.iter().any(|f| f.name() == time) {
            fields.push(Field::new(time, DataType::Utf8, true));
        }
    }
    Arc::new(Schema::new(fields))
}

impl Monitor {
    /// Validates a spec against its reference and resolves it.
    pub fn build(id: i64, spec: MonitorSpec, reference: Profile) -> Result<Monitor, SpecError> {
        if !valid_name(&spec.name) {
            return Err(SpecError(format!(
                "name: `{}` is not a monitor name (1–100 letters, digits, `-`, `_` or `.`)",
                spec.name
            )));
        }
        for (field, column) in [
            ("event_id_column", &spec.event_id_column),
            ("timestamp_column", &spec.timestamp_column),
        ] {
            if column.as_deref().is_some_and(|c| c.trim().is_empty()) {
                return Err(SpecError(format!("{field}: empty (a column name)")));
            }
        }
        let mut suite = parse_suite(&spec.name, &spec.suite)?;
        // The event id and time columns are roles, never features the checks compare.
        if suite.suite.roles.id.is_none() {
            suite.suite.roles.id = spec.event_id_column.clone();
        }
        if suite.suite.roles.timestamp.is_none() {
            suite.suite.roles.timestamp = spec.timestamp_column.clone();
        }
        let roles = &suite.suite.roles;
        let id_column = spec.event_id_column.clone().or_else(|| roles.id.clone());
        let time_column = spec
            .timestamp_column
            .clone()
            .or_else(|| roles.timestamp.clone());
        let label_column = roles.target.clone();
        let windowing = match (&spec.window.rows, &spec.window.every) {
            (Some(n), None) => {
                if *n == 0 || *n > MAX_WINDOW_ROWS {
                    return Err(SpecError(format!(
                        "window.rows: {n} is out of range (1 to {MAX_WINDOW_ROWS})"
                    )));
                }
                if spec.window.grace.is_some() {
                    return Err(SpecError("window.grace: only for time windows (`every`)".into()));
                }
                Windowing::Rows(*n)
            }
            (None, Some(every)) => {
                let size_ms = duration_field("window.every", Some(every), 0, MAX_WINDOW_MS)?;
                if size_ms < MIN_WINDOW_MS {
                    return Err(SpecError(format!(
                        "window.every: `{every}` is shorter than the smallest window ({})",
                        format_duration(MIN_WINDOW_MS)
                    )));
                }
                if time_column.is_none() {
                    // Arrival time stands in: allowed, but say so in the description.
                }
                Windowing::Time {
                    size_ms,
                    grace_ms: duration_field(
                        "window.grace",
                        spec.window.grace.as_deref(),
                        0,
                        MAX_GRACE_MS,
                    )?,
                }
            }
            _ => {
                return Err(SpecError(
                    "window: give exactly one of `rows: N` (row-count windows) or `every: DURATION` (time windows)".into(),
                ))
            }
        };
        let alert_on_warn = spec.alerts.on == Some(AlertOn::Warn);
        if spec.alerts.webhooks.len() > MAX_WEBHOOKS {
            return Err(SpecError(format!(
                "alerts.webhooks: {} webhooks, at most {MAX_WEBHOOKS}",
                spec.alerts.webhooks.len()
            )));
        }
        for (i, w) in spec.alerts.webhooks.iter().enumerate() {
            // As the description's pattern reads in ECMA/Python regexes, `$` also matches
            // before one final newline (which the URL parser strips).
            let form = w.url.strip_suffix('\n').unwrap_or(&w.url);
            let ok_url = webhook_url_pattern().is_match(form)
                && url::Url::parse(&w.url)
                    .map(|u| u.scheme() == "http" || u.scheme() == "https")
                    .unwrap_or(false);
            if !ok_url {
                return Err(SpecError(format!(
                    "alerts.webhooks[{i}].url: `{}` is not an http(s) URL",
                    w.url
                )));
            }
        }
        let reference_columns: Vec<&str> =
            reference.columns.iter().map(|c| c.name.as_str()).collect();
        let schema = ingest_schema(&reference, id_column.as_deref(), time_column.as_deref());
        for (role, column) in roles_in_use(roles) {
            if !reference_columns.contains(&column.as_str())
                && Some(&column) != id_column.as_ref()
                && Some(&column) != time_column.as_ref()
            {
                return Err(SpecError(format!(
                    "suite roles.{role}: column `{column}` is not in the reference profile (columns: {})",
                    reference_columns.join(", ")
                )));
            }
        }
        // Slices are SQL expressions evaluated in memory on the window's rows (never a query,
        // never the database): check them now against the columns rows will have.
        for slice in &suite.suite.evaluation.slices {
            assay_checks::evaluation::slices::SliceExpr::parse(slice, &schema)
                .map_err(|e| SpecError(format!("suite evaluation.slices: {e}")))?;
        }
        for entry in &suite.suite.checks {
            for c in entry.columns.iter().flatten() {
                if !reference_columns.contains(&c.as_str()) {
                    return Err(SpecError(format!(
                        "suite check `{}` names column `{c}`, which the reference profile does not have",
                        entry.check
                    )));
                }
            }
        }
        Ok(Monitor {
            id,
            retention_ms: duration_field(
                "retention",
                spec.retention.as_deref(),
                7 * 86_400_000,
                MAX_RETENTION_MS,
            )?,
            label_wait_ms: duration_field(
                "labels.wait",
                spec.labels.wait.as_deref(),
                86_400_000,
                MAX_LABEL_WAIT_MS,
            )?,
            cooldown_ms: duration_field(
                "alerts.cooldown",
                spec.alerts.cooldown.as_deref(),
                0,
                MAX_COOLDOWN_MS,
            )?,
            alert_on_warn,
            suite,
            reference: Arc::new(reference),
            schema,
            windowing,
            id_column,
            time_column,
            label_column,
            spec,
        })
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

fn roles_in_use(roles: &assay_engine::Roles) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (role, c) in [
        ("target", &roles.target),
        ("prediction", &roles.prediction),
        ("weight", &roles.weight),
    ] {
        if let Some(c) = c {
            out.push((role, c.clone()));
        }
    }
    for c in &roles.probabilities {
        out.push(("probabilities", c.clone()));
    }
    for c in roles.segments.iter().chain(&roles.protected) {
        out.push(("segments/protected", c.clone()));
    }
    out
}

/// Reads every monitor (for the service's in-memory registry).
pub async fn load_all(
    store: &Store,
) -> Result<Vec<Result<Monitor, (String, SpecError)>>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, name, spec, reference_profile FROM monitors ORDER BY id")
            .fetch_all(store.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, spec, reference)| {
            let spec: MonitorSpec = serde_json::from_str(&spec)
                .map_err(|e| (name.clone(), SpecError(format!("stored spec: {e}"))))?;
            let reference = Profile::from_json(&reference)
                .map_err(|e| (name.clone(), SpecError(format!("stored reference: {e}"))))?;
            Monitor::build(id, spec, reference).map_err(|e| (name, e))
        })
        .collect())
}

/// Stores a new monitor; returns its id. Fails with `Ok(None)` when the name is taken.
pub async fn insert(
    store: &Store,
    spec: &MonitorSpec,
    reference: &Profile,
    schema: &Schema,
) -> Result<Option<i64>, sqlx::Error> {
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM monitors WHERE name = $1")
        .bind(&spec.name)
        .fetch_optional(store.pool())
        .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let spec_json = serde_json::to_string(spec).unwrap_or_default();
    let reference_json = reference.to_json().unwrap_or_default();
    let schema_json = serde_json::to_string(
        &schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO monitors (name, spec, reference_profile, ingest_schema, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&spec.name)
    .bind(spec_json)
    .bind(reference_json)
    .bind(schema_json)
    .bind(now_ms())
    .fetch_one(store.pool())
    .await?;
    Ok(Some(row.0))
}

/// The form of a webhook URL, as the OpenAPI description gives it (`Webhook.url.pattern`; a
/// test checks the two agree): `http(s)://`, a host name whose last label starts with a letter
/// or an IPv4 address, an optional port, then any path, query or fragment. A URL the WHATWG
/// parser reads but this refuses (a `*` or `_` in the host, user info) is refused: found by
/// schemathesis.
pub const WEBHOOK_URL_PATTERN: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://(?:(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(?:[/?#].*)?$";

fn webhook_url_pattern() -> &'static regex::Regex {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        regex::Regex::new(WEBHOOK_URL_PATTERN).expect("the webhook URL pattern is a valid regex")
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn webhook_urls_are_refused_exactly_where_the_description_s_pattern_refuses_them() {
        let described = crate::api::description();
        assert_eq!(
            described
                .pointer("/components/schemas/Webhook/properties/url/pattern")
                .and_then(|p| p.as_str()),
            Some(WEBHOOK_URL_PATTERN)
        );
        let pattern = webhook_url_pattern();
        for ok in [
            "https://hooks.example.com/x?a=1",
            "HTTP://10.0.0.1:8080",
            "http://a.b\n",
        ] {
            assert!(
                pattern.is_match(ok.strip_suffix('\n').unwrap_or(ok)),
                "{ok}"
            );
        }
        // The WHATWG parser reads each of these; the description refuses them.
        for refused in [
            "https://a.b*",
            "http://user@host.example",
            "http://a_b.example",
            "http://1.2.3",
        ] {
            assert!(url::Url::parse(refused).is_ok(), "{refused}");
            assert!(!pattern.is_match(refused), "{refused}");
        }
    }

    use super::*;

    /// The description's pattern for column names (a character other than white space) holds
    /// where `str::trim` leaves something, which is what the service checks.
    #[test]
    fn column_names_are_refused_as_blank_exactly_where_the_description_says() {
        let doc = crate::api::description();
        let pattern = doc
            .pointer("/components/schemas/MonitorSpec/properties/event_id_column/pattern")
            .and_then(|p| p.as_str())
            .expect("a pattern");
        let re = regex::Regex::new(pattern).expect("a valid regex");
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let text = format!(" {c}\t");
            assert_eq!(
                re.is_match(&text),
                !text.trim().is_empty(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn window_rows_are_whole_numbers_however_json_writes_them() {
        let rows = |text: &str| {
            serde_json::from_str::<WindowSpec>(text)
                .map(|w| w.rows)
                .map_err(|e| e.to_string())
        };
        assert_eq!(rows(r#"{"rows": 20}"#), Ok(Some(20)));
        assert_eq!(rows(r#"{"rows": 20.0}"#), Ok(Some(20)));
        assert_eq!(rows(r#"{"rows": null, "every": "1h"}"#), Ok(None));
        assert_eq!(rows(r#"{"every": "1h"}"#), Ok(None));
        for refused in [r#"{"rows": 20.5}"#, r#"{"rows": -1}"#, r#"{"rows": 1e300}"#] {
            let e = rows(refused).expect_err(refused);
            assert!(e.contains("expected a whole number"), "{e}");
        }
        let e = rows(r#"{"rows": "20"}"#).expect_err("text");
        assert!(e.contains("invalid type"), "{e}");
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("15m"), Some(900_000));
        assert_eq!(parse_duration("2h"), Some(7_200_000));
        assert_eq!(parse_duration("1d"), Some(86_400_000));
        assert_eq!(parse_duration("1w"), Some(604_800_000));
        // Strict, as the API description says: no spaces.
        assert_eq!(parse_duration("1 w"), None);
        assert_eq!(parse_duration(" 1w"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("10 parsecs"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
        assert_eq!(format_duration(3_600_000), "1h");
        assert_eq!(format_duration(90_000), "90s");
        assert_eq!(format_duration(1_500), "1500ms");
    }

    #[test]
    fn time_keys_align_to_the_epoch_also_before_it() {
        assert_eq!(Windowing::key_of_time(60_000, 125_000), 120_000);
        assert_eq!(Windowing::key_of_time(60_000, -1), -60_000);
        let w = Windowing::Time {
            size_ms: 60_000,
            grace_ms: 0,
        };
        assert_eq!(w.bounds(120_000), (120_000, 180_000));
    }

    #[test]
    fn names_are_url_safe() {
        assert!(valid_name("adult-income_v2.1"));
        assert!(!valid_name(""));
        assert!(!valid_name("a b"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(&"x".repeat(101)));
    }

    #[test]
    fn suites_without_data_parse_and_offline_checks_are_refused() {
        let ok = parse_suite("m", "roles: {target: y}\nchecks:\n  - check: drift.auto\n");
        assert!(ok.is_ok(), "{ok:?}");
        let bad = parse_suite("m", "checks:\n  - check: crossval.score\n").unwrap_err();
        assert!(
            bad.0.contains("crossval.score") && bad.0.contains("cannot run on a window"),
            "{bad}"
        );
        let unknown = parse_suite("m", "checks:\n  - check: drift.autox\n").unwrap_err();
        assert!(unknown.0.contains("drift.autox"), "{unknown}");
        let malformed = parse_suite("m", "checks: [\n").unwrap_err();
        assert!(malformed.0.starts_with("monitor m: suite"), "{malformed}");
    }
}
