//! `assay serve --database postgres://…` against a real PostgreSQL server (Debian's packages;
//! the test starts its own cluster, or uses ASSAY_TEST_POSTGRES_URL): the same monitoring story
//! as on SQLite, migrations applied, tokens made before the service runs.

mod serve_support;

use serve_support::*;

#[test]
fn postgres_monitoring_story_end_to_end() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let db = vec!["--database".to_string(), pg.url.clone()];
    let (server, admin, _data, _sink) = core_scenario(&db, dir.path());
    assert!(
        server.log_text().contains("schema_version=2"),
        "{}",
        server.log_text()
    );
    // The password-less URL is logged as given; a restart finds the history in PostgreSQL.
    drop(server);
    let server = Server::start(&db, &[], dir.path());
    let windows = get_json(&server.url("/api/v1/monitors/adult/windows"), &admin);
    assert_eq!(windows.as_array().unwrap().len(), 3);
    let series = get_json(
        &server.url("/api/v1/monitors/adult/series?check=model.accuracy"),
        &admin,
    );
    assert_eq!(series[0]["points"].as_array().unwrap().len(), 3);
}
