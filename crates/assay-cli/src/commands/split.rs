//! `assay split DATA`: cross-validation folds as 0-based row indices, written as JSON so any
//! tool can reuse them.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{bail, Context, Result};
use arrow::array::ArrayRef;
use arrow::compute::concat;
use clap::Args;

use assay_checks::validation::data::encode_array;
use assay_checks::validation::folds::{build_spec, describe_split_error};
use assay_engine::scan::for_each_batch_in_order;
use assay_engine::{open_source, Engine};
use assay_stats::splitters::{Folds, SplitData, SplitterKind};

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

/// Writes `{"splitter", "n_rows", "folds": [{"train": [...], "test": [...]}]}`.
pub fn write_folds(out: &mut impl Write, folds: &Folds) -> std::io::Result<()> {
    write!(
        out,
        "{{\"splitter\":\"{}\",\"n_rows\":{},\"folds\":[",
        folds.splitter(),
        folds.n_rows()
    )?;
    for (i, f) in folds.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        for (key, rows) in [("train", f.train()), ("test", f.test())] {
            write!(out, "{}\"{key}\":[", if key == "train" { "{" } else { "," })?;
            let mut first = true;
            for r in rows {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                write!(out, "{r}")?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"]}\n")
}

fn column(batches: &[ArrayRef]) -> Result<ArrayRef> {
    let refs: Vec<&dyn arrow::array::Array> = batches.iter().map(|a| a.as_ref()).collect();
    Ok(concat(&refs)?)
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
    let mut columns: Vec<String> = [&stratify, &group, &start, &end]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    columns.dedup();
    // Row count: scan the needed columns, or the first column when none is needed.
    let scan_columns = if columns.is_empty() {
        opened
            .schema
            .fields()
            .first()
            .map(|f| vec![f.name().clone()])
            .unwrap_or_default()
    } else {
        columns.clone()
    };
    let mut parts: Vec<Vec<ArrayRef>> = vec![Vec::new(); scan_columns.len()];
    let mut n_rows = 0usize;
    for_each_batch_in_order(&opened, &scan_columns, |b| {
        n_rows += b.num_rows();
        if !columns.is_empty() {
            for (j, c) in scan_columns.iter().enumerate() {
                if let Some(a) = b.column_by_name(c) {
                    parts[j].push(a.clone());
                }
            }
        }
        Ok(())
    })
    .await?;
    if n_rows == 0 {
        bail!("{} has no rows", args.data);
    }
    let array_of = |name: &str| -> Result<ArrayRef> {
        let j = scan_columns
            .iter()
            .position(|c| c == name)
            .context("internal: column not scanned")?;
        column(&parts[j])
    };
    let codes = |name: &str| -> Result<(Vec<u32>, Vec<String>)> {
        let a = array_of(name)?;
        let (mut codes, mut levels) = encode_array(&a, name).map_err(anyhow::Error::msg)?;
        let null = levels.len() as u32;
        if codes.contains(&u32::MAX) {
            levels.push("(null)".into());
            codes
                .iter_mut()
                .filter(|c| **c == u32::MAX)
                .for_each(|c| *c = null);
        }
        Ok((codes, levels))
    };
    let numbers = |name: &str| -> Result<Vec<f64>> {
        let a = array_of(name)?;
        let f = arrow::compute::cast(&a, &arrow::datatypes::DataType::Float64)
            .with_context(|| format!("column `{name}` is not numeric"))?;
        let f = f
            .as_any()
            .downcast_ref::<arrow::array::Float64Array>()
            .context("cast")?;
        Ok(f.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let (classes, class_levels) = match stratify.as_deref().map(codes).transpose()? {
        Some((c, l)) => (Some(c), l),
        None => (None, Vec::new()),
    };
    let groups = group.as_deref().map(codes).transpose()?.map(|(c, _)| c);
    let intervals = match (&start, &end) {
        (Some(s), Some(e)) => Some((numbers(s)?, numbers(e)?)),
        _ => None,
    };
    let mut data = SplitData::new(n_rows);
    if let Some(c) = &classes {
        data = data.with_classes(c);
    }
    if let Some(g) = &groups {
        data = data.with_groups(g);
    }
    if let Some((s, e)) = &intervals {
        data = data.with_intervals(s, e);
    }
    let started = std::time::Instant::now();
    let folds = spec.split(&data).map_err(|e| {
        anyhow::anyhow!(describe_split_error(
            e,
            stratify.as_deref().unwrap_or(""),
            &class_levels
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
        write_folds(&mut w, &folds)?;
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
        write_folds(&mut w, &folds)?;
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
