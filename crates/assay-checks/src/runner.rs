//! Runs a suite: loads both datasets (one profiling pass each), plans the row passes the
//! checks need (at most one more pass per dataset, over the union of the columns they need),
//! measures, and applies conditions.

use std::any::Any;

use serde_json::Value;

use assay_engine::capture::CaptureSpec;
use assay_engine::scan::for_each_batch;
use assay_engine::{
    open_dataset, read_dataset, Dataset, Engine, EngineError, OpenedDataset, ProfileOptions,
};
use assay_report::{
    CheckResult, ColumnDistribution, DatasetInfo, Report, Status, Summary, REPORT_SCHEMA_VERSION,
};
use assay_runtime::fault::isolate;
use assay_stats::{ColumnKind, Histogram, Profile};

use crate::catalogue;
use crate::check::{Inputs, Measurement, Params, RowAccumulator, Side, TapInputs};
use crate::condition::{Condition, Verdict};
use crate::suite::{LoadedSuite, Severity, SuiteError};
use crate::taps::{TapResult, TapSet};

/// Why a run stopped (configuration or input): exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Invalid suite.
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// Unreadable data.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The model evaluation could not be set up (model file, binding, roles, slices).
    #[error("{suite}: {message}")]
    Evaluation {
        /// The suite file (or command).
        suite: String,
        /// What went wrong.
        message: String,
    },
    /// Model validation could not be set up (splitter, learner, trainer, model, budgets).
    #[error("{suite}: {message}")]
    Validation {
        /// The suite file (or command).
        suite: String,
        /// What went wrong.
        message: String,
    },
    /// Unreadable data named by a suite key (`data.current`, `data.reference`).
    #[error("{key} in {suite}")]
    Data {
        /// The suite key.
        key: &'static str,
        /// The suite file.
        suite: String,
        /// What went wrong.
        #[source]
        source: EngineError,
    },
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Show progress on a terminal.
    pub progress: bool,
}

/// Loads the data of a suite and runs every check.
pub async fn run_suite(
    engine: &Engine,
    loaded: &LoadedSuite,
    options: &RunOptions,
) -> Result<Report, RunError> {
    let suite = &loaded.suite;
    // Raw numeric values that checks want are kept from the profiling read itself (only when
    // both sides are raw data: against a saved profile, exact tests do not run).
    let raw_data = |spec: &assay_engine::SourceSpec| {
        !spec.paths.is_empty()
            && !matches!(spec.paths.as_slice(), [only] if engine.is_profile_source(only))
    };
    let both_raw =
        raw_data(&loaded.current_spec()) && loaded.reference_spec().as_ref().is_some_and(raw_data);
    let capture = suite
        .checks
        .iter()
        .filter(|_| both_raw)
        .filter_map(|e| catalogue::find(&e.check).and_then(|c| c.raw_numeric_need(e, &suite.roles)))
        .reduce(assay_engine::capture::CaptureSpec::union);
    let profile_options = ProfileOptions {
        exact_cap: suite.options.exact_distinct_cap,
        categorical_max_distinct: suite.options.categorical_max_distinct,
        kind_overrides: suite.roles.kind_overrides(),
        columns: None,
        progress: options.progress,
        capture,
        keep_rows: None,
        keep_rows_memory_bytes: suite.options.rows_memory_mib.saturating_mul(1 << 20),
    };
    let reference_spec = loaded.reference_spec();
    let current_spec = loaded.current_spec();
    let open_reference = async {
        match &reference_spec {
            Some(spec) => open_dataset(engine, spec, &profile_options).await.map(Some),
            None => Ok(None),
        }
    };
    let open_current = async {
        if current_spec.paths.is_empty() {
            // No data (for example `assay sensitivity` on declared input distributions).
            Ok(OpenedDataset::Profile(Dataset {
                label: "(no data)".into(),
                profile: assay_stats::Profile::new(Vec::new(), 0, Vec::new()),
                source: None,
                captured: None,
                rows: None,
            }))
        } else {
            open_dataset(engine, &current_spec, &profile_options).await
        }
    };
    let (reference, current) = tokio::join!(open_reference, open_current);
    let reference = reference.map_err(data_error(loaded, "data.reference"))?;
    let current = current.map_err(data_error(loaded, "data.current"))?;
    // Roles and columns are checked against the schema before anything is read.
    let columns = current.columns();
    let current_label = current_spec.label();
    suite
        .roles
        .validate(&columns, &current_label)
        .map_err(|e| match &e {
            EngineError::Column { column, .. } => {
                RunError::Suite(loaded.error_at(&[column.as_str()], e.to_string()))
            }
            _ => RunError::Engine(e),
        })?;
    for entry in &suite.checks {
        for c in entry.columns.iter().flatten() {
            if !columns.contains(c) {
                return Err(RunError::Suite(loaded.error_at(
                    &[c.as_str()],
                    format!(
                        "`{}` names column `{c}`, which {current_label} does not have{}",
                        entry.check,
                        assay_engine::roles::did_you_mean(c, &columns)
                    ),
                )));
            }
        }
    }
    let prepared = plan_row_consumers(loaded, &current, reference.as_ref())?;
    // Values of the current data alone, for checks whose bounds come from it.
    let has_reference = loaded.reference_spec().is_some();
    // Values of the reference alone, for checks whose figures come from its exact values.
    let reference_only = suite
        .checks
        .iter()
        .filter(|_| loaded.reference_spec().as_ref().is_some_and(raw_data))
        .filter_map(|e| {
            catalogue::find(&e.check).and_then(|c| c.reference_values_need(e, &suite.roles))
        })
        .reduce(assay_engine::capture::CaptureSpec::union);
    let current_only = suite
        .checks
        .iter()
        .filter(|_| raw_data(&loaded.current_spec()))
        .filter_map(|e| {
            catalogue::find(&e.check)
                .and_then(|c| c.current_values_need(e, &suite.roles, has_reference))
        })
        .reduce(assay_engine::capture::CaptureSpec::union);
    let side_options = |keep: &Option<Vec<String>>, only: Option<&CaptureSpec>| {
        let capture = match (profile_options.capture.clone(), only.cloned()) {
            (Some(both), Some(only)) => Some(both.union(only)),
            (both, only) => both.or(only),
        };
        ProfileOptions {
            keep_rows: keep.clone(),
            capture,
            ..profile_options.clone()
        }
    };
    let (mut current, mut reference, tapped) = read_sides(
        loaded,
        current,
        reference,
        &side_options(&prepared.keep_current, current_only.as_ref()),
        &side_options(&prepared.keep_reference, reference_only.as_ref()),
    )
    .await?;
    let name = suite.name.clone().unwrap_or_else(|| loaded.path.clone());
    let results = run_checks(loaded, &mut current, reference.as_mut(), tapped, prepared).await?;
    Ok(build_report(
        name,
        &current,
        reference.as_ref(),
        results,
        suite.options.histogram_bins,
    ))
}

