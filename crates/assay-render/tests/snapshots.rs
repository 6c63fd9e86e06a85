//! Snapshot tests of every renderer on one hand-built report, plus targeted assertions.

use assay_render::{
    render, render_html, render_json, render_junit, render_markdown, render_terminal, CheckResult,
    ColumnDistribution, DatasetInfo, OutputFormat, Report, Status, Summary, TerminalOptions,
    REPORT_SCHEMA_VERSION,
};
use assay_stats::Histogram;
use serde_json::{json, Map, Value};

/// A column name and a message full of characters every format must escape.
const NASTY_COLUMN: &str = "a <b> & \"c\"|d";
const NASTY_MESSAGE: &str =
    "cannot compute: type \"list<int>\" | expected <string> & more\nsecond line";

fn details(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn result(
    id: &str,
    column: Option<&str>,
    status: Status,
    value: Option<f64>,
    threshold: Option<f64>,
    condition: Option<&str>,
    message: &str,
    d: Value,
) -> CheckResult {
    CheckResult {
        id: id.to_string(),
        column: column.map(str::to_string),
        status,
        value,
        threshold,
        condition: condition.map(str::to_string),
        severity: if status == Status::Warn {
            "warn"
        } else {
            "fail"
        }
        .to_string(),
        message: message.to_string(),
        details: details(d),
    }
}

fn sample_report() -> Report {
    let results = vec![
        result(
            "integrity.null_share",
            Some("workclass"),
            Status::Fail,
            Some(0.056386),
            Some(0.05),
            Some("value <= 0.05"),
            "5.64% of values are null (1836 of 32561)",
            json!({"null_count": 1836, "rows": 32561}),
        ),
        result(
            "drift.psi",
            Some("age"),
            Status::Warn,
            Some(0.1234567),
            Some(0.1),
            Some("value <= 0.1"),
            "moderate shift",
            json!({"bins": 10, "reference_value": 0.01}),
        ),
        result(
            "integrity.duplicate_rows",
            None,
            Status::Pass,
            Some(24.0),
            Some(100.0),
            Some("value <= 100"),
            "24 duplicate rows",
            json!({}),
        ),
        result(
            "drift.chi2",
            Some(NASTY_COLUMN),
            Status::Error,
            None,
            None,
            None,
            NASTY_MESSAGE,
            json!({}),
        ),
        result(
            "model.roc_auc",
            None,
            Status::Skipped,
            None,
            None,
            None,
            "no target column given",
            json!({}),
        ),
        result(
            "drift.psi",
            Some("workclass"),
            Status::Pass,
            Some(0.00012),
            Some(0.1),
            Some("value <= 0.1"),
            "stable",
            json!({"examples": ["Private", "<Self-emp & co>"]}),
        ),
        result(
            "integrity.null_share",
            Some("age"),
            Status::Pass,
            Some(0.0),
            Some(0.05),
            Some("value <= 0.05"),
            "no nulls",
            json!({"null_count": 0}),
        ),
    ];
    let summary = Summary::of(&results);
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        assay_version: "0.1.0".to_string(),
        suite: "data_integrity".to_string(),
        current: DatasetInfo {
            sources: vec!["data/adult_current.csv".to_string()],
            rows: 32561,
            columns: 15,
            from_profile: false,
            reads: 1,
            computed: None,
        },
        reference: Some(DatasetInfo {
            sources: vec!["profiles/adult_train.profile.json".to_string()],
            rows: 16281,
            columns: 15,
            from_profile: true,
            reads: 0,
            computed: None,
        }),
        summary,
        results,
        distributions: vec![
            ColumnDistribution {
                column: "age".to_string(),
                kind: "numeric".to_string(),
                reference: Some(Histogram::Numeric {
                    edges: vec![
                        17.0, 24.3, 31.6, 38.9, 46.2, 53.5, 60.8, 68.1, 75.4, 82.7, 90.0,
                    ],
                    counts: vec![
                        2410.0, 2950.0, 3120.0, 2905.0, 2130.0, 1370.0, 820.0, 380.0, 140.0, 56.0,
                    ],
                    exact: true,
                }),
                current: Some(Histogram::Numeric {
                    edges: vec![
                        17.0, 24.3, 31.6, 38.9, 46.2, 53.5, 60.8, 68.1, 75.4, 82.7, 90.0,
                    ],
                    counts: vec![
                        5570.5, 5890.0, 6048.0, 5799.25, 4140.0, 2651.0, 1490.0, 680.0, 220.0,
                        72.25,
                    ],
                    exact: false,
                }),
            },
            ColumnDistribution {
                column: "workclass".to_string(),
                kind: "categorical".to_string(),
                reference: Some(Histogram::Categorical {
                    labels: vec![
                        "Private".to_string(),
                        "Self-emp-not-inc".to_string(),
                        "Local-gov".to_string(),
                        "<?> & \"unknown\"".to_string(),
                    ],
                    counts: vec![11210.0, 1321.0, 1043.0, 963.0],
                    other: 1744.0,
                    exact: true,
                }),
                current: Some(Histogram::Categorical {
                    labels: vec![
                        "Private".to_string(),
                        "Self-emp-not-inc".to_string(),
                        "Local-gov".to_string(),
                        "<?> & \"unknown\"".to_string(),
                    ],
                    counts: vec![22696.0, 2541.0, 2093.0, 1836.0],
                    other: 3395.0,
                    exact: true,
                }),
            },
        ],
    }
}

/// Native country in the UCI Adult data: (category, reference count, current count), the
/// reference being the first 16,281 rows and the current one the other 16,280. One category
/// (`Holand-Netherlands`, one row) only occurs in the current data.
const COUNTRIES: [(&str, f64, f64); 42] = [
    ("United-States", 14559.0, 14611.0),
    ("Mexico", 316.0, 327.0),
    ("?", 299.0, 284.0),
    ("Philippines", 97.0, 101.0),
    ("Germany", 74.0, 63.0),
    ("Puerto-Rico", 66.0, 48.0),
    ("Canada", 63.0, 58.0),
    ("England", 52.0, 38.0),
    ("El-Salvador", 48.0, 58.0),
    ("Jamaica", 46.0, 35.0),
    ("South", 45.0, 35.0),
    ("India", 44.0, 56.0),
    ("Cuba", 43.0, 52.0),
    ("China", 43.0, 32.0),
    ("Guatemala", 38.0, 26.0),
    ("Poland", 36.0, 24.0),
    ("Italy", 34.0, 39.0),
    ("Vietnam", 34.0, 33.0),
    ("Dominican-Republic", 33.0, 37.0),
    ("Japan", 30.0, 32.0),
    ("Iran", 28.0, 15.0),
    ("Columbia", 27.0, 32.0),
    ("Taiwan", 25.0, 26.0),
    ("Haiti", 25.0, 19.0),
    ("Portugal", 21.0, 16.0),
    ("Greece", 19.0, 10.0),
    ("Nicaragua", 16.0, 18.0),
    ("Peru", 15.0, 16.0),
    ("Ecuador", 14.0, 14.0),
    ("Ireland", 14.0, 10.0),
    ("Cambodia", 10.0, 9.0),
    ("France", 10.0, 19.0),
    ("Thailand", 9.0, 9.0),
    ("Trinadad&Tobago", 8.0, 11.0),
    ("Yugoslavia", 7.0, 9.0),
    ("Hong", 7.0, 13.0),
    ("Honduras", 6.0, 7.0),
    ("Laos", 6.0, 12.0),
    ("Outlying-US(Guam-USVI-etc)", 6.0, 8.0),
    ("Scotland", 4.0, 8.0),
    ("Hungary", 4.0, 9.0),
    ("Holand-Netherlands", 0.0, 1.0),
];

/// The sample report plus what the HTML renderer has to handle beyond it: a column with 42
/// categories, one of them new, and the warning about it.
fn html_report() -> Report {
    let mut report = sample_report();
    let side = |pick: fn(&(&str, f64, f64)) -> f64| Histogram::Categorical {
        labels: COUNTRIES.iter().map(|c| c.0.to_string()).collect(),
        counts: COUNTRIES.iter().map(pick).collect(),
        other: 0.0,
        exact: true,
    };
    report.distributions.push(ColumnDistribution {
        column: "native-country".to_string(),
        kind: "categorical".to_string(),
        reference: Some(side(|c| c.1)),
        current: Some(side(|c| c.2)),
    });
    report.results.push(result(
        "integrity.new_categories",
        Some("native-country"),
        Status::Warn,
        Some(1.0 / 16280.0),
        Some(0.0),
        Some("value <= 0"),
        "1 new category in 0.01% of rows: Holand-Netherlands",
        json!({"new_categories": 1, "new_rows": 1, "known_categories": 41}),
    ));
    report.summary = Summary::of(&report.results);
    report
}

/// Terminal output with the escape character made visible.
fn visible(s: &str) -> String {
    s.replace('\x1b', "␛")
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(render_json(&sample_report()).unwrap());
}

#[test]
fn snapshot_terminal_concise() {
    let opts = TerminalOptions {
        color: false,
        verbose: false,
    };
    insta::assert_snapshot!(render_terminal(&sample_report(), &opts));
}

#[test]
fn snapshot_terminal_verbose() {
    let opts = TerminalOptions {
        color: false,
        verbose: true,
    };
    insta::assert_snapshot!(render_terminal(&sample_report(), &opts));
}

#[test]
fn snapshot_terminal_color() {
    let opts = TerminalOptions {
        color: true,
        verbose: false,
    };
    insta::assert_snapshot!(visible(&render_terminal(&sample_report(), &opts)));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!(render_junit(&sample_report()).unwrap());
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(render_markdown(&sample_report()));
}

#[test]
fn snapshot_html() {
    // The one stylesheet is asserted apart (html_model_section_is_escaped_and_complete).
    let html =
        render_html(&html_report()).replace(assay_render::page::STYLESHEET, "/* assay.css */\n");
    insta::assert_snapshot!(html);
}

// ---------------------------------------------------------------------------------------
// Targeted assertions

#[test]
fn json_round_trips_and_ends_with_newline() {
    let report = sample_report();
    let text = render_json(&report).unwrap();
    assert!(text.ends_with("}\n"));
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["results"][2]["column"], Value::Null);
    assert_eq!(v["results"][0]["status"], "fail");
    assert_eq!(v["distributions"][0]["reference"]["type"], "numeric");
}

