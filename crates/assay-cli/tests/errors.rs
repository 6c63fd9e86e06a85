//! Bad input never panics: it exits 2 with a message naming what was wrong and where.

mod common;

use std::fs;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use common::*;

fn write_parquet(path: &std::path::Path, batch: &RecordBatch) {
    let file = fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn suite(dir: &std::path::Path, body: &str) -> String {
    let p = dir.join("suite.yaml");
    fs::write(&p, body).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn missing_file() {
    let r = assay(&["profile", "no/such/file.parquet"]);
    assert_input_error(&r, &["no/such/file.parquet", "no such file"]);
}

#[test]
fn empty_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("empty.csv");
    fs::write(&p, "").unwrap();
    let r = assay(&["profile", p.to_str().unwrap()]);
    assert_input_error(&r, &["empty.csv", "empty"]);
}

#[test]
fn header_only_csv_profiles_zero_rows() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("header.csv");
    fs::write(&p, "a,b\n").unwrap();
    let r = assay(&["profile", p.to_str().unwrap()]);
    // A header and no rows is valid: zero rows, not an error.
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("0 rows, 2 columns"), "{}", r.stdout);
    // The same with null markers (read as text, then converted): no cast error.
    let r = assay(&["profile", p.to_str().unwrap(), "--null-value", "?"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("0 rows, 2 columns"), "{}", r.stdout);
}

#[test]
fn corrupt_parquet_footer() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad.parquet");
    let batch =
        RecordBatch::try_from_iter([("x", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef)])
            .unwrap();
    write_parquet(&p, &batch);
    let mut bytes = fs::read(&p).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 6); // cut into the footer and its magic
    fs::write(&p, bytes).unwrap();
    let r = assay(&["profile", p.to_str().unwrap()]);
    assert_input_error(&r, &["bad.parquet"]);
    assert!(r.stderr.to_lowercase().contains("parquet"), "{}", r.stderr);
}

#[test]
fn ragged_csv_row_names_the_line() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ragged.csv");
    fs::write(&p, "a,b,c\n1,2,3\n4,5\n6,7,8\n").unwrap();
    let r = assay(&["profile", p.to_str().unwrap()]);
    assert_input_error(&r, &["ragged.csv"]);
    assert!(r.stderr.contains("line"), "no line number: {}", r.stderr);
}

#[test]
fn type_mismatch_from_override_names_column_and_line() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("typed.csv");
    fs::write(&p, "a,b\n1,x\n2,y\n").unwrap();
    let r = assay(&["profile", p.to_str().unwrap(), "--type", "b=int64"]);
    assert_input_error(&r, &["typed.csv"]);
    let r = assay(&["profile", p.to_str().unwrap(), "--type", "zzz=int64"]);
    assert_input_error(&r, &["zzz"]);
    let r = assay(&["profile", p.to_str().unwrap(), "--type", "b=complex"]);
    assert_input_error(&r, &["complex"]);
}

#[test]
fn unknown_check_id_names_the_suite_line() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nchecks:\n  - check: integrity.null_share\n  - check: integrity.nul_share\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(
        &r,
        &[
            "suite.yaml: line 5",
            "unknown check `integrity.nul_share`",
            "did you mean `integrity.null_share`",
        ],
    );
}

#[test]
fn bad_threshold_names_the_suite_line() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nchecks:\n  - check: integrity.null_share\n    condition: \"<= lots\"\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["suite.yaml: line 5", "<= lots"]);
}

#[test]
fn malformed_yaml_and_unknown_keys() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(d.path(), "data:\n  current: [unclosed\nchecks: []\n");
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["suite.yaml: line"]);
    let s = suite(
        d.path(),
        "data:\n  current: x.csv\nchekcs:\n  - check: schema.match\n",
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["suite.yaml", "chekcs"]);
    let s = suite(d.path(), "");
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["suite.yaml", "empty"]);
}

