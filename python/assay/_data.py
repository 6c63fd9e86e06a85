"""What a data argument may be, and how objects without the Arrow PyCapsule interface are
brought to it."""

from __future__ import annotations

import os
from typing import Any, Union

#: Data: a path, URL, glob or directory (or a list of them), a saved profile's path, a
#: :class:`assay.Profile`, or any
#: object speaking the Arrow PyCapsule interface (pyarrow Table, RecordBatch, RecordBatchReader
#: and Dataset, Polars DataFrame and LazyFrame, pandas DataFrame, DuckDB relation).
Data = Union[str, "os.PathLike[str]", list, Any]


def as_data(obj: Any) -> Any:
    """``obj`` as the native module takes it: paths as ``str``, Arrow data as an object with
    ``__arrow_c_stream__`` or ``__arrow_c_array__`` (read in place, not copied)."""
    if isinstance(obj, (str, os.PathLike)):
        return os.fspath(obj)
    from ._profile import Profile

    if isinstance(obj, Profile):
        return obj._native
    if isinstance(obj, (list, tuple)):
        return [os.fspath(p) if isinstance(p, os.PathLike) else p for p in obj]
    module = type(obj).__module__ or ""
    name = type(obj).__name__
    if module.startswith("pandas") and name == "DataFrame":
        # The index is not data: pandas' own Arrow stream would carry a non-default index as
        # a column. Numeric columns without nulls are wrapped, not copied.
        try:
            import pyarrow as pa
        except ImportError:
            return obj
        try:
            return _pandas_table(obj, pa)
        except (pa.ArrowException, ValueError, TypeError) as e:
            from ._assay import InputError

            raise InputError(f"the pandas DataFrame cannot be read as Arrow data: {e}") from e
    if module.startswith("polars") and name == "LazyFrame":
        return obj.collect()
    if module.startswith("pyarrow") and name.endswith("Dataset") and hasattr(obj, "scanner"):
        # A dataset is read through its scanner (into memory, batch by batch).
        return obj.scanner().to_reader()
    return obj


def _pandas_table(frame: Any, pa: Any) -> Any:
    """A pandas DataFrame as a pyarrow Table, as ``pa.Table.from_pandas`` makes it (without
    the index), except that text columns held as Python objects (pandas before 3) are read by
    the native module in one pass — pyarrow's general conversion is several times slower on
    them. A column the native reader declines (an item that is not text or missing, no text
    at all) is converted by pyarrow, with pyarrow's own type inference and errors."""
    names = list(frame.columns)
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        # Names pyarrow turns into text, or duplicates it refuses: its conversion says how.
        return pa.Table.from_pandas(frame, preserve_index=False)
    from . import _assay

    missing = _pandas_na()
    text = {}
    for position, name in enumerate(names):
        column = frame.iloc[:, position]
        if column.dtype == object:
            array = _assay.text_column(column.to_numpy(), missing)
            if array is not None:
                text[name] = array
    if not text:
        return pa.Table.from_pandas(frame, preserve_index=False)
    rest = [n for n in names if n not in text]
    converted = pa.Table.from_pandas(frame, preserve_index=False, columns=rest) if rest else None
    arrays = [text[n] if n in text else converted.column(n) for n in names]
    return pa.Table.from_arrays(arrays, names=names)


def _pandas_na() -> Any:
    try:
        import pandas as pd

        return pd.NA
    except (ImportError, AttributeError):
        return None
