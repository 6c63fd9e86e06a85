//! Details of a per-column `drift.*` result.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a `drift.*` check found on one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    /// The method that compared the column (`ks`, `psi`, …).
    pub method: String,
    /// The test statistic or the distance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    /// Raw p-value (tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// How the p-value was computed (`exact`, `asymptotic`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value_method: Option<String>,
    /// The p-value after the multiple-testing correction (tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value_adjusted: Option<f64>,
    /// The correction applied (`bh`, `bonferroni`, `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// The bound the value was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Values compared on the reference side.
    #[serde(default)]
    pub n_reference: f64,
    /// Values compared on the current side.
    #[serde(default)]
    pub n_current: f64,
    /// Effect size (for tests: how far apart, whatever the sample size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_size: Option<f64>,
    /// What the effect size measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_measure: Option<String>,
    /// True when every value was compared, false when the profiles' sketches stood in.
    #[serde(default)]
    pub exact: bool,
    /// When sketches stood in (`exact` false) for a numeric column: how far the recovered
    /// distributions may be from the exact ones (each side's sketch rank error at 99 %
    /// confidence plus half a quantile point, both sides summed; the Kolmogorov-Smirnov D is
    /// within it of the exact D).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sketch_cdf_error: Option<f64>,
    /// Numeric bin edges the method compared (binned methods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin_edges: Option<Vec<f64>>,
    /// Categories the method compared (categorical columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Reference counts per bin or category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_histogram: Option<Vec<f64>>,
    /// Current counts per bin or category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_histogram: Option<Vec<f64>>,
    /// Null share of the reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_share_reference: Option<f64>,
    /// Null share of the current data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_share_current: Option<f64>,
    /// Two-proportion Z-test p-value of the null-share change, when it was large enough to test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_share_p_value: Option<f64>,
    /// The verdict on the column: drifted or not (absent when it could not be compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drifted: Option<bool>,
    /// `exact` or `profile`: how the run compared numeric columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Method-specific figures (e.g. Anderson–Darling's critical values).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ColumnDrift {
    /// The details as the report's JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            // A struct of numbers, strings and maps always serializes to an object.
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_figures_are_left_out_and_extra_keys_kept() {
        let mut d = ColumnDrift {
            method: "ks".into(),
            statistic: Some(0.25),
            n_reference: 10.0,
            n_current: 12.0,
            exact: true,
            drifted: Some(true),
            ..ColumnDrift::default()
        };
        d.extra.insert("critical_value".into(), Value::from(0.5));
        let map = d.clone().into_map();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "critical_value",
                "drifted",
                "exact",
                "method",
                "n_current",
                "n_reference",
                "statistic"
            ]
        );
        let back: ColumnDrift = serde_json::from_value(Value::Object(map)).unwrap();
        assert_eq!(back, d);
    }
}