/// What the checks that need every row in order (model evaluation, validation) asked of the
/// reads, planned before them so that each side is read once.
struct RowConsumers {
    /// The evaluation's models and columns, or the fault that kept them from being planned.
    evaluation: Option<Result<crate::evaluation::EvalPlan, String>>,
    /// What the validation checks need.
    validation: crate::validation::ValidationNeeds,
    /// Columns of the current data kept in order by its read.
    keep_current: Option<Vec<String>>,
    /// Columns of the reference data kept in order by its read.
    keep_reference: Option<Vec<String>>,
    /// Whether checks' row passes are fed from the current data's kept rows
    /// ([`crate::check::Check::kept_rows_need`]).
    passes_on_kept_rows: bool,
}

/// Plans the evaluation (its models loaded, its columns listed) and the validation's needs,
/// and from them the rows each read keeps.
fn plan_row_consumers(
    loaded: &LoadedSuite,
    current: &OpenedDataset,
    reference: Option<&OpenedDataset>,
) -> Result<RowConsumers, RunError> {
    let suite = &loaded.suite;
    let checks = suite_checks(suite);
    let evaluation = if checks.iter().flatten().any(|c| c.needs_evaluation()) {
        let columns = current.columns();
        match isolate(|| crate::evaluation::plan(loaded, &columns, current.schema())) {
            Ok(planned) => Some(Ok(planned.map_err(|message| RunError::Evaluation {
                suite: loaded.path.clone(),
                message,
            })?)),
            Err(fault) => Some(Err(format!("preparing the model evaluation: {fault}"))),
        }
    } else {
        None
    };
    let mut validation = crate::validation::ValidationNeeds::default();
    for (check, entry) in checks.iter().zip(&suite.checks) {
        if let Some(check) = check {
            validation.merge(check.validation_needs(suite, entry));
        }
    }
    let every_column = |d: &OpenedDataset| d.schema().map(|_| d.columns());
    let folds_on = suite.validation.data;
    let folds = validation.crossval || !validation.unseen_segments.is_empty();
    let keep_current = if validation.analysis
        || validation.benchmark
        || (folds && folds_on == crate::sections::DataSide::Current)
    {
        every_column(current)
    } else {
        match &evaluation {
            Some(Ok(plan)) if current.schema().is_some() => Some(plan.columns.clone()),
            _ => None,
        }
    };
    let keep_reference = if folds && folds_on == crate::sections::DataSide::Reference {
        reference.and_then(every_column)
    } else {
        None
    };
    // Row passes declared before the read ride on it: their columns are kept too.
    let mut pass_columns: Vec<String> = Vec::new();
    for (i, check) in checks.iter().enumerate() {
        let Some(check) = check else { continue };
        let inputs = tap_inputs(loaded, i, current, reference, None);
        if let Ok(Some(columns)) = isolate(|| check.kept_rows_need(&inputs)) {
            for c in columns {
                if !pass_columns.contains(&c) {
                    pass_columns.push(c);
                }
            }
        }
    }
    let passes_on_kept_rows = !pass_columns.is_empty() && current.schema().is_some();
    let keep_current = match keep_current {
        _ if !passes_on_kept_rows => keep_current,
        None => Some(pass_columns),
        Some(mut keep) => {
            for c in pass_columns {
                if !keep.contains(&c) {
                    keep.push(c);
                }
            }
            Some(keep)
        }
    };
    Ok(RowConsumers {
        evaluation,
        validation,
        keep_current,
        keep_reference,
        passes_on_kept_rows,
    })
}

