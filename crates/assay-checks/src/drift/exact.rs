//! Exact mode: the raw values of numeric columns, read in groups that fit a memory budget and
//! reduced to drift scores as soon as both sides of a group have been read.

use std::any::Any;
use std::sync::{Arc, Mutex};

use arrow::array::{Array, Float64Array};
use arrow::record_batch::RecordBatch;

use assay_engine::capture::CapturedValues;
use assay_stats::drift::Empirical;

use super::method::Prepared;
use super::prepare::Fidelity;
use super::score::ColumnScore;
use crate::accumulators::{as_f64, column};
use crate::check::{RowAccumulator, RowPass, Side};

/// Scores one prepared column.
pub type Scorer = Arc<dyn Fn(&str, Prepared, Fidelity) -> ColumnScore + Send + Sync>;

#[derive(Default)]
struct Slot {
    reference: Option<Vec<Vec<f64>>>,
    scores: Vec<ColumnScore>,
}

/// Raw finite values of a group of numeric columns on one side.
pub struct RawColumns {
    side: Side,
    group: usize,
    columns: Vec<String>,
    values: Vec<Vec<f64>>,
    slot: Arc<Mutex<Slot>>,
    scorer: Scorer,
}

/// The two row passes (reference, then current) that read `columns` in scan group `group` and
/// score them with `scorer` once both sides are read.
pub fn passes(columns: Vec<String>, group: usize, scorer: Scorer) -> Vec<RowPass> {
    let slot = Arc::new(Mutex::new(Slot::default()));
    [Side::Reference, Side::Current]
        .into_iter()
        .map(|side| RowPass {
            side,
            accumulator: Box::new(RawColumns {
                side,
                group,
                values: vec![Vec::new(); columns.len()],
                columns: columns.clone(),
                slot: slot.clone(),
                scorer: scorer.clone(),
            }),
        })
        .collect()
}

/// The scores of a finished pair of passes (from the current side's accumulator).
pub fn scores_of(finished: Box<dyn Any>) -> Result<Vec<ColumnScore>, String> {
    let raw = crate::check::downcast::<RawColumns>(finished)?;
    let mut slot = raw
        .slot
        .lock()
        .map_err(|_| "internal: drift slot poisoned".to_string())?;
    Ok(std::mem::take(&mut slot.scores))
}

impl RowAccumulator for RawColumns {
    fn columns(&self) -> Vec<String> {
        self.columns.clone()
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        for (name, out) in self.columns.iter().zip(self.values.iter_mut()) {
            let a = as_f64(&column(batch, name)?, name)?;
            let a = a
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(|| format!("column `{name}` did not cast to Float64"))?;
            out.reserve(a.len() - a.null_count());
            if a.null_count() == 0 {
                out.extend(a.values().iter().copied().filter(|v| v.is_finite()));
            } else {
                out.extend(a.iter().flatten().filter(|v| v.is_finite()));
            }
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn scan_group(&self) -> usize {
        self.group
    }

    fn finish(&mut self) -> Result<(), String> {
        let mut slot = self
            .slot
            .lock()
            .map_err(|_| "internal: drift slot poisoned".to_string())?;
        let values = std::mem::take(&mut self.values);
        match self.side {
            Side::Reference => slot.reference = Some(values),
            Side::Current => {
                let reference = slot
                    .reference
                    .take()
                    .ok_or("internal: the reference side of a drift group was not read")?;
                let jobs: Vec<(String, Vec<f64>, Vec<f64>)> = self
                    .columns
                    .iter()
                    .cloned()
                    .zip(reference)
                    .zip(values)
                    .map(|((c, r), v)| (c, r, v))
                    .collect();
                slot.scores = score_parallel(jobs, &self.scorer);
            }
        }
        Ok(())
    }
}

/// Scores columns whose raw values the profiling read of each side kept, on every core: each
/// worker loads one column pair (from memory or the spill file), scores it and drops it.
pub fn score_captured(
    columns: Vec<String>,
    reference: Arc<CapturedValues>,
    current: Arc<CapturedValues>,
    scorer: &Scorer,
) -> Vec<ColumnScore> {
    let jobs: Vec<(String, Loader)> = columns
        .into_iter()
        .map(|name| {
            let (r, c) = (reference.clone(), current.clone());
            let column = name.clone();
            let load: Loader = Box::new(move || {
                let side = |captured: &CapturedValues| -> Result<Vec<f64>, String> {
                    captured
                        .sorted_values(&column)
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("internal: `{column}` was not kept"))
                };
                Ok((side(&r)?, side(&c)?))
            });
            (name, load)
        })
        .collect();
    score_jobs(jobs, scorer)
}

/// Loads a column pair's values (reference, current), sorted or not.
type Loader = Box<dyn FnOnce() -> Result<(Vec<f64>, Vec<f64>), String> + Send>;

/// Sorts and scores columns on every core, one column per thread at a time.
fn score_parallel(jobs: Vec<(String, Vec<f64>, Vec<f64>)>, scorer: &Scorer) -> Vec<ColumnScore> {
    let jobs = jobs
        .into_iter()
        .map(|(name, r, c)| {
            let load: Loader = Box::new(move || Ok((r, c)));
            (name, load)
        })
        .collect();
    score_jobs(jobs, scorer)
}

/// Scores the jobs on rayon's pool (sized by the thread budget), one column pair per worker at
/// a time; results in job order.
fn score_jobs(jobs: Vec<(String, Loader)>, scorer: &Scorer) -> Vec<ColumnScore> {
    use rayon::prelude::*;
    jobs.into_par_iter()
        .with_max_len(1)
        .map(|(name, load)| {
            let (r, c) = match load() {
                Ok(pair) => pair,
                Err(e) => return ColumnScore::failed(&name, (0.0, 0.0), e),
            };
            let sizes = (r.len() as f64, c.len() as f64);
            // A panic while scoring one column becomes that column's error.
            assay_runtime::fault::isolate(|| {
                assay_runtime::fault::inject("drift-worker", &name);
                // Kept values come sorted (`sorted_values`); others are sorted here.
                let prepared = Prepared::Numeric {
                    reference: Empirical::from_sorted(r),
                    current: Empirical::from_sorted(c),
                };
                scorer(&name, prepared, Fidelity::Exact)
            })
            .unwrap_or_else(|fault| ColumnScore::failed(&name, sizes, fault))
        })
        .collect()
}
