//! Faults of the service's surroundings, with real processes: PostgreSQL stopped during
//! ingestion, the SQLite data directory on a full disk, webhooks that hang, answer slowly or
//! reset the connection, and panics inside the background tasks (armed fault-injection points).

mod serve_support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serve_support::*;

fn create_monitor(server: &Server, admin: &str, spec: Value) {
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        admin,
        "application/json",
        serde_json::to_vec(&spec).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
}

fn rows_body(ids: &[String]) -> String {
    ids.iter()
        .enumerate()
        .map(|(j, id)| format!("{{\"id\": \"{id}\", \"x\": {}, \"c\": \"a\"}}\n", j % 100))
        .collect()
}

/// Every stored row's id, read back through the API.
fn stored_ids(server: &Server, token: &str, monitor: &str) -> Vec<String> {
    let windows = get_json(
        &server.url(&format!("/api/v1/monitors/{monitor}/windows?limit=10000")),
        token,
    );
    let mut ids = Vec::new();
    for w in windows.as_array().unwrap() {
        let key = w["key"].as_i64().unwrap();
        let (status, body) = get(
            &server.url(&format!(
                "/api/v1/monitors/{monitor}/windows/{key}/rows?limit=1000000"
            )),
            token,
        );
        assert_eq!(status, 200, "{body}");
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            ids.push(v["id"].as_str().unwrap().to_string());
        }
    }
    ids
}

/// Writers that post 100-row batches with an `Idempotency-Key` each, retrying a batch on 503
/// (or a lost connection) with the same key, and recording every acknowledged id.
struct Writers {
    acked: Arc<Mutex<Vec<String>>>,
    statuses: Arc<Mutex<HashMap<u16, usize>>>,
    slowest_ms: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Writers {
    fn start(url: String, token: String, count: usize) -> Writers {
        let acked: Arc<Mutex<Vec<String>>> = Arc::default();
        let statuses: Arc<Mutex<HashMap<u16, usize>>> = Arc::default();
        let slowest_ms = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handles = (0..count)
            .map(|w| {
                let (acked, statuses, slowest_ms, stop, url, token) = (
                    acked.clone(),
                    statuses.clone(),
                    slowest_ms.clone(),
                    stop.clone(),
                    url.clone(),
                    token.clone(),
                );
                std::thread::spawn(move || {
                    let c = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(30))
                        .build()
                        .unwrap();
                    let mut batch = 0;
                    'batches: while !stop.load(Ordering::SeqCst) {
                        let key = format!("w{w}-b{batch}");
                        let ids: Vec<String> = (0..100).map(|j| format!("{key}-r{j}")).collect();
                        let body = rows_body(&ids);
                        // The same batch, with the same key, until it is acknowledged.
                        loop {
                            let started = Instant::now();
                            let answer = c
                                .post(&url)
                                .bearer_auth(&token)
                                .header("content-type", "application/x-ndjson")
                                .header("idempotency-key", &key)
                                .body(body.clone())
                                .send();
                            let ms = started.elapsed().as_millis() as usize;
                            slowest_ms.fetch_max(ms, Ordering::SeqCst);
                            let status = answer.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
                            *statuses.lock().unwrap().entry(status).or_default() += 1;
                            if status == 200 {
                                acked.lock().unwrap().extend(ids);
                                break;
                            }
                            if stop.load(Ordering::SeqCst) && status != 503 && status != 0 {
                                break 'batches;
                            }
                            std::thread::sleep(Duration::from_millis(100));
                        }
                        batch += 1;
                    }
                })
            })
            .collect();
        Writers {
            acked,
            statuses,
            slowest_ms,
            stop,
            handles,
        }
    }

    fn acked(&self) -> usize {
        self.acked.lock().unwrap().len()
    }

    fn finish(self) -> (Vec<String>, HashMap<u16, usize>, usize) {
        self.stop.store(true, Ordering::SeqCst);
        for h in self.handles {
            h.join().unwrap();
        }
        let acked = self.acked.lock().unwrap().clone();
        let statuses = self.statuses.lock().unwrap().clone();
        (acked, statuses, self.slowest_ms.load(Ordering::SeqCst))
    }
}

