//! Terminal: concise text for humans at a shell, optionally with ANSI colours.
//!
//! ```text
//! assay data_integrity: current 32,561 rows, 15 columns from adult.csv; reference 16,281 rows from adult_test.csv
//!
//! FAIL  integrity.null_share [workclass] value=0.0564 threshold=0.05 — 5.6% of values are null
//! WARN  drift.psi [age] value=0.12 threshold=0.1 — moderate shift
//! PASS  model.accuracy value=0.8389 threshold=0.7566 — accuracy 0.8389 [0.8314, 0.8460] (95% wilson)
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

/// Passed results listed one per line in the concise report when there are at most this many
/// (a model's metrics, a few columns' drift); more are counted, and listed with `verbose`.
pub const MAX_LISTED_PASSES: usize = 40;

/// Array values in verbose details longer than this are shown as a count (`[101 values]`):
/// curves and histograms belong in the HTML and JSON reports, not on a terminal.
const MAX_INLINE_ARRAY: usize = 6;

/// A details value for a terminal: scalars and short arrays as JSON, long arrays and objects
/// summarised.
fn compact_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(items) => {
            let flat = items.iter().all(|i| {
                !matches!(
                    i,
                    serde_json::Value::Array(_) | serde_json::Value::Object(_)
                )
            });
            if flat && items.len() <= MAX_INLINE_ARRAY {
                format_json_value(v)
            } else if items.len() == 1 {
                "[1 value]".to_string()
            } else {
                format!("[{} values]", items.len())
            }
        }
        serde_json::Value::Object(map) => match map.len() {
            1 => "{1 field}".to_string(),
            n => format!("{{{n} fields}}"),
        },
        _ => format_json_value(v),
    }
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

/// A message for a terminal: safe as [`clean`] makes it, except that its line breaks (a
/// trainer's stderr) start new lines indented under the result.
fn clean_message(s: &str) -> String {
    s.trim_end()
        .split('\n')
        .map(|line| clean(line.trim_end_matches('\r')))
        .collect::<Vec<_>>()
        .join("\n        ")
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
    let sources = match info.sources.as_slice() {
        [] => String::new(),
        [one] => format!(" from {what}{}", clean(one)),
        [first, second] => format!(" from {what}{}, {}", clean(first), clean(second)),
        [first, rest @ ..] => format!(" from {what}{} and {} more", clean(first), rest.len()),
    };
    match &info.computed {
        Some(computed) => format!("{sources} ({})", computed.describe()),
        None => sources,
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
    result_line_with(r, color, None)
}

/// A result's line; `same_error_as` names an earlier result with the same error message,
/// which is then not repeated.
fn result_line_with(r: &CheckResult, color: bool, same_error_as: Option<&CheckResult>) -> String {
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
    match same_error_as {
        Some(first) => {
            let _ = write!(line, " — the same error as {}", clean(&first.id));
            if let Some(c) = &first.column {
                let _ = write!(line, " [{}]", clean(c));
            }
        }
        None if !r.message.is_empty() => {
            let _ = write!(line, " — {}", clean_message(&r.message));
        }
        None => {}
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
/// line per failed, errored, warned and passed result (in that order, suite order within a
/// status; passes counted instead when there are more than [`MAX_LISTED_PASSES`]), each with
/// its figure and message, the number of skipped results, and a summary line
/// `12 passed, 1 warned, 2 failed, 0 errors, 3 skipped`. Verbose: every result in suite
/// order, each followed by its condition and details (long arrays and nested objects
/// summarised as counts). Ends with a newline.
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
                    .map(|(k, v)| format!("{}={}", clean(k), clean(&compact_value(v))))
                    .collect();
                let line = format!("{indent}details: {}", details.join(", "));
                body.push(paint(color, DIM, &line));
            }
        }
    } else {
        for status in [Status::Fail, Status::Error, Status::Warn] {
            let of_status: Vec<&CheckResult> = report
                .results
                .iter()
                .filter(|r| r.status == status)
                .collect();
            let mut told = vec![false; of_status.len()];
            for (i, r) in of_status.iter().enumerate() {
                if told[i] {
                    continue;
                }
                body.push(result_line(r, color));
                if status != Status::Error || r.message.len() <= 40 {
                    continue;
                }
                // One cause failing several checks (a trainer that crashed) is told once:
                // the other results with that error follow on one line.
                let same: Vec<usize> = (i + 1..of_status.len())
                    .filter(|j| of_status[*j].message == r.message)
                    .collect();
                same.iter().for_each(|j| told[*j] = true);
                match same.as_slice() {
                    [] => {}
                    [one] => body.push(result_line_with(of_status[*one], color, Some(r))),
                    more => {
                        let mut ids: Vec<&str> = Vec::new();
                        for j in more {
                            if !ids.contains(&of_status[*j].id.as_str()) {
                                ids.push(&of_status[*j].id);
                            }
                        }
                        let mut line = format!(
                            "{} {} more results ({}) — the same error as {}",
                            paint(
                                color,
                                status_color(status),
                                &format!("{:<5}", status_label(status))
                            ),
                            more.len(),
                            clean(&ids.join(", ")),
                            clean(&r.id)
                        );
                        if let Some(c) = &r.column {
                            let _ = write!(line, " [{}]", clean(c));
                        }
                        body.push(line);
                    }
                }
            }
        }
        let passed: Vec<&CheckResult> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Pass)
            .collect();
        if passed.len() <= MAX_LISTED_PASSES {
            body.extend(passed.iter().map(|r| result_line(r, color)));
        } else {
            let line = format!(
                "{:<5} {} checks passed (verbose output lists them)",
                status_label(Status::Pass),
                passed.len()
            );
            body.push(paint(color, status_color(Status::Pass), &line));
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
    fn messages_keep_their_lines_indented_and_stay_safe() {
        assert_eq!(
            clean_message("trainer failed:\nTraceback\n  line 3\x1b[31m\n"),
            "trainer failed:\n        Traceback\n          line 3\\u{1b}[31m"
        );
    }

    #[test]
    fn details_never_print_long_arrays() {
        use serde_json::json;
        assert_eq!(compact_value(&json!([0.1, 0.2])), "[0.1,0.2]");
        assert_eq!(
            compact_value(&json!((0..101).collect::<Vec<_>>())),
            "[101 values]"
        );
        assert_eq!(compact_value(&json!([[1, 2], [3, 4]])), "[2 values]");
        assert_eq!(compact_value(&json!({"a": 1, "b": 2})), "{2 fields}");
        assert_eq!(
            compact_value(&json!("text")),
            format_json_value(&json!("text"))
        );
    }

    #[test]
    fn paint_only_when_on() {
        assert_eq!(paint(false, BOLD, "x"), "x");
        assert_eq!(paint(true, BOLD, "x"), "\x1b[1mx\x1b[0m");
    }
}
