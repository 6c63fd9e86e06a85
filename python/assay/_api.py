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
from ._models import as_learner, as_model
from ._progress import Progress, progress_for
from ._profile import Profile
from ._report import Report


def _run(progress: Progress, function: Any, *args: Any, **kwargs: Any) -> Any:
    """Calls a native function with the progress display ``progress`` asks for."""
    with progress_for(progress) as (terminal, callback):
        return function(*args, progress=terminal, on_progress=callback, **kwargs)


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
    progress: Progress = None,
) -> Profile:
    """Profiles ``data`` in one read: per column counts, nulls, range, moments, quantile and
    distinct-count sketches, frequent values (``assay profile DATA``).

    ``data`` is a path, URL, glob or directory (or a list of them, of one format), a saved
    profile, or Arrow data (pyarrow Table, Polars or pandas DataFrame, DuckDB relation...),
    read in place. ``exact_cap``: distinct values kept exactly per column before sketches.
    ``format``, ``delimiter``, ``no_header``, ``null_values`` and ``types`` (``{column:
    type}``) say how to read files, as the CLI's flags.

    ``progress`` (every function that reads data takes it, except :func:`assay.split`): by default a progress line on
    stderr when it is a terminal, and a progress bar in the cell's output in a Jupyter
    notebook; ``False`` shows nothing; a function is called every quarter of a second with
    the reads in progress as ``[(what, rows, seconds)]``.

    Raises :class:`assay.InputError` for unreadable data or a wrong option.
    """
    if not isinstance(exact_cap, int) or exact_cap < 0:
        raise _assay.InputError(f"--exact-cap must be a whole number from 0 (got {exact_cap!r})")
    native = _run(
        progress,
        _assay.profile,
        as_data(data),
        _read_options(format, delimiter, no_header, null_values, types),
        exact_cap,
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
    auto_exclude: bool = True,
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
    progress: Progress = None,
) -> Report:
    """Drift of every column of ``current`` against ``reference`` (``assay drift REFERENCE
    CURRENT``): the same report as the CLI's for the same inputs.

    Each side is data (as :func:`assay.profile` takes it) or a saved profile. ``method``:
    one method for every column (default: chosen per column, see ``assay explain
    drift.auto``): ks, wasserstein, psi, jensen_shannon, kl, hellinger, tvd, chi_square,
    z_test, cramer_v, anderson_darling, cramer_von_mises, mann_whitney, energy.
    ``columns``: only these. ``target`` / ``prediction`` / ``probability``: also report
    target and prediction drift (and leave them out of the features). ``exclude``: columns
    left out. ``auto_exclude`` (default true): unless ``columns`` are named, features that
    hold dates or times and integer or text identifiers (a distinct value per row) are left
    out, and the report lists them. ``categorical``: columns compared as categories. ``mode``:
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
        "no_auto_exclude": not auto_exclude,
        "categorical": _names(categorical),
        "mode": mode,
        "correction": correction,
        "min_effect": min_effect,
        "drift_share": drift_share,
        "binning": binning,
        "bins": bins,
        "warn_only": bool(warn_only),
    }
    native = _run(
        progress,
        _assay.drift,
        as_data(reference),
        as_data(current),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
    )
    return Report(native)


def check(
    suite: str | os.PathLike[str] | Mapping[str, Any],
    *,
    current: Data | None = None,
    reference: Data | None = None,
    progress: Progress = None,
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
        native = _run(progress, _assay.check, "suite (dict).json", text, cur, ref)
    else:
        native = _run(progress, _assay.check, os.fspath(suite), None, cur, ref)
    return Report(native)


def evaluate(
    data: Data,
    *,
    target: str,
    model: str | os.PathLike[str] | Any = None,
    features: str | Iterable[str] | None = None,
    prediction: str | None = None,
    probability: str | Iterable[str] | None = None,
    baseline_model: str | os.PathLike[str] | Any = None,
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
    progress: Progress = None,
) -> Report:
    """Evaluates a model on ``data`` (``assay evaluate DATA``): every metric of its task with
    intervals, slices, fairness across ``protected`` groups, and the regression gate against
    a baseline; the same report as the CLI's.

    ``model``: an ONNX file run by assay (inputs bound by its ``assay.features`` metadata or
    ``features``), a Python model (a callable, or an object with ``predict`` /
    ``predict_proba`` such as a scikit-learn estimator: see :class:`assay.Model`), called
    batch by batch; or ``prediction`` / ``probability`` columns already in the data.
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
        "model": None,
        "features": _names(features),
        "prediction": prediction,
        "probabilities": _list(probability),
        "baseline_model": None,
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
    python_model = dict(features=_names(features) or None, classes=_names(classes) or None, task=task)
    native = _run(
        progress,
        _assay.evaluate,
        as_data(data),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        model=as_model(model, **python_model),
        baseline_model=as_model(baseline_model, **python_model),
    )
    return Report(native)


