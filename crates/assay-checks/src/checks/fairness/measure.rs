//! The machinery shared by the `fairness.<measure>` checks: per-group rates over each
//! protected attribute (and their intersection), groups below the minimum size left out, the
//! gap with a bootstrap interval. Definitions follow Fairlearn 0.15.

use std::any::Any;
use std::collections::BTreeMap;

use assay_stats::metrics::bootstrap::Bootstrap;
use assay_stats::metrics::fairness::{group_rates, GroupRates};
use assay_stats::metrics::intervals::percentile_interval;

use assay_report::details::fairness::{FairnessDetails, GroupFigures};

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::evaluation::{EvalContext, EvalFrame, EvalTask, Grouping};

/// A gap between groups computed from their rates.
pub type GapFn = fn(&[GroupRates]) -> Option<f64>;

/// One fairness measure.
pub struct FairnessSpec {
    /// Check id, `fairness.<measure>`.
    pub id: &'static str,
    /// Documentation.
    pub doc: CheckDoc,
    /// The measure over the groups kept.
    pub compute: GapFn,
    /// True for ratios (1 is parity, judged `>=`), false for differences (0 is parity, `<=`).
    pub ratio: bool,
    /// The rate compared, for naming the best and worst groups (`selection_rate`, `tpr`...).
    pub rate: &'static str,
}

/// Parameters every fairness check takes.
pub const FAIRNESS_PARAMS: &[&str] = &["min_group_size", "intersectional", "privileged"];

const DISPARATE_IMPACT: &str = "fairness.disparate_impact";

/// The measure over the kept groups; against `privileged` (a group index), the lowest ratio of
/// another group's rate to the privileged group's.
fn gap_of(
    spec: &FairnessSpec,
    rates: &[GroupRates],
    kept: &[usize],
    privileged: Option<usize>,
) -> Option<f64> {
    match privileged {
        Some(p) => {
            let pr = rate_of(&rates[p], spec.rate)?;
            kept.iter()
                .filter(|g| **g != p)
                .filter_map(|g| rate_of(&rates[*g], spec.rate))
                .map(|r| if pr > 0.0 { r / pr } else { 0.0 })
                .reduce(f64::min)
        }
        None => {
            let sub: Vec<GroupRates> = kept.iter().map(|g| rates[*g].clone()).collect();
            (spec.compute)(&sub)
        }
    }
}

fn replicate_key(
    spec: &FairnessSpec,
    column: &str,
    min_size: u64,
    privileged: Option<&str>,
) -> String {
    let p = if spec.id == DISPARATE_IMPACT {
        privileged.unwrap_or("")
    } else {
        ""
    };
    format!("fairness|{}|{column}|{min_size}|{p}", spec.id)
}

/// Bootstrap replicates of every measure over every grouping, from one resampling pass.
fn all_replicates(
    ctx: &EvalContext,
    all: &[Grouping],
    (y, yhat): &(Vec<bool>, Vec<bool>),
    min_size: u64,
    privileged: Option<&str>,
) -> std::collections::HashMap<String, Vec<f64>> {
    let frame = &ctx.frame;
    let settings = &frame.settings;
    let w = frame.weights.as_deref();
    let plans: Vec<(Vec<usize>, Option<usize>, Option<&str>)> = all
        .iter()
        .map(|g| {
            let rates = group_rates(y, yhat, &g.codes, g.values.len(), w);
            let kept: Vec<usize> = (0..g.values.len())
                .filter(|c| rates[*c].count >= min_size)
                .collect();
            let single = !g.column.contains(" × ");
            let p = privileged.filter(|_| single);
            let code = p
                .and_then(|p| g.values.iter().position(|v| v == p))
                .filter(|c| kept.contains(c));
            (kept, code, p)
        })
        .collect();
    let measures = super::MEASURES;
    let reps = Bootstrap {
        rounds: settings.bootstrap_rounds,
        seed: settings.seed,
        confidence: settings.confidence,
    }
    .replicates(frame.rows(), w, all.len() * measures.len(), |bw| {
        let mut out = Vec::with_capacity(all.len() * measures.len());
        for (g, (kept, code, _)) in all.iter().zip(&plans) {
            let rates = group_rates(y, yhat, &g.codes, g.values.len(), Some(bw));
            for s in measures {
                let c = code.filter(|_| s.id == DISPARATE_IMPACT);
                out.push(
                    (kept.len() >= 2)
                        .then(|| gap_of(s, &rates, kept, c))
                        .flatten(),
                );
            }
        }
        out
    });
    let keys = all.iter().zip(&plans).flat_map(|(g, (_, _, p))| {
        measures
            .iter()
            .map(move |s| replicate_key(s, &g.column, min_size, *p))
    });
    keys.zip(reps).collect()
}

