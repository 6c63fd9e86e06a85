//! The commands: `profile`, `drift`, `evaluate`, `check`, `crossval`, `sensitivity`,
//! `bench_model`, `split`, `init`, `explain`. Each takes its options as a JSON object (the
//! Python side builds it from keyword arguments named as the CLI's flags), runs the same
//! library code as the CLI command and returns the same result.

use pyo3::prelude::*;

use assay_checks::requests::{
    BenchModelRequest, CrossvalRequest, DriftRequest, EvaluateRequest, SensitivityRequest,
    SplitOptions,
};
use assay_checks::suite::Paths;
use assay_checks::{run_suite, LoadedSuite, RunOptions};
use assay_engine::{Engine, ProfileOptions, ReadOptions};

use crate::blocking::{run_blocking, run_blocking_with_progress};
use crate::data::DataArg;
use crate::models::{learner_name, model_path};
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
#[pyo3(signature = (data, read, exact_cap, progress=false, on_progress=None))]
pub(crate) fn profile(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    read: &str,
    exact_cap: usize,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
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
    let profile = run_blocking_with_progress(py, on_progress, async move {
        if let [only] = paths.as_slice() {
            if let Some(profile) = engine.memory_profile(only) {
                return Ok(profile);
            }
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
#[pyo3(signature = (reference, current, request, read, progress=false, on_progress=None))]
pub(crate) fn drift(
    py: Python<'_>,
    reference: &Bound<'_, PyAny>,
    current: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
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
    let report = run_blocking_with_progress(py, on_progress, async move {
        let loaded = LoadedSuite::from_suite(suite, "assay drift")?;
        Ok(run_suite(&engine, &loaded, &RunOptions { progress }).await?)
    })?;
    Ok(NativeReport::new(report))
}

/// Evaluates a model (or prediction columns) on `data`. `request` holds the evaluation
/// options ([`EvaluateRequest`]), `read` the reading options; `model` and `baseline_model`,
/// when given, are paths or wrapped Python models (they replace the request's).
#[pyfunction]
#[pyo3(signature = (data, request, read, progress=false, model=None, baseline_model=None, on_progress=None))]
#[allow(clippy::too_many_arguments)] // the Python keyword arguments, one by one
pub(crate) fn evaluate(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    progress: bool,
    model: Option<&Bound<'_, PyAny>>,
    baseline_model: Option<&Bound<'_, PyAny>>,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<NativeReport> {
    let mut request: EvaluateRequest = options(request, "evaluate options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let (model, model_registration) = model_path(model)?;
    let (baseline, baseline_registration) = model_path(baseline_model)?;
    request.model = model.or(request.model);
    request.baseline_model = baseline.or(request.baseline_model);
    let engine = Engine::new(None);
    let data = one_path(
        DataArg::extract(data, "data")?.into_paths(&engine, "data")?,
        "data",
    )?;
    let suite = request.suite(&data, &read).map_err(InputError::new_err)?;
    let report = run_blocking_with_progress(py, on_progress, async move {
        let _registrations = (model_registration, baseline_registration);
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
#[pyo3(signature = (suite_path, suite_text=None, current=None, reference=None, progress=false, on_progress=None))]
pub(crate) fn check(
    py: Python<'_>,
    suite_path: &str,
    suite_text: Option<&str>,
    current: Option<&Bound<'_, PyAny>>,
    reference: Option<&Bound<'_, PyAny>>,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
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
    let report = run_blocking_with_progress(py, on_progress, async move {
        Ok(run_suite(&engine, &loaded, &RunOptions { progress }).await?)
    })?;
    Ok(NativeReport::new(report))
}

/// Runs a suite built from flags and returns its report.
fn run_flags_suite(
    py: Python<'_>,
    engine: Engine,
    suite: assay_checks::Suite,
    label: &'static str,
    progress: (bool, Option<Py<PyAny>>),
    registrations: Vec<assay_model::external::Registration>,
) -> PyResult<NativeReport> {
    let (progress, on_progress) = progress;
    let report = run_blocking_with_progress(py, on_progress, async move {
        let _registrations = registrations;
        let loaded = LoadedSuite::from_suite(suite, label)?;
        Ok(run_suite(&engine, &loaded, &RunOptions { progress }).await?)
    })?;
    Ok(NativeReport::new(report))
}

/// Cross-validates on `data`. `request` holds the options ([`CrossvalRequest`]); `learner`,
/// when given, is a built-in learner's name or a wrapped Python learner.
#[pyfunction]
#[pyo3(signature = (data, request, read, progress=false, learner=None, on_progress=None))]
pub(crate) fn crossval(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    progress: bool,
    learner: Option<&Bound<'_, PyAny>>,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<NativeReport> {
    let mut request: CrossvalRequest = options(request, "crossval options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let (name, registration) = learner_name(learner)?;
    request.learner = name.or(request.learner);
    let engine = Engine::new(None);
    let data = one_path(
        DataArg::extract(data, "data")?.into_paths(&engine, "data")?,
        "data",
    )?;
    let suite = request.suite(&data, &read).map_err(InputError::new_err)?;
    run_flags_suite(
        py,
        engine,
        suite,
        "assay crossval",
        (progress, on_progress),
        registration.into_iter().collect(),
    )
}

/// Sensitivity of `model` (a path or a wrapped Python model). `request` holds the options
/// ([`SensitivityRequest`]); `data`, when given, the rows that give the inputs'
/// distribution.
#[pyfunction]
#[pyo3(signature = (model, request, read, data=None, progress=false, on_progress=None))]
pub(crate) fn sensitivity(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    data: Option<&Bound<'_, PyAny>>,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<NativeReport> {
    let mut request: SensitivityRequest = options(request, "sensitivity options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let (path, registration) = model_path(Some(model))?;
    request.model = path.unwrap_or_default();
    let engine = Engine::new(None);
    let data = optional_data(data, &engine)?;
    let suite = request
        .suite(data.as_deref(), &read)
        .map_err(InputError::new_err)?;
    run_flags_suite(
        py,
        engine,
        suite,
        "assay sensitivity",
        (progress, on_progress),
        registration.into_iter().collect(),
    )
}

/// Latency, throughput, memory and load time of `model` (a path or a wrapped Python model).
/// `request` holds the options ([`BenchModelRequest`]).
#[pyfunction]
#[pyo3(signature = (model, request, read, data=None, baseline_model=None, progress=false, on_progress=None))]
#[allow(clippy::too_many_arguments)] // the Python keyword arguments, one by one
pub(crate) fn bench_model(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    request: &str,
    read: &str,
    data: Option<&Bound<'_, PyAny>>,
    baseline_model: Option<&Bound<'_, PyAny>>,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<NativeReport> {
    let mut request: BenchModelRequest = options(request, "bench_model options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let (path, registration) = model_path(Some(model))?;
    let (baseline, baseline_registration) = model_path(baseline_model)?;
    request.model = path.unwrap_or_default();
    request.baseline_model = baseline.or(request.baseline_model);
    let engine = Engine::new(None);
    let data = optional_data(data, &engine)?;
    let suite = request
        .suite(data.as_deref(), &read)
        .map_err(InputError::new_err)?;
    run_flags_suite(
        py,
        engine,
        suite,
        "assay bench-model",
        (progress, on_progress),
        registration
            .into_iter()
            .chain(baseline_registration)
            .collect(),
    )
}

/// The folds of `data` (`assay split`): `(splitter, n_rows, assignment seconds, [(train,
/// test)])`, each index list as the bytes of little-endian `u32`s.
#[pyfunction]
#[pyo3(signature = (data, split_options, read))]
#[allow(clippy::type_complexity)]
pub(crate) fn split(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    split_options: &str,
    read: &str,
) -> PyResult<(String, usize, f64, Vec<(Py<PyAny>, Py<PyAny>)>)> {
    let split_options: SplitOptions = options(split_options, "split options")?;
    let read: ReadOptions = options(read, "reading options")?;
    let engine = Engine::new(None);
    let data = one_path(
        DataArg::extract(data, "data")?.into_paths(&engine, "data")?,
        "data",
    )?;
    let (folds, assigned) = run_blocking(py, async move {
        assay_checks::requests::split(&engine, &data, &read, &split_options)
            .await
            .map_err(anyhow::Error::msg)
    })?;
    let bytes = |rows: &mut dyn Iterator<Item = u32>| -> Py<PyAny> {
        let mut out = Vec::new();
        for r in rows {
            out.extend_from_slice(&r.to_le_bytes());
        }
        pyo3::types::PyBytes::new(py, &out).into_any().unbind()
    };
    let pairs = folds
        .iter()
        .map(|f| (bytes(&mut f.train()), bytes(&mut f.test())))
        .collect();
    Ok((
        folds.splitter().to_string(),
        folds.n_rows(),
        assigned.as_secs_f64(),
        pairs,
    ))
}

/// The starter suite `assay init` infers (YAML text): constraints from `reference` when
/// given, else from `data`. `data_name` and `reference_name` are what the suite calls the
/// data (paths as given, `memory://current` for Arrow data).
#[pyfunction]
#[pyo3(signature = (data, reference, read, data_name, reference_name=None, progress=false, on_progress=None))]
#[allow(clippy::too_many_arguments)] // the Python keyword arguments, one by one
pub(crate) fn init(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    reference: Option<&Bound<'_, PyAny>>,
    read: &str,
    data_name: String,
    reference_name: Option<String>,
    progress: bool,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    let read: ReadOptions = options(read, "reading options")?;
    let engine = Engine::new(None);
    let data = DataArg::extract(data, "data")?.into_paths(&engine, "data")?;
    let reference = match reference {
        Some(r) => Some(DataArg::extract(r, "reference")?.into_paths(&engine, "reference")?),
        None => None,
    };
    run_blocking_with_progress(py, on_progress, async move {
        let options = ProfileOptions {
            progress,
            ..ProfileOptions::default()
        };
        let spec = read.spec(data).map_err(anyhow::Error::msg)?;
        let profile = match reference {
            Some(r) => {
                let spec = read.spec(r).map_err(anyhow::Error::msg)?;
                assay_engine::profile_source(&engine, &spec, &options).await?
            }
            None => assay_engine::profile_source(&engine, &spec, &options).await?,
        };
        let mut section = assay_checks::init::data_section(&data_name, reference_name.as_deref());
        section.format = read.format.clone();
        section.csv = spec.csv.clone();
        let source = reference_name.as_deref().unwrap_or(&data_name);
        let name = std::path::Path::new(&data_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "suite".into());
        let suite =
            assay_checks::init::starter_suite(&profile, section, reference_name.is_some(), &name);
        assay_checks::init::to_yaml(&suite, source, &profile).map_err(anyhow::Error::msg)
    })
}

/// A check's documentation (`assay explain ID`).
#[pyfunction]
pub(crate) fn explain(id: &str) -> PyResult<String> {
    match assay_checks::find(id) {
        Some(c) => Ok(assay_checks::explain(c.as_ref())),
        None => {
            let hint = assay_checks::catalogue::suggest(id)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(InputError::new_err(format!(
                "unknown check `{id}`{hint}; assay.checks() lists them"
            )))
        }
    }
}

/// Every check: `(id, summary)` (`assay checks`).
#[pyfunction]
pub(crate) fn checks() -> Vec<(String, String)> {
    assay_checks::catalogue()
        .iter()
        .map(|c| (c.id().to_string(), c.doc().summary.to_string()))
        .collect()
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

/// The `data` argument of a command that may run without data.
fn optional_data(data: Option<&Bound<'_, PyAny>>, engine: &Engine) -> PyResult<Option<String>> {
    data.map(|d| {
        one_path(
            DataArg::extract(d, "data")?.into_paths(engine, "data")?,
            "data",
        )
    })
    .transpose()
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
