//! [`ShuffleSplit`]: scikit-learn's `ShuffleSplit`, and the train/test size rules shared with
//! [`super::StratifiedShuffleSplit`].

use super::folds::{ExplicitFold, Folds, Layout};
use super::numpy_random::RandomState;
use super::{check_rows, SplitData, SplitError, SplitSize};

/// scikit-learn's default test size of the shuffle splits when neither size is given.
pub const DEFAULT_TEST_FRACTION: f64 = 0.1;

/// Random permutation cross-validation: scikit-learn 1.9.1 `ShuffleSplit(n_splits, test_size,
/// train_size, random_state=seed)`. Exact parity.
///
/// One `RandomState(seed)`; for each split, `permutation(n_rows)`: its first `n_test` entries
/// are the test set and the next `n_train` the training set, in that (unsorted) order, as
/// scikit-learn yields them. Sizes follow scikit-learn's `_validate_shuffle_split`: a fraction
/// of the rows is rounded up for the test set and down for the training set; a missing size is
/// the complement of the other; with neither, the test size is 0.1.
///
/// Errors: `n_splits == 0`; a fraction outside `(0, 1)` or NaN; a count of 0 or `>= n_rows`;
/// two fractions summing to more than 1; `n_train + n_test > n_rows`; an empty training set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShuffleSplit {
    /// Number of splits, at least 1 (scikit-learn's default is 10).
    pub n_splits: usize,
    /// Test size (scikit-learn's `test_size`).
    pub test_size: Option<SplitSize>,
    /// Training size (scikit-learn's `train_size`).
    pub train_size: Option<SplitSize>,
    /// `random_state`.
    pub seed: u32,
}

impl ShuffleSplit {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "shuffle_split";

    /// Splits `data.n_rows` rows.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        check_n_splits(Self::NAME, self.n_splits)?;
        let n = check_rows(Self::NAME, data.n_rows)?;
        let (n_train, n_test) =
            validate_sizes(Self::NAME, data.n_rows, self.test_size, self.train_size)?;
        let mut rng = RandomState::new(self.seed);
        let folds = (0..self.n_splits)
            .map(|_| {
                let mut perm = rng.permutation(n);
                perm.truncate(n_test + n_train);
                let train = perm.split_off(n_test.min(perm.len()));
                ExplicitFold { train, test: perm }
            })
            .collect();
        Ok(Folds::new(Self::NAME, data.n_rows, Layout::Explicit(folds)))
    }
}

/// The shuffle splits need at least one split, and at most [`super::MAX_SPLITS`] (each holds a
/// permutation of the rows, built before anything else is checked).
pub(crate) fn check_n_splits(splitter: &'static str, n_splits: usize) -> Result<(), SplitError> {
    if n_splits == 0 {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "n_splits",
            message: "at least 1 split is needed, got 0".to_string(),
        });
    }
    if n_splits > super::MAX_SPLITS {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "n_splits",
            message: format!(
                "at most {} splits are allowed, got {n_splits}",
                super::MAX_SPLITS
            ),
        });
    }
    Ok(())
}

/// scikit-learn's `_validate_shuffle_split`: `(n_train, n_test)`.
pub(crate) fn validate_sizes(
    splitter: &'static str,
    n_rows: usize,
    test_size: Option<SplitSize>,
    train_size: Option<SplitSize>,
) -> Result<(usize, usize), SplitError> {
    let test_size = match (test_size, train_size) {
        (None, None) => Some(SplitSize::Fraction(DEFAULT_TEST_FRACTION)),
        (t, _) => t,
    };
    let check = |parameter: &'static str, size: Option<SplitSize>| -> Result<(), SplitError> {
        let bad = match size {
            Some(SplitSize::Count(c)) => c == 0 || c >= n_rows,
            Some(SplitSize::Fraction(f)) => f.is_nan() || f <= 0.0 || f >= 1.0,
            None => false,
        };
        if bad {
            return Err(SplitError::InvalidParameter {
                splitter,
                parameter,
                message: format!(
                    "{} should be either a positive row count smaller than the number of rows ({n_rows}) or a fraction in (0, 1)",
                    size.map(|s| s.to_string()).unwrap_or_default()
                ),
            });
        }
        Ok(())
    };
    check("test_size", test_size)?;
    check("train_size", train_size)?;
    if let (Some(SplitSize::Fraction(a)), Some(SplitSize::Fraction(b))) = (test_size, train_size) {
        if a + b > 1.0 {
            return Err(SplitError::InvalidParameter {
                splitter,
                parameter: "test_size + train_size",
                message: format!(
                    "the fractions sum to {}, which should be in (0, 1); reduce test_size and/or train_size",
                    a + b
                ),
            });
        }
    }
    let rows = |size: SplitSize, round_up: bool| -> usize {
        match size {
            SplitSize::Count(c) => c,
            // In (0, 1) times n_rows: fits in usize.
            SplitSize::Fraction(f) if round_up => (f * n_rows as f64).ceil() as usize,
            SplitSize::Fraction(f) => (f * n_rows as f64).floor() as usize,
        }
    };
    let (n_train, n_test) = match (train_size, test_size) {
        (None, Some(t)) => {
            let n_test = rows(t, true);
            (n_rows.saturating_sub(n_test), n_test)
        }
        (Some(tr), None) => {
            let n_train = rows(tr, false);
            (n_train, n_rows.saturating_sub(n_train))
        }
        (Some(tr), Some(t)) => (rows(tr, false), rows(t, true)),
        (None, None) => (n_rows, 0),
    };
    if n_train + n_test > n_rows {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "test_size + train_size",
            message: format!(
                "train and test sets of {n_train} + {n_test} = {} rows exceed the {n_rows} rows; reduce test_size and/or train_size",
                n_train + n_test
            ),
        });
    }
    if n_train == 0 {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "train_size",
            message: format!(
                "with {n_rows} rows, test_size={} and train_size={} the training set is empty",
                test_size
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "None".into()),
                train_size
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "None".into()),
            ),
        });
    }
    Ok((n_train, n_test))
}

