//! Sensitivity analysis of an ONNX model: one-at-a-time sweeps (`sensitivity.oat`), Morris
//! elementary effects (`sensitivity.morris`), Sobol indices (`sensitivity.sobol`) on designs
//! streamed through the model in bounded blocks, and permutation importance on data
//! (`sensitivity.permutation_importance`).

pub mod inputs;
pub mod morris;
pub mod oat;
pub mod permutation_importance;
pub mod sobol;

use crate::check::Check;
use crate::suite::{CheckEntry, Suite};
use crate::validation::ValidationNeeds;

/// The design-based checks need the analysed model and each input's distribution.
pub(crate) fn design_needs(_: &Suite, _: &CheckEntry) -> ValidationNeeds {
    ValidationNeeds {
        analysis: true,
        designs: true,
        ..ValidationNeeds::default()
    }
}

/// Every sensitivity check.
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(oat::Oat),
        Box::new(morris::Morris),
        Box::new(sobol::Sobol),
        Box::new(permutation_importance::PermutationImportance),
    ]
}
