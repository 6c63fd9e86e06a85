//! [`SplitterSpec`]: a splitter chosen by name with its parameters, for front ends.

use super::{
    Embargo, Folds, GroupKFold, KFold, LeaveOneGroupOut, Needs, PurgedKFold, RepeatedKFold,
    RepeatedStratifiedKFold, ShuffleSplit, SplitData, SplitError, SplitSize, StratifiedGroupKFold,
    StratifiedKFold, StratifiedShuffleSplit, TimeSeriesSplit, MAX_REPEATS, MAX_SPLITS,
};

/// The splitters by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitterKind {
    /// [`KFold`].
    KFold,
    /// [`StratifiedKFold`].
    StratifiedKFold,
    /// [`GroupKFold`].
    GroupKFold,
    /// [`StratifiedGroupKFold`].
    StratifiedGroupKFold,
    /// [`RepeatedKFold`].
    RepeatedKFold,
    /// [`RepeatedStratifiedKFold`].
    RepeatedStratifiedKFold,
    /// [`ShuffleSplit`].
    ShuffleSplit,
    /// [`StratifiedShuffleSplit`].
    StratifiedShuffleSplit,
    /// [`TimeSeriesSplit`].
    TimeSeries,
    /// [`LeaveOneGroupOut`].
    LeaveOneGroupOut,
    /// [`PurgedKFold`].
    PurgedKFold,
}

/// Which [`SplitParams`] fields a splitter accepts.
#[derive(Clone, Copy)]
struct Accepts {
    n_splits: bool,
    n_repeats: bool,
    shuffle: bool,
    seed: bool,
    sizes: bool,
    time_series: bool,
    embargo: bool,
}

impl SplitterKind {
    /// Every splitter, in documentation order.
    pub const ALL: [SplitterKind; 11] = [
        SplitterKind::KFold,
        SplitterKind::StratifiedKFold,
        SplitterKind::GroupKFold,
        SplitterKind::StratifiedGroupKFold,
        SplitterKind::RepeatedKFold,
        SplitterKind::RepeatedStratifiedKFold,
        SplitterKind::ShuffleSplit,
        SplitterKind::StratifiedShuffleSplit,
        SplitterKind::TimeSeries,
        SplitterKind::LeaveOneGroupOut,
        SplitterKind::PurgedKFold,
    ];

    /// The name (`kfold`, `stratified_kfold`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SplitterKind::KFold => KFold::NAME,
            SplitterKind::StratifiedKFold => StratifiedKFold::NAME,
            SplitterKind::GroupKFold => GroupKFold::NAME,
            SplitterKind::StratifiedGroupKFold => StratifiedGroupKFold::NAME,
            SplitterKind::RepeatedKFold => RepeatedKFold::NAME,
            SplitterKind::RepeatedStratifiedKFold => RepeatedStratifiedKFold::NAME,
            SplitterKind::ShuffleSplit => ShuffleSplit::NAME,
            SplitterKind::StratifiedShuffleSplit => StratifiedShuffleSplit::NAME,
            SplitterKind::TimeSeries => TimeSeriesSplit::NAME,
            SplitterKind::LeaveOneGroupOut => LeaveOneGroupOut::NAME,
            SplitterKind::PurgedKFold => PurgedKFold::NAME,
        }
    }

    /// The per-row inputs the splitter needs.
    pub fn needs(self) -> Needs {
        use SplitterKind as K;
        Needs {
            classes: matches!(
                self,
                K::StratifiedKFold
                    | K::StratifiedGroupKFold
                    | K::RepeatedStratifiedKFold
                    | K::StratifiedShuffleSplit
            ),
            groups: matches!(
                self,
                K::GroupKFold | K::StratifiedGroupKFold | K::LeaveOneGroupOut
            ),
            intervals: matches!(self, K::PurgedKFold),
        }
    }

    fn accepts(self) -> Accepts {
        use SplitterKind as K;
        let none = Accepts {
            n_splits: false,
            n_repeats: false,
            shuffle: false,
            seed: false,
            sizes: false,
            time_series: false,
            embargo: false,
        };
        match self {
            K::KFold | K::StratifiedKFold | K::GroupKFold | K::StratifiedGroupKFold => Accepts {
                n_splits: true,
                shuffle: true,
                seed: true,
                ..none
            },
            K::RepeatedKFold | K::RepeatedStratifiedKFold => Accepts {
                n_splits: true,
                n_repeats: true,
                seed: true,
                ..none
            },
            K::ShuffleSplit | K::StratifiedShuffleSplit => Accepts {
                n_splits: true,
                seed: true,
                sizes: true,
                ..none
            },
            K::TimeSeries => Accepts {
                n_splits: true,
                time_series: true,
                ..none
            },
            K::LeaveOneGroupOut => none,
            K::PurgedKFold => Accepts {
                n_splits: true,
                embargo: true,
                ..none
            },
        }
    }
}

