//! A fitted learner: its encoding and model, ready to predict any rows of a table with the
//! training columns.

use smartcore::linalg::basic::matrix::DenseMatrix;

use super::encoding::Encoder;
use super::forest::ForestModel;
use super::linear::LinearModel;
use super::logistic::LogisticModel;
use super::table::check_rows;
use super::tree::TreeModel;
use super::{ovr, LearnError, LearnerKind, LearnerSpec, Table};
use crate::Predictions;

/// What the model predicts.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    /// Class probabilities over `classes`, of which `present` (ascending) were in the training
    /// rows; the model's outputs are indexed like `present`.
    Classification { classes: usize, present: Vec<u32> },
    /// A value.
    Regression,
}

/// The fitted model proper.
#[derive(Debug)]
pub(crate) enum Inner {
    /// A single class in the training rows: probability 1 for it.
    Constant,
    /// Linear or ridge regression.
    Linear(LinearModel),
    /// Logistic regression.
    Logistic(LogisticModel),
    /// Random forest: one regression forest per output.
    Forest(ForestModel),
    /// Decision tree: one regression tree per output.
    Tree(TreeModel),
}

/// A learner fitted on a table's training rows, from [`super::fit`].
#[derive(Debug)]
pub struct FittedModel {
    pub(crate) spec: LearnerSpec,
    pub(crate) encoder: Encoder,
    pub(crate) task: Task,
    pub(crate) inner: Inner,
}

/// Coefficients of a fitted linear model on the encoded features (see
/// [`FittedModel::feature_names`]), in their original units (standardization folded in).
#[derive(Debug, Clone, PartialEq)]
pub struct Coefficients {
    /// Outputs: 1 for linear and ridge regression and binary logistic regression (the log-odds
    /// of the second training class), else one per training class.
    pub outputs: usize,
    /// Row-major `outputs × features`.
    pub weights: Vec<f64>,
    /// One per output.
    pub intercepts: Vec<f64>,
}

impl FittedModel {
    /// Predicts the given rows: classification fills labels + probabilities (row-major
    /// rows×classes, classes indexed like the target codes; a class absent from the training rows
    /// has probability 0), regression fills values. `table` must have the training columns (found
    /// by name and type); it may be the training table or another one.
    pub fn predict(&self, table: &Table, rows: &[u32]) -> Result<Predictions, LearnError> {
        check_rows(rows, table.rows)?;
        for column in &table.columns {
            if column.len() != table.rows {
                return Err(LearnError::ColumnLength {
                    column: column.name().to_string(),
                    len: column.len(),
                    rows: table.rows,
                });
            }
        }
        let n = rows.len();
        let x = self.encoder.transform(table, rows)?;
        match &self.task {
            Task::Regression => {
                let values = if n == 0 {
                    Vec::new()
                } else {
                    match &self.inner {
                        Inner::Linear(m) => m.predict(&x),
                        Inner::Forest(m) => first(m.predict(&self.matrix(x, n)?, n)?),
                        Inner::Tree(m) => first(m.predict(&self.matrix(x, n)?)?),
                        Inner::Constant | Inner::Logistic(_) => {
                            return Err(self.internal("a classifier with a regression task"))
                        }
                    }
                };
                Ok(Predictions {
                    values: Some(values),
                    ..Predictions::default()
                })
            }
            Task::Classification { classes, present } => {
                let k = present.len();
                let compact = if n == 0 {
                    Vec::new()
                } else {
                    match &self.inner {
                        Inner::Constant => vec![1.0; n],
                        Inner::Logistic(m) => m.predict_proba(&x),
                        Inner::Forest(m) => {
                            ovr::probabilities(&m.predict(&self.matrix(x, n)?, n)?, k, n)
                        }
                        Inner::Tree(m) => {
                            ovr::probabilities(&m.predict(&self.matrix(x, n)?)?, k, n)
                        }
                        Inner::Linear(_) => {
                            return Err(self.internal("a regressor with a classification task"))
                        }
                    }
                };
                if compact.len() != n * k {
                    return Err(self.internal("a probability matrix of the wrong size"));
                }
                let mut probabilities = vec![0.0; n * classes];
                let mut labels = Vec::with_capacity(n);
                for (r, row) in compact.chunks_exact(k.max(1)).enumerate() {
                    let mut best = 0;
                    for (i, (&p, &class)) in row.iter().zip(present).enumerate() {
                        if let Some(slot) = probabilities.get_mut(r * classes + class as usize) {
                            *slot = p;
                        }
                        if p > row[best] {
                            best = i;
                        }
                    }
                    labels.push(present.get(best).copied().unwrap_or(0));
                }
                Ok(Predictions {
                    labels: Some(labels),
                    probabilities: Some(probabilities),
                    values: None,
                })
            }
        }
    }

