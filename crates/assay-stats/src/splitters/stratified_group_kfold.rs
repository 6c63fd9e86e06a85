//! [`StratifiedGroupKFold`]: scikit-learn's `StratifiedGroupKFold`.

use super::folds::{Folds, Layout, Partition};
use super::numpy_random::RandomState;
use super::stratified_kfold::check_class_sizes;
use super::{check_kfold, require_codes, DenseCodes, Need, SplitData, SplitError};

/// Stratified k-fold over groups: scikit-learn 1.9.1 `StratifiedGroupKFold(n_splits, shuffle,
/// random_state)`, a greedy heuristic. Exact parity, shuffled or not.
///
/// scikit-learn's definition: each group has a vector of class counts. Groups are visited by
/// decreasing standard deviation of that vector (a stable sort, so ties keep the group order:
/// sorted group codes, or numpy's legacy `RandomState(seed).shuffle` of them when `shuffle` is
/// `Some(seed)`). Each group goes to the fold that, once the group is added, minimises the mean
/// over classes of the standard deviation across folds of `fold's class count / class total`;
/// near-ties (`np.isclose`, rtol 1e-5, atol 1e-8) go to the fold with fewer rows so far, then
/// the lower fold. The floating-point sums are done in numpy's order (pairwise along
/// contiguous axes, sequential across folds) so the near-tie decisions agree bit for bit.
///
/// Indices ascend. Needs [`SplitData::classes`] and [`SplitData::groups`]. Errors: `n_splits
/// < 2`, `n_splits > n_rows`, fewer distinct groups than `n_splits`, and — stricter than
/// scikit-learn, which only warns — a class with fewer than `n_splits` rows.
///
/// Cost: O(n_rows) memory; O(n_groups × n_splits × n_classes) time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StratifiedGroupKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// `None`: no shuffling; `Some(seed)`: `shuffle=True, random_state=seed`.
    pub shuffle: Option<u32>,
}

impl StratifiedGroupKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "stratified_group_kfold";

    /// Splits the rows of `data` by `data.groups`, stratified on `data.classes`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let classes = require_codes(Self::NAME, data, Need::Classes)?;
        let groups = require_codes(Self::NAME, data, Need::Groups)?;
        let k = self.n_splits;
        check_kfold(Self::NAME, k, data.n_rows)?;
        let classes = DenseCodes::new(classes);
        check_class_sizes(Self::NAME, &classes, k)?;
        let groups = DenseCodes::new(groups);
        let n_groups = groups.len();
        if k > n_groups {
            return Err(SplitError::TooFewGroups {
                splitter: Self::NAME,
                needed: k,
                n_groups,
            });
        }
        let c = classes.len();
        let table = GroupClassCounts::new(&groups, &classes);

        // Group visiting order: position q holds original group perm[q].
        let mut perm: Vec<u32> = (0..n_groups as u32).collect();
        if let Some(seed) = self.shuffle {
            RandomState::new(seed).shuffle(&mut perm);
        }
        let mut row = vec![0f64; c];
        let mut scratch = vec![0f64; c.max(k)];
        let std_by_position: Vec<f64> = perm
            .iter()
            .map(|&g| {
                table.fill_row(g as usize, &mut row);
                numpy_std(&row, &mut scratch)
            })
            .collect();
        let mut order: Vec<usize> = (0..n_groups).collect();
        // np.argsort(-std, kind="stable").
        order.sort_by(|&a, &b| {
            let (sa, sb) = (std_by_position[a], std_by_position[b]);
            sb.partial_cmp(&sa).unwrap_or(std::cmp::Ordering::Equal)
        });

        let class_totals: Vec<f64> = classes.counts.iter().map(|&n| n as f64).collect();
        let mut per_fold = vec![0f64; k * c];
        let mut fold_of_group = vec![0u32; n_groups];
        let mut search = BestFold::new(k, c);
        for q in order {
            let g = perm.get(q).copied().unwrap_or(0) as usize;
            table.fill_row(g, &mut row);
            let best = search.find(&mut per_fold, &class_totals, &row);
            if let Some(fold_row) = per_fold.get_mut(best * c..(best + 1) * c) {
                for (x, add) in fold_row.iter_mut().zip(&row) {
                    *x += add;
                }
            }
            if let Some(slot) = fold_of_group.get_mut(g) {
                *slot = best as u32;
            }
        }
        let fold_of_row = groups
            .codes
            .iter()
            .map(|&g| fold_of_group.get(g as usize).copied().unwrap_or(0))
            .collect();
        Ok(Folds::new(
            Self::NAME,
            data.n_rows,
            Layout::Partition {
                n_splits: k,
                repetitions: vec![Partition::from_assignment(fold_of_row, k)],
            },
        ))
    }
}