def _split_options(
    splitter: str | None,
    folds: int | None,
    repeats: int | None,
    shuffle: bool,
    seed: int | None,
    stratify: str | None,
    group: str | None,
    gap: int | None,
    test_size: float | int | str | None,
    train_size: float | int | str | None,
    max_train_size: int | None,
    interval_start: str | None,
    interval_end: str | None,
    embargo: float | str | None,
) -> dict[str, Any]:
    def text(v: Any) -> str | None:
        return None if v is None else str(v)

    return {
        "splitter": splitter,
        "folds": folds,
        "repeats": repeats,
        "shuffle": bool(shuffle),
        "seed": seed,
        "stratify": stratify,
        "group": group,
        "gap": gap,
        "test_size": text(test_size),
        "train_size": text(train_size),
        "max_train_size": max_train_size,
        "interval_start": interval_start,
        "interval_end": interval_end,
        "embargo": text(embargo),
    }


def crossval(
    data: Data,
    *,
    target: str,
    learner: str | Any = None,
    param: Mapping[str, Any] | None = None,
    trainer: str | None = None,
    trainer_format: str | None = None,
    trainer_timeout: float | None = None,
    workdir: str | os.PathLike[str] | None = None,
    splitter: str | None = None,
    folds: int | None = None,
    repeats: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    stratify: str | None = None,
    group: str | None = None,
    gap: int | None = None,
    test_size: float | int | str | None = None,
    train_size: float | int | str | None = None,
    max_train_size: int | None = None,
    interval_start: str | None = None,
    interval_end: str | None = None,
    embargo: float | str | None = None,
    metrics: str | Iterable[str] | None = None,
    features: str | Iterable[str] | None = None,
    task: str | None = None,
    positive_class: str | None = None,
    unseen_segment: str | Iterable[str] | None = None,
    parallel: int | None = None,
    confidence: float | None = None,
    progress: Progress = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
) -> Report:
    """Cross-validation (``assay crossval DATA``): a model trained per fold, scored with the
    evaluation metrics beside a trivial baseline, with the generalization checks.

    ``learner``: a built-in learner's name (logistic_regression, linear_regression, ridge,
    random_forest, decision_tree; hyper-parameters in ``param``), or a Python estimator
    (anything with ``fit`` / ``predict``, such as a scikit-learn pipeline: cloned and fitted
    on each fold, see :class:`assay.Learner`). ``trainer``: an external command instead
    (``{train}``, ``{valid}``, ``{model}``... replaced by paths), with ``trainer_format``
    (csv or parquet fold files), ``trainer_timeout`` (seconds) and ``workdir`` (where fold files
    and models are kept; default a temporary directory, removed). Splitter options
    (``splitter``, ``folds``, ``repeats``, ``shuffle``, ``seed``, ``stratify``, ``group``,
    ``gap``, ``test_size``, ``train_size``, ``max_train_size``, ``interval_start``,
    ``interval_end``, ``embargo``), ``metrics``, ``features``, ``task``, ``positive_class``,
    ``unseen_segment``, ``parallel`` and ``confidence`` as the CLI's flags.
    """
    _finite(confidence=confidence, trainer_timeout=trainer_timeout)
    request = {
        "target": target,
        "params": dict(param or {}),
        "trainer": trainer,
        "trainer_format": trainer_format,
        "trainer_timeout": trainer_timeout,
        "workdir": None if workdir is None else os.fspath(workdir),
        "split": _split_options(
            splitter, folds, repeats, shuffle, seed, stratify, group, gap, test_size,
            train_size, max_train_size, interval_start, interval_end, embargo,
        ),
        "metrics": _names(metrics),
        "features": _names(features),
        "task": task,
        "positive_class": positive_class,
        "unseen_segments": _names(unseen_segment),
        "parallel": parallel,
        "confidence": confidence,
    }
    native = _run(
        progress,
        _assay.crossval,
        as_data(data),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        learner=as_learner(learner),
    )
    return Report(native)


def _ranges(flag: str, ranges: Mapping[str, tuple[float, float]] | Iterable[str] | None) -> list[str]:
    if ranges is None:
        return []
    if isinstance(ranges, Mapping):
        out = []
        for name, bounds in ranges.items():
            try:
                low, high = bounds
            except (TypeError, ValueError):
                raise _assay.InputError(
                    f"{flag}: `{name}` must map to (low, high), got {bounds!r}"
                ) from None
            out.append(f"{name}={float(low)!r}:{float(high)!r}")
        return out
    return _list(ranges)  # type: ignore[arg-type]


