//! `generalization.validation_coverage`: how much of the production data lies where the
//! validation data never went (categories it never had, values outside its range).

use std::any::Any;
use std::collections::{HashMap, HashSet};

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;
use serde_json::json;

use assay_report::details::crossval::{CoverageDetails, UnseenValue};

use assay_engine::Dataset;

use crate::check::{
    pct, Check, CheckDoc, Inputs, Measurement, RowAccumulator, RowPass, Side, TapInputs,
};
use crate::checks::next_pass;
use crate::condition::Condition;

/// Coverage of production (current) by validation (reference) data.
pub struct ValidationCoverage;

/// What the validation data covers in one column.
#[derive(Debug, Clone)]
enum Domain {
    /// Numbers from min to max.
    Range(f64, f64),
    /// These categories.
    Set(HashSet<String>),
}

/// Counts production rows outside the validation data's domains.
struct CoverageCounter {
    columns: Vec<(String, Domain)>,
    rows: u64,
    any_outside: u64,
    outside: Vec<u64>,
    below: Vec<u64>,
    above: Vec<u64>,
    unseen: Vec<HashMap<String, u64>>,
}

/// Distinct unseen categories counted by value per column and part of the read (their rows
/// are all counted in the share). Below it the counts listed are exact whatever the number
/// of threads; a column past it lists lower bounds for the values met after the cap.
const UNSEEN_TRACKED: usize = 100_000;

impl CoverageCounter {
    fn new(columns: Vec<(String, Domain)>) -> Self {
        let k = columns.len();
        Self {
            columns,
            rows: 0,
            any_outside: 0,
            outside: vec![0; k],
            below: vec![0; k],
            above: vec![0; k],
            unseen: vec![HashMap::new(); k],
        }
    }
}

impl RowAccumulator for CoverageCounter {
    fn columns(&self) -> Vec<String> {
        self.columns.iter().map(|(c, _)| c.clone()).collect()
    }

    fn fork(&self) -> Option<Box<dyn RowAccumulator>> {
        Some(Box::new(CoverageCounter::new(self.columns.clone())))
    }

    fn merge(&mut self, other: Box<dyn Any>) -> Result<(), String> {
        let other = other
            .downcast::<CoverageCounter>()
            .map_err(|_| "internal: merging another accumulator into a coverage counter")?;
        if other.columns.len() != self.columns.len() {
            return Err("internal: merging coverage counters of other columns".into());
        }
        self.rows += other.rows;
        self.any_outside += other.any_outside;
        for j in 0..self.columns.len() {
            self.outside[j] += other.outside[j];
            self.below[j] += other.below[j];
            self.above[j] += other.above[j];
        }
        for (mine, theirs) in self.unseen.iter_mut().zip(other.unseen) {
            for (value, count) in theirs {
                *mine.entry(value).or_insert(0) += count;
            }
        }
        Ok(())
    }