#[test]
fn terminal_concise_lists_problems_worst_first_then_passes_with_their_figures() {
    let report = sample_report();
    let opts = TerminalOptions::default();
    let text = render_terminal(&report, &opts);
    assert!(!text.contains('\x1b'), "no colour unless asked");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("assay data_integrity: current 32,561 rows"));
    assert!(lines[0].contains("reference 16,281 rows"));
    let fail = lines.iter().position(|l| l.starts_with("FAIL ")).unwrap();
    let error = lines.iter().position(|l| l.starts_with("ERROR")).unwrap();
    let warn = lines.iter().position(|l| l.starts_with("WARN ")).unwrap();
    let pass = lines.iter().position(|l| l.starts_with("PASS ")).unwrap();
    let skip = lines.iter().position(|l| l.starts_with("SKIP ")).unwrap();
    assert!(fail < error && error < warn && warn < pass && pass < skip);
    assert_eq!(
        lines[fail],
        "FAIL  integrity.null_share [workclass] value=0.05639 threshold=0.05 — 5.64% of values are null (1836 of 32561)"
    );
    assert_eq!(
        lines[pass],
        "PASS  integrity.duplicate_rows value=24 threshold=100 — 24 duplicate rows"
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("PASS ")).count(), 3);
    // Beyond MAX_LISTED_PASSES, passes are counted, not listed.
    let mut many = report.clone();
    let pass_result = report
        .results
        .iter()
        .find(|r| r.status == Status::Pass)
        .unwrap()
        .clone();
    many.results = (0..=assay_render::terminal::MAX_LISTED_PASSES)
        .map(|_| pass_result.clone())
        .collect();
    let counted = render_terminal(&many, &opts);
    assert!(counted.contains(&format!(
        "PASS  {} checks passed (verbose output lists them)",
        assay_render::terminal::MAX_LISTED_PASSES + 1
    )));
    // The embedded newline of the error message starts an indented line (a status word can
    // never start it).
    assert!(lines[error].ends_with("& more"));
    assert_eq!(lines[error + 1], "        second line");
    assert_eq!(
        *lines.last().unwrap(),
        "3 passed, 1 warned, 1 failed, 1 errors, 1 skipped"
    );
}

#[test]
fn terminal_verbose_lists_every_result() {
    let report = sample_report();
    let opts = TerminalOptions {
        color: false,
        verbose: true,
    };
    let text = render_terminal(&report, &opts);
    let status_lines = text
        .lines()
        .filter(|l| ["PASS ", "WARN ", "FAIL ", "ERROR", "SKIP "].contains(&&l[..l.len().min(5)]))
        .count();
    assert_eq!(status_lines, report.results.len());
    assert!(
        text.contains("PASS  integrity.duplicate_rows value=24 threshold=100 — 24 duplicate rows")
    );
    assert!(text.contains("      condition: value <= 0.05"));
    assert!(text.contains("      details: null_count=1836, rows=32561"));
}

#[test]
fn terminal_colors_only_when_asked() {
    let report = sample_report();
    let text = render_terminal(
        &report,
        &TerminalOptions {
            color: true,
            verbose: true,
        },
    );
    assert!(text.contains("\x1b[31mFAIL \x1b[0m"));
    assert!(text.contains("\x1b[33mWARN \x1b[0m"));
    assert!(text.contains("\x1b[35mERROR\x1b[0m"));
    assert!(text.contains("\x1b[32mPASS \x1b[0m"));
    assert!(text.contains("\x1b[2mSKIP \x1b[0m"));
}

#[test]
fn junit_has_one_testcase_per_result_and_the_right_elements() {
    let report = sample_report();
    let xml = render_junit(&report).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), report.results.len());
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert_eq!(xml.matches("<error ").count(), 1);
    assert_eq!(xml.matches("<skipped").count(), 1);
    assert!(xml.contains(
        "<failure message=\"5.64% of values are null (1836 of 32561)\" type=\"integrity.null_share\">"
    ));
    assert!(xml.contains("name=\"integrity.null_share[workclass]\" classname=\"integrity\""));
    assert!(xml.contains("name=\"integrity.duplicate_rows\" classname=\"integrity\""));
    assert!(xml.contains("<system-out>WARNING: moderate shift"));
    assert!(
        !xml.contains(NASTY_COLUMN),
        "attribute text must be escaped"
    );

    // Parse it back: the structure, names and messages survive.
    let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(parsed.test_suites.len(), 1);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.name.as_str(), "data_integrity");
    assert_eq!(suite.tests, 7);
    assert_eq!(suite.failures, 1);
    assert_eq!(suite.errors, 1);
    let names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names[3], format!("drift.chi2[{NASTY_COLUMN}]"));
    match &suite.test_cases[3].status {
        quick_junit::TestCaseStatus::NonSuccess {
            kind,
            message,
            description,
            ..
        } => {
            assert_eq!(*kind, quick_junit::NonSuccessKind::Error);
            // The attribute holds the message on one line, the text the message in full.
            let one_line = NASTY_MESSAGE.replace('\n', " ");
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some(one_line.as_str())
            );
            let text = description.as_ref().map(|d| d.as_str()).unwrap_or_default();
            assert!(text.starts_with(&format!("{NASTY_MESSAGE}\n\ncheck: drift.chi2\n")));
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn markdown_escapes_cells_and_orders_sections() {
    let report = sample_report();
    let md = render_markdown(&report);
    assert!(md.starts_with("## assay data\\_integrity: FAILED\n"));
    // The error row: pipes escaped, newline turned into <br>, markup neutralised.
    let row = md
        .lines()
        .find(|l| l.contains("drift.chi2"))
        .expect("error row");
    assert_eq!(
        row,
        "| **ERROR** | `drift.chi2` | a &lt;b&gt; &amp; \"c\"\\|d | – | – | cannot compute: type \"list&lt;int&gt;\" \\| expected &lt;string&gt; &amp; more<br>second line |"
    );
    // Escaped pipes never split a cell: rows have 6 (no status column) or 7 cell borders.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let borders = line.matches('|').count() - line.matches("\\|").count();
        assert!(borders == 6 || borders == 7, "{line}");
    }
    let problems = md.find("### Failures, errors and warnings").unwrap();
    let passed = md.find("<summary>Passed checks (3)</summary>").unwrap();
    let skipped = md.find("<summary>Skipped checks (1)</summary>").unwrap();
    assert!(problems < passed && passed < skipped);
    assert!(md.contains("| 3 | 1 | 1 | 1 | 1 | 7 |"));
}

#[test]
fn markdown_verdict_words() {
    let mut report = sample_report();
    report
        .results
        .retain(|r| r.status != Status::Fail && r.status != Status::Error);
    report.summary = Summary::of(&report.results);
    assert!(render_markdown(&report).starts_with("## assay data\\_integrity: WARNINGS\n"));
    report.results.retain(|r| r.status != Status::Warn);
    report.summary = Summary::of(&report.results);
    let md = render_markdown(&report);
    assert!(md.starts_with("## assay data\\_integrity: PASSED\n"));
    assert!(!md.contains("### Failures"));
}

/// Every `&` starts an entity and every `<` starts a tag, comment or doctype.
fn assert_no_raw_markup(html: &str) {
    for (i, _) in html.match_indices('&') {
        let rest = &html[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "raw & at {i}: {}",
            &rest[..rest.len().min(40)]
        );
    }
    for (i, _) in html.match_indices('<') {
        let next = html[i + 1..].chars().next().unwrap_or(' ');
        assert!(
            next.is_ascii_alphabetic() || next == '/' || next == '!',
            "raw < at {i}: {}",
            &html[i..html.len().min(i + 40)]
        );
    }
}

/// The SVG of the chart of `column`.
fn chart<'a>(html: &'a str, column: &str) -> &'a str {
    let start = html
        .find(&format!("aria-label=\"distribution of {column}\""))
        .unwrap_or_else(|| panic!("no chart of {column}"));
    let start = html[..start].rfind("<svg ").unwrap();
    let rest = &html[start..];
    &rest[..rest.find("</svg>").unwrap()]
}

/// The `<g>…</g>` row or bin of `svg` whose tooltip starts with `title`.
fn group<'a>(svg: &'a str, title: &str) -> &'a str {
    let start = svg
        .find(&format!("<g><title>{title}"))
        .unwrap_or_else(|| panic!("no group titled {title}"));
    let rest = &svg[start..];
    &rest[..rest.find("</g>").unwrap()]
}

/// The text of every `<text>` element of `svg` with the attribute `attr`.
fn texts_with<'a>(svg: &'a str, attr: &str) -> Vec<&'a str> {
    svg.split("<text ")
        .skip(1)
        .filter(|t| t[..t.find('>').unwrap()].contains(attr))
        .map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()])
        .collect()
}

/// `share` as the renderer prints it when at least 0.1%: one decimal, no trailing `.0`.
fn percent(share: f64) -> String {
    let p = format!("{:.1}", share * 100.0);
    format!("{}%", p.strip_suffix(".0").unwrap_or(&p))
}

