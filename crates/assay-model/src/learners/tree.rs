//! Decision tree: smartcore's `DecisionTreeRegressor` (CART, squared error, every feature tried
//! at each split in a seeded order). Classification uses regression trees on class indicators
//! (see [`super::ovr`]): for two classes the tree and its probabilities are those of a Gini
//! classification tree; for more, one tree per class, one-vs-rest.

use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};

use super::forest::smartcore_depth;
use super::LearnError;

type Tree = DecisionTreeRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

/// One tree per output.
pub(crate) struct TreeModel {
    outputs: Vec<Tree>,
}

impl std::fmt::Debug for TreeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeModel")
            .field("outputs", &self.outputs.len())
            .finish()
    }
}

/// Fits one tree per target in `targets` on the matrix `x`.
pub(crate) fn fit(
    x: &DenseMatrix<f64>,
    targets: &[Vec<f64>],
    max_depth: Option<u16>,
    min_samples_leaf: usize,
    min_samples_split: usize,
    seed: u64,
) -> Result<TreeModel, LearnError> {
    let outputs = targets
        .iter()
        .map(|y| {
            let params = DecisionTreeRegressorParameters {
                max_depth: smartcore_depth(max_depth),
                min_samples_leaf,
                min_samples_split,
                seed: Some(seed),
            };
            Tree::fit(x, y, params).map_err(|e| LearnError::Fit {
                learner: "decision_tree",
                context: "fitting".to_string(),
                message: e.to_string(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(TreeModel { outputs })
}

impl TreeModel {
    /// Per output, the tree's prediction for each row of `x`.
    pub fn predict(&self, x: &DenseMatrix<f64>) -> Result<Vec<Vec<f64>>, LearnError> {
        self.outputs
            .iter()
            .map(|tree| {
                tree.predict(x).map_err(|e| LearnError::Fit {
                    learner: "decision_tree",
                    context: "predicting".to_string(),
                    message: e.to_string(),
                })
            })
            .collect()
    }
}
