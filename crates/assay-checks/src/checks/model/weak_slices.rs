//! `model.weak_slices`: searches single columns and pairs of columns for slices where the
//! model is significantly worse than on the rest, with false-discovery-rate control.

use std::any::Any;

use statrs::distribution::{ChiSquared, ContinuousCDF};

use assay_stats::drift::correction::benjamini_hochberg;

use super::metric::fmt_p;
use assay_report::details::model::WeakSliceDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;
use crate::evaluation::{EvalFrame, EvalTask, Grouping};
use crate::limits::MAX_PAIR_CELLS;

/// Weak-slice discovery.
pub struct WeakSlices;

/// A candidate slice and its test.
struct Candidate {
    name: String,
    n: u64,
    /// Error rate (classification) or mean absolute error (regression) in the slice.
    slice_error: f64,
    rest_error: f64,
    p_value: f64,
}

/// One-sided p-value that the slice's mean loss exceeds the rest's (Welch's z; for 0/1
/// losses the unpooled two-proportion z).
fn one_sided(mean_s: f64, var_s: f64, n_s: f64, mean_r: f64, var_r: f64, n_r: f64) -> f64 {
    let se = (var_s / n_s + var_r / n_r).sqrt();
    if se.is_nan() || se <= 0.0 {
        return if mean_s > mean_r { 0.0 } else { 1.0 };
    }
    let z = (mean_s - mean_r) / se;
    let two = ChiSquared::new(1.0).map(|c| c.sf(z * z)).unwrap_or(1.0);
    if z > 0.0 {
        two / 2.0
    } else {
        1.0 - two / 2.0
    }
}

fn losses(frame: &EvalFrame) -> Vec<f64> {
    match frame.task {
        EvalTask::Classification => frame
            .y_class
            .iter()
            .zip(&frame.candidate.labels)
            .map(|(y, p)| if y == p { 0.0 } else { 1.0 })
            .collect(),
        EvalTask::Regression => frame
            .y_value
            .iter()
            .zip(&frame.candidate.values)
            .map(|(y, p)| (y - p).abs())
            .collect(),
    }
}

/// Sums (count, Σloss, Σloss²) per group code.
fn sums(codes: &[u32], n_groups: usize, loss: &[f64]) -> Vec<(f64, f64, f64)> {
    let mut s = vec![(0.0, 0.0, 0.0); n_groups];
    for (c, l) in codes.iter().zip(loss) {
        let e = &mut s[*c as usize];
        e.0 += 1.0;
        e.1 += l;
        e.2 += l * l;
    }
    s
}

