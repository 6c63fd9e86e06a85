//! Schemas with no Rust type of their own, or whose limits are computed: the wire formats of
//! ingested rows, window keys, durations with the service's bounds, event times, and the
//! stored report. The others are derived from the request and answer types.

use std::borrow::Cow;

use serde_json::{json, Value};
use utoipa::openapi::schema::{Object, OneOfBuilder, Schema};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::patterns;
use crate::monitor;

/// A leaf schema written as JSON (an object schema: no `oneOf` at its top).
pub fn object(value: Value) -> Object {
    serde_json::from_value(value).unwrap_or_default()
}

/// Declares a named schema component built by `$build`.
macro_rules! named_schema {
    ($(#[$doc:meta])* $name:ident => $build:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $build
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

named_schema!(
    /// `latest`, or a window key: any signed 64-bit integer.
    WindowKey => RefOr::T(Schema::Object(object(json!({
        "type": "string",
        "description": "`latest`, or a window key: an integer from -9223372036854775808 to \
            9223372036854775807 (a signed 64-bit integer, optionally with a sign and leading zeros).",
        "pattern": format!("^(?:latest|{})$", patterns::any_i64()),
    }))))
);

named_schema!(
    /// One row of JSON Lines.
    JsonRow => RefOr::T(Schema::Object(object(json!({
        "type": "object",
        "description": "One row, column name → value (JSON Lines; more rows would follow on further lines).",
        "additionalProperties": true,
    }))))
);

named_schema!(
    /// JSON Lines, described as its rows.
    JsonLines => RefOr::T(Schema::OneOf(
        OneOfBuilder::new()
            .description(Some("JSON Lines, described as its rows; each row is one line."))
            .item(utoipa::openapi::Ref::from_schema_name("JsonRow"))
            .item(Schema::Array(
                serde_json::from_value(json!({
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/JsonRow"},
                }))
                .unwrap_or_default(),
            ))
            .build(),
    ))
);

named_schema!(
    /// CSV text with a header row.
    CsvText => RefOr::T(Schema::Object(object(json!({
        "type": "string",
        "minLength": 1,
        "description": "CSV with a header row.",
    }))))
);

named_schema!(
    /// Arrow IPC bytes (stream or file format).
    ArrowIpc => RefOr::T(Schema::Object(object(json!({
        "type": "string",
        "format": "binary",
        "description": "Arrow IPC bytes.",
    }))))
);

/// A duration in the service's spelling, at least `min_ms` and at most `max_ms`, optional.
fn duration(description: &str, min_ms: i64, max_ms: i64, example: &str) -> Object {
    object(json!({
        "type": ["string", "null"],
        "description": description,
        "pattern": patterns::duration(min_ms, max_ms),
        "examples": [example],
    }))
}

/// A monitor's spec as answers show it: the request's schema (`MonitorSpec`, derived) without
/// the reference profile, which is never answered, and with every field present (optional ones
/// not given are null).
pub fn monitor_spec_view() -> Object {
    let RefOr::T(Schema::Object(mut spec)) = monitor::MonitorSpec::schema() else {
        return Object::default();
    };
    spec.properties.shift_remove("reference_profile");
    spec.required = spec.properties.keys().cloned().collect();
    spec.description = Some(
        "The spec a monitor was created with, as the service shows it: every field, optional \
         ones not given as null, without the reference profile; webhook URLs without their path."
            .into(),
    );
    spec
}

/// `window.every`.
pub fn window_every() -> Object {
    let mut every = duration(
        "Close a window every this much event time (`30s`, `15m`, `1h`, `1d`), aligned to the \
         epoch: `1s` to `31d`.",
        monitor::MIN_WINDOW_MS,
        monitor::MAX_WINDOW_MS,
        "1h",
    );
    every.schema_type = utoipa::openapi::schema::Type::String.into();
    every
}

/// `window.grace`.
pub fn window_grace() -> Object {
    duration(
        "How long after its end a time window waits for late rows before it is evaluated: at \
         most `7d` (default `0s`). Rows arriving later still count: the window is evaluated again.",
        0,
        monitor::MAX_GRACE_MS,
        "5m",
    )
}

/// `labels.wait`.
pub fn label_wait() -> Object {
    duration(
        "How long after a window closes labels may still arrive and re-evaluate it: at most \
         `30d` (default `1d`).",
        0,
        monitor::MAX_LABEL_WAIT_MS,
        "1d",
    )
}

/// `alerts.cooldown`.
pub fn alert_cooldown() -> Object {
    duration(
        "Minimum time between two firing alerts of the monitor: at most `30d` (default `0s`); \
         a status that stays bad never fires twice.",
        0,
        monitor::MAX_COOLDOWN_MS,
        "30m",
    )
}

/// `retention`.
pub fn retention() -> Object {
    duration(
        "How long raw rows are kept after their window closes: at most `366d` (default `7d`); \
         pushed profiles, results and alerts are kept.",
        0,
        monitor::MAX_RETENTION_MS,
        "7d",
    )
}

/// A webhook's URL.
pub fn webhook_url() -> Object {
    object(json!({
        "type": "string",
        "description": "An `http://` or `https://` URL (as a WHATWG URL parser reads it; the \
            pattern gives the usual form: a host name whose last label starts with a letter, or \
            an IPv4 address, an optional port, then any path, query or fragment). In answers, \
            only its scheme, host and port: its path (a secret for Slack) is hidden (`…`).",
        "pattern": monitor::WEBHOOK_URL_PATTERN,
        "examples": ["https://hooks.slack.com/services/T000/B000/XXXX"],
    }))
}

/// The windows of a monitor: by row count or by event time, exactly one of the two.
impl PartialSchema for monitor::WindowSpec {
    fn schema() -> RefOr<Schema> {
        let null_only = |description: &str| json!({"type": "null", "description": description});
        let rows = object(json!({
            "type": "object",
            "description": "Row-count windows.",
            "additionalProperties": false,
            "required": ["rows"],
            "properties": {
                "rows": {
                    "type": "integer",
                    "format": "int64",
                    "minimum": 1,
                    "maximum": monitor::MAX_WINDOW_ROWS,
                    "description": format!(
                        "Close a window every this many rows (1 to {}).",
                        monitor::MAX_WINDOW_ROWS
                    ),
                },
                "every": null_only("Only for time windows."),
                "grace": null_only("Only for time windows."),
            },
        }));
        let mut time = object(json!({
            "type": "object",
            "description": "Time windows.",
            "additionalProperties": false,
            "required": ["every"],
            "properties": {"rows": null_only("Only for row-count windows.")},
        }));
        time.properties
            .insert("every".into(), Schema::Object(window_every()).into());
        time.properties
            .insert("grace".into(), Schema::Object(window_grace()).into());
        RefOr::T(Schema::OneOf(
            OneOfBuilder::new()
                .description(Some(
                    "Tumbling windows: by row count (`rows`) or by event time (`every`, with an \
                     optional `grace`). Exactly one of `rows` and `every` is given (the other \
                     absent or null).",
                ))
                .item(Schema::Object(rows))
                .item(Schema::Object(time))
                .build(),
        ))
    }
}

impl ToSchema for monitor::WindowSpec {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("WindowSpec")
    }
}

/// The event time of a pushed profile (`?time=`): integer ms or RFC 3339, years 1 to 9999.
pub fn event_time() -> RefOr<Schema> {
    RefOr::T(Schema::OneOf(
        OneOfBuilder::new()
            .description(Some(
                "Event time of the profiled data: integer ms since the epoch, or an RFC 3339 \
                 time, in years 1 to 9999. Only used by time windows; default the arrival time.",
            ))
            .examples([json!(1735689600000_i64), json!("2025-01-01T00:00:00Z")])
            .item(Schema::Object(object(json!({
                "type": "integer",
                "format": "int64",
                "minimum": *crate::ingest::EVENT_TIME_RANGE.start(),
                "maximum": *crate::ingest::EVENT_TIME_RANGE.end(),
            }))))
            .item(Schema::Object(object(json!({
                "type": "string",
                "format": "date-time",
            }))))
            .build(),
    ))
}

named_schema!(
    /// A stored report (loosely: its JSON contract is assay's report, `schema_version` 1).
    Report => RefOr::T(Schema::Object(object(report_schema())))
);

named_schema!(
    /// The stored "report" of a window whose evaluation failed.
    EvaluationFailure => RefOr::T(Schema::Object(object(json!({
        "type": "object",
        "description": "The stored \"report\" of a window whose evaluation failed (its status is `error`).",
        "required": ["error"],
        "additionalProperties": false,
        "properties": {"error": {"type": "string"}},
    }))))
);

/// The parts of assay's report the service's clients rely on; other fields may be added.
fn report_schema() -> Value {
    let count = json!({"type": "integer", "minimum": 0});
    let status = json!({"type": "string", "enum": ["pass", "warn", "fail", "error", "skipped"]});
    let dataset = json!({
        "type": "object",
        "description": "What was read for one side of the comparison.",
        "additionalProperties": false,
        "required": ["sources", "rows", "columns", "from_profile"],
        "properties": {
            "sources": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "integer", "format": "int64", "minimum": 0},
            "columns": count,
            "from_profile": {
                "type": "boolean",
                "description": "True when this side came from a saved profile rather than raw data.",
            },
            "reads": {
                "type": "integer",
                "format": "int64",
                "minimum": 0,
                "description": "How many times the raw data was read to make the report (0 for a saved profile).",
            },
        },
    });
    let mut reference = dataset.clone();
    reference["type"] = json!(["object", "null"]);
    reference["description"] = json!("What was read for the reference (its profile).");
    let nullable =
        |t: &str, description: &str| json!({"type": [t, "null"], "description": description});
    json!({
        "type": "object",
        "description": "An assay report (JSON layout `schema_version` 1; fields are only ever added).",
        "additionalProperties": true,
        "required": ["schema_version", "assay_version", "suite", "current", "reference", "summary", "results", "distributions"],
        "properties": {
            "schema_version": {"type": "integer", "examples": [1]},
            "assay_version": {"type": "string"},
            "suite": {"type": "string", "description": "The monitor's name."},
            "current": dataset,
            "reference": reference,
            "summary": {
                "type": "object",
                "description": "Counts of results per status.",
                "additionalProperties": true,
                "required": ["passed", "warned", "failed", "errors", "skipped", "total"],
                "properties": {
                    "passed": count, "warned": count, "failed": count,
                    "errors": count, "skipped": count, "total": count,
                },
            },
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "description": "Result of one check on one column (or on the dataset when `column` is null).",
                    "additionalProperties": true,
                    "required": ["id", "column", "status", "value", "threshold", "condition", "severity", "message", "details"],
                    "properties": {
                        "id": {"type": "string", "description": "Stable check id, dotted snake_case (`integrity.null_share`)."},
                        "column": nullable("string", "The column, or null for a dataset-level check."),
                        "status": status,
                        "value": nullable("number", "The measured value, or null when none could be computed."),
                        "threshold": nullable("number", "The resolved bound the value was compared with, or null."),
                        "condition": nullable("string", "Human-readable condition, e.g. `value <= 0.0543 (reference × 1.1 + 0.01)`."),
                        "severity": {"type": "string", "enum": ["warn", "fail"]},
                        "message": {"type": "string", "description": "One-line explanation of the outcome."},
                        "details": {
                            "type": "object",
                            "additionalProperties": true,
                            "description": "Named figures behind the value (counts, reference value, examples…).",
                        },
                    },
                },
            },
            "distributions": {
                "type": "array",
                "description": "Per-column distributions for charts.",
                "items": {
                    "type": "object",
                    "additionalProperties": true,
                    "required": ["column", "kind", "reference", "current"],
                    "properties": {
                        "column": {"type": "string"},
                        "kind": {"type": "string", "enum": ["numeric", "categorical"]},
                        "reference": {"type": ["object", "null"], "additionalProperties": true},
                        "current": {"type": ["object", "null"], "additionalProperties": true},
                    },
                },
            },
        },
    })
}

