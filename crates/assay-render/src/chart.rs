//! The one chart module: every SVG chart of the reports and of the service's dashboard is
//! drawn with these pieces (root element, coordinates, legends, axes, round ticks, label
//! widths and truncation) and the layout of the report charts. Charts are small, static and
//! styled by the one stylesheet ([`crate::page::STYLESHEET`]) through classes, with `<title>`
//! tooltips, `aria-label`s and `data-*` hooks: what a plotting crate's SVG backend (inline
//! colours and fonts on every element) would not give; the HTML snapshot tests pin the output.
//! Text is escaped with [`crate::html::escape_html`], the templates' own escaping.

use std::fmt::Write as _;

use crate::html::{escape_html, format_number};
use crate::numbers::format_percent;

/// Opens an SVG chart `width` × `height` units, labelled `label` for screen readers (escaped
/// here); `attributes` (already escaped) are added to the root element as written.
pub fn open(svg: &mut String, width: f64, height: f64, label: &str, attributes: &str) {
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\"{attributes}>",
        n1(width),
        n1(height),
        escape_html(label),
    );
}

/// A legend row at the top of a chart: a swatch of each `(class, text)` series and its text,
/// from `x0` on.
pub fn legend(svg: &mut String, items: &[(&str, String)], x0: f64) {
    let mut lx = x0;
    for (class, text) in items {
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{}\" y=\"8\" width=\"10\" height=\"10\" rx=\"2\"/><text x=\"{}\" y=\"17\">{}</text>",
            n1(lx),
            n1(lx + 14.0),
            escape_html(text)
        );
        lx += 14.0 + text_width(text, CHAR_W) + 16.0;
    }
}

/// The label of a row of a horizontal bar chart, right-aligned at [`LABEL_END`] on the row
/// starting at `top_y`: truncated to fit, `""` for an empty label, `extra_class` (with its
/// leading space, or empty) added to `lb`.
pub fn row_label(svg: &mut String, label: &str, extra_class: &str, top_y: f64) {
    let label = if label.is_empty() {
        "\"\"".to_string()
    } else {
        truncate(label, MAX_LABEL_CHARS, LABEL_END - 4.0)
    };
    let _ = write!(
        svg,
        "<text class=\"lb{extra_class}\" x=\"{}\" y=\"{}\">{}</text>",
        n1(LABEL_END),
        n1(top_y + 16.0),
        escape_html(&label)
    );
}

/// The value text after a horizontal bar ending at `x1` (just after the bar's start when the
/// bar is shorter than that), at `top_y + ty`; returns where the text ends.
pub fn bar_value(svg: &mut String, text: &str, x1: f64, top_y: f64, ty: f64) -> f64 {
    let tx = x1.max(BAR_X0 + 0.5) + 4.0;
    let _ = write!(
        svg,
        "<text class=\"v\" x=\"{}\" y=\"{}\">{}</text>",
        n1(tx),
        n1(top_y + ty),
        escape_html(text)
    );
    tx + text_width(text, SMALL_CHAR_W)
}

/// A line from `(x1, y1)` to `(x2, y2)` of css class `class`.
pub fn line(svg: &mut String, class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64)) {
    let _ = write!(
        svg,
        "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n1(x1),
        n1(y1),
        n1(x2),
        n1(y2)
    );
}

// Layout of the report charts.

/// Chart width, in SVG user units (every report chart).
pub const W: f64 = 480.0;
/// Height of a chart with x and y axes (numeric distributions, call times).
pub const H: f64 = 200.0;
/// Left edge of the plot area of a chart with x and y axes.
pub const LEFT: f64 = 52.0;
/// Right edge of that plot area.
pub const RIGHT: f64 = 468.0;
/// Top edge of that plot area.
pub const TOP: f64 = 30.0;
/// Bottom edge of that plot area (the x axis).
pub const BOTTOM: f64 = 172.0;
/// Horizontal bar charts (categories, per-group rates, fold scores): the first row's top.
pub const ROWS_TOP: f64 = 28.0;
/// Height of one bar row.
pub const ROW_H: f64 = 24.0;
/// Where row labels end (right-aligned).
pub const LABEL_END: f64 = 176.0;
/// Where bars start (the value 0).
pub const BAR_X0: f64 = 182.0;
/// Where a bar at the axis maximum ends.
pub const BAR_X1: f64 = 418.0;
/// Longest category label drawn in full (longer ones end with `…`; the tooltip has it all).
pub const MAX_LABEL_CHARS: usize = 28;
/// Rough text width per character at 11px, for layout.
pub const CHAR_W: f64 = 6.2;
/// Rough text width per character at 10px.
pub const SMALL_CHAR_W: f64 = 5.6;

