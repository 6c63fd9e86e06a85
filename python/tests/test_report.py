"""The Report's API: statuses, renderers (the CLI's), tables, notebook display."""

from __future__ import annotations

import json
import subprocess

import pyarrow as pa
import pytest

import assay


@pytest.fixture(scope="module")
def report(examples):
    return assay.drift(
        str(examples / "bike_sharing" / "winter.csv"),
        str(examples / "bike_sharing" / "summer.csv"),
        exclude=["instant", "dteday"],
    )


def test_every_format_is_the_cli_renderer(report, assay_bin, examples, tmp_path):
    for fmt, ext in [("html", "html"), ("markdown", "md"), ("junit", "xml")]:
        out = tmp_path / f"r.{ext}"
        subprocess.run(
            [assay_bin, "drift", str(examples / "bike_sharing" / "winter.csv"),
             str(examples / "bike_sharing" / "summer.csv"), "--exclude", "instant,dteday",
             "-q", "-o", f"{fmt}={out}"],
            capture_output=True, timeout=300,
        )
        mine = getattr(report, f"to_{fmt}")()
        assert mine == out.read_text(), fmt
    assert report.to_html().lstrip().lower().startswith("<!doctype html>")
    assert "<testsuite" in report.to_junit()
    text = report.to_text()
    assert "drift" in text and "\x1b[" not in text


def test_results_are_typed_and_counted(report):
    s = report.summary
    assert s.total == len(report.results) == s.passed + s.warned + s.failed + s.errors + s.skipped
    assert s.failed == len(report.failed()) > 0
    r = next(r for r in report.failed() if r.column is not None)
    assert isinstance(r, assay.CheckResult)
    overall = report.results[0]
    assert overall.column is None and overall.name == overall.id == "drift.auto"
    assert r.family == "drift" and r.name == f"{r.id}[{r.column}]" and not r.ok
    assert isinstance(r.details, dict) and r.details
    assert report.exit_code() == 1 and report.exit_code(strict=True) == 1
    assert repr(report).startswith("<assay.Report 'drift: ") and "fail" in repr(report)


def test_json_round_trip_and_files(report, tmp_path):
    again = assay.Report.from_json(report.to_json())
    assert again.to_json() == report.to_json()
    for name in ("r.json", "r.html", "r.md", "r.xml", "r.txt"):
        report.save(tmp_path / name)
    assert json.loads((tmp_path / "r.json").read_text()) == report.to_dict()
    assert assay.Report.load(tmp_path / "r.json").summary == report.summary
    with pytest.raises(assay.InputError, match="cannot tell the format"):
        report.save(tmp_path / "r.bin")
    with pytest.raises(assay.InputError):
        assay.Report.from_json("{}")


def test_results_table_as_arrow_and_pandas(report):
    t = report.to_arrow()
    assert isinstance(t, pa.Table) and t.num_rows == len(report.results)
    assert t.column_names == ["id", "column", "status", "value", "threshold", "condition",
                              "severity", "message"]
    assert t["status"].to_pylist() == [r.status for r in report.results]
    df = report.to_pandas()
    assert list(df["value"].fillna(-1)) == [r.value if r.value is not None else -1 for r in report.results]


def test_the_notebook_shows_the_html_report(report):
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(report)
    shown = data["text/html"]
    assert shown.startswith("<iframe srcdoc=")
    import html as h

    inner = h.unescape(shown.split('srcdoc="', 1)[1].split('" style=', 1)[0])
    assert inner == report.to_html()
    assert data["text/plain"] == repr(report)
