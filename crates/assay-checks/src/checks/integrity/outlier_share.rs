//! `integrity.outlier_share`: share of outliers by the IQR rule or the z-score.

use std::any::Any;

use assay_stats::{ColumnKind, NumericState};

use super::range_count::{
    count_outside, counts_by_column, is_numeric_type, method_for, pass_for, CountMethod,
};
use assay_report::details::integrity::OutlierShareDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement, Params, RowPass, TapInputs};
use crate::checks::numeric_of;
use crate::condition::Condition;

/// Share of values beyond the IQR fences or the z-score threshold.
pub struct OutlierShare;

/// Bytes of kept values held in memory (beyond, they go to a temporary file) when the fences
/// come from the current data.
const KEPT_VALUES_MEMORY: usize = 128 << 20;

struct Plan {
    column: String,
    lo: f64,
    hi: f64,
    fences_from: &'static str,
    method: CountMethod,
}

/// The rule and factor of `params`.
fn rule_of(params: Params) -> Result<(String, Option<f64>), String> {
    let rule = params.str("method")?.unwrap_or_else(|| "iqr".into());
    let factor = params.f64("factor")?;
    if let Some(k) = factor {
        crate::limits::check_param("integrity.outlier_share", "factor", k)?;
    }
    if rule != "iqr" && rule != "zscore" {
        return Err(format!(
            "params.method must be `iqr` or `zscore`, got `{rule}`"
        ));
    }
    Ok((rule, factor))
}

/// The values of `column` kept from the read of `dataset` (sorted), when they were kept and
/// its profile's counts are not exact already (exact counts give exact quartiles themselves).
fn kept_sorted(
    dataset: &assay_engine::Dataset,
    column: &str,
    basis: &NumericState,
) -> Result<Option<Vec<f64>>, String> {
    if basis.values.is_exact() {
        return Ok(None);
    }
    match dataset.captured.as_deref() {
        Some(kept) if kept.has(column) => kept.sorted_values(column).map_err(|e| e.to_string()),
        _ => Ok(None),
    }
}

/// The `q` quantile of sorted values by the inverted CDF (numpy's `inverted_cdf`, the
/// definition of the profile's exact quantiles).
fn sorted_quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).max(1);
    sorted.get(rank.min(n).checked_sub(1)?).copied()
}

/// The fences of `rule` computed on `basis`; IQR quartiles from `sorted` (every finite value
/// of the column, sorted) when given, else from the profile (exact counts or the sketch).
fn fences(
    rule: &str,
    factor: Option<f64>,
    basis: &NumericState,
    sorted: Option<&[f64]>,
) -> Option<(f64, f64)> {
    if rule == "iqr" {
        let k = factor.unwrap_or(1.5);
        let quartile = |q: f64| match sorted {
            Some(values) => sorted_quantile(values, q),
            None => basis.quantile(q),
        };
        match (quartile(0.25), quartile(0.75)) {
            (Some(q1), Some(q3)) => Some((q1 - k * (q3 - q1), q3 + k * (q3 - q1))),
            _ => None,
        }
    } else {
        let z = factor.unwrap_or(3.0);
        match (basis.moments.mean(), basis.moments.population_variance()) {
            (Some(m), Some(v)) => Some((m - z * v.sqrt(), m + z * v.sqrt())),
            _ => None,
        }
    }
}

fn plan(inputs: &Inputs) -> Result<(Vec<Plan>, Vec<Measurement>), String> {
    let (rule, factor) = rule_of(Params(inputs.params))?;
    let mut plans = Vec::new();
    let mut early = Vec::new();
    for name in
        inputs.target_columns(|c| c.kind == ColumnKind::Numeric && c.state.as_numeric().is_some())
    {
        let (n, reference) = match numeric_of(inputs, &name) {
            Ok(c) => c,
            Err(m) => {
                early.push(*m);
                continue;
            }
        };
        let (basis, fences_from, side) = match (
            reference.and_then(|r| r.state.as_numeric()),
            inputs.reference,
        ) {
            (Some(r), Some(dataset)) => (r, "reference", dataset),
            _ => (n, "current", inputs.current),
        };
        let sorted = match rule.as_str() {
            "iqr" => kept_sorted(side, &name, basis)?,
            _ => None,
        };
        let Some((lo, hi)) = fences(&rule, factor, basis, sorted.as_deref()) else {
            early.push(Measurement::skipped(
                Some(&name),
                "no finite values to compute fences from",
            ));
            continue;
        };
        let method = method_for(inputs, &name, n, lo, hi);
        plans.push(Plan {
            column: name,
            lo,
            hi,
            fences_from,
            method,
        });
    }
    Ok((plans, early))
}

