//! Built-in learners for cross-validation baselines: logistic regression, linear and ridge
//! regression, random forest and decision tree, on a borrowed table of numeric and categorical
//! columns.
//!
//! The models come from [smartcore](https://docs.rs/smartcore) 0.7 (pure Rust, no BLAS), with
//! what is computed around it to match scikit-learn's estimator of the same name (checked
//! against scikit-learn 1.9.1 by `tests/learners.rs` on the fixtures of
//! `scripts/gen_learner_fixtures.py`):
//!
//! | learner | model | as scikit-learn's |
//! | --- | --- | --- |
//! | `logistic_regression` | smartcore `LogisticRegression` (L-BFGS, penalty `‖w‖²/(2C)`, unpenalized intercept, multinomial for 3+ classes); probabilities from the coefficients (sigmoid / softmax) | `LogisticRegression(C)` |
//! | `linear_regression` | smartcore `LinearRegression` (SVD) on centered data: minimum-norm coefficients when the design is rank-deficient | `LinearRegression()` |
//! | `ridge` | normal equations of the centered data solved with smartcore's Cholesky; unpenalized intercept | `Ridge(alpha)` |
//! | `random_forest` | smartcore `RandomForestRegressor` (bootstrap, `max_features` per split); classifiers are regression forests on class indicators: for two classes the splits are Gini splits and the probability is the mean of the trees' leaf fractions; for more, one forest per class (one-vs-rest), normalized | `RandomForestRegressor` / `RandomForestClassifier` (two classes) |
//! | `decision_tree` | smartcore `DecisionTreeRegressor`, classifiers as above (one tree, or one per class) | `DecisionTreeRegressor` / `DecisionTreeClassifier` (two classes) |
//!
//! Linear models standardize their numeric features by default (`standardize`), as a
//! `StandardScaler` in front of the estimator; `max_depth` counts splits as scikit-learn does.

//! [`fit`] learns the feature encoding and the model from the training rows only;
//! [`FittedModel::predict`] applies both to any rows.
//!
//! # Encoding
//!
//! Every statistic is learned on the training rows (no leakage from the rows predicted later):
//!
//! - **Numeric** column: a non-finite value (NaN, ±infinity) is missing and replaced by the
//!   median of the column's finite training values (0 when it has none), as scikit-learn's
//!   `SimpleImputer(strategy="median")`; when any training value is missing, a 0/1
//!   missing-indicator column follows (`add_indicator=True`). For linear models (with
//!   `standardize`, the default) the imputed values are standardized with the training mean and
//!   population standard deviation (`StandardScaler`; a constant column keeps scale 1); the
//!   indicator stays 0/1. Trees see the imputed values as they are.
//! - **Categorical** column: one-hot over the levels seen in the training rows, the
//!   `max_categories` (default 50) most frequent of them (ties: lower code first), in level
//!   order; the other seen levels share an `other` column, which also takes levels never seen in
//!   training at predict time (scikit-learn's `handle_unknown="infrequent_if_exist"`); without
//!   an `other` column an unseen level encodes as all zeros. When a training row is missing
//!   (`u32::MAX`), a `missing` column is added; otherwise a missing value at predict time is all
//!   zeros. Levels are matched by name, so the predicted table may list its levels in another
//!   order. One-hot columns are not standardized.
//!
//! ```
//! use assay_model::learners::{fit, FeatureColumn, LearnerSpec, Table, TrainTarget};
//! let x: Vec<f64> = (0..20).map(f64::from).collect();
//! let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
//! let table = Table { columns: vec![FeatureColumn::Numeric { name: "x", values: &x }], rows: 20 };
//! let spec = LearnerSpec::parse("linear_regression", &serde_json::Map::new())?;
//! let train: Vec<u32> = (0..10).collect();
//! let model = fit(&spec, &table, &TrainTarget::Values(&y), &train)?;
//! let predicted = model.predict(&table, &[15])?.values.unwrap_or_default();
//! assert!((predicted[0] - 31.0).abs() < 1e-9);
//! # Ok::<(), assay_model::learners::LearnError>(())
//! ```

mod encoding;
mod error;
mod fitted;
mod forest;
mod linear;
mod logistic;
mod ovr;
mod ridge;
mod spec;
mod table;
mod target;
mod tree;

pub use error::LearnError;
pub use fitted::{Coefficients, FittedModel};
pub use spec::{LearnerKind, LearnerSpec, MaxFeatures, MAX_CATEGORIES, MAX_TREES};
pub use table::{FeatureColumn, Table, TrainTarget};

