//! `robustness.monotonicity`: whether the model's output moves in the declared direction
//! when one input increases and the others stay put.

use std::any::Any;

use serde_json::{Map, Value};

use assay_report::details::robustness::{Grid, MonotonicityDetails};

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

use super::{analysis_needs, domain_of, head, numbers, rows_of};

/// Declared monotone relations.
pub struct Monotonicity;

fn constraints(params: &Map<String, Value>) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for (key, increasing) in [("increasing", true), ("decreasing", false)] {
        match params.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) => {
                for v in a {
                    let name = v
                        .as_str()
                        .ok_or_else(|| format!("params.{key} must list column names, got {v}"))?;
                    out.push((name.to_string(), increasing));
                }
            }
            Some(Value::String(s)) => out.push((s.clone(), increasing)),
            Some(v) => return Err(format!("params.{key} must be a list of columns, got {v}")),
        }
    }
    if out.is_empty() {
        return Err(
            "params.increasing / params.decreasing: declare at least one monotone input".into(),
        );
    }
    Ok(out)
}

impl Check for Monotonicity {
    fn id(&self) -> &'static str {
        "robustness.monotonicity"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of rows where the model's output moves against a declared monotone direction.",
            computes: "For each input declared in params.increasing or params.decreasing, and each of the first params.max_rows complete rows of the current data: the input is set to params.levels evenly spaced values over its range (the data's minimum to maximum, or sensitivity.domains) with the other inputs kept, and the analysed output (positive-class probability or value) is computed. A row violates the constraint when the output decreases (increasing) or increases (decreasing) by more than params.tolerance between consecutive levels. Value: the share of rows that violate, one result per input; details: the largest violation and the row.",
            why: "Domain knowledge often fixes a direction (more income never lowers a credit limit, a larger house never lowers its price). A model that breaks it will be hard to explain and can be gamed.",
            parameters: "increasing, decreasing: lists of inputs; levels (default 10); max_rows (default 1000); tolerance (default 1e-9).",
            default_condition: "== 0",
            exactness: "Exact on the grid of levels for the rows tested; violations between grid points are not seen.",
            references: "Individual conditional expectation (Goldstein et al., 2015); monotonic constraints of XGBoost/LightGBM.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &[
            "increasing",
            "decreasing",
            "levels",
            "max_rows",
            "tolerance",
        ]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        analysis_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let declared = constraints(inputs.params)?;
        let levels = inputs.param_count(self.id(), "levels", 10)?;
        let max_rows = inputs.param_count(self.id(), "max_rows", 1000)?;
        let tolerance = inputs.param_non_negative("tolerance")?.unwrap_or(1e-9);
        let (a, all) = rows_of(inputs)?;
        let d = a.features.len();
        // The grid of every row is built and predicted in one call: bounded before building.
        crate::limits::check_combined(
            "params.max_rows × params.levels × inputs",
            max_rows as f64 * levels as f64 * d as f64,
            &format!("{max_rows} × {levels} × {d}"),
            None,
        )?;
        let batch = head(all, max_rows);
        let n = batch.num_rows();
        let mut base: Vec<Vec<f64>> = Vec::with_capacity(d);
        for f in &a.features {
            base.push(numbers(&batch, f)?);
        }
        let mut out = Vec::new();
        for (name, increasing) in declared {
            let Some(j) = a.features.iter().position(|f| *f == name) else {
                return Err(format!(
                    "params.{}: `{name}` is not an input of {} (inputs: {})",
                    if increasing {
                        "increasing"
                    } else {
                        "decreasing"
                    },
                    a.model.path(),
                    a.features.join(", ")
                ));
            };
            let full = numbers(all, &name)?;
            let (lo, hi) = match domain_of(inputs, &name) {
                Some([lo, hi]) => (lo, hi),
                None => (
                    full.iter().copied().fold(f64::INFINITY, f64::min),
                    full.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ),
            };
            if !(lo.is_finite() && hi.is_finite()) || lo >= hi {
                out.push(Measurement::skipped(
                    Some(&name),
                    format!("`{name}` takes a single value in the data: nothing to vary"),
                ));
                continue;
            }
            let grid: Vec<f64> = (0..levels)
                .map(|i| lo + (hi - lo) * i as f64 / (levels - 1) as f64)
                .collect();
            // Row-major design: for each data row, `levels` copies with input j on the grid.
            let mut x = Vec::with_capacity(n * levels * d);
            for i in 0..n {
                for g in &grid {
                    for (k, col) in base.iter().enumerate() {
                        x.push(if k == j { *g } else { col[i] });
                    }
                }
            }
            let y = a.eval_matrix(&x, n * levels)?;
            let mut violating = 0usize;
            let mut worst = (0.0f64, 0usize);
            for i in 0..n {
                let row = &y[i * levels..(i + 1) * levels];
                let mut bad = false;
                for w in row.windows(2) {
                    let step = if increasing { w[0] - w[1] } else { w[1] - w[0] };
                    if step > tolerance {
                        bad = true;
                        if step > worst.0 {
                            worst = (step, i);
                        }
                    }
                }
                violating += usize::from(bad);
            }
            let share = violating as f64 / n.max(1) as f64;
            let direction = if increasing {
                "increasing"
            } else {
                "decreasing"
            };
            out.push(
                Measurement::value(
                    Some(&name),
                    share,
                    if violating == 0 {
                        format!("{} is {direction} in `{name}` on all {n} rows tested", a.output.describe())
                    } else {
                        format!(
                            "{} of {n} rows break `{name}` {direction}: {} moves the wrong way by up to {:.4} (row {})",
                            pct(share),
                            a.output.describe(),
                            worst.0,
                            worst.1
                        )
                    },
                )
                .with_details(&MonotonicityDetails {
                    direction: Some(direction.to_string()),
                    rows: Some(n as u64),
                    violating_rows: Some(violating as u64),
                    largest_violation: Some(worst.0),
                    grid: Some(Grid {
                        low: Some(lo),
                        high: Some(hi),
                        levels: Some(levels as u64),
                    }),
                }),
            );
        }
        Ok(out)
    }
}
