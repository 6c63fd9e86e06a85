//! `integrity.constant_column`: columns holding a single value.

use std::any::Any;

use assay_stats::ratio;

use assay_report::details::integrity::ConstantColumnDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::per_column;
use crate::condition::Condition;

/// Number of distinct non-null values per column (1 means constant, 0 means all null).
pub struct ConstantColumn;

impl Check for ConstantColumn {
    fn id(&self) -> &'static str {
        "integrity.constant_column"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Columns that hold a single value (or none at all).",
            computes: "The number of distinct non-null values of each column (NaN and ±∞ count as \
                values). Details give the dominant value's share, to spot near-constant columns.",
            why: "A constant feature carries no information; when it was not constant in training \
                the pipeline that fills it is broken.",
            parameters: "none",
            default_condition: ">= 2",
            exactness: "Exact up to 10,000 distinct values; above that the HyperLogLog estimate \
                (far from the 0/1 boundary this check is about).",
            references: "Deepchecks IsSingleValue; Evidently TestNumberOfConstantColumns.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_least(2.0)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        Ok(per_column(
            inputs,
            |_| true,
            |name, cur, reference| {
                let distinct = cur.state.distinct();
                let top = cur.state.top_values(1);
                let dominant = top.first().map(|f| ratio(f.count, cur.state.non_null()));
                let message = match distinct {
                    0 => "every value is null".to_string(),
                    1 => format!(
                        "constant: every non-null value is {:?}",
                        top.first().map(|f| f.value.as_str()).unwrap_or("")
                    ),
                    d => format!(
                        "{d} distinct values; the most frequent holds {}",
                        pct(dominant.unwrap_or(0.0))
                    ),
                };

                Measurement::value(Some(name), distinct as f64, message)
                    .with_reference(reference.map(|r| r.state.distinct() as f64))
                    .with_details(&ConstantColumnDetails {
                        distinct: Some(distinct),
                        dominant_share: dominant,
                        dominant_value: top.first().map(|f| f.value.clone()),
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
    fn distinct_counts_and_dominant_share() {
        let cur = dataset(&[
            ("c", Values::Text(&[Some("k"), Some("k"), None])),
            ("n", Values::Num(&[None, None])),
            (
                "v",
                Values::Num(&[Some(1.0), Some(1.0), Some(1.0), Some(2.0)]),
            ),
        ]);
        let m = measure(&ConstantColumn, &cur, None, serde_json::json!({}));
        assert_eq!(m[0].value, Some(1.0));
        assert!(m[0].message.contains("constant"));
        assert_eq!(m[1].value, Some(0.0));
        assert_eq!(m[2].value, Some(2.0));
        assert_eq!(m[2].details["dominant_share"], 0.75);
    }
}
