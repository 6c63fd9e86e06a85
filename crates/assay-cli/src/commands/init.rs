//! `assay init DATA`.

use std::io::IsTerminal;
use std::path::Path;

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
    let profile = profile_source(engine, &spec, &options).await?;
    let mut data = data_section(&args.data, args.reference.as_deref());
    data.format = args.data_args.format.clone();
    data.csv = spec.csv.clone();
    let name = Path::new(&args.data)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "suite".into());
    let suite = starter_suite(&profile, data, args.reference.is_some(), &name);
    let yaml = to_yaml(&suite, &args.data).map_err(anyhow::Error::msg)?;
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