use smartcore::linalg::basic::matrix::DenseMatrix;

use encoding::{EncodeOptions, Encoder};
use fitted::{Inner, Task};
use target::Prepared;

/// Fits on the given rows only (row indices into the table) — the fold's training rows.
///
/// The encoding and the model see only these rows. A classification target with a single class
/// in these rows gives a constant model (probability 1 for that class), not an error; classes
/// absent from them get probability 0.
pub fn fit(
    spec: &LearnerSpec,
    table: &Table,
    target: &TrainTarget,
    rows: &[u32],
) -> Result<FittedModel, LearnError> {
    spec.validate()?;
    let learner = spec.kind.name();
    let classification = matches!(target, TrainTarget::Classes { .. });
    if !spec.kind.handles(classification) {
        return Err(LearnError::TaskMismatch {
            learner,
            expected: if classification {
                "regression"
            } else {
                "classification"
            },
            got: target.kind(),
        });
    }
    if table.columns.is_empty() {
        return Err(LearnError::NoFeatures { learner });
    }
    if rows.is_empty() {
        return Err(LearnError::NoRows { learner });
    }
    table.check(rows)?;
    if target.len() != table.rows {
        return Err(LearnError::TargetLength {
            len: target.len(),
            rows: table.rows,
        });
    }
    let prepared = target::prepare(target, rows)?;
    let options = EncodeOptions {
        standardize: spec.kind.is_linear() && spec.standardize,
        max_categories: spec.max_categories,
    };
    let encoder = Encoder::fit(table, rows, options)?;
    let x = encoder.transform(table, rows)?;
    let p = encoder.width();
    let n = rows.len();
    let matrix = |x: Vec<f64>| {
        DenseMatrix::new(n, p, x, false).map_err(|e| LearnError::Fit {
            learner,
            context: "building the feature matrix".to_string(),
            message: e.to_string(),
        })
    };
    let forest_params = |classification: bool| forest::ForestParams {
        trees: spec.trees,
        max_depth: spec.max_depth,
        min_samples_leaf: spec.min_samples_leaf,
        min_samples_split: spec.min_samples_split,
        mtry: spec.max_features_for(classification).resolve(p),
        seed: spec.seed,
    };
    let (task, inner) = match prepared {
        Prepared::Classes {
            labels,
            present,
            classes,
        } => {
            let k = present.len();
            let inner = if k < 2 {
                Inner::Constant
            } else {
                match spec.kind {
                    LearnerKind::LogisticRegression => {
                        Inner::Logistic(logistic::fit(&matrix(x)?, &labels, k, spec.c)?)
                    }
                    LearnerKind::RandomForest => Inner::Forest(forest::fit(
                        &matrix(x)?,
                        &ovr::indicators(&labels, k),
                        forest_params(true),
                    )?),
                    LearnerKind::DecisionTree => Inner::Tree(tree::fit(
                        &matrix(x)?,
                        &ovr::indicators(&labels, k),
                        spec.max_depth,
                        spec.min_samples_leaf,
                        spec.min_samples_split,
                        spec.seed,
                    )?),
                    LearnerKind::LinearRegression | LearnerKind::Ridge => {
                        return Err(LearnError::TaskMismatch {
                            learner,
                            expected: "regression",
                            got: "classification",
                        })
                    }
                }
            };
            (Task::Classification { classes, present }, inner)
        }
        Prepared::Values(y) => {
            let inner = match spec.kind {
                LearnerKind::LinearRegression => Inner::Linear(linear::fit(&x, p, &y)?),
                LearnerKind::Ridge => Inner::Linear(ridge::fit(&x, p, &y, spec.alpha)?),
                LearnerKind::RandomForest => Inner::Forest(forest::fit(
                    &matrix(x)?,
                    std::slice::from_ref(&y),
                    forest_params(false),
                )?),
                LearnerKind::DecisionTree => Inner::Tree(tree::fit(
                    &matrix(x)?,
                    std::slice::from_ref(&y),
                    spec.max_depth,
                    spec.min_samples_leaf,
                    spec.min_samples_split,
                    spec.seed,
                )?),
                LearnerKind::LogisticRegression => {
                    return Err(LearnError::TaskMismatch {
                        learner,
                        expected: "classification",
                        got: "regression",
                    })
                }
            };
            (Task::Regression, inner)
        }
    };
    Ok(FittedModel {
        spec: spec.clone(),
        encoder,
        task,
        inner,
    })
}
