//! Cross-validation splitters: which rows train and which rows test in each fold.
//!
//! Every splitter follows scikit-learn 1.9.1 (`sklearn.model_selection`) fold for fold,
//! including the order of the indices inside each train and test set, except [`PurgedKFold`],
//! which scikit-learn does not have (López de Prado, *Advances in Financial Machine Learning*,
//! ch. 7). Shuffled variants reimplement numpy's legacy `RandomState` ([`numpy_random`]) and
//! reproduce scikit-learn's `random_state=seed` exactly for an integer seed:
//!
//! | splitter | scikit-learn class | exact? |
//! |---|---|---|
//! | [`KFold`] | `KFold` | yes, shuffled too |
//! | [`StratifiedKFold`] | `StratifiedKFold` | yes, shuffled too |
//! | [`GroupKFold`] | `GroupKFold` | yes, shuffled too |
//! | [`StratifiedGroupKFold`] | `StratifiedGroupKFold` | yes, shuffled too (numpy's float sums reproduced) |
//! | [`RepeatedKFold`] | `RepeatedKFold` | yes |
//! | [`RepeatedStratifiedKFold`] | `RepeatedStratifiedKFold` | yes |
//! | [`ShuffleSplit`] | `ShuffleSplit` | yes |
//! | [`StratifiedShuffleSplit`] | `StratifiedShuffleSplit` | yes |
//! | [`TimeSeriesSplit`] | `TimeSeriesSplit` | yes |
//! | [`LeaveOneGroupOut`] | `LeaveOneGroupOut` | yes |
//! | [`PurgedKFold`] | — (AFML ch. 7) | defined in its doc |
//!
//! The parity fixtures are written by `scripts/gen_split_fixtures.py`.
//!
//! # Inputs
//!
//! A splitter reads a [`SplitData`]: the number of rows and, when it needs them, per-row class
//! codes, group codes or label intervals. Codes are `u32` whose numeric order is the sorted
//! order of the original labels (what `np.unique` would sort), so anything scikit-learn derives
//! from sorted labels or from first appearance is reproduced from the codes alone; codes need
//! not be dense.
//!
//! # Outputs
//!
//! A [`Folds`] holds index sets over the source rows, never copies of data, compactly:
//! partition splitters (the k-fold family and [`LeaveOneGroupOut`]) keep one `u32` test-fold id
//! per row (per repetition) and produce each fold's train and test indices on demand;
//! [`TimeSeriesSplit`] keeps ranges; [`PurgedKFold`] keeps ranges plus the purged rows before
//! each test block; the shuffle splits keep their index vectors. Row indices are `u32`: at most
//! [`MAX_ROWS`] rows (about 4.29e9); more is an error.
//!
//! # Stricter than scikit-learn
//!
//! A stratified k-fold splitter given a class with fewer members than `n_splits` is an error
//! here ([`SplitError::ClassTooSmall`]), where scikit-learn only warns and builds folds that
//! miss that class. Seeds are always explicit integers (`random_state=None` has no
//! equivalent): [`SplitterSpec`] defaults them to 0.
//!
//! ```
//! use assay_stats::splitters::{SplitData, StratifiedKFold};
//!
//! let classes = [0, 0, 0, 1, 1, 1];
//! let folds = StratifiedKFold { n_splits: 3, shuffle: None }
//!     .split(&SplitData::new(6).with_classes(&classes))
//!     .unwrap();
//! assert_eq!(folds.len(), 3);
//! let first = folds.fold(0).unwrap();
//! assert_eq!(first.test_to_vec(), vec![0, 3]);
//! assert_eq!(first.train_to_vec(), vec![1, 2, 4, 5]);
//! assert_eq!(folds.test_fold_of_row(0, 4), Some(1));
//! ```

mod folds;
mod group_kfold;
mod kfold;
mod leave_one_group_out;
pub mod numpy_random;
mod purged_kfold;
mod repeated_kfold;
mod repeated_stratified_kfold;
mod shuffle_split;
mod spec;
mod stratified_group_kfold;
mod stratified_kfold;
mod stratified_shuffle_split;
mod time_series_split;

use std::borrow::Cow;

