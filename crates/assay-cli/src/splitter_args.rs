//! Splitter options shared by `assay split` and `assay crossval`.

use clap::Args;
use serde_json::Value;

use assay_checks::sections::ValidationSection;
use assay_stats::splitters::SplitterKind;

use crate::report_args::flag_limit;

/// How rows are split into folds.
#[derive(Args, Debug, Clone, Default)]
pub struct SplitterArgs {
    /// kfold, stratified_kfold, group_kfold, stratified_group_kfold, repeated_kfold,
    /// repeated_stratified_kfold, shuffle_split, stratified_shuffle_split, time_series,
    /// leave_one_group_out or purged_kfold (crossval default: stratified_kfold for
    /// classification, kfold for regression).
    #[arg(long)]
    pub splitter: Option<String>,
    /// Folds (n_splits; default 5).
    #[arg(long)]
    pub folds: Option<usize>,
    /// Repetitions of the repeated splitters (default 10).
    #[arg(long)]
    pub repeats: Option<usize>,
    /// Shuffle before splitting (k-fold splitters).
    #[arg(long)]
    pub shuffle: bool,
    /// Seed (numpy RandomState semantics, as scikit-learn's random_state; default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Column whose classes are stratified (crossval default: the target).
    #[arg(long)]
    pub stratify: Option<String>,
    /// Group column of the group splitters.
    #[arg(long)]
    pub group: Option<String>,
    /// Rows between training and test rows (time_series).
    #[arg(long)]
    pub gap: Option<usize>,
    /// Test size: a share (0.2, 20%) or rows (200) (shuffle splits, time_series).
    #[arg(long)]
    pub test_size: Option<String>,
    /// Training size: a share or rows (shuffle splits).
    #[arg(long)]
    pub train_size: Option<String>,
    /// Most training rows of a fold (time_series).
    #[arg(long)]
    pub max_train_size: Option<usize>,
    /// Label start column (purged_kfold).
    #[arg(long)]
    pub interval_start: Option<String>,
    /// Label end column (purged_kfold).
    #[arg(long)]
    pub interval_end: Option<String>,
    /// Embargo after each test block: a share of rows (0.01, 1%) or duration:SPAN
    /// (purged_kfold).
    #[arg(long)]
    pub embargo: Option<String>,
}

impl SplitterArgs {
    /// Refuses `--folds` and `--repeats` outside their ranges (see `assay_checks::limits`),
    /// before anything is split.
    pub fn check_limits(&self) -> anyhow::Result<()> {
        // Fewer than 2 folds is left to the splitter (the shuffle splits take 1).
        if let Some(f) = self.folds.filter(|f| *f >= 2) {
            flag_limit("--folds", "validation.folds", f as f64)?;
        }
        if let Some(r) = self.repeats {
            flag_limit("--repeats", "validation.repeats", r as f64)?;
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
            assay_checks::limits::check_combined(
                "validation.folds × validation.repeats",
                folds as f64 * repeats as f64,
                &format!("{folds} × {repeats}"),
                Some("--folds × --repeats"),
            )
            .map_err(anyhow::Error::msg)?;
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
