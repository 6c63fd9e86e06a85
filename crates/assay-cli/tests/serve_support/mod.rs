//! Harness for the `assay serve` tests: the real binary on a loopback port, real HTTP, a
//! webhook receiver, a real PostgreSQL server, the Adult data cut into a reference and a stream.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The `assay` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_assay")
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `assay token create` and returns the token (the last stdout line).
pub fn make_token(db: &[String], role: &str) -> String {
    let mut args = vec![
        "token".to_string(),
        "create".into(),
        "--role".into(),
        role.into(),
    ];
    args.extend(db.iter().cloned());
    let out = Command::new(bin()).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "token create failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().last().unwrap().trim().to_string()
}

/// A running `assay serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub port: u16,
    pub log: PathBuf,
    pub args: Vec<String>,
}

impl Server {
    /// Starts `assay serve DB_ARGS EXTRA` on a free port and waits for /healthz.
    pub fn start(db: &[String], extra: &[&str], log_dir: &Path) -> Server {
        Self::start_on(free_port(), db, extra, log_dir, "http")
    }

    /// Starts on a given port and scheme (https needs --tls-cert/--tls-key in `extra`).
    pub fn start_on(
        port: u16,
        db: &[String],
        extra: &[&str],
        log_dir: &Path,
        scheme: &str,
    ) -> Server {
        Self::start_with_env(port, db, extra, log_dir, scheme, &[])
    }

