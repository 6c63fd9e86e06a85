//! `leakage.single_feature`: one feature that alone predicts the target almost perfectly.

use std::any::Any;

use assay_stats::ColumnKind;

use assay_report::details::data::SingleFeatureDetails;

use crate::accumulators::{Bucketing, FeatureTarget};
use crate::check::{downcast, Check, CheckDoc, Inputs, Measurement, RowPass, Side, TapInputs};
use crate::condition::Condition;

/// Holdout predictive power of each feature alone for the target.
pub struct SingleFeatureLeakage;

fn features(inputs: &Inputs) -> Vec<String> {
    let target = inputs.roles.target.clone();
    inputs
        .target_columns(|_| true)
        .into_iter()
        .filter(|c| Some(c) != target.as_ref())
        .collect()
}

/// Numeric features are cut at their deciles (numpy's inverted-CDF definition): from the
/// profile's exact counts, else from the feature's kept rows when it holds plain numbers
/// (exact, and the same on every run), else from the profile's sketch.
fn bucketing(inputs: &Inputs, column: &str) -> Result<Bucketing, String> {
    let Some(c) = inputs.current.profile.column(column) else {
        return Ok(Bucketing::Categories);
    };
    if c.kind != ColumnKind::Numeric {
        return Ok(Bucketing::Categories);
    }
    let exact_counts = c.state.as_numeric().is_some_and(|n| n.values.is_exact());
    // Plain numbers only (temporal values are bucketed by the profile's epoch units).
    let plain_number = |k: &&assay_engine::ordered::KeptRows| {
        k.schema()
            .field_with_name(column)
            .is_ok_and(|f| f.data_type().is_numeric())
    };
    let kept = inputs
        .kept_rows
        .filter(|k| !exact_counts && k.has(column))
        .filter(plain_number);
    let mut edges: Vec<f64> = match kept {
        Some(kept) => {
            let sorted = kept_values(kept, column)?;
            let n = sorted.len();
            (1..10)
                .filter_map(|i| {
                    let rank = ((f64::from(i) / 10.0 * n as f64).ceil() as usize).max(1);
                    sorted.get(rank.min(n).checked_sub(1)?).copied()
                })
                .collect()
        }
        None => (1..10)
            .filter_map(|i| c.state.quantile(f64::from(i) / 10.0))
            .collect(),
    };
    edges.dedup();
    Ok(Bucketing::Edges(edges))
}

/// The finite values of numeric `column` among the kept rows, sorted.
fn kept_values(kept: &assay_engine::ordered::KeptRows, column: &str) -> Result<Vec<f64>, String> {
    let index = kept.indices(&[column.to_string()])?[0];
    let mut values = Vec::with_capacity(kept.num_rows());
    kept.for_each_batch(|batch| {
        let as_f64 =
            arrow::compute::cast(batch.column(index), &arrow::datatypes::DataType::Float64)
                .map_err(|e| format!("column `{column}`: {e}"))?;
        let as_f64 = as_f64
            .as_any()
            .downcast_ref::<arrow::array::Float64Array>()
            .ok_or_else(|| format!("internal: column `{column}` did not cast to numbers"))?;
        values.extend(as_f64.iter().flatten().filter(|v| v.is_finite()));
        Ok(())
    })?;
    values.sort_unstable_by(f64::total_cmp);
    Ok(values)
}

impl Check for SingleFeatureLeakage {
    fn id(&self) -> &'static str {
        "leakage.single_feature"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "A single feature that alone predicts the target almost perfectly (target leakage).",
            computes: "For each feature: numeric features are cut at their deciles, categorical ones \
                kept by value; on even rows, each bucket predicts its majority target class; scored \
                on odd rows (and the reverse, averaged), the predictive power is \
                (accuracy − baseline) / (1 − baseline), where the baseline always predicts the \
                overall majority class. 0: no better than the baseline; 1: perfect.",
            why: "A feature computed from the label (or recorded after it) makes a model look \
                perfect offline and useless in production.",
            parameters: "none (roles.target is required)",
            default_condition: "<= 0.8",
            exactness: "Exact for the rule described (a holdout one-feature lookup). It is in the \
                spirit of Deepchecks' Predictive Power Score (a cross-validated decision tree) but \
                not identical: bucketing is by deciles, and scoring is a holdout split of even/odd rows.",
            references: "Deepchecks FeatureLabelCorrelation (PPS); Wetschoreck (2020) ppscore.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.8)
    }

    /// The target and every feature, kept from the one read: the deciles that bucket numeric
    /// features are known only once the data is profiled.
    fn kept_rows_need(&self, inputs: &TapInputs) -> Option<Vec<String>> {
        let target = inputs.roles.target.as_ref()?;
        let schema = inputs.current?;
        schema.field_with_name(target).ok()?;
        let mut columns: Vec<String> = inputs
            .target_columns(|_| true)
            .into_iter()
            .filter(|c| c != target)
            .collect();
        columns.push(target.clone());
        Some(columns)
    }

    fn row_passes(&self, inputs: &Inputs) -> Result<Vec<RowPass>, String> {
        let Some(target) = &inputs.roles.target else {
            return Ok(Vec::new());
        };
        if inputs.current.source.is_none() {
            return Ok(Vec::new());
        }
        features(inputs)
            .into_iter()
            .map(|f| {
                Ok(RowPass {
                    side: Side::Current,
                    accumulator: Box::new(FeatureTarget::new(&f, target, bucketing(inputs, &f)?)),
                })
            })
            .collect()
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        if inputs.roles.target.is_none() {
            return Ok(vec![Measurement::skipped(
                None,
                "no target: set roles.target",
            )]);
        }
        if inputs.current.source.is_none() {
            return Ok(vec![Measurement::skipped(
                None,
                "needs the raw rows (the current side is a saved profile)",
            )]);
        }
        let mut out = Vec::new();
        for pass in passes {
            let acc: FeatureTarget = downcast(pass)?;
            let a = acc.even.predictive_power_holdout(&acc.odd);
            let b = acc.odd.predictive_power_holdout(&acc.even);
            let (Some(a), Some(b)) = (a, b) else {
                out.push(Measurement::skipped(
                    Some(&acc.feature),
                    "not enough labelled rows",
                ));
                continue;
            };
            let power = (a.power + b.power) / 2.0;
            let accuracy = (a.accuracy_by_majority + b.accuracy_by_majority) / 2.0;
            out.push(
                Measurement::value(
                    Some(&acc.feature),
                    power,
                    format!(
                        "alone predicts `{}` with accuracy {:.4} (baseline {:.4}): power {:.4}",
                        acc.target, accuracy, a.baseline_accuracy, power
                    ),
                )
                .with_details(&SingleFeatureDetails {
                    accuracy: Some(accuracy),
                    baseline_accuracy: Some(a.baseline_accuracy),
                    buckets: Some(a.buckets as u64),
                    rows: Some(a.rows + b.rows),
                }),
            );
        }
        Ok(out)
    }
}
