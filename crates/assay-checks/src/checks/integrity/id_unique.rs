//! `integrity.id_unique`: the id column's values are unique.

use std::any::Any;

use ahash::AHashSet;

use assay_report::details::integrity::IdUniqueDetails;

use crate::accumulators::{HashMode, RowHashes};
use crate::check::{downcast, Check, CheckDoc, Inputs, Measurement, RowPass, Side, TapInputs};
use crate::condition::Condition;

/// Number of rows whose id repeats an earlier row's id.
pub struct IdUnique;

fn id_columns(inputs: &Inputs) -> Vec<String> {
    match inputs.columns {
        Some(c) => c.to_vec(),
        None => inputs.roles.id.iter().cloned().collect(),
    }
}

impl Check for IdUnique {
    fn id(&self) -> &'static str {
        "integrity.id_unique"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Identifier columns hold unique values.",
            computes: "For the id column (roles.id, or each column in `columns:`), the number of \
                non-first occurrences of a value: rows − distinct values (nulls count as one value).",
            why: "Duplicate ids break joins with delayed labels and double-count events.",
            parameters: "none",
            default_condition: "== 0",
            exactness: "Exact, hashing each value with 128 bits on the profiling read.",
            references: "Great Expectations expect_column_values_to_be_unique; pandas duplicated().",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    /// Hashes of each id column taken on the current read.
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        if inputs.current.is_none() {
            return Ok(Some(Vec::new()));
        }
        let columns = match inputs.columns {
            Some(c) => c.to_vec(),
            None => inputs.roles.id.iter().cloned().collect(),
        };
        Ok(Some(
            columns
                .into_iter()
                .map(|c| RowPass {
                    side: Side::Current,
                    accumulator: Box::new(RowHashes::new(
                        vec![c],
                        HashMode::CountDuplicates {
                            seen: AHashSet::new(),
                            duplicates: 0,
                        },
                    )),
                })
                .collect(),
        ))
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let cols = id_columns(inputs);
        if cols.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no id column: set roles.id or columns:",
            )]);
        }
        if inputs.current.source.is_none() {
            // A profile knows the exact distinct count while it is below the cap.
            return Ok(cols
                .iter()
                .map(|c| match inputs.current.profile.column(c) {
                    Some(p) if p.state.distinct_is_exact() => {
                        let dup = p.state.non_null() - p.state.distinct();
                        Measurement::value(
                            Some(c),
                            dup as f64,
                            format!("{dup} repeated ids (from the profile)"),
                        )
                    }
                    _ => Measurement::skipped(
                        Some(c),
                        "needs the raw rows (the current side is a saved profile)",
                    ),
                })
                .collect());
        }
        let mut out = Vec::new();
        for (c, pass) in cols.iter().zip(passes) {
            let acc: RowHashes = downcast(pass)?;
            let HashMode::CountDuplicates { duplicates, seen } = acc.mode else {
                return Err("internal: unexpected hash mode".into());
            };
            out.push(
                Measurement::value(
                    Some(c),
                    duplicates as f64,
                    if duplicates == 0 {
                        format!("all {} ids are unique", acc.rows)
                    } else {
                        format!(
                            "{duplicates} rows repeat an earlier id ({} distinct ids in {} rows)",
                            seen.len(),
                            acc.rows
                        )
                    },
                )
                .with_details(&IdUniqueDetails {
                    rows: Some(acc.rows),
                    distinct: Some(seen.len() as u64),
                }),
            );
        }
        Ok(out)
    }
}
