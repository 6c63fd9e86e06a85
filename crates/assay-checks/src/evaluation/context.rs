//! [`EvalContext`]: the frame plus the bootstrap replicates shared by the metric checks of a
//! run (one resampling pass computes every requested metric).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use assay_engine::Dataset;
use assay_model::OnnxModel;

use super::frame::{build_frame, EvalFrame, EvalSetup};
use crate::suite::LoadedSuite;

/// Highest number of distinct values of a feature searched for weak slices.
pub const DISCOVERY_MAX_DISTINCT: usize = 20;

/// Evaluation data of a run.
pub struct EvalContext {
    /// Rows, predictions and groupings.
    pub frame: EvalFrame,
    /// Ids of the suite's checks (metric checks compute replicates for all of them at once).
    pub requested: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
    cache: Mutex<HashMap<String, Arc<Vec<f64>>>>,
}

impl EvalContext {
    /// A context over `frame` for checks `requested` (id, params).
    pub fn new(
        frame: EvalFrame,
        requested: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
    ) -> Self {
        Self {
            frame,
            requested,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Cached replicates under `key`; on a miss, `compute_all` fills the cache with every key
    /// it computes (so one bootstrap pass serves every metric).
    pub fn replicates(
        &self,
        key: &str,
        compute_all: impl FnOnce() -> HashMap<String, Vec<f64>>,
    ) -> Option<Arc<Vec<f64>>> {
        let mut cache = self.cache.lock().ok()?;
        if !cache.contains_key(key) {
            for (k, v) in compute_all() {
                cache.insert(k, Arc::new(v));
            }
        }
        cache.get(key).cloned()
    }
}

/// Loads the suite's models and reads the current data into an [`EvalContext`].
pub async fn prepare(loaded: &LoadedSuite, current: &Dataset) -> Result<EvalContext, String> {
    let suite = &loaded.suite;
    let ev = &suite.evaluation;
    let load = |p: &String| OnnxModel::load(&loaded.resolve(p)).map_err(|e| e.to_string());
    let model = ev.model.as_ref().map(load).transpose()?;
    let baseline = ev.baseline_model.as_ref().map(load).transpose()?;
    let roles = &suite.roles;
    let discovery_columns: Vec<String> =
        if suite.checks.iter().any(|e| e.check == "model.weak_slices") {
            let features = roles.features_of(&current.columns());
            current
                .profile
                .columns
                .iter()
                .filter(|c| features.contains(&c.name))
                .filter(|c| !roles.segments.contains(&c.name) && !roles.protected.contains(&c.name))
                .filter(|c| {
                    c.state
                        .exact_value_counts()
                        .is_some_and(|v| v.len() >= 2 && v.len() <= DISCOVERY_MAX_DISTINCT)
                })
                .map(|c| c.name.clone())
                .collect()
        } else {
            Vec::new()
        };
    let threads = assay_runtime::threads::budget();
    let frame = build_frame(EvalSetup {
        current,
        roles,
        settings: ev,
        model: model.as_ref(),
        baseline_model: baseline.as_ref(),
        discovery_columns,
        threads,
    })
    .await?;
    let requested = suite
        .checks
        .iter()
        .map(|e| (e.check.clone(), e.params.clone()))
        .collect();
    Ok(EvalContext::new(frame, requested))
}
