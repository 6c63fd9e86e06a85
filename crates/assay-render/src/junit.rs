//! JUnit XML for CI test reporters (GitHub Actions, GitLab, Jenkins...).
//!
//! One `<testsuite>` named after the suite; one `<testcase>` per result, named `id[column]`
//! (or `id` for a dataset-level result) with the check family as `classname`:
//!
//! | status | JUnit |
//! |---|---|
//! | pass | a passing test case |
//! | warn | a passing test case whose `<system-out>` starts with `WARNING:` |
//! | fail | `<failure message=... type=ID>` with the figures as text |
//! | error | `<error message=... type=ID>` with the figures as text |
//! | skipped | `<skipped message=...>` |
//!
//! No timestamps or durations are written, so the output is reproducible.

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::numbers::format_value;
use crate::{CheckResult, RenderError, Report, Status};

/// Renders `report` as JUnit XML.
pub fn render_junit(report: &Report) -> Result<String, RenderError> {
    let mut suite = TestSuite::new(report.suite.as_str());
    suite.add_property(Property::new(
        "assay.version",
        report.assay_version.as_str(),
    ));
    suite.add_property(Property::new(
        "assay.schema_version",
        report.schema_version.to_string(),
    ));
    suite.add_property(Property::new(
        "current.rows",
        report.current.rows.to_string(),
    ));
    suite.add_property(Property::new(
        "current.sources",
        report.current.sources.join(", "),
    ));
    if let Some(r) = &report.reference {
        suite.add_property(Property::new("reference.rows", r.rows.to_string()));
        suite.add_property(Property::new("reference.sources", r.sources.join(", ")));
    }
    for r in &report.results {
        suite.add_test_case(test_case(r));
    }
    // `disabled` is quick-junit's count of skipped cases; most readers look for `skipped`.
    let skipped = suite.disabled.to_string();
    suite.extra.insert("skipped".into(), skipped.into());

    let mut junit = quick_junit::Report::new("assay");
    junit.add_test_suite(suite);
    let mut xml = junit.to_string()?;
    if !xml.ends_with('\n') {
        xml.push('\n');
    }
    Ok(xml)
}

fn test_case(r: &CheckResult) -> TestCase {
    let status = match r.status {
        Status::Pass | Status::Warn => TestCaseStatus::success(),
        Status::Fail | Status::Error => {
            let kind = if r.status == Status::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(one_line(&r.message));
            s.set_type(r.id.as_str());
            s.set_description(figures(r));
            s
        }
        Status::Skipped => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(one_line(&r.message));
            s
        }
    };
    let mut case = TestCase::new(r.display_name(), status);
    case.set_classname(r.family());
    if r.status == Status::Warn {
        case.set_system_out(format!("WARNING: {}", figures(r)));
    }
    case
}

/// `s` with line breaks as spaces: XML parsers normalize line breaks in attribute values.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The message in full, a blank line, then the figures behind the result, one `name: value`
/// per line.
fn figures(r: &CheckResult) -> String {
    let mut lines = vec![r.message.clone(), String::new(), format!("check: {}", r.id)];
    if let Some(c) = &r.column {
        lines.push(format!("column: {c}"));
    }
    lines.push(format!("status: {}", r.status));
    if let Some(v) = r.value {
        lines.push(format!("value: {}", format_value(v)));
    }
    if let Some(t) = r.threshold {
        lines.push(format!("threshold: {}", format_value(t)));
    }
    if let Some(c) = &r.condition {
        lines.push(format!("condition: {c}"));
    }
    lines.push(format!("severity: {}", r.severity));
    if !r.details.is_empty() {
        let details = serde_json::Value::Object(r.details.clone());
        lines.push(format!("details: {details}"));
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
