//! Fault containment: a panic becomes an error value with its message and location.
//!
//! [`isolate`] runs a closure and [`isolate_future`] a future, catching a panic; both return
//! `Err(message)` instead of unwinding further. [`install_hook`] replaces the process's panic
//! hook so that panics caught this way are not also printed as crashes: while any containment
//! is active the hook only records the message and location; outside containment it prints as
//! Rust's default hook does.

use std::any::Any;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use futures::FutureExt;

/// Containment regions active in the process (any thread).
static CONTAINING: AtomicUsize = AtomicUsize::new(0);
/// The latest panics seen by the hook, newest last: (message, location). A few are kept so a
/// panic re-raised in another thread (a task's, a worker's) still finds its location.
static RECENT_PANICS: Mutex<VecDeque<(String, String)>> = Mutex::new(VecDeque::new());
const RECENT_KEPT: usize = 16;

/// The text of a panic payload (`&str` or `String` payloads; others are named as such).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if payload.is::<crate::cancel::Cancelled>() {
        "cancelled".to_string()
    } else {
        "a panic without a message".to_string()
    }
}

/// "internal error: MESSAGE (at FILE:LINE)": the message of a caught panic, with the location
/// the hook recorded for it when [`install_hook`] is in force.
pub fn describe_panic(payload: &(dyn Any + Send)) -> String {
    let message = panic_message(payload);
    let location = RECENT_PANICS
        .lock()
        .ok()
        .and_then(|recent| {
            recent
                .iter()
                .rev()
                .find(|(m, _)| *m == message)
                .map(|(_, at)| format!(" (at {at})"))
        })
        .unwrap_or_default();
    format!("internal error: {message}{location}")
}

struct Containing;

impl Containing {
    fn enter() -> Self {
        CONTAINING.fetch_add(1, Ordering::SeqCst);
        Containing
    }
}

impl Drop for Containing {
    fn drop(&mut self) {
        CONTAINING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `f`; a panic inside becomes `Err` with [`describe_panic`]'s text.
pub fn isolate<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let _guard = Containing::enter();
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| describe_panic(p.as_ref()))
}

/// Polls `fut` to completion; a panic while polling it (including one re-raised from a task
/// it awaits) becomes `Err` with [`describe_panic`]'s text.
pub async fn isolate_future<F: Future>(fut: F) -> Result<F::Output, String> {
    let _guard = Containing::enter();
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|p| describe_panic(p.as_ref()))
}

/// True while some containment region is active.
pub fn containing() -> bool {
    CONTAINING.load(Ordering::SeqCst) > 0
}

/// Installs the containment-aware panic hook (the first call installs it; later calls do
/// nothing).
///
/// While a containment region is active anywhere in the process, a panic is recorded (for
/// [`describe_panic`]) and handed to `on_contained` instead of being printed; otherwise the
/// previous hook (Rust's default, which prints the panic) runs.
pub fn install_hook(on_contained: fn(&str, &str)) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| install(on_contained));
}

fn install(on_contained: fn(&str, &str)) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "unknown location".into());
        if let Ok(mut recent) = RECENT_PANICS.lock() {
            if recent.len() == RECENT_KEPT {
                recent.pop_front();
            }
            recent.push_back((message.clone(), location.clone()));
        }
        if containing() {
            on_contained(&message, &location);
        } else {
            previous(info);
        }
    }));
}

/// The argument of fault-injection point `point` when a test armed it with
/// `FAILPOINTS='point=return(ARG)'` (the CLI reads that variable at start), else `None`.
///
/// Fault injection exists only in builds where the `fail` crate's `failpoints` feature is on,
/// which the test builds turn on (`assay-cli`'s dev-dependencies); in every other build this
/// is `None` and costs nothing.
pub fn armed(point: &str) -> Option<String> {
    // Unused when fault injection is compiled out.
    let _ = point;
    let armed = || -> Option<String> {
        fail::fail_point!(point, |arg| Some(arg.unwrap_or_default()));
        None
    };
    armed()
}

/// Panics when fault-injection point `point` is armed for `target` (or for `*`): the test
/// hook that proves a panic at that point is contained.
pub fn inject(point: &str, target: &str) {
    if let Some(armed_for) = armed(point) {
        if armed_for == target || armed_for == "*" {
            panic!("injected fault at {point} ({target})");
        }
    }
}

/// An `on_contained` callback that stays silent (the error is reported where it is caught).
pub fn silent(_message: &str, _location: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors_with_message_and_location() {
        install_hook(silent);
        let err = isolate(|| -> u8 { panic!("bad index {}", 7) }).unwrap_err();
        assert!(err.starts_with("internal error: bad index 7"), "{err}");
        assert!(err.contains("fault.rs:"), "location missing: {err}");
        assert_eq!(isolate(|| "fine"), Ok("fine"));
    }

    #[test]
    fn worker_thread_panics_are_contained() {
        install_hook(silent);
        let result = isolate(|| {
            std::thread::scope(|s| {
                s.spawn(|| panic!("worker failed"));
            })
        });
        // The scope re-raises the worker's panic; isolation turns it into an error.
        assert!(result.unwrap_err().contains("panicked"), "scope re-raise");
    }

    #[test]
    fn futures_and_tasks_are_contained() {
        install_hook(silent);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = rt
            .block_on(isolate_future(async {
                let task = tokio::spawn(async { panic!("in a task") });
                match task.await {
                    Ok(()) => (),
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            }))
            .unwrap_err();
        assert!(err.contains("in a task"), "{err}");
    }
}
