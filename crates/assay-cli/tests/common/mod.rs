//! Shared helpers for the CLI tests: run the real binary, locate the repository files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A path inside the repository.
pub fn repo(path: &str) -> String {
    root().join(path).to_string_lossy().into_owned()
}

/// The result of one `assay` invocation.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `assay ARGS` in `dir`.
pub fn assay_in(dir: &Path, args: &[&str]) -> Run {
    assay_env(dir, args, &[])
}

/// Runs `assay ARGS` in `dir` with extra environment variables.
pub fn assay_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run assay");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `assay ARGS` at the repository root.
pub fn assay(args: &[&str]) -> Run {
    assay_in(&root(), args)
}

/// Asserts a run failed with exit code 2 and a message containing every `needle`, without a panic.
pub fn assert_input_error(run: &Run, needles: &[&str]) {
    assert_eq!(
        run.code, 2,
        "expected exit 2, got {}\nstdout:\n{}\nstderr:\n{}",
        run.code, run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
    for n in needles {
        assert!(
            run.stderr.contains(n),
            "stderr lacks {n:?}:\n{}",
            run.stderr
        );
    }
}

/// Finds the result with `id` and `column`.
pub fn result<'a>(
    report: &'a serde_json::Value,
    id: &str,
    column: Option<&str>,
) -> &'a serde_json::Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id && r["column"].as_str() == column)
        .unwrap_or_else(|| panic!("no result {id} {column:?} in {}", report["results"]))
}

/// Relative closeness.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + b.abs())
}
