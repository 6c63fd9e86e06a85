//! Terminal: concise text for humans at a shell, optionally with ANSI colours.
//!
//! ```text
//! assay data_integrity: current 32,561 rows, 15 columns from adult.csv; reference 16,281 rows from adult_test.csv
//!
//! FAIL  integrity.null_share [workclass] value=0.0564 threshold=0.05 — 5.6% of values are null
//! WARN  drift.psi [age] value=0.12 threshold=0.1 — moderate shift
//! SKIP  3 checks not applicable (verbose output lists them)
//!
//! 12 passed, 1 warned, 1 failed, 0 errors, 3 skipped
//! ```

use std::fmt::Write as _;

use crate::numbers::{format_count, format_json_value, format_value};
use crate::{CheckResult, DatasetInfo, Report, Status};

/// How [`render_terminal`] formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Emit ANSI colours. The caller decides (typically: stdout is a TTY and `NO_COLOR` is
    /// unset); the renderer never detects it.
    pub color: bool,
    /// List every result (with its condition and details), not only the ones that did not pass.
    pub verbose: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn status_color(status: Status) -> &'static str {
    match status {
        Status::Pass => "\x1b[32m",
        Status::Warn => "\x1b[33m",
        Status::Fail => "\x1b[31m",
        Status::Error => "\x1b[35m",
        Status::Skipped => DIM,
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
        Status::Skipped => "SKIP",
    }
}

/// Wraps `text` in an ANSI style when colours are on.
fn paint(on: bool, style: &str, text: &str) -> String {
    if on {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// Makes user-supplied text safe for a terminal: control characters (newlines, escape
/// sequences) are shown escaped instead of being interpreted.
fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn describe_sources(info: &DatasetInfo) -> String {
    let what = if info.from_profile { "profile " } else { "" };
    match info.sources.as_slice() {
        [] => String::new(),
        [one] => format!(" from {what}{}", clean(one)),
        [first, second] => format!(" from {what}{}, {}", clean(first), clean(second)),
        [first, rest @ ..] => format!(" from {what}{} and {} more", clean(first), rest.len()),
    }
}

fn header(report: &Report, color: bool) -> String {
    let cur = &report.current;
    let mut h = format!(
        "{} {}: current {} rows, {} columns{}",
        paint(color, BOLD, "assay"),
        paint(color, BOLD, &clean(&report.suite)),
        format_count(cur.rows),
        cur.columns,
        describe_sources(cur),
    );
    match &report.reference {
        Some(r) => {
            let _ = write!(
                h,
                "; reference {} rows{}",
                format_count(r.rows),
                describe_sources(r)
            );
        }
        None => h.push_str("; no reference"),
    }
    h
}

fn result_line(r: &CheckResult, color: bool) -> String {
    let label = format!("{:<5}", status_label(r.status));
    let mut line = format!(
        "{} {}",
        paint(color, status_color(r.status), &label),
        clean(&r.id)
    );
    if let Some(c) = &r.column {
        let _ = write!(line, " [{}]", clean(c));
    }
    if let Some(v) = r.value {
        let _ = write!(line, " value={}", format_value(v));
    }
    if let Some(t) = r.threshold {
        let _ = write!(line, " threshold={}", format_value(t));
    }
    if !r.message.is_empty() {
        let _ = write!(line, " — {}", clean(&r.message));
    }
    line
}

fn summary_line(report: &Report, color: bool) -> String {
    let s = &report.summary;
    let part = |n: usize, word: &str, status: Status| {
        let text = format!("{n} {word}");
        paint(color && n > 0, status_color(status), &text)
    };
    [
        part(s.passed, "passed", Status::Pass),
        part(s.warned, "warned", Status::Warn),
        part(s.failed, "failed", Status::Fail),
        part(s.errors, "errors", Status::Error),
        part(s.skipped, "skipped", Status::Skipped),
    ]
    .join(", ")
}

/// Renders `report` for a terminal.
///
/// Concise (default): a header line (suite, current rows and sources, reference rows), one
/// line per failed, errored and warned result (in that order, suite order within a status),
/// the number of skipped results, and a summary line
/// `12 passed, 1 warned, 2 failed, 0 errors, 3 skipped`. Verbose: every result in suite
/// order, each followed by its condition and details. Ends with a newline.
pub fn render_terminal(report: &Report, opts: &TerminalOptions) -> String {
    let color = opts.color;
    let mut out = header(report, color);
    out.push('\n');

    let mut body: Vec<String> = Vec::new();
    if opts.verbose {
        for r in &report.results {
            body.push(result_line(r, color));
            let indent = "      ";
            if let Some(cond) = &r.condition {
                let line = format!("{indent}condition: {}", clean(cond));
                body.push(paint(color, DIM, &line));
            }
            if !r.details.is_empty() {
                let details: Vec<String> = r
                    .details
                    .iter()
                    .map(|(k, v)| format!("{}={}", clean(k), clean(&format_json_value(v))))
                    .collect();
                let line = format!("{indent}details: {}", details.join(", "));
                body.push(paint(color, DIM, &line));
            }
        }
    } else {
        for status in [Status::Fail, Status::Error, Status::Warn] {
            body.extend(
                report
                    .results
                    .iter()
                    .filter(|r| r.status == status)
                    .map(|r| result_line(r, color)),
            );
        }
        let skipped = report
            .results
            .iter()
            .filter(|r| r.status == Status::Skipped)
            .count();
        if skipped > 0 {
            let noun = if skipped == 1 { "check" } else { "checks" };
            let line = format!(
                "{:<5} {skipped} {noun} not applicable (verbose output lists them)",
                status_label(Status::Skipped)
            );
            body.push(paint(color, DIM, &line));
        }
    }
    if !body.is_empty() {
        out.push('\n');
        for line in body {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&summary_line(report, color));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(clean("plain"), "plain");
    }

    #[test]
    fn paint_only_when_on() {
        assert_eq!(paint(false, BOLD, "x"), "x");
        assert_eq!(paint(true, BOLD, "x"), "\x1b[1mx\x1b[0m");
    }
}