#[test]
fn html_is_self_contained_escaped_and_draws_each_distribution() {
    let report = html_report();
    let html = render_html(&report);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    assert_eq!(html.matches("<svg ").count(), report.distributions.len());
    assert_eq!(html.matches("</svg>").count(), report.distributions.len());
    assert!(!html.contains("<script"));
    // No external asset: the only URL is the SVG namespace.
    assert_eq!(
        html.matches("http").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(!html.contains(NASTY_COLUMN));
    assert!(html.contains("a &lt;b&gt; &amp; &quot;c&quot;|d"));
    assert!(html.contains("&lt;Self-emp &amp; co&gt;"));
    assert_no_raw_markup(&html);
    assert!(html.contains("<span class=\"verdict s-fail\">FAILED</span>"));
    // Coordinates carry at most one decimal, everywhere.
    for attr in [" x=\"", " y=\"", "width=\"", "height=\"", "x1=\"", "y2=\""] {
        for (i, _) in html.match_indices(attr) {
            let v = &html[i + attr.len()..];
            let v = &v[..v.find('"').unwrap()];
            assert!(v.parse::<f64>().is_ok(), "{attr}{v}");
            assert!(
                v.split('.').nth(1).is_none_or(|d| d.len() == 1),
                "{attr}{v}"
            );
        }
    }
}

#[test]
fn html_lists_problems_and_collapses_passed_and_skipped() {
    let report = html_report();
    let html = render_html(&report);
    let results = &html[html.find("<h2>Results (8)</h2>").unwrap()..];
    let results = &results[..results.find("</section>").unwrap()];
    let passed = results
        .find("<details class=\"group\">\n<summary>Passed checks (3)</summary>")
        .expect("passed section");
    let skipped = results
        .find("<details class=\"group\">\n<summary>Skipped checks (1)</summary>")
        .expect("skipped section");
    assert!(passed < skipped);
    // The main table: failures, errors, warnings, worst first, each with its status chip.
    let main = &results[..passed];
    let chips: Vec<usize> = ["fail", "error", "warn"]
        .iter()
        .map(|s| {
            main.find(&format!("<span class=\"chip s-{s}\">{s}</span>"))
                .unwrap_or_else(|| panic!("{s}"))
        })
        .collect();
    assert!(chips.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(main.matches("<tr><td><span class=\"chip").count(), 4);
    assert!(!main.contains("s-pass") && !main.contains("s-skipped"));
    assert!(!main.contains("integrity.duplicate_rows") && !main.contains("model.roc_auc"));
    // Passed and skipped results only inside their collapsed sections, without status column.
    let passed_part = &results[passed..skipped];
    assert_eq!(passed_part.matches("<tr><td><code>").count(), 3);
    for check in [
        "integrity.duplicate_rows",
        "drift.psi",
        "integrity.null_share",
    ] {
        assert!(
            passed_part.contains(&format!("<code>{check}</code>")),
            "{check}"
        );
    }
    assert!(results[skipped..].contains("<code>model.roc_auc</code>"));
    assert!(results[skipped..].trim_end().ends_with("</details>"));
    assert!(!results.contains("<details class=\"group\" open"));
    // Counts in values and details get thousands separators.
    assert!(main.contains("<dt>rows</dt><dd>32,561</dd>"));
}

#[test]
fn html_links_results_to_the_charts() {
    let report = html_report();
    let html = render_html(&report);
    for column in ["age", "workclass", "native-country"] {
        assert_eq!(
            html.matches(&format!("<figure id=\"col-{column}\">"))
                .count(),
            1,
            "{column}"
        );
    }
    assert!(
        html.contains("<a href=\"#col-workclass\" title=\"chart of this column\">workclass</a>")
    );
    assert!(html.contains("<a href=\"#col-native-country\""));
    // Every link has its target, every id is unique, and columns without a chart (the
    // nasty one) are not linked.
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let links: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    // workclass: 2 results, age: 2, native-country: 1.
    assert_eq!(links.len(), 5);
    for l in &links {
        assert!(ids.contains(l), "{l}");
        assert!(l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
    let nasty_row = html.lines().find(|l| l.contains("drift.chi2")).unwrap();
    assert!(!nasty_row.contains("<a "));
}

#[test]
fn html_numeric_chart_has_round_ticks_and_clear_axes() {
    let html = render_html(&html_report());
    let age = chart(&html, "age");
    // Bins: 10 per side, plus the legend swatch.
    assert_eq!(age.matches("<rect class=\"r\" x=").count(), 10 + 1);
    assert_eq!(age.matches("<rect class=\"c\" x=").count(), 10 + 1);
    // Round ticks along the x axis (edges run from 17 to 90), not min/mid/max.
    let ticks = texts_with(age, "y=\"188\"");
    assert_eq!(ticks, ["20", "40", "60", "80"]);
    assert!(!age.contains(">17<") && !age.contains(">53.5<"));
    // The y axis is named by a rotated label, not by a caption under the x axis.
    assert!(age.contains(
        "<text transform=\"rotate(-90)\" x=\"-101\" y=\"12\" text-anchor=\"middle\">% of non-null values</text>"
    ));
    assert!(!html.contains("share of rows per"));
    // Legends: non-null counts with separators; estimated counts are noted in the caption.
    assert!(age.contains(">reference (non-null n=16,281)</text>"));
    assert!(age.contains(">current (non-null n=32,561)</text>"));
    assert!(!html.contains("n=16281") && !html.contains("n=32561"));
    assert!(html.contains(
        "<figcaption>age <span class=\"dim\">numeric · current counts estimated from a sketch</span>"
    ));
    assert!(html.contains("<figcaption>workclass <span class=\"dim\">categorical</span>"));
    assert!(age.contains("<title>[17, 24.3) · reference 14.8% · current 17.1%</title>"));
}

#[test]
fn html_categorical_chart_has_one_row_per_category() {
    let html = render_html(&html_report());
    let wc = chart(&html, "workclass");
    // 4 categories and the histogram's `other`, one row each; height grows with the rows.
    assert_eq!(wc.matches("<g><title>").count(), 5);
    assert!(wc.contains("viewBox=\"0 0 480 180\""));
    let labels = texts_with(wc, "class=\"lb");
    assert_eq!(
        labels,
        [
            "Private",
            "Self-emp-not-inc",
            "Local-gov",
            "&lt;?&gt; &amp; &quot;unknown&quot;",
            "(other)"
        ]
    );
    let other = group(wc, "(other)");
    assert!(other.starts_with("<g><title>(other) · reference 10.7% · current 10.4%</title>"));
    assert_eq!(texts_with(other, "class=\"v\""), ["10.7%", "10.4%"]);
    assert!(!wc.contains("new"));
    let private = group(wc, "Private");
    assert_eq!(texts_with(private, "class=\"v\""), ["68.9%", "69.7%"]);
    // Bars grow from the same left edge; the larger share has the longer bar.
    let width = |class: &str| -> f64 {
        let i = private.find(&format!("<rect class=\"{class}\"")).unwrap();
        let rest = &private[i..];
        let w = &rest[rest.find("width=\"").unwrap() + 7..];
        w[..w.find('"').unwrap()].parse().unwrap()
    };
    assert!(width("c") > width("r"));
}

#[test]
fn html_categorical_chart_folds_the_tail_but_keeps_new_categories() {
    let html = render_html(&html_report());
    let nc = chart(&html, "native-country");
    // 15 largest categories, the new one, and (other): 17 rows.
    assert_eq!(nc.matches("<g><title>").count(), 17);
    assert!(nc.contains(&format!("viewBox=\"0 0 480 {}\"", 28 + 24 * 17 + 32)));
    let ref_total: f64 = COUNTRIES.iter().map(|c| c.1).sum();
    let cur_total: f64 = COUNTRIES.iter().map(|c| c.2).sum();
    assert_eq!((ref_total, cur_total), (16281.0, 16280.0));
    let key = |c: &(&str, f64, f64)| (c.1 / ref_total).max(c.2 / cur_total);
    let mut by_share: Vec<&(&str, f64, f64)> = COUNTRIES.iter().collect();
    by_share.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let top: Vec<&str> = by_share[..15].iter().map(|c| c.0).collect();
    let labels = texts_with(nc, "class=\"lb");
    assert_eq!(labels.len(), 17);
    assert_eq!(labels[..15], top[..]);
    assert_eq!(labels[15], "Holand-Netherlands");
    assert_eq!(labels[16], "(other)");
    assert!(labels.iter().all(|l| !l.contains('…')));
    // The new category: its label and a "new" tag in the warn colour, a tinted row, and no
    // other row marked.
    let new_row = group(nc, "Holand-Netherlands");
    assert!(new_row.starts_with(
        "<g><title>Holand-Netherlands · reference 0% · current 0.006143% · new: absent from the reference</title>"
    ));
    assert!(new_row.contains("<rect class=\"nb\" x=\"0\""));
    assert!(new_row.contains("<text class=\"lb nw\""));
    assert!(new_row.contains(">new</text>"));
    assert!(!new_row.contains("<rect class=\"r\""), "no reference bar");
    assert!(
        new_row.contains("<rect class=\"c\""),
        "a visible current bar"
    );
    assert_eq!(nc.matches("class=\"nb\"").count(), 1);
    assert_eq!(nc.matches(">new</text>").count(), 1);
    // (other) aggregates the 26 categories not drawn.
    let drawn: Vec<&str> = labels[..16].to_vec();
    let rest = |pick: fn(&(&str, f64, f64)) -> f64, total: f64| {
        COUNTRIES
            .iter()
            .filter(|c| !drawn.contains(&c.0))
            .map(pick)
            .sum::<f64>()
            / total
    };
    let other_title = format!(
        "<g><title>(other): 26 more categories and unlisted values · reference {} · current {}</title>",
        percent(rest(|c| c.1, ref_total)),
        percent(rest(|c| c.2, cur_total))
    );
    assert!(nc.contains(&other_title), "{other_title}");
    // Shares drawn per side add up to 100% (up to rounding of the printed values).
    for (k, side) in ["r", "c"].iter().enumerate() {
        let sum: f64 = nc
            .split("<g>")
            .skip(1)
            .map(|g| {
                let v = texts_with(g, "class=\"v\"");
                v[k].trim_end_matches('%').parse::<f64>().unwrap()
            })
            .sum();
        assert!((sum - 100.0).abs() < 0.5, "{side}: {sum}");
    }
}

#[test]
fn html_categorical_labels_are_cut_with_the_full_text_in_the_tooltip() {
    let long = "Some-very-long-category-name-with-more-than-28-characters & <more>";
    let mut report = sample_report();
    let labels: Vec<String> = vec![long.to_string(), "short".to_string()];
    report.distributions = vec![ColumnDistribution {
        column: "long labels".to_string(),
        kind: "categorical".to_string(),
        reference: None,
        current: Some(Histogram::Categorical {
            labels,
            counts: vec![3.0, 1.0],
            other: 0.0,
            exact: true,
        }),
    }];
    let html = render_html(&report);
    assert_no_raw_markup(&html);
    assert!(html.contains("<figure id=\"col-long_20labels\">"));
    let svg = chart(&html, "long labels");
    let labels = texts_with(svg, "class=\"lb");
    assert_eq!(labels.len(), 2, "no (other) row when nothing is left over");
    assert!(labels[0].ends_with('…') && labels[0].starts_with("Some-very-long-category"));
    assert!(labels[0].chars().count() <= 28);
    assert_eq!(labels[1], "short");
    assert!(svg.contains(&format!(
        "<g><title>{} · current 75%</title>",
        long.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )));
    // One side only: one bar per row, no legend entry for the missing side, nothing new.
    assert_eq!(svg.matches("<rect class=\"c\"").count(), 1 + 2);
    assert!(!svg.contains("class=\"r\"") && !svg.contains("nw"));
}

#[test]
fn html_handles_missing_and_broken_distributions() {
    let mut report = sample_report();
    report.distributions = vec![
        ColumnDistribution {
            column: "empty".to_string(),
            kind: "numeric".to_string(),
            reference: None,
            current: None,
        },
        ColumnDistribution {
            column: "bad_edges".to_string(),
            kind: "numeric".to_string(),
            reference: None,
            current: Some(Histogram::Numeric {
                edges: vec![0.0, f64::NAN],
                counts: vec![1.0, 2.0],
                exact: true,
            }),
        },
        ColumnDistribution {
            column: "only_current".to_string(),
            kind: "numeric".to_string(),
            reference: None,
            current: Some(Histogram::Numeric {
                edges: vec![0.0, 1.0, 2.0],
                counts: vec![0.0, 0.0],
                exact: true,
            }),
        },
    ];
    report.distributions.push(ColumnDistribution {
        column: "other_bins".to_string(),
        kind: "numeric".to_string(),
        reference: Some(Histogram::Numeric {
            edges: vec![0.0, 1.0, 2.0],
            counts: vec![1.0, 3.0],
            exact: true,
        }),
        current: Some(Histogram::Numeric {
            edges: vec![0.0, 0.5, 1.0, 1.5, 2.0],
            counts: vec![1.0, 1.0, 1.0, 1.0],
            exact: true,
        }),
    });
    report.distributions.push(ColumnDistribution {
        column: "mixed_kinds".to_string(),
        kind: "numeric".to_string(),
        reference: Some(Histogram::Numeric {
            edges: vec![0.0, 1.0, 2.0],
            counts: vec![1.0, 3.0],
            exact: true,
        }),
        current: Some(Histogram::Categorical {
            labels: vec!["x".to_string()],
            counts: vec![2.0],
            other: 0.0,
            exact: true,
        }),
    });
    let html = render_html(&report);
    assert_eq!(html.matches("<svg ").count(), 5);
    assert_eq!(html.matches("no distribution to draw").count(), 2);
    assert_no_raw_markup(&html);
    let chart = |column: &str| chart(&html, column).to_string();
    // All-zero counts draw an empty axis, not a division by zero.
    assert!(!chart("only_current").contains("NaN"));
    // Different bins on each side are overlaid at their own positions.
    let other_bins = chart("other_bins");
    assert!(other_bins.contains("class=\"ov\""));
    assert_eq!(other_bins.matches("<g><title>").count(), 2 + 4);
    assert!(other_bins.contains("<title>[1, 2] · reference 75%</title>"));
    assert!(other_bins.contains("<title>[1.5, 2] · current 25%</title>"));
    // A side of another kind than the first is left out.
    let mixed = chart("mixed_kinds");
    assert_eq!(mixed.matches("<g><title>").count(), 2);
    assert!(mixed.contains("reference (non-null n=4)") && !mixed.contains("current ("));
}

#[test]
fn render_dispatches_on_format() {
    let report = sample_report();
    for f in OutputFormat::ALL {
        let out = render(&report, f, false, false).unwrap();
        assert!(!out.is_empty(), "{f}");
        assert!(out.ends_with('\n'), "{f}");
    }
    assert_eq!(
        render(&report, OutputFormat::Markdown, true, true).unwrap(),
        render_markdown(&report)
    );
    assert_eq!(
        render(&report, OutputFormat::Terminal, true, false).unwrap(),
        render_terminal(
            &report,
            &TerminalOptions {
                color: true,
                verbose: false
            }
        )
    );
}

/// A drift run: the dataset row, two drifted columns and one steady, in the check's order.
fn drift_report() -> Report {
    let mut report = sample_report();
    let column =
        |name: &str, drifted: bool, method: &str, statistic: f64, p: Option<f64>, effect: f64| {
            let mut d = json!({
                "method": method,
                "statistic": statistic,
                "effect_size": effect,
                "drifted": drifted,
                "n_reference": 2067.0,
                "n_current": 2195.0,
            });
            if let Some(p) = p {
                d["p_value"] = json!(p);
                d["p_value_adjusted"] = json!((p * 3.0).min(1.0));
            }
            result(
                "drift.auto",
                Some(name),
                if drifted { Status::Fail } else { Status::Pass },
                Some(p.map_or(statistic, |p| (p * 3.0).min(1.0))),
                Some(if p.is_some() { 0.05 } else { 0.1 }),
                Some(if p.is_some() {
                    "value >= 0.05"
                } else {
                    "value < 0.1"
                }),
                &format!("{method}: {}", if drifted { "drift" } else { "no drift" }),
                d,
            )
        };
    report.results = vec![
        result(
            "drift.auto",
            None,
            Status::Fail,
            Some(2.0 / 3.0),
            Some(0.5),
            Some("value < 0.5"),
            "2 of 3 columns drifted (66.67%)",
            json!({"drifted_columns": ["temp", "season"], "columns_compared": 3}),
        ),
        column("hum", false, "ks", 0.02, Some(0.4), 0.03),
        column("season", true, "jensen_shannon", 0.76, None, 0.87),
        column("temp", true, "wasserstein", 4.01, None, 4.01),
    ];
    report.summary = Summary::of(&report.results);
    report
}

#[test]
fn snapshot_markdown_drift() {
    insta::assert_snapshot!(render_markdown(&drift_report()));
}

#[test]
fn html_drift_table_is_sorted_drifted_first_by_score() {
    let html = render_html(&drift_report());
    let section = html
        .split("<section id=\"drift\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("drift section");
    assert!(section.contains("Drift: 2 of 3 columns drifted"));
    let pos = |c: &str| {
        section
            .find(&format!(">{c}<"))
            .unwrap_or_else(|| panic!("{c}"))
    };
    // temp (effect 4.01) before season (0.87), both before the steady hum.
    assert!(
        pos("temp") < pos("season") && pos("season") < pos("hum"),
        "{section}"
    );
    insta::assert_snapshot!(section);
}

// ---------------------------------------------------------------------------------------
// Model evaluation and fairness

/// The Adult class labels, the positive one last.
const LOW: &str = "<=50K";
const HIGH: &str = ">50K";
/// A slice expression with both kinds of quotes and markup characters.
const QUOTED_SLICE: &str = "occupation == 'Prof-specialty' & income != \"<=50K\"";

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A model run on the Adult data: metrics (one bounded, one failing), curves, calibration,
/// the confusion matrix, slices, weak slices, the regression gate, prediction stability and
/// fairness on `sex`, `race` and their intersection.
fn model_report() -> Report {
    let fpr: Vec<f64> = (0..=20).map(|i| round3(i as f64 / 20.0)).collect();
    let tpr: Vec<f64> = fpr.iter().map(|x| round3(x.powf(0.25))).collect();
    let recall: Vec<f64> = (0..=20).rev().map(|i| round3(i as f64 / 20.0)).collect();
    let precision: Vec<f64> = recall
        .iter()
        .map(|r| round3(0.241 + 0.759 * (1.0 - r.powi(3))))
        .collect();
    let weights = [
        5210.0, 2120.0, 1310.0, 905.0, 712.0, 598.0, 507.0, 455.0, 410.0, 54.0,
    ];
    let reliability: Vec<Value> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = i as f64 / 10.0;
            json!({
                "lower": lower,
                "upper": round3(lower + 0.1),
                "weight": w,
                "mean_predicted": round3(lower + 0.04),
                "fraction_positive": round3((lower + 0.04) * 0.9 + 0.01),
            })
        })
        .collect();
    let metric = |name: &str, status: Status, value: f64, condition: (&str, f64), extra: Value| {
        let mut d = json!({
            "metric": name,
            "estimate": value,
            "n": 16281,
            "model": "adult_gbm.onnx",
        });
        if let (Value::Object(m), Value::Object(e)) = (&mut d, extra) {
            m.extend(e);
        }
        result(
            &format!("model.{name}"),
            None,
            status,
            Some(value),
            Some(condition.1),
            Some(condition.0),
            &format!("{name} = {value}"),
            d,
        )
    };
    let groups_sex = json!({
        "Female": {"count": 5421, "weight": 5421, "selection_rate": 0.072, "tpr": 0.512, "fpr": 0.012, "fnr": 0.488, "precision": 0.76, "accuracy": 0.93},
        "Male": {"count": 10860, "weight": 10860, "selection_rate": 0.251, "tpr": 0.648, "fpr": 0.083, "fnr": 0.352, "precision": 0.74, "accuracy": 0.83},
    });
    let groups_race = json!({
        "White": {"count": 13946, "weight": 13946, "selection_rate": 0.201, "tpr": 0.63, "fpr": 0.06, "fnr": 0.37, "precision": 0.75, "accuracy": 0.86},
        "Black": {"count": 1561, "weight": 1561, "selection_rate": 0.094, "tpr": 0.55, "fpr": 0.03, "fnr": 0.45, "precision": 0.72, "accuracy": 0.91},
        "Asian-Pac-Islander": {"count": 480, "weight": 480, "selection_rate": 0.236, "tpr": 0.61, "fpr": 0.09, "fnr": 0.39, "precision": 0.7, "accuracy": 0.84},
        "Amer-Indian-Eskimo": {"count": 159, "weight": 159, "selection_rate": 0.069, "tpr": null, "fpr": 0.04, "fnr": null, "precision": null, "accuracy": 0.9},
        "Other <'&\">": {"count": 12, "weight": 12, "selection_rate": 0.0, "tpr": null, "fpr": 0.0, "fnr": null, "precision": null, "accuracy": 0.92},
    });
    let results = vec![
        metric(
            "accuracy",
            Status::Pass,
            0.8712,
            ("value >= 0.8", 0.8),
            json!({"ci_low": 0.8660, "ci_high": 0.8763, "confidence": 0.95, "ci_method": "wilson",
                   "baseline_value": 0.8654, "trivial_value": 0.7638, "trivial": "majority class",
                   "higher_is_better": true}),
        ),
        metric(
            "roc_auc",
            Status::Pass,
            0.9254,
            ("value >= 0.85", 0.85),
            json!({"ci_low": 0.9211, "ci_high": 0.9297, "confidence": 0.95, "ci_method": "delong",
                   "baseline_value": 0.9198, "trivial_value": 0.5, "trivial": "constant score",
                   "higher_is_better": true, "roc_curve": {"fpr": fpr, "tpr": tpr}}),
        ),
        metric(
            "average_precision",
            Status::Pass,
            0.8231,
            ("value >= 0.7", 0.7),
            json!({"trivial_value": 0.2362, "trivial": "constant score", "higher_is_better": true,
                   "pr_curve": {"recall": recall, "precision": precision}}),
        ),
        // Bounded: the value compared is the interval's lower bound, the estimate is shown.
        result(
            "model.f1",
            None,
            Status::Fail,
            Some(0.6932),
            Some(0.7),
            Some("value >= 0.7"),
            "f1 lower bound 0.6932 < 0.7",
            json!({"metric": "f1", "estimate": 0.7104, "ci_low": 0.6932, "ci_high": 0.7271,
                   "confidence": 0.95, "ci_method": "bootstrap", "higher_is_better": true,
                   "trivial_value": 0.0, "trivial": "majority class", "n": 16281,
                   "model": "adult_gbm.onnx"}),
        ),
        metric(
            "log_loss",
            Status::Warn,
            0.2791,
            ("value <= 0.275", 0.275),
            json!({"baseline_value": 0.2702, "trivial_value": 0.5519, "trivial": "prior",
                   "higher_is_better": false}),
        ),
        metric(
            "calibration_error",
            Status::Pass,
            0.0213,
            ("value <= 0.05", 0.05),
            json!({"higher_is_better": false, "reliability": reliability}),
        ),
        metric(
            "confusion_matrix",
            Status::Pass,
            0.8712,
            ("value >= 0.8", 0.8),
            json!({"labels": [LOW, HIGH], "matrix": [[11690, 745], [1352, 2494]]}),
        ),
        result(
            "model.slices",
            Some("relationship=Husband"),
            Status::Warn,
            Some(0.8152),
            Some(0.82),
            Some("value >= 0.82"),
            "accuracy on relationship=Husband is 0.8152",
            json!({"metric": "accuracy", "n": 6545, "ci_low": 0.8057, "ci_high": 0.8243,
                   "reference_value": 0.8712}),
        ),
        result(
            "model.slices",
            Some(QUOTED_SLICE),
            Status::Pass,
            Some(0.9021),
            Some(0.82),
            Some("value >= 0.82"),
            "accuracy on the slice is 0.9021",
            json!({"metric": "accuracy", "n": 1021, "reference_value": 0.8712}),
        ),
        result(
            "model.slices",
            Some("native-country=Holand-Netherlands"),
            Status::Skipped,
            None,
            None,
            None,
            "1 row, fewer than min_rows 30",
            json!({"metric": "accuracy", "n": 1}),
        ),
        result(
            "model.weak_slices",
            Some("education=HS-grad & hours-per-week>=50"),
            Status::Warn,
            Some(0.0004),
            Some(0.05),
            Some("value >= 0.05"),
            "log loss 0.41 on the slice against 0.27 elsewhere",
            json!({"n": 812, "slice_loss": 0.4103, "rest_loss": 0.2712, "loss": "log_loss",
                   "q_value": 0.0004}),
        ),
        result(
            "model.regression_gate",
            Some("accuracy"),
            Status::Pass,
            Some(-0.0058),
            Some(0.0),
            Some("value <= 0"),
            "accuracy: candidate 0.8712 vs baseline 0.8654 (better by 0.0058)",
            json!({"candidate": 0.8712, "baseline": 0.8654, "delta": 0.0058, "tolerance": 0.0,
                   "relative": false, "test": "mcnemar", "p_value": 0.0021, "significant": true,
                   "degradation_ci": [-0.0089, -0.0027]}),
        ),
        result(
            "model.regression_gate",
            Some("log_loss"),
            Status::Fail,
            Some(0.0330),
            Some(0.01),
            Some("value <= 0.01"),
            "log_loss: candidate 0.2791 vs baseline 0.2702 (worse by 0.0330 relative)",
            json!({"candidate": 0.2791, "baseline": 0.2702, "delta": 0.0089, "tolerance": 0.01,
                   "relative": true, "test": "paired bootstrap", "p_value": 0.031,
                   "significant": true, "degradation_ci": [0.0041, 0.0622]}),
        ),
        result(
            "model.prediction_stability",
            None,
            Status::Pass,
            Some(0.0123),
            Some(0.05),
            Some("value <= 0.05"),
            "1.23% of predictions changed",
            json!({"max_change": 0.4127, "mean_change": 0.0091}),
        ),
        result(
            "fairness.demographic_parity_difference",
            Some("sex"),
            Status::Fail,
            Some(0.179),
            Some(0.1),
            Some("value <= 0.1"),
            "selection rate 0.072 (Female) to 0.251 (Male)",
            json!({"groups": groups_sex, "excluded_groups": [], "ci_low": 0.165, "ci_high": 0.192,
                   "confidence": 0.95, "rate": "selection_rate", "lowest_group": "Female",
                   "highest_group": "Male"}),
        ),
        result(
            "fairness.equal_opportunity_difference",
            Some("sex"),
            Status::Warn,
            Some(0.136),
            Some(0.1),
            Some("value <= 0.1"),
            "true positive rate 0.512 (Female) to 0.648 (Male)",
            json!({"groups": groups_sex, "excluded_groups": [], "rate": "tpr",
                   "lowest_group": "Female", "highest_group": "Male"}),
        ),
        result(
            "fairness.disparate_impact",
            Some("race"),
            Status::Fail,
            Some(0.292),
            Some(0.8),
            Some("value >= 0.8"),
            "selection rate ratio 0.292",
            json!({"groups": groups_race, "excluded_groups": ["Other <'&\">"],
                   "rate": "selection_rate", "lowest_group": "Amer-Indian-Eskimo",
                   "highest_group": "Asian-Pac-Islander"}),
        ),
        result(
            "fairness.equalized_odds_difference",
            Some("sex × race"),
            Status::Error,
            None,
            None,
            None,
            "fewer than 2 groups with both classes",
            json!({}),
        ),
    ];
    let summary = Summary::of(&results);
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        assay_version: "0.1.0".to_string(),
        suite: "model_evaluation".to_string(),
        current: DatasetInfo {
            sources: vec!["data/adult_test.csv".to_string()],
            rows: 16281,
            columns: 15,
            from_profile: false,
            reads: 1,
            computed: None,
        },
        reference: None,
        summary,
        results,
        distributions: vec![],
    }
}

/// The `<section id="model">` of a page.
fn model_section(html: &str) -> &str {
    let start = html.find("<section id=\"model\">").expect("model section");
    let rest = &html[start..];
    &rest[..rest.find("</section>").expect("end of section") + "</section>".len()]
}

#[test]
fn snapshot_html_model_section() {
    let html = render_html(&model_report());
    insta::assert_snapshot!(model_section(&html));
}

#[test]
fn snapshot_markdown_model() {
    insta::assert_snapshot!(render_markdown(&model_report()));
}

#[test]
fn html_model_section_is_escaped_and_complete() {
    let report = model_report();
    let html = render_html(&report);
    assert_no_raw_markup(&html);
    assert!(!html.contains("<script"));
    let section = model_section(&html);
    // Labels, slice expressions and group names are escaped, never raw.
    assert!(!html.contains(LOW) && !html.contains(QUOTED_SLICE));
    assert!(section.contains("<th>&lt;=50K</th><th>&gt;50K</th>"));
    assert!(section.contains(
        "<code>occupation == 'Prof-specialty' &amp; income != &quot;&lt;=50K&quot;</code>"
    ));
    assert!(section.contains(">Other &lt;'&amp;&quot;&gt;</text>"));
    // One chart each: ROC, precision-recall, calibration, and the rates of sex and race (the
    // intersection errored and has no groups).
    for label in [
        "ROC curve",
        "precision-recall curve",
        "reliability diagram",
        "rates per group of sex",
        "rates per group of race",
    ] {
        assert_eq!(
            section.matches(&format!("aria-label=\"{label}\"")).count(),
            1,
            "{label}"
        );
    }
    assert_eq!(section.matches("<svg ").count(), 5);
    assert_eq!(section.matches("</svg>").count(), 5);
    // The metric table shows the estimate of a bounded metric, not the bound compared.
    let f1 = section
        .lines()
        .find(|l| l.contains("<code>f1</code>"))
        .expect("f1 row");
    assert!(f1.contains(">0.7104<") && !f1.contains(">0.6932<"), "{f1}");
    assert!(f1.contains("[0.6932, 0.7271] <span class=\"dim\">95% bootstrap</span>"));
    // Fairness: a subsection per attribute, the excluded group marked, the errored
    // intersection listed in its table.
    for attribute in ["sex", "race", "sex × race"] {
        assert!(
            section.contains(&format!("<h3>Fairness: <code>{attribute}</code></h3>")),
            "{attribute}"
        );
    }
    assert_eq!(section.matches(">excluded</text>").count(), 1);
    assert!(section.contains("<g class=\"ex\"><title>Other &lt;'&amp;&quot;&gt; · n=12"));
    // Coordinates carry at most one decimal.
    for attr in [
        " x=\"",
        " y=\"",
        "width=\"",
        "height=\"",
        "x1=\"",
        "y2=\"",
        " r=\"",
    ] {
        for (i, _) in section.match_indices(attr) {
            let v = &section[i + attr.len()..];
            let v = &v[..v.find('"').unwrap()];
            assert!(v.parse::<f64>().is_ok(), "{attr}{v}");
            assert!(
                v.split('.').nth(1).is_none_or(|d| d.len() == 1),
                "{attr}{v}"
            );
        }
    }
    // Every page embeds the one stylesheet; the section is only on pages that have figures.
    assert!(html.contains(assay_render::page::STYLESHEET));
    assert!(!render_html(&html_report()).contains("<section id=\"model\">"));
    if let Ok(path) = std::env::var("ASSAY_MODEL_HTML_OUT") {
        std::fs::write(path, &html).unwrap();
    }
}

#[test]
fn markdown_model_tables_are_escaped() {
    let md = render_markdown(&model_report());
    assert!(md.contains("\n### Model\n\n| Metric | Value | 95% CI | Baseline | Status |\n"));
    assert!(md.contains("| `f1` | 0.7104 | [0.6932, 0.7271] | – | **FAIL** |"));
    assert!(md.contains("\n### Regression gate\n"));
    assert!(md.contains("| `log_loss` | 0.2791 | 0.2702 | +3.3% relative | 0.031 | **FAIL** |"));
    assert!(md.contains(
        "| `disparate_impact` | race | 0.292 | – | Amer-Indian-Eskimo | Asian-Pac-Islander | **FAIL** |"
    ));
    assert!(md.contains("| `equalized_odds_difference` | sex × race | – | – | – | – | **ERROR** |"));
    assert!(!md.contains(LOW));
    // Every table row of the model sections has its cell borders intact.
    for line in md.lines().filter(|l| l.starts_with("| `")) {
        let borders = line.matches('|').count() - line.matches("\\|").count();
        assert!((6..=8).contains(&borders), "{line}");
    }
    // Reports without model results keep their Markdown unchanged: no model section.
    let plain = render_markdown(&sample_report());
    assert!(!plain.contains("### Model") && !plain.contains("### Fairness"));
}

// ---------------------------------------------------------------------------------------
// Model validation: cross-validation, generalization, sensitivity, robustness, performance

/// An error message every format must escape.
const NASTY_ERROR: &str = "trainer exited with status 1: ValueError: Input contains NaN <'&\">";
/// An unseen category with markup characters.
const NASTY_CATEGORY: &str = "<?> & \"unknown\"";

/// A log-spaced latency histogram as `performance.latency` writes it: edges `10^(k/10)` ms
/// from `first_k`, with `counts`.
fn latency_histogram(first_k: i32, counts: &[u64]) -> Value {
    Value::Array(
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({"upper_ms": 10f64.powf(f64::from(first_k + i as i32) / 10.0), "count": c})
            })
            .collect(),
    )
}

