//! [`RepeatedKFold`]: scikit-learn's `RepeatedKFold`.

use super::folds::{Folds, Layout};
use super::kfold::kfold_partition;
use super::numpy_random::RandomState;
use super::{check_kfold, SplitData, SplitError};

/// Repeated shuffled k-fold: scikit-learn 1.9.1 `RepeatedKFold(n_splits, n_repeats,
/// random_state=seed)`. Exact parity.
///
/// scikit-learn builds one `RandomState(seed)` and hands that same object to a
/// `KFold(shuffle=True)` per repetition, so the repetitions are consecutive shuffles drawn from
/// one stream; assay does the same. Fold `r * n_splits + f` is fold `f` of repetition `r`.
/// Indices ascend.
///
/// Errors: `n_splits < 2`, `n_splits > n_rows`, `n_repeats == 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatedKFold {
    /// Number of folds per repetition, at least 2.
    pub n_splits: usize,
    /// Number of repetitions, at least 1.
    pub n_repeats: usize,
    /// `random_state`.
    pub seed: u32,
}

impl RepeatedKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "repeated_kfold";

    /// Splits `data.n_rows` rows `n_repeats` times.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        check_repeats(Self::NAME, self.n_repeats)?;
        check_kfold(Self::NAME, self.n_splits, data.n_rows)?;
        let mut rng = RandomState::new(self.seed);
        let repetitions = (0..self.n_repeats)
            .map(|_| kfold_partition(data.n_rows, self.n_splits, Some(&mut rng)))
            .collect();
        Ok(Folds::new(
            Self::NAME,
            data.n_rows,
            Layout::Partition {
                n_splits: self.n_splits,
                repetitions,
            },
        ))
    }
}

/// `_RepeatedSplits`' check: at least one repetition, and at most [`super::MAX_REPEATS`] (each
/// holds a shuffled partition of the rows).
pub(crate) fn check_repeats(splitter: &'static str, n_repeats: usize) -> Result<(), SplitError> {
    if n_repeats == 0 {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "n_repeats",
            message: "the number of repetitions must be at least 1, got 0".to_string(),
        });
    }
    if n_repeats > super::MAX_REPEATS {
        return Err(SplitError::InvalidParameter {
            splitter,
            parameter: "n_repeats",
            message: format!(
                "the number of repetitions must be at most {}, got {n_repeats}",
                super::MAX_REPEATS
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::splitters::KFold;

    #[test]
    fn first_repetition_is_kfold_with_the_seed() {
        let rep = RepeatedKFold {
            n_splits: 3,
            n_repeats: 4,
            seed: 11,
        }
        .split(&SplitData::new(20))
        .unwrap();
        assert_eq!(rep.len(), 12);
        assert_eq!(rep.n_repetitions(), 4);
        let single = KFold {
            n_splits: 3,
            shuffle: Some(11),
        }
        .split(&SplitData::new(20))
        .unwrap();
        assert_eq!(rep.assignment(0), single.assignment(0));
        // Later repetitions continue the stream: they differ from the first.
        assert_ne!(rep.assignment(1), rep.assignment(0));
        for r in 0..4 {
            let total: usize = (0..3)
                .map(|f| rep.fold(r * 3 + f).unwrap().test_len())
                .sum();
            assert_eq!(total, 20);
        }
        assert_eq!(rep.test_fold_of_row(2, 5).map(|i| i / 3), Some(2));
    }

    #[test]
    fn zero_repeats_is_an_error() {
        let err = RepeatedKFold {
            n_splits: 2,
            n_repeats: 0,
            seed: 0,
        }
        .split(&SplitData::new(4))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `repeated_kfold`: invalid n_repeats: the number of repetitions must be at least 1, got 0"
        );
    }
}