    /// Starts with extra environment variables (for example `FAILPOINTS`, the fault-injection
    /// points armed in test builds).
    pub fn start_with_env(
        port: u16,
        db: &[String],
        extra: &[&str],
        log_dir: &Path,
        scheme: &str,
        env: &[(&str, &str)],
    ) -> Server {
        let mut args: Vec<String> = vec![
            "serve".into(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
            "--tick".into(),
            "100ms".into(),
        ];
        args.extend(db.iter().cloned());
        args.extend(extra.iter().map(|s| s.to_string()));
        let log = log_dir.join(format!("serve-{port}.log"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = Command::new(bin())
            .args(&args)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("{scheme}://127.0.0.1:{port}"),
            port,
            log,
            args,
        };
        server.wait_healthy(scheme == "http");
        server
    }

    fn wait_healthy(&self, plain: bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if plain {
                if let Ok(r) = client().get(format!("{}/healthz", self.base)).send() {
                    if r.status() == 200 {
                        return;
                    }
                }
            } else if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "assay serve did not become healthy; log:\n{}",
            self.log_text()
        );
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills it with SIGKILL (no chance to clean up).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Writes `csv` to `dir/<name>.csv`, profiles it with `assay profile` and returns the saved
/// profile.
pub fn saved_profile(dir: &Path, name: &str, csv: &str) -> Value {
    let data = dir.join(format!("{name}.csv"));
    std::fs::write(&data, csv).unwrap();
    let profile = dir.join(format!("{name}.json"));
    let out = Command::new(bin())
        .args([
            "profile",
            data.to_str().unwrap(),
            "-o",
            profile.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(profile).unwrap()).unwrap()
}

/// A saved profile of `x` (0..100) and `c` (a/b): a small reference for monitors.
pub fn small_reference(dir: &Path) -> Value {
    let mut text = String::from("x,c\n");
    for i in 0..100 {
        text.push_str(&format!("{},{}\n", i, if i % 2 == 0 { "a" } else { "b" }));
    }
    saved_profile(dir, "ref", &text)
}

/// A blocking HTTP client.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// GET with a token; returns (status, body).
pub fn get(url: &str, token: &str) -> (u16, String) {
    let r = client().get(url).bearer_auth(token).send().unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// GET JSON with a token, asserting 200.
pub fn get_json(url: &str, token: &str) -> Value {
    let (status, body) = get(url, token);
    assert_eq!(status, 200, "GET {url}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// POST a body with a content type and token; returns (status, body).
pub fn post(url: &str, token: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let r = client()
        .post(url)
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// DELETE with a token; returns the status.
pub fn delete(url: &str, token: &str) -> u16 {
    client()
        .delete(url)
        .bearer_auth(token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// Polls `f` until it returns Some, or panics after `secs` with `what`.
pub fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until window `key` of `monitor` has been evaluated at least `evaluations` times.
pub fn wait_evaluated(
    server: &Server,
    token: &str,
    monitor: &str,
    key: i64,
    evaluations: i64,
) -> Value {
    wait_for(
        120,
        &format!("window {key} of {monitor} evaluated {evaluations}×"),
        || {
            let windows = get_json(
                &server.url(&format!("/api/v1/monitors/{monitor}/windows")),
                token,
            );
            windows
                .as_array()
                .unwrap()
                .iter()
                .find(|w| {
                    w["key"] == key
                        && w["state"] == "evaluated"
                        && w["evaluations"].as_i64().unwrap_or(0) >= evaluations
                })
                .cloned()
        },
    )
}

/// One request received by the webhook sink.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub body: Value,
}

/// A webhook receiver on loopback: answers 500 to the first `fail_first` requests of each
/// path, then 200; records every request.
pub struct WebhookSink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl WebhookSink {
    pub fn start(fail_first: usize) -> WebhookSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let sink = received.clone();
        std::thread::spawn(move || {
            let mut seen: std::collections::HashMap<String, usize> = Default::default();
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let count = seen.entry(path.clone()).or_default();
                *count += 1;
                let status = if *count <= fail_first {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                sink.lock().unwrap().push(Received {
                    path: path.clone(),
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                });
                let mut s = stream;
                let _ = s.write_all(
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .as_bytes(),
                );
            }
        });
        WebhookSink { port, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests received on `path`.
    pub fn on(&self, path: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

/// The Adult data with model predictions, cut into a reference (first 5000 rows) and a stream.
pub struct AdultData {
    pub header: Vec<String>,
    pub reference_csv: PathBuf,
    pub stream: Vec<Vec<String>>,
}

pub const NUMERIC: &[&str] = &[
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "proba_gbt",
    "proba_lr",
    "proba_rf",
];

impl AdultData {
    pub fn load(dir: &Path) -> AdultData {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/adult/adult_current_scored.csv");
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header_line = lines.next().unwrap();
        let header: Vec<String> = header_line.split(',').map(str::to_string).collect();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let reference_csv = dir.join("reference.csv");
        let mut out = String::from(header_line);
        out.push('\n');
        for r in &rows[..5000] {
            out.push_str(&r.join(","));
            out.push('\n');
        }
        std::fs::write(&reference_csv, out).unwrap();
        AdultData {
            header,
            reference_csv,
            stream: rows[5000..].to_vec(),
        }
    }

    pub fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }

    /// Rows as JSON objects, with an `event_id` and without the columns in `drop`.
    pub fn json_lines(&self, rows: &[Vec<String>], first_id: usize, drop: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let mut obj = serde_json::Map::new();
            obj.insert("event_id".into(), json!(format!("e{}", first_id + i)));
            for (h, v) in self.header.iter().zip(r) {
                if drop.contains(&h.as_str()) {
                    continue;
                }
                let value = if v == "?" {
                    Value::Null
                } else if NUMERIC.contains(&h.as_str()) {
                    json!(v.parse::<f64>().unwrap())
                } else {
                    json!(v)
                };
                obj.insert(h.clone(), value);
            }
            out.extend_from_slice(serde_json::to_string(&obj).unwrap().as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Rows as CSV with the header and an `event_id` column.
    pub fn csv(&self, rows: &[Vec<String>], first_id: usize) -> Vec<u8> {
        let mut out = format!("event_id,{}\n", self.header.join(","));
        for (i, r) in rows.iter().enumerate() {
            out.push_str(&format!("e{},{}\n", first_id + i, r.join(",")));
        }
        out.into_bytes()
    }

    /// Rows as an Arrow IPC stream (read through arrow's CSV reader with `?` as null).
    pub fn arrow(&self, rows: &[Vec<String>], first_id: usize) -> Vec<u8> {
        let csv = self.csv(rows, first_id);
        let format = arrow::csv::reader::Format::default()
            .with_header(true)
            .with_null_regex(regex_null());
        let (schema, _) = format
            .infer_schema(std::io::Cursor::new(&csv), None)
            .unwrap();
        let reader = arrow::csv::ReaderBuilder::new(std::sync::Arc::new(schema.clone()))
            .with_header(true)
            .with_format(format)
            .build(std::io::Cursor::new(&csv))
            .unwrap();
        let mut out = Vec::new();
        {
            let mut w = arrow::ipc::writer::StreamWriter::try_new(&mut out, &schema).unwrap();
            for b in reader {
                w.write(&b.unwrap()).unwrap();
            }
            w.finish().unwrap();
        }
        out
    }

    /// Drifted copies of rows: age + 30, hours-per-week × 2.
    pub fn drifted(&self, rows: &[Vec<String>]) -> Vec<Vec<String>> {
        let (age, hours) = (self.col("age"), self.col("hours-per-week"));
        rows.iter()
            .map(|r| {
                let mut r = r.clone();
                r[age] = (r[age].parse::<i64>().unwrap() + 30).to_string();
                r[hours] = (r[hours].parse::<i64>().unwrap() * 2).to_string();
                r
            })
            .collect()
    }

    /// Accuracy of pred_gbt against income-per-year over rows.
    pub fn accuracy(&self, rows: &[Vec<String>]) -> f64 {
        let (p, t) = (self.col("pred_gbt"), self.col("income-per-year"));
        rows.iter().filter(|r| r[p] == r[t]).count() as f64 / rows.len() as f64
    }
}

fn regex_null() -> regex::Regex {
    regex::Regex::new(r"^(\?)?$").unwrap()
}

/// The monitor suite used by the end-to-end tests.
pub const ADULT_SUITE: &str = r#"
data:
  csv:
    null_values: ["?"]
roles:
  id: event_id
  target: income-per-year
  prediction: pred_gbt
evaluation:
  positive_class: ">50K"
checks:
  - check: drift.ks
    columns: [age, hours-per-week]
  - check: integrity.null_share
    columns: [age, workclass]
    condition: "<= 0.2"
  - check: model.accuracy
    condition: ">= 0.7"
"#;

/// Creates the Adult monitor (row windows of 1000) from the reference CSV.
pub fn create_adult_monitor(
    server: &Server,
    admin: &str,
    data: &AdultData,
    dir: &Path,
    webhooks: Value,
) -> Value {
    let profile = dir.join("reference.profile.json");
    let out = Command::new(bin())
        .args([
            "profile",
            data.reference_csv.to_str().unwrap(),
            "--null-value",
            "?",
            "-o",
            profile.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    let spec = json!({
        "name": "adult",
        "suite": ADULT_SUITE,
        "reference_profile": reference,
        "window": {"rows": 1000},
        "alerts": {"webhooks": webhooks},
    });
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        admin,
        "application/json",
        serde_json::to_vec(&spec).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A real PostgreSQL server in a temporary directory (or the one ASSAY_TEST_POSTGRES_URL names).
pub struct Postgres {
    pub url: String,
    dir: Option<tempfile::TempDir>,
    bin: PathBuf,
    as_postgres_user: bool,
    options: String,
}

fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.flatten()
                .map(|e| e.path().join("bin"))
                .filter(|p| p.join("initdb").exists())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions.pop().unwrap_or_else(|| {
        panic!("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): `apt-get install postgresql` (.ci/run does)")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Postgres {
    /// The shared server of the test run (ASSAY_TEST_POSTGRES_URL), else a new one.
    pub fn start() -> Postgres {
        if let Ok(url) = std::env::var("ASSAY_TEST_POSTGRES_URL") {
            return Postgres {
                url,
                dir: None,
                bin: PathBuf::new(),
                as_postgres_user: false,
                options: String::new(),
            };
        }
        Self::start_own()
    }

    /// A server of this test's own, which the test may stop and start again.
    pub fn start_own() -> Postgres {
        let bin = postgres_bin();
        let dir = tempfile::tempdir().unwrap();
        let as_postgres_user = is_root();
        // PostgreSQL refuses to run as root: run it as the `postgres` user the package made.
        if as_postgres_user {
            Command::new("chmod")
                .args(["755", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            let status = Command::new("chown")
                .args(["postgres:postgres", dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = dir.path().join("data");
        let port = free_port();
        let run = |program: &str, args: &[&str]| {
            let path = bin.join(program);
            let mut cmd = if as_postgres_user {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(&path);
                c
            } else {
                Command::new(&path)
            };
            let out = cmd.args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "assay",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            dir.path().display()
        );
        let log = dir.path().join("postgres.log");
        run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        Postgres {
            url: format!("postgres://assay@127.0.0.1:{port}/postgres"),
            dir: Some(dir),
            bin,
            as_postgres_user,
            options,
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> std::process::Output {
        let dir = self
            .dir
            .as_ref()
            .expect("only a server of the test's own can be stopped or started");
        let data = dir.path().join("data");
        let log = dir.path().join("postgres.log");
        let path = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        cmd.args(["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap()
    }

    /// Stops the server (fast shutdown: sessions are terminated, as in a real outage).
    pub fn stop(&self) {
        let out = self.pg_ctl(&["-m", "fast", "-w", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {out:?}");
    }

    /// Starts it again after [`Postgres::stop`].
    pub fn start_again(&self) {
        let out = self.pg_ctl(&["-o", &self.options, "-w", "start"]);
        assert!(out.status.success(), "pg_ctl start: {out:?}");
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let data = dir.path().join("data");
            let path = self.bin.join("pg_ctl");
            let mut cmd = if self.as_postgres_user {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(&path);
                c
            } else {
                Command::new(&path)
            };
            let _ = cmd
                .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
                .output();
        }
    }
}

/// The monitoring story every database must tell the same way: rows in three formats, delayed
/// labels joined by id, a drifted window that fires (JSON and Slack webhooks, the Slack one
/// retried), a recovered window that resolves, history as time series, metrics.
pub fn core_scenario(db: &[String], dir: &Path) -> (Server, String, AdultData, WebhookSink) {
    let admin = make_token(db, "admin");
    let server = Server::start(db, &["--webhook-retry", "100ms"], dir);
    let sink = WebhookSink::start(2);
    let data = AdultData::load(dir);
    create_adult_monitor(
        &server,
        &admin,
        &data,
        dir,
        json!([{"url": sink.url("/json"), "format": "json"}, {"url": sink.url("/slack"), "format": "slack"}]),
    );
    let rows_url = server.url("/api/v1/monitors/adult/rows");
    // Window 0: JSON Lines without the label (it arrives later).
    let w0 = &data.stream[0..1000];
    let (status, body) = post(
        &rows_url,
        &admin,
        "application/x-ndjson",
        data.json_lines(w0, 0, &["income-per-year"]),
    );
    assert_eq!(status, 200, "{body}");
    let ack: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ack["accepted"], 1000);
    assert_eq!(ack["closed"], json!([0]));
    wait_evaluated(&server, &admin, "adult", 0, 1);
    let report = get_json(
        &server.url("/api/v1/monitors/adult/windows/0/report"),
        &admin,
    );
    let accuracy = report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {report}"))
        .iter()
        .find(|r| r["id"] == "model.accuracy")
        .unwrap_or_else(|| panic!("no model.accuracy in {report}"))
        .clone();
    assert_eq!(accuracy["status"], "skipped", "{accuracy}");
    assert!(
        accuracy["message"]
            .as_str()
            .unwrap()
            .contains("1000 rows wait"),
        "{accuracy}"
    );
    // The labels arrive: window 0 is evaluated again with the true accuracy.
    let mut labels = Vec::new();
    let t = data.col("income-per-year");
    for (i, r) in w0.iter().enumerate() {
        labels.extend_from_slice(
            format!(
                "{{\"event_id\": \"e{i}\", \"income-per-year\": \"{}\"}}\n",
                r[t]
            )
            .as_bytes(),
        );
    }
    let (status, body) = post(
        &server.url("/api/v1/monitors/adult/labels"),
        &admin,
        "application/x-ndjson",
        labels,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["accepted"],
        1000
    );
    wait_evaluated(&server, &admin, "adult", 0, 2);
    let report = get_json(
        &server.url("/api/v1/monitors/adult/windows/0/report"),
        &admin,
    );
    let accuracy = report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {report}"))
        .iter()
        .find(|r| r["id"] == "model.accuracy")
        .unwrap_or_else(|| panic!("no model.accuracy in {report}"))
        .clone();
    let expected = data.accuracy(w0);
    assert!(
        (accuracy["value"].as_f64().unwrap() - expected).abs() < 1e-12,
        "{accuracy} vs {expected}"
    );
    assert_eq!(accuracy["status"], "pass");
    let window0 = get_json(&server.url("/api/v1/monitors/adult/windows"), &admin)[0].clone();
    assert_eq!(window0["status"], "pass", "{report}");
    // Window 1: drifted rows as CSV (with labels) → fail → a firing alert.
    let drifted = data.drifted(&data.stream[1000..2000]);
    let (status, body) = post(&rows_url, &admin, "text/csv", data.csv(&drifted, 1000));
    assert_eq!(status, 200, "{body}");
    let w1 = wait_evaluated(&server, &admin, "adult", 1, 1);
    assert_eq!(w1["status"], "fail", "{w1}");
    // Window 2: normal rows as Arrow IPC → pass → resolved.
    let (status, body) = post(
        &rows_url,
        &admin,
        "application/vnd.apache.arrow.stream",
        data.arrow(&data.stream[2000..3000], 2000),
    );
    assert_eq!(status, 200, "{body}");
    let w2 = wait_evaluated(&server, &admin, "adult", 2, 1);
    assert_eq!(w2["status"], "pass", "{w2}");
    // Webhooks: JSON delivered at once... after the sink's two refusals; Slack likewise.
    let json_hooks = wait_for(60, "both JSON webhooks delivered", || {
        let got: Vec<Received> = sink
            .on("/json")
            .into_iter()
            .filter(|r| !r.body.is_null())
            .collect();
        (got.len() >= 4).then_some(got)
    });
    // The sink refuses the first two requests of each path, whichever alert they carry: the
    // firing alert is usually refused twice and delivered on its third attempt, but the resolved
    // alert's first attempt may overtake the firing alert's retries and take a refusal itself.
    // Either way four requests, each alert delivered after its refusals.
    let count = |kind: &str| json_hooks.iter().filter(|r| r.body["kind"] == kind).count();
    let (firing, resolved) = (count("firing"), count("resolved"));
    assert!(
        firing >= 1 && resolved >= 1 && firing + resolved == 4 && json_hooks.len() == 4,
        "{json_hooks:?}"
    );
    let firing = &json_hooks
        .iter()
        .find(|r| r.body["kind"] == "firing")
        .unwrap()
        .body;
    assert_eq!(firing["monitor"], "adult");
    assert_eq!(firing["status"], "fail");
    assert_eq!(firing["previous_status"], "pass");
    assert_eq!(firing["window"]["key"], 1);
    let failing: Vec<&str> = firing["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["column"].as_str().unwrap_or(""))
        .collect();
    assert!(
        failing.contains(&"age") && failing.contains(&"hours-per-week"),
        "{firing}"
    );
    let slack = wait_for(60, "Slack webhooks delivered", || {
        let got = sink.on("/slack");
        (got.len() >= 4).then_some(got)
    });
    let texts: Vec<&str> = slack
        .iter()
        .map(|r| r.body["text"].as_str().unwrap())
        .collect();
    // As for the JSON webhooks: four requests, each alert at least once.
    let starting = |prefix: &str| texts.iter().filter(|t| t.starts_with(prefix)).count();
    let firing =
        starting(":red_circle: assay monitor adult: fail (was pass) in window 1 (1000 rows)");
    let resolved = starting(":large_green_circle: assay monitor adult: resolved");
    assert!(
        firing >= 1 && resolved >= 1 && firing + resolved == 4 && texts.len() == 4,
        "{texts:?}"
    );
    // Alert history with delivery state.
    let alerts = wait_for(30, "deliveries recorded", || {
        let a = get_json(&server.url("/api/v1/monitors/adult/alerts"), &admin);
        let done = a.as_array().unwrap().iter().all(|x| {
            x["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["delivered_ms"].is_i64())
        });
        done.then_some(a)
    });
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(
        (alerts[0]["kind"].as_str(), alerts[1]["kind"].as_str()),
        (Some("resolved"), Some("firing"))
    );
    // The firing alert's first attempt is the first request on each path, always refused: it
    // was retried with backoff, twice unless the resolved alert took the second refusal.
    let firing_deliveries = alerts[1]["deliveries"].as_array().unwrap();
    assert_eq!(firing_deliveries.len(), 2, "{firing_deliveries:?}");
    for d in firing_deliveries {
        let attempts = d["attempts"].as_i64().unwrap_or(0);
        assert!((2..=3).contains(&attempts), "{firing_deliveries:?}");
    }
    // Time series: the KS test's (BH-adjusted) p-value of age per window, tiny in window 1.
    let series = get_json(
        &server.url("/api/v1/monitors/adult/series?check=drift.ks&column=age"),
        &admin,
    );
    assert_eq!(series.as_array().unwrap().len(), 1);
    let points = series[0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let p: Vec<f64> = points
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert!(p[1] < 1e-100 && p[0] > 0.05 && p[2] > 0.05, "{p:?}");
    assert_eq!(points[1]["status"], "fail");
    assert_eq!(series[0]["threshold"], 0.05);
    // The heatmap holds the drift effect size (Wasserstein distance ÷ reference std here).
    let heat = get_json(&server.url("/api/v1/monitors/adult/heatmap"), &admin);
    let cells = heat.as_array().unwrap();
    assert_eq!(cells.len(), 6, "2 columns × 3 windows: {heat}");
    let age_d: Vec<f64> = cells
        .iter()
        .filter(|c| c["column"] == "age")
        .map(|c| c["value"].as_f64().unwrap())
        .collect();
    assert!(
        age_d[1] > 0.7 && age_d[0] < 0.05 && age_d[2] < 0.05,
        "{age_d:?}"
    );
    // Metrics.
    let (status, metrics) = get(&server.url("/metrics"), &admin);
    assert_eq!(status, 200);
    for line in [
        "assay_ingest_rows_total{monitor=\"adult\",format=\"jsonl\"} 1000",
        "assay_ingest_rows_total{monitor=\"adult\",format=\"csv\"} 1000",
        "assay_ingest_rows_total{monitor=\"adult\",format=\"arrow\"} 1000",
        "assay_alerts_total{monitor=\"adult\",kind=\"firing\"} 1",
        "assay_alerts_total{monitor=\"adult\",kind=\"resolved\"} 1",
        "assay_window_status{monitor=\"adult\"} 0.0",
        "assay_labels_total{monitor=\"adult\"} 1000",
    ] {
        assert!(metrics.contains(line), "missing `{line}` in:\n{metrics}");
    }
    assert!(metrics.contains("assay_drift_score{monitor=\"adult\",column=\"age\"}"));
    assert!(metrics.contains("assay_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("assay_window_close_to_result_seconds_count{monitor=\"adult\"} 4"));
    (server, admin, data, sink)
}

/// `--data-dir DIR/data`: the arguments of a service on SQLite in a test's temporary directory.
pub fn data_dir_args(dir: &Path) -> Vec<String> {
    vec![
        "--data-dir".to_string(),
        dir.join("data").to_string_lossy().into_owned(),
    ]
}
