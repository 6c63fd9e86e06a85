//! `leakage.train_test_overlap`: current rows that also appear in the reference.

use std::any::Any;

use ahash::AHashSet;

use assay_stats::ratio;

use assay_report::details::data::OverlapDetails;

use crate::accumulators::{HashMode, RowHashes};
use crate::check::{downcast, pct, Check, CheckDoc, Inputs, Measurement, RowPass, Side, TapInputs};
use crate::condition::Condition;

/// Share of current rows identical to some reference row.
pub struct TrainTestOverlap;

/// Columns compared: `columns:`, else those both sides have except the id.
fn compared_columns(inputs: &TapInputs) -> Vec<String> {
    if let Some(c) = inputs.columns {
        return c.to_vec();
    }
    let reference: Vec<String> = inputs
        .reference_schema
        .map(|s| s.fields().iter().map(|f| f.name().clone()).collect())
        .unwrap_or_default();
    inputs
        .current_columns()
        .into_iter()
        .filter(|c| reference.contains(c) && inputs.roles.id.as_deref() != Some(c.as_str()))
        .collect()
}

impl Check for TrainTestOverlap {
    fn id(&self) -> &'static str {
        "leakage.train_test_overlap"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary:
                "Rows of the current (test) data that also appear in the reference (training) data.",
            computes: "The share of current rows whose values, over every column both datasets \
                share except roles.id (or the `columns:` given), equal those of at least one \
                reference row.",
            why: "Test rows seen in training inflate every metric: the model is graded on answers \
                it memorised.",
            parameters: "none (use `columns:` to compare on features only)",
            default_condition: "== 0",
            exactness: "Exact up to 128-bit hash collisions; needs the raw rows of both sides \
                (skipped when either is a saved profile).",
            references: "Deepchecks TrainTestSamplesMix.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    /// Row hashes of both sides, taken on their reads.
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        if inputs.current.is_none() || inputs.reference_schema.is_none() {
            return Ok(Some(Vec::new()));
        }
        let cols = compared_columns(inputs);
        Ok(Some(vec![
            RowPass {
                side: Side::Reference,
                accumulator: Box::new(RowHashes::new(
                    cols.clone(),
                    HashMode::CollectSet(AHashSet::new()),
                )),
            },
            RowPass {
                side: Side::Current,
                accumulator: Box::new(RowHashes::new(cols, HashMode::CollectAll(Vec::new()))),
            },
        ]))
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let Some(reference) = inputs.reference else {
            return Ok(vec![Measurement::skipped(None, "no reference dataset")]);
        };
        if reference.source.is_none() || inputs.current.source.is_none() {
            return Ok(vec![Measurement::skipped(
                None,
                "needs the raw rows of both datasets (a side is a saved profile)",
            )]);
        }
        let mut it = passes.into_iter();
        let (Some(r), Some(c)) = (it.next(), it.next()) else {
            return Err("internal: missing row passes".into());
        };
        let r: RowHashes = downcast(r)?;
        let c: RowHashes = downcast(c)?;
        let (HashMode::CollectSet(set), HashMode::CollectAll(rows)) = (r.mode, c.mode) else {
            return Err("internal: unexpected hash modes".into());
        };
        let overlapping = rows.iter().filter(|h| set.contains(h)).count() as u64;
        let share = ratio(overlapping, c.rows);
        Ok(vec![Measurement::value(
            None,
            share,
            format!(
                "{overlapping} of {} current rows also appear in the reference ({})",
                c.rows,
                pct(share)
            ),
        )
        .with_details(&OverlapDetails {
            overlapping_rows: Some(overlapping),
            current_rows: Some(c.rows),
            reference_rows: Some(r.rows),
            columns: Some(c.columns.len() as u64),
        })])
    }
}
