//! Folds of a cross-validation: the `validation:` section's splitter over the data's rows.

use serde_json::Value;

use assay_stats::splitters::{
    Embargo, Folds, GroupKFold, SplitData, SplitError, SplitParams, SplitSize, SplitterKind,
    SplitterSpec,
};

/// Most folds a cross-validation trains (one model each).
pub const MAX_FOLDS: usize = 1000;

/// A split error with class codes replaced by the class labels of `column`.
pub fn describe_split_error(e: SplitError, column: &str, levels: &[String]) -> String {
    match e {
        SplitError::ClassTooSmall {
            splitter,
            class,
            count,
            needed,
            why,
        } => format!(
            "splitter `{splitter}`: class `{}` of column `{column}` has only {count} row(s), fewer than the {needed} required ({why})",
            levels
                .get(class as usize)
                .map_or_else(|| class.to_string(), Clone::clone)
        ),
        other => other.to_string(),
    }
}

use super::crossval::FoldIndices;
use super::data::CvData;
use crate::evaluation::EvalTask;
use crate::sections::ValidationSection;

/// The folds of a run: the splitter's compact index sets, each fold's row lists made only
/// when that fold is trained.
pub struct FoldPlan {
    folds: Folds,
    per_repetition: usize,
}

impl FoldPlan {
    fn new(folds: Folds) -> Self {
        let reps = folds.n_repetitions().max(1);
        let per_repetition = (folds.len() / reps).max(1);
        Self {
            folds,
            per_repetition,
        }
    }

    /// Number of folds (over every repetition).
    pub fn len(&self) -> usize {
        self.folds.len()
    }

    /// True when there is no fold.
    pub fn is_empty(&self) -> bool {
        self.folds.is_empty()
    }

    /// (repetition, fold within it) of fold `i`.
    pub fn position(&self, i: usize) -> (usize, usize) {
        (i / self.per_repetition, i % self.per_repetition)
    }

    /// The training and validation rows of fold `i`.
    pub fn indices(&self, i: usize) -> Option<FoldIndices> {
        let f = self.folds.fold(i)?;
        let (repeat, fold) = self.position(i);
        Some(FoldIndices {
            repeat,
            fold,
            train: f.train_to_vec(),
            test: f.test_to_vec(),
        })
    }
}

/// The splitter's name: `validation.splitter`, else `stratified_kfold` for classification and
/// `kfold` for regression (scikit-learn's `cross_validate` defaults).
pub fn splitter_spec(settings: &ValidationSection, task: EvalTask) -> String {
    settings.splitter.clone().unwrap_or_else(|| {
        match task {
            EvalTask::Classification => "stratified_kfold",
            EvalTask::Regression => "kfold",
        }
        .to_string()
    })
}

