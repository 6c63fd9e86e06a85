//! `assay._assay`: the native module of the assay Python package.
//!
//! A thin layer over the Rust core: data comes in as paths and URLs (exactly as the CLI takes
//! them) or as any object speaking the Arrow PyCapsule interface (read in place, registered
//! as an in-memory source), options come in as JSON objects deserialized into the same
//! request types the CLI builds from its flags, and results go out as the core's `Report` and
//! `Profile` (JSON and rendered forms). The Python side (`python/assay`) gives them their
//! Pythonic shape: keyword arguments, typed classes, notebook display.
//!
//! Every call runs on a shared Tokio runtime with the interpreter released, checking for
//! Ctrl-C every 100 ms: a `KeyboardInterrupt` stops the work (the read's tasks are aborted
//! when their future is dropped) and is raised as usual.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

mod blocking;
mod data;
mod models;
mod pandas_text;
mod profile;
mod report;
mod run;

create_exception!(
    _assay,
    AssayError,
    PyException,
    "Base class of the errors assay raises."
);
create_exception!(
    _assay,
    InputError,
    AssayError,
    "Bad input: unreadable data, a wrong option or suite, a column that is not there (what the \
     CLI exits with code 2 on). The message names the file, column, line or option."
);

/// The native module.
#[pymodule]
fn _assay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AssayError", py.get_type::<AssayError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "DEFAULT_EXACT_CAP",
        assay_stats::value_counter::DEFAULT_EXACT_CAP,
    )?;
    m.add_class::<report::NativeReport>()?;
    m.add_class::<profile::NativeProfile>()?;
    m.add_function(wrap_pyfunction!(run::profile, m)?)?;
    m.add_function(wrap_pyfunction!(run::drift, m)?)?;
    m.add_function(wrap_pyfunction!(run::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(run::check, m)?)?;
    m.add_function(wrap_pyfunction!(run::crossval, m)?)?;
    m.add_function(wrap_pyfunction!(run::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(run::bench_model, m)?)?;
    m.add_function(wrap_pyfunction!(run::split, m)?)?;
    m.add_function(wrap_pyfunction!(run::init, m)?)?;
    m.add_function(wrap_pyfunction!(run::explain, m)?)?;
    m.add_function(wrap_pyfunction!(run::checks, m)?)?;
    m.add_function(wrap_pyfunction!(blocking::set_threads, m)?)?;
    m.add_function(wrap_pyfunction!(profile::load_profile, m)?)?;
    m.add_function(wrap_pyfunction!(profile::profile_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(report::report_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(pandas_text::text_column, m)?)?;
    Ok(())
}
