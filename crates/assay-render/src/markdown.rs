//! Markdown (GitHub-flavoured) for pull-request comments and GitHub step summaries.
//!
//! A title with the overall verdict (`PASSED`, `WARNINGS`, `FAILED`), a table of counts, the
//! drift table, one-row-per-result tables of model metrics (value, interval, baseline), of the
//! regression gate and of fairness measures when the report has them, the cross-validation
//! summary (mean ± sd, interval, trivial predictor, folds), the sensitivity of each input
//! (Sobol S1 and ST with their confidence half-widths, Morris μ* and σ, one-at-a-time swing,
//! permutation importance ± sd) and the latency percentiles per batch size when it has those,
//! a table of the failed,
//! errored and warned results, then the passed and skipped results in
//! collapsed `<details>` sections. Every cell is escaped: `|`, newlines, Markdown punctuation
//! and `<`, `>`, `&` cannot break the table or inject markup.

use std::fmt::Write as _;

use crate::model::ModelFigures;
use crate::numbers::{format_count, format_opt, format_percent, format_value};
use crate::validation::ValidationFigures;
use crate::{CheckResult, DatasetInfo, Report, Status};

/// Escapes `s` for a Markdown table cell (or inline text): backslash-escapes Markdown
/// punctuation and `|`, turns `<`, `>`, `&` into entities and line breaks into `<br>`.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` as inline code when it can be (no backtick, no line break), else [`escape_cell`].
fn code(s: &str) -> String {
    if s.is_empty() || s.contains(['`', '\n', '\r']) || s.chars().any(char::is_control) {
        escape_cell(s)
    } else {
        format!("`{}`", s.replace('|', "\\|"))
    }
}

fn dataset_line(label: &str, info: &DatasetInfo) -> String {
    let mut s = format!(
        "**{label}**: {} rows, {} columns",
        format_count(info.rows),
        info.columns
    );
    if !info.sources.is_empty() {
        let shown: Vec<String> = info.sources.iter().take(3).map(|p| code(p)).collect();
        let _ = write!(
            s,
            " from {}{}",
            if info.from_profile { "profile " } else { "" },
            shown.join(", ")
        );
        if info.sources.len() > 3 {
            let _ = write!(s, " and {} more", info.sources.len() - 3);
        }
    }
    if let Some(computed) = &info.computed {
        let _ = write!(s, " ({})", computed.describe());
    }
    s
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warn => "**WARN**",
        Status::Fail => "**FAIL**",
        Status::Error => "**ERROR**",
        Status::Skipped => "skipped",
    }
}

fn column_cell(r: &CheckResult) -> String {
    r.column
        .as_deref()
        .map(escape_cell)
        .unwrap_or_else(|| "(dataset)".to_string())
}

fn results_table(out: &mut String, results: &[&CheckResult], with_status: bool) {
    if with_status {
        out.push_str("| Status | Check | Column | Value | Threshold | Message |\n");
        out.push_str("|---|---|---|---:|---:|---|\n");
    } else {
        out.push_str("| Check | Column | Value | Threshold | Message |\n");
        out.push_str("|---|---|---:|---:|---|\n");
    }
    for r in results {
        if with_status {
            let _ = write!(out, "| {} ", status_word(r.status));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code(&r.id),
            column_cell(r),
            format_opt(r.value, "–"),
            format_opt(r.threshold, "–"),
            escape_cell(&r.message),
        );
    }
}

fn collapsed(out: &mut String, title: &str, results: &[&CheckResult]) {
    if results.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n<details>\n<summary>{title} ({})</summary>\n",
        results.len()
    );
    results_table(out, results, false);
    out.push_str("\n</details>\n");
}

/// The drift section: drifted columns first, by score.
fn drift_table(out: &mut String, report: &Report) {
    let rows = crate::drift::drift_rows(&report.results);
    if rows.is_empty() {
        return;
    }
    let (drifted, total) = crate::drift::column_counts(&rows);
    let _ = writeln!(out, "\n### Drift: {drifted} of {total} columns drifted\n");
    out.push_str("| Drifted | Column | Method | Statistic | p-value (adjusted) | Effect size |\n");
    out.push_str("|---|---|---|---:|---:|---:|\n");
    for r in rows {
        let p = match (r.p_value, r.p_value_adjusted) {
            (Some(p), Some(a)) => format!("{} ({})", format_value(p), format_value(a)),
            (Some(p), None) => format_value(p),
            _ => "–".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            if r.drifted { "**yes**" } else { "no" },
            escape_cell(r.column),
            code(&r.method),
            format_opt(r.statistic, "–"),
            p,
            format_opt(r.effect, "–"),
        );
    }
}