fn assert_exactly_once(acked: &[String], stored: &[String]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in stored {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(twice.is_empty(), "rows stored more than once: {twice:?}");
    let missing: Vec<_> = acked
        .iter()
        .filter(|id| !counts.contains_key(id.as_str()))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "acknowledged rows missing: {missing:?}");
}

#[test]
fn postgres_outage_answers_503_and_recovers_with_every_acknowledged_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let pg = Postgres::start_own();
    let db = vec!["--database".to_string(), pg.url.clone()];
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &[], dir.path());
    create_monitor(
        &server,
        &admin,
        json!({
            "name": "pg", "suite": "roles: {id: id}\nchecks:\n  - check: integrity.null_share\n",
            "reference_profile": small_reference(dir.path()), "window": {"rows": 5000},
        }),
    );
    let writers = Writers::start(server.url("/api/v1/monitors/pg/rows"), admin.clone(), 2);
    wait_for(60, "2000 rows acknowledged before the outage", || {
        (writers.acked() >= 2000).then_some(())
    });
    pg.stop();
    let before = writers.acked();
    // While the database is down: readiness fails, and ingestion answers 503 within the pool
    // timeout (not 500, not a hang).
    let outage = Instant::now();
    let ready = wait_for(30, "/readyz to report the outage", || {
        let r = client().get(server.url("/readyz")).send().ok()?;
        (r.status() == 503).then(|| r.text().unwrap_or_default())
    });
    assert!(ready.contains("database"), "{ready}");
    wait_for(30, "a 503 answer during the outage", || {
        let n = writers
            .statuses
            .lock()
            .unwrap()
            .get(&503)
            .copied()
            .unwrap_or(0);
        (n >= 2).then_some(())
    });
    std::thread::sleep(Duration::from_secs(2).saturating_sub(outage.elapsed()));
    assert!(
        writers.acked() <= before + 200,
        "rows were acknowledged while the database was down"
    );
    pg.start_again();
    // Recovers by itself: acknowledgements resume.
    let resumed = writers.acked();
    wait_for(60, "ingestion to recover after the restart", || {
        (writers.acked() >= resumed + 1000).then_some(())
    });
    wait_for(30, "/readyz ready again", || {
        let r = client().get(server.url("/readyz")).send().ok()?;
        (r.status() == 200).then_some(())
    });
    let (acked, statuses, slowest_ms) = writers.finish();
    let unexpected: Vec<_> = statuses
        .iter()
        .filter(|(s, _)| ![200u16, 503].contains(s))
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers other than 200/503: {unexpected:?} (0 = no answer); log:\n{}",
        server.log_text()
    );
    assert!(
        slowest_ms < 15_000,
        "an ingest request took {slowest_ms} ms (the pool timeout is 5 s)"
    );
    let stored = stored_ids(&server, &admin, "pg");
    assert_exactly_once(&acked, &stored);
    assert!(
        !server.log_text().contains("panicked"),
        "{}",
        server.log_text()
    );
}

