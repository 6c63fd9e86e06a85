//! One pass over a source producing its [`Profile`], partitions profiled in parallel.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arrow::datatypes::{Field, Schema};
use datafusion::execution::SessionStateBuilder;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties, Partitioning};
use datafusion::prelude::{ident, DataFrame};
use futures::StreamExt;

use assay_stats::value_counter::DEFAULT_EXACT_CAP;
use assay_stats::{ColumnKind, ColumnProfile, ColumnState, Profile};

use crate::capture::{CaptureBuffers, CaptureSpec, CapturedValues};
use crate::engine::Engine;
use crate::error::{read_error, EngineError, Result};
use crate::format::DataFormat;
use crate::ordered::{split_numbered, KeptRows, KeptRun, RowStore, SequencedExec};
use crate::profile_udaf::{empty_state_for, update_state, value_class};
use crate::roles::{infer_kind, DEFAULT_CATEGORICAL_MAX_DISTINCT};
use crate::source::{column_list, open_source, OpenedSource, SourceSpec};
use crate::tap::BatchTap;

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
    /// Raw numeric values to keep from the same read (for exact checks).
    pub capture: Option<CaptureSpec>,
    /// Columns whose rows are kept in the source's order from the same read, for consumers
    /// that need every row in order (model evaluation, cross-validation, sensitivity, row
    /// checks): see [`crate::ordered`]. Held in memory up to
    /// [`ProfileOptions::keep_rows_memory_bytes`], the rest in a temporary file.
    pub keep_rows: Option<Vec<String>>,
    /// Bytes of [`ProfileOptions::keep_rows`]' rows held in memory; the rest goes to a
    /// temporary file ([`crate::ordered::RowStore`]).
    pub keep_rows_memory_bytes: usize,
}

/// Default of [`ProfileOptions::keep_rows_memory_bytes`]: 1 GiB.
pub const DEFAULT_KEEP_ROWS_MEMORY_BYTES: usize = 1 << 30;

