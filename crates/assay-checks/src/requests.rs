//! The suites that the suite-less commands run, built from their options: `assay drift`'s
//! flags and the Python package's `assay.drift(...)` keyword arguments are the same
//! [`DriftRequest`] (`assay evaluate`'s an [`EvaluateRequest`], `assay crossval`'s a
//! [`CrossvalRequest`], `assay sensitivity`'s a [`SensitivityRequest`], `assay
//! bench-model`'s a [`BenchModelRequest`]; `assay split`'s [`SplitOptions`] go to
//! [`split`]), so both front ends run the same suite and produce the same report.

mod bench_model;
mod crossval;
mod sensitivity;
mod split;

pub use bench_model::{budget_entry, BenchModelRequest};
pub use crossval::CrossvalRequest;
pub use sensitivity::{range_of, SensitivityRequest};
pub use split::{split, SplitOptions};

use serde::Deserialize;
use serde_json::{Map, Value};

use assay_engine::{ReadOptions, Roles};

use assay_report::{Report, Summary};

use crate::checks::drift::{method_named, METHODS};
use crate::checks::fairness::MEASURES;
use crate::checks::model::{metric_named, METRICS};
use crate::suite::{CheckEntry, DataSection, EvaluationSection, Paths, Severity, SuiteOptions};
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
    /// Columns left out.
    pub exclude: Vec<String>,
    /// Compare dates, times and identifiers too (left out by default unless columns are
    /// named: `auto_exclude` of the drift checks).
    pub no_auto_exclude: bool,
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
        put(
            "auto_exclude",
            self.no_auto_exclude.then_some(Value::Bool(false)),
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

/// What `assay evaluate DATA` evaluates and how (every field as the flag of the same name).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvaluateRequest {
    /// Target (ground truth) column.
    pub target: String,
    /// ONNX model run on the data.
    pub model: Option<String>,
    /// Feature columns in input order, for a model with one `[N, F]` input.
    pub features: Vec<String>,
    /// Predicted label (or value) column, instead of a model.
    pub prediction: Option<String>,
    /// Probability columns: one for the positive class, or one per class.
    pub probabilities: Vec<String>,
    /// Baseline ONNX model for the regression gate.
    pub baseline_model: Option<String>,
    /// Baseline prediction column.
    pub baseline_prediction: Option<String>,
    /// Baseline probability columns.
    pub baseline_probabilities: Vec<String>,
    /// Protected attributes for fairness.
    pub protected: Vec<String>,
    /// Segment columns to slice metrics by.
    pub segment: Vec<String>,
    /// Slices as SQL conditions.
    pub slices: Vec<String>,
    /// Sample weight column.
    pub weight: Option<String>,
    /// `classification` or `regression`.
    pub task: Option<String>,
    /// Positive class of a binary task.
    pub positive_class: Option<String>,
    /// Classes of the probability columns, in order.
    pub classes: Vec<String>,
    /// Decision threshold on the positive class's probability.
    pub threshold: Option<f64>,
    /// Only these metrics.
    pub metrics: Vec<String>,
    /// Confidence level of the intervals.
    pub confidence: Option<f64>,
    /// Bootstrap resamples.
    pub bootstrap_rounds: Option<usize>,
    /// Bootstrap seed.
    pub seed: Option<u64>,
    /// Smallest slice reported.
    pub min_slice_size: Option<u64>,
    /// Smallest protected group compared.
    pub min_group_size: Option<u64>,
    /// Allowed degradation against the baseline.
    pub tolerance: Option<f64>,
}

fn fail_entry(id: &str, params: Map<String, Value>) -> CheckEntry {
    entry(id, params, Severity::Fail)
}

/// A suite entry with the default condition.
fn entry(id: &str, params: Map<String, Value>, severity: Severity) -> CheckEntry {
    CheckEntry {
        check: id.to_string(),
        columns: None,
        params,
        condition: None,
        severity: Some(severity),
    }
}

/// Refuses a flag's value outside the range of the suite key it sets.
fn check_flag(flag: &str, key: &str, value: f64) -> Result<(), String> {
    crate::limits::check_named(flag, key, value)
}