/// A small tmpfs mounted for the test and unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the full-disk test mounts a {size} tmpfs and needs root (or CAP_SYS_ADMIN): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk {
            path: path.to_path_buf(),
        }
    }

    /// Fills the free space with a ballast file; returns its path.
    fn fill(&self) -> PathBuf {
        let ballast = self.path.join("ballast");
        let mut f = std::fs::File::create(&ballast).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let small = vec![0u8; 512];
        while f.write_all(&small).is_ok() {}
        let _ = f.sync_all();
        ballast
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[test]
fn full_disk_answers_507_keeps_the_database_sound_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let disk = SmallDisk::mount(&dir.path().join("disk"), "24m");
    let data = disk.path.join("data");
    let db = vec![
        "--data-dir".to_string(),
        data.to_string_lossy().into_owned(),
    ];
    let admin = make_token(&db, "admin");
    let mut server = Server::start(&db, &[], dir.path());
    create_monitor(
        &server,
        &admin,
        json!({
            "name": "full", "suite": "roles: {id: id}\nchecks:\n  - check: integrity.null_share\n",
            "reference_profile": small_reference(dir.path()), "window": {"rows": 1000000},
        }),
    );
    let url = server.url("/api/v1/monitors/full/rows");
    let mut acked: Vec<String> = Vec::new();
    let post_batch = |name: &str| -> (u16, String, Vec<String>) {
        let ids: Vec<String> = (0..500).map(|j| format!("{name}-r{j}")).collect();
        let (status, body) = post(
            &url,
            &admin,
            "application/x-ndjson",
            rows_body(&ids).into_bytes(),
        );
        (status, body, ids)
    };
    for b in 0..4 {
        let (status, body, ids) = post_batch(&format!("before{b}"));
        assert_eq!(status, 200, "{body}");
        acked.extend(ids);
    }
    let ballast = disk.fill();
    // A full disk: 507 (or 503 when SQLite reports it as an I/O error), never 500 or a hang.
    let mut refused = 0;
    for b in 0..6 {
        let started = Instant::now();
        let (status, body, ids) = post_batch(&format!("full{b}"));
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "a request hung"
        );
        match status {
            200 => acked.extend(ids),
            507 | 503 => {
                refused += 1;
                let v: Value = serde_json::from_str(&body).unwrap();
                assert!(
                    v["error"].as_str().unwrap().contains("nothing was stored"),
                    "{body}"
                );
            }
            other => panic!(
                "answer {other} on a full disk: {body}\nlog:\n{}",
                server.log_text()
            ),
        }
    }
    assert!(refused >= 1, "the full disk was never reported");
    std::fs::remove_file(&ballast).unwrap();
    // Space is back: ingestion works again without a restart.
    let (status, body, ids) = post_batch("after");
    assert_eq!(status, 200, "{body}\nlog:\n{}", server.log_text());
    acked.extend(ids);
    let stored = stored_ids(&server, &admin, "full");
    assert_exactly_once(&acked, &stored);
    assert_eq!(
        stored.len(),
        acked.len(),
        "rows of refused requests were stored"
    );
    // The database is sound: SQLite's own integrity check, and a restart that reads it all.
    server.kill();
    let check = Command::new("sqlite3")
        .arg(data.join("assay.db"))
        .arg("PRAGMA integrity_check;")
        .output()
        .expect("sqlite3 (Debian package sqlite3) is needed to check the database");
    assert_eq!(
        String::from_utf8_lossy(&check.stdout).trim(),
        "ok",
        "{check:?}"
    );
    let server = Server::start(&db, &[], dir.path());
    let again = stored_ids(&server, &admin, "full");
    assert_eq!(again.len(), stored.len());
}

/// A webhook endpoint that misbehaves on purpose.
#[derive(Clone, Copy)]
enum Misbehaviour {
    /// Reads the request and never answers.
    Hang,
    /// Answers 200 after a delay.
    Slow(Duration),
    /// Reads the request and resets the connection.
    Reset,
}

/// Starts a misbehaving endpoint; returns its URL and the number of requests it received.
fn bad_webhook(kind: Misbehaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            match kind {
                Misbehaviour::Hang => held.push(stream),
                Misbehaviour::Slow(delay) => {
                    std::thread::spawn(move || {
                        std::thread::sleep(delay);
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        );
                    });
                }
                Misbehaviour::Reset => {
                    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                    drop(stream);
                }
            }
        }
    });
    (url, hits)
}

