//! [`TimeSeriesSplit`]: scikit-learn's `TimeSeriesSplit`.

use super::folds::{Folds, Layout, RangeFold};
use super::{check_rows, SplitData, SplitError};

/// Time-series cross-validation: scikit-learn 1.9.1 `TimeSeriesSplit(n_splits, max_train_size,
/// test_size, gap)`. Exact parity. Rows must already be in time order.
///
/// With `t = test_size` (default `n_rows / (n_splits + 1)`), the test sets are the last
/// `n_splits` blocks of `t` rows, `n_rows - n_splits * t + i * t ..+ t` for fold `i`; the
/// training set is every row before the test block except the last `gap` rows, keeping only
/// the last `max_train_size` of them when set. Folds are stored as two ranges.
///
/// Errors: `n_splits < 2`; `n_splits + 1 > n_rows` and `n_rows - gap - n_splits * t <= 0`
/// (scikit-learn's two errors, [`SplitError::TimeSeriesTooFewRows`]); `test_size == Some(0)`
/// and `max_train_size == Some(0)` (scikit-learn fails, respectively silently ignores, them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSeriesSplit {
    /// Number of splits, at least 2.
    pub n_splits: usize,
    /// Keep at most this many of the latest training rows.
    pub max_train_size: Option<usize>,
    /// Rows per test set (default `n_rows / (n_splits + 1)`).
    pub test_size: Option<usize>,
    /// Rows left out between the training rows and the test block.
    pub gap: usize,
}

impl TimeSeriesSplit {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "time_series";

    /// Splits `data.n_rows` time-ordered rows.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let n_splits = self.n_splits;
        if n_splits < 2 {
            return Err(SplitError::TooFewSplits {
                splitter: Self::NAME,
                n_splits,
            });
        }
        for (parameter, value) in [
            ("test_size", self.test_size),
            ("max_train_size", self.max_train_size),
        ] {
            if value == Some(0) {
                return Err(SplitError::InvalidParameter {
                    splitter: Self::NAME,
                    parameter,
                    message: "must be at least 1, got 0".to_string(),
                });
            }
        }
        check_rows(Self::NAME, data.n_rows)?;
        let n = data.n_rows;
        // Saturating: an absurd n_splits is refused below (more folds than rows) rather than
        // wrapping to 0 folds and dividing by it.
        let n_folds = n_splits.saturating_add(1);
        let test_size = self.test_size.unwrap_or(n / n_folds);
        if n_folds > n {
            return Err(SplitError::TimeSeriesTooFewRows {
                message: format!(
                    "cannot have number of folds={n_folds} greater than the number of rows={n}"
                ),
            });
        }
        let too_many = || {
            SplitError::TimeSeriesTooFewRows {
            message: format!(
                "too many splits={n_splits} for number of rows={n} with test_size={test_size} and gap={}",
                self.gap
            ),
        }
        };
        let tested = test_size.checked_mul(n_splits).ok_or_else(too_many)?;
        let first_test = n
            .checked_sub(self.gap)
            .and_then(|x| x.checked_sub(tested))
            .filter(|&x| x > 0)
            .ok_or_else(too_many)?
            + self.gap;
        let folds = (0..n_splits)
            .map(|i| {
                let test_start = first_test + i * test_size;
                let train_end = test_start - self.gap;
                let train_start = match self.max_train_size {
                    Some(m) if m < train_end => train_end - m,
                    _ => 0,
                };
                // All bounds <= n <= MAX_ROWS.
                RangeFold {
                    train: train_start as u32..train_end as u32,
                    test: test_start as u32..(test_start + test_size) as u32,
                }
            })
            .collect();
        Ok(Folds::new(Self::NAME, n, Layout::Ranges(folds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tss(
        n: usize,
        n_splits: usize,
        max: Option<usize>,
        test: Option<usize>,
        gap: usize,
    ) -> Result<Folds, SplitError> {
        TimeSeriesSplit {
            n_splits,
            max_train_size: max,
            test_size: test,
            gap,
        }
        .split(&SplitData::new(n))
    }

    fn as_vecs(folds: &Folds) -> Vec<(Vec<u32>, Vec<u32>)> {
        folds
            .iter()
            .map(|f| (f.train_to_vec(), f.test_to_vec()))
            .collect()
    }

    #[test]
    fn sklearn_docstring_examples() {
        let f = tss(6, 5, None, None, 0).unwrap();
        assert_eq!(as_vecs(&f)[0], (vec![0], vec![1]));
        assert_eq!(as_vecs(&f)[4], (vec![0, 1, 2, 3, 4], vec![5]));
        let f = tss(12, 3, None, Some(2), 0).unwrap();
        assert_eq!(as_vecs(&f)[0], (vec![0, 1, 2, 3, 4, 5], vec![6, 7]));
        assert_eq!(as_vecs(&f)[2], ((0..10).collect(), vec![10, 11]));
        let f = tss(12, 3, None, Some(2), 2).unwrap();
        assert_eq!(as_vecs(&f)[0], (vec![0, 1, 2, 3], vec![6, 7]));
        assert_eq!(as_vecs(&f)[2], ((0..8).collect(), vec![10, 11]));
        assert_eq!(f.test_fold_of_row(0, 9), Some(1));
        assert_eq!(f.test_fold_of_row(0, 5), None);
    }

    #[test]
    fn max_train_size_keeps_the_latest_rows() {
        let f = tss(10, 3, Some(3), None, 1).unwrap();
        // test_size = 10 / 4 = 2: tests [4,5], [6,7], [8,9]; train ends 3, 5, 7.
        assert_eq!(
            as_vecs(&f),
            vec![
                (vec![0, 1, 2], vec![4, 5]),
                (vec![2, 3, 4], vec![6, 7]),
                (vec![4, 5, 6], vec![8, 9]),
            ]
        );
    }

    #[test]
    fn errors_match_sklearn() {
        let err = tss(3, 3, None, None, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `time_series`: cannot have number of folds=4 greater than the number of rows=3"
        );
        let err = tss(10, 3, None, Some(3), 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `time_series`: too many splits=3 for number of rows=10 with test_size=3 and gap=1"
        );
        assert!(tss(10, 3, None, Some(3), 0).is_ok());
        assert!(tss(10, 3, None, Some(usize::MAX), 0).is_err());
        assert!(tss(10, 3, None, None, usize::MAX).is_err());
        assert!(tss(10, 1, None, None, 0).is_err());
        assert!(tss(10, 2, Some(0), None, 0).is_err());
        assert!(tss(10, 2, None, Some(0), 0).is_err());
    }
}
