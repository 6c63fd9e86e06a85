"""assay on Spark DataFrames: the data stays on the cluster, the profiles come back.

Each partition of a DataFrame is profiled by assay's Rust core inside Spark's Python workers
(``mapInArrow``: the partition's Arrow batches, no pandas in between); the partial profiles
are merged as a tree on the executors (``treeReduce``): the driver receives the last level's
few partial profiles, merges them and runs the checks::

    import assay.spark

    profile = assay.spark.profile(spark.read.parquet("s3a://lake/events/"))
    report = assay.spark.drift(reference_df, current_df, exclude=["id"])
    report = assay.spark.check("suite.yaml", current=current_df, reference=reference_df)
    report = assay.spark.evaluate(scored_df, target="label", probability="p")

What is exact and what is not. Counts, nulls, minimum, maximum, moments and category counts
merge exactly (moments to floating-point rounding). A numeric column's quantiles, and so the
drift statistics computed from them (Kolmogorov-Smirnov D, Wasserstein, PSI bins), come from
the merged quantile sketch once a column has more distinct values than ``exact_cap``: every
such result says ``exact: false`` and states the sketch's rank-error bound (KS D within it of
the exact D). Checks that need every row (duplicates, overlap between datasets, exact tests on
raw values) are reported as not computable from a profile, never silently dropped;
``evaluate`` gathers only the columns the metrics need to the driver and computes them
exactly there. Every report made from the cluster's profiles (``drift``, ``check``) says where
they were computed and how many partial profiles were merged (``Report.current.computed``).

The workers need this package installed (the driver's version: a partial profile of another
profile-format version is refused with an error naming it) and pyarrow. Spark 4.0 or later
(``DataFrame.toArrow``), with a classic session (Spark Connect sessions have no RDDs to merge
on and are refused).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from . import _assay
from ._api import check as _check
from ._api import drift as _drift
from ._api import evaluate as _evaluate
from ._errors import AssayError, InputError
from ._profile import Profile
from ._report import Report

__all__ = ["profile", "profile_files", "drift", "check", "evaluate", "SparkJobFailed"]

#: The schema of the per-partition states: one row per non-empty partition.
_STATE_SCHEMA = "profile string, rows long"


class SparkJobFailed(AssayError):
    """The Spark job behind a call failed (after Spark's own task retries): the message names
    the cluster and what Spark reported (the failed stage and task, and the worker's error)."""


def _master(df: Any) -> str:
    try:
        return str(df.sparkSession.sparkContext.master)
    except Exception:  # a Spark Connect session has no SparkContext
        return "the Spark session"


def _classic(df: Any, what: str) -> None:
    """Refuses what this module cannot run on: a Spark Connect DataFrame (no RDD for the
    tree merge), a Spark before 4.0 (no ``toArrow``), or something that is not a DataFrame."""
    module = type(df).__module__ or ""
    if not module.startswith("pyspark.sql"):
        raise InputError(f"{what}: expected a Spark DataFrame, got a {module}.{type(df).__name__}")
    if module.startswith("pyspark.sql.connect"):
        raise InputError(
            f"{what}: a Spark Connect DataFrame cannot be profiled by assay.spark (it merges the "
            "partial profiles with RDD operations, which Spark Connect does not offer): use a "
            "classic SparkSession"
        )
    if not hasattr(df, "toArrow") or not hasattr(df, "mapInArrow"):
        raise InputError(f"{what}: assay.spark needs Spark 4.0 or later (DataFrame.toArrow and mapInArrow)")


def _job_error(df: Any, what: str, error: BaseException) -> SparkJobFailed:
    """A failed Spark job as an assay error naming the cluster and Spark's own account."""
    import re

    text = str(error)
    # Py4J's message carries the Java stack; what matters is Spark's own line (the stage and
    # task that failed, and how often) and the last line of the worker's Python traceback.
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    spark_line = next((ln for ln in lines if "Job aborted" in ln or "failed" in ln), lines[0] if lines else "")
    python = [ln for ln in lines if re.match(r"^([A-Za-z_][\w.]*)?(Error|Exception|Interrupt)(: |$)", ln)]
    summary = "\n  ".join(dict.fromkeys([spark_line[:500], *python[-1:]]))
    return SparkJobFailed(f"{what} on Spark ({_master(df)}) failed:\n  {summary}")


def _profile_partitions(exact_cap: int) -> Any:
    """The function each Spark task runs on its partition's Arrow batches: the partition's
    profile as one row of JSON (nothing for an empty partition)."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import TaskContext

        import assay

        _task_threads(TaskContext.get())

        batches = [b for b in batches if b.num_rows > 0]
        if not batches:
            return
        table = pa.Table.from_batches(batches)
        partial = assay.profile(table, exact_cap=exact_cap, progress=False)._native.with_computed("spark", 1)
        yield pa.RecordBatch.from_pydict({"profile": [partial.to_json()], "rows": [table.num_rows]})

    return run


def _task_threads(task: Any) -> None:
    """Gives assay the task's cores: it would otherwise use every core of the host in every
    concurrent task. A reused Python worker has set them already (and cannot again)."""
    import assay

    if task is None:
        return
    try:
        assay.set_threads(max(1, int(task.cpus())))
    except assay.AssayError:
        pass


def _tree_merge(states: Any, merge_depth: int, on_error: Any) -> tuple[str, int] | None:
    """Merges an RDD of partial-profile JSON texts as a tree on the executors (Spark's
    ``treeReduce``): the merged JSON and how many partial profiles it holds, or ``None`` when
    there were none. ``on_error(exception)`` makes the exception to raise for a failed job."""
    pairs = states.map(lambda text: (text, 1))
    try:
        return pairs.treeReduce(lambda a, b: (_merge_states(a[0], b[0]), a[1] + b[1]), depth=merge_depth)
    except ValueError as e:
        # PySpark's treeReduce of no rows at all: every partition was empty.
        if "empty RDD" not in str(e):
            raise on_error(e) from e
        return None
    except Exception as e:  # Py4JJavaError and what PySpark wraps it in
        raise on_error(e) from e


def _merge_states(a: str, b: str) -> str:
    from assay import _assay as native

    return native.profile_from_json(a).merge(native.profile_from_json(b)).to_json()


def _source_label(df: Any) -> str:
    """The DataFrame's input files when Spark knows them (a read of files), else ``spark://``
    and the cluster."""
    try:
        files = list(df.inputFiles())
    except Exception:
        files = []
    if len(files) == 1:
        return files[0]
    if files:
        schemes = {f.split("://", 1)[0] if "://" in f else "" for f in files}
        paths = [f.split("://", 1)[-1] for f in files]
        common = os.path.commonpath(paths) if len(schemes) == 1 else ""
        if common.strip("/"):
            scheme = schemes.pop()
            return f"{scheme + '://' if scheme else ''}{common} ({len(files)} files)"
        return f"{files[0]} and {len(files) - 1} more files"
    return f"spark DataFrame on {_master(df)}"


def profile(df: Any, *, exact_cap: int = _assay.DEFAULT_EXACT_CAP, merge_depth: int = 2) -> Profile:
    """Profiles a Spark DataFrame on its cluster: each partition by assay's core in the
    Python workers, the partial profiles tree-merged on the executors (``merge_depth``
    levels, Spark's ``treeReduce``), the merged profile returned. ``exact_cap`` as
    :func:`assay.profile`'s: distinct values kept exactly per column (per partition and after
    every merge) before the sketches take over.

    The profile says where it was computed (``Profile.computed``: engine ``spark`` and the
    number of partial profiles merged). Raises :class:`SparkJobFailed` when the job fails
    after Spark's retries, :class:`assay.InputError` for a wrong option.
    """
    if not isinstance(exact_cap, int) or exact_cap < 0:
        raise InputError(f"exact_cap must be a whole number from 0 (got {exact_cap!r})")
    if not isinstance(merge_depth, int) or merge_depth < 1:
        raise InputError(f"merge_depth must be a whole number from 1 (got {merge_depth!r})")
    _classic(df, "profile")
    states = df.mapInArrow(_profile_partitions(exact_cap), _STATE_SCHEMA).rdd.map(lambda row: row[0])
    merged = _tree_merge(states, merge_depth, lambda e: _job_error(df, "profiling the DataFrame", e))
    label = _source_label(df)
    if merged is None:
        # No rows anywhere: the profile of an empty table of the DataFrame's schema.
        from ._api import profile as _profile

        empty = _profile(df.limit(0).toArrow(), exact_cap=exact_cap, progress=False)
        return Profile(empty._native.with_computed("spark", 0, [label]))
    text, partitions = merged
    native = _assay.profile_from_json(text).with_computed("spark", partitions, [label])
    return Profile(native)


def _assay_url(uri: str) -> str:
    """A URI Spark lists as assay reads it: ``file:///x`` as ``/x``, Hadoop's ``s3a://`` and
    ``s3n://`` as ``s3://``; other URLs as they are."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    for hadoop in ("s3a://", "s3n://"):
        if uri.startswith(hadoop):
            return "s3://" + uri[len(hadoop):]
    return uri


def profile_files(
    spark: Any,
    paths: str | list[str],
    *,
    format: str = "parquet",
    exact_cap: int = _assay.DEFAULT_EXACT_CAP,
    merge_depth: int = 2,
) -> Profile:
    """Profiles files on the cluster with assay's own reader: Spark lists the files of
    ``paths`` (files, directories or globs, as ``spark.read.load`` takes them), deals them to
    tasks (one file a task), each task reads and profiles its files exactly as ``assay
    profile`` does, and the partial profiles are tree-merged as :func:`profile` merges them.

    Faster than :func:`profile` on a plain read of the same files — the rows never go through
    Spark's row format and its conversion to Arrow — but the workers must reach the files under
    the URLs Spark lists (a shared file system or an object store), a file is the smallest
    unit of work, nothing can be filtered or transformed first (use :func:`profile` on the
    DataFrame for that), and hive partition columns, which are in the paths and not the files,
    are not profiled. ``format``: ``parquet``, ``csv`` (read with assay's defaults), ``json``
    (JSON Lines).
    """
    if not isinstance(merge_depth, int) or merge_depth < 1:
        raise InputError(f"merge_depth must be a whole number from 1 (got {merge_depth!r})")
    if not isinstance(exact_cap, int) or exact_cap < 0:
        raise InputError(f"exact_cap must be a whole number from 0 (got {exact_cap!r})")
    reader = spark.read.format(format)
    if format == "csv":
        reader = reader.option("header", "true")
    try:
        listed = reader.load(paths)
        files = sorted(_assay_url(f) for f in listed.inputFiles())
    except Exception as e:
        raise InputError(f"profile_files: Spark cannot list {paths!r} as {format}: {str(e).splitlines()[0]}") from e
    if not files:
        raise InputError(f"profile_files: no {format} files in {paths!r}")

    def run(batch: Iterator[str]) -> Iterator[str]:
        from pyspark import TaskContext

        import assay

        _task_threads(TaskContext.get())
        mine = list(batch)
        if mine:
            partial = assay.profile(mine, format=format, exact_cap=exact_cap, progress=False)
            yield partial._native.with_computed("spark", 1).to_json()

    states = spark.sparkContext.parallelize(files, len(files)).mapPartitions(run)
    master = str(spark.sparkContext.master)
    merged = _tree_merge(
        states, merge_depth, lambda e: _job_error(listed, f"profiling {len(files)} files", e)
    )
    if merged is None:  # not reachable: every task has a file
        raise SparkJobFailed(f"profiling {len(files)} files on Spark ({master}) gave no profile")
    text, partitions = merged
    label = f"{files[0]} and {len(files) - 1} more files" if len(files) > 1 else files[0]
    common = os.path.commonpath(files) if all(f.startswith("/") for f in files) else ""
    if len(files) > 1 and common.strip("/"):
        label = f"{common} ({len(files)} files)"
    return Profile(_assay.profile_from_json(text).with_computed("spark", partitions, [label]))


def drift(
    reference: Any,
    current: Any,
    *,
    exact_cap: int = _assay.DEFAULT_EXACT_CAP,
    merge_depth: int = 2,
    **options: Any,
) -> Report:
    """Drift of ``current`` against ``reference``, two Spark DataFrames: both profiled on the
    cluster (:func:`profile`), then compared on the driver as :func:`assay.drift` compares two
    profiles, with the same keyword arguments (``method``, ``columns``, ``exclude``,
    ``target``, ``prediction``, ...). Results from sketches say ``exact: false`` and the
    bound."""
    options.pop("progress", None)  # the cluster's jobs have Spark's own progress
    ref = profile(reference, exact_cap=exact_cap, merge_depth=merge_depth)
    cur = profile(current, exact_cap=exact_cap, merge_depth=merge_depth)
    return _drift(ref, cur, progress=False, **options)


def check(
    suite: str | os.PathLike[str] | Mapping[str, Any],
    *,
    current: Any,
    reference: Any = None,
    exact_cap: int = _assay.DEFAULT_EXACT_CAP,
    merge_depth: int = 2,
) -> Report:
    """Runs a suite (a file, or a dict as :func:`assay.check` takes it) on Spark DataFrames:
    ``current`` and ``reference`` profiled on the cluster, the checks run on the driver from
    the profiles. Checks that need the rows themselves are reported as such in the report
    (status ``skipped``, with the reason), not left out."""
    cur = profile(current, exact_cap=exact_cap, merge_depth=merge_depth)
    ref = None if reference is None else profile(reference, exact_cap=exact_cap, merge_depth=merge_depth)
    return _check(suite, current=cur, reference=ref, progress=False)


def _columns_needed(df: Any, options: Mapping[str, Any]) -> list[str]:
    """The columns ``evaluate`` reads: target, predictions, probabilities, weights, protected
    and segment columns — or every column when a slice condition (SQL over any column) or a
    model (its features) is given. Names are split as :func:`assay.evaluate` splits them."""
    from ._api import _list, _names

    if any(options.get(k) is not None for k in ("slice", "model", "baseline_model")):
        return list(df.columns)
    wanted: list[str] = []
    for key in ("target", "prediction", "baseline_prediction", "weight"):
        wanted.extend(_list(options.get(key)))
    for key in ("probability", "baseline_probability"):
        wanted.extend(_list(options.get(key)))
    for key in ("protected", "segment", "features"):
        wanted.extend(_names(options.get(key)))
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(
            f"evaluate: column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"not in the DataFrame (its columns: {', '.join(df.columns)})"
        )
    return list(dict.fromkeys(wanted))


def _quoted(name: str) -> str:
    """A column name as Spark SQL reads it whatever it holds (dots, spaces, backticks)."""
    return "`" + name.replace("`", "``") + "`"


def evaluate(df: Any, *, target: str, **options: Any) -> Report:
    """Evaluates predictions held in a Spark DataFrame (``prediction`` / ``probability``
    columns, as :func:`assay.evaluate` takes them): only the columns the metrics need
    (target, predictions, weights, protected and segment columns) are gathered to the driver
    as Arrow — a few numbers a row — and every metric, interval, slice and fairness figure is
    computed exactly there, as :func:`assay.evaluate` computes it. Score the DataFrame on the
    cluster first (a Spark ML model, or ``mapInArrow`` with your model); with ``model=``
    every column is gathered and the model runs on the driver.

    Raises :class:`assay.InputError` for a column that is not in the DataFrame."""
    _classic(df, "evaluate")
    options = dict(options, target=target)
    options.pop("progress", None)
    columns = _columns_needed(df, options)
    try:
        table = df.select(*[_quoted(c) for c in columns]).toArrow()
    except Exception as e:
        raise _job_error(df, "gathering the evaluation columns", e) from e
    report = _evaluate(table, progress=False, **options)
    return report
