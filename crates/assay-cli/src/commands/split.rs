//! `assay split DATA`: cross-validation folds as 0-based row indices, written as JSON so any
//! tool can reuse them.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{bail, Context, Result};
use clap::Args;

use assay_checks::requests::split;
use assay_checks::validation::split_source::write_folds_json;
use assay_engine::Engine;

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
    let (folds, assigned) = split(
        engine,
        &args.data,
        &args.data_args.read_options(),
        &args.split.options(),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    let n_rows = folds.n_rows();
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
