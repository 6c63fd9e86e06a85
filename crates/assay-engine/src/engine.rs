//! The engine: a DataFusion session configured to use every core.

use datafusion::prelude::{SessionConfig, SessionContext};

/// A DataFusion session shared by every read of one run.
#[derive(Clone)]
pub struct Engine {
    ctx: SessionContext,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Engine {
    /// An engine with `threads` partitions (default: the number of cores).
    pub fn new(threads: Option<usize>) -> Self {
        let partitions = threads.unwrap_or_else(assay_runtime::threads::budget);
        let config = SessionConfig::new()
            .with_target_partitions(partitions.max(1))
            .with_batch_size(8192)
            // One file is split in byte ranges (CSV at line ends, Parquet by row group), so
            // that several partitions decode it at once and one waits on its reads while
            // another decodes; the profiler then deals the decoded batches round-robin to one
            // aggregate per core, so a split that follows uneven row groups still loads every
            // core evenly. Ordered reads turn the split off (`profiler::fold_partitions`).
            .with_repartition_file_scans(true);
        Self {
            ctx: SessionContext::new_with_config(config),
        }
    }

    /// The DataFusion session.
    pub fn ctx(&self) -> &SessionContext {
        &self.ctx
    }
}
