//! Which learner to fit, with its hyper-parameters, parsed from a name and a JSON object.

use std::fmt;

use serde_json::{Map, Value};

use super::LearnError;

/// Most trees of a random forest: every tree is kept, for every fold (scikit-learn's default
/// is 100; beyond a few thousand trees nothing is gained).
pub const MAX_TREES: usize = 10_000;

/// Most one-hot columns per categorical feature: the encoding is a dense matrix of rows ×
/// columns per fold (above about a thousand levels, target or hash encoding is the tool).
pub const MAX_CATEGORIES: usize = 1_000;

/// The built-in learners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LearnerKind {
    /// L2-regularized logistic regression (binary or multinomial), scikit-learn's
    /// `LogisticRegression(C=…)` with the lbfgs solver.
    LogisticRegression,
    /// Ordinary least squares, scikit-learn's `LinearRegression`.
    LinearRegression,
    /// L2-regularized least squares with an unpenalized intercept, scikit-learn's `Ridge(alpha=…)`.
    Ridge,
    /// Random forest (bootstrap, random feature subsets per split), classifier or regressor.
    /// Classifiers are regression forests on class indicators: for two classes the same splits
    /// and probabilities as scikit-learn's `RandomForestClassifier` (Gini, mean of the trees'
    /// leaf fractions), for more one-vs-rest.
    RandomForest,
    /// A single CART tree, classifier or regressor (classifiers as for
    /// [`LearnerKind::RandomForest`]).
    DecisionTree,
}

impl LearnerKind {
    /// Every learner, in the order error messages list them.
    pub const ALL: [LearnerKind; 5] = [
        LearnerKind::LogisticRegression,
        LearnerKind::LinearRegression,
        LearnerKind::Ridge,
        LearnerKind::RandomForest,
        LearnerKind::DecisionTree,
    ];

    /// The learner's name as [`LearnerSpec::parse`] accepts it.
    pub fn name(self) -> &'static str {
        match self {
            LearnerKind::LogisticRegression => "logistic_regression",
            LearnerKind::LinearRegression => "linear_regression",
            LearnerKind::Ridge => "ridge",
            LearnerKind::RandomForest => "random_forest",
            LearnerKind::DecisionTree => "decision_tree",
        }
    }

    /// Parses a learner name; an unknown name is an error listing the valid ones.
    pub fn from_name(name: &str) -> Result<Self, LearnError> {
        LearnerKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| LearnError::UnknownLearner {
                name: name.to_string(),
                valid: LearnerKind::ALL.map(LearnerKind::name).join(", "),
            })
    }

    /// Whether the learner is a linear model (its numeric features are standardized).
    pub fn is_linear(self) -> bool {
        matches!(
            self,
            LearnerKind::LogisticRegression | LearnerKind::LinearRegression | LearnerKind::Ridge
        )
    }

    /// The hyper-parameter keys the learner accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            LearnerKind::LogisticRegression => &["C", "standardize", "max_categories"],
            LearnerKind::LinearRegression => &["standardize", "max_categories"],
            LearnerKind::Ridge => &["alpha", "standardize", "max_categories"],
            LearnerKind::RandomForest => &[
                "trees",
                "max_depth",
                "min_samples_leaf",
                "min_samples_split",
                "max_features",
                "seed",
                "max_categories",
            ],
            LearnerKind::DecisionTree => &[
                "max_depth",
                "min_samples_leaf",
                "min_samples_split",
                "seed",
                "max_categories",
            ],
        }
    }
}

impl fmt::Display for LearnerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many features a random forest considers at each split (scikit-learn's `max_features`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// `floor(sqrt(features))`.
    Sqrt,
    /// `floor(log2(features))`.
    Log2,
    /// Every feature.
    All,
    /// `floor(fraction × features)`, a fraction in `(0, 1]`.
    Fraction(f64),
    /// A fixed count (capped at the number of features).
    Count(usize),
}

