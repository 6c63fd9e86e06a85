//! Typed `details` of the check families: the structs checks fill in and renderers read, so a
//! figure has one name, checked by the compiler on both sides. Each serializes to the same
//! JSON keys the report's contract documents: a figure a check always reports is written even
//! when undefined (as `null`), a figure it reports only in some cases is left out otherwise.
//! Some structs keep whatever else a result carries in `extra`.
//!
//! Reading is lenient ([`lenient`], [`lenient_list`]): a figure of the wrong type in a
//! hand-edited report reads as absent, and the rest of the result still renders. A result's
//! details are read with [`crate::CheckResult::details_as`].

pub mod crossval;
pub mod data;
pub mod drift;
pub mod fairness;
pub mod integrity;
pub mod model;
pub mod performance;
pub mod robustness;
pub mod sensitivity;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Reads a field leniently: a value of the wrong type (in a hand-edited report) reads as
/// absent instead of failing the whole result's details.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// Reads a list leniently: entries of the wrong shape (in a hand-edited report) are left out,
/// the others kept; anything but a list reads as absent.
pub fn lenient_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(match value {
        Value::Array(items) => Some(
            items
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        ),
        _ => None,
    })
}

/// A list of numbers as the report writes them: a non-finite number is written as null, and
/// read back (as any non-number) as NaN, so positions are kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberList(pub Vec<f64>);

impl Serialize for NumberList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for NumberList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<Value>::deserialize(deserializer)?;
        Ok(NumberList(
            values
                .iter()
                .map(|v| v.as_f64().unwrap_or(f64::NAN))
                .collect(),
        ))
    }
}

/// Typed details written into a result's `details` map.
pub fn to_map(details: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(details) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::model::{GateDetails, MetricDetails, RocCurve};
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_figures_are_left_out_and_documented_nulls_kept() {
        assert_eq!(to_map(&MetricDetails::default()), Map::new());
        // The gate always writes its p-value and verdict, null when there is none.
        let gate = to_map(&GateDetails::default());
        assert_eq!(gate.get("p_value"), Some(&Value::Null));
        assert_eq!(gate.get("significant"), Some(&Value::Null));
        assert_eq!(gate.len(), 2, "{gate:?}");
    }

    #[test]
    fn typed_details_round_trip_through_the_json_contract() {
        let d = MetricDetails {
            metric: Some("roc_auc".into()),
            estimate: Some(f64::NAN),
            n: Some(3),
            roc_curve: Some(RocCurve {
                fpr: NumberList(vec![0.0, 1.0]),
                tpr: NumberList(vec![0.0, f64::INFINITY]),
            }),
            ..MetricDetails::default()
        };
        let map = to_map(&d);
        assert_eq!(
            Value::Object(map.clone()),
            json!({"metric": "roc_auc", "estimate": null, "n": 3,
                   "roc_curve": {"fpr": [0.0, 1.0], "tpr": [0.0, null]}})
        );
        let back: MetricDetails = serde_json::from_value(Value::Object(map)).unwrap();
        assert_eq!(
            back.estimate, None,
            "a non-finite estimate is written as null"
        );
        let tpr = &back.roc_curve.unwrap().tpr.0;
        assert!(tpr[0] == 0.0 && tpr[1].is_nan(), "{tpr:?}");
    }
}
