//! [`StratifiedShuffleSplit`]: scikit-learn's `StratifiedShuffleSplit`.

use super::folds::{ExplicitFold, Folds, Layout};
use super::numpy_random::RandomState;
use super::shuffle_split::{check_n_splits, validate_sizes};
use super::{check_rows, require_codes, DenseCodes, Need, SplitData, SplitError, SplitSize};

/// Stratified random splits: scikit-learn 1.9.1 `StratifiedShuffleSplit(n_splits, test_size,
/// train_size, random_state=seed)`. Exact parity (numpy's legacy `RandomState` stream is
/// reproduced through `_approximate_mode`'s tie-breaking `choice` calls).
///
/// scikit-learn's definition, per split, from one `RandomState(seed)`: the per-class training
/// counts are `_approximate_mode(class_counts, n_train)` (each class's share
/// `count / n_rows * n_train` floored, the missing rows given to the largest remainders, ties
/// broken by `choice(..., replace=False)`), the test counts likewise from the remaining rows;
/// then, class by class in sorted order, the class's rows are permuted and the first ones
/// train, the next ones test; finally the training list and the test list are each permuted.
/// Train and test come in that (unsorted) order. Sizes are as for [`super::ShuffleSplit`].
///
/// Needs [`SplitData::classes`]. Errors: those of [`super::ShuffleSplit`], a class with fewer
/// than 2 rows, and fewer training or test rows than classes (scikit-learn's checks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratifiedShuffleSplit {
    /// Number of splits, at least 1 (scikit-learn's default is 10).
    pub n_splits: usize,
    /// Test size (scikit-learn's `test_size`).
    pub test_size: Option<SplitSize>,
    /// Training size (scikit-learn's `train_size`).
    pub train_size: Option<SplitSize>,
    /// `random_state`.
    pub seed: u32,
}

impl StratifiedShuffleSplit {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "stratified_shuffle_split";

    /// Splits the rows of `data`, stratified on `data.classes`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        check_n_splits(Self::NAME, self.n_splits)?;
        let classes = require_codes(Self::NAME, data, Need::Classes)?;
        check_rows(Self::NAME, data.n_rows)?;
        let (n_train, n_test) =
            validate_sizes(Self::NAME, data.n_rows, self.test_size, self.train_size)?;
        let dense = DenseCodes::new(classes);
        let n_classes = dense.len();
        if let Some((&count, &class)) = dense
            .counts
            .iter()
            .zip(&dense.labels)
            .find(|(&count, _)| count < 2)
        {
            return Err(SplitError::ClassTooSmall {
                splitter: Self::NAME,
                class,
                count,
                needed: 2,
                why: "a stratified split puts every class in both train and test",
            });
        }
        for (which, n) in [("train_size", n_train), ("test_size", n_test)] {
            if n < n_classes {
                return Err(SplitError::InvalidParameter {
                    splitter: Self::NAME,
                    parameter: which,
                    message: format!(
                        "{which} = {n} rows should be at least the number of classes ({n_classes})"
                    ),
                });
            }
        }
        // Rows of each class, ascending (stable argsort of the class codes).
        let mut class_start = Vec::with_capacity(n_classes + 1);
        class_start.push(0usize);
        for &c in &dense.counts {
            class_start.push(class_start.last().copied().unwrap_or(0) + c);
        }
        let mut cursor = class_start.clone();
        let mut rows_by_class = vec![0u32; data.n_rows];
        for (r, &c) in dense.codes.iter().enumerate() {
            if let Some(pos) = cursor.get_mut(c as usize) {
                if let Some(slot) = rows_by_class.get_mut(*pos) {
                    *slot = r as u32;
                }
                *pos += 1;
            }
        }

        let mut rng = RandomState::new(self.seed);
        let mut folds = Vec::with_capacity(self.n_splits);
        for _ in 0..self.n_splits {
            let n_i = approximate_mode(&dense.counts, n_train, &mut rng);
            let remaining: Vec<usize> = dense
                .counts
                .iter()
                .zip(&n_i)
                .map(|(&c, &t)| c.saturating_sub(t))
                .collect();
            let t_i = approximate_mode(&remaining, n_test, &mut rng);
            let mut train = Vec::with_capacity(n_train);
            let mut test = Vec::with_capacity(n_test);
            for (i, (&a, &t)) in n_i.iter().zip(&t_i).enumerate() {
                let (s, e) = (
                    class_start.get(i).copied().unwrap_or(0),
                    class_start.get(i + 1).copied().unwrap_or(0),
                );
                let rows = rows_by_class.get(s..e).unwrap_or(&[]);
                let perm = rng.permutation(rows.len() as u32);
                let mut picked = perm.iter().filter_map(|&p| rows.get(p as usize).copied());
                train.extend(picked.by_ref().take(a));
                test.extend(picked.take(t));
            }
            rng.shuffle(&mut train);
            rng.shuffle(&mut test);
            folds.push(ExplicitFold { train, test });
        }
        Ok(Folds::new(Self::NAME, data.n_rows, Layout::Explicit(folds)))
    }
}

