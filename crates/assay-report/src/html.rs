//! HTML: one self-contained page (inline CSS, inline SVG, no script, no external asset).
//!
//! A header with the verdict and the datasets, cards with the counts per status, the results
//! (worst first, each with its condition and collapsible details), and one bar chart per
//! column distribution: reference and current as shares of their totals, side by side per
//! bin or category. Only the report's aggregates are shown, never raw rows. All text is
//! escaped.

use std::fmt::Write as _;

use assay_stats::Histogram;

use crate::numbers::{format_count, format_json_value, format_opt, format_percent, format_value};
use crate::{CheckResult, ColumnDistribution, DatasetInfo, Report, Status};

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

const CSS: &str = r#":root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--error:#8250df;--skipped:#6e7781;--ref:#a8b3bf;--cur:#2f6fde;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
h1{font-size:22px;margin:0 0 6px;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
h2{font-size:17px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin:2px 0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
.verdict{font-size:13px;padding:2px 12px;border-radius:14px;color:#fff;letter-spacing:.04em}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
.card{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;padding:8px 16px;min-width:112px;color:var(--muted)}
.card b{display:block;font-size:22px;color:var(--fg)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chip{display:inline-block;min-width:58px;text-align:center;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.s-pass{background:var(--pass);--c:var(--pass)}.s-warn{background:var(--warn);--c:var(--warn)}.s-fail{background:var(--fail);--c:var(--fail)}.s-error{background:var(--error);--c:var(--error)}.s-skipped{background:var(--skipped);--c:var(--skipped)}
.card.s-pass,.card.s-warn,.card.s-fail,.card.s-error,.card.s-skipped{background:#fff}
.dim{color:var(--muted)}
.cond{color:var(--muted);font-size:12px}
details summary{cursor:pointer;color:var(--muted);font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:0 12px;margin:4px 0;font-size:12px}
dt{color:var(--muted)}dd{margin:0;word-break:break-word}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
figcaption{display:flex;align-items:center;gap:8px;font-weight:600;margin-bottom:6px}
figcaption .dim{font-weight:400;font-size:12px}
figcaption .chip{margin-left:auto}
svg{display:block;width:100%;height:auto}
svg text{font-size:11px;fill:var(--muted);font-family:inherit}
.r{fill:var(--ref)}.c{fill:var(--cur)}.ov .c{fill-opacity:.6}.ax{stroke:var(--line);stroke-width:1}.bl{stroke:#8c959f;stroke-width:1}
footer{margin-top:36px;color:var(--muted);font-size:12px}
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

fn result_row(out: &mut String, r: &CheckResult) {
    let column = match &r.column {
        Some(c) => escape_html(c),
        None => "<span class=\"dim\">(dataset)</span>".to_string(),
    };
    let _ = write!(
        out,
        "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}",
        chip(r.status),
        escape_html(&r.id),
        column,
        format_opt(r.value, "–"),
        format_opt(r.threshold, "–"),
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
                escape_html(&format_json_value(v))
            );
        }
        out.push_str("</dl></details>");
    }
    out.push_str("</td></tr>\n");
}

/// Renders `report` as one self-contained HTML page. Ends with a newline.
pub fn render_html(report: &Report) -> String {
    let s = &report.summary;
    let suite = escape_html(&report.suite);
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n\
         <title>assay: {suite} {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        s.verdict_word()
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

    // Results, worst first (suite order within a status).
    let _ = writeln!(
        out,
        "<section>\n<h2>Results ({})</h2>",
        report.results.len()
    );
    if report.results.is_empty() {
        out.push_str("<p class=\"dim\">No results.</p>\n");
    } else {
        let mut results: Vec<&CheckResult> = report.results.iter().collect();
        results.sort_by_key(|r| r.status.severity_rank());
        out.push_str(
            "<table>\n<thead><tr><th>Status</th><th>Check</th><th>Column</th>\
             <th>Value</th><th>Threshold</th><th>Message</th></tr></thead>\n<tbody>\n",
        );
        for r in results {
            result_row(&mut out, r);
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    // Charts.
    if !report.distributions.is_empty() {
        out.push_str("<section>\n<h2>Distributions</h2>\n<div class=\"charts\">\n");
        for d in &report.distributions {
            figure(&mut out, report, d);
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

fn figure(out: &mut String, report: &Report, d: &ColumnDistribution) {
    let column = escape_html(&d.column);
    let _ = write!(
        out,
        "<figure>\n<figcaption>{column} <span class=\"dim\">{}</span>",
        escape_html(&d.kind)
    );
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

/// Chart geometry, in SVG user units.
const W: f64 = 480.0;
const H: f64 = 210.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 470.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 176.0;
/// Categories drawn before the rest is folded into "(other)".
const MAX_CATEGORIES: usize = 20;

/// A number for SVG coordinates: one decimal, no trailing `.0`.
fn n1(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// One x slot of the chart (a bin or a category) with the shares drawn in it.
struct Slot {
    x0: f64,
    x1: f64,
    title: String,
    /// `(css class, share)`, drawn side by side within the slot.
    bars: Vec<(&'static str, f64)>,
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

/// A numeric side to draw: css class, name, edges, counts.
type NumericSide<'a> = (&'static str, &'static str, &'a [f64], &'a [f64]);
/// A categorical side to draw: css class, name, labels, counts, other.
type CategoricalSide<'a> = (&'static str, &'static str, &'a [String], &'a [f64], f64);

/// A chart's slots, axis labels (x, text-anchor) and whether the series overlap.
struct Layout {
    slots: Vec<Slot>,
    labels: Vec<(f64, &'static str, String)>,
    overlay: bool,
    /// Widest a single bar may be (categories); bars are centred in their slot.
    max_bar: f64,
}

fn numeric_layout(sides: &[NumericSide<'_>]) -> Option<Layout> {
    // sides: (css class, name, edges, counts), already validated.
    let lo = sides.iter().map(|s| s.2[0]).fold(f64::INFINITY, f64::min);
    let hi = sides
        .iter()
        .map(|s| s.2[s.2.len() - 1])
        .fold(f64::NEG_INFINITY, f64::max);
    if hi.is_nan() || lo.is_nan() || hi <= lo {
        return None;
    }
    let x = |v: f64| LEFT + (v - lo) / (hi - lo) * (RIGHT - LEFT);
    let bin_title = |e: &[f64], i: usize| {
        let close = if i + 2 == e.len() { "]" } else { ")" };
        format!("[{}, {}{close}", format_value(e[i]), format_value(e[i + 1]))
    };
    let same_bins = sides.len() == 2 && sides[0].2 == sides[1].2;
    let mut slots = Vec::new();
    if same_bins || sides.len() == 1 {
        let edges = sides[0].2;
        let all: Vec<Vec<f64>> = sides
            .iter()
            .map(|s| shares(s.3, s.3.iter().filter(|c| c.is_finite()).sum()))
            .collect();
        for i in 0..edges.len() - 1 {
            let mut title = bin_title(edges, i);
            let mut bars = Vec::new();
            for (side, sh) in sides.iter().zip(&all) {
                let _ = write!(title, " · {} {}", side.1, format_percent(sh[i]));
                bars.push((side.0, sh[i]));
            }
            slots.push(Slot {
                x0: x(edges[i]),
                x1: x(edges[i + 1]),
                title,
                bars,
            });
        }
    } else {
        for side in sides {
            let sh = shares(side.3, side.3.iter().filter(|c| c.is_finite()).sum());
            for (i, share) in sh.iter().copied().enumerate() {
                slots.push(Slot {
                    x0: x(side.2[i]),
                    x1: x(side.2[i + 1]),
                    title: format!(
                        "{} · {} {}",
                        bin_title(side.2, i),
                        side.1,
                        format_percent(share)
                    ),
                    bars: vec![(side.0, share)],
                });
            }
        }
    }
    let mut labels = vec![
        (LEFT, "start", format_value(lo)),
        (RIGHT, "end", format_value(hi)),
    ];
    // A middle tick on a bin edge when there is room.
    let edges = sides[0].2;
    if edges.len() >= 5 {
        let mid = edges[(edges.len() - 1) / 2];
        let xm = x(mid);
        if xm - LEFT > 70.0 && RIGHT - xm > 70.0 {
            labels.push((xm, "middle", format_value(mid)));
        }
    }
    Some(Layout {
        slots,
        labels,
        overlay: !same_bins && sides.len() == 2,
        max_bar: f64::INFINITY,
    })
}

fn categorical_layout(sides: &[CategoricalSide<'_>]) -> Layout {
    // sides: (css class, name, labels, counts, other).
    let mut names: Vec<&str> = Vec::new();
    for side in sides {
        for l in side.2 {
            if !names.contains(&l.as_str()) {
                names.push(l);
            }
        }
    }
    let folded = names.len() > MAX_CATEGORIES;
    names.truncate(MAX_CATEGORIES);

    // Per side: share per drawn category, and the share of everything else.
    let mut per_side: Vec<(Vec<f64>, f64)> = Vec::new();
    for side in sides {
        let total: f64 = side.3.iter().filter(|c| c.is_finite()).sum::<f64>()
            + if side.4.is_finite() { side.4 } else { 0.0 };
        let sh = shares(side.3, total);
        let drawn: Vec<f64> = names
            .iter()
            .map(|n| {
                side.2
                    .iter()
                    .position(|l| l == n)
                    .and_then(|i| sh.get(i).copied())
                    .unwrap_or(0.0)
            })
            .collect();
        let rest = (1.0 - drawn.iter().sum::<f64>()).max(0.0);
        let rest = if total > 0.0 && rest > 1e-12 {
            rest
        } else {
            0.0
        };
        per_side.push((drawn, rest));
    }
    let has_other = per_side.iter().any(|(_, rest)| *rest > 0.0);
    let n_slots = names.len() + usize::from(has_other);
    let width = (RIGHT - LEFT) / n_slots.max(1) as f64;
    let mut slots = Vec::new();
    let mut labels = Vec::new();
    let max_chars = ((width - 4.0) / 6.0).floor().max(0.0) as usize;
    let mut push = |i: usize, name: String, bars: Vec<(&'static str, f64)>| {
        let x0 = LEFT + width * i as f64;
        let mut title = name.clone();
        for ((_, share), side) in bars.iter().zip(sides) {
            let _ = write!(title, " · {} {}", side.1, format_percent(*share));
        }
        if max_chars >= 3 {
            labels.push((x0 + width / 2.0, "middle", truncate(&name, max_chars)));
        }
        slots.push(Slot {
            x0,
            x1: x0 + width,
            title,
            bars,
        });
    };
    for (i, name) in names.iter().enumerate() {
        let bars = sides
            .iter()
            .zip(&per_side)
            .map(|(side, (drawn, _))| (side.0, drawn[i]))
            .collect();
        push(i, (*name).to_string(), bars);
    }
    if has_other {
        let bars = sides
            .iter()
            .zip(&per_side)
            .map(|(side, (_, rest))| (side.0, *rest))
            .collect();
        let name = if folded { "(all other)" } else { "(other)" };
        push(names.len(), name.to_string(), bars);
    }
    Layout {
        slots,
        labels,
        overlay: false,
        max_bar: 32.0,
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The largest share rounded up to a readable axis maximum.
fn nice_top(max_share: f64) -> f64 {
    if max_share.is_nan() || max_share <= 0.0 {
        return 1.0;
    }
    for step in [0.1, 0.05, 0.01, 0.005, 0.001] {
        if max_share > step {
            return ((max_share / step).ceil() * step).min(1.0);
        }
    }
    max_share
}

fn total_label(h: &Histogram) -> String {
    let t = h.total();
    if t.fract() == 0.0 && (0.0..1e18).contains(&t) {
        format_count(t as u64)
    } else {
        format_value(t)
    }
}

/// Draws a distribution as an inline SVG bar chart of shares.
fn chart_svg(d: &ColumnDistribution) -> String {
    let sides: Vec<(&'static str, &'static str, &Histogram)> = [
        ("r", "reference", d.reference.as_ref()),
        ("c", "current", d.current.as_ref()),
    ]
    .into_iter()
    .filter_map(|(class, name, h)| h.map(|h| (class, name, h)))
    .collect();

    // All sides of the same kind as the first one; a side of another kind is left out.
    let layout = match sides.first().map(|s| s.2) {
        Some(Histogram::Numeric { .. }) => {
            let numeric: Vec<_> = sides
                .iter()
                .filter_map(|(class, name, h)| match h {
                    Histogram::Numeric { edges, counts, .. } if valid_edges(edges, counts) => {
                        Some((*class, *name, edges.as_slice(), counts.as_slice()))
                    }
                    _ => None,
                })
                .collect();
            if numeric.is_empty() {
                None
            } else {
                numeric_layout(&numeric)
            }
        }
        Some(Histogram::Categorical { .. }) => {
            let cats: Vec<_> = sides
                .iter()
                .filter_map(|(class, name, h)| match h {
                    Histogram::Categorical {
                        labels,
                        counts,
                        other,
                        ..
                    } if labels.len() == counts.len() => {
                        Some((*class, *name, labels.as_slice(), counts.as_slice(), *other))
                    }
                    _ => None,
                })
                .collect();
            Some(categorical_layout(&cats)).filter(|l| !l.slots.is_empty())
        }
        None => None,
    };

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"distribution of {}\"{}>",
        n1(W),
        n1(H),
        escape_html(&d.column),
        if layout.as_ref().is_some_and(|l| l.overlay) {
            " class=\"ov\""
        } else {
            ""
        }
    );
    let Some(layout) = layout else {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no distribution to draw</text></svg>",
            n1(W / 2.0),
            n1(H / 2.0)
        );
        return svg;
    };

    // Legend: a swatch and the total per side drawn, and a note when counts are estimated.
    let drawn: Vec<_> = sides
        .iter()
        .filter(|(class, _, _)| {
            layout
                .slots
                .iter()
                .any(|s| s.bars.iter().any(|b| b.0 == *class))
        })
        .collect();
    let mut lx = LEFT;
    for (class, name, h) in &drawn {
        let text = format!("{name} (n={})", total_label(h));
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{}\" y=\"8\" width=\"10\" height=\"10\" rx=\"2\"/><text x=\"{}\" y=\"17\">{}</text>",
            n1(lx),
            n1(lx + 14.0),
            escape_html(&text)
        );
        lx += 14.0 + 6.2 * text.chars().count() as f64 + 16.0;
    }
    let estimated = drawn.iter().any(|(_, _, h)| match h {
        Histogram::Numeric { exact, .. } | Histogram::Categorical { exact, .. } => !exact,
    });
    if estimated {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"17\" text-anchor=\"end\">estimated from sketch</text>",
            n1(RIGHT)
        );
    }

    // Y axis: gridlines at 0, half and top, labelled as percentages.
    let max_share = layout
        .slots
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

    // Bars.
    for slot in &layout.slots {
        let k = slot.bars.len().max(1) as f64;
        let gap = ((slot.x1 - slot.x0) * 0.08).min(2.0);
        let inner = (slot.x1 - slot.x0 - 2.0 * gap)
            .max(0.6)
            .min(layout.max_bar * k);
        let start = (slot.x0 + slot.x1 - inner) / 2.0;
        let bw = inner / k;
        let _ = write!(svg, "<g><title>{}</title>", escape_html(&slot.title));
        for (j, (class, share)) in slot.bars.iter().enumerate() {
            let h = BOTTOM - y(*share);
            if h <= 0.0 {
                continue;
            }
            let x0 = if layout.overlay {
                start
            } else {
                start + bw * j as f64
            };
            let w = if layout.overlay { inner } else { bw };
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

    // Baseline and x labels.
    let _ = write!(
        svg,
        "<line class=\"bl\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n1(LEFT),
        n1(BOTTOM),
        n1(RIGHT),
        n1(BOTTOM)
    );
    let label_y = n1(BOTTOM + 16.0);
    for (x, anchor, text) in &layout.labels {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{label_y}\" text-anchor=\"{anchor}\">{}</text>",
            n1(*x),
            escape_html(text)
        );
    }
    let axis_note = match sides.first().map(|s| s.2) {
        Some(Histogram::Numeric { .. }) => "share of rows per bin",
        _ => "share of rows per category",
    };
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{axis_note}</text></svg>",
        n1((LEFT + RIGHT) / 2.0),
        n1(H - 4.0)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("a\u{1b}b"), "a b");
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
}
