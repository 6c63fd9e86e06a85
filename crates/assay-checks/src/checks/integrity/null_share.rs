//! `integrity.null_share`: share of null values per column.

use std::any::Any;

use assay_report::details::integrity::NullShareDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::per_column;
use crate::condition::Condition;

/// Share of nulls per column, against the reference's share.
pub struct NullShare;

impl Check for NullShare {
    fn id(&self) -> &'static str {
        "integrity.null_share"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Share of missing (null) values in each column.",
            computes: "nulls / rows for each column (CSV: empty fields and `csv.null_values`). \
                The reference's share is the relative bound's base.",
            why: "A jump in missing values usually means a broken upstream join or source; models \
                impute silently and degrade.",
            parameters: "none",
            default_condition: "<= reference × 1.1 + 0.01 with a reference; <= 0.05 without",
            exactness: "Exact (counted in the profile).",
            references: "Evidently ColumnMissingValues / share of missing values; Deepchecks \
                PercentOfNulls; Great Expectations expect_column_values_to_not_be_null (mostly).",
        }
    }

    fn default_condition(&self, has_reference: bool) -> Condition {
        if has_reference {
            Condition::at_most_reference(1.1, 0.01)
        } else {
            Condition::at_most(0.05)
        }
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        Ok(per_column(
            inputs,
            |_| true,
            |name, cur, reference| {
                let share = cur.state.null_share();
                let ref_share = reference.map(|r| r.state.null_share());

                Measurement::value(
                    Some(name),
                    share,
                    format!("{} of values are null", pct(share)),
                )
                .with_reference(ref_share)
                .with_details(&NullShareDetails {
                    nulls: Some(cur.state.nulls),
                    rows: Some(cur.state.rows),
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
    fn shares_with_and_without_reference() {
        let cur = dataset(&[
            ("a", Values::Num(&[Some(1.0), None, None, Some(2.0)])),
            ("b", Values::Text(&[Some("x"); 4])),
        ]);
        let refd = dataset(&[("a", Values::Num(&[Some(1.0), None, Some(3.0), Some(2.0)]))]);
        let m = measure(&NullShare, &cur, Some(&refd), serde_json::json!({}));
        assert_eq!(m[0].value, Some(0.5));
        assert_eq!(m[0].reference_value, Some(0.25));
        assert_eq!(m[1].value, Some(0.0));
        assert_eq!(m[1].reference_value, None);
        let empty = dataset(&[("a", Values::Num(&[]))]);
        assert_eq!(
            measure(&NullShare, &empty, None, serde_json::json!({}))[0].value,
            Some(0.0)
        );
    }
}
