//! The standing hostile-input suite of `assay serve`: one service, every endpoint of
//! its OpenAPI description fed hostile requests from one table, over raw HTTP/1.1 on loopback (so paths
//! are sent byte for byte, unnormalised, and a dropped connection is seen as such).
//!
//! Each request is judged: a 4xx whose body is the JSON error document `{"error": "…"}` naming
//! the field, column, line or parameter (`Want::Error`), or a status in a list where the input
//! is acceptable (`Want::Status`); never a 5xx, never a dropped connection, never more than
//! 60 s. At the end the service must still be healthy and its log free of panics. Failures are
//! collected and reported together.

mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serve_support::*;

/// The time bound of one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The least number of cases the table must hold.
const MIN_CASES: usize = 25;
/// 16 MiB.
const MIB16: usize = 16 << 20;

/// What a request must get.
#[derive(Debug, Clone)]
enum Want {
    /// This 4xx status, with `{"error": "…"}` holding every needle.
    Error(u16, Vec<&'static str>),
    /// One of these statuses: the input is acceptable (or either answer is).
    Status(Vec<u16>),
    /// A 303 whose Location stays on the dashboard (no open redirect).
    SafeRedirect,
}

fn error(status: u16, needles: &[&'static str]) -> Want {
    Want::Error(status, needles.to_vec())
}

fn status(codes: &[u16]) -> Want {
    Want::Status(codes.to_vec())
}

/// One hostile request.
struct Req {
    name: &'static str,
    method: &'static str,
    /// The request target, sent as is.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send the admin token.
    auth: bool,
    want: Want,
}

fn req(name: &'static str, method: &'static str, target: &str, want: Want) -> Req {
    Req {
        name,
        method,
        target: target.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
        auth: true,
        want,
    }
}

impl Req {
    /// A body with its Content-Type.
    fn body(mut self, content_type: &str, body: impl AsRef<[u8]>) -> Req {
        self.headers
            .push(("content-type".into(), content_type.to_string()));
        self.body = body.as_ref().to_vec();
        self
    }

    /// A body without a Content-Type.
    fn raw_body(mut self, body: impl AsRef<[u8]>) -> Req {
        self.body = body.as_ref().to_vec();
        self
    }

    /// A JSON body.
    fn json(self, value: &Value) -> Req {
        self.body("application/json", serde_json::to_vec(value).unwrap())
    }

    fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn no_auth(mut self) -> Req {
        self.auth = false;
        self
    }
}

/// An HTTP response, read raw.
struct Response {
    status: u16,
    /// Header lines, lower-cased names (`name: value`).
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request over a fresh connection (`Connection: close`) and reads the whole answer.
fn send(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Response, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot connect: {e}"))?;
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    let written = stream.write_all(&request).and_then(|_| stream.flush());
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if raw.is_empty() {
        return Err(format!(
            "no response: the connection was dropped (write: {written:?}, read: {read:?})"
        ));
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("a truncated response: {:?}", String::from_utf8_lossy(raw)))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("a malformed status line: {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a truncated chunked body")?;
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("a bad chunk size {size_text:?}"))?;
        data = &data[end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("a truncated chunk".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Everything wrong with an answer (empty: the case passed).
fn judge(r: &Req, answer: &Result<Response, String>, elapsed: Duration) -> Vec<String> {
    let mut problems = Vec::new();
    if elapsed > REQUEST_TIMEOUT {
        problems.push(format!("took {:.1} s", elapsed.as_secs_f64()));
    }
    let response = match answer {
        Ok(response) => response,
        Err(e) => {
            problems.push(e.clone());
            return problems;
        }
    };
    let body = String::from_utf8_lossy(&response.body);
    if response.status >= 500 {
        problems.push(format!("a server error, {}", response.status));
    }
    let api = r.target.starts_with("/api/") || r.target.starts_with("/metrics");
    let error_message = || -> Result<String, String> {
        let is_json = response
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(format!(
                "the error is not JSON (content-type {:?})",
                response.header("content-type")
            ));
        }
        let v: Value =
            serde_json::from_str(&body).map_err(|e| format!("the error body is not JSON: {e}"))?;
        v["error"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "the error body has no \"error\" string".to_string())
    };
    match &r.want {
        Want::Error(code, needles) => {
            if response.status != *code {
                problems.push(format!("expected {code}, got {}", response.status));
            }
            match error_message() {
                Ok(message) => {
                    for n in needles {
                        if !message.contains(n) {
                            problems.push(format!("the error does not mention {n:?}"));
                        }
                    }
                }
                Err(e) => problems.push(e),
            }
        }
        Want::Status(codes) => {
            if !codes.contains(&response.status) {
                problems.push(format!(
                    "expected one of {codes:?}, got {}",
                    response.status
                ));
            }
            if api && (400..500).contains(&response.status) {
                if let Err(e) = error_message() {
                    problems.push(e);
                }
            }
        }
        Want::SafeRedirect => {
            if response.status != 303 {
                problems.push(format!("expected a 303 redirect, got {}", response.status));
            }
            let location = response.header("location").unwrap_or_default();
            if !location.starts_with("/ui/") || location.contains("evil") {
                problems.push(format!("an open redirect to {location:?}"));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// x ~ integers 0..49, c in {a, b}, y in {yes, no}: 200 rows.
fn reference_csv() -> String {
    let mut s = String::from("x,c,y\n");
    for i in 0..200 {
        s.push_str(&format!(
            "{},{},{}\n",
            i % 50,
            if i % 3 == 0 { "a" } else { "b" },
            if i % 4 == 0 { "yes" } else { "no" }
        ));
    }
    s
}

/// The saved profile of [`reference_csv`], made by `assay profile`.
fn reference_profile(dir: &std::path::Path) -> Value {
    saved_profile(dir, "ref", &reference_csv())
}

const SUITE: &str = "roles: {id: id, target: y}\nchecks:\n  - check: drift.ks\n    columns: [x]\n";
const TIME_SUITE: &str =
    "roles: {id: id, timestamp: ts, target: y}\nchecks:\n  - check: drift.ks\n    columns: [x]\n";

/// A monitor spec: row windows of 5 over the reference.
fn spec(name: &str, reference: &Value) -> Value {
    json!({"name": name, "suite": SUITE, "reference_profile": reference, "window": {"rows": 5}})
}

/// `spec` with `f` applied.
fn spec_with(name: &str, reference: &Value, f: impl FnOnce(&mut Value)) -> Value {
    let mut s = spec(name, reference);
    f(&mut s);
    s
}

/// The column `name` of a profile.
fn column<'a>(p: &'a mut Value, name: &str) -> &'a mut Value {
    p["columns"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in the reference profile"))
}

/// A YAML billion-laughs alias bomb (9 levels of 9 aliases) after the checks.
fn alias_bomb_suite() -> String {
    let mut s = format!("{SUITE}bomb:\n  a: &a [{}]\n", ["\"lol\""; 9].join(", "));
    let letters = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in letters.windows(2) {
        s.push_str(&format!(
            "  {}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(", ")
        ));
    }
    s
}

fn deep_arrays(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// An Arrow IPC stream of one batch (x: Int64, c: List<Int64>).
fn arrow_with_list_column() -> Vec<u8> {
    use arrow::array::{ArrayRef, Int64Array, ListArray};
    use arrow::datatypes::Int64Type;
    use std::sync::Arc;
    let x = Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef;
    let c = Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
        Some(vec![Some(1), None]),
        None,
    ])) as ArrayRef;
    let batch = arrow::record_batch::RecordBatch::try_from_iter([("x", x), ("c", c)]).unwrap();
    let mut out = Vec::new();
    {
        let mut w = arrow::ipc::writer::StreamWriter::try_new(&mut out, &batch.schema()).unwrap();
        w.write(&batch).unwrap();
        w.finish().unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The table.

fn cases(reference: &Value, admin: &str) -> Vec<Req> {
    const M: &str = "/api/v1/monitors";
    let rows = "/api/v1/monitors/m/rows";
    let labels = "/api/v1/monitors/m/labels";
    let profiles = "/api/v1/monitors/m/profiles";
    let ndjson = "application/x-ndjson";
    let long_name = "n".repeat(10 * 1024);
    let mut inconsistent = reference.clone();
    column(&mut inconsistent, "x")["state"]["nulls"] = json!(1_000_000);
    let mut huge_rows = reference.clone();
    huge_rows["rows"] = json!(1u64 << 60);
    for c in huge_rows["columns"].as_array_mut().unwrap() {
        c["state"]["rows"] = json!(1u64 << 60);
    }
    let mut random_sketch = reference.clone();
    column(&mut random_sketch, "x")["state"]["body"]["sketch"] =
        json!("3q2+7wAAAAD/////AAAAAP////8AAAAAAAAA8D8AAAAAAAAAAAAAAAAAAAA=");
    let profile_text = serde_json::to_string(reference).unwrap();
    let big = "b".repeat(MIB16);
    vec![
        // ---- POST /api/v1/monitors
        // Malformed JSON, no body, a JSON array.
        req("create_malformed_json", "POST", M, error(400, &["monitor:"]))
            .body("application/json", "{\"name\": \"m1\", "),
        req("create_empty_body", "POST", M, error(400, &["monitor:"])).body("application/json", ""),
        req("create_json_array", "POST", M, error(400, &["monitor:"]))
            .body("application/json", "[1, 2]"),
        // 10,000 nested arrays in the reference profile.
        req("create_deep_nesting", "POST", M, error(400, &["monitor:", "recursion limit"])).body(
            "application/json",
            format!(
                "{{\"name\": \"deep\", \"suite\": \"checks: []\", \"window\": {{\"rows\": 5}}, \"reference_profile\": {}}}",
                deep_arrays(10_000)
            ),
        ),
        // Invalid UTF-8 inside a JSON string.
        req("create_invalid_utf8", "POST", M, error(400, &["monitor:"]))
            .body("application/json", b"{\"name\": \"\xff\xfe\", \"suite\": \"x\", \"window\": {\"rows\": 5}}"),
        // A NUL in the name, a 10 KB name.
        req("create_nul_in_name", "POST", M, error(400, &["name:"]))
            .json(&spec("a\u{0}b", reference)),
        req("create_10kb_name", "POST", M, error(400, &["name:"])).json(&spec(&long_name, reference)),
        // NaN is not JSON.
        req("create_nan_literal", "POST", M, error(400, &["monitor:"]))
            .body("application/json", "{\"name\": \"n\", \"suite\": \"checks: []\", \"window\": {\"rows\": NaN}}"),
        // Beyond u64, and u64::MAX: both name window.rows.
        req("create_rows_beyond_u64", "POST", M, error(400, &["monitor:", "window.rows"])).body(
            "application/json",
            "{\"name\": \"r\", \"suite\": \"checks: []\", \"window\": {\"rows\": 99999999999999999999}}",
        ),
        req("create_rows_u64_max", "POST", M, error(400, &["window.rows"]))
            .json(&spec_with("r", reference, |s| s["window"] = json!({"rows": u64::MAX}))),
        // Durations: too long, too short, overflowing, negative.
        req("create_every_100000w", "POST", M, error(400, &["window.every"]))
            .json(&spec_with("w", reference, |s| s["window"] = json!({"every": "100000w"}))),
        req("create_every_1ms", "POST", M, error(400, &["window.every", "1s"]))
            .json(&spec_with("w", reference, |s| s["window"] = json!({"every": "1ms"}))),
        req("create_every_overflow", "POST", M, error(400, &["window.every", "not a duration"]))
            .json(&spec_with("w", reference, |s| {
                s["window"] = json!({"every": "99999999999999999999s"})
            })),
        req("create_grace_1000d", "POST", M, error(400, &["window.grace"])).json(&spec_with(
            "w",
            reference,
            |s| s["window"] = json!({"every": "1h", "grace": "1000d"}),
        )),
        req("create_grace_on_row_windows", "POST", M, error(400, &["window.grace"]))
            .json(&spec_with("w", reference, |s| s["window"] = json!({"rows": 5, "grace": "1m"}))),
        req("create_labels_wait_1000d", "POST", M, error(400, &["labels.wait"]))
            .json(&spec_with("w", reference, |s| s["labels"] = json!({"wait": "1000d"}))),
        req("create_cooldown_negative", "POST", M, error(400, &["alerts.cooldown"]))
            .json(&spec_with("w", reference, |s| s["alerts"] = json!({"cooldown": "-1s"}))),
        req("create_retention_huge", "POST", M, error(400, &["retention"]))
            .json(&spec_with("w", reference, |s| s["retention"] = json!("999999w"))),
        // Alerts: 50 webhooks, a file URL, an unknown format, an unknown level.
        req("create_50_webhooks", "POST", M, error(400, &["alerts.webhooks"])).json(&spec_with(
            "w",
            reference,
            |s| {
                let hooks: Vec<Value> = (0..50)
                    .map(|i| json!({"url": format!("http://127.0.0.1:9/{i}")}))
                    .collect();
                s["alerts"] = json!({"webhooks": hooks});
            },
        )),
        req("create_webhook_file_url", "POST", M, error(400, &["alerts.webhooks[0].url"]))
            .json(&spec_with("w", reference, |s| {
                s["alerts"] = json!({"webhooks": [{"url": "file:///etc/passwd"}]})
            })),
        req("create_webhook_format", "POST", M, error(400, &["alerts.webhooks[0].format"]))
            .json(&spec_with("w", reference, |s| {
                s["alerts"] = json!({"webhooks": [{"url": "http://127.0.0.1:9/", "format": "xml"}]})
            })),
        req("create_alerts_on", "POST", M, error(400, &["alerts.on"]))
            .json(&spec_with("w", reference, |s| s["alerts"] = json!({"on": "sometimes"}))),
        req("create_unknown_field", "POST", M, error(400, &["windw"]))
            .json(&spec_with("w", reference, |s| s["windw"] = json!({"rows": 5}))),
        // Hostile suites: an alias bomb, 10,000 nested sequences, NaN conditions, huge bins.
        req("create_suite_alias_bomb", "POST", M, error(400, &["suite", "repetition limit"]))
            .json(&spec_with("w", reference, |s| s["suite"] = json!(alias_bomb_suite()))),
        req("create_suite_deep_yaml", "POST", M, error(400, &["suite", "recursion limit"]))
            .json(&spec_with("w", reference, |s| {
                s["suite"] = json!(format!("{SUITE}deep: {}\n", deep_arrays(10_000)))
            })),
        req("create_suite_condition_nan", "POST", M, error(400, &["<= nan"])).json(&spec_with(
            "w",
            reference,
            |s| {
                s["suite"] = json!(
                    "checks:\n  - check: integrity.null_share\n    condition: \"<= nan\"\n"
                )
            },
        )),
        req("create_suite_histogram_bins", "POST", M, error(400, &["options.histogram_bins"]))
            .json(&spec_with("w", reference, |s| {
                s["suite"] = json!(format!("options:\n  histogram_bins: 1000000\n{SUITE}"))
            })),
        // A 16 MiB comment in the suite: acceptable (or refused as too large).
        req("create_suite_16mib_comment", "POST", M, status(&[201, 400, 413])).json(&spec_with(
            "big-suite",
            reference,
            |s| s["suite"] = json!(format!("# {big}\n{SUITE}")),
        )),
        // Reference profiles that lie: nulls > rows, 2^60 rows, random sketch bytes.
        req("create_profile_nulls_exceed_rows", "POST", M, error(400, &["reference_profile", "nulls"]))
            .json(&spec("w", &inconsistent)),
        req("create_profile_rows_2_pow_60", "POST", M, error(400, &["reference_profile", "rows"]))
            .json(&spec("w", &huge_rows)),
        req("create_profile_random_sketch", "POST", M, error(400, &["reference_profile"]))
            .json(&spec("w", &random_sketch)),
        // The body is read as JSON whatever its Content-Type.
        req("create_text_plain", "POST", M, status(&[201]))
            .body("text/plain", serde_json::to_vec(&spec("ct-plain", reference)).unwrap()),
        req("create_duplicate", "POST", M, error(409, &["exists"])).json(&spec("m", reference)),
        // ---- POST …/rows (monitor m: x Int64, c Utf8, y Utf8, id Utf8)
        req("rows_ndjson_invalid_utf8", "POST", rows, error(400, &["rows (jsonl)"]))
            .body(ndjson, b"{\"x\": 1, \"c\": \"\xff\xfe\"}\n"),
        // A raw NUL byte in a JSON string: accepted today (arrow's reader takes raw control
        // characters); refusing it as not JSON would be as good.
        req("rows_ndjson_raw_nul", "POST", rows, status(&[200, 400]))
            .body(ndjson, b"{\"x\": 1, \"c\": \"a\x00b\"}\n"),
        req("rows_ndjson_escaped_nul", "POST", rows, status(&[200]))
            .body(ndjson, "{\"x\": 1, \"c\": \"a\\u0000b\"}\n"),
        req("rows_ndjson_deep", "POST", rows, error(400, &["nested"]))
            .body(ndjson, format!("{{\"x\": {}}}\n", deep_arrays(10_000))),
        req("rows_ndjson_16mib_value", "POST", rows, error(400, &["column `c`", "bytes"]))
            .body(ndjson, format!("{{\"x\": 1, \"c\": \"{big}\"}}\n")),
        req("rows_ndjson_1e999", "POST", rows, error(400, &["line 1", "out of range"]))
            .body(ndjson, "{\"x\": 1e999}\n"),
        req("rows_ndjson_nan_literal", "POST", rows, error(400, &["line 1"]))
            .body(ndjson, "{\"x\": NaN}\n"),
        req("rows_ndjson_huge_integer", "POST", rows, error(400, &["column `x`"]))
            .body(ndjson, "{\"x\": 99999999999999999999}\n"),
        req("rows_ndjson_top_level_array", "POST", rows, error(400, &["rows (jsonl)"]))
            .body(ndjson, "[{\"x\": 1}, {\"x\": 2}]\n"),
        req("rows_csv_invalid_utf8_value", "POST", rows, error(400, &["rows (csv)"]))
            .body("text/csv", b"x,c\n1,\xff\xfe\n"),
        req("rows_csv_invalid_utf8_header", "POST", rows, error(400, &["line 1"]))
            .body("text/csv", b"x,\xff\n1,2\n"),
        req("rows_csv_quoted_header_with_commas", "POST", rows, error(400, &["unknown column `x,c`"]))
            .body("text/csv", "\"x,c\",c\n1,a\n"),
        req("rows_csv_16mib_value", "POST", rows, error(400, &["column `c`", "bytes"]))
            .body("text/csv", format!("x,c\n1,{big}\n")),
        req("rows_csv_nul", "POST", rows, status(&[200])).body("text/csv", b"x,c\n1,a\x00b\n"),
        req("rows_csv_ragged", "POST", rows, error(400, &["rows (csv)"]))
            .body("text/csv", "x,c\n1\n2,b,zz\n"),
        req("rows_arrow_garbage", "POST", rows, error(400, &["Arrow IPC"]))
            .body("application/vnd.apache.arrow.stream", b"\xff\xff\xff\xffgarbage"),
        req("rows_arrow_file_garbage", "POST", rows, error(400, &["Arrow IPC file"]))
            .body("application/vnd.apache.arrow.file", b"ARROW1\x00\x00not a file at allARROW1"),
        // A message length of 2 GiB − 1 and four bytes of it.
        req("rows_arrow_huge_message_length", "POST", rows, error(400, &["Arrow IPC"])).body(
            "application/vnd.apache.arrow.stream",
            b"\xff\xff\xff\xff\xff\xff\xff\x7f\x01\x02\x03\x04",
        ),
        // A list column where the monitor reads text: cast to text.
        req("rows_arrow_list_column", "POST", rows, status(&[200]))
            .body("application/vnd.apache.arrow.stream", arrow_with_list_column()),
        req("rows_content_type_text_plain", "POST", rows, error(415, &["Content-Type"]))
            .body("text/plain", "x\n1\n"),
        req("rows_no_content_type", "POST", rows, error(415, &["Content-Type"])).raw_body("x\n1\n"),
        req("rows_idempotency_key_empty", "POST", rows, error(400, &["Idempotency-Key"]))
            .body("text/csv", "x\n1\n")
            .header("idempotency-key", ""),
        req("rows_idempotency_key_1kb", "POST", rows, error(400, &["Idempotency-Key"]))
            .body("text/csv", "x\n1\n")
            .header("idempotency-key", &"k".repeat(1024)),
        req("rows_unknown_monitor", "POST", "/api/v1/monitors/zz/rows", error(404, &["no monitor named `zz`"]))
            .body("text/csv", "x\n1\n"),
        req("rows_dot_dot_monitor", "POST", "/api/v1/monitors/../rows", error(404, &[]))
            .body("text/csv", "x\n1\n"),
        // Event times beyond year 9999 and not a time at all (monitor t).
        req("rows_time_beyond_9999", "POST", "/api/v1/monitors/t/rows", error(400, &["`ts`"]))
            .body(ndjson, "{\"x\": 1, \"ts\": 99999999999999999}\n"),
        req("rows_time_not_a_time", "POST", "/api/v1/monitors/t/rows", error(400, &["`ts`"]))
            .body(ndjson, "{\"x\": 1, \"ts\": \"-infinity\"}\n"),
        // ---- POST …/labels
        req("labels_extra_column", "POST", labels, error(400, &["labels", "`x`"]))
            .body(ndjson, "{\"id\": \"e1\", \"y\": \"yes\", \"x\": 1}\n"),
        req("labels_invalid_utf8", "POST", labels, error(400, &["labels"]))
            .body(ndjson, b"{\"id\": \"\xff\", \"y\": \"yes\"}\n"),
        req("labels_only_null", "POST", labels, error(400, &["no `y` values"]))
            .body(ndjson, "{\"id\": \"e1\", \"y\": null}\n"),
        req("labels_csv_16mib_id", "POST", labels, error(400, &["labels", "bytes"]))
            .body("text/csv", format!("id,y\n{big},yes\n")),
        // ---- POST …/profiles?time=
        req("profile_nulls_exceed_rows", "POST", profiles, error(400, &["profile:", "nulls"]))
            .json(&inconsistent),
        req("profile_rows_2_pow_60", "POST", profiles, error(400, &["profile:", "rows"]))
            .json(&huge_rows),
        req("profile_random_sketch", "POST", profiles, error(400, &["profile:"])).json(&random_sketch),
        req("profile_invalid_utf8", "POST", profiles, error(400, &["profile: not UTF-8"]))
            .body("application/json", b"{\"format\": \"assay-profile\xff\"}"),
        req("profile_deep", "POST", profiles, error(400, &["profile:", "recursion limit"]))
            .body("application/json", format!("{{\"format\": {}}}", deep_arrays(10_000))),
        req("profile_nan_literal", "POST", profiles, error(400, &["profile:"])).body(
            "application/json",
            profile_text.replacen("\"mean\":", "\"mean\":NaN,\"was\":", 1),
        ),
        req(
            "profile_time_beyond_9999",
            "POST",
            "/api/v1/monitors/m/profiles?time=99999999999999999",
            error(400, &["time:"]),
        )
        .json(reference),
        req(
            "profile_time_overflow",
            "POST",
            "/api/v1/monitors/m/profiles?time=99999999999999999999",
            error(400, &["time:"]),
        )
        .json(reference),
        req(
            "profile_time_nul",
            "POST",
            "/api/v1/monitors/m/profiles?time=%00",
            error(400, &["time:"]),
        )
        .json(reference),
        // A real profile with a wrong Content-Type: read as JSON, accepted.
        req("profile_as_text_csv", "POST", profiles, status(&[200])).body("text/csv", &profile_text),
        // ---- GET …/windows, …/windows/{key}/rows, …/report
        req("windows_limit_negative", "GET", "/api/v1/monitors/m/windows?limit=-1", error(400, &["limit"])),
        req("windows_limit_abc", "GET", "/api/v1/monitors/m/windows?limit=abc", error(400, &["limit"])),
        req(
            "windows_limit_huge",
            "GET",
            "/api/v1/monitors/m/windows?limit=99999999999",
            error(400, &["limit"]),
        ),
        req(
            "window_rows_offset_negative",
            "GET",
            "/api/v1/monitors/m/windows/0/rows?offset=-5",
            error(400, &["offset"]),
        ),
        req(
            "window_rows_limit_zero",
            "GET",
            "/api/v1/monitors/m/windows/0/rows?limit=0",
            error(400, &["limit"]),
        ),
        req(
            "window_rows_key_abc",
            "GET",
            "/api/v1/monitors/m/windows/abc/rows",
            error(400, &["window `abc`"]),
        ),
        req(
            "report_key_overflow",
            "GET",
            "/api/v1/monitors/m/windows/99999999999999999999/report",
            error(400, &["99999999999999999999"]),
        ),
        req(
            "report_latest_without_windows",
            "GET",
            "/api/v1/monitors/t/windows/latest/report",
            error(404, &["no evaluated window"]),
        ),
        req(
            "report_html_unknown_window",
            "GET",
            "/api/v1/monitors/m/windows/123456/report?format=html",
            error(404, &["123456"]),
        ),
        // ---- GET …/series, …/heatmap, …/alerts
        req("series_windows_negative", "GET", "/api/v1/monitors/m/series?windows=-1", error(400, &["windows"])),
        req(
            "series_windows_huge",
            "GET",
            "/api/v1/monitors/m/series?windows=99999999999",
            error(400, &["windows"]),
        ),
        req("series_windows_abc", "GET", "/api/v1/monitors/m/series?windows=abc", error(400, &["windows"])),
        // SQL in the filters is a value, not a query.
        req(
            "series_sql_in_filters",
            "GET",
            "/api/v1/monitors/m/series?check=%27%20OR%201%3D1%20--&column=%22%3B%20DROP%20TABLE%20figures%3B%20--",
            status(&[200]),
        ),
        req("series_invalid_utf8_filter", "GET", "/api/v1/monitors/m/series?column=%ff%fe", status(&[200, 400])),
        req(
            "heatmap_windows_huge",
            "GET",
            "/api/v1/monitors/m/heatmap?windows=99999999999",
            error(400, &["windows"]),
        ),
        req("heatmap_windows_abc", "GET", "/api/v1/monitors/m/heatmap?windows=abc", error(400, &["windows"])),
        req("alerts_unknown_monitor", "GET", "/api/v1/monitors/zz/alerts", error(404, &["no monitor named"])),
        // ---- Monitor paths: NUL, invalid UTF-8, 10 KB, `..`
        req("monitor_nul_name", "GET", "/api/v1/monitors/m%00/windows", error(404, &["no monitor named"])),
        req("monitor_invalid_utf8_name", "GET", "/api/v1/monitors/%ff%fe/windows", error(400, &[])),
        req(
            "monitor_10kb_name",
            "GET",
            &format!("/api/v1/monitors/{long_name}"),
            error(404, &["no monitor named"]),
        ),
        req("monitor_dot_dot_heatmap", "GET", "/api/v1/monitors/../heatmap", error(404, &[])),
        req("monitor_delete_unknown", "DELETE", "/api/v1/monitors/zz", error(404, &["no monitor named"])),
        req("monitor_close", "POST", "/api/v1/monitors/t/close", status(&[200])),
        req("monitors_put", "PUT", M, error(405, &[])),
        // ---- Tokens
        req("token_bad_role", "POST", "/api/v1/tokens", error(400, &["role"]))
            .json(&json!({"role": "god"})),
        req("token_16mib_name", "POST", "/api/v1/tokens", error(400, &["name"]))
            .json(&json!({"role": "reader", "name": big})),
        req("token_unknown_field", "POST", "/api/v1/tokens", error(400, &["token:"]))
            .json(&json!({"role": "reader", "scope": "all"})),
        req("token_delete_abc", "DELETE", "/api/v1/tokens/abc", error(400, &[])),
        req("token_delete_overflow", "DELETE", "/api/v1/tokens/99999999999999999999", error(400, &[])),
        req("token_delete_negative", "DELETE", "/api/v1/tokens/-1", error(404, &["no active token"])),
        // ---- Authentication
        req("metrics_without_token", "GET", "/metrics", error(401, &["API token"])).no_auth(),
        req("bearer_10kb", "GET", M, error(401, &["invalid or revoked"]))
            .no_auth()
            .header("authorization", &format!("Bearer {}", "t".repeat(10 * 1024))),
        req("bearer_empty", "GET", M, error(401, &[]))
            .no_auth()
            .header("authorization", "Bearer "),
        req("openapi", "GET", "/api/v1/openapi.json", status(&[200])),
        // ---- Dashboard: no open redirects, no crash on odd names and forms.
        req(
            "ui_login_next_absolute_url",
            "GET",
            &format!("/ui/login?token={admin}&next=https://evil.example/"),
            Want::SafeRedirect,
        )
        .no_auth(),
        req(
            "ui_login_next_protocol_relative",
            "GET",
            &format!("/ui/login?token={admin}&next=//evil.example/"),
            Want::SafeRedirect,
        )
        .no_auth(),
        req(
            "ui_login_next_backslashes",
            "GET",
            &format!("/ui/login?token={admin}&next=/ui/%5C%5Cevil.example"),
            Want::SafeRedirect,
        )
        .no_auth(),
        req("ui_monitor_nul_name", "GET", "/ui/monitors/%00", status(&[404])),
        req("ui_login_10kb_token_form", "POST", "/ui/login", status(&[401]))
            .no_auth()
            .body(
                "application/x-www-form-urlencoded",
                format!("token={}", "t".repeat(10 * 1024)),
            ),
    ]
}

fn create(port: u16, admin: &str, body: &Value) {
    let headers = vec![
        ("authorization".to_string(), format!("Bearer {admin}")),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let r = send(
        port,
        "POST",
        "/api/v1/monitors",
        &headers,
        &serde_json::to_vec(body).unwrap(),
    )
    .unwrap();
    assert_eq!(
        r.status,
        201,
        "creating a monitor: {}",
        String::from_utf8_lossy(&r.body)
    );
}

#[test]
fn hostile_requests_get_json_errors_or_sound_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = data_dir_args(dir.path());
    let admin = make_token(&db, "admin");
    let mut server = Server::start(&db, &[], dir.path());
    let reference = reference_profile(dir.path());
    // m: row windows of 5 with an event id and a label; t: hourly windows by event time.
    create(server.port, &admin, &spec("m", &reference));
    create(
        server.port,
        &admin,
        &json!({"name": "t", "suite": TIME_SUITE, "reference_profile": reference, "window": {"every": "1h"}}),
    );
    let cases = cases(&reference, &admin);
    assert!(
        cases.len() >= MIN_CASES,
        "the hostile HTTP suite must hold at least {MIN_CASES} cases, has {}",
        cases.len()
    );
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for r in &cases {
        assert!(names.insert(r.name), "case name {} used twice", r.name);
        let mut headers = r.headers.clone();
        if r.auth {
            headers.push(("authorization".into(), format!("Bearer {admin}")));
        }
        let started = Instant::now();
        let answer = send(server.port, r.method, &r.target, &headers, &r.body);
        let elapsed = started.elapsed();
        let problems = judge(r, &answer, elapsed);
        let shown = match &answer {
            Ok(a) => a.status.to_string(),
            Err(_) => "dropped".into(),
        };
        println!(
            "{} {:<40} {:<7} {:>6.2} s",
            if problems.is_empty() { "ok  " } else { "FAIL" },
            r.name,
            shown,
            elapsed.as_secs_f64()
        );
        if !problems.is_empty() {
            let body: String = match &answer {
                Ok(a) => String::from_utf8_lossy(&a.body).chars().take(600).collect(),
                Err(e) => e.clone(),
            };
            let target: String = r.target.chars().take(160).collect();
            failures.push(format!(
                "{}: {} {target}\n  - {}\n  answer: {body}",
                r.name,
                r.method,
                problems.join("\n  - ")
            ));
        }
        // The service must survive every request.
        if let Ok(Some(status)) = server.child.try_wait() {
            failures.push(format!(
                "{}: the service exited ({status}); log:\n{}",
                r.name,
                server.log_text()
            ));
            break;
        }
    }
    println!("HTTP: {} cases, {} failed", cases.len(), failures.len());
    // Still healthy and ready, and nothing panicked.
    for path in ["/healthz", "/readyz"] {
        match send(server.port, "GET", path, &[], b"") {
            Ok(r) if r.status == 200 => {}
            Ok(r) => failures.push(format!("{path} answers {} at the end", r.status)),
            Err(e) => failures.push(format!("{path} at the end: {e}")),
        }
    }
    let log = server.log_text();
    for marker in [
        "panicked",
        "internal error contained",
        "overflowed its stack",
    ] {
        if log.contains(marker) {
            failures.push(format!("the service log contains `{marker}`:\n{log}"));
        }
    }
    server.kill();
    assert!(
        failures.is_empty(),
        "{} hostile HTTP cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
