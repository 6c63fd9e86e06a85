//! HTML: one self-contained page (the one stylesheet inline, inline SVG, no script, no
//! external asset).
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
//! Only the report's aggregates are shown, never raw rows. The page is written with maud's
//! `html!` templates ([`crate::page`] gives every page its document and its one stylesheet),
//! so all text is escaped by one function; SVG coordinates carry at most one decimal.

use std::collections::HashMap;
use std::fmt::Write as _;

use maud::{html, Markup, PreEscaped};

use crate::numbers::{format_count, format_value};
use crate::{CheckResult, ColumnDistribution, DatasetInfo, Report, Status};

mod distribution;
mod model_section;
mod validation_section;

pub use distribution::{MAX_CATEGORIES, MAX_NEW_CATEGORIES};
use model_section::opt;

/// Escapes `s` for HTML text and double-quoted attribute values (`&`, `<`, `>`, `"`), as
/// maud's templates do: the one escaping function of every page assay writes (the SVG
/// chart builders call it for the text they draw).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let _ = maud::Escaper::new(&mut out).write_str(s);
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

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "s-pass",
        Status::Warn => "s-warn",
        Status::Fail => "s-fail",
        Status::Error => "s-error",
        Status::Skipped => "s-skipped",
    }
}

fn chip(s: Status) -> Markup {
    html! { span class=(format!("chip {}", status_class(s))) { (s.as_str()) } }
}

