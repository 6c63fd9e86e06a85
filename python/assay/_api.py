"""The commands, as functions: keyword arguments are named as the CLI's flags."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from . import _assay
from ._data import Data, as_data
from ._profile import Profile
from ._report import Report


def _progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _names(value: str | Iterable[str] | None) -> list[str]:
    """A flag that takes one name or several (comma-separated, as the CLI, or a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _list(value: str | Iterable[str] | None) -> list[str]:
    """A flag the CLI takes repeated (never split on commas): one value or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _finite(**values: float | None) -> None:
    """Refuses a non-finite number with the CLI's message for its flag."""
    for name, v in values.items():
        if v is not None and not math.isfinite(v):
            raise _assay.InputError(f"--{name.replace('_', '-')} must be a finite number")


def _read_options(
    format: str | None,
    delimiter: str | None,
    no_header: bool,
    null_values: str | Iterable[str] | None,
    types: Mapping[str, str] | None,
) -> str:
    nulls = [null_values] if isinstance(null_values, str) else list(null_values or [])
    return json.dumps(
        {
            "format": format,
            "delimiter": delimiter,
            "no_header": bool(no_header),
            "null_values": nulls,
            "types": [f"{k}={v}" for k, v in (types or {}).items()],
        }
    )


def profile(
    data: Data,
    *,
    exact_cap: int = _assay.DEFAULT_EXACT_CAP,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
    progress: bool | None = None,
) -> Profile:
    """Profiles ``data`` in one read: per column counts, nulls, range, moments, quantile and
    distinct-count sketches, frequent values (``assay profile DATA``).

    ``data`` is a path, URL, glob or directory (or a list of them, of one format), a saved
    profile, or Arrow data (pyarrow Table, Polars or pandas DataFrame, DuckDB relation...),
    read in place. ``exact_cap``: distinct values kept exactly per column before sketches.
    ``format``, ``delimiter``, ``no_header``, ``null_values`` and ``types`` (``{column:
    type}``) say how to read files, as the CLI's flags. ``progress`` shows a progress bar on
    stderr (default: when stderr is a terminal).

    Raises :class:`assay.InputError` for unreadable data or a wrong option.
    """
    if not isinstance(exact_cap, int) or exact_cap < 0:
        raise _assay.InputError(f"--exact-cap must be a whole number from 0 (got {exact_cap!r})")
    native = _assay.profile(
        as_data(data),
        _read_options(format, delimiter, no_header, null_values, types),
        exact_cap,
        _progress(progress),
    )
    return Profile(native)


def drift(
    reference: Data,
    current: Data,
    *,
    method: str | None = None,
    columns: str | Iterable[str] | None = None,
    target: str | None = None,
    prediction: str | None = None,
    probability: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    categorical: str | Iterable[str] | None = None,
    mode: str | None = None,
    correction: str | None = None,
    min_effect: float | None = None,
    drift_share: float | None = None,
    binning: str | None = None,
    bins: int | None = None,
    warn_only: bool = False,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
    progress: bool | None = None,
) -> Report:
    """Drift of every column of ``current`` against ``reference`` (``assay drift REFERENCE
    CURRENT``): the same report as the CLI's for the same inputs.

    Each side is data (as :func:`assay.profile` takes it) or a saved profile. ``method``:
    one method for every column (default: chosen per column, see ``assay explain
    drift.auto``): ks, wasserstein, psi, jensen_shannon, kl, hellinger, tvd, chi_square,
    z_test, cramer_v, anderson_darling, cramer_von_mises, mann_whitney, energy.
    ``columns``: only these. ``target`` / ``prediction`` / ``probability``: also report
    target and prediction drift (and leave them out of the features). ``exclude``: columns
    left out (ids, timestamps). ``categorical``: columns compared as categories. ``mode``:
    ``exact`` or ``profile``. ``correction``: bh (default), bonferroni or none.
    ``min_effect`` (default 0.1), ``drift_share`` (default 0.5), ``binning`` (quantiles,
    sturges, fixed) and ``bins`` (default 10) as the CLI's flags. ``warn_only``: a drifted
    column warns instead of failing.

    Raises :class:`assay.InputError` for unreadable data or a wrong option; a drifted column
    is a failed result in the report, not an exception (see :meth:`Report.raise_for_status`).
    """
    _finite(min_effect=min_effect, drift_share=drift_share)
    request = {
        "method": method,
        "columns": _names(columns),
        "target": target,
        "prediction": prediction,
        "probabilities": _list(probability),
        "exclude": _names(exclude),
        "categorical": _names(categorical),
        "mode": mode,
        "correction": correction,
        "min_effect": min_effect,
        "drift_share": drift_share,
        "binning": binning,
        "bins": bins,
        "warn_only": bool(warn_only),
    }
    native = _assay.drift(
        as_data(reference),
        as_data(current),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        _progress(progress),
    )
    return Report(native)


def check(
    suite: str | os.PathLike[str] | Mapping[str, Any],
    *,
    current: Data | None = None,
    reference: Data | None = None,
    progress: bool | None = None,
) -> Report:
    """Runs a suite (``assay check SUITE``): a suite file (.yaml, .toml, .json), or a suite
    as a dict of the same shape.

    ``current`` and ``reference``, when given, replace the suite's ``data.current`` and
    ``data.reference`` (a dict suite may then leave ``data`` out): data as
    :func:`assay.profile` takes it. Relative paths of a suite file are resolved against its
    directory, those of a dict suite against the working directory.

    Raises :class:`assay.InputError` for an invalid suite or unreadable data; failed checks
    are results in the report (see :meth:`Report.raise_for_status`).
    """
    cur = None if current is None else as_data(current)
    ref = None if reference is None else as_data(reference)
    if isinstance(suite, Mapping):
        body = dict(suite)
        data = dict(body.get("data") or {})
        if cur is not None:
            data.setdefault("current", "memory://current")
        if ref is not None:
            data.setdefault("reference", "memory://reference")
        if data:
            body["data"] = data
        text = json.dumps(body, indent=2, default=str)
        native = _assay.check("suite (dict).json", text, cur, ref, _progress(progress))
    else:
        native = _assay.check(os.fspath(suite), None, cur, ref, _progress(progress))
    return Report(native)


def evaluate(
    data: Data,
    *,
    target: str,
    model: str | os.PathLike[str] | None = None,
    features: str | Iterable[str] | None = None,
    prediction: str | None = None,
    probability: str | Iterable[str] | None = None,
    baseline_model: str | os.PathLike[str] | None = None,
    baseline_prediction: str | None = None,
    baseline_probability: str | Iterable[str] | None = None,
    protected: str | Iterable[str] | None = None,
    segment: str | Iterable[str] | None = None,
    slice: str | Iterable[str] | None = None,
    weight: str | None = None,
    task: str | None = None,
    positive_class: str | None = None,
    classes: str | Iterable[str] | None = None,
    threshold: float | None = None,
    metrics: str | Iterable[str] | None = None,
    confidence: float | None = None,
    bootstrap_rounds: int | None = None,
    seed: int | None = None,
    min_slice_size: int | None = None,
    min_group_size: int | None = None,
    tolerance: float | None = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
    progress: bool | None = None,
) -> Report:
    """Evaluates a model on ``data`` (``assay evaluate DATA``): every metric of its task with
    intervals, slices, fairness across ``protected`` groups, and the regression gate against
    a baseline; the same report as the CLI's.

    ``model``: an ONNX file run by assay (inputs bound by its ``assay.features`` metadata or
    ``features``); or ``prediction`` / ``probability`` columns already in the data.
    ``baseline_model`` / ``baseline_prediction`` / ``baseline_probability``: the version to
    gate against (``tolerance``: allowed degradation). ``segment`` and ``slice`` (SQL
    conditions, one or a list): slices. ``metrics``: only these (e.g. ``"accuracy,roc_auc"``).
    ``confidence``, ``bootstrap_rounds``, ``seed``, ``min_slice_size``, ``min_group_size``,
    ``task``, ``positive_class``, ``classes``, ``threshold``, ``weight`` as the CLI's flags;
    reading options as :func:`assay.profile`'s.

    Raises :class:`assay.InputError` for unreadable data or model, or a wrong option.
    """
    _finite(confidence=confidence, threshold=threshold, tolerance=tolerance)
    request = {
        "target": target,
        "model": None if model is None else os.fspath(model),
        "features": _names(features),
        "prediction": prediction,
        "probabilities": _list(probability),
        "baseline_model": None if baseline_model is None else os.fspath(baseline_model),
        "baseline_prediction": baseline_prediction,
        "baseline_probabilities": _list(baseline_probability),
        "protected": _names(protected),
        "segment": _names(segment),
        "slices": _list(slice),
        "weight": weight,
        "task": task,
        "positive_class": positive_class,
        "classes": _names(classes),
        "threshold": threshold,
        "metrics": _names(metrics),
        "confidence": confidence,
        "bootstrap_rounds": bootstrap_rounds,
        "seed": seed,
        "min_slice_size": min_slice_size,
        "min_group_size": min_group_size,
        "tolerance": tolerance,
    }
    native = _assay.evaluate(
        as_data(data),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        _progress(progress),
    )
    return Report(native)
