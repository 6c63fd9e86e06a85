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
    // The schema is versioned: migration 1 applied.
    assert!(
        server.log_text().contains("schema_version=1"),
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
