"""assay: test, validate and monitor machine-learning models and their data, on the full data,
exactly, fast.

The functions mirror the CLI's commands, with keyword arguments named as its flags, and
return the same results::

    import assay

    report = assay.drift("reference.parquet", current_df, exclude=["id"])
    report.raise_for_status()          # assay.CheckFailed when a column drifted
    profile = assay.profile(table)     # a pyarrow Table, Polars/pandas DataFrame, path, URL

Data is a path, URL, glob or directory (as the CLI takes it), a saved profile, or any object
speaking the Arrow PyCapsule interface, read in place without copies.
"""

from ._api import (
    Folds,
    bench_model,
    check,
    checks,
    crossval,
    drift,
    evaluate,
    explain,
    init,
    profile,
    sensitivity,
    set_threads,
    split,
)
from ._assay import DEFAULT_EXACT_CAP, __version__
from ._errors import AssayError, CheckFailed, InputError
from ._models import Learner, Model
from ._profile import ColumnSummary, Profile
from ._report import CheckResult, DatasetInfo, Report, Status, Summary

__all__ = [
    "AssayError",
    "CheckFailed",
    "CheckResult",
    "ColumnSummary",
    "DEFAULT_EXACT_CAP",
    "DatasetInfo",
    "Folds",
    "InputError",
    "Learner",
    "Model",
    "Profile",
    "Report",
    "Status",
    "Summary",
    "__version__",
    "details",
    "bench_model",
    "check",
    "checks",
    "crossval",
    "drift",
    "evaluate",
    "explain",
    "init",
    "profile",
    "sensitivity",
    "set_threads",
    "split",
]


def __getattr__(name: str) -> object:
    # `assay.details` (the typed details classes) is imported on first use: `import assay`
    # stays fast.
    if name == "details":
        import importlib

        return importlib.import_module(".details", __name__)
    raise AttributeError(f"module 'assay' has no attribute {name!r}")
