//! [`RepeatedStratifiedKFold`]: scikit-learn's `RepeatedStratifiedKFold`.

use super::folds::{Folds, Layout};
use super::numpy_random::RandomState;
use super::repeated_kfold::check_repeats;
use super::stratified_kfold::{check_class_sizes, stratified_partition};
use super::{check_kfold, require_codes, DenseCodes, Need, SplitData, SplitError};

/// Repeated shuffled stratified k-fold: scikit-learn 1.9.1 `RepeatedStratifiedKFold(n_splits,
/// n_repeats, random_state=seed)`. Exact parity.
///
/// One `RandomState(seed)` feeds a `StratifiedKFold(shuffle=True)` per repetition (see
/// [`super::StratifiedKFold`]), consecutively. Fold `r * n_splits + f` is fold `f` of
/// repetition `r`. Indices ascend.
///
/// Needs [`SplitData::classes`]. Errors: `n_splits < 2`, `n_splits > n_rows`, `n_repeats ==
/// 0`, and — stricter than scikit-learn, which only warns — a class with fewer than
/// `n_splits` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatedStratifiedKFold {
    /// Number of folds per repetition, at least 2.
    pub n_splits: usize,
    /// Number of repetitions, at least 1.
    pub n_repeats: usize,
    /// `random_state`.
    pub seed: u32,
}

impl RepeatedStratifiedKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "repeated_stratified_kfold";

    /// Splits the rows of `data`, stratified on `data.classes`, `n_repeats` times.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        check_repeats(Self::NAME, self.n_repeats)?;
        let classes = require_codes(Self::NAME, data, Need::Classes)?;
        check_kfold(Self::NAME, self.n_splits, data.n_rows)?;
        let dense = DenseCodes::new(classes);
        check_class_sizes(Self::NAME, &dense, self.n_splits)?;
        let mut rng = RandomState::new(self.seed);
        let repetitions = (0..self.n_repeats)
            .map(|_| stratified_partition(&dense, self.n_splits, Some(&mut rng)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::splitters::StratifiedKFold;

    #[test]
    fn first_repetition_is_stratified_kfold_with_the_seed() {
        let classes: Vec<u32> = (0..40u32).map(|i| u32::from(i % 4 == 0)).collect();
        let data = SplitData::new(40).with_classes(&classes);
        let rep = RepeatedStratifiedKFold {
            n_splits: 5,
            n_repeats: 3,
            seed: 5,
        }
        .split(&data)
        .unwrap();
        let single = StratifiedKFold {
            n_splits: 5,
            shuffle: Some(5),
        }
        .split(&data)
        .unwrap();
        assert_eq!(rep.len(), 15);
        assert_eq!(rep.assignment(0), single.assignment(0));
        assert_ne!(rep.assignment(2), rep.assignment(0));
        for fold in rep.iter() {
            let test = fold.test_to_vec();
            assert_eq!(test.len(), 8);
            assert_eq!(
                test.iter().filter(|&&r| classes[r as usize] == 1).count(),
                2
            );
        }
    }

    #[test]
    fn errors() {
        let classes = [0u32, 0, 1, 1, 1];
        let data = SplitData::new(5).with_classes(&classes);
        let err = RepeatedStratifiedKFold {
            n_splits: 3,
            n_repeats: 2,
            seed: 0,
        }
        .split(&data)
        .unwrap_err();
        assert!(matches!(
            err,
            SplitError::ClassTooSmall {
                class: 0,
                count: 2,
                needed: 3,
                ..
            }
        ));
    }
}
