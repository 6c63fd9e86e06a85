//! Server-side rendered HTML pages for the `assay serve` monitoring dashboard.
//!
//! Every page is a complete, self-contained HTML document written with the reports' HTML
//! layer ([`assay_render::page`]: maud templates, the one stylesheet inline, no JavaScript,
//! no external assets). Charts are inline SVG from [`assay_render::chart`] and the drift
//! heatmap is a colour-coded HTML table.
//!
//! URL layout used by the links in these pages:
//!
//! * `/ui/` – the list of monitors ([`monitors_page`]),
//! * `/ui/monitors/{name}` – one monitor ([`monitor_page`]),
//! * `/ui/monitors/{name}/report` – the latest report of a monitor,
//! * `/ui/login` – the sign-in form ([`login_page`]), posting back to itself,
//! * `/ui/logout` – sign out.
//!
//! Monitor names are percent-encoded in hrefs and HTML-escaped everywhere
//! they are shown. Several elements carry stable `id`, `class` and `data-*`
//! attributes so end-to-end tests can query the rendered pages.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Appends formatted text to a `String`; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// One row of the monitors list.
#[derive(Debug, Clone)]
pub struct MonitorSummary {
    /// Monitor name as configured.
    pub name: String,
    /// Human-readable window specification, e.g. `"every 1h"` or `"10000 rows"`.
    pub window: String,
    /// Number of windows seen so far.
    pub windows: u64,
    /// Number of rows ingested so far.
    pub rows: u64,
    /// Status of the last evaluated window (`pass|warn|fail|error|skipped`).
    pub last_status: Option<String>,
    /// End of the last evaluated window, milliseconds since the Unix epoch.
    pub last_window_end_ms: Option<i64>,
    /// Rows buffered in the currently open window.
    pub open_window_rows: u64,
}

/// One value of a check over one window.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesPoint {
    /// Window key (ordering key of the window).
    pub window_key: i64,
    /// Window start, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// Window end, milliseconds since the Unix epoch.
    pub end_ms: i64,
    /// The check's figure for this window, if it produced one.
    #[schema(required = true)]
    pub value: Option<f64>,
    /// The check's status for this window.
    #[schema(value_type = crate::records::CheckStatus)]
    pub status: String,
}

/// The figure of one check (optionally on one column) over windows.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Check id.
    pub check: String,
    /// Column the check applies to; null for dataset-level checks.
    #[schema(required = true)]
    pub column: Option<String>,
    /// The latest threshold, if any (drawn as a dashed line).
    #[schema(required = true)]
    pub threshold: Option<f64>,
    /// One point per evaluated window, by window key.
    pub points: Vec<SeriesPoint>,
}

/// One cell of the drift heatmap: a column's drift figure (effect size) in one window.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeatCell {
    /// Column name (heatmap row).
    pub column: String,
    /// Window key (heatmap column).
    pub window_key: i64,
    /// Drift figure, if any.
    #[schema(required = true)]
    pub value: Option<f64>,
    /// Status of the drift check in this window.
    #[schema(value_type = crate::records::CheckStatus)]
    pub status: String,
}

/// One row of the windows table.
#[derive(Debug, Clone)]
pub struct WindowRow {
    /// Window key.
    pub key: i64,
    /// Window start, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// Window end, milliseconds since the Unix epoch.
    pub end_ms: i64,
    /// Rows in the window.
    pub rows: u64,
    /// Window state (`open|closed|evaluated`).
    pub state: String,
    /// Overall status once evaluated.
    pub status: Option<String>,
}

/// One row of the alert history.
#[derive(Debug, Clone)]
pub struct AlertRow {
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Alert kind (`firing|resolved`).
    pub kind: String,
    /// Status that triggered the alert.
    pub status: String,
    /// Status before the transition.
    pub previous_status: String,
    /// Alert message.
    pub message: String,
    /// Whether the alert was delivered.
    pub delivered: bool,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Last delivery error, if any.
    pub last_error: Option<String>,
}

/// Everything shown on one monitor's page.
#[derive(Debug, Clone)]
pub struct MonitorPage<'a> {
    /// Monitor name.
    pub name: &'a str,
    /// Human-readable window specification.
    pub window: &'a str,
    /// Windows of the monitor.
    pub windows: &'a [WindowRow],
    /// One series per check (and column).
    pub series: &'a [Series],
    /// Drift heatmap cells.
    pub heatmap: &'a [HeatCell],
    /// Alert history.
    pub alerts: &'a [AlertRow],
    /// Whether a latest report is available.
    pub has_report: bool,
}

use assay_render::chart;
/// HTML escaping: the report's own function (maud's), one for every page assay writes;
/// used by the SVG chart builders, the templates escape by themselves.
pub use assay_render::html::escape_html as escape;
use maud::{html, Markup, PreEscaped};

/// UTC time `"YYYY-MM-DD HH:MM:SS"` from milliseconds since the Unix epoch.
///
/// Uses the proleptic Gregorian calendar; negative values (before 1970) are
/// supported and sub-second parts are floored.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Percent-encodes a URL path segment: everything except ASCII alphanumerics
/// and `-_.~` (RFC 3986's unreserved characters) becomes `%XX`.
pub fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// What [`encode_segment`] escapes.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The href of a monitor's page.
fn monitor_href(name: &str) -> String {
    format!("/ui/monitors/{}", encode_segment(name))
}

