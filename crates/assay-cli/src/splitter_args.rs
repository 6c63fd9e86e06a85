//! Splitter options shared by `assay split` and `assay crossval`.

use clap::Args;

use assay_checks::requests::SplitOptions;

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
    /// The library's splitter options these flags describe.
    pub fn options(&self) -> SplitOptions {
        SplitOptions {
            splitter: self.splitter.clone(),
            folds: self.folds,
            repeats: self.repeats,
            shuffle: self.shuffle,
            seed: self.seed,
            stratify: self.stratify.clone(),
            group: self.group.clone(),
            gap: self.gap,
            test_size: self.test_size.clone(),
            train_size: self.train_size.clone(),
            max_train_size: self.max_train_size,
            interval_start: self.interval_start.clone(),
            interval_end: self.interval_end.clone(),
            embargo: self.embargo.clone(),
        }
    }
}