/// The Adult income model validated: figures from `assay crossval`, `assay check
/// examples/adult/validate.yaml`, `examples/adult/sensitivity.yaml` and `assay bench-model`
/// on the Adult data (rounded), with one cross-validation fold that failed, a duplicated Sobol
/// entry (the same index under a stricter condition), a counterfactual result and a skipped
/// memory result.
fn validation_report() -> Report {
    // (repeat, fold, validation, training, trivial) per metric; repeat 1 fold 2 failed.
    type Fold = (u32, u32, Option<f64>, Option<f64>, f64);
    let folds = |scores: &[Fold]| -> Value {
        Value::Array(
            scores
                .iter()
                .map(|&(repeat, fold, score, train, trivial)| {
                    let failed = score.is_none();
                    json!({"repeat": repeat, "fold": fold,
                           "train_rows": if fold == 2 { 15196 } else { 15195 },
                           "test_rows": if fold == 2 { 7597 } else { 7598 },
                           "score": score, "train_score": train,
                           "trivial_score": if failed { None } else { Some(trivial) },
                           "seconds": if failed { 0.41 } else { 5.34 - f64::from(fold) * 0.9 },
                           "status": if failed { "error" } else { "ok" },
                           "error": if failed { Some(NASTY_ERROR) } else { None }})
                })
                .collect(),
        )
    };
    let roc_folds = folds(&[
        (0, 0, Some(0.8572), Some(0.8681), 0.5),
        (0, 1, Some(0.8608), Some(0.8672), 0.5),
        (0, 2, Some(0.8671), Some(0.866), 0.5),
        (1, 0, Some(0.8597), Some(0.8669), 0.5),
        (1, 1, Some(0.8634), Some(0.8675), 0.5),
        (1, 2, None, None, 0.5),
    ]);
    let accuracy_folds = folds(&[
        (0, 0, Some(0.8336), Some(0.8408), 0.7603),
        (0, 1, Some(0.8375), Some(0.8392), 0.7603),
        (0, 2, Some(0.8395), Some(0.8394), 0.7603),
        (1, 0, Some(0.8352), Some(0.8401), 0.7603),
        (1, 1, Some(0.8381), Some(0.8397), 0.7603),
        (1, 2, None, None, 0.7603),
    ]);
    let log_loss_folds = folds(&[
        (0, 0, Some(0.3697), Some(0.3596), 0.5507),
        (0, 1, Some(0.3676), Some(0.3604), 0.5507),
        (0, 2, Some(0.3615), Some(0.3622), 0.5507),
        (1, 0, Some(0.3683), Some(0.3601), 0.5507),
        (1, 1, Some(0.3652), Some(0.3611), 0.5507),
        (1, 2, None, None, 0.5507),
    ]);
    let failed_message = format!("1 of 6 folds failed (repeat 1 fold 2: {NASTY_ERROR})");
    let crossval = |metric: &str,
                    status: Status,
                    summary: [f64; 6],
                    higher: bool,
                    condition: &str,
                    threshold: f64,
                    fold_table: &Value| {
        let [mean, sd, lo, hi, train, trivial] = summary;
        result(
            "crossval.score",
            Some(metric),
            status,
            Some(mean),
            Some(threshold),
            Some(condition),
            &format!("{metric} {mean} ± {sd} (sd) over 5 folds; {failed_message}"),
            json!({"metric": metric, "mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi,
                   "confidence": 0.95, "n_folds": 5, "failed_folds": 1, "train_mean": train,
                   "trivial_mean": trivial, "higher_is_better": higher,
                   "splitter": "repeated_stratified_kfold",
                   "training": "external trainer `python3 train.py {train} {model}`",
                   "folds": fold_table}),
        )
    };
    let sobol = [
        ("age", 0.1098, 0.0405, 0.1913, 0.0378),
        ("fnlwgt", 0.0043, 0.0077, 0.0137, 0.0043),
        ("education-num", 0.1895, 0.0459, 0.2184, 0.0318),
        ("capital-gain", 0.3472, 0.0944, 0.3836, 0.0668),
        ("capital-loss", 0.0977, 0.0475, 0.1107, 0.0331),
        ("hours-per-week", 0.0932, 0.0367, 0.1542, 0.0228),
    ];
    let morris = [
        ("age", 0.0768, 0.2421, 0.3518, 0.0167),
        ("fnlwgt", -0.0093, 0.0706, 0.1183, 0.0061),
        ("education-num", 0.403, 0.4047, 0.3052, 0.0157),
        ("capital-gain", 0.2832, 0.2833, 0.4562, 0.0293),
        ("capital-loss", 0.1843, 0.1843, 0.3226, 0.0198),
        ("hours-per-week", 0.2265, 0.2387, 0.208, 0.0128),
    ];
    // (input, swing, nominal, sweep inputs, sweep outputs)
    type Sweep = (&'static str, f64, f64, [f64; 6], [f64; 6]);
    let oat: [Sweep; 6] = [
        (
            "age",
            0.3573,
            53.5,
            [17.0, 31.6, 46.2, 60.8, 75.4, 90.0],
            [0.0203, 0.1824, 0.3775, 0.349, 0.3267, 0.245],
        ),
        (
            "fnlwgt",
            0.1085,
            177624.5,
            [13769.0, 106963.4, 157597.6, 194832.8, 256428.0, 1484705.0],
            [0.3531, 0.3647, 0.3947, 0.3947, 0.3882, 0.4616],
        ),
        (
            "education-num",
            0.664,
            10.0,
            [1.0, 9.0, 9.0, 10.0, 13.0, 16.0],
            [0.117, 0.3195, 0.3195, 0.3947, 0.5901, 0.7809],
        ),
        (
            "capital-gain",
            0.5828,
            0.0,
            [0.0, 0.0, 0.0, 0.0, 0.0, 99999.0],
            [0.3947, 0.3947, 0.3947, 0.3947, 0.3947, 0.9775],
        ),
        (
            "capital-loss",
            0.3508,
            0.0,
            [0.0, 0.0, 0.0, 0.0, 0.0, 3004.0],
            [0.3947, 0.3947, 0.3947, 0.3947, 0.3947, 0.7455],
        ),
        (
            "hours-per-week",
            0.2758,
            45.232,
            [1.0, 28.648, 40.1, 50.908, 64.994, 99.0],
            [0.1444, 0.1315, 0.2936, 0.4073, 0.4036, 0.4028],
        ),
    ];
    let importance = [
        ("age", 0.1169, 0.0061),
        ("fnlwgt", 0.0005, 0.0005),
        ("education-num", 0.0727, 0.002),
        ("capital-gain", 0.0613, 0.0015),
        ("capital-loss", 0.0246, 0.001),
        ("hours-per-week", 0.0327, 0.0009),
    ];
    let mut results = vec![
        crossval(
            "roc_auc",
            Status::Fail,
            [0.8616, 0.0039, 0.8568, 0.8665, 0.8671, 0.5],
            true,
            "value >= 0.85",
            0.85,
            &roc_folds,
        ),
        crossval(
            "accuracy",
            Status::Fail,
            [0.8368, 0.0023, 0.8339, 0.8396, 0.8398, 0.7603],
            true,
            "value > 0.7603",
            0.7603,
            &accuracy_folds,
        ),
        crossval(
            "log_loss",
            Status::Fail,
            [0.3665, 0.0031, 0.3626, 0.3703, 0.3607, 0.5507],
            false,
            "value < 0.5507",
            0.5507,
            &log_loss_folds,
        ),
        result(
            "crossval.beats_baseline",
            Some("roc_auc"),
            Status::Pass,
            Some(0.0000792),
            Some(0.05),
            Some("value < 0.05"),
            "roc_auc: the model beats the trivial predictor by +0.3616 on average over 5 folds",
            json!({"metric": "roc_auc", "mean_improvement": 0.3616, "t": 79.43,
                   "p_value": 0.0000792, "test_train_ratio": 0.5, "folds": roc_folds}),
        ),
        result(
            "generalization.overfitting",
            Some("roc_auc"),
            Status::Pass,
            Some(0.0054),
            Some(0.02),
            Some("value <= 0.02"),
            "roc_auc: training 0.8671, validation 0.8616: mean gap +0.0054",
            json!({"metric": "roc_auc", "train_mean": 0.8671, "validation_mean": 0.8616,
                   "largest_gap": 0.0109, "relative": false, "folds": roc_folds}),
        ),
        result(
            "generalization.overfitting",
            Some("log_loss"),
            Status::Warn,
            Some(0.0161),
            Some(0.01),
            Some("value <= 0.01"),
            "log_loss: training 0.3607, validation 0.3665: mean relative gap +0.0161",
            json!({"metric": "log_loss", "train_mean": 0.3607, "validation_mean": 0.3665,
                   "largest_gap": 0.0281, "relative": true, "folds": log_loss_folds}),
        ),
        result(
            "generalization.fold_variance",
            Some("roc_auc"),
            Status::Pass,
            Some(0.0045),
            Some(0.1),
            Some("value <= 0.1"),
            "roc_auc varies from 0.8572 to 0.8671 over 5 folds",
            json!({"metric": "roc_auc", "measure": "cv", "mean": 0.8616, "sd": 0.0039,
                   "cv": 0.0045, "min": 0.8572, "max": 0.8671, "range": 0.0099}),
        ),
        result(
            "generalization.fold_variance",
            Some("accuracy"),
            Status::Pass,
            Some(0.0023),
            Some(0.01),
            Some("value <= 0.01"),
            "accuracy varies from 0.8336 to 0.8395 over 5 folds",
            json!({"metric": "accuracy", "measure": "sd", "mean": 0.8368, "sd": 0.0023,
                   "cv": 0.0027, "min": 0.8336, "max": 0.8395, "range": 0.0059}),
        ),
        result(
            "generalization.unseen_segments",
            Some("race"),
            Status::Pass,
            Some(0.0167),
            Some(0.05),
            Some("value <= 0.05"),
            "roc_auc on 5 held-out values of `race`: 0.8441 vs 0.8608 (drop +0.0167)",
            json!({"metric": "roc_auc", "held_out_score": 0.8441, "crossval_score": 0.8608,
                   "reference_value": 0.8608, "folds": 3,
                   "values": [{"value": "Amer-Indian-Eskimo", "rows": 209, "score": 0.8331},
                              {"value": "Asian-Pac-Islander", "rows": 710, "score": 0.8643},
                              {"value": "Black", "rows": 2216, "score": 0.8781},
                              {"value": "Other", "rows": 193, "score": 0.9282},
                              {"value": "White", "rows": 19465, "score": 0.8505}]}),
        ),
        result(
            "generalization.validation_coverage",
            Some("age"),
            Status::Pass,
            Some(0.0),
            Some(0.01),
            Some("value <= 0.01"),
            "0% of production values lie outside the validation range [17, 90]",
            json!({"validation_min": 17.0, "validation_max": 90.0, "below": 0, "above": 0,
                   "outside_rows": 0}),
        ),
        result(
            "generalization.validation_coverage",
            Some("hours-per-week"),
            Status::Pass,
            Some(0.0003),
            Some(0.01),
            Some("value <= 0.01"),
            "0.03% of production values lie outside the validation range [1, 98]",
            json!({"validation_min": 1.0, "validation_max": 98.0, "below": 0, "above": 3,
                   "outside_rows": 3}),
        ),
        result(
            "generalization.validation_coverage",
            Some("native-country"),
            Status::Warn,
            Some(0.0002),
            Some(0.0),
            Some("value <= 0"),
            "0.02% of production rows have a category validation never had",
            json!({"validation_categories": 40, "outside_rows": 2,
                   "unseen": [{"value": "Holand-Netherlands", "count": 1},
                              {"value": NASTY_CATEGORY, "count": 1}]}),
        ),
        result(
            "generalization.validation_coverage",
            None,
            Status::Pass,
            Some(0.0005),
            Some(0.01),
            Some("value <= 0.01"),
            "0.05% of 9768 production rows have at least one feature outside",
            json!({"rows": 9768, "uncovered_rows": 5, "features": 6}),
        ),
    ];
    let plain = |id: &str, column: &str, value: f64, message: String, d: Value| {
        result(
            id,
            Some(column),
            Status::Pass,
            Some(value),
            None,
            Some("value > -inf"),
            &message,
            d,
        )
    };
    for (input, s1, s1c, st, stc) in sobol {
        results.push(plain(
            "sensitivity.sobol",
            input,
            st,
            format!("S1 {s1} ± {s1c}, ST {st} ± {stc} of the variance of P(>50K)"),
            json!({"s1": s1, "s1_conf": s1c, "st": st, "st_conf": stc, "index": "st",
                   "base_samples": 1024, "evaluations": 8192,
                   "distribution": "the data's distribution"}),
        ));
    }
    // The same index again under a stricter condition: one row, this result's status.
    results.push(result(
        "sensitivity.sobol",
        Some("fnlwgt"),
        Status::Warn,
        Some(0.0137),
        Some(0.01),
        Some("value <= 0.01"),
        "S1 0.0043 ± 0.0077, ST 0.0137 ± 0.0043 of the variance of P(>50K)",
        json!({"s1": 0.0043, "s1_conf": 0.0077, "st": 0.0137, "st_conf": 0.0043, "index": "st",
               "base_samples": 1024, "evaluations": 8192}),
    ));
    for (input, mu, mu_star, sigma, conf) in morris {
        results.push(plain(
            "sensitivity.morris",
            input,
            mu_star,
            format!("μ* {mu_star} ± {conf}, μ {mu}, σ {sigma}"),
            json!({"mu": mu, "mu_star": mu_star, "sigma": sigma, "mu_star_conf": conf,
                   "trajectories": 1024, "levels": 6, "evaluations": 7168}),
        ));
    }
    for (input, swing, nominal, xs, ys) in oat {
        let slope = (ys[5] - ys[0]) / (xs[5] - xs[0]);
        results.push(plain(
            "sensitivity.oat",
            input,
            swing,
            format!("P(>50K) swings by {swing} as `{input}` goes over its range"),
            json!({"swing": swing, "nominal": nominal, "nominal_output": 0.3947,
                   "inputs": xs, "outputs": ys, "slope": slope}),
        ));
    }
    for (input, mean, sd) in importance {
        results.push(plain(
            "sensitivity.permutation_importance",
            input,
            mean,
            format!("shuffling `{input}` costs +{mean} roc_auc (± {sd} over 5 repeats)"),
            json!({"metric": "roc_auc", "importance": mean, "sd": sd, "baseline_score": 0.8699,
                   "repeats": [mean, mean, mean, mean, mean], "rows": 9768}),
        ));
    }
    results.extend([
        result(
            "robustness.noise",
            None,
            Status::Pass,
            Some(0.0261),
            Some(0.05),
            Some("value <= 0.05"),
            "with noise of 0.05 sd on every input, 2.61% of 9768 predicted classes flip",
            json!({"scale": 0.05, "repeats": 3, "rows": 9768, "mean_abs_change": 0.0274,
                   "output": "P(>50K)",
                   "inputs": [{"input": "capital-gain", "flip_rate": 0.0182, "sd": 7569.58},
                              {"input": "capital-loss", "flip_rate": 0.007, "sd": 403.7},
                              {"input": "hours-per-week", "flip_rate": 0.0021, "sd": 12.36},
                              {"input": "age", "flip_rate": 0.0018, "sd": 13.44},
                              {"input": "fnlwgt", "flip_rate": 0.0009, "sd": 107015.3},
                              {"input": "education-num", "flip_rate": 0.0, "sd": 2.56}]}),
        ),
        result(
            "robustness.monotonicity",
            Some("education-num"),
            Status::Warn,
            Some(0.2),
            Some(0.0),
            Some("value == 0"),
            "20.00% of 300 rows break `education-num` increasing",
            json!({"direction": "increasing", "rows": 300, "violating_rows": 60,
                   "largest_violation": 0.0117, "grid": {"low": 1.0, "high": 16.0, "levels": 10}}),
        ),
        result(
            "robustness.monotonicity",
            Some("capital-gain"),
            Status::Warn,
            Some(0.12),
            Some(0.0),
            Some("value == 0"),
            "12.00% of 300 rows break `capital-gain` increasing",
            json!({"direction": "increasing", "rows": 300, "violating_rows": 36,
                   "largest_violation": 0.0288,
                   "grid": {"low": 0.0, "high": 99999.0, "levels": 10}}),
        ),
        result(
            "fairness.counterfactual_invariance",
            Some("sex"),
            Status::Fail,
            Some(0.0141),
            Some(0.01),
            Some("value <= 0.01"),
            "changing only `sex` changes the prediction of 1.41% of 9768 rows",
            json!({"rows": 9768, "changed_rows": 138, "mean_abs_change": 0.0123,
                   "values": [{"value": 0.0, "rows": 6551, "changed": 97, "share": 0.0148},
                              {"value": 1.0, "rows": 3217, "changed": 41, "share": 0.0127}]}),
        ),
    ]);
    let latency = [
        (
            1,
            -18,
            vec![
                54757, 24656, 605, 181, 52, 101, 176, 135, 59, 25, 48, 51, 9, 5, 0, 0, 2, 1, 1, 0,
                2, 1, 13, 8, 4, 126, 2, 1,
            ],
            [0.0155, 0.0165, 0.0327, 6.7, 0.0237, 42106.49],
            81021,
        ),
        (
            8,
            -14,
            vec![
                15, 28139, 383, 161, 211, 110, 11, 6, 6, 19, 7, 7, 3, 1, 2, 2, 5, 3, 5, 4, 7, 130,
                4, 0, 2, 0, 0, 0, 0, 0, 1,
            ],
            [0.0432, 0.0454, 0.1058, 33.5602, 0.0679, 117886.16],
            29244,
        ),
        (
            64,
            -6,
            vec![2818, 4315, 54, 4, 3, 1, 0, 2, 4, 2, 1, 0, 2, 29],
            [0.2534, 0.2759, 0.3301, 4.507, 0.2759, 231968.95],
            7235,
        ),
        (
            512,
            3,
            vec![920, 11, 11, 6, 2, 39, 2],
            [1.8194, 1.904, 5.9692, 7.2536, 2.0216, 253262.13],
            991,
        ),
    ];
    for (batch, first_k, counts, [p50, p90, p99, max, mean, rows_per_s], iterations) in latency {
        let status = if p99 <= 5.0 {
            Status::Pass
        } else {
            Status::Fail
        };
        results.push(result(
            "performance.latency",
            Some(&format!("batch {batch}")),
            status,
            Some(p99),
            Some(5.0),
            Some("value <= 5"),
            &format!("batch {batch}: p99 {p99} ms (p50 {p50}, p90 {p90}, max {max}) over {iterations} calls"),
            json!({"model": "models/adult_gbt.onnx", "batch_rows": batch, "percentile": "p99",
                   "iterations": iterations, "p50_ms": p50, "p90_ms": p90, "p99_ms": p99,
                   "max_ms": max, "mean_ms": mean, "rows_per_s": rows_per_s,
                   "histogram": latency_histogram(first_k, &counts)}),
        ));
    }
    results.extend([
        result(
            "performance.throughput",
            Some("1 thread"),
            Status::Pass,
            Some(200297.63),
            Some(100000.0),
            Some("value >= 100000"),
            "200298 rows/s with 1 thread(s) (100000 rows in 0.499 s)",
            json!({"model": "models/adult_gbt.onnx", "threads": 1, "rows": 100000,
                   "seconds": 0.4993, "speedup": 1.0}),
        ),
        result(
            "performance.throughput",
            Some("2 threads"),
            Status::Pass,
            Some(177341.42),
            Some(100000.0),
            Some("value >= 100000"),
            "177341 rows/s with 2 thread(s) (100000 rows in 0.564 s), 0.89× one thread",
            json!({"model": "models/adult_gbt.onnx", "threads": 2, "rows": 100000,
                   "seconds": 0.5639, "speedup": 0.8854}),
        ),
        result(
            "performance.memory",
            None,
            Status::Pass,
            Some(69.59),
            Some(1024.0),
            Some("value <= 1024"),
            "peak memory 69.6 MiB (the model itself 0.7 MiB)",
            json!({"model": "models/adult_gbt.onnx", "peak_mib": 69.59, "model_mib": 0.668}),
        ),
        result(
            "performance.memory",
            None,
            Status::Skipped,
            None,
            None,
            None,
            "memory figures are unavailable on this platform (/proc/self/status)",
            json!({}),
        ),
        result(
            "performance.load_time",
            None,
            Status::Pass,
            Some(7.9363),
            Some(5000.0),
            Some("value <= 5000"),
            "models/adult_gbt.onnx loads in 7.9 ms",
            json!({"model": "models/adult_gbt.onnx", "baseline_load_ms": 1.5728}),
        ),
        result(
            "performance.regression",
            Some("batch 1"),
            Status::Pass,
            Some(0.928),
            Some(1.2),
            Some("value <= 1.2"),
            "batch 1: p50 0.018 ms vs baseline 0.019 ms (0.93×)",
            json!({"percentile": "p50", "model_ms": 0.0177, "baseline_ms": 0.0191,
                   "baseline": "models/adult_lr.onnx", "reference_value": 0.0191}),
        ),
        result(
            "performance.regression",
            Some("batch 64"),
            Status::Warn,
            Some(5.1771),
            Some(1.2),
            Some("value <= 1.2"),
            "batch 64: p50 0.295 ms vs baseline 0.057 ms (5.18×)",
            json!({"percentile": "p50", "model_ms": 0.2948, "baseline_ms": 0.0569,
                   "baseline": "models/adult_lr.onnx", "reference_value": 0.0569}),
        ),
        result(
            "performance.regression",
            Some("throughput"),
            Status::Warn,
            Some(5.39),
            Some(1.2),
            Some("value <= 1.2"),
            "throughput with 2 threads: 158321 rows/s vs baseline 853348 (5.39× slower)",
            json!({"model_rows_per_s": 158320.69, "baseline_rows_per_s": 853348.32,
                   "threads": 2}),
        ),
    ]);
    let summary = Summary::of(&results);
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        assay_version: "0.1.0".to_string(),
        suite: "adult-model-validation".to_string(),
        current: DatasetInfo {
            sources: vec!["examples/adult/adult_current.csv".to_string()],
            rows: 9768,
            columns: 15,
            from_profile: false,
            reads: 1,
            computed: None,
        },
        reference: Some(DatasetInfo {
            sources: vec!["examples/adult/adult_reference.csv".to_string()],
            rows: 22793,
            columns: 15,
            from_profile: false,
            reads: 1,
            computed: None,
        }),
        summary,
        results,
        distributions: vec![],
    }
}

