//! [`EvalContext`]: the frame plus the bootstrap replicates shared by the metric checks of a
//! run (one resampling pass computes every requested metric).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;

use assay_engine::Dataset;
use assay_model::Model;

use super::frame::{build_frame, EvalFrame, EvalSetup};
use super::slices::SliceExpr;
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

/// What a model evaluation needs before the data is read: its models, loaded, and the columns
/// of the current data it reads (kept in order from the profiling read, so the data is read
/// once).
pub struct EvalPlan {
    model: Option<Model>,
    baseline: Option<Model>,
    /// Columns of the current data the evaluation reads (a superset: weak-slice discovery
    /// chooses among the features only once the profile is known).
    pub columns: Vec<String>,
}

/// Loads the suite's models and lists the columns of the current data (`names`, with its
/// `schema` when the data is raw) the evaluation will read: target, predictions,
/// probabilities, weight, segments, protected attributes, slice columns, the models' inputs
/// and, for weak-slice discovery, the features.
pub fn plan(
    loaded: &LoadedSuite,
    names: &[String],
    schema: Option<&SchemaRef>,
) -> Result<EvalPlan, String> {
    let suite = &loaded.suite;
    let ev = &suite.evaluation;
    let load = |p: &String| Model::load(&loaded.resolve(p)).map_err(|e| e.to_string());
    let model = ev.model.as_ref().map(load).transpose()?;
    let baseline = ev.baseline_model.as_ref().map(load).transpose()?;
    let roles = &suite.roles;
    let mut wanted: Vec<String> = Vec::new();
    wanted.extend(roles.target.iter().cloned());
    wanted.extend(roles.prediction.iter().cloned());
    wanted.extend(roles.probabilities.iter().cloned());
    wanted.extend(roles.baseline_prediction.iter().cloned());
    wanted.extend(roles.baseline_probabilities.iter().cloned());
    wanted.extend(roles.weight.iter().cloned());
    wanted.extend(roles.segments.iter().cloned());
    wanted.extend(roles.protected.iter().cloned());
    for m in model.iter().chain(baseline.iter()) {
        // A model that cannot be bound fails when the frame is built, with its message.
        if let Ok(binding) = m.bind(names, ev.features.as_deref()) {
            wanted.extend(binding.all_columns());
        }
    }
    // A slice that does not parse fails when the frame is built, with its message.
    for text in schema.map_or(&[][..], |_| ev.slices.as_slice()) {
        if let Some(Ok(slice)) = schema.map(|schema| SliceExpr::parse(text, schema)) {
            wanted.extend(slice.columns);
        }
    }
    if suite.checks.iter().any(|e| e.check == "model.weak_slices") {
        wanted.extend(roles.features_of(names));
    }
    let columns = names
        .iter()
        .filter(|c| wanted.contains(c))
        .cloned()
        .collect();
    Ok(EvalPlan {
        model,
        baseline,
        columns,
    })
}

/// Builds the [`EvalContext`] from the plan's models and the current data's kept rows.
pub fn prepare(
    loaded: &LoadedSuite,
    plan: &EvalPlan,
    current: &Dataset,
) -> Result<EvalContext, String> {
    let suite = &loaded.suite;
    let ev = &suite.evaluation;
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
        model: plan.model.as_ref(),
        baseline_model: plan.baseline.as_ref(),
        discovery_columns,
        threads,
    })?;
    let requested = suite
        .checks
        .iter()
        .map(|e| (e.check.clone(), e.params.clone()))
        .collect();
    Ok(EvalContext::new(frame, requested))
}