impl Check for OutlierShare {
    fn id(&self) -> &'static str {
        "integrity.outlier_share"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of outlying values in numeric columns (IQR rule or z-score).",
            computes: "IQR (default): fences Q1 − k·IQR and Q3 + k·IQR (k = `factor`, default 1.5); \
                z-score: mean ± z·σ (z = `factor`, default 3, σ the population standard deviation). \
                Fences come from the reference when there is one, else from the current data. The \
                value is the share of current finite values outside the fences.",
            why: "A rise in outliers signals corrupted inputs, unit changes or a new population.",
            parameters: "method (`iqr` | `zscore`, default iqr); factor (number: k for IQR, z for zscore).",
            default_condition: "<= reference × 1.1 + 0.01 with a reference; <= 0.05 without",
            exactness: "Exact. IQR quartiles (numpy's inverted-CDF definition) come from the \
                exact distinct counts while a column has at most options.exact_distinct_cap \
                distinct values, else from every value kept from the read of the side the fences \
                come from (in memory up to 128 MiB, in a temporary file past it); a saved \
                profile has only its KLL sketch (rank error about 1.3%). The count outside is \
                exact (distinct counts, counted on the profiling read, or the kept values), and \
                so is the reference's own share when its values were kept.",
            references: "Tukey (1977) fences; Deepchecks OutlierSampleDetection (IQR); \
                scipy.stats.zscore.",
        }
    }

    fn default_condition(&self, has_reference: bool) -> Condition {
        if has_reference {
            Condition::at_most_reference(1.1, 0.01)
        } else {
            Condition::at_most(0.05)
        }
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["method", "factor"]
    }

    fn taps_after_reference(&self) -> bool {
        true
    }

    /// With a reference, its quartiles (the fences) and its own share outside them come from
    /// its values kept from its read: exact, and the same on every run.
    fn reference_values_need(
        &self,
        entry: &crate::suite::CheckEntry,
        roles: &assay_engine::Roles,
    ) -> Option<assay_engine::capture::CaptureSpec> {
        Some(assay_engine::capture::CaptureSpec {
            columns: entry.columns.clone().or_else(|| roles.features.clone()),
            excluded: roles.non_feature_columns(),
            memory_bytes: KEPT_VALUES_MEMORY,
        })
    }

    /// Without a reference the fences come from the current data's own profile: the values
    /// of the columns past the exact counts are kept from its read and counted after it.
    fn current_values_need(
        &self,
        entry: &crate::suite::CheckEntry,
        roles: &assay_engine::Roles,
        has_reference: bool,
    ) -> Option<assay_engine::capture::CaptureSpec> {
        if has_reference {
            return None;
        }
        Some(assay_engine::capture::CaptureSpec {
            columns: entry.columns.clone().or_else(|| roles.features.clone()),
            excluded: roles.non_feature_columns(),
            memory_bytes: KEPT_VALUES_MEMORY,
        })
    }

    /// With a reference, counts outside its fences on the current read (the reference is read
    /// first). Without one the fences come from the current data itself, known only once it is
    /// read: those counts take a row pass of their own.
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        let (rule, factor) = rule_of(inputs.params)?;
        let (Some(schema), Some(reference)) = (inputs.current, inputs.reference) else {
            return Ok(None);
        };
        let mut passes = Vec::new();
        for name in inputs.target_columns(is_numeric_type) {
            let numeric = schema
                .field_with_name(&name)
                .is_ok_and(|f| is_numeric_type(f.data_type()));
            let basis = reference
                .profile
                .column(&name)
                .and_then(|c| c.state.as_numeric());
            if !numeric {
                continue; // measure reports the column
            }
            // Without a numeric reference for the column its fences come from the current data
            // itself, known only after the read: the check then counts in a row pass.
            let Some(basis) = basis else {
                return Ok(None);
            };
            let sorted = match rule.as_str() {
                "iqr" => kept_sorted(reference, &name, basis)?,
                _ => None,
            };
            if let Some((lo, hi)) = fences(&rule, factor, basis, sorted.as_deref()) {
                passes.push(pass_for(&name, lo, hi));
            }
        }
        Ok(Some(passes))
    }

    fn row_passes(&self, inputs: &Inputs) -> Result<Vec<RowPass>, String> {
        let (plans, _) = plan(inputs)?;
        Ok(plans
            .iter()
            .filter(|p| p.method == CountMethod::RowPass)
            .map(|p| pass_for(&p.column, p.lo, p.hi))
            .collect())
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let (plans, mut out) = plan(inputs)?;
        let counted = counts_by_column(passes)?;
        for p in plans {
            let Some(cur) = inputs.current.profile.column(&p.column) else {
                continue;
            };
            let Some(n) = cur.state.as_numeric() else {
                continue;
            };
            let (outside, exact) =
                count_outside(inputs.current, n, p.method, &p.column, p.lo, p.hi, &counted)?;
            let total = n.moments.count;
            let share = if total == 0 {
                0.0
            } else {
                outside / total as f64
            };
            // The same share on the reference, for relative conditions: from its kept values
            // when there are some (exact), else from its profile.
            let ref_share = match inputs.reference {
                None => None,
                Some(reference) => match reference
                    .profile
                    .column(&p.column)
                    .and_then(|r| r.state.as_numeric())
                {
                    None => None,
                    Some(r) => match kept_sorted(reference, &p.column, r)? {
                        Some(sorted) if !sorted.is_empty() => {
                            let below = sorted.partition_point(|v| *v < p.lo);
                            let above = sorted.len() - sorted.partition_point(|v| *v <= p.hi);
                            Some((below + above) as f64 / sorted.len() as f64)
                        }
                        _ => {
                            let below = r.cdf_at(p.lo, false).unwrap_or(0.0);
                            let above = 1.0 - r.cdf_at(p.hi, true).unwrap_or(1.0);
                            Some((below + above).max(0.0))
                        }
                    },
                },
            };
            out.push(
                Measurement::value(
                    Some(&p.column),
                    share,
                    format!(
                        "{} of values outside [{:.4}, {:.4}] (fences from {})",
                        pct(share),
                        p.lo,
                        p.hi,
                        p.fences_from
                    ),
                )
                .with_reference(ref_share)
                .with_details(&OutlierShareDetails {
                    lower_fence: Some(p.lo),
                    upper_fence: Some(p.hi),
                    fences_from: Some(p.fences_from.to_string()),
                    outliers: Some(outside.round()),
                    values: Some(total),
                    exact_count: Some(exact),
                    reference_share: ref_share,
                }),
            );
        }
        Ok(out)
    }
}
