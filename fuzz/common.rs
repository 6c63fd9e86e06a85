//! Shared by the service targets: a monitor over a small Adult reference profile.
#![allow(dead_code)]

use assay_server::monitor::{Monitor, MonitorSpec};
use assay_stats::Profile;

/// The reference profile (a saved profile of 200 Adult rows, with an `id` column).
pub fn reference() -> Profile {
    assay_engine::dataset::parse_profile(include_str!("fixtures/reference.profile.json"))
        .expect("the fuzz fixture is a valid profile")
}

/// A monitor with event ids, labels and CSV null markers.
pub fn monitor() -> Monitor {
    let spec: MonitorSpec = serde_json::from_str(include_str!("fixtures/monitor.json"))
        .expect("the fuzz fixture is a valid monitor");
    Monitor::build(1, spec, reference()).expect("the fuzz fixture builds")
}

/// Decodes `data` as rows of the fixture monitor: rows in its schema or an error, and labels
/// read from what decoded.
pub fn ingest(data: &[u8], format: assay_server::ingest::BodyFormat) {
    // As in the service: a panic the decoder contains (a library panic on a malformed body)
    // is its 400 message; any other panic still reaches libFuzzer's hook and is a crash.
    assay_runtime::fault::install_hook(assay_runtime::fault::silent);
    let monitor = monitor();
    let csv = assay_engine::CsvSettings {
        null_values: vec!["?".into(), "NA".into()],
        ..Default::default()
    };
    if let Ok(batches) = assay_server::ingest::decode_with(data, format, &monitor.schema, &csv) {
        for b in &batches {
            assert_eq!(b.schema(), monitor.schema);
        }
        let _ = assay_server::ingest::labels_of(&batches, "event_id", "income-per-year");
    }
}
