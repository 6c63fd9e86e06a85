//! Raw numeric values kept from the profiling read, for checks that need every value (exact
//! drift tests), so they do not read the data again.
//!
//! Each partition of the read appends the finite values of the captured columns to its own
//! buffers; a full buffer becomes a run. Runs stay in memory (as they came) while the shared
//! budget allows and go, as they came, to an anonymous temporary file past it: the data is read
//! once whatever its size, and memory stays bounded by the budget plus one buffer per partition
//! and column while the read lasts. [`CapturedValues::sorted_values`] brings one column's runs
//! together (memory and file) and sorts them in one pass: measured on 5 million doubles, one
//! unstable sort of everything (81 ms) beats sorting each run as it spills and merging the
//! sorted runs at the end (67 + 70 ms; 12 + 62 ms against 12 ms when the column has few
//! distinct values).
//!
//! A column whose values an `f64` holds exactly (floats, integers of up to 32 bits, `Date32`)
//! and that left exact counting is sorted right after the read instead
//! ([`CapturedValues::settle_sorted`]): its profile builds its quantile sketch and distinct
//! counts from that one sorted copy rather than sorting every batch during the read, and, when
//! every run was in memory and the sorted copy fits the budget, the checks get that same copy
//! without sorting again (a partly spilled column keeps its runs and is sorted again when asked
//! for: writing the sorted column back cost more than a second sort).
//!
//! A column the profile counts exactly (at most the exact cap of distinct values) needs no
//! copy while it is counted exactly: its counts are its values. Such columns are copied only
//! from the moment a partition's counts give way to sketches, the counts up to then kept as a
//! counted run (see [`CaptureBuffers`]); a label or a small count column is never copied.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};

use assay_stats::ColumnState;

use crate::error::{EngineError, Result};

/// Values per run: 2 MiB of `f64`.
const RUN_VALUES: usize = 1 << 18;

/// Bytes of one value in the spill file.
const VALUE_BYTES: usize = std::mem::size_of::<f64>();

/// What to capture during a profiling read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureSpec {
    /// Columns whose finite values are kept (numeric ones; others are ignored); `None`: every
    /// numeric column but [`CaptureSpec::excluded`].
    pub columns: Option<Vec<String>>,
    /// Columns left out when [`CaptureSpec::columns`] is `None`.
    pub excluded: Vec<String>,
    /// Bytes of values kept in memory for this source; runs past it go to a temporary file.
    pub memory_bytes: usize,
}

impl CaptureSpec {
    /// The capture that serves both `self` and `other`: the union of their columns, the larger
    /// memory budget.
    pub fn union(self, other: CaptureSpec) -> CaptureSpec {
        let memory_bytes = self.memory_bytes.max(other.memory_bytes);
        match (self.columns, other.columns) {
            (Some(mut a), Some(b)) => {
                for c in b {
                    if !a.contains(&c) {
                        a.push(c);
                    }
                }
                CaptureSpec {
                    columns: Some(a),
                    excluded: Vec::new(),
                    memory_bytes,
                }
            }
            (Some(named), None) => CaptureSpec {
                columns: None,
                excluded: other
                    .excluded
                    .into_iter()
                    .filter(|c| !named.contains(c))
                    .collect(),
                memory_bytes,
            },
            (None, Some(named)) => CaptureSpec {
                columns: None,
                excluded: self
                    .excluded
                    .into_iter()
                    .filter(|c| !named.contains(c))
                    .collect(),
                memory_bytes,
            },
            (None, None) => CaptureSpec {
                columns: None,
                excluded: self
                    .excluded
                    .into_iter()
                    .filter(|c| other.excluded.contains(c))
                    .collect(),
                memory_bytes,
            },
        }
    }
}

/// One run of sorted values.
enum Run {
    Memory(Vec<f64>),
    /// Distinct values with their counts: what a column's exact counts held.
    Counted(Vec<(f64, u64)>),
    /// `len` values at `offset` of the spill file.
    Disk {
        offset: u64,
        len: usize,
    },
}

