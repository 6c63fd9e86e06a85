//! [`LeaveOneGroupOut`]: scikit-learn's `LeaveOneGroupOut`.

use super::folds::{Folds, Layout, Partition};
use super::{check_rows, require_codes, DenseCodes, Need, SplitData, SplitError};

/// Leave one group out: scikit-learn 1.9.1 `LeaveOneGroupOut`. Exact parity.
///
/// One fold per distinct group, in ascending group-code order (`np.unique`); fold `i` tests
/// the rows of the `i`-th group and trains on all the others. Indices ascend.
///
/// Needs [`SplitData::groups`]. Errors: fewer than 2 distinct groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaveOneGroupOut;

impl LeaveOneGroupOut {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "leave_one_group_out";

    /// Splits the rows of `data` by `data.groups`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let groups = require_codes(Self::NAME, data, Need::Groups)?;
        check_rows(Self::NAME, data.n_rows)?;
        let dense = DenseCodes::new(groups);
        let n_groups = dense.len();
        if n_groups < 2 {
            return Err(SplitError::TooFewGroups {
                splitter: Self::NAME,
                needed: 2,
                n_groups,
            });
        }
        let test_sizes = dense.counts.clone();
        let fold_of_row = dense.codes.into_owned();
        Ok(Folds::new(
            Self::NAME,
            data.n_rows,
            Layout::Partition {
                n_splits: n_groups,
                repetitions: vec![Partition {
                    fold_of_row,
                    test_sizes,
                }],
            },
        ))
    }

    /// The group code tested by each fold, in fold order.
    pub fn fold_groups(groups: &[u32]) -> Vec<u32> {
        DenseCodes::new(groups).labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fold_per_group_in_code_order() {
        let groups = [30u32, 10, 30, 20, 10];
        let folds = LeaveOneGroupOut
            .split(&SplitData::new(5).with_groups(&groups))
            .unwrap();
        assert_eq!(folds.len(), 3);
        assert_eq!(LeaveOneGroupOut::fold_groups(&groups), vec![10, 20, 30]);
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![1, 4]);
        assert_eq!(folds.fold(0).unwrap().train_to_vec(), vec![0, 2, 3]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![3]);
        assert_eq!(folds.fold(2).unwrap().test_to_vec(), vec![0, 2]);
        assert_eq!(folds.test_fold_of_row(0, 2), Some(2));
    }

    #[test]
    fn one_group_is_an_error() {
        let err = LeaveOneGroupOut
            .split(&SplitData::new(3).with_groups(&[4, 4, 4]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `leave_one_group_out`: needs at least 2 distinct groups, the data has 1"
        );
        assert!(LeaveOneGroupOut
            .split(&SplitData::new(0).with_groups(&[]))
            .is_err());
    }
}
