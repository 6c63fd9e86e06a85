//! What is being read right now, for front ends that draw their own progress (a notebook's
//! progress bar): every profiling read registers itself here for its length, with the rows
//! it has read so far. The terminal's progress line (`ProfileOptions::progress`) is drawn by
//! the read itself; this is the same information for anyone who asks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Instant;

/// A read in progress, as [`reads`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStatus {
    /// What is read (its path, URL or `memory://NAME`).
    pub label: String,
    /// Rows read so far.
    pub rows: u64,
    /// Seconds since the read started.
    pub seconds: f64,
}

struct Tracked {
    id: u64,
    label: String,
    cells: Arc<AtomicU64>,
    columns: u64,
    started: Instant,
}

static READS: LazyLock<Mutex<Vec<Tracked>>> = LazyLock::new(Default::default);
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn reads_lock() -> MutexGuard<'static, Vec<Tracked>> {
    READS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A registered read; it leaves the list when dropped (at the end of the read, or when the
/// read itself is dropped).
pub(crate) struct TrackedRead(u64);

impl Drop for TrackedRead {
    fn drop(&mut self) {
        reads_lock().retain(|t| t.id != self.0);
    }
}

/// Registers a read of `label` whose columns have seen `cells` values so far (rows ×
/// `columns`).
pub(crate) fn track(label: &str, cells: Arc<AtomicU64>, columns: usize) -> TrackedRead {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    reads_lock().push(Tracked {
        id,
        label: label.to_string(),
        cells,
        columns: columns.max(1) as u64,
        started: Instant::now(),
    });
    TrackedRead(id)
}

/// The reads in progress in this process, oldest first.
pub fn reads() -> Vec<ReadStatus> {
    reads_lock()
        .iter()
        .map(|t| ReadStatus {
            label: t.label.clone(),
            rows: t.cells.load(Ordering::Relaxed) / t.columns,
            seconds: t.started.elapsed().as_secs_f64(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_is_listed_with_its_rows_until_it_ends() {
        let cells = Arc::new(AtomicU64::new(0));
        let read = track("test://progress", cells.clone(), 4);
        cells.fetch_add(40, Ordering::Relaxed);
        let listed: Vec<ReadStatus> = reads()
            .into_iter()
            .filter(|r| r.label == "test://progress")
            .collect();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].rows, 10);
        drop(read);
        assert!(reads().iter().all(|r| r.label != "test://progress"));
    }
}