/// The check of every suite entry (`None` for an unknown id, refused when the suite loaded).
fn suite_checks(suite: &crate::suite::Suite) -> Vec<Option<Box<dyn crate::check::Check>>> {
    suite
        .checks
        .iter()
        .map(|e| catalogue::find(&e.check))
        .collect()
}

/// An unreadable dataset named by suite key `key`.
fn data_error(loaded: &LoadedSuite, key: &'static str) -> impl FnOnce(EngineError) -> RunError {
    let suite = loaded.path.clone();
    move |source: EngineError| RunError::Data { key, suite, source }
}

/// The finished tap accumulators of one suite entry, in the order its check planned them, or
/// why they could not be computed.
type EntryTaps = Result<Vec<Box<dyn RowAccumulator>>, String>;

/// Reads each side once, every check's taps riding on the reads: both sides at the same time,
/// or the reference first when a check's taps need the reference's profile (its bounds).
async fn read_sides(
    loaded: &LoadedSuite,
    current: OpenedDataset,
    reference: Option<OpenedDataset>,
    current_options: &ProfileOptions,
    reference_options: &ProfileOptions,
) -> Result<(Dataset, Option<Dataset>, Vec<Option<EntryTaps>>), RunError> {
    let suite = &loaded.suite;
    let checks = suite_checks(suite);
    let reference_is_raw = matches!(reference, Some(OpenedDataset::Source(_)));
    let staged = reference_is_raw && checks.iter().flatten().any(|c| c.taps_after_reference());
    let mut planned: Vec<Option<Result<(), String>>> = (0..checks.len()).map(|_| None).collect();
    let mut current_taps = TapSet::default();
    let mut reference_taps = TapSet::default();
    {
        let saved_reference = match &reference {
            Some(OpenedDataset::Profile(d)) => Some(d),
            _ => None,
        };
        let mut sets = Sides {
            current: (&mut current_taps, current.schema()),
            reference: (
                &mut reference_taps,
                reference.as_ref().and_then(|r| r.schema()),
            ),
        };
        for (i, check) in checks.iter().enumerate() {
            let Some(check) = check else { continue };
            if staged && check.taps_after_reference() {
                continue;
            }
            let inputs = tap_inputs(loaded, i, &current, reference.as_ref(), saved_reference);
            planned[i] = plan_taps(loaded, i, check.as_ref(), &inputs, &mut sets, false)?;
        }
    }
    let read = |opened: OpenedDataset, set: TapSet, key: &'static str| async move {
        let options = match key {
            "data.reference" => reference_options,
            _ => current_options,
        };
        // A set with no live accumulator is not handed to the read, but is kept: its slots
        // carry the errors found while planning (a column a side lacks).
        let (tap, kept) = if set.is_empty() {
            (None, Some(set))
        } else {
            (
                Some(Box::new(set) as Box<dyn assay_engine::tap::BatchTap>),
                None,
            )
        };
        let (dataset, tap) = read_dataset(opened, options, tap)
            .await
            .map_err(data_error(loaded, key))?;
        let set = match (tap, kept) {
            (Some(t), _) => *t.into_any().downcast::<TapSet>().map_err(|_| {
                RunError::Engine(EngineError::BadInput {
                    path: dataset.label.clone(),
                    message: "internal: the read returned another tap".into(),
                })
            })?,
            (None, Some(kept)) => kept,
            (None, None) => TapSet::default(),
        };
        Ok::<_, RunError>((dataset, set))
    };
    let (current, reference, finished) = if staged {
        let Some(opened_reference) = reference else {
            unreachable!("staged only with a raw reference")
        };
        let (reference, reference_set) =
            read(opened_reference, reference_taps, "data.reference").await?;
        {
            let mut sets = Sides {
                current: (&mut current_taps, current.schema()),
                reference: (&mut TapSet::default(), None),
            };
            for (i, check) in checks.iter().enumerate() {
                let Some(check) = check else { continue };
                if !check.taps_after_reference() {
                    continue;
                }
                let opened_reference = None;
                let inputs = tap_inputs(loaded, i, &current, opened_reference, Some(&reference));
                planned[i] = plan_taps(loaded, i, check.as_ref(), &inputs, &mut sets, true)?;
            }
        }
        let (current, current_set) = read(current, current_taps, "data.current").await?;
        let mut finished = reference_set.finish();
        finished.extend(current_set.finish());
        (current, Some(reference), finished)
    } else {
        let read_reference = async {
            match reference {
                Some(opened) => read(opened, reference_taps, "data.reference")
                    .await
                    .map(|(d, set)| (Some(d), set)),
                None => Ok((None, TapSet::default())),
            }
        };
        let (reference, current) =
            tokio::join!(read_reference, read(current, current_taps, "data.current"));
        let (reference, reference_set) = reference?;
        let (current, current_set) = current?;
        let mut finished = reference_set.finish();
        finished.extend(current_set.finish());
        (current, reference, finished)
    };
    Ok((current, reference, gather_taps(planned, finished)))
}