pub use folds::{Fold, Folds, Indices};
pub use group_kfold::GroupKFold;
pub use kfold::KFold;
pub use leave_one_group_out::LeaveOneGroupOut;
pub use purged_kfold::{Embargo, PurgedKFold};
pub use repeated_kfold::RepeatedKFold;
pub use repeated_stratified_kfold::RepeatedStratifiedKFold;
pub use shuffle_split::ShuffleSplit;
pub use spec::{SplitParams, SplitterKind, SplitterSpec};
pub use stratified_group_kfold::StratifiedGroupKFold;
pub use stratified_kfold::StratifiedKFold;
pub use stratified_shuffle_split::StratifiedShuffleSplit;
pub use time_series_split::TimeSeriesSplit;

/// The largest number of rows a splitter accepts: row indices are `u32`.
pub const MAX_ROWS: usize = u32::MAX as usize;

/// The most splits (`n_splits`) [`SplitterSpec::from_name`] accepts: cross-validation trains
/// one model per split, and the shuffle splits hold a permutation of the rows per split.
pub const MAX_SPLITS: usize = 1_000;

/// The most repetitions (`n_repeats`) [`SplitterSpec::from_name`] accepts: each holds a
/// shuffled partition of the rows. Beyond about 100 the mean over folds no longer moves.
pub const MAX_REPEATS: usize = 100;

/// Per-row label intervals `[start, end]` (for example epoch seconds), for [`PurgedKFold`].
#[derive(Debug, Clone, Copy)]
pub struct Intervals<'a> {
    /// When each row's label starts (its observation time).
    pub start: &'a [f64],
    /// When each row's label ends (the last time its outcome depends on).
    pub end: &'a [f64],
}

/// What a splitter splits: the number of rows and the per-row inputs it may need.
#[derive(Debug, Clone, Copy, Default)]
pub struct SplitData<'a> {
    /// Number of rows.
    pub n_rows: usize,
    /// Class code per row (stratified splitters), numeric order = sorted label order.
    pub classes: Option<&'a [u32]>,
    /// Group code per row (group splitters), numeric order = sorted label order.
    pub groups: Option<&'a [u32]>,
    /// Label interval per row ([`PurgedKFold`]).
    pub intervals: Option<Intervals<'a>>,
}

impl<'a> SplitData<'a> {
    /// `n_rows` rows with no classes, groups or intervals.
    pub fn new(n_rows: usize) -> Self {
        Self {
            n_rows,
            ..Self::default()
        }
    }

    /// The same rows with class codes.
    pub fn with_classes(mut self, classes: &'a [u32]) -> Self {
        self.classes = Some(classes);
        self
    }

    /// The same rows with group codes.
    pub fn with_groups(mut self, groups: &'a [u32]) -> Self {
        self.groups = Some(groups);
        self
    }

    /// The same rows with label intervals `[start[i], end[i]]`.
    pub fn with_intervals(mut self, start: &'a [f64], end: &'a [f64]) -> Self {
        self.intervals = Some(Intervals { start, end });
        self
    }
}

/// One per-row input a splitter may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Class labels (a column to stratify on).
    Classes,
    /// Group labels (a column whose values must not be split across train and test).
    Groups,
    /// Label intervals (start and end columns).
    Intervals,
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Need::Classes => "class labels (a column to stratify on)",
            Need::Groups => "group labels (a group column)",
            Need::Intervals => "label intervals (start and end columns)",
        })
    }
}

/// The per-row inputs a splitter needs, for front ends to ask for the right columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Needs [`SplitData::classes`].
    pub classes: bool,
    /// Needs [`SplitData::groups`].
    pub groups: bool,
    /// Needs [`SplitData::intervals`].
    pub intervals: bool,
}

impl Needs {
    /// The needs as a list, in the order classes, groups, intervals.
    pub fn list(&self) -> Vec<Need> {
        let mut out = Vec::new();
        if self.classes {
            out.push(Need::Classes);
        }
        if self.groups {
            out.push(Need::Groups);
        }
        if self.intervals {
            out.push(Need::Intervals);
        }
        out
    }
}

/// A train or test size of a shuffle split: scikit-learn's float (a fraction of the rows) or
/// int (a count of rows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SplitSize {
    /// A fraction of the rows in `(0, 1)` (a Python float in scikit-learn).
    Fraction(f64),
    /// A number of rows in `1..n_rows` (a Python int in scikit-learn).
    Count(usize),
}

