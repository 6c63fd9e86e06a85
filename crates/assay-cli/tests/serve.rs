//! `assay serve` on its embedded SQLite database: the monitoring story end to end over real
//! HTTP on loopback, roles, bad inputs, profile push, time windows, TLS, overload.

mod serve_support;

use serve_support::*;

fn sqlite(dir: &std::path::Path) -> Vec<String> {
    vec![
        "--data-dir".into(),
        dir.join("data").to_string_lossy().into_owned(),
    ]
}

#[test]
fn sqlite_monitoring_story_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, _data, _sink) = core_scenario(&sqlite(dir.path()), dir.path());
    // The schema is versioned: migrations 1 and 2 applied.
    assert!(
        server.log_text().contains("schema_version=2"),
        "{}",
        server.log_text()
    );
    // Restarting on the same data directory keeps everything.
    drop(server);
    let server = Server::start(&sqlite(dir.path()), &[], dir.path());
    let windows = get_json(&server.url("/api/v1/monitors/adult/windows"), &admin);
    assert_eq!(windows.as_array().unwrap().len(), 3);
    assert_eq!(
        get_json(&server.url("/api/v1/monitors/adult/alerts"), &admin)
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn monitor_spec(
    name: &str,
    suite: &str,
    reference: &serde_json::Value,
    window: serde_json::Value,
) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "name": name, "suite": suite, "reference_profile": reference, "window": window,
    }))
    .unwrap()
}

fn reference_profile(dir: &std::path::Path, csv: &str) -> serde_json::Value {
    saved_profile(dir, "ref", csv)
}

/// x ~ uniform-ish integers, c in {a, b}: 200 rows.
fn small_reference() -> String {
    let mut s = String::from("x,c\n");
    for i in 0..200 {
        s.push_str(&format!(
            "{},{}\n",
            i % 50,
            if i % 3 == 0 { "a" } else { "b" }
        ));
    }
    s
}

const SMALL_SUITE: &str =
    "roles: {id: id, timestamp: ts}\nchecks:\n  - check: drift.ks\n    columns: [x]\n";

#[test]
fn roles_are_enforced_per_endpoint_and_tokens_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &[], dir.path());
    // Health checks need no token; everything else does.
    assert_eq!(
        client()
            .get(server.url("/healthz"))
            .send()
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        client().get(server.url("/readyz")).send().unwrap().status(),
        200
    );
    for path in [
        "/metrics",
        "/api/v1/monitors",
        "/api/v1/openapi.json",
        "/api/v1/tokens",
    ] {
        let r = client().get(server.url(path)).send().unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"assay\"");
        assert_eq!(
            get(&server.url(path), "assay_not-a-real-token").0,
            401,
            "{path}"
        );
    }
    // Tokens made through the API, stored hashed.
    let make = |role: &str| -> String {
        let (status, body) = post(
            &server.url("/api/v1/tokens"),
            &admin,
            "application/json",
            format!("{{\"role\": \"{role}\", \"name\": \"{role} test\"}}").into_bytes(),
        );
        assert_eq!(status, 201, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (writer, reader) = (make("writer"), make("reader"));
    let reference = reference_profile(dir.path(), &small_reference());
    let spec = monitor_spec(
        "m",
        SMALL_SUITE,
        &reference,
        serde_json::json!({"rows": 10}),
    );
    let create = |token: &str| {
        post(
            &server.url("/api/v1/monitors"),
            token,
            "application/json",
            spec.clone(),
        )
        .0
    };
    assert_eq!(create(&reader), 403);
    assert_eq!(create(&writer), 403);
    assert_eq!(create(&admin), 201);
    assert_eq!(create(&admin), 409, "same name twice");
    let rows = |token: &str| {
        post(
            &server.url("/api/v1/monitors/m/rows"),
            token,
            "text/csv",
            b"x,c\n1,a\n".to_vec(),
        )
        .0
    };
    assert_eq!(rows(&reader), 403);
    assert_eq!(rows(&writer), 200);
    assert_eq!(rows(&admin), 200);
    // Readers read.
    for path in [
        "/metrics",
        "/api/v1/monitors",
        "/api/v1/monitors/m",
        "/api/v1/monitors/m/windows",
        "/api/v1/monitors/m/series",
        "/api/v1/monitors/m/heatmap",
        "/api/v1/monitors/m/alerts",
        "/api/v1/openapi.json",
        "/api/v1/monitors/m/windows/latest/rows",
    ] {
        assert_eq!(get(&server.url(path), &reader).0, 200, "{path}");
    }
    // Only admins see and manage tokens and delete monitors.
    assert_eq!(get(&server.url("/api/v1/tokens"), &writer).0, 403);
    let tokens = get_json(&server.url("/api/v1/tokens"), &admin);
    assert_eq!(tokens.as_array().unwrap().len(), 3);
    assert!(
        !tokens.to_string().contains(&writer),
        "secrets are never listed"
    );
    assert_eq!(
        post(
            &server.url("/api/v1/monitors/m/close"),
            &reader,
            "application/json",
            vec![]
        )
        .0,
        403
    );
    assert_eq!(delete(&server.url("/api/v1/monitors/m"), &writer), 403);
    // Revoked tokens stop working at once.
    let writer_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == "writer")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        delete(&server.url(&format!("/api/v1/tokens/{writer_id}")), &writer),
        403
    );
    assert_eq!(
        delete(&server.url(&format!("/api/v1/tokens/{writer_id}")), &admin),
        204
    );
    assert_eq!(rows(&writer), 401);
    assert_eq!(
        delete(&server.url(&format!("/api/v1/tokens/{writer_id}")), &admin),
        404
    );
    assert_eq!(delete(&server.url("/api/v1/monitors/m"), &admin), 204);
    assert_eq!(get(&server.url("/api/v1/monitors/m"), &reader).0, 404);
    // The OpenAPI description lists every route.
    let api = get_json(&server.url("/api/v1/openapi.json"), &reader);
    assert_eq!(api["openapi"], "3.1.0");
    for path in [
        "/api/v1/monitors/{name}/rows",
        "/api/v1/monitors/{name}/labels",
        "/api/v1/monitors/{name}/profiles",
        "/api/v1/tokens/{id}",
        "/metrics",
        "/healthz",
    ] {
        assert!(
            api["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI description"
        );
    }
}

