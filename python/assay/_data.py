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
            return pa.Table.from_pandas(obj, preserve_index=False)
        except (pa.ArrowException, ValueError, TypeError) as e:
            from ._assay import InputError

            raise InputError(f"the pandas DataFrame cannot be read as Arrow data: {e}") from e
    if module.startswith("polars") and name == "LazyFrame":
        return obj.collect()
    if module.startswith("pyarrow") and name.endswith("Dataset") and hasattr(obj, "scanner"):
        # A dataset is read through its scanner (into memory, batch by batch).
        return obj.scanner().to_reader()
    return obj