#[test]
fn unknown_param_is_rejected() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nchecks:\n  - check: integrity.outlier_share\n    params:\n      methd: iqr\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["line 6", "methd"]);
}

#[test]
fn suite_column_that_does_not_exist() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nroles:\n  target: income\nchecks:\n  - check: integrity.null_share\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["suite.yaml: line 4", "`income`", "roles.target"]);
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nchecks:\n  - check: integrity.null_share\n    columns: [agee]\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["line 5", "agee", "(did you mean `age`?)"]);
    // A role a typo away from a column gets the name too; one far from every column does not.
    let s = suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nroles:\n  target: income-per-yer\nchecks:\n  - check: integrity.null_share\n",
            repo("examples/adult/adult_current.csv")
        ),
    );
    let r = assay(&["check", &s]);
    assert_input_error(&r, &["line 4", "(did you mean `income-per-year`?)"]);
    let r = assay(&["check", &suite(
        d.path(),
        &format!(
            "data:\n  current: {}\nroles:\n  target: income\nchecks:\n  - check: integrity.null_share\n",
            repo("examples/adult/adult_current.csv")
        ),
    )]);
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
}

#[test]
fn unreadable_profile_and_bad_output_format() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.json");
    fs::write(&p, "{\"format\": \"assay-profile\", \"version\": 99}").unwrap();
    let r = assay(&[
        "profile",
        "merge",
        p.to_str().unwrap(),
        p.to_str().unwrap(),
        "-o",
        "out.json",
    ]);
    assert_input_error(&r, &["x.json", "version 99"]);
    let r = assay(&["check", "suite.yaml", "--output", "pdf=x"]);
    assert_input_error(&r, &["pdf"]);
}