#[test]
fn bad_inputs_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &["--max-body-mb", "1"], dir.path());
    let reference = reference_profile(dir.path(), &small_reference());
    let create = |body: Vec<u8>| {
        post(
            &server.url("/api/v1/monitors"),
            &admin,
            "application/json",
            body,
        )
    };
    let expect = |(status, body): (u16, String), code: u16, needles: &[&str]| {
        assert_eq!(status, code, "{body}");
        for n in needles {
            assert!(body.contains(n), "`{n}` not in {body}");
        }
    };
    expect(
        create(b"{not json".to_vec()),
        400,
        &["monitor:", "expected JSON"],
    );
    expect(
        create(br#"{"name": "m", "suite": "checks: []", "window": {"rows": 5}}"#.to_vec()),
        400,
        &["reference_profile: missing"],
    );
    expect(
        create(monitor_spec(
            "m",
            "checks:\n  - check: drift.nope\n",
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["drift.nope"],
    );
    expect(
        create(monitor_spec(
            "m",
            "checks: [\n",
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["monitor m: suite"],
    );
    expect(
        create(monitor_spec(
            "m",
            "checks:\n  - check: crossval.score\n",
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["cannot run on a window"],
    );
    expect(
        create(monitor_spec(
            "m",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"rows": 0}),
        )),
        400,
        &["window.rows: 0"],
    );
    expect(
        create(monitor_spec(
            "m",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"every": "soon"}),
        )),
        400,
        &["window.every", "not a duration"],
    );
    expect(
        create(monitor_spec(
            "m",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"rows": 5, "every": "1h"}),
        )),
        400,
        &["exactly one"],
    );
    expect(
        create(monitor_spec(
            "a b",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["not a monitor name"],
    );
    expect(
        create(monitor_spec(
            "m",
            "roles: {target: y}\nchecks:\n  - check: drift.ks\n",
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["roles.target", "`y`"],
    );
    // Slice expressions are expressions, not statements: no way to run SQL.
    let injected =
        "evaluation:\n  slices: [\"x > 1; DROP TABLE monitors\"]\nchecks:\n  - check: drift.ks\n";
    expect(
        create(monitor_spec(
            "m",
            injected,
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["evaluation.slices", "not a valid expression"],
    );
    let subquery = "evaluation:\n  slices: [\"x > (SELECT count(*) FROM monitors)\"]\nchecks:\n  - check: drift.ks\n";
    expect(
        create(monitor_spec(
            "m",
            subquery,
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["evaluation.slices"],
    );
    let mut bad_ref = reference.clone();
    bad_ref["columns"] = serde_json::json!("nope");
    expect(
        create(monitor_spec(
            "m",
            SMALL_SUITE,
            &bad_ref,
            serde_json::json!({"rows": 5}),
        )),
        400,
        &["reference_profile"],
    );
    expect(
        create(monitor_spec(
            "m",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"rows": 5}),
        )),
        201,
        &[],
    );
    let rows_url = server.url("/api/v1/monitors/m/rows");
    let send = |ct: &str, body: &[u8]| post(&rows_url, &admin, ct, body.to_vec());
    expect(
        send("application/x-ndjson", b"{\"x\": 1}\n{\"zz\": 2}\n"),
        400,
        &["line 2", "unknown column `zz`", "x, c, id, ts"],
    );
    expect(
        send("application/x-ndjson", b"{\"x\": 1}\n{\"x\": \n"),
        400,
        &["line 2", "not JSON"],
    );
    expect(
        send("application/x-ndjson", b"{\"x\": \"many\"}\n"),
        400,
        &["jsonl"],
    );
    expect(send("application/x-ndjson", b""), 400, &["empty"]);
    expect(
        send("text/csv", b"x,c\nnot-a-number,a\n"),
        400,
        &["not-a-number"],
    );
    expect(send("text/csv", b"x,x\n1,2\n"), 400, &["appears twice"]);
    expect(
        send("application/vnd.apache.arrow.stream", b"ARROW? corrupt"),
        400,
        &["Arrow IPC"],
    );
    expect(send("application/xml", b"<rows/>"), 415, &["Content-Type"]);
    expect(
        send(
            "application/x-ndjson",
            b"{\"x\": 1, \"ts\": \"yesterday\"}\n",
        ),
        200,
        &["accepted"],
    );
    // Inputs are size-limited: 413 beyond --max-body-mb.
    let big = vec![b'1'; 2 << 20];
    assert_eq!(send("text/csv", &big).0, 413);
    // Labels need an id and a target; profiles must match the monitor's columns.
    expect(
        post(
            &server.url("/api/v1/monitors/m/labels"),
            &admin,
            "text/csv",
            b"id,y\n1,2\n".to_vec(),
        ),
        400,
        &["takes no labels"],
    );
    expect(
        post(
            &server.url("/api/v1/monitors/m/profiles"),
            &admin,
            "application/json",
            b"{}".to_vec(),
        ),
        400,
        &["profile:"],
    );
    let other = reference_profile(dir.path(), "q\n1\n2\n");
    expect(
        post(
            &server.url("/api/v1/monitors/m/profiles"),
            &admin,
            "application/json",
            serde_json::to_vec(&other).unwrap(),
        ),
        400,
        &["column `q`"],
    );
    expect(
        post(
            &server.url("/api/v1/monitors/zz/rows"),
            &admin,
            "text/csv",
            b"x\n1\n".to_vec(),
        ),
        404,
        &["no monitor named `zz`"],
    );
    expect(
        get(&server.url("/api/v1/monitors/m/windows/abc/report"), &admin),
        400,
        &["window `abc`"],
    );
    expect(
        get(&server.url("/api/v1/nothing"), &admin),
        404,
        &["no route GET /api/v1/nothing"],
    );
    // Deeply nested JSON is refused before decoding (it used to overflow the stack).
    let deep = format!("{{\"x\": {}1{}}}\n", "[".repeat(30_000), "]".repeat(30_000));
    expect(
        send("application/x-ndjson", deep.as_bytes()),
        400,
        &["nested 30001 levels"],
    );
    expect(
        send("application/x-ndjson", b"{\"x\": 1}\n{\"x\": 2.5}\n"),
        400,
        &["line 2", "`x`"],
    );
    let long = format!("{{\"c\": \"{}\"}}\n", "a".repeat(70_000));
    expect(
        send("application/x-ndjson", long.as_bytes()),
        400,
        &["column `c`", "70000 bytes"],
    );
    // A pushed profile must have the monitor's types.
    let text_x = reference_profile(dir.path(), "x,c\nten,a\neleven,b\n");
    expect(
        post(
            &server.url("/api/v1/monitors/m/profiles"),
            &admin,
            "application/json",
            serde_json::to_vec(&text_x).unwrap(),
        ),
        400,
        &["column `x` is Utf8 in the profile but Int64"],
    );
    // One service per data directory.
    let second = std::process::Command::new(bin())
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .args(&db)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("another `assay serve` is using the data directory"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let both = std::process::Command::new(bin())
        .args([
            "token",
            "create",
            "--role",
            "admin",
            "--database",
            "postgres://x@127.0.0.1:1/x",
        ])
        .args(&db)
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("not both"));
    let refused = std::process::Command::new(bin())
        .args([
            "token",
            "create",
            "--role",
            "admin",
            "--database",
            "postgres://x@127.0.0.1:1/x",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("refused"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // The server is still healthy and never panicked.
    assert_eq!(
        client()
            .get(server.url("/healthz"))
            .send()
            .unwrap()
            .status(),
        200
    );
    assert!(
        !server.log_text().contains("panicked"),
        "{}",
        server.log_text()
    );
}

#[test]
fn time_windows_close_by_event_time_and_late_rows_reevaluate() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &[], dir.path());
    let reference = reference_profile(dir.path(), &small_reference());
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        &admin,
        "application/json",
        monitor_spec(
            "t",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"every": "1m"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    // Events of 2020: their one-minute windows are long over, so they close on the next tick.
    let t0 = 1_577_836_800_000i64; // 2020-01-01T00:00:00Z
    let mut body = String::from("x,c,ts\n");
    for i in 0..60 {
        body.push_str(&format!("{},a,{}\n", i % 50, t0 + 1000 * i)); // minute 0
    }
    for i in 0..30 {
        body.push_str(&format!("{},b,2020-01-01T00:01:{:02}Z\n", i % 50, i)); // minute 1, RFC 3339
    }
    let (status, ack) = post(
        &server.url("/api/v1/monitors/t/rows"),
        &admin,
        "text/csv",
        body.into_bytes(),
    );
    assert_eq!(status, 200, "{ack}");
    let ack: serde_json::Value = serde_json::from_str(&ack).unwrap();
    assert_eq!(ack["windows"], serde_json::json!([t0, t0 + 60_000]));
    let w0 = wait_evaluated(&server, &admin, "t", t0, 1);
    assert_eq!(
        (
            w0["rows"].as_i64(),
            w0["start_ms"].as_i64(),
            w0["end_ms"].as_i64()
        ),
        (Some(60), Some(t0), Some(t0 + 60_000))
    );
    let w1 = wait_evaluated(&server, &admin, "t", t0 + 60_000, 1);
    assert_eq!(w1["rows"], 30);
    // A late row for minute 0 is kept and the window evaluated again.
    let (status, _) = post(
        &server.url("/api/v1/monitors/t/rows"),
        &admin,
        "application/x-ndjson",
        format!("{{\"x\": 7, \"c\": \"a\", \"ts\": {}}}\n", t0 + 59_999).into_bytes(),
    );
    assert_eq!(status, 200);
    let w0 = wait_evaluated(&server, &admin, "t", t0, 2);
    assert_eq!(w0["rows"], 61);
    let stored = get(
        &server.url(&format!("/api/v1/monitors/t/windows/{t0}/rows")),
        &admin,
    )
    .1;
    assert_eq!(stored.lines().count(), 61);
}

#[test]
fn profile_push_sends_no_rows_and_is_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &[], dir.path());
    let reference = reference_profile(dir.path(), &small_reference());
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        &admin,
        "application/json",
        monitor_spec(
            "h",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"every": "1h"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    // Two sites profile their own shifted data and push only profiles into the same window.
    for (site, shift) in [("a", 100), ("b", 120)] {
        let mut csv = String::from("x,c\n");
        for i in 0..150 {
            csv.push_str(&format!("{},a\n", i % 50 + shift));
        }
        let path = dir.path().join(format!("site-{site}.csv"));
        std::fs::write(&path, csv).unwrap();
        let out = std::process::Command::new(bin())
            .args([
                "push",
                path.to_str().unwrap(),
                "--monitor",
                "h",
                "--server",
                &server.base,
                "--token",
                &admin,
                "--time",
                "2021-06-01T10:30:00Z",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains("pushed the profile of 150 rows")
                && stderr.contains("no rows were sent"),
            "{stderr}"
        );
    }
    let key = 1_622_541_600_000i64; // 2021-06-01T10:00:00Z
                                    // The window (of 2021) closes at once; the second push re-opens its evaluation.
    let report = wait_for(60, "both profiles evaluated", || {
        let (status, body) = get(
            &server.url(&format!("/api/v1/monitors/h/windows/{key}/report")),
            &admin,
        );
        let r: serde_json::Value = serde_json::from_str(&body).ok()?;
        (status == 200 && r["current"]["rows"] == 300).then_some(r)
    });
    let w = wait_evaluated(&server, &admin, "h", key, 1);
    assert_eq!(
        (w["rows"].as_i64(), w["profile_rows"].as_i64()),
        (Some(0), Some(300))
    );
    assert_eq!(w["status"], "fail", "shifted by 100: drift");
    assert_eq!(report["current"]["from_profile"], true);
    let x = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["column"] == "x")
        .unwrap();
    assert_eq!(
        x["details"]["statistic"], 1.0,
        "disjoint ranges: KS D = 1 ({x})"
    );
    // Nothing raw was stored.
    assert_eq!(
        get(
            &server.url(&format!("/api/v1/monitors/h/windows/{key}/rows")),
            &admin
        )
        .1,
        ""
    );
    // A wrong token is a clear error with exit code 2.
    let out = std::process::Command::new(bin())
        .args([
            "push",
            dir.path().join("site-a.csv").to_str().unwrap(),
            "--monitor",
            "h",
            "--server",
            &server.base,
            "--token",
            "assay_wrong",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("401"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn overload_answers_429_and_the_service_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(
        &db,
        &["--max-concurrent-ingest", "1", "--queue-wait", "0ms"],
        dir.path(),
    );
    let reference = reference_profile(dir.path(), &small_reference());
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        &admin,
        "application/json",
        monitor_spec(
            "o",
            SMALL_SUITE,
            &reference,
            serde_json::json!({"rows": 100000000}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    let mut csv = String::from("x,c\n");
    for i in 0..100_000 {
        csv.push_str(&format!("{},b\n", i % 50));
    }
    let body = std::sync::Arc::new(csv.into_bytes());
    let url = server.url("/api/v1/monitors/o/rows");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (body, url, admin) = (body.clone(), url.clone(), admin.clone());
            std::thread::spawn(move || {
                let mut codes = Vec::new();
                for _ in 0..3 {
                    let r = client()
                        .post(&url)
                        .bearer_auth(&admin)
                        .header("content-type", "text/csv")
                        .body(body.to_vec())
                        .send()
                        .unwrap();
                    if r.status() == 429 {
                        assert_eq!(r.headers()["retry-after"], "1");
                    }
                    codes.push(r.status().as_u16());
                }
                codes
            })
        })
        .collect();
    let codes: Vec<u16> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let accepted = codes.iter().filter(|c| **c == 200).count();
    let refused = codes.iter().filter(|c| **c == 429).count();
    assert_eq!(accepted + refused, codes.len(), "{codes:?}");
    assert!(accepted >= 1 && refused >= 1, "{codes:?}");
    // What was acknowledged is all there.
    let windows = get_json(&server.url("/api/v1/monitors/o/windows"), &admin);
    assert_eq!(
        windows[0]["rows"].as_i64().unwrap(),
        accepted as i64 * 100_000
    );
    let (_, metrics) = get(&server.url("/metrics"), &admin);
    assert!(
        metrics.contains(&format!(
            "assay_ingest_requests_total{{outcome=\"overloaded\"}} {refused}"
        )),
        "{metrics}"
    );
}

#[test]
fn tls_serves_https() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, ca) = (
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
        dir.path().join("ca.pem"),
    );
    // A test CA and a server certificate for 127.0.0.1 it signs (Debian's openssl).
    std::fs::write(
        dir.path().join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for args in [
        vec![
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=assay test CA",
            "-keyout",
            &p("ca.key"),
            "-out",
            &p("ca.pem"),
        ],
        vec![
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &p("key.pem"),
            "-out",
            &p("leaf.csr"),
        ],
        vec![
            "x509",
            "-req",
            "-in",
            &p("leaf.csr"),
            "-CA",
            &p("ca.pem"),
            "-CAkey",
            &p("ca.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &p("ext.cnf"),
            "-out",
            &p("cert.pem"),
        ],
    ] {
        let out = std::process::Command::new("openssl")
            .args(&args)
            .output()
            .expect("openssl (Debian's openssl package)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start_on(
        free_port(),
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        dir.path(),
        "https",
    );
    let pem = std::fs::read(&ca).unwrap();
    let tls_client = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let ok = wait_for(30, "https /healthz", || {
        match tls_client.get(server.url("/healthz")).send() {
            Ok(r) if r.status() == 200 => Some(r),
            Ok(r) => panic!("https /healthz: {}", r.status()),
            Err(e) => {
                eprintln!("https /healthz: {e:?}");
                None
            }
        }
    });
    assert_eq!(ok.text().unwrap(), "ok\n");
    let r = tls_client
        .get(server.url("/api/v1/monitors"))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    // Plain HTTP on the TLS port does not get through.
    assert!(client()
        .get(format!("http://127.0.0.1:{}/healthz", server.port))
        .send()
        .map(|r| r.status() != 200)
        .unwrap_or(true));
}

#[test]
fn token_command_creates_lists_and_revokes_before_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let token = make_token(&db, "reader");
    assert!(token.starts_with("assay_") && token.len() > 40, "{token}");
    let run = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(db.iter().cloned());
        std::process::Command::new(bin())
            .args(&all)
            .output()
            .unwrap()
    };
    let list = run(&["token", "list"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("reader") && text.contains("active") && !text.contains(&token),
        "{text}"
    );
    assert!(run(&["token", "revoke", "1"]).status.success());
    assert!(String::from_utf8_lossy(&run(&["token", "list"]).stdout).contains("revoked"));
    let again = run(&["token", "revoke", "1"]);
    assert_eq!(again.status.code(), Some(2));
    let bad = run(&["token", "create", "--role", "root"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected admin, writer or reader"));
    let nowhere = std::process::Command::new(bin())
        .args(["token", "create", "--role", "admin"])
        .output()
        .unwrap();
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("--data-dir"));
    let bad_url = std::process::Command::new(bin())
        .args([
            "token",
            "create",
            "--role",
            "admin",
            "--database",
            "mysql://x",
        ])
        .output()
        .unwrap();
    assert_eq!(bad_url.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_url.stderr).contains("postgres://"));
}

#[test]
fn alerts_dedup_cool_down_and_resolve_with_json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let admin = make_token(&db, "admin");
    let server = Server::start(&db, &["--log-format", "json"], dir.path());
    let sink = WebhookSink::start(0);
    let reference = reference_profile(dir.path(), &small_reference());
    let spec = serde_json::json!({
        "name": "a", "suite": SMALL_SUITE, "reference_profile": reference, "window": {"rows": 100},
        "alerts": {"cooldown": "1h", "webhooks": [{"url": sink.url("/hook")}]},
    });
    let (status, body) = post(
        &server.url("/api/v1/monitors"),
        &admin,
        "application/json",
        serde_json::to_vec(&spec).unwrap(),
    );
    assert_eq!(status, 201, "{body}");
    let window = |shift: i64| -> Vec<u8> {
        let mut csv = String::from("x,c\n");
        for i in 0..100 {
            csv.push_str(&format!("{},a\n", i % 50 + shift));
        }
        csv.into_bytes()
    };
    // ok, drifted, drifted, ok, drifted: fire, (same status: nothing), resolve, (cooldown: nothing).
    let statuses: Vec<String> = [0, 100, 100, 0, 100]
        .iter()
        .enumerate()
        .map(|(k, shift)| {
            let (status, body) = post(
                &server.url("/api/v1/monitors/a/rows"),
                &admin,
                "text/csv",
                window(*shift),
            );
            assert_eq!(status, 200, "{body}");
            wait_evaluated(&server, &admin, "a", k as i64, 1)["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(statuses, ["pass", "fail", "fail", "pass", "fail"]);
    let alerts = get_json(&server.url("/api/v1/monitors/a/alerts"), &admin);
    let kinds: Vec<(&str, i64)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|a| {
            (
                a["kind"].as_str().unwrap(),
                a["window_key"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("firing", 1), ("resolved", 3)], "{alerts}");
    let hooks = wait_for(30, "two webhooks", || {
        let got = sink.on("/hook");
        (got.len() >= 2).then_some(got)
    });
    assert_eq!(hooks.len(), 2);
    // Structured logs: one JSON object per line, with the evaluation's fields.
    let log = server.log_text();
    let evaluated: Vec<serde_json::Value> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))
        })
        .filter(|v| v["message"] == "window evaluated")
        .collect();
    assert_eq!(evaluated.len(), 5, "{log}");
    assert_eq!(evaluated[1]["monitor"], "a");
    assert_eq!(evaluated[1]["status"], "fail");
    assert_eq!(evaluated[1]["rows"], 100);
    assert!(
        log.contains("\"message\":\"alert held back by the cooldown\""),
        "{log}"
    );
}
