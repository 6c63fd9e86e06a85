//! The service's OpenAPI description, derived from the code and served at
//! `/api/v1/openapi.json`:
//!
//! - each operation from its handler's `#[utoipa::path]` attribute (method, path, parameters,
//!   body, answers; summary and prose from the doc comment), mounted by the same attribute
//!   (`utoipa_axum::routes!`), so a route and its description cannot disagree;
//! - schemas from the request and answer types (`ToSchema`), their limits from the constants
//!   the service enforces (`patterns`);
//! - what every operation of a router group shares from the group it is mounted in
//!   ([`Access`]: the role its guard layer checks, the answers that guard and the database may
//!   give), and the links between operations from the answer fields that name a resource
//!   ([`LINKS`]).

pub mod patterns;
pub mod responses;
pub mod schemas;

use serde_json::Value;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, Ref, RefOr};
use utoipa::Modify;

use crate::auth::Role;
use responses::*;

/// The document's fixed parts: title and introduction, tags, security schemes, shared answers.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "assay serve", description = include_str!("intro.md")),
    servers((url = "http://127.0.0.1:8080", description = "`assay serve` with its default `--listen` address")),
    tags(
        (name = "health", description = "Liveness and readiness (no token)."),
        (name = "metrics", description = "Prometheus / OpenMetrics exposition."),
        (name = "monitors", description = "Creating, listing and deleting monitors."),
        (name = "ingest", description = "Rows, delayed labels, pushed profiles and closing windows."),
        (name = "results", description = "Windows, reports, figures over time, drift heatmap and alerts."),
        (name = "tokens", description = "API tokens."),
        (name = "dashboard", description = "Server-rendered HTML pages under `/ui` (cookie sign-in)."),
    ),
    security(("bearerAuth" = [])),
    components(schemas(crate::api::ErrorBody, schemas::JsonRow, schemas::WindowKey), responses(
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
        UnsupportedMediaType, TooManyRequests, InternalError, ServiceUnavailable,
        InsufficientStorage, HtmlPage, RedirectToDashboard, RedirectToLogin, SignedIn, SignedOut,
        LoginRefused,
    )),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// The two ways to authenticate: an API token, or (dashboard pages) the sign-in cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format =
            Some("assay_… (from `assay token create` or POST /api/v1/tokens)".into());
        bearer.description = Some(
            "An API token: `Authorization: Bearer assay_…`. Roles: reader < writer < admin.".into(),
        );
        components.add_security_scheme("bearerAuth", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "cookieAuth",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE_NAME,
                "The dashboard's sign-in cookie, set by `/ui/login` (dashboard pages only; a \
                 bearer token, when sent, is used instead).",
            ))),
        );
    }
}

/// Who may call the operations of a router group, as the group's guard enforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health checks, redirects, sign-in and sign-out).
    Public,
    /// An API token of at least this role; the guard layer answers 401 or 403 otherwise.
    Token(Role),
    /// A dashboard page: a bearer token or the sign-in cookie of any role; without one, a
    /// redirect to the sign-in page.
    Page,
}

impl Access {
    /// The role named in descriptions and `x-assay-role`.
    fn role_name(self) -> &'static str {
        match self {
            Access::Public => "none",
            Access::Token(role) => role.as_str(),
            Access::Page => Role::Reader.as_str(),
        }
    }
}

