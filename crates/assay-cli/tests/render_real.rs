//! Every command's real report, rendered in every format.
//!
//! The renderers read the figures checks write into `details`; a renamed key would leave a
//! section empty while every snapshot of a hand-made report stays green. So each command runs
//! on shipped data, its JSON report is read back as the typed `Report`, the renderers' own
//! readers (`assay_render::model`, `validation`, `drift`) must find every figure the command
//! produced, and the HTML, Markdown, terminal and JUnit outputs must show them.

mod common;

use std::fs;
use std::path::Path;

use assay_render::{format_value, render, OutputFormat};
use assay_report::{Report, Status};
use common::*;

/// Runs `args` with every output format written to files in `dir`; returns the report and the
/// rendered texts by format name.
fn run_all_formats(dir: &Path, args: &[&str], ok_codes: &[i32]) -> (Report, Vec<(String, String)>) {
    let mut full: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    for f in OutputFormat::ALL {
        full.push("-o".into());
        full.push(format!(
            "{}={}",
            f.name(),
            dir.join(format!("out.{}", f.extension())).display()
        ));
    }
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    let r = assay(&refs);
    assert!(
        ok_codes.contains(&r.code),
        "{args:?}: exit {}\n{}",
        r.code,
        r.stderr
    );
    let json = fs::read_to_string(dir.join("out.json")).unwrap();
    let report: Report = serde_json::from_str(&json).unwrap();
    let texts = OutputFormat::ALL
        .iter()
        .map(|f| {
            let text = fs::read_to_string(dir.join(format!("out.{}", f.extension()))).unwrap();
            // The files are what `render` gives for the report read back.
            if *f != OutputFormat::Terminal {
                assert_eq!(
                    text,
                    render(&report, *f, false, false).unwrap(),
                    "{args:?}: {} file differs from rendering the JSON report",
                    f.name()
                );
            }
            (f.name().to_string(), text)
        })
        .collect();
    (report, texts)
}

fn text<'a>(texts: &'a [(String, String)], format: &str) -> &'a str {
    &texts.iter().find(|(f, _)| f == format).unwrap().1
}

/// Every result appears in the JUnit XML (one test case each); the terminal text lists every
/// result that did not pass and the summary's counts (passes are collapsed unless verbose).
fn every_result_listed(report: &Report, texts: &[(String, String)]) {
    let junit = text(texts, "junit");
    assert_eq!(
        junit.matches("<testcase").count(),
        report.results.len(),
        "one JUnit test case per result"
    );
    let terminal = text(texts, "terminal");
    for r in report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Warn | Status::Error))
    {
        assert!(
            terminal.contains(&r.id),
            "{} missing from the terminal output",
            r.id
        );
    }
    let s = &report.summary;
    assert!(
        terminal.contains(&format!("{} passed", s.passed)),
        "terminal summary lacks {} passed:\n{terminal}",
        s.passed
    );
}

#[test]
fn evaluate_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (report, texts) = run_all_formats(
        dir.path(),
        &["check", "examples/adult/evaluate.yaml"],
        &[0, 1],
    );
    every_result_listed(&report, &texts);
    let metrics = assay_render::model::metric_rows(&report.results);
    assert!(metrics.len() >= 10, "{} metric rows", metrics.len());
    let html = text(&texts, "html");
    let markdown = text(&texts, "markdown");
    for m in &metrics {
        let estimate = m
            .estimate
            .unwrap_or_else(|| panic!("{}: no estimate", m.metric));
        // The value is the estimate, or the interval bound the condition is applied to.
        let value = m.result.value;
        assert!(
            value == Some(estimate)
                || m.ci
                    .is_some_and(|(lo, hi)| value == Some(lo) || value == Some(hi)),
            "{}: value {value:?} is neither the estimate {estimate} nor a bound of {:?}",
            m.metric,
            m.ci
        );
        if let Some((lo, hi)) = m.ci {
            assert!(lo <= estimate && estimate <= hi, "{}", m.metric);
        }
        let shown = format_value(estimate);
        assert!(html.contains(&shown), "HTML lacks {} = {shown}", m.metric);
        assert!(
            markdown.contains(&shown),
            "Markdown lacks {} = {shown}",
            m.metric
        );
    }
    assert!(metrics.iter().any(|m| m.ci.is_some()), "no interval read");
    let roc = assay_render::model::roc_curve(&report.results).expect("ROC curve read");
    assert!(roc.points.len() > 10);
    let cm = assay_render::model::confusion_matrix(&report.results).expect("confusion matrix");
    assert_eq!(cm.labels.len(), 2);
    assert!(assay_render::model::reliability(&report.results).is_some());
    assert!(!assay_render::model::slice_rows(&report.results).is_empty());
    let gate = assay_render::model::gate_rows(&report.results);
    assert!(!gate.is_empty(), "regression gate rows");
    assert!(gate
        .iter()
        .all(|g| g.candidate.is_some() && g.baseline.is_some()));
}

