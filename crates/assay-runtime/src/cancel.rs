//! Cooperative cancellation of the work under way, for front ends that can be interrupted
//! while a call computes (the Python package's Ctrl-C).
//!
//! A front end calls [`request`] when its caller gives up; long loops call [`checkpoint`]
//! between steps (a bootstrap resample, a model chunk, a cross-validation fold, a column's
//! drift, a block of sensitivity evaluations), which then unwinds out of the work. The
//! unwinding is a panic without a message or hook output; fault containment turns it into an
//! error that nobody reads, since the caller has gone. [`begin`] and the returned guard count
//! the calls in flight: the request is cleared when a new call starts with none running, so
//! a cancelled call never cancels the next one. The CLI never requests: there a checkpoint
//! costs one atomic load.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The unwinding payload of a cancelled computation.
#[derive(Debug)]
pub struct Cancelled;

/// A call in flight, counted until dropped.
#[must_use = "the call is counted until the guard is dropped"]
pub struct InFlight(());

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts a call: clears an earlier request when no other call is running.
pub fn begin() -> InFlight {
    if IN_FLIGHT.fetch_add(1, Ordering::SeqCst) == 0 {
        REQUESTED.store(false, Ordering::SeqCst);
    }
    InFlight(())
}

/// Asks the work under way to stop at its next checkpoint.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether a stop was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Unwinds out of the current work when a stop was requested (without the panic hook: no
/// output).
pub fn checkpoint() {
    if requested() {
        std::panic::resume_unwind(Box::new(Cancelled));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_unwinds_at_the_next_checkpoint_and_a_new_call_clears_it() {
        let first = begin();
        checkpoint();
        request();
        let stopped = std::panic::catch_unwind(|| {
            checkpoint();
            "not reached"
        });
        let payload = stopped.unwrap_err();
        assert!(payload.downcast_ref::<Cancelled>().is_some());
        drop(first);
        let _second = begin();
        assert!(!requested(), "a new call with none running starts clean");
        checkpoint();
    }
}