    fn update(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let n = batch.num_rows();
        let mut any = vec![false; n];
        for (j, (name, domain)) in self.columns.iter().enumerate() {
            let a = batch
                .column_by_name(name)
                .ok_or_else(|| format!("column `{name}` missing from the scan"))?;
            match domain {
                Domain::Range(lo, hi) => {
                    let f = cast(a, &DataType::Float64).map_err(|e| format!("`{name}`: {e}"))?;
                    let f = f.as_primitive::<Float64Type>();
                    for (i, flag) in any.iter_mut().enumerate() {
                        if f.is_null(i) || f.value(i).is_nan() {
                            continue;
                        }
                        let v = f.value(i);
                        if v < *lo {
                            self.below[j] += 1;
                            self.outside[j] += 1;
                            *flag = true;
                        } else if v > *hi {
                            self.above[j] += 1;
                            self.outside[j] += 1;
                            *flag = true;
                        }
                    }
                }
                Domain::Set(known) => {
                    let s = cast(a, &DataType::Utf8).map_err(|e| format!("`{name}`: {e}"))?;
                    let s = s.as_string::<i32>();
                    for (i, flag) in any.iter_mut().enumerate() {
                        if s.is_null(i) {
                            continue;
                        }
                        let v = s.value(i);
                        if !known.contains(v) {
                            self.outside[j] += 1;
                            *flag = true;
                            if let Some(c) = self.unseen[j].get_mut(v) {
                                *c += 1;
                            } else if self.unseen[j].len() < UNSEEN_TRACKED {
                                self.unseen[j].insert(v.to_string(), 1);
                            }
                        }
                    }
                }
            }
        }
        self.rows += n as u64;
        self.any_outside += any.iter().filter(|a| **a).count() as u64;
        Ok(())
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Columns with their validation domain, and results for the columns left out.
type Domains = (Vec<(String, Domain)>, Vec<Measurement>);

/// The validation (`reference`) data's domain of each of `names`.
fn domains(reference: Option<&Dataset>, names: Vec<String>) -> Result<Domains, String> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let Some(reference) = reference else {
        return Ok((out, skipped));
    };
    for name in names {
        let Some(r) = reference.profile.column(&name) else {
            skipped.push(Measurement::skipped(
                Some(&name),
                format!(
                    "`{name}` is not in the validation data ({})",
                    reference.label
                ),
            ));
            continue;
        };
        if let Some(n) = r.state.as_numeric() {
            match (n.min, n.max) {
                (Some(lo), Some(hi)) => out.push((name, Domain::Range(lo, hi))),
                _ => skipped.push(Measurement::skipped(
                    Some(&name),
                    "the validation data has no finite value in this column",
                )),
            }
        } else {
            match r.state.exact_value_counts() {
                Some(counts) => out.push((
                    name,
                    Domain::Set(counts.into_iter().map(|(v, _)| v).collect()),
                )),
                None => skipped.push(Measurement::error(
                    Some(&name),
                    format!(
                        "the validation data has more than {} distinct values in `{name}`: its categories are only sketched",
                        assay_stats::value_counter::DEFAULT_EXACT_CAP
                    ),
                )),
            }
        }
    }
    Ok((out, skipped))
}

impl Check for ValidationCoverage {
    fn id(&self) -> &'static str {
        "generalization.validation_coverage"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of production rows outside what the validation data exercised.",
            computes: "Current data = production, reference = the validation data. Per feature column: the share of production rows (non-null) whose category never occurs in the validation data, or whose number lies below its minimum or above its maximum (details: below/above row counts, unseen categories with counts). One dataset-level result: the share of production rows with at least one feature outside the validation data's coverage (the joint figure a per-column view understates).",
            why: "A validation score only vouches for the region of input space the validation data covers. Production rows outside it are predicted on faith: categories the model never saw, ranges it never extrapolated to.",
            parameters: "none (columns: restricts the features).",
            default_condition: "<= 0.01",
            exactness: "Exact: counted on the production data's profiling read against the validation data's exact minimum/maximum and category sets (categorical columns with more than 10,000 distinct validation values are an error: their set is only sketched). Unseen categories are counted by value up to 100,000 distinct per column and part of the read; past that, the counts listed for values met later are lower bounds (the share stays exact).",
            references: "TFDV skew/domain checks; Deepchecks 'New category' and 'Out of range'; Ovadia et al. (2019) on dataset shift.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.01)
    }