/// The tap sets of both sides, with the schemas their columns are checked against.
struct Sides<'a, 's> {
    current: (&'a mut TapSet, Option<&'s arrow::datatypes::SchemaRef>),
    reference: (&'a mut TapSet, Option<&'s arrow::datatypes::SchemaRef>),
}

fn tap_inputs<'a>(
    loaded: &'a LoadedSuite,
    i: usize,
    current: &'a OpenedDataset,
    reference: Option<&'a OpenedDataset>,
    profiled_reference: Option<&'a Dataset>,
) -> TapInputs<'a> {
    let entry = &loaded.suite.checks[i];
    TapInputs {
        current: current.schema(),
        reference_schema: reference.and_then(|r| r.schema()),
        reference: profiled_reference,
        has_reference: loaded.reference_spec().is_some(),
        roles: &loaded.suite.roles,
        columns: entry.columns.as_deref(),
        params: Params(&entry.params),
    }
}

/// Asks check `i` for its taps and files them; `Some(Ok)` when it has taps, `Some(Err)` when
/// planning them failed (the check's result is then an error), `None` when it has none.
fn plan_taps(
    loaded: &LoadedSuite,
    i: usize,
    check: &dyn crate::check::Check,
    inputs: &TapInputs,
    sets: &mut Sides,
    current_only: bool,
) -> Result<Option<Result<(), String>>, RunError> {
    match isolate(|| check.taps(inputs)).and_then(|r| r) {
        Err(e) if e.starts_with("params.") => Err(param_error(loaded, i, e)),
        Err(e) => Ok(Some(Err(e))),
        Ok(None) => Ok(None),
        Ok(Some(passes)) => {
            for (position, pass) in passes.into_iter().enumerate() {
                let (set, schema) = match pass.side {
                    Side::Current => (&mut *sets.current.0, sets.current.1),
                    Side::Reference if !current_only => (&mut *sets.reference.0, sets.reference.1),
                    Side::Reference => {
                        return Ok(Some(Err(
                            "internal: a check reading after the reference planned a pass on it"
                                .into(),
                        )))
                    }
                };
                let Some(schema) = schema else {
                    return Ok(Some(Err(
                        "internal: a row pass planned on a saved profile".into()
                    )));
                };
                set.add(i, position, pass.side, pass.accumulator, schema);
            }
            Ok(Some(Ok(())))
        }
    }
}

/// Hands each entry its finished tap accumulators, in the order its check planned them.
fn gather_taps(
    planned: Vec<Option<Result<(), String>>>,
    finished: Vec<TapResult>,
) -> Vec<Option<EntryTaps>> {
    let mut by_entry: Vec<Vec<TapResult>> = planned.iter().map(|_| Vec::new()).collect();
    for r in finished {
        if let Some(v) = by_entry.get_mut(r.entry) {
            v.push(r);
        }
    }
    planned
        .into_iter()
        .zip(by_entry)
        .map(|(plan, mut results)| {
            let plan = plan?;
            Some(plan.and_then(|()| {
                results.sort_by_key(|r| r.position);
                results.into_iter().map(|r| r.outcome).collect()
            }))
        })
        .collect()
}

struct Planned {
    entry: usize,
    passes: Vec<(Side, Box<dyn RowAccumulator>)>,
    error: Option<String>,
    /// Passes done on the profiling reads (taps), already finished.
    finished: Option<EntryTaps>,
}

