"""pandas text columns held as Python objects (pandas before 3, or ``dtype=object``) are read
by the native module instead of pyarrow's general conversion. The table it gives must be the
one ``pa.Table.from_pandas`` gives, column for column and type for type, and whatever the
native reader declines must still reach pyarrow (and its errors)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import assay
from assay import _assay
from assay._data import _pandas_table


def _objects(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


FRAMES = {
    "ascii with every missing kind": pd.DataFrame(
        {
            "text": _objects(["a", None, "bb", float("nan"), pd.NA, "a", np.nan, "ccc"]),
            "number": [1.5, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    ),
    "non-ASCII, empty text, NumPy str": pd.DataFrame(
        {"text": _objects(["é", "", "日本語", "🙂", np.str_("numpy"), "é", "x" * 300])}
    ),
    "one object repeated (as after reading Parquet)": pd.DataFrame(
        {"text": _objects(["shared"] * 1000 + [None] * 3 + ["other"] * 5)}
    ),
    "text columns between numeric ones": pd.DataFrame(
        {
            "a": np.arange(6, dtype=np.int32),
            "b": _objects(list("uvwxyz")),
            "c": np.linspace(0, 1, 6),
            "d": _objects(["p", "q", None, "p", "q", "r"]),
            "e": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        }
    ),
    "a view with a stride (every other row)": pd.DataFrame(
        {"text": _objects([f"v{i % 7}" for i in range(40)]), "n": np.arange(40.0)}
    ).iloc[::2],
    "a reversed view (negative stride)": pd.DataFrame(
        {"text": _objects([f"r{i % 5}" if i % 4 else None for i in range(30)])}
    ).iloc[::-1],
    "declined: numbers among text (mixed)": pd.DataFrame({"text": _objects(["a", 1, "b"])}),
    "declined: no text at all": pd.DataFrame({"empty": _objects([None, np.nan, None])}),
    "declined: bytes": pd.DataFrame({"raw": _objects([b"a", b"b"])}),
    "no rows": pd.DataFrame({"text": _objects([])}),
}


@pytest.mark.parametrize("name", list(FRAMES))
def test_table_equals_pyarrows_conversion(name):
    frame = FRAMES[name]
    try:
        expected = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError) as e:
        with pytest.raises(type(e)):
            _pandas_table(frame, pa)
        return
    got = _pandas_table(frame, pa)
    assert got.column_names == expected.column_names
    for column in expected.column_names:
        assert got.schema.field(column).type == expected.schema.field(column).type, column
        assert got.column(column).to_pylist() == expected.column(column).to_pylist(), column


def test_native_reader_reads_text_and_declines_the_rest():
    read = _assay.text_column(np.array(["x", None, "y", float("nan")], dtype=object), pd.NA)
    assert read.type == pa.string()
    assert read.to_pylist() == ["x", None, "y", None]
    assert read.null_count == 2
    # Declined (None): pyarrow converts these with its own inference.
    assert _assay.text_column(np.array(["x", 2], dtype=object), pd.NA) is None
    assert _assay.text_column(np.array([None, None], dtype=object), pd.NA) is None
    assert _assay.text_column(np.array([1.0, 2.0]), pd.NA) is None
    assert _assay.text_column(np.array(["x", "\ud800"], dtype=object), pd.NA) is None
    assert _assay.text_column(np.array([["a", "b"]], dtype=object), pd.NA) is None
    assert _assay.text_column(["not", "an", "array"], pd.NA) is None

    class Impostor:
        """Not a NumPy array, whatever its interface says."""

        __array_interface__ = {"typestr": "|O", "shape": (3,), "data": (8, False), "strides": None}

    assert _assay.text_column(Impostor(), pd.NA) is None


def test_lone_surrogate_reaches_pyarrows_error():
    frame = pd.DataFrame({"text": _objects(["ok", "\ud800"])})
    with pytest.raises(assay.InputError, match="surrogate|utf-8|UTF-8"):
        assay.profile(frame, progress=False)


def test_profile_of_object_text_equals_profile_of_arrow_text():
    rng = np.random.default_rng(7)
    words = np.array(["red", "green", "blue", "ünïcode"], dtype=object)
    text = words[rng.integers(0, 4, 5000)]
    text[::11] = None
    frame = pd.DataFrame({"colour": pd.Series(text, dtype=object), "x": rng.normal(size=5000)})
    arrow = pa.table({"colour": pa.array(list(text), type=pa.string()), "x": frame["x"].to_numpy()})
    from_objects = assay.profile(frame, progress=False).to_dict()["columns"]
    from_arrow = assay.profile(arrow, progress=False).to_dict()["columns"]
    assert from_objects == from_arrow
    colour = next(c for c in from_objects if c["name"] == "colour")
    assert colour["state"]["nulls"] == math.ceil(5000 / 11)
