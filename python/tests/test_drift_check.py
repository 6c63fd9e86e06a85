"""assay.drift and assay.check give the CLI's report for the same inputs, from paths and from
in-memory data of every kind."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pytest

import assay


def _comparable(report: dict) -> dict:
    """The report without what names the inputs (paths vs memory://)."""
    out = json.loads(json.dumps(report))
    out.pop("suite", None)
    for side in ("current", "reference"):
        if out.get(side):
            out[side].pop("sources", None)
    return out


def test_drift_from_paths_equals_the_cli_json(examples, run_cli):
    ref = str(examples / "bike_sharing" / "winter.csv")
    cur = str(examples / "bike_sharing" / "summer.csv")
    code, cli, _ = run_cli("drift", ref, cur, "--exclude", "instant,dteday", "--target", "cnt")
    report = assay.drift(ref, cur, exclude=["instant", "dteday"], target="cnt")
    assert json.loads(report.to_json()) == cli
    assert report.exit_code() == code == 1
    assert not report.ok and report.status == "fail"
    drifted = {r.column for r in report.failed()}
    assert "temp" in drifted and "season" in drifted
    assert report.current.reads == 1 and report.reference.reads == 1
    assert report.current.rows == pacsv.read_csv(cur).num_rows
    assert report.reference.rows == pacsv.read_csv(ref).num_rows


def _bike(examples, name):
    return pacsv.read_csv(examples / "bike_sharing" / name)


@pytest.mark.parametrize(
    "kind",
    ["pyarrow.Table", "RecordBatchReader", "pyarrow.Dataset", "polars", "polars.LazyFrame",
     "pandas", "duckdb"],
)
def test_drift_of_in_memory_data_equals_the_cli_on_the_files(examples, run_cli, kind):
    ref_t, cur_t = _bike(examples, "winter.csv"), _bike(examples, "summer.csv")
    convert = {
        "pyarrow.Table": lambda t: t,
        "RecordBatchReader": lambda t: t.to_reader(max_chunksize=1000),
        "pyarrow.Dataset": lambda t: pads.dataset(t),
        "polars": lambda t: pl.from_arrow(t),
        "polars.LazyFrame": lambda t: pl.from_arrow(t).lazy(),
        "pandas": lambda t: t.to_pandas(),
        "duckdb": lambda t: duckdb.sql("select * from t"),
    }[kind]
    ref, cur = convert(ref_t), convert(cur_t)
    report = assay.drift(ref, cur, exclude="instant,dteday", target="cnt")
    _, cli, _ = run_cli(
        "drift",
        str(examples / "bike_sharing" / "winter.csv"),
        str(examples / "bike_sharing" / "summer.csv"),
        "--exclude", "instant,dteday", "--target", "cnt",
    )
    assert report.current.sources == ["memory://current"]
    assert report.reference.sources == ["memory://reference"]
    mine, theirs = _comparable(report.to_dict()), _comparable(cli)
    if kind in ("polars", "polars.LazyFrame", "duckdb", "pandas"):
        # Those libraries hand strings over as string views or large strings and dates in
        # their own types: the column types in the details may be named differently, the
        # figures are the same.
        for r in mine["results"] + theirs["results"]:
            r["details"].pop("data_type", None)
    assert [(r["id"], r["column"], r["status"]) for r in mine["results"]] == [
        (r["id"], r["column"], r["status"]) for r in theirs["results"]
    ]
    for a, b in zip(mine["results"], theirs["results"]):
        assert a["value"] == pytest.approx(b["value"], rel=1e-12, abs=1e-12), a["id"]
    assert mine["summary"] == theirs["summary"]


def test_check_of_a_suite_file_equals_the_cli(examples, run_cli):
    suite = str(examples / "bike_sharing" / "seasonal.yaml")
    code, cli, _ = run_cli("check", suite)
    report = assay.check(suite)
    assert json.loads(report.to_json()) == cli
    assert report.exit_code() == code


def test_check_of_a_dict_suite_with_data_objects(examples):
    cur = _bike(examples, "summer.csv")
    ref = _bike(examples, "winter.csv")
    suite = {
        "name": "in memory",
        "checks": [
            {"check": "integrity.null_share", "condition": "<= 0"},
            {"check": "drift.ks", "columns": ["temp"]},
        ],
    }
    report = assay.check(suite, current=cur, reference=ref)
    assert report.suite == "in memory"
    by_id = {(r.id, r.column): r for r in report.results}
    ks = by_id[("drift.ks", "temp")]
    # The value is the p-value; the KS statistic is in the details.
    assert ks.status == "fail" and ks.value is not None and ks.value < 1e-12
    assert ks.details["statistic"] > 0.9
    assert all(r.status == "pass" for r in report.results if r.id == "integrity.null_share")
    assert report.current.rows == cur.num_rows and report.reference.rows == ref.num_rows
    with pytest.raises(assay.CheckFailed) as e:
        report.raise_for_status()
    assert e.value.report is report
    assert "drift.ks[temp]" in str(e.value)


def test_identical_data_passes_and_raise_for_status_returns_the_report(examples):
    t = _bike(examples, "half_a.csv")
    report = assay.drift(t, t, exclude=["instant", "dteday"])
    assert report.ok and report.status == "pass"
    assert report.raise_for_status() is report
    # Identical sides: every test's p-value is 1 and every distance 0.
    values = {r.value for r in report.results if r.column}
    assert values <= {0.0, 1.0} and 0.0 in values and 1.0 in values
    assert all(r.status == "pass" for r in report.results)


def test_paths_given_to_check_are_relative_to_the_working_directory(examples, tmp_path, monkeypatch):
    import shutil

    shutil.copy(examples / "bike_sharing" / "summer.csv", tmp_path / "mine.csv")
    monkeypatch.chdir(tmp_path)
    report = assay.check(examples / "bike_sharing" / "seasonal.yaml", current="mine.csv")
    assert report.current.sources == [str(tmp_path / "mine.csv")]
    assert report.current.rows == pacsv.read_csv(tmp_path / "mine.csv").num_rows


def test_a_probability_name_with_a_comma_is_one_column(examples):
    t = pacsv.read_csv(examples / "bike_sharing" / "half_a.csv")
    t = t.append_column("p,1", pa.array([0.5] * t.num_rows))
    report = assay.drift(t, t, exclude=["instant", "dteday"], probability="p,1")
    assert any(r.id == "drift.prediction" for r in report.results)


def test_polars_strings_match_the_csv_of_the_same_rows(examples):
    # Polars hands text over as string views, the CSV reader as strings: rows and schemas
    # must still match (the Adult suite: 12 current rows also in the reference).
    suite = examples / "adult" / "suite.yaml"
    from_files = assay.check(suite)
    table = pacsv.read_csv(
        examples / "adult" / "adult_current.csv",
        convert_options=pacsv.ConvertOptions(null_values=["?"], strings_can_be_null=True),
    )
    current = pl.from_arrow(table)
    assert current.schema["workclass"] == pl.String
    report = assay.check(suite, current=current)
    def by_id(r):
        return {(x.id, x.column): x for x in r.results}
    overlap = by_id(report)[("leakage.train_test_overlap", None)]
    assert overlap.details == by_id(from_files)[("leakage.train_test_overlap", None)].details
    assert overlap.message.startswith("12 of 9768 current rows")
    assert by_id(report)[("schema.match", None)].status == "pass"


def test_dates_held_as_text_are_left_out_like_dates(examples):
    # A pandas DataFrame's dates are strings: they are still dates, not a feature.
    import pandas as pd

    bike = pd.read_csv(examples / "bike_sharing" / "winter.csv")
    later = pd.read_csv(examples / "bike_sharing" / "summer.csv")
    assert bike["dteday"].dtype != "datetime64[ns]"
    report = assay.drift(bike, later, progress=False)
    row = next(r for r in report.results if r.id == "drift.auto" and r.column is None)
    assert row.details["left_out_by_default"]["dteday"] == "dates or times (as text)"
    assert row.details["left_out_by_default"]["instant"] == "an identifier: a distinct value per row"
    assert all(r.column not in ("dteday", "instant") for r in report.results)
    # Named, they are compared.
    named = assay.drift(bike, later, columns="dteday,temp", progress=False)
    assert {r.column for r in named.results if r.column} == {"dteday", "temp"}