    /// The counts ride on the current data's profiling read, once the validation data (the
    /// reference) is profiled.
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        if inputs.current.is_none() {
            return Ok(None);
        }
        let (columns, _) = domains(inputs.reference, inputs.target_columns(|_| true))?;
        if columns.is_empty() {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![RowPass {
            side: Side::Current,
            accumulator: Box::new(CoverageCounter::new(columns)),
        }]))
    }

    fn taps_after_reference(&self) -> bool {
        true
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let Some(reference) = inputs.reference else {
            return Ok(vec![Measurement::skipped(
                None,
                "no validation data: give it as data.reference (the current data is production)",
            )]);
        };
        let (columns, mut out) = domains(inputs.reference, inputs.target_columns(|_| true))?;
        if columns.is_empty() {
            return Ok(out);
        }
        if passes.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "the production data is a saved profile: coverage needs its rows",
            )]);
        }
        let mut passes = passes.into_iter();
        let counter: CoverageCounter = next_pass(&mut passes)?;
        let rows = counter.rows;
        let share = |x: u64, of: u64| if of == 0 { 0.0 } else { x as f64 / of as f64 };
        for (j, (name, domain)) in counter.columns.iter().enumerate() {
            let non_null = inputs
                .current
                .profile
                .column(name)
                .map_or(rows, |c| c.state.non_null());
            let s = share(counter.outside[j], non_null);
            let mut m = match domain {
                Domain::Range(lo, hi) => Measurement::value(
                    Some(name),
                    s,
                    format!(
                        "{} of production values lie outside the validation range [{lo}, {hi}] ({} below, {} above)",
                        pct(s),
                        counter.below[j],
                        counter.above[j]
                    ),
                )
                .with_details(&CoverageDetails {
                    validation_min: Some(*lo),
                    validation_max: Some(*hi),
                    below: Some(counter.below[j]),
                    above: Some(counter.above[j]),
                    ..CoverageDetails::default()
                }),
                Domain::Set(known) => {
                    let mut unseen: Vec<(&String, &u64)> = counter.unseen[j].iter().collect();
                    unseen.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
                    let names: Vec<&str> = unseen.iter().take(5).map(|(v, _)| v.as_str()).collect();
                    Measurement::value(
                        Some(name),
                        s,
                        if unseen.is_empty() {
                            format!("every production value is one of the {} validation categories", known.len())
                        } else {
                            format!(
                                "{} of production rows have a category validation never had: {}{}",
                                pct(s),
                                names.join(", "),
                                if unseen.len() > 5 { ", ..." } else { "" }
                            )
                        },
                    )
                    .with_details(&CoverageDetails {
                        validation_categories: Some(known.len() as u64),
                        unseen: Some(
                            unseen
                                .iter()
                                .take(20)
                                .map(|(v, c)| UnseenValue {
                                    value: json!(v),
                                    count: Some(**c),
                                })
                                .collect(),
                        ),
                        ..CoverageDetails::default()
                    })
                }
            };
            m = m.with_details(&CoverageDetails {
                outside_rows: Some(counter.outside[j]),
                ..CoverageDetails::default()
            });
            out.push(m);
        }
        let joint = share(counter.any_outside, rows);
        out.push(
            Measurement::value(
                None,
                joint,
                format!(
                    "{} of {rows} production rows have at least one feature outside what {} covers",
                    pct(joint),
                    reference.label
                ),
            )
            .with_details(&CoverageDetails {
                rows: Some(rows),
                uncovered_rows: Some(counter.any_outside),
                features: Some(counter.columns.len() as u64),
                ..CoverageDetails::default()
            }),
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Float64Array, StringArray};
    use arrow::datatypes::{Field, Schema};
    use assay_engine::Roles;
    use serde_json::Map;

    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn counts_rows_outside_ranges_and_categories_jointly() {
        let validation = dataset(&[
            ("x", Values::Num(&[Some(0.0), Some(10.0), Some(5.0)])),
            ("c", Values::Text(&[Some("a"), Some("b"), Some("a")])),
        ]);
        let production = dataset(&[
            ("x", Values::Num(&[Some(-1.0), Some(5.0), Some(11.0), None])),
            (
                "c",
                Values::Text(&[Some("a"), Some("z"), Some("a"), Some("z")]),
            ),
        ]);
        let roles = Roles::default();
        let params = Map::new();
        let condition = ValidationCoverage.default_condition(true);
        let inputs = Inputs {
            current: &production,
            reference: Some(&validation),
            roles: &roles,
            columns: None,
            params: &params,
            condition: &condition,
            condition_is_explicit: false,
            evaluation: None,
            validation: None,
            kept_rows: None,
        };
        let (columns, _) = domains(inputs.reference, inputs.target_columns(|_| true)).unwrap();
        let counter = CoverageCounter::new(columns);
        // Fed as the profiling read feeds a tap: split across two copies, then merged.
        let (mut first, mut second) = (counter.fork().unwrap(), counter.fork().unwrap());
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("x", DataType::Float64, true),
                Field::new("c", DataType::Utf8, true),
            ])),
            vec![
                Arc::new(Float64Array::from(vec![
                    Some(-1.0),
                    Some(5.0),
                    Some(11.0),
                    None,
                ])) as ArrayRef,
                Arc::new(StringArray::from(vec![
                    Some("a"),
                    Some("z"),
                    Some("a"),
                    Some("z"),
                ])),
            ],
        )
        .unwrap();
        first.update(&batch.slice(0, 3)).unwrap();
        second.update(&batch.slice(3, 1)).unwrap();
        first.merge(second.into_any()).unwrap();
        let m = ValidationCoverage
            .measure(&inputs, vec![first.into_any()])
            .unwrap();
        let x = m.iter().find(|m| m.column.as_deref() == Some("x")).unwrap();
        assert!((x.value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(x.details["below"], 1);
        assert_eq!(x.details["above"], 1);
        let c = m.iter().find(|m| m.column.as_deref() == Some("c")).unwrap();
        assert_eq!(c.value, Some(0.5));
        assert_eq!(c.details["unseen"][0]["value"], "z");
        assert_eq!(c.details["unseen"][0]["count"], 2);
        let joint = m.iter().find(|m| m.column.is_none()).unwrap();
        // Rows 0 (x below), 1 (z), 2 (x above), 3 (z): all four.
        assert_eq!(joint.value, Some(1.0));
        let none = measure(
            &ValidationCoverage,
            &production,
            None,
            serde_json::json!({}),
        );
        assert!(none[0].skipped.is_some());
    }
}
