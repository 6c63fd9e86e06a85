//! `model.regression_gate`: the model under test against a baseline model on the same rows,
//! metric by metric, with a paired significance test.

use std::any::Any;

use serde_json::{Map, Value};

use assay_stats::metrics::bootstrap::Bootstrap;
use assay_stats::metrics::intervals::{delong_paired, percentile_interval};
use assay_stats::metrics::significance::{bootstrap_p_value, mcnemar};

use super::metric::{fmt_p, MetricData, MetricParams, MetricSpec, Needs};
use assay_report::details::model::GateDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::evaluation::{EvalFrame, EvalTask};

/// The regression gate.
pub struct RegressionGate;

/// One metric of the gate and its tolerance.
struct GateMetric {
    spec: &'static MetricSpec,
    tolerance: f64,
    relative: bool,
}

fn default_metrics(frame: &EvalFrame) -> Vec<&'static str> {
    match frame.task {
        EvalTask::Regression => vec!["rmse", "mae", "r2"],
        EvalTask::Classification => {
            let probs = frame.candidate.probabilities.is_some()
                && frame
                    .baseline
                    .as_ref()
                    .is_some_and(|b| b.probabilities.is_some());
            let mut v = vec!["accuracy", "f1"];
            if probs {
                v.extend(["roc_auc", "log_loss"]);
            }
            v
        }
    }
}

fn parse_metrics(
    params: &Map<String, Value>,
    frame: &EvalFrame,
) -> Result<Vec<GateMetric>, String> {
    let tolerance = match params.get("tolerance") {
        None | Some(Value::Null) => 0.0,
        Some(v) => v
            .as_f64()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .ok_or_else(|| format!("params.tolerance must be a number ≥ 0, got {v}"))?,
    };
    let relative = match params.get("relative") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(format!("params.relative must be true or false, got {v}")),
    };
    let lookup = |name: &str| -> Result<&'static MetricSpec, String> {
        super::metric_named(name).ok_or_else(|| {
            format!(
                "params.metrics: unknown metric `{name}` (one of: {})",
                super::METRICS
                    .iter()
                    .map(|s| s.id.trim_start_matches("model."))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    };
    match params.get("metrics") {
        None | Some(Value::Null) => default_metrics(frame)
            .into_iter()
            .map(|n| {
                Ok(GateMetric {
                    spec: lookup(n)?,
                    tolerance,
                    relative,
                })
            })
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                let name = v
                    .as_str()
                    .ok_or_else(|| format!("params.metrics: expected metric names, got {v}"))?;
                Ok(GateMetric {
                    spec: lookup(name)?,
                    tolerance,
                    relative,
                })
            })
            .collect(),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(name, v)| {
                let (t, r) = match v {
                    Value::Number(n) => (n.as_f64().unwrap_or(f64::NAN), relative),
                    Value::Object(m) => (
                        m.get("tolerance").and_then(Value::as_f64).unwrap_or(tolerance),
                        m.get("relative").and_then(Value::as_bool).unwrap_or(relative),
                    ),
                    other => {
                        return Err(format!(
                            "params.metrics.{name}: expected a tolerance or {{tolerance, relative}}, got {other}"
                        ))
                    }
                };
                if !(t.is_finite() && t >= 0.0) {
                    return Err(format!("params.metrics.{name}: the tolerance must be a number ≥ 0"));
                }
                Ok(GateMetric {
                    spec: lookup(name)?,
                    tolerance: t,
                    relative: r,
                })
            })
            .collect(),
        Some(v) => Err(format!(
            "params.metrics must be a list of metric names or a map of name: tolerance, got {v}"
        )),
    }
}

