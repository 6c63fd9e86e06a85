//! The error type of sensitivity designs and estimators.

/// Why a sensitivity problem, design or analysis was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// The problem has no inputs.
    #[error("a sensitivity problem needs at least one input")]
    NoInputs,
    /// The numbers of names and distributions differ.
    #[error("{names} input names for {distributions} distributions")]
    NameCount {
        /// Number of names given.
        names: usize,
        /// Number of distributions given.
        distributions: usize,
    },
    /// An input name is empty.
    #[error("input {index} has an empty name")]
    EmptyName {
        /// Position of the input.
        index: usize,
    },
    /// Two inputs share a name.
    #[error("input name {name:?} is used twice")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// A distribution's parameters are invalid (bounds out of order, non-positive standard
    /// deviation, NaN, ...).
    #[error("input {name:?}: {reason}")]
    InvalidDistribution {
        /// The input's name (or the SALib distribution code when there is no name yet).
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A design or analysis parameter is out of range.
    #[error("{what} must be {expected}, got {got}")]
    InvalidParameter {
        /// The parameter.
        what: &'static str,
        /// The accepted range.
        expected: &'static str,
        /// The value given.
        got: String,
    },
    /// A design needs more Sobol' dimensions than the embedded direction numbers provide.
    #[error("{needed} Sobol' dimensions are needed; the embedded Joe-Kuo table has {available}")]
    TooManyDimensions {
        /// Dimensions the design needs.
        needed: usize,
        /// Dimensions available.
        available: usize,
    },
    /// A Sobol' point index is past the end of the 30-bit sequence (scipy's `maxn`).
    #[error("Sobol' point {index} is past the {max} points of the 30-bit sequence")]
    SequenceExhausted {
        /// The requested point index.
        index: u64,
        /// Number of points in the sequence.
        max: u64,
    },
    /// A block of rows reaches past the end of a design.
    #[error("rows {start}..{end} are outside the design's {rows} rows")]
    RowRange {
        /// First requested row.
        start: usize,
        /// One past the last requested row.
        end: usize,
        /// Rows in the design.
        rows: usize,
    },
    /// A block buffer's length is not a whole number of rows.
    #[error("a block buffer of {len} values is not a whole number of {dims}-value rows")]
    BlockShape {
        /// Length of the buffer.
        len: usize,
        /// Values per row.
        dims: usize,
    },
    /// The number of model outputs does not fit the design.
    #[error("{got} model outputs do not fit the design: expected {expected}")]
    OutputLength {
        /// What was expected (a count or "a multiple of k").
        expected: String,
        /// Number of outputs given.
        got: usize,
    },
    /// The number of design values does not match the number of outputs.
    #[error("{got} input values for {rows} rows of {dims} inputs (expected {expected})")]
    InputLength {
        /// Expected number of values (`rows * dims`).
        expected: usize,
        /// Number of values given.
        got: usize,
        /// Rows (model outputs).
        rows: usize,
        /// Inputs per row.
        dims: usize,
    },
    /// A model output is NaN or infinite.
    #[error("model output at row {row} is {value}; outputs must be finite")]
    NonFiniteOutput {
        /// Row (0-based) of the design.
        row: usize,
        /// The offending value.
        value: f64,
    },
    /// A design input value is NaN or infinite.
    #[error("design input at row {row}, column {column} is {value}; inputs must be finite")]
    NonFiniteInput {
        /// Row (0-based).
        row: usize,
        /// Column (input position, 0-based).
        column: usize,
        /// The offending value.
        value: f64,
    },
    /// Every model output is the same value, so the output variance is zero and no
    /// variance-based index is defined.
    #[error(
        "all {rows} model outputs equal {value}: the output variance is zero, so no \
         sensitivity index is defined"
    )]
    ConstantOutput {
        /// Number of outputs.
        rows: usize,
        /// The common value.
        value: f64,
    },
    /// A design would put a point where an unbounded input's quantile function is infinite.
    #[error(
        "input {name:?} has unbounded support and the design puts a point at unit-cube \
         coordinate {at}, which maps to {value}: {hint}"
    )]
    UnboundedAtEdge {
        /// The input.
        name: String,
        /// The unit-cube coordinate (0 or 1).
        at: f64,
        /// Its image under the quantile function.
        value: f64,
        /// How to avoid it.
        hint: &'static str,
    },
    /// A SALib distribution code is not known.
    #[error("unknown SALib distribution {code:?} (expected unif, norm, truncnorm, triang, lognorm, logunif or weibull)")]
    UnknownDistribution {
        /// The code given.
        code: String,
    },
}
