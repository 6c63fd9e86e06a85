//! `target.class_imbalance`: the rarest target class's share.

use std::any::Any;

use assay_stats::ratio;

use std::collections::BTreeMap;

use assay_report::details::data::ClassImbalanceDetails;

use crate::check::{pct, Check, CheckDoc, Inputs, Measurement};
use crate::condition::Condition;

/// Share of the least frequent target class.
pub struct ClassImbalance;

impl Check for ClassImbalance {
    fn id(&self) -> &'static str {
        "target.class_imbalance"
    }

    fn doc(&self) -> CheckDoc {
        CheckDoc {
            summary: "How rare the rarest target class is.",
            computes: "The share of the least frequent class among non-null target values \
                (roles.target, or the single column in `columns:`). Details give every class's \
                share and the imbalance ratio (majority count / minority count).",
            why: "Severe imbalance makes accuracy meaningless and needs resampling, class weights \
                or threshold tuning; a sudden change in it means the population moved.",
            parameters: "none",
            default_condition: ">= 0.05",
            exactness: "Exact while the target has ≤ 10,000 classes.",
            references: "Deepchecks ClassImbalance; imbalanced-learn's imbalance ratio.",
        }
    }

    fn default_condition(&self, _: bool) -> Condition {
        Condition::at_least(0.05)
    }

    fn measure(&self, inputs: &Inputs, _: Vec<Box<dyn Any>>) -> Result<Vec<Measurement>, String> {
        let target = match (inputs.columns, &inputs.roles.target) {
            (Some([c]), _) => c.clone(),
            (Some(_), _) => return Err("give exactly one column (the target)".into()),
            (None, Some(t)) => t.clone(),
            (None, None) => {
                return Ok(vec![Measurement::skipped(
                    None,
                    "no target: set roles.target",
                )])
            }
        };
        let Some(col) = inputs.current.profile.column(&target) else {
            return Ok(vec![Measurement::error(
                Some(&target),
                format!("column `{target}` is not in the current data"),
            )]);
        };
        let Some(mut classes) = col.state.exact_value_counts() else {
            return Ok(vec![Measurement::error(
                Some(&target),
                "the target has more than 10,000 distinct values; is it a regression target?",
            )]);
        };
        if classes.is_empty() {
            return Ok(vec![Measurement::error(
                Some(&target),
                "the target has no non-null values",
            )]);
        }
        classes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let total: u64 = classes.iter().map(|(_, c)| c).sum();
        if classes.len() == 1 {
            return Ok(vec![Measurement::value(
                Some(&target),
                0.0,
                format!(
                    "only one class (`{}`) in {total} rows: nothing to learn to tell apart",
                    classes[0].0
                ),
            )
            .with_details(&ClassImbalanceDetails {
                classes: Some(1),
                ..ClassImbalanceDetails::default()
            })]);
        }
        let (min_class, min_count) = classes.last().cloned().unwrap_or_default();
        let max_count = classes.first().map_or(0, |(_, c)| *c);
        let share = ratio(min_count, total);
        let shares: BTreeMap<String, f64> = classes
            .iter()
            .take(50)
            .map(|(k, c)| (k.clone(), ratio(*c, total)))
            .collect();
        let reference_share = inputs
            .reference
            .and_then(|r| r.profile.column(&target))
            .and_then(|c| c.state.exact_value_counts())
            .and_then(|v| {
                let t: u64 = v.iter().map(|(_, c)| c).sum();
                v.iter().map(|(_, c)| *c).min().map(|m| ratio(m, t))
            });
        Ok(vec![Measurement::value(
            Some(&target),
            share,
            format!(
                "rarest class `{min_class}` holds {} of {} rows ({} classes; ratio {:.1}:1)",
                pct(share),
                total,
                classes.len(),
                if min_count == 0 {
                    f64::INFINITY
                } else {
                    max_count as f64 / min_count as f64
                }
            ),
        )
        .with_reference(reference_share)
        .with_details(&ClassImbalanceDetails {
            classes: Some(classes.len() as u64),
            minority_class: Some(min_class),
            imbalance_ratio: Some((min_count != 0).then(|| max_count as f64 / min_count as f64)),
            class_shares: Some(shares),
        })])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, Values};
    use assay_engine::Roles;

    #[test]
    fn minority_share_and_ratio() {
        let cur = dataset(&[(
            "y",
            Values::Text(&[Some("a"), Some("a"), Some("a"), Some("b"), None]),
        )]);
        let roles = Roles {
            target: Some("y".into()),
            ..Roles::default()
        };
        let params = serde_json::Map::new();
        let inputs = Inputs {
            current: &cur,
            reference: None,
            roles: &roles,
            columns: None,
            params: &params,
            condition: &crate::condition::Condition::equals(0.0),
            condition_is_explicit: false,
            evaluation: None,
            validation: None,
            kept_rows: None,
        };
        let m = ClassImbalance.measure(&inputs, Vec::new()).unwrap();
        assert_eq!(m[0].value, Some(0.25));
        assert_eq!(m[0].details["imbalance_ratio"], 3.0);
        assert_eq!(m[0].details["minority_class"], "b");
        let none = Roles::default();
        let inputs = Inputs {
            current: &cur,
            reference: None,
            roles: &none,
            columns: None,
            params: &params,
            condition: &crate::condition::Condition::equals(0.0),
            condition_is_explicit: false,
            evaluation: None,
            validation: None,
            kept_rows: None,
        };
        assert!(ClassImbalance.measure(&inputs, Vec::new()).unwrap()[0]
            .skipped
            .is_some());
    }
}