impl Default for ProfileOptions {
    fn default() -> Self {
        Self {
            exact_cap: DEFAULT_EXACT_CAP,
            categorical_max_distinct: DEFAULT_CATEGORICAL_MAX_DISTINCT,
            kind_overrides: BTreeMap::new(),
            columns: None,
            progress: false,
            capture: None,
            keep_rows: None,
            keep_rows_memory_bytes: DEFAULT_KEEP_ROWS_MEMORY_BYTES,
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
    profile_and_capture(opened, options)
        .await
        .map(|(profile, _)| profile)
}

/// Profiles an opened source in one parallel pass, keeping from the same read the raw values
/// [`ProfileOptions::capture`] asks for.
pub async fn profile_and_capture(
    opened: &OpenedSource,
    options: &ProfileOptions,
) -> Result<(Profile, Option<Arc<CapturedValues>>)> {
    let read = profile_read(opened, options, None).await?;
    Ok((read.profile, read.captured))
}

/// What one profiling read produced.
pub struct ProfileRead {
    /// The profile.
    pub profile: Profile,
    /// The raw values [`ProfileOptions::capture`] asked for.
    pub captured: Option<Arc<CapturedValues>>,
    /// The tap handed to the read, fed every row and merged across partitions.
    pub tap: Option<Box<dyn BatchTap>>,
    /// The rows [`ProfileOptions::keep_rows`] asked for, in the source's order.
    pub rows: Option<Arc<KeptRows>>,
}

/// Profiles an opened source in one parallel pass, keeping the raw values
/// [`ProfileOptions::capture`] asks for and feeding every batch to `tap` as well.
pub async fn profile_read(
    opened: &OpenedSource,
    options: &ProfileOptions,
    tap: Option<Box<dyn BatchTap>>,
) -> Result<ProfileRead> {
    let label = opened.spec.label();
    let schema = opened.schema.clone();
    let names: Vec<String> = match &options.columns {
        Some(cols) => {
            for (i, c) in cols.iter().enumerate() {
                if cols[..i].contains(c) {
                    return Err(EngineError::Column {
                        column: c.clone(),
                        message: format!("{label}: the column is asked for twice"),
                    });
                }
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
    let mut empty = Vec::with_capacity(names.len());
    for name in &names {
        let field = schema
            .field_with_name(name)
            .map_err(|e| EngineError::Column {
                column: name.clone(),
                message: e.to_string(),
            })?;
        empty.push(
            empty_state_for(field.data_type(), options.exact_cap).ok_or_else(|| {
                EngineError::Column {
                    column: name.clone(),
                    message: format!("{label}: type {} cannot be profiled", field.data_type()),
                }
            })?,
        );
    }
    let progress = options
        .progress
        .then(|| spinner(&label, rows_seen.clone(), names.len()));
    let tracked = crate::progress::track(&label, rows_seen.clone(), names.len());
    let capture = options.capture.as_ref().map(|spec| {
        let numeric = |c: &String| {
            schema.field_with_name(c).is_ok_and(|f| {
                value_class(f.data_type()) == Some(crate::profile_udaf::ValueClass::Numeric)
            })
        };
        let kept: Vec<String> = match &spec.columns {
            Some(named) => named
                .iter()
                .filter(|c| names.contains(c) && numeric(c))
                .cloned()
                .collect(),
            None => names
                .iter()
                .filter(|c| numeric(c) && !spec.excluded.contains(c))
                .cloned()
                .collect(),
        };
        Arc::new(CapturedValues::new(kept, spec.memory_bytes, &label))
    });
    let keep: Option<Vec<usize>> = match &options.keep_rows {
        Some(cols) => Some(
            cols.iter()
                .map(|c| {
                    names
                        .iter()
                        .position(|n| n == c)
                        .ok_or_else(|| EngineError::Column {
                            column: c.clone(),
                            message: format!(
                                "{label} has no column `{c}` among those read (columns: {})",
                                column_list(&schema)
                            ),
                        })
                })
                .collect::<Result<_>>()?,
        ),
        None => None,
    };
    if let Some(tap) = &tap {
        if let Some(c) = tap.columns().into_iter().find(|c| !names.contains(c)) {
            return Err(EngineError::Column {
                column: c.clone(),
                message: format!(
                    "{label} has no column `{c}` among those read (columns: {})",
                    column_list(&schema)
                ),
            });
        }
    }
    let store = keep
        .as_ref()
        .map(|_| Arc::new(RowStore::new(options.keep_rows_memory_bytes)));
    opened.count_read();
    let partitions = opened.df.task_ctx().session_config().target_partitions();
    let groups = column_groups(
        names.len(),
        partitions,
        opened.format == DataFormat::Parquet
            && one_file(&opened.spec)
            && keep.is_none()
            && tap.is_none(),
    );
    let folded = if groups.len() > 1 {
        // Disjoint columns of one read, a group per scan, `partitions` scans at a time; the
        // first error ends the read (the other groups' tasks are aborted as they are dropped).
        let mut pending =
            futures::stream::iter(groups.into_iter().enumerate().map(|(index, range)| {
                let folded = fold_partitions(
                    opened,
                    &names[range.clone()],
                    empty[range].to_vec(),
                    rows_seen.clone(),
                    capture.clone(),
                    None,
                    Dealing::OneTaskPerScanPartition,
                );
                async move { (index, folded.await) }
            }))
            .buffer_unordered(partitions.max(1));
        let mut done = Vec::new();
        while let Some((index, folded)) = pending.next().await {
            done.push((index, folded?.0));
        }
        done.sort_unstable_by_key(|(index, _)| *index);
        let states: Vec<ColumnState> = done.into_iter().flat_map(|(_, s)| s).collect();
        // Separate scans of one file: every group must have seen the same rows.
        if let Some(odd) = states.iter().position(|s| s.rows != states[0].rows) {
            return Err(EngineError::BadInput {
                path: label,
                message: format!(
                    "column `{}` was read with {} rows and column `{}` with {}: the file \
                     changed while it was read",
                    names[0], states[0].rows, names[odd], states[odd].rows
                ),
            });
        }
        Ok((states, None, None))
    } else {
        fold_partitions(
            opened,
            &names,
            empty,
            rows_seen,
            capture.clone(),
            tap,
            match (keep.as_deref(), store) {
                (Some(keep), Some(store)) => Dealing::InOrder(keep, store),
                _ => Dealing::RoundRobin,
            },
        )
        .await
    };
    // The line goes as the read ends (or as the read is dropped half-way: see `Spinner`).
    drop(progress);
    drop(tracked);
    let (states, tap, kept_rows) = folded?;
    let mut columns = Vec::with_capacity(names.len());
    for (name, state) in names.iter().zip(states) {
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
    Ok(ProfileRead {
        profile: Profile::new(opened.spec.paths.clone(), rows, columns),
        captured: capture,
        tap,
        rows: kept_rows.map(Arc::new),
    })
}

/// Columns per scan past which a Parquet read is split into groups of columns
/// ([`column_groups`]).
const COLUMNS_PER_SCAN: usize = 64;

/// The ranges of the read's `columns` read by one scan each: one range (one scan of every
/// column) unless `splittable` and there are more than [`COLUMNS_PER_SCAN`] columns, which
/// are then split into even groups of at most that many, and at least one a core
/// (`partitions`) while groups keep 8 columns or more (a group is read by one task: see
/// [`Dealing::OneTaskPerScanPartition`]). A read is splittable when it is of one Parquet
/// file, without rows kept in order or a tap (both need whole rows): Parquet stores each
/// column apart, so the scans read disjoint bytes (the file is still read once) and a row
/// group is decoded by several scans at once instead of by one. A file of one row group is
/// otherwise decoded on one core, and its whole row group is held in memory while it is.
/// 1,000 columns x 200,000 rows (one row group): see bench/README.md. Sources of several
/// files are not split: their files already spread over the cores, and every scan would
/// list them and read their footers again.
fn column_groups(
    columns: usize,
    partitions: usize,
    splittable: bool,
) -> Vec<std::ops::Range<usize>> {
    let groups = if splittable && columns > COLUMNS_PER_SCAN {
        columns
            .div_ceil(COLUMNS_PER_SCAN)
            .max(partitions.min(columns / 8))
    } else {
        1
    };
    (0..groups)
        .map(|g| g * columns / groups..(g + 1) * columns / groups)
        .collect()
}

/// Aborts tasks when dropped (those still running when a read ends early, in an error or
/// because its caller stopped waiting; finished tasks are not affected).
struct AbortOnDrop(Vec<tokio::task::AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.iter().for_each(tokio::task::AbortHandle::abort);
    }
}

/// How a read's batches are dealt to the tasks that profile them.
enum Dealing<'a> {
    /// Round-robin to one task per core.
    RoundRobin,
    /// Each partition of the scan to its own task, rows numbered and the columns at these
    /// positions kept in the source's order in the store ([`crate::ordered`]).
    InOrder(&'a [usize], Arc<RowStore>),
    /// Each partition of the scan to its own task: a group of a wide file's columns
    /// ([`column_groups`]; the file is not split by row groups, so one task), read while
    /// other groups are read beside it, so that each column has one state (its exact counts
    /// fill and leave exact mode once, not once per task: on 1,000 columns x 200k rows that
    /// was a fifth of the work).
    OneTaskPerScanPartition,
}

/// True when `spec` names one file: one path, an existing local file, or a URL that is not
/// a collection (no trailing `/`, as DataFusion tells them) nor a glob.
fn one_file(spec: &SourceSpec) -> bool {
    match spec.paths.as_slice() {
        [path] if path.contains("://") => !path.ends_with('/') && !path.contains(['*', '?', '[']),
        [path] => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
        _ => false,
    }
}

/// Reads the columns `names` of `opened` once, batches dealt to tasks as `dealing` says
/// (round-robin to one task per core by default, so that a file the reader cannot split, one
/// Parquet row group or one compressed CSV, is still profiled in parallel). Each task folds
/// its batches into its own column states; the tasks' states are then merged in memory, in
/// their binary form: nothing is serialized on the way. Each task feeds its own copy of
/// `tap`; the copies are merged at the end.
async fn fold_partitions(
    opened: &OpenedSource,
    names: &[String],
    empty: Vec<ColumnState>,
    rows_seen: Arc<AtomicU64>,
    capture: Option<Arc<CapturedValues>>,
    mut tap: Option<Box<dyn BatchTap>>,
    dealing: Dealing<'_>,
) -> Result<PartitionsFolded> {
    let label = opened.spec.label();
    let (keep, store, grouped) = match dealing {
        Dealing::InOrder(keep, store) => (Some(keep), Some(store), false),
        Dealing::RoundRobin => (None, None, false),
        Dealing::OneTaskPerScanPartition => (None, None, true),
    };
    let partitions = opened.df.task_ctx().session_config().target_partitions();
    // Captured columns kept from their exact counts while they have them (see
    // `CaptureBuffers`): their states record how they leave exact mode.
    let mut empty = empty;
    let lazy: Vec<bool> = names
        .iter()
        .zip(empty.iter_mut())
        .map(|(name, state)| {
            let kept = capture.as_ref().is_some_and(|c| c.has(name));
            let data_type = opened
                .schema
                .field_with_name(name)
                .ok()
                .map(|f| f.data_type());
            let exact_type = data_type.is_some_and(crate::capture::lazily_captured);
            match state.as_numeric_mut() {
                Some(n) if kept && exact_type => {
                    n.record_exact_exit = true;
                    n.sketches_from_sorted =
                        data_type.is_some_and(crate::capture::sketched_from_sorted_copy);
                    true
                }
                _ => false,
            }
        })
        .collect();
    let streams = crate::error::contain_read(&label, async {
        let df = opened
            .df
            .clone()
            .select(names.iter().map(ident).collect::<Vec<Expr>>())
            .map_err(|e| read_error(&label, e))?;
        // Rows kept in order: no round-robin split inside the plan and no file moved from one
        // partition to another at run time (work stealing), so that file groups are
        // contiguous runs of the files, in order; every batch is numbered at the plan's top.
        //
        // A Parquet file read in no particular order is split by row group, so that several
        // partitions decode it at once (5 row groups on 2 cores: 3 and 2, dealt evenly by the
        // round-robin split below); 5M rows x 25 columns profiled in 1.85 s instead of 2.38.
        // Other formats are never split (see `Engine::new`), nor is a group of a wide file's
        // columns (`Dealing::OneTaskPerScanPartition`).
        let split_file = keep.is_none() && opened.format == DataFormat::Parquet;
        let df = if keep.is_some() || split_file {
            let (state, plan) = df.into_parts();
            let mut config = state.config().clone();
            if keep.is_some() {
                config = config.with_round_robin_repartition(false);
                let settings = config.options_mut();
                settings.execution.enable_file_stream_work_stealing = false;
                // Defaults today, pinned: neither regroups files out of their order.
                settings.execution.split_file_groups_by_statistics = false;
                settings.optimizer.preserve_file_partitions = 0;
                settings.optimizer.repartition_file_scans = false;
            } else {
                // A group of columns is not split by row groups: see `Dealing`.
                config.options_mut().optimizer.repartition_file_scans = !grouped;
                // Nothing here prunes or plans by statistics, and gathering them costs every
                // scan a search of the file's schema per column: with 5,000 columns read in
                // groups (`column_groups`), about 0.1 s of CPU per group.
                config.options_mut().execution.collect_statistics = false;
                // A group of a wide file's columns (`column_groups`) reads batches sized for
                // its own width.
                let (all_columns, session) = opened.batch_rows;
                let rows = crate::source::batch_rows_for(names.len(), session);
                if rows != all_columns {
                    config = config.with_batch_size(rows);
                }
            }
            let state = SessionStateBuilder::new_from_existing(state)
                .with_config(config)
                .build();
            DataFrame::new(state, plan)
        } else {
            df
        };
        let task_ctx = Arc::new(df.task_ctx());
        let plan = df
            .create_physical_plan()
            .await
            .map_err(|e| read_error(&label, e))?;
        if keep.is_some() {
            if let Some(node) = crate::ordered::mixing_node(&plan) {
                return Err(EngineError::BadInput {
                    path: label.clone(),
                    message: format!(
                        "internal: the ordered read's plan has a {node} below its row numbers \
                         (a bug in assay, not in the data: please report it)"
                    ),
                });
            }
        }
        let plan: Arc<dyn ExecutionPlan> = if keep.is_some() {
            Arc::new(SequencedExec::new(plan))
        } else {
            plan
        };
        // The round-robin split is added to the optimized plan: asked for in the logical
        // plan, DataFusion's optimizer drops it (nothing above it needs partitions), and a
        // file read as one partition would then be profiled on one core. Partitions that
        // are already as many as the cores are dealt round-robin too: a file split by row
        // groups gives uneven partitions (5 row groups on 2 cores: 3 and 2), and profiling,
        // not decoding, is most of the work. Ordered reads keep their partitions, and so does
        // a group of columns (the groups run side by side).
        let plan: Arc<dyn ExecutionPlan> = if grouped
            || (keep.is_some() && plan.output_partitioning().partition_count() >= partitions)
        {
            plan
        } else {
            Arc::new(
                RepartitionExec::try_new(plan, Partitioning::RoundRobinBatch(partitions))
                    .map_err(|e| read_error(&label, e))?,
            )
        };
        (0..plan.output_partitioning().partition_count())
            .map(|i| {
                plan.execute(i, task_ctx.clone())
                    .map_err(|e| read_error(&label, e))
            })
            .collect::<Result<Vec<_>>>()
    })
    .await?;
    let mut tasks = Vec::with_capacity(streams.len());
    for mut stream in streams {
        let mut states = empty.clone();
        let label = label.clone();
        let rows_seen = rows_seen.clone();
        let mut buffers = capture.as_ref().map(|c| {
            let positions: Vec<Option<usize>> = c
                .columns()
                .iter()
                .map(|name| names.iter().position(|n| n == name))
                .collect();
            CaptureBuffers::new(c.clone(), &positions, &lazy)
        });
        let mut tap = tap.as_ref().map(|t| t.fork());
        let keep = keep.map(<[usize]>::to_vec);
        let store = store.clone();
        let mut kept: Vec<(u64, KeptRun)> = Vec::new();
        tasks.push(tokio::spawn(async move {
            let folded = crate::error::contain_read(&label, async {
                while let Some(batch) = stream.next().await {
                    let batch = batch.map_err(|e| read_error(&label, e))?;
                    let batch = match (&keep, &store) {
                        (Some(keep), Some(store)) => {
                            let internal = |message: String| EngineError::BadInput {
                                path: label.clone(),
                                message: format!(
                                    "{message} (a bug in assay, not in the data: please report it)"
                                ),
                            };
                            let (runs, batch) = split_numbered(&batch).map_err(internal)?;
                            for (number, start, len) in runs {
                                let rows = batch
                                    .slice(start, len)
                                    .project(keep)
                                    .map_err(|e| internal(e.to_string()))?;
                                let run =
                                    store.keep(rows).map_err(|message| EngineError::BadInput {
                                        path: label.clone(),
                                        message,
                                    })?;
                                kept.push((number, run));
                            }
                            batch
                        }
                        _ => batch,
                    };
                    for (state, column) in states.iter_mut().zip(batch.columns()) {
                        update_state(state, column).map_err(|e| read_error(&label, e))?;
                    }
                    if let Some(buffers) = buffers.as_mut() {
                        buffers.push(batch.columns(), &mut states)?;
                    }
                    if let Some(tap) = tap.as_mut() {
                        tap.update(&batch)
                            .map_err(|message| EngineError::BadInput {
                                path: label.clone(),
                                message,
                            })?;
                    }
                    rows_seen.fetch_add(
                        (batch.num_rows() * batch.num_columns()) as u64,
                        Ordering::Relaxed,
                    );
                }
                if let Some(buffers) = buffers {
                    buffers.finish(&states)?;
                }
                Ok(())
            })
            .await;
            folded.map(|()| (states, tap, kept))
        }));
    }
    // A failed task ends the read: the others are aborted rather than left reading.
    let _abort = AbortOnDrop(tasks.iter().map(|t| t.abort_handle()).collect());
    let mut merged: Option<Vec<ColumnState>> = None;
    let mut kept: Vec<(u64, KeptRun)> = Vec::new();
    for task in tasks {
        let (states, part, part_kept) = task.await.map_err(|e| EngineError::BadInput {
            path: label.clone(),
            message: format!("the profiling task failed: {e}"),
        })??;
        kept.extend(part_kept);
        if let (Some(tap), Some(part)) = (tap.as_mut(), part) {
            tap.merge(part).map_err(|message| EngineError::BadInput {
                path: label.clone(),
                message,
            })?;
        }
        match merged.as_mut() {
            None => merged = Some(states),
            Some(into) => {
                for ((state, other), name) in into.iter_mut().zip(&states).zip(names) {
                    state.merge(other).map_err(|e| EngineError::Column {
                        column: name.clone(),
                        message: format!("{label}: merging partition states: {e}"),
                    })?;
                }
            }
        }
    }
    let mut merged = merged.unwrap_or(empty);
    for state in merged.iter_mut().filter_map(ColumnState::as_numeric_mut) {
        state.record_exact_exit = false;
        state.exact_exit = None;
    }
    if let Some(capture) = capture.as_ref() {
        complete_from_sorted_copies(&mut merged, names, capture, &label).await?;
    }
    let rows = match keep {
        None => None,
        Some(keep) => {
            let fields: Vec<Field> = keep
                .iter()
                .map(|&i| {
                    opened
                        .schema
                        .field_with_name(&names[i])
                        .cloned()
                        .map_err(|e| EngineError::Column {
                            column: names[i].clone(),
                            message: e.to_string(),
                        })
                })
                .collect::<Result<_>>()?;
            let store = store.and_then(|s| Arc::try_unwrap(s).ok()).ok_or_else(|| {
                EngineError::BadInput {
                    path: label.clone(),
                    message: "internal: the kept rows are still shared after the read".into(),
                }
            })?;
            let declared = Arc::new(Schema::new(fields));
            Some(
                KeptRows::from_numbered(declared, store, kept).map_err(|message| {
                    EngineError::BadInput {
                        path: label.clone(),
                        message,
                    }
                })?,
            )
        }
    };
    Ok((merged, tap, rows))
}

/// Sorts the kept values of every column whose sketches wait for them
/// ([`assay_stats::NumericState::sketches_from_sorted`]) and builds those sketches, one task
/// per column on the read's runtime (sorting is most of the work); the sorted copies stay in
/// the capture for the checks ([`CapturedValues::settle_sorted`]).
async fn complete_from_sorted_copies(
    states: &mut [ColumnState],
    names: &[String],
    capture: &Arc<CapturedValues>,
    label: &str,
) -> Result<()> {
    let mut tasks = Vec::new();
    for (i, (state, name)) in states.iter_mut().zip(names).enumerate() {
        let Some(numeric) = state.as_numeric_mut() else {
            continue;
        };
        if !numeric.sketches_from_sorted {
            continue;
        }
        if numeric.values.is_exact() {
            // Counted exactly: nothing to build, and nothing sorted before a check asks.
            numeric.sketches_from_sorted = false;
            continue;
        }
        let mut numeric = std::mem::take(numeric);
        let (capture, name, label) = (capture.clone(), name.clone(), label.to_string());
        tasks.push(tokio::spawn(async move {
            capture
                .settle_sorted(&name, |sorted| {
                    numeric
                        .complete_from_sorted(sorted)
                        .map_err(|message| EngineError::Column {
                            column: name.clone(),
                            message: format!(
                                "{label}: building the sketches from the kept values: {message} \
                                 (a bug in assay, not in the data: please report it)"
                            ),
                        })
                })
                .map(|()| (i, numeric))
        }));
    }
    let _abort = AbortOnDrop(tasks.iter().map(|t| t.abort_handle()).collect());
    for task in tasks {
        let (i, numeric) = task.await.map_err(|e| EngineError::BadInput {
            path: label.to_string(),
            message: format!("the task sorting kept values failed: {e}"),
        })??;
        if let Some(slot) = states.get_mut(i).and_then(ColumnState::as_numeric_mut) {
            *slot = numeric;
        }
    }
    Ok(())
}

/// The merged column states of a read, its merged tap and the rows it kept in order.
type PartitionsFolded = (
    Vec<ColumnState>,
    Option<Box<dyn BatchTap>>,
    Option<KeptRows>,
);

/// The progress line of a read, cleared when dropped: at the end of the read, or when the read
/// itself is dropped (a Python caller's Ctrl-C), so no line keeps drawing after it.
struct Spinner {
    bar: indicatif::ProgressBar,
    ticker: tokio::task::JoinHandle<()>,
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.ticker.abort();
        self.bar.finish_and_clear();
    }
}

fn spinner(label: &str, rows_seen: Arc<AtomicU64>, columns: usize) -> Spinner {
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
            let rows = rows_seen.load(Ordering::Relaxed) / columns.max(1) as u64;
            b.set_message(format!("profiling {label}: {rows} rows"));
            b.tick();
            tokio::time::sleep(Duration::from_millis(120)).await;
        }
    });
    Spinner { bar, ticker }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    /// Rows `0..n` of the test file: `few` (3 values, stays exact), `many` (distinct floats
    /// with nulls, NaN and infinities: leaves exact mode in its first batch), `late` (40
    /// values for 20,000 rows, then hundreds: leaves exact mode in a later batch, part way
    /// through it), `label` (text, not kept).
    fn columns(n: i64) -> Vec<ArrayRef> {
        let few = Int64Array::from_iter_values((0..n).map(|i| i % 3 - 1));
        let many = Float64Array::from_iter((0..n).map(|i| match i % 97 {
            0 => None,
            1 => Some(f64::NAN),
            2 => Some(f64::INFINITY),
            3 => Some(f64::NEG_INFINITY),
            4 => Some(-0.0),
            _ => Some(i as f64 * 0.25 - 1_000.0),
        }));
        let late = Int64Array::from_iter(
            (0..n).map(|i| (i % 11 != 0).then_some(if i < 20_000 { i % 40 } else { i % 700 })),
        );
        let label = StringArray::from_iter_values((0..n).map(|i| format!("l{}", i % 5)));
        vec![
            Arc::new(few),
            Arc::new(many),
            Arc::new(late),
            Arc::new(label),
        ]
    }

    /// A CSV file over DataFusion's 1 MiB split threshold, read by 4 partitions: an error on
    /// its last line names that line (a file split in byte ranges numbers the lines of every
    /// range from 1).
    #[tokio::test]
    async fn a_csv_file_is_read_whole_and_errors_name_the_true_line() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::new(Some(4));
        let bad = dir.path().join("bad.csv");
        let mut text = String::from("id,value\n");
        for i in 0..300_000u64 {
            text.push_str(&format!("{i},{}\n", i % 1000));
        }
        text.push_str("300000,1,extra\n");
        assert!(text.len() > 2 << 20);
        std::fs::write(&bad, &text).unwrap();
        let opened = open_source(engine.ctx(), &SourceSpec::path(bad.to_str().unwrap()))
            .await
            .unwrap();
        let error = profile_opened(&opened, &ProfileOptions::default())
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("bad.csv"), "{error}");
        assert!(error.contains("line 300002,"), "{error}");
    }

    #[tokio::test]
    async fn kept_values_are_every_finite_value_whether_counted_or_copied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("few", DataType::Int64, false),
            Field::new("many", DataType::Float64, true),
            Field::new("late", DataType::Int64, true),
            Field::new("label", DataType::Utf8, false),
        ]));
        let n = 50_000;
        let batch = RecordBatch::try_new(schema.clone(), columns(n)).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(12_000))
            .build();
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();

        // Budgets: every run in memory, and every run spilled (the spilled runs stay as they
        // are and are sorted again when the values are asked for).
        for (cap, threads, budget) in [
            (50, 2, usize::MAX),
            (50, 1, usize::MAX),
            (100_000, 2, usize::MAX),
            (50, 2, 0),
        ] {
            let engine = Engine::new(Some(threads));
            let opened = open_source(engine.ctx(), &SourceSpec::path(path.to_str().unwrap()))
                .await
                .unwrap();
            let options = ProfileOptions {
                exact_cap: cap,
                capture: Some(CaptureSpec {
                    columns: None,
                    excluded: Vec::new(),
                    memory_bytes: budget,
                }),
                ..ProfileOptions::default()
            };
            let (profile, captured) = profile_and_capture(&opened, &options).await.unwrap();
            let captured = captured.unwrap();
            assert_eq!(captured.columns(), ["few", "many", "late"]);
            assert_eq!(captured.spilled_bytes() > 0, budget == 0 && cap == 50);
            let exact = |name: &str| {
                profile
                    .columns
                    .iter()
                    .find(|c| c.name == name)
                    .and_then(|c| c.state.as_numeric())
                    .unwrap()
                    .values
                    .is_exact()
            };
            if cap == 50 {
                assert!(exact("few") && !exact("many") && !exact("late"));
            } else {
                assert!(exact("few") && exact("many") && exact("late"));
            }
            let arrays = columns(n);
            for (i, name) in ["few", "many", "late"].into_iter().enumerate() {
                let mut expected: Vec<f64> = Vec::new();
                let cast = arrow::compute::cast(&arrays[i], &DataType::Float64).unwrap();
                let floats = cast.as_any().downcast_ref::<Float64Array>().unwrap();
                expected.extend(floats.iter().flatten().filter(|v| v.is_finite()));
                expected.sort_by(f64::total_cmp);
                let kept = captured.sorted_values(name).unwrap().unwrap();
                // -0.0 is counted as 0.0: compare values, not bits.
                assert_eq!(kept.len(), expected.len(), "{name}, cap {cap}");
                assert!(
                    kept.iter().zip(&expected).all(|(a, b)| a == b),
                    "{name}, cap {cap}, {threads} threads"
                );
            }
            assert!(captured.values("label").unwrap().is_none());
            // `many` (floats past the cap) had its sketches built from the sorted copy after
            // the read: they summarise the same values as a read that keeps nothing.
            let plain = profile_opened(
                &opened,
                &ProfileOptions {
                    exact_cap: cap,
                    ..ProfileOptions::default()
                },
            )
            .await
            .unwrap();
            let many = |p: &Profile| {
                p.columns
                    .iter()
                    .find(|c| c.name == "many")
                    .and_then(|c| c.state.as_numeric())
                    .unwrap()
                    .clone()
            };
            let (kept, streamed) = (many(&profile), many(&plain));
            assert!(!kept.sketches_from_sorted);
            assert_eq!(
                (kept.nan, kept.pos_inf, kept.neg_inf, kept.moments.count),
                (
                    streamed.nan,
                    streamed.pos_inf,
                    streamed.neg_inf,
                    streamed.moments.count
                )
            );
            assert_eq!(kept.sketch.count(), streamed.sketch.count());
            let (a, b) = (
                kept.values.distinct() as f64,
                streamed.values.distinct() as f64,
            );
            assert!((a - b).abs() < 0.04 * b, "distinct {a} against {b}");
            let expected = captured.sorted_values("many").unwrap().unwrap();
            let n = expected.len() as f64;
            for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
                let x = kept.quantile(q).unwrap();
                let below = expected.partition_point(|v| *v < x) as f64 / n;
                let upto = expected.partition_point(|v| *v <= x) as f64 / n;
                assert!(
                    below - 0.01 <= q && q <= upto + 0.01,
                    "q {q}: {x}, cap {cap}"
                );
            }
        }
    }

    /// Rows kept from the profiling read come back in the files' order, whatever the number
    /// of threads: three files read as one, two or three file groups, with and without the
    /// round-robin split above them (four threads), Parquet, CSV and CSV with a null marker
    /// (converted by a projection above the reader). The truth is the rows as written; the
    /// read is counted once.
    #[tokio::test]
    async fn kept_rows_are_in_the_source_order_whatever_the_threads() {
        use arrow::array::{Array, AsArray};
        use arrow::datatypes::Int64Type;
        let dir = tempfile::tempdir().unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("few", DataType::Int64, false),
            Field::new("many", DataType::Float64, true),
            Field::new("late", DataType::Int64, true),
            Field::new("label", DataType::Utf8, false),
        ]));
        let n = 30_000;
        let all = RecordBatch::try_new(schema.clone(), columns(n)).unwrap();
        let (pq, csv, marked) = (
            dir.path().join("pq"),
            dir.path().join("csv"),
            dir.path().join("marked"),
        );
        for d in [&pq, &csv, &marked] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let part = all.slice(i * 10_000, 10_000);
            let file = std::fs::File::create(pq.join(format!("{name}.parquet"))).unwrap();
            let props = parquet::file::properties::WriterProperties::builder()
                .set_max_row_group_row_count(Some(3_000))
                .build();
            let mut writer =
                parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
            writer.write(&part).unwrap();
            writer.close().unwrap();
            let file = std::fs::File::create(csv.join(format!("{name}.csv"))).unwrap();
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            writer.write(&part).unwrap();
            // The same rows with a null marker (read as text, then converted per column).
            let late = part.column(2).as_primitive::<Int64Type>();
            let label = part.column(3).as_string::<i32>();
            let mut text = String::from("late,label\n");
            for r in 0..part.num_rows() {
                let cell = if late.is_null(r) {
                    "NA".to_string()
                } else {
                    late.value(r).to_string()
                };
                text.push_str(&format!("{cell},{}\n", label.value(r)));
            }
            std::fs::write(marked.join(format!("{name}.csv")), text).unwrap();
        }
        let truth_late = all.column(2).as_primitive::<Int64Type>().clone();
        let truth_label = all.column(3).as_string::<i32>().clone();
        // Every run in memory, then every run through the temporary file (Parquet strings
        // arrive as views, CSV ones as plain strings).
        let budgets = [DEFAULT_KEEP_ROWS_MEMORY_BYTES, 0];
        for (source, budget) in [&pq, &csv, &marked]
            .into_iter()
            .flat_map(|s| budgets.map(|b| (s, b)))
        {
            for threads in [1, 2, 3, 4] {
                let engine = Engine::new(Some(threads));
                let mut spec = SourceSpec::path(source.to_str().unwrap());
                if source == &marked {
                    spec.csv.null_values = vec!["NA".into()];
                }
                let opened = open_source(engine.ctx(), &spec).await.unwrap();
                let options = ProfileOptions {
                    keep_rows: Some(vec!["label".into(), "late".into()]),
                    keep_rows_memory_bytes: budget,
                    ..ProfileOptions::default()
                };
                let read = profile_read(&opened, &options, None).await.unwrap();
                let context = format!(
                    "{} with {threads} threads, {budget} bytes in memory",
                    source.display()
                );
                assert_eq!(opened.read_count(), 1, "{context}");
                assert_eq!(read.profile.rows, n as u64, "{context}");
                let rows = read.rows.unwrap();
                assert_eq!(rows.spilled_runs() > 0, budget == 0, "{context}");
                let kept = rows.concatenated().unwrap().unwrap();
                assert_eq!(kept.num_columns(), 2, "{context}");
                assert_eq!(kept.schema().field(0).name(), "label", "{context}");
                let label = arrow::compute::cast(kept.column(0), &DataType::Utf8).unwrap();
                assert_eq!(label.as_string::<i32>(), &truth_label, "{context}");
                let late = arrow::compute::cast(kept.column(1), &DataType::Int64).unwrap();
                assert_eq!(late.as_primitive::<Int64Type>(), &truth_late, "{context}");
            }
        }
    }

    #[test]
    fn only_wide_parquet_reads_of_whole_columns_are_split_in_even_groups() {
        let whole = |columns: usize| std::iter::once(0..columns).collect::<Vec<_>>();
        assert_eq!(column_groups(64, 2, true), whole(64));
        assert_eq!(column_groups(64, 16, true), whole(64));
        assert_eq!(column_groups(130, 2, false), whole(130));
        assert_eq!(column_groups(0, 2, true), whole(0));
        assert_eq!(column_groups(130, 2, true), vec![0..43, 43..86, 86..130]);
        assert_eq!(column_groups(1000, 2, true).len(), 16);
        // At least a group a core, while groups keep 8 columns.
        assert_eq!(column_groups(1000, 32, true).len(), 32);
        assert_eq!(column_groups(100, 8, true).len(), 8);
        assert_eq!(column_groups(100, 64, true).len(), 12);
        for (columns, partitions) in [(65, 2), (1000, 3), (999, 64), (5000, 2)] {
            let groups = column_groups(columns, partitions, true);
            assert_eq!(groups.first().map(|g| g.start), Some(0));
            assert_eq!(groups.last().map(|g| g.end), Some(columns));
            assert!(groups.windows(2).all(|w| w[0].end == w[1].start));
            assert!(groups
                .iter()
                .all(|g| g.len() <= COLUMNS_PER_SCAN && g.len() >= 8));
        }
    }

    #[test]
    fn only_one_file_is_split_in_column_groups() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.parquet");
        std::fs::write(&file, b"x").unwrap();
        let one = |paths: &[&str]| {
            one_file(&SourceSpec {
                paths: paths.iter().map(|p| p.to_string()).collect(),
                ..SourceSpec::path("")
            })
        };
        assert!(one(&[file.to_str().unwrap()]));
        assert!(!one(&[dir.path().to_str().unwrap()]));
        assert!(!one(&[file.to_str().unwrap(), file.to_str().unwrap()]));
        assert!(!one(&[dir
            .path()
            .join("missing.parquet")
            .to_str()
            .unwrap()]));
        assert!(one(&["s3://bucket/data/a.parquet"]));
        assert!(!one(&["s3://bucket/data/"]));
        assert!(!one(&["s3://bucket/data/*.parquet"]));
    }

    /// Writes `arrays` as a Parquet file of row groups of 12,000 rows.
    fn write_parquet(path: &std::path::Path, names: &[String], arrays: Vec<ArrayRef>) {
        let fields: Vec<Field> = names
            .iter()
            .zip(&arrays)
            .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays).unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(12_000))
            .build();
        let file = std::fs::File::create(path).unwrap();
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }

    /// 132 columns (33 copies of the 4 test columns) are read in 3 groups of columns, each
    /// scan its own: every column's profile and kept values are those of the same column
    /// read in a file of its 4 columns alone (one scan), in the file's order, and the source
    /// counts one read.
    #[tokio::test]
    async fn a_wide_parquet_file_read_in_column_groups_profiles_as_its_columns_alone() {
        let dir = tempfile::tempdir().unwrap();
        let n = 30_000;
        let base = ["few", "many", "late", "label"];
        let narrow = dir.path().join("narrow.parquet");
        let names: Vec<String> = base.iter().map(|b| b.to_string()).collect();
        write_parquet(&narrow, &names, columns(n));
        let wide = dir.path().join("wide.parquet");
        let wide_names: Vec<String> = (0..132).map(|i| format!("{}_{i}", base[i % 4])).collect();
        let wide_arrays: Vec<ArrayRef> = (0..33).flat_map(|_| columns(n)).collect();
        write_parquet(&wide, &wide_names, wide_arrays);
        assert_eq!(column_groups(wide_names.len(), 2, true).len(), 3);

        let engine = Engine::new(Some(2));
        let options = ProfileOptions {
            exact_cap: 50,
            capture: Some(CaptureSpec {
                columns: None,
                excluded: Vec::new(),
                memory_bytes: usize::MAX,
            }),
            ..ProfileOptions::default()
        };
        let read = |path: std::path::PathBuf| {
            let engine = &engine;
            let options = &options;
            async move {
                let opened = open_source(engine.ctx(), &SourceSpec::path(path.to_str().unwrap()))
                    .await
                    .unwrap();
                let (profile, captured) = profile_and_capture(&opened, options).await.unwrap();
                assert_eq!(opened.read_count(), 1);
                (profile, captured.unwrap())
            }
        };
        let (alone, alone_kept) = read(narrow).await;
        let (grouped, grouped_kept) = read(wide.clone()).await;
        let names_read: Vec<&str> = grouped.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names_read, wide_names);
        let twice = ProfileOptions {
            columns: Some(vec![wide_names[0].clone(), wide_names[0].clone()]),
            ..ProfileOptions::default()
        };
        let opened = open_source(engine.ctx(), &SourceSpec::path(wide.to_str().unwrap()))
            .await
            .unwrap();
        let error = profile_opened(&opened, &twice)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("asked for twice"), "{error}");
        assert_eq!(grouped.rows, n as u64);
        for (i, column) in grouped.columns.iter().enumerate() {
            let truth = &alone.columns[i % 4];
            let (got, want) = (&column.state, &truth.state);
            let context = &column.name;
            assert_eq!(column.kind, truth.kind, "{context}");
            assert_eq!((got.rows, got.nulls), (want.rows, want.nulls), "{context}");
            assert_eq!(got.non_finite(), want.non_finite(), "{context}");
            assert_eq!(
                got.distinct_is_exact(),
                want.distinct_is_exact(),
                "{context}"
            );
            if want.distinct_is_exact() {
                assert_eq!(got.distinct(), want.distinct(), "{context}");
            } else {
                // HyperLogLog estimates depend on how the rows were dealt to the partitions
                // (a union has no HIP estimator): within 5% (about 3 standard errors).
                let (g, w) = (got.distinct() as f64, want.distinct() as f64);
                assert!((g - w).abs() <= 0.05 * w, "{context}: {g} vs {w}");
            }
            if let (Some(g), Some(w)) = (got.as_numeric(), want.as_numeric()) {
                assert_eq!(g.moments.count, w.moments.count, "{context}");
                assert_eq!((g.min, g.max), (w.min, w.max), "{context}");
                let (gm, wm) = (g.moments.mean, w.moments.mean);
                assert!((gm - wm).abs() <= 1e-9 * wm.abs().max(1.0), "{context}");
                assert_eq!(
                    grouped_kept.sorted_values(&column.name).unwrap().unwrap(),
                    alone_kept.sorted_values(&truth.name).unwrap().unwrap(),
                    "{context}"
                );
            } else {
                assert_eq!(
                    got.top_values(10),
                    want.top_values(10),
                    "{context}: a text column"
                );
                assert!(grouped_kept.sorted_values(&column.name).unwrap().is_none());
            }
        }
    }
}