/// The `<section id="…">` of a page.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").expect("end of section") + "</section>".len()]
}

#[test]
fn snapshot_html_crossval_section() {
    let html = render_html(&validation_report());
    insta::assert_snapshot!(section(&html, "crossval"));
}

#[test]
fn snapshot_html_sensitivity_section() {
    let html = render_html(&validation_report());
    insta::assert_snapshot!(section(&html, "sensitivity"));
}

#[test]
fn snapshot_html_performance_section() {
    let html = render_html(&validation_report());
    insta::assert_snapshot!(section(&html, "performance"));
}

#[test]
fn snapshot_markdown_validation() {
    insta::assert_snapshot!(render_markdown(&validation_report()));
}

#[test]
fn html_validation_sections_are_escaped_complete_and_ordered() {
    let report = validation_report();
    let html = render_html(&report);
    assert_no_raw_markup(&html);
    assert!(!html.contains("<script"));
    if let Ok(path) = std::env::var("ASSAY_VALIDATION_HTML_OUT") {
        std::fs::write(path, &html).unwrap();
    }
    // No model section (the counterfactual result is shown with sensitivity, not as a group
    // fairness measure); the validation sections come before the results.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(!html.contains("<section id=\"model\">"));
    assert!(at("<section id=\"crossval\">") < at("<section id=\"sensitivity\">"));
    assert!(at("<section id=\"sensitivity\">") < at("<section id=\"performance\">"));
    assert!(at("<section id=\"performance\">") < at("<section id=\"results\">"));

    let cv = section(&html, "crossval");
    // The summary: one row per metric, the mean with its t interval, the failed fold counted.
    let roc = cv
        .lines()
        .find(|l| l.contains("<code>roc_auc</code> <span"))
        .expect("roc_auc row");
    assert!(
        roc.contains(">0.8616<")
            && roc.contains("[0.8568, 0.8665] <span class=\"dim\">95% t</span>")
    );
    assert!(
        roc.contains("5 <span class=\"dim\">scored</span> · 1 <span class=\"dim\">failed</span>")
    );
    // One fold table per metric, opened because a fold failed, the error escaped.
    assert_eq!(cv.matches("<details class=\"folds\" open>").count(), 3);
    assert_eq!(
        cv.matches("<div class=\"err\">trainer exited with status 1: ValueError: Input contains NaN &lt;'&amp;&quot;&gt;</div>").count(),
        3
    );
    assert!(!html.contains(NASTY_ERROR));
    // 6 folds per table, 5 of them ok.
    assert_eq!(
        cv.matches("<span class=\"chip s-pass\">ok</span>").count(),
        15
    );
    // Generalization: the relative gap as a percentage, the measure compared marked.
    assert!(cv.contains("+1.6% <span class=\"dim\">relative</span>"));
    assert_eq!(
        cv.matches("<b title=\"compared by the condition\">")
            .count(),
        2
    );
    // Unseen values: a bar per value, the cross-validated score as a line.
    let unseen = &cv[cv.find("aria-label=\"held-out scores of race\"").unwrap()..];
    let unseen = &unseen[..unseen.find("</svg>").unwrap()];
    assert_eq!(unseen.matches("<g><title>").count(), 5);
    assert!(unseen.contains("<g><title>Amer-Indian-Eskimo · n=209 · roc_auc 0.8331</title>"));
    assert!(unseen.contains(">cross-validated 0.8608</text>"));
    // Coverage: range, categories (escaped), joint.
    assert!(cv.contains("<td class=\"n\">[1, 98]</td>"));
    assert!(cv.contains("<code>&lt;?&gt; &amp; &quot;unknown&quot;</code> (1)"));
    assert!(cv.contains("<td class=\"n\">5 of 9,768</td>"));

    let s = section(&html, "sensitivity");
    for label in [
        "Sobol indices",
        "Morris screening",
        "one-at-a-time swing",
        "permutation importance",
        "noise robustness per input",
    ] {
        assert_eq!(
            s.matches(&format!("aria-label=\"{label}\"")).count(),
            1,
            "{label}"
        );
    }
    // Sobol: one row per input (the duplicate folded, its warn kept), largest ST first, two
    // bars and two error bars each.
    let sobol = &s[s.find("aria-label=\"Sobol indices\"").unwrap()..];
    let sobol = &sobol[..sobol.find("</svg>").unwrap()];
    assert_eq!(sobol.matches("<g><title>").count(), 6);
    assert!(
        sobol.find("<title>capital-gain").unwrap() < sobol.find("<title>education-num").unwrap()
    );
    assert!(sobol.contains("<title>fnlwgt · S1 0.0043 ± 0.0077 · ST 0.0137 ± 0.0043</title>"));
    assert_eq!(sobol.matches("class=\"eb\"").count(), 12);
    let caption = &s[..s.find("aria-label=\"Sobol indices\"").unwrap()];
    assert!(caption.ends_with(
        "<span class=\"chip s-warn\" title=\"sensitivity.sobol [age]: pass\nsensitivity.sobol [fnlwgt]: warn\nsensitivity.sobol [education-num]: pass\nsensitivity.sobol [capital-gain]: pass\nsensitivity.sobol [capital-loss]: pass\nsensitivity.sobol [hours-per-week]: pass\">warn</span></figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 480 204\" role=\"img\" "
    ));
    // Morris: one labelled point per input.
    let morris = &s[s.find("aria-label=\"Morris screening\"").unwrap()..];
    let morris = &morris[..morris.find("</svg>").unwrap()];
    assert_eq!(morris.matches("<circle class=\"pt\"").count(), 6);
    assert_eq!(texts_with(morris, "class=\"ml\"").len(), 6);
    assert!(morris.contains(">σ = μ*</text>"));
    // Noise: percentages.
    assert!(s.contains(">1.8%</text>"));
    // Monotonicity and counterfactual tables.
    assert!(s.contains("20% <span class=\"dim\">(60 of 300)</span>"));
    assert!(s.contains("<code>0</code> 1.5% <span class=\"dim\">of 6,551</span>"));

    let p = section(&html, "performance");
    assert!(p.contains("<h2>Inference performance<span class=\"dim\">model <code>models/adult_gbt.onnx</code></span></h2>"));
    // The percentile compared is marked; batch 512 fails its p99 budget.
    assert_eq!(
        p.matches("<b title=\"compared by the condition\">").count(),
        4
    );
    assert!(p.contains("<b title=\"compared by the condition\">5.9692</b>"));
    // A histogram per batch size, one bar per non-empty bin, p50 and p99 marked.
    for (batch, bins) in [(1, 25), (8, 25), (64, 12), (512, 7)] {
        let h = &p[p
            .find(&format!("aria-label=\"call times of batch {batch}\""))
            .unwrap()..];
        let h = &h[..h.find("</svg>").unwrap()];
        assert_eq!(
            h.matches("<rect class=\"c\"").count(),
            bins,
            "batch {batch}"
        );
        assert!(h.contains(">p50 ") && h.contains(">p99 "), "batch {batch}");
    }
    assert!(p.contains("<title>(0.01259, 0.01585] ms · 54,757 calls (67.6%)</title>"));
    // Throughput, memory (the skipped result left out), load time, regression ratios.
    assert!(p.contains(">2 threads (0.89×)</text>"));
    assert_eq!(p.matches("Peak memory").count(), 1);
    assert!(p.contains("<td class=\"n\">7.9363 ms</td><td>baseline model 1.5728 ms</td>"));
    assert!(p.contains("<td>batch 64 · p50</td><td class=\"n\">0.2948 ms</td><td class=\"n\">0.0569 ms</td><td class=\"n\">5.18×</td>"));
    assert!(p.contains("<td>throughput · 2 threads</td><td class=\"n\">158,321 rows/s</td><td class=\"n\">853,348 rows/s</td><td class=\"n\">5.39×</td>"));

    // Coordinates carry at most one decimal.
    for part in [cv, s, p] {
        for attr in [
            " x=\"",
            " y=\"",
            "width=\"",
            "height=\"",
            "x1=\"",
            "y2=\"",
            "cx=\"",
        ] {
            for (i, _) in part.match_indices(attr) {
                let v = &part[i + attr.len()..];
                let v = &v[..v.find('"').unwrap()];
                assert!(v.parse::<f64>().is_ok(), "{attr}{v}");
                assert!(
                    v.split('.').nth(1).is_none_or(|d| d.len() == 1),
                    "{attr}{v}"
                );
            }
        }
    }
    // The sections are only on pages that have their figures.
    assert!(!render_html(&model_report()).contains("<section id=\"crossval\">"));
}

