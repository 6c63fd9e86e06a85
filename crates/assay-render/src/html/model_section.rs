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

use super::{escape_html, format_number, n_label, status_class};
use crate::chart::{
    self, bar_axis, n1, nice_top, text_width, truncate, BAR_X0, BAR_X1, LABEL_END, MAX_LABEL_CHARS,
    ROWS_TOP, ROW_H, SMALL_CHAR_W, W,
};
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
pub(super) fn chip_for(r: &CheckResult) -> String {
    let mut tip = r.message.clone();
    if let Some(cond) = &r.condition {
        if !tip.is_empty() {
            tip.push('\n');
        }
        let _ = write!(tip, "requires {cond} (else {})", r.severity);
    }
    format!(
        "<span class=\"chip {}\" title=\"{}\">{}</span>",
        status_class(r.status),
        escape_html(&tip),
        r.status.as_str()
    )
}

/// `[low, high]`, then the confidence and method dimmed, or `–`.
pub(super) fn interval_html(
    ci: Option<(f64, f64)>,
    confidence: Option<f64>,
    method: Option<&str>,
) -> String {
    let Some((lo, hi)) = ci else {
        return "–".to_string();
    };
    let mut s = format!("[{}, {}]", format_number(lo), format_number(hi));
    let mut how = Vec::new();
    if let Some(c) = confidence.filter(|c| c.is_finite()) {
        how.push(format_percent(c));
    }
    if let Some(m) = method.filter(|m| !m.is_empty()) {
        how.push(escape_html(m));
    }
    if !how.is_empty() {
        let _ = write!(s, " <span class=\"dim\">{}</span>", how.join(" "));
    }
    s
}

/// The section(s) as markup (nothing when there are no figures).
pub(super) fn model_section(figures: &ModelFigures<'_>) -> maud::Markup {
    let mut out = String::new();
    write_model_section(&mut out, figures);
    maud::PreEscaped(out)
}

/// Writes the section. Does nothing when `figures` is empty.
fn write_model_section(out: &mut String, figures: &ModelFigures<'_>) {
    if figures.is_empty() {
        return;
    }
    out.push_str("<section id=\"model\">\n");
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
        sub.extend(models.iter().map(|m| format!("model {}", escape_html(m))));
    }
    if ns.len() == 1 {
        sub.extend(
            ns.iter()
                .map(|n| format!("{} rows", format_number(*n as f64))),
        );
    }
    if sub.is_empty() {
        let _ = writeln!(out, "<h2>{title}</h2>");
    } else {
        let _ = writeln!(
            out,
            "<h2>{title}<span class=\"dim\">{}</span></h2>",
            sub.join(" · ")
        );
    }
    metrics_table(out, &figures.metrics, models.len() > 1);
    charts(out, figures);
    gate_table(out, figures);
    slices_table(out, figures);
    weak_slices(out, figures);
    fairness(out, figures);
    out.push_str("</section>\n");
}