/// A token safe to use inside a class name: lower-case ASCII alphanumerics,
/// `-` and `_`; `none` when nothing is left.
fn class_token(text: &str) -> String {
    let token: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if token.is_empty() {
        "none".to_string()
    } else {
        token
    }
}

/// Exact value for `data-value` attributes (round-trips through parsing);
/// empty for missing or non-finite values.
fn data_value(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v}"),
        _ => String::new(),
    }
}

/// Compact human-readable number for labels.
fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.2e}");
    }
    let decimals = if a >= 100.0 {
        1
    } else if a >= 1.0 {
        3
    } else {
        4
    };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// Wraps a page's content into the one document of every page assay writes, with the
/// dashboard's top bar.
fn layout(title: &str, signed_in: bool, body: Markup) -> String {
    let top = html! {
        header.top {
            a.brand href="/ui/" { "assay" }
            @if signed_in {
                nav { a href="/ui/" { "Monitors" } a href="/ui/logout" { "Sign out" } }
            }
        }
    };
    assay_render::page::document(&format!("assay · {title}"), "dashboard", Some(top), body)
}

/// The `<td class="status status-…">` cell for an optional status.
fn status_cell(status: Option<&str>) -> Markup {
    match status {
        Some(s) if !s.trim().is_empty() => html! {
            td class=(format!("status status-{}", class_token(s))) { (s) }
        },
        _ => html! { td.status.status-none { "—" } },
    }
}

/// A section with a heading, or its sentence when there is nothing to show.
fn section(id: &str, title: &str, empty: Option<&str>, content: impl FnOnce() -> Markup) -> Markup {
    html! {
        section id=(id) { "\n"
            h2 { (title) } "\n"
            @match empty {
                Some(sentence) => { p.empty { (sentence) } "\n" },
                None => (content()),
            }
        } "\n"
    }
}

