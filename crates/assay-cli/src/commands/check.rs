//! `assay check SUITE`.

use std::io::IsTerminal;

use anyhow::Result;
use clap::Args;

use assay_checks::{run_suite, LoadedSuite, RunOptions};
use assay_engine::Engine;
use assay_report::OutputFormat;

use crate::output::{write_outputs, OutputTarget};

/// Arguments of `assay check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The suite file (.yaml, .yml, .toml or .json).
    pub suite: String,
    /// Where to write the report: FORMAT=PATH, repeatable; formats terminal, json, junit,
    /// markdown, html; PATH `-` is standard output. Default: terminal to standard output.
    #[arg(short, long = "output", value_name = "FORMAT=PATH")]
    pub outputs: Vec<OutputTarget>,
    /// Treat warnings as failures (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Terminal output lists every result, passed ones included.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print nothing on standard output unless asked by --output.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs the suite; returns the exit code.
pub async fn run(engine: &Engine, args: CheckArgs) -> Result<u8> {
    let loaded = LoadedSuite::load(&args.suite)?;
    let options = RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let report = run_suite(engine, &loaded, &options).await?;
    finish(
        &report,
        &args.outputs,
        args.quiet,
        args.verbose,
        args.strict,
    )
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