/// A check built from a [`FairnessSpec`].
pub struct FairnessCheck(pub &'static FairnessSpec);

fn rate_of(r: &GroupRates, name: &str) -> Option<f64> {
    match name {
        "selection_rate" => r.selection_rate,
        "tpr" => r.tpr,
        "fpr" => r.fpr,
        "fnr" => r.fnr,
        "precision" => r.precision,
        "accuracy" => r.accuracy,
        _ => None,
    }
}

fn figures_of(r: &GroupRates) -> GroupFigures {
    GroupFigures {
        count: Some(r.count),
        weight: Some(r.weight),
        selection_rate: r.selection_rate,
        tpr: r.tpr,
        fpr: r.fpr,
        fnr: r.fnr,
        precision: r.precision,
        accuracy: r.accuracy,
    }
}

/// The intersection of several groupings (`Female × White`).
pub fn intersection(groupings: &[Grouping]) -> Option<Grouping> {
    let first = groupings.first()?;
    let n = first.codes.len();
    let mut index: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
    let mut values: Vec<String> = Vec::new();
    let mut codes = Vec::with_capacity(n);
    for i in 0..n {
        let key: Vec<u32> = groupings.iter().map(|g| g.codes[i]).collect();
        let next = values.len() as u32;
        let code = *index.entry(key.clone()).or_insert_with(|| {
            values.push(
                groupings
                    .iter()
                    .zip(&key)
                    .map(|(g, c)| g.values[*c as usize].clone())
                    .collect::<Vec<_>>()
                    .join(" × "),
            );
            next
        });
        codes.push(code);
    }
    Some(Grouping {
        column: groupings
            .iter()
            .map(|g| g.column.clone())
            .collect::<Vec<_>>()
            .join(" × "),
        codes,
        values,
    })
}

/// Binary truth and predictions of the frame's positive class.
pub fn binary_outcomes(frame: &EvalFrame) -> Result<(Vec<bool>, Vec<bool>), String> {
    let p = frame.positive.ok_or_else(|| {
        format!(
            "fairness measures compare rates of a positive outcome; with {} classes, set \
             evaluation.positive_class",
            frame.k()
        )
    })? as u32;
    Ok((
        frame.y_class.iter().map(|y| *y == p).collect(),
        frame.candidate.labels.iter().map(|y| *y == p).collect(),
    ))
}

impl FairnessCheck {
    fn measure_grouping(
        &self,
        ctx: &EvalContext,
        all: &[Grouping],
        grouping: &Grouping,
        outcomes: &(Vec<bool>, Vec<bool>),
        min_size: u64,
        privileged: Option<&str>,
    ) -> Measurement {
        let spec = self.0;
        let frame = &ctx.frame;
        let column = grouping.column.as_str();
        let n_groups = grouping.values.len();
        let w = frame.weights.as_deref();
        let (y, yhat) = outcomes;
        let rates = group_rates(y, yhat, &grouping.codes, n_groups, w);
        let kept: Vec<usize> = (0..n_groups)
            .filter(|g| rates[*g].count >= min_size)
            .collect();
        let excluded: Vec<String> = (0..n_groups)
            .filter(|g| rates[*g].count < min_size && rates[*g].count > 0)
            .map(|g| grouping.values[g].clone())
            .collect();
        let groups: BTreeMap<String, GroupFigures> = grouping
            .values
            .iter()
            .zip(&rates)
            .filter(|(_, r)| r.count > 0)
            .map(|(value, r)| (value.clone(), figures_of(r)))
            .collect();
        let mut details = FairnessDetails {
            groups: Some(groups),
            excluded_groups: Some(excluded.clone()),
            min_group_size: Some(min_size),
            attribute: Some(column.to_string()),
            ..FairnessDetails::default()
        };
        let base = |m: Measurement, details: &FairnessDetails| m.with_details(details);
        if kept.len() < 2 {
            return base(
                Measurement::skipped(
                    Some(column),
                    format!(
                        "{} group(s) of `{column}` have at least {min_size} rows; a gap needs two",
                        kept.len()
                    ),
                ),
                &details,
            );
        }
        let privileged_code = match privileged {
            Some(p) => match grouping.values.iter().position(|v| v == p) {
                Some(c) if kept.contains(&c) => Some(c),
                _ => {
                    return base(Measurement::error(
                        Some(column),
                        format!("params.privileged `{p}` is not a group of `{column}` with at least {min_size} rows"),
                    ), &details)
                }
            },
            None => None,
        };
        let Some(value) = gap_of(spec, &rates, &kept, privileged_code) else {
            return base(
                Measurement::error(
                    Some(column),
                    format!(
                        "undefined: the compared rate ({}) is undefined in a group (no positives or \
                         negatives there)",
                        spec.rate
                    ),
                ),
                &details,
            );
        };
        let settings = &frame.settings;
        let interval = if settings.bootstrap_rounds > 0 {
            // One resampling pass gives the replicates of every measure over every grouping.
            ctx.replicates(&replicate_key(spec, column, min_size, privileged), || {
                all_replicates(ctx, all, outcomes, min_size, privileged)
            })
            .and_then(|r| percentile_interval(&r, settings.confidence, "bootstrap percentile"))
        } else {
            None
        };
        let by_rate: Vec<(usize, f64)> = kept
            .iter()
            .filter_map(|g| rate_of(&rates[*g], spec.rate).map(|r| (*g, r)))
            .collect();
        let lowest = by_rate.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let highest = by_rate.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        let name = spec.id.trim_start_matches("fairness.");
        let mut message = format!("{name} over `{column}`: {value:.4}");
        if let Some(i) = &interval {
            message.push_str(&format!(" [{:.4}, {:.4}]", i.low, i.high));
        }
        if let (Some(l), Some(h)) = (lowest, highest) {
            message.push_str(&format!(
                "; {} from `{}` {:.4} to `{}` {:.4}",
                spec.rate, grouping.values[l.0], l.1, grouping.values[h.0], h.1
            ));
        }
        if !excluded.is_empty() {
            message.push_str(&format!("; {} small group(s) left out", excluded.len()));
        }
        details.measure = Some(name.to_string());
        details.rate = Some(spec.rate.to_string());
        details.groups_compared = Some(kept.len() as u64);
        if let Some(i) = interval {
            details.ci_low = Some(i.low);
            details.ci_high = Some(i.high);
            details.confidence = Some(settings.confidence);
            details.ci_method = Some(i.method.to_string());
        }
        if let (Some(l), Some(h)) = (lowest, highest) {
            details.lowest_group = Some(grouping.values[l.0].clone());
            details.highest_group = Some(grouping.values[h.0].clone());
        }
        details.privileged = privileged.map(str::to_string);
        base(Measurement::value(Some(column), value, message), &details)
    }
}

impl Check for FairnessCheck {
    fn id(&self) -> &'static str {
        self.0.id
    }

    fn doc(&self) -> CheckDoc {
        self.0.doc
    }

    fn default_condition(&self, _: bool) -> Condition {
        if self.0.ratio {
            Condition::at_least(0.8)
        } else {
            Condition::at_most(0.1)
        }
    }

    fn known_params(&self) -> &'static [&'static str] {
        FAIRNESS_PARAMS
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        if frame.task != EvalTask::Classification {
            return Ok(vec![Measurement::skipped(
                None,
                "fairness measures compare classification outcomes; this is a regression",
            )]);
        }
        if frame.protected.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no protected attribute: set roles.protected (or --protected)",
            )]);
        }
        let min_size = match inputs.param_f64("min_group_size")? {
            Some(v) if v >= 1.0 && v.fract() == 0.0 => v as u64,
            Some(v) => {
                return Err(format!(
                    "params.min_group_size must be a whole number ≥ 1, got {v}"
                ))
            }
            None => frame.settings.min_group_size,
        };
        let intersectional = inputs.param_bool("intersectional")?.unwrap_or(true);
        let privileged = inputs.param_str("privileged")?;
        let outcomes = match binary_outcomes(frame) {
            Ok(o) => o,
            Err(e) => return Ok(vec![Measurement::error(None, e)]),
        };
        let mut groupings: Vec<Grouping> = frame.protected.clone();
        if intersectional && frame.protected.len() >= 2 {
            groupings.extend(intersection(&frame.protected));
        }
        let chosen: Vec<&Grouping> = match inputs.columns {
            Some(cols) => groupings
                .iter()
                .filter(|g| cols.contains(&g.column))
                .collect(),
            None => groupings.iter().collect(),
        };
        Ok(chosen
            .into_iter()
            .map(|g| {
                self.measure_grouping(
                    ctx,
                    &groupings,
                    g,
                    &outcomes,
                    min_size,
                    // A privileged group names a value of a single attribute; it is the
                    // reference of disparate impact only.
                    privileged
                        .as_deref()
                        .filter(|_| !g.column.contains(" × ") && self.0.id == DISPARATE_IMPACT),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grouping(column: &str, codes: &[u32], values: &[&str]) -> Grouping {
        Grouping {
            column: column.into(),
            codes: codes.to_vec(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn intersection_names_and_codes_every_combination_seen() {
        let sex = grouping("sex", &[0, 1, 0, 1], &["F", "M"]);
        let race = grouping("race", &[0, 0, 1, 0], &["A", "B"]);
        let both = intersection(&[sex, race]).unwrap();
        assert_eq!(both.column, "sex × race");
        assert_eq!(both.values, vec!["F × A", "M × A", "F × B"]);
        assert_eq!(both.codes, vec![0, 1, 2, 1]);
        assert!(intersection(&[]).is_none());
    }
}
