//! [`Folds`]: the folds a splitter made, stored compactly as index sets over the source rows.

use std::ops::Range;

/// A partition of the rows into `n_splits` test folds (one repetition): the test fold id of
/// every row, and each fold's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Partition {
    /// Test fold id (`0..n_splits`) of each row.
    pub(crate) fold_of_row: Vec<u32>,
    /// Rows per test fold.
    pub(crate) test_sizes: Vec<usize>,
}

impl Partition {
    /// Builds a partition from per-row fold ids, all `< n_splits`.
    pub(crate) fn from_assignment(fold_of_row: Vec<u32>, n_splits: usize) -> Self {
        let mut test_sizes = vec![0usize; n_splits];
        for &f in &fold_of_row {
            if let Some(n) = test_sizes.get_mut(f as usize) {
                *n += 1;
            }
        }
        Self {
            fold_of_row,
            test_sizes,
        }
    }
}

/// A fold whose train and test sets are contiguous row ranges ([`super::TimeSeriesSplit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RangeFold {
    pub(crate) train: Range<u32>,
    pub(crate) test: Range<u32>,
}

/// A [`super::PurgedKFold`] fold: train is `0..test.start` minus `purged_before`, then
/// `train_after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PurgedFold {
    pub(crate) test: Range<u32>,
    /// Ascending rows before the test block removed because their labels overlap it.
    pub(crate) purged_before: Vec<u32>,
    /// Training rows after the test block, past the purged and embargoed rows.
    pub(crate) train_after: Range<u32>,
}

/// A fold with explicit index vectors in the order scikit-learn yields them (shuffle splits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExplicitFold {
    pub(crate) train: Vec<u32>,
    pub(crate) test: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `repetitions.len()` repetitions of `n_splits` folds each; fold `r * n_splits + f` tests
    /// the rows of repetition `r` whose id is `f`.
    Partition {
        n_splits: usize,
        repetitions: Vec<Partition>,
    },
    Ranges(Vec<RangeFold>),
    Purged(Vec<PurgedFold>),
    Explicit(Vec<ExplicitFold>),
}

/// The folds a splitter made over `n_rows` rows.
///
/// Fold `i`'s train and test indices come from [`Folds::fold`], in the order scikit-learn's
/// `split` yields them (ascending for every splitter except the shuffle splits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folds {
    splitter: &'static str,
    n_rows: usize,
    layout: Layout,
}

impl Folds {
    pub(crate) fn new(splitter: &'static str, n_rows: usize, layout: Layout) -> Self {
        Self {
            splitter,
            n_rows,
            layout,
        }
    }

    /// Name of the splitter that made the folds (`kfold`, `time_series`, ...).
    pub fn splitter(&self) -> &'static str {
        self.splitter
    }

    /// Number of rows split.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of folds (all repetitions together).
    pub fn len(&self) -> usize {
        match &self.layout {
            Layout::Partition {
                n_splits,
                repetitions,
            } => n_splits * repetitions.len(),
            Layout::Ranges(f) => f.len(),
            Layout::Purged(f) => f.len(),
            Layout::Explicit(f) => f.len(),
        }
    }

    /// Whether there are no folds (never the case for a successful split).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of repetitions (1 except for the repeated k-fold splitters).
    pub fn n_repetitions(&self) -> usize {
        match &self.layout {
            Layout::Partition { repetitions, .. } => repetitions.len(),
            _ => 1,
        }
    }

    /// Fold `i` (`0..len()`), or `None` past the end.
    pub fn fold(&self, i: usize) -> Option<Fold<'_>> {
        let kind = match &self.layout {
            Layout::Partition {
                n_splits,
                repetitions,
            } => {
                let (r, f) = (i.checked_div(*n_splits)?, i.checked_rem(*n_splits)?);
                let rep = repetitions.get(r)?;
                FoldKind::Partition {
                    fold_of_row: &rep.fold_of_row,
                    fold: f as u32,
                    test_len: *rep.test_sizes.get(f)?,
                }
            }
            Layout::Ranges(folds) => FoldKind::Range(folds.get(i)?),
            Layout::Purged(folds) => FoldKind::Purged(folds.get(i)?),
            Layout::Explicit(folds) => FoldKind::Explicit(folds.get(i)?),
        };
        Some(Fold {
            index: i,
            n_rows: self.n_rows,
            kind,
        })
    }

    /// All folds in order.
    pub fn iter(&self) -> impl Iterator<Item = Fold<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.fold(i))
    }

    /// The per-row test fold ids (`0..n_splits`) of `repetition`, for partition splitters (the
    /// k-fold family and leave-one-group-out); `None` for the others.
    pub fn assignment(&self, repetition: usize) -> Option<&[u32]> {
        match &self.layout {
            Layout::Partition { repetitions, .. } => repetitions
                .get(repetition)
                .map(|p| p.fold_of_row.as_slice()),
            _ => None,
        }
    }

    /// The index of the fold (as in [`Folds::fold`]) whose test set holds `row` in
    /// `repetition`, in O(1) for partition splitters and O(log folds) for the time-ordered
    /// ones (use repetition 0). `None` when the row is in no test set (early rows of a time
    /// series split), out of range, or for the shuffle splits, where a row may be tested in
    /// several folds.
    pub fn test_fold_of_row(&self, repetition: usize, row: usize) -> Option<usize> {
        let row32 = u32::try_from(row).ok()?;
        match &self.layout {
            Layout::Partition {
                n_splits,
                repetitions,
            } => {
                let f = *repetitions.get(repetition)?.fold_of_row.get(row)?;
                Some(repetition * n_splits + f as usize)
            }
            Layout::Ranges(folds) if repetition == 0 => find_range(folds, |f| &f.test, row32),
            Layout::Purged(folds) if repetition == 0 => find_range(folds, |f| &f.test, row32),
            _ => None,
        }
    }
}

