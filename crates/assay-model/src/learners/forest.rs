//! Random forest: smartcore's `RandomForestRegressor` (bootstrap samples, `max_features`
//! features tried per split, trees grown to `max_depth`). Regression averages the trees;
//! classification uses regression forests on class indicators (see [`super::ovr`]), which gives
//! scikit-learn's `RandomForestClassifier.predict_proba` (the mean of the trees' leaf class
//! fractions) for two classes and one-vs-rest for more.
//!
//! The trees are fitted in fixed chunks (at most 16) in parallel (rayon); chunk `i` of output
//! `o` gets a seed derived from (`seed`, `o`, `i`), so the fitted forest depends on the seed and
//! the hyper-parameters, not on the number of threads.

use rayon::prelude::*;
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::LearnError;

type Forest = RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

/// Most chunks a forest is split into for parallel fitting.
const MAX_CHUNKS: usize = 16;

/// Tree hyper-parameters, resolved for the encoded matrix.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ForestParams {
    pub trees: usize,
    pub max_depth: Option<u16>,
    pub min_samples_leaf: usize,
    pub min_samples_split: usize,
    /// Features tried per split, in `1..=features`.
    pub mtry: usize,
    pub seed: u64,
}

/// One forest (a list of chunks) per output.
pub(crate) struct ForestModel {
    outputs: Vec<Vec<(Forest, usize)>>,
}

impl std::fmt::Debug for ForestModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForestModel")
            .field("outputs", &self.outputs.len())
            .finish()
    }
}

/// Fits one forest per target in `targets` on the matrix `x`.
pub(crate) fn fit(
    x: &DenseMatrix<f64>,
    targets: &[Vec<f64>],
    params: ForestParams,
) -> Result<ForestModel, LearnError> {
    let chunks = params.trees.clamp(1, MAX_CHUNKS);
    let per_chunk = params.trees / chunks;
    let extra = params.trees % chunks;
    let jobs: Vec<(usize, usize, usize)> = (0..targets.len())
        .flat_map(|o| (0..chunks).map(move |i| (o, i, per_chunk + usize::from(i < extra))))
        .collect();
    let fitted: Vec<(usize, Forest, usize)> = jobs
        .into_par_iter()
        .map(|(o, i, trees)| {
            let y = targets.get(o).ok_or_else(|| LearnError::Fit {
                learner: "random_forest",
                context: "fitting".to_string(),
                message: format!("no target for output {o}"),
            })?;
            let mut p = RandomForestRegressorParameters::default()
                .with_n_trees(trees)
                .with_min_samples_leaf(params.min_samples_leaf)
                .with_min_samples_split(params.min_samples_split)
                .with_m(params.mtry)
                .with_seed(chunk_seed(params.seed, o, i));
            p.max_depth = smartcore_depth(params.max_depth);
            let forest = Forest::fit(x, y, p).map_err(|e| LearnError::Fit {
                learner: "random_forest",
                context: format!("fitting {trees} trees"),
                message: e.to_string(),
            })?;
            Ok((o, forest, trees))
        })
        .collect::<Result<_, LearnError>>()?;
    let mut outputs: Vec<Vec<(Forest, usize)>> = (0..targets.len()).map(|_| Vec::new()).collect();
    for (o, forest, trees) in fitted {
        if let Some(out) = outputs.get_mut(o) {
            out.push((forest, trees));
        }
    }
    Ok(ForestModel { outputs })
}

impl ForestModel {
    /// Per output, the mean of the trees' predictions for each row of `x`.
    pub fn predict(&self, x: &DenseMatrix<f64>, rows: usize) -> Result<Vec<Vec<f64>>, LearnError> {
        self.outputs
            .iter()
            .map(|chunks| {
                let total: usize = chunks.iter().map(|(_, t)| t).sum();
                let parts: Vec<(Vec<f64>, usize)> = chunks
                    .par_iter()
                    .map(|(forest, trees)| {
                        forest
                            .predict(x)
                            .map(|v| (v, *trees))
                            .map_err(|e| LearnError::Fit {
                                learner: "random_forest",
                                context: "predicting".to_string(),
                                message: e.to_string(),
                            })
                    })
                    .collect::<Result<_, LearnError>>()?;
                let mut mean = vec![0.0; rows];
                for (values, trees) in parts {
                    let weight = trees as f64 / total.max(1) as f64;
                    for (m, v) in mean.iter_mut().zip(values) {
                        *m += v * weight;
                    }
                }
                Ok(mean)
            })
            .collect()
    }
}

/// smartcore counts the root as level 1 (`max_depth = 1` is a single leaf); scikit-learn, and
/// assay's `max_depth`, count splits (`max_depth = 1` is a stump).
pub(crate) fn smartcore_depth(max_depth: Option<u16>) -> Option<u16> {
    max_depth.map(|d| d.saturating_add(1))
}

/// SplitMix64 of the seed, output and chunk: well-separated seeds for the chunks (smartcore
/// seeds tree `t` of a chunk with `chunk seed + t`).
fn chunk_seed(seed: u64, output: usize, chunk: usize) -> u64 {
    let mut z = seed
        ^ (output as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
        ^ (chunk as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17);
    for _ in 0..2 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_seeds_differ() {
        let mut seeds: Vec<u64> = (0..3)
            .flat_map(|o| (0..16).map(move |c| chunk_seed(7, o, c)))
            .collect();
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(seeds.len(), 48);
        assert_eq!(chunk_seed(7, 1, 2), chunk_seed(7, 1, 2));
        assert_ne!(chunk_seed(7, 1, 2), chunk_seed(8, 1, 2));
    }
}
