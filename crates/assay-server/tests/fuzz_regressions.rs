//! Every input a fuzz target crashed on (`fuzz/regressions/TARGET/`) replayed through the same
//! decoder, with the monitor the fuzz targets use (`fuzz/fixtures/`): each is now a clear
//! 400 message, never a panic or an allocation out of proportion to the body.

use std::path::{Path, PathBuf};

use assay_server::ingest::{decode_with, BodyFormat};
use assay_server::monitor::{Monitor, MonitorSpec};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn monitor() -> Monitor {
    let dir = fuzz_dir().join("fixtures");
    let profile = std::fs::read_to_string(dir.join("reference.profile.json")).unwrap();
    let reference = assay_engine::dataset::parse_profile(&profile).unwrap();
    let spec: MonitorSpec =
        serde_json::from_str(&std::fs::read_to_string(dir.join("monitor.json")).unwrap()).unwrap();
    Monitor::build(1, spec, reference).unwrap()
}

/// The saved crash inputs of one target, sorted by name; at least one must exist.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join("regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn arrow_ipc_bodies_that_crashed_the_reader_are_malformed_body_errors() {
    let monitor = monitor();
    let csv = assay_engine::CsvSettings::default();
    let expected = [
        (
            "declares-1.9-gb-of-metadata.arrows",
            "malformed Arrow IPC stream: the message at byte 632 declares 1953391990 bytes of \
             metadata, but only 4 bytes follow",
        ),
        (
            "field-of-type-none.arrows",
            "malformed Arrow IPC stream: the Arrow reader failed on it (not implemented: Type NONE \
             not supported",
        ),
    ];
    let inputs = inputs("ingest_arrow");
    assert_eq!(
        inputs.len(),
        expected.len(),
        "a new input needs its expected message here"
    );
    for ((name, body), (want_name, want)) in inputs.iter().zip(expected) {
        assert_eq!(name, want_name);
        let error = decode_with(body, BodyFormat::ArrowIpc, &monitor.schema, &csv)
            .err()
            .unwrap_or_else(|| panic!("{name}: decoded"));
        assert!(error.starts_with(want), "{name}: {error}");
    }
}