/// Adds what every operation of a group with this access shares: the role (in the prose and
/// as `x-assay-role`), the security requirement, and the answers of the guard and of the
/// database (reached by every guarded operation: checking a token reads it).
pub fn apply_access(doc: &mut OpenApi, access: Access) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let role = access.role_name();
            let prose = operation.description.get_or_insert_with(String::new);
            let suffix = if access == Access::Public {
                format!("Role: {role} (no token).")
            } else {
                format!("Role: {role}.")
            };
            if prose.is_empty() {
                *prose = suffix;
            } else {
                prose.push_str("\n\n");
                prose.push_str(&suffix);
            }
            let extensions = operation.extensions.get_or_insert_with(Default::default);
            extensions.merge(ExtensionsBuilder::new().add("x-assay-role", role).build());
            let answers = &mut operation.responses.responses;
            let mut shared = |status: &str, name: &str| {
                answers
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            };
            match access {
                Access::Public => {
                    operation.security = Some(Vec::new());
                }
                Access::Token(role) => {
                    operation.security = Some(vec![SecurityRequirement::new(
                        "bearerAuth",
                        Vec::<String>::new(),
                    )]);
                    shared("401", "Unauthorized");
                    if role > Role::Reader {
                        shared("403", "Forbidden");
                    }
                }
                Access::Page => {
                    operation.security = Some(vec![
                        SecurityRequirement::new("bearerAuth", Vec::<String>::new()),
                        SecurityRequirement::new("cookieAuth", Vec::<String>::new()),
                    ]);
                    shared("303", "RedirectToLogin");
                }
            }
            if access != Access::Public {
                shared("500", "InternalError");
                shared("503", "ServiceUnavailable");
                shared("507", "InsufficientStorage");
            }
        }
    }
}

/// The operations of a path item.
fn operations_mut(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// `(path parameter, runtime expression)` pairs of a link.
pub type LinkParameters = &'static [(&'static str, &'static str)];

/// Answers that name a resource other operations take in their path: `(operation, status,
/// [(path parameter, runtime expression)])`. Each gets a link to every operation whose path
/// has all those parameters (schemathesis' stateful tests follow them).
pub const LINKS: &[(&str, &str, LinkParameters)] = &[
    ("createMonitor", "201", &[("name", "$response.body#/name")]),
    ("listMonitors", "200", &[("name", "$response.body#/0/name")]),
    (
        "postRows",
        "200",
        &[
            ("name", "$request.path.name"),
            ("key", "$response.body#/windows/0"),
        ],
    ),
    (
        "postProfile",
        "200",
        &[
            ("name", "$request.path.name"),
            ("key", "$response.body#/windows/0"),
        ],
    ),
    (
        "listWindows",
        "200",
        &[
            ("name", "$request.path.name"),
            ("key", "$response.body#/0/key"),
        ],
    ),
    ("createToken", "201", &[("id", "$response.body#/id")]),
];

/// Adds the [`LINKS`] (to the JSON: utoipa 5.5's `Link` writes `operation_id` in snake case,
/// which OpenAPI tools do not read).
fn add_links(doc: &mut Value) {
    // (path, method, operation id, summary) of every operation.
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if let Some(id) = operation["operationId"].as_str() {
                let summary = operation["summary"].as_str().unwrap_or_default();
                operations.push((
                    path.clone(),
                    method.clone(),
                    id.to_string(),
                    summary.to_string(),
                ));
            }
        }
    }
    for (from_path, from_method, from_id, _) in &operations {
        for (_, status, parameters) in LINKS.iter().filter(|(from, ..)| from == from_id) {
            let mut links = serde_json::Map::new();
            for (path, _, target, summary) in &operations {
                let takes_all = parameters
                    .iter()
                    .all(|(name, _)| path.contains(&format!("{{{name}}}")));
                if !takes_all {
                    continue;
                }
                let mut name = target.clone();
                if let Some(first) = name.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                let values: serde_json::Map<String, Value> = parameters
                    .iter()
                    .map(|(p, e)| (p.to_string(), Value::from(*e)))
                    .collect();
                links.insert(
                    name,
                    serde_json::json!({
                        "operationId": target,
                        "parameters": values,
                        "description": summary,
                    }),
                );
            }
            // A missing answer is left without links, which a test catches.
            if let Some(answer) = doc["paths"][from_path.as_str()][from_method.as_str()]
                ["responses"][*status]
                .as_object_mut()
            {
                answer.insert("links".into(), Value::Object(links));
            }
        }
    }
}

/// The whole description: the fixed parts, then the operations of every router group
/// (each with its access applied), then the links; as JSON.
pub fn document(groups: impl IntoIterator<Item = (Access, OpenApi)>) -> Value {
    let mut doc = <ApiDoc as utoipa::OpenApi>::openapi();
    for (access, mut group) in groups {
        apply_access(&mut group, access);
        doc.merge(group);
    }
    let mut json = serde_json::to_value(&doc).unwrap_or_default();
    add_links(&mut json);
    every_header_is_sent(&mut json);
    json
}

