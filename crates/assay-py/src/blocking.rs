//! Running the core's async work from Python: one shared runtime, the interpreter released,
//! Ctrl-C honoured, panics contained, errors raised with the CLI's messages.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::prelude::*;

use crate::{AssayError, InputError};

/// How often a running call looks for Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime every call runs on, with as many workers as assay's thread budget.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    RUNTIME
        .get_or_init(|| {
            // Panics inside a call become errors (or a check's `error` result) without a
            // trace on stderr, as in the CLI.
            assay_runtime::fault::install_hook(assay_runtime::fault::silent);
            let threads = assay_runtime::threads::set_budget(None);
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .max_blocking_threads(threads)
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the runtime: {e}"))
        })
        .as_ref()
        .map_err(|e| AssayError::new_err(e.clone()))
}

/// Runs `work` to its end with the interpreter released; a pending `KeyboardInterrupt` (or
/// any signal handler's exception) drops the work and is raised instead. An error of the
/// work is raised as [`InputError`] with the CLI's message (the error and its causes); a panic
/// as [`AssayError`].
pub(crate) fn run_blocking<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = anyhow::Result<T>> + Send,
{
    let runtime = runtime()?;
    let outcome = py.detach(|| {
        runtime.block_on(async {
            let contained = assay_runtime::fault::isolate_future(work);
            tokio::pin!(contained);
            let mut tick = tokio::time::interval(SIGNAL_CHECK);
            loop {
                tokio::select! {
                    done = &mut contained => return Ok::<_, PyErr>(done),
                    _ = tick.tick() => {
                        Python::attach(|py| py.check_signals())?;
                    }
                }
            }
        })
    })?;
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(InputError::new_err(format!("{e:#}"))),
        Err(fault) => Err(AssayError::new_err(fault.to_string())),
    }
}
