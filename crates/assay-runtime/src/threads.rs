//! The thread budget: one number that bounds every worker pool of the process.
//!
//! The binary sets it once from `--threads` ([`set_budget`]); every component that starts
//! workers asks [`budget`] instead of the machine's core count. Rayon's global pool is built
//! with the budget on the first call of [`set_budget`].

use std::sync::atomic::{AtomicUsize, Ordering};

/// 0 while unset (then [`budget`] is the number of cores).
static BUDGET: AtomicUsize = AtomicUsize::new(0);

/// The number of cores the process may use (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Sets the thread budget (`None`: every core) and sizes rayon's global pool with it. Returns
/// the budget in force. Rayon's pool can be sized only once per process: later calls change
/// [`budget`] but not rayon's pool.
pub fn set_budget(threads: Option<usize>) -> usize {
    let n = threads.unwrap_or_else(cores).max(1);
    BUDGET.store(n, Ordering::SeqCst);
    // Ignored when the pool already exists (a second call, or rayon used before).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("assay-rayon-{i}"))
        .build_global();
    n
}

/// Worker threads any pool may start: the budget set by [`set_budget`], else every core.
pub fn budget() -> usize {
    match BUDGET.load(Ordering::SeqCst) {
        0 => cores(),
        n => n,
    }
}

/// Workers for a job of `tasks` independent tasks: the budget, at most one per task, at
/// least 1.
pub fn workers_for(tasks: usize) -> usize {
    budget().min(tasks).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_bounds_workers() {
        set_budget(Some(3));
        assert_eq!(budget(), 3);
        assert_eq!(workers_for(10), 3);
        assert_eq!(workers_for(2), 2);
        assert_eq!(workers_for(0), 1);
        assert_eq!(rayon::current_num_threads(), 3);
        set_budget(Some(1));
        assert_eq!(budget(), 1);
        assert_eq!(workers_for(10), 1);
    }
}
