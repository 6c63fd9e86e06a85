//! [`KFold`]: scikit-learn's `KFold`.

use super::folds::{Folds, Layout, Partition};
use super::numpy_random::RandomState;
use super::{array_split_sizes, check_kfold, SplitData, SplitError};

/// K-fold cross-validation: scikit-learn 1.9.1 `KFold(n_splits, shuffle, random_state)`.
///
/// The rows (shuffled first when `shuffle` is `Some(seed)`, with numpy's legacy
/// `RandomState(seed).shuffle`) are cut into `n_splits` consecutive blocks, the first
/// `n_rows % n_splits` one row larger; block `i` is the test set of fold `i`, the other rows
/// its training set. Train and test indices are ascending, as scikit-learn yields them.
/// Exact parity with scikit-learn, shuffled or not.
///
/// Errors: `n_splits < 2`, `n_splits > n_rows`, more than [`super::MAX_ROWS`] rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// `None`: no shuffling; `Some(seed)`: `shuffle=True, random_state=seed`.
    pub shuffle: Option<u32>,
}

impl KFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "kfold";

    /// Splits `data.n_rows` rows.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        check_kfold(Self::NAME, self.n_splits, data.n_rows)?;
        let mut rng = self.shuffle.map(RandomState::new);
        let partition = kfold_partition(data.n_rows, self.n_splits, rng.as_mut());
        Ok(Folds::new(
            Self::NAME,
            data.n_rows,
            Layout::Partition {
                n_splits: self.n_splits,
                repetitions: vec![partition],
            },
        ))
    }
}

/// KFold's fold assignment of `n` rows (`n <= MAX_ROWS`, `k >= 1`), shuffled with `rng`
/// (`check_random_state(rs).shuffle(arange(n))`) when given.
pub(crate) fn kfold_partition(n: usize, k: usize, rng: Option<&mut RandomState>) -> Partition {
    let mut fold_of_row = vec![0u32; n];
    match rng {
        None => {
            let mut start = 0usize;
            for (f, size) in array_split_sizes(n, k).enumerate() {
                if let Some(block) = fold_of_row.get_mut(start..start + size) {
                    block.fill(f as u32);
                }
                start += size;
            }
        }
        Some(rng) => {
            // n <= MAX_ROWS: checked by the caller.
            let perm = rng.permutation(n as u32);
            let mut start = 0usize;
            for (f, size) in array_split_sizes(n, k).enumerate() {
                for &row in perm.get(start..start + size).unwrap_or(&[]) {
                    if let Some(slot) = fold_of_row.get_mut(row as usize) {
                        *slot = f as u32;
                    }
                }
                start += size;
            }
        }
    }
    Partition {
        fold_of_row,
        test_sizes: array_split_sizes(n, k).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kfold(n_splits: usize, shuffle: Option<u32>, n: usize) -> Result<Folds, SplitError> {
        KFold { n_splits, shuffle }.split(&SplitData::new(n))
    }

    #[test]
    fn unshuffled_blocks_match_sklearn() {
        // KFold(3).split(range(10)): tests [0..4), [4..7), [7..10).
        let folds = kfold(3, None, 10).unwrap();
        assert_eq!(folds.len(), 3);
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 1, 2, 3]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![4, 5, 6]);
        assert_eq!(
            folds.fold(1).unwrap().train_to_vec(),
            vec![0, 1, 2, 3, 7, 8, 9]
        );
        assert_eq!(folds.fold(2).unwrap().test_to_vec(), vec![7, 8, 9]);
    }

    #[test]
    fn shuffled_matches_sklearn_seed_0() {
        // KFold(2, shuffle=True, random_state=0).split(range(10)): permutation(10) of
        // RandomState(0) is [2 8 4 9 1 6 7 3 0 5]; fold 0 tests {2, 8, 4, 9, 1}.
        let folds = kfold(2, Some(0), 10).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![1, 2, 4, 8, 9]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![0, 3, 5, 6, 7]);
    }

    #[test]
    fn folds_partition_the_rows() {
        for (n, k, seed) in [
            (2, 2, None),
            (7, 7, Some(3)),
            (103, 5, Some(9)),
            (50, 4, None),
        ] {
            let folds = kfold(k, seed, n).unwrap();
            let mut seen = vec![0u32; n];
            for fold in folds.iter() {
                let test = fold.test_to_vec();
                let train = fold.train_to_vec();
                assert_eq!(test.len() + train.len(), n);
                assert_eq!(fold.test_len(), test.len());
                assert_eq!(fold.train_len(), train.len());
                assert!(test.len() == n / k || test.len() == n / k + 1);
                assert!(test.windows(2).all(|w| w[0] < w[1]));
                assert!(train.windows(2).all(|w| w[0] < w[1]));
                for &r in &test {
                    seen[r as usize] += 1;
                    assert_eq!(folds.test_fold_of_row(0, r as usize), Some(fold.index()));
                }
                assert!(train.iter().all(|r| !test.contains(r)));
            }
            assert!(seen.iter().all(|&c| c == 1));
        }
    }

    #[test]
    fn same_seed_same_folds_other_seed_other_folds() {
        let a = kfold(5, Some(42), 100).unwrap();
        let b = kfold(5, Some(42), 100).unwrap();
        let c = kfold(5, Some(43), 100).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.assignment(0), c.assignment(0));
    }

    #[test]
    fn errors() {
        assert_eq!(
            kfold(1, None, 10),
            Err(SplitError::TooFewSplits {
                splitter: "kfold",
                n_splits: 1
            })
        );
        let err = kfold(11, None, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `kfold`: cannot have n_splits=11 greater than the number of rows (10)"
        );
        assert!(matches!(
            kfold(2, None, 0),
            Err(SplitError::TooManySplits { n_rows: 0, .. })
        ));
    }

    #[test]
    fn million_rows_get_a_fold_per_row() {
        let n = 1_000_000;
        let folds = kfold(5, Some(7), n).unwrap();
        let assignment = folds.assignment(0).unwrap();
        assert_eq!(assignment.len(), n);
        let mut sizes = [0usize; 5];
        for &f in assignment {
            sizes[f as usize] += 1;
        }
        assert_eq!(sizes, [200_000; 5]);
        assert_eq!(folds.fold(3).unwrap().test_len(), 200_000);
        assert_eq!(folds.fold(3).unwrap().train().len(), 800_000);
    }
}