/// Runs every check. The rows kept in order for the evaluation and the validation are
/// released once those are prepared (what they keep of them, they hold themselves), but for
/// the row passes that ride on them ([`crate::check::Check::kept_rows_need`]), which get them
/// next; they are released before the checks measure.
async fn run_checks(
    loaded: &LoadedSuite,
    current: &mut Dataset,
    mut reference: Option<&mut Dataset>,
    mut tapped: Vec<Option<EntryTaps>>,
    prepared: RowConsumers,
) -> Result<Vec<CheckResult>, RunError> {
    let suite = &loaded.suite;
    let checks = suite_checks(suite);
    let conditions: Vec<Condition> = suite
        .checks
        .iter()
        .map(|e| loaded.condition_of(e, reference.is_some()))
        .collect();
    // A panic while preparing shared inputs fails the checks that need them (an `error`
    // result each), not the run; a configuration problem is still a RunError.
    let mut evaluation_fault: Option<String> = None;
    let evaluation = match &prepared.evaluation {
        None => None,
        Some(Err(fault)) => {
            evaluation_fault = Some(fault.clone());
            None
        }
        Some(Ok(plan)) => match isolate(|| crate::evaluation::prepare(loaded, plan, &*current)) {
            Ok(ready) => Some(ready.map_err(|message| RunError::Evaluation {
                suite: loaded.path.clone(),
                message,
            })?),
            Err(fault) => {
                evaluation_fault = Some(format!("preparing the model evaluation: {fault}"));
                None
            }
        },
    };
    let needs = prepared.validation;
    let mut validation_fault: Option<String> = None;
    let validation = if needs.any() {
        let sides = (&*current, reference.as_deref());
        match isolate(|| crate::validation::prepare(loaded, sides.0, sides.1, &needs)) {
            Ok(prepared) => Some(prepared.map_err(|message| RunError::Validation {
                suite: loaded.path.clone(),
                message,
            })?),
            Err(fault) => {
                validation_fault = Some(format!("preparing the model validation: {fault}"));
                None
            }
        }
    } else {
        None
    };
    // The kept rows are released, but for the row passes that ride on them.
    let pass_rows = match current.rows.take() {
        Some(mut rows) if prepared.passes_on_kept_rows => {
            if let Some(rows) = std::sync::Arc::get_mut(&mut rows) {
                rows.keep_concatenated_only();
            }
            Some(rows)
        }
        _ => None,
    };
    if let Some(r) = reference.as_mut() {
        r.rows = None;
    }
    let current: &Dataset = current;
    let reference: Option<&Dataset> = reference.map(|r| &*r);
    // The fault, if any, that keeps check `i` from running.
    let fault_of = |i: usize| -> Option<String> {
        let check = checks[i].as_ref()?;
        if check.needs_evaluation() {
            if let Some(f) = &evaluation_fault {
                return Some(f.clone());
            }
        }
        if check.validation_needs(suite, &suite.checks[i]).any() {
            if let Some(f) = &validation_fault {
                return Some(f.clone());
            }
        }
        None
    };
    let inputs_of = |i: usize| Inputs {
        current,
        reference,
        roles: &suite.roles,
        columns: suite.checks[i].columns.as_deref(),
        params: &suite.checks[i].params,
        condition: &conditions[i],
        condition_is_explicit: suite.checks[i].condition.is_some(),
        evaluation: evaluation.as_ref(),
        validation: validation.as_ref(),
        kept_rows: None,
    };
    // Row passes are planned with the kept rows in view.
    let planning_inputs = |i: usize| Inputs {
        kept_rows: pass_rows.as_deref(),
        ..inputs_of(i)
    };
    // Plan the row passes.
    let mut planned: Vec<Planned> = Vec::new();
    for (i, check) in checks.iter().enumerate() {
        let Some(check) = check else { continue };
        if let Some(fault) = fault_of(i) {
            planned.push(Planned {
                entry: i,
                passes: Vec::new(),
                error: Some(fault),
                finished: None,
            });
            continue;
        }
        if let Some(taps) = tapped[i].take() {
            planned.push(Planned {
                entry: i,
                passes: Vec::new(),
                error: None,
                finished: Some(taps),
            });
            continue;
        }
        match isolate(|| check.row_passes(&planning_inputs(i))).and_then(|r| r) {
            Err(e) if e.starts_with("params.") => return Err(param_error(loaded, i, e)),
            Ok(p) => planned.push(Planned {
                entry: i,
                passes: p.into_iter().map(|rp| (rp.side, rp.accumulator)).collect(),
                error: None,
                finished: None,
            }),
            Err(e) => planned.push(Planned {
                entry: i,
                passes: Vec::new(),
                error: Some(e),
                finished: None,
            }),
        }
    }
    // One scan per (group, side) over the union of the columns its accumulators need.
    let mut groups: Vec<usize> = planned
        .iter()
        .flat_map(|p| p.passes.iter().map(|(_, a)| a.scan_group()))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        for side in [Side::Reference, Side::Current] {
            scan_side(
                &mut planned,
                side,
                group,
                current,
                reference,
                pass_rows.as_deref(),
            )
            .await?;
        }
    }
    // The kept rows have fed every pass: released before the checks measure (and train).
    drop(pass_rows);
    // Measure and decide.
    let mut by_entry: Vec<Option<Planned>> = (0..suite.checks.len()).map(|_| None).collect();
    for p in planned {
        let i = p.entry;
        by_entry[i] = Some(p);
    }
    let mut results = Vec::new();
    for (i, entry) in suite.checks.iter().enumerate() {
        // A cancelled call (a Python caller's Ctrl-C) measures nothing more.
        assay_runtime::cancel::checkpoint();
        let Some(check) = &checks[i] else { continue };
        let severity = entry.severity.unwrap_or_default();
        let condition = &conditions[i];
        let plan = by_entry[i].take();
        let measurements = match plan {
            Some(Planned { error: Some(e), .. }) => Err(e),
            Some(Planned {
                finished: Some(taps),
                ..
            }) => taps.and_then(|finished| {
                isolate(|| {
                    assay_runtime::fault::inject("check-measure", check.id());
                    let finished = finished.into_iter().map(|a| a.into_any()).collect();
                    check.measure(&inputs_of(i), finished)
                })
                .and_then(|r| r)
            }),
            Some(Planned { passes, .. }) => isolate(|| {
                assay_runtime::fault::inject("check-measure", check.id());
                let finished: Vec<Box<dyn Any>> =
                    passes.into_iter().map(|(_, a)| a.into_any()).collect();
                check.measure(&inputs_of(i), finished)
            })
            .and_then(|r| r),
            None => isolate(|| {
                assay_runtime::fault::inject("check-measure", check.id());
                check.measure(&inputs_of(i), Vec::new())
            })
            .and_then(|r| r),
        };
        match measurements {
            Err(e) if e.starts_with("params.") => return Err(param_error(loaded, i, e)),
            Ok(ms) => results.extend(
                ms.into_iter()
                    .map(|m| decide(check.id(), m, condition, severity, reference.is_some())),
            ),
            Err(e) => results.push(decide(
                check.id(),
                Measurement::error(None, e),
                condition,
                severity,
                reference.is_some(),
            )),
        }
    }
    Ok(results)
}

