//! The "Model evaluation" section of the HTML page, drawn from [`crate::model`]'s figures:
//!
//! - a metric table (value, interval and its method, baseline with the difference, trivial
//!   predictor, status with the condition as a tooltip);
//! - inline SVG charts: the ROC curve over the chance diagonal, the precision–recall curve
//!   (as steps, with the trivial predictor's level), the reliability diagram (observed against
//!   predicted, point size and grey bars by the share of rows per bin, over the diagonal), and
//!   the confusion matrix as a table shaded by the share of each true class;
//! - the regression gate and prediction stability, the slices, the weak slices;
//! - per protected attribute: horizontal bars of selection rate and true positive rate per
//!   group (excluded groups greyed and marked) and the table of fairness measures.
//!
//! All text is escaped; SVG coordinates carry at most one decimal.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use maud::{html, Markup, PreEscaped};

use super::{escape_html, format_number, n_label, status_class, table_head};
use crate::chart::{self, bar_axis, n1, nice_top, BAR_X0, BAR_X1, ROWS_TOP, ROW_H, W};
use crate::model::{
    fairness_by_attribute, ConfusionMatrix, Curve, FairnessRow, GroupRates, MetricRow,
    ModelFigures, Reliability,
};
use crate::numbers::format_percent;
use crate::CheckResult;

/// Plot of a unit square (ROC, precision–recall, calibration): size and plot area.
const PW: f64 = 320.0;
const PH: f64 = 306.0;
const PL: f64 = 50.0;
const PR: f64 = 306.0;
const PT: f64 = 14.0;
const PB: f64 = 270.0;

fn px(v: f64) -> f64 {
    PL + v.clamp(0.0, 1.0) * (PR - PL)
}

fn py(v: f64) -> f64 {
    PB - v.clamp(0.0, 1.0) * (PB - PT)
}

pub(super) fn opt(x: Option<f64>) -> String {
    x.map(format_number).unwrap_or_else(|| "–".to_string())
}

/// A difference with its sign: `+0.012`, `-0.004`, `0`.
pub(super) fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", format_number(x))
    } else {
        format_number(x)
    }
}

/// A status chip whose tooltip is the result's message and condition.
pub(super) fn chip_for(r: &CheckResult) -> Markup {
    let mut tip = r.message.clone();
    if let Some(cond) = &r.condition {
        if !tip.is_empty() {
            tip.push('\n');
        }
        let _ = write!(tip, "requires {cond} (else {})", r.severity);
    }
    html! {
        span class=(format!("chip {}", status_class(r.status))) title=(tip) { (r.status.as_str()) }
    }
}

/// `[low, high]`, then the confidence and method dimmed, or `–`.
pub(super) fn interval_html(
    ci: Option<(f64, f64)>,
    confidence: Option<f64>,
    method: Option<&str>,
) -> Markup {
    let Some((lo, hi)) = ci else {
        return html! { "–" };
    };
    let mut how = Vec::new();
    if let Some(c) = confidence.filter(|c| c.is_finite()) {
        how.push(format_percent(c));
    }
    if let Some(m) = method.filter(|m| !m.is_empty()) {
        how.push(m.to_string());
    }
    html! {
        "[" (format_number(lo)) ", " (format_number(hi)) "]"
        @if !how.is_empty() { " " span.dim { (how.join(" ")) } }
    }
}

/// A figure with a dimmed note, or `–`; `note` shown after the figure.
fn with_note(figure: String, note: Option<&str>) -> Markup {
    html! {
        (figure)
        @if let Some(note) = note { " " span.dim { (note) } }
    }
}

