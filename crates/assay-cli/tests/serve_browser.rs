//! The dashboard in a real headless browser (Debian's chromium): after the monitoring story,
//! the pages show the monitor, its figures over time, the drift heatmap, the alert history and
//! the latest report.

mod serve_support;

use std::path::Path;
use std::process::Command;

use serve_support::*;

fn chromium() -> String {
    if let Ok(p) = std::env::var("ASSAY_TEST_CHROMIUM") {
        return p;
    }
    for p in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(p).exists() {
            return p.to_string();
        }
    }
    panic!("no chromium: `apt-get install chromium` (.ci/run does) or set ASSAY_TEST_CHROMIUM");
}

/// The DOM chromium builds for `url` (after scripts and redirects), in a fresh profile.
fn dump_dom(url: &str, dir: &Path) -> String {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.path().display()),
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && !dom.is_empty(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn dashboard_pages_render_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let db = data_dir_args(dir.path());
    let (server, _admin, _data, _sink) = core_scenario(&db, dir.path());
    let reader = make_token(&db, "reader");
    // Without a token the browser lands on the sign-in form.
    let dom = dump_dom(&server.url("/ui/"), dir.path());
    assert!(
        dom.contains("name=\"token\"") && dom.contains("type=\"password\""),
        "{dom}"
    );
    // Monitors.
    let dom = dump_dom(
        &server.url(&format!("/ui/login?token={reader}&next=/ui/")),
        dir.path(),
    );
    assert!(dom.contains("<table id=\"monitors\""), "{dom}");
    assert!(dom.contains("data-monitor=\"adult\""), "{dom}");
    assert!(
        dom.contains("status-pass"),
        "the latest window passed: {dom}"
    );
    // One monitor: charts, heatmap, alerts, windows.
    let dom = dump_dom(
        &server.url(&format!("/ui/login?token={reader}&next=/ui/monitors/adult")),
        dir.path(),
    );
    assert!(dom.contains("<h1") && dom.contains("adult"), "{dom}");
    // Charts: one per figure series — overall KS share, KS per column (2), nulls (2), accuracy.
    assert_eq!(count(&dom, "<figure class=\"chart\""), 6, "{dom}");
    assert!(
        dom.contains("data-check=\"drift.ks\" data-column=\"age\""),
        "{dom}"
    );
    assert!(dom.contains("data-check=\"model.accuracy\""), "{dom}");
    // Every chart has a point per window: 6 series × 3 windows.
    assert_eq!(count(&dom, "<circle class=\"point"), 18, "{dom}");
    assert!(
        dom.contains("class=\"point status-fail\" data-window=\"1\""),
        "window 1 failed: {dom}"
    );
    // The heatmap: 2 columns × 3 windows.
    assert!(dom.contains("<table id=\"heatmap\""), "{dom}");
    assert_eq!(count(&dom, "<td class=\"cell"), 6, "{dom}");
    assert!(
        dom.contains("<tr data-column=\"age\"")
            && dom.contains("<tr data-column=\"hours-per-week\""),
        "{dom}"
    );
    // Alert history: the firing alert and its resolution.
    assert!(dom.contains("<table id=\"alerts\""), "{dom}");
    assert_eq!(count(&dom, "class=\"alert alert-firing\""), 1, "{dom}");
    assert_eq!(count(&dom, "class=\"alert alert-resolved\""), 1, "{dom}");
    assert!(dom.contains("data-status=\"fail\""), "{dom}");
    // Windows.
    assert_eq!(count(&dom, "data-state=\"evaluated\""), 3, "{dom}");
    assert!(dom.contains("/ui/monitors/adult/report"), "{dom}");
    // The latest report (window 2), rendered by assay's HTML report.
    let dom = dump_dom(
        &server.url(&format!(
            "/ui/login?token={reader}&next=/ui/monitors/adult/report"
        )),
        dir.path(),
    );
    assert!(
        dom.contains("model.accuracy") && dom.contains("drift.ks"),
        "{dom}"
    );
    // A revoked token signs in no more; an open redirect is refused.
    let dom = dump_dom(
        &server.url("/ui/login?token=assay_nope&next=/ui/"),
        dir.path(),
    );
    assert!(dom.contains("not valid"), "{dom}");
    let dom = dump_dom(
        &server.url(&format!("/ui/login?token={reader}&next=//example.com/")),
        dir.path(),
    );
    assert!(
        dom.contains("data-monitor=\"adult\""),
        "next outside /ui/ falls back to the monitors page: {dom}"
    );
}
