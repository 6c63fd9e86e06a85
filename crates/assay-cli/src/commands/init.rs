//! `assay init DATA`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use assay_checks::init::{data_section, starter_suite, to_yaml};
use assay_engine::{profile_source, Engine, ProfileOptions};

use crate::data_args::DataArgs;
use crate::output::print;

/// Arguments of `assay init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Dataset to infer the suite from (file, directory, glob or URL).
    pub data: String,
    /// A reference dataset to compare with (adds schema and overlap checks).
    #[arg(long)]
    pub reference: Option<String>,
    /// Write the suite here instead of standard output.
    #[arg(short, long)]
    pub output: Option<String>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub data_args: DataArgs,
}

/// Profiles the data and writes the starter suite.
pub async fn run(engine: &Engine, args: InitArgs) -> Result<u8> {
    if let Some(out) = &args.output {
        if Path::new(out).exists() && !args.force {
            bail!("{out} already exists (use --force to overwrite)");
        }
    }
    let spec = args.data_args.spec(vec![args.data.clone()])?;
    let options = ProfileOptions {
        progress: std::io::stderr().is_terminal(),
        ..ProfileOptions::default()
    };
    let current = profile_source(engine, &spec, &options).await?;
    // Like TFDV, the constraints are inferred from the reference (training) data when given.
    let profile = match &args.reference {
        Some(r) => {
            let reference = args.data_args.spec(vec![r.clone()])?;
            profile_source(engine, &reference, &options).await?
        }
        None => current,
    };
    let base = args.output.as_deref().map(suite_dir);
    let data_path = relative_to(&args.data, base.as_deref());
    let reference_path = args
        .reference
        .as_deref()
        .map(|r| relative_to(r, base.as_deref()));
    let mut data = data_section(&data_path, reference_path.as_deref());
    data.format = args.data_args.format.clone();
    data.csv = spec.csv.clone();
    let name = Path::new(args.reference.as_deref().unwrap_or(&args.data))
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "suite".into());
    let suite = starter_suite(&profile, data, args.reference.is_some(), &name);
    let source = args.reference.as_deref().unwrap_or(&args.data);
    let yaml = to_yaml(&suite, source).map_err(anyhow::Error::msg)?;
    match &args.output {
        Some(out) => {
            std::fs::write(out, yaml).with_context(|| format!("writing {out}"))?;
            eprintln!(
                "wrote {out}: {} checks over {} columns",
                suite.checks.len(),
                profile.columns.len()
            );
        }
        None => print(&yaml)?,
    }
    Ok(0)
}

/// The directory a suite file will live in (absolute).
fn suite_dir(output: &str) -> PathBuf {
    let dir = Path::new(output)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// `path` as the suite will need it: suites resolve paths against their own directory, so a
/// local path is made relative to `base` when it lies below it, else absolute. URLs are kept.
fn relative_to(path: &str, base: Option<&Path>) -> String {
    let Some(base) = base else {
        return path.to_string();
    };
    if assay_engine::source::is_url(path) {
        return path.to_string();
    }
    let Ok(abs) = std::fs::canonicalize(path) else {
        return path.to_string();
    };
    match abs.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => abs.to_string_lossy().into_owned(),
    }
}
