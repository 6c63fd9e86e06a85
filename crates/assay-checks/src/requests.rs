//! The suites that the suite-less commands run, built from their options: `assay drift`'s
//! flags and the Python package's `assay.drift(...)` keyword arguments are the same
//! [`DriftRequest`], so both run the same suite and produce the same report.

use serde::Deserialize;
use serde_json::{Map, Value};

use assay_engine::{ReadOptions, Roles};

use crate::checks::drift::{method_named, METHODS};
use crate::suite::{CheckEntry, DataSection, Paths, Severity, SuiteOptions};
use crate::Suite;

/// What `assay drift REFERENCE CURRENT` compares and how (every field optional, as the flags).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DriftRequest {
    /// One method for every column (default: chosen per column, `drift.auto`).
    pub method: Option<String>,
    /// Only these columns.
    pub columns: Vec<String>,
    /// Target column: also reports target drift, and is left out of the features.
    pub target: Option<String>,
    /// Prediction column: also reports prediction drift, and is left out of the features.
    pub prediction: Option<String>,
    /// Probability columns: part of prediction drift.
    pub probabilities: Vec<String>,
    /// Columns left out (ids, timestamps).
    pub exclude: Vec<String>,
    /// Columns compared as categories.
    pub categorical: Vec<String>,
    /// `exact` (read the numeric columns whose profile is sketched) or `profile`.
    pub mode: Option<String>,
    /// Multiple-testing correction of the p-values: `bh` (default), `bonferroni` or `none`.
    pub correction: Option<String>,
    /// Effect-size floor below which a significant test is not called drift.
    pub min_effect: Option<f64>,
    /// Share of drifted columns at which the dataset counts as drifted.
    pub drift_share: Option<f64>,
    /// Binning of numeric columns for histogram methods: quantiles, sturges, fixed.
    pub binning: Option<String>,
    /// Number of bins.
    pub bins: Option<usize>,
    /// A drifted column is a warning, not a failure.
    pub warn_only: bool,
}

impl DriftRequest {
    /// The suite comparing `reference` with `current` (paths, URLs, saved profiles or
    /// `memory://` sources) read with `read`; `Err` names the wrong option as its flag.
    pub fn suite(
        &self,
        reference: &str,
        current: &str,
        read: &ReadOptions,
    ) -> Result<Suite, String> {
        if let Some(m) = &self.method {
            if method_named(m).is_none() {
                return Err(format!(
                    "--method `{m}` is not a drift method (one of: {})",
                    METHODS
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        for (flag, v) in [
            ("--min-effect", self.min_effect),
            ("--drift-share", self.drift_share),
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                return Err(format!("{flag} must be a finite number"));
            }
        }
        if let Some(b) = self.bins {
            if let Some(limit) = crate::limits::find_for("drift.auto", "bins") {
                limit.test("--bins", b as f64)?;
            }
        }
        let spec = read.spec(Vec::new())?;
        let roles = Roles {
            target: self.target.clone(),
            prediction: self.prediction.clone(),
            probabilities: self.probabilities.clone(),
            categorical: self.categorical.clone(),
            ..Roles::default()
        };
        let mut params = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                params.insert(k.to_string(), v);
            }
        };
        put("mode", self.mode.clone().map(Value::from));
        put("correction", self.correction.clone().map(Value::from));
        put("min_effect", self.min_effect.map(Value::from));
        put("drift_share", self.drift_share.map(Value::from));
        put("binning", self.binning.clone().map(Value::from));
        put("bins", self.bins.map(Value::from));
        put(
            "exclude",
            (!self.exclude.is_empty()).then(|| Value::from(self.exclude.clone())),
        );
        let severity = Some(if self.warn_only {
            Severity::Warn
        } else {
            Severity::Fail
        });
        let features_id = match &self.method {
            Some(m) => format!("drift.{m}"),
            None => "drift.auto".to_string(),
        };
        let mut checks = vec![CheckEntry {
            check: features_id,
            columns: (!self.columns.is_empty()).then(|| self.columns.clone()),
            params: params.clone(),
            condition: None,
            severity,
        }];
        let mut role_params = params;
        if let Some(m) = &self.method {
            role_params.insert("method".into(), Value::from(m.clone()));
        }
        if self.prediction.is_some() || !self.probabilities.is_empty() {
            checks.push(CheckEntry {
                check: "drift.prediction".into(),
                columns: None,
                params: role_params.clone(),
                condition: None,
                severity,
            });
        }
        if self.target.is_some() {
            checks.push(CheckEntry {
                check: "drift.target".into(),
                columns: None,
                params: role_params,
                condition: None,
                severity,
            });
        }
        Ok(Suite {
            name: Some(format!("drift: {reference} → {current}")),
            data: DataSection {
                current: Paths::One(current.to_string()),
                reference: Some(Paths::One(reference.to_string())),
                format: read.format.clone(),
                csv: spec.csv,
            },
            roles,
            options: SuiteOptions::default(),
            evaluation: Default::default(),
            validation: Default::default(),
            sensitivity: Default::default(),
            performance: Default::default(),
            checks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drift_request_becomes_the_suite_of_its_options() {
        let request = DriftRequest {
            method: Some("psi".into()),
            target: Some("y".into()),
            exclude: vec!["id".into()],
            bins: Some(20),
            warn_only: true,
            ..DriftRequest::default()
        };
        let suite = request
            .suite("ref.parquet", "cur.parquet", &ReadOptions::default())
            .unwrap();
        let ids: Vec<&str> = suite.checks.iter().map(|c| c.check.as_str()).collect();
        assert_eq!(ids, ["drift.psi", "drift.target"]);
        assert_eq!(suite.checks[0].params["bins"], Value::from(20));
        assert_eq!(suite.checks[0].params["exclude"], Value::from(vec!["id"]));
        assert_eq!(suite.checks[1].params["method"], Value::from("psi"));
        assert!(suite
            .checks
            .iter()
            .all(|c| c.severity == Some(Severity::Warn)));
        assert_eq!(suite.roles.target.as_deref(), Some("y"));
        assert_eq!(
            suite.name.as_deref(),
            Some("drift: ref.parquet → cur.parquet")
        );
    }

    #[test]
    fn wrong_options_are_named_as_their_flags() {
        let bad = |r: DriftRequest| r.suite("a", "b", &ReadOptions::default()).unwrap_err();
        let err = bad(DriftRequest {
            method: Some("magic".into()),
            ..DriftRequest::default()
        });
        assert!(
            err.starts_with("--method `magic` is not a drift method (one of: ks,"),
            "{err}"
        );
        let err = bad(DriftRequest {
            min_effect: Some(f64::NAN),
            ..DriftRequest::default()
        });
        assert_eq!(err, "--min-effect must be a finite number");
        let err = bad(DriftRequest {
            bins: Some(0),
            ..DriftRequest::default()
        });
        assert!(err.contains("--bins"), "{err}");
    }
}