#[test]
fn drift_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (report, texts) = run_all_formats(
        dir.path(),
        &["check", "examples/bike_sharing/seasonal.yaml"],
        &[1],
    );
    every_result_listed(&report, &texts);
    let rows = assay_render::drift::drift_rows(&report.results);
    let drifted: Vec<_> = rows.iter().filter(|r| r.drifted).collect();
    assert!(drifted.len() >= 6, "{} drifted", drifted.len());
    let html = text(&texts, "html");
    let markdown = text(&texts, "markdown");
    assert!(html.contains(&format!("Drift: {} of", drifted.len())));
    for r in &rows {
        assert!(r.statistic.is_some(), "{}: no statistic read", r.column);
        assert!(!r.method.is_empty(), "{}: no method read", r.column);
    }
    for r in &drifted {
        assert!(markdown.contains(r.column), "Markdown lacks {}", r.column);
        assert!(html.contains(r.column), "HTML lacks {}", r.column);
    }
}

#[test]
fn crossval_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (report, texts) = run_all_formats(
        dir.path(),
        &[
            "crossval",
            "examples/adult/adult_current.csv",
            "--null-value",
            "?",
            "--target",
            "income-per-year",
            "--learner",
            "decision_tree",
            "--folds",
            "3",
        ],
        &[0, 1],
    );
    every_result_listed(&report, &texts);
    let rows = assay_render::validation::crossval_rows(&report.results);
    assert!(!rows.is_empty());
    let html = text(&texts, "html");
    let markdown = text(&texts, "markdown");
    for row in &rows {
        let mean = row.mean.expect("mean read");
        assert_eq!(row.folds.len(), 3, "{}", row.metric);
        assert!(row.folds.iter().all(|f| f.score.is_some() && !f.failed));
        assert!(row.sd.is_some() && row.splitter.is_some());
        let shown = format_value(mean);
        assert!(
            html.contains(&shown),
            "HTML lacks {} mean {shown}",
            row.metric
        );
        assert!(
            markdown.contains(&shown),
            "Markdown lacks {} mean {shown}",
            row.metric
        );
    }
}

#[test]
fn sensitivity_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let pi = std::f64::consts::PI.to_string();
    let bounds: Vec<String> = ["x1", "x2", "x3"]
        .iter()
        .map(|x| format!("{x}=-{pi}:{pi}"))
        .collect();
    let mut args = vec![
        "sensitivity",
        "crates/assay-cli/tests/fixtures/ishigami.onnx",
        "--method",
        "sobol",
        "--samples",
        "1024",
        "--seed",
        "3",
    ];
    for b in &bounds {
        args.extend(["--bounds", b.as_str()]);
    }
    let (report, texts) = run_all_formats(dir.path(), &args, &[0, 1]);
    every_result_listed(&report, &texts);
    let rows = assay_render::validation::sobol_rows(&report.results);
    assert_eq!(rows.len(), 3);
    let html = text(&texts, "html");
    assert!(html.contains("Sensitivity and robustness"));
    for row in &rows {
        let st = row.st.expect("ST read");
        assert!(row.s1.is_some() && row.st_conf.is_some(), "{}", row.input);
        assert!(
            html.contains(&format_value(st)),
            "HTML lacks ST of {}",
            row.input
        );
    }
}

#[test]
fn bench_model_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (report, texts) = run_all_formats(
        dir.path(),
        &[
            "bench-model",
            "examples/adult/models/adult_gbt.onnx",
            "--batch-sizes",
            "1,16",
            "--seconds",
            "0.05",
            "--iterations",
            "5",
            "--warmup",
            "1",
            "--throughput-threads",
            "1",
            "--throughput-rows",
            "2000",
        ],
        &[0, 1],
    );
    every_result_listed(&report, &texts);
    let latency = assay_render::validation::latency_rows(&report.results);
    assert_eq!(latency.len(), 2);
    for row in &latency {
        assert!(row.p50_ms.is_some() && row.p99_ms.is_some() && row.rows_per_s.is_some());
        assert!(
            !row.histogram.is_empty(),
            "{}: no latency histogram read",
            row.label
        );
    }
    let throughput = assay_render::validation::throughput_rows(&report.results);
    assert_eq!(throughput.len(), 1);
    assert!(assay_render::validation::memory_rows(&report.results).len() == 1);
    let html = text(&texts, "html");
    assert!(html.contains("Inference performance"));
}
