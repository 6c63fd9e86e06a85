"""assay.spark on a real Spark standalone cluster: a master and two workers, separate JVMs
started by the test (spark_cluster.py) and stopped by PID; the partitions are profiled by the
package under test inside the workers' Python processes.

Each result is compared with assay run locally on the same data: the exact parts of a
profile (counts, nulls, minimum, maximum, category counts; moments to rounding) exactly, the
sketched parts within the bound the report states."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import assay
import assay.spark
import spark_cluster

# pyspark 4.3 warns that it does not fully support pandas 3; its Arrow path used here
# (mapInArrow, toArrow) does not go through pandas.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

ROWS = 120_000
PARTITIONS = 6


@pytest.fixture(scope="module")
def cluster():
    c = spark_cluster.start(workers=2)
    yield c
    c.stop()


@pytest.fixture(scope="module")
def spark(cluster):
    session = spark_cluster.session(cluster)
    yield session
    session.stop()


def _table(seed: int, shift: float = 0.0, swap: bool = False) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=shift, size=ROWS)
    x[rng.random(ROWS) < 0.03] = np.nan  # NaN: a missing value to assay, as a Parquet null is
    colours = np.array(["red", "green", "blue"] if not swap else ["red", "green", "green"])
    colour = colours[rng.integers(0, 3, ROWS)].astype(object)
    colour[rng.random(ROWS) < 0.05] = None
    return pa.table(
        {
            "x": pa.array(x, from_pandas=True),
            "small": pa.array(rng.integers(0, 40, ROWS), type=pa.int64()),
            "colour": pa.array(colour, type=pa.string()),
            "id": pa.array(np.arange(ROWS), type=pa.int64()),
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("spark-data")
    paths = {}
    for name, table in {"reference": _table(1), "current": _table(2, shift=0.3, swap=True)}.items():
        paths[name] = str(d / f"{name}.parquet")
        pq.write_table(table, paths[name], row_group_size=20_000)
    return paths


def _frame(spark, path):
    return spark.read.parquet(path).repartition(PARTITIONS)


def test_profile_merges_the_partitions_to_the_local_profile(spark, files):
    df = _frame(spark, files["reference"])
    distributed = assay.spark.profile(df)
    local = assay.profile(df.toArrow(), progress=False)
    assert distributed.computed == {"engine": "spark", "partitions": PARTITIONS}
    assert local.computed is None
    assert distributed.rows == local.rows == ROWS
    values = pq.read_table(files["reference"]).column("x").to_numpy(zero_copy_only=False)
    finite = np.sort(values[~np.isnan(values)])
    assert len(distributed.columns) == len(local.columns) == 4
    for d, c in zip(distributed.columns, local.columns):
        assert (d.name, d.data_type, d.kind, d.count, d.nulls) == (c.name, c.data_type, c.kind, c.count, c.nulls)
        assert (d.min, d.max) == (c.min, c.max), d.name
        if d.mean is not None:
            assert d.mean == pytest.approx(c.mean, rel=1e-12), d.name
            assert d.std == pytest.approx(c.std, rel=1e-9), d.name
        if c.distinct_exact:
            assert d.distinct_exact and d.distinct == c.distinct and d.top == c.top, d.name
            assert d.median == c.median, d.name
    # x has more distinct values than the exact cap: its median comes from the merged sketch,
    # within the sketch's stated rank error of the true median's rank.
    x = distributed.column("x")
    assert not x.distinct_exact
    rank = np.searchsorted(finite, x.median) / finite.size
    assert abs(rank - 0.5) <= 0.0133 + 1e-3, rank


def test_profile_files_reads_the_files_in_the_tasks_and_equals_the_local_profile(spark, tmp_path):
    d = tmp_path / "parts"
    d.mkdir()
    table = _table(3)
    for i, start in enumerate(range(0, ROWS, ROWS // 3)):
        pq.write_table(table.slice(start, ROWS // 3), d / f"part-{i}.parquet")
    distributed = assay.spark.profile_files(spark, str(d))
    local = assay.profile(str(d), progress=False)
    assert distributed.computed == {"engine": "spark", "partitions": 3}
    assert distributed.rows == local.rows == ROWS
    assert len(distributed.columns) == len(local.columns) == 4
    for a, b in zip(distributed.columns, local.columns):
        assert (a.name, a.data_type, a.nulls, a.min, a.max, a.top) == (b.name, b.data_type, b.nulls, b.min, b.max, b.top)
        if a.mean is not None:
            assert a.mean == pytest.approx(b.mean, rel=1e-12)
    with pytest.raises(assay.InputError, match="cannot list"):
        assay.spark.profile_files(spark, str(tmp_path / "nowhere"))


def test_tree_merge_depth_does_not_change_the_exact_parts(spark, files):
    df = _frame(spark, files["reference"])
    two, three = assay.spark.profile(df, merge_depth=2), assay.spark.profile(df, merge_depth=3)
    assert two.computed == three.computed == {"engine": "spark", "partitions": PARTITIONS}
    for a, b in zip(two.columns, three.columns):
        assert (a.count, a.nulls, a.min, a.max, a.top) == (b.count, b.nulls, b.min, b.max, b.top)
        if a.mean is not None:
            assert a.mean == pytest.approx(b.mean, rel=1e-12)


def test_drift_flags_what_local_drift_flags_and_states_the_sketch_bound(spark, files):
    ref, cur = _frame(spark, files["reference"]), _frame(spark, files["current"])
    report = assay.spark.drift(ref, cur, method="ks", exclude=["id"])
    exact = assay.drift(files["reference"], files["current"], method="ks", exclude=["id"], progress=False)

    def flagged(r):
        return sorted(x.column for x in r.results if x.column and x.status == "fail")

    assert flagged(report) == flagged(exact) == ["x"]  # KS does not apply to `colour`
    default = assay.spark.drift(ref, cur, exclude=["id"])
    assert flagged(default) == flagged(assay.drift(files["reference"], files["current"], exclude=["id"], progress=False)) == [
        "colour",
        "x",
    ]
    by_column = {r.column: r for r in report.results if r.column}
    exact_by_column = {r.column: r for r in exact.results if r.column}
    x, x_exact = by_column["x"].details, exact_by_column["x"].details
    assert x["exact"] is False and x_exact["exact"] is True
    bound = x["sketch_cdf_error"]
    assert 0 < bound < 0.03
    assert abs(x["statistic"] - x_exact["statistic"]) <= bound
    # Columns still held exactly by both profiles are compared exactly.
    assert by_column["small"].details["exact"] is True
    assert by_column["small"].details["statistic"] == pytest.approx(exact_by_column["small"].details["statistic"], abs=1e-12)
    text = report.to_text()
    assert f"computed on Spark: {PARTITIONS} partial profiles merged" in text
    assert report.current.computed == {"engine": "spark", "partitions": PARTITIONS}


def test_check_runs_the_suite_on_the_cluster_profiles(spark, files):
    ref, cur = _frame(spark, files["reference"]), _frame(spark, files["current"])
    suite = {
        "name": "spark",
        "checks": [
            {"check": "integrity.row_count", "condition": ">= reference * 0.9"},
            {"check": "schema.match"},
            {"check": "integrity.null_share", "condition": "<= 0.04"},
            {"check": "integrity.new_categories"},
            {"check": "integrity.duplicate_rows", "condition": "<= 0.001"},
        ],
    }
    report = assay.spark.check(suite, current=cur, reference=ref)
    local = assay.check(
        suite,
        current=assay.profile(cur.toArrow(), progress=False),
        reference=assay.profile(ref.toArrow(), progress=False),
        progress=False,
    )
    assert [(r.id, r.column, r.status, r.value) for r in report.results] == [
        (r.id, r.column, r.status, r.value) for r in local.results
    ]
    null_share = {r.column: r for r in report.results if r.id == "integrity.null_share"}
    assert null_share["colour"].status == "fail"  # 5 % missing against at most 4 %
    # Duplicate rows need the rows: reported as not computed, with the reason.
    duplicates = [r for r in report.results if r.id == "integrity.duplicate_rows"]
    assert [r.status for r in duplicates] == ["skipped"]
    assert "needs the raw rows" in duplicates[0].message


def test_evaluate_gathers_only_the_needed_columns_and_matches_local(spark, tmp_path):
    rng = np.random.default_rng(5)
    n = 30_000
    label = rng.integers(0, 2, n)
    p = np.clip(label * 0.35 + rng.random(n) * 0.65, 0, 1)
    table = pa.table({"label": label, "p": p, "group": rng.choice(["a", "b"], n), "wide": rng.random(n)})
    path = str(tmp_path / "scored.parquet")
    pq.write_table(table, path)
    df = spark.read.parquet(path)
    report = assay.spark.evaluate(df, target="label", probability="p", protected="group", seed=7)
    local = assay.evaluate(table, target="label", probability="p", protected="group", seed=7, progress=False)
    assert report.current.columns == 3  # label, p, group: not `wide`
    def figures(r):
        return {(x.id, x.column): x.value for x in r.results if x.id.startswith(("model.", "fairness."))}

    spark_figures, local_figures = figures(report), figures(local)
    assert ("model.roc_auc", None) in spark_figures and ("fairness.disparate_impact", "group") in spark_figures
    assert spark_figures.keys() == local_figures.keys()
    for key, value in local_figures.items():
        assert spark_figures[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    with pytest.raises(assay.InputError, match="'nope' not in the DataFrame"):
        assay.spark.evaluate(df, target="nope", probability="p")


def _profile_stage(tracker, tasks: int):
    """The active stage of `tasks` tasks with some done and some running (the profiling
    stage: the read before the repartition has one task a file split)."""
    for stage_id in tracker.getActiveStageIds():
        info = tracker.getStageInfo(stage_id)
        if info and info.numTasks == tasks and info.numActiveTasks > 0 and info.numCompletedTasks > 0:
            return info
    return None


def _failed_tasks(spark) -> int:
    """Failed task attempts over the application's stages, from the driver's REST API."""
    import json
    import urllib.request

    sc = spark.sparkContext
    url = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/stages"
    with urllib.request.urlopen(url, timeout=10) as r:
        return sum(stage.get("numFailedTasks", 0) for stage in json.load(r))


def test_an_executor_killed_mid_job_is_retried_and_the_profile_is_whole(spark, cluster, files):
    def slow(batches):
        for b in batches:
            time.sleep(1.5)
            yield b

    df = _frame(spark, files["reference"]).repartition(12)
    slowed = df.mapInArrow(slow, df.schema)
    result: dict = {}
    failed_before = _failed_tasks(spark)

    def run():
        try:
            result["profile"] = assay.spark.profile(slowed)
        except BaseException as e:  # reported below
            result["error"] = e

    worker = threading.Thread(target=run)
    worker.start()
    tracker = spark.sparkContext.statusTracker()
    deadline = time.monotonic() + 120
    while _profile_stage(tracker, 12) is None and time.monotonic() < deadline and worker.is_alive():
        time.sleep(0.1)
    assert _profile_stage(tracker, 12) is not None, "the profiling stage was never seen running"
    victims = cluster.executor_pids()
    assert len(victims) == 2, victims
    os.kill(victims[0], signal.SIGKILL)
    worker.join(timeout=240)
    assert not worker.is_alive(), "the profile did not finish after an executor was killed"
    assert "error" not in result, result.get("error")
    # The kill landed mid-job: Spark recorded failed attempts, and ran them again.
    assert _failed_tasks(spark) > failed_before
    p = result["profile"]
    local = assay.profile(files["reference"], progress=False)
    assert p.rows == ROWS  # every row once: no partition lost, none merged twice
    assert [(c.name, c.nulls, c.min, c.max) for c in p.columns] == [(c.name, c.nulls, c.min, c.max) for c in local.columns]
    assert p.computed == {"engine": "spark", "partitions": 12}


def test_a_failing_job_names_the_cluster_and_the_error(spark, cluster):
    from pyspark.sql.functions import udf

    broken = spark.range(100).withColumn("bad", udf(lambda v: 1 // (v - v), "int")("id"))
    with pytest.raises(assay.spark.SparkJobFailed) as e:
        assay.spark.profile(broken)
    message = str(e.value)
    assert cluster.master_url in message
    assert "ZeroDivisionError" in message


def test_empty_dataframe_profiles_to_zero_rows(spark):
    empty = spark.createDataFrame([], "a double, b string")
    p = assay.spark.profile(empty)
    assert p.rows == 0
    assert [c.name for c in p.columns] == ["a", "b"]
    assert p.computed == {"engine": "spark", "partitions": 0}


def test_a_state_from_another_version_is_refused():
    state = assay.profile(pa.table({"a": [1.0, 2.0]}), progress=False).to_dict()
    state["version"] = 999
    import json

    with pytest.raises(assay.InputError, match="version"):
        assay.Profile.from_json(json.dumps(state))
