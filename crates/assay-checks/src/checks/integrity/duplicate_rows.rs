//! `integrity.duplicate_rows`: share of rows identical to an earlier row.

use std::any::Any;

use ahash::AHashSet;

use assay_stats::ratio;

use assay_report::details::integrity::DuplicateRowsDetails;

use crate::accumulators::{HashMode, RowHashes};
use crate::check::{downcast, pct, Check, CheckDoc, Inputs, Measurement, RowPass, Side, TapInputs};
use crate::condition::Condition;

/// Share of duplicated rows in the current data.
pub struct DuplicateRows;

impl Check for DuplicateRows {
    fn id(&self) -> &'static str {
        "integrity.duplicate_rows"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of rows that duplicate an earlier row.",
            computes:
                "Rows equal, over every column (or the `columns:` given), to an earlier row, \
                divided by all rows: pandas `df.duplicated().mean()` (keep='first'). Nulls compare \
                equal to nulls, as in pandas.",
            why: "Duplicates over-weight some examples, inflate metrics when they straddle a \
                train/test split, and often reveal a replayed ingestion.",
            parameters: "none (use `columns:` to compare on a subset)",
            default_condition: "== 0",
            exactness: "Exact up to 128-bit hash collisions (probability below 10^-22 at 10^8 \
                rows); the hashes are taken on the profiling read (no read of their own) and hold 16 \
                bytes per distinct row.",
            references: "pandas DataFrame.duplicated; Deepchecks DataDuplicates; Evidently \
                TestNumberOfDuplicatedRows.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    /// Row hashes taken on the current read.
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        if inputs.current.is_none() {
            return Ok(Some(Vec::new()));
        }
        let columns = match inputs.columns {
            Some(c) => c.to_vec(),
            None => inputs.current_columns(),
        };
        Ok(Some(vec![RowPass {
            side: Side::Current,
            accumulator: Box::new(RowHashes::new(
                columns,
                HashMode::CountDuplicates {
                    seen: AHashSet::new(),
                    duplicates: 0,
                },
            )),
        }]))
    }

    fn measure(
        &self,
        _inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let Some(pass) = passes.into_iter().next() else {
            return Ok(vec![Measurement::skipped(
                None,
                "needs the raw rows (the current side is a saved profile)",
            )]);
        };
        let acc: RowHashes = downcast(pass)?;
        let HashMode::CountDuplicates { duplicates, .. } = acc.mode else {
            return Err("internal: unexpected hash mode".into());
        };
        let share = ratio(duplicates, acc.rows);
        Ok(vec![Measurement::value(
            None,
            share,
            format!(
                "{duplicates} of {} rows duplicate an earlier row ({})",
                acc.rows,
                pct(share)
            ),
        )
        .with_details(&DuplicateRowsDetails {
            duplicates: Some(duplicates),
            rows: Some(acc.rows),
            columns: Some(acc.columns.len() as u64),
        })])
    }
}