/// The captured values of one source.
pub struct CapturedValues {
    columns: Vec<String>,
    runs: Vec<Mutex<Vec<Run>>>,
    spill: Mutex<Option<(File, u64)>>,
    in_memory: AtomicUsize,
    budget: usize,
    label: String,
    /// Per column: its runs were replaced by one run of all its values, sorted
    /// ([`CapturedValues::settle_sorted`]).
    settled: Vec<AtomicBool>,
}

impl std::fmt::Debug for CapturedValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapturedValues")
            .field("columns", &self.columns)
            .field("in_memory", &self.in_memory.load(Ordering::Relaxed))
            .field("spilled_bytes", &self.spilled_bytes())
            .finish()
    }
}

impl CapturedValues {
    /// An empty capture of `columns` for the source labelled `label`, keeping up to
    /// `memory_bytes` in memory.
    pub fn new(columns: Vec<String>, memory_bytes: usize, label: &str) -> Self {
        Self {
            runs: columns.iter().map(|_| Mutex::new(Vec::new())).collect(),
            settled: columns.iter().map(|_| AtomicBool::new(false)).collect(),
            columns,
            spill: Mutex::new(None),
            in_memory: AtomicUsize::new(0),
            budget: memory_bytes,
            label: label.to_string(),
        }
    }