/// The section, or nothing when `figures` is empty.
pub(super) fn model_section(figures: &ModelFigures<'_>) -> Markup {
    if figures.is_empty() {
        return html! {};
    }
    let title = if figures.model_is_empty() {
        "Fairness"
    } else {
        "Model evaluation"
    };
    let models: BTreeSet<&str> = figures
        .metrics
        .iter()
        .filter_map(|m| m.model.as_deref())
        .collect();
    let ns: BTreeSet<u64> = figures
        .metrics
        .iter()
        .filter_map(|m| m.n.filter(|n| *n >= 0.0 && n.is_finite()))
        .map(|n| n.round() as u64)
        .collect();
    let mut sub = Vec::new();
    if models.len() == 1 {
        sub.extend(models.iter().map(|m| format!("model {m}")));
    }
    if ns.len() == 1 {
        sub.extend(
            ns.iter()
                .map(|n| format!("{} rows", format_number(*n as f64))),
        );
    }
    html! {
        section #model { "\n"
            h2 {
                (title)
                @if !sub.is_empty() { span.dim { (sub.join(" · ")) } }
            } "\n"
            (metrics_table(&figures.metrics, models.len() > 1))
            (charts(figures))
            (gate_table(figures))
            (slices_table(figures))
            (weak_slices(figures))
            (fairness(figures))
        } "\n"
    }
}