/// scikit-learn's `_approximate_mode(class_counts, n_draws, rng)`: per-class draws summing to
/// `n_draws`, floors of the proportional shares plus one for the largest remainders, ties
/// broken with legacy `RandomState.choice(inds, size, replace=False)`.
pub(crate) fn approximate_mode(
    class_counts: &[usize],
    n_draws: usize,
    rng: &mut RandomState,
) -> Vec<usize> {
    let total: usize = class_counts.iter().sum();
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total as f64 * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|x| x.floor()).collect();
    // Integer-valued floats: the sum is exact in any order.
    let floored_sum: f64 = floored.iter().sum();
    let mut need_to_add = (n_draws as f64 - floored_sum) as i64;
    if need_to_add > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
        values.dedup();
        for value in values {
            let inds: Vec<usize> = remainder
                .iter()
                .enumerate()
                .filter(|(_, &r)| r == value)
                .map(|(i, _)| i)
                .collect();
            let add_now = inds.len().min(need_to_add as usize);
            for i in rng.choice_without_replacement(&inds, add_now) {
                if let Some(f) = floored.get_mut(i) {
                    *f += 1.0;
                }
            }
            need_to_add -= add_now as i64;
            if need_to_add == 0 {
                break;
            }
        }
    }
    floored.iter().map(|&f| f as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use SplitSize::{Count, Fraction};

    #[test]
    fn approximate_mode_matches_sklearn_docstring() {
        // _approximate_mode(np.array([4, 2]), 3, rng=0) -> [2, 1]
        assert_eq!(
            approximate_mode(&[4, 2], 3, &mut RandomState::new(0)),
            vec![2, 1]
        );
        // _approximate_mode(np.array([5, 2]), 4, rng=0) -> [3, 1]
        assert_eq!(
            approximate_mode(&[5, 2], 4, &mut RandomState::new(0)),
            vec![3, 1]
        );
        // _approximate_mode(np.array([2, 2, 2, 1]), 2, rng=0) -> [0, 1, 1, 0]
        assert_eq!(
            approximate_mode(&[2, 2, 2, 1], 2, &mut RandomState::new(0)),
            vec![0, 1, 1, 0]
        );
        // ... rng=42 -> [1, 1, 0, 0]
        assert_eq!(
            approximate_mode(&[2, 2, 2, 1], 2, &mut RandomState::new(42)),
            vec![1, 1, 0, 0]
        );
    }

    #[test]
    fn approximate_mode_matches_fixtures() {
        // sklearn.utils.extmath._approximate_mode(counts, n_draws, RandomState(seed)), recorded
        // by scripts/gen_split_fixtures.py.
        let fx: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/split_parity.json")).unwrap();
        let cases = fx["approximate_mode"].as_array().unwrap();
        assert!(cases.len() >= 5);
        let ints = |v: &serde_json::Value| -> Vec<usize> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect()
        };
        for c in cases {
            let counts = ints(&c["class_counts"]);
            let n_draws = c["n_draws"].as_u64().unwrap() as usize;
            let seed = c["seed"].as_u64().unwrap() as u32;
            assert_eq!(
                approximate_mode(&counts, n_draws, &mut RandomState::new(seed)),
                ints(&c["result"]),
                "_approximate_mode({counts:?}, {n_draws}, {seed})"
            );
        }
    }

    fn sss(classes: &[u32], test: Option<SplitSize>, seed: u32) -> Result<Folds, SplitError> {
        StratifiedShuffleSplit {
            n_splits: 5,
            test_size: test,
            train_size: None,
            seed,
        }
        .split(&SplitData::new(classes.len()).with_classes(classes))
    }

    #[test]
    fn proportions_disjointness_and_determinism() {
        let classes: Vec<u32> = (0..100u32).map(|i| if i < 70 { 3 } else { 8 }).collect();
        let a = sss(&classes, Some(Fraction(0.2)), 1).unwrap();
        assert_eq!(a, sss(&classes, Some(Fraction(0.2)), 1).unwrap());
        assert_ne!(a, sss(&classes, Some(Fraction(0.2)), 2).unwrap());
        for f in a.iter() {
            let test = f.test_to_vec();
            let train = f.train_to_vec();
            assert_eq!((train.len(), test.len()), (80, 20));
            assert_eq!(
                test.iter().filter(|&&r| classes[r as usize] == 3).count(),
                14
            );
            assert_eq!(
                train.iter().filter(|&&r| classes[r as usize] == 3).count(),
                56
            );
            assert!(train.iter().all(|r| !test.contains(r)));
        }
    }

    #[test]
    fn errors() {
        let err = sss(&[0, 0, 0, 1], Some(Count(2)), 0).unwrap_err();
        assert!(matches!(
            err,
            SplitError::ClassTooSmall {
                class: 1,
                count: 1,
                needed: 2,
                ..
            }
        ));
        let err = sss(&[0, 0, 1, 1, 2, 2, 3, 3], Some(Count(2)), 0).unwrap_err();
        assert!(err
            .to_string()
            .contains("test_size = 2 rows should be at least the number of classes (4)"));
        assert!(matches!(
            StratifiedShuffleSplit {
                n_splits: 1,
                test_size: None,
                train_size: None,
                seed: 0
            }
            .split(&SplitData::new(4)),
            Err(SplitError::Missing {
                need: Need::Classes,
                ..
            })
        ));
    }
}
