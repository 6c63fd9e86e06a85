#!/usr/bin/env python3
"""A lower bound for exact drift on the benchmark pair: the plain scan plus one sort per column.

`assay drift` compares every numeric column of many distinct values exactly (Wasserstein, KS,
... on every value), which needs each such column sorted once per side. This script measures
the two parts no exact implementation can skip, in one run:

  scan   DuckDB's plain scan of both files (duckdb_bench.py scan, in a child process): wall and
         CPU seconds (user + system, from the child's resource usage);
  sort   numpy's sort (its default quicksort: AVX-512 vectorized where the CPU has it, faster
         than Rust's standard sort here) of the finite values of each numeric column with more
         distinct values than assay's exact cap (10,000), both sides, columns read
         beforehand with pyarrow (not timed): CPU seconds, one thread.

and prints the floor, scan wall + sort CPU / cores (sorting spread perfectly over the cores,
nothing else done: no profile, no scoring), against the issue's target of 3x the scan's wall.

    bench/.venv/bin/python bench/drift_floor.py bench/data/5000000-seed42/{reference,current}.parquet
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

BENCH = Path(__file__).resolve().parent
EXACT_CAP = 10_000


def scan(paths: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of DuckDB's plain scan of `paths` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(BENCH / "duckdb_bench.py"), "scan", *paths,
                        "--format", "parquet", "--out", out.name], check=True,
                       stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def sorted_columns(path: str, exclude: set[str]) -> dict[str, np.ndarray]:
    """The finite values of each numeric column of `path` past the exact cap."""
    table = pq.read_table(path)
    kept = {}
    for field in table.schema:
        if field.name in exclude or not (pa.types.is_floating(field.type) or pa.types.is_integer(field.type)):
            continue
        values = table.column(field.name).drop_null().to_numpy().astype(np.float64)
        values = values[np.isfinite(values)]
        if pc.count_distinct(table.column(field.name)).as_py() > EXACT_CAP:
            kept[field.name] = values
    return kept


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reference")
    p.add_argument("current")
    p.add_argument("--exclude", nargs="*", default=["id"])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    columns = [sorted_columns(f, set(args.exclude)) for f in (args.reference, args.current)]
    names = sorted(set(columns[0]) | set(columns[1]))
    scans, sorts = [], []
    for _ in range(args.repeat):
        scans.append(scan([args.reference, args.current]))
        cpu0 = time.process_time()
        for side in columns:
            for values in side.values():
                np.sort(values)
        sorts.append(time.process_time() - cpu0)
    scan_wall = sorted(w for w, _ in scans)[len(scans) // 2]
    scan_cpu = sorted(c for _, c in scans)[len(scans) // 2]
    sort_cpu = sorted(sorts)[len(sorts) // 2]
    floor = scan_wall + sort_cpu / args.cores
    result = {
        "sorted_columns": names,
        "values_sorted": sum(len(v) for side in columns for v in side.values()),
        "scan_wall_seconds": round(scan_wall, 3),
        "scan_cpu_seconds": round(scan_cpu, 3),
        "sort_cpu_seconds": round(sort_cpu, 3),
        "cores": args.cores,
        "floor_seconds": round(floor, 3),
        "floor_over_scan": round(floor / scan_wall, 2),
        "target_seconds": round(3 * scan_wall, 3),
        "numpy": np.__version__,
    }
    print(f"{len(names)} columns sorted a side ({result['values_sorted']:,} values): "
          f"numpy sort {sort_cpu:.2f} s CPU; DuckDB scan of both {scan_wall:.2f} s wall, "
          f"{scan_cpu:.2f} s CPU")
    print(f"floor = scan wall + sort CPU / {args.cores} cores = {floor:.2f} s = "
          f"{floor / scan_wall:.2f}x the scan (target 3x = {3 * scan_wall:.2f} s), before any "
          f"profile or score is computed")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
