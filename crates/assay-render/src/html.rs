//! HTML: one self-contained page (inline CSS, inline SVG, no script, no external asset).
//!
//! A header with the verdict and the datasets, cards with the counts per status, the failed,
//! errored and warned results (worst first, each with its condition and collapsible details),
//! the passed and skipped results in collapsed `<details>` sections, then one chart per column
//! distribution (`id="col-…"`, linked from the results about that column):
//!
//! - numeric columns: vertical bars per bin, reference and current as shares of their non-null
//!   totals side by side (overlaid when the two sides have different bins), with round x ticks
//!   (1-2-5 steps) and a rotated y-axis label;
//! - categorical columns: one horizontal row per category (label, reference and current bars,
//!   their shares), at most [`MAX_CATEGORIES`] categories by their larger share plus every
//!   category new in the current data (present there, absent from the reference, marked
//!   `new`), the rest folded into one `(other)` row.
//!
//! When the report has model or fairness results, a "Model evaluation" section comes before
//! the results: metrics with their intervals, baseline and trivial predictor, ROC,
//! precision–recall and reliability charts, the confusion matrix, the regression gate, slices,
//! weak slices, and per protected attribute the rates per group and the fairness measures (see
//! `html/model_section.rs`; the figures are read by [`crate::model`]).
//!
//! After it, when the report has model-validation results, up to three more sections (see
//! `html/validation_section.rs`; the figures are read by [`crate::validation`]):
//! cross-validation and generalization (summary and per-fold tables, overfitting, fold
//! variance, held-out segment values, validation coverage), sensitivity and robustness (Sobol
//! and permutation-importance bars with error bars, the Morris μ*–σ plane, one-at-a-time
//! swings, per-input flip rates under noise, monotonicity, counterfactual invariance), and
//! inference performance (latency percentiles and histograms, throughput, memory, load time,
//! ratios against a baseline model).
//!
//! Only the report's aggregates are shown, never raw rows. All text is escaped; SVG coordinates
//! carry at most one decimal.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use assay_stats::Histogram;

use crate::chart::{
    self, bar_axis, n1, nice_ticks, nice_top, text_width, truncate, BAR_X0, BAR_X1, BOTTOM, CHAR_W,
    H, LABEL_END, LEFT, MAX_LABEL_CHARS, RIGHT, ROWS_TOP, ROW_H, SMALL_CHAR_W, TOP, W,
};
use crate::numbers::{format_count, format_percent, format_value};
use crate::{CheckResult, ColumnDistribution, DatasetInfo, Report, Status};

mod model_section;
mod validation_section;

/// Escapes `s` for HTML text and quoted attribute values (`&`, `<`, `>`, `"`, `'`);
/// control characters other than tab and line breaks become spaces.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The element id of a column's chart: `col-` and the name with ASCII letters, digits and `-`
/// kept and every other byte of its UTF-8 form written `_xx` (lower-case hex), so distinct
/// names give distinct ids and an id never needs escaping (`native-country` →
/// `col-native-country`, `a b` → `col-a_20b`).
pub fn chart_id(column: &str) -> String {
    let mut id = String::with_capacity(column.len() + 4);
    id.push_str("col-");
    for b in column.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            id.push(b as char);
        } else {
            let _ = write!(id, "_{b:02x}");
        }
    }
    id
}

