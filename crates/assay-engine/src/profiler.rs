//! One pass over a source producing its [`Profile`], partitions profiled in parallel.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arrow::array::{Array, AsArray};
use datafusion::logical_expr::{Expr, Partitioning};
use datafusion::prelude::ident;

use assay_stats::value_counter::DEFAULT_EXACT_CAP;
use assay_stats::{ColumnKind, ColumnProfile, ColumnState, Profile};

use crate::engine::Engine;
use crate::error::{read_error, EngineError, Result};
use crate::profile_udaf::ProfileAggregate;
use crate::roles::{infer_kind, DEFAULT_CATEGORICAL_MAX_DISTINCT};
use crate::source::{column_list, open_source, OpenedSource, SourceSpec};

/// Options of a profiling pass.
#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// Distinct values kept exactly per column before switching to sketches.
    pub exact_cap: usize,
    /// Integer columns with at most this many distinct values are categorical.
    pub categorical_max_distinct: u64,
    /// Kind overrides by column.
    pub kind_overrides: BTreeMap<String, ColumnKind>,
    /// Profile only these columns (default: all).
    pub columns: Option<Vec<String>>,
    /// Show a progress line on standard error (only drawn on a terminal).
    pub progress: bool,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        Self {
            exact_cap: DEFAULT_EXACT_CAP,
            categorical_max_distinct: DEFAULT_CATEGORICAL_MAX_DISTINCT,
            kind_overrides: BTreeMap::new(),
            columns: None,
            progress: false,
        }
    }
}

/// Opens and profiles a source.
pub async fn profile_source(
    engine: &Engine,
    spec: &SourceSpec,
    options: &ProfileOptions,
) -> Result<Profile> {
    let opened = open_source(engine.ctx(), spec).await?;
    profile_opened(&opened, options).await
}

/// Profiles an opened source in one parallel pass.
pub async fn profile_opened(opened: &OpenedSource, options: &ProfileOptions) -> Result<Profile> {
    let label = opened.spec.label();
    let schema = opened.schema.clone();
    let names: Vec<String> = match &options.columns {
        Some(cols) => {
            for c in cols {
                if schema.field_with_name(c).is_err() {
                    return Err(EngineError::Column {
                        column: c.clone(),
                        message: format!(
                            "{label} has no such column (columns: {})",
                            column_list(&schema)
                        ),
                    });
                }
            }
            cols.clone()
        }
        None => schema.fields().iter().map(|f| f.name().clone()).collect(),
    };
    let rows_seen = Arc::new(AtomicU64::new(0));
    let udaf = ProfileAggregate::udaf(options.exact_cap, rows_seen.clone());
    let aggregates: Vec<Expr> = names
        .iter()
        .enumerate()
        .map(|(i, n)| udaf.call(vec![ident(n)]).alias(format!("c{i}")))
        .collect();
    // Batches are dealt round-robin to one partial aggregate per core, so a file the reader
    // cannot split (one Parquet row group, one compressed CSV) is still profiled in parallel.
    let partitions = opened.df.task_ctx().session_config().target_partitions();
    let df = opened
        .df
        .clone()
        .repartition(Partitioning::RoundRobinBatch(partitions))
        .map_err(|e| read_error(&label, e))?
        .aggregate(vec![], aggregates)
        .map_err(|e| read_error(&label, e))?;

    if std::env::var_os("ASSAY_EXPLAIN").is_some() {
        if let Ok(plan) = df.clone().create_physical_plan().await {
            let text = datafusion::physical_plan::displayable(plan.as_ref()).indent(true);
            eprintln!("{text}");
        }
    }
    let progress = options
        .progress
        .then(|| spinner(&label, rows_seen.clone(), names.len()));
    let batches = crate::error::contain_read(&label, async {
        df.collect().await.map_err(|e| read_error(&label, e))
    })
    .await;
    if let Some((bar, ticker)) = progress {
        ticker.abort();
        bar.finish_and_clear();
    }
    let batches = batches?;
    let batch = batches.first().ok_or_else(|| EngineError::BadInput {
        path: label.clone(),
        message: "the profile query returned no rows".into(),
    })?;
    let mut columns = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let bin = batch.column(i).as_binary::<i32>();
        let state: ColumnState = if bin.is_null(0) {
            ColumnState::text()
        } else {
            serde_json::from_slice(bin.value(0)).map_err(|e| EngineError::BadInput {
                path: label.clone(),
                message: format!("column `{name}`: profile state: {e}"),
            })?
        };
        let field = schema
            .field_with_name(name)
            .map_err(|e| EngineError::Column {
                column: name.clone(),
                message: e.to_string(),
            })?;
        let kind = infer_kind(
            field.data_type(),
            &state,
            options.categorical_max_distinct,
            options.kind_overrides.get(name).copied(),
        );
        columns.push(ColumnProfile {
            name: name.clone(),
            data_type: field.data_type().to_string(),
            kind,
            state,
        });
    }
    let rows = columns.first().map_or(0, |c| c.state.rows);
    Ok(Profile::new(opened.spec.paths.clone(), rows, columns))
}

fn spinner(
    label: &str,
    rows_seen: Arc<AtomicU64>,
    columns: usize,
) -> (indicatif::ProgressBar, tokio::task::JoinHandle<()>) {
    let bar = indicatif::ProgressBar::hidden();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    let label = label.to_string();
    let b = bar.clone();
    let ticker = tokio::spawn(async move {
        // Short reads show nothing: the line appears after one second.
        tokio::time::sleep(Duration::from_secs(1)).await;
        b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        loop {
            let cells = rows_seen.load(Ordering::Relaxed);
            let rows = cells / columns.max(1) as u64;
            b.set_message(format!("profiling {label}: {rows} rows"));
            b.tick();
            tokio::time::sleep(Duration::from_millis(120)).await;
        }
    });
    (bar, ticker)
}
