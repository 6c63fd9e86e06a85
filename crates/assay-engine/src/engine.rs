//! The engine: a DataFusion session configured to use every core.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use datafusion::prelude::{SessionConfig, SessionContext};

/// A DataFusion session shared by every read of one run, with the profiles registered as
/// in-memory sources (see [`crate::memory`]).
#[derive(Clone)]
pub struct Engine {
    ctx: SessionContext,
    pub(crate) profiles: Arc<Mutex<HashMap<String, assay_stats::Profile>>>,
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
            // A file is not split in byte ranges here: a CSV split at line ends breaks a
            // quoted value that spans lines (silently, when it is the last column) and numbers
            // the lines of every range from 1, so errors would name the wrong line; a plain
            // HTTP server without range requests could not serve it at all. The profiling read
            // splits Parquet files alone, by row group (`profiler::fold_partitions`).
            .with_repartition_file_scans(false);
        Self {
            ctx: SessionContext::new_with_config(config),
            profiles: Arc::default(),
        }
    }

    /// The DataFusion session.
    pub fn ctx(&self) -> &SessionContext {
        &self.ctx
    }
}