    /// Columns captured, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// True when `column` was captured.
    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// Bytes written to the spill file.
    pub fn spilled_bytes(&self) -> u64 {
        self.spill
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|(_, end)| *end))
            .unwrap_or(0)
    }

    /// Every finite value of `column` (in no particular order), read back from memory and
    /// the spill file; `None` when the column was not captured.
    pub fn values(&self, column: &str) -> Result<Option<Vec<f64>>> {
        self.gather(column)
    }

    /// Appends the `len` values stored at `offset` of the spill file to `out`, through the
    /// reusable byte buffer `bytes`.
    fn read_back(
        &self,
        offset: u64,
        len: usize,
        bytes: &mut Vec<u8>,
        out: &mut Vec<f64>,
    ) -> Result<()> {
        let mut spill = self.spill.lock().map_err(|_| self.poisoned())?;
        let Some((file, _)) = spill.as_mut() else {
            return Err(self.io_error("the spill file is missing"));
        };
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| self.io_error(&e.to_string()))?;
        bytes.resize(len * VALUE_BYTES, 0);
        file.read_exact(bytes)
            .map_err(|e| self.io_error(&format!("reading exact values back: {e}")))?;
        out.extend(bytes.chunks_exact(VALUE_BYTES).map(|b| {
            let mut v = [0u8; VALUE_BYTES];
            v.copy_from_slice(b);
            f64::from_le_bytes(v)
        }));
        Ok(())
    }

    /// Every finite value of `column` in ascending (IEEE total) order; `None` when the column
    /// was not captured. Every run, from memory or the spill file, is gathered and the whole
    /// sorted in one pass, unless the column was sorted once already
    /// ([`CapturedValues::settle_sorted`]).
    pub fn sorted_values(&self, column: &str) -> Result<Option<Vec<f64>>> {
        let settled = self
            .columns
            .iter()
            .position(|c| c == column)
            .is_some_and(|i| self.settled[i].load(Ordering::Acquire));
        let values = self.gather(column)?;
        Ok(if settled {
            values
        } else {
            values.map(assay_stats::quantile::sorted_total_order)
        })
    }

    /// Sorts the values of `column` once and hands them to `complete` (which builds the
    /// column's sketches from them: [`assay_stats::NumericState::complete_from_sorted`]).
    /// When every run of the column is in memory, the sorted copy replaces them (the same
    /// size, or more where exact counts were expanded: then only within the budget),
    /// so that [`CapturedValues::sorted_values`] does not sort again; a column partly in the
    /// spill file keeps its runs as they were and is sorted again when asked for: writing a
    /// whole sorted copy back to the file measured slower (3 s of system time on the 5M
    /// benchmark) than a second sort. Does nothing for a column not captured.
    pub(crate) fn settle_sorted(
        &self,
        column: &str,
        complete: impl FnOnce(&[f64]) -> Result<()>,
    ) -> Result<()> {
        let Some(i) = self.columns.iter().position(|c| c == column) else {
            return Ok(());
        };
        let Some(values) = self.gather(column)? else {
            return Ok(());
        };
        let sorted = assay_stats::quantile::sorted_total_order(values);
        complete(&sorted)?;
        let mut runs = self.runs[i].lock().map_err(|_| self.poisoned())?;
        if runs.iter().all(|r| !matches!(r, Run::Disk { .. })) {
            // Counted runs become values: the sorted copy is what `gather` made of them.
            let held: usize = runs
                .iter()
                .map(|r| match r {
                    Run::Memory(v) => v.len() * VALUE_BYTES,
                    _ => 0,
                })
                .sum();
            let grown = (sorted.len() * VALUE_BYTES).saturating_sub(held);
            let fits = self
                .in_memory
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                    (used + grown <= self.budget).then_some(used + grown)
                })
                .is_ok();
            if fits {
                *runs = vec![Run::Memory(sorted)];
                self.settled[i].store(true, Ordering::Release);
            }
        }
        Ok(())
    }

    /// The values of `column`: the runs kept in memory, then those of the spill file, each as
    /// it came.
    fn gather(&self, column: &str) -> Result<Option<Vec<f64>>> {
        let Some(i) = self.columns.iter().position(|c| c == column) else {
            return Ok(None);
        };
        let runs = self.runs[i].lock().map_err(|_| self.poisoned())?;
        let total: usize = runs
            .iter()
            .map(|r| match r {
                Run::Memory(v) => v.len(),
                Run::Counted(c) => c.iter().map(|(_, n)| *n as usize).sum(),
                Run::Disk { len, .. } => *len,
            })
            .sum();
        let mut out = Vec::with_capacity(total);
        for run in runs.iter() {
            match run {
                Run::Memory(v) => out.extend_from_slice(v),
                Run::Counted(c) => {
                    for (v, n) in c {
                        out.extend(std::iter::repeat_n(*v, *n as usize));
                    }
                }
                Run::Disk { .. } => {}
            }
        }
        let mut bytes = Vec::new();
        for run in runs.iter() {
            if let Run::Disk { offset, len } = run {
                self.read_back(*offset, *len, &mut bytes, &mut out)?;
            }
        }
        Ok(Some(out))
    }

    /// Stores a full buffer of column `i` as a run: in memory as it is, or in the spill file
    /// (as it is) past the memory budget.
    fn store(&self, i: usize, values: Vec<f64>) -> Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let bytes = values.len() * VALUE_BYTES;
        let fits = self
            .in_memory
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                (used + bytes <= self.budget).then_some(used + bytes)
            })
            .is_ok();
        let run = if fits {
            Run::Memory(values)
        } else {
            self.write_run(&values)?
        };
        self.runs[i].lock().map_err(|_| self.poisoned())?.push(run);
        Ok(())
    }

    /// Appends `values` to the spill file (created on first use); the run that reads them back.
    fn write_run(&self, values: &[f64]) -> Result<Run> {
        let encoded: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut spill = self.spill.lock().map_err(|_| self.poisoned())?;
        if spill.is_none() {
            let file = tempfile::tempfile().map_err(|e| {
                self.io_error(&format!("creating a temporary file for exact values: {e}"))
            })?;
            *spill = Some((file, 0));
        }
        let Some((file, end)) = spill.as_mut() else {
            return Err(self.io_error("the spill file is missing"));
        };
        let offset = *end;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| self.io_error(&e.to_string()))?;
        file.write_all(&encoded)
            .map_err(|e| self.io_error(&format!("writing exact values: {e}")))?;
        *end += encoded.len() as u64;
        Ok(Run::Disk {
            offset,
            len: values.len(),
        })
    }

    /// Stores the exact counts of column `i` (distinct values with their counts) as a run,
    /// in memory: at most the exact cap of entries.
    fn store_counted(&self, i: usize, counts: Vec<(f64, u64)>) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        self.runs[i]
            .lock()
            .map_err(|_| self.poisoned())?
            .push(Run::Counted(counts));
        Ok(())
    }

    fn poisoned(&self) -> EngineError {
        self.io_error("a capture lock was poisoned by an earlier failure")
    }

    fn io_error(&self, message: &str) -> EngineError {
        EngineError::BadInput {
            path: self.label.clone(),
            message: format!("keeping exact values: {message}"),
        }
    }
}