/// A size given as a number (int: rows, float: share) or text (`20%`).
pub fn size_of(key: &str, v: &Value) -> Result<SplitSize, String> {
    match v {
        Value::Number(n) if n.is_u64() => Ok(SplitSize::Count(n.as_u64().unwrap_or(0) as usize)),
        Value::Number(n) => Ok(SplitSize::Fraction(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => s.parse().map_err(|e| format!("{key}: {e}")),
        other => Err(format!(
            "{key} must be a share (0.2) or a row count (200), got {other}"
        )),
    }
}

/// The embargo of purged folds.
pub fn embargo_of(v: &Value) -> Result<Embargo, String> {
    match v {
        Value::Number(n) => Ok(Embargo::Fraction(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => s.parse().map_err(|e| format!("validation.embargo: {e}")),
        other => Err(format!(
            "validation.embargo must be a share (0.01) or duration:SPAN, got {other}"
        )),
    }
}

/// The splitter of `settings` (parameters passed only to splitters that take them).
pub fn build_spec(name: &str, settings: &ValidationSection) -> Result<SplitterSpec, String> {
    let kind: SplitterKind = name
        .parse()
        .map_err(|e| format!("validation.splitter: {e}"))?;
    use SplitterKind as K;
    let k_fold = matches!(
        kind,
        K::KFold | K::StratifiedKFold | K::GroupKFold | K::StratifiedGroupKFold
    );
    let repeated = matches!(kind, K::RepeatedKFold | K::RepeatedStratifiedKFold);
    let shuffled = matches!(kind, K::ShuffleSplit | K::StratifiedShuffleSplit);
    let draws = (k_fold && settings.shuffle) || repeated || shuffled;
    if settings.seed.is_some() && !draws {
        return Err(format!(
            "validation.seed has no effect on splitter `{name}`{} (as scikit-learn, which refuses a random_state there)",
            if k_fold { " without shuffle: true" } else { "" }
        ));
    }
    let params = SplitParams {
        n_splits: (kind != K::LeaveOneGroupOut).then_some(settings.folds),
        n_repeats: repeated.then_some(settings.repeats),
        shuffle: (k_fold && settings.shuffle).then_some(true),
        seed: ((k_fold && settings.shuffle) || repeated || shuffled)
            .then_some(settings.seed.unwrap_or(0)),
        test_size: settings
            .test_size
            .as_ref()
            .map(|v| size_of("validation.test_size", v))
            .transpose()?,
        train_size: settings
            .train_size
            .as_ref()
            .map(|v| size_of("validation.train_size", v))
            .transpose()?,
        gap: (kind == K::TimeSeries).then_some(settings.gap),
        max_train_size: settings.max_train_size,
        embargo: settings.embargo.as_ref().map(embargo_of).transpose()?,
    };
    SplitterSpec::from_name(name, &params).map_err(|e| e.to_string())
}

/// The folds of `data` under the section's splitter.
pub fn make_folds(data: &CvData, settings: &ValidationSection) -> Result<FoldPlan, String> {
    let name = splitter_spec(settings, data.task);
    let spec = build_spec(&name, settings)?;
    let needs = spec.what_it_needs();
    let (classes, class_column, class_levels): (Option<Vec<u32>>, String, Vec<String>) = if needs
        .classes
    {
        match &settings.stratify {
                Some(c) => {
                    let (codes, levels) = data.codes_of(c)?;
                    (Some(codes), c.clone(), levels)
                }
                None if data.task == EvalTask::Classification => (
                    Some(data.y_class.clone()),
                    data.target.clone(),
                    data.classes.clone(),
                ),
                None => {
                    return Err(format!(
                        "splitter `{name}` stratifies on classes, but the target is numeric: name a column in validation.stratify (--stratify)"
                    ))
                }
            }
    } else {
        (None, String::new(), Vec::new())
    };
    let groups: Option<Vec<u32>> = if needs.groups {
        let g = settings.group.as_ref().ok_or_else(|| {
            format!("splitter `{name}` needs a group column: validation.group (--group)")
        })?;
        Some(data.codes_of(g)?.0)
    } else {
        None
    };
    let intervals: Option<(Vec<f64>, Vec<f64>)> = if needs.intervals {
        let (Some(s), Some(e)) = (&settings.interval_start, &settings.interval_end) else {
            return Err(format!(
                "splitter `{name}` needs each row's label interval: validation.interval_start and interval_end (--interval-start, --interval-end)"
            ));
        };
        Some((data.numbers_of(s)?, data.numbers_of(e)?))
    } else {
        None
    };
    let mut split = SplitData::new(data.rows());
    if let Some(c) = &classes {
        split = split.with_classes(c);
    }
    if let Some(g) = &groups {
        split = split.with_groups(g);
    }
    if let Some((s, e)) = &intervals {
        split = split.with_intervals(s, e);
    }
    let folds = spec
        .split(&split)
        .map_err(|e| describe_split_error(e, &class_column, &class_levels))?;
    if folds.len() > MAX_FOLDS {
        return Err(format!(
            "splitter `{name}` makes {} folds: cross-validation trains a model per fold and stops at {MAX_FOLDS} (group the column more coarsely, or use group_kfold)",
            folds.len()
        ));
    }
    Ok(FoldPlan::new(folds))
}

/// A group k-fold over `codes` with `k` folds.
pub fn group_folds(codes: &[u32], k: usize) -> Result<FoldPlan, String> {
    let splitter = GroupKFold {
        n_splits: k,
        shuffle: None,
    };
    let folds = splitter
        .split(&SplitData::new(codes.len()).with_groups(codes))
        .map_err(|e| e.to_string())?;
    Ok(FoldPlan::new(folds))
}