#[test]
fn html_validation_sections_survive_malformed_details() {
    let mut report = validation_report();
    for r in &mut report.results {
        r.value = None;
        for v in r.details.values_mut() {
            *v = match v {
                Value::Number(_) => json!("NaN"),
                Value::Array(_) => json!({"not": "a list"}),
                Value::String(_) => json!(17),
                _ => json!([1, 2]),
            };
        }
    }
    let html = render_html(&report);
    assert_no_raw_markup(&html);
    // Every figure is missing or mistyped: no validation section, the results still listed.
    assert!(!html.contains("<section id=\"crossval\">"));
    assert!(!html.contains("<section id=\"sensitivity\">"));
    assert!(!html.contains("<section id=\"performance\">"));
    assert!(html.contains(&format!("<h2>Results ({})</h2>", report.results.len())));
    let md = render_markdown(&report);
    assert!(!md.contains("### Cross-validation") && !md.contains("### Sensitivity"));
    assert!(!md.contains("### Performance"));
}

#[test]
fn markdown_validation_tables() {
    let md = render_markdown(&validation_report());
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("\n### Cross-validation\n") < at("\n### Sensitivity\n"));
    assert!(at("\n### Sensitivity\n") < at("\n### Performance\n"));
    assert!(at("\n### Performance\n") < at("\n### Failures, errors and warnings\n"));
    assert!(md.contains("| Metric | Mean ± sd | 95% CI | Trivial | Folds | Status |\n"));
    assert!(md.contains(
        "| `log_loss` | 0.3665 ± 0.0031 | [0.3626, 0.3703] | 0.5507 | 5 (1 failed) | **FAIL** |"
    ));
    // One row per input (the duplicated Sobol entry folded), every figure of each method.
    assert!(md.contains(
        "| Input | S1 ± conf | ST ± conf | μ\\* | σ | Swing | Importance ± sd |\n|---|---:|---:|---:|---:|---:|---:|\n"
    ));
    assert_eq!(md.matches("\n| fnlwgt |").count(), 1);
    assert!(md.contains(
        "| capital-gain | 0.3472 ± 0.0944 | 0.3836 ± 0.0668 | 0.2833 | 0.4562 | 0.5828 | 0.0613 ± 0.0015 |"
    ));
    assert!(md.contains("| 512 | 1.8194 | 1.904 | 5.9692 | 7.2536 | 253,262 | **FAIL** |"));
    // The fold error is escaped wherever it appears.
    assert!(!md.contains(NASTY_ERROR));
    // Table rows keep their borders.
    let start = at("\n### Cross-validation\n");
    let end = at("\n### Failures");
    for line in md[start..end].lines().filter(|l| l.starts_with('|')) {
        let borders = line.matches('|').count() - line.matches("\\|").count();
        assert!((7..=8).contains(&borders), "{line}");
    }
    // Reports without these results keep their Markdown: no such section.
    for plain in [
        render_markdown(&sample_report()),
        render_markdown(&model_report()),
    ] {
        assert!(!plain.contains("### Cross-validation") && !plain.contains("### Sensitivity"));
        assert!(!plain.contains("### Performance"));
    }
}