/// A number for SVG coordinates: one decimal, no trailing `.0`.
pub fn n1(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Rough width of `s` at `per_char` units a character ([`CHAR_W`], [`SMALL_CHAR_W`]).
pub fn text_width(s: &str, per_char: f64) -> f64 {
    s.chars().count() as f64 * per_char
}

/// The share axis of a horizontal bar chart: ticks at 0, half and `top` (as percentages),
/// and its `label`.
pub fn bar_axis(svg: &mut String, top: f64, rows_bottom: f64, label: &str) {
    bar_axis_with(svg, top, rows_bottom, label, format_percent);
}

/// The axis of a horizontal bar chart: ticks at 0, half and `top`, labelled by `fmt`, and
/// its `label` (markup: escape it).
pub fn bar_axis_with(
    svg: &mut String,
    top: f64,
    rows_bottom: f64,
    label: &str,
    fmt: impl Fn(f64) -> String,
) {
    let x = |share: f64| BAR_X0 + (share / top).clamp(0.0, 1.0) * (BAR_X1 - BAR_X0);
    for frac in [0.0, 0.5, 1.0] {
        let xx = n1(x(top * frac));
        let _ = write!(
            svg,
            "<line class=\"{}\" x1=\"{xx}\" y1=\"{}\" x2=\"{xx}\" y2=\"{}\"/><text x=\"{xx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            if frac == 0.0 { "bl" } else { "ax" },
            n1(ROWS_TOP),
            n1(rows_bottom),
            n1(rows_bottom + 13.0),
            fmt(top * frac)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
        n1((BAR_X0 + BAR_X1) / 2.0),
        n1(rows_bottom + 27.0)
    );
}

/// The largest share rounded up to a readable axis maximum (at most 1).
pub fn nice_top(max_share: f64) -> f64 {
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

/// `m × 10^e` computed so that decimal steps stay as exact as floating point allows.
pub fn scaled(m: f64, e: i32) -> f64 {
    if e >= 0 {
        m * 10f64.powi(e)
    } else {
        m / 10f64.powi(-e)
    }
}

/// Round ticks within `[lo, hi]`: multiples of a 1-2-5 step (…, 0.5, 1, 2, 5, 10, 20, …),
/// the step whose tick count is closest to 5–6 (more ticks on a tie) among those whose
/// labels fit `width` units without overlapping. Returns the ticks and their labels.
pub fn nice_ticks(lo: f64, hi: f64, width: f64) -> Vec<(f64, String)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    let range = hi - lo;
    let e0 = range.log10().floor() as i32;
    let mut best: Option<(f64, Vec<(f64, String)>)> = None;
    for e in (e0 - 2..=e0 + 1).rev() {
        for m in [5.0, 2.0, 1.0] {
            let step = scaled(m, e);
            let first = (lo / step - 1e-9).ceil();
            let last = (hi / step + 1e-9).floor();
            let count = last - first + 1.0;
            if !(2.0..=10.0).contains(&count) {
                continue;
            }
            let ticks: Vec<(f64, String)> = (0..count as i64)
                .map(|k| {
                    let i = first + k as f64;
                    let v = if e >= 0 {
                        i * m * 10f64.powi(e)
                    } else {
                        i * m / 10f64.powi(-e)
                    };
                    (v, format_tick(v, step))
                })
                .collect();
            let widest = ticks
                .iter()
                .map(|(_, l)| text_width(l, CHAR_W))
                .fold(0.0, f64::max);
            if step / range * width < widest + 8.0 {
                continue;
            }
            let score = (count - 5.5).abs();
            // Candidates come from the largest step down, so `<=` prefers more ticks on a tie.
            if best.as_ref().is_none_or(|(s, _)| score <= *s) {
                best = Some((score, ticks));
            }
        }
    }
    best.map(|(_, t)| t).unwrap_or_default()
}

/// A tick label, compactly: integers without decimals, `k`, `M`, `G`, `T` for thousands and
/// beyond when the step allows at most one decimal there (`12k`, `1.2M`; a year stays
/// `1995`), otherwise as many decimals as the step needs (`0.25`, `2.5`).
pub fn format_tick(v: f64, step: f64) -> String {
    let a = v.abs();
    let (div, suffix) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(div, _)| a >= *div && step >= div / 10.0)
        .unwrap_or((1.0, ""));
    let scaled_step = step / div;
    let decimals = (0..=12)
        .find(|d| {
            let x = scaled_step * 10f64.powi(*d);
            (x - x.round()).abs() < 1e-6 * x.max(1.0)
        })
        .unwrap_or(12) as usize;
    let x = v / div;
    let mut s = if decimals == 0 && suffix.is_empty() && (10_000.0..1e18).contains(&a) {
        format_number(x.round())
    } else {
        format!("{x:.decimals$}")
    };
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s.push_str(suffix);
    s
}

/// Rough width of `c` at 11px in a Helvetica/Arial-like font, for fitting labels.
pub fn char_width(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '\'' | '|' | '!' | '.' | ',' | ':' | ';' => 2.8,
        'f' | 't' | 'r' | 'I' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 3.7,
        'm' | 'w' => 8.8,
        'M' | 'W' => 10.2,
        '0'..='9' => 6.1,
        c if c.is_ascii_uppercase() => 7.2,
        c if c.is_ascii() => 5.7,
        // CJK and other wide scripts take a full em.
        c if c >= '\u{2e80}' => 11.0,
        _ => 6.6,
    }
}

/// `s` cut to at most `max_chars` characters and about `max_width` units at 11px, ending
/// with `…` when cut.
pub fn truncate(s: &str, max_chars: usize, max_width: f64) -> String {
    let width: f64 = s.chars().map(char_width).sum();
    if s.chars().count() <= max_chars && width <= max_width {
        return s.to_string();
    }
    let budget = max_width - char_width('…');
    let mut t = String::new();
    let mut w = 0.0;
    for c in s.chars().take(max_chars.saturating_sub(1)) {
        w += char_width(c);
        if w > budget {
            break;
        }
        t.push(c);
    }
    t.push('…');
    t
}