fn metrics_table(rows: &[MetricRow<'_>], with_model: bool) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    let baseline = |m: &MetricRow<'_>| match (m.baseline, m.estimate) {
        (Some(b), Some(e)) if b.is_finite() && e.is_finite() => {
            with_note(format_number(b), Some(&format!("({})", signed(e - b))))
        }
        (b, _) => html! { (opt(b)) },
    };
    let trivial = |m: &MetricRow<'_>| match (m.trivial_value, m.trivial.as_deref()) {
        (Some(v), Some(name)) => with_note(format_number(v), Some(name)),
        (v, _) => html! { (opt(v)) },
    };
    html! {
        table.metrics { "\n"
            (table_head(&["Status", "Metric", "Value", "Interval", "Baseline", "Trivial predictor"]))
            tbody { "\n"
                @for m in rows {
                    tr {
                        td { (chip_for(m.result)) }
                        td {
                            code { (m.metric) }
                            @match m.higher_is_better {
                                Some(true) => { " " span.dim title="higher is better" { "↑" } },
                                Some(false) => { " " span.dim title="lower is better" { "↓" } },
                                None => {},
                            }
                            @if let (true, Some(name)) = (with_model, m.model.as_deref()) {
                                " " span.dim { (name) }
                            }
                        }
                        td.n { (opt(m.estimate)) }
                        td.n { (interval_html(m.ci, m.confidence, m.ci_method.as_deref())) }
                        td.n { (baseline(m)) }
                        td.n { (trivial(m)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

// ---- charts -------------------------------------------------------------------------------

fn charts(f: &ModelFigures<'_>) -> Markup {
    if f.roc.is_none() && f.pr.is_none() && f.reliability.is_none() && f.confusion.is_none() {
        return html! {};
    }
    html! {
        div.charts.mcharts { "\n"
            @if let Some(c) = &f.roc {
                (chart_figure("ROC curve", &format!("AUC {}", opt(estimate(c.result))), c.result, svg_block(roc_svg(c))))
            }
            @if let Some(c) = &f.pr {
                (chart_figure(
                    "Precision–recall curve",
                    &format!("average precision {}", opt(estimate(c.result))),
                    c.result,
                    svg_block(pr_svg(c)),
                ))
            }
            @if let Some(r) = &f.reliability {
                (chart_figure(
                    "Calibration",
                    &format!("error {} · point size and grey bars: share of rows", opt(estimate(r.result))),
                    r.result,
                    svg_block(reliability_svg(r)),
                ))
            }
            @if let Some(cm) = &f.confusion {
                (chart_figure("Confusion matrix", "rows: true class · columns: predicted", cm.result, confusion_table(cm)))
            }
        } "\n"
    }
}

/// An SVG chart on its own line.
fn svg_block(svg: String) -> Markup {
    html! { (PreEscaped(svg)) "\n" }
}

/// A chart's figure: its caption (title, note, the result's chip) and the chart.
fn chart_figure(title: &str, note: &str, r: &CheckResult, chart: Markup) -> Markup {
    html! {
        figure { "\n"
            figcaption { (title) " " span.dim { (note) } (chip_for(r)) } "\n"
            (chart)
        } "\n"
    }
}

fn estimate(r: &CheckResult) -> Option<f64> {
    r.details
        .get("estimate")
        .and_then(serde_json::Value::as_f64)
        .or(r.value)
}

fn plot_open(svg: &mut String, label: &str) {
    chart::open(svg, PW, PH, label, "");
}

/// Gridlines and labels every 0.2 on both axes of the unit square, and the axis names.
fn unit_axes(svg: &mut String, x_name: &str, y_name: &str) {
    for k in 0..=5 {
        let v = k as f64 * 0.2;
        let label = crate::numbers::format_value((v * 10.0).round() / 10.0);
        let class = if k == 0 { "bl" } else { "ax" };
        let (x, y) = (n1(px(v)), n1(py(v)));
        let _ = write!(
            svg,
            "<line class=\"{class}\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\
             <line class=\"{class}\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{label}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            n1(PT),
            n1(PB),
            n1(PL),
            n1(PR),
            n1(PB + 15.0),
            n1(PL - 6.0),
            n1(py(v) + 4.0),
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text transform=\"rotate(-90)\" x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>",
        n1((PL + PR) / 2.0),
        n1(PB + 31.0),
        escape_html(x_name),
        n1(-(PT + PB) / 2.0),
        escape_html(y_name)
    );
}

fn diagonal(svg: &mut String) {
    let _ = write!(
        svg,
        "<line class=\"dg\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n1(px(0.0)),
        n1(py(0.0)),
        n1(px(1.0)),
        n1(py(1.0))
    );
}

/// `x,y` pairs for a `points` attribute, consecutive duplicates (after rounding) dropped.
fn point_list(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut s = String::new();
    let mut last = String::new();
    for (x, y) in points {
        let p = format!("{},{}", n1(px(x)), n1(py(y)));
        if p != last {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&p);
            last = p;
        }
    }
    s
}

/// ROC: the curve (points joined by straight lines, the area under it tinted) over the
/// diagonal of a random ranking.
fn roc_svg(c: &Curve<'_>) -> String {
    let mut svg = String::with_capacity(4096);
    plot_open(&mut svg, "ROC curve");
    unit_axes(&mut svg, "False positive rate", "True positive rate");
    diagonal(&mut svg);
    let line = point_list(c.points.iter().copied());
    let last_x = c.points.last().map_or(1.0, |p| p.0);
    let first_x = c.points.first().map_or(0.0, |p| p.0);
    let _ = write!(
        svg,
        "<polygon class=\"ca\" points=\"{} {},{} {},{}\"/><polyline class=\"cv\" points=\"{line}\"/>",
        line,
        n1(px(last_x)),
        n1(py(0.0)),
        n1(px(first_x)),
        n1(py(0.0)),
    );
    // The diagonal's name, along it and just under it (where a useful curve is not).
    let (cx, cy) = (n1(px(0.75) + 11.0), n1(py(0.75) + 11.0));
    let _ = write!(
        svg,
        "<text transform=\"rotate(-45 {cx} {cy})\" x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\">chance</text></svg>"
    );
    svg
}

/// Precision–recall: the curve as steps (as scikit-learn draws it), and the trivial
/// predictor's precision as a dashed level when known.
fn pr_svg(c: &Curve<'_>) -> String {
    let mut svg = String::with_capacity(4096);
    plot_open(&mut svg, "precision-recall curve");
    unit_axes(&mut svg, "Recall", "Precision");
    let trivial = c
        .result
        .details
        .get("trivial_value")
        .and_then(serde_json::Value::as_f64)
        .filter(|v| (0.0..=1.0).contains(v));
    if let Some(t) = trivial {
        let y = py(t);
        let _ = write!(
            svg,
            "<line class=\"tv\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"tvl\" x=\"{}\" y=\"{}\" text-anchor=\"end\">trivial {}</text>",
            n1(PL),
            n1(y),
            n1(PR),
            n1(y),
            n1(PR - 4.0),
            n1(if y - 5.0 < PT + 10.0 { y + 13.0 } else { y - 5.0 }),
            format_number(t)
        );
    }
    let mut steps = Vec::with_capacity(c.points.len() * 2);
    for (i, p) in c.points.iter().enumerate() {
        if i > 0 {
            let prev = c.points[i - 1];
            steps.push((p.0, prev.1));
        }
        steps.push(*p);
    }
    let _ = write!(
        svg,
        "<polyline class=\"cv\" points=\"{}\"/></svg>",
        point_list(steps)
    );
    svg
}

/// Reliability diagram: the observed share of positives against the mean predicted
/// probability per bin, joined, each point sized by its share of rows, over the diagonal of
/// perfect calibration; grey bars along the bottom show where the predictions fall.
fn reliability_svg(r: &Reliability<'_>) -> String {
    let mut svg = String::with_capacity(4096);
    plot_open(&mut svg, "reliability diagram");
    unit_axes(
        &mut svg,
        "Mean predicted probability",
        "Observed share of positives",
    );
    let total: f64 = r.bins.iter().map(|b| b.weight.max(0.0)).sum();
    let share = |w: f64| if total > 0.0 { w.max(0.0) / total } else { 0.0 };
    let max_share = r.bins.iter().map(|b| share(b.weight)).fold(0.0, f64::max);
    // Bars of the share of rows, up to a quarter of the plot's height.
    let bar_max = (PB - PT) * 0.25;
    for b in &r.bins {
        let s = share(b.weight);
        if max_share <= 0.0 || s <= 0.0 {
            continue;
        }
        let h = (s / max_share * bar_max).max(0.5);
        let x0 = px(b.lower);
        let w = (px(b.upper) - x0 - 1.0).max(0.5);
        let _ = write!(
            svg,
            "<rect class=\"r\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill-opacity=\".6\"/>",
            n1(x0 + 0.5),
            n1(PB - h),
            n1(w),
            n1(h)
        );
    }
    diagonal(&mut svg);
    let line = point_list(
        r.bins
            .iter()
            .map(|b| (b.mean_predicted, b.fraction_positive)),
    );
    let _ = write!(svg, "<polyline class=\"cv\" points=\"{line}\"/>");
    for b in &r.bins {
        let s = share(b.weight);
        let radius = if max_share > 0.0 {
            2.5 + 4.5 * (s / max_share).sqrt()
        } else {
            3.0
        };
        let title = format!(
            "[{}, {}] · {} ({}) · predicted {} · observed {}",
            format_number(b.lower),
            format_number(b.upper),
            n_label(b.weight),
            format_percent(s),
            format_number(b.mean_predicted),
            format_number(b.fraction_positive)
        );
        let _ = write!(
            svg,
            "<g><title>{}</title><circle class=\"pt\" cx=\"{}\" cy=\"{}\" r=\"{}\"/></g>",
            escape_html(&title),
            n1(px(b.mean_predicted)),
            n1(py(b.fraction_positive)),
            n1(radius)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The confusion matrix as a table: counts, each cell shaded by its share of the true class
/// (row), with that share under the count and the row total at the end.
fn confusion_table(cm: &ConfusionMatrix<'_>) -> Markup {
    let cell = |c: f64, total: f64| -> Markup {
        let share = if total > 0.0 && c.is_finite() && c > 0.0 {
            c / total
        } else {
            0.0
        };
        let alpha = 0.06 + 0.84 * share;
        let color = if alpha > 0.5 { ";color:#fff" } else { "" };
        html! {
            td style=(format!("background:rgba(47,111,222,{alpha:.2}){color}")) {
                (format_number(c)) small { (format_percent(share)) }
            }
        }
    };
    html! {
        div.cmw {
            table.cm { "\n"
                thead {
                    tr {
                        th.tc { "true \\ predicted" }
                        @for l in &cm.labels { th { (l) } }
                        th { "n" }
                    }
                } "\n"
                tbody { "\n"
                    @for (label, row) in cm.labels.iter().zip(&cm.matrix) {
                        @let total: f64 = row.iter().filter(|c| c.is_finite() && **c > 0.0).sum();
                        tr {
                            th.tc { (label) }
                            @for c in row { (cell(*c, total)) }
                            td.dim { (format_number(total)) }
                        } "\n"
                    }
                } "\n"
            }
        } "\n"
    }
}

// ---- gate, slices, weak slices --------------------------------------------------------------

fn gate_table(f: &ModelFigures<'_>) -> Markup {
    let amount = |relative: bool, x: f64| {
        if relative {
            if x > 0.0 {
                format!("+{}", format_percent(x))
            } else {
                format_percent(x)
            }
        } else {
            signed(x)
        }
    };
    html! {
        @if !f.gate.is_empty() {
            h3 { "Regression gate: candidate against baseline" } "\n"
            table.gate { "\n"
                (table_head(&["Status", "Metric", "Candidate", "Baseline", "Degradation", "Interval", "Tolerance", "Test", "p-value"]))
                tbody { "\n"
                    @for g in &f.gate {
                        tr {
                            td { (chip_for(g.result)) }
                            td { code { (g.metric) } }
                            td.n { (opt(g.candidate)) }
                            td.n { (opt(g.baseline)) }
                            td.n { (g.degradation.map(|x| amount(g.relative, x)).unwrap_or_else(|| "–".to_string())) }
                            td.n {
                                (g.degradation_ci
                                    .map(|(lo, hi)| format!("[{}, {}]", amount(g.relative, lo), amount(g.relative, hi)))
                                    .unwrap_or_else(|| "–".to_string()))
                            }
                            td.n {
                                @match g.tolerance {
                                    Some(t) if g.relative => (with_note(format_percent(t), Some("relative"))),
                                    t => (opt(t)),
                                }
                            }
                            td { (g.test.as_deref().unwrap_or("–")) }
                            td.n {
                                @match (g.p_value, g.significant) {
                                    (Some(p), Some(true)) => (with_note(format_number(p), Some("significant"))),
                                    (p, _) => (opt(p)),
                                }
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
        @if !f.stability.is_empty() {
            h3 { "Prediction stability" } "\n"
            table.stability { "\n"
                (table_head(&["Status", "Changed predictions", "Largest change", "Mean change"]))
                tbody { "\n"
                    @for s in &f.stability {
                        tr {
                            td { (chip_for(s.result)) }
                            td.n { (s.changed_share.map(format_percent).unwrap_or_else(|| "–".to_string())) }
                            td.n { (opt(s.max_change)) }
                            td.n { (opt(s.mean_change)) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    }
}

fn slices_table(f: &ModelFigures<'_>) -> Markup {
    if f.slices.is_empty() {
        return html! {};
    }
    let metrics: BTreeSet<&str> = f
        .slices
        .iter()
        .filter_map(|s| s.metric.as_deref())
        .collect();
    let one_metric = metrics.len() <= 1;
    // Problems first, suite order within a status.
    let mut rows: Vec<_> = f.slices.iter().collect();
    rows.sort_by_key(|s| s.result.status.severity_rank());
    html! {
        h3 {
            "Slices"
            @if let (true, Some(m)) = (one_metric, metrics.iter().next()) { " " span.dim { (m) } }
        } "\n"
        table.slices { "\n"
            thead {
                tr {
                    th { "Status" } th { "Slice" }
                    @if !one_metric { th { "Metric" } }
                    th { "n" } th { "Value" } th { "Interval" } th { "All rows" }
                }
            } "\n"
            tbody { "\n"
                @for s in rows {
                    tr {
                        td { (chip_for(s.result)) }
                        td { code { (s.slice) } }
                        @if !one_metric { td { (s.metric.as_deref().unwrap_or("–")) } }
                        td.n { (opt(s.n)) }
                        td.n { (opt(s.value)) }
                        td.n { (interval_html(s.ci, None, None)) }
                        td.n { (opt(s.reference_value)) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn weak_slices(f: &ModelFigures<'_>) -> Markup {
    if f.weak_slices.is_empty() {
        return html! {};
    }
    let parts = |w: &crate::model::WeakSliceRow<'_>| -> String {
        let mut parts = Vec::new();
        if let Some(n) = w.n {
            parts.push(format!("n={}", format_number(n)));
        }
        if let (Some(s), Some(r)) = (w.slice_loss, w.rest_loss) {
            parts.push(format!(
                "{} {} against {} on the other rows",
                w.loss.as_deref().unwrap_or("loss"),
                format_number(s),
                format_number(r)
            ));
        }
        if let Some(q) = w.q_value {
            parts.push(format!("q = {}", format_number(q)));
        }
        parts.join(" · ")
    };
    html! {
        h3 { "Weak slices" } "\n"
        ul.weak { "\n"
            @for w in &f.weak_slices {
                @match w.slice {
                    None => { li { (chip_for(w.result)) " " (w.result.message) } "\n" },
                    Some(slice) => {
                        li { (chip_for(w.result)) " " code { (slice) } " " span.dim { (parts(w)) } } "\n"
                    },
                }
            }
        } "\n"
    }
}

// ---- fairness -------------------------------------------------------------------------------

fn fairness(f: &ModelFigures<'_>) -> Markup {
    html! {
        @for (attribute, rows) in fairness_by_attribute(&f.fairness) {
            h3 { "Fairness: " code { (attribute) } } "\n"
            @if let Some(groups) = rows.iter().map(|r| &r.groups).find(|g| !g.is_empty()) {
                @if let Some(svg) = rates_svg(attribute, groups) {
                    div.charts {
                        figure { "\n"
                            figcaption { "Rates per group " span.dim { (group_note(groups)) } } "\n"
                            (PreEscaped(svg)) "\n"
                        }
                    } "\n"
                }
            }
            (fairness_table(&rows))
        }
    }
}

fn group_note(groups: &[GroupRates]) -> String {
    let excluded = groups.iter().filter(|g| g.excluded).count();
    let mut s = format!(
        "{} group{}",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" }
    );
    if excluded > 0 {
        let _ = write!(s, ", {excluded} excluded from the measures");
    }
    s
}

fn fairness_table(rows: &[&FairnessRow<'_>]) -> Markup {
    html! {
        table.fairness { "\n"
            (table_head(&["Status", "Measure", "Value", "Interval", "Rate compared", "Lowest group", "Highest group"]))
            tbody { "\n"
                @for r in rows {
                    tr {
                        td { (chip_for(r.result)) }
                        td { code { (r.measure) } }
                        td.n { (opt(r.value)) }
                        td.n { (interval_html(r.ci, None, None)) }
                        td { (r.rate.as_deref().unwrap_or("–")) }
                        td { (r.lowest_group.as_deref().unwrap_or("–")) }
                        td { (r.highest_group.as_deref().unwrap_or("–")) }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

/// Horizontal bars per group: selection rate and, when known for some group, true positive
/// rate. Excluded groups are greyed, tinted and tagged. `None` when no group has a rate.
fn rates_svg(attribute: &str, groups: &[GroupRates]) -> Option<String> {
    type Rate = fn(&GroupRates) -> Option<f64>;
    let all: [(&str, &str, Rate); 2] = [
        ("c", "selection rate", |g| g.selection_rate),
        ("t", "true positive rate", |g| g.tpr),
    ];
    let kinds: Vec<(&str, &str, Rate)> = all
        .into_iter()
        .filter(|(_, _, rate)| groups.iter().any(|g| rate(g).is_some_and(f64::is_finite)))
        .collect();
    if kinds.is_empty() {
        return None;
    }
    let rows_bottom = ROWS_TOP + ROW_H * groups.len() as f64;
    let height = rows_bottom + 32.0;
    let mut svg = String::with_capacity(1024 + 500 * groups.len());
    chart::open(
        &mut svg,
        W,
        height,
        &format!("rates per group of {attribute}"),
        "",
    );
    let items: Vec<(&str, String)> = kinds
        .iter()
        .map(|(class, name, _)| (*class, name.to_string()))
        .collect();
    chart::legend(&mut svg, &items, 8.0);
    // Axis.
    let max_rate = groups
        .iter()
        .flat_map(|g| kinds.iter().filter_map(|(_, _, rate)| rate(g)))
        .filter(|r| r.is_finite())
        .fold(0.0, f64::max);
    let top = nice_top(max_rate);
    let x = |r: f64| BAR_X0 + (r / top).clamp(0.0, 1.0) * (BAR_X1 - BAR_X0);
    bar_axis(&mut svg, top, rows_bottom, "% of the group");
    let two = kinds.len() == 2;
    for (k, g) in groups.iter().enumerate() {
        let top_y = ROWS_TOP + ROW_H * k as f64;
        let mut title = g.group.clone();
        if let Some(n) = g.count {
            let _ = write!(title, " · {}", n_label(n));
        }
        for (_, name, rate) in &kinds {
            let v = rate(g)
                .filter(|v| v.is_finite())
                .map(format_percent)
                .unwrap_or_else(|| "n/a".to_string());
            let _ = write!(title, " · {name} {v}");
        }
        if g.excluded {
            title.push_str(" · excluded from the measures");
        }
        let _ = write!(
            svg,
            "<g{}><title>{}</title>",
            if g.excluded { " class=\"ex\"" } else { "" },
            escape_html(&title)
        );
        if g.excluded {
            let _ = write!(
                svg,
                "<rect class=\"xb\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                n1(top_y),
                n1(chart::W),
                n1(ROW_H)
            );
        }
        chart::row_label(
            &mut svg,
            &g.group,
            if g.excluded { " xl" } else { "" },
            top_y,
        );
        let mut text_end: f64 = 0.0;
        for (j, (class, _, rate)) in kinds.iter().enumerate() {
            let (dy, bh, ty) = match (two, j) {
                (true, 0) => (2.5, 9.0, 10.5),
                (true, _) => (12.5, 9.0, 20.5),
                (false, _) => (6.0, 12.0, 15.5),
            };
            let value = rate(g).filter(|v| v.is_finite());
            let x1 = x(value.unwrap_or(0.0));
            if let Some(v) = value {
                if v > 0.0 {
                    let _ = write!(
                        svg,
                        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                        n1(BAR_X0),
                        n1(top_y + dy),
                        n1((x1 - BAR_X0).max(0.5)),
                        n1(bh)
                    );
                }
            }
            let text = value
                .map(format_percent)
                .unwrap_or_else(|| "n/a".to_string());
            text_end = text_end.max(chart::bar_value(&mut svg, &text, x1, top_y, ty));
        }
        if g.excluded {
            let _ = write!(
                svg,
                "<text class=\"xl\" x=\"{}\" y=\"{}\">excluded</text>",
                n1((text_end + 6.0).min(chart::W - 50.0)),
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

    #[test]
    fn differences_carry_their_sign() {
        assert_eq!(signed(0.012), "+0.012");
        assert_eq!(signed(-0.004), "-0.004");
        assert_eq!(signed(0.0), "0");
    }

    #[test]
    fn intervals_name_their_level_and_method() {
        assert_eq!(
            interval_html(None, Some(0.95), Some("wilson")).into_string(),
            "–"
        );
        assert_eq!(
            interval_html(Some((0.84, 0.86)), Some(0.95), Some("<b>")).into_string(),
            "[0.84, 0.86] <span class=\"dim\">95% &lt;b&gt;</span>"
        );
        assert_eq!(
            interval_html(Some((1.0, 2.0)), None, None).into_string(),
            "[1, 2]"
        );
    }

    #[test]
    fn unit_square_maps_and_clamps() {
        assert_eq!(px(0.0), PL);
        assert_eq!(px(1.0), PR);
        assert_eq!(py(0.0), PB);
        assert_eq!(py(2.0), PT);
        assert_eq!(
            point_list([(0.0, 0.0), (0.0001, 0.0), (1.0, 1.0)]),
            "50,270 306,14"
        );
    }
}
