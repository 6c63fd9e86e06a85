//! The streaming of a sensitivity design through the model in bounded blocks.
//!
//! Designs are generated in the unit hypercube (SALib's sequences and grids) and each column
//! is mapped through its input's quantile function: a declared distribution
//! (`sensitivity.inputs`, `--bounds`), else the empirical distribution of the input in the
//! current data. Sobol indices and Morris elementary effects are unchanged by this (SALib
//! also scales after sampling, and measures steps in the unit cube).

use assay_stats::sensitivity::{Design, Distribution, Problem};

use crate::check::Inputs;
use crate::validation::{AnalysisSetup, Marginal};

/// A problem of unit uniforms (the marginals map the columns).
pub fn unit_problem(a: &AnalysisSetup) -> Result<Problem, String> {
    let d = a.features.len();
    Problem::new(
        a.features.clone(),
        vec![
            Distribution::Uniform {
                low: 0.0,
                high: 1.0
            };
            d
        ],
    )
    .map_err(|e| e.to_string())
}

/// Streams `design` through the model, `block_rows` rows at a time; returns the outputs.
pub fn evaluate<D: Design>(
    design: &D,
    marginals: &[Marginal],
    a: &AnalysisSetup,
    block_rows: usize,
) -> Result<Vec<f64>, String> {
    let d = marginals.len();
    let mut y = Vec::with_capacity(design.rows());
    for block in design.blocks(block_rows.max(1)) {
        let (_, mut x) = block.map_err(|e| e.to_string())?;
        let rows = x.len() / d.max(1);
        for row in x.chunks_mut(d) {
            for (v, m) in row.iter_mut().zip(marginals) {
                *v = m.ppf(*v);
            }
        }
        y.extend(a.eval_matrix(&x, rows)?);
    }
    Ok(y)
}

/// The marginals resolved when the run was prepared.
pub fn marginals<'a>(inputs: &'a Inputs) -> Result<&'a [Marginal], String> {
    inputs
        .validation
        .and_then(|v| v.marginals.as_deref())
        .ok_or_else(|| "internal: the input distributions were not prepared".to_string())
}

/// The section's settings.
pub fn settings<'a>(inputs: &'a Inputs) -> Result<&'a crate::sections::SensitivitySection, String> {
    inputs
        .validation
        .map(|v| &v.sensitivity)
        .ok_or_else(|| "internal: the sensitivity settings were not prepared".to_string())
}