    /// A one-line description, e.g. `random_forest(trees=100, max_depth=None, …) on 104
    /// encoded features (6 numeric, 98 one-hot)`.
    pub fn describe(&self) -> String {
        let (numeric, onehot) = self.encoder.column_counts();
        let classification = matches!(self.task, Task::Classification { .. });
        let learner = format!(
            "{}({})",
            self.spec.kind,
            self.spec.summary(classification, self.encoder.width())
        );
        let data = format!(
            "on {} encoded features ({numeric} numeric, {onehot} one-hot)",
            self.encoder.width()
        );
        match (&self.task, &self.inner) {
            (Task::Classification { present, .. }, Inner::Constant) => format!(
                "constant class {} (the only class in the training rows; {learner} not fitted) {data}",
                present.first().copied().unwrap_or(0)
            ),
            (Task::Classification { present, .. }, Inner::Forest(_) | Inner::Tree(_))
                if present.len() > 2 =>
            {
                format!("{learner} {data}, one-vs-rest over {} classes", present.len())
            }
            _ => format!("{learner} {data}"),
        }
    }

    /// The learner and hyper-parameters.
    pub fn spec(&self) -> &LearnerSpec {
        &self.spec
    }

    /// Names of the encoded features the model reads, e.g. `age`, `age (missing)`,
    /// `workclass=Private`, `workclass=other`, `workclass=missing`.
    pub fn feature_names(&self) -> Vec<String> {
        self.encoder.feature_names()
    }

    /// Classification: the class codes present in the training rows, ascending.
    pub fn training_classes(&self) -> Option<&[u32]> {
        match &self.task {
            Task::Classification { present, .. } => Some(present),
            Task::Regression => None,
        }
    }

    /// Linear, ridge and logistic regression: the coefficients on the encoded features, in
    /// their original units; `None` for other learners and constant models.
    pub fn coefficients(&self) -> Option<Coefficients> {
        let (outputs, weights, intercepts) = match &self.inner {
            Inner::Linear(m) => (1, m.weights.clone(), vec![m.intercept]),
            Inner::Logistic(m) => (m.intercepts.len(), m.weights.clone(), m.intercepts.clone()),
            _ => return None,
        };
        let scaling = self.encoder.scaling();
        let p = scaling.len();
        let mut out_w = Vec::with_capacity(weights.len());
        let mut out_b = Vec::with_capacity(outputs);
        for (row, b) in weights.chunks_exact(p.max(1)).zip(intercepts) {
            let mut shift = 0.0;
            for (w, &(mean, scale)) in row.iter().zip(&scaling) {
                out_w.push(w / scale);
                shift += w * mean / scale;
            }
            out_b.push(b - shift);
        }
        Some(Coefficients {
            outputs,
            weights: out_w,
            intercepts: out_b,
        })
    }

    /// The encoded rows as smartcore's matrix.
    fn matrix(&self, x: Vec<f64>, n: usize) -> Result<DenseMatrix<f64>, LearnError> {
        DenseMatrix::new(n, self.encoder.width(), x, false).map_err(|e| LearnError::Fit {
            learner: self.spec.kind.name(),
            context: "building the feature matrix".to_string(),
            message: e.to_string(),
        })
    }

    fn internal(&self, what: &str) -> LearnError {
        LearnError::Fit {
            learner: self.spec.kind.name(),
            context: "predicting".to_string(),
            message: format!("internal error: {what}"),
        }
    }
}

fn first(mut outputs: Vec<Vec<f64>>) -> Vec<f64> {
    if outputs.is_empty() {
        Vec::new()
    } else {
        outputs.swap_remove(0)
    }
}

impl LearnerKind {
    /// Whether the learner handles `classification` and `regression` targets.
    pub(crate) fn handles(self, classification: bool) -> bool {
        match self {
            LearnerKind::LogisticRegression => classification,
            LearnerKind::LinearRegression | LearnerKind::Ridge => !classification,
            LearnerKind::RandomForest | LearnerKind::DecisionTree => true,
        }
    }
}