impl Check for WeakSlices {
    fn id(&self) -> &'static str {
        "model.weak_slices"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Slices where the model is significantly worse than on the rest of the data.",
            computes: "Every value of every segment, protected and low-cardinality feature column (at most 20 values), and every pair of values of two such columns, with at least min_slice_size rows, is tested against the rest of the rows: one-sided Welch z-test that its mean loss is higher (loss: misclassification for classifiers, absolute error for regressors). The p-values are adjusted together by Benjamini–Hochberg. Each slice with q < alpha whose loss exceeds the rest's by at least min_gap is reported (the worst max_results, by gap) with value q; without one, a single passing result gives the smallest q.",
            why: "Nobody lists every segment in advance; the slices where a model fails are found, not guessed, and FDR control keeps the search from crying wolf.",
            parameters: "alpha: FDR level (default 0.05). min_gap: smallest loss gap reported (default 0.02 for error rates; for regression, 10% of the overall MAE). min_slice_size: default evaluation.min_slice_size (30). max_results: default 10. pairs: also test pairs of columns (default true).",
            default_condition: "q >= alpha (a reported slice fails)",
            exactness: "Exact losses; unweighted asymptotic z-tests.",
            references: "Chung et al. (2019), Slice Finder; Benjamini & Hochberg (1995).",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_least(0.05)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["alpha", "min_gap", "min_slice_size", "max_results", "pairs"]
    }

    fn needs_evaluation(&self) -> bool {
        true
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let ctx = inputs
            .evaluation
            .ok_or("internal: model evaluation data was not prepared")?;
        let frame = &ctx.frame;
        let alpha = inputs.param_f64("alpha")?.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(format!("params.alpha must be between 0 and 1, got {alpha}"));
        }
        let min_size = inputs
            .param_f64("min_slice_size")?
            .map_or(frame.settings.min_slice_size, |v| v.max(1.0) as u64)
            as f64;
        let max_results = inputs.param_count(self.id(), "max_results", 10)?;
        let pairs = inputs.param_bool("pairs")?.unwrap_or(true);
        let loss = losses(frame);
        let n = loss.len() as f64;
        let total: f64 = loss.iter().sum();
        let total_sq: f64 = loss.iter().map(|l| l * l).sum();
        let overall = total / n;
        let min_gap = inputs
            .param_non_negative("min_gap")?
            .unwrap_or(match frame.task {
                EvalTask::Classification => 0.02,
                EvalTask::Regression => 0.1 * overall,
            });
        let groupings: Vec<&Grouping> = frame
            .segments
            .iter()
            .chain(&frame.protected)
            .chain(&frame.discovery)
            .collect();
        if groupings.is_empty() {
            return Ok(vec![Measurement::skipped(
                None,
                "no column to slice by: set roles.segments or roles.protected, or use categorical features",
            )]);
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut test = |name: String, (cnt, s, sq): (f64, f64, f64)| {
            let rest = n - cnt;
            if cnt < min_size || rest < min_size {
                return;
            }
            let mean_s = s / cnt;
            let mean_r = (total - s) / rest;
            let var = |sum: f64, sumsq: f64, k: f64| {
                ((sumsq - sum * sum / k) / (k - 1.0).max(1.0)).max(0.0)
            };
            let p = one_sided(
                mean_s,
                var(s, sq, cnt),
                cnt,
                mean_r,
                var(total - s, total_sq - sq, rest),
                rest,
            );
            candidates.push(Candidate {
                name,
                n: cnt as u64,
                slice_error: mean_s,
                rest_error: mean_r,
                p_value: p,
            });
        };
        for g in &groupings {
            for (code, s) in sums(&g.codes, g.values.len(), &loss)
                .into_iter()
                .enumerate()
            {
                test(format!("{}={}", g.column, g.values[code]), s);
            }
        }
        // Pairs of columns whose value combinations are too many to count are skipped (and
        // named), not allocated for: segment and protected columns have no cardinality cap.
        let mut skipped_pairs: Vec<String> = Vec::new();
        if pairs {
            for (a, ga) in groupings.iter().enumerate() {
                for gb in groupings.iter().skip(a + 1) {
                    if ga.column == gb.column {
                        continue;
                    }
                    let nb = gb.values.len();
                    let nab = match ga.values.len().checked_mul(nb) {
                        Some(nab) if nab <= MAX_PAIR_CELLS => nab,
                        _ => {
                            skipped_pairs.push(format!(
                                "{} × {} ({} × {} values)",
                                ga.column,
                                gb.column,
                                ga.values.len(),
                                nb
                            ));
                            continue;
                        }
                    };
                    let codes: Vec<u32> = ga
                        .codes
                        .iter()
                        .zip(&gb.codes)
                        .map(|(x, y)| x * nb as u32 + y)
                        .collect();
                    for (code, s) in sums(&codes, nab, &loss).into_iter().enumerate() {
                        if s.0 == 0.0 {
                            continue;
                        }
                        let (x, y) = (code / nb, code % nb);
                        test(
                            format!(
                                "{}={} & {}={}",
                                ga.column, ga.values[x], gb.column, gb.values[y]
                            ),
                            s,
                        );
                    }
                }
            }
        }
        let tested = candidates.len();
        let skipped_note = if skipped_pairs.is_empty() {
            String::new()
        } else {
            format!(
                "; pairs with more than {MAX_PAIR_CELLS} value combinations not tested: {}",
                skipped_pairs.join(", ")
            )
        };
        let measure_name = match frame.task {
            EvalTask::Classification => "error rate",
            EvalTask::Regression => "mean absolute error",
        };
        if tested == 0 {
            return Ok(vec![Measurement::skipped(
                None,
                format!("no slice has at least {min_size} rows on both sides{skipped_note}"),
            )]);
        }
        let p: Vec<f64> = candidates.iter().map(|c| c.p_value).collect();
        let q = benjamini_hochberg(&p).map_err(|e| format!("internal: {e:?}"))?;
        let mut found: Vec<(usize, f64)> = (0..tested)
            .filter(|i| {
                q[*i] < alpha && candidates[*i].slice_error - candidates[*i].rest_error >= min_gap
            })
            .map(|i| (i, q[i]))
            .collect();
        found.sort_by(|a, b| {
            let ga = candidates[a.0].slice_error - candidates[a.0].rest_error;
            let gb = candidates[b.0].slice_error - candidates[b.0].rest_error;
            gb.total_cmp(&ga)
        });
        let condition = (!inputs.condition_is_explicit).then(|| Condition::at_least(alpha));
        if found.is_empty() {
            let min_q = q.iter().copied().fold(1.0, f64::min);
            let mut m = Measurement::value(
                None,
                min_q,
                format!(
                    "no slice significantly worse than the rest among {tested} tested \
                     (overall {measure_name} {overall:.4}; smallest q = {}){skipped_note}",
                    fmt_p(min_q)
                ),
            )
            .with_details(&WeakSliceDetails {
                tested: Some(tested as u64),
                overall_loss: Some(overall),
                ..WeakSliceDetails::default()
            });
            if !skipped_pairs.is_empty() {
                m = m.detail("skipped_pairs", skipped_pairs.clone());
            }
            m.condition = condition;
            return Ok(vec![m]);
        }
        let significant = found.len();
        Ok(found
            .into_iter()
            .take(max_results)
            .map(|(i, qv)| {
                let c = &candidates[i];
                let mut m = Measurement::value(
                    Some(&c.name),
                    qv,
                    format!(
                        "{measure_name} {:.4} on {} rows vs {:.4} on the rest (q = {}; {significant} weak slice(s) among {tested} tested{skipped_note})",
                        c.slice_error, c.n, c.rest_error, fmt_p(qv)
                    ),
                )
                .with_details(&WeakSliceDetails {
                    n: Some(c.n),
                    slice_loss: Some(c.slice_error),
                    rest_loss: Some(c.rest_error),
                    loss: Some(measure_name.to_string()),
                    p_value: Some(c.p_value),
                    q_value: Some(qv),
                    tested: Some(tested as u64),
                    ..WeakSliceDetails::default()
                });
                if !skipped_pairs.is_empty() {
                    m = m.detail("skipped_pairs", skipped_pairs.clone());
                }
                m.condition = condition;
                m
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sided_p_is_small_only_when_the_slice_is_worse() {
        // 30% errors on 1,000 rows against 10% on 9,000: far worse.
        let worse = one_sided(0.3, 0.21, 1000.0, 0.1, 0.09, 9000.0);
        assert!(worse < 1e-30, "{worse}");
        let better = one_sided(0.1, 0.09, 1000.0, 0.3, 0.21, 9000.0);
        assert!(better > 0.999, "{better}");
        // Equal means: one half.
        assert!((one_sided(0.2, 0.16, 500.0, 0.2, 0.16, 500.0) - 0.5).abs() < 1e-12);
        // No variance anywhere: decided by the means.
        assert_eq!(one_sided(1.0, 0.0, 10.0, 0.0, 0.0, 10.0), 0.0);
    }
}
