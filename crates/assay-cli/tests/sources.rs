//! Every source shape and format reads to the same profile: Parquet files, directories,
//! globs and hive partitions, CSV options, JSON Lines, Arrow IPC, and saved profiles.

mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use common::*;
use serde_json::Value;

fn batch(offset: i64, n: i64) -> RecordBatch {
    let x: Vec<i64> = (offset..offset + n).collect();
    let y: Vec<Option<f64>> = x
        .iter()
        .map(|v| {
            if v % 10 == 0 {
                None
            } else {
                Some(*v as f64 / 2.0)
            }
        })
        .collect();
    let s: Vec<&str> = x
        .iter()
        .map(|v| ["red", "green", "blue"][(*v % 3) as usize])
        .collect();
    RecordBatch::try_from_iter([
        ("x", Arc::new(Int64Array::from(x)) as ArrayRef),
        ("y", Arc::new(Float64Array::from(y)) as ArrayRef),
        ("s", Arc::new(StringArray::from(s)) as ArrayRef),
    ])
    .unwrap()
}

fn write_parquet(path: &Path, b: &RecordBatch) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(fs::File::create(path).unwrap(), b.schema(), None)
            .unwrap();
    w.write(b).unwrap();
    w.close().unwrap();
}

fn profile_json(args: &[&str], dir: &Path) -> Value {
    let out = dir.join("p.json");
    let mut all: Vec<&str> = vec!["profile"];
    all.extend_from_slice(args);
    let o = out.to_string_lossy().into_owned();
    all.extend_from_slice(&["-o", &o]);
    let r = assay_in(dir, &all);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&fs::read_to_string(out).unwrap()).unwrap()
}

fn summary(p: &Value, name: &str) -> (u64, u64, Value, Value) {
    let c = p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap();
    (
        c["state"]["rows"].as_u64().unwrap(),
        c["state"]["nulls"].as_u64().unwrap(),
        c["state"]["body"]["min"].clone(),
        c["state"]["body"]["max"].clone(),
    )
}

#[test]
fn parquet_file_directory_glob_and_hive_partitions_agree() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write_parquet(&root.join("flat/part-0.parquet"), &batch(0, 500));
    write_parquet(&root.join("flat/part-1.parquet"), &batch(500, 500));
    write_parquet(&root.join("hive/year=2023/part-0.parquet"), &batch(0, 500));
    write_parquet(
        &root.join("hive/year=2024/part-0.parquet"),
        &batch(500, 500),
    );
    write_parquet(&root.join("single.parquet"), &batch(0, 1000));

    let single = profile_json(&["single.parquet"], root);
    let dir = profile_json(&["flat"], root);
    let glob = profile_json(&["flat/*.parquet"], root);
    let hive = profile_json(&["hive"], root);
    for p in [&single, &dir, &glob, &hive] {
        assert_eq!(p["rows"], 1000);
        assert_eq!(
            summary(p, "x"),
            (1000, 0, Value::from(0.0), Value::from(999.0))
        );
        assert_eq!(summary(p, "y").1, 100);
    }
    // The hive partition key becomes a column.
    let year = hive["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "year")
        .expect("year column");
    assert_eq!(year["kind"], "categorical");
    assert_eq!(year["state"]["rows"], 1000);
}

#[test]
fn csv_jsonl_and_ipc_agree_with_parquet() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let b = batch(0, 300);
    write_parquet(&root.join("t.parquet"), &b);
    // CSV with a semicolon delimiter and NA markers.
    let mut csv = String::from("x;y;s\n");
    let mut jsonl = String::new();
    for i in 0..300i64 {
        let y = if i % 10 == 0 {
            "NA".to_string()
        } else {
            format!("{}", i as f64 / 2.0)
        };
        let s = ["red", "green", "blue"][(i % 3) as usize];
        csv.push_str(&format!("{i};{y};{s}\n"));
        let yj = if i % 10 == 0 {
            "null".to_string()
        } else {
            format!("{}", i as f64 / 2.0)
        };
        jsonl.push_str(&format!("{{\"x\": {i}, \"y\": {yj}, \"s\": \"{s}\"}}\n"));
    }
    fs::write(root.join("t.txt"), csv).unwrap();
    fs::write(root.join("t.jsonl"), jsonl).unwrap();
    {
        let f = fs::File::create(root.join("t.arrow")).unwrap();
        let mut w = arrow::ipc::writer::FileWriter::try_new(f, &b.schema()).unwrap();
        w.write(&b).unwrap();
        w.finish().unwrap();
    }
    let pq = profile_json(&["t.parquet"], root);
    let csv = profile_json(
        &[
            "t.txt",
            "--format",
            "csv",
            "--delimiter",
            ";",
            "--null-value",
            "NA",
            "--type",
            "y=float64",
        ],
        root,
    );
    let js = profile_json(&["t.jsonl"], root);
    let ipc = profile_json(&["t.arrow"], root);
    for (name, p) in [("csv", &csv), ("jsonl", &js), ("ipc", &ipc)] {
        for c in ["x", "y"] {
            assert_eq!(summary(p, c), summary(&pq, c), "{name}.{c}");
        }
        let s = p["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "s")
            .unwrap();
        assert_eq!(
            s["state"]["body"]["values"]["values"]
                .as_array()
                .unwrap()
                .len(),
            3,
            "{name}"
        );
    }
}

#[test]
fn saved_profile_works_as_reference() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let r = assay_in(
        root,
        &[
            "profile",
            &repo("examples/adult/adult_reference.csv"),
            "--null-value",
            "?",
            "-o",
            "ref.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let suite = format!(
        "data:\n  reference: ref.json\n  current: {}\n  csv: {{null_values: ['?']}}\nchecks:\n  - check: schema.match\n  - check: integrity.null_share\n  - check: integrity.new_categories\n  - check: leakage.train_test_overlap\n",
        repo("examples/adult/adult_current.csv")
    );
    fs::write(root.join("s.yaml"), suite).unwrap();
    let r = assay_in(root, &["check", "s.yaml", "-o", "json=-"]);
    assert_eq!(r.code, 1, "{}", r.stderr); // the new category fails (default == 0)
    let rep = r.json();
    assert_eq!(rep["reference"]["from_profile"], true);
    assert_eq!(result(&rep, "schema.match", None)["status"], "pass");
    assert_eq!(
        result(&rep, "integrity.new_categories", Some("native-country"))["status"],
        "fail"
    );
    // Overlap needs raw reference rows: skipped with a reason, not an error.
    let o = result(&rep, "leakage.train_test_overlap", None);
    assert_eq!(o["status"], "skipped");
    assert!(o["message"].as_str().unwrap().contains("saved profile"));
}
