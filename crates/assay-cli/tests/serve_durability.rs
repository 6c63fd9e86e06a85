//! An acknowledged event is never lost: rows are committed before `200`, so a server killed
//! with SIGKILL in the middle of ingestion comes back with every acknowledged row.

mod serve_support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serve_support::*;

#[test]
fn sigkill_during_ingestion_loses_no_acknowledged_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = data_dir_args(dir.path());
    let admin = make_token(&db, "admin");
    let mut server = Server::start(&db, &[], dir.path());
    let reference = small_reference(dir.path());
    let spec = serde_json::json!({
        "name": "d", "suite": "roles: {id: id}\nchecks:\n  - check: drift.ks\n", "reference_profile": reference,
        "window": {"rows": 100000000},
    });
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        &admin,
        "application/json",
        serde_json::to_vec(&spec).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let url = server.url("/api/v1/monitors/d/rows");
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (acked, stop, url, admin) =
                (acked.clone(), stop.clone(), url.clone(), admin.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut batch = 0;
                while !stop.load(Ordering::SeqCst) {
                    let ids: Vec<String> =
                        (0..250).map(|j| format!("w{w}-b{batch}-r{j}")).collect();
                    let body: String = ids
                        .iter()
                        .enumerate()
                        .map(|(j, id)| format!("{{\"id\": \"{id}\", \"x\": {j}, \"c\": \"a\"}}\n"))
                        .collect();
                    match c
                        .post(&url)
                        .bearer_auth(&admin)
                        .header("content-type", "application/x-ndjson")
                        .body(body)
                        .send()
                    {
                        Ok(r) if r.status() == 200 => acked.lock().unwrap().extend(ids),
                        Ok(r) if r.status() == 429 => std::thread::sleep(Duration::from_millis(20)),
                        Ok(r) => panic!("unexpected {}", r.status()),
                        Err(_) => return, // the server is gone
                    }
                    batch += 1;
                }
            })
        })
        .collect();
    wait_for(120, "some acknowledged batches", || {
        (acked.lock().unwrap().len() >= 100 * 250).then_some(())
    });
    server.kill(); // SIGKILL, mid-stream
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let server = Server::start(&db, &[], dir.path());
    let (status, rows) = get(
        &server.url("/api/v1/monitors/d/windows/0/rows?limit=1000000"),
        &admin,
    );
    assert_eq!(status, 200);
    let mut stored = HashSet::new();
    for line in rows.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            stored.insert(v["id"].as_str().unwrap().to_string()),
            "row stored twice: {line}"
        );
    }
    let missing: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged rows lost, e.g. {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(5)]
    );
    // Whole requests only: what was stored beyond the acknowledged rows is complete batches
    // committed just before the kill whose answer never arrived.
    assert_eq!(stored.len() % 250, 0);
    let windows = get_json(&server.url("/api/v1/monitors/d/windows"), &admin);
    assert_eq!(windows[0]["rows"].as_u64().unwrap() as usize, stored.len());
    // Ingestion goes on after the restart.
    let (status, _) = post(
        &server.url("/api/v1/monitors/d/rows"),
        &admin,
        "application/x-ndjson",
        b"{\"id\": \"after\", \"x\": 1, \"c\": \"b\"}\n".to_vec(),
    );
    assert_eq!(status, 200);
}