/// Feeds the accumulators of `group` on `side` their rows, then finishes them. On the current
/// side, the accumulators whose columns are all in `kept` (the rows its profiling read kept in
/// order) are fed from them, in row order, with no read; the others (if any) share one scan of
/// the source over the union of their columns.
async fn scan_side(
    planned: &mut [Planned],
    side: Side,
    group: usize,
    current: &Dataset,
    reference: Option<&Dataset>,
    kept: Option<&assay_engine::ordered::KeptRows>,
) -> Result<(), RunError> {
    let dataset = match side {
        Side::Current => Some(current),
        Side::Reference => reference,
    };
    let Some(source) = dataset.and_then(|d| d.source.as_ref()) else {
        return Ok(());
    };
    let kept = kept.filter(|_| side == Side::Current);
    let on_kept =
        |a: &dyn RowAccumulator| kept.is_some_and(|k| a.columns().iter().all(|c| k.has(c)));
    let wanted = |s: &Side, a: &dyn RowAccumulator| *s == side && a.scan_group() == group;
    // The union of the columns of the accumulators fed from kept rows (`true`) or a scan.
    let columns_of = |planned: &[Planned], from_kept: bool| {
        let mut cols: Vec<String> = Vec::new();
        for p in planned.iter().filter(|p| p.error.is_none()) {
            for (s, acc) in &p.passes {
                if wanted(s, acc.as_ref()) && on_kept(acc.as_ref()) == from_kept {
                    for c in acc.columns() {
                        if !cols.contains(&c) {
                            cols.push(c);
                        }
                    }
                }
            }
        }
        cols
    };
    // Feeds one batch (holding `cols`) to the accumulators fed the same way.
    let feed = |planned: &mut [Planned], batch: &arrow::array::RecordBatch, from_kept: bool| {
        for p in planned.iter_mut().filter(|p| p.error.is_none()) {
            let mut failed = None;
            for (s, acc) in p.passes.iter_mut() {
                if wanted(s, acc.as_ref()) && on_kept(acc.as_ref()) == from_kept {
                    if let Err(e) = isolate(|| acc.update(batch)).and_then(|r| r) {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if failed.is_some() {
                p.error = failed;
            }
        }
    };
    if let Some(kept) = kept {
        let cols = columns_of(planned, true);
        if !cols.is_empty() {
            let failed = |message: String| {
                RunError::Engine(EngineError::BadInput {
                    path: current.label.clone(),
                    message,
                })
            };
            let indices = kept.indices(&cols).map_err(failed)?;
            kept.for_each_batch(|batch| {
                let batch = batch.project(&indices).map_err(|e| e.to_string())?;
                feed(planned, &batch, true);
                Ok(())
            })
            .map_err(failed)?;
        }
    }
    let cols = columns_of(planned, false);
    if !cols.is_empty() {
        for_each_batch(source, &cols, |batch| {
            feed(planned, batch, false);
            Ok(())
        })
        .await?;
    }
    for p in planned.iter_mut().filter(|p| p.error.is_none()) {
        let mut failed = None;
        for (s, acc) in p.passes.iter_mut() {
            if wanted(s, acc.as_ref()) {
                if let Err(e) = isolate(|| acc.finish()).and_then(|r| r) {
                    failed = Some(e);
                    break;
                }
            }
        }
        if failed.is_some() {
            p.error = failed;
        }
    }
    Ok(())
}

/// A bad parameter value is a configuration error: exit 2, with the suite line of the key.
fn param_error(loaded: &LoadedSuite, entry: usize, message: String) -> RunError {
    let key = message
        .trim_start_matches("params.")
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("params")
        .to_string();
    let check = &loaded.suite.checks[entry].check;
    // The first line naming the key after the entry's `check:` line.
    let start = crate::suite::line_of(&loaded.text, &[check.as_str()]).unwrap_or(1);
    let line = loaded
        .text
        .lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            l.contains(&format!("{key}:"))
                || l.contains(&format!("{key} ="))
                || l.contains(&format!("\"{key}\""))
        })
        .map(|(i, _)| i + 1)
        .or(Some(start))
        // A suite built in memory (`assay drift`) has no lines to point at.
        .filter(|_| !loaded.text.is_empty());
    RunError::Suite(SuiteError {
        path: loaded.path.clone(),
        line,
        message: format!("`{check}`: {message}"),
    })
}

/// Applies a condition to a measurement.
pub fn decide(
    id: &str,
    m: Measurement,
    condition: &Condition,
    severity: Severity,
    has_reference: bool,
) -> CheckResult {
    let condition = m.condition.as_ref().unwrap_or(condition);
    let mut result = CheckResult {
        id: id.to_string(),
        column: m.column.clone(),
        status: Status::Pass,
        value: m.value.filter(|v| v.is_finite()),
        threshold: None,
        condition: Some(condition.to_string()),
        severity: severity.as_str().to_string(),
        message: m.message.clone(),
        details: m.details.clone(),
    };
    if let Some(r) = m.reference_value {
        result
            .details
            .entry("reference_value")
            .or_insert(Value::from(r));
    }
    if m.skipped.is_some() {
        result.status = Status::Skipped;
        return result;
    }
    if m.error.is_some() {
        result.status = Status::Error;
        return result;
    }
    let Some(value) = m.value else {
        result.status = Status::Error;
        result.message = format!("no value computed: {}", m.message);
        return result;
    };
    match condition.evaluate(value, m.reference_value) {
        Verdict::NeedsReference => {
            result.status = Status::Skipped;
            result.message = if has_reference {
                format!("{}; the reference has no value to compare with", m.message)
            } else {
                format!(
                    "{}; the condition is relative to a reference but none was given",
                    m.message
                )
            };
        }
        Verdict::Evaluated { holds, threshold } => {
            // An infinite bound is an informational check's (it always passes): no threshold.
            result.threshold = threshold.is_finite().then_some(threshold);
            if !holds {
                if let Some(why) = &m.immaterial {
                    result.message = format!("{}; {why}", m.message);
                    return result;
                }
            }
            let holds = match &m.failed_anyway {
                Some(why) if holds => {
                    result.message = format!("{}; {why}", m.message);
                    false
                }
                _ => holds,
            };
            result.status = match (holds, severity) {
                (true, _) => Status::Pass,
                (false, Severity::Warn) => Status::Warn,
                (false, Severity::Fail) => Status::Fail,
            };
        }
    }
    result
}

fn info(d: &Dataset) -> DatasetInfo {
    DatasetInfo {
        sources: d.profile.sources.clone(),
        rows: d.profile.rows,
        columns: d.profile.columns.len(),
        from_profile: d.is_profile_only(),
        reads: d.source.as_ref().map_or(0, |s| s.read_count()),
        computed: d.profile.computed.clone(),
    }
}

/// Distributions of every column for charts: numeric columns on shared equal-width bins over
/// the union of both ranges; categorical ones on the union of both sides' top categories.
pub fn distributions(
    current: &Profile,
    reference: Option<&Profile>,
    bins: usize,
) -> Vec<ColumnDistribution> {
    let mut out = Vec::new();
    for c in &current.columns {
        let r = reference.and_then(|p| p.column(&c.name));
        let (cur_h, ref_h) = match (c.kind, c.state.as_numeric()) {
            (ColumnKind::Numeric, Some(n)) => {
                let rn = r.and_then(|r| r.state.as_numeric());
                let lo = [n.min, rn.and_then(|x| x.min)]
                    .into_iter()
                    .flatten()
                    .reduce(f64::min);
                let hi = [n.max, rn.and_then(|x| x.max)]
                    .into_iter()
                    .flatten()
                    .reduce(f64::max);
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    out.push(ColumnDistribution {
                        column: c.name.clone(),
                        kind: c.kind.to_string(),
                        reference: None,
                        current: None,
                    });
                    continue;
                };
                (
                    c.state.histogram(bins, Some((lo, hi))),
                    r.and_then(|r| r.state.histogram(bins, Some((lo, hi)))),
                )
            }
            _ => {
                let mut labels: Vec<String> = Vec::new();
                for src in [r.map(|r| &r.state), Some(&c.state)].into_iter().flatten() {
                    for f in src.top_values(bins) {
                        if !labels.contains(&f.value) && labels.len() < bins {
                            labels.push(f.value);
                        }
                    }
                }
                let categorical = |s: &assay_stats::ColumnState| {
                    let counts: Vec<f64> = labels.iter().map(|l| count_of(s, l)).collect();
                    let listed: f64 = counts.iter().sum();
                    Histogram::Categorical {
                        labels: labels.clone(),
                        counts,
                        other: (s.non_null() as f64 - listed).max(0.0),
                        exact: s.distinct_is_exact(),
                    }
                };
                (
                    Some(categorical(&c.state)),
                    r.map(|r| categorical(&r.state)),
                )
            }
        };
        out.push(ColumnDistribution {
            column: c.name.clone(),
            kind: c.kind.to_string(),
            reference: ref_h,
            current: cur_h,
        });
    }
    out
}