/// The position of the item whose range holds `row`, among items whose ranges are disjoint
/// and sorted by start (binary search).
fn find_range<T>(items: &[T], range: impl Fn(&T) -> &Range<u32>, row: u32) -> Option<usize> {
    let k = items.partition_point(|t| range(t).end <= row);
    items.get(k).filter(|t| range(t).contains(&row)).map(|_| k)
}

#[derive(Debug, Clone, Copy)]
enum FoldKind<'a> {
    Partition {
        fold_of_row: &'a [u32],
        fold: u32,
        test_len: usize,
    },
    Range(&'a RangeFold),
    Purged(&'a PurgedFold),
    Explicit(&'a ExplicitFold),
}

/// One fold: a view into [`Folds`] that yields its train and test row indices.
#[derive(Debug, Clone, Copy)]
pub struct Fold<'a> {
    index: usize,
    n_rows: usize,
    kind: FoldKind<'a>,
}

impl<'a> Fold<'a> {
    /// This fold's index in [`Folds`].
    pub fn index(&self) -> usize {
        self.index
    }

    /// Training row indices, in scikit-learn's order.
    pub fn train(&self) -> Indices<'a> {
        let (inner, remaining) = match self.kind {
            FoldKind::Partition {
                fold_of_row,
                fold,
                test_len,
            } => (
                Inner::Matching {
                    fold_of_row,
                    pos: 0,
                    fold,
                    equal: false,
                },
                self.n_rows - test_len,
            ),
            FoldKind::Range(f) => (Inner::Range(f.train.clone()), f.train.len()),
            FoldKind::Purged(f) => (
                Inner::PurgedTrain {
                    before: 0..f.test.start,
                    skip: f.purged_before.iter(),
                    next_skip: None,
                    started: false,
                    after: f.train_after.clone(),
                },
                self.train_len(),
            ),
            FoldKind::Explicit(f) => (Inner::Slice(f.train.iter()), f.train.len()),
        };
        Indices { inner, remaining }
    }

    /// Test row indices, in scikit-learn's order.
    pub fn test(&self) -> Indices<'a> {
        let (inner, remaining) = match self.kind {
            FoldKind::Partition {
                fold_of_row,
                fold,
                test_len,
            } => (
                Inner::Matching {
                    fold_of_row,
                    pos: 0,
                    fold,
                    equal: true,
                },
                test_len,
            ),
            FoldKind::Range(f) => (Inner::Range(f.test.clone()), f.test.len()),
            FoldKind::Purged(f) => (Inner::Range(f.test.clone()), f.test.len()),
            FoldKind::Explicit(f) => (Inner::Slice(f.test.iter()), f.test.len()),
        };
        Indices { inner, remaining }
    }

    /// Number of training rows.
    pub fn train_len(&self) -> usize {
        match self.kind {
            FoldKind::Partition { test_len, .. } => self.n_rows - test_len,
            FoldKind::Range(f) => f.train.len(),
            FoldKind::Purged(f) => {
                f.test.start as usize - f.purged_before.len() + f.train_after.len()
            }
            FoldKind::Explicit(f) => f.train.len(),
        }
    }

    /// Number of test rows.
    pub fn test_len(&self) -> usize {
        match self.kind {
            FoldKind::Partition { test_len, .. } => test_len,
            FoldKind::Range(f) => f.test.len(),
            FoldKind::Purged(f) => f.test.len(),
            FoldKind::Explicit(f) => f.test.len(),
        }
    }

    /// Training row indices collected.
    pub fn train_to_vec(&self) -> Vec<u32> {
        self.train().collect()
    }

    /// Test row indices collected.
    pub fn test_to_vec(&self) -> Vec<u32> {
        self.test().collect()
    }
}