named_schema!(
    /// A saved assay profile, as `assay_stats::Profile` reads it.
    AssayProfile => RefOr::T(Schema::Object(assay_profile()))
);

/// `MonitorSpec::reference_profile`: a saved profile, sent on creation and never answered.
pub fn reference_profile() -> Object {
    let mut profile = assay_profile();
    profile.description = Some(
        "The reference as a saved assay profile (`assay profile DATA -o ref.json`). Required on \
         creation (400 without it); stored apart from the spec, never answered (write-only)."
            .into(),
    );
    profile.write_only = Some(true);
    profile
}

/// A saved assay profile, as `assay_stats::Profile` reads it.
fn assay_profile() -> Object {
    object(json!({
        "type": "object",
        "description": "A saved assay profile (`assay profile DATA -o profile.json`): the \
            mergeable statistics of every column, no raw rows. Checked in full (400 naming the \
            column and field).",
        "required": ["format", "version", "sources", "rows", "columns"],
        "properties": {
            "format": {"type": "string", "enum": [assay_stats::profile::PROFILE_FORMAT]},
            "version": {
                "type": "integer",
                "minimum": assay_stats::profile::PROFILE_MIN_VERSION,
                "maximum": assay_stats::profile::PROFILE_VERSION,
                "description": format!(
                    "Layout version (this assay writes {} and reads {} to {}).",
                    assay_stats::profile::PROFILE_VERSION,
                    assay_stats::profile::PROFILE_MIN_VERSION,
                    assay_stats::profile::PROFILE_VERSION
                ),
            },
            "sources": {
                "type": "array",
                "description": "Where the data came from (paths or URLs), for reports.",
                "items": {"type": "string"},
            },
            "rows": {
                "type": "integer",
                "format": "int64",
                "minimum": 0,
                "maximum": assay_stats::profile::MAX_ROWS,
                "description": "Total rows (at most 2^53).",
            },
            "columns": {
                "type": "array",
                "description": "Column profiles, in source order, with distinct names.",
                "items": {
                    "type": "object",
                    "description": "The profile of one column.",
                    "required": ["name", "data_type", "kind", "state"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "data_type": {
                            "type": "string",
                            "description": "Source data type (Arrow's display form, e.g. `Int64`, `Utf8`).",
                        },
                        "kind": {"type": "string", "enum": ["numeric", "categorical"]},
                        "state": {
                            "type": "object",
                            "description": "The mergeable statistics (assay's internal layout; `rows` as the profile's).",
                            "required": ["rows", "nulls", "body"],
                            "additionalProperties": true,
                        },
                    },
                },
            },
        },
    }))
}

