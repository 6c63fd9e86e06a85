//! `integrity.mixed_types`: string columns mixing numbers with text.

use std::any::Any;

use assay_stats::ratio;

use assay_report::details::integrity::MixedTypesDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::per_column;
use crate::condition::Condition;

/// Share of the minority type (numbers vs other text) in string columns.
pub struct MixedTypes;

impl Check for MixedTypes {
    fn id(&self) -> &'static str {
        "integrity.mixed_types"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "String columns that mix numbers and text.",
            computes: "Non-blank values of a string column are classified as number-like (parses \
                as a decimal number) or text (everything else, booleans and dates included); the \
                value is the minority class's share: min(numbers, text) / non-blank values. \
                Details give counts of numbers, booleans, dates, text and blanks.",
            why: "A numeric column read as strings because of a few stray markers (`?`, `n/a`, \
                `1,5`) is silently dropped or mis-encoded by feature pipelines.",
            parameters: "none",
            default_condition: "== 0",
            exactness: "Exact (classified in the profile; from distinct values while ≤ 10,000, \
                else value by value).",
            references: "Deepchecks MixedDataTypes; pandas infer_dtype 'mixed'.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let text = |c: &assay_stats::ColumnProfile| {
            c.state.as_text().is_some() && !c.data_type.contains("Boolean")
        };
        Ok(per_column(inputs, text, |name, cur, _| {
            let Some(t) = cur.state.as_text() else {
                return Measurement::error(Some(name), format!("`{name}` is not a string column"));
            };
            let (k, _) = t.kinds_and_lengths();
            let other = k.text + k.boolean + k.date;
            let non_blank = k.number + other;
            let minority = k.number.min(other);
            let share = ratio(minority, non_blank);
            let message = if minority == 0 {
                "one type only".to_string()
            } else if k.number < other {
                format!("{} of values are numbers among text", pct(share))
            } else {
                format!("{} of values are text among numbers", pct(share))
            };
            Measurement::value(Some(name), share, message).with_details(&MixedTypesDetails {
                numbers: Some(k.number),
                text: Some(k.text),
                booleans: Some(k.boolean),
                dates: Some(k.date),
                blank: Some(k.blank),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn minority_share_of_numbers_and_text() {
        let cur = dataset(&[(
            "m",
            Values::Text(&[Some("1"), Some("2.5"), Some("x"), Some(" "), None]),
        )]);
        let m = measure(&MixedTypes, &cur, None, serde_json::json!({}));
        assert!((m[0].value.unwrap() - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(m[0].details["blank"], 1);
        let pure = dataset(&[("m", Values::Text(&[Some("a"), Some("b")]))]);
        assert_eq!(
            measure(&MixedTypes, &pure, None, serde_json::json!({}))[0].value,
            Some(0.0)
        );
    }
}