impl MaxFeatures {
    /// The number of features to consider among `features`, at least 1 and at most `features`.
    pub fn resolve(self, features: usize) -> usize {
        let n = features as f64;
        let k = match self {
            MaxFeatures::Sqrt => n.sqrt().floor() as usize,
            MaxFeatures::Log2 => n.log2().floor() as usize,
            MaxFeatures::All => features,
            MaxFeatures::Fraction(f) => (f * n).floor() as usize,
            MaxFeatures::Count(c) => c,
        };
        k.clamp(1, features.max(1))
    }
}

impl fmt::Display for MaxFeatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxFeatures::Sqrt => f.write_str("sqrt"),
            MaxFeatures::Log2 => f.write_str("log2"),
            MaxFeatures::All => f.write_str("all"),
            MaxFeatures::Fraction(x) => write!(f, "{x}"),
            MaxFeatures::Count(c) => write!(f, "{c}"),
        }
    }
}

/// A learner and its hyper-parameters. Build one with [`LearnerSpec::new`] (defaults) or
/// [`LearnerSpec::parse`]; fields a learner does not use are ignored by it.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerSpec {
    /// Which learner.
    pub kind: LearnerKind,
    /// Logistic regression: inverse L2 strength, scikit-learn's `C` (default 1).
    pub c: f64,
    /// Ridge: L2 strength, scikit-learn's `alpha` (default 1).
    pub alpha: f64,
    /// Linear models: standardize numeric features (mean 0, variance 1 over the training rows;
    /// default true).
    pub standardize: bool,
    /// Random forest: number of trees (default 100).
    pub trees: usize,
    /// Trees: maximum depth, `None` for unlimited (default).
    pub max_depth: Option<u16>,
    /// Trees: minimum training rows in a leaf (default 1).
    pub min_samples_leaf: usize,
    /// Trees: minimum training rows to split a node (default 2).
    pub min_samples_split: usize,
    /// Random forest: features tried per split; `None` means scikit-learn's default (`sqrt`
    /// for classification, all features for regression).
    pub max_features: Option<MaxFeatures>,
    /// Trees: seed of the bootstrap and feature sampling (default 0).
    pub seed: u64,
    /// Encoding: most frequent levels of a categorical column one-hot encoded (default 50);
    /// the other levels share an `other` column.
    pub max_categories: usize,
}

impl LearnerSpec {
    /// The learner with default hyper-parameters.
    pub fn new(kind: LearnerKind) -> Self {
        LearnerSpec {
            kind,
            c: 1.0,
            alpha: 1.0,
            standardize: true,
            trees: 100,
            max_depth: None,
            min_samples_leaf: 1,
            min_samples_split: 2,
            max_features: None,
            seed: 0,
            max_categories: 50,
        }
    }

