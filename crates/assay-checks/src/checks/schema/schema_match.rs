//! `schema.match`: columns missing, added or retyped between reference and current.

use std::any::Any;

use assay_report::details::data::{Retyped, SchemaMatchDetails};

use crate::check::{Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;

/// Compares the column sets and types of the two datasets.
pub struct SchemaMatch;

impl Check for SchemaMatch {
    fn id(&self) -> &'static str {
        "schema.match"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "The current data has the reference's columns with the same types.",
            computes: "The number of schema differences: reference columns missing from the current \
                data, current columns absent from the reference (unless `ignore_extra`), and columns \
                whose type changed. Details list each group.",
            why: "A renamed, dropped or retyped column silently breaks feature pipelines and models.",
            parameters: "ignore_extra (bool, default false): do not count extra current columns.\n\
                ignore_types (bool, default false): compare names only.",
            default_condition: "== 0",
            exactness: "Exact (from the schemas; saved profiles carry the types).",
            references: "TFDV schema validation (missing/unexpected features, type mismatch); \
                Great Expectations expect_table_columns_to_match_set.",
        }
    }

    fn default_condition(&self, _has_reference: bool) -> Condition {
        Condition::equals(0.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["ignore_extra", "ignore_types"]
    }

    fn measure(
        &self,
        inputs: &Inputs,
        _passes: Vec<Box<dyn Any>>,
    ) -> Result<Vec<Measurement>, String> {
        let Some(reference) = inputs.reference else {
            return Ok(vec![Measurement::skipped(
                None,
                "no reference dataset to compare the schema with",
            )]);
        };
        let ignore_extra = inputs.param_bool("ignore_extra")?.unwrap_or(false);
        let ignore_types = inputs.param_bool("ignore_types")?.unwrap_or(false);
        let cur = &inputs.current.profile;
        let refp = &reference.profile;
        let missing: Vec<&str> = refp
            .columns
            .iter()
            .filter(|c| cur.column(&c.name).is_none())
            .map(|c| c.name.as_str())
            .collect();
        let extra: Vec<&str> = cur
            .columns
            .iter()
            .filter(|c| refp.column(&c.name).is_none())
            .map(|c| c.name.as_str())
            .collect();
        let retyped: Vec<Retyped> = if ignore_types {
            Vec::new()
        } else {
            refp.columns
                .iter()
                .filter_map(|r| {
                    let c = cur.column(&r.name)?;
                    (type_family(&c.data_type) != type_family(&r.data_type)).then(|| Retyped {
                        column: r.name.clone(),
                        reference: r.data_type.clone(),
                        current: c.data_type.clone(),
                    })
                })
                .collect()
        };
        let count = missing.len() + retyped.len() + if ignore_extra { 0 } else { extra.len() };
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing: {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            parts.push(format!("extra: {}", extra.join(", ")));
        }
        if !retyped.is_empty() {
            let names: Vec<String> = retyped
                .iter()
                .map(|v| format!("{} ({} → {})", v.column, v.reference, v.current))
                .collect();
            parts.push(format!("retyped: {}", names.join(", ")));
        }
        let message = if parts.is_empty() {
            format!("{} columns match the reference", cur.columns.len())
        } else {
            parts.join("; ")
        };
        Ok(vec![Measurement::value(None, count as f64, message)
            .with_details(&SchemaMatchDetails {
                missing: Some(missing.iter().map(|c| c.to_string()).collect()),
                extra: Some(extra.iter().map(|c| c.to_string()).collect()),
                retyped: Some(retyped),
                reference_columns: Some(refp.columns.len() as u64),
                current_columns: Some(cur.columns.len() as u64),
            })])
    }
}

/// A type's name with the layouts of one family made one: text (`Utf8`, `LargeUtf8`,
/// `Utf8View`) and bytes (`Binary`, `LargeBinary`, `BinaryView`) hold the same values
/// whichever layout a reader chose (a CSV file's strings against Polars' or Parquet's views).
fn type_family(name: &str) -> &str {
    match name {
        "Utf8" | "LargeUtf8" | "Utf8View" => "Utf8",
        "Binary" | "LargeBinary" | "BinaryView" => "Binary",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, measure, Values};

    #[test]
    fn missing_extra_and_retyped() {
        let refd = dataset(&[
            ("a", Values::Num(&[Some(1.0)])),
            ("b", Values::Num(&[Some(1.0)])),
            ("c", Values::Num(&[Some(1.0)])),
        ]);
        let cur = dataset(&[
            ("a", Values::Num(&[Some(1.0)])),
            ("b", Values::Text(&[Some("1")])),
            ("d", Values::Num(&[Some(1.0)])),
        ]);
        let m = measure(&SchemaMatch, &cur, Some(&refd), serde_json::json!({}));
        assert_eq!(m[0].value, Some(3.0));
        assert_eq!(m[0].details["missing"], serde_json::json!(["c"]));
        assert_eq!(m[0].details["extra"], serde_json::json!(["d"]));
        assert_eq!(m[0].details["retyped"][0]["column"], "b");
        let m = measure(
            &SchemaMatch,
            &cur,
            Some(&refd),
            serde_json::json!({"ignore_extra": true, "ignore_types": true}),
        );
        assert_eq!(m[0].value, Some(1.0));
        assert!(measure(&SchemaMatch, &cur, None, serde_json::json!({}))[0]
            .skipped
            .is_some());
    }

    #[test]
    fn string_layouts_are_one_type_family() {
        assert_eq!(type_family("Utf8View"), type_family("Utf8"));
        assert_eq!(type_family("LargeUtf8"), "Utf8");
        assert_eq!(type_family("BinaryView"), "Binary");
        assert_ne!(type_family("Int32"), type_family("Int64"));
    }
}