/// Every answer header the description names is always sent with that answer: marked
/// `required` (which utoipa's header model cannot say), so schemathesis checks it is there.
fn every_header_is_sent(json: &mut Value) {
    fn mark(responses: Option<&mut Value>) {
        for response in responses
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            for header in response
                .get_mut("headers")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                header["required"] = Value::Bool(true);
            }
        }
    }
    mark(json.pointer_mut("/components/responses"));
    let operations: Vec<String> = json["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| {
            paths.iter().flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flat_map(|o| o.keys())
                    .map(move |method| {
                        format!(
                            "/paths/{}/{method}/responses",
                            path.replace('~', "~0").replace('/', "~1")
                        )
                    })
            })
        })
        .collect();
    for pointer in operations {
        mark(json.pointer_mut(&pointer));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::LINKS;
    use crate::api::description;

    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    /// `(path, method, operation)` of every operation.
    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((path.clone(), method.to_string(), op.clone()));
                }
            }
        }
        out
    }

    /// Every `$ref` in `value`.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_route_is_described_once_with_its_role_and_the_answers_its_guard_gives() {
        let doc = description();
        assert_eq!(doc["openapi"], "3.1.0");
        let ops = operations(doc);
        // 29 operations: 21 of the API (metrics and health checks included), 8 of the dashboard.
        assert_eq!(
            ops.len(),
            29,
            "{:?}",
            ops.iter().map(|o| &o.0).collect::<Vec<_>>()
        );
        let mut ids = BTreeSet::new();
        for (path, method, op) in &ops {
            let id = op["operationId"].as_str().expect("an operation id");
            assert!(ids.insert(id.to_string()), "{id} twice");
            let role = op["x-assay-role"].as_str().expect("x-assay-role");
            let prose = op["description"].as_str().unwrap_or_default();
            assert!(
                prose.contains(&format!("Role: {role}")),
                "{method} {path}: {prose}"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{id}"
            );
            assert!(op["tags"].as_array().is_some_and(|t| t.len() == 1), "{id}");
            let answers = op["responses"].as_object().expect("responses");
            let guarded = path.starts_with("/api/") || path == "/metrics";
            if guarded {
                assert_ne!(role, "none", "{id}");
                for status in ["401", "500", "503", "507"] {
                    assert!(answers.contains_key(status), "{id} lacks {status}");
                }
                assert_eq!(answers.contains_key("403"), role != "reader", "{id}");
                assert!(op.get("security").is_some(), "{id}");
            }
            if matches!(id, "uiMonitors" | "uiMonitor" | "uiMonitorReport") {
                assert_eq!(role, "reader");
                assert!(answers.contains_key("303"), "{id} redirects to sign-in");
                assert_eq!(op["security"].as_array().map(Vec::len), Some(2), "{id}");
            }
            if role == "none" {
                assert_eq!(op["security"], serde_json::json!([]), "{id}");
            }
        }
    }

    #[test]
    fn every_schema_says_something() {
        let doc = description();
        for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
            let keys = [
                "type",
                "oneOf",
                "allOf",
                "anyOf",
                "$ref",
                "properties",
                "enum",
            ];
            assert!(
                keys.iter().any(|k| schema.get(*k).is_some()),
                "{name} is empty: {schema}"
            );
        }
        // Answers show the spec without the reference profile, every field present.
        let spec = &doc["components"]["schemas"]["Monitor"]["properties"]["spec"];
        assert!(spec["properties"].get("reference_profile").is_none());
        assert_eq!(
            spec["required"].as_array().map(Vec::len),
            spec["properties"].as_object().map(|p| p.len())
        );
        let request = &doc["components"]["schemas"]["MonitorSpec"]["properties"];
        assert_eq!(request["reference_profile"]["writeOnly"], true);
    }

    #[test]
    fn every_reference_resolves() {
        let doc = description();
        let mut found = Vec::new();
        refs(doc, &mut found);
        assert!(found.len() > 50, "{}", found.len());
        for r in found {
            let pointer = r.strip_prefix('#').expect("a local reference");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn links_name_operations_and_parameters_that_exist() {
        let doc = description();
        let ops = operations(doc);
        for (from, status, parameters) in LINKS {
            let (_, _, op) = ops
                .iter()
                .find(|(_, _, op)| op["operationId"] == *from)
                .expect("the linking operation exists");
            let links = op["responses"][*status]["links"]
                .as_object()
                .unwrap_or_else(|| panic!("{from} {status} has no links"));
            assert!(!links.is_empty(), "{from}");
            for link in links.values() {
                let target = link["operationId"].as_str().expect("an operation id");
                let (path, _, _) = ops
                    .iter()
                    .find(|(_, _, op)| op["operationId"] == target)
                    .unwrap_or_else(|| panic!("{from} links to {target}, which does not exist"));
                for (name, _) in *parameters {
                    assert!(path.contains(&format!("{{{name}}}")), "{target}: {name}");
                }
            }
        }
        let from_new_monitor = &ops
            .iter()
            .find(|(_, _, op)| op["operationId"] == "createMonitor")
            .expect("createMonitor")
            .2["responses"]["201"]["links"];
        // Every operation on a named monitor, the dashboard's pages among them.
        assert_eq!(from_new_monitor.as_object().map(|l| l.len()), Some(14));
    }

    #[test]
    fn limits_and_media_types_are_the_ones_the_service_enforces() {
        let doc = description();
        let schemas = &doc["components"]["schemas"];
        let rows = &schemas["WindowSpec"]["oneOf"][0]["properties"]["rows"];
        assert_eq!(rows["maximum"], crate::monitor::MAX_WINDOW_ROWS);
        let every = schemas["WindowSpec"]["oneOf"][1]["properties"]["every"]["pattern"]
            .as_str()
            .expect("a pattern");
        let every = regex::Regex::new(every).expect("a valid regex");
        assert!(every.is_match("1s") && every.is_match("31d") && every.is_match("4w"));
        assert!(!every.is_match("999ms") && !every.is_match("32d") && !every.is_match("5w"));
        let (_, _, post_rows) = operations(doc)
            .into_iter()
            .find(|(_, _, op)| op["operationId"] == "postRows")
            .expect("postRows");
        let described: BTreeSet<&str> = post_rows["requestBody"]["content"]
            .as_object()
            .expect("content")
            .keys()
            .map(String::as_str)
            .collect();
        let read: BTreeSet<&str> = crate::ingest::BodyFormat::MEDIA_TYPES
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(described, read);
        // Limits the attributes write as literals are the service's constants.
        let param_max = |op_id: &str, name: &str| {
            operations(doc)
                .into_iter()
                .find(|(_, _, op)| op["operationId"] == op_id)
                .and_then(|(_, _, op)| {
                    op["parameters"]
                        .as_array()
                        .and_then(|ps| ps.iter().find(|p| p["name"] == name).cloned())
                })
                .map(|p| p["schema"]["maximum"].clone())
                .expect("the parameter")
        };
        assert_eq!(
            param_max("listWindows", "limit"),
            crate::api::MAX_LISTED_WINDOWS
        );
        assert_eq!(
            param_max("getSeries", "windows"),
            crate::api::MAX_LISTED_WINDOWS
        );
        assert_eq!(
            param_max("getHeatmap", "windows"),
            crate::api::MAX_LISTED_WINDOWS
        );
        assert_eq!(
            param_max("getWindowRows", "limit"),
            crate::api::MAX_ROWS_PAGE
        );
        assert_eq!(
            schemas["AlertSpec"]["properties"]["webhooks"]["maxItems"],
            crate::monitor::MAX_WEBHOOKS
        );
        // Answer headers are always sent.
        assert_eq!(
            doc["components"]["responses"]["Unauthorized"]["headers"]["WWW-Authenticate"]
                ["required"],
            true
        );
    }
}
