//! ONNX-ML operators that scikit-learn's converters emit by default and tract 0.23 lacks,
//! registered on top of tract's ONNX op registry: `ZipMap`, `Scaler`,
//! `FeatureVectorizer` and `TreeEnsembleRegressor`, and a `TreeEnsembleClassifier` that also
//! reads the single-score binary layout scikit-learn writes (tract's rejects it) and a
//! `LinearClassifier` wrapper for text class labels.

mod feature_vectorizer;
mod linear_classifier;
mod scaler;
mod tree_ensemble;
mod tree_ensemble_classifier;
mod tree_ensemble_regressor;
pub mod tree_eval;
mod zip_map;

use tract_onnx::model::OnnxOpRegister;

/// Operators this module adds.
pub const EXTRA_OPERATORS: &[&str] = &[
    "ZipMap",
    "Scaler",
    "FeatureVectorizer",
    "TreeEnsembleRegressor",
    "TreeEnsembleClassifier",
    "LinearClassifier",
];

/// Adds the operators to `register`.
pub fn register(register: &mut OnnxOpRegister) {
    register.insert("ZipMap", zip_map::parse);
    register.insert("Scaler", scaler::parse);
    register.insert("FeatureVectorizer", feature_vectorizer::parse);
    register.insert("TreeEnsembleRegressor", tree_ensemble_regressor::parse);
    register.insert("TreeEnsembleClassifier", tree_ensemble_classifier::parse);
    register.insert("LinearClassifier", linear_classifier::parse);
}
