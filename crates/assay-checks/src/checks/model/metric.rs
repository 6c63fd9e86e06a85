//! The machinery shared by the `model.<metric>` checks: a metric is a [`MetricSpec`] (one file
//! per metric, beside this one) and [`MetricCheck`] turns it into a check that measures the
//! metric with a confidence interval, compares it with the baseline model (the `reference` of
//! a condition) and, by default, with a trivial predictor.

use std::any::Any;
use std::collections::HashMap;

use serde_json::{json, Map, Value};

use assay_stats::metrics::bootstrap::Bootstrap;
use assay_stats::metrics::classification::{Average, Confusion};
use assay_stats::metrics::intervals::{percentile_interval, Interval};
use assay_stats::metrics::ranking::RankedScores;

use assay_report::details::model::MetricDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::evaluation::{EvalContext, EvalFrame, EvalTask, Outputs};

/// What a metric reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Predicted labels.
    Labels,
    /// Class probabilities.
    Probabilities,
    /// Predicted values.
    Values,
}

/// A metric's value on data (with per-row weights), or `None` where undefined.
pub type MetricFn = fn(&MetricData, Option<&[f64]>) -> Option<f64>;
/// An analytic interval of a metric.
pub type AnalyticFn = fn(&MetricData, Option<&[f64]>, f64) -> Option<Interval>;
/// Extra details (curves, matrices) of a metric.
pub type DetailsFn = fn(&MetricData, Option<&[f64]>, &mut MetricDetails);

/// A faster way to compute a metric on every bootstrap round (same value as `compute`).
#[derive(Clone, Copy)]
pub enum Shortcut {
    /// None: `compute` on the round's weights.
    None,
    /// From the round's confusion matrix (built once per round for every label metric).
    Confusion(fn(&Confusion, &MetricData) -> Option<f64>),
    /// A weighted mean of per-row terms computed once, then transformed (`f64::sqrt` for RMSE).
    RowMean(fn(&MetricData) -> Option<Vec<f64>>, fn(f64) -> f64),
}

/// One metric.
pub struct MetricSpec {
    /// Check id, `model.<name>`.
    pub id: &'static str,
    /// Classification or regression.
    pub task: EvalTask,
    /// What it reads.
    pub needs: Needs,
    /// Larger is better.
    pub higher_is_better: bool,
    /// Takes `params.average` (per-class averaging).
    pub averaged: bool,
    /// Documentation.
    pub doc: CheckDoc,
    /// The metric.
    pub compute: MetricFn,
    /// The same metric for a trivial predictor: the default condition asks to beat it.
    pub trivial: MetricFn,
    /// Which trivial predictor, for messages.
    pub trivial_name: &'static str,
    /// An analytic interval, where one exists (else the bootstrap's).
    pub analytic: Option<AnalyticFn>,
    /// Extra details.
    pub details: Option<DetailsFn>,
    /// How bootstrap rounds compute it.
    pub shortcut: Shortcut,
}

/// Parameters every metric check takes.
pub const METRIC_PARAMS: &[&str] = &["bound", "average", "bins", "multi_class"];

/// Which figure the condition is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundChoice {
    /// The point estimate.
    Value,
    /// The interval's lower end.
    Lower,
    /// The interval's upper end.
    Upper,
}

/// A metric's inputs on one side (the model under test or the baseline).
pub struct MetricData<'a> {
    /// The frame.
    pub frame: &'a EvalFrame,
    /// The outputs evaluated.
    pub out: &'a Outputs,
    /// Averaging of per-class scores.
    pub average: Average,
    /// `params.average` as given (for messages).
    pub average_name: &'static str,
    /// Calibration bins.
    pub bins: usize,
    /// Multiclass ROC AUC weighted by prevalence (else macro).
    pub weighted_ovr: bool,
    /// Binary: whether each row's true class is the positive class.
    pub positives: Vec<bool>,
    /// Binary with probabilities: rows ranked by the positive class's probability.
    pub ranked: Option<RankedScores>,
}

/// Parsed metric parameters.
#[derive(Debug, Clone, Copy)]
pub struct MetricParams {
    /// Which figure to judge.
    pub bound: BoundChoice,
    /// `average`, if given.
    pub average: Option<&'static str>,
    /// Calibration bins.
    pub bins: usize,
    /// `multi_class: weighted`.
    pub weighted_ovr: bool,
}