/// One partition's buffers for a capture.
///
/// A column whose values have an exact count (see [`lazily_captured`]) is not copied while
/// the partition's state of that column counts its values exactly: those counts are its values.
/// When the counts give way to sketches, the state hands over its counts as they were
/// ([`assay_stats::column_state::ExactExit`]) and the values from that point on are copied; a
/// column still exact when the partition ends keeps its counts. A column of 50 distinct values
/// (a label, a count) is then never copied at all. Every such column's kept values are
/// checked against the state's count of finite values when the partition ends.
pub(crate) struct CaptureBuffers {
    target: Arc<CapturedValues>,
    slots: Vec<Slot>,
}

/// One captured column of one partition.
struct Slot {
    /// Index in the capture.
    index: usize,
    /// Index in the batch (and among the partition's column states).
    position: usize,
    buffer: Vec<f64>,
    /// Copied only once the column's counts leave exact mode.
    lazy: bool,
    /// Lazy and its counts still exact: nothing copied yet.
    waiting: bool,
    /// Values kept so far (copied or counted).
    kept: u64,
}

impl CaptureBuffers {
    /// Buffers for `target`, whose columns sit at the given batch positions (`None`: absent
    /// from the read, so never filled); `lazy[p]` says whether the column at batch position
    /// `p` is kept from its exact counts while it has them (its state must record its exact
    /// exit: [`assay_stats::NumericState::record_exact_exit`]).
    pub(crate) fn new(
        target: Arc<CapturedValues>,
        positions: &[Option<usize>],
        lazy: &[bool],
    ) -> Self {
        let slots = positions
            .iter()
            .enumerate()
            .filter_map(|(index, p)| {
                p.map(|position| {
                    let lazy = lazy.get(position).copied().unwrap_or(false);
                    Slot {
                        index,
                        position,
                        buffer: Vec::new(),
                        lazy,
                        waiting: lazy,
                        kept: 0,
                    }
                })
            })
            .collect();
        Self { target, slots }
    }

    /// Appends the finite values of the captured columns of `columns` (a batch's arrays,
    /// already fed to `states`, the partition's column states in the same order).
    pub(crate) fn push(&mut self, columns: &[ArrayRef], states: &mut [ColumnState]) -> Result<()> {
        for slot in self.slots.iter_mut() {
            let Some(array) = columns.get(slot.position) else {
                continue;
            };
            let column = || self.target.columns[slot.index].clone();
            let mut skip = 0;
            if slot.waiting {
                let state = states
                    .get_mut(slot.position)
                    .and_then(ColumnState::as_numeric_mut)
                    .ok_or_else(|| internal(column(), "no numeric state for a kept column"))?;
                if state.values.is_exact() {
                    continue;
                }
                let exit = state.exact_exit.take().ok_or_else(|| {
                    internal(
                        column(),
                        "the exact counts were left without being recorded",
                    )
                })?;
                let from = exit.from.ok_or_else(|| {
                    internal(column(), "the exact counts were left outside a batch")
                })?;
                slot.kept += exit.counts.iter().map(|(_, n)| n).sum::<u64>();
                self.target.store_counted(slot.index, exit.counts)?;
                slot.waiting = false;
                skip = from;
            }
            let before = slot.buffer.len();
            append_finite(array, &mut slot.buffer).map_err(|message| EngineError::Column {
                column: column(),
                message,
            })?;
            if skip > 0 {
                if before + skip > slot.buffer.len() {
                    return Err(internal(
                        column(),
                        "the exact counts were left past the batch",
                    ));
                }
                slot.buffer.drain(before..before + skip);
            }
            slot.kept += (slot.buffer.len() - before) as u64;
            if slot.buffer.len() >= RUN_VALUES {
                self.target
                    .store(slot.index, std::mem::take(&mut slot.buffer))?;
            }
        }
        Ok(())
    }