/// The list of monitors.
pub fn monitors_page(monitors: &[MonitorSummary]) -> String {
    let table = || {
        html! {
            table #monitors { "\n"
                thead {
                    tr {
                        th { "Monitor" } th { "Window" } th { "Status" }
                        th.num { "Windows" } th.num { "Rows" }
                        th.num { "Open window rows" } th { "Last window end (UTC)" }
                    }
                } "\n"
                tbody { "\n"
                    @for m in monitors {
                        tr data-monitor=(m.name) {
                            td { a href=(monitor_href(&m.name)) { (m.name) } }
                            td { (m.window) }
                            (status_cell(m.last_status.as_deref()))
                            td.num.windows { (m.windows) }
                            td.num.rows { (m.rows) }
                            td.num.open-rows { (m.open_window_rows) }
                            td { (m.last_window_end_ms.map(format_utc).unwrap_or_else(|| "—".to_string())) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    };
    let body = html! {
        h1 { "Monitors" } "\n"
        section #monitors-section { "\n"
            @if monitors.is_empty() {
                p.empty { "No monitors configured." } "\n"
            } @else {
                (table())
            }
        } "\n"
    };
    layout("Monitors", true, body)
}

/// One monitor: a line chart per series (figure over windows, threshold drawn
/// as dashed line, point colour by status), the drift heatmap (rows = columns,
/// columns = windows, colour by value with a legend, cell title tooltips with
/// value and status), the windows table, the alert history table, and a link
/// to the latest report at `/ui/monitors/{name}/report` when `has_report`.
pub fn monitor_page(page: &MonitorPage<'_>) -> String {
    // Window start times, used for labels.
    let mut starts: BTreeMap<i64, i64> = BTreeMap::new();
    for s in page.series {
        for p in &s.points {
            starts.entry(p.window_key).or_insert(p.start_ms);
        }
    }
    for w in page.windows {
        starts.insert(w.key, w.start_ms);
    }
    let body = html! {
        h1 { (page.name) } "\n"
        p.muted {
            "Window: " (page.window) " · " (page.windows.len()) " window(s) · "
            (page.alerts.len()) " alert(s)"
        } "\n"
        @if page.has_report {
            p.report-link { a href=(format!("{}/report", monitor_href(page.name))) { "Latest report" } } "\n"
        }
        (render_charts(page.series))
        (render_heatmap(page.heatmap, &starts))
        (render_windows(page.windows))
        (render_alerts(page.alerts))
    };
    layout(page.name, true, body)
}
/// Chart geometry (SVG user units).
const CHART_W: f64 = 640.0;
const CHART_H: f64 = 220.0;
const MARGIN_L: f64 = 68.0;
const MARGIN_R: f64 = 16.0;
const MARGIN_T: f64 = 14.0;
const MARGIN_B: f64 = 34.0;

fn render_charts(series: &[Series]) -> Markup {
    let mut ordered: Vec<&Series> = series.iter().collect();
    ordered.sort_by(|a, b| (&a.check, &a.column).cmp(&(&b.check, &b.column)));
    let empty = series.is_empty().then_some("No evaluated windows yet.");
    section("charts-section", "Checks over windows", empty, || {
        html! {
            div.charts { "\n"
                @for s in ordered { (render_chart(s)) }
            } "\n"
        }
    })
}

/// Renders one series as a `<figure class="chart">` with an inline SVG.
fn render_chart(series: &Series) -> Markup {
    let column = series.column.as_deref().unwrap_or("");
    let threshold = series.threshold.filter(|x| x.is_finite());
    html! {
        figure.chart data-check=(series.check) data-column=(column) { "\n"
            (PreEscaped(series_svg(series)))
            figcaption {
                span.check { (series.check) }
                @if !column.is_empty() { " · " span.column { (column) } }
                @if let Some(t) = threshold { " · threshold " (fmt_num(t)) }
            } "\n"
        } "\n"
    }
}

/// The SVG line chart of one series (ends with a newline).
fn series_svg(series: &Series) -> String {
    let mut body = String::new();
    let mut points: Vec<&SeriesPoint> = series.points.iter().collect();
    points.sort_by_key(|p| p.window_key);
    let n = points.len();
    let plot_w = CHART_W - MARGIN_L - MARGIN_R;
    let plot_h = CHART_H - MARGIN_T - MARGIN_B;
    let bottom = MARGIN_T + plot_h;
    let right = CHART_W - MARGIN_R;
    let x_of = |i: usize| -> f64 {
        if n <= 1 {
            MARGIN_L + plot_w / 2.0
        } else {
            MARGIN_L + plot_w * (i as f64) / ((n - 1) as f64)
        }
    };

    let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
    let values: Vec<f64> = points.iter().filter_map(|p| finite(p.value)).collect();
    let threshold = finite(series.threshold);
    let data_range = values.iter().fold(None, |acc: Option<(f64, f64)>, &v| {
        Some(match acc {
            None => (v, v),
            Some((lo, hi)) => (lo.min(v), hi.max(v)),
        })
    });

    // Domain of the y axis: the values and the threshold, padded.
    let (mut lo, mut hi) = match (data_range, threshold) {
        (Some((a, b)), Some(t)) => (a.min(t), b.max(t)),
        (Some((a, b)), None) => (a, b),
        (None, Some(t)) => (t, t),
        (None, None) => (0.0, 1.0),
    };
    let half_span = hi / 2.0 - lo / 2.0;
    if half_span <= 0.0 || !half_span.is_finite() {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() / 10.0 };
        lo = (lo - pad).max(f64::MIN);
        hi = (hi + pad).min(f64::MAX);
    } else {
        // 5% of the span on each side, computed on halves to avoid overflow.
        let pad = half_span / 10.0;
        lo = (lo - pad).max(f64::MIN);
        hi = (hi + pad).min(f64::MAX);
    }
    let y_of = |v: f64| -> f64 {
        let t = (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0);
        let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
        bottom - t * plot_h
    };

    let column = series.column.as_deref().unwrap_or("");
    let label = if column.is_empty() {
        series.check.clone()
    } else {
        format!("{} · {}", series.check, column)
    };
    chart::open(
        &mut body,
        CHART_W,
        CHART_H,
        &label,
        &format!(
            " width=\"{CHART_W}\" height=\"{CHART_H}\" data-points=\"{n}\" data-min=\"{}\" \
             data-max=\"{}\"",
            data_value(data_range.map(|r| r.0)),
            data_value(data_range.map(|r| r.1)),
        ),
    );
    body.push('\n');

    // Axes.
    chart::line(&mut body, "axis", (MARGIN_L, MARGIN_T), (MARGIN_L, bottom));
    chart::line(&mut body, "axis", (MARGIN_L, bottom), (right, bottom));
    body.push('\n');

    // Y labels: min and max of the values.
    if let Some((vmin, vmax)) = data_range {
        let y_max = y_of(vmax);
        let y_min = y_of(vmin);
        let label_x = MARGIN_L - 6.0;
        if vmin == vmax {
            chart::line(
                &mut body,
                "axis",
                (MARGIN_L - 3.0, y_min),
                (MARGIN_L, y_min),
            );
            w!(
                body,
                "<text class=\"axis-label y-min y-max\" x=\"{label_x}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
                y_min + 4.0,
                escape(&fmt_num(vmin))
            );
        } else {
            // Keep the two labels at least 12 units apart.
            let (mut ty_max, mut ty_min) = (y_max + 4.0, y_min + 4.0);
            if ty_min - ty_max < 12.0 {
                let mid = (ty_min + ty_max) / 2.0;
                ty_max = mid - 6.0;
                ty_min = mid + 6.0;
            }
            chart::line(
                &mut body,
                "axis",
                (MARGIN_L - 3.0, y_max),
                (MARGIN_L, y_max),
            );
            chart::line(
                &mut body,
                "axis",
                (MARGIN_L - 3.0, y_min),
                (MARGIN_L, y_min),
            );
            w!(
                body,
                "<text class=\"axis-label y-max\" x=\"{label_x}\" y=\"{ty_max:.1}\" text-anchor=\"end\">{}</text>\
                 <text class=\"axis-label y-min\" x=\"{label_x}\" y=\"{ty_min:.1}\" text-anchor=\"end\">{}</text>\n",
                escape(&fmt_num(vmax)),
                escape(&fmt_num(vmin))
            );
        }
    } else {
        w!(
            body,
            "<text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">no numeric values</text>\n",
            MARGIN_L + plot_w / 2.0,
            MARGIN_T + plot_h / 2.0
        );
    }

    // X labels: first and last window start.
    let label_y = CHART_H - 12.0;
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        if n == 1 {
            w!(
                body,
                "<text class=\"axis-label x-first x-last\" x=\"{:.1}\" y=\"{label_y}\" text-anchor=\"middle\">{}</text>\n",
                x_of(0),
                format_utc(first.start_ms)
            );
        } else {
            w!(
                body,
                "<text class=\"axis-label x-first\" x=\"{MARGIN_L}\" y=\"{label_y}\" text-anchor=\"start\">{}</text>\
                 <text class=\"axis-label x-last\" x=\"{right}\" y=\"{label_y}\" text-anchor=\"end\">{}</text>\n",
                format_utc(first.start_ms),
                format_utc(last.start_ms)
            );
        }
    }

    // Threshold.
    if let Some(t) = threshold {
        let y = y_of(t);
        let text = escape(&fmt_num(t));
        w!(
            body,
            "<line class=\"threshold\" x1=\"{MARGIN_L}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" \
             data-value=\"{}\"><title>threshold {text}</title></line>\
             <text class=\"axis-label threshold-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">threshold {text}</text>\n",
            data_value(Some(t)),
            right - 2.0,
            if y - 4.0 < MARGIN_T + 8.0 {
                y + 12.0
            } else {
                y - 4.0
            },
        );
    }

    // Line segments: one polyline per run of consecutive finite values.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, body: &mut String| {
        if run.len() >= 2 {
            body.push_str("<polyline class=\"line\" points=\"");
            for (i, (x, y)) in run.iter().enumerate() {
                if i > 0 {
                    body.push(' ');
                }
                w!(body, "{x:.1},{y:.1}");
            }
            body.push_str("\"/>\n");
        }
        run.clear();
    };
    for (i, p) in points.iter().enumerate() {
        match finite(p.value) {
            Some(v) => run.push((x_of(i), y_of(v))),
            None => flush(&mut run, &mut body),
        }
    }
    flush(&mut run, &mut body);

    // Points.
    let radius = if n > 120 { 2.0 } else { 3.5 };
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = finite(p.value) {
            w!(
                body,
                "<circle class=\"point status-{}\" data-window=\"{}\" data-value=\"{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\">\
                 <title>{} · {} · {}</title></circle>\n",
                escape(&class_token(&p.status)),
                p.window_key,
                data_value(Some(v)),
                x_of(i),
                y_of(v),
                format_utc(p.start_ms),
                escape(&fmt_num(v)),
                escape(&p.status)
            );
        }
    }
    body.push_str("</svg>\n");
    body
}

