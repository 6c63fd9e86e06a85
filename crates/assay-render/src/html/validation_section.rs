//! The model-validation sections of the HTML page, drawn from [`crate::validation`]'s
//! figures, after the model section:
//!
//! - "Cross-validation" (`id="crossval"`): per metric the mean over folds, its spread and
//!   interval, the training and trivial-predictor means and the folds scored or failed; the
//!   test against the trivial predictor; a per-fold table per metric (train and test rows,
//!   validation, training and trivial scores, seconds, status with the error; opened when a
//!   fold failed); then the generalization results: the overfitting gap, the fold-to-fold
//!   variance, horizontal bars of the score of each held-out segment value against the
//!   cross-validated score, and the validation coverage of production data per feature and
//!   jointly;
//! - "Sensitivity and robustness" (`id="sensitivity"`): Sobol S1 and ST bars per input with
//!   their confidence half-widths as error bars, the Morris μ*–σ plane (one labelled point
//!   per input, μ* error bars, the σ = μ* diagonal), one-at-a-time swing bars, permutation
//!   importance bars (mean ± sd), per-input flip rates under noise; the monotonicity and
//!   counterfactual-invariance tables;
//! - "Inference performance" (`id="performance"`): the latency percentiles per batch size,
//!   a histogram of call times per batch size (log-spaced bins on a log time axis, calls on a
//!   log axis, p50 and p99 marked), throughput bars per thread count, memory and load time,
//!   and the ratios against the baseline model.
//!
//! Bar charts share the page's horizontal bar layout and axis (see `bar_axis_with`). All
//! text is escaped; SVG coordinates carry at most one decimal.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use maud::{html, Markup, PreEscaped};

use super::model_section::{chip_for, interval_html, opt, signed};
use super::{escape_html, format_number, n_label, status_class, table_head};
use crate::chart::{
    self, bar_axis_with, format_tick, n1, nice_ticks, nice_top, text_width, truncate, BAR_X0,
    BAR_X1, BOTTOM, CHAR_W, LEFT, RIGHT, ROWS_TOP, ROW_H, SMALL_CHAR_W, TOP, W,
};
use crate::numbers::format_percent;
use crate::validation::{
    Compared, Coverage, CrossvalRow, FoldRow, LatencyRow, NoiseRow, UnseenSegmentsRow,
    ValidationFigures,
};
use crate::CheckResult;

/// The cross-validation, sensitivity and performance sections that have figures.
pub(super) fn validation_sections(f: &ValidationFigures<'_>) -> Markup {
    html! {
        (crossval_section(f))
        (sensitivity_section(f))
        (performance_section(f))
    }
}

// ---- shared pieces ----------------------------------------------------------------------------

/// A status chip for several results: the worst status, each result's id, subject and status
/// as the tooltip. One result gets [`chip_for`] (its message and condition).
fn chip_many<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Markup {
    let results: Vec<&CheckResult> = results.into_iter().collect();
    match results.as_slice() {
        [] => html! {},
        [one] => chip_for(one),
        _ => {
            let Some(worst) = results.iter().min_by_key(|r| r.status.severity_rank()) else {
                return html! {};
            };
            let tip: Vec<String> = results
                .iter()
                .map(|r| match &r.column {
                    Some(c) => format!("{} [{c}]: {}", r.id, r.status),
                    None => format!("{}: {}", r.id, r.status),
                })
                .collect();
            html! {
                span class=(format!("chip {}", status_class(worst.status))) title=(tip.join("\n")) {
                    (worst.status.as_str())
                }
            }
        }
    }
}

/// A `<figure>` with its caption (a title, a dimmed note and a chip) and its chart.
fn figure(title: &str, note: &str, chip: Markup, chart: Markup) -> Markup {
    html! {
        figure { "\n"
            figcaption { (title) " " span.dim { (note) } (chip) } "\n"
            (chart)
        } "\n"
    }
}

/// An SVG chart on its own line.
fn svg_line(svg: String) -> Markup {
    html! { (PreEscaped(svg)) "\n" }
}

/// An SVG chart on its own line, or a dimmed sentence when there is nothing to draw.
fn chart_or(svg: Option<String>, empty: &str) -> Markup {
    html! {
        @match svg {
            Some(svg) => (svg_line(svg)),
            None => { p.dim { (empty) } "\n" },
        }
    }
}

/// `x` rounded up to a readable axis maximum: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a
/// power of ten (1 for nothing positive).
fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let scale = 10f64.powf(x.log10().floor());
    let m = x / scale;
    let step = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .find(|s| m <= s * (1.0 + 1e-9))
        .unwrap_or(10.0);
    step * scale
}

/// A label of an axis from 0 to `top` ticked at halves.
fn axis_number(v: f64, top: f64) -> String {
    format_tick(v, top / 2.0)
}

/// A count with separators (`7,235`).
fn count_text(x: Option<f64>) -> String {
    x.map(|v| format_number(v.round()))
        .unwrap_or_else(|| "–".to_string())
}

/// `a of b` with separators, or what is known of it.
fn of_total(part: Option<f64>, total: Option<f64>) -> String {
    match (part, total) {
        (Some(p), Some(t)) => format!("{} of {}", count_text(Some(p)), count_text(Some(t))),
        (Some(p), None) => count_text(Some(p)),
        _ => "–".to_string(),
    }
}

fn percent_opt(x: Option<f64>) -> String {
    x.map(format_percent).unwrap_or_else(|| "–".to_string())
}

/// One bar of a row.
struct Bar {
    value: Option<f64>,
    /// Half-width of an error bar around the value.
    err: Option<f64>,
    text: String,
}

/// One row of a horizontal bar chart.
struct BarRow {
    label: String,
    title: String,
    bars: Vec<Bar>,
}

/// How a bar chart's axis reads.
#[derive(Clone, Copy, PartialEq)]
enum Scale {
    /// Shares, as percentages, up to at most 100%.
    Percent,
    /// Plain numbers from 0.
    Number,
}

/// A reference line across the rows of a bar chart, labelled above them.
struct RefLine {
    value: f64,
    text: String,
}