/// Per-group class counts in compressed rows (only non-zero counts), O(n_rows) memory.
struct GroupClassCounts {
    /// `entries[start[g]..start[g + 1]]` are group g's (class, count).
    start: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

impl GroupClassCounts {
    fn new(groups: &DenseCodes<'_>, classes: &DenseCodes<'_>) -> Self {
        let n_groups = groups.len();
        // Rows bucketed by group (counting sort).
        let mut start = vec![0usize; n_groups + 1];
        for (g, &n) in groups.counts.iter().enumerate() {
            if let Some(s) = start.get_mut(g + 1) {
                *s = n;
            }
        }
        for g in 0..n_groups {
            let prev = start.get(g).copied().unwrap_or(0);
            if let Some(s) = start.get_mut(g + 1) {
                *s += prev;
            }
        }
        let mut cursor = start.clone();
        let mut rows_by_group = vec![0u32; groups.codes.len()];
        for (r, &g) in groups.codes.iter().enumerate() {
            if let Some(pos) = cursor.get_mut(g as usize) {
                if let Some(slot) = rows_by_group.get_mut(*pos) {
                    *slot = r as u32;
                }
                *pos += 1;
            }
        }
        let mut counts = vec![0u32; classes.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut entry_start = Vec::with_capacity(n_groups + 1);
        let mut entries = Vec::new();
        entry_start.push(0);
        for g in 0..n_groups {
            let (a, b) = (
                start.get(g).copied().unwrap_or(0),
                start.get(g + 1).copied().unwrap_or(0),
            );
            for &r in rows_by_group.get(a..b).unwrap_or(&[]) {
                let cl = classes.codes.get(r as usize).copied().unwrap_or(0);
                if let Some(n) = counts.get_mut(cl as usize) {
                    if *n == 0 {
                        touched.push(cl);
                    }
                    *n += 1;
                }
            }
            touched.sort_unstable();
            for &cl in &touched {
                if let Some(n) = counts.get_mut(cl as usize) {
                    entries.push((cl, *n));
                    *n = 0;
                }
            }
            touched.clear();
            entry_start.push(entries.len());
        }
        Self {
            start: entry_start,
            entries,
        }
    }

    /// Writes group `g`'s dense class-count vector into `row`.
    fn fill_row(&self, g: usize, row: &mut [f64]) {
        row.fill(0.0);
        let (a, b) = (
            self.start.get(g).copied().unwrap_or(0),
            self.start.get(g + 1).copied().unwrap_or(0),
        );
        for &(cl, n) in self.entries.get(a..b).unwrap_or(&[]) {
            if let Some(x) = row.get_mut(cl as usize) {
                *x = f64::from(n);
            }
        }
    }
}

/// `_find_best_fold`, with the per-class standard deviations of the unchanged classes reused.
struct BestFold {
    k: usize,
    c: usize,
    /// Standard deviation across folds of each class's share, before adding the group.
    base_std: Vec<f64>,
    /// The same with the group added to the candidate fold.
    cand_std: Vec<f64>,
    column: Vec<f64>,
}

impl BestFold {
    fn new(k: usize, c: usize) -> Self {
        Self {
            k,
            c,
            base_std: vec![0.0; c],
            cand_std: vec![0.0; c],
            column: vec![0.0; k],
        }
    }

    /// `np.std(per_fold / totals, axis=0)[j]`: across folds, summed sequentially (numpy's
    /// order for a non-contiguous reduction axis) unless there is a single class, where the
    /// axis is contiguous and numpy sums pairwise.
    fn class_std(&mut self, per_fold: &[f64], totals: &[f64], j: usize) -> f64 {
        let (k, c) = (self.k, self.c);
        let total = totals.get(j).copied().unwrap_or(1.0);
        for (f, v) in self.column.iter_mut().enumerate() {
            *v = per_fold.get(f * c + j).copied().unwrap_or(0.0) / total;
        }
        let sum = |xs: &mut dyn Iterator<Item = f64>, pairwise: bool, buf: &mut Vec<f64>| {
            if pairwise {
                buf.clear();
                buf.extend(xs);
                pairwise_sum(buf)
            } else {
                xs.fold(0.0, |acc, x| acc + x)
            }
        };
        let pairwise = c == 1;
        let mut buf = Vec::new();
        let mean = sum(&mut self.column.iter().copied(), pairwise, &mut buf) / k as f64;
        let sq = sum(
            &mut self.column.iter().map(|&v| (v - mean) * (v - mean)),
            pairwise,
            &mut buf,
        );
        (sq / k as f64).sqrt()
    }