/// `[low, high]` or `–`.
fn interval(ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((lo, hi)) => format!("[{}, {}]", format_value(lo), format_value(hi)),
        None => "–".to_string(),
    }
}

/// The heading of an interval column: `95% CI` when every interval has that level, else `CI`.
fn ci_heading(levels: impl Iterator<Item = Option<f64>>) -> String {
    let levels: Vec<Option<f64>> = levels.collect();
    match levels.first() {
        Some(Some(c)) if c.is_finite() && levels.iter().all(|l| *l == Some(*c)) => {
            format!("{} CI", format_percent(*c))
        }
        _ => "CI".to_string(),
    }
}

/// The model sections: metrics, the regression gate and fairness measures, one row each.
fn model_tables(out: &mut String, report: &Report) {
    let f = ModelFigures::of(&report.results);
    if !f.metrics.is_empty() {
        let heading = ci_heading(
            f.metrics
                .iter()
                .filter(|m| m.ci.is_some())
                .map(|m| m.confidence),
        );
        let _ = writeln!(
            out,
            "\n### Model\n\n| Metric | Value | {heading} | Baseline | Status |\n|---|---:|---:|---:|---|"
        );
        for m in &f.metrics {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                code(&m.metric),
                format_opt(m.estimate, "–"),
                interval(m.ci),
                format_opt(m.baseline, "–"),
                status_word(m.result.status),
            );
        }
    }
    if !f.gate.is_empty() {
        out.push_str("\n### Regression gate\n\n");
        out.push_str("| Metric | Candidate | Baseline | Degradation | p-value | Status |\n");
        out.push_str("|---|---:|---:|---:|---:|---|\n");
        for g in &f.gate {
            let sign = |d: f64| if d > 0.0 { "+" } else { "" };
            let degradation = match g.degradation {
                Some(d) if g.relative => format!("{}{} relative", sign(d), format_percent(d)),
                Some(d) => format!("{}{}", sign(d), format_value(d)),
                None => "–".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code(g.metric),
                format_opt(g.candidate, "–"),
                format_opt(g.baseline, "–"),
                degradation,
                format_opt(g.p_value, "–"),
                status_word(g.result.status),
            );
        }
    }
    if !f.fairness.is_empty() {
        let heading = ci_heading(
            f.fairness
                .iter()
                .filter(|r| r.ci.is_some())
                .map(|r| r.confidence),
        );
        let _ = writeln!(
            out,
            "\n### Fairness\n\n| Measure | Attribute | Value | {heading} | Lowest group | Highest group | Status |\n\
             |---|---|---:|---:|---|---|---|"
        );
        let cell = |s: Option<&str>| s.map(escape_cell).unwrap_or_else(|| "–".to_string());
        for r in &f.fairness {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(r.measure),
                escape_cell(r.attribute),
                format_opt(r.value, "–"),
                interval(r.ci),
                cell(r.lowest_group.as_deref()),
                cell(r.highest_group.as_deref()),
                status_word(r.result.status),
            );
        }
    }
}

/// `value ± half-width`, the value alone, or `–`.
fn plus_minus(value: Option<f64>, half_width: Option<f64>) -> String {
    match (value, half_width) {
        (Some(v), Some(h)) => format!("{} ± {}", format_value(v), format_value(h)),
        (v, _) => format_opt(v, "–"),
    }
}