/// Horizontal bars, one row per entry and one bar per series (`(class, name)`; a legend when
/// there are several), the value at the end of each bar (inside it when there is no room
/// after; in a column right of the axis when there is a reference line), optional error
/// bars, and an optional dashed reference line. Bars start at 0:
/// negative values draw no bar (their text says the value). `None` when no row has a value.
fn hbars_svg(
    aria: &str,
    series: &[(&str, &str)],
    rows: &[BarRow],
    scale: Scale,
    axis_name: &str,
    reference: Option<&RefLine>,
) -> Option<String> {
    let reach = |b: &Bar| b.value.map(|v| v + b.err.unwrap_or(0.0));
    let max = rows
        .iter()
        .flat_map(|r| r.bars.iter().filter_map(reach))
        .chain(reference.map(|r| r.value))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return None;
    }
    let top = match scale {
        Scale::Percent => nice_top(max),
        Scale::Number => nice_ceiling(max),
    };
    let x = |v: f64| BAR_X0 + (v / top).clamp(0.0, 1.0) * (BAR_X1 - BAR_X0);
    let rows_bottom = ROWS_TOP + ROW_H * rows.len() as f64;
    let height = rows_bottom + 32.0;
    let mut svg = String::with_capacity(1024 + 600 * rows.len());
    chart::open(&mut svg, W, height, aria, "");
    if series.len() > 1 {
        let items: Vec<(&str, String)> = series
            .iter()
            .map(|(class, name)| (*class, name.to_string()))
            .collect();
        chart::legend(&mut svg, &items, 8.0);
    }
    let name = escape_html(axis_name);
    match scale {
        Scale::Percent => bar_axis_with(&mut svg, top, rows_bottom, &name, format_percent),
        Scale::Number => bar_axis_with(&mut svg, top, rows_bottom, &name, |v| axis_number(v, top)),
    }
    let two = series.len() == 2;
    for (k, row) in rows.iter().enumerate() {
        let top_y = ROWS_TOP + ROW_H * k as f64;
        let _ = write!(svg, "<g><title>{}</title>", escape_html(&row.title));
        chart::row_label(&mut svg, &row.label, "", top_y);
        for (j, (bar, (class, _))) in row.bars.iter().zip(series).enumerate() {
            let (dy, bh, ty) = match (two, j) {
                (true, 0) => (2.5, 9.0, 10.5),
                (true, _) => (12.5, 9.0, 20.5),
                (false, _) => (6.0, 12.0, 15.5),
            };
            let value = bar.value.filter(|v| v.is_finite());
            let x1 = x(value.unwrap_or(0.0).max(0.0));
            if value.is_some_and(|v| v > 0.0) {
                let _ = write!(
                    svg,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    n1(BAR_X0),
                    n1(top_y + dy),
                    n1((x1 - BAR_X0).max(0.5)),
                    n1(bh)
                );
            }
            let mut end = x1;
            if let (Some(v), Some(e)) = (value, bar.err.filter(|e| e.is_finite() && *e > 0.0)) {
                let (lo, hi) = (x((v - e).max(0.0)), x((v + e).max(0.0)));
                let cy = top_y + dy + bh / 2.0;
                let _ = write!(
                    svg,
                    "<path class=\"eb\" d=\"M{lo0} {cy}H{hi0}M{lo0} {c0}V{c1}M{hi0} {c0}V{c1}\"/>",
                    lo0 = n1(lo),
                    hi0 = n1(hi),
                    cy = n1(cy),
                    c0 = n1(cy - 3.0),
                    c1 = n1(cy + 3.0),
                );
                end = end.max(hi);
            }
            let width = text_width(&bar.text, SMALL_CHAR_W);
            // With a reference line the values form a column right of the axis, clear of it.
            let tx = if reference.is_some() {
                end.max(BAR_X1) + 6.0
            } else {
                end.max(BAR_X0 + 0.5) + 4.0
            };
            if tx + width > W - 2.0 && x1 - BAR_X0 > width + 8.0 {
                let _ = write!(
                    svg,
                    "<text class=\"vi\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                    n1(x1 - 4.0),
                    n1(top_y + ty),
                    escape_html(&bar.text)
                );
            } else {
                let _ = write!(
                    svg,
                    "<text class=\"v\" x=\"{}\" y=\"{}\">{}</text>",
                    n1(tx.min(W - 2.0 - width)),
                    n1(top_y + ty),
                    escape_html(&bar.text)
                );
            }
        }
        svg.push_str("</g>");
    }
    if let Some(r) = reference.filter(|r| r.value.is_finite()) {
        let rx = x(r.value.max(0.0));
        let width = text_width(&r.text, CHAR_W);
        let (tx, anchor) = if rx + width / 2.0 > W - 2.0 {
            (rx, "end")
        } else {
            (rx, "middle")
        };
        let _ = write!(
            svg,
            "<line class=\"tv\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/><text class=\"tvl\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            n1(ROWS_TOP - 4.0),
            n1(rows_bottom),
            n1(tx),
            n1(ROWS_TOP - 8.0),
            escape_html(&r.text),
            x = n1(rx),
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Indices of `n` rows sorted by `key`, largest first (rows without a key last), stable.
fn largest_first(n: usize, key: impl Fn(usize) -> Option<f64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| {
        let (ka, kb) = (key(*a), key(*b));
        match (ka, kb) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    order
}

// ---- cross-validation and generalization -------------------------------------------------------

fn crossval_section(f: &ValidationFigures<'_>) -> Markup {
    if f.crossval_is_empty() {
        return html! {};
    }
    let title = if f.crossval.is_empty() && f.beats_baseline.is_empty() {
        "Generalization"
    } else {
        "Cross-validation"
    };
    let splitters: BTreeSet<&str> = f
        .crossval
        .iter()
        .filter_map(|r| r.splitter.as_deref())
        .collect();
    let trainings: BTreeSet<&str> = f
        .crossval
        .iter()
        .filter_map(|r| r.training.as_deref())
        .collect();
    let fold_counts: BTreeSet<usize> = f
        .crossval
        .iter()
        .map(|r| r.folds.len())
        .filter(|n| *n > 0)
        .collect();
    let mut sub: Vec<Markup> = Vec::new();
    if splitters.len() == 1 {
        sub.extend(splitters.iter().map(|s| html! { code { (s) } }));
    }
    if fold_counts.len() == 1 {
        sub.extend(fold_counts.iter().map(|n| html! { (n) " folds" }));
    }
    if trainings.len() == 1 {
        sub.extend(trainings.iter().map(|t| html! { (t) }));
    }
    html! {
        section #crossval { "\n"
            h2 {
                (title)
                @if !sub.is_empty() {
                    span.dim { @for (i, part) in sub.iter().enumerate() { @if i > 0 { " · " } (part) } }
                }
            } "\n"
            (crossval_table(f))
            (beats_table(f))
            (fold_tables(&f.crossval))
            (overfitting_table(f))
            (fold_variance_table(f))
            (unseen_segments(&f.unseen_segments))
            (coverage_table(f))
        } "\n"
    }
}

/// The direction of a metric: a dimmed arrow (with a leading space), or nothing.
fn arrow(higher_is_better: Option<bool>) -> Markup {
    html! {
        @match higher_is_better {
            Some(true) => { " " span.dim title="higher is better" { "↑" } },
            Some(false) => { " " span.dim title="lower is better" { "↓" } },
            None => {},
        }
    }
}

/// A subsection heading with a dimmed note.
fn heading_with_note(title: &str, note: &str) -> Markup {
    html! { h3 { (title) span.dim { (note) } } "\n" }
}

fn crossval_table(f: &ValidationFigures<'_>) -> Markup {
    if f.crossval.is_empty() {
        return html! {};
    }
    html! {
        table.crossval { "\n"
            (table_head(&["Status", "Metric", "Mean", "SD", "Interval", "Training", "Trivial predictor", "Folds"]))
            tbody { "\n"
                @for r in &f.crossval {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.metric) } (arrow(r.higher_is_better)) }
                        td.n { (opt(r.mean)) }
                        td.n { (opt(r.sd)) }
                        td.n { (interval_html(r.ci, r.confidence, Some("t"))) }
                        td.n { (opt(r.train_mean)) }
                        td.n { (opt(r.trivial_mean)) }
                        td.n {
                            @match (r.n_folds, r.failed_folds) {
                                (n, Some(failed)) if failed > 0.0 => {
                                    (count_text(n)) " " span.dim { "scored" } " · "
                                    (count_text(Some(failed))) " " span.dim { "failed" }
                                },
                                (n, _) => (count_text(n)),
                            }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn beats_table(f: &ValidationFigures<'_>) -> Markup {
    if f.beats_baseline.is_empty() {
        return html! {};
    }
    html! {
        (heading_with_note("Against the trivial predictor", "Nadeau–Bengio corrected resampled t-test, one-sided"))
        table.beats { "\n"
            (table_head(&["Status", "Metric", "Mean improvement", "Corrected t", "p-value"]))
            tbody { "\n"
                @for r in &f.beats_baseline {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.metric) } }
                        td.n { (r.mean_improvement.map(signed).unwrap_or_else(|| "–".to_string())) }
                        td.n { (opt(r.t)) }
                        td.n { (opt(r.p_value)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn fold_tables(rows: &[CrossvalRow<'_>]) -> Markup {
    if rows.iter().all(|r| r.folds.is_empty()) {
        return html! {};
    }
    html! {
        h3 { "Folds" } "\n"
        @for r in rows.iter().filter(|r| !r.folds.is_empty()) {
            @let failed = r.folds.iter().filter(|f| f.failed).count();
            details.folds open[failed > 0] {
                summary {
                    code { (r.metric) } " "
                    span.dim { (r.folds.len()) " folds" @if failed > 0 { ", " (failed) " failed" } }
                } "\n"
                table { "\n"
                    (table_head(&["Repeat", "Fold", "Train rows", "Test rows", "Validation", "Training", "Trivial", "Seconds", "Status"]))
                    tbody { "\n"
                        @for fold in &r.folds { (fold_row(fold)) }
                    } "\n"
                } "\n"
            } "\n"
        }
    }
}

fn fold_row(f: &FoldRow) -> Markup {
    html! {
        tr {
            td.n { (count_text(f.repeat)) }
            td.n { (count_text(f.fold)) }
            td.n { (count_text(f.train_rows)) }
            td.n { (count_text(f.test_rows)) }
            td.n { (opt(f.score)) }
            td.n { (opt(f.train_score)) }
            td.n { (opt(f.trivial_score)) }
            td.n { (f.seconds.map(|s| format!("{s:.2}")).unwrap_or_else(|| "–".to_string())) }
            td {
                @if f.failed {
                    span.chip.s-error { "error" }
                    @if let Some(e) = f.error.as_deref().filter(|e| !e.is_empty()) { div.err { (e) } }
                } @else {
                    span.chip.s-pass { "ok" }
                }
            }
        } "\n"
    }
}

fn overfitting_table(f: &ValidationFigures<'_>) -> Markup {
    if f.overfitting.is_empty() {
        return html! {};
    }
    let gap = |relative: bool, g: Option<f64>| -> Markup {
        match g {
            Some(g) if relative => {
                let p = format_percent(g);
                let p = if g > 0.0 { format!("+{p}") } else { p };
                html! { (p) " " span.dim { "relative" } }
            }
            Some(g) => html! { (signed(g)) },
            None => html! { "–" },
        }
    };
    html! {
        (heading_with_note("Overfitting", "training against validation score; a positive gap is worse on validation"))
        table.overfitting { "\n"
            (table_head(&["Status", "Metric", "Training", "Validation", "Mean gap", "Largest fold gap"]))
            tbody { "\n"
                @for r in &f.overfitting {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.metric) } }
                        td.n { (opt(r.train_mean)) }
                        td.n { (opt(r.validation_mean)) }
                        td.n { (gap(r.relative, r.gap)) }
                        td.n { (gap(r.relative, r.largest_gap)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn fold_variance_table(f: &ValidationFigures<'_>) -> Markup {
    if f.fold_variance.is_empty() {
        return html! {};
    }
    html! {
        h3 { "Fold-to-fold variance" } "\n"
        table.fold-variance { "\n"
            (table_head(&["Status", "Metric", "Mean", "SD", "CV", "Min", "Max", "Range"]))
            tbody { "\n"
                @for r in &f.fold_variance {
                    // The figure the condition compares is marked.
                    @let mark = |name: &str, x: Option<f64>| -> Markup {
                        if r.measure.as_deref() == Some(name) {
                            html! { b title="compared by the condition" { (opt(x)) } }
                        } else {
                            html! { (opt(x)) }
                        }
                    };
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.metric) } }
                        td.n { (opt(r.mean)) }
                        td.n { (mark("sd", r.sd)) }
                        td.n { (mark("cv", r.cv)) }
                        td.n { (opt(r.min)) }
                        td.n { (opt(r.max)) }
                        td.n { (opt(r.range)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn unseen_segments(rows: &[UnseenSegmentsRow<'_>]) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    let figure_of = |r: &UnseenSegmentsRow<'_>| -> Markup {
        let metric = r.metric.as_deref().unwrap_or("score");
        let mut note = format!("{metric} held out {}", opt(r.held_out_score));
        if let Some(c) = r.crossval_score {
            let _ = write!(note, " vs {} cross-validated", format_number(c));
        }
        if let Some(d) = r.drop {
            let _ = write!(note, " (drop {})", signed(d));
        }
        let bars: Vec<BarRow> = r
            .values
            .iter()
            .map(|v| {
                let mut title = v.value.clone();
                if let Some(n) = v.rows {
                    let _ = write!(title, " · {}", n_label(n));
                }
                let _ = write!(title, " · {metric} {}", opt(v.score));
                BarRow {
                    label: v.value.clone(),
                    title,
                    bars: vec![Bar {
                        value: v.score,
                        err: None,
                        text: opt(v.score),
                    }],
                }
            })
            .collect();
        let reference = r.crossval_score.map(|c| RefLine {
            value: c,
            text: format!("cross-validated {}", format_number(c)),
        });
        let svg = hbars_svg(
            &format!("held-out scores of {}", r.column),
            &[("c", metric)],
            &bars,
            Scale::Number,
            metric,
            reference.as_ref(),
        );
        figure(
            r.column,
            &note,
            chip_for(r.result),
            chart_or(svg, "No value has a score."),
        )
    };
    html! {
        (heading_with_note("Unseen segment values", "each value scored by models trained without it"))
        div.charts { "\n"
            @for r in rows { (figure_of(r)) }
        } "\n"
    }
}

fn coverage_table(f: &ValidationFigures<'_>) -> Markup {
    if f.coverage.is_empty() {
        return html! {};
    }
    let row = |r: &crate::validation::CoverageRow<'_>| -> Markup {
        let (covers, rows_outside, detail) = match &r.coverage {
            Coverage::Range {
                min,
                max,
                below,
                above,
            } => (
                format!("[{}, {}]", format_number(*min), format_number(*max)),
                count_text(r.outside_rows),
                html! { (count_text(*below)) " below, " (count_text(*above)) " above" },
            ),
            Coverage::Categories { known, unseen } => (
                format!("{} categories", count_text(*known)),
                count_text(r.outside_rows),
                html! {
                    @if unseen.is_empty() {
                        span.dim { "no unseen category" }
                    } @else {
                        "unseen: "
                        @for (i, (v, c)) in unseen.iter().take(5).enumerate() {
                            @if i > 0 { ", " }
                            code { (v) } " (" (count_text(*c)) ")"
                        }
                        @if unseen.len() > 5 { " and " (unseen.len() - 5) " more" }
                    }
                },
            ),
            Coverage::Joint {
                rows,
                uncovered_rows,
                features,
            } => (
                format!("{} features", count_text(*features)),
                of_total(*uncovered_rows, *rows),
                html! { span.dim { "rows with at least one feature outside" } },
            ),
        };
        html! {
            tr {
                td { (chip_for(r.result)) }
                td {
                    @match r.column {
                        Some(c) => code { (c) },
                        None => span.dim { "all features jointly" },
                    }
                }
                td.n { (covers) }
                td.n { (percent_opt(r.share)) }
                td.n { (rows_outside) }
                td { (detail) }
            } "\n"
        }
    };
    html! {
        h3 { "Validation coverage of production data" } "\n"
        table.coverage { "\n"
            (table_head(&["Status", "Feature", "Validation covers", "Outside", "Rows outside", "Detail"]))
            tbody { "\n"
                @for r in &f.coverage { (row(r)) }
            } "\n"
        } "\n"
    }
}

// ---- sensitivity and robustness ---------------------------------------------------------------

fn sensitivity_section(f: &ValidationFigures<'_>) -> Markup {
    if f.sensitivity_is_empty() {
        return html! {};
    }
    let outputs: BTreeSet<&str> = f.noise.iter().filter_map(|n| n.output.as_deref()).collect();
    let charts: Vec<Markup> = [
        sobol_figure(f),
        morris_figure(f),
        oat_figure(f),
        importance_figure(f),
    ]
    .into_iter()
    .flatten()
    .chain(f.noise.iter().filter_map(noise_figure))
    .collect();
    html! {
        section #sensitivity { "\n"
            h2 {
                "Sensitivity and robustness"
                @if outputs.len() == 1 { span.dim { "output " @for o in &outputs { (o) } } }
            } "\n"
            @if !charts.is_empty() {
                div.charts { "\n" @for c in &charts { (c) } } "\n"
            }
            (monotonicity_table(f))
            (counterfactual_table(f))
        } "\n"
    }
}

fn sobol_figure(f: &ValidationFigures<'_>) -> Option<Markup> {
    if f.sobol.is_empty() {
        return None;
    }
    let order = largest_first(f.sobol.len(), |i| f.sobol[i].st.or(f.sobol[i].s1));
    let rows: Vec<BarRow> = order
        .iter()
        .map(|&i| {
            let r = &f.sobol[i];
            let pm = |v: Option<f64>, c: Option<f64>| match (v, c) {
                (Some(v), Some(c)) => format!("{} ± {}", format_number(v), format_number(c)),
                (v, _) => opt(v),
            };
            BarRow {
                label: r.input.to_string(),
                title: format!(
                    "{} · S1 {} · ST {}",
                    r.input,
                    pm(r.s1, r.s1_conf),
                    pm(r.st, r.st_conf)
                ),
                bars: vec![
                    Bar {
                        value: r.s1,
                        err: r.s1_conf,
                        text: opt(r.s1),
                    },
                    Bar {
                        value: r.st,
                        err: r.st_conf,
                        text: opt(r.st),
                    },
                ],
            }
        })
        .collect();
    let svg = hbars_svg(
        "Sobol indices",
        &[("c", "first-order S1"), ("t", "total ST")],
        &rows,
        Scale::Number,
        "share of the output variance",
        None,
    )?;
    Some(figure(
        "Sobol indices",
        "error bars: confidence half-widths",
        chip_many(f.sobol.iter().map(|r| r.result)),
        svg_line(svg),
    ))
}

/// Morris plot area.
const MW: f64 = 480.0;
const MH: f64 = 318.0;
const ML: f64 = 58.0;
const MR: f64 = 466.0;
const MT: f64 = 14.0;
const MB: f64 = 266.0;

/// The Morris μ*–σ plane: one point per input with its μ* error bar and its label (moved up
/// or down to avoid overlapping the labels already placed), round ticks on both axes and the
/// σ = μ* diagonal (above it, effects are mostly nonlinear or interactions).
fn morris_figure(f: &ValidationFigures<'_>) -> Option<Markup> {
    if f.morris.is_empty() {
        return None;
    }
    let xmax = nice_ceiling(
        f.morris
            .iter()
            .map(|r| r.mu_star + r.mu_star_conf.unwrap_or(0.0))
            .fold(0.0, f64::max),
    );
    let ymax = nice_ceiling(f.morris.iter().map(|r| r.sigma).fold(0.0, f64::max));
    let px = |v: f64| ML + (v / xmax).clamp(0.0, 1.0) * (MR - ML);
    let py = |v: f64| MB - (v / ymax).clamp(0.0, 1.0) * (MB - MT);
    let mut svg = String::with_capacity(4096);
    chart::open(&mut svg, MW, MH, "Morris screening", "");
    for (v, label) in nice_ticks(0.0, xmax, MR - ML) {
        let xx = n1(px(v));
        let _ = write!(
            svg,
            "<line class=\"{}\" x1=\"{xx}\" y1=\"{}\" x2=\"{xx}\" y2=\"{}\"/><text x=\"{xx}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            if v == 0.0 { "bl" } else { "ax" },
            n1(MT),
            n1(MB),
            n1(MB + 15.0)
        );
    }
    // Vertical room for about six labels.
    for (v, label) in nice_ticks(0.0, ymax, 6.0 * 40.0) {
        let yy = n1(py(v));
        let _ = write!(
            svg,
            "<line class=\"{}\" x1=\"{}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            if v == 0.0 { "bl" } else { "ax" },
            n1(ML),
            n1(MR),
            n1(ML - 6.0),
            n1(py(v) + 4.0)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">μ*: mean absolute elementary effect</text>\
         <text transform=\"rotate(-90)\" x=\"{}\" y=\"14\" text-anchor=\"middle\">σ: spread of the effects</text>",
        n1((ML + MR) / 2.0),
        n1(MB + 32.0),
        n1(-(MT + MB) / 2.0),
    );
    // The diagonal σ = μ*, to where it leaves the plot.
    let m = xmax.min(ymax);
    let _ = write!(
        svg,
        "<line class=\"dg\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">σ = μ*</text>",
        n1(px(0.0)),
        n1(py(0.0)),
        n1(px(m)),
        n1(py(m)),
        n1(px(m) - 4.0),
        n1(py(m) + 14.0),
    );
    // Each point's mark: the circle and its error bar, (left, right, y).
    let marks: Vec<Mark> = f
        .morris
        .iter()
        .map(|r| {
            let (cx, cy) = (px(r.mu_star), py(r.sigma));
            let c = r.mu_star_conf.filter(|c| *c > 0.0).unwrap_or(0.0);
            Mark {
                left: px(r.mu_star - c).min(cx - 4.5),
                right: px(r.mu_star + c).max(cx + 4.5),
                y: cy,
            }
        })
        .collect();
    let labels: Vec<String> = f
        .morris
        .iter()
        .map(|r| truncate(r.input, 22, 130.0))
        .collect();
    let widths: Vec<f64> = labels.iter().map(|l| text_width(l, CHAR_W)).collect();
    let places = place_labels(&marks, &widths, ML, MW - 2.0);
    for (((r, mark), label), place) in f.morris.iter().zip(&marks).zip(&labels).zip(&places) {
        let cx = px(r.mu_star);
        let mut title = format!("{} · μ* {}", r.input, format_number(r.mu_star));
        if let Some(c) = r.mu_star_conf {
            let _ = write!(title, " ± {}", format_number(c));
        }
        if let Some(mu) = r.mu {
            let _ = write!(title, " · μ {}", format_number(mu));
        }
        let _ = write!(title, " · σ {}", format_number(r.sigma));
        let _ = write!(svg, "<g><title>{}</title>", escape_html(&title));
        if let Some(c) = r.mu_star_conf.filter(|c| *c > 0.0) {
            let (lo, hi) = (px(r.mu_star - c), px(r.mu_star + c));
            let _ = write!(
                svg,
                "<path class=\"eb\" d=\"M{lo} {y}H{hi}M{lo} {a}V{b}M{hi} {a}V{b}\"/>",
                lo = n1(lo),
                hi = n1(hi),
                y = n1(mark.y),
                a = n1(mark.y - 3.0),
                b = n1(mark.y + 3.0)
            );
        }
        let _ = write!(
            svg,
            "<circle class=\"pt\" cx=\"{}\" cy=\"{}\" r=\"4.5\"/><text class=\"ml\" x=\"{}\" y=\"{}\"{}>{}</text></g>",
            n1(cx),
            n1(mark.y),
            n1(place.x),
            n1(place.y),
            if place.right { "" } else { " text-anchor=\"end\"" },
            escape_html(label)
        );
    }
    svg.push_str("</svg>");
    Some(figure(
        "Morris screening",
        "error bars: μ* confidence half-widths",
        chip_many(f.morris.iter().map(|r| r.result)),
        svg_line(svg),
    ))
}

/// A point drawn on a plot, for label placement: its horizontal extent and its height.
#[derive(Debug, Clone, Copy)]
struct Mark {
    left: f64,
    right: f64,
    y: f64,
}

/// Where a point's label goes: its anchor `x` (start when `right`, end otherwise) and
/// baseline `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Place {
    x: f64,
    y: f64,
    right: bool,
}

/// Places one label (of the given width, 11px text) beside each mark: right of it, else left,
/// else moved up or down by one or two lines, the first spot within `[min_x, max_x]` that
/// overlaps neither another mark nor a label already placed; right of the mark when none is
/// free.
fn place_labels(marks: &[Mark], widths: &[f64], min_x: f64, max_x: f64) -> Vec<Place> {
    let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(marks.len());
    let mut out = Vec::with_capacity(marks.len());
    let hits = |a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)| {
        a.0 < b.1 && b.0 < a.1 && a.2 < b.3 && b.2 < a.3
    };
    for (i, (m, w)) in marks.iter().zip(widths).enumerate() {
        let candidates = [
            (true, 0.0),
            (false, 0.0),
            (true, -11.0),
            (true, 11.0),
            (false, -11.0),
            (false, 11.0),
            (true, -22.0),
            (true, 22.0),
        ];
        let spot = |right: bool, dy: f64| {
            let (x0, x1) = if right {
                (m.right + 5.0, m.right + 5.0 + w)
            } else {
                (m.left - 5.0 - w, m.left - 5.0)
            };
            let y = m.y + 4.0 + dy;
            (x0, x1, y - 10.0, y + 2.0)
        };
        let free = |b: (f64, f64, f64, f64)| {
            b.0 >= min_x
                && b.1 <= max_x
                && !boxes.iter().any(|p| hits(b, *p))
                && !marks
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && hits(b, (o.left, o.right, o.y - 5.0, o.y + 5.0)))
        };
        let (right, dy) = candidates
            .into_iter()
            .find(|(right, dy)| free(spot(*right, *dy)))
            .unwrap_or((m.right + 5.0 + w <= max_x, 0.0));
        let b = spot(right, dy);
        boxes.push(b);
        out.push(Place {
            x: if right { b.0 } else { b.1 },
            y: m.y + 4.0 + dy,
            right,
        });
    }
    out
}

fn oat_figure(f: &ValidationFigures<'_>) -> Option<Markup> {
    if f.oat.is_empty() {
        return None;
    }
    let order = largest_first(f.oat.len(), |i| Some(f.oat[i].swing));
    let rows: Vec<BarRow> = order
        .iter()
        .map(|&i| {
            let r = &f.oat[i];
            let mut title = format!("{} · swing {}", r.input, format_number(r.swing));
            if let (Some(n), Some(y)) = (r.nominal, r.nominal_output) {
                let _ = write!(
                    title,
                    " · nominal {} → {}",
                    format_number(n),
                    format_number(y)
                );
            }
            if !r.sweep.is_empty() {
                let sweep: Vec<String> = r
                    .sweep
                    .iter()
                    .map(|(x, y)| format!("{} → {}", format_number(*x), format_number(*y)))
                    .collect();
                let _ = write!(title, "\nsweep: {}", sweep.join(", "));
            }
            BarRow {
                label: r.input.to_string(),
                title,
                bars: vec![Bar {
                    value: Some(r.swing),
                    err: None,
                    text: format_number(r.swing),
                }],
            }
        })
        .collect();
    let svg = hbars_svg(
        "one-at-a-time swing",
        &[("c", "swing")],
        &rows,
        Scale::Number,
        "largest minus smallest output",
        None,
    )?;
    Some(figure(
        "One-at-a-time swing",
        "each input over its range, the others at their median",
        chip_many(f.oat.iter().map(|r| r.result)),
        svg_line(svg),
    ))
}

fn importance_figure(f: &ValidationFigures<'_>) -> Option<Markup> {
    if f.importance.is_empty() {
        return None;
    }
    let metrics: BTreeSet<&str> = f
        .importance
        .iter()
        .filter_map(|r| r.metric.as_deref())
        .collect();
    let metric = match metrics.len() {
        1 => metrics.iter().next().copied().unwrap_or("score"),
        _ => "score",
    };
    let order = largest_first(f.importance.len(), |i| Some(f.importance[i].importance));
    let rows: Vec<BarRow> = order
        .iter()
        .map(|&i| {
            let r = &f.importance[i];
            let mut title = format!("{} · {}", r.input, signed(r.importance));
            if let Some(sd) = r.sd {
                let _ = write!(title, " ± {}", format_number(sd));
            }
            if let Some(n) = r.repeats {
                let _ = write!(title, " over {n} repeats");
            }
            if let Some(b) = r.baseline_score {
                let _ = write!(title, " · baseline {}", format_number(b));
            }
            BarRow {
                label: r.input.to_string(),
                title,
                bars: vec![Bar {
                    value: Some(r.importance),
                    err: r.sd,
                    text: format_number(r.importance),
                }],
            }
        })
        .collect();
    let svg = hbars_svg(
        "permutation importance",
        &[("c", "importance")],
        &rows,
        Scale::Number,
        &format!("drop in {metric} when shuffled"),
        None,
    )?;
    let baselines: BTreeSet<String> = f
        .importance
        .iter()
        .filter_map(|r| r.baseline_score.map(format_number))
        .collect();
    let mut note = String::new();
    if baselines.len() == 1 {
        let _ = write!(
            note,
            "baseline {metric} {} · ",
            baselines.iter().next().map_or("", String::as_str)
        );
    }
    note.push_str("error bars: ± sd");
    Some(figure(
        "Permutation importance",
        &note,
        chip_many(f.importance.iter().map(|r| r.result)),
        svg_line(svg),
    ))
}

fn noise_figure(n: &NoiseRow<'_>) -> Option<Markup> {
    let mut note = String::new();
    if let Some(s) = n.scale {
        let _ = write!(note, "noise {} sd · ", format_number(s));
    }
    if let Some(v) = n.flip_rate {
        let _ = write!(note, "all inputs at once: {} change · ", format_percent(v));
    }
    note.push_str("bars: one input alone");
    let rows: Vec<BarRow> = n
        .inputs
        .iter()
        .map(|i| {
            let mut title = format!("{} · {} change", i.input, format_percent(i.flip_rate));
            if let (Some(sd), Some(s)) = (i.sd, n.scale) {
                let _ = write!(title, " · noise sd {}", format_number(sd * s));
            }
            BarRow {
                label: i.input.clone(),
                title,
                bars: vec![Bar {
                    value: Some(i.flip_rate),
                    err: None,
                    text: format_percent(i.flip_rate),
                }],
            }
        })
        .collect();
    let svg = hbars_svg(
        "noise robustness per input",
        &[("c", "flip rate")],
        &rows,
        Scale::Percent,
        "% of rows whose prediction changes",
        None,
    );
    Some(figure(
        "Noise robustness",
        &note,
        chip_for(n.result),
        chart_or(svg, "No per-input figures."),
    ))
}

fn monotonicity_table(f: &ValidationFigures<'_>) -> Markup {
    if f.monotonicity.is_empty() {
        return html! {};
    }
    html! {
        h3 { "Monotonicity" } "\n"
        table.monotonicity { "\n"
            (table_head(&["Status", "Input", "Direction", "Rows breaking it", "Largest wrong-way move", "Grid"]))
            tbody { "\n"
                @for r in &f.monotonicity {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.input) } }
                        td { (r.direction.as_deref().unwrap_or("–")) }
                        td.n { (percent_opt(r.share)) " " span.dim { "(" (of_total(r.violating_rows, r.rows)) ")" } }
                        td.n { (opt(r.largest_violation)) }
                        td.n {
                            @match r.grid {
                                Some((lo, hi, levels)) => {
                                    (format_number(lo)) " to " (format_number(hi)) ", "
                                    (count_text(Some(levels))) " levels"
                                },
                                None => "–",
                            }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn counterfactual_table(f: &ValidationFigures<'_>) -> Markup {
    if f.counterfactual.is_empty() {
        return html! {};
    }
    html! {
        (heading_with_note("Counterfactual invariance", "the protected attribute changed, every other input kept"))
        table.counterfactual { "\n"
            (table_head(&["Status", "Attribute", "Rows changed", "Mean |Δ output|", "Per counterfactual value"]))
            tbody { "\n"
                @for r in &f.counterfactual {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.column) } }
                        td.n { (percent_opt(r.share)) " " span.dim { "(" (of_total(r.changed_rows, r.rows)) ")" } }
                        td.n { (opt(r.mean_abs_change)) }
                        td {
                            @if r.values.is_empty() {
                                "–"
                            } @else {
                                @for (i, v) in r.values.iter().enumerate() {
                                    @if i > 0 { " · " }
                                    code { (v.value) } " " (percent_opt(v.share)) " "
                                    span.dim { "of " (count_text(v.rows)) }
                                }
                            }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

// ---- performance ---------------------------------------------------------------------------------

fn performance_section(f: &ValidationFigures<'_>) -> Markup {
    if f.performance_is_empty() {
        return html! {};
    }
    let models: BTreeSet<&str> = f
        .latency
        .iter()
        .filter_map(|r| r.model.as_deref())
        .chain(f.throughput.iter().filter_map(|r| r.model.as_deref()))
        .chain(f.memory.iter().filter_map(|r| r.model.as_deref()))
        .chain(f.load_time.iter().filter_map(|r| r.model.as_deref()))
        .collect();
    let charts: Vec<Markup> = f
        .latency
        .iter()
        .filter(|r| !r.histogram.is_empty())
        .filter_map(latency_figure)
        .chain(throughput_figure(f))
        .collect();
    html! {
        section #performance { "\n"
            h2 {
                "Inference performance"
                @if models.len() == 1 { span.dim { "model " code { @for m in &models { (m) } } } }
            } "\n"
            (latency_table(f))
            @if !charts.is_empty() {
                div.charts { "\n" @for c in &charts { (c) } } "\n"
            }
            (resources_table(f))
            (regression_table(f))
        } "\n"
    }
}

fn latency_table(f: &ValidationFigures<'_>) -> Markup {
    if f.latency.is_empty() {
        return html! {};
    }
    html! {
        (heading_with_note("Latency", "milliseconds per call, single-threaded"))
        table.latency { "\n"
            (table_head(&["Status", "Batch rows", "p50", "p90", "p99", "Max", "Mean", "Calls", "Rows/s"]))
            tbody { "\n"
                @for r in &f.latency {
                    @let cell = |name: &str, x: Option<f64>| -> Markup {
                        if r.percentile.as_deref() == Some(name) {
                            html! { b title="compared by the condition" { (opt(x)) } }
                        } else {
                            html! { (opt(x)) }
                        }
                    };
                    tr {
                        td { (chip_for(r.result)) }
                        td.n {
                            @match r.batch_rows {
                                Some(b) => (count_text(Some(b))),
                                None => (r.label),
                            }
                        }
                        td.n { (cell("p50", r.p50_ms)) }
                        td.n { (cell("p90", r.p90_ms)) }
                        td.n { (cell("p99", r.p99_ms)) }
                        td.n { (cell("max", r.max_ms)) }
                        td.n { (cell("mean", r.mean_ms)) }
                        td.n { (count_text(r.iterations)) }
                        td.n { (count_text(r.rows_per_s)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

/// Ticks of a log axis over `[lo, hi]`: the powers of ten inside, with the 2 and 5 multiples
/// too when fewer than two powers fall inside.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let inside = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let decades: Vec<f64> = (k0..=k1)
        .map(|k| 10f64.powi(k))
        .filter(|v| inside(*v))
        .collect();
    if decades.len() >= 2 {
        return decades;
    }
    (k0..=k1)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .filter(|v| inside(*v))
        .collect()
}

/// A latency histogram: the log-spaced bins on a log time axis, calls on a log axis (so the
/// slow tail shows), p50 and p99 as dashed lines.
fn latency_figure(r: &LatencyRow<'_>) -> Option<Markup> {
    let bins = &r.histogram;
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return None;
    };
    let (lo, hi) = (first.lower.log10(), last.upper.log10());
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return None;
    }
    let total: f64 = bins.iter().map(|b| b.count).sum();
    let max_count = bins.iter().map(|b| b.count).fold(0.0, f64::max);
    let ytop = max_count.log10().ceil().max(1.0);
    // Counts of 1 stand 0.3 decade above the baseline.
    let ybase = -0.3;
    let lx = |ms: f64| LEFT + ((ms.log10() - lo) / (hi - lo)).clamp(0.0, 1.0) * (RIGHT - LEFT);
    let ly = |c: f64| {
        BOTTOM - ((c.max(1e-300).log10() - ybase) / (ytop - ybase)).clamp(0.0, 1.0) * (BOTTOM - TOP)
    };
    let height = BOTTOM + 34.0;
    let mut svg = String::with_capacity(4096);
    chart::open(
        &mut svg,
        W,
        height,
        &format!("call times of {}", r.label),
        "",
    );
    // Count axis: powers of ten.
    for k in 0..=(ytop as i32) {
        let c = 10f64.powi(k);
        let y = n1(ly(c));
        let _ = write!(
            svg,
            "<line class=\"ax\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n1(LEFT),
            n1(RIGHT),
            n1(LEFT - 6.0),
            n1(ly(c) + 4.0),
            format_tick(c, c)
        );
    }
    let _ = write!(
        svg,
        "<line class=\"bl\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>",
        n1(LEFT),
        n1(RIGHT),
        b = n1(BOTTOM)
    );
    for v in log_ticks(first.lower, last.upper) {
        let x = n1(lx(v));
        let _ = write!(
            svg,
            "<line class=\"bl\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n1(BOTTOM),
            n1(BOTTOM + 4.0),
            n1(BOTTOM + 15.0),
            format_number(v)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">milliseconds per call (log scale)</text>\
         <text transform=\"rotate(-90)\" x=\"{}\" y=\"12\" text-anchor=\"middle\">calls (log)</text>",
        n1((LEFT + RIGHT) / 2.0),
        n1(BOTTOM + 30.0),
        n1(-(TOP + BOTTOM) / 2.0),
    );
    for b in bins {
        if b.count <= 0.0 {
            continue;
        }
        let (x0, x1) = (lx(b.lower), lx(b.upper));
        let y = ly(b.count);
        let share = if total > 0.0 { b.count / total } else { 0.0 };
        let title = format!(
            "({}, {}] ms · {} calls ({})",
            format_number(b.lower),
            format_number(b.upper),
            format_number(b.count),
            format_percent(share)
        );
        let _ = write!(
            svg,
            "<g><title>{}</title><rect class=\"c\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></g>",
            escape_html(&title),
            n1(x0 + 0.5),
            n1(y),
            n1((x1 - x0 - 1.0).max(0.5)),
            n1((BOTTOM - y).max(0.5))
        );
    }
    // p50 labelled to the left of its line and p99 to the right, unless that leaves the
    // chart; a label that would overlap the previous one goes a line higher.
    let in_range = |ms: f64| ms > 0.0 && ms.log10() >= lo && ms.log10() <= hi;
    let mut previous: Option<(f64, f64)> = None;
    for (name, value, left) in [("p50", r.p50_ms, true), ("p99", r.p99_ms, false)] {
        let Some(v) = value.filter(|v| in_range(*v)) else {
            continue;
        };
        let x = lx(v);
        let text = format!("{name} {}", format_number(v));
        let width = text_width(&text, CHAR_W);
        let left = if left {
            x - 3.0 - width >= 2.0
        } else {
            x + 3.0 + width > W - 2.0
        };
        let (x0, x1) = if left {
            (x - 3.0 - width, x - 3.0)
        } else {
            (x + 3.0, x + 3.0 + width)
        };
        let y = match previous {
            Some((a, b)) if x0 < b + 4.0 && a < x1 + 4.0 => TOP - 19.0,
            _ => TOP - 8.0,
        };
        previous = Some((x0, x1));
        let _ = write!(
            svg,
            "<line class=\"tv\" x1=\"{xx}\" y1=\"{}\" x2=\"{xx}\" y2=\"{}\"/><text class=\"tvl\" x=\"{}\" y=\"{}\"{}>{}</text>",
            n1(TOP - 4.0),
            n1(BOTTOM),
            n1(if left { x1 } else { x0 }),
            n1(y),
            if left { " text-anchor=\"end\"" } else { "" },
            escape_html(&text),
            xx = n1(x),
        );
    }
    svg.push_str("</svg>");
    let mut note = format!("{} calls", count_text(r.iterations.or(Some(total))));
    if let Some(m) = r.max_ms {
        let _ = write!(note, " · slowest {} ms", format_number(m));
    }
    Some(figure(
        &format!("Call times, {}", r.label),
        &note,
        chip_for(r.result),
        svg_line(svg),
    ))
}

fn throughput_figure(f: &ValidationFigures<'_>) -> Option<Markup> {
    if f.throughput.is_empty() {
        return None;
    }
    let rows: Vec<BarRow> = f
        .throughput
        .iter()
        .map(|r| {
            let label = match r.speedup {
                Some(s) => format!("{} ({}×)", r.label, format_tick(s, 0.01)),
                None => r.label.to_string(),
            };
            let mut title = format!("{} · {} rows/s", r.label, count_text(Some(r.rows_per_s)));
            if let (Some(n), Some(s)) = (r.rows, r.seconds) {
                let _ = write!(
                    title,
                    " · {} rows in {} s",
                    count_text(Some(n)),
                    format_number(s)
                );
            }
            if let Some(s) = r.speedup {
                let _ = write!(title, " · {}× one thread", format_number(s));
            }
            BarRow {
                label,
                title,
                bars: vec![Bar {
                    value: Some(r.rows_per_s),
                    err: None,
                    text: count_text(Some(r.rows_per_s)),
                }],
            }
        })
        .collect();
    let svg = hbars_svg(
        "throughput",
        &[("c", "rows/s")],
        &rows,
        Scale::Number,
        "rows per second",
        None,
    )?;
    Some(figure(
        "Throughput",
        "by worker threads, against one thread",
        chip_many(f.throughput.iter().map(|r| r.result)),
        svg_line(svg),
    ))
}

fn resources_table(f: &ValidationFigures<'_>) -> Markup {
    if f.memory.is_empty() && f.load_time.is_empty() {
        return html! {};
    }
    let mib = |x: f64| format!("{} MiB", format_number(x));
    let memory = |r: &crate::validation::MemoryRow<'_>| -> Markup {
        // The value is the peak, or the model's own memory when the check compares that.
        let model_only = r.value.is_some() && r.value == r.model_mib && r.value != r.peak_mib;
        let (measure, value, detail) = if model_only {
            (
                "Memory of the loaded model",
                r.model_mib,
                r.peak_mib.map(|p| format!("peak {}", mib(p))),
            )
        } else {
            (
                "Peak memory",
                r.peak_mib.or(r.value),
                r.model_mib.map(|m| format!("the model itself {}", mib(m))),
            )
        };
        html! {
            tr {
                td { (chip_for(r.result)) }
                td { (measure) }
                td.n { (value.map(mib).unwrap_or_else(|| "–".to_string())) }
                td { (detail.unwrap_or_default()) }
            } "\n"
        }
    };
    html! {
        h3 { "Memory and load time" } "\n"
        table.resources { "\n"
            (table_head(&["Status", "Measure", "Value", "Detail"]))
            tbody { "\n"
                @for r in &f.memory { (memory(r)) }
                @for r in &f.load_time {
                    tr {
                        td { (chip_for(r.result)) }
                        td { "Load time" }
                        td.n { (format_number(r.load_ms)) " ms" }
                        td {
                            @if let Some(b) = r.baseline_load_ms { "baseline model " (format_number(b)) " ms" }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn regression_table(f: &ValidationFigures<'_>) -> Markup {
    if f.perf_regression.is_empty() {
        return html! {};
    }
    let baselines: BTreeSet<&str> = f
        .perf_regression
        .iter()
        .filter_map(|r| r.baseline.as_deref())
        .collect();
    let row = |r: &crate::validation::PerfRegressionRow<'_>| -> Markup {
        let (what, candidate, baseline) = match &r.compared {
            Compared::Latency {
                percentile,
                model_ms,
                baseline_ms,
            } => (
                match percentile {
                    Some(p) => format!("{} · {p}", r.target),
                    None => r.target.to_string(),
                },
                format!("{} ms", format_number(*model_ms)),
                format!("{} ms", format_number(*baseline_ms)),
            ),
            Compared::Throughput {
                threads,
                model_rows_per_s,
                baseline_rows_per_s,
            } => (
                match threads {
                    Some(t) => format!(
                        "{} · {} thread{}",
                        r.target,
                        count_text(Some(*t)),
                        if *t == 1.0 { "" } else { "s" }
                    ),
                    None => r.target.to_string(),
                },
                format!("{} rows/s", count_text(Some(*model_rows_per_s))),
                format!("{} rows/s", count_text(Some(*baseline_rows_per_s))),
            ),
        };
        html! {
            tr {
                td { (chip_for(r.result)) }
                td { (what) }
                td.n { (candidate) }
                td.n { (baseline) }
                td.n { (format_tick(r.ratio, 0.01)) "×" }
            } "\n"
        }
    };
    html! {
        h3 {
            "Against the baseline model"
            @if baselines.len() == 1 { span.dim { code { @for b in &baselines { (b) } } } }
        } "\n"
        table.perf-regression { "\n"
            (table_head(&["Status", "Compared", "Candidate", "Baseline", "Slower by"]))
            tbody { "\n"
                @for r in &f.perf_regression { (row(r)) }
            } "\n"
        } "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert!((nice_ceiling(0.4507) - 0.5).abs() < 1e-12);
        assert!((nice_ceiling(0.1169) - 0.12).abs() < 1e-12);
        assert_eq!(nice_ceiling(158_320.7), 200_000.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 4.0);
        assert_eq!(axis_number(0.25, 0.5), "0.25");
        assert_eq!(axis_number(100_000.0, 200_000.0), "100k");
    }

    #[test]
    fn log_ticks_are_decades_or_1_2_5() {
        assert_eq!(log_ticks(0.0126, 10.0), [0.1, 1.0, 10.0]);
        let t = log_ticks(0.2, 0.4);
        assert_eq!(t, [0.2]);
        let t = log_ticks(0.15, 0.6);
        assert_eq!(t, [0.2, 0.5]);
        assert!(log_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn labels_avoid_other_points_and_labels() {
        let mark = |x: f64, y: f64| Mark {
            left: x - 5.0,
            right: x + 5.0,
            y,
        };
        // Free room: right of the point, on its line.
        let p = place_labels(&[mark(100.0, 100.0)], &[40.0], 0.0, 480.0);
        assert_eq!(
            p,
            [Place {
                x: 110.0,
                y: 104.0,
                right: true
            }]
        );
        // No room on the right: left of it.
        let p = place_labels(&[mark(460.0, 100.0)], &[40.0], 0.0, 480.0);
        assert_eq!((p[0].x, p[0].right), (450.0, false));
        // A second point just right of the first: the first label goes left of its point
        // (the right would cover the other point), the second one right.
        let p = place_labels(
            &[mark(100.0, 100.0), mark(130.0, 102.0)],
            &[60.0, 60.0],
            0.0,
            480.0,
        );
        assert_eq!(
            p,
            [
                Place {
                    x: 90.0,
                    y: 104.0,
                    right: false
                },
                Place {
                    x: 140.0,
                    y: 106.0,
                    right: true
                }
            ]
        );
        // Hemmed in on both sides at the same height: a line up.
        let p = place_labels(
            &[mark(100.0, 100.0), mark(40.0, 100.0), mark(160.0, 100.0)],
            &[50.0, 50.0, 50.0],
            0.0,
            480.0,
        );
        assert_eq!((p[0].right, p[0].y), (true, 93.0), "{p:?}");
        let (a, b) = (p[0], p[2]);
        let box_of = |q: Place, w: f64| {
            let x0 = if q.right { q.x } else { q.x - w };
            (x0, x0 + w, q.y - 10.0, q.y + 2.0)
        };
        let (ba, bb) = (box_of(a, 50.0), box_of(b, 50.0));
        assert!(!(ba.0 < bb.1 && bb.0 < ba.1 && ba.2 < bb.3 && bb.2 < ba.3));
    }

    #[test]
    fn largest_first_is_stable_and_puts_missing_last() {
        let keys = [Some(0.1), None, Some(0.3), Some(0.1)];
        assert_eq!(largest_first(4, |i| keys[i]), [2, 0, 3, 1]);
    }

    #[test]
    fn bars_need_a_value_and_say_negative_ones() {
        let row = |v: Option<f64>| BarRow {
            label: "x".into(),
            title: "x".into(),
            bars: vec![Bar {
                value: v,
                err: None,
                text: opt(v),
            }],
        };
        assert!(hbars_svg("a", &[("c", "v")], &[row(None)], Scale::Number, "v", None).is_none());
        let svg = hbars_svg(
            "a",
            &[("c", "v")],
            &[row(Some(-0.0002))],
            Scale::Number,
            "v",
            None,
        )
        .unwrap();
        assert!(!svg.contains("<rect"), "no bar for a negative value");
        assert!(svg.contains(">-0.0002</text>"));
    }
}