    /// Stores what is left in the buffers, and the exact counts of columns that kept them;
    /// checks that every lazily kept column kept as many values as its state counted.
    pub(crate) fn finish(self, states: &[ColumnState]) -> Result<()> {
        for slot in self.slots {
            let column = || self.target.columns[slot.index].clone();
            let mut kept = slot.kept;
            if slot.lazy {
                let state = states
                    .get(slot.position)
                    .and_then(ColumnState::as_numeric)
                    .ok_or_else(|| internal(column(), "no numeric state for a kept column"))?;
                if slot.waiting {
                    let counts: Vec<(f64, u64)> = state
                        .exact_values()
                        .ok_or_else(|| {
                            internal(
                                column(),
                                "the exact counts were left without being recorded",
                            )
                        })?
                        .collect();
                    kept += counts.iter().map(|(_, n)| n).sum::<u64>();
                    self.target.store_counted(slot.index, counts)?;
                }
                if kept != state.moments.count {
                    return Err(internal(
                        column(),
                        &format!("{kept} values kept against {} counted", state.moments.count),
                    ));
                }
            }
            self.target.store(slot.index, slot.buffer)?;
        }
        Ok(())
    }
}

/// True when every value of type `dt` is held exactly by its `f64` copy, so that the column's
/// exact keys come back from its sorted copies and its sketches can be built from them after
/// the read ([`assay_stats::NumericState::sketches_from_sorted`]): floats, integers of up to
/// 32 bits, dates in days. Wider integers and timestamps can pass 2^53 and are sketched as
/// they are read.
pub(crate) fn sketched_from_sorted_copy(dt: &DataType) -> bool {
    use DataType::*;
    matches!(
        dt,
        Float16 | Float32 | Float64 | Int8 | Int16 | Int32 | UInt8 | UInt16 | UInt32 | Date32
    )
}

/// True when a column of type `dt` can be kept from its exact counts while it has them: the
/// types whose values [`append_finite`] keeps exactly as the profile counts them (floats,
/// integers, temporal values; not dictionaries or decimals).
pub(crate) fn lazily_captured(dt: &DataType) -> bool {
    use DataType::*;
    crate::profile_udaf::value_class(dt) == Some(crate::profile_udaf::ValueClass::Numeric)
        && !matches!(
            dt,
            Dictionary(_, _)
                | Decimal32(_, _)
                | Decimal64(_, _)
                | Decimal128(_, _)
                | Decimal256(_, _)
        )
}

fn internal(column: String, message: &str) -> EngineError {
    EngineError::Column {
        column,
        message: format!("internal: keeping exact values: {message}"),
    }
}

