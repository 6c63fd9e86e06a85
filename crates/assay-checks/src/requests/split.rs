//! [`SplitOptions`]: how rows are split into folds (`assay split` and `assay crossval`'s
//! splitter flags), and [`split`]: the folds of a dataset, as `assay split` computes them.

use serde::Deserialize;
use serde_json::Value;

use assay_engine::{open_source, Engine, ReadOptions};
use assay_stats::splitters::{Folds, SplitterKind};

use crate::sections::ValidationSection;
use crate::validation::folds::{build_spec, describe_split_error};
use crate::validation::split_source::{SplitColumns, SplitInputs};

/// How rows are split into folds (every field as the flag of the same name).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SplitOptions {
    /// kfold, stratified_kfold, group_kfold, ... (crossval default: stratified_kfold for
    /// classification, kfold for regression).
    pub splitter: Option<String>,
    /// Folds (n_splits).
    pub folds: Option<usize>,
    /// Repetitions of the repeated splitters.
    pub repeats: Option<usize>,
    /// Shuffle before splitting (k-fold splitters).
    pub shuffle: bool,
    /// Seed (numpy RandomState semantics).
    pub seed: Option<u64>,
    /// Column whose classes are stratified.
    pub stratify: Option<String>,
    /// Group column of the group splitters.
    pub group: Option<String>,
    /// Rows between training and test rows (time_series).
    pub gap: Option<usize>,
    /// Test size: a share (0.2, 20%) or rows (200).
    pub test_size: Option<String>,
    /// Training size: a share or rows.
    pub train_size: Option<String>,
    /// Most training rows of a fold (time_series).
    pub max_train_size: Option<usize>,
    /// Label start column (purged_kfold).
    pub interval_start: Option<String>,
    /// Label end column (purged_kfold).
    pub interval_end: Option<String>,
    /// Embargo after each test block (purged_kfold).
    pub embargo: Option<String>,
}

impl SplitOptions {
    /// Refuses `--folds` and `--repeats` outside their ranges (see [`crate::limits`]), before
    /// anything is split.
    pub fn check_limits(&self) -> Result<(), String> {
        // Fewer than 2 folds is left to the splitter (the shuffle splits take 1).
        if let Some(f) = self.folds.filter(|f| *f >= 2) {
            crate::limits::check_named("--folds", "validation.folds", f as f64)?;
        }
        if let Some(r) = self.repeats {
            crate::limits::check_named("--repeats", "validation.repeats", r as f64)?;
        }
        let repeated = self
            .splitter
            .as_deref()
            .and_then(|s| s.parse::<SplitterKind>().ok())
            .is_some_and(|k| {
                matches!(
                    k,
                    SplitterKind::RepeatedKFold | SplitterKind::RepeatedStratifiedKFold
                )
            });
        if repeated {
            let d = ValidationSection::default();
            let folds = self.folds.unwrap_or(d.folds);
            let repeats = self.repeats.unwrap_or(d.repeats);
            crate::limits::check_combined(
                "validation.folds × validation.repeats",
                folds as f64 * repeats as f64,
                &format!("{folds} × {repeats}"),
                Some("--folds × --repeats"),
            )?;
        }
        Ok(())
    }

    /// The `validation:` section these options describe (other settings at their defaults).
    pub fn section(&self) -> ValidationSection {
        let d = ValidationSection::default();
        ValidationSection {
            splitter: self.splitter.clone(),
            folds: self.folds.unwrap_or(d.folds),
            repeats: self.repeats.unwrap_or(d.repeats),
            shuffle: self.shuffle,
            seed: self.seed,
            test_size: self.test_size.clone().map(Value::String),
            train_size: self.train_size.clone().map(Value::String),
            gap: self.gap.unwrap_or(d.gap),
            max_train_size: self.max_train_size,
            embargo: self.embargo.clone().map(Value::String),
            stratify: self.stratify.clone(),
            group: self.group.clone(),
            interval_start: self.interval_start.clone(),
            interval_end: self.interval_end.clone(),
            ..d
        }
    }
}

/// The folds of `data` read with `read` (`assay split DATA`), with the time the assignment
/// took (reading left out): the splitter is required, and every option that does not apply
/// to it is refused by its flag's name.
pub async fn split(
    engine: &Engine,
    data: &str,
    read: &ReadOptions,
    options: &SplitOptions,
) -> Result<(Folds, std::time::Duration), String> {
    options.check_limits()?;
    let name = options
        .splitter
        .clone()
        .ok_or("--splitter is required (kfold, stratified_kfold, ...)")?;
    let kind: SplitterKind = name
        .parse()
        .map_err(|e: assay_stats::splitters::SplitError| format!("--splitter: {e}"))?;
    let k_fold = matches!(
        kind,
        SplitterKind::KFold
            | SplitterKind::StratifiedKFold
            | SplitterKind::GroupKFold
            | SplitterKind::StratifiedGroupKFold
    );
    let random = matches!(
        kind,
        SplitterKind::RepeatedKFold
            | SplitterKind::RepeatedStratifiedKFold
            | SplitterKind::ShuffleSplit
            | SplitterKind::StratifiedShuffleSplit
    );
    if options.seed.is_some() && !random && !(k_fold && options.shuffle) {
        if k_fold {
            return Err(format!(
                "--seed has no effect without --shuffle for `{name}`"
            ));
        }
        return Err(format!(
            "--seed has no effect on `{name}`: it draws nothing at random"
        ));
    }
    if options.shuffle && !k_fold {
        return Err(format!(
            "--shuffle applies to the k-fold splitters, not to `{name}`"
        ));
    }
    let spec = build_spec(&name, &options.section())?;
    let needs = spec.what_it_needs();
    let want = |flag: &str, v: &Option<String>, needed: bool| -> Result<Option<String>, String> {
        match (v, needed) {
            (Some(c), true) => Ok(Some(c.clone())),
            (None, true) => Err(format!("splitter `{name}` needs {flag}")),
            (Some(_), false) => Err(format!("{flag} does not apply to splitter `{name}`")),
            (None, false) => Ok(None),
        }
    };
    let stratify = want("--stratify COLUMN", &options.stratify, needs.classes)?;
    let columns = SplitColumns {
        stratify: stratify.clone(),
        group: want("--group COLUMN", &options.group, needs.groups)?,
        interval_start: want(
            "--interval-start COLUMN",
            &options.interval_start,
            needs.intervals,
        )?,
        interval_end: want(
            "--interval-end COLUMN",
            &options.interval_end,
            needs.intervals,
        )?,
    };
    let source_spec = read.spec(vec![data.to_string()])?;
    let opened = open_source(engine.ctx(), &source_spec)
        .await
        .map_err(|e| format!("reading {data}: {e:#}"))?;
    let inputs = SplitInputs::read(&opened, &columns).await?;
    let started = std::time::Instant::now();
    let folds = spec.split(&inputs.data()).map_err(|e| {
        describe_split_error(e, stratify.as_deref().unwrap_or(""), &inputs.class_levels)
    })?;
    Ok((folds, started.elapsed()))
}
