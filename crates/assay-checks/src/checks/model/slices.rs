//! `model.slices`: a metric on every segment value and every slice expression, against the
//! whole data.

use std::any::Any;

use serde_json::Map;

use assay_stats::metrics::bootstrap::Bootstrap;
use assay_stats::metrics::intervals::percentile_interval;

use super::metric::{MetricData, MetricParams, MetricSpec, Needs};
use assay_report::details::model::SliceDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::{Bound, Condition, Op};
use crate::evaluation::{EvalFrame, EvalTask};

/// Per-slice metrics.
pub struct Slices;

/// The metric a slice check uses: `params.metric`, else accuracy or RMSE.
pub(crate) fn slice_metric(
    inputs: &Inputs,
    frame: &EvalFrame,
) -> Result<&'static MetricSpec, String> {
    let name = inputs.param_str("metric")?.unwrap_or_else(|| {
        match frame.task {
            EvalTask::Classification => "accuracy",
            EvalTask::Regression => "rmse",
        }
        .to_string()
    });
    let spec = super::metric_named(&name)
        .ok_or_else(|| format!("params.metric: unknown metric `{name}`"))?;
    if spec.task != frame.task {
        return Err(format!(
            "params.metric: `{name}` does not apply to a {} task",
            if frame.task == EvalTask::Regression {
                "regression"
            } else {
                "classification"
            }
        ));
    }
    Ok(spec)
}

/// Rows of each slice: `(name, membership)` for every segment value and slice expression.
pub(crate) fn all_slices(frame: &EvalFrame) -> Vec<(String, Vec<bool>)> {
    let mut out = Vec::new();
    for g in &frame.segments {
        for (code, value) in g.values.iter().enumerate() {
            let members: Vec<bool> = g.codes.iter().map(|c| *c as usize == code).collect();
            out.push((format!("{}={value}", g.column), members));
        }
    }
    for s in &frame.slices {
        out.push((s.expression.clone(), s.members.clone()));
    }
    out
}

impl Check for Slices {
    fn id(&self) -> &'static str {
        "model.slices"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "A metric on every segment value and every slice, against the whole data.",
            computes: "params.metric (default accuracy, or rmse for regression) on the rows of each value of each segment column (roles.segments) and of each slice expression (evaluation.slices, SQL conditions such as `age >= 60 and sex = 'Female'`), with a bootstrap interval; the condition's `reference` is the metric on all rows. Slices smaller than min_slice_size are skipped.",
            why: "A model can be good on average and fail a segment that matters; slicing shows where.",
            parameters: "metric: a model metric name (default accuracy / rmse). min_slice_size: default evaluation.min_slice_size (30). tolerance: allowed shortfall against the whole data — absolute for metrics where higher is better (default 0.05), relative for error metrics (default 0.2, i.e. 20% worse).",
            default_condition: ">= reference − 0.05 (higher is better) or <= reference × 1.2 (errors)",
            exactness: "Exact metric; seeded bootstrap interval.",
            references: "Chung et al. (2019), Slice Finder; TFMA slicing.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition {
            op: Op::Ge,
            bound: Bound::Relative {
                factor: 1.0,
                offset: -0.05,
            },
        }
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["metric", "min_slice_size", "tolerance"]
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        let spec = slice_metric(inputs, frame)?;
        let name = spec.id.trim_start_matches("model.");
        let slices = all_slices(frame);
        if slices.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no slices: set roles.segments (--segment) or evaluation.slices",
            )]);
        }
        if spec.needs == Needs::Probabilities && frame.candidate.probabilities.is_none() {
            return Ok(vec![Measurement::skipped(
                None,
                format!("`{name}` needs class probabilities"),
            )]);
        }
        let min_size = match inputs.param_f64("min_slice_size")? {
            Some(v) if v >= 1.0 => v as u64,
            Some(v) => return Err(format!("params.min_slice_size must be ≥ 1, got {v}")),
            None => frame.settings.min_slice_size,
        };
        let tolerance = inputs
            .param_non_negative("tolerance")?
            .unwrap_or(if spec.higher_is_better { 0.05 } else { 0.2 });
        let params = MetricParams::parse(&Map::new())?;
        let data = MetricData::new(frame, &frame.candidate, &params)?;
        let base_w = frame.weights.as_deref();
        let overall = (spec.compute)(&data, base_w);
        let settings = &frame.settings;
        let mut out = Vec::new();
        for (slice, members) in slices {
            let n = members.iter().filter(|m| **m).count() as u64;
            if n < min_size {
                out.push(
                    Measurement::skipped(
                        Some(&slice),
                        format!("{n} rows, fewer than min_slice_size {min_size}"),
                    )
                    .with_details(&SliceDetails {
                        n: Some(n),
                        ..SliceDetails::default()
                    }),
                );
                continue;
            }
            let w: Vec<f64> = members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    if *m {
                        base_w.map_or(1.0, |b| b[i])
                    } else {
                        0.0
                    }
                })
                .collect();
            let Some(value) = (spec.compute)(&data, Some(&w)) else {
                out.push(Measurement::error(
                    Some(&slice),
                    format!("{name} is undefined on this slice ({n} rows; one class only?)"),
                ));
                continue;
            };
            let interval = if settings.bootstrap_rounds > 0 {
                let reps = Bootstrap {
                    rounds: settings.bootstrap_rounds,
                    seed: settings.seed,
                    confidence: settings.confidence,
                }
                .replicates(frame.rows(), Some(&w), 1, |bw| {
                    vec![(spec.compute)(&data, Some(bw))]
                });
                reps.first().and_then(|r| {
                    percentile_interval(r, settings.confidence, "bootstrap percentile")
                })
            } else {
                None
            };
            let mut message = format!("{name} {value:.4} on {n} rows");
            if let Some(i) = &interval {
                message.push_str(&format!(" [{:.4}, {:.4}]", i.low, i.high));
            }
            if let Some(o) = overall {
                message.push_str(&format!("; all rows {o:.4}"));
            }
            let mut m = Measurement::value(Some(&slice), value, message)
                .with_reference(overall)
                .with_details(&SliceDetails {
                    metric: Some(name.to_string()),
                    n: Some(n),
                    ci_low: interval.as_ref().map(|i| i.low),
                    ci_high: interval.as_ref().map(|i| i.high),
                    ..SliceDetails::default()
                });
            if !inputs.condition_is_explicit {
                m.condition = Some(if spec.higher_is_better {
                    Condition {
                        op: Op::Ge,
                        bound: Bound::Relative {
                            factor: 1.0,
                            offset: -tolerance,
                        },
                    }
                } else {
                    Condition {
                        op: Op::Le,
                        bound: Bound::Relative {
                            factor: 1.0 + tolerance,
                            offset: 0.0,
                        },
                    }
                });
            }
            out.push(m);
        }
        Ok(out)
    }
}
