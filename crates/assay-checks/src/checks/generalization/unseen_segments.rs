//! `generalization.unseen_segments`: how a model scores on segment values it never saw in
//! training, against its ordinary cross-validated score.

use std::any::Any;

use serde_json::json;

use assay_report::details::crossval::{SegmentScore, UnseenSegmentsDetails};

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::checks::crossval::{requested_metrics, run_of, short};
use crate::condition::Condition;
use crate::suite::{CheckEntry, Suite};
use crate::validation::crossval::summarize;
use crate::validation::ValidationNeeds;

/// Held-out segment values.
pub struct UnseenSegments;

fn columns_for(suite: &Suite, entry: &CheckEntry) -> Vec<String> {
    entry
        .columns
        .clone()
        .or_else(|| suite.validation.unseen_segments.clone())
        .unwrap_or_else(|| suite.roles.segments.clone())
}

impl Check for UnseenSegments {
    fn id(&self) -> &'static str {
        "generalization.unseen_segments"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Score on segment values never seen in training, against the ordinary cross-validated score.",
            computes: "For each segment column (columns:, else validation.unseen_segments, else roles.segments): a group k-fold over the column's values (k = min(validation.folds, number of values)), so every validation row's segment value is absent from its fold's training rows; the held-out predictions are pooled and scored. Value: the drop from the ordinary cross-validated mean to this held-out score, oriented so positive is worse. Details: the held-out score and each value's score and rows.",
            why: "Production brings new stores, regions, devices or customers. A model whose score collapses on values it has not seen will fail on the first new one, however good its ordinary cross-validation looks.",
            parameters: "metric: the metric compared (default: the first of validation.metrics).",
            default_condition: "<= 0.05",
            exactness: "Exact; costs one more training per fold for each column.",
            references: "scikit-learn GroupKFold / LeaveOneGroupOut; Roberts et al. (2017) 'Cross-validation strategies for data with temporal, spatial, hierarchical, or phylogenetic structure'.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric"]
    }

    fn validation_needs(&self, suite: &Suite, entry: &CheckEntry) -> ValidationNeeds {
        ValidationNeeds {
            crossval: true,
            extra_metrics: requested_metrics(&entry.params),
            unseen_segments: columns_for(suite, entry),
            ..ValidationNeeds::default()
        }
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let run = run_of(inputs)?;
        let ctx = inputs
            .validation
            .ok_or("internal: validation data was not prepared")?;
        let m = match requested_metrics(inputs.params).first() {
            Some(n) => crate::checks::model::metric_named(n)
                .and_then(|s| run.metric_index(s.id))
                .ok_or_else(|| format!("params.metric: `{n}` is not a metric of this run"))?,
            None => 0,
        };
        let spec = run
            .metrics
            .get(m)
            .ok_or("the cross-validation scored no metric")?;
        let name = short(spec.id);
        if ctx.unseen.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no segment column: name one in columns:, validation.unseen_segments or roles.segments",
            )]);
        }
        let ordinary = summarize(&run.scores(m), run.confidence).map(|s| s.mean);
        let mut out = Vec::new();
        for u in &ctx.unseen {
            let column = u.column.as_str();
            let failed: Vec<&str> = u.folds.iter().filter_map(|f| f.error.as_deref()).collect();
            let (Some(held), Some(ordinary)) = (u.pooled.get(m).copied().flatten(), ordinary)
            else {
                out.push(Measurement::error(
                    Some(column),
                    failed.first().map_or_else(
                        || format!("{name} is undefined on the held-out predictions"),
                        |e| format!("a held-out fold failed: {e}"),
                    ),
                ));
                continue;
            };
            let drop = if spec.higher_is_better {
                ordinary - held
            } else {
                held - ordinary
            };
            let values: Vec<SegmentScore> = u
                .per_value
                .iter()
                .map(|(v, rows, s)| SegmentScore {
                    value: json!(v),
                    rows: Some(*rows as u64),
                    score: s.get(m).copied().flatten(),
                })
                .collect();
            let worst = u
                .per_value
                .iter()
                .filter_map(|(v, _, s)| s.get(m).copied().flatten().map(|x| (v, x)))
                .min_by(|a, b| {
                    let (x, y) = if spec.higher_is_better {
                        (a.1, b.1)
                    } else {
                        (b.1, a.1)
                    };
                    x.total_cmp(&y)
                });
            let message = format!(
                "{name} on {} held-out values of `{column}`: {held:.4} vs {ordinary:.4} in ordinary cross-validation (drop {drop:+.4}){}",
                u.values.len(),
                worst.map_or(String::new(), |(v, x)| format!("; worst `{v}` {x:.4}"))
            );
            let mut measurement = Measurement::value(Some(column), drop, message)
                .with_reference(Some(ordinary))
                .with_details(&UnseenSegmentsDetails {
                    metric: Some(name.to_string()),
                    held_out_score: Some(held),
                    crossval_score: Some(ordinary),
                    values: Some(values),
                    folds: Some(u.folds.len() as u64),
                });
            if !failed.is_empty() {
                measurement.failed_anyway = Some(format!(
                    "{} held-out fold(s) failed: {}",
                    failed.len(),
                    failed[0]
                ));
            }
            out.push(measurement);
        }
        Ok(out)
    }
}
