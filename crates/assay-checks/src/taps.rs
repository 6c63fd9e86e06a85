//! Row work of a suite's checks riding on the profiling reads ([`crate::check::Check::taps`]):
//! the accumulators of every check on one side gathered into one [`BatchTap`], split across
//! the read's partitions and merged when it ends.

use std::any::Any;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use assay_engine::tap::BatchTap;
use assay_runtime::fault::isolate;

use crate::check::{RowAccumulator, Side};

/// One accumulator of one suite entry.
struct TapSlot {
    /// The suite entry it belongs to.
    entry: usize,
    /// Its place among the entry's passes (the order `measure` receives them in).
    position: usize,
    side: Side,
    accumulator: Option<Box<dyn RowAccumulator>>,
    error: Option<String>,
}

/// The accumulators of every check reading one side, fed as one tap.
#[derive(Default)]
pub(crate) struct TapSet {
    slots: Vec<TapSlot>,
}

impl TapSet {
    /// Adds `accumulator` of entry `entry` at `position`. A column the side does not have
    /// fails that accumulator (its check's result is an error), not the read.
    pub(crate) fn add(
        &mut self,
        entry: usize,
        position: usize,
        side: Side,
        accumulator: Box<dyn RowAccumulator>,
        schema: &SchemaRef,
    ) {
        let missing = accumulator
            .columns()
            .into_iter()
            .find(|c| schema.field_with_name(c).is_err());
        let error = match missing {
            Some(c) => Some(format!(
                "column `{c}` is not in the {} data",
                side_name(side)
            )),
            None if accumulator.fork().is_none() => Some(
                "internal: a row pass planned on the profiling read cannot be split".to_string(),
            ),
            None => None,
        };
        self.slots.push(TapSlot {
            entry,
            position,
            side,
            accumulator: Some(accumulator),
            error,
        });
    }

    /// True when no accumulator is waiting for rows.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.iter().all(|s| s.error.is_some())
    }

    /// Finishes every accumulator and hands each back with its entry and position.
    pub(crate) fn finish(self) -> Vec<TapResult> {
        self.slots
            .into_iter()
            .map(|slot| {
                let outcome = match (slot.error, slot.accumulator) {
                    (Some(e), _) => Err(e),
                    (None, None) => Err("internal: a row pass was lost".into()),
                    (None, Some(mut acc)) => match isolate(|| acc.finish()).and_then(|r| r) {
                        Ok(()) => Ok(acc),
                        Err(e) => Err(e),
                    },
                };
                TapResult {
                    entry: slot.entry,
                    position: slot.position,
                    outcome,
                }
            })
            .collect()
    }
}

/// A finished tap accumulator (or why it failed), with its entry and position.
pub(crate) struct TapResult {
    pub(crate) entry: usize,
    pub(crate) position: usize,
    pub(crate) outcome: Result<Box<dyn RowAccumulator>, String>,
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Current => "current",
        Side::Reference => "reference",
    }
}

impl BatchTap for TapSet {
    fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for slot in self.slots.iter().filter(|s| s.error.is_none()) {
            for c in slot.accumulator.iter().flat_map(|a| a.columns()) {
                if !cols.contains(&c) {
                    cols.push(c);
                }
            }
        }
        cols
    }

    fn fork(&self) -> Box<dyn BatchTap> {
        let slots = self
            .slots
            .iter()
            .map(|s| {
                let copy = if s.error.is_some() {
                    None
                } else {
                    s.accumulator
                        .as_ref()
                        .and_then(|a| isolate(|| a.fork()).ok().flatten())
                };
                TapSlot {
                    entry: s.entry,
                    position: s.position,
                    side: s.side,
                    error: match (&s.error, &copy) {
                        (Some(e), _) => Some(e.clone()),
                        (None, None) => Some("internal: a row pass could not be split".into()),
                        (None, Some(_)) => None,
                    },
                    accumulator: copy,
                }
            })
            .collect();
        Box::new(TapSet { slots })
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        for slot in self.slots.iter_mut().filter(|s| s.error.is_none()) {
            if let Some(acc) = slot.accumulator.as_mut() {
                if let Err(e) = isolate(|| acc.update(batch)).and_then(|r| r) {
                    slot.error = Some(e);
                }
            }
        }
        Ok(())
    }

    fn merge(&mut self, other: Box<dyn BatchTap>) -> Result<(), String> {
        let other = other
            .into_any()
            .downcast::<TapSet>()
            .map_err(|_| "internal: merging row passes of another kind".to_string())?;
        if other.slots.len() != self.slots.len() {
            return Err("internal: merging row passes of another plan".into());
        }
        for (mine, theirs) in self.slots.iter_mut().zip(other.slots) {
            if mine.error.is_some() {
                continue;
            }
            if let Some(e) = theirs.error {
                mine.error = Some(e);
                continue;
            }
            if let (Some(acc), Some(part)) = (mine.accumulator.as_mut(), theirs.accumulator) {
                if let Err(e) = isolate(|| acc.merge(part.into_any())).and_then(|r| r) {
                    mine.error = Some(e);
                }
            }
        }
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