#[test]
fn webhooks_that_hang_are_slow_or_reset_hold_back_neither_others_nor_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let db = data_dir_args(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(
        &db,
        &[
            "--webhook-timeout",
            "4s",
            "--webhook-retry",
            "300ms",
            "--webhook-attempts",
            "3",
        ],
        dir.path(),
    );
    let sink = WebhookSink::start(0);
    let (hang, hang_hits) = bad_webhook(Misbehaviour::Hang);
    let (slow, slow_hits) = bad_webhook(Misbehaviour::Slow(Duration::from_secs(2)));
    let (reset, reset_hits) = bad_webhook(Misbehaviour::Reset);
    create_monitor(
        &server,
        &admin,
        json!({
            "name": "hooks",
            "suite": "checks:\n  - check: integrity.value_range\n    columns: [x]\n    params: {min: 0, max: 99}\n    condition: \"<= 0.01\"\n",
            "reference_profile": small_reference(dir.path()),
            "window": {"rows": 100},
            "alerts": {"webhooks": [{"url": hang}, {"url": slow}, {"url": reset}, {"url": sink.url("/ok")}]},
        }),
    );
    let url = server.url("/api/v1/monitors/hooks/rows");
    let rows = |x: i64| -> Vec<u8> {
        (0..100)
            .map(|_| format!("{{\"x\": {x}, \"c\": \"a\"}}\n"))
            .collect::<String>()
            .into_bytes()
    };
    // Window 0 fails (every x out of range): a firing alert to all four webhooks.
    let (status, body) = post(&url, &admin, "application/x-ndjson", rows(500));
    assert_eq!(status, 200, "{body}");
    wait_for(20, "the firing alert at the healthy webhook", || {
        (!sink.on("/ok").is_empty()).then_some(())
    });
    // While the hanging webhook still holds its first attempt (4 s timeout), window 1 passes
    // and resolves: its evaluation and the healthy webhook's delivery are not held back.
    let sent = Instant::now();
    let (status, body) = post(&url, &admin, "application/x-ndjson", rows(5));
    assert_eq!(status, 200, "{body}");
    let w1 = wait_evaluated(&server, &admin, "hooks", 1, 1);
    let evaluated_after = sent.elapsed();
    wait_for(20, "the resolved alert at the healthy webhook", || {
        (sink.on("/ok").len() >= 2).then_some(())
    });
    let delivered_after = sent.elapsed();
    assert_eq!(w1["status"], "pass", "{w1}");
    assert!(
        evaluated_after < Duration::from_millis(2500),
        "window 1 evaluated {evaluated_after:?} after its rows, held back by a webhook"
    );
    assert!(
        delivered_after < Duration::from_millis(3000),
        "the healthy webhook got the resolved alert {delivered_after:?} after the rows (the hanging one times out at 4 s)"
    );
    // Every bad webhook was tried, timed out or failed, and retried up to the limit.
    let alerts = wait_for(60, "every delivery to finish", || {
        let a = get_json(&server.url("/api/v1/monitors/hooks/alerts"), &admin);
        let done = a.as_array().unwrap().iter().all(|alert| {
            alert["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| !d["delivered_ms"].is_null() || !d["gave_up_ms"].is_null())
        });
        done.then_some(a)
    });
    let deliveries: Vec<&Value> = alerts
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["deliveries"].as_array().unwrap())
        .collect();
    let by = |port_url: &str| -> Vec<&Value> {
        let shown = port_url.split("/hook").next().unwrap().to_string();
        deliveries
            .iter()
            .filter(|d| d["url"].as_str().unwrap_or("").starts_with(&shown))
            .copied()
            .collect()
    };
    for d in by(&hang) {
        assert!(!d["gave_up_ms"].is_null(), "{d}");
        assert_eq!(d["attempts"], 3, "{d}");
        assert!(
            d["last_error"].as_str().unwrap().contains("timed out"),
            "{d}"
        );
    }
    for d in by(&reset) {
        assert!(!d["gave_up_ms"].is_null(), "{d}");
        assert_eq!(d["attempts"], 3, "{d}");
    }
    for d in by(&slow) {
        assert!(!d["delivered_ms"].is_null(), "{d}");
    }
    assert!(hang_hits.load(Ordering::SeqCst) >= 3);
    assert!(reset_hits.load(Ordering::SeqCst) >= 3);
    assert!(slow_hits.load(Ordering::SeqCst) >= 2);
    assert!(!server.log_text().contains("panicked"));
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn panics_in_background_tasks_are_contained_counted_and_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let db = data_dir_args(dir.path());
    let admin = make_token(&db, "admin");
    // Window 0's evaluation panics; the evaluator loop and the webhook sender each panic once.
    let server = Server::start_with_env(
        free_port(),
        &db,
        &["--restart-backoff", "3s"],
        dir.path(),
        "http",
        &[(
            "FAILPOINTS",
            "evaluate-window=1*return(0);evaluator-loop=1*return(*);webhook-sender=1*return(*)",
        )],
    );
    // Both tasks panic on their first pass and are down for their first backoff (3 s): not
    // ready meanwhile, naming them; ready again once they are restarted.
    let mut down_texts = Vec::new();
    wait_for(20, "not ready, then ready again", || {
        let r = client().get(server.url("/readyz")).send().ok()?;
        let status = r.status().as_u16();
        let text = r.text().unwrap_or_default();
        if status == 503 {
            down_texts.push(text);
            None
        } else {
            (status == 200 && !down_texts.is_empty()).then_some(())
        }
    });
    let seen = down_texts.join("\n");
    assert!(
        seen.contains("evaluator") && seen.contains("webhook_sender"),
        "{seen}"
    );
    let sink = WebhookSink::start(0);
    create_monitor(
        &server,
        &admin,
        json!({
            "name": "p",
            "suite": "checks:\n  - check: integrity.value_range\n    columns: [x]\n    params: {min: 0, max: 99}\n    condition: \"<= 0.01\"\n",
            "reference_profile": small_reference(dir.path()),
            "window": {"rows": 10},
            "alerts": {"webhooks": [{"url": sink.url("/ok")}]},
        }),
    );
    let url = server.url("/api/v1/monitors/p/rows");
    for x in [5, 500] {
        let body: String = (0..10)
            .map(|_| format!("{{\"x\": {x}, \"c\": \"a\"}}\n"))
            .collect();
        let (status, b) = post(&url, &admin, "application/x-ndjson", body.into_bytes());
        assert_eq!(status, 200, "{b}");
    }
    // Window 0 is marked `error` with the panic's message, and skipped; window 1 evaluates.
    let w0 = wait_evaluated(&server, &admin, "p", 0, 1);
    assert_eq!(w0["status"], "error", "{w0}");
    let (_, report) = get(&server.url("/api/v1/monitors/p/windows/0/report"), &admin);
    assert!(
        report.contains("injected fault at evaluate-window"),
        "{report}"
    );
    let w1 = wait_evaluated(&server, &admin, "p", 1, 1);
    assert_eq!(w1["status"], "fail", "{w1}");
    // The restarted sender delivers the alerts.
    wait_for(20, "an alert delivered after the sender's restart", || {
        (!sink.on("/ok").is_empty()).then_some(())
    });
    let (_, metrics) = get(&server.url("/metrics"), &admin);
    assert_eq!(
        metric(
            &metrics,
            "assay_background_task_failures_total{task=\"evaluator\"}"
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            "assay_background_task_failures_total{task=\"webhook_sender\"}"
        ),
        1.0
    );
    assert_eq!(
        metric(
            &metrics,
            "assay_window_evaluation_faults_total{monitor=\"p\"}"
        ),
        1.0
    );
    assert_eq!(
        metric(&metrics, "assay_background_task_up{task=\"evaluator\"}"),
        1.0
    );
    // Window 0 is not retried: still one evaluation.
    std::thread::sleep(Duration::from_millis(500));
    let windows = get_json(&server.url("/api/v1/monitors/p/windows"), &admin);
    let w0 = windows
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["key"] == 0)
        .unwrap();
    assert_eq!(w0["evaluations"], 1, "{w0}");
    // The panics were logged as contained internal errors, with where they happened.
    let log = server.log_text();
    assert!(log.contains("internal error contained"), "{log}");
    assert!(log.contains("background task failed; restarting"), "{log}");
}
