#!/usr/bin/env python3
"""assay.spark.profile (a DataFrame, through mapInArrow) and assay.spark.profile_files (the
files read by assay in the tasks) on a Spark standalone cluster with 1 and 2 workers (one core
each), side by side with the local CLI (`assay profile`, 1 and 2 threads) on the same Parquet data,
in one run (issue #16's targets).

The data: the benchmark's 5M-row × 25-column `current.parquet` linked `--copies` times into one
directory (10 copies: 50M rows), read as one dataset by Spark and by the CLI. The cluster is
the tests' (python/tests/spark_cluster.py): real master and worker JVMs on loopback.

Reported per run: seconds, rows per second, rows per second per core; for the cluster also the
partitions merged, the mean size of a partial profile (JSON) and the merge cost (the driver
merging every partial profile one after another, timed apart from the job), from which the
written model in bench/README.md extrapolates to 100 executors and 10 TB.

    cargo build --profile bench-release -p assay-cli
    maturin build --profile bench-release -o target/wheels-bench --interpreter bench/.venv/bin/python
    bench/.venv/bin/pip install --force-reinstall --no-deps target/wheels-bench/assay_ml-*.whl
    bench/.venv/bin/pip install pyspark==4.3.0
    bench/.venv/bin/python bench/spark_bench.py --copies 10

Writes results/<date>-spark-<rows>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))

CLI = ROOT / "target" / "bench-release" / "assay"


def dataset(copies: int) -> tuple[Path, int]:
    """A directory of `copies` links to the 5M-row current.parquet, and its row count."""
    import pyarrow.parquet as pq

    source = HERE / "data" / "5000000-seed42" / "current.parquet"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/generate.py --rows 5000000 --out-dir {source.parent} first")
    out = HERE / "data" / f"spark-{copies}x5000000"
    out.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        link = out / f"part-{i:03d}.parquet"
        if not link.exists():
            os.symlink(source, link)
    return out, copies * pq.ParquetFile(source).metadata.num_rows


def local(path: Path, threads: int) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([str(CLI), "profile", str(path), "--threads", str(threads), "-o", "/tmp/spark-bench-local.json"],
                         capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return {"seconds": seconds, "threads": threads}


def on_cluster(path: Path, workers: int, rows: int, measure_merge: bool) -> dict:
    import spark_cluster

    import assay
    import assay.spark

    cluster = spark_cluster.start(workers=workers)
    try:
        spark = spark_cluster.session(cluster, name=f"assay-bench-{workers}")
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(128 << 20))
        df = spark.read.parquet(str(path))
        t0 = time.perf_counter()
        profile = assay.spark.profile(df)
        seconds = time.perf_counter() - t0
        assert profile.rows == rows, (profile.rows, rows)
        partitions = profile.computed["partitions"]
        # The same files profiled by assay's own reader in the tasks (profile_files).
        t0 = time.perf_counter()
        by_files = assay.spark.profile_files(spark, str(path))
        files_seconds = time.perf_counter() - t0
        assert by_files.rows == rows, (by_files.rows, rows)
        result = {"seconds": seconds, "workers": workers, "partitions": partitions,
                  "files_seconds": files_seconds, "files_partitions": by_files.computed["partitions"]}
        if not measure_merge:
            spark.stop()
            return result
        # The merge apart: every partial profile gathered, then merged one after another on
        # the driver (the tree merge does the same merges, spread over the executors).
        states = [r[0] for r in df.mapInArrow(assay.spark._profile_partitions(assay.DEFAULT_EXACT_CAP),
                                              assay.spark._STATE_SCHEMA).collect()]
        t1 = time.perf_counter()
        merged = assay.Profile.from_json(states[0])
        for s in states[1:]:
            merged = merged.merge(assay.Profile.from_json(s))
        merge_seconds = time.perf_counter() - t1
        spark.stop()
        return {
            **result,
            "state_bytes_mean": sum(len(s) for s in states) / len(states),
            "merge_seconds_total": merge_seconds,
            "merge_seconds_each": merge_seconds / max(1, len(states) - 1),
        }
    finally:
        cluster.stop()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--copies", type=int, default=10, help="copies of the 5M-row file (10: 50M rows)")
    p.add_argument("--cluster", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    path, rows = dataset(args.copies)
    if args.cluster:
        # One cluster configuration in a process of its own (a second SparkContext in one
        # driver process after the first was stopped ended the process without a word).
        print(json.dumps(on_cluster(path, args.cluster, rows, measure_merge=args.cluster == 2)))
        return 0
    results: dict[str, dict] = {"rows": {"value": rows}, "columns": {"value": 25}}
    for threads in (1, 2):
        results[f"local-{threads}"] = local(path, threads)
        print(f"local {threads} thread(s): {results[f'local-{threads}']['seconds']:.1f} s", file=sys.stderr)
    for workers in (1, 2):
        out = subprocess.run([sys.executable, __file__, "--copies", str(args.copies), "--cluster", str(workers)],
                             capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise RuntimeError(f"the {workers}-worker run failed ({out.returncode}):\n{out.stderr[-3000:]}")
        results[f"spark-{workers}"] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"spark {workers} worker(s): {results[f'spark-{workers}']}", file=sys.stderr)

    print(f"\n{rows:,} rows × 25 columns (Parquet), assay profile\n")
    print("| where | cores | seconds | rows/s | rows/s per core |")
    print("|---|---:|---:|---:|---:|")
    for key, field, label, cores in (
        ("local-1", "seconds", "local CLI, 1 thread", 1),
        ("local-2", "seconds", "local CLI, 2 threads", 2),
        ("spark-1", "seconds", "Spark `profile(df)` (mapInArrow), 1 worker", 1),
        ("spark-2", "seconds", "Spark `profile(df)` (mapInArrow), 2 workers", 2),
        ("spark-1", "files_seconds", "Spark `profile_files` (assay's reader in the tasks), 1 worker", 1),
        ("spark-2", "files_seconds", "Spark `profile_files` (assay's reader in the tasks), 2 workers", 2),
    ):
        s = results[key][field]
        results[key][field.replace("seconds", "rows_per_second_per_core")] = rows / s / cores
        print(f"| {label} | {cores} | {s:.1f} | {rows / s:,.0f} | {rows / s / cores:,.0f} |")
    r = results["spark-2"]
    print(f"\nSpark: {r['partitions']} partial profiles of {r['state_bytes_mean'] / 1024:.0f} KiB (JSON) each; "
          f"one merge (parse both, merge, write) {r['merge_seconds_each'] * 1000:.1f} ms on the driver")
    local_rate = results["local-1"]["rows_per_second_per_core"]
    for what, key in (("profile(df)", "rows_per_second_per_core"), ("profile_files", "files_rows_per_second_per_core")):
        ratio = local_rate / results["spark-1"][key]
        print(f"local per-core throughput / Spark {what} per-core throughput (1 core each): {ratio:.2f}× (target ≤ 1.5×)")
    date = datetime.date.today().isoformat()
    out = HERE / "results" / f"{date}-spark-{rows}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
