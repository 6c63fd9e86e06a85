//! The renderers of the assay [`Report`] (whose contract is the `assay-report` crate).
//!
//! Every front end (CLI, service, library) produces the same serializable [`Report`];
//! renderers only format it, one module per output format:
//!
//! | format | function | for |
//! |---|---|---|
//! | terminal | [`render_terminal`] | humans at a shell (ANSI colours on request) |
//! | JSON | [`render_json`] | machines: the schema-versioned contract |
//! | JUnit XML | [`render_junit`] | CI test reporters |
//! | Markdown | [`render_markdown`] | pull-request comments, GitHub step summaries |
//! | HTML | [`render_html`] | one self-contained file with inline SVG charts |
//!
//! ```
//! use assay_render::{render, OutputFormat, Report};
//! # fn demo(report: &Report) -> Result<(), Box<dyn std::error::Error>> {
//! let format: OutputFormat = "md".parse()?;
//! let text = render(report, format, false, false)?;
//! print!("{text}");
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod chart;
pub mod drift;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod numbers;
pub mod page;
pub mod terminal;
pub mod validation;

use std::fmt;
use std::str::FromStr;

pub use assay_report::{
    CheckResult, ColumnDistribution, DatasetInfo, Report, Status, Summary, REPORT_SCHEMA_VERSION,
};
pub use html::render_html;
pub use json::render_json;
pub use junit::render_junit;
pub use markdown::render_markdown;
pub use numbers::format_value;
pub use terminal::{render_terminal, TerminalOptions};

/// An error while rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The report could not be serialized to JSON.
    #[error("cannot serialize the report to JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The report could not be serialized to JUnit XML.
    #[error("cannot serialize the report to JUnit XML: {0}")]
    Junit(#[from] quick_junit::SerializeError),
}

/// An output format a [`Report`] can be rendered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Human-readable text for a terminal (`terminal` or `text`).
    Terminal,
    /// Pretty-printed JSON, the serialized [`Report`] (`json`).
    Json,
    /// JUnit XML for CI test reporters (`junit`).
    Junit,
    /// GitHub-flavoured Markdown (`markdown` or `md`).
    Markdown,
    /// A self-contained HTML page with inline SVG charts (`html`).
    Html,
}

impl OutputFormat {
    /// Every format, in documentation order.
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Terminal,
        OutputFormat::Json,
        OutputFormat::Junit,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ];

    /// Canonical name, as accepted by [`FromStr`].
    pub fn name(&self) -> &'static str {
        match self {
            OutputFormat::Terminal => "terminal",
            OutputFormat::Json => "json",
            OutputFormat::Junit => "junit",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Html => "html",
        }
    }

    /// Usual file extension for the format (without the dot).
    pub fn extension(&self) -> &'static str {
        match self {
            OutputFormat::Terminal => "txt",
            OutputFormat::Json => "json",
            OutputFormat::Junit => "xml",
            OutputFormat::Markdown => "md",
            OutputFormat::Html => "html",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`OutputFormat::from_str`] is not a known format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format `{0}` (expected terminal, text, json, junit, markdown, md or html)")]
pub struct UnknownFormatError(pub String);

impl FromStr for OutputFormat {
    type Err = UnknownFormatError;

    /// Parses a format name, case-insensitively: `terminal`/`text`, `json`, `junit`,
    /// `markdown`/`md`, `html`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "terminal" | "text" => Ok(OutputFormat::Terminal),
            "json" => Ok(OutputFormat::Json),
            "junit" => Ok(OutputFormat::Junit),
            "markdown" | "md" => Ok(OutputFormat::Markdown),
            "html" => Ok(OutputFormat::Html),
            _ => Err(UnknownFormatError(s.to_string())),
        }
    }
}

/// Renders `report` in `format`. `color` and `verbose` only affect the terminal format.
pub fn render(
    report: &Report,
    format: OutputFormat,
    color: bool,
    verbose: bool,
) -> Result<String, RenderError> {
    match format {
        OutputFormat::Terminal => Ok(render_terminal(report, &TerminalOptions { color, verbose })),
        OutputFormat::Json => render_json(report),
        OutputFormat::Junit => render_junit(report),
        OutputFormat::Markdown => Ok(render_markdown(report)),
        OutputFormat::Html => Ok(render_html(report)),
    }
}

/// The failed, errored and warned results, worst first (suite order within a status).
pub(crate) fn problems_worst_first(results: &[CheckResult]) -> Vec<&CheckResult> {
    let mut problems: Vec<&CheckResult> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Error | Status::Warn))
        .collect();
    problems.sort_by_key(|r| r.status.severity_rank());
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_parse() {
        assert_eq!("terminal".parse(), Ok(OutputFormat::Terminal));
        assert_eq!("text".parse(), Ok(OutputFormat::Terminal));
        assert_eq!("json".parse(), Ok(OutputFormat::Json));
        assert_eq!("junit".parse(), Ok(OutputFormat::Junit));
        assert_eq!("markdown".parse(), Ok(OutputFormat::Markdown));
        assert_eq!("MD".parse(), Ok(OutputFormat::Markdown));
        assert_eq!("html".parse(), Ok(OutputFormat::Html));
        assert_eq!(
            "xml".parse::<OutputFormat>(),
            Err(UnknownFormatError("xml".into()))
        );
        for f in OutputFormat::ALL {
            assert_eq!(f.name().parse(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
    }
}
