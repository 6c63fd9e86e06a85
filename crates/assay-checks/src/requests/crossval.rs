//! [`CrossvalRequest`]: what `assay crossval DATA` (and `assay.crossval`) cross-validates.

use serde::Deserialize;
use serde_json::{Map, Value};

use assay_engine::{ReadOptions, Roles};

use super::{check_flag, entry, SplitOptions};
use crate::suite::{DataSection, Paths, Severity, SuiteOptions, ValidationSection};
use crate::Suite;

/// What `assay crossval DATA` cross-validates and how (every field as the flag of the same
/// name; `params` are the `--param KEY=VALUE` pairs).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrossvalRequest {
    /// Target column.
    pub target: String,
    /// Built-in learner (or the name a front end registered its own learner under).
    pub learner: Option<String>,
    /// Hyper-parameters of the built-in learner.
    pub params: Map<String, Value>,
    /// External trainer command.
    pub trainer: Option<String>,
    /// Fold files for the trainer: csv (default) or parquet.
    pub trainer_format: Option<String>,
    /// Seconds after which a trainer is stopped.
    pub trainer_timeout: Option<f64>,
    /// Where fold files and models are kept.
    pub workdir: Option<String>,
    /// How rows are split into folds.
    pub split: SplitOptions,
    /// Metrics.
    pub metrics: Vec<String>,
    /// Feature columns.
    pub features: Vec<String>,
    /// `classification` or `regression`.
    pub task: Option<String>,
    /// Positive class of a binary task.
    pub positive_class: Option<String>,
    /// Segment columns whose values are held out in turn.
    pub unseen_segments: Vec<String>,
    /// Folds trained at once.
    pub parallel: Option<usize>,
    /// Confidence level of the interval of the mean.
    pub confidence: Option<f64>,
}

impl CrossvalRequest {
    /// The suite cross-validating on `data` read with `read`; `Err` names the wrong option as
    /// its flag.
    pub fn suite(&self, data: &str, read: &ReadOptions) -> Result<Suite, String> {
        if self.learner.is_none() == self.trainer.is_none() {
            return Err("give a built-in learner (--learner random_forest) or an external trainer (--trainer 'python train.py {train} {model}'), one of the two".into());
        }
        if let Some(c) = self.confidence {
            if !(c > 0.0 && c < 1.0) {
                return Err(format!("--confidence must be between 0 and 1, got {c}"));
            }
        }
        self.split.check_limits()?;
        if let Some(p) = self.parallel {
            check_flag("--parallel", "validation.parallel", p as f64)?;
        }
        let defaults = ValidationSection::default();
        let validation = ValidationSection {
            features: (!self.features.is_empty()).then(|| self.features.clone()),
            task: self.task.clone(),
            positive_class: self.positive_class.clone(),
            learner: self.learner.clone(),
            learner_params: self.params.clone(),
            trainer: self.trainer.clone(),
            trainer_format: self
                .trainer_format
                .clone()
                .unwrap_or(defaults.trainer_format.clone()),
            trainer_timeout: self.trainer_timeout,
            workdir: self.workdir.clone(),
            parallel: self.parallel,
            metrics: self.metrics.clone(),
            confidence: self.confidence.unwrap_or(defaults.confidence),
            unseen_segments: (!self.unseen_segments.is_empty())
                .then(|| self.unseen_segments.clone()),
            ..self.split.section()
        };
        let spec = read.spec(Vec::new())?;
        let mut checks = vec![
            entry("crossval.score", Map::new(), Severity::Fail),
            entry("crossval.beats_baseline", Map::new(), Severity::Fail),
            entry("generalization.overfitting", Map::new(), Severity::Warn),
            entry("generalization.fold_variance", Map::new(), Severity::Warn),
        ];
        if !self.unseen_segments.is_empty() {
            checks.push(entry(
                "generalization.unseen_segments",
                Map::new(),
                Severity::Warn,
            ));
        }
        Ok(Suite {
            name: Some(format!("crossval: {data}")),
            data: DataSection {
                current: Paths::One(data.to_string()),
                reference: None,
                format: read.format.clone(),
                csv: spec.csv,
            },
            roles: Roles {
                target: Some(self.target.clone()),
                ..Roles::default()
            },
            options: SuiteOptions::default(),
            evaluation: Default::default(),
            validation,
            sensitivity: Default::default(),
            performance: Default::default(),
            checks,
        })
    }
}