/// A table's head row (one header cell per name), on its own line.
pub(crate) fn table_head(headers: &[&str]) -> Markup {
    html! {
        thead { tr { @for h in headers { th { (h) } } } } "\n"
    }
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

/// Text with its line breaks drawn as `<br>`.
fn with_breaks(text: &str) -> Markup {
    html! {
        @for (i, line) in text.split('\n').enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

fn dataset_line(label: &str, info: &DatasetInfo) -> Markup {
    const SHOWN: usize = 5;
    html! {
        p.meta {
            strong { (label) } ": " (format_count(info.rows)) " rows × " (info.columns) " columns"
            @if !info.sources.is_empty() {
                " from " @if info.from_profile { "profile " }
                @for (i, source) in info.sources.iter().take(SHOWN).enumerate() {
                    @if i > 0 { ", " }
                    code { (source) }
                }
                @if info.sources.len() > SHOWN { " and " (info.sources.len() - SHOWN) " more" }
            }
            @if let Some(computed) = &info.computed { " (" (computed.describe()) ")" }
        }
        "\n"
    }
}

/// Column name → chart id, for the columns that have a chart (the first one when a column
/// has several distributions).
type ChartIds<'a> = HashMap<&'a str, String>;

fn result_row(r: &CheckResult, with_status: bool, charts: &ChartIds<'_>) -> Markup {
    html! {
        tr {
            @if with_status { td { (chip(r.status)) } }
            td { code { (r.id) } }
            td {
                @match (&r.column, r.column.as_deref().and_then(|c| charts.get(c))) {
                    (Some(c), Some(id)) => a href=(format!("#{id}")) title="chart of this column" { (c) },
                    (Some(c), None) => (c),
                    (None, _) => span.dim { "(dataset)" },
                }
            }
            td.n { (opt(r.value)) }
            td.n { (opt(r.threshold)) }
            td {
                (with_breaks(&r.message))
                @if let Some(cond) = &r.condition {
                    div.cond { "requires " (cond) " (else " (r.severity) ")" }
                }
                @if !r.details.is_empty() {
                    details {
                        summary { "details" }
                        dl { @for (k, v) in &r.details { dt { (k) } dd { (format_detail(v)) } } }
                    }
                }
            }
        }
        "\n"
    }
}

fn results_table(results: &[&CheckResult], with_status: bool, charts: &ChartIds<'_>) -> Markup {
    html! {
        table { "\n"
            thead {
                tr {
                    @if with_status { th { "Status" } }
                    th { "Check" } th { "Column" } th { "Value" } th { "Threshold" } th { "Message" }
                }
            } "\n"
            tbody { "\n"
                @for r in results { (result_row(r, with_status, charts)) }
            } "\n"
        } "\n"
    }
}

/// The drift table: drifted columns first, then by score; columns link to their charts.
fn drift_section(report: &Report, charts: &ChartIds<'_>) -> Markup {
    let rows = crate::drift::drift_rows(&report.results);
    if rows.is_empty() {
        return html! {};
    }
    let (drifted, total) = crate::drift::column_counts(&rows);
    html! {
        section #drift { "\n"
            h2 { "Drift: " (drifted) " of " (total) " columns drifted" } "\n"
            table { "\n"
                (table_head(&["Status", "Column", "Method", "Statistic", "p-value", "adjusted", "Effect size"]))
                tbody { "\n"
                    @for r in &rows {
                        tr class=(if r.drifted { "drifted" } else { "steady" }) {
                            td { (chip(r.result.status)) }
                            td {
                                @match charts.get(r.column) {
                                    Some(id) => a href=(format!("#{id}")) { (r.column) },
                                    None => (r.column),
                                }
                            }
                            td { code { (r.method) } }
                            td.n { (opt(r.statistic)) }
                            td.n { (opt(r.p_value)) }
                            td.n { (opt(r.p_value_adjusted)) }
                            td.n { (opt(r.effect)) }
                        } "\n"
                    }
                } "\n"
            } "\n"
        } "\n"
    }
}

/// The header: suite and verdict, the datasets, a card per status count.
fn header(report: &Report) -> Markup {
    let s = &report.summary;
    html! {
        header { "\n"
            h1 {
                (report.suite)
                span class=(format!("verdict {}", status_class(s.overall_status()))) { (s.verdict_word()) }
            } "\n"
            (dataset_line("Current", &report.current))
            @match &report.reference {
                Some(r) => (dataset_line("Reference", r)),
                None => { p.meta { strong { "Reference" } ": none" } "\n" },
            }
            div.cards {
                @for (n, word, status) in [
                    (s.failed, "failed", Status::Fail),
                    (s.errors, "errors", Status::Error),
                    (s.warned, "warned", Status::Warn),
                    (s.passed, "passed", Status::Pass),
                    (s.skipped, "skipped", Status::Skipped),
                ] {
                    div class=(format!("card {}", status_class(status))) { b { (n) } (word) }
                }
            } "\n"
        } "\n"
    }
}

/// Results: problems worst first (suite order within a status), then the passed and the
/// skipped ones collapsed.
fn results_section(report: &Report, charts: &ChartIds<'_>) -> Markup {
    let problems = crate::problems_worst_first(&report.results);
    let group = |status: Status| -> Vec<&CheckResult> {
        report
            .results
            .iter()
            .filter(|r| r.status == status)
            .collect()
    };
    html! {
        section #results { "\n"
            h2 { "Results (" (report.results.len()) ")" } "\n"
            @if report.results.is_empty() {
                p.dim { "No results." } "\n"
            } @else {
                @if problems.is_empty() {
                    p.dim { "No failures, errors or warnings." } "\n"
                } @else {
                    (results_table(&problems, true, charts))
                }
                @for (status, title) in [(Status::Pass, "Passed checks"), (Status::Skipped, "Skipped checks")] {
                    @let members = group(status);
                    @if !members.is_empty() {
                        details.group { "\n"
                            summary { (title) " (" (members.len()) ")" } "\n"
                            (results_table(&members, false, charts))
                        } "\n"
                    }
                }
            }
        } "\n"
    }
}

/// Renders `report` as one self-contained HTML page. Ends with a newline.
pub fn render_html(report: &Report) -> String {
    let model = crate::model::ModelFigures::of(&report.results);
    let validation = crate::validation::ValidationFigures::of(&report.results);

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

    let main = html! {
        (header(report))
        (drift_section(report, &charts))
        (model_section::model_section(&model))
        (validation_section::validation_sections(&validation))
        (results_section(report, &charts))
        @if !report.distributions.is_empty() {
            section { "\n"
                h2 { "Distributions" } "\n"
                div.charts { "\n"
                    @for (d, id) in report.distributions.iter().zip(&chart_ids) {
                        (figure(report, d, id.as_deref()))
                    }
                } "\n"
            } "\n"
        }
        footer { "Generated by assay " (report.assay_version) " · report schema " (report.schema_version) } "\n"
    };
    let title = format!("assay: {} {}", report.suite, report.summary.verdict_word());
    crate::page::document(&title, "report", None, main)
}

fn figure(report: &Report, d: &ColumnDistribution, id: Option<&str>) -> Markup {
    use assay_stats::Histogram;
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
    // The worst verdict among the column's results, with the list as a tooltip.
    let related: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.column.as_deref() == Some(d.column.as_str()))
        .collect();
    let worst = related.iter().min_by_key(|r| r.status.severity_rank());
    let tip: Vec<String> = related
        .iter()
        .map(|r| format!("{}: {}", r.id, r.status))
        .collect();
    html! {
        figure id=[id] { "\n"
            figcaption {
                (d.column) " "
                span.dim {
                    (d.kind)
                    @if !estimated.is_empty() { " · " (estimated.join(" and ")) " counts estimated from a sketch" }
                }
                @if let Some(worst) = worst {
                    span class=(format!("chip {}", status_class(worst.status))) title=(tip.join("\n")) { (worst.status.as_str()) }
                }
            } "\n"
            (PreEscaped(distribution::chart_svg(d))) "\n"
        } "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::distribution::{category_rows, valid_edges, Side};
    use super::*;
    use crate::chart::{
        char_width, format_tick, n1, nice_ticks, nice_top, truncate, LABEL_END, LEFT,
        MAX_LABEL_CHARS, RIGHT,
    };
    use assay_stats::Histogram;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;"
        );
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
