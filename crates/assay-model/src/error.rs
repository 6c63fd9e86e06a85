//! Errors of model loading and execution, naming the model file and what was expected.

/// Why a model could not be loaded, bound to the data, or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file cannot be read or is not an ONNX model.
    #[error("{path}: cannot read the ONNX model: {reason}")]
    Read {
        /// Model file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The model uses operators assay cannot run.
    #[error("{path}: the model uses ONNX operator(s) assay cannot run: {operators}")]
    UnsupportedOperators {
        /// Model file.
        path: String,
        /// `domain:Op` list.
        operators: String,
    },
    /// The model's inputs or outputs have a shape or type assay does not support.
    #[error("{path}: {reason}")]
    Unsupported {
        /// Model file.
        path: String,
        /// What is unsupported.
        reason: String,
    },
    /// The data does not match the model's inputs.
    #[error("{path}: {reason}")]
    Binding {
        /// Model file.
        path: String,
        /// What did not match.
        reason: String,
    },
    /// tract failed while preparing or running the model.
    #[error("{path}: {context}: {reason}")]
    Run {
        /// Model file.
        path: String,
        /// What was being done.
        context: String,
        /// tract's message.
        reason: String,
    },
    /// Settings given to a model operation are invalid (e.g. a benchmark batch size of 0).
    #[error("{path}: {reason}")]
    Config {
        /// Model file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}