fn count_of(s: &assay_stats::ColumnState, label: &str) -> f64 {
    match &s.body {
        assay_stats::ColumnBody::Text(t) => t.values.count_of(&label.to_string()) as f64,
        assay_stats::ColumnBody::Numeric(n) => n.count_of_label(label) as f64,
    }
}

/// Assembles the report.
pub fn build_report(
    suite: String,
    current: &Dataset,
    reference: Option<&Dataset>,
    results: Vec<CheckResult>,
    bins: usize,
) -> Report {
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        assay_version: env!("CARGO_PKG_VERSION").to_string(),
        suite,
        current: info(current),
        reference: reference.map(info),
        summary: Summary::of(&results),
        distributions: without_excluded(
            with_drift_bins(
                distributions(&current.profile, reference.map(|r| &r.profile), bins),
                &results,
            ),
            &results,
        ),
        results,
    }
}

/// Charts of the columns a drift check left out (`exclude`, or dates, times and identifiers
/// by default) are dropped, unless another result concerns that column: an id or a date has
/// no distribution worth a chart.
fn without_excluded(
    mut charts: Vec<ColumnDistribution>,
    results: &[CheckResult],
) -> Vec<ColumnDistribution> {
    let excluded: std::collections::BTreeSet<&str> = results
        .iter()
        .filter(|r| r.id.starts_with("drift."))
        .filter_map(|r| r.details.get("excluded_columns")?.as_array())
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    if excluded.is_empty() {
        return charts;
    }
    charts.retain(|c| {
        !excluded.contains(c.column.as_str())
            || results
                .iter()
                .any(|r| !r.id.starts_with("drift.") && r.column.as_deref() == Some(&c.column))
    });
    charts
}

