//! The distribution chart of one column (inline SVG): numeric columns as bars per bin,
//! reference and current side by side (overlaid when their bins differ); categorical ones as
//! one row per category. Built on [`crate::chart`], the one chart module of every page.

use std::fmt::Write as _;

use assay_stats::Histogram;

use std::collections::{HashMap, HashSet};

use super::{escape_html, n_label};
use crate::chart::{
    self, bar_axis, n1, nice_ticks, nice_top, text_width, BAR_X0, BAR_X1, BOTTOM, CHAR_W, H, LEFT,
    RIGHT, ROWS_TOP, ROW_H, TOP, W,
};
use crate::numbers::{format_percent, format_value};
use crate::ColumnDistribution;

/// Categories drawn by their larger share before the rest is folded into `(other)`.
pub const MAX_CATEGORIES: usize = 15;
/// New categories (absent from the reference) always drawn, beyond [`MAX_CATEGORIES`].
pub const MAX_NEW_CATEGORIES: usize = 15;
/// Axis label of both kinds.
const SHARE_AXIS: &str = "% of non-null values";

/// One side of a chart: css class (`r` or `c`), name and histogram.
#[derive(Clone, Copy)]
pub(super) struct Side<'a> {
    pub(super) class: &'static str,
    pub(super) name: &'static str,
    pub(super) hist: &'a Histogram,
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
pub(super) fn valid_edges(edges: &[f64], counts: &[f64]) -> bool {
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
pub(super) fn chart_svg(d: &ColumnDistribution) -> String {
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
pub(super) struct CategoryRow {
    /// Category label, or `(other)` for the folded rest.
    pub(super) label: String,
    /// Share per side, in the order of the sides.
    pub(super) shares: Vec<f64>,
    /// Present in the current data, absent (or zero) in the reference.
    pub(super) new: bool,
    /// The folded rest: unlisted values and the categories not drawn.
    pub(super) other: bool,
    /// For the `(other)` row: how many listed categories it folds...
    pub(super) folded: usize,
    /// ...and how many of those are new.
    pub(super) folded_new: usize,
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
pub(super) fn category_rows(sides: &[Side<'_>]) -> Vec<CategoryRow> {
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
        chart::row_label(
            &mut svg,
            &row.label,
            if row.new { " nw" } else { "" },
            top_y,
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
            text_end = text_end.max(chart::bar_value(&mut svg, &text, x1, top_y, ty));
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
