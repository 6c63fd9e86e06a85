//! The borrowed training table and target the learners read.

use super::LearnError;

/// A feature column of the training table, borrowed (no copies of the data).
#[derive(Debug, Clone, Copy)]
pub enum FeatureColumn<'a> {
    /// Numbers; NaN (and ±infinity) means missing.
    Numeric {
        /// Column name.
        name: &'a str,
        /// One value per table row.
        values: &'a [f64],
    },
    /// Categories as codes into `levels`; `u32::MAX` means missing.
    Categorical {
        /// Column name.
        name: &'a str,
        /// One code per table row.
        codes: &'a [u32],
        /// The level names the codes index.
        levels: &'a [String],
    },
}

impl<'a> FeatureColumn<'a> {
    /// The column's name.
    pub fn name(&self) -> &'a str {
        match self {
            FeatureColumn::Numeric { name, .. } | FeatureColumn::Categorical { name, .. } => name,
        }
    }

    /// Values (or codes) in the column.
    pub fn len(&self) -> usize {
        match self {
            FeatureColumn::Numeric { values, .. } => values.len(),
            FeatureColumn::Categorical { codes, .. } => codes.len(),
        }
    }

    /// Whether the column holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `numeric` or `categorical`.
    pub fn kind(&self) -> &'static str {
        match self {
            FeatureColumn::Numeric { .. } => "numeric",
            FeatureColumn::Categorical { .. } => "categorical",
        }
    }
}

/// The feature columns of a table, each with `rows` values.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    /// Feature columns, in the order the model sees them.
    pub columns: Vec<FeatureColumn<'a>>,
    /// Rows in the table; every column has this many values.
    pub rows: usize,
}

impl Table<'_> {
    /// Checks that every column has `rows` values and every row index is in range.
    pub(crate) fn check(&self, rows: &[u32]) -> Result<(), LearnError> {
        for column in &self.columns {
            if column.len() != self.rows {
                return Err(LearnError::ColumnLength {
                    column: column.name().to_string(),
                    len: column.len(),
                    rows: self.rows,
                });
            }
        }
        check_rows(rows, self.rows)
    }
}

/// Checks that every row index is below `n`.
pub(crate) fn check_rows(rows: &[u32], n: usize) -> Result<(), LearnError> {
    match rows.iter().find(|&&r| r as usize >= n) {
        Some(&row) => Err(LearnError::RowOutOfRange { row, rows: n }),
        None => Ok(()),
    }
}

/// The target to learn, one value per table row.
#[derive(Debug, Clone, Copy)]
pub enum TrainTarget<'a> {
    /// Classification: class codes in `0..classes` (`u32::MAX` means missing, an error on a
    /// training row).
    Classes {
        /// One class code per table row.
        codes: &'a [u32],
        /// Number of classes; the probability matrix has this many columns.
        classes: usize,
    },
    /// Regression: one finite number per training row.
    Values(&'a [f64]),
}

impl TrainTarget<'_> {
    /// Values in the target.
    pub fn len(&self) -> usize {
        match self {
            TrainTarget::Classes { codes, .. } => codes.len(),
            TrainTarget::Values(values) => values.len(),
        }
    }

    /// Whether the target holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `classification` or `regression`.
    pub fn kind(&self) -> &'static str {
        match self {
            TrainTarget::Classes { .. } => "classification",
            TrainTarget::Values(_) => "regression",
        }
    }
}
