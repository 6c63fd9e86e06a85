//! Errors of the built-in learners, naming the learner, column, row or hyper-parameter at fault.

/// Why a built-in learner could not be configured, fitted or applied.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// The learner name is not one of the built-in learners.
    #[error("unknown learner `{name}`; valid learners: {valid}")]
    UnknownLearner {
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// A hyper-parameter key the learner does not have.
    #[error("{learner}: unknown hyper-parameter `{key}`; valid keys: {valid}")]
    UnknownParameter {
        /// Learner name.
        learner: &'static str,
        /// The key given.
        key: String,
        /// The valid keys, comma-separated.
        valid: String,
    },
    /// A hyper-parameter with a value of the wrong type or out of range.
    #[error("{learner}: hyper-parameter `{key}`: {reason}")]
    InvalidParameter {
        /// Learner name.
        learner: &'static str,
        /// The key.
        key: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// Fitting was asked on an empty set of rows.
    #[error("{learner}: no training rows")]
    NoRows {
        /// Learner name.
        learner: &'static str,
    },
    /// The table has no feature columns.
    #[error("{learner}: the table has no feature columns")]
    NoFeatures {
        /// Learner name.
        learner: &'static str,
    },
    /// A row index past the end of the table.
    #[error("row index {row} is out of range: the table has {rows} rows")]
    RowOutOfRange {
        /// The row index given.
        row: u32,
        /// Rows in the table.
        rows: usize,
    },
    /// A feature column whose length is not the table's row count.
    #[error("column `{column}` has {len} values but the table has {rows} rows")]
    ColumnLength {
        /// Column name.
        column: String,
        /// Values in the column.
        len: usize,
        /// Rows in the table.
        rows: usize,
    },
    /// A category code that is neither a level index nor the missing marker.
    #[error(
        "column `{column}`, row {row}: category code {code} is out of range ({levels} levels)"
    )]
    CategoryCode {
        /// Column name.
        column: String,
        /// Row index.
        row: u32,
        /// The code found.
        code: u32,
        /// Levels of the column.
        levels: usize,
    },
    /// A numeric feature that cannot be encoded (its values overflow when standardized).
    #[error("column `{column}`: {reason}")]
    Feature {
        /// Column name.
        column: String,
        /// What went wrong.
        reason: String,
    },
    /// The target's length is not the table's row count.
    #[error("the target has {len} values but the table has {rows} rows")]
    TargetLength {
        /// Values in the target.
        len: usize,
        /// Rows in the table.
        rows: usize,
    },
    /// A training row whose target is missing, out of range or not finite.
    #[error("target, row {row}: {reason}")]
    Target {
        /// Row index.
        row: u32,
        /// What is wrong with the value.
        reason: String,
    },
    /// A classification target declaring no classes.
    #[error("the classification target declares 0 classes")]
    NoClasses,
    /// The learner cannot handle this kind of target.
    #[error("{learner} needs a {expected} target, got a {got} target")]
    TaskMismatch {
        /// Learner name.
        learner: &'static str,
        /// The kind of target the learner handles.
        expected: &'static str,
        /// The kind of target given.
        got: &'static str,
    },
    /// The prediction table lacks a column the model was trained on (or has it with another type).
    #[error("the table has no {kind} column `{column}`, which the model was trained on")]
    MissingColumn {
        /// Column name.
        column: String,
        /// `numeric` or `categorical`.
        kind: &'static str,
    },
    /// The underlying ML crate (smartcore) failed.
    #[error("{learner}: {context}: {message}")]
    Fit {
        /// Learner name.
        learner: &'static str,
        /// What was being done.
        context: String,
        /// The crate's message.
        message: String,
    },
}