def sensitivity(
    model: str | os.PathLike[str] | Any,
    *,
    method: str = "sobol",
    samples: int | None = None,
    seed: int | None = None,
    bounds: Mapping[str, tuple[float, float]] | Iterable[str] | None = None,
    domain: Mapping[str, tuple[float, float]] | Iterable[str] | None = None,
    data: Data | None = None,
    target: str | None = None,
    metric: str | None = None,
    features: str | Iterable[str] | None = None,
    model_output: str | None = None,
    positive_class: str | None = None,
    classes: Iterable[Any] | None = None,
    levels: int | None = None,
    resamples: int | None = None,
    confidence: float | None = None,
    block_rows: int | None = None,
    progress: Progress = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
) -> Report:
    """Sensitivity of a model's output to its inputs (``assay sensitivity MODEL``): Sobol
    indices (SALib's estimators), Morris elementary effects, one-at-a-time sweeps, or
    permutation importance on ``data`` against ``target``.

    ``model``: an ONNX file or a Python model (see :class:`assay.Model`; ``classes`` for a
    callable classifier). ``bounds``: ``{input: (low, high)}`` sampled uniformly (or the
    CLI's ``"INPUT=LOW:HIGH"`` strings); inputs without bounds follow their distribution in
    ``data``. ``domain``: declared domains. ``samples``, ``seed``, ``metric``, ``features``,
    ``model_output``, ``positive_class``, ``levels``, ``resamples``, ``confidence`` and
    ``block_rows`` as the CLI's flags.
    """
    _finite(confidence=confidence)
    request = {
        "method": method,
        "samples": samples,
        "seed": seed,
        "bounds": _ranges("bounds", bounds),
        "domains": _ranges("domain", domain),
        "target": target,
        "metric": metric,
        "features": _names(features),
        "model_output": model_output,
        "positive_class": positive_class,
        "levels": levels,
        "resamples": resamples,
        "confidence": confidence,
        "block_rows": block_rows,
    }
    native = _run(
        progress,
        _assay.sensitivity,
        as_model(model, features=_names(features) or None, classes=None if classes is None else list(classes)),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        data=None if data is None else as_data(data),
    )
    return Report(native)


def bench_model(
    model: str | os.PathLike[str] | Any,
    *,
    data: Data | None = None,
    features: str | Iterable[str] | None = None,
    classes: Iterable[Any] | None = None,
    baseline_model: str | os.PathLike[str] | Any = None,
    batch_sizes: int | Iterable[int] | None = None,
    warmup: int | None = None,
    iterations: int | None = None,
    seconds: float | None = None,
    throughput_threads: int | Iterable[int] | None = None,
    throughput_rows: int | None = None,
    budget: str | Iterable[str] | None = None,
    progress: Progress = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
) -> Report:
    """Inference latency per batch size, throughput, memory and load time of a model, with
    budgets (``assay bench-model MODEL``).

    ``model`` / ``baseline_model``: ONNX files or Python models (see :class:`assay.Model`; a
    Python model runs on the calling thread whatever ``throughput_threads`` says, and its
    load time is that of a lookup). ``data``: rows fed to the model (default: uniform random
    values); ``features``: its input columns in order; ``classes``: a callable classifier's
    classes. ``budget``: ``"p99@1<5"``, ``"throughput>=50000"``, ``"memory<=512"``,
    ``"load_time<=2000"``, ``"regression<=1.2"`` (one or a list). ``batch_sizes``,
    ``warmup``, ``iterations``, ``seconds``, ``throughput_threads``, ``throughput_rows`` as
    the CLI's flags.
    """
    _finite(seconds=seconds)

    def ints(v: int | Iterable[int] | None) -> list[int]:
        if v is None:
            return []
        if isinstance(v, int):
            return [v]
        return [int(x) for x in v]

    request = {
        "features": _names(features),
        "batch_sizes": ints(batch_sizes),
        "warmup": warmup,
        "iterations": iterations,
        "seconds": seconds,
        "throughput_threads": ints(throughput_threads),
        "throughput_rows": throughput_rows,
        "budgets": _list(budget),
    }
    wrap = dict(features=_names(features) or None, classes=None if classes is None else list(classes))
    native = _run(
        progress,
        _assay.bench_model,
        as_model(model, **wrap),
        json.dumps(request),
        _read_options(format, delimiter, no_header, null_values, types),
        data=None if data is None else as_data(data),
        baseline_model=as_model(baseline_model, **wrap),
    )
    return Report(native)