/// Colour stops of the heatmap scale, light to dark.
const HEAT_STOPS: [(u8, u8, u8); 3] = [(255, 245, 235), (253, 141, 60), (127, 39, 4)];
/// Colour of cells without a usable value.
const HEAT_UNKNOWN: &str = "#d0d7de";

/// Colour for a position `t` in `0..=1` on the heat scale.
fn heat_colour(t: f64) -> String {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let (seg, local) = if t <= 0.5 {
        (0, t * 2.0)
    } else {
        (1, (t - 0.5) * 2.0)
    };
    let (a, b) = (HEAT_STOPS[seg], HEAT_STOPS[seg + 1]);
    let mix = |x: u8, y: u8| -> u8 {
        let v = f64::from(x) + (f64::from(y) - f64::from(x)) * local;
        // Rounded and clamped to the u8 range, so the cast cannot truncate.
        v.round().clamp(0.0, 255.0) as u8
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

fn render_heatmap(cells: &[HeatCell], starts: &BTreeMap<i64, i64>) -> Markup {
    let empty = cells.is_empty().then_some("No drift results yet.");
    section("heatmap-section", "Drift heatmap", empty, || {
        heatmap(cells, starts)
    })
}

/// The heatmap's legend and table (`cells` not empty).
fn heatmap(cells: &[HeatCell], starts: &BTreeMap<i64, i64>) -> Markup {
    let columns: BTreeSet<&str> = cells.iter().map(|c| c.column.as_str()).collect();
    let windows: BTreeSet<i64> = cells.iter().map(|c| c.window_key).collect();
    let by_key: BTreeMap<(&str, i64), &HeatCell> = cells
        .iter()
        .map(|c| ((c.column.as_str(), c.window_key), c))
        .collect();
    let max = cells
        .iter()
        .filter_map(|c| c.value.filter(|v| v.is_finite()))
        .fold(0.0_f64, f64::max);
    let scale_max = if max > 0.0 { max } else { 1.0 };
    let show_text = windows.len() <= 12;
    let start_label = |key: i64| -> String {
        starts
            .get(&key)
            .map(|ms| format_utc(*ms))
            .unwrap_or_else(|| format!("window {key}"))
    };
    // The colour scale, drawn as a gradient (chart territory: SVG written by hand).
    let scale = format!(
        "<svg width=\"160\" height=\"12\" viewBox=\"0 0 160 12\" aria-hidden=\"true\">\
         <defs><linearGradient id=\"heat-scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">\
         <stop offset=\"0\" stop-color=\"{}\"/><stop offset=\"0.5\" stop-color=\"{}\"/><stop offset=\"1\" stop-color=\"{}\"/>\
         </linearGradient></defs><rect width=\"160\" height=\"12\" fill=\"url(#heat-scale)\"/></svg>",
        heat_colour(0.0),
        heat_colour(0.5),
        heat_colour(1.0),
    );
    let cell = |column: &str, key: i64| -> Markup {
        let cell = by_key.get(&(column, key));
        let value = cell.and_then(|c| c.value).filter(|v| v.is_finite());
        let status = cell.map(|c| c.status.as_str()).unwrap_or("");
        let (colour, dark) = match value {
            Some(v) => {
                let t = (v / scale_max).clamp(0.0, 1.0);
                (heat_colour(t), t > 0.6)
            }
            None => (HEAT_UNKNOWN.to_string(), false),
        };
        let title = format!(
            "{} · {} · value {} · status {}",
            column,
            start_label(key),
            value.map(fmt_num).unwrap_or_else(|| "none".to_string()),
            if status.is_empty() { "none" } else { status }
        );
        let text = if show_text {
            value.map(fmt_num).unwrap_or_default()
        } else {
            String::new()
        };
        html! {
            td class=(if dark { "cell dark" } else { "cell" }) data-window=(key)
                data-value=(data_value(value)) data-status=(status) title=(title)
                style=(format!("background:{colour}")) { (text) }
        }
    };
    html! {
        div.legend {
            span { "0" }
            (PreEscaped(scale))
            span.legend-max { (fmt_num(max)) }
            span { span.swatch {} " no value" }
        } "\n"
        div.heatmap-wrap { "\n"
            table #heatmap { "\n"
                thead {
                    tr {
                        th { "Column" }
                        @for key in &windows {
                            @let label = start_label(*key);
                            th.window data-window=(key) title=(format!("window {key} · {label}")) { span { (label) } }
                        }
                    }
                } "\n"
                tbody { "\n"
                    @for column in &columns {
                        tr data-column=(column) {
                            th.column scope="row" { (column) }
                            @for key in &windows { (cell(column, *key)) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        } "\n"
    }
}

fn render_windows(windows: &[WindowRow]) -> Markup {
    let mut rows: Vec<&WindowRow> = windows.iter().collect();
    rows.sort_by_key(|w| std::cmp::Reverse(w.key));
    let empty = windows.is_empty().then_some("No evaluated windows yet.");
    section("windows-section", "Windows", empty, || {
        html! {
            table #windows { "\n"
                thead {
                    tr {
                        th.num { "Window" } th { "Start (UTC)" } th { "End (UTC)" }
                        th.num { "Rows" } th { "State" } th { "Status" }
                    }
                } "\n"
                tbody { "\n"
                    @for w in rows {
                        tr data-window=(w.key) data-state=(w.state) {
                            td.num { (w.key) }
                            td { (format_utc(w.start_ms)) }
                            td { (format_utc(w.end_ms)) }
                            td.num.rows { (w.rows) }
                            td.state { (w.state) }
                            (status_cell(w.status.as_deref()))
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    })
}

fn render_alerts(alerts: &[AlertRow]) -> Markup {
    let mut rows: Vec<&AlertRow> = alerts.iter().collect();
    rows.sort_by_key(|a| std::cmp::Reverse(a.created_ms));
    let delivery = |a: &AlertRow| -> String {
        if a.delivered {
            format!("delivered ({} attempt(s))", a.attempts)
        } else if let Some(err) = &a.last_error {
            format!("failed after {} attempt(s): {}", a.attempts, err)
        } else if a.attempts == 0 {
            "pending".to_string()
        } else {
            format!("not delivered ({} attempt(s))", a.attempts)
        }
    };
    let empty = alerts.is_empty().then_some("No alerts yet.");
    section("alerts-section", "Alerts", empty, || {
        html! {
            table #alerts { "\n"
                thead {
                    tr {
                        th { "Time (UTC)" } th { "Kind" } th { "Transition" }
                        th { "Message" } th { "Delivery" }
                    }
                } "\n"
                tbody { "\n"
                    @for a in rows {
                        tr class=(format!("alert alert-{}", class_token(&a.kind))) data-status=(a.status) {
                            td { (format_utc(a.created_ms)) }
                            td.kind { (a.kind) }
                            td {
                                span class=(format!("status-{}", class_token(&a.previous_status))) { (a.previous_status) }
                                " → "
                                span class=(format!("status-{}", class_token(&a.status))) { (a.status) }
                            }
                            td.message { (a.message) }
                            td class=(if a.delivered { "delivery" } else { "delivery error" }) { (delivery(a)) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    })
}

/// A page that says one thing about a monitor (none by that name, no report yet): its name
/// as the heading, the sentence, and a link back to the list.
pub fn notice_page(name: &str, sentence: &str) -> String {
    let body = html! {
        h1 { (name) } "\n"
        p.muted { (sentence) } "\n"
        p { a href="/ui/" { "Monitors" } } "\n"
    };
    layout(name, true, body)
}

/// Sign-in form: a password field named `token` posting to `/ui/login`
/// (method post, form-urlencoded); shows `error` when given.
pub fn login_page(error: Option<&str>) -> String {
    let body = html! {
        form.login method="post" action="/ui/login" enctype="application/x-www-form-urlencoded" { "\n"
            h1 { "Sign in" } "\n"
            @if let Some(err) = error {
                p.error role="alert" { (err) } "\n"
            }
            label for="token" { "Access token" } "\n"
            input type="password" id="token" name="token" autocomplete="current-password" required autofocus; "\n"
            button type="submit" { "Sign in" } "\n"
        } "\n"
    };
    layout("Sign in", false, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>\"x\"&";
    const HOSTILE_ESCAPED: &str = "&lt;script&gt;&quot;x&quot;&amp;";

    fn summary(name: &str, status: Option<&str>, rows: u64) -> MonitorSummary {
        MonitorSummary {
            name: name.to_string(),
            window: "every 1h".to_string(),
            windows: 3,
            rows,
            last_status: status.map(str::to_string),
            last_window_end_ms: Some(1_764_547_200_000),
            open_window_rows: 7,
        }
    }

    fn point(key: i64, value: Option<f64>, status: &str) -> SeriesPoint {
        SeriesPoint {
            window_key: key,
            start_ms: key * 3_600_000,
            end_ms: (key + 1) * 3_600_000,
            value,
            status: status.to_string(),
        }
    }

    fn series(check: &str, column: Option<&str>, values: &[Option<f64>]) -> Series {
        Series {
            check: check.to_string(),
            column: column.map(str::to_string),
            threshold: Some(0.2),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| point(i as i64, *v, "pass"))
                .collect(),
        }
    }

    fn empty_page(name: &str) -> MonitorPage<'_> {
        MonitorPage {
            name,
            window: "every 1h",
            windows: &[],
            series: &[],
            heatmap: &[],
            alerts: &[],
            has_report: false,
        }
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn escape_all_special_characters() {
        assert_eq!(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e'f");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn format_utc_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(format_utc(-1000), "1969-12-31 23:59:59");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59");
        assert_eq!(format_utc(1_764_547_200_000), "2025-12-01 00:00:00");
        assert_eq!(format_utc(1_700_000_000_123), "2023-11-14 22:13:20");
        assert_eq!(format_utc(-86_400_000 * 365), "1969-01-01 00:00:00");
        // Extreme values must not panic.
        let _ = format_utc(i64::MIN);
        let _ = format_utc(i64::MAX);
    }

    #[test]
    fn hostile_name_escaped_on_monitors_page() {
        let html = monitors_page(&[summary(HOSTILE, Some("fail"), 1234)]);
        assert!(!html.contains("<script>"));
        assert!(html.contains(&format!("data-monitor=\"{HOSTILE_ESCAPED}\"")));
        assert!(html.contains(&format!(">{HOSTILE_ESCAPED}</a>")));
        assert!(html.contains("href=\"/ui/monitors/%3Cscript%3E%22x%22%26\""));
    }

    #[test]
    fn hostile_name_escaped_on_monitor_page() {
        let page = MonitorPage {
            has_report: true,
            ..empty_page(HOSTILE)
        };
        let html = monitor_page(&page);
        assert!(!html.contains("<script>"));
        assert!(html.contains(&format!("<h1>{HOSTILE_ESCAPED}</h1>")));
        assert!(html.contains(&format!("<title>assay · {HOSTILE_ESCAPED}</title>")));
        assert!(html.contains("href=\"/ui/monitors/%3Cscript%3E%22x%22%26/report\""));
    }

    #[test]
    fn monitors_table_hooks() {
        let html = monitors_page(&[
            summary("alpha", Some("warn"), 1234),
            summary("beta", None, 0),
        ]);
        assert!(html.contains("<table id=\"monitors\">"));
        assert!(html.contains("<title>assay · Monitors</title>"));
        assert_eq!(count(&html, "<tr data-monitor=\""), 2);
        assert!(html.contains("<td class=\"status status-warn\">warn</td>"));
        assert!(html.contains("<td class=\"status status-none\">"));
        assert!(html.contains("<td class=\"num rows\">1234</td>"));
        assert!(html.contains("href=\"/ui/logout\""));
        assert!(html.contains("href=\"/ui/monitors/alpha\""));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn monitors_page_empty() {
        let html = monitors_page(&[]);
        assert!(html.contains("<section id=\"monitors-section\">"));
        assert!(html.contains("No monitors configured."));
        assert!(!html.contains("<table"));
    }

    #[test]
    fn percent_encoding_of_names() {
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_segment("Az09-_.~"), "Az09-_.~");
        assert_eq!(encode_segment("é"), "%C3%A9");
        let html = monitors_page(&[summary("a b/c", Some("pass"), 1)]);
        assert!(html.contains("href=\"/ui/monitors/a%20b%2Fc\""));
        let page = MonitorPage {
            has_report: true,
            ..empty_page("a b/c")
        };
        assert!(monitor_page(&page).contains("href=\"/ui/monitors/a%20b%2Fc/report\""));
    }

    #[test]
    fn circles_match_finite_points_and_gaps_break_lines() {
        let values = [
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(-2.0),
            Some(3.0),
            Some(f64::NEG_INFINITY),
            Some(0.5),
        ];
        let all = [series("psi", Some("age"), &values)];
        let page = MonitorPage {
            series: &all,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        let finite = values
            .iter()
            .filter(|v| v.is_some_and(f64::is_finite))
            .count();
        assert_eq!(finite, 4);
        assert_eq!(count(&html, "<circle"), finite);
        // Runs of finite values: [0], [4, 5], [7] -> only one run has a line.
        assert_eq!(count(&html, "<polyline"), 1);
        assert!(html.contains("<figure class=\"chart\" data-check=\"psi\" data-column=\"age\">"));
        assert!(html
            .contains("<circle class=\"point status-pass\" data-window=\"4\" data-value=\"-2\""));
        assert!(html.contains("data-window=\"7\" data-value=\"0.5\""));
        assert!(!html.contains("NaN"));
        assert!(!html.contains("inf"));
        // Min/max labels of the values, x labels of first and last window.
        assert!(html.contains("class=\"axis-label y-max\" x=\"62\""));
        assert!(html.contains(">3</text>"));
        assert!(html.contains(">-2</text>"));
        assert!(html.contains(">1970-01-01 00:00:00</text>"));
        assert!(html.contains(">1970-01-01 07:00:00</text>"));
        assert!(html.contains("class=\"threshold\""));
        assert!(html.contains(
            "<figcaption><span class=\"check\">psi</span> · <span class=\"column\">age</span>"
        ));
    }

    #[test]
    fn chart_single_point_and_equal_values() {
        let all = [
            series("mean", None, &[Some(5.0)]),
            series("null_rate", Some("x"), &[Some(0.0), Some(0.0), Some(0.0)]),
        ];
        let page = MonitorPage {
            series: &all,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        assert_eq!(count(&html, "<circle"), 4);
        assert!(html.contains("data-check=\"mean\" data-column=\"\""));
        assert!(html.contains("class=\"axis-label y-min y-max\""));
        assert!(html.contains("class=\"axis-label x-first x-last\""));
        for coord in ["cx=\"NaN", "cy=\"NaN", "cy=\"inf", "cy=\"-inf"] {
            assert!(!html.contains(coord), "{coord}");
        }
    }

    #[test]
    fn charts_ordered_by_check_then_column() {
        let all = [
            series("psi", Some("b"), &[Some(1.0)]),
            series("mean", Some("z"), &[Some(1.0)]),
            series("psi", Some("a"), &[Some(1.0)]),
            series("psi", None, &[Some(1.0)]),
        ];
        let page = MonitorPage {
            series: &all,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        let positions: Vec<usize> = [
            "data-check=\"mean\" data-column=\"z\"",
            "data-check=\"psi\" data-column=\"\"",
            "data-check=\"psi\" data-column=\"a\"",
            "data-check=\"psi\" data-column=\"b\"",
        ]
        .iter()
        .map(|needle| html.find(needle).unwrap_or(usize::MAX))
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }

    #[test]
    fn chart_many_points_stays_reasonable() {
        let values: Vec<Option<f64>> = (0..500)
            .map(|i| Some((f64::from(i) * 0.1).sin() * 1e6))
            .collect();
        let all = [series("mean", Some("amount"), &values)];
        let page = MonitorPage {
            series: &all,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        assert_eq!(count(&html, "<circle"), 500);
        assert_eq!(count(&html, "<polyline"), 1);
        assert!(html.len() < 200_000, "page is {} bytes", html.len());
    }

    #[test]
    fn chart_extreme_values_do_not_break_coordinates() {
        let all = [series(
            "mean",
            None,
            &[Some(f64::MAX), Some(-f64::MAX), Some(0.0)],
        )];
        let page = MonitorPage {
            series: &all,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        assert_eq!(count(&html, "<circle"), 3);
        assert!(!html.contains("NaN"));
        assert!(!html.contains("=\"inf"));
    }

    #[test]
    fn heatmap_cells_cover_columns_times_windows() {
        let mut cells = Vec::new();
        for (c, column) in ["age", "income", "zip"].iter().enumerate() {
            for key in 0..4_i64 {
                if c == 2 && key == 1 {
                    continue; // missing cell
                }
                let value = match (c, key) {
                    (1, 2) => None,
                    (1, 3) => Some(f64::NAN),
                    _ => Some(0.1 * key as f64 + c as f64),
                };
                cells.push(HeatCell {
                    column: column.to_string(),
                    window_key: key,
                    value,
                    status: "pass".to_string(),
                });
            }
        }
        let windows: Vec<WindowRow> = (0..4_i64)
            .map(|k| WindowRow {
                key: k,
                start_ms: k * 3_600_000,
                end_ms: (k + 1) * 3_600_000,
                rows: 10,
                state: "evaluated".to_string(),
                status: Some("pass".to_string()),
            })
            .collect();
        let page = MonitorPage {
            heatmap: &cells,
            windows: &windows,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        assert!(html.contains("<table id=\"heatmap\">"));
        assert_eq!(count(&html, "<tr data-column=\""), 3);
        assert_eq!(count(&html, "<td class=\"cell"), 3 * 4);
        assert_eq!(
            count(
                &html,
                "<td class=\"cell\" data-window=\"1\" data-value=\"\""
            ),
            1
        );
        assert_eq!(
            count(
                &html,
                "<td class=\"cell\" data-window=\"2\" data-value=\"\""
            ),
            1
        );
        assert_eq!(
            count(
                &html,
                "<td class=\"cell\" data-window=\"3\" data-value=\"\""
            ),
            1
        );
        assert!(html.contains(&format!("style=\"background:{HEAT_UNKNOWN}\"")));
        assert!(html.contains("<tr data-column=\"age\">"));
        assert!(html.contains("title=\"age · 1970-01-01 01:00:00 · value 0.1 · status pass\""));
        assert!(html.contains("<span>1970-01-01 03:00:00</span>"));
        assert!(html.contains("id=\"heat-scale\""));
        // Windows table.
        assert!(html.contains("<table id=\"windows\">"));
        assert_eq!(count(&html, "data-state=\"evaluated\""), 4);
        assert!(html.contains("<tr data-window=\"2\" data-state=\"evaluated\">"));
    }

    #[test]
    fn heat_colour_is_light_to_dark() {
        assert_eq!(heat_colour(0.0), "#fff5eb");
        assert_eq!(heat_colour(1.0), "#7f2704");
        assert_eq!(heat_colour(f64::NAN), "#fff5eb");
        assert_eq!(heat_colour(7.0), "#7f2704");
    }

    #[test]
    fn empty_sections_show_sentences() {
        let html = monitor_page(&empty_page("fresh"));
        assert!(html.contains("No alerts yet."));
        assert!(html.contains("No evaluated windows yet."));
        assert!(html.contains("No drift results yet."));
        for id in [
            "charts-section",
            "heatmap-section",
            "windows-section",
            "alerts-section",
        ] {
            assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        for id in [
            "id=\"alerts\"",
            "id=\"windows\"",
            "id=\"heatmap\"",
            "<figure",
        ] {
            assert!(!html.contains(id), "{id}");
        }
        assert!(!html.contains("/report\""));
        assert!(html.contains("<h1>fresh</h1>"));
    }

    #[test]
    fn alerts_table_hooks() {
        let alerts = [
            AlertRow {
                created_ms: 1_000,
                kind: "firing".to_string(),
                status: "fail".to_string(),
                previous_status: "pass".to_string(),
                message: "psi <0.3> on 'age'".to_string(),
                delivered: false,
                attempts: 3,
                last_error: Some("timeout".to_string()),
            },
            AlertRow {
                created_ms: 2_000,
                kind: "resolved".to_string(),
                status: "pass".to_string(),
                previous_status: "fail".to_string(),
                message: "back to normal".to_string(),
                delivered: true,
                attempts: 1,
                last_error: None,
            },
        ];
        let page = MonitorPage {
            alerts: &alerts,
            ..empty_page("m")
        };
        let html = monitor_page(&page);
        assert!(html.contains("<table id=\"alerts\">"));
        assert!(html.contains("<tr class=\"alert alert-firing\" data-status=\"fail\">"));
        assert!(html.contains("<tr class=\"alert alert-resolved\" data-status=\"pass\">"));
        assert!(html.contains("psi &lt;0.3&gt; on 'age'"));
        assert!(html.contains("failed after 3 attempt(s): timeout"));
        assert!(!html.contains("No alerts yet."));
        // Newest first.
        let firing = html.find("alert-firing\" data-status").unwrap_or(0);
        let resolved = html
            .find("alert-resolved\" data-status")
            .unwrap_or(usize::MAX);
        assert!(resolved < firing);
    }

    #[test]
    fn notice_pages_escape_the_name_and_link_back() {
        let html = notice_page(HOSTILE, &format!("No monitor named {HOSTILE}."));
        assert!(html.contains(&format!("<h1>{HOSTILE_ESCAPED}</h1>")));
        assert!(html.contains(&format!(
            "<p class=\"muted\">No monitor named {HOSTILE_ESCAPED}.</p>"
        )));
        assert!(html.contains("<p><a href=\"/ui/\">Monitors</a></p>"));
        assert!(!html.contains(HOSTILE));
    }

    #[test]
    fn login_form() {
        let html = login_page(Some("bad <token>"));
        assert!(html.contains("method=\"post\""));
        assert!(html.contains("action=\"/ui/login\""));
        assert!(html.contains("enctype=\"application/x-www-form-urlencoded\""));
        assert!(html.contains("type=\"password\" id=\"token\" name=\"token\""));
        assert!(html.contains("bad &lt;token&gt;"));
        assert!(html.contains("<title>assay · Sign in</title>"));
        assert!(!html.contains("/ui/logout"));
        let plain = login_page(None);
        assert!(!plain.contains("class=\"error\""));
    }

    #[test]
    fn no_external_assets_or_scripts() {
        let html = monitors_page(&[summary("m", Some("pass"), 1)]);
        for forbidden in ["<script", "<link", "src=\"http", "href=\"http"] {
            assert!(!html.contains(forbidden), "{forbidden}");
        }
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(1234.5678), "1234.6");
        assert_eq!(fmt_num(-2.0), "-2");
        assert_eq!(fmt_num(1e7), "1.00e7");
        assert_eq!(data_value(Some(f64::NAN)), "");
        assert_eq!(data_value(None), "");
        assert_eq!(data_value(Some(0.1)), "0.1");
    }
}
