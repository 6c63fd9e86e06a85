//! Report options shared by the commands that run checks without a suite file.

use clap::Args;

use crate::output::OutputTarget;

/// Where the report goes and how the exit code is decided.
#[derive(Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Where to write the report: FORMAT=PATH, repeatable (terminal, json, junit, markdown,
    /// html; PATH `-` is standard output). Default: terminal to standard output.
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

impl ReportArgs {
    /// Writes `report` and returns the exit code.
    pub fn finish(&self, report: &assay_report::Report) -> anyhow::Result<u8> {
        crate::commands::check::finish(report, &self.outputs, self.quiet, self.verbose, self.strict)
    }
}

/// Refuses `value` of command-line `flag` outside the range [`assay_checks::limits`] gives the
/// suite key `key` it stands for; the message names the flag.
pub fn flag_limit(flag: &str, key: &str, value: f64) -> anyhow::Result<()> {
    assay_checks::limits::check_named(flag, key, value).map_err(anyhow::Error::msg)
}

/// Parses `KEY=VALUE` pairs into a JSON object (numbers and booleans typed).
pub fn key_values(
    flag: &str,
    pairs: &[String],
) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let mut out = serde_json::Map::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            anyhow::bail!("{flag} `{p}` must be KEY=VALUE");
        };
        let value = serde_json::from_str::<serde_json::Value>(v)
            .ok()
            .filter(|j| j.is_number() || j.is_boolean() || j.is_null())
            .unwrap_or_else(|| serde_json::Value::String(v.to_string()));
        out.insert(k.trim().to_string(), value);
    }
    Ok(out)
}

/// Runs a suite built from flags (`label` names the command in messages) and writes its
/// report; returns the exit code.
pub async fn run_flags_suite(
    engine: &assay_engine::Engine,
    suite: assay_checks::Suite,
    label: &str,
    report: &ReportArgs,
) -> anyhow::Result<u8> {
    use std::io::IsTerminal;
    let loaded = assay_checks::LoadedSuite::from_suite(suite, label)?;
    let options = assay_checks::RunOptions {
        progress: std::io::stderr().is_terminal(),
    };
    let result = assay_checks::run_suite(engine, &loaded, &options).await?;
    report.finish(&result)
}
