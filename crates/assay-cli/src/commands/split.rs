//! `assay split DATA`: cross-validation folds as 0-based row indices, written as JSON so any
//! tool can reuse them.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{bail, Context, Result};
use clap::Args;

use assay_checks::validation::folds::{build_spec, describe_split_error};
use assay_checks::validation::split_source::{write_folds_json, SplitColumns, SplitInputs};
use assay_engine::{open_source, Engine};
use assay_stats::splitters::SplitterKind;

use crate::data_args::DataArgs;

/// Most row indices `assay split` writes (about 4 GB of JSON).
const MAX_WRITTEN_INDICES: u64 = 500_000_000;

/// Arguments of `assay split`.
#[derive(Args, Debug)]
pub struct SplitArgs {
    /// The data (file, directory, glob or URL).
    pub data: String,
    /// How rows are split into folds (--splitter is required).
    #[command(flatten)]
    pub split: crate::splitter_args::SplitterArgs,
    /// Where to write the folds (JSON); `-` for standard output, `none` to only print the
    /// summary (fold sizes and the assignment time).
    #[arg(short, long, default_value = "-")]
    pub output: String,
    /// How to read the data.
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// Runs the split; returns the exit code.
pub async fn run(engine: &Engine, args: SplitArgs) -> Result<u8> {
    let split = &args.split;
    split.check_limits()?;
    let name = split
        .splitter
        .clone()
        .ok_or_else(|| anyhow::anyhow!("--splitter is required (kfold, stratified_kfold, ...)"))?;
    let kind: SplitterKind = name
        .parse()
        .map_err(|e: assay_stats::splitters::SplitError| anyhow::anyhow!("--splitter: {e}"))?;
    let settings = split.section();
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
    if split.seed.is_some() && !random && !(k_fold && split.shuffle) {
        if k_fold {
            bail!("--seed has no effect without --shuffle for `{name}`");
        }
        bail!("--seed has no effect on `{name}`: it draws nothing at random");
    }
    if split.shuffle && !k_fold {
        bail!("--shuffle applies to the k-fold splitters, not to `{name}`");
    }
    let spec = build_spec(&name, &settings).map_err(anyhow::Error::msg)?;
    let needs = spec.what_it_needs();
    let want = |flag: &str, v: &Option<String>, needed: bool| -> Result<Option<String>> {
        match (v, needed) {
            (Some(c), true) => Ok(Some(c.clone())),
            (None, true) => bail!("splitter `{name}` needs {flag}"),
            (Some(_), false) => bail!("{flag} does not apply to splitter `{name}`"),
            (None, false) => Ok(None),
        }
    };
    let stratify = want("--stratify COLUMN", &split.stratify, needs.classes)?;
    let group = want("--group COLUMN", &split.group, needs.groups)?;
    let start = want(
        "--interval-start COLUMN",
        &split.interval_start,
        needs.intervals,
    )?;
    let end = want(
        "--interval-end COLUMN",
        &split.interval_end,
        needs.intervals,
    )?;
    let source_spec = args.data_args.spec(vec![args.data.clone()])?;
    let opened = open_source(engine.ctx(), &source_spec)
        .await
        .with_context(|| format!("reading {}", args.data))?;
    let columns = SplitColumns {
        stratify: stratify.clone(),
        group,
        interval_start: start,
        interval_end: end,
    };
    let inputs = SplitInputs::read(&opened, &columns)
        .await
        .map_err(anyhow::Error::msg)?;
    let (n_rows, class_levels) = (inputs.n_rows, &inputs.class_levels);
    let data = inputs.data();
    let started = std::time::Instant::now();
    let folds = spec.split(&data).map_err(|e| {
        anyhow::anyhow!(describe_split_error(
            e,
            stratify.as_deref().unwrap_or(""),
            class_levels
        ))
    })?;
    let assigned = started.elapsed();
    let indices: u64 = folds
        .iter()
        .map(|f| (f.train_len() + f.test_len()) as u64)
        .sum();
    if args.output != "none" && indices > MAX_WRITTEN_INDICES {
        bail!(
            "{} folds would write {indices} row indices (about {} GB of JSON): use fewer folds (for example group_kfold instead of leave_one_group_out) or --output none",
            folds.len(),
            indices * 8 / 1_000_000_000
        );
    }
    if args.output == "none" {
    } else if args.output == "-" {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        write_folds_json(&mut w, &folds)?;
        w.flush()?;
    } else {
        let path = args.output.strip_prefix("json=").unwrap_or(&args.output);
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        let file = File::create(path).with_context(|| format!("cannot write {path}"))?;
        let mut w = BufWriter::new(file);
        write_folds_json(&mut w, &folds)?;
        w.flush()?;
    }
    let sizes: Vec<String> = folds
        .iter()
        .take(10)
        .map(|f| format!("{}/{}", f.train_len(), f.test_len()))
        .collect();
    eprintln!(
        "{} folds of {n_rows} rows ({}; train/test {}{}), assigned in {:.1} ms{}",
        folds.len(),
        folds.splitter(),
        sizes.join(" "),
        if folds.len() > 10 { " ..." } else { "" },
        assigned.as_secs_f64() * 1000.0,
        if args.output == "-" || args.output == "none" {
            String::new()
        } else {
            format!(" → {}", args.output)
        }
    );
    Ok(0)
}