fn metrics_table(out: &mut String, rows: &[MetricRow<'_>], with_model: bool) {
    if rows.is_empty() {
        return;
    }
    out.push_str(
        "<table class=\"metrics\">\n<thead><tr><th>Status</th><th>Metric</th><th>Value</th>\
         <th>Interval</th><th>Baseline</th><th>Trivial predictor</th></tr></thead>\n<tbody>\n",
    );
    for m in rows {
        let arrow = match m.higher_is_better {
            Some(true) => " <span class=\"dim\" title=\"higher is better\">↑</span>",
            Some(false) => " <span class=\"dim\" title=\"lower is better\">↓</span>",
            None => "",
        };
        let model = match (with_model, m.model.as_deref()) {
            (true, Some(name)) => format!(" <span class=\"dim\">{}</span>", escape_html(name)),
            _ => String::new(),
        };
        let baseline = match (m.baseline, m.estimate) {
            (Some(b), Some(e)) if b.is_finite() && e.is_finite() => format!(
                "{} <span class=\"dim\">({})</span>",
                format_number(b),
                signed(e - b)
            ),
            (b, _) => opt(b),
        };
        let trivial = match (m.trivial_value, m.trivial.as_deref()) {
            (Some(v), Some(name)) => format!(
                "{} <span class=\"dim\">{}</span>",
                format_number(v),
                escape_html(name)
            ),
            (v, _) => opt(v),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code>{arrow}{model}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{baseline}</td><td class=\"n\">{trivial}</td></tr>",
            chip_for(m.result),
            escape_html(&m.metric),
            opt(m.estimate),
            interval_html(m.ci, m.confidence, m.ci_method.as_deref()),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

// ---- charts -------------------------------------------------------------------------------

fn charts(out: &mut String, f: &ModelFigures<'_>) {
    if f.roc.is_none() && f.pr.is_none() && f.reliability.is_none() && f.confusion.is_none() {
        return;
    }
    out.push_str("<div class=\"charts mcharts\">\n");
    if let Some(c) = &f.roc {
        let value = estimate(c.result);
        caption_open(out, "ROC curve", &format!("AUC {}", opt(value)), c.result);
        out.push_str(&roc_svg(c));
        out.push_str("\n</figure>\n");
    }
    if let Some(c) = &f.pr {
        let value = estimate(c.result);
        caption_open(
            out,
            "Precision–recall curve",
            &format!("average precision {}", opt(value)),
            c.result,
        );
        out.push_str(&pr_svg(c));
        out.push_str("\n</figure>\n");
    }
    if let Some(r) = &f.reliability {
        let value = estimate(r.result);
        caption_open(
            out,
            "Calibration",
            &format!(
                "error {} · point size and grey bars: share of rows",
                opt(value)
            ),
            r.result,
        );
        out.push_str(&reliability_svg(r));
        out.push_str("\n</figure>\n");
    }
    if let Some(cm) = &f.confusion {
        caption_open(
            out,
            "Confusion matrix",
            "rows: true class · columns: predicted",
            cm.result,
        );
        confusion_table(out, cm);
        out.push_str("</figure>\n");
    }
    out.push_str("</div>\n");
}

fn estimate(r: &CheckResult) -> Option<f64> {
    r.details
        .get("estimate")
        .and_then(serde_json::Value::as_f64)
        .or(r.value)
}

fn caption_open(out: &mut String, title: &str, note: &str, r: &CheckResult) {
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>{title} <span class=\"dim\">{}</span>{}</figcaption>",
        escape_html(note),
        chip_for(r)
    );
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
fn confusion_table(out: &mut String, cm: &ConfusionMatrix<'_>) {
    out.push_str(
        "<div class=\"cmw\"><table class=\"cm\">\n<thead><tr><th class=\"tc\">true \\ predicted</th>",
    );
    for l in &cm.labels {
        let _ = write!(out, "<th>{}</th>", escape_html(l));
    }
    out.push_str("<th>n</th></tr></thead>\n<tbody>\n");
    for (label, row) in cm.labels.iter().zip(&cm.matrix) {
        let total: f64 = row.iter().filter(|c| c.is_finite() && **c > 0.0).sum();
        let _ = write!(out, "<tr><th class=\"tc\">{}</th>", escape_html(label));
        for c in row {
            let share = if total > 0.0 && c.is_finite() && *c > 0.0 {
                c / total
            } else {
                0.0
            };
            let alpha = 0.06 + 0.84 * share;
            let color = if alpha > 0.5 { ";color:#fff" } else { "" };
            let _ = write!(
                out,
                "<td style=\"background:rgba(47,111,222,{alpha:.2}){color}\">{}<small>{}</small></td>",
                format_number(*c),
                format_percent(share)
            );
        }
        let _ = writeln!(out, "<td class=\"dim\">{}</td></tr>", format_number(total));
    }
    out.push_str("</tbody>\n</table></div>\n");
}

// ---- gate, slices, weak slices --------------------------------------------------------------

fn gate_table(out: &mut String, f: &ModelFigures<'_>) {
    if !f.gate.is_empty() {
        out.push_str(
            "<h3>Regression gate: candidate against baseline</h3>\n<table class=\"gate\">\n\
             <thead><tr><th>Status</th><th>Metric</th><th>Candidate</th><th>Baseline</th>\
             <th>Degradation</th><th>Interval</th><th>Tolerance</th><th>Test</th><th>p-value</th>\
             </tr></thead>\n<tbody>\n",
        );
        for g in &f.gate {
            let amount = |x: f64| {
                if g.relative {
                    if x > 0.0 {
                        format!("+{}", format_percent(x))
                    } else {
                        format_percent(x)
                    }
                } else {
                    signed(x)
                }
            };
            let degradation = g.degradation.map(amount).unwrap_or_else(|| "–".to_string());
            let ci = g
                .degradation_ci
                .map(|(lo, hi)| format!("[{}, {}]", amount(lo), amount(hi)))
                .unwrap_or_else(|| "–".to_string());
            let tolerance = match g.tolerance {
                Some(t) if g.relative => {
                    format!("{} <span class=\"dim\">relative</span>", format_percent(t))
                }
                t => opt(t),
            };
            let p = match (g.p_value, g.significant) {
                (Some(p), Some(true)) => format!(
                    "{} <span class=\"dim\">significant</span>",
                    format_number(p)
                ),
                (p, _) => opt(p),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{degradation}</td><td class=\"n\">{ci}</td><td class=\"n\">{tolerance}</td>\
                 <td>{}</td><td class=\"n\">{p}</td></tr>",
                chip_for(g.result),
                escape_html(g.metric),
                opt(g.candidate),
                opt(g.baseline),
                g.test.as_deref().map(escape_html).unwrap_or_else(|| "–".to_string()),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if !f.stability.is_empty() {
        out.push_str(
            "<h3>Prediction stability</h3>\n<table class=\"stability\">\n<thead><tr><th>Status</th>\
             <th>Changed predictions</th><th>Largest change</th><th>Mean change</th></tr></thead>\n<tbody>\n",
        );
        for s in &f.stability {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                chip_for(s.result),
                s.changed_share
                    .map(format_percent)
                    .unwrap_or_else(|| "–".to_string()),
                opt(s.max_change),
                opt(s.mean_change),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

fn slices_table(out: &mut String, f: &ModelFigures<'_>) {
    if f.slices.is_empty() {
        return;
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
    let _ = write!(out, "<h3>Slices");
    if let (true, Some(m)) = (one_metric, metrics.iter().next()) {
        let _ = write!(out, " <span class=\"dim\">{}</span>", escape_html(m));
    }
    out.push_str("</h3>\n<table class=\"slices\">\n<thead><tr><th>Status</th><th>Slice</th>");
    if !one_metric {
        out.push_str("<th>Metric</th>");
    }
    out.push_str(
        "<th>n</th><th>Value</th><th>Interval</th><th>All rows</th></tr></thead>\n<tbody>\n",
    );
    for s in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td>",
            chip_for(s.result),
            escape_html(s.slice)
        );
        if !one_metric {
            let _ = write!(
                out,
                "<td>{}</td>",
                s.metric
                    .as_deref()
                    .map(escape_html)
                    .unwrap_or_else(|| "–".to_string())
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            opt(s.n),
            opt(s.value),
            interval_html(s.ci, None, None),
            opt(s.reference_value),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn weak_slices(out: &mut String, f: &ModelFigures<'_>) {
    if f.weak_slices.is_empty() {
        return;
    }
    out.push_str("<h3>Weak slices</h3>\n<ul class=\"weak\">\n");
    for w in &f.weak_slices {
        let Some(slice) = w.slice else {
            let _ = writeln!(
                out,
                "<li>{} {}</li>",
                chip_for(w.result),
                escape_html(&w.result.message)
            );
            continue;
        };
        let mut parts = Vec::new();
        if let Some(n) = w.n {
            parts.push(format!("n={}", format_number(n)));
        }
        if let (Some(s), Some(r)) = (w.slice_loss, w.rest_loss) {
            parts.push(format!(
                "{} {} against {} on the other rows",
                escape_html(w.loss.as_deref().unwrap_or("loss")),
                format_number(s),
                format_number(r)
            ));
        }
        if let Some(q) = w.q_value {
            parts.push(format!("q = {}", format_number(q)));
        }
        let _ = writeln!(
            out,
            "<li>{} <code>{}</code> <span class=\"dim\">{}</span></li>",
            chip_for(w.result),
            escape_html(slice),
            parts.join(" · ")
        );
    }
    out.push_str("</ul>\n");
}

// ---- fairness -------------------------------------------------------------------------------

fn fairness(out: &mut String, f: &ModelFigures<'_>) {
    for (attribute, rows) in fairness_by_attribute(&f.fairness) {
        let _ = writeln!(
            out,
            "<h3>Fairness: <code>{}</code></h3>",
            escape_html(attribute)
        );
        if let Some(groups) = rows.iter().map(|r| &r.groups).find(|g| !g.is_empty()) {
            if let Some(svg) = rates_svg(attribute, groups) {
                let _ = writeln!(
                    out,
                    "<div class=\"charts\"><figure>\n<figcaption>Rates per group <span class=\"dim\">{}</span></figcaption>\n{svg}\n</figure></div>",
                    escape_html(&group_note(groups))
                );
            }
        }
        fairness_table(out, &rows);
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

fn fairness_table(out: &mut String, rows: &[&FairnessRow<'_>]) {
    out.push_str(
        "<table class=\"fairness\">\n<thead><tr><th>Status</th><th>Measure</th><th>Value</th>\
         <th>Interval</th><th>Rate compared</th><th>Lowest group</th><th>Highest group</th></tr></thead>\n<tbody>\n",
    );
    let cell = |s: Option<&str>| s.map(escape_html).unwrap_or_else(|| "–".to_string());
    for r in rows {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            chip_for(r.result),
            escape_html(r.measure),
            opt(r.value),
            interval_html(r.ci, None, None),
            cell(r.rate.as_deref()),
            cell(r.lowest_group.as_deref()),
            cell(r.highest_group.as_deref()),
        );
    }
    out.push_str("</tbody>\n</table>\n");
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
        let label = if g.group.is_empty() {
            "\"\"".to_string()
        } else {
            truncate(&g.group, MAX_LABEL_CHARS, LABEL_END - 4.0)
        };
        let _ = write!(
            svg,
            "<text class=\"lb{}\" x=\"{}\" y=\"{}\">{}</text>",
            if g.excluded { " xl" } else { "" },
            n1(LABEL_END),
            n1(top_y + 16.0),
            escape_html(&label)
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
            let tx = x1.max(BAR_X0 + 0.5) + 4.0;
            text_end = text_end.max(tx + text_width(&text, SMALL_CHAR_W));
            let _ = write!(
                svg,
                "<text class=\"v\" x=\"{}\" y=\"{}\">{text}</text>",
                n1(tx),
                n1(top_y + ty)
            );
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
        assert_eq!(interval_html(None, Some(0.95), Some("wilson")), "–");
        assert_eq!(
            interval_html(Some((0.84, 0.86)), Some(0.95), Some("<b>")),
            "[0.84, 0.86] <span class=\"dim\">95% &lt;b&gt;</span>"
        );
        assert_eq!(interval_html(Some((1.0, 2.0)), None, None), "[1, 2]");
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