impl MetricParams {
    /// Reads the parameters of a suite entry.
    pub fn parse(params: &Map<String, Value>) -> Result<MetricParams, String> {
        let text = |k: &str| -> Result<Option<String>, String> {
            match params.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(format!("params.{k} must be text, got {v}")),
            }
        };
        let bound = match text("bound")?.as_deref() {
            None | Some("value") => BoundChoice::Value,
            Some("lower") => BoundChoice::Lower,
            Some("upper") => BoundChoice::Upper,
            Some(o) => {
                return Err(format!(
                    "params.bound must be value, lower or upper, got `{o}`"
                ))
            }
        };
        let average = match text("average")?.as_deref() {
            None => None,
            Some("binary") => Some("binary"),
            Some("micro") => Some("micro"),
            Some("macro") => Some("macro"),
            Some("weighted") => Some("weighted"),
            Some(o) => {
                return Err(format!(
                    "params.average must be binary, micro, macro or weighted, got `{o}`"
                ))
            }
        };
        let bins = match params.get("bins") {
            None => 10,
            Some(v) => match v.as_u64() {
                // The range is the one of `params.bins` of model.* in crate::limits.
                Some(b) if crate::limits::check_param("model.*", "bins", b as f64).is_ok() => {
                    b as usize
                }
                _ => {
                    return Err(format!(
                        "params.bins must be a whole number from 2 to 1000, got {v}"
                    ))
                }
            },
        };
        let weighted_ovr = match text("multi_class")?.as_deref() {
            None | Some("macro") => false,
            Some("weighted") => true,
            Some(o) => {
                return Err(format!(
                    "params.multi_class must be macro or weighted, got `{o}`"
                ))
            }
        };
        Ok(MetricParams {
            bound,
            average,
            bins,
            weighted_ovr,
        })
    }
}

impl<'a> MetricData<'a> {
    /// The inputs of `out` on `frame`.
    pub fn new(
        frame: &'a EvalFrame,
        out: &'a Outputs,
        params: &MetricParams,
    ) -> Result<Self, String> {
        let k = frame.k();
        let (average, average_name) = match (params.average, frame.positive) {
            (Some("binary") | None, Some(p)) if k == 2 => {
                (Average::Binary { positive: p }, "binary")
            }
            (Some("binary"), _) => {
                return Err(format!(
                "average: binary needs two classes, the data has {k}; use macro, micro or weighted"
            ))
            }
            (Some("micro"), _) => (Average::Micro, "micro"),
            (Some("weighted"), _) => (Average::Weighted, "weighted"),
            _ => (Average::Macro, "macro"),
        };
        let positives: Vec<bool> = match frame.positive {
            Some(p) if k == 2 => frame.y_class.iter().map(|y| *y as usize == p).collect(),
            _ => Vec::new(),
        };
        let ranked = match (&out.probabilities, frame.positive) {
            (Some(proba), Some(p)) if k == 2 => {
                let scores: Vec<f64> = proba.chunks(k).map(|r| r[p]).collect();
                RankedScores::new(&scores)
            }
            _ => None,
        };
        Ok(MetricData {
            frame,
            out,
            average,
            average_name,
            bins: params.bins,
            weighted_ovr: params.weighted_ovr,
            positives,
            ranked,
        })
    }

    /// The weighted confusion matrix.
    pub fn confusion(&self, w: Option<&[f64]>) -> Confusion {
        Confusion::new(&self.frame.y_class, &self.out.labels, w, self.frame.k())
    }

    /// Class probabilities (row-major).
    pub fn proba(&self) -> Option<&[f64]> {
        self.out.probabilities.as_deref()
    }

    /// True when the task is binary.
    pub fn binary(&self) -> bool {
        self.frame.k() == 2 && self.frame.positive.is_some()
    }

    /// Weighted share of each class among true labels.
    pub fn class_shares(&self, w: Option<&[f64]>) -> Vec<f64> {
        let k = self.frame.k();
        let mut counts = vec![0.0; k];
        for (i, y) in self.frame.y_class.iter().enumerate() {
            counts[*y as usize] += w.map_or(1.0, |w| w[i]);
        }
        let total: f64 = counts.iter().sum();
        if total > 0.0 {
            counts.iter_mut().for_each(|c| *c /= total);
        }
        counts
    }

    /// True values (regression).
    pub fn y(&self) -> &[f64] {
        &self.frame.y_value
    }

    /// Predicted values (regression).
    pub fn yhat(&self) -> &[f64] {
        &self.out.values
    }
}