#[cfg(test)]
mod tests {
    use super::*;
    use SplitSize::{Count, Fraction};

    fn sizes(
        n: usize,
        test: Option<SplitSize>,
        train: Option<SplitSize>,
    ) -> Result<(usize, usize), SplitError> {
        validate_sizes("shuffle_split", n, test, train)
    }

    #[test]
    fn sizes_follow_sklearn() {
        assert_eq!(sizes(10, None, None), Ok((9, 1)));
        assert_eq!(sizes(11, None, None), Ok((9, 2)));
        assert_eq!(sizes(10, Some(Fraction(0.25)), None), Ok((7, 3)));
        assert_eq!(sizes(10, None, Some(Fraction(0.55))), Ok((5, 5)));
        assert_eq!(sizes(10, Some(Count(3)), Some(Count(4))), Ok((4, 3)));
        assert_eq!(sizes(10, Some(Fraction(0.2)), Some(Count(5))), Ok((5, 2)));
    }

    #[test]
    fn size_errors() {
        assert!(sizes(10, Some(Count(10)), None).is_err());
        assert!(sizes(10, Some(Count(0)), None).is_err());
        assert!(sizes(10, Some(Fraction(1.0)), None).is_err());
        assert!(sizes(10, Some(Fraction(f64::NAN)), None).is_err());
        assert!(sizes(10, None, Some(Fraction(0.0))).is_err());
        let err = sizes(10, Some(Fraction(0.6)), Some(Fraction(0.5))).unwrap_err();
        assert!(err.to_string().contains("the fractions sum to 1.1"));
        let err = sizes(10, Some(Count(6)), Some(Count(5))).unwrap_err();
        assert!(err.to_string().contains("6 = 11 rows"), "{err}");
        let err = sizes(1, Some(Fraction(0.5)), None).unwrap_err();
        assert!(err.to_string().contains("training set is empty"));
    }

    #[test]
    fn first_split_matches_numpy_permutation() {
        // RandomState(0).permutation(10) = [2 8 4 9 1 6 7 3 0 5]: test [2, 8], train [4 9 1 6 7 3 0 5].
        let folds = ShuffleSplit {
            n_splits: 3,
            test_size: Some(Count(2)),
            train_size: None,
            seed: 0,
        }
        .split(&SplitData::new(10))
        .unwrap();
        assert_eq!(folds.len(), 3);
        let f = folds.fold(0).unwrap();
        assert_eq!(f.test_to_vec(), vec![2, 8]);
        assert_eq!(f.train_to_vec(), vec![4, 9, 1, 6, 7, 3, 0, 5]);
        assert_eq!(folds.test_fold_of_row(0, 2), None);
        for f in folds.iter() {
            let mut all: Vec<u32> = f.train().chain(f.test()).collect();
            all.sort_unstable();
            assert_eq!(all, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn train_size_leaves_rows_out() {
        let folds = ShuffleSplit {
            n_splits: 2,
            test_size: Some(Fraction(0.2)),
            train_size: Some(Fraction(0.5)),
            seed: 4,
        }
        .split(&SplitData::new(20))
        .unwrap();
        for f in folds.iter() {
            assert_eq!((f.train_len(), f.test_len()), (10, 4));
            let test = f.test_to_vec();
            assert!(f.train().all(|r| !test.contains(&r)));
        }
        let err = ShuffleSplit {
            n_splits: 0,
            test_size: None,
            train_size: None,
            seed: 0,
        }
        .split(&SplitData::new(20))
        .unwrap_err();
        assert!(matches!(
            err,
            SplitError::InvalidParameter {
                parameter: "n_splits",
                ..
            }
        ));
    }
}
