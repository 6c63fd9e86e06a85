//! [`StratifiedKFold`]: scikit-learn's `StratifiedKFold`.

use super::folds::{Folds, Layout, Partition};
use super::numpy_random::RandomState;
use super::{check_kfold, require_codes, DenseCodes, Need, SplitData, SplitError};

/// Stratified k-fold: scikit-learn 1.9.1 `StratifiedKFold(n_splits, shuffle, random_state)`,
/// exact parity shuffled or not.
///
/// scikit-learn's definition: number the classes by first appearance; sort the rows' class
/// numbers and deal them round robin to the folds, which fixes how many rows of each class
/// each fold tests; then, class by class in first-appearance order, the class's rows in row
/// order take the fold ids `0,0,..,1,1,..` (each repeated by its allocation), shuffled with
/// numpy's legacy `RandomState(seed).shuffle` when `shuffle` is `Some(seed)` (one stream for
/// all classes). Fold `i` tests the rows with id `i`; indices ascend.
///
/// Needs [`SplitData::classes`]. Errors: `n_splits < 2`, `n_splits > n_rows`, and — stricter
/// than scikit-learn, which only warns — any class with fewer than `n_splits` rows
/// ([`SplitError::ClassTooSmall`]).
///
/// Cost: O(n_rows) time, and besides the `u32` per row of the result one `u32` per row of
/// scratch (plus one if the class codes are not dense).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StratifiedKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// `None`: no shuffling; `Some(seed)`: `shuffle=True, random_state=seed`.
    pub shuffle: Option<u32>,
}

impl StratifiedKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "stratified_kfold";

    /// Splits the rows of `data`, stratified on `data.classes`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let classes = require_codes(Self::NAME, data, Need::Classes)?;
        check_kfold(Self::NAME, self.n_splits, data.n_rows)?;
        let dense = DenseCodes::new(classes);
        check_class_sizes(Self::NAME, &dense, self.n_splits)?;
        let mut rng = self.shuffle.map(RandomState::new);
        let partition = stratified_partition(&dense, self.n_splits, rng.as_mut());
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

/// assay's stricter rule: every class needs at least `n_splits` rows. Names the least
/// populated class (lowest code on ties).
pub(crate) fn check_class_sizes(
    splitter: &'static str,
    dense: &DenseCodes<'_>,
    n_splits: usize,
) -> Result<(), SplitError> {
    let smallest = dense
        .counts
        .iter()
        .zip(&dense.labels)
        .min_by_key(|(&count, &label)| (count, label));
    match smallest {
        Some((&count, &class)) if count < n_splits => Err(SplitError::ClassTooSmall {
            splitter,
            class,
            count,
            needed: n_splits,
            why: "every class must appear in every test fold; scikit-learn only warns here",
        }),
        _ => Ok(()),
    }
}