def split(
    data: Data,
    *,
    splitter: str,
    folds: int | None = None,
    repeats: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    stratify: str | None = None,
    group: str | None = None,
    gap: int | None = None,
    test_size: float | int | str | None = None,
    train_size: float | int | str | None = None,
    max_train_size: int | None = None,
    interval_start: str | None = None,
    interval_end: str | None = None,
    embargo: float | str | None = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
) -> Folds:
    """Cross-validation folds of ``data`` as row indices (``assay split DATA``), identical to
    scikit-learn's splitters for the same settings (``seed`` as ``random_state``).

    Returns :class:`assay.Folds`: iterate it for ``(train, test)`` pairs of row-index
    arrays (``array.array`` of unsigned 32-bit ints; ``numpy.asarray`` reads them without a
    copy), the way scikit-learn's ``split`` yields them.
    """
    options = _split_options(
        splitter, folds, repeats, shuffle, seed, stratify, group, gap, test_size, train_size,
        max_train_size, interval_start, interval_end, embargo,
    )
    name, n_rows, seconds, pairs = _assay.split(
        as_data(data), json.dumps(options), _read_options(format, delimiter, no_header, null_values, types)
    )
    return Folds(name, n_rows, seconds, pairs)


class Folds:
    """The folds of :func:`assay.split`: ``len()``, indexing and iteration give ``(train,
    test)`` pairs of row indices (``array.array('I')``)."""

    def __init__(self, splitter: str, n_rows: int, seconds: float, pairs: list[tuple[bytes, bytes]]):
        import array

        def indices(raw: bytes) -> array.array[int]:
            a = array.array("I")
            a.frombytes(raw)
            if sys.byteorder == "big":
                a.byteswap()
            return a

        #: The splitter's name.
        self.splitter = splitter
        #: Rows of the data.
        self.n_rows = n_rows
        #: Seconds the assignment took (reading left out).
        self.seconds = seconds
        self._folds = [(indices(train), indices(test)) for train, test in pairs]

    def __len__(self) -> int:
        return len(self._folds)

    def __getitem__(self, i: int) -> tuple[Any, Any]:
        return self._folds[i]

    def __iter__(self) -> Any:
        return iter(self._folds)

    def __repr__(self) -> str:
        sizes = " ".join(f"{len(tr)}/{len(te)}" for tr, te in self._folds[:5])
        more = " ..." if len(self._folds) > 5 else ""
        return f"Folds({self.splitter}, {len(self)} folds of {self.n_rows} rows; train/test {sizes}{more})"


def init(
    data: Data,
    *,
    reference: Data | None = None,
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: Progress = None,
    format: str | None = None,
    delimiter: str | None = None,
    no_header: bool = False,
    null_values: str | Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
) -> str:
    """A starter suite inferred from the data (``assay init DATA``), as YAML text: integrity
    checks with the ranges, category domains and null shares observed (in ``reference``
    when given, as TFDV infers from training data), schema and train–test overlap checks
    against the reference.

    Paths go into the suite as given; Arrow data as ``memory://current`` /
    ``memory://reference``, the names :func:`assay.check` gives the data it is passed.
    ``output``: also write the suite there (refused if it exists, unless ``force``).
    """
    if output is not None and os.path.exists(output) and not force:
        raise _assay.InputError(f"{os.fspath(output)} already exists (use force=True to overwrite)")

    def name(value: Any, side: str) -> str:
        if isinstance(value, (str, os.PathLike)):
            return os.fspath(value)
        if isinstance(value, list) and value and all(isinstance(v, (str, os.PathLike)) for v in value):
            return os.fspath(value[0])
        return f"memory://{side}"

    text = _run(
        progress,
        _assay.init,
        as_data(data),
        None if reference is None else as_data(reference),
        _read_options(format, delimiter, no_header, null_values, types),
        name(data, "current"),
        None if reference is None else name(reference, "reference"),
    )
    if output is not None:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    return text


def explain(id: str) -> str:
    """A check's documentation (``assay explain ID``): what it measures, its parameters,
    default condition and references."""
    return _assay.explain(id)


def checks() -> dict[str, str]:
    """Every check assay runs, ``{id: summary}`` (``assay checks``)."""
    return dict(_assay.checks())


def set_threads(threads: int) -> int:
    """Sets the worker threads of every later call (the CLI's ``--threads``, 1 to 1024;
    default: every core): reading, profiling, drift scoring, ONNX inference, bootstrap and
    cross-validation. Only before the first call of the process, whose pools are sized once
    (:class:`assay.AssayError` after it). Returns the number set."""
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise _assay.InputError(f"threads must be a whole number from 1 to 1024, got {threads!r}")
    return _assay.set_threads(threads)
