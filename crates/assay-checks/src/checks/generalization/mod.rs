//! Generalization checks: the gap between training and validation scores (overfitting),
//! the spread of scores across folds, scores on segment values never seen in training, and
//! how well the validation data covers production data.

pub mod fold_variance;
pub mod overfitting;
pub mod unseen_segments;
pub mod validation_coverage;

use crate::check::Check;

/// Every generalization check.
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(overfitting::Overfitting),
        Box::new(fold_variance::FoldVariance),
        Box::new(unseen_segments::UnseenSegments),
        Box::new(validation_coverage::ValidationCoverage),
    ]
}