/// Appends the finite values of a numeric array as `f64` (temporal values as their epoch
/// integer, dictionaries through their values); other types add nothing.
fn append_finite(array: &ArrayRef, out: &mut Vec<f64>) -> std::result::Result<(), String> {
    use DataType::*;
    let values = match array.data_type() {
        Dictionary(_, v) => cast(array, v).map_err(|e| e.to_string())?,
        _ => array.clone(),
    };
    let values = match values.data_type() {
        Float64 => values,
        Date32 | Date64 | Timestamp(_, _) | Time32(_) | Time64(_) | Duration(_) => {
            let ints = cast(&values, &Int64).map_err(|e| e.to_string())?;
            cast(&ints, &Float64).map_err(|e| e.to_string())?
        }
        dt if dt.is_numeric() => cast(&values, &Float64).map_err(|e| e.to_string())?,
        _ => return Ok(()),
    };
    let f = values.as_primitive::<Float64Type>();
    out.reserve(f.len() - f.null_count());
    if f.null_count() == 0 {
        out.extend(f.values().iter().copied().filter(|v| v.is_finite()));
    } else {
        out.extend(f.iter().flatten().filter(|v| v.is_finite()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Float64Array, Int32Array};

    fn capture(budget: usize) -> Arc<CapturedValues> {
        Arc::new(CapturedValues::new(
            vec!["a".into(), "b".into()],
            budget,
            "data.parquet",
        ))
    }

    fn fill(target: &Arc<CapturedValues>, partitions: usize, rows: i32) {
        for p in 0..partitions {
            let mut buffers = CaptureBuffers::new(target.clone(), &[Some(1), Some(0)], &[]);
            for chunk in 0..4 {
                let base = (p as i32 * 4 + chunk) * rows;
                let b: ArrayRef = Arc::new(Int32Array::from_iter_values(base..base + rows));
                let a: ArrayRef = Arc::new(Float64Array::from_iter(
                    (base..base + rows).map(|v| Some(f64::from(v) * 0.5)),
                ));
                buffers.push(&[b, a], &mut []).unwrap();
            }
            buffers.finish(&[]).unwrap();
        }
    }

    #[test]
    fn values_come_back_whole_from_memory_and_from_disk() {
        for budget in [usize::MAX, 0, 3 << 20] {
            let target = capture(budget);
            fill(&target, 3, 100_000);
            let mut a = target.values("a").unwrap().unwrap();
            let mut b = target.values("b").unwrap().unwrap();
            assert_eq!(a.len(), 1_200_000, "budget {budget}");
            a.sort_unstable_by(f64::total_cmp);
            b.sort_unstable_by(f64::total_cmp);
            assert_eq!(a[0], 0.0);
            assert_eq!(a[1_199_999], 1_199_999.0 * 0.5);
            assert_eq!(b[1_199_999], 1_199_999.0);
            assert!(a.windows(2).all(|w| w[1] - w[0] == 0.5));
            if budget == 0 {
                assert_eq!(target.spilled_bytes(), 2 * 1_200_000 * 8);
            }
            if budget == usize::MAX {
                assert_eq!(target.spilled_bytes(), 0);
            }
            // In order, from memory, from disk, or both.
            let sorted = target.sorted_values("a").unwrap().unwrap();
            assert_eq!(sorted, a, "budget {budget}");
            assert_eq!(target.sorted_values("b").unwrap().unwrap(), b);
        }
        assert!(capture(0).values("c").unwrap().is_none());
    }

    #[test]
    fn only_types_kept_exactly_as_counted_wait_for_their_counts() {
        use arrow::datatypes::TimeUnit;
        for dt in [
            DataType::Float32,
            DataType::Int64,
            DataType::UInt8,
            DataType::Date32,
            DataType::Timestamp(TimeUnit::Microsecond, None),
        ] {
            assert!(lazily_captured(&dt), "{dt}");
        }
        for dt in [
            DataType::Decimal128(10, 2),
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Float64)),
            DataType::Utf8,
            DataType::Boolean,
        ] {
            assert!(!lazily_captured(&dt), "{dt}");
        }
    }

    #[test]
    fn specs_unite() {
        let named = |c: &[&str]| CaptureSpec {
            columns: Some(c.iter().map(|s| s.to_string()).collect()),
            excluded: Vec::new(),
            memory_bytes: 10,
        };
        let all_but = |c: &[&str]| CaptureSpec {
            columns: None,
            excluded: c.iter().map(|s| s.to_string()).collect(),
            memory_bytes: 20,
        };
        assert_eq!(
            named(&["a", "b"]).union(named(&["b", "c"])),
            CaptureSpec {
                columns: Some(vec!["a".into(), "b".into(), "c".into()]),
                excluded: Vec::new(),
                memory_bytes: 10,
            }
        );
        assert_eq!(
            named(&["id"]).union(all_but(&["id", "y"])),
            CaptureSpec {
                columns: None,
                excluded: vec!["y".into()],
                memory_bytes: 20,
            }
        );
        assert_eq!(
            all_but(&["id", "y"]).union(all_but(&["y", "z"])),
            CaptureSpec {
                columns: None,
                excluded: vec!["y".into()],
                memory_bytes: 20,
            }
        );
    }

    #[test]
    fn only_finite_values_are_kept() {
        let target = capture(usize::MAX);
        let mut buffers = CaptureBuffers::new(target.clone(), &[Some(0), None], &[]);
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(-2.0),
        ]));
        buffers.push(&[a], &mut []).unwrap();
        buffers.finish(&[]).unwrap();
        let mut a = target.values("a").unwrap().unwrap();
        a.sort_unstable_by(f64::total_cmp);
        assert_eq!(a, vec![-2.0, 1.0]);
        assert_eq!(target.values("b").unwrap().unwrap(), Vec::<f64>::new());
    }
}