    /// Parses a name (`logistic_regression`, `linear_regression`, `ridge`, `random_forest`,
    /// `decision_tree`) and a JSON object of hyper-parameters; unknown names/keys are errors
    /// listing the valid ones.
    ///
    /// Keys: logistic regression `C` (> 0), ridge `alpha` (≥ 0), linear models `standardize`
    /// (bool); random forest `trees` (1 to [`MAX_TREES`]) and `max_features` (`"sqrt"`,
    /// `"log2"`, `"all"`, an integer count or a fraction in (0, 1]); trees `max_depth` (≥ 1 or
    /// null), `min_samples_leaf` (≥ 1), `min_samples_split` (≥ 2), `seed`; every learner
    /// `max_categories` (1 to [`MAX_CATEGORIES`]).
    pub fn parse(name: &str, params: &Map<String, Value>) -> Result<Self, LearnError> {
        let kind = LearnerKind::from_name(name)?;
        let learner = kind.name();
        let mut spec = LearnerSpec::new(kind);
        for (key, value) in params {
            if !kind.keys().contains(&key.as_str()) {
                return Err(LearnError::UnknownParameter {
                    learner,
                    key: key.clone(),
                    valid: kind.keys().join(", "),
                });
            }
            let invalid = |reason: String| LearnError::InvalidParameter {
                learner,
                key: key.clone(),
                reason,
            };
            match key.as_str() {
                "C" => {
                    spec.c = number(value)
                        .filter(|c| *c > 0.0)
                        .ok_or_else(|| invalid(format!("expected a number > 0, got {value}")))?;
                }
                "alpha" => {
                    spec.alpha = number(value)
                        .filter(|a| *a >= 0.0)
                        .ok_or_else(|| invalid(format!("expected a number >= 0, got {value}")))?;
                }
                "standardize" => {
                    spec.standardize = value
                        .as_bool()
                        .ok_or_else(|| invalid(format!("expected true or false, got {value}")))?;
                }
                "trees" => spec.trees = count(value, 1).map_err(invalid)?,
                "max_depth" => {
                    spec.max_depth = match value {
                        Value::Null => None,
                        _ => Some(
                            value
                                .as_u64()
                                .filter(|d| (1..=u64::from(u16::MAX)).contains(d))
                                .map(|d| d as u16)
                                .ok_or_else(|| {
                                    invalid(format!(
                                        "expected null or an integer in 1..={}, got {value}",
                                        u16::MAX
                                    ))
                                })?,
                        ),
                    }
                }
                "min_samples_leaf" => spec.min_samples_leaf = count(value, 1).map_err(invalid)?,
                "min_samples_split" => spec.min_samples_split = count(value, 2).map_err(invalid)?,
                "max_features" => spec.max_features = Some(max_features(value).map_err(invalid)?),
                "seed" => {
                    spec.seed = value.as_u64().ok_or_else(|| {
                        invalid(format!("expected a non-negative integer, got {value}"))
                    })?;
                }
                "max_categories" => spec.max_categories = count(value, 1).map_err(invalid)?,
                _ => {
                    return Err(LearnError::UnknownParameter {
                        learner,
                        key: key.clone(),
                        valid: kind.keys().join(", "),
                    })
                }
            }
        }
        spec.validate()?;
        Ok(spec)
    }

    /// Checks the hyper-parameters (a spec built in code bypasses [`LearnerSpec::parse`]).
    pub fn validate(&self) -> Result<(), LearnError> {
        let learner = self.kind.name();
        let invalid = |key: &str, reason: String| LearnError::InvalidParameter {
            learner,
            key: key.to_string(),
            reason,
        };
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(invalid(
                "C",
                format!("expected a number > 0, got {}", self.c),
            ));
        }
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(invalid(
                "alpha",
                format!("expected a number >= 0, got {}", self.alpha),
            ));
        }
        for (key, value, min, max) in [
            ("trees", self.trees, 1, MAX_TREES),
            ("min_samples_leaf", self.min_samples_leaf, 1, usize::MAX),
            ("min_samples_split", self.min_samples_split, 2, usize::MAX),
            ("max_categories", self.max_categories, 1, MAX_CATEGORIES),
        ] {
            if value < min {
                return Err(invalid(
                    key,
                    format!("expected an integer >= {min}, got {value}"),
                ));
            }
            if value > max {
                return Err(invalid(
                    key,
                    format!("expected an integer from {min} to {max}, got {value}"),
                ));
            }
        }
        if self.max_depth == Some(0) {
            return Err(invalid(
                "max_depth",
                "expected null or an integer >= 1, got 0".into(),
            ));
        }
        match self.max_features {
            Some(MaxFeatures::Count(0)) => Err(invalid("max_features", "0 features".into())),
            Some(MaxFeatures::Fraction(f)) if !(f > 0.0 && f <= 1.0) => Err(invalid(
                "max_features",
                format!("expected a fraction in (0, 1], got {f}"),
            )),
            _ => Ok(()),
        }
    }

    /// The hyper-parameters that matter for this learner, as `key=value` pairs.
    pub(crate) fn summary(&self, classification: bool, features: usize) -> String {
        let depth = match self.max_depth {
            Some(d) => d.to_string(),
            None => "None".to_string(),
        };
        match self.kind {
            LearnerKind::LogisticRegression => {
                format!("C={}, standardize={}", self.c, self.standardize)
            }
            LearnerKind::LinearRegression => format!("standardize={}", self.standardize),
            LearnerKind::Ridge => format!("alpha={}, standardize={}", self.alpha, self.standardize),
            LearnerKind::RandomForest => {
                let mf = self.max_features_for(classification);
                format!(
                    "trees={}, max_depth={depth}, min_samples_leaf={}, min_samples_split={}, \
                     max_features={mf} ({}), seed={}",
                    self.trees,
                    self.min_samples_leaf,
                    self.min_samples_split,
                    mf.resolve(features),
                    self.seed
                )
            }
            LearnerKind::DecisionTree => format!(
                "max_depth={depth}, min_samples_leaf={}, min_samples_split={}, seed={}",
                self.min_samples_leaf, self.min_samples_split, self.seed
            ),
        }
    }

    /// `max_features`, or scikit-learn's default for the task.
    pub(crate) fn max_features_for(&self, classification: bool) -> MaxFeatures {
        self.max_features.unwrap_or(if classification {
            MaxFeatures::Sqrt
        } else {
            MaxFeatures::All
        })
    }
}

