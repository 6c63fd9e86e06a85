//! `integrity.string_length`: share of strings shorter or longer than allowed.

use std::any::Any;

use serde_json::Value;

use assay_stats::ratio;

use ahash::AHashMap;
use arrow::datatypes::DataType;

use assay_report::details::integrity::StringLengthDetails;

use crate::accumulators::LengthCounts;
use assay_engine::Dataset;

use crate::check::{
    downcast, pct, Check, CheckDoc, Inputs, Measurement, Params, RowPass, Side, TapInputs,
};
use crate::checks::text_of;
use crate::condition::Condition;

/// Share of string values whose length is outside `[min_length, max_length]`.
pub struct StringLength;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Inside,
    ExactCounts,
    RowPass,
    Unknown,
}

struct Plan {
    column: String,
    min: u64,
    max: u64,
    source: &'static str,
    method: Method,
}

/// A length bound: a whole number of at least 0 (`3.0` included), else `None`.
fn length_of(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f <= 9_007_199_254_740_992.0)
            .map(|f| f as u64)
    })
}

fn bounds_for(
    params: Params,
    reference: Option<&Dataset>,
    name: &str,
) -> Result<Option<(u64, u64, &'static str)>, String> {
    if let Some(Value::Object(map)) = params.get("bounds") {
        if let Some(v) = map.get(name) {
            let pair = v
                .as_array()
                .filter(|a| a.len() == 2)
                .ok_or_else(|| format!("params.bounds.{name} must be [min_length, max_length]"))?;
            let (Some(lo), Some(hi)) = (length_of(&pair[0]), length_of(&pair[1])) else {
                return Err(format!(
                    "params.bounds.{name} must be [min_length, max_length] with two whole \
                     numbers of at least 0, got {v}"
                ));
            };
            if lo > hi {
                return Err(format!(
                    "params.bounds.{name}: min_length {lo} is greater than max_length {hi}"
                ));
            }
            return Ok(Some((lo, hi, "suite")));
        }
    }
    let whole = |key: &str| -> Result<Option<u64>, String> {
        match params.f64(key)? {
            None => Ok(None),
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 => {
                Ok(Some(v as u64))
            }
            Some(v) => Err(format!(
                "params.{key} must be a whole number of at least 0, got {v}"
            )),
        }
    };
    let lo = whole("min_length")?;
    let hi = whole("max_length")?;
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            return Err(format!(
                "params.min_length ({lo}) is greater than params.max_length ({hi})"
            ));
        }
    }
    if lo.is_some() || hi.is_some() {
        return Ok(Some((lo.unwrap_or(0), hi.unwrap_or(u64::MAX), "suite")));
    }
    let reference = reference
        .and_then(|r| r.profile.column(name))
        .and_then(|c| c.state.as_text());
    Ok(reference.and_then(|t| {
        let (_, l) = t.kinds_and_lengths();
        Some((l.min?, l.max?, "reference"))
    }))
}

fn plan(inputs: &Inputs) -> Result<(Vec<Plan>, Vec<Measurement>), String> {
    let mut plans = Vec::new();
    let mut early = Vec::new();
    for name in
        inputs.target_columns(|c| c.state.as_text().is_some() && !c.data_type.contains("Boolean"))
    {
        let t = match text_of(inputs, &name) {
            Ok(t) => t,
            Err(m) => {
                early.push(*m);
                continue;
            }
        };
        let Some((min, max, source)) = bounds_for(Params(inputs.params), inputs.reference, &name)?
        else {
            early.push(Measurement::skipped(
                Some(&name),
                "no bounds: give params.min_length/max_length or a reference",
            ));
            continue;
        };
        let (_, lengths) = t.kinds_and_lengths();
        let method = match (lengths.min, lengths.max) {
            (None, _) | (_, None) => Method::Inside,
            (Some(a), Some(b)) if a >= min && b <= max => Method::Inside,
            _ if t.values.is_exact() => Method::ExactCounts,
            _ if inputs.current.source.is_some() => Method::RowPass,
            _ => Method::Unknown,
        };
        plans.push(Plan {
            column: name,
            min,
            max,
            source,
            method,
        });
    }
    Ok((plans, early))
}