impl std::fmt::Display for SplitterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for SplitterKind {
    type Err = SplitError;

    /// A name from [`SplitterKind::ALL`]; case and `-` versus `_` do not matter.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        SplitterKind::ALL
            .into_iter()
            .find(|k| k.name() == norm)
            .ok_or_else(|| SplitError::UnknownSplitter {
                name: s.to_string(),
                known: SplitterKind::ALL.map(|k| k.name()).join(", "),
            })
    }
}

/// Splitter parameters as a front end collects them; `None` means the default.
///
/// Defaults (scikit-learn's, except the seed): `n_splits` 5 (10 for the shuffle splits),
/// `n_repeats` 10, `shuffle` false, `seed` 0 (scikit-learn's `random_state=None` is not
/// reproducible; assay always seeds), `test_size` 0.1 when neither size is given, `gap` 0, no
/// `max_train_size`, no `embargo`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SplitParams {
    /// Number of folds (or splits).
    pub n_splits: Option<usize>,
    /// Repetitions (repeated k-fold splitters).
    pub n_repeats: Option<usize>,
    /// Shuffle before splitting (k-fold family).
    pub shuffle: Option<bool>,
    /// numpy `RandomState` seed, `0..=4294967295`.
    pub seed: Option<u64>,
    /// Test size (shuffle splits: fraction or count; time series: count).
    pub test_size: Option<SplitSize>,
    /// Training size (shuffle splits).
    pub train_size: Option<SplitSize>,
    /// Rows between train and test (time series).
    pub gap: Option<usize>,
    /// Most recent training rows kept (time series).
    pub max_train_size: Option<usize>,
    /// Embargo after each test block (purged k-fold).
    pub embargo: Option<Embargo>,
}

/// A configured splitter.
///
/// ```
/// use assay_stats::splitters::{SplitData, SplitParams, SplitterSpec};
///
/// let params = SplitParams { n_splits: Some(4), shuffle: Some(true), seed: Some(7), ..Default::default() };
/// let spec = SplitterSpec::from_name("stratified_kfold", &params).unwrap();
/// assert!(spec.what_it_needs().classes);
/// let err = spec.split(&SplitData::new(8)).unwrap_err();
/// assert_eq!(err.to_string(), "splitter `stratified_kfold` needs class labels (a column to stratify on)");
/// let classes = [0, 1, 0, 1, 0, 1, 0, 1];
/// let folds = spec.split(&SplitData::new(8).with_classes(&classes)).unwrap();
/// assert_eq!(folds.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SplitterSpec {
    /// [`KFold`].
    KFold(KFold),
    /// [`StratifiedKFold`].
    StratifiedKFold(StratifiedKFold),
    /// [`GroupKFold`].
    GroupKFold(GroupKFold),
    /// [`StratifiedGroupKFold`].
    StratifiedGroupKFold(StratifiedGroupKFold),
    /// [`RepeatedKFold`].
    RepeatedKFold(RepeatedKFold),
    /// [`RepeatedStratifiedKFold`].
    RepeatedStratifiedKFold(RepeatedStratifiedKFold),
    /// [`ShuffleSplit`].
    ShuffleSplit(ShuffleSplit),
    /// [`StratifiedShuffleSplit`].
    StratifiedShuffleSplit(StratifiedShuffleSplit),
    /// [`TimeSeriesSplit`].
    TimeSeries(TimeSeriesSplit),
    /// [`LeaveOneGroupOut`].
    LeaveOneGroupOut(LeaveOneGroupOut),
    /// [`PurgedKFold`].
    PurgedKFold(PurgedKFold),
}