    fn find(&mut self, per_fold: &mut [f64], totals: &[f64], group: &[f64]) -> usize {
        let (k, c) = (self.k, self.c);
        for j in 0..c {
            let s = self.class_std(per_fold, totals, j);
            if let Some(b) = self.base_std.get_mut(j) {
                *b = s;
            }
        }
        let touched: Vec<usize> = (0..c)
            .filter(|&j| group.get(j).is_some_and(|&x| x != 0.0))
            .collect();
        let mut best = 0usize;
        let mut min_eval = f64::INFINITY;
        let mut min_samples = f64::INFINITY;
        for i in 0..k {
            self.cand_std.copy_from_slice(&self.base_std);
            for &j in &touched {
                let add = group.get(j).copied().unwrap_or(0.0);
                if let Some(x) = per_fold.get_mut(i * c + j) {
                    *x += add;
                }
                let s = self.class_std(per_fold, totals, j);
                if let Some(x) = per_fold.get_mut(i * c + j) {
                    *x -= add;
                }
                if let Some(cs) = self.cand_std.get_mut(j) {
                    *cs = s;
                }
            }
            let fold_eval = pairwise_sum(&self.cand_std) / c as f64;
            let samples: f64 = per_fold
                .get(i * c..(i + 1) * c)
                .map(pairwise_sum)
                .unwrap_or(0.0);
            let better =
                fold_eval < min_eval || (is_close(fold_eval, min_eval) && samples < min_samples);
            if better {
                min_eval = fold_eval;
                min_samples = samples;
                best = i;
            }
        }
        best
    }
}

/// `np.isclose(a, b)` with the default tolerances (rtol 1e-5, atol 1e-8).
fn is_close(a: f64, b: f64) -> bool {
    (b.is_finite() && (a - b).abs() <= 1e-8 + 1e-5 * b.abs()) || a == b
}

/// `np.std(row)` of a contiguous row: pairwise sums, population variance.
fn numpy_std(row: &[f64], scratch: &mut Vec<f64>) -> f64 {
    let n = row.len() as f64;
    let mean = pairwise_sum(row) / n;
    scratch.clear();
    scratch.extend(row.iter().map(|&x| (x - mean) * (x - mean)));
    (pairwise_sum(scratch) / n).sqrt()
}

/// numpy's pairwise summation (`pairwise_sum_DOUBLE`, blocks of 8 up to 128 elements), as
/// `np.add.reduce` does along a contiguous axis, starting from 0.
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[i..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sgkf(
        classes: &[u32],
        groups: &[u32],
        n_splits: usize,
        shuffle: Option<u32>,
    ) -> Result<Folds, SplitError> {
        StratifiedGroupKFold { n_splits, shuffle }.split(
            &SplitData::new(classes.len())
                .with_classes(classes)
                .with_groups(groups),
        )
    }

    #[test]
    fn matches_sklearn_example() {
        // scikit-learn 1.9.1: StratifiedGroupKFold(3).split(X, y, groups) test folds.
        let y = [0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let groups = [1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 5, 5, 6, 6, 7, 8, 8];
        let folds = sgkf(&y, &groups, 3, None).unwrap();
        assert_eq!(
            folds.fold(0).unwrap().test_to_vec(),
            vec![4, 5, 6, 12, 13, 14]
        );
        assert_eq!(
            folds.fold(1).unwrap().test_to_vec(),
            vec![0, 1, 2, 3, 15, 16]
        );
        assert_eq!(folds.fold(2).unwrap().test_to_vec(), vec![7, 8, 9, 10, 11]);
    }

    #[test]
    fn groups_stay_whole_and_every_fold_tests() {
        let groups: Vec<u32> = (0..150u32).map(|i| i / 6).collect();
        let classes: Vec<u32> = (0..150u32).map(|i| u32::from(i % 5 == 0)).collect();
        for shuffle in [None, Some(3)] {
            let folds = sgkf(&classes, &groups, 4, shuffle).unwrap();
            let a = folds.assignment(0).unwrap();
            for g in 0..25u32 {
                let ids: Vec<u32> = (0..150).filter(|&r| groups[r] == g).map(|r| a[r]).collect();
                assert!(ids.windows(2).all(|w| w[0] == w[1]));
            }
            assert!(folds.iter().all(|f| f.test_len() > 0));
            assert_eq!(folds.iter().map(|f| f.test_len()).sum::<usize>(), 150);
        }
    }

    #[test]
    fn errors() {
        let err = sgkf(&[0, 0, 1, 1], &[0, 0, 1, 1], 3, None).unwrap_err();
        assert!(matches!(err, SplitError::ClassTooSmall { count: 2, .. }));
        let err = sgkf(&[0, 1, 0, 1], &[0, 0, 1, 1], 2, None);
        assert!(err.is_ok());
        let err = sgkf(&[0, 1, 0, 1, 0, 1], &[0, 0, 0, 1, 1, 1], 3, None).unwrap_err();
        assert!(matches!(
            err,
            SplitError::TooFewGroups {
                needed: 3,
                n_groups: 2,
                ..
            }
        ));
        let err = StratifiedGroupKFold {
            n_splits: 2,
            shuffle: None,
        }
        .split(&SplitData::new(2).with_classes(&[0, 1]))
        .unwrap_err();
        assert!(err.to_string().contains("needs group labels"));
    }

    #[test]
    fn pairwise_sum_blocks() {
        let a: Vec<f64> = (0..300).map(|i| f64::from(i) * 0.1).collect();
        let direct: f64 = a.iter().sum();
        assert!((pairwise_sum(&a) - direct).abs() < 1e-9);
        assert_eq!(pairwise_sum(&[]), 0.0);
        // 1e16 + eight ones: the 8-lane blocks add the ones to separate lanes.
        let mut b = vec![1e16];
        b.extend([1.0; 8]);
        assert_eq!(pairwise_sum(&b), 1e16 + 8.0);
        assert!(is_close(1.0, 1.0 + 1e-9));
        assert!(!is_close(1.0, f64::INFINITY));
    }
}