impl std::fmt::Display for SplitSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitSize::Fraction(x) => write!(f, "{x}"),
            SplitSize::Count(n) => write!(f, "{n}"),
        }
    }
}

impl std::str::FromStr for SplitSize {
    type Err = SplitError;

    /// `"20"` is a count; `"0.2"`, `"2e-1"` and `"20%"` are fractions (as Python would type
    /// the literal).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || SplitError::InvalidParameter {
            splitter: "shuffle split",
            parameter: "size",
            message: format!("`{s}` is neither a row count (20) nor a fraction (0.2 or 20%)"),
        };
        if let Some(p) = t.strip_suffix('%') {
            let x: f64 = p.trim().parse().map_err(|_| bad())?;
            return Ok(SplitSize::Fraction(x / 100.0));
        }
        if t.contains(['.', 'e', 'E']) || t.eq_ignore_ascii_case("nan") {
            return t.parse().map(SplitSize::Fraction).map_err(|_| bad());
        }
        t.parse().map(SplitSize::Count).map_err(|_| bad())
    }
}

/// Why a split could not be made. Messages name the splitter and the offending counts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    /// More rows than `u32` row indices can address.
    #[error("splitter `{splitter}`: {n_rows} rows exceed the limit of {max} rows (row indices are 32-bit)", max = MAX_ROWS)]
    TooManyRows {
        /// Splitter name.
        splitter: &'static str,
        /// Rows given.
        n_rows: usize,
    },
    /// `n_splits` below 2.
    #[error("splitter `{splitter}` needs at least 2 splits, got n_splits={n_splits}")]
    TooFewSplits {
        /// Splitter name.
        splitter: &'static str,
        /// Splits asked for.
        n_splits: usize,
    },
    /// More folds than rows.
    #[error("splitter `{splitter}`: cannot have n_splits={n_splits} greater than the number of rows ({n_rows})")]
    TooManySplits {
        /// Splitter name.
        splitter: &'static str,
        /// Splits asked for.
        n_splits: usize,
        /// Rows given.
        n_rows: usize,
    },
    /// Fewer distinct groups than folds (or than 2 for leave-one-group-out).
    #[error(
        "splitter `{splitter}`: needs at least {needed} distinct groups, the data has {n_groups}"
    )]
    TooFewGroups {
        /// Splitter name.
        splitter: &'static str,
        /// Groups needed (n_splits, or 2).
        needed: usize,
        /// Distinct groups present.
        n_groups: usize,
    },
    /// A class has too few members (fewer than n_splits for stratified k-fold splitters,
    /// fewer than 2 for the stratified shuffle split).
    #[error("splitter `{splitter}`: class code {class} has only {count} rows, fewer than the {needed} required ({why})")]
    ClassTooSmall {
        /// Splitter name.
        splitter: &'static str,
        /// The class code (as given in [`SplitData::classes`]).
        class: u32,
        /// Its number of rows.
        count: usize,
        /// Rows required.
        needed: usize,
        /// Why that many are required.
        why: &'static str,
    },
    /// A required per-row input is missing.
    #[error("splitter `{splitter}` needs {need}")]
    Missing {
        /// Splitter name.
        splitter: &'static str,
        /// What is missing.
        need: Need,
    },
    /// A per-row input does not have one value per row.
    #[error("splitter `{splitter}`: {what} has {len} values but there are {n_rows} rows")]
    LengthMismatch {
        /// Splitter name.
        splitter: &'static str,
        /// Which input.
        what: &'static str,
        /// Its length.
        len: usize,
        /// Rows.
        n_rows: usize,
    },
    /// A parameter value is out of range or malformed.
    #[error("splitter `{splitter}`: invalid {parameter}: {message}")]
    InvalidParameter {
        /// Splitter name.
        splitter: &'static str,
        /// Parameter name.
        parameter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A parameter was given to a splitter that does not use it.
    #[error("parameter `{parameter}` does not apply to splitter `{splitter}`")]
    NotApplicable {
        /// Splitter name.
        splitter: &'static str,
        /// Parameter name.
        parameter: &'static str,
    },
    /// A splitter name that is not known.
    #[error("unknown splitter `{name}`; known splitters: {known}")]
    UnknownSplitter {
        /// The name given.
        name: String,
        /// The known names, comma separated.
        known: String,
    },
    /// Too few rows for TimeSeriesSplit's folds, test size and gap (scikit-learn's errors).
    #[error("splitter `time_series`: {message}")]
    TimeSeriesTooFewRows {
        /// scikit-learn's message with the counts.
        message: String,
    },
    /// A label interval bound is NaN or infinite, or ends before it starts.
    #[error(
        "splitter `{splitter}`: row {row} has an invalid label interval [{start}, {end}] ({why})"
    )]
    InvalidInterval {
        /// Splitter name.
        splitter: &'static str,
        /// Row index.
        row: usize,
        /// Its start.
        start: f64,
        /// Its end.
        end: f64,
        /// What is wrong.
        why: &'static str,
    },
    /// Rows are not sorted by interval start.
    #[error("splitter `{splitter}`: rows must be sorted by label start time, but row {row} starts at {start} before row {prev_row} at {prev_start}")]
    NotSorted {
        /// Splitter name.
        splitter: &'static str,
        /// The first row out of order.
        row: usize,
        /// Its start.
        start: f64,
        /// The row before it.
        prev_row: usize,
        /// That row's start.
        prev_start: f64,
    },
    /// A fold would have no training rows.
    #[error("splitter `{splitter}`: fold {fold} has no training rows left ({why})")]
    EmptyTrain {
        /// Splitter name.
        splitter: &'static str,
        /// Fold index.
        fold: usize,
        /// Why.
        why: String,
    },
}