/// All-null columns, NaN and infinities are data, not errors: they are profiled and checked.
#[test]
fn all_null_nan_and_infinities_are_measured() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("odd.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("all_null", DataType::Float64, true),
        Field::new("weird", DataType::Float64, true),
        Field::new("s", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Float64Array::from(vec![None::<f64>; 6])),
            Arc::new(Float64Array::from(vec![
                Some(1.0),
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(f64::NEG_INFINITY),
                None,
                Some(2.0),
            ])),
            Arc::new(StringArray::from(vec![None::<&str>; 6])),
        ],
    )
    .unwrap();
    write_parquet(&p, &batch);
    let s = suite(
        d.path(),
        "data:\n  current: odd.parquet\nchecks:\n  - check: integrity.null_share\n  - check: integrity.non_finite_share\n  - check: integrity.constant_column\n",
    );
    let r = assay(&["check", &s, "-o", "json=-"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rep = r.json();
    assert_eq!(
        result(&rep, "integrity.null_share", Some("all_null"))["value"],
        1.0
    );
    assert_eq!(
        result(&rep, "integrity.null_share", Some("weird"))["value"]
            .as_f64()
            .unwrap(),
        1.0 / 6.0
    );
    let nf = result(&rep, "integrity.non_finite_share", Some("weird"));
    assert_eq!(nf["value"].as_f64().unwrap(), 3.0 / 5.0);
    assert_eq!(nf["details"]["nan"], 1);
    assert_eq!(nf["details"]["pos_inf"], 1);
    assert_eq!(nf["details"]["neg_inf"], 1);
    assert_eq!(nf["status"], "fail");
    assert_eq!(
        result(&rep, "integrity.constant_column", Some("all_null"))["value"],
        0.0
    );
    assert_eq!(
        result(&rep, "integrity.constant_column", Some("all_null"))["status"],
        "fail"
    );
    assert_eq!(
        result(&rep, "integrity.constant_column", Some("s"))["status"],
        "fail"
    );
}

/// A column with a million distinct values switches to sketches and stays accurate.
#[test]
fn huge_cardinality_column() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("wide.parquet");
    let n = 1_000_000i64;
    let ids: Vec<String> = (0..n).map(|i| format!("user-{i:07}")).collect();
    let batch = RecordBatch::try_from_iter([
        ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        (
            "k",
            Arc::new(Int64Array::from((0..n).collect::<Vec<_>>())) as ArrayRef,
        ),
    ])
    .unwrap();
    write_parquet(&p, &batch);
    let out = d.path().join("wide.json");
    let r = assay(&["profile", p.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let profile: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(profile["rows"], n);
    let size = fs::metadata(&out).unwrap().len();
    assert!(
        size < 2_000_000,
        "a profile must stay small, got {size} bytes"
    );
    let r = assay(&["profile", p.to_str().unwrap()]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("id "))
        .unwrap()
        .to_string();
    let distinct: f64 = line
        .split_whitespace()
        .nth(4)
        .unwrap()
        .trim_start_matches('~')
        .parse()
        .unwrap();
    assert!((distinct - n as f64).abs() / (n as f64) < 0.05, "{line}");
    // Uniqueness of the id column is exact (row pass), whatever the cardinality.
    let s = suite(d.path(), "data:\n  current: wide.parquet\nroles:\n  id: id\nchecks:\n  - check: integrity.id_unique\n");
    let r = assay(&["check", &s, "-o", "json=-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        result(&r.json(), "integrity.id_unique", Some("id"))["value"],
        0.0
    );
}

#[test]
fn data_file_given_as_suite_and_bad_operator_and_bad_param_value() {
    let r = assay(&["check", &repo("examples/adult/adult_current.csv")]);
    assert_input_error(&r, &["adult_current.csv", "not a suite file"]);
    assert!(
        r.stderr.len() < 400,
        "message must stay short: {}",
        r.stderr.len()
    );
    let d = tempfile::tempdir().unwrap();
    let cur = repo("examples/adult/adult_current.csv");
    let s = suite(d.path(), &format!("data:\n  current: {cur}\nchecks:\n  - check: integrity.null_share\n    condition: \"=< 0.1\"\n"));
    assert_input_error(&assay(&["check", &s]), &["line 5", "unknown operator `=<`"]);
    let s = suite(
        d.path(),
        &format!("data:\n  current: {cur}\nchecks:\n  - check: integrity.null_share\n  - check: integrity.outlier_share\n    params:\n      method: iqrr\n"),
    );
    assert_input_error(&assay(&["check", &s]), &["line 7", "params.method", "iqrr"]);
}

#[test]
fn empty_directory_and_unmatched_glob() {
    let d = tempfile::tempdir().unwrap();
    let r = assay(&["profile", d.path().to_str().unwrap()]);
    assert_input_error(&r, &["no data files"]);
    let glob = format!("{}/*.parquet", d.path().display());
    let r = assay(&["profile", &glob]);
    assert_input_error(&r, &["no data files match"]);
}

#[test]
fn merge_refuses_to_overwrite_an_input() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("p.json");
    let r = assay(&[
        "profile",
        &repo("examples/adult/adult_current.csv"),
        "-o",
        p.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = assay(&[
        "profile",
        "merge",
        p.to_str().unwrap(),
        p.to_str().unwrap(),
        "-o",
        p.to_str().unwrap(),
    ]);
    assert_input_error(&r, &["is one of the inputs"]);
    // A saved profile given to `assay profile` is summarized, not read as JSON Lines data.
    let r = assay(&["profile", p.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("9768 rows, 15 columns"),
        "{}",
        r.stdout
    );
}

#[test]
fn data_errors_through_a_suite_name_the_suite_key_and_tsv_is_tab_separated() {
    let d = tempfile::tempdir().unwrap();
    let s = suite(
        d.path(),
        "data:\n  current: nope.csv\nchecks:\n  - check: schema.match\n",
    );
    assert_input_error(
        &assay(&["check", &s]),
        &["data.current in", "suite.yaml", "nope.csv", "no such file"],
    );
    let t = d.path().join("t.tsv");
    fs::write(&t, "a\tb\n1\tx\n2\ty\n").unwrap();
    let r = assay(&["profile", t.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("2 rows, 2 columns"), "{}", r.stdout);
}
