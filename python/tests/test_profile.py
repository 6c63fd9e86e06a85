"""assay.profile and Profile: the CLI's profile, merges, files."""

from __future__ import annotations

import json
import subprocess

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

import assay


def _same_profile(a: assay.Profile, b: assay.Profile) -> None:
    """Two profiles of the same data, made by separate runs: every exact figure equal, the
    moments to rounding (partial states merge in the order the cores finish), the sketched
    figures within their bounds (distinct counts: HLL, a few percent; the median of a sketched
    column: inside the range)."""
    assert a.rows == b.rows
    assert len(a.columns) == len(b.columns)
    for x, y in zip(a.columns, b.columns):
        exact = ("name", "data_type", "kind", "count", "nulls", "distinct_exact", "min", "max")
        assert [getattr(x, k) for k in exact] == [getattr(y, k) for k in exact]
        for k in ("mean", "std"):
            if getattr(y, k) is None:
                assert getattr(x, k) is None
            else:
                assert getattr(x, k) == pytest.approx(getattr(y, k), rel=1e-12), (x.name, k)
        if y.distinct_exact:
            assert (x.distinct, x.median, x.top) == (y.distinct, y.median, y.top), x.name
        else:
            assert x.distinct == pytest.approx(y.distinct, rel=0.03), x.name
            assert y.min <= x.median <= y.max


def test_profile_of_a_path_equals_the_cli_file(examples, assay_bin, tmp_path):
    data = str(examples / "adult" / "adult_reference.csv")
    out = tmp_path / "cli.json"
    subprocess.run([assay_bin, "profile", data, "--null-value", "?", "-o", str(out)], check=True,
                   capture_output=True, timeout=300)
    profile = assay.profile(data, null_values="?")
    cli = assay.Profile.load(out)
    _same_profile(profile, cli)
    assert profile.column("workclass").nulls > 0
    assert json.loads(profile.to_json())["format"] == json.loads(out.read_text())["format"]


def test_profile_figures_match_pyarrow_on_the_same_table(examples):
    table = pacsv.read_csv(examples / "adult" / "adult_reference.csv")
    profile = assay.profile(table)
    assert profile.rows == table.num_rows
    assert [c.name for c in profile.columns] == table.column_names
    age = profile.column("age")
    assert age.count == table.num_rows and age.nulls == 0
    assert age.min == pc.min(table["age"]).as_py()
    assert age.max == pc.max(table["age"]).as_py()
    assert age.mean == pytest.approx(pc.mean(table["age"]).as_py(), rel=1e-12)
    assert age.std == pytest.approx(pc.stddev(table["age"], ddof=1).as_py(), rel=1e-9)
    assert age.distinct == len(pc.unique(table["age"])) and age.distinct_exact
    sex = profile.column("sex")
    counts = {d["values"]: d["counts"] for d in pc.value_counts(table["sex"]).to_pylist()}
    assert dict(sex.top) == counts
    with pytest.raises(KeyError):
        profile.column("nope")


def test_profiles_of_halves_merge_into_the_profile_of_the_whole(examples, tmp_path):
    table = pacsv.read_csv(examples / "adult" / "adult_reference.csv")
    half = table.num_rows // 2
    a, b = assay.profile(table.slice(0, half)), assay.profile(table.slice(half))
    merged = a.merge(b)
    whole = assay.profile(table)
    assert merged.rows == whole.rows == table.num_rows
    _same_profile(merged, whole)
    path = tmp_path / "whole.json"
    whole.save(path)
    loaded = assay.Profile.load(path)
    assert loaded.to_json() == whole.to_json()
    # A saved profile is data wherever data is taken.
    assert assay.profile(str(path)).to_json() == whole.to_json()


def test_a_record_batch_and_a_chunked_table_profile_alike():
    batch = pa.record_batch({"x": pa.array([1.5, None, 3.0, 3.0]), "s": ["a", "b", None, "a"]})
    t1 = assay.profile(batch)
    t2 = assay.profile(pa.Table.from_batches([batch.slice(0, 1), batch.slice(1)]))
    assert t1.to_json() == t2.to_json()
    x = t1.column("x")
    assert (x.count, x.nulls, x.min, x.max, x.mean) == (4, 1, 1.5, 3.0, 2.5)
    assert t1.column("s").top[0] == ("a", 2)


def test_profile_repr_and_html(examples):
    p = assay.profile(pa.table({"x": [1, 2, 3]}))
    assert repr(p) == "<assay.Profile: 3 rows, 1 columns>"
    assert "<table>" in p._repr_html_() and "<td>x</td>" in p._repr_html_()