/// A finite JSON number.
fn number(value: &Value) -> Option<f64> {
    value.as_f64().filter(|x| x.is_finite())
}

/// A JSON integer of at least `min`.
fn count(value: &Value, min: u64) -> Result<usize, String> {
    value
        .as_u64()
        .filter(|n| *n >= min)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("expected an integer >= {min}, got {value}"))
}

/// `"sqrt"`, `"log2"`, `"all"`, an integer count (≥ 1) or a fraction in (0, 1].
fn max_features(value: &Value) -> Result<MaxFeatures, String> {
    let bad = || {
        format!(
            "expected \"sqrt\", \"log2\", \"all\", an integer >= 1 or a fraction in (0, 1], \
             got {value}"
        )
    };
    match value {
        Value::String(s) => match s.as_str() {
            "sqrt" => Ok(MaxFeatures::Sqrt),
            "log2" => Ok(MaxFeatures::Log2),
            "all" => Ok(MaxFeatures::All),
            _ => Err(bad()),
        },
        Value::Number(n) => {
            if let Some(c) = n.as_u64() {
                match usize::try_from(c) {
                    Ok(c) if c >= 1 => Ok(MaxFeatures::Count(c)),
                    _ => Err(bad()),
                }
            } else {
                match n.as_f64() {
                    Some(f) if f > 0.0 && f <= 1.0 => Ok(MaxFeatures::Fraction(f)),
                    _ => Err(bad()),
                }
            }
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json) {
            Ok(Value::Object(map)) => map,
            other => panic!("bad test JSON: {other:?}"),
        }
    }

    #[test]
    fn defaults_follow_scikit_learn() {
        let spec = LearnerSpec::parse("random_forest", &Map::new()).unwrap();
        assert_eq!(spec.kind, LearnerKind::RandomForest);
        assert_eq!(spec.trees, 100);
        assert_eq!(spec.max_depth, None);
        assert_eq!(spec.min_samples_leaf, 1);
        assert_eq!(spec.min_samples_split, 2);
        assert_eq!(spec.max_features_for(true), MaxFeatures::Sqrt);
        assert_eq!(spec.max_features_for(false), MaxFeatures::All);
        let spec = LearnerSpec::parse("logistic_regression", &Map::new()).unwrap();
        assert_eq!(spec.c, 1.0);
        assert!(spec.standardize);
        assert_eq!(spec.max_categories, 50);
    }

    #[test]
    fn parses_every_key() {
        let spec = LearnerSpec::parse(
            "random_forest",
            &params(
                r#"{"trees": 7, "max_depth": 4, "min_samples_leaf": 3, "min_samples_split": 5,
                    "max_features": 0.5, "seed": 42, "max_categories": 9}"#,
            ),
        )
        .unwrap();
        assert_eq!(spec.trees, 7);
        assert_eq!(spec.max_depth, Some(4));
        assert_eq!(spec.min_samples_leaf, 3);
        assert_eq!(spec.min_samples_split, 5);
        assert_eq!(spec.max_features, Some(MaxFeatures::Fraction(0.5)));
        assert_eq!(spec.seed, 42);
        assert_eq!(spec.max_categories, 9);
        let spec =
            LearnerSpec::parse("ridge", &params(r#"{"alpha": 0, "standardize": false}"#)).unwrap();
        assert_eq!(spec.alpha, 0.0);
        assert!(!spec.standardize);
        let spec = LearnerSpec::parse("logistic_regression", &params(r#"{"C": 0.25}"#)).unwrap();
        assert_eq!(spec.c, 0.25);
        let spec = LearnerSpec::parse("decision_tree", &params(r#"{"max_depth": null}"#)).unwrap();
        assert_eq!(spec.max_depth, None);
    }

    #[test]
    fn validate_catches_specs_built_in_code() {
        let mut spec = LearnerSpec::new(LearnerKind::RandomForest);
        assert!(spec.validate().is_ok());
        spec.max_features = Some(MaxFeatures::Fraction(2.0));
        assert!(spec.validate().is_err());
        let mut spec = LearnerSpec::new(LearnerKind::LogisticRegression);
        spec.c = f64::NAN;
        assert_eq!(
            spec.validate().unwrap_err().to_string(),
            "logistic_regression: hyper-parameter `C`: expected a number > 0, got NaN"
        );
        let mut spec = LearnerSpec::new(LearnerKind::DecisionTree);
        spec.max_depth = Some(0);
        assert!(spec.validate().is_err());
    }

    #[test]
    fn max_features_forms() {
        assert_eq!(max_features(&Value::from("log2")), Ok(MaxFeatures::Log2));
        assert_eq!(max_features(&Value::from(3)), Ok(MaxFeatures::Count(3)));
        assert_eq!(
            max_features(&Value::from(1.0)),
            Ok(MaxFeatures::Fraction(1.0))
        );
        assert!(max_features(&Value::from(0)).is_err());
        assert!(max_features(&Value::from(1.5)).is_err());
        assert!(max_features(&Value::from("half")).is_err());
        assert_eq!(MaxFeatures::Sqrt.resolve(104), 10);
        assert_eq!(MaxFeatures::Log2.resolve(104), 6);
        assert_eq!(MaxFeatures::Fraction(0.5).resolve(7), 3);
        assert_eq!(MaxFeatures::Fraction(0.01).resolve(7), 1);
        assert_eq!(MaxFeatures::Count(500).resolve(7), 7);
        assert_eq!(MaxFeatures::All.resolve(7), 7);
    }

    #[test]
    fn unknown_names_and_keys_list_the_valid_ones() {
        let err = LearnerSpec::parse("svm", &Map::new())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unknown learner `svm`; valid learners: logistic_regression, linear_regression, \
             ridge, random_forest, decision_tree"
        );
        let err = LearnerSpec::parse("ridge", &params(r#"{"C": 1}"#))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "ridge: unknown hyper-parameter `C`; valid keys: alpha, standardize, max_categories"
        );
    }

    #[test]
    fn bad_values_are_errors() {
        for (name, json) in [
            ("logistic_regression", r#"{"C": 0}"#),
            ("logistic_regression", r#"{"C": "big"}"#),
            ("ridge", r#"{"alpha": -1}"#),
            ("ridge", r#"{"standardize": 1}"#),
            ("random_forest", r#"{"trees": 0}"#),
            ("random_forest", r#"{"trees": 2.5}"#),
            ("random_forest", r#"{"max_depth": 0}"#),
            ("random_forest", r#"{"max_depth": 70000}"#),
            ("random_forest", r#"{"min_samples_split": 1}"#),
            ("random_forest", r#"{"seed": -3}"#),
            ("decision_tree", r#"{"min_samples_leaf": 0}"#),
            ("linear_regression", r#"{"max_categories": 0}"#),
        ] {
            let err = LearnerSpec::parse(name, &params(json)).unwrap_err();
            assert!(
                matches!(err, LearnError::InvalidParameter { .. }),
                "{name} {json}: {err}"
            );
        }
        let err = LearnerSpec::parse("random_forest", &params(r#"{"trees": 0}"#))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "random_forest: hyper-parameter `trees`: expected an integer >= 1, got 0"
        );
    }
}
