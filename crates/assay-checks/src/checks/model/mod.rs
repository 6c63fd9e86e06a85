//! Model evaluation checks: one file per metric (`model.<metric>`, built on [`metric`]), plus
//! per-slice metrics, weak-slice discovery, the regression gate against a baseline model and
//! prediction stability.

pub mod metric;
mod support;

pub mod accuracy;
pub mod average_precision;
pub mod balanced_accuracy;
pub mod brier;
pub mod calibration_error;
pub mod cohen_kappa;
pub mod confusion_matrix;
pub mod explained_variance;
pub mod f1;
pub mod log_loss;
pub mod mae;
pub mod mape;
pub mod max_error;
pub mod mcc;
pub mod median_absolute_error;
pub mod mse;
pub mod precision;
pub mod prediction_stability;
pub mod r2;
pub mod recall;
pub mod regression_gate;
pub mod rmse;
pub mod roc_auc;
pub mod slices;
pub mod weak_slices;

use crate::check::Check;
use metric::{MetricCheck, MetricSpec};

/// Every metric, classification first.
pub const METRICS: &[&MetricSpec] = &[
    &accuracy::SPEC,
    &balanced_accuracy::SPEC,
    &precision::SPEC,
    &recall::SPEC,
    &f1::SPEC,
    &roc_auc::SPEC,
    &average_precision::SPEC,
    &log_loss::SPEC,
    &brier::SPEC,
    &mcc::SPEC,
    &cohen_kappa::SPEC,
    &confusion_matrix::SPEC,
    &calibration_error::SPEC,
    &mae::SPEC,
    &mse::SPEC,
    &rmse::SPEC,
    &mape::SPEC,
    &r2::SPEC,
    &explained_variance::SPEC,
    &median_absolute_error::SPEC,
    &max_error::SPEC,
];

/// The metric with check id `id`.
pub fn spec_of(id: &str) -> Option<&'static MetricSpec> {
    METRICS.iter().copied().find(|s| s.id == id)
}

/// The metric named `name` (`accuracy`, or `model.accuracy`).
pub fn metric_named(name: &str) -> Option<&'static MetricSpec> {
    spec_of(name).or_else(|| spec_of(&format!("model.{name}")))
}

/// Every model check.
pub fn checks() -> Vec<Box<dyn Check>> {
    let mut all: Vec<Box<dyn Check>> = METRICS
        .iter()
        .map(|s| Box::new(MetricCheck(s)) as Box<dyn Check>)
        .collect();
    all.push(Box::new(slices::Slices));
    all.push(Box::new(weak_slices::WeakSlices));
    all.push(Box::new(regression_gate::RegressionGate));
    all.push(Box::new(prediction_stability::PredictionStability));
    all
}