/// The model-validation sections: the cross-validation summary, the sensitivity of each
/// input, and the latency per batch size.
fn validation_tables(out: &mut String, report: &Report) {
    let f = ValidationFigures::of(&report.results);
    if !f.crossval.is_empty() {
        let heading = ci_heading(
            f.crossval
                .iter()
                .filter(|r| r.ci.is_some())
                .map(|r| r.confidence),
        );
        let _ = writeln!(
            out,
            "\n### Cross-validation\n\n| Metric | Mean ± sd | {heading} | Trivial | Folds | Status |\n\
             |---|---:|---:|---:|---:|---|"
        );
        for r in &f.crossval {
            let folds = match (r.n_folds, r.failed_folds) {
                (Some(n), Some(failed)) if failed > 0.0 => {
                    format!("{} ({} failed)", format_value(n), format_value(failed))
                }
                (None, Some(failed)) if failed > 0.0 => format!("{} failed", format_value(failed)),
                (n, _) => format_opt(n, "–"),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code(&r.metric),
                plus_minus(r.mean, r.sd),
                interval(r.ci),
                format_opt(r.trivial_mean, "–"),
                folds,
                status_word(r.result.status),
            );
        }
    }
    let inputs = f.sensitivity_inputs();
    if !inputs.is_empty() {
        // One column per figure some input has.
        let sobol = !f.sobol.is_empty();
        let morris = !f.morris.is_empty();
        let oat = !f.oat.is_empty();
        let importance = !f.importance.is_empty();
        let mut head = vec!["Input"];
        if sobol {
            head.extend(["S1 ± conf", "ST ± conf"]);
        }
        if morris {
            head.extend(["μ\\*", "σ"]);
        }
        if oat {
            head.push("Swing");
        }
        if importance {
            head.push("Importance ± sd");
        }
        let _ = writeln!(
            out,
            "\n### Sensitivity\n\n| {} |\n|---|{}",
            head.join(" | "),
            "---:|".repeat(head.len() - 1)
        );
        for input in inputs {
            let mut cells = vec![escape_cell(input)];
            if sobol {
                let r = f.sobol.iter().find(|r| r.input == input);
                cells.push(plus_minus(r.and_then(|r| r.s1), r.and_then(|r| r.s1_conf)));
                cells.push(plus_minus(r.and_then(|r| r.st), r.and_then(|r| r.st_conf)));
            }
            if morris {
                let r = f.morris.iter().find(|r| r.input == input);
                cells.push(format_opt(r.map(|r| r.mu_star), "–"));
                cells.push(format_opt(r.map(|r| r.sigma), "–"));
            }
            if oat {
                let r = f.oat.iter().find(|r| r.input == input);
                cells.push(format_opt(r.map(|r| r.swing), "–"));
            }
            if importance {
                let r = f.importance.iter().find(|r| r.input == input);
                cells.push(plus_minus(r.map(|r| r.importance), r.and_then(|r| r.sd)));
            }
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    if !f.latency.is_empty() {
        out.push_str("\n### Performance\n\n");
        out.push_str(
            "| Batch rows | p50 (ms) | p90 (ms) | p99 (ms) | Max (ms) | Rows/s | Status |\n",
        );
        out.push_str("|---:|---:|---:|---:|---:|---:|---|\n");
        for r in &f.latency {
            let batch = match r.batch_rows {
                Some(b) => format_value(b),
                None => escape_cell(r.label),
            };
            let _ = writeln!(
                out,
                "| {batch} | {} | {} | {} | {} | {} | {} |",
                format_opt(r.p50_ms, "–"),
                format_opt(r.p90_ms, "–"),
                format_opt(r.p99_ms, "–"),
                format_opt(r.max_ms, "–"),
                r.rows_per_s
                    .map(|x| format_count(x.round() as u64))
                    .unwrap_or_else(|| "–".to_string()),
                status_word(r.result.status),
            );
        }
    }
}

/// Renders `report` as GitHub-flavoured Markdown. Ends with a newline.
pub fn render_markdown(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!(
        "## assay {}: {}\n\n",
        escape_cell(&report.suite),
        s.verdict_word()
    );
    out.push_str(&dataset_line("Current", &report.current));
    match &report.reference {
        Some(r) => {
            out.push_str("  \n");
            out.push_str(&dataset_line("Reference", r));
            out.push('\n');
        }
        None => out.push_str("  \nNo reference dataset.\n"),
    }

    out.push_str("\n| Passed | Warned | Failed | Errors | Skipped | Total |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        s.passed, s.warned, s.failed, s.errors, s.skipped, s.total
    );

    drift_table(&mut out, report);
    model_tables(&mut out, report);
    validation_tables(&mut out, report);

    let problems = crate::problems_worst_first(&report.results);
    if !problems.is_empty() {
        out.push_str("\n### Failures, errors and warnings\n\n");
        results_table(&mut out, &problems, true);
    }

    let by_status = |status: Status| -> Vec<&CheckResult> {
        report
            .results
            .iter()
            .filter(|r| r.status == status)
            .collect()
    };
    collapsed(&mut out, "Passed checks", &by_status(Status::Pass));
    collapsed(&mut out, "Skipped checks", &by_status(Status::Skipped));

    let _ = writeln!(
        out,
        "\n<sub>assay {} · report schema {}</sub>",
        escape_cell(&report.assay_version),
        report.schema_version
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(escape_cell("a|b"), "a\\|b");
        assert_eq!(escape_cell("x\ny\r\nz"), "x<br>y<br>z");
        assert_eq!(escape_cell("<b>&"), "&lt;b&gt;&amp;");
        assert_eq!(escape_cell("__init__"), "\\_\\_init\\_\\_");
        assert_eq!(escape_cell("plain text 1.5"), "plain text 1.5");
    }

    #[test]
    fn code_spans_fall_back_to_escaping() {
        assert_eq!(code("drift.psi"), "`drift.psi`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
