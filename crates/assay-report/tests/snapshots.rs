//! Snapshot tests of every renderer on one hand-built report, plus targeted assertions.

use assay_report::{
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
        },
        reference: Some(DatasetInfo {
            sources: vec!["profiles/adult_train.profile.json".to_string()],
            rows: 16281,
            columns: 15,
            from_profile: true,
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
    insta::assert_snapshot!(render_html(&sample_report()));
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
fn terminal_concise_lists_only_problems_worst_first() {
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
    let skip = lines.iter().position(|l| l.starts_with("SKIP ")).unwrap();
    assert!(fail < error && error < warn && warn < skip);
    assert_eq!(
        lines[fail],
        "FAIL  integrity.null_share [workclass] value=0.05639 threshold=0.05 — 5.64% of values are null (1836 of 32561)"
    );
    assert!(!text.contains("PASS"));
    // The embedded newline of the error message is shown escaped, on one line.
    assert!(lines[error].ends_with("& more\\nsecond line"));
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
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
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

#[test]
fn html_is_self_contained_escaped_and_draws_each_distribution() {
    let report = sample_report();
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
    // Status chips for every status, and the verdict.
    for s in ["pass", "warn", "fail", "error", "skipped"] {
        assert!(
            html.contains(&format!("<span class=\"chip s-{s}\">{s}</span>")),
            "{s}"
        );
    }
    assert!(html.contains("<span class=\"verdict s-fail\">FAILED</span>"));
    // Charts: 10 numeric bins and 5 categories (4 labels + other), two bars each.
    let age = &html[html.find("aria-label=\"distribution of age\"").unwrap()..];
    let age = &age[..age.find("</svg>").unwrap()];
    assert_eq!(age.matches("<rect class=\"r\" x=").count(), 10 + 1);
    assert_eq!(age.matches("<rect class=\"c\" x=").count(), 10 + 1);
    assert!(age.contains(">17</text>") && age.contains(">90</text>"));
    assert!(age.contains("estimated from sketch"));
    let wc = &html[html
        .find("aria-label=\"distribution of workclass\"")
        .unwrap()..];
    let wc = &wc[..wc.find("</svg>").unwrap()];
    assert_eq!(wc.matches("<g><title>").count(), 5);
    assert!(wc.contains("<title>(other) · reference 10.7% · current 10.4%</title>"));
    assert!(!wc.contains("estimated"));
    // Coordinates carry at most one decimal.
    for attr in ["x=\"", "y=\"", "width=\"", "height=\""] {
        for (i, _) in wc.match_indices(attr) {
            let v = &wc[i + attr.len()..];
            let v = &v[..v.find('"').unwrap()];
            assert!(
                v.split('.').nth(1).is_none_or(|d| d.len() == 1),
                "{attr}{v}"
            );
        }
    }
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
    let chart = |column: &str| {
        let start = html
            .find(&format!("aria-label=\"distribution of {column}\""))
            .unwrap();
        let rest = &html[start..];
        rest[..rest.find("</svg>").unwrap()].to_string()
    };
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
    assert!(mixed.contains("reference (n=4)") && !mixed.contains("current (n="));
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