/// A flag written only when true (`Stored::replayed`).
pub fn only_true() -> Object {
    object(json!({
        "type": "boolean",
        "enum": [true],
        "description": "Present (true) only when this answer replays an earlier request with the \
            same `Idempotency-Key`: nothing was stored again.",
    }))
}

/// What `GET …/report` answers as JSON: the report, or the failure stored in its place.
pub struct StoredReport;

impl PartialSchema for StoredReport {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::OneOf(
            OneOfBuilder::new()
                .item(utoipa::openapi::Ref::from_schema_name(Report::name()))
                .item(utoipa::openapi::Ref::from_schema_name(
                    EvaluationFailure::name(),
                ))
                .build(),
        ))
    }
}

impl ToSchema for StoredReport {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("StoredReport")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        for (name, schema) in [
            (Report::name(), Report::schema()),
            (EvaluationFailure::name(), EvaluationFailure::schema()),
        ] {
            schemas.push((name.into_owned(), schema));
        }
    }
}

named_schema!(
    /// This description.
    OpenApiDocument => RefOr::T(Schema::Object(object(json!({
        "type": "object",
        "description": "An OpenAPI 3.1 document.",
        "required": ["openapi", "info", "paths", "components"],
        "additionalProperties": true,
        "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"}},
    }))))
);
