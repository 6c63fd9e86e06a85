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
    /// The data the suite will check (file, directory, glob or URL): its `data.current`.
    /// Ranges, domains and null thresholds are inferred from it, or from --reference when
    /// given.
    pub data: String,
    /// Reference (training) data to compare with: the constraints are inferred from it, and
    /// schema and overlap checks are added.
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
    // The suite checks DATA: it is named after it.
    let name = Path::new(&args.data)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "suite".into());
    let suite = starter_suite(&profile, data, args.reference.is_some(), &name);
    let source = args.reference.as_deref().unwrap_or(&args.data);
    let yaml = to_yaml(&suite, source, &profile).map_err(anyhow::Error::msg)?;
    if spec.csv.null_values.is_empty() {
        for (marker, columns) in assay_checks::init::null_markers(&profile) {
            eprintln!(
                "note: `{marker}` in {} looks like a missing value (left out of the category \
                 domains); if it is, run again with --null-value '{marker}'",
                columns.join(", ")
            );
        }
    }
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
/// local path is made relative to `base` (with `..` where needed). URLs are kept, and so are
/// paths on another root (another drive).
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
    relative_path(&abs, base).unwrap_or_else(|| abs.to_string_lossy().into_owned())
}

/// `target` relative to the directory `base` (both absolute): `None` when they share no root.
fn relative_path(target: &Path, base: &Path) -> Option<String> {
    use std::path::Component;
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    let text = out.to_string_lossy().into_owned();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_suite_with_dot_dots() {
        let rel = |t: &str, b: &str| relative_path(Path::new(t), Path::new(b));
        assert_eq!(rel("/a/b/data.csv", "/a/b").as_deref(), Some("data.csv"));
        assert_eq!(
            rel("/a/b/data.csv", "/a/c/d").as_deref(),
            Some("../../b/data.csv")
        );
        assert_eq!(rel("/x/data.csv", "/a").as_deref(), Some("../x/data.csv"));
        assert_eq!(rel("/a", "/a"), None);
    }
}
