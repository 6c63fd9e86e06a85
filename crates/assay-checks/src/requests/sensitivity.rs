//! [`SensitivityRequest`]: what `assay sensitivity MODEL` (and `assay.sensitivity`) analyses.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Map;

use assay_engine::{ReadOptions, Roles};

use super::{check_flag, entry};
use crate::suite::{
    DataSection, EvaluationSection, InputDistribution, Paths, SensitivitySection, Severity,
    SuiteOptions,
};
use crate::Suite;

/// What `assay sensitivity MODEL` analyses and how (every field as the flag of the same name;
/// `bounds` and `domains` as `INPUT=LOW:HIGH`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensitivityRequest {
    /// The model (an ONNX file, or the name a front end registered its model under).
    pub model: String,
    /// sobol (default), morris, oat or permutation.
    pub method: Option<String>,
    /// Base samples (sobol) or trajectories (morris).
    pub samples: Option<usize>,
    /// Seed.
    pub seed: Option<u64>,
    /// Input ranges sampled uniformly, `INPUT=LOW:HIGH`.
    pub bounds: Vec<String>,
    /// Declared input domains, `INPUT=LOW:HIGH`.
    pub domains: Vec<String>,
    /// Target column (permutation importance).
    pub target: Option<String>,
    /// Metric of permutation importance.
    pub metric: Option<String>,
    /// Feature columns in input order.
    pub features: Vec<String>,
    /// Output analysed: a class name, `probability` or `value`.
    pub model_output: Option<String>,
    /// Positive class of a binary classifier.
    pub positive_class: Option<String>,
    /// Grid levels of morris and oat.
    pub levels: Option<usize>,
    /// Bootstrap resamples of the confidence half-widths.
    pub resamples: Option<usize>,
    /// Confidence level of the half-widths.
    pub confidence: Option<f64>,
    /// Rows per model call.
    pub block_rows: Option<usize>,
}

/// Parses `INPUT=LOW:HIGH` (the flag named in the error).
pub fn range_of(flag: &str, s: &str) -> Result<(String, f64, f64), String> {
    let bad = || format!("{flag} `{s}` must be INPUT=LOW:HIGH with numbers LOW < HIGH");
    let (name, range) = s.rsplit_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
    let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) || name.trim().is_empty() {
        return Err(bad());
    }
    Ok((name.trim().to_string(), lo, hi))
}

impl SensitivityRequest {
    /// The suite analysing the model, with `data` (when given) as the rows that give the
    /// inputs' distribution and that permutation importance shuffles; `Err` names the wrong
    /// option as its flag.
    pub fn suite(&self, data: Option<&str>, read: &ReadOptions) -> Result<Suite, String> {
        let method = self.method.as_deref().unwrap_or("sobol");
        let id = match method {
            "sobol" => "sensitivity.sobol",
            "morris" => "sensitivity.morris",
            "oat" => "sensitivity.oat",
            "permutation" => "sensitivity.permutation_importance",
            o => {
                return Err(format!(
                    "--method `{o}`: one of sobol, morris, oat, permutation"
                ))
            }
        };
        if id == "sensitivity.permutation_importance" && (data.is_none() || self.target.is_none()) {
            return Err("--method permutation shuffles data rows: give --data and --target".into());
        }
        if self.metric.is_some() && id != "sensitivity.permutation_importance" {
            return Err("--metric applies to --method permutation only".into());
        }
        let mut inputs = BTreeMap::new();
        for b in &self.bounds {
            let (name, low, high) = range_of("--bounds", b)?;
            inputs.insert(
                name,
                InputDistribution {
                    dist: "uniform".into(),
                    low: Some(low),
                    high: Some(high),
                    mean: None,
                    sd: None,
                    mode: None,
                },
            );
        }
        let mut domains = BTreeMap::new();
        for d in &self.domains {
            let (name, low, high) = range_of("--domain", d)?;
            domains.insert(name, [low, high]);
        }
        let d = SensitivitySection::default();
        if let Some(c) = self.confidence {
            if !(c > 0.0 && c < 1.0) {
                return Err(format!("--confidence must be between 0 and 1, got {c}"));
            }
        }
        if let Some(n) = self.samples {
            // Morris keeps its trajectories: it has its own, lower, range.
            match crate::limits::find_for(id, "sensitivity.samples") {
                Some(limit) => limit
                    .test("--samples", n as f64)
                    .map_err(|m| format!("{m} (with --method {method})"))?,
                None => check_flag("--samples", "sensitivity.samples", n as f64)?,
            }
        }
        for (flag, key, value) in [
            ("--levels", "sensitivity.levels", self.levels),
            ("--resamples", "sensitivity.resamples", self.resamples),
            ("--block-rows", "sensitivity.block_rows", self.block_rows),
        ] {
            if let Some(v) = value {
                check_flag(flag, key, v as f64)?;
            }
        }
        let sensitivity = SensitivitySection {
            model: Some(self.model.clone()),
            features: (!self.features.is_empty()).then(|| self.features.clone()),
            inputs,
            domains,
            samples: self.samples.unwrap_or(d.samples),
            seed: self.seed.unwrap_or(d.seed),
            levels: self.levels.unwrap_or(d.levels),
            resamples: self.resamples.unwrap_or(d.resamples),
            confidence: self.confidence.unwrap_or(d.confidence),
            output: self.model_output.clone(),
            block_rows: self.block_rows.unwrap_or(d.block_rows),
        };
        let mut params = Map::new();
        if let Some(m) = &self.metric {
            params.insert("metric".into(), m.clone().into());
        }
        if self.seed.is_some() && id == "sensitivity.permutation_importance" {
            params.insert("seed".into(), sensitivity.seed.into());
        }
        let spec = read.spec(Vec::new())?;
        Ok(Suite {
            name: Some(format!("sensitivity ({method}): {}", self.model)),
            data: DataSection {
                current: match data {
                    Some(d) => Paths::One(d.to_string()),
                    None => Paths::Many(Vec::new()),
                },
                reference: None,
                format: read.format.clone(),
                csv: spec.csv,
            },
            roles: Roles {
                target: self.target.clone(),
                ..Roles::default()
            },
            options: SuiteOptions::default(),
            evaluation: EvaluationSection {
                positive_class: self.positive_class.clone(),
                ..EvaluationSection::default()
            },
            validation: Default::default(),
            sensitivity,
            performance: Default::default(),
            checks: vec![entry(id, params, Severity::Fail)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_reject_bad_input() {
        assert_eq!(
            range_of("--bounds", "age=17:90").unwrap(),
            ("age".into(), 17.0, 90.0)
        );
        assert_eq!(
            range_of("--bounds", "a=b=-1:2.5").unwrap(),
            ("a=b".into(), -1.0, 2.5)
        );
        for bad in ["age", "age=17", "age=90:17", "age=x:1", "=1:2", "age=1:inf"] {
            assert!(range_of("--bounds", bad).is_err(), "{bad}");
        }
    }
}