impl Check for StringLength {
    fn id(&self) -> &'static str {
        "integrity.string_length"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of string values shorter or longer than allowed.",
            computes: "Length in Unicode characters; the share of non-null values outside \
                [min_length, max_length], from params or else the reference's observed lengths.",
            why: "Truncated ids, concatenated fields and free text leaking into code columns all \
                show up as lengths never seen before.",
            parameters: "min_length, max_length (numbers) for all columns; bounds (map column → \
                [min, max]).",
            default_condition: "<= 0.01",
            exactness: "Exact (lengths counted on the profiling read). A saved \
                current profile with many distinct values only tells whether the observed min/max \
                lie inside the bounds (error otherwise).",
            references: "Great Expectations expect_column_value_lengths_to_be_between; Deepchecks \
                StringLengthOutOfBounds.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_most(0.01)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["min_length", "max_length", "bounds"]
    }

    /// Lengths of every text column counted on the current read (bounds do not matter yet:
    /// the counts by length answer any bounds).
    fn taps(&self, inputs: &TapInputs) -> Result<Option<Vec<RowPass>>, String> {
        let Some(schema) = inputs.current else {
            return Ok(None);
        };
        let text = |dt: &DataType| {
            *dt != DataType::Boolean
                && assay_engine::profile_udaf::value_class(dt)
                    == Some(assay_engine::profile_udaf::ValueClass::Text)
                && arrow::compute::can_cast_types(dt, &DataType::Utf8)
        };
        let columns = inputs.target_columns(text);
        // Bad parameters are configuration errors, found before anything is read.
        for c in &columns {
            bounds_for(inputs.params, None, c)?;
        }
        Ok(Some(
            columns
                .into_iter()
                .filter(|c| schema.field_with_name(c).is_ok_and(|f| text(f.data_type())))
                .map(|c| RowPass {
                    side: Side::Current,
                    accumulator: Box::new(LengthCounts::new(&c)),
                })
                .collect(),
        ))
    }

    fn measure(
        &self,
        inputs: &Inputs,
        passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let (plans, mut out) = plan(inputs)?;
        let counted: AHashMap<String, LengthCounts> = passes
            .into_iter()
            .map(|p| downcast::<LengthCounts>(p).map(|c| (c.column.clone(), c)))
            .collect::<Result<_, _>>()?;
        for p in plans {
            let Some(cur) = inputs.current.profile.column(&p.column) else {
                continue;
            };
            let Some(t) = cur.state.as_text() else {
                continue;
            };
            let (_, lengths) = t.kinds_and_lengths();
            let outside = match p.method {
                Method::Inside => 0,
                Method::ExactCounts => t
                    .values
                    .exact_counts()
                    .map(|m| {
                        m.iter()
                            .filter(|(v, _)| {
                                let l = v.chars().count() as u64;
                                l < p.min || l > p.max
                            })
                            .map(|(_, c)| *c)
                            .sum()
                    })
                    .unwrap_or(0),
                Method::RowPass => match counted.get(&p.column) {
                    Some(c) => c.outside(p.min, p.max),
                    None => {
                        out.push(Measurement::error(
                            Some(&p.column),
                            format!(
                                "the lengths of `{}` could not be counted: its type cannot be \
                                 read as text",
                                p.column
                            ),
                        ));
                        continue;
                    }
                },
                Method::Unknown => {
                    out.push(Measurement::error(
                        Some(&p.column),
                        "lengths outside the bounds exist but cannot be counted from a saved profile",
                    ));
                    continue;
                }
            };
            let share = ratio(outside, cur.state.non_null());
            let max_text = if p.max == u64::MAX {
                "∞".to_string()
            } else {
                p.max.to_string()
            };
            out.push(
                Measurement::value(
                    Some(&p.column),
                    share,
                    format!(
                        "{} of values have a length outside [{}, {max_text}] ({})",
                        pct(share),
                        p.min,
                        p.source
                    ),
                )
                .with_details(&StringLengthDetails {
                    min_length: Some(p.min),
                    max_length: (p.max != u64::MAX).then_some(p.max),
                    current_min_length: lengths.min,
                    current_max_length: lengths.max,
                    mean_length: lengths.mean(),
                    outside: Some(outside),
                }),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn lengths_in_chars_against_params_and_reference() {
        let cur = dataset(&[(
            "s",
            Values::Text(&[Some("héllo"), Some("hi"), Some("a-much-longer-one"), None]),
        )]);
        let m = measure(
            &StringLength,
            &cur,
            None,
            serde_json::json!({"min_length": 2, "max_length": 5}),
        );
        assert!(
            (m[0].value.unwrap() - 1.0 / 3.0).abs() < 1e-15,
            "é counts as one character"
        );
        let refd = dataset(&[("s", Values::Text(&[Some("ab"), Some("abcdef")]))]);
        let m = measure(&StringLength, &cur, Some(&refd), serde_json::json!({}));
        assert_eq!(m[0].details["min_length"], 2);
        assert_eq!(m[0].details["max_length"], 6);
        assert!((m[0].value.unwrap() - 1.0 / 3.0).abs() < 1e-15);
    }
}
