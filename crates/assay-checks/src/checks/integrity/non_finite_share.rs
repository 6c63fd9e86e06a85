//! `integrity.non_finite_share`: share of NaN and infinite values in numeric columns.

use std::any::Any;

use assay_stats::ratio;

use assay_report::details::integrity::NonFiniteShareDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::per_column;
use crate::condition::Condition;

/// Share of NaN/±∞ among non-null values of numeric columns.
pub struct NonFiniteShare;

impl Check for NonFiniteShare {
    fn id(&self) -> &'static str {
        "integrity.non_finite_share"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of NaN and infinite values in numeric columns.",
            computes:
                "(NaN + +∞ + −∞) / non-null values, per numeric column. Details split the three.",
            why: "NaN and infinities come from divisions by zero and failed parses; most models \
                either crash on them or propagate them into predictions.",
            parameters: "none",
            default_condition: "<= reference × 1.1 + 0.001 with a reference; == 0 without",
            exactness: "Exact (counted in the profile).",
            references: "Deepchecks (NaN handling in MixedNulls); numpy isfinite.",
        }
    }

    fn default_condition(&self, has_reference: bool) -> Condition {
        if has_reference {
            Condition::at_most_reference(1.1, 0.001)
        } else {
            Condition::equals(0.0)
        }
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        Ok(per_column(
            inputs,
            |c| c.state.as_numeric().is_some(),
            |name, cur, reference| {
                let Some(n) = cur.state.as_numeric() else {
                    return Measurement::error(
                        Some(name),
                        format!("`{name}` is not a numeric column"),
                    );
                };
                let share = ratio(cur.state.non_finite(), cur.state.non_null());
                let ref_share = reference.map(|r| ratio(r.state.non_finite(), r.state.non_null()));

                Measurement::value(
                    Some(name),
                    share,
                    format!("{} of values are NaN or infinite", pct(share)),
                )
                .with_reference(ref_share)
                .with_details(&NonFiniteShareDetails {
                    nan: Some(n.nan),
                    pos_inf: Some(n.pos_inf),
                    neg_inf: Some(n.neg_inf),
                    non_null: Some(cur.state.non_null()),
                    reference_share: ref_share,
                })
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn counts_nan_and_infinities_among_non_null() {
        let cur = dataset(&[
            (
                "x",
                Values::Num(&[Some(f64::NAN), Some(1.0), None, Some(f64::NEG_INFINITY)]),
            ),
            ("s", Values::Text(&[Some("NaN")])),
        ]);
        let m = measure(&NonFiniteShare, &cur, None, serde_json::json!({}));
        assert_eq!(m.len(), 1, "text columns are not measured");
        assert!((m[0].value.unwrap() - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(m[0].details["nan"], 1);
        assert_eq!(m[0].details["neg_inf"], 1);
    }
}