/// Rejects more than [`MAX_ROWS`] rows; returns the row count as `u32`.
fn check_rows(splitter: &'static str, n_rows: usize) -> Result<u32, SplitError> {
    u32::try_from(n_rows).map_err(|_| SplitError::TooManyRows { splitter, n_rows })
}

/// `_BaseKFold`'s checks: `n_splits >= 2` and `n_splits <= n_rows`.
fn check_kfold(splitter: &'static str, n_splits: usize, n_rows: usize) -> Result<(), SplitError> {
    if n_splits < 2 {
        return Err(SplitError::TooFewSplits { splitter, n_splits });
    }
    check_rows(splitter, n_rows)?;
    if n_splits > n_rows {
        return Err(SplitError::TooManySplits {
            splitter,
            n_splits,
            n_rows,
        });
    }
    Ok(())
}

/// The per-row codes of `need` (classes or groups), checked to have one per row.
fn require_codes<'a>(
    splitter: &'static str,
    data: &SplitData<'a>,
    need: Need,
) -> Result<&'a [u32], SplitError> {
    let (codes, what) = match need {
        Need::Classes => (data.classes, "the class column"),
        Need::Groups => (data.groups, "the group column"),
        Need::Intervals => (None, "the interval columns"),
    };
    let codes = codes.ok_or(SplitError::Missing { splitter, need })?;
    if codes.len() != data.n_rows {
        return Err(SplitError::LengthMismatch {
            splitter,
            what,
            len: codes.len(),
            n_rows: data.n_rows,
        });
    }
    Ok(codes)
}

/// Codes renumbered `0..k` in ascending order of the original codes (`np.unique`'s
/// `return_inverse`), with the original code and row count of each.
struct DenseCodes<'a> {
    /// Dense code per row.
    codes: Cow<'a, [u32]>,
    /// Original code of each dense code, ascending.
    labels: Vec<u32>,
    /// Rows per dense code.
    counts: Vec<usize>,
}

impl<'a> DenseCodes<'a> {
    /// Renumbers `codes`; borrows them when they already are `0..k` with every code present.
    fn new(codes: &'a [u32]) -> Self {
        let Some(&max) = codes.iter().max() else {
            return Self {
                codes: Cow::Borrowed(codes),
                labels: Vec::new(),
                counts: Vec::new(),
            };
        };
        let max = max as usize;
        if max <= codes.len().saturating_mul(2).max(1 << 16) {
            // Lookup table indexed by code.
            let mut counts = vec![0usize; max + 1];
            for &c in codes {
                counts[c as usize] += 1;
            }
            if counts.iter().all(|&n| n > 0) {
                return Self {
                    codes: Cow::Borrowed(codes),
                    labels: (0..=max as u32).collect(),
                    counts,
                };
            }
            let mut map = vec![u32::MAX; max + 1];
            let mut labels = Vec::new();
            let mut dense_counts = Vec::new();
            for (code, &n) in counts.iter().enumerate() {
                if n > 0 {
                    map[code] = labels.len() as u32;
                    labels.push(code as u32);
                    dense_counts.push(n);
                }
            }
            let dense = codes.iter().map(|&c| map[c as usize]).collect();
            Self {
                codes: Cow::Owned(dense),
                labels,
                counts: dense_counts,
            }
        } else {
            // Sparse codes: sort the distinct ones and binary-search each row.
            let mut labels = codes.to_vec();
            labels.sort_unstable();
            labels.dedup();
            let mut counts = vec![0usize; labels.len()];
            let dense: Vec<u32> = codes
                .iter()
                .map(|c| {
                    let k = labels.binary_search(c).unwrap_or(0);
                    counts[k] += 1;
                    k as u32
                })
                .collect();
            Self {
                codes: Cow::Owned(dense),
                labels,
                counts,
            }
        }
    }

