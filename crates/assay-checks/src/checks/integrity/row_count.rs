//! `integrity.row_count`: how many rows the current data has.

use std::any::Any;

use assay_report::details::integrity::RowCountDetails;

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;

/// Number of rows of the current data, against the reference's.
pub struct RowCount;

impl Check for RowCount {
    fn id(&self) -> &'static str {
        "integrity.row_count"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary:
                "The current data has enough rows (an empty or truncated extract is not \"valid\").",
            computes: "The number of rows of the current data; the reference's row count is the \
                relative bound's base (e.g. `>= reference * 0.5` for \"at least half as many\").",
            why: "Every other check passes on an empty file: a truncated export or a failed \
                upstream job shows up first as a row count.",
            parameters: "none",
            default_condition: ">= 1",
            exactness: "Exact.",
            references: "Great Expectations expect_table_row_count_to_be_between; Evidently \
                TestNumberOfRows.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_least(1.0)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let rows = inputs.current.profile.rows;
        let reference = inputs.reference.map(|r| r.profile.rows as f64);
        Ok(vec![Measurement::value(
            None,
            rows as f64,
            format!("{rows} rows"),
        )
        .with_reference(reference)
        .with_details(&RowCountDetails {
            rows: Some(rows),
            reference_rows: reference,
        })])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn counts_rows_with_reference_base() {
        let cur = dataset(&[("a", Values::Num(&[Some(1.0), None]))]);
        let empty = dataset(&[("a", Values::Num(&[]))]);
        let m = measure(&RowCount, &cur, Some(&empty), serde_json::json!({}));
        assert_eq!(m[0].value, Some(2.0));
        assert_eq!(m[0].reference_value, Some(0.0));
        assert_eq!(
            measure(&RowCount, &empty, None, serde_json::json!({}))[0].value,
            Some(0.0)
        );
    }
}
