//! Reliability of a run: a panic in a check, a worker thread or a learner becomes that part's
//! `error` result and the rest of the report is produced (fault-injection points armed through
//! `FAILPOINTS`, test builds only); `--threads` bounds every pool; integers stay exact in
//! profiles.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// Runs `assay ARGS` at the repository root with `FAILPOINTS` set.
fn assay_with_fault(failpoints: &str, args: &[&str]) -> Run {
    assay_env(&root(), args, &[("FAILPOINTS", failpoints)])
}

/// `(id, column, status, value)` of every result.
/// Each result's id, column, status and figure. Figures read from a KLL quantile sketch
/// (outlier shares of columns with more distinct values than the profile keeps exactly) vary
/// within the sketch's rank error from run to run (DataSketches draws its compaction coin from a
/// per-process seed), so for those only the status is compared.
fn outcomes(report: &Value) -> Vec<(String, String, String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap().to_string();
            let value = if id == "integrity.outlier_share" {
                String::new()
            } else {
                r["value"].to_string()
            };
            (
                id,
                r["column"].as_str().unwrap_or("").to_string(),
                r["status"].as_str().unwrap().to_string(),
                value,
            )
        })
        .collect()
}

fn assert_no_crash(run: &Run) {
    assert!(
        !run.stderr.contains("panicked at") && run.code != 101,
        "a crash, not a contained fault:\n{}",
        run.stderr
    );
}

#[test]
fn a_panicking_check_is_an_error_result_and_the_rest_of_the_report_is_produced() {
    let args = ["check", "examples/adult/suite.yaml", "-o", "json=-"];
    let normal = assay(&args);
    assert_eq!(normal.code, 0, "{}", normal.stderr);
    let faulty = assay_with_fault("check-measure=return(integrity.null_share)", &args);
    assert_no_crash(&faulty);
    assert_eq!(faulty.code, 1, "a check errored: exit 1\n{}", faulty.stderr);
    let report = faulty.json();
    let broken: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"] == "integrity.null_share")
        .collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0]["status"], "error");
    let message = broken[0]["message"].as_str().unwrap();
    assert!(
        message.contains("internal error: injected fault at check-measure")
            && message.contains("runtime"),
        "the message names the panic and where it happened: {message}"
    );
    // Every other check's results are those of the normal run.
    let others = |r: &Value| {
        outcomes(r)
            .into_iter()
            .filter(|o| o.0 != "integrity.null_share")
            .collect::<Vec<_>>()
    };
    let expected = others(&normal.json());
    assert!(expected.len() > 10);
    assert_eq!(others(&report), expected);
}

#[test]
fn a_panicking_drift_worker_fails_only_its_column() {
    // Columns with more distinct values than the profile keeps exactly are scored by the exact
    // drift workers (one column per worker).
    let dir = tempfile::tempdir().unwrap();
    let (reference, current) = numeric_pair(dir.path(), 30_000, 3);
    let args = [
        "drift", &reference, &current, "--method", "ks", "-o", "json=-",
    ];
    let normal = assay(&args);
    assert_no_crash(&normal);
    assert_eq!(normal.code, 1, "the shifted data drifts\n{}", normal.stderr);
    let faulty = assay_with_fault("drift-worker=return(x1)", &args);
    assert_no_crash(&faulty);
    assert_eq!(faulty.code, 1, "{}", faulty.stderr);
    let report = faulty.json();
    let x1 = result(&report, "drift.ks", Some("x1"));
    assert_eq!(x1["status"], "error", "{x1}");
    assert!(
        x1["message"]
            .as_str()
            .unwrap()
            .contains("injected fault at drift-worker (x1)"),
        "{x1}"
    );
    let without_x1 = |r: &Value| {
        outcomes(r)
            .into_iter()
            .filter(|o| o.1 != "x1")
            .collect::<Vec<_>>()
    };
    let expected = without_x1(&normal.json());
    assert!(expected.len() >= 2, "{expected:?}");
    assert!(expected.iter().all(|o| o.2 == "fail"), "{expected:?}");
    assert_eq!(without_x1(&report), expected);
}

