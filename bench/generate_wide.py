#!/usr/bin/env python3
"""A wide table for the per-cell cost of `assay profile`: N columns x M rows, Parquet (snappy).

Column j (0-based) is, by j mod 10: 0-5 float64 (normal, lognormal, uniform, exponential,
normal with 2% nulls, rounded normal with few distinct values), 6-7 int64 (poisson, wide
uniform ids), 8-9 string (20 and 500 categories, Zipf-like). Seeded: column j draws from
numpy.random.default_rng(SeedSequence([seed, j])), so the file depends only on the arguments.
Row groups of --row-group-rows rows (1M); the whole table is built in memory first (~1.6 GB at the default size).

    python bench/generate_wide.py --columns 1000 --rows 200000 --out bench/data/wide-1000x200000.parquet
    python bench/generate_wide.py --columns 25 --rows 8000000 --out bench/data/wide-25x8000000.parquet
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def column(j: int, rows: int, seed: int) -> pa.Array:
    rng = np.random.default_rng(np.random.SeedSequence([seed, j]))
    kind = j % 10
    if kind == 0:
        return pa.array(rng.normal(0, 1, rows))
    if kind == 1:
        return pa.array(rng.lognormal(3, 0.5, rows))
    if kind == 2:
        return pa.array(rng.uniform(-1000, 1000, rows))
    if kind == 3:
        return pa.array(rng.exponential(2, rows))
    if kind == 4:
        v = rng.normal(50, 10, rows)
        return pa.array(v, mask=rng.random(rows) < 0.02)
    if kind == 5:
        return pa.array(np.round(rng.normal(40, 12, rows)))
    if kind == 6:
        return pa.array(rng.poisson(3, rows).astype(np.int64))
    if kind == 7:
        return pa.array(rng.integers(0, 1 << 40, rows, dtype=np.int64))
    n = 20 if kind == 8 else 500
    weights = 1.0 / np.arange(1, n + 1)
    idx = rng.choice(n, rows, p=weights / weights.sum())
    labels = np.array([f"c{kind}_{i:03d}" for i in range(n)], dtype=object)
    return pa.array(labels[idx], type=pa.string())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--columns", type=int, default=1000)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--row-group-rows", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    t0 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    names = [f"c{j:04d}" for j in range(args.columns)]
    arrays = [column(j, args.rows, args.seed) for j in range(args.columns)]
    table = pa.table(arrays, names=names)
    tmp = args.out.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="snappy", row_group_size=args.row_group_rows)
    tmp.rename(args.out)
    print(f"wrote {args.out} ({args.columns} columns x {args.rows} rows, "
          f"{args.out.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
