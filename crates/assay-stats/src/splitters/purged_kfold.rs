//! [`PurgedKFold`]: k-fold for labels that span time, with purging and an embargo
//! (López de Prado, *Advances in Financial Machine Learning*, 2018, ch. 7).

use super::folds::Layout;
use super::folds::{Folds, PurgedFold};
use super::{array_split_sizes, check_kfold, Need, SplitData, SplitError};

/// How much to embargo after each test block.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Embargo {
    /// No embargo.
    #[default]
    None,
    /// `floor(fraction * n_rows)` rows (AFML's `pctEmbargo`), `0 <= fraction < 1`.
    Fraction(f64),
    /// A time span in the unit of the intervals (for example seconds), finite and `>= 0`.
    Duration(f64),
}

impl std::str::FromStr for Embargo {
    type Err = SplitError;

    /// `"0"`/`"none"`, a fraction of the rows `"0.01"` or `"1%"`, or a time span in the
    /// intervals' unit `"duration:3600"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = |message: String| SplitError::InvalidParameter {
            splitter: PurgedKFold::NAME,
            parameter: "embargo",
            message,
        };
        if t.eq_ignore_ascii_case("none") {
            return Ok(Embargo::None);
        }
        let parse = |x: &str| {
            x.trim().parse::<f64>().map_err(|_| {
                bad(format!(
                    "`{s}` is not a fraction of rows (0.01 or 1%) or duration:SPAN"
                ))
            })
        };
        let e = if let Some(d) = t.strip_prefix("duration:") {
            Embargo::Duration(parse(d)?)
        } else if let Some(p) = t.strip_suffix('%') {
            Embargo::Fraction(parse(p)? / 100.0)
        } else {
            let x = parse(t)?;
            if x >= 1.0 {
                return Err(bad(format!(
                    "`{s}`: a fraction of rows must be below 1; write duration:{t} for a time span"
                )));
            }
            Embargo::Fraction(x)
        };
        e.validate()?;
        Ok(e)
    }
}

impl Embargo {
    fn validate(&self) -> Result<(), SplitError> {
        let bad = |message: String| SplitError::InvalidParameter {
            splitter: PurgedKFold::NAME,
            parameter: "embargo",
            message,
        };
        match *self {
            Embargo::Fraction(f) if !(0.0..1.0).contains(&f) => Err(bad(format!(
                "a fraction of rows must be in [0, 1), got {f}"
            ))),
            Embargo::Duration(d) if !(d.is_finite() && d >= 0.0) => {
                Err(bad(format!("a duration must be finite and >= 0, got {d}")))
            }
            _ => Ok(()),
        }
    }
}

/// Purged k-fold with embargo (AFML ch. 7), for rows whose labels are computed over a time
/// interval, so that neighbouring rows share information.
///
/// Definition, exactly (rows must be sorted by label start; row `j` has the closed label
/// interval `[start_j, end_j]`):
///
/// 1. Test blocks are contiguous, as unshuffled k-fold: `np.array_split(rows, n_splits)`, the
///    first `n_rows % n_splits` blocks one row longer. Test indices ascend.
/// 2. A block's time span is `[t0, t1]` with `t0` the smallest start and `t1` the largest end
///    of its rows.
/// 3. Purging: a row outside the block is removed from training if its interval overlaps
///    `[t0, t1]` as closed intervals, `start_j <= t1 && end_j >= t0` (AFML snippet 7.1,
///    `getTrainTimes`; touching intervals count as overlapping).
/// 4. Embargo, after the block only (AFML snippet 7.2): with [`Embargo::Duration`] `d`, rows
///    with `t1 < start_j <= t1 + d` are also removed; with [`Embargo::Fraction`] `p`, the
///    `h = floor(p * n_rows)` rows that follow the purged rows after the block are removed
///    (AFML's `PurgedKFold` drops the `mbrg` rows from the first row past `t1`).
/// 5. Training rows are all the others, ascending.
///
/// Folds store the test range, the purged rows before the block and the training range after
/// it (the purged list is as long as the labels reaching into the block are many: O(n_rows)
/// per fold only when labels span most of the data).
///
/// Needs [`SplitData::intervals`]. Errors: `n_splits < 2`, `n_splits > n_rows`, a NaN or
/// infinite bound, an end before its start, rows not sorted by start, an invalid embargo, a
/// fold with no training rows left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PurgedKFold {
    /// Number of folds, at least 2.
    pub n_splits: usize,
    /// Embargo after each test block.
    pub embargo: Embargo,
}

impl PurgedKFold {
    /// The splitter's name in [`super::SplitterSpec`].
    pub const NAME: &'static str = "purged_kfold";

