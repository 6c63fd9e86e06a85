//! Writing outputs: `--output FORMAT=PATH` targets, standard output, broken pipes.

use std::io::{IsTerminal, Write};
use std::str::FromStr;

use anyhow::{bail, Context, Result};

use assay_render::{render, OutputFormat};
use assay_report::Report;

/// One `--output FORMAT=PATH` target (`-` for standard output).
#[derive(Debug, Clone)]
pub struct OutputTarget {
    /// Format.
    pub format: OutputFormat,
    /// File path, or `-`.
    pub path: String,
}

impl FromStr for OutputTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (format, path) = s.split_once('=').unwrap_or((s, "-"));
        let format = OutputFormat::from_str(format).map_err(|_| {
            format!("unknown output format `{format}` (expected terminal, json, junit, markdown or html)")
        })?;
        if path.is_empty() {
            return Err("empty output path (use - for standard output)".into());
        }
        Ok(OutputTarget {
            format,
            path: path.to_string(),
        })
    }
}

/// True when colour should be used on standard output.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Renders the report to every target.
pub fn write_outputs(report: &Report, targets: &[OutputTarget], verbose: bool) -> Result<()> {
    let mut stdout_used = false;
    for t in targets {
        if t.path == "-" {
            if stdout_used {
                bail!("only one --output can write to standard output (-)");
            }
            stdout_used = true;
        }
        let color = t.path == "-" && stdout_color();
        let text = render(report, t.format, color, verbose).context("rendering the report")?;
        if t.path == "-" {
            print(&text)?;
        } else {
            if let Some(parent) = std::path::Path::new(&t.path).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
            }
            std::fs::write(&t.path, text).with_context(|| format!("writing {}", t.path))?;
        }
    }
    Ok(())
}

/// True when the error chain ends in a broken pipe (not an error for a CLI).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
