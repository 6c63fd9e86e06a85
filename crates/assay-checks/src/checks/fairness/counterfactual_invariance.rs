//! `fairness.counterfactual_invariance`: the share of predictions that change when only a
//! protected attribute is changed.

use std::any::Any;

use serde_json::json;

use assay_report::details::robustness::{CounterfactualDetails, CounterfactualValue};

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::robustness::{analysis_needs, head, numbers, rows_of, with_column};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::{OutputChoice, ValidationNeeds};

/// Counterfactual invariance over protected attributes.
pub struct CounterfactualInvariance;

/// Most distinct values of a protected attribute tried.
const MAX_VALUES: usize = 50;

impl Check for CounterfactualInvariance {
    fn id(&self) -> &'static str {
        "fairness.counterfactual_invariance"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of predictions that change when only a protected attribute is changed.",
            computes: "For each protected attribute (columns:, else roles.protected) that is a model input: each of the first params.max_rows complete rows is predicted again with the attribute set to every other value it takes in the data (up to 50), all other inputs unchanged. A row counts when any counterfactual changes its predicted class (classifiers) or moves its prediction by more than params.tolerance (regressors). Value: the share of such rows; details: the share per counterfactual value and the mean absolute change of the analysed output.",
            why: "A decision that flips when only the sex or race of an applicant is changed treats people differently for who they are: direct discrimination, whatever the group metrics say.",
            parameters: "max_rows (default 10000); tolerance (regressors, default 0).",
            default_condition: "<= 0.01",
            exactness: "Exact on the rows tested. Only the direct effect: proxies of the attribute (correlated inputs) are left as they are — the group fairness checks measure total effects.",
            references: "Kusner et al. (2017) 'Counterfactual fairness' (this is the attribute-flip test, not a causal model); Garg et al. (2019) 'Counterfactual fairness in text classification'.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.01)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["max_rows", "tolerance"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        analysis_needs(suite, entry)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let columns: Vec<String> = match inputs.columns {
            Some(c) => c.to_vec(),
            None => inputs.roles.protected.clone(),
        };
        if columns.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no protected attribute: give roles.protected or columns:",
            )]);
        }
        let max_rows = inputs.param_count(self.id(), "max_rows", 10_000)?;
        let tolerance = inputs.param_non_negative("tolerance")?.unwrap_or(0.0);
        let (a, all) = rows_of(inputs)?;
        let batch = head(all, max_rows);
        let n = batch.num_rows();
        let base = a.predict(&batch)?;
        let y0 = a.output_of(&base)?;
        let mut out = Vec::new();
        for column in &columns {
            if !a.features.contains(column) {
                out.push(Measurement::skipped(
                    Some(column),
                    format!(
                        "`{column}` is not an input of {}: the model cannot read it directly (proxies are not tested here; see the group fairness checks)",
                        a.model.path()
                    ),
                ));
                continue;
            }
            let original = numbers(&batch, column)?;
            let mut values: Vec<f64> = numbers(all, column)?
                .into_iter()
                .filter(|v| v.is_finite())
                .collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            if values.len() > MAX_VALUES {
                out.push(Measurement::error(
                    Some(column),
                    format!(
                        "`{column}` takes {} values; counterfactuals are tried for at most {MAX_VALUES} (is it really a protected attribute?)",
                        values.len()
                    ),
                ));
                continue;
            }
            let mut changed = vec![false; n];
            let mut per_value = Vec::new();
            let mut abs_change = 0.0;
            let mut tried = 0usize;
            for v in &values {
                let counterfactual: Vec<f64> = vec![*v; n];
                let p = a.predict(&with_column(&batch, column, counterfactual)?)?;
                let y1 = a.output_of(&p)?;
                let mut flipped = 0usize;
                let mut rows_changed_here = 0usize;
                for i in 0..n {
                    if original[i] == *v {
                        continue;
                    }
                    rows_changed_here += 1;
                    tried += 1;
                    abs_change += (y1[i] - y0[i]).abs();
                    let differs = match (&a.output, &base.labels, &p.labels) {
                        (OutputChoice::Probability { .. }, Some(l0), Some(l1)) => l0[i] != l1[i],
                        _ => (y1[i] - y0[i]).abs() > tolerance,
                    };
                    if differs {
                        flipped += 1;
                        changed[i] = true;
                    }
                }
                per_value.push(CounterfactualValue {
                    value: json!(v),
                    rows: Some(rows_changed_here as u64),
                    changed: Some(flipped as u64),
                    share: Some(if rows_changed_here > 0 {
                        flipped as f64 / rows_changed_here as f64
                    } else {
                        0.0
                    }),
                });
            }
            let rows_changed = changed.iter().filter(|c| **c).count();
            let share = rows_changed as f64 / n.max(1) as f64;
            let mean_abs = if tried > 0 {
                abs_change / tried as f64
            } else {
                0.0
            };
            out.push(
                Measurement::value(
                    Some(column),
                    share,
                    format!(
                        "changing only `{column}` changes the prediction of {} of {n} rows (mean |Δ {}| {mean_abs:.4})",
                        pct(share),
                        a.output.describe()
                    ),
                )
                .with_details(&CounterfactualDetails {
                    rows: Some(n as u64),
                    changed_rows: Some(rows_changed as u64),
                    mean_abs_change: Some(mean_abs),
                    values: Some(per_value),
                }),
            );
        }
        Ok(out)
    }
}
