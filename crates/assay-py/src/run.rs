//! The commands: `profile`, `drift`, `evaluate`, `check`. Each takes its options as a JSON object (the
//! Python side builds it from keyword arguments named as the CLI's flags), runs the same
//! library code as the CLI command and returns the same result.

use pyo3::prelude::*;

use assay_checks::requests::{DriftRequest, EvaluateRequest};
use assay_checks::suite::Paths;
use assay_checks::{run_suite, LoadedSuite, RunOptions};
use assay_engine::{Engine, ProfileOptions, ReadOptions};

use crate::blocking::run_blocking;
use crate::data::DataArg;
use crate::profile::NativeProfile;
use crate::report::NativeReport;
use crate::InputError;

/// Deserializes an options object, naming the option the Python side got wrong.
fn options<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| InputError::new_err(format!("{what}: {e}")))
}

/// Profiles `data`. `read` holds the reading options ([`ReadOptions`]); `exact_cap` is the
/// CLI's `--exact-cap`; `progress` shows a progress bar on stderr.
#[pyfunction]
#[pyo3(signature = (data, read, exact_cap, progress=false))]
pub(crate) fn profile(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    read: &str,
    exact_cap: usize,
    progress: bool,
) -> PyResult<NativeProfile> {
    let read: ReadOptions = options(read, "reading options")?;
    assay_checks::limits::check_named(
        "--exact-cap",
        "options.exact_distinct_cap",
        exact_cap as f64,
    )
    .map_err(InputError::new_err)?;
    let engine = Engine::new(None);
    let paths = DataArg::extract(data, "data")?.into_paths(&engine, "data")?;
    if paths.is_empty() {
        return Err(InputError::new_err(
            "give the data to profile (a file, directory, glob, URL or Arrow data)",
        ));
    }
    let profile = run_blocking(py, async move {
        if let [only] = paths.as_slice() {
            if assay_engine::dataset::is_profile_file(only) {
                return Ok(assay_engine::read_profile(only)?);
            }
        }
        let spec = read.spec(paths).map_err(anyhow::Error::msg)?;
        let options = ProfileOptions {
            exact_cap,
            progress,
            ..ProfileOptions::default()
        };
        Ok(assay_engine::profile_source(&engine, &spec, &options).await?)
    })?;
    Ok(NativeProfile::new(profile))
}

/// Drift of every column of `current` against `reference`. `request` holds the drift options
/// ([`DriftRequest`]), `read` the reading options.
#[pyfunction]
#[pyo3(signature = (reference, current, request, read, progress=false))]
pub(crate) fn drift(
    py: Python<'_>,
    reference: &Bound<'_, PyAny>,
    current: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    progress: bool,
) -> PyResult<NativeReport> {
    let request: DriftRequest = options(request, "drift options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let engine = Engine::new(None);
    let reference = one_path(
        DataArg::extract(reference, "reference")?.into_paths(&engine, "reference")?,
        "reference",
    )?;
    let current = one_path(
        DataArg::extract(current, "current")?.into_paths(&engine, "current")?,
        "current",
    )?;
    let suite = request
        .suite(&reference, &current, &read)
        .map_err(InputError::new_err)?;
    let report = run_blocking(py, async move {
        let loaded = LoadedSuite::from_suite(suite, "assay drift")?;
        Ok(run_suite(&engine, &loaded, &RunOptions { progress }).await?)
    })?;
    Ok(NativeReport::new(report))
}

/// Evaluates a model (or prediction columns) on `data`. `request` holds the evaluation
/// options ([`EvaluateRequest`]), `read` the reading options.
#[pyfunction]
#[pyo3(signature = (data, request, read, progress=false))]
pub(crate) fn evaluate(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    progress: bool,
) -> PyResult<NativeReport> {
    let request: EvaluateRequest = options(request, "evaluate options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let engine = Engine::new(None);
    let data = one_path(
        DataArg::extract(data, "data")?.into_paths(&engine, "data")?,
        "data",
    )?;
    let suite = request.suite(&data, &read).map_err(InputError::new_err)?;
    let report = run_blocking(py, async move {
        let loaded = LoadedSuite::from_suite(suite, "assay evaluate")?;
        let report = run_suite(&engine, &loaded, &RunOptions { progress }).await?;
        request.finish(report).map_err(anyhow::Error::msg)
    })?;
    Ok(NativeReport::new(report))
}

/// Runs a suite: `suite_path` names the suite file (or, with `suite_text`, labels a suite given
/// as text in the format its extension says). `current` and `reference`, when given, replace
/// the suite's `data.current` and `data.reference`.
#[pyfunction]
#[pyo3(signature = (suite_path, suite_text=None, current=None, reference=None, progress=false))]
pub(crate) fn check(
    py: Python<'_>,
    suite_path: &str,
    suite_text: Option<&str>,
    current: Option<&Bound<'_, PyAny>>,
    reference: Option<&Bound<'_, PyAny>>,
    progress: bool,
) -> PyResult<NativeReport> {
    let loaded = match suite_text {
        Some(text) => LoadedSuite::from_text(suite_path, text),
        None => LoadedSuite::load(suite_path),
    };
    let mut loaded = loaded.map_err(|e| InputError::new_err(e.to_string()))?;
    let engine = Engine::new(None);
    // Paths given here are the caller's, relative to the working directory (the suite's own
    // are relative to its file): made absolute so the suite does not resolve them.
    if let Some(current) = current {
        let paths = DataArg::extract(current, "current")?.into_paths(&engine, "current")?;
        loaded.suite.data.current = Paths::Many(absolute(paths)?);
    }
    if let Some(reference) = reference {
        let paths = DataArg::extract(reference, "reference")?.into_paths(&engine, "reference")?;
        loaded.suite.data.reference = Some(Paths::Many(absolute(paths)?));
    }
    let report = run_blocking(py, async move {
        Ok(run_suite(&engine, &loaded, &RunOptions { progress }).await?)
    })?;
    Ok(NativeReport::new(report))
}

/// Local paths made absolute against the working directory (URLs, globs of URLs and
/// `memory://` sources as they are).
fn absolute(paths: Vec<String>) -> PyResult<Vec<String>> {
    paths
        .into_iter()
        .map(|p| {
            if assay_engine::source::is_url(&p) || assay_engine::memory::memory_name(&p).is_some() {
                Ok(p)
            } else {
                std::path::absolute(&p)
                    .map(|a| a.to_string_lossy().into_owned())
                    .map_err(|e| InputError::new_err(format!("{p}: {e}")))
            }
        })
        .collect()
}

/// The one path (or URL, or `memory://` source) of a side that takes one.
fn one_path(paths: Vec<String>, what: &str) -> PyResult<String> {
    match <[String; 1]>::try_from(paths) {
        Ok([only]) => Ok(only),
        Err(_) => Err(InputError::new_err(format!(
            "{what}: give one path, URL, glob or directory (or Arrow data), not a list"
        ))),
    }
}