/// Only some figures present: the sensitivity table has only their columns, a cross-validation
/// whose every fold failed still lists its folds, a latency without histogram has no chart.
#[test]
fn partial_validation_results() {
    let results = vec![
        result(
            "crossval.score",
            Some("f1"),
            Status::Error,
            None,
            None,
            None,
            "1 of 1 folds failed",
            json!({"folds": [{"repeat": 0, "fold": 0, "train_rows": 10, "test_rows": 5,
                              "score": null, "status": "error", "error": "boom <b>"}]}),
        ),
        result(
            "sensitivity.morris",
            Some("x1"),
            Status::Pass,
            Some(0.5),
            None,
            None,
            "",
            json!({"mu_star": 0.5, "sigma": 0.1}),
        ),
        result(
            "performance.latency",
            Some("batch 1"),
            Status::Pass,
            Some(0.2),
            None,
            None,
            "",
            json!({"batch_rows": 1, "p50_ms": 0.1, "p99_ms": 0.2}),
        ),
    ];
    let report = Report {
        summary: Summary::of(&results),
        results,
        ..sample_report()
    };
    let md = render_markdown(&report);
    assert!(
        md.contains("| `f1` | – | – | – | 1 failed | **ERROR** |"),
        "{md}"
    );
    assert!(md.contains("| Input | μ\\* | σ |\n|---|---:|---:|\n| x1 | 0.5 | 0.1 |\n"));
    assert!(md.contains("| 1 | 0.1 | – | 0.2 | – | – | pass |"));
    let html = render_html(&report);
    assert_no_raw_markup(&html);
    let cv = section(&html, "crossval");
    assert!(cv.contains("<div class=\"err\">boom &lt;b&gt;</div>"));
    assert!(!section(&html, "sensitivity").contains("aria-label=\"Sobol indices\""));
    assert_eq!(section(&html, "sensitivity").matches("<circle").count(), 1);
    let p = section(&html, "performance");
    assert!(p.contains("<h3>Latency") && !p.contains("aria-label=\"call times"));
}