#[test]
fn a_panicking_fold_fails_only_that_fold() {
    let args = [
        "crossval",
        "examples/bike_sharing/half_a.csv",
        "--target",
        "cnt",
        "--learner",
        "linear_regression",
        "--features",
        "season,yr,mnth,hr,temp,hum",
        "--splitter",
        "kfold",
        "--folds",
        "4",
        "--metrics",
        "rmse",
        "-o",
        "json=-",
    ];
    let faulty = assay_with_fault("fold-worker=return(2)", &args);
    assert_no_crash(&faulty);
    let report = faulty.json();
    let score = result(&report, "crossval.score", Some("rmse"));
    assert_eq!(score["details"]["failed_folds"], 1, "{score}");
    let folds = score["details"]["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 4);
    for (i, f) in folds.iter().enumerate() {
        if i == 2 {
            assert_eq!(f["status"], "error", "{f}");
            assert!(
                f["error"]
                    .as_str()
                    .unwrap()
                    .contains("injected fault at fold-worker (2)"),
                "{f}"
            );
        } else {
            assert_eq!(f["status"], "ok", "{f}");
            assert!(f["score"].as_f64().unwrap() > 0.0, "{f}");
        }
    }
    assert_eq!(faulty.code, 1, "{}", faulty.stderr);
}

#[test]
fn a_panicking_inference_worker_errors_the_model_checks_and_keeps_the_data_checks() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.yaml");
    std::fs::write(
        &suite,
        format!(
            "data:\n  current: {}\n  csv:\n    null_values: [\"?\"]\nroles:\n  target: income-per-year\n\
             evaluation:\n  model: {}\n  bootstrap_rounds: 0\nchecks:\n  - check: integrity.null_share\n  \
             - check: model.accuracy\n",
            repo("examples/adult/adult_current.csv"),
            repo("examples/adult/models/adult_gbt.onnx")
        ),
    )
    .unwrap();
    let suite = suite.to_string_lossy().into_owned();
    let args = ["--threads", "2", "check", &suite, "-o", "json=-"];
    let normal = assay(&args);
    assert_no_crash(&normal);
    assert_ne!(
        result(&normal.json(), "model.accuracy", None)["status"],
        "error",
        "{}",
        normal.stdout
    );
    let faulty = assay_with_fault("inference-worker=return(0)", &args);
    assert_no_crash(&faulty);
    assert_eq!(faulty.code, 1, "{}", faulty.stderr);
    let report = faulty.json();
    let accuracy = result(&report, "model.accuracy", None);
    assert_eq!(accuracy["status"], "error", "{accuracy}");
    assert!(
        accuracy["message"].as_str().unwrap().contains(
            "preparing the model evaluation: internal error: injected fault at inference-worker"
        ),
        "{accuracy}"
    );
    let data = |r: &Value| {
        outcomes(r)
            .into_iter()
            .filter(|o| o.0 == "integrity.null_share")
            .collect::<Vec<_>>()
    };
    assert!(!data(&report).is_empty());
    assert_eq!(data(&report), data(&normal.json()));
}

/// Writes `rows` × `columns` numbers (a reference and a shifted current).
fn numeric_pair(dir: &Path, rows: usize, columns: usize) -> (String, String) {
    let mut paths = Vec::new();
    for (name, shift) in [("ref.csv", 0u64), ("cur.csv", 30_000)] {
        let mut text = (0..columns)
            .map(|c| format!("x{c}"))
            .collect::<Vec<_>>()
            .join(",");
        text.push('\n');
        let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ shift;
        for _ in 0..rows {
            let row: Vec<String> = (0..columns)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    format!("{}", (state >> 40) % 100_000 + shift)
                })
                .collect();
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    (paths.remove(0), paths.remove(0))
}