/// StratifiedKFold's `_make_test_folds` on dense class codes, shuffling with `rng`.
pub(crate) fn stratified_partition(
    dense: &DenseCodes<'_>,
    k: usize,
    mut rng: Option<&mut RandomState>,
) -> Partition {
    let codes: &[u32] = &dense.codes;
    let n_classes = dense.len();
    // Classes in order of first appearance (scikit-learn's `y_encoded`).
    let mut seen = vec![false; n_classes];
    let mut by_appearance = Vec::with_capacity(n_classes);
    for &c in codes {
        if let Some(s) = seen.get_mut(c as usize) {
            if !*s {
                *s = true;
                by_appearance.push(c);
                if by_appearance.len() == n_classes {
                    break;
                }
            }
        }
    }
    // Each class's fold-id sequence, laid out in first-appearance order: class j's sorted
    // positions in `sort(y_encoded)` are start_j..start_j+count_j, dealt round robin, so fold f
    // gets count/k rows plus one if f is among the first count%k folds after start_j (mod k).
    let mut sequence = vec![0u32; codes.len()];
    let mut offset = vec![0usize; n_classes];
    let mut start = 0usize;
    let mut allocation = vec![0usize; k];
    for &c in &by_appearance {
        let count = dense.counts.get(c as usize).copied().unwrap_or(0);
        allocation.fill(count / k);
        for t in 0..count % k {
            if let Some(a) = allocation.get_mut((start + t) % k) {
                *a += 1;
            }
        }
        let segment = sequence.get_mut(start..start + count).unwrap_or(&mut []);
        let mut pos = 0usize;
        for (f, &a) in allocation.iter().enumerate() {
            if let Some(block) = segment.get_mut(pos..pos + a) {
                block.fill(f as u32);
            }
            pos += a;
        }
        if let Some(rng) = rng.as_deref_mut() {
            rng.shuffle(segment);
        }
        if let Some(o) = offset.get_mut(c as usize) {
            *o = start;
        }
        start += count;
    }
    // Rows of each class, in row order, take their class's sequence.
    let fold_of_row: Vec<u32> = codes
        .iter()
        .map(|&c| match offset.get_mut(c as usize) {
            Some(o) => {
                let f = sequence.get(*o).copied().unwrap_or(0);
                *o += 1;
                f
            }
            None => 0,
        })
        .collect();
    Partition::from_assignment(fold_of_row, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skf(classes: &[u32], n_splits: usize, shuffle: Option<u32>) -> Result<Folds, SplitError> {
        StratifiedKFold { n_splits, shuffle }
            .split(&SplitData::new(classes.len()).with_classes(classes))
    }

    #[test]
    fn matches_sklearn_docstring_example() {
        // StratifiedKFold(2).split(X, [0, 0, 1, 1]): tests [0, 2] and [1, 3].
        let folds = skf(&[0, 0, 1, 1], 2, None).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 2]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![1, 3]);
        assert_eq!(folds.fold(1).unwrap().train_to_vec(), vec![0, 2]);
    }

    #[test]
    fn first_appearance_order_decides_the_round_robin() {
        // y = [1, 1, 1, 0, 0] (class 1 appears first), n_splits = 2: sorted encoded y is
        // [0, 0, 0, 1, 1] (0 = class code 1); fold 0 gets positions 0, 2, 4 -> two of class
        // code 1 and one of class code 0. scikit-learn: test folds [0, 1, 3] and [2, 4].
        let folds = skf(&[1, 1, 1, 0, 0], 2, None).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 1, 3]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![2, 4]);
    }

    #[test]
    fn stratification_holds_with_shuffle() {
        let classes: Vec<u32> = (0..300u32)
            .map(|i| u32::from(i % 10 < 3) + 5 * u32::from(i % 7 == 0))
            .collect();
        let dense = DenseCodes::new(&classes);
        for seed in [None, Some(0), Some(99)] {
            let folds = skf(&classes, 4, seed).unwrap();
            for fold in folds.iter() {
                let test = fold.test_to_vec();
                for (d, &total) in dense.counts.iter().enumerate() {
                    let label = dense.labels[d];
                    let in_test = test
                        .iter()
                        .filter(|&&r| classes[r as usize] == label)
                        .count();
                    assert!(
                        in_test == total / 4 || in_test == total / 4 + 1,
                        "{label}: {in_test} of {total}"
                    );
                }
            }
            let sizes: usize = folds.iter().map(|f| f.test_len()).sum();
            assert_eq!(sizes, 300);
        }
    }

    #[test]
    fn small_class_is_an_error() {
        let err = skf(&[0, 0, 0, 0, 2, 2], 3, None).unwrap_err();
        assert_eq!(
            err,
            SplitError::ClassTooSmall {
                splitter: "stratified_kfold",
                class: 2,
                count: 2,
                needed: 3,
                why: "every class must appear in every test fold; scikit-learn only warns here",
            }
        );
        assert!(err.to_string().contains("class code 2 has only 2 rows"));
    }

    #[test]
    fn missing_classes_is_an_error() {
        let err = StratifiedKFold {
            n_splits: 2,
            shuffle: None,
        }
        .split(&SplitData::new(4))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `stratified_kfold` needs class labels (a column to stratify on)"
        );
    }

    #[test]
    fn single_class_is_plain_kfold_order() {
        let folds = skf(&[4; 5], 2, None).unwrap();
        assert_eq!(folds.fold(0).unwrap().test_to_vec(), vec![0, 1, 2]);
        assert_eq!(folds.fold(1).unwrap().test_to_vec(), vec![3, 4]);
    }
}
