//! `integrity.new_categories`: categories of the current data unknown to the reference.

use std::any::Any;
use std::collections::BTreeSet;

use serde_json::Value;

use assay_stats::{ratio, ColumnKind};

use assay_report::details::integrity::{CategoryCount, NewCategoriesDetails};

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::checks::columns_of;
use crate::condition::Condition;

/// Share of current rows whose category is not among the allowed ones.
pub struct NewCategories;

fn allowed_for(
    inputs: &Inputs,
    name: &str,
) -> Result<Option<(BTreeSet<String>, &'static str)>, String> {
    if let Some(Value::Object(map)) = inputs.params.get("allowed") {
        if let Some(v) = map.get(name) {
            let list = v
                .as_array()
                .ok_or_else(|| format!("params.allowed.{name} must be a list of values"))?;
            let set = list
                .iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            return Ok(Some((set, "suite")));
        }
    }
    let Some(reference) = inputs.reference.and_then(|r| r.profile.column(name)) else {
        return Ok(None);
    };
    match reference.state.exact_value_counts() {
        Some(counts) => Ok(Some((
            counts.into_iter().map(|(v, _)| v).collect(),
            "reference",
        ))),
        None => Err(format!(
            "the reference has more than {} distinct values in `{name}`; its category set is \
             only sketched, so unknown categories cannot be told exactly (list them in \
             params.allowed, or treat the column as numeric)",
            assay_stats::value_counter::DEFAULT_EXACT_CAP
        )),
    }
}

impl Check for NewCategories {
    fn id(&self) -> &'static str {
        "integrity.new_categories"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "Categories in the current data that the reference never had.",
            computes:
                "For each categorical column, the share of current non-null rows whose value \
                is not in the allowed set: params.allowed for the column, else every value seen \
                in the reference. Details list the new values (up to 20) with counts.",
            why: "A model has never learned what an unseen category means; encoders map it to \
                'unknown' or crash.",
            parameters:
                "allowed (map column → list of values): the domain, as `assay init` writes it.",
            default_condition: "== 0",
            exactness: "Exact while both sides have at most 10,000 distinct values in the column \
                (kept exactly in the profile); above that the current side is checked on its \
                frequent values only and the reference side cannot be enumerated (error).",
            references: "Evidently TestNumberOfNewValues / ShareOfNewValues; Deepchecks \
                NewCategoryTrainTest; TFDV string domain.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::equals(0.0)
    }

    fn known_params(&self) -> &'static [&'static str] {
        &["allowed"]
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let mut out = Vec::new();
        let explicit: Vec<String> = match inputs.params.get("allowed") {
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let columns = if inputs.columns.is_none() && !explicit.is_empty() {
            explicit
        } else {
            inputs.target_columns(|c| c.kind == ColumnKind::Categorical)
        };
        for name in columns {
            let (cur, _) = match columns_of(inputs, &name) {
                Ok(c) => c,
                Err(m) => {
                    out.push(*m);
                    continue;
                }
            };
            let allowed = match allowed_for(inputs, &name) {
                Ok(Some(a)) => a,
                Ok(None) => {
                    out.push(Measurement::skipped(
                        Some(&name),
                        "no reference and no params.allowed for this column",
                    ));
                    continue;
                }
                Err(e) => {
                    out.push(Measurement::error(Some(&name), e));
                    continue;
                }
            };
            let (set, source) = allowed;
            let (pairs, exact): (Vec<(String, u64)>, bool) = match cur.state.exact_value_counts() {
                Some(c) => (c, true),
                None => (
                    cur.state
                        .top_values(1000)
                        .into_iter()
                        .map(|f| (f.value, f.count))
                        .collect(),
                    false,
                ),
            };
            let mut new: Vec<(String, u64)> = pairs
                .into_iter()
                .filter(|(v, _)| !set.contains(v))
                .collect();
            new.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let new_rows: u64 = new.iter().map(|(_, c)| c).sum();
            let share = ratio(new_rows, cur.state.non_null());
            let listed: Vec<CategoryCount> = new
                .iter()
                .take(20)
                .map(|(v, c)| CategoryCount {
                    value: v.clone(),
                    count: *c,
                })
                .collect();
            let message = if new.is_empty() {
                format!(
                    "no value outside the {} known categories ({source})",
                    set.len()
                )
            } else {
                let names: Vec<&str> = new.iter().take(5).map(|(v, _)| v.as_str()).collect();
                format!(
                    "{} new categor{} in {} of rows: {}{}",
                    new.len(),
                    if new.len() == 1 { "y" } else { "ies" },
                    pct(share),
                    names.join(", "),
                    if new.len() > 5 { ", ..." } else { "" }
                )
            };
            out.push(
                Measurement::value(Some(&name), share, message).with_details(
                    &NewCategoriesDetails {
                        new_categories: Some(new.len() as u64),
                        new_rows: Some(new_rows),
                        known_categories: Some(set.len() as u64),
                        allowed_from: Some(source.to_string()),
                        values: Some(listed),
                        exact: Some(exact),
                    },
                ),
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
    fn new_values_against_reference_and_allowed() {
        let cur = dataset(&[(
            "c",
            Values::Text(&[Some("a"), Some("z"), Some("z"), None, Some("b")]),
        )]);
        let refd = dataset(&[("c", Values::Text(&[Some("a"), Some("b")]))]);
        let m = measure(&NewCategories, &cur, Some(&refd), serde_json::json!({}));
        assert_eq!(m[0].value, Some(0.5));
        assert_eq!(m[0].details["values"][0]["value"], "z");
        assert_eq!(m[0].details["values"][0]["count"], 2);
        let m = measure(
            &NewCategories,
            &cur,
            None,
            serde_json::json!({"allowed": {"c": ["a", "b", "z"]}}),
        );
        assert_eq!(m[0].value, Some(0.0));
        let m = measure(&NewCategories, &cur, None, serde_json::json!({}));
        assert!(m[0].skipped.is_some());
    }
}
