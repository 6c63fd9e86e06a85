//! Cross-validation checks: the score of each metric over folds (`crossval.score`) and
//! whether the model beats a trivial predictor trained on the same folds
//! (`crossval.beats_baseline`). They share one cross-validation per run (see
//! [`crate::validation`]).

pub mod beats_baseline;
pub mod score;

use serde_json::{Map, Value};

use assay_report::details::crossval::FoldFigures;

use crate::check::{Check, Inputs};
use crate::suite::{CheckEntry, Suite};
use crate::validation::{CrossvalRun, ValidationNeeds};

/// Every cross-validation check.
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(score::CrossvalScore),
        Box::new(beats_baseline::BeatsBaseline),
    ]
}

/// Metric names an entry asks for with `params.metric` (text or list).
pub(crate) fn requested_metrics(params: &Map<String, Value>) -> Vec<String> {
    match params.get("metric") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// What a cross-validation check needs: the run, scoring the metrics it names.
pub(crate) fn crossval_needs(_suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
    ValidationNeeds {
        crossval: true,
        extra_metrics: requested_metrics(&entry.params),
        ..ValidationNeeds::default()
    }
}

/// The run prepared for this suite.
pub(crate) fn run_of<'a>(inputs: &'a Inputs) -> Result<&'a CrossvalRun, String> {
    inputs
        .validation
        .and_then(|v| v.crossval.as_ref())
        .ok_or_else(|| "internal: the cross-validation was not prepared".to_string())
}

/// Indices (into the run's metrics) of the metrics an entry is about: `params.metric`, else
/// every metric of the run.
pub(crate) fn selected(inputs: &Inputs, run: &CrossvalRun) -> Result<Vec<usize>, String> {
    let names = requested_metrics(inputs.params);
    if names.is_empty() {
        return Ok((0..run.metrics.len()).collect());
    }
    names
        .iter()
        .map(|n| {
            crate::checks::model::metric_named(n)
                .and_then(|s| run.metric_index(s.id))
                .ok_or_else(|| format!("params.metric: `{n}` is not a metric of this run"))
        })
        .collect()
}

/// Short metric name (`roc_auc`).
pub(crate) fn short(id: &str) -> &str {
    id.trim_start_matches("model.")
}

/// The per-fold table of metric `m`.
pub(crate) fn fold_table(run: &CrossvalRun, m: usize) -> Vec<FoldFigures> {
    run.folds
        .iter()
        .map(|f| FoldFigures {
            repeat: Some(f.repeat as u64),
            fold: Some(f.fold as u64),
            train_rows: Some(f.train_rows as u64),
            test_rows: Some(f.test_rows as u64),
            score: f.scores.get(m).copied().flatten(),
            train_score: f.train_scores.get(m).copied().flatten(),
            trivial_score: f.trivial_scores.get(m).copied().flatten(),
            seconds: Some(f.seconds),
            status: Some(if f.error.is_some() { "error" } else { "ok" }.to_string()),
            error: f.error.clone(),
        })
        .collect()
}

/// "2 of 5 folds failed (first: ...)" when folds failed.
pub(crate) fn failures(run: &CrossvalRun) -> Option<String> {
    let failed = run.failed();
    let first = failed.first()?;
    Some(format!(
        "{} of {} folds failed (first: {}){}",
        failed.len(),
        run.folds.len(),
        first.error.as_deref().unwrap_or("").trim_end(),
        if run.kept_files {
            ""
        } else {
            "; keep the fold files with --workdir DIR (validation.workdir)"
        }
    ))
}

/// Metrics in the target's unit (their gaps and spreads only mean something relative to
/// their size).
pub(crate) fn scale_dependent(id: &str) -> bool {
    matches!(
        id,
        "model.mae"
            | "model.mse"
            | "model.rmse"
            | "model.max_error"
            | "model.median_absolute_error"
    )
}