#[derive(Debug, Clone)]
enum Inner<'a> {
    /// Rows whose fold id is (`equal`) or is not (`!equal`) `fold`, ascending.
    Matching {
        fold_of_row: &'a [u32],
        pos: usize,
        fold: u32,
        equal: bool,
    },
    Range(Range<u32>),
    Slice(std::slice::Iter<'a, u32>),
    /// `before` minus the ascending `skip` rows, then `after`.
    PurgedTrain {
        before: Range<u32>,
        skip: std::slice::Iter<'a, u32>,
        next_skip: Option<u32>,
        started: bool,
        after: Range<u32>,
    },
}

/// Iterator over the row indices of a fold's train or test set (exact size).
#[derive(Debug, Clone)]
pub struct Indices<'a> {
    inner: Inner<'a>,
    remaining: usize,
}

impl Iterator for Indices<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let out = match &mut self.inner {
            Inner::Matching {
                fold_of_row,
                pos,
                fold,
                equal,
            } => {
                let rest = fold_of_row.get(*pos..).unwrap_or(&[]);
                let k = rest.iter().position(|&f| (f == *fold) == *equal)?;
                let row = *pos + k;
                *pos = row + 1;
                // Rows are < MAX_ROWS (checked when the folds were made).
                Some(row as u32)
            }
            Inner::Range(r) => r.next(),
            Inner::Slice(s) => s.next().copied(),
            Inner::PurgedTrain {
                before,
                skip,
                next_skip,
                started,
                after,
            } => {
                if !*started {
                    *next_skip = skip.next().copied();
                    *started = true;
                }
                loop {
                    match before.next() {
                        Some(row) if Some(row) == *next_skip => {
                            *next_skip = skip.next().copied();
                        }
                        Some(row) => break Some(row),
                        None => break after.next(),
                    }
                }
            }
        };
        if out.is_some() {
            self.remaining = self.remaining.saturating_sub(1);
        }
        out
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Indices<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition_folds() -> Folds {
        Folds::new(
            "test",
            5,
            Layout::Partition {
                n_splits: 2,
                repetitions: vec![
                    Partition::from_assignment(vec![0, 1, 0, 1, 1], 2),
                    Partition::from_assignment(vec![1, 1, 0, 0, 0], 2),
                ],
            },
        )
    }

    #[test]
    fn partition_folds_yield_sorted_indices() {
        let folds = partition_folds();
        assert_eq!(folds.len(), 4);
        assert_eq!(folds.n_repetitions(), 2);
        let f1 = folds.fold(1).unwrap();
        assert_eq!(f1.test_to_vec(), vec![1, 3, 4]);
        assert_eq!(f1.train_to_vec(), vec![0, 2]);
        assert_eq!((f1.train_len(), f1.test_len()), (2, 3));
        assert_eq!(f1.train().len(), 2);
        let f2 = folds.fold(2).unwrap();
        assert_eq!(f2.test_to_vec(), vec![2, 3, 4]);
        assert!(folds.fold(4).is_none());
        assert_eq!(folds.test_fold_of_row(1, 0), Some(3));
        assert_eq!(folds.test_fold_of_row(0, 2), Some(0));
        assert_eq!(folds.test_fold_of_row(2, 0), None);
        assert_eq!(folds.test_fold_of_row(0, 5), None);
        assert_eq!(folds.assignment(1), Some(&[1u32, 1, 0, 0, 0][..]));
        assert_eq!(folds.iter().count(), 4);
    }

    #[test]
    fn purged_train_skips_purged_rows() {
        let folds = Folds::new(
            "purged_kfold",
            10,
            Layout::Purged(vec![PurgedFold {
                test: 4..6,
                purged_before: vec![1, 3],
                train_after: 8..10,
            }]),
        );
        let f = folds.fold(0).unwrap();
        let mut it = f.train();
        assert_eq!(it.len(), 4);
        assert_eq!(it.next(), Some(0));
        assert_eq!(it.len(), 3);
        assert_eq!(it.collect::<Vec<_>>(), vec![2, 8, 9]);
        assert_eq!(f.test_to_vec(), vec![4, 5]);
        assert_eq!(folds.test_fold_of_row(0, 5), Some(0));
        assert_eq!(folds.test_fold_of_row(0, 6), None);
        assert_eq!(folds.assignment(0), None);
    }

    #[test]
    fn find_range_locates_rows() {
        let r = [2..4u32, 4..6, 8..9];
        let find = |row| find_range(&r, |x| x, row);
        assert_eq!(find(0), None);
        assert_eq!(find(3), Some(0));
        assert_eq!(find(4), Some(1));
        assert_eq!(find(7), None);
        assert_eq!(find(8), Some(2));
        assert_eq!(find(9), None);
    }
}
