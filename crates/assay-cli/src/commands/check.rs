//! `assay check SUITE`.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use assay_checks::{run_suite, LoadedSuite, RunOptions};
use assay_engine::Engine;
use assay_render::OutputFormat;

use crate::output::{write_outputs, OutputTarget};

/// Arguments of `assay check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The suite file (.yaml, .yml, .toml or .json).
    pub suite: String,
    /// Report options.
    #[command(flatten)]
    pub report: crate::report_args::ReportArgs,
}

/// Runs the suite; returns the exit code.
pub async fn run(engine: &Engine, args: CheckArgs) -> Result<u8> {
    let loaded = LoadedSuite::load(&args.suite)?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = run_suite(engine, &loaded, &options).await?;
    args.report.finish(&report)
}

/// Writes the report where asked (the terminal by default) and returns the exit code.
pub fn finish(
    report: &assay_report::Report,
    outputs: &[OutputTarget],
    quiet: bool,
    verbose: bool,
    strict: bool,
) -> Result<u8> {
    let mut outputs = outputs.to_vec();
    if outputs.is_empty() && !quiet {
        outputs.push(OutputTarget {
            format: OutputFormat::Terminal,
            path: "-".into(),
        });
    }
    write_outputs(report, &outputs, verbose)?;
    let code = report.exit_code(strict);
    if strict && code == 1 && report.summary.failed == 0 && report.summary.errors == 0 {
        eprintln!(
            "--strict: {} warning(s) count as failures",
            report.summary.warned
        );
    }
    Ok(code as u8)
}