impl SplitterSpec {
    /// The splitter named `name` with `params`. Errors on an unknown name, a parameter the
    /// splitter does not use, a seed with `shuffle` false (as scikit-learn), a seed above
    /// 2^32 - 1, a fractional `test_size` for `time_series`, more than [`MAX_SPLITS`] splits,
    /// more than [`MAX_REPEATS`] repetitions, or more than [`MAX_SPLITS`] splits over all
    /// repetitions (checked here, before anything is allocated). Other parameter ranges are
    /// checked when splitting.
    pub fn from_name(name: &str, params: &SplitParams) -> Result<Self, SplitError> {
        let kind: SplitterKind = name.parse()?;
        let splitter = kind.name();
        let acc = kind.accepts();
        let given = [
            ("n_splits", params.n_splits.is_some(), acc.n_splits),
            ("n_repeats", params.n_repeats.is_some(), acc.n_repeats),
            ("shuffle", params.shuffle.is_some(), acc.shuffle),
            ("seed", params.seed.is_some(), acc.seed),
            (
                "test_size",
                params.test_size.is_some(),
                acc.sizes || acc.time_series,
            ),
            ("train_size", params.train_size.is_some(), acc.sizes),
            ("gap", params.gap.is_some(), acc.time_series),
            (
                "max_train_size",
                params.max_train_size.is_some(),
                acc.time_series,
            ),
            ("embargo", params.embargo.is_some(), acc.embargo),
        ];
        if let Some((parameter, _, _)) = given.iter().find(|(_, g, a)| *g && !*a) {
            return Err(SplitError::NotApplicable {
                splitter,
                parameter,
            });
        }
        let seed = match params.seed {
            None => 0,
            Some(s) => u32::try_from(s).map_err(|_| SplitError::InvalidParameter {
                splitter,
                parameter: "seed",
                message: format!(
                    "numpy RandomState seeds must be between 0 and 4294967295, got {s}"
                ),
            })?,
        };
        let shuffle = match (params.shuffle, params.seed) {
            (Some(true), _) => Some(seed),
            (Some(false) | None, Some(_)) if acc.shuffle => {
                return Err(SplitError::InvalidParameter {
                    splitter,
                    parameter: "seed",
                    message: "setting a seed has no effect since shuffle is false; set shuffle or leave the seed out".to_string(),
                })
            }
            _ => None,
        };
        let k = params.n_splits.unwrap_or(5);
        let n_repeats = params.n_repeats.unwrap_or(10);
        let shuffle_n = params.n_splits.unwrap_or(10);
        use SplitterKind as K;
        let too_many = |parameter: &'static str, message: String| SplitError::InvalidParameter {
            splitter,
            parameter,
            message,
        };
        if let Some(n) = params.n_splits {
            if n > MAX_SPLITS {
                return Err(too_many(
                    "n_splits",
                    format!(
                        "at most {MAX_SPLITS} splits are allowed (each split trains a model in \
                         cross-validation), got {n}"
                    ),
                ));
            }
        }
        if matches!(kind, K::RepeatedKFold | K::RepeatedStratifiedKFold) {
            if n_repeats > MAX_REPEATS {
                return Err(too_many(
                    "n_repeats",
                    format!(
                        "at most {MAX_REPEATS} repetitions are allowed (each holds a shuffled \
                         partition of the rows), got {n_repeats}"
                    ),
                ));
            }
            if k.saturating_mul(n_repeats) > MAX_SPLITS {
                return Err(too_many(
                    "n_repeats",
                    format!(
                        "n_splits × n_repeats must be at most {MAX_SPLITS} (each split of every \
                         repetition trains a model in cross-validation), got {k} × {n_repeats}"
                    ),
                ));
            }
        }
        Ok(match kind {
            K::KFold => SplitterSpec::KFold(KFold {
                n_splits: k,
                shuffle,
            }),
            K::StratifiedKFold => SplitterSpec::StratifiedKFold(StratifiedKFold {
                n_splits: k,
                shuffle,
            }),
            K::GroupKFold => SplitterSpec::GroupKFold(GroupKFold {
                n_splits: k,
                shuffle,
            }),
            K::StratifiedGroupKFold => SplitterSpec::StratifiedGroupKFold(StratifiedGroupKFold {
                n_splits: k,
                shuffle,
            }),
            K::RepeatedKFold => SplitterSpec::RepeatedKFold(RepeatedKFold {
                n_splits: k,
                n_repeats,
                seed,
            }),
            K::RepeatedStratifiedKFold => {
                SplitterSpec::RepeatedStratifiedKFold(RepeatedStratifiedKFold {
                    n_splits: k,
                    n_repeats,
                    seed,
                })
            }
            K::ShuffleSplit => SplitterSpec::ShuffleSplit(ShuffleSplit {
                n_splits: shuffle_n,
                test_size: params.test_size,
                train_size: params.train_size,
                seed,
            }),
            K::StratifiedShuffleSplit => {
                SplitterSpec::StratifiedShuffleSplit(StratifiedShuffleSplit {
                    n_splits: shuffle_n,
                    test_size: params.test_size,
                    train_size: params.train_size,
                    seed,
                })
            }
            K::TimeSeries => {
                let test_size = match params.test_size {
                    None => None,
                    Some(SplitSize::Count(c)) => Some(c),
                    Some(SplitSize::Fraction(f)) => {
                        return Err(SplitError::InvalidParameter {
                            splitter,
                            parameter: "test_size",
                            message: format!("time_series takes a row count, got the fraction {f}"),
                        })
                    }
                };
                SplitterSpec::TimeSeries(TimeSeriesSplit {
                    n_splits: k,
                    max_train_size: params.max_train_size,
                    test_size,
                    gap: params.gap.unwrap_or(0),
                })
            }
            K::LeaveOneGroupOut => SplitterSpec::LeaveOneGroupOut(LeaveOneGroupOut),
            K::PurgedKFold => SplitterSpec::PurgedKFold(PurgedKFold {
                n_splits: k,
                embargo: params.embargo.unwrap_or_default(),
            }),
        })
    }

    /// Which splitter this is.
    pub fn kind(&self) -> SplitterKind {
        match self {
            SplitterSpec::KFold(_) => SplitterKind::KFold,
            SplitterSpec::StratifiedKFold(_) => SplitterKind::StratifiedKFold,
            SplitterSpec::GroupKFold(_) => SplitterKind::GroupKFold,
            SplitterSpec::StratifiedGroupKFold(_) => SplitterKind::StratifiedGroupKFold,
            SplitterSpec::RepeatedKFold(_) => SplitterKind::RepeatedKFold,
            SplitterSpec::RepeatedStratifiedKFold(_) => SplitterKind::RepeatedStratifiedKFold,
            SplitterSpec::ShuffleSplit(_) => SplitterKind::ShuffleSplit,
            SplitterSpec::StratifiedShuffleSplit(_) => SplitterKind::StratifiedShuffleSplit,
            SplitterSpec::TimeSeries(_) => SplitterKind::TimeSeries,
            SplitterSpec::LeaveOneGroupOut(_) => SplitterKind::LeaveOneGroupOut,
            SplitterSpec::PurgedKFold(_) => SplitterKind::PurgedKFold,
        }
    }

    /// The splitter's name.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The per-row inputs the splitter needs (classes, groups, intervals).
    pub fn what_it_needs(&self) -> Needs {
        self.kind().needs()
    }

    /// Splits `data`.
    pub fn split(&self, data: &SplitData<'_>) -> Result<Folds, SplitError> {
        match self {
            SplitterSpec::KFold(s) => s.split(data),
            SplitterSpec::StratifiedKFold(s) => s.split(data),
            SplitterSpec::GroupKFold(s) => s.split(data),
            SplitterSpec::StratifiedGroupKFold(s) => s.split(data),
            SplitterSpec::RepeatedKFold(s) => s.split(data),
            SplitterSpec::RepeatedStratifiedKFold(s) => s.split(data),
            SplitterSpec::ShuffleSplit(s) => s.split(data),
            SplitterSpec::StratifiedShuffleSplit(s) => s.split(data),
            SplitterSpec::TimeSeries(s) => s.split(data),
            SplitterSpec::LeaveOneGroupOut(s) => s.split(data),
            SplitterSpec::PurgedKFold(s) => s.split(data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for kind in SplitterKind::ALL {
            assert_eq!(kind.name().parse::<SplitterKind>(), Ok(kind));
            let spec = SplitterSpec::from_name(kind.name(), &SplitParams::default()).unwrap();
            assert_eq!(spec.kind(), kind);
            assert_eq!(spec.name(), kind.name());
        }
        assert_eq!(
            "Stratified-KFold".parse::<SplitterKind>(),
            Ok(SplitterKind::StratifiedKFold)
        );
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let err = SplitterSpec::from_name("kfolds", &SplitParams::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown splitter `kfolds`; known splitters: kfold, stratified_kfold, group_kfold, \
             stratified_group_kfold, repeated_kfold, repeated_stratified_kfold, shuffle_split, \
             stratified_shuffle_split, time_series, leave_one_group_out, purged_kfold"
        );
    }

    #[test]
    fn needs() {
        let need = |n: &str| {
            SplitterSpec::from_name(n, &SplitParams::default())
                .unwrap()
                .what_it_needs()
        };
        assert_eq!(need("kfold"), Needs::default());
        assert!(need("stratified_kfold").classes);
        assert!(need("stratified_group_kfold").classes && need("stratified_group_kfold").groups);
        assert!(need("leave_one_group_out").groups);
        assert!(need("purged_kfold").intervals && !need("purged_kfold").classes);
        assert!(need("stratified_shuffle_split").classes);
    }

    #[test]
    fn defaults_and_parameters() {
        let spec = SplitterSpec::from_name("kfold", &SplitParams::default()).unwrap();
        assert_eq!(
            spec,
            SplitterSpec::KFold(KFold {
                n_splits: 5,
                shuffle: None
            })
        );
        let p = SplitParams {
            shuffle: Some(true),
            ..Default::default()
        };
        let spec = SplitterSpec::from_name("group_kfold", &p).unwrap();
        assert_eq!(
            spec,
            SplitterSpec::GroupKFold(GroupKFold {
                n_splits: 5,
                shuffle: Some(0)
            })
        );
        let spec = SplitterSpec::from_name("shuffle_split", &SplitParams::default()).unwrap();
        assert_eq!(
            spec,
            SplitterSpec::ShuffleSplit(ShuffleSplit {
                n_splits: 10,
                test_size: None,
                train_size: None,
                seed: 0
            })
        );
        let p = SplitParams {
            n_splits: Some(3),
            seed: Some(9),
            ..Default::default()
        };
        let spec = SplitterSpec::from_name("repeated_stratified_kfold", &p).unwrap();
        assert_eq!(
            spec,
            SplitterSpec::RepeatedStratifiedKFold(RepeatedStratifiedKFold {
                n_splits: 3,
                n_repeats: 10,
                seed: 9
            })
        );
        let p = SplitParams {
            test_size: Some(SplitSize::Count(3)),
            gap: Some(1),
            ..Default::default()
        };
        let spec = SplitterSpec::from_name("time_series", &p).unwrap();
        assert_eq!(
            spec,
            SplitterSpec::TimeSeries(TimeSeriesSplit {
                n_splits: 5,
                max_train_size: None,
                test_size: Some(3),
                gap: 1
            })
        );
    }

    #[test]
    fn parameter_errors() {
        let p = SplitParams {
            gap: Some(2),
            ..Default::default()
        };
        assert_eq!(
            SplitterSpec::from_name("kfold", &p)
                .unwrap_err()
                .to_string(),
            "parameter `gap` does not apply to splitter `kfold`"
        );
        let p = SplitParams {
            seed: Some(3),
            ..Default::default()
        };
        let err = SplitterSpec::from_name("kfold", &p).unwrap_err();
        assert!(err.to_string().contains("shuffle is false"));
        let p = SplitParams {
            shuffle: Some(true),
            seed: Some(1 << 32),
            ..Default::default()
        };
        let err = SplitterSpec::from_name("kfold", &p).unwrap_err();
        assert!(err.to_string().contains("between 0 and 4294967295"));
        let p = SplitParams {
            test_size: Some(SplitSize::Fraction(0.2)),
            ..Default::default()
        };
        assert!(SplitterSpec::from_name("time_series", &p).is_err());
        let p = SplitParams {
            n_splits: Some(3),
            ..Default::default()
        };
        assert!(SplitterSpec::from_name("leave_one_group_out", &p).is_err());
        let p = SplitParams {
            embargo: Some(Embargo::Fraction(0.01)),
            ..Default::default()
        };
        assert!(SplitterSpec::from_name("purged_kfold", &p).is_ok());
        assert!(SplitterSpec::from_name("time_series", &p).is_err());
    }
}