    /// Number of distinct codes.
    fn len(&self) -> usize {
        self.labels.len()
    }
}

/// Sizes of `np.array_split(range(n), k)`: the first `n % k` parts get one extra.
fn array_split_sizes(n: usize, k: usize) -> impl Iterator<Item = usize> {
    let (base, extra) = (n.checked_div(k).unwrap_or(0), n.checked_rem(k).unwrap_or(0));
    (0..k).map(move |i| base + usize::from(i < extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_codes_borrow_dense_input() {
        let codes = [1u32, 0, 2, 1];
        let d = DenseCodes::new(&codes);
        assert!(matches!(d.codes, Cow::Borrowed(_)));
        assert_eq!(d.labels, vec![0, 1, 2]);
        assert_eq!(d.counts, vec![1, 2, 1]);
    }

    #[test]
    fn dense_codes_renumber_gaps_and_sparse_codes() {
        let codes = [7u32, 3, 7, 9];
        let d = DenseCodes::new(&codes);
        assert_eq!(&*d.codes, &[1, 0, 1, 2]);
        assert_eq!(d.labels, vec![3, 7, 9]);
        assert_eq!(d.counts, vec![1, 2, 1]);
        let codes = [4_000_000_000u32, 5, 4_000_000_000];
        let d = DenseCodes::new(&codes);
        assert_eq!(&*d.codes, &[1, 0, 1]);
        assert_eq!(d.labels, vec![5, 4_000_000_000]);
        assert_eq!(d.counts, vec![1, 2]);
        let d = DenseCodes::new(&[]);
        assert_eq!(d.len(), 0);
    }

    #[test]
    fn array_split_sizes_match_numpy() {
        // np.array_split(range(11), 3) -> sizes [4, 4, 3]
        assert_eq!(array_split_sizes(11, 3).collect::<Vec<_>>(), vec![4, 4, 3]);
        assert_eq!(
            array_split_sizes(3, 5).collect::<Vec<_>>(),
            vec![1, 1, 1, 0, 0]
        );
    }

    #[test]
    fn split_size_parsing() {
        assert_eq!("20".parse::<SplitSize>(), Ok(SplitSize::Count(20)));
        assert_eq!("0.25".parse::<SplitSize>(), Ok(SplitSize::Fraction(0.25)));
        assert_eq!("25%".parse::<SplitSize>(), Ok(SplitSize::Fraction(0.25)));
        assert_eq!("1e-1".parse::<SplitSize>(), Ok(SplitSize::Fraction(0.1)));
        assert!("abc".parse::<SplitSize>().is_err());
        assert!("-3".parse::<SplitSize>().is_err());
    }

    #[test]
    fn missing_and_mismatched_inputs() {
        let data = SplitData::new(3);
        assert_eq!(
            require_codes("x", &data, Need::Classes),
            Err(SplitError::Missing {
                splitter: "x",
                need: Need::Classes
            })
        );
        let g = [0u32, 1];
        let data = SplitData::new(3).with_groups(&g);
        let err = require_codes("x", &data, Need::Groups).unwrap_err();
        assert_eq!(
            err.to_string(),
            "splitter `x`: the group column has 2 values but there are 3 rows"
        );
    }

    #[test]
    fn needs_list() {
        let n = Needs {
            classes: true,
            groups: true,
            intervals: false,
        };
        assert_eq!(n.list(), vec![Need::Classes, Need::Groups]);
        assert!(Needs::default().list().is_empty());
    }
}
