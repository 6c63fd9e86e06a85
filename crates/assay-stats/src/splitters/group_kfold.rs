//! [`GroupKFold`]: scikit-learn's `GroupKFold`.

use super::folds::{Folds, Layout, Partition};
use super::numpy_random::RandomState;
use super::{
    array_split_sizes, check_kfold, require_codes, DenseCodes, Need, SplitData, SplitError,
};

/// K-fold over groups: scikit-learn 1.9.1 `GroupKFold(n_splits, shuffle, random_state)`
/// (`shuffle` exists since scikit-learn 1.6). Every group is in exactly one test fold. Exact
/// parity, shuffled or not.
///
/// - Without shuffle: groups are taken by decreasing row count (ties: the larger group code
///   first, which is what reversing numpy's stable argsort gives) and each goes to the fold
///   with the fewest rows so far (the lowest fold on ties).
/// - With `shuffle = Some(seed)`: the sorted distinct groups are permuted with numpy's legacy
///   `RandomState(seed).permutation` and cut into `n_splits` consecutive runs of groups
///   (`np.array_split`, the first `n_groups % n_splits` runs one group longer); folds are then
///   balanced in groups, not rows.
///
/// Indices ascend. Needs [`SplitData::groups`]. Errors: `n_splits < 2`, `n_splits > n_rows`,
/// fewer distinct groups than `n_splits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// `None`: no shuffling; `Some(seed)`: `shuffle=True, random_state=seed`.
    pub shuffle: Option<u32>,
}

impl GroupKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "group_kfold";

    /// Splits the rows of `data` by `data.groups`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let groups = require_codes(Self::NAME, data, Need::Groups)?;
        check_kfold(Self::NAME, self.n_splits, data.n_rows)?;
        let dense = DenseCodes::new(groups);
        let n_groups = dense.len();
        if self.n_splits > n_groups {
            return Err(SplitError::TooFewGroups {
                splitter: Self::NAME,
                needed: self.n_splits,
                n_groups,
            });
        }
        let mut fold_of_group = vec![0u32; n_groups];
        match self.shuffle {
            Some(seed) => {
                // n_groups <= n_rows <= MAX_ROWS.
                let perm = RandomState::new(seed).permutation(n_groups as u32);
                let mut start = 0usize;
                for (f, size) in array_split_sizes(n_groups, self.n_splits).enumerate() {
                    for &g in perm.get(start..start + size).unwrap_or(&[]) {
                        if let Some(slot) = fold_of_group.get_mut(g as usize) {
                            *slot = f as u32;
                        }
                    }
                    start += size;
                }
            }
            None => {
                let mut order: Vec<usize> = (0..n_groups).collect();
                order.sort_by_key(|&g| dense.counts.get(g).copied().unwrap_or(0));
                order.reverse();
                let mut rows_in_fold = vec![0usize; self.n_splits];
                for g in order {
                    let lightest = argmin_first(&rows_in_fold);
                    if let Some(w) = rows_in_fold.get_mut(lightest) {
                        *w += dense.counts.get(g).copied().unwrap_or(0);
                    }
                    if let Some(slot) = fold_of_group.get_mut(g) {
                        *slot = lightest as u32;
                    }
                }
            }
        }
        let fold_of_row = dense
            .codes
            .iter()
            .map(|&g| fold_of_group.get(g as usize).copied().unwrap_or(0))
            .collect();
        Ok(Folds::new(
            Self::NAME,
            data.n_rows,
            Layout::Partition {
                n_splits: self.n_splits,
                repetitions: vec![Partition::from_assignment(fold_of_row, self.n_splits)],
            },
        ))
    }
}

/// `np.argmin`: the position of the first smallest value (0 for an empty slice).
fn argmin_first(values: &[usize]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if values.get(best).is_some_and(|b| v < b) {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gkf(groups: &[u32], n_splits: usize, shuffle: Option<u32>) -> Result<Folds, SplitError> {
        GroupKFold { n_splits, shuffle }.split(&SplitData::new(groups.len()).with_groups(groups))
    }

    #[test]
    fn matches_sklearn_docstring_example() {
        // groups [0, 0, 2, 2, 3, 3], n_splits=2: tests [0 1 4 5] and [2 3].
        let folds = gkf(&[0, 0, 2, 2, 3, 3], 2, None).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 1, 4, 5]);
        assert_eq!(folds.fold(0).unwrap().train_to_vec(), vec![2, 3]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![2, 3]);
    }

    #[test]
    fn largest_groups_go_first_to_the_lightest_fold() {
        // counts: g0 = 1, g1 = 4, g2 = 2, g3 = 2. Order: g1 (4) -> fold 0; g3 (2, larger code
        // first on ties) -> fold 1; g2 (2) -> fold 1 (2 < 4); g0 (1) -> fold 0 vs 1 tie at 4
        // -> fold 0.
        let groups = [0, 1, 1, 1, 1, 2, 2, 3, 3];
        let folds = gkf(&groups, 2, None).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 1, 2, 3, 4]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![5, 6, 7, 8]);
    }

    #[test]
    fn groups_never_straddle_folds() {
        let groups: Vec<u32> = (0..200u32).map(|i| (i * 7919) % 23).collect();
        for shuffle in [None, Some(1), Some(2024)] {
            let folds = gkf(&groups, 5, shuffle).unwrap();
            let assignment = folds.assignment(0).unwrap();
            for g in 0..23u32 {
                let ids: Vec<u32> = groups
                    .iter()
                    .zip(assignment)
                    .filter(|(&gg, _)| gg == g)
                    .map(|(_, &f)| f)
                    .collect();
                assert!(ids.windows(2).all(|w| w[0] == w[1]));
            }
            assert!(folds.iter().all(|f| f.test_len() > 0));
        }
    }

    #[test]
    fn too_few_groups() {
        let err = gkf(&[5, 5, 9, 9], 3, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `group_kfold`: needs at least 3 distinct groups, the data has 2"
        );
    }

    #[test]
    fn argmin_takes_first() {
        assert_eq!(argmin_first(&[3, 1, 1]), 1);
        assert_eq!(argmin_first(&[]), 0);
    }
}
