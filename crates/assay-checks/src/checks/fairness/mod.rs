//! Fairness checks over protected attributes: one file per measure (`fairness.<measure>`),
//! built on [`measure`].

pub mod measure;

pub mod counterfactual_invariance;

pub mod demographic_parity_difference;
pub mod demographic_parity_ratio;
pub mod disparate_impact;
pub mod equal_opportunity_difference;
pub mod equalized_odds_difference;
pub mod equalized_odds_ratio;

use crate::check::Check;
use measure::{FairnessCheck, FairnessSpec};

/// Every fairness measure.
pub const MEASURES: &[&FairnessSpec] = &[
    &demographic_parity_difference::SPEC,
    &demographic_parity_ratio::SPEC,
    &equalized_odds_difference::SPEC,
    &equalized_odds_ratio::SPEC,
    &equal_opportunity_difference::SPEC,
    &disparate_impact::SPEC,
];

/// Every fairness check.
pub fn checks() -> Vec<Box<dyn Check>> {
    let mut all: Vec<Box<dyn Check>> = MEASURES
        .iter()
        .map(|s| Box::new(FairnessCheck(s)) as Box<dyn Check>)
        .collect();
    all.push(Box::new(
        counterfactual_invariance::CounterfactualInvariance,
    ));
    all
}