/// The most threads the process had at once, sampled from /proc every millisecond.
fn peak_threads(args: &[&str]) -> (usize, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let task_dir = format!("/proc/{}/task", child.id());
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut peak = 0;
    loop {
        if let Ok(entries) = std::fs::read_dir(&task_dir) {
            peak = peak.max(entries.count());
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (peak, status.code().unwrap_or(-1));
        }
        assert!(Instant::now() < deadline, "assay did not finish");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn the_threads_flag_bounds_every_pool() {
    let dir = tempfile::tempdir().unwrap();
    let (reference, current) = numeric_pair(dir.path(), 200_000, 8);
    let run = |threads: &str| {
        peak_threads(&[
            "--threads",
            threads,
            "drift",
            &reference,
            &current,
            "--method",
            "ks",
        ])
    };
    // One thread of each pool at most: the main thread, one async worker, one blocking I/O
    // thread, rayon's one thread and one exact-drift worker. Before the budget was shared, the
    // drift workers and rayon used every core whatever --threads said.
    let (one, code) = run("1");
    assert_eq!(code, 1, "the shifted data drifts");
    assert!(one <= 5, "--threads 1 ran {one} threads at once");
    // The same work with a budget of 3 uses more, so the sampling does see the pools.
    let (three, _) = run("3");
    assert!(
        (7..=14).contains(&three),
        "--threads 3 ran {three} threads at once"
    );
}

/// No code sizes a pool from the machine's core count but the thread budget's own module.
#[test]
fn every_pool_is_sized_by_the_thread_budget() {
    let mut offenders = Vec::new();
    let crates = root().join("crates");
    let mut stack = vec![crates];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != "tests" && n != "target")
                {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let shown = path.strip_prefix(root()).unwrap().display().to_string();
            // The budget's own module reads the core count; bootstrap.rs builds small pools in
            // its thread-count-independence unit test only.
            if shown.ends_with("assay-runtime/src/threads.rs") {
                continue;
            }
            for (i, line) in text.lines().enumerate() {
                let test_only =
                    shown.ends_with("metrics/bootstrap.rs") && line.contains("ThreadPoolBuilder");
                if (line.contains("available_parallelism")
                    || line.contains("num_cpus")
                    || line.contains("ThreadPoolBuilder"))
                    && !test_only
                {
                    offenders.push(format!("{shown}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "pools sized outside assay_runtime::threads:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn ids_beyond_2_pow_53_stay_distinct_in_profiles() {
    let dir = tempfile::tempdir().unwrap();
    // 2^53 and 2^53 + 1 are one f64: profiled through f64, the id column had one distinct value
    // and the profile said 2 repeated ids instead of 1.
    std::fs::write(
        dir.path().join("ids.csv"),
        "id,x\n9007199254740992,1\n9007199254740993,2\n9007199254740992,3\n",
    )
    .unwrap();
    let r = assay_in(
        dir.path(),
        &["profile", "ids.csv", "-o", "ids.profile.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let profile: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ids.profile.json")).unwrap(),
    )
    .unwrap();
    let id = &profile["columns"][0];
    assert_eq!(id["name"], "id");
    assert_eq!(id["state"]["body"]["domain"]["kind"], "int");
    let values = id["state"]["body"]["values"]["values"].as_array().unwrap();
    assert_eq!(values.len(), 2, "{values:?}");
    std::fs::write(
        dir.path().join("s.yaml"),
        "data:\n  current: ids.profile.json\nroles:\n  id: id\nchecks:\n  - check: integrity.id_unique\n",
    )
    .unwrap();
    let r = assay_in(dir.path(), &["check", "s.yaml", "-o", "json=-"]);
    let report = r.json();
    let unique = result(&report, "integrity.id_unique", Some("id"));
    assert_eq!(unique["value"], 1.0, "{unique}");
    assert!(
        unique["message"]
            .as_str()
            .unwrap()
            .contains("1 repeated ids"),
        "{unique}"
    );
}