#[test]
fn one_error_failing_several_checks_is_told_once() {
    let mut report = sample_report();
    let error = report
        .results
        .iter()
        .find(|r| r.status == Status::Error)
        .unwrap()
        .clone();
    let cause = "external trainer `python train.py` exited with 1:\nTraceback (most recent call last):\nValueError: bad";
    let with = |id: &str| CheckResult {
        id: id.into(),
        column: None,
        message: cause.into(),
        ..error.clone()
    };
    report.results = vec![with("crossval.score"), with("generalization.overfitting")];
    let text = render_terminal(&report, &TerminalOptions::default());
    assert_eq!(text.matches("Traceback").count(), 1, "{text}");
    assert!(text.contains("ERROR generalization.overfitting — the same error as crossval.score\n"));
    assert!(text.contains(
        "exited with 1:\n        Traceback (most recent call last):\n        ValueError: bad\n"
    ));
    // More than one: on one line.
    report.results = vec![
        with("crossval.score"),
        with("crossval.score"),
        with("generalization.overfitting"),
        with("generalization.fold_variance"),
    ];
    let text = render_terminal(&report, &TerminalOptions::default());
    assert_eq!(text.matches("Traceback").count(), 1, "{text}");
    assert!(
        text.contains(
            "ERROR 3 more results (crossval.score, generalization.overfitting, \
             generalization.fold_variance) — the same error as crossval.score\n"
        ),
        "{text}"
    );
}
