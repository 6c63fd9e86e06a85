//! Running the core's async work from Python: one shared runtime, the interpreter released,
//! Ctrl-C honoured, panics contained, errors raised with the CLI's messages.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::prelude::*;

use crate::{AssayError, InputError};

/// How often a running call looks for Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// How often a progress callback is called (a notebook's bar shows itself only after a
/// second: short calls show nothing).
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The thread budget asked for before the runtime started (`assay.set_threads`).
static THREADS: OnceLock<usize> = OnceLock::new();

/// Sets the worker threads of every later call (the CLI's `--threads`): only before the first
/// call, whose runtime and pools are sized once for the process.
#[pyfunction]
pub(crate) fn set_threads(threads: usize) -> PyResult<usize> {
    // The CLI's range for --threads.
    if !(1..=1024).contains(&threads) {
        return Err(InputError::new_err(format!(
            "threads must be from 1 to 1024 (as --threads), got {threads}"
        )));
    }
    if RUNTIME.get().is_some() {
        return Err(AssayError::new_err(
            "set_threads must be called before the first assay call of the process (its \
             pools are sized once)",
        ));
    }
    let set = *THREADS.get_or_init(|| threads);
    if set != threads {
        return Err(AssayError::new_err(format!(
            "the threads were already set to {set} for this process"
        )));
    }
    Ok(threads)
}

/// The runtime every call runs on, with as many workers as assay's thread budget.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    RUNTIME
        .get_or_init(|| {
            // Panics inside a call become errors (or a check's `error` result) without a
            // trace on stderr, as in the CLI.
            assay_runtime::fault::install_hook(assay_runtime::fault::silent);
            let threads = assay_runtime::threads::set_budget(THREADS.get().copied());
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
/// any signal handler's exception) aborts the work and is raised instead. An error of the
/// work is raised as [`InputError`] with the CLI's message (the error and its causes); a panic
/// as [`AssayError`].
///
/// The work runs as a task of the runtime, not on the calling thread, so the calling thread
/// keeps looking for Ctrl-C even while the work computes without pausing; an interrupt aborts
/// the task (at its next pause: a stretch of pure computation runs to its end in the
/// background, and its result is dropped).
pub(crate) fn run_blocking<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    run_blocking_with_progress(py, None, work)
}

/// [`run_blocking`], calling `on_progress` with the reads in progress (a list of `(label,
/// rows, seconds)`) every quarter of a second, on the calling thread (a notebook's progress
/// bar draws from it). An exception it raises stops the work as Ctrl-C does.
pub(crate) fn run_blocking_with_progress<T, F>(
    py: Python<'_>,
    on_progress: Option<Py<PyAny>>,
    work: F,
) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let runtime = runtime()?;
    let _in_flight = assay_runtime::cancel::begin();
    let started = std::time::Instant::now();
    let mut next_report = PROGRESS_EVERY;
    let outcome = py.detach(|| {
        // The result comes back through a channel the calling thread waits on with a
        // timeout: its own clock, not the runtime's (whose timers stall while every worker
        // computes).
        let (sender, results) = std::sync::mpsc::channel();
        let task = runtime.spawn(async move {
            let _ = sender.send(assay_runtime::fault::isolate_future(work).await);
        });
        loop {
            match results.recv_timeout(SIGNAL_CHECK) {
                Ok(done) => return Ok(done),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let report = on_progress.is_some() && started.elapsed() >= next_report;
                    if report {
                        next_report = started.elapsed() + PROGRESS_EVERY;
                    }
                    let checked = Python::attach(|py| {
                        py.check_signals()?;
                        if let (true, Some(callback)) = (report, &on_progress) {
                            let reads: Vec<(String, u64, f64)> = assay_engine::progress::reads()
                                .into_iter()
                                .map(|r| (r.label, r.rows, r.seconds))
                                .collect();
                            callback.call1(py, (reads,))?;
                        }
                        Ok::<(), PyErr>(())
                    });
                    if let Err(interrupt) = checked {
                        // The task stops at its next await; computation under way stops at
                        // its next checkpoint.
                        assay_runtime::cancel::request();
                        task.abort();
                        return Err(interrupt);
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Ok(Err("the work stopped before giving a result".to_string()))
                }
            }
        }
    })?;
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(InputError::new_err(format!("{e:#}"))),
        Err(fault) => Err(AssayError::new_err(fault)),
    }
}