/// A check built from a [`MetricSpec`].
pub struct MetricCheck(pub &'static MetricSpec);

/// A p- or q-value with three significant digits.
pub fn fmt_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
}

fn fmt(v: f64) -> String {
    if v.abs() >= 1000.0 || (v != 0.0 && v.abs() < 0.001) {
        format!("{v:.4e}")
    } else {
        format!("{v:.4}")
    }
}

fn bootstrap_key(side: &str, id: &str, params: &Map<String, Value>) -> String {
    format!("{side}|{id}|{}", Value::Object(params.clone()))
}

/// Σ w·t / Σ w, `None` when the weights sum to 0.
pub fn weighted_mean(terms: &[f64], w: &[f64]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (t, w) in terms.iter().zip(w) {
        num += t * w;
        den += w;
    }
    (den > 0.0).then(|| num / den)
}

/// Bootstrap replicates of every requested metric on one side, in one resampling pass.
fn all_replicates(ctx: &EvalContext, side: &str, out: &Outputs) -> HashMap<String, Vec<f64>> {
    let frame = &ctx.frame;
    let mut wanted: Vec<(String, &'static MetricSpec, MetricData)> = Vec::new();
    for (id, params) in &ctx.requested {
        let Some(spec) = super::spec_of(id) else {
            continue;
        };
        if spec.task != frame.task
            || (spec.needs == Needs::Probabilities && out.probabilities.is_none())
        {
            continue;
        }
        let key = bootstrap_key(side, id, params);
        if wanted.iter().any(|(k, _, _)| *k == key) {
            continue;
        }
        let Ok(p) = MetricParams::parse(params) else {
            continue;
        };
        let Ok(data) = MetricData::new(frame, out, &p) else {
            continue;
        };
        wanted.push((key, spec, data));
    }
    let settings = &frame.settings;
    let boot = Bootstrap {
        rounds: settings.bootstrap_rounds,
        seed: settings.seed,
        confidence: settings.confidence,
    };
    let rows: Vec<Option<Vec<f64>>> = wanted
        .iter()
        .map(|(_, spec, d)| match spec.shortcut {
            Shortcut::RowMean(terms, _) => terms(d),
            _ => None,
        })
        .collect();
    let labels = wanted
        .iter()
        .any(|(_, s, _)| matches!(s.shortcut, Shortcut::Confusion(_)));
    let reps = boot.replicates(frame.rows(), frame.weights.as_deref(), wanted.len(), |w| {
        let confusion =
            labels.then(|| Confusion::new(&frame.y_class, &out.labels, Some(w), frame.k()));
        wanted
            .iter()
            .zip(&rows)
            .map(
                |((_, spec, d), terms)| match (spec.shortcut, &confusion, terms) {
                    (Shortcut::Confusion(f), Some(c), _) => f(c, d),
                    (Shortcut::RowMean(_, finish), _, Some(t)) => weighted_mean(t, w).map(finish),
                    _ => (spec.compute)(d, Some(w)),
                },
            )
            .collect()
    });
    wanted
        .into_iter()
        .zip(reps)
        .map(|((k, _, _), r)| (k, r))
        .collect()
}

impl Check for MetricCheck {
    fn id(&self) -> &'static str {
        self.0.id
    }

    fn doc(&self) -> CheckDoc {
        self.0.doc
    }

    fn default_condition(&self, _: bool) -> Condition {
        // Replaced per result by "beats the trivial predictor" unless the suite gives one.
        if self.0.higher_is_better {
            Condition::greater_than(f64::NEG_INFINITY)
        } else {
            Condition::less_than(f64::INFINITY)
        }
    }

    fn known_params(&self) -> &'static [&'static str] {
        METRIC_PARAMS
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let spec = self.0;
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        let params = MetricParams::parse(inputs.params)?;
        if spec.task != frame.task {
            return Ok(vec![Measurement::skipped(
                None,
                format!(
                    "a {} metric; this evaluation is a {}",
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
                ),
            )
            .with_details(&MetricDetails {
                task_mismatch: Some(true),
                ..MetricDetails::default()
            })]);
        }
        let out = &frame.candidate;
        if spec.needs == Needs::Probabilities && out.probabilities.is_none() {
            return Ok(vec![match &out.probability_problem {
                Some(p) => Measurement::error(None, p.clone()),
                None => Measurement::skipped(
                    None,
                    "needs class probabilities: give --probability columns or a model that outputs them",
                ),
            }]);
        }
        let data = match MetricData::new(frame, out, &params) {
            Ok(d) => d,
            Err(e) => return Err(format!("params.average: {e}")),
        };
        let w = frame.weights.as_deref();
        let name = spec.id.trim_start_matches("model.");
        let Some(value) = (spec.compute)(&data, w) else {
            let classes = frame.k();
            let why = if frame.task == EvalTask::Classification
                && data.class_shares(w).iter().filter(|s| **s > 0.0).count() < 2
            {
                format!(
                    "{name} is undefined: only one class is present in the target ({} classes known)",
                    classes
                )
            } else {
                format!("{name} is undefined on this data (a zero denominator)")
            };
            return Ok(vec![Measurement::error(None, why)]);
        };
        let confidence = frame.settings.confidence;
        let analytic = spec.analytic.and_then(|f| f(&data, w, confidence));
        let boot = if frame.settings.bootstrap_rounds > 0 {
            let key = bootstrap_key("candidate", spec.id, inputs.params);
            ctx.replicates(&key, || all_replicates(ctx, "candidate", out))
                .and_then(|r| percentile_interval(&r, confidence, "bootstrap percentile"))
        } else {
            None
        };
        let interval = analytic.or(boot);
        let reference = frame.baseline.as_ref().and_then(|b| {
            MetricData::new(frame, b, &params)
                .ok()
                .and_then(|d| (spec.compute)(&d, w))
        });
        let trivial = (spec.trivial)(&data, w);
        let judged = match (params.bound, interval) {
            (BoundChoice::Value, _) => value,
            (BoundChoice::Lower, Some(i)) => i.low,
            (BoundChoice::Upper, Some(i)) => i.high,
            (_, None) => {
                return Ok(vec![Measurement::error(
                    None,
                    format!("{name}: no interval to take a bound of (bootstrap_rounds is 0 and no analytic interval)"),
                )])
            }
        };
        let mut message = format!("{name} {}", fmt(value));
        if let Some(i) = &interval {
            message.push_str(&format!(
                " [{}, {}] ({:.0}% {})",
                fmt(i.low),
                fmt(i.high),
                confidence * 100.0,
                i.method
            ));
        }
        if spec.averaged && frame.k() >= 2 {
            message.push_str(&format!(", {} average", data.average_name));
        }
        if let Some(t) = trivial {
            message.push_str(&format!("; {} {}", spec.trivial_name, fmt(t)));
        }
        if let Some(r) = reference {
            message.push_str(&format!("; baseline {}", fmt(r)));
        }
        if params.bound != BoundChoice::Value {
            message.push_str(&format!(
                "; judged on the {} bound {}",
                if params.bound == BoundChoice::Lower {
                    "lower"
                } else {
                    "upper"
                },
                fmt(judged)
            ));
        }
        let mut details = MetricDetails {
            metric: Some(name.to_string()),
            estimate: Some(value),
            n: Some(frame.rows() as u64),
            model: Some(out.name.clone()),
            higher_is_better: Some(spec.higher_is_better),
            ..MetricDetails::default()
        };
        if let Some(i) = &interval {
            details.ci_low = Some(i.low);
            details.ci_high = Some(i.high);
            details.confidence = Some(confidence);
            details.ci_method = Some(i.method.to_string());
        }
        if let (Some(_), Some(b)) = (analytic, boot) {
            details.bootstrap_ci = Some([b.low, b.high]);
        }
        if spec.averaged && frame.k() >= 2 {
            details.average = Some(data.average_name.to_string());
        }
        if let Some(t) = trivial {
            details.trivial_value = Some(t);
            details.trivial = Some(spec.trivial_name.to_string());
        }
        details.baseline_value = reference;
        details.weight_sum = frame.weights.as_ref().map(|w| w.iter().sum::<f64>());
        if !frame.dropped.is_empty() {
            details.rows_left_out = Some(
                frame
                    .dropped
                    .iter()
                    .map(|(r, c)| (r.clone(), json!(c)))
                    .collect(),
            );
        }
        if let Some(f) = spec.details {
            f(&data, w, &mut details);
        }
        let mut m = Measurement::value(None, judged, message)
            .with_reference(reference)
            .with_details(&details);
        if !inputs.condition_is_explicit {
            if let Some(t) = trivial {
                m.condition = Some(if spec.higher_is_better {
                    Condition::greater_than(t)
                } else {
                    Condition::less_than(t)
                });
            }
        }
        Ok(vec![m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_parsed_and_bad_values_named() {
        let ok: Map<String, Value> =
            serde_json::from_str(r#"{"bound": "lower", "average": "weighted", "bins": 15}"#)
                .unwrap();
        let p = MetricParams::parse(&ok).unwrap();
        assert_eq!(p.bound, BoundChoice::Lower);
        assert_eq!(p.average, Some("weighted"));
        assert_eq!(p.bins, 15);
        for (text, needle) in [
            (r#"{"bound": "middle"}"#, "params.bound"),
            (r#"{"average": "mean"}"#, "params.average"),
            (r#"{"bins": 1}"#, "params.bins"),
            (r#"{"multi_class": "ovo"}"#, "params.multi_class"),
            (r#"{"bound": 3}"#, "params.bound must be text"),
        ] {
            let m: Map<String, Value> = serde_json::from_str(text).unwrap();
            let e = MetricParams::parse(&m).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn p_values_keep_three_significant_digits() {
        assert_eq!(fmt_p(0.04567), "0.046");
        assert_eq!(fmt_p(2.71e-21), "2.71e-21");
    }
}

#[cfg(test)]
mod shortcut_tests {
    use super::*;
    use crate::evaluation::Outputs;
    use crate::suite::EvaluationSection;

    fn frame(task: EvalTask, classes: usize) -> EvalFrame {
        let k = classes.max(2);
        // A deterministic pseudo-random frame of 400 rows.
        let n = 400;
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut y_class = Vec::new();
        let mut labels = Vec::new();
        let mut proba = Vec::new();
        let mut y_value = Vec::new();
        let mut values = Vec::new();
        for _ in 0..n {
            let y = (next() * k as f64) as u32 % k as u32;
            let mut row: Vec<f64> = (0..k).map(|_| next() + 0.05).collect();
            row[y as usize] += next();
            let sum: f64 = row.iter().sum();
            row.iter_mut().for_each(|p| *p /= sum);
            let pred = if next() < 0.7 {
                y
            } else {
                (next() * k as f64) as u32 % k as u32
            };
            y_class.push(y);
            labels.push(pred);
            proba.extend(row);
            let v = next() * 10.0 - 2.0;
            y_value.push(v);
            values.push(v + next() - 0.5);
        }
        let classification = task == EvalTask::Classification;
        EvalFrame {
            task,
            classes: (0..classes).map(|c| c.to_string()).collect(),
            positive: (k == 2).then_some(1),
            y_class: if classification { y_class } else { Vec::new() },
            y_value: if classification { Vec::new() } else { y_value },
            weights: None,
            candidate: Outputs {
                name: "test".into(),
                labels: if classification { labels } else { Vec::new() },
                probabilities: classification.then_some(proba),
                probability_problem: None,
                values: if classification { Vec::new() } else { values },
            },
            baseline: None,
            segments: Vec::new(),
            protected: Vec::new(),
            discovery: Vec::new(),
            slices: Vec::new(),
            rows_read: n as u64,
            dropped: Vec::new(),
            settings: EvaluationSection::default(),
        }
    }

    /// Every bootstrap shortcut gives the metric's own value, on uneven weights.
    #[test]
    fn shortcuts_equal_the_metric() {
        let mut checked = 0;
        for (task, k) in [
            (EvalTask::Classification, 2),
            (EvalTask::Classification, 3),
            (EvalTask::Regression, 0),
        ] {
            let f = frame(task, k);
            let w: Vec<f64> = (0..f.rows()).map(|i| ((i * 7) % 5) as f64).collect();
            for spec in super::super::METRICS.iter().filter(|s| s.task == task) {
                let d =
                    MetricData::new(&f, &f.candidate, &MetricParams::parse(&Map::new()).unwrap())
                        .unwrap();
                let direct = (spec.compute)(&d, Some(&w));
                let fast = match spec.shortcut {
                    Shortcut::None => continue,
                    Shortcut::Confusion(g) => g(&d.confusion(Some(&w)), &d),
                    Shortcut::RowMean(terms, finish) => {
                        weighted_mean(&terms(&d).unwrap(), &w).map(finish)
                    }
                };
                let (a, b) = (direct.unwrap(), fast.unwrap());
                assert!(
                    (a - b).abs() <= 1e-12 * a.abs().max(1.0),
                    "{} k={k}: {a} vs {b}",
                    spec.id
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 8 + 2 + 8 + 2 + 4);
    }
}