    /// Splits the rows of `data` by `data.intervals`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        let name = Self::NAME;
        let iv = data.intervals.ok_or(SplitError::Missing {
            splitter: name,
            need: Need::Intervals,
        })?;
        let n = data.n_rows;
        for (what, len) in [
            ("the interval start column", iv.start.len()),
            ("the interval end column", iv.end.len()),
        ] {
            if len != n {
                return Err(SplitError::LengthMismatch {
                    splitter: name,
                    what,
                    len,
                    n_rows: n,
                });
            }
        }
        check_kfold(name, self.n_splits, n)?;
        self.embargo.validate()?;
        let (start, end) = (iv.start, iv.end);
        let mut prev: Option<(usize, f64)> = None;
        for (row, (&s, &e)) in start.iter().zip(end).enumerate() {
            let why = if !s.is_finite() || !e.is_finite() {
                Some("bounds must be finite numbers, not NaN or infinite")
            } else if e < s {
                Some("it ends before it starts")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(SplitError::InvalidInterval {
                    splitter: name,
                    row,
                    start: s,
                    end: e,
                    why,
                });
            }
            if let Some((prev_row, prev_start)) = prev {
                if s < prev_start {
                    return Err(SplitError::NotSorted {
                        splitter: name,
                        row,
                        start: s,
                        prev_row,
                        prev_start,
                    });
                }
            }
            prev = Some((row, s));
        }
        let embargo_rows = match self.embargo {
            // In [0, 1) times n: fits.
            Embargo::Fraction(p) => (p * n as f64).floor() as usize,
            _ => 0,
        };
        let mut folds = Vec::with_capacity(self.n_splits);
        let mut a = 0usize;
        for (fold, size) in array_split_sizes(n, self.n_splits).enumerate() {
            let b = a + size;
            let t0 = start.get(a).copied().unwrap_or(0.0);
            let t1 = end
                .get(a..b)
                .unwrap_or(&[])
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            let purged_before: Vec<u32> = end
                .get(..a)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(_, &e)| e >= t0)
                .map(|(j, _)| j as u32)
                .collect();
            let after = start.get(b..).unwrap_or(&[]);
            let purged_to = b + after.partition_point(|&s| s <= t1);
            let train_from = match self.embargo {
                Embargo::None => purged_to,
                Embargo::Fraction(_) => (purged_to + embargo_rows).min(n),
                Embargo::Duration(d) => {
                    let limit = t1 + d;
                    purged_to
                        + start
                            .get(purged_to..)
                            .unwrap_or(&[])
                            .partition_point(|&s| s <= limit)
                }
            };
            // Bounds are <= n <= MAX_ROWS.
            let f = PurgedFold {
                test: a as u32..b as u32,
                purged_before,
                train_after: train_from as u32..n as u32,
            };
            if a - f.purged_before.len() + f.train_after.len() == 0 {
                return Err(SplitError::EmptyTrain {
                    splitter: name,
                    fold,
                    why: format!(
                        "every row outside the test block [{a}, {b}) overlaps its span [{t0}, {t1}] or falls in the embargo"
                    ),
                });
            }
            folds.push(f);
            a = b;
        }
        Ok(Folds::new(name, n, Layout::Purged(folds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkf(start: &[f64], end: &[f64], k: usize, embargo: Embargo) -> Result<Folds, SplitError> {
        PurgedKFold {
            n_splits: k,
            embargo,
        }
        .split(&SplitData::new(start.len()).with_intervals(start, end))
    }

    fn as_vecs(folds: &Folds) -> Vec<(Vec<u32>, Vec<u32>)> {
        folds
            .iter()
            .map(|f| (f.train_to_vec(), f.test_to_vec()))
            .collect()
    }

    #[test]
    fn point_labels_without_embargo_are_plain_kfold() {
        let t: Vec<f64> = (0..6).map(f64::from).collect();
        let f = pkf(&t, &t, 3, Embargo::None).unwrap();
        assert_eq!(
            as_vecs(&f),
            vec![
                (vec![2, 3, 4, 5], vec![0, 1]),
                (vec![0, 1, 4, 5], vec![2, 3]),
                (vec![0, 1, 2, 3], vec![4, 5]),
            ]
        );
    }

    #[test]
    fn overlapping_labels_are_purged() {
        // Row j observed at time j, label ends at j + 2 (closed interval [j, j + 2]).
        let start: Vec<f64> = (0..10).map(f64::from).collect();
        let end: Vec<f64> = start.iter().map(|s| s + 2.0).collect();
        let f = pkf(&start, &end, 5, Embargo::None).unwrap();
        let v = as_vecs(&f);
        // Fold 0 tests rows 0, 1: span [0, 3]. Rows 2, 3 start <= 3: purged.
        assert_eq!(v[0], (vec![4, 5, 6, 7, 8, 9], vec![0, 1]));
        // Fold 2 tests rows 4, 5: span [4, 7]. Before: rows 2, 3 end at 4, 5 >= 4: purged.
        // After: rows 6, 7 start <= 7: purged.
        assert_eq!(v[2], (vec![0, 1, 8, 9], vec![4, 5]));
        // Fold 4 tests rows 8, 9: span [8, 11]. Rows 6, 7 end at 8, 9: purged.
        assert_eq!(v[4], (vec![0, 1, 2, 3, 4, 5], vec![8, 9]));
        assert_eq!(f.fold(2).unwrap().train_len(), 4);
        assert_eq!(f.test_fold_of_row(0, 5), Some(2));
    }

    #[test]
    fn embargo_removes_rows_after_the_block() {
        let start: Vec<f64> = (0..10).map(f64::from).collect();
        let end: Vec<f64> = start.iter().map(|s| s + 1.0).collect();
        // Fold 1 tests rows 2, 3: span [2, 4]; row 1 ends at 2 (touches): purged; row 4 starts
        // at 4: purged.
        let none = as_vecs(&pkf(&start, &end, 5, Embargo::None).unwrap());
        assert_eq!(none[1], (vec![0, 5, 6, 7, 8, 9], vec![2, 3]));
        // Duration 2: rows starting in (4, 6] -> rows 5, 6 are embargoed.
        let dur = as_vecs(&pkf(&start, &end, 5, Embargo::Duration(2.0)).unwrap());
        assert_eq!(dur[1], (vec![0, 7, 8, 9], vec![2, 3]));
        // Fraction 0.1 of 10 rows = 1 row after the purged ones: row 5.
        let frac = as_vecs(&pkf(&start, &end, 5, Embargo::Fraction(0.1)).unwrap());
        assert_eq!(frac[1], (vec![0, 6, 7, 8, 9], vec![2, 3]));
        // The last block has nothing after it; the embargo never reaches back.
        assert_eq!(frac[4], (vec![0, 1, 2, 3, 4, 5, 6], vec![8, 9]));
    }

    #[test]
    fn long_labels_purge_non_contiguous_rows_before() {
        // Row 1's label reaches far; rows 0 and 2 do not.
        let start = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let end = [0.5, 4.5, 2.5, 3.5, 4.5, 5.5];
        let f = pkf(&start, &end, 3, Embargo::None).unwrap();
        // Fold 2 tests rows 4, 5: span [4, 5.5]; row 1 ends at 4.5 >= 4: purged.
        assert_eq!(as_vecs(&f)[2], (vec![0, 2, 3], vec![4, 5]));
        // Fold 1 tests rows 2, 3: span [2, 3.5]; row 1 overlaps; row 4 starts at 4 > 3.5.
        assert_eq!(as_vecs(&f)[1], (vec![0, 4, 5], vec![2, 3]));
    }

    #[test]
    fn errors() {
        let s = [0.0, 1.0, 2.0, 3.0];
        let err = pkf(&s, &[0.0, f64::NAN, 2.0, 3.0], 2, Embargo::None).unwrap_err();
        assert!(
            err.to_string()
                .contains("row 1 has an invalid label interval"),
            "{err}"
        );
        let err = pkf(&s, &[0.0, 0.5, 2.0, 3.0], 2, Embargo::None).unwrap_err();
        assert!(err.to_string().contains("ends before it starts"));
        let err = pkf(
            &[0.0, 2.0, 1.0, 3.0],
            &[0.0, 2.0, 1.0, 3.0],
            2,
            Embargo::None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `purged_kfold`: rows must be sorted by label start time, but row 2 starts at 1 before row 1 at 2"
        );
        let err = pkf(&s, &[9.0, 9.0, 9.0, 9.0], 2, Embargo::None).unwrap_err();
        assert!(matches!(err, SplitError::EmptyTrain { fold: 0, .. }));
        assert!(pkf(&s, &s, 2, Embargo::Fraction(1.0)).is_err());
        assert!(pkf(&s, &s, 2, Embargo::Duration(-1.0)).is_err());
        assert!(pkf(&s, &s, 5, Embargo::None).is_err());
        let err = PurgedKFold {
            n_splits: 2,
            embargo: Embargo::None,
        }
        .split(&SplitData::new(4))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `purged_kfold` needs label intervals (start and end columns)"
        );
        let err = PurgedKFold {
            n_splits: 2,
            embargo: Embargo::None,
        }
        .split(&SplitData::new(4).with_intervals(&s, &s[..3]))
        .unwrap_err();
        assert!(matches!(err, SplitError::LengthMismatch { len: 3, .. }));
    }

    #[test]
    fn embargo_parsing() {
        assert_eq!("0.01".parse::<Embargo>(), Ok(Embargo::Fraction(0.01)));
        assert_eq!("2%".parse::<Embargo>(), Ok(Embargo::Fraction(0.02)));
        assert_eq!(
            "duration:3600".parse::<Embargo>(),
            Ok(Embargo::Duration(3600.0))
        );
        assert_eq!("none".parse::<Embargo>(), Ok(Embargo::None));
        assert!("5".parse::<Embargo>().is_err());
        assert!("duration:-1".parse::<Embargo>().is_err());
        assert!("x".parse::<Embargo>().is_err());
    }
}