/// The report's own rules, after [`crate::theme::base_css`].
const CSS: &str = r#"main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
h1{font-size:22px;margin:0 0 6px;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
h2{font-size:17px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin:2px 0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
.verdict{font-size:13px;padding:2px 12px;border-radius:14px;color:#fff;letter-spacing:.04em}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
.card{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;padding:8px 16px;min-width:112px;color:var(--muted)}
.card b{display:block;font-size:22px;color:var(--fg)}
th,td{padding:7px 10px}
th{font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
a{color:var(--cur)}
.chip{display:inline-block;min-width:58px;text-align:center;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.s-pass{background:var(--pass);--c:var(--pass)}.s-warn{background:var(--warn);--c:var(--warn)}.s-fail{background:var(--fail);--c:var(--fail)}.s-error{background:var(--error);--c:var(--error)}.s-skipped{background:var(--skipped);--c:var(--skipped)}
.card.s-pass,.card.s-warn,.card.s-fail,.card.s-error,.card.s-skipped{background:#fff}
.dim{color:var(--muted)}
.cond{color:var(--muted);font-size:12px}
details summary{cursor:pointer;color:var(--muted);font-size:12px}
details.group{margin-top:14px}
details.group>summary{font-size:14px;font-weight:600;color:var(--fg);padding:4px 0}
details.group table{margin-top:6px}
dl{display:grid;grid-template-columns:max-content auto;gap:0 12px;margin:4px 0;font-size:12px}
dt{color:var(--muted)}dd{margin:0;word-break:break-word}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:16px;align-items:start}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 14px;scroll-margin-top:12px}
figure:target{outline:2px solid var(--cur);outline-offset:2px}
figcaption{display:flex;align-items:center;gap:8px;font-weight:600;margin-bottom:6px}
figcaption .dim{font-weight:400;font-size:12px}
figcaption .chip{margin-left:auto}
svg{display:block;width:100%;height:auto}
svg text{font-size:11px;fill:var(--muted);font-family:inherit}
.r{fill:var(--ref)}.c{fill:var(--cur)}.ov .c{fill-opacity:.6}.ax{stroke:var(--line);stroke-width:1}.bl{stroke:#8c959f;stroke-width:1}
svg .lb{fill:var(--fg);text-anchor:end}svg .v{font-size:10px}svg .nw{fill:var(--warn);font-weight:700}.nb{fill:var(--warn);fill-opacity:.1}
footer{margin-top:36px;color:var(--muted);font-size:12px}
"#;

/// CSS shared by the model and the model-validation sections, added to pages that have one.
const SECTION_CSS: &str = r#"h2 .dim,h3 .dim{font-size:13px;font-weight:400;margin-left:8px}
h3{font-size:15px;margin:26px 0 8px}
.dg{stroke:#8c959f;stroke-width:1;stroke-dasharray:4 3;fill:none}.tv{stroke:var(--warn);stroke-width:1.5;stroke-dasharray:5 3}
.pt{fill:var(--cur);fill-opacity:.8;stroke:#fff;stroke-width:1}.t{fill:#1b7c83}svg .tvl{fill:var(--warn)}
"#;

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "s-pass",
        Status::Warn => "s-warn",
        Status::Fail => "s-fail",
        Status::Error => "s-error",
        Status::Skipped => "s-skipped",
    }
}

fn chip(s: Status) -> String {
    format!(
        "<span class=\"chip {}\">{}</span>",
        status_class(s),
        s.as_str()
    )
}

/// A number for tables: [`format_value`], with thousands separators on integers
/// (`32,561`).
pub(crate) fn format_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() >= 1000.0 && x.abs() < 1e18 {
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{sign}{}", format_count(x.abs() as u64))
    } else {
        format_value(x)
    }
}

/// A JSON detail value: numbers through [`format_number`], strings bare, the rest as
/// compact JSON.
fn format_detail(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) => format_number(f),
            None => n.to_string(),
        },
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A count for legends: `n=16,281`, or `n≈16,281` when the counts were estimated and do
/// not sum to a whole number.
fn n_label(total: f64) -> String {
    if !(0.0..1e18).contains(&total) {
        return format!("n={}", format_value(total));
    }
    let rounded = total.round();
    let approx = (total - rounded).abs() > 1e-6 * rounded.max(1.0);
    format!(
        "n{}{}",
        if approx { "≈" } else { "=" },
        format_count(rounded as u64)
    )
}

fn dataset_html(label: &str, info: &DatasetInfo) -> String {
    let mut s = format!(
        "<p class=\"meta\"><strong>{label}</strong>: {} rows × {} columns",
        format_count(info.rows),
        info.columns
    );
    if !info.sources.is_empty() {
        let shown: Vec<String> = info
            .sources
            .iter()
            .take(5)
            .map(|p| format!("<code>{}</code>", escape_html(p)))
            .collect();
        let _ = write!(
            s,
            " from {}{}",
            if info.from_profile { "profile " } else { "" },
            shown.join(", ")
        );
        if info.sources.len() > 5 {
            let _ = write!(s, " and {} more", info.sources.len() - 5);
        }
    }
    s.push_str("</p>\n");
    s
}

/// Column name → chart id, for the columns that have a chart (the first one when a column
/// has several distributions).
type ChartIds<'a> = HashMap<&'a str, String>;

fn result_row(out: &mut String, r: &CheckResult, with_status: bool, charts: &ChartIds<'_>) {
    let column = match &r.column {
        Some(c) => match charts.get(c.as_str()) {
            Some(id) => format!(
                "<a href=\"#{id}\" title=\"chart of this column\">{}</a>",
                escape_html(c)
            ),
            None => escape_html(c),
        },
        None => "<span class=\"dim\">(dataset)</span>".to_string(),
    };
    out.push_str("<tr>");
    if with_status {
        let _ = write!(out, "<td>{}</td>", chip(r.status));
    }
    let opt = |x: Option<f64>| x.map(format_number).unwrap_or_else(|| "–".to_string());
    let _ = write!(
        out,
        "<td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}",
        escape_html(&r.id),
        column,
        opt(r.value),
        opt(r.threshold),
        escape_html(&r.message).replace('\n', "<br>"),
    );
    if let Some(cond) = &r.condition {
        let _ = write!(
            out,
            "<div class=\"cond\">requires {} (else {})</div>",
            escape_html(cond),
            escape_html(&r.severity)
        );
    }
    if !r.details.is_empty() {
        out.push_str("<details><summary>details</summary><dl>");
        for (k, v) in &r.details {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                escape_html(k),
                escape_html(&format_detail(v))
            );
        }
        out.push_str("</dl></details>");
    }
    out.push_str("</td></tr>\n");
}

fn results_table(
    out: &mut String,
    results: &[&CheckResult],
    with_status: bool,
    charts: &ChartIds<'_>,
) {
    out.push_str("<table>\n<thead><tr>");
    if with_status {
        out.push_str("<th>Status</th>");
    }
    out.push_str(
        "<th>Check</th><th>Column</th><th>Value</th><th>Threshold</th><th>Message</th></tr></thead>\n<tbody>\n",
    );
    for r in results {
        result_row(out, r, with_status, charts);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The drift table: drifted columns first, then by score; columns link to their charts.
fn drift_section(out: &mut String, report: &Report, charts: &ChartIds<'_>) {
    let rows = crate::drift::drift_rows(&report.results);
    if rows.is_empty() {
        return;
    }
    let (drifted, total) = crate::drift::column_counts(&rows);
    let _ = writeln!(
        out,
        "<section id=\"drift\">\n<h2>Drift: {drifted} of {total} columns drifted</h2>\n<table>\n\
         <thead><tr><th>Status</th><th>Column</th><th>Method</th><th>Statistic</th>\
         <th>p-value</th><th>adjusted</th><th>Effect size</th></tr></thead>\n<tbody>"
    );
    let opt = |x: Option<f64>| x.map(format_number).unwrap_or_else(|| "–".to_string());
    for r in rows {
        let column = match charts.get(r.column) {
            Some(id) => format!("<a href=\"#{id}\">{}</a>", escape_html(r.column)),
            None => escape_html(r.column),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td>{column}</td><td><code>{}</code></td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            if r.drifted { "drifted" } else { "steady" },
            chip(r.result.status),
            escape_html(&r.method),
            opt(r.statistic),
            opt(r.p_value),
            opt(r.p_value_adjusted),
            opt(r.effect),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Renders `report` as one self-contained HTML page. Ends with a newline.
pub fn render_html(report: &Report) -> String {
    let s = &report.summary;
    let suite = escape_html(&report.suite);
    let model = crate::model::ModelFigures::of(&report.results);
    let validation = crate::validation::ValidationFigures::of(&report.results);
    let section_css = if model.is_empty() && validation.is_empty() {
        ""
    } else {
        SECTION_CSS
    };
    let model_css = if model.is_empty() {
        ""
    } else {
        model_section::MODEL_CSS
    };
    let validation_css = if validation.is_empty() {
        ""
    } else {
        validation_section::VALIDATION_CSS
    };
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n\
         <title>assay: {suite} {}</title>\n<style>\n{}{CSS}{section_css}{model_css}{validation_css}</style>\n</head>\n<body>\n<main>\n",
        s.verdict_word(),
        crate::theme::base_css()
    );

    // Header.
    let _ = writeln!(
        out,
        "<header>\n<h1>{suite}<span class=\"verdict {}\">{}</span></h1>",
        status_class(s.overall_status()),
        s.verdict_word()
    );
    out.push_str(&dataset_html("Current", &report.current));
    match &report.reference {
        Some(r) => out.push_str(&dataset_html("Reference", r)),
        None => out.push_str("<p class=\"meta\"><strong>Reference</strong>: none</p>\n"),
    }
    out.push_str("<div class=\"cards\">");
    for (n, word, status) in [
        (s.failed, "failed", Status::Fail),
        (s.errors, "errors", Status::Error),
        (s.warned, "warned", Status::Warn),
        (s.passed, "passed", Status::Pass),
        (s.skipped, "skipped", Status::Skipped),
    ] {
        let _ = write!(
            out,
            "<div class=\"card {}\"><b>{n}</b>{word}</div>",
            status_class(status)
        );
    }
    out.push_str("</div>\n</header>\n");

    // One id per charted column.
    let mut charts: ChartIds<'_> = HashMap::new();
    let mut chart_ids: Vec<Option<String>> = Vec::with_capacity(report.distributions.len());
    for d in &report.distributions {
        if charts.contains_key(d.column.as_str()) {
            chart_ids.push(None);
        } else {
            let id = chart_id(&d.column);
            charts.insert(&d.column, id.clone());
            chart_ids.push(Some(id));
        }
    }

    drift_section(&mut out, report, &charts);
    model_section::model_section(&mut out, &model);
    validation_section::validation_sections(&mut out, &validation);

    // Results: problems worst first (suite order within a status), then the passed and the
    // skipped ones collapsed.
    let _ = writeln!(
        out,
        "<section id=\"results\">\n<h2>Results ({})</h2>",
        report.results.len()
    );
    if report.results.is_empty() {
        out.push_str("<p class=\"dim\">No results.</p>\n");
    } else {
        let mut problems: Vec<&CheckResult> = report
            .results
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Error | Status::Warn))
            .collect();
        problems.sort_by_key(|r| r.status.severity_rank());
        if problems.is_empty() {
            out.push_str("<p class=\"dim\">No failures, errors or warnings.</p>\n");
        } else {
            results_table(&mut out, &problems, true, &charts);
        }
        for (status, title) in [
            (Status::Pass, "Passed checks"),
            (Status::Skipped, "Skipped checks"),
        ] {
            let group: Vec<&CheckResult> = report
                .results
                .iter()
                .filter(|r| r.status == status)
                .collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<details class=\"group\">\n<summary>{title} ({})</summary>",
                group.len()
            );
            results_table(&mut out, &group, false, &charts);
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>\n");

    // Charts.
    if !report.distributions.is_empty() {
        out.push_str("<section>\n<h2>Distributions</h2>\n<div class=\"charts\">\n");
        for (d, id) in report.distributions.iter().zip(&chart_ids) {
            figure(&mut out, report, d, id.as_deref());
        }
        out.push_str("</div>\n</section>\n");
    }

    let _ = write!(
        out,
        "<footer>Generated by assay {} · report schema {}</footer>\n</main>\n</body>\n</html>\n",
        escape_html(&report.assay_version),
        report.schema_version
    );
    out
}

fn figure(out: &mut String, report: &Report, d: &ColumnDistribution, id: Option<&str>) {
    let column = escape_html(&d.column);
    match id {
        Some(id) => {
            let _ = writeln!(out, "<figure id=\"{id}\">");
        }
        None => out.push_str("<figure>\n"),
    }
    let _ = write!(
        out,
        "<figcaption>{column} <span class=\"dim\">{}",
        escape_html(&d.kind)
    );
    let estimated: Vec<&str> = [("reference", &d.reference), ("current", &d.current)]
        .into_iter()
        .filter(|(_, h)| {
            matches!(
                h,
                Some(Histogram::Numeric { exact: false, .. })
                    | Some(Histogram::Categorical { exact: false, .. })
            )
        })
        .map(|(name, _)| name)
        .collect();
    if !estimated.is_empty() {
        let _ = write!(
            out,
            " · {} counts estimated from a sketch",
            estimated.join(" and ")
        );
    }
    out.push_str("</span>");
    // The worst verdict among the column's results, with the list as a tooltip.
    let related: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.column.as_deref() == Some(d.column.as_str()))
        .collect();
    if let Some(worst) = related.iter().min_by_key(|r| r.status.severity_rank()) {
        let tip: Vec<String> = related
            .iter()
            .map(|r| format!("{}: {}", r.id, r.status))
            .collect();
        let _ = write!(
            out,
            "<span class=\"chip {}\" title=\"{}\">{}</span>",
            status_class(worst.status),
            escape_html(&tip.join("\n")),
            worst.status.as_str()
        );
    }
    out.push_str("</figcaption>\n");
    out.push_str(&chart_svg(d));
    out.push_str("\n</figure>\n");
}

// ----------------------------------------------------------------------------------------
// SVG charts

/// Categories drawn by their larger share before the rest is folded into `(other)`.
pub const MAX_CATEGORIES: usize = 15;
/// New categories (absent from the reference) always drawn, beyond [`MAX_CATEGORIES`].
pub const MAX_NEW_CATEGORIES: usize = 15;
/// Axis label of both kinds.
const SHARE_AXIS: &str = "% of non-null values";

/// One side of a chart: css class (`r` or `c`), name and histogram.
#[derive(Clone, Copy)]
struct Side<'a> {
    class: &'static str,
    name: &'static str,
    hist: &'a Histogram,
}

fn finite_sum(xs: &[f64]) -> f64 {
    xs.iter().filter(|c| c.is_finite() && **c > 0.0).sum()
}

fn shares(counts: &[f64], total: f64) -> Vec<f64> {
    counts
        .iter()
        .map(|c| {
            if total > 0.0 && c.is_finite() && *c > 0.0 {
                c / total
            } else {
                0.0
            }
        })
        .collect()
}

/// Edges usable as an axis: `counts + 1` finite, non-decreasing values spanning a range.
fn valid_edges(edges: &[f64], counts: &[f64]) -> bool {
    edges.len() == counts.len() + 1
        && !counts.is_empty()
        && edges.iter().all(|e| e.is_finite())
        && edges.windows(2).all(|w| w[0] <= w[1])
        && edges[edges.len() - 1] > edges[0]
}

fn svg_open(svg: &mut String, d: &ColumnDistribution, height: f64, class: &str) {
    chart::open(
        svg,
        W,
        height,
        &format!("distribution of {}", d.column),
        class,
    );
}

/// Legend: a swatch and the non-null total per side drawn.
fn legend(svg: &mut String, sides: &[Side<'_>], x0: f64) {
    let items: Vec<(&str, String)> = sides
        .iter()
        .map(|side| {
            let total = n_label(side.hist.total());
            (side.class, format!("{} (non-null {total})", side.name))
        })
        .collect();
    chart::legend(svg, &items, x0);
}

/// Draws a distribution as an inline SVG chart of shares.
fn chart_svg(d: &ColumnDistribution) -> String {
    let sides: Vec<Side<'_>> = [
        ("r", "reference", d.reference.as_ref()),
        ("c", "current", d.current.as_ref()),
    ]
    .into_iter()
    .filter_map(|(class, name, h)| h.map(|hist| Side { class, name, hist }))
    .collect();

    // All sides of the same kind as the first one; a side of another kind is left out.
    let drawn = match sides.first().map(|s| s.hist) {
        Some(Histogram::Numeric { .. }) => {
            let numeric: Vec<_> = sides
                .iter()
                .filter(|s| match s.hist {
                    Histogram::Numeric { edges, counts, .. } => valid_edges(edges, counts),
                    _ => false,
                })
                .copied()
                .collect();
            numeric_svg(d, &numeric)
        }
        Some(Histogram::Categorical { .. }) => {
            let cats: Vec<_> = sides
                .iter()
                .filter(|s| match s.hist {
                    Histogram::Categorical { labels, counts, .. } => labels.len() == counts.len(),
                    _ => false,
                })
                .copied()
                .collect();
            categorical_svg(d, &cats)
        }
        None => None,
    };
    drawn.unwrap_or_else(|| {
        let mut svg = String::new();
        svg_open(&mut svg, d, H, "");
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no distribution to draw</text></svg>",
            n1(W / 2.0),
            n1(H / 2.0)
        );
        svg
    })
}

// ---- numeric ----------------------------------------------------------------------------

/// One bin of a numeric chart with the shares drawn in it.
struct Slot {
    x0: f64,
    x1: f64,
    title: String,
    /// `(css class, share)`, drawn side by side within the slot (or overlaid).
    bars: Vec<(&'static str, f64)>,
}

fn numeric_parts<'a>(side: &Side<'a>) -> (&'a [f64], &'a [f64]) {
    match side.hist {
        Histogram::Numeric { edges, counts, .. } => (edges, counts),
        Histogram::Categorical { .. } => (&[], &[]),
    }
}

/// Vertical bars per bin over a value axis with round ticks. `sides` have valid edges.
fn numeric_svg(d: &ColumnDistribution, sides: &[Side<'_>]) -> Option<String> {
    let parts: Vec<(&[f64], &[f64])> = sides.iter().map(numeric_parts).collect();
    let lo = parts.iter().map(|p| p.0[0]).fold(f64::INFINITY, f64::min);
    let hi = parts
        .iter()
        .map(|p| p.0[p.0.len() - 1])
        .fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return None;
    }
    let x = |v: f64| LEFT + (v - lo) / (hi - lo) * (RIGHT - LEFT);
    let bin_title = |e: &[f64], i: usize| {
        let close = if i + 2 == e.len() { "]" } else { ")" };
        format!("[{}, {}{close}", format_value(e[i]), format_value(e[i + 1]))
    };
    let same_bins = parts.len() == 2 && parts[0].0 == parts[1].0;
    let overlay = parts.len() == 2 && !same_bins;
    let mut slots = Vec::new();
    if overlay {
        for (side, (edges, counts)) in sides.iter().zip(&parts) {
            let sh = shares(counts, finite_sum(counts));
            for (i, share) in sh.iter().copied().enumerate() {
                slots.push(Slot {
                    x0: x(edges[i]),
                    x1: x(edges[i + 1]),
                    title: format!(
                        "{} · {} {}",
                        bin_title(edges, i),
                        side.name,
                        format_percent(share)
                    ),
                    bars: vec![(side.class, share)],
                });
            }
        }
    } else {
        let edges = parts[0].0;
        let all: Vec<Vec<f64>> = parts
            .iter()
            .map(|(_, counts)| shares(counts, finite_sum(counts)))
            .collect();
        for i in 0..edges.len() - 1 {
            let mut title = bin_title(edges, i);
            let mut bars = Vec::new();
            for (side, sh) in sides.iter().zip(&all) {
                let _ = write!(title, " · {} {}", side.name, format_percent(sh[i]));
                bars.push((side.class, sh[i]));
            }
            slots.push(Slot {
                x0: x(edges[i]),
                x1: x(edges[i + 1]),
                title,
                bars,
            });
        }
    }

    let mut svg = String::with_capacity(4096);
    svg_open(&mut svg, d, H, if overlay { " class=\"ov\"" } else { "" });
    legend(&mut svg, sides, LEFT);

    // Y axis: gridlines at half and top, labels at 0, half and top, and the axis name.
    let max_share = slots
        .iter()
        .flat_map(|s| s.bars.iter().map(|b| b.1))
        .fold(0.0, f64::max);
    let top = nice_top(max_share);
    let y = |share: f64| BOTTOM - (share / top).min(1.0) * (BOTTOM - TOP);
    for frac in [0.0, 0.5, 1.0] {
        let yy = n1(y(top * frac));
        if frac > 0.0 {
            let _ = write!(
                svg,
                "<line class=\"ax\" x1=\"{}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\"/>",
                n1(LEFT),
                n1(RIGHT)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n1(LEFT - 5.0),
            n1(y(top * frac) + 4.0),
            format_percent(top * frac)
        );
    }
    let _ = write!(
        svg,
        "<text transform=\"rotate(-90)\" x=\"{}\" y=\"12\" text-anchor=\"middle\">{SHARE_AXIS}</text>",
        n1(-(TOP + BOTTOM) / 2.0)
    );

    // Bars.
    for slot in &slots {
        let k = slot.bars.len().max(1) as f64;
        let gap = ((slot.x1 - slot.x0) * 0.08).min(2.0);
        let inner = (slot.x1 - slot.x0 - 2.0 * gap).max(0.6);
        let start = (slot.x0 + slot.x1 - inner) / 2.0;
        let bw = inner / k;
        let _ = write!(svg, "<g><title>{}</title>", escape_html(&slot.title));
        for (j, (class, share)) in slot.bars.iter().enumerate() {
            let h = BOTTOM - y(*share);
            if h <= 0.0 {
                continue;
            }
            let (x0, w) = if overlay {
                (start, inner)
            } else {
                (start + bw * j as f64, bw)
            };
            let _ = write!(
                svg,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                n1(x0),
                n1(BOTTOM - h),
                n1(w.max(0.5)),
                n1(h.max(0.5))
            );
        }
        svg.push_str("</g>");
    }

    // Baseline, tick marks and tick labels.
    let _ = write!(
        svg,
        "<line class=\"bl\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n1(LEFT),
        n1(BOTTOM),
        n1(RIGHT),
        n1(BOTTOM)
    );
    let ticks = nice_ticks(lo, hi, RIGHT - LEFT);
    if !ticks.is_empty() {
        let mut path = String::new();
        for (v, _) in &ticks {
            let _ = write!(path, "M{} {}v4", n1(x(*v)), n1(BOTTOM));
        }
        let _ = write!(svg, "<path class=\"bl\" d=\"{path}\"/>");
    }
    let label_y = n1(BOTTOM + 16.0);
    for (v, label) in &ticks {
        let xx = x(*v);
        let half = text_width(label, CHAR_W) / 2.0;
        let anchor = if xx + half > W - 2.0 {
            "end"
        } else if xx - half < 2.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{label_y}\" text-anchor=\"{anchor}\">{}</text>",
            n1(xx),
            escape_html(label)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

// ---- categorical ------------------------------------------------------------------------

/// One row of a categorical chart.
#[derive(Debug, Clone, PartialEq)]
struct CategoryRow {
    /// Category label, or `(other)` for the folded rest.
    label: String,
    /// Share per side, in the order of the sides.
    shares: Vec<f64>,
    /// Present in the current data, absent (or zero) in the reference.
    new: bool,
    /// The folded rest: unlisted values and the categories not drawn.
    other: bool,
    /// For the `(other)` row: how many listed categories it folds...
    folded: usize,
    /// ...and how many of those are new.
    folded_new: usize,
}

fn categorical_parts<'a>(side: &Side<'a>) -> (&'a [String], &'a [f64], f64) {
    match side.hist {
        Histogram::Categorical {
            labels,
            counts,
            other,
            ..
        } => (labels, counts, *other),
        Histogram::Numeric { .. } => (&[], &[], 0.0),
    }
}

/// The rows to draw: the [`MAX_CATEGORIES`] categories with the largest share on either
/// side, plus up to [`MAX_NEW_CATEGORIES`] categories new in the current data (by their
/// current share), in order of their larger share, then one `(other)` row with everything
/// else (the categories not drawn and each histogram's `other`) when it is not empty.
fn category_rows(sides: &[Side<'_>]) -> Vec<CategoryRow> {
    let parts: Vec<_> = sides.iter().map(categorical_parts).collect();
    // Every label, in first-seen order, and each side's count of it.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for (labels, _, _) in &parts {
        for l in labels.iter() {
            if !index.contains_key(l.as_str()) {
                index.insert(l, names.len());
                names.push(l);
            }
        }
    }
    let positive = |c: f64| if c.is_finite() && c > 0.0 { c } else { 0.0 };
    let mut counts = vec![vec![0.0; names.len()]; parts.len()];
    let mut totals = vec![0.0; parts.len()];
    for (s, (labels, cs, other)) in parts.iter().enumerate() {
        for (l, c) in labels.iter().zip(cs.iter()) {
            counts[s][index[l.as_str()]] += positive(*c);
        }
        totals[s] = counts[s].iter().sum::<f64>() + positive(*other);
    }
    let share = |s: usize, i: usize| {
        if totals[s] > 0.0 {
            counts[s][i] / totals[s]
        } else {
            0.0
        }
    };
    let key = |i: usize| (0..parts.len()).map(|s| share(s, i)).fold(0.0, f64::max);
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|a, b| key(*b).total_cmp(&key(*a)));

    let reference = sides.iter().position(|s| s.class == "r");
    let current = sides.iter().position(|s| s.class == "c");
    let is_new = |i: usize| match (reference, current) {
        (Some(r), Some(c)) => counts[r][i] == 0.0 && counts[c][i] > 0.0,
        _ => false,
    };
    let mut selected: HashSet<usize> = order.iter().take(MAX_CATEGORIES).copied().collect();
    let mut new: Vec<usize> = (0..names.len())
        .filter(|i| is_new(*i) && !selected.contains(i))
        .collect();
    if let Some(c) = current {
        new.sort_by(|a, b| counts[c][*b].total_cmp(&counts[c][*a]));
    }
    selected.extend(new.into_iter().take(MAX_NEW_CATEGORIES));

    let mut rows: Vec<CategoryRow> = order
        .iter()
        .filter(|i| selected.contains(i))
        .map(|&i| CategoryRow {
            label: names[i].to_string(),
            shares: (0..parts.len()).map(|s| share(s, i)).collect(),
            new: is_new(i),
            other: false,
            folded: 0,
            folded_new: 0,
        })
        .collect();
    let rest: Vec<f64> = (0..parts.len())
        .map(|s| {
            let drawn: f64 = selected.iter().map(|&i| counts[s][i]).sum();
            let rest = totals[s] - drawn;
            if totals[s] > 0.0 && rest > totals[s] * 1e-12 {
                rest / totals[s]
            } else {
                0.0
            }
        })
        .collect();
    if rest.iter().any(|r| *r > 0.0) {
        rows.push(CategoryRow {
            label: "(other)".to_string(),
            shares: rest,
            new: false,
            other: true,
            folded: names.len() - selected.len(),
            folded_new: (0..names.len())
                .filter(|i| is_new(*i) && !selected.contains(i))
                .count(),
        });
    }
    rows
}

/// Horizontal bars, one row per category: label, a bar per side with its share at its end.
fn categorical_svg(d: &ColumnDistribution, sides: &[Side<'_>]) -> Option<String> {
    let rows = category_rows(sides);
    if rows.is_empty() {
        return None;
    }
    let rows_bottom = ROWS_TOP + ROW_H * rows.len() as f64;
    let height = rows_bottom + 32.0;
    let mut svg = String::with_capacity(1024 + 400 * rows.len());
    svg_open(&mut svg, d, height, "");
    legend(&mut svg, sides, 8.0);

    // Share axis: gridlines at half and top, labels at 0, half and top, and the axis name.
    let max_share = rows
        .iter()
        .flat_map(|r| r.shares.iter().copied())
        .fold(0.0, f64::max);
    let top = nice_top(max_share);
    let x = |share: f64| BAR_X0 + (share / top).clamp(0.0, 1.0) * (BAR_X1 - BAR_X0);
    bar_axis(&mut svg, top, rows_bottom, SHARE_AXIS);

    // Bar geometry within a row: (offset from the row top, height, text baseline offset).
    let two = sides.len() == 2;
    let bar_geometry = |j: usize| -> (f64, f64, f64) {
        match (two, j) {
            (true, 0) => (2.5, 9.0, 10.5),
            (true, _) => (12.5, 9.0, 20.5),
            (false, _) => (6.0, 12.0, 15.5),
        }
    };
    for (k, row) in rows.iter().enumerate() {
        let top_y = ROWS_TOP + ROW_H * k as f64;
        let mut title = if row.other && row.folded > 0 {
            let new = if row.folded_new > 0 {
                format!(" ({} of them new)", row.folded_new)
            } else {
                String::new()
            };
            format!(
                "(other): {} more categor{}{new} and unlisted values",
                row.folded,
                if row.folded == 1 { "y" } else { "ies" }
            )
        } else {
            row.label.clone()
        };
        for (side, share) in sides.iter().zip(&row.shares) {
            let _ = write!(title, " · {} {}", side.name, format_percent(*share));
        }
        if row.new {
            title.push_str(" · new: absent from the reference");
        }
        let _ = write!(svg, "<g><title>{}</title>", escape_html(&title));
        if row.new {
            let _ = write!(
                svg,
                "<rect class=\"nb\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                n1(top_y),
                n1(W),
                n1(ROW_H)
            );
        }
        let label = if row.label.is_empty() {
            "\"\"".to_string()
        } else {
            truncate(&row.label, MAX_LABEL_CHARS, LABEL_END - 4.0)
        };
        let _ = write!(
            svg,
            "<text class=\"lb{}\" x=\"{}\" y=\"{}\">{}</text>",
            if row.new { " nw" } else { "" },
            n1(LABEL_END),
            n1(top_y + 16.0),
            escape_html(&label)
        );
        let mut text_end: f64 = 0.0;
        for (j, (side, share)) in sides.iter().zip(&row.shares).enumerate() {
            let (dy, bh, ty) = bar_geometry(j);
            let x1 = x(*share);
            if x1 - BAR_X0 > 0.0 {
                let _ = write!(
                    svg,
                    "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    side.class,
                    n1(BAR_X0),
                    n1(top_y + dy),
                    n1((x1 - BAR_X0).max(0.5)),
                    n1(bh)
                );
            }
            let text = format_percent(*share);
            let tx = x1.max(BAR_X0 + 0.5) + 4.0;
            text_end = text_end.max(tx + text_width(&text, SMALL_CHAR_W));
            let _ = write!(
                svg,
                "<text class=\"v\" x=\"{}\" y=\"{}\">{text}</text>",
                n1(tx),
                n1(top_y + ty)
            );
        }
        if row.new {
            let _ = write!(
                svg,
                "<text class=\"nw\" x=\"{}\" y=\"{}\">new</text>",
                n1((text_end + 6.0).min(W - 24.0)),
                n1(top_y + 16.0)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{char_width, format_tick};

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("a\u{1b}b"), "a b");
    }

    #[test]
    fn chart_ids_are_safe_and_distinct() {
        assert_eq!(chart_id("native-country"), "col-native-country");
        assert_eq!(chart_id("Age2"), "col-Age2");
        assert_eq!(chart_id("a b"), "col-a_20b");
        assert_eq!(chart_id("a_20b"), "col-a_5f20b");
        assert_eq!(chart_id("é\"<"), "col-_c3_a9_22_3c");
        assert_eq!(chart_id(""), "col-");
        assert_ne!(chart_id("a b"), chart_id("a-b"));
    }

    #[test]
    fn coordinates_have_one_decimal() {
        assert_eq!(n1(12.0), "12");
        assert_eq!(n1(12.345), "12.3");
        assert_eq!(n1(-0.04), "0");
        assert_eq!(n1(99.96), "100");
    }

    #[test]
    fn axis_top_is_rounded_up() {
        assert_eq!(nice_top(0.0), 1.0);
        assert!((nice_top(0.23) - 0.3).abs() < 1e-12);
        assert!((nice_top(0.07) - 0.1).abs() < 1e-12);
        assert!((nice_top(0.012) - 0.02).abs() < 1e-12);
        assert_eq!(nice_top(1.0), 1.0);
    }

    #[test]
    fn invalid_edges_are_not_drawn() {
        assert!(valid_edges(&[0.0, 1.0, 2.0], &[1.0, 2.0]));
        assert!(!valid_edges(&[0.0, 1.0], &[1.0, 2.0]));
        assert!(!valid_edges(&[0.0, f64::NAN, 2.0], &[1.0, 2.0]));
        assert!(!valid_edges(&[2.0, 1.0, 0.0], &[1.0, 2.0]));
        assert!(!valid_edges(&[1.0, 1.0], &[1.0]));
    }

    #[test]
    fn numbers_and_counts_have_separators() {
        assert_eq!(format_number(32561.0), "32,561");
        assert_eq!(format_number(-1234567.0), "-1,234,567");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(0.05639), "0.05639");
        assert_eq!(format_number(1234.5), "1234.5");
        assert_eq!(n_label(22793.0), "n=22,793");
        assert_eq!(n_label(22793.0000000001), "n=22,793");
        assert_eq!(n_label(22792.6), "n≈22,793");
        assert_eq!(n_label(0.0), "n=0");
        assert_eq!(n_label(f64::NAN), "n=NaN");
    }

    fn labels(lo: f64, hi: f64) -> Vec<String> {
        nice_ticks(lo, hi, RIGHT - LEFT)
            .into_iter()
            .map(|(_, l)| l)
            .collect()
    }

    #[test]
    fn ticks_are_round_and_compact() {
        // Adult: age, education-num, hours-per-week, fnlwgt, capital-gain.
        assert_eq!(labels(17.0, 90.0), ["20", "40", "60", "80"]);
        assert_eq!(
            labels(1.0, 16.0),
            ["2", "4", "6", "8", "10", "12", "14", "16"]
        );
        assert_eq!(labels(1.0, 99.0), ["20", "40", "60", "80"]);
        assert_eq!(
            labels(12285.0, 1484705.0),
            ["200k", "400k", "600k", "800k", "1M", "1.2M", "1.4M"]
        );
        assert_eq!(labels(0.0, 99999.0), ["0", "20k", "40k", "60k", "80k"]);
        assert_eq!(labels(0.0, 1.0), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        assert_eq!(labels(-1.0, 1.0), ["-1", "-0.5", "0", "0.5", "1"]);
        assert_eq!(
            labels(1990.0, 2020.0),
            ["1990", "1995", "2000", "2005", "2010", "2015", "2020"]
        );
        assert_eq!(
            labels(0.0, 0.001),
            ["0", "0.0002", "0.0004", "0.0006", "0.0008", "0.001"]
        );
        assert_eq!(
            labels(12300.0, 12400.0),
            ["12,300", "12,320", "12,340", "12,360", "12,380", "12,400"]
        );
        assert_eq!(labels(4.5, 5.5), ["4.6", "4.8", "5", "5.2", "5.4"]);
        assert!(labels(1.0, 1.0).is_empty());
        assert!(labels(f64::NAN, 1.0).is_empty());
        // Every tick is a whole multiple of a 1-2-5 step, inside the range, between 2 and 10.
        for (lo, hi) in [(0.3, 7.9), (-273.15, 1e4), (1e-7, 3e-7), (5e11, 9e12)] {
            let ticks = nice_ticks(lo, hi, RIGHT - LEFT);
            assert!((2..=10).contains(&ticks.len()), "{lo} {hi}: {ticks:?}");
            let step = ticks[1].0 - ticks[0].0;
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0, 10.0]
                    .iter()
                    .any(|m| (mantissa - m).abs() < 1e-6),
                "{lo} {hi}: {ticks:?}"
            );
            for (v, _) in &ticks {
                assert!(*v >= lo - 1e-9 * hi.abs() && *v <= hi + 1e-9 * hi.abs());
                let k = v / step;
                assert!((k - k.round()).abs() < 1e-6, "{v} / {step}");
            }
        }
    }

    #[test]
    fn tick_labels() {
        assert_eq!(format_tick(0.0, 0.2), "0");
        assert_eq!(format_tick(-0.0, 1.0), "0");
        assert_eq!(format_tick(12_000.0, 2000.0), "12k");
        assert_eq!(format_tick(1_200_000.0, 200_000.0), "1.2M");
        assert_eq!(format_tick(1_000_000.0, 50_000.0), "1000k");
        assert_eq!(format_tick(3e9, 1e9), "3G");
        assert_eq!(format_tick(0.3, 0.1), "0.3");
        assert_eq!(format_tick(2.5, 0.5), "2.5");
        assert_eq!(format_tick(1995.0, 5.0), "1995");
    }

    fn both<'a>(reference: &'a Histogram, current: &'a Histogram) -> [Side<'a>; 2] {
        [
            Side {
                class: "r",
                name: "reference",
                hist: reference,
            },
            Side {
                class: "c",
                name: "current",
                hist: current,
            },
        ]
    }

    fn cat(labels: &[&str], counts: &[f64], other: f64) -> Histogram {
        Histogram::Categorical {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            counts: counts.to_vec(),
            other,
            exact: true,
        }
    }

    #[test]
    fn category_rows_keep_the_top_new_ones_and_fold_the_rest() {
        // 40 categories with decreasing counts in the reference; the current one adds a rare
        // category absent from the reference.
        let names: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
        let mut labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let ref_counts: Vec<f64> = (0..40).map(|i| 100.0 - 2.0 * i as f64).collect();
        let mut cur_counts = ref_counts.clone();
        labels.push("Holand-Netherlands");
        let mut ref_counts_all = ref_counts.clone();
        ref_counts_all.push(0.0);
        cur_counts.push(1.0);
        let reference = cat(&labels, &ref_counts_all, 10.0);
        let current = cat(&labels, &cur_counts, 5.0);
        let rows = category_rows(&both(&reference, &current));
        assert_eq!(rows.len(), MAX_CATEGORIES + 1 + 1);
        let drawn: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(&drawn[..3], ["c00", "c01", "c02"]);
        assert_eq!(drawn[MAX_CATEGORIES - 1], "c14");
        assert_eq!(drawn[MAX_CATEGORIES], "Holand-Netherlands");
        assert_eq!(drawn[MAX_CATEGORIES + 1], "(other)");
        assert!(rows[MAX_CATEGORIES].new);
        assert_eq!(rows[MAX_CATEGORIES].shares[0], 0.0);
        assert!(rows.iter().filter(|r| r.new).count() == 1);
        // (other) holds the 25 categories not drawn plus each side's `other`.
        let other = &rows[MAX_CATEGORIES + 1];
        assert!(other.other && other.folded == 25 && other.folded_new == 0);
        let ref_total: f64 = ref_counts.iter().sum::<f64>() + 10.0;
        let ref_rest: f64 = ref_counts[15..].iter().sum::<f64>() + 10.0;
        assert!((other.shares[0] - ref_rest / ref_total).abs() < 1e-12);
        let cur_total: f64 = ref_counts.iter().sum::<f64>() + 1.0 + 5.0;
        let cur_rest: f64 = ref_counts[15..].iter().sum::<f64>() + 5.0;
        assert!((other.shares[1] - cur_rest / cur_total).abs() < 1e-12);
        // Shares of each side sum to one.
        for s in 0..2 {
            let sum: f64 = rows.iter().map(|r| r.shares[s]).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        }
    }

    #[test]
    fn new_categories_are_kept_up_to_a_cap() {
        // 3 known categories and 40 new ones; the largest new ones are kept first.
        let labels: Vec<String> = ["a", "b", "c"]
            .iter()
            .map(|s| s.to_string())
            .chain((0..40).map(|i| format!("n{i:02}")))
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut ref_counts = vec![50.0, 30.0, 20.0];
        ref_counts.extend([0.0; 40]);
        let mut cur_counts = vec![50.0, 30.0, 20.0];
        cur_counts.extend((0..40).map(|i| 1.0 + i as f64));
        let reference = cat(&labels, &ref_counts, 0.0);
        let current = cat(&labels, &cur_counts, 0.0);
        let rows = category_rows(&both(&reference, &current));
        // The 3 known and the 12 largest new ones fill the top 15; 15 more new ones are kept
        // beyond it and the 13 smallest are folded.
        let new: Vec<&str> = rows
            .iter()
            .filter(|r| r.new)
            .map(|r| r.label.as_str())
            .collect();
        assert_eq!(new.len(), 12 + MAX_NEW_CATEGORIES);
        assert_eq!(new[0], "n39");
        assert!(!new.contains(&"n00") && !new.contains(&"n12"));
        assert!(new.contains(&"n13"));
        let other = rows.last().unwrap();
        assert!(other.other);
        assert_eq!((other.folded, other.folded_new), (13, 13));
    }

    #[test]
    fn category_rows_without_reference_or_rest() {
        let current = cat(&["a", "b"], &[3.0, 1.0], 0.0);
        let sides = [Side {
            class: "c",
            name: "current",
            hist: &current,
        }];
        let rows = category_rows(&sides);
        assert_eq!(rows.len(), 2, "no (other) row when nothing is folded");
        assert!(
            rows.iter().all(|r| !r.new),
            "nothing is new without a reference"
        );
        assert_eq!(rows[0].shares, [0.75]);
        // Larger share first, whichever side it comes from.
        let reference = cat(&["a", "b"], &[1.0, 9.0], 0.0);
        let rows = category_rows(&both(&reference, &current));
        assert_eq!(rows[0].label, "b");
        assert!(rows.iter().all(|r| !r.new));
    }

    #[test]
    fn long_labels_are_truncated() {
        let fit = |s: &str| truncate(s, MAX_LABEL_CHARS, LABEL_END - 4.0);
        assert_eq!(fit("Holand-Netherlands"), "Holand-Netherlands");
        assert_eq!(
            fit("Outlying-US(Guam-USVI-etc)"),
            "Outlying-US(Guam-USVI-etc)"
        );
        let t = fit(&"x".repeat(40));
        assert_eq!(t.chars().count(), MAX_LABEL_CHARS);
        assert!(t.ends_with('…'));
        // Wide characters are cut earlier, to stay within the label area.
        let t = fit(&"W".repeat(28));
        assert!(t.ends_with('…') && t.chars().count() < 20, "{t}");
        assert!(t.chars().map(char_width).sum::<f64>() <= LABEL_END - 4.0);
        assert_eq!(fit(""), "");
    }
}