impl Check for RegressionGate {
    fn id(&self) -> &'static str {
        "model.regression_gate"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Is the model under test worse than the baseline model, significantly?",
            computes: "For each metric, the degradation: baseline − candidate for metrics where higher is better, candidate − baseline otherwise (divided by |baseline| when relative), on the same rows and weights. A paired test says whether the difference is significant: McNemar's test for accuracy (exact binomial below 25 discordant rows, else chi-square with continuity correction, as statsmodels), DeLong's paired test for binary ROC AUC (unweighted), a paired bootstrap (both models on the same resamples) for every other metric. A degradation beyond the tolerance that is not significant at `alpha` passes, with the reason. Details: candidate, baseline, delta, test, p_value, the bootstrap interval of the difference.",
            why: "A retrained model must not ship if it is worse than the one in production; a tolerance alone flags noise, significance alone misses small real losses: the gate asks for both.",
            parameters: "metrics: names (default accuracy, f1, roc_auc, log_loss for classifiers with probabilities; rmse, mae, r2 for regressors) or a map name: tolerance | {tolerance, relative}. tolerance: allowed degradation (default 0). relative: tolerance as a share of the baseline value (default false). alpha: significance level (default 0.05). require_significance: only significant degradations fail (default true).",
            default_condition: "degradation <= tolerance (per metric)",
            exactness: "Metrics exact; p-values exact (McNemar exact) or asymptotic (McNemar chi-square, DeLong), a paired-bootstrap p-value is at least 1 / (rounds + 1), the bootstrap's resolution.",
            references: "McNemar (1947); DeLong, DeLong & Clarke-Pearson (1988); Efron & Tibshirani (1993) paired bootstrap; statsmodels mcnemar.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &[
            "metrics",
            "tolerance",
            "relative",
            "alpha",
            "require_significance",
        ]
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        let Some(base) = &frame.baseline else {
            return Ok(vec![Measurement::skipped(
                None,
                "no baseline: give evaluation.baseline_model (--baseline-model) or \
                 roles.baseline_prediction (--baseline-prediction)",
            )]);
        };
        let metrics = parse_metrics(inputs.params, frame)?;
        let alpha = inputs.param_f64("alpha")?.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(format!("params.alpha must be between 0 and 1, got {alpha}"));
        }
        let require_significance = inputs.param_bool("require_significance")?.unwrap_or(true);
        let cand = &frame.candidate;
        let w = frame.weights.as_deref();
        let params = MetricParams::parse(&Map::new())?;
        let settings = &frame.settings;
        let mut out = Vec::new();
        for gm in metrics {
            let spec = gm.spec;
            let name = spec.id.trim_start_matches("model.");
            if spec.task != frame.task {
                return Err(format!(
                    "params.metrics: `{name}` is a {} metric; this evaluation is a {}",
                    if spec.task == EvalTask::Regression {
                        "regression"
                    } else {
                        "classification"
                    },
                    if frame.task == EvalTask::Regression {
                        "regression"
                    } else {
                        "classification"
                    }
                ));
            }
            if spec.needs == Needs::Probabilities
                && (cand.probabilities.is_none() || base.probabilities.is_none())
            {
                out.push(Measurement::skipped(
                    Some(name),
                    format!("`{name}` needs probabilities from both models"),
                ));
                continue;
            }
            let dc = MetricData::new(frame, cand, &params)?;
            let db = MetricData::new(frame, base, &params)?;
            let (Some(vc), Some(vb)) = ((spec.compute)(&dc, w), (spec.compute)(&db, w)) else {
                out.push(Measurement::error(
                    Some(name),
                    format!("`{name}` is undefined on this data for one of the models"),
                ));
                continue;
            };
            let worse = |c: f64, b: f64| if spec.higher_is_better { b - c } else { c - b };
            let scale = |d: f64| {
                if gm.relative {
                    d / vb.abs().max(f64::MIN_POSITIVE)
                } else {
                    d
                }
            };
            let degradation = scale(worse(vc, vb));
            // Paired bootstrap of the degradation (also the interval for every metric).
            let reps = if settings.bootstrap_rounds > 0 {
                Bootstrap {
                    rounds: settings.bootstrap_rounds,
                    seed: settings.seed,
                    confidence: settings.confidence,
                }
                .replicates(frame.rows(), w, 1, |bw| {
                    let c = (spec.compute)(&dc, Some(bw));
                    let b = (spec.compute)(&db, Some(bw));
                    vec![c.zip(b).map(|(c, b)| worse(c, b))]
                })
                .into_iter()
                .next()
                .unwrap_or_default()
            } else {
                Vec::new()
            };
            // The interval in the unit of the value (relative to the baseline when asked).
            let scaled: Vec<f64> = reps.iter().map(|d| scale(*d)).collect();
            let interval = percentile_interval(&scaled, settings.confidence, "paired bootstrap");
            let (test, p_value) = if spec.id == "model.accuracy" && w.is_none() {
                let right_c: Vec<bool> = cand
                    .labels
                    .iter()
                    .zip(&frame.y_class)
                    .map(|(p, y)| p == y)
                    .collect();
                let right_b: Vec<bool> = base
                    .labels
                    .iter()
                    .zip(&frame.y_class)
                    .map(|(p, y)| p == y)
                    .collect();
                let m = mcnemar(&right_c, &right_b);
                (
                    if m.exact {
                        "mcnemar (exact)"
                    } else {
                        "mcnemar"
                    },
                    Some(m.p_value),
                )
            } else if spec.id == "model.roc_auc" && w.is_none() && dc.binary() {
                let p = frame.positive.unwrap_or(1);
                let k = frame.k();
                let sc: Vec<f64> = cand
                    .probabilities
                    .as_deref()
                    .unwrap_or(&[])
                    .chunks(k)
                    .map(|r| r[p])
                    .collect();
                let sb: Vec<f64> = base
                    .probabilities
                    .as_deref()
                    .unwrap_or(&[])
                    .chunks(k)
                    .map(|r| r[p])
                    .collect();
                (
                    "delong paired",
                    delong_paired(&dc.positives, &sc, &sb).map(|d| d.p_value),
                )
            } else {
                // Resolution of the bootstrap: never below 1 / (rounds + 1).
                (
                    "paired bootstrap",
                    bootstrap_p_value(&reps).map(|p| p.max(1.0 / (reps.len() as f64 + 1.0))),
                )
            };
            let significant = p_value.is_some_and(|p| p < alpha);
            let mut message = format!(
                "{name}: candidate {vc:.4} vs baseline {vb:.4} ({} {:.4}{})",
                if degradation > 0.0 {
                    "worse by"
                } else {
                    "better by"
                },
                degradation.abs(),
                if gm.relative { " relative" } else { "" }
            );
            if let Some(p) = p_value {
                message.push_str(&format!(", {test} p = {}", fmt_p(p)));
            }
            let mut m =
                Measurement::value(Some(name), degradation, message).with_details(&GateDetails {
                    metric: Some(name.to_string()),
                    candidate: Some(vc),
                    baseline: Some(vb),
                    delta: Some(vc - vb),
                    tolerance: Some(gm.tolerance),
                    relative: Some(gm.relative),
                    higher_is_better: Some(spec.higher_is_better),
                    test: Some(test.to_string()),
                    p_value,
                    alpha: Some(alpha),
                    significant: Some(significant),
                    candidate_model: Some(cand.name.clone()),
                    baseline_model: Some(base.name.clone()),
                    degradation_ci: interval.as_ref().map(|i| [i.low, i.high]),
                    confidence: interval.as_ref().map(|_| settings.confidence),
                    ..GateDetails::default()
                });
            if !inputs.condition_is_explicit {
                m.condition = Some(Condition::at_most(gm.tolerance));
            }
            if require_significance && !significant {
                m.immaterial = Some(format!(
                    "not significant at alpha {alpha} ({})",
                    p_value.map_or("no p-value".to_string(), |p| format!("p = {}", fmt_p(p)))
                ));
            }
            out.push(m);
        }
        Ok(out)
    }
}