impl EvaluateRequest {
    /// The suite evaluating on `data` read with `read`; `Err` names the wrong option as its
    /// flag.
    pub fn suite(&self, data: &str, read: &ReadOptions) -> Result<Suite, String> {
        if self.model.is_none() && self.prediction.is_none() && self.probabilities.is_empty() {
            return Err(
                "give a model (--model FILE.onnx) or prediction columns (--prediction, --probability)"
                    .into(),
            );
        }
        if self.model.is_some() && (self.prediction.is_some() || !self.probabilities.is_empty()) {
            return Err("give either --model or --prediction/--probability, not both".into());
        }
        if self.baseline_model.is_some()
            && (self.baseline_prediction.is_some() || !self.baseline_probabilities.is_empty())
        {
            return Err("give either --baseline-model or --baseline-prediction/--baseline-probability, not both".into());
        }
        for (flag, v) in [
            ("--confidence", self.confidence),
            ("--threshold", self.threshold),
            ("--tolerance", self.tolerance),
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                return Err(format!("{flag} must be a finite number"));
            }
        }
        let mut metrics: Vec<&'static str> = Vec::new();
        for m in &self.metrics {
            match metric_named(m) {
                Some(s) => metrics.push(s.id),
                None => {
                    return Err(format!(
                        "--metrics: unknown metric `{m}` (one of: {})",
                        METRICS
                            .iter()
                            .map(|s| s.id.trim_start_matches("model."))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
        }
        if metrics.is_empty() {
            metrics = METRICS.iter().map(|s| s.id).collect();
        }
        let spec = read.spec(Vec::new())?;
        let defaults = EvaluationSection::default();
        let evaluation = EvaluationSection {
            model: self.model.clone(),
            baseline_model: self.baseline_model.clone(),
            features: (!self.features.is_empty()).then(|| self.features.clone()),
            task: self.task.clone(),
            positive_class: self.positive_class.clone(),
            classes: (!self.classes.is_empty()).then(|| self.classes.clone()),
            threshold: self.threshold.unwrap_or(defaults.threshold),
            confidence: self.confidence.unwrap_or(defaults.confidence),
            bootstrap_rounds: self.bootstrap_rounds.unwrap_or(defaults.bootstrap_rounds),
            seed: self.seed.unwrap_or(defaults.seed),
            slices: self.slices.clone(),
            min_slice_size: self.min_slice_size.unwrap_or(defaults.min_slice_size),
            min_group_size: self.min_group_size.unwrap_or(defaults.min_group_size),
        };
        let roles = Roles {
            target: Some(self.target.clone()),
            prediction: self.prediction.clone(),
            probabilities: self.probabilities.clone(),
            baseline_prediction: self.baseline_prediction.clone(),
            baseline_probabilities: self.baseline_probabilities.clone(),
            weight: self.weight.clone(),
            segments: self.segment.clone(),
            protected: self.protected.clone(),
            ..Roles::default()
        };
        let mut checks: Vec<CheckEntry> = metrics
            .iter()
            .map(|id| fail_entry(id, Map::new()))
            .collect();
        if !self.segment.is_empty() || !self.slices.is_empty() {
            checks.push(fail_entry("model.slices", Map::new()));
        }
        if !self.segment.is_empty() || !self.protected.is_empty() {
            checks.push(fail_entry("model.weak_slices", Map::new()));
        }
        if !self.protected.is_empty() {
            checks.extend(MEASURES.iter().map(|m| fail_entry(m.id, Map::new())));
        }
        let has_baseline = self.baseline_model.is_some()
            || self.baseline_prediction.is_some()
            || !self.baseline_probabilities.is_empty();
        if has_baseline {
            let mut params = Map::new();
            if let Some(t) = self.tolerance {
                params.insert("tolerance".into(), Value::from(t));
            }
            checks.push(fail_entry("model.regression_gate", params));
            checks.push(fail_entry("model.prediction_stability", Map::new()));
        }
        Ok(Suite {
            name: Some(format!("evaluate: {data}")),
            data: DataSection {
                current: Paths::One(data.to_string()),
                reference: None,
                format: read.format.clone(),
                csv: spec.csv,
            },
            roles,
            options: SuiteOptions::default(),
            evaluation,
            validation: Default::default(),
            sensitivity: Default::default(),
            performance: Default::default(),
            checks,
        })
    }

    /// The report the command shows: the results of metrics that do not apply to the task
    /// left out (a regression has no accuracy: the suite asks for every metric of both
    /// kinds); `Err` when metrics were asked for and none applies.
    pub fn finish(&self, mut report: Report) -> Result<Report, String> {
        report
            .results
            .retain(|r| r.details.get("task_mismatch") != Some(&Value::Bool(true)));
        report.summary = Summary::of(&report.results);
        if !self.metrics.is_empty() && !report.results.iter().any(|r| r.id.starts_with("model.")) {
            return Err(format!(
                "--metrics {}: none of these metrics applies to this evaluation (a classifier's \
                 metrics are accuracy, roc_auc, ...; a regressor's rmse, r2, ...)",
                self.metrics.join(",")
            ));
        }
        Ok(report)
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