/// Charts of compared columns show what the drift result carries: its bins (the method's own
/// for binned methods such as PSI or χ²; the compared values binned by the method's binning for
/// KS, Wasserstein…) or categories replace the profile histogram of that column (the first
/// `drift.*` result per column wins).
fn with_drift_bins(
    mut charts: Vec<ColumnDistribution>,
    results: &[CheckResult],
) -> Vec<ColumnDistribution> {
    use assay_report::details::drift::ColumnDrift;
    let mut done: Vec<&str> = Vec::new();
    for r in results.iter().filter(|r| r.id.starts_with("drift.")) {
        let Some(column) = r.column.as_deref() else {
            continue;
        };
        if done.contains(&column) {
            continue;
        }
        let Some(d) = r.details_as::<ColumnDrift>() else {
            continue;
        };
        let (Some(ref_counts), Some(cur_counts)) = (d.reference_histogram, d.current_histogram)
        else {
            continue;
        };
        let sides = match (d.bin_edges, d.categories) {
            (Some(edges), _) => {
                let fits = |c: &Vec<f64>| edges.len() == c.len() + 1;
                if !(fits(&ref_counts) && fits(&cur_counts)) {
                    continue;
                }
                let side = |counts: Vec<f64>| Histogram::Numeric {
                    edges: edges.clone(),
                    counts,
                    exact: d.exact,
                };
                (side(ref_counts), side(cur_counts))
            }
            (None, Some(labels)) => {
                let fits = |c: &Vec<f64>| labels.len() == c.len();
                if !(fits(&ref_counts) && fits(&cur_counts)) {
                    continue;
                }
                let side = |counts: Vec<f64>| Histogram::Categorical {
                    labels: labels.clone(),
                    counts,
                    other: 0.0,
                    exact: d.exact,
                };
                (side(ref_counts), side(cur_counts))
            }
            (None, None) => continue,
        };
        if let Some(chart) = charts.iter_mut().find(|c| c.column == column) {
            chart.reference = Some(sides.0);
            chart.current = Some(sides.1);
            done.push(column);
        }
    }
    charts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(value: Option<f64>, reference: Option<f64>) -> Measurement {
        Measurement {
            value,
            reference_value: reference,
            message: "x".into(),
            ..Measurement::default()
        }
    }

    #[test]
    fn verdicts_follow_condition_and_severity() {
        let c = Condition::at_most(0.1);
        assert_eq!(
            decide("a.b", m(Some(0.05), None), &c, Severity::Fail, false).status,
            Status::Pass
        );
        assert_eq!(
            decide("a.b", m(Some(0.5), None), &c, Severity::Fail, false).status,
            Status::Fail
        );
        assert_eq!(
            decide("a.b", m(Some(0.5), None), &c, Severity::Warn, false).status,
            Status::Warn
        );
        assert_eq!(
            decide("a.b", m(None, None), &c, Severity::Fail, false).status,
            Status::Error
        );
        let r = decide("a.b", m(Some(0.5), None), &c, Severity::Fail, false);
        assert_eq!(r.threshold, Some(0.1));
        let rel = Condition::at_most_reference(2.0, 0.0);
        assert_eq!(
            decide("a.b", m(Some(0.5), None), &rel, Severity::Fail, false).status,
            Status::Skipped
        );
        let r = decide("a.b", m(Some(0.5), Some(0.3)), &rel, Severity::Fail, true);
        assert_eq!(r.status, Status::Pass);
        assert!((r.threshold.unwrap() - 0.6).abs() < 1e-15);
        assert_eq!(r.details["reference_value"], 0.3);
        assert_eq!(
            decide(
                "a.b",
                Measurement::skipped(None, "n/a"),
                &c,
                Severity::Fail,
                false
            )
            .status,
            Status::Skipped
        );
        assert_eq!(
            decide(
                "a.b",
                Measurement::error(None, "boom"),
                &c,
                Severity::Fail,
                false
            )
            .status,
            Status::Error
        );
        // NaN never passes.
        assert_eq!(
            decide("a.b", m(Some(f64::NAN), None), &c, Severity::Fail, false).status,
            Status::Fail
        );
    }
}
