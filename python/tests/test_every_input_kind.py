"""Every function that takes data, on every kind of data it takes: a path, a pyarrow Table,
RecordBatch and RecordBatchReader, a pyarrow Dataset, a pandas DataFrame, a Polars DataFrame
and LazyFrame, a DuckDB relation; each gives the figures the same data gives from its file."""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

import assay

TARGET = "income-per-year"
FEATURES = "age,education-num,hours-per-week,capital-gain"


@pytest.fixture(scope="module")
def files(examples, tmp_path_factory):
    """The first 3,000 rows of each Adult part as Parquet (the path every kind is compared
    with), nulls read from `?`."""
    out = tmp_path_factory.mktemp("kinds")
    paths = {}
    for side in ("reference", "current"):
        table = pacsv.read_csv(
            examples / "adult" / f"adult_{side}.csv",
            convert_options=pacsv.ConvertOptions(null_values=["?"], strings_can_be_null=True),
        ).slice(0, 3000)
        path = out / f"{side}.parquet"
        pq.write_table(table, path)
        paths[side] = str(path)
    return paths


KINDS = ["table", "batch", "reader", "dataset", "pandas", "polars", "lazy", "duckdb"]


def as_kind(path: str, kind: str):
    table = pq.read_table(path)
    if kind == "table":
        return table
    if kind == "batch":
        return table.combine_chunks().to_batches()[0]
    if kind == "reader":
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=700))
    if kind == "dataset":
        return pads.dataset(path)
    if kind == "pandas":
        return pd.read_parquet(path)
    if kind == "polars":
        return pl.read_parquet(path)
    if kind == "lazy":
        return pl.scan_parquet(path)
    if kind == "duckdb":
        return duckdb.sql(f"select * from read_parquet('{path}')")
    raise ValueError(kind)


def figures(report: assay.Report) -> dict:
    return {(r.id, r.column): (r.status, r.value) for r in report.results}


def same(a: assay.Report, b: assay.Report) -> None:
    fa, fb = figures(a), figures(b)
    assert fa.keys() == fb.keys()
    for key, (status, value) in fb.items():
        assert fa[key][0] == status, key
        assert fa[key][1] == pytest.approx(value, rel=1e-9, abs=1e-12, nan_ok=True), key


CALLS = {
    "drift": lambda ref, cur: assay.drift(ref, cur, exclude="fnlwgt", progress=False),
    "check": lambda ref, cur: assay.check(
        {"checks": [{"check": "integrity.null_share"}, {"check": "leakage.train_test_overlap"},
                    {"check": "integrity.new_categories"}]},
        current=cur, reference=ref, progress=False),
    "evaluate": lambda ref, cur: assay.evaluate(
        cur, target=TARGET, model=_model(ref), metrics="accuracy,roc_auc", bootstrap_rounds=0,
        progress=False),
    "crossval": lambda ref, cur: assay.crossval(
        cur, target=TARGET, learner="decision_tree", param={"max_depth": 3}, folds=3,
        features=FEATURES, progress=False),
    "sensitivity": lambda ref, cur: assay.sensitivity(
        _model(ref), method="permutation", data=cur, target=TARGET, progress=False),
}

_MODELS: dict[str, object] = {}


def _model(_ref):
    """A scikit-learn model on four numeric features (fitted once)."""
    if "m" not in _MODELS:
        from sklearn.linear_model import LogisticRegression

        frame = pd.read_parquet(_FILES["reference"]).dropna(subset=FEATURES.split(","))
        _MODELS["m"] = LogisticRegression(max_iter=300).fit(frame[FEATURES.split(",")], frame[TARGET])
    return _MODELS["m"]


_FILES: dict[str, str] = {}


@pytest.mark.parametrize("function", sorted(CALLS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_function_gives_the_same_figures_on_every_kind(files, function, kind):
    _FILES.update(files)
    call = CALLS[function]
    expected = call(files["reference"], files["current"])
    got = call(as_kind(files["reference"], kind), as_kind(files["current"], kind))
    same(got, expected)


@pytest.mark.parametrize("kind", KINDS)
def test_profile_split_and_init_on_every_kind(files, kind):
    path = files["current"]

    def summary(profile: assay.Profile) -> list:
        # The Arrow type of text differs by library (Utf8, LargeUtf8, Utf8View): not compared.
        return [dataclasses.replace(c, data_type="") for c in profile.columns]

    expected = summary(assay.profile(path, progress=False))
    assert summary(assay.profile(as_kind(path, kind), progress=False)) == expected
    folds = assay.split(as_kind(path, kind), splitter="stratified_kfold", stratify=TARGET, folds=3)
    assert [(list(a), list(b)) for a, b in folds] == [
        (list(a), list(b)) for a, b in assay.split(path, splitter="stratified_kfold", stratify=TARGET, folds=3)
    ]
    suite = assay.init(as_kind(path, kind), progress=False)
    assert suite.replace("memory://current", path) == assay.init(path, progress=False)
