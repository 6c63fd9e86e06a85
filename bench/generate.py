#!/usr/bin/env python3
"""Seeded synthetic data for the assay benchmarks.

Writes ``reference`` and ``current`` datasets of 25 columns each (Parquet and/or CSV) plus a
``drift.json`` that lists the drift injected into ``current``. Rows are generated in fixed-size
chunks, so memory stays bounded for any row count; every chunk draws from its own
``numpy.random.default_rng(SeedSequence([seed, file, chunk]))``, so the output depends only on
``--seed``, ``--rows`` and ``--chunk-rows`` (and the first rows of a larger file equal a smaller
file generated with the same seed).

The columns are documented in ``bench/README.md`` and in ``COLUMNS`` below.

    python bench/generate.py --rows 1000000 --seed 42 --out-dir bench/data/1000000-seed42
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

GENERATOR_VERSION = 1
DEFAULT_CHUNK_ROWS = 500_000
DEFAULT_ROW_GROUP_ROWS = 1_000_000
FILES = ("reference", "current")

# (name, arrow type, description). Exactly 25 columns, in file order.
COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("id", pa.int64(), "unique int64 row id (bijective scramble of the row number; unique across both files)"),
    ("num_01", pa.float64(), "normal(0, 1)"),
    ("num_02", pa.float64(), "lognormal(mu=3, sigma=0.5), a price-like positive skewed value"),
    ("num_03", pa.float64(), "lognormal(mu=0, sigma=1), 2% nulls"),
    ("num_04", pa.float64(), "uniform[0, 1)"),
    ("num_05", pa.float64(), "uniform[-1000, 1000), 5% nulls"),
    ("num_06", pa.int64(), "poisson(3) counts"),
    ("num_07", pa.int64(), "negative binomial(n=2, p=0.1) over-dispersed counts, 1% nulls"),
    ("num_08", pa.float64(), "normal(50, 10) with ~0.1% NaN, ~0.01% +inf, ~0.01% -inf"),
    ("num_09", pa.float64(), "exponential(scale=2)"),
    ("num_10", pa.int32(), "age-like int32: round(normal(40, 12)) clipped to [18, 90]"),
    ("num_11", pa.float64(), "bimodal: 60% normal(-2, 0.5), 40% normal(3, 1)"),
    ("num_12", pa.float32(), "float32 normal(0, 1)"),
    ("num_13", pa.float64(), "sparse: 95% exactly 0.0, else exponential(scale=10)"),
    ("num_14", pa.float64(), "income-like: exp(10 + 0.01 * (num_10 - 40) + normal(0, 0.5)), correlated with num_10"),
    ("cat_01", pa.string(), "5 values alpha..epsilon, weights 0.40/0.25/0.15/0.12/0.08"),
    ("cat_02", pa.string(), "3 values A/B/C, 1% nulls"),
    ("cat_03", pa.string(), "50 values state_00..state_49, Zipf-like weights"),
    ("cat_04", pa.string(), "500 values city_000..city_499, Zipf-like weights"),
    ("cat_05", pa.string(), "10,000 values sku_00000..sku_09999, heavy-tailed weights (all values appear at >= 1M rows)"),
    ("cat_06", pa.string(), "2 values member/guest (70/30); deliberately not yes/no, which CSV readers sniff as boolean"),
    ("cat_07", pa.string(), "30 values channel_00..channel_29, uniform"),
    ("target", pa.int64(), "binary 0/1 label: Bernoulli(sigmoid(true logit of num_01, num_04, num_06, cat_01))"),
    ("prediction_proba", pa.float64(), "model score in [0, 1]: sigmoid(true logit + normal(0, 0.8) noise), correlated with target"),
    ("prediction", pa.int64(), "0/1 label = prediction_proba > 0.5"),
]
assert len(COLUMNS) == 25, len(COLUMNS)
SCHEMA = pa.schema([pa.field(name, typ, nullable=True) for name, typ, _ in COLUMNS])

CAT_01_VALUES = ["alpha", "beta", "gamma", "delta", "epsilon"]
CAT_01_REF_WEIGHTS = [0.40, 0.25, 0.15, 0.12, 0.08]
CAT_01_CUR_WEIGHTS = [0.20, 0.20, 0.20, 0.20, 0.20]
CAT_01_LOGIT = np.array([0.0, 0.5, -0.5, 1.0, -1.0])
CAT_07_NEW = [f"channel_new_{i}" for i in range(5)]

# Drift injected into `current` only. Keys are column names; `kind` is what a check should see.
DRIFT = {
    "num_01": {
        "kind": "mean_shift",
        "description": "mean shifted by +0.5 standard deviations: normal(0, 1) -> normal(0.5, 1)",
        "reference": {"mean": 0.0, "sd": 1.0},
        "current": {"mean": 0.5, "sd": 1.0},
    },
    "num_02": {
        "kind": "scale",
        "description": "every value multiplied by 1.5 (mean and sd x1.5, range widens)",
        "factor": 1.5,
    },
    "num_05": {
        "kind": "null_share",
        "description": "null share rises from 5% to 15%",
        "reference": {"null_share": 0.05},
        "current": {"null_share": 0.15},
    },
    "cat_01": {
        "kind": "category_mix",
        "description": "category weights change",
        "values": CAT_01_VALUES,
        "reference": {"weights": CAT_01_REF_WEIGHTS},
        "current": {"weights": CAT_01_CUR_WEIGHTS},
    },
    "cat_07": {
        "kind": "new_categories",
        "description": "3% of rows take one of 5 values never seen in reference",
        "new_values": CAT_07_NEW,
        "share": 0.03,
    },
}
# Columns whose distribution moves only as a consequence of the drift above (their generating
# process is unchanged): the label and the model output depend on num_01 and cat_01.
INDIRECT_DRIFT = {
    "target": "depends on num_01 and cat_01 (prior shift)",
    "prediction_proba": "depends on num_01 and cat_01",
    "prediction": "threshold of prediction_proba",
}


def _zipf_weights(k: int, offset: float, power: float) -> np.ndarray:
    w = 1.0 / (np.arange(k) + offset) ** power
    return w / w.sum()


CAT_SPECS = {
    "cat_02": (["A", "B", "C"], np.array([0.5, 0.3, 0.2])),
    "cat_03": ([f"state_{i:02d}" for i in range(50)], _zipf_weights(50, 1.0, 1.0)),
    "cat_04": ([f"city_{i:03d}" for i in range(500)], _zipf_weights(500, 2.0, 1.0)),
    "cat_05": ([f"sku_{i:05d}" for i in range(10_000)], _zipf_weights(10_000, 10.0, 0.8)),
    "cat_06": (["member", "guest"], np.array([0.7, 0.3])),
    "cat_07": ([f"channel_{i:02d}" for i in range(30)], np.full(30, 1 / 30)),
}
_DICTS = {name: pa.array(values, pa.string()) for name, (values, _) in CAT_SPECS.items()}
_DICTS["cat_01"] = pa.array(CAT_01_VALUES, pa.string())
_CAT_07_ALL = pa.array(CAT_SPECS["cat_07"][0] + CAT_07_NEW, pa.string())

_ID_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd, so i -> i * M mod 2^63 is a bijection
_ID_MASK = np.uint64((1 << 63) - 1)


def _sample(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def _strings(dictionary: pa.Array, codes: np.ndarray, null_mask: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(codes.astype(np.int32), pa.int32(), mask=null_mask)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def _nulls(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def make_chunk(seed: int, file_index: int, chunk_index: int, start_row: int, n: int) -> pa.Table:
    """Rows [start_row, start_row + n) of file `file_index` (0 = reference, 1 = current)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, file_index, chunk_index]))
    current = file_index == 1
    cols: dict[str, pa.Array] = {}

    rows = np.arange(start_row, start_row + n, dtype=np.uint64) + np.uint64(file_index) * np.uint64(1 << 40)
    with np.errstate(over="ignore"):
        cols["id"] = pa.array(((rows * _ID_MULT) & _ID_MASK).astype(np.int64))

    num_01 = rng.normal(0.5 if current else 0.0, 1.0, n)
    cols["num_01"] = pa.array(num_01)
    num_02 = rng.lognormal(3.0, 0.5, n)
    cols["num_02"] = pa.array(num_02 * 1.5 if current else num_02)
    cols["num_03"] = pa.array(rng.lognormal(0.0, 1.0, n), mask=_nulls(rng, n, 0.02))
    num_04 = rng.random(n)
    cols["num_04"] = pa.array(num_04)
    cols["num_05"] = pa.array(rng.uniform(-1000.0, 1000.0, n), mask=_nulls(rng, n, 0.15 if current else 0.05))
    num_06 = rng.poisson(3.0, n).astype(np.int64)
    cols["num_06"] = pa.array(num_06)
    cols["num_07"] = pa.array(rng.negative_binomial(2, 0.1, n).astype(np.int64), mask=_nulls(rng, n, 0.01))
    num_08 = rng.normal(50.0, 10.0, n)
    u = rng.random(n)
    num_08[u < 0.001] = np.nan
    num_08[(u >= 0.001) & (u < 0.0011)] = np.inf
    num_08[(u >= 0.0011) & (u < 0.0012)] = -np.inf
    cols["num_08"] = pa.array(num_08)  # NaN stays a value (not null) in Arrow
    cols["num_09"] = pa.array(rng.exponential(2.0, n))
    num_10 = np.clip(np.rint(rng.normal(40.0, 12.0, n)), 18, 90).astype(np.int32)
    cols["num_10"] = pa.array(num_10)
    mode = rng.random(n) < 0.6
    cols["num_11"] = pa.array(np.where(mode, rng.normal(-2.0, 0.5, n), rng.normal(3.0, 1.0, n)))
    cols["num_12"] = pa.array(rng.standard_normal(n, dtype=np.float32))
    sparse = rng.random(n) < 0.05
    cols["num_13"] = pa.array(np.where(sparse, rng.exponential(10.0, n), 0.0))
    cols["num_14"] = pa.array(np.exp(10.0 + 0.01 * (num_10 - 40) + rng.normal(0.0, 0.5, n)))

    cat_01 = _sample(rng, CAT_01_CUR_WEIGHTS if current else CAT_01_REF_WEIGHTS, n)
    cols["cat_01"] = _strings(_DICTS["cat_01"], cat_01)
    for name in ("cat_02", "cat_03", "cat_04", "cat_05", "cat_06"):
        codes = _sample(rng, CAT_SPECS[name][1], n)
        mask = _nulls(rng, n, 0.01) if name == "cat_02" else None
        cols[name] = _strings(_DICTS[name], codes, mask)
    cat_07 = _sample(rng, CAT_SPECS["cat_07"][1], n)
    if current:
        new = rng.random(n) < DRIFT["cat_07"]["share"]
        cat_07 = np.where(new, 30 + rng.integers(0, len(CAT_07_NEW), n), cat_07)
        cols["cat_07"] = _strings(_CAT_07_ALL, cat_07)
    else:
        cols["cat_07"] = _strings(_DICTS["cat_07"], cat_07)

    logit = -0.8 + 1.5 * num_01 + 2.0 * (num_04 - 0.5) + 0.25 * (num_06 - 3) + CAT_01_LOGIT[cat_01]
    target = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    proba = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, 0.8, n))))
    cols["target"] = pa.array(target)
    cols["prediction_proba"] = pa.array(proba)
    cols["prediction"] = pa.array((proba > 0.5).astype(np.int64))

    return pa.Table.from_arrays([cols[name] for name, _, _ in COLUMNS], schema=SCHEMA)


def write_file(
    out_dir: Path,
    file_index: int,
    rows: int,
    seed: int,
    formats: tuple[str, ...],
    chunk_rows: int,
    row_group_rows: int,
) -> dict:
    stem = FILES[file_index]
    tmp = {fmt: out_dir / f".{stem}.{fmt}.tmp" for fmt in formats}
    pq_writer = (
        pq.ParquetWriter(tmp["parquet"], SCHEMA, compression="snappy", write_statistics=True)
        if "parquet" in formats
        else None
    )
    csv_sink = pa.OSFile(str(tmp["csv"]), "wb") if "csv" in formats else None
    csv_writer = pacsv.CSVWriter(csv_sink, SCHEMA) if csv_sink is not None else None
    pending: list[pa.Table] = []
    pending_rows = 0

    def flush() -> None:
        nonlocal pending, pending_rows
        if pending_rows:
            pq_writer.write_table(pa.concat_tables(pending), row_group_size=row_group_rows)
        pending, pending_rows = [], 0

    start = 0
    chunk_index = 0
    while start < rows:
        n = min(chunk_rows, rows - start)
        table = make_chunk(seed, file_index, chunk_index, start, n)
        if csv_writer is not None:
            csv_writer.write_table(table)
        if pq_writer is not None:
            pending.append(table)
            pending_rows += n
            if pending_rows >= row_group_rows:
                flush()
        del table
        start += n
        chunk_index += 1
    if pq_writer is not None:
        flush()
        pq_writer.close()
    if csv_writer is not None:
        csv_writer.close()
        csv_sink.close()

    info = {}
    for fmt, path in tmp.items():
        final = out_dir / f"{stem}.{fmt}"
        os.replace(path, final)
        info[fmt] = {"path": final.name, "bytes": final.stat().st_size}
    if "parquet" in info:
        info["parquet"]["row_groups"] = pq.ParquetFile(out_dir / f"{stem}.parquet").metadata.num_row_groups
    return info


def generate(
    rows: int,
    seed: int,
    out_dir: Path,
    formats: tuple[str, ...],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
    quiet: bool = False,
) -> dict:
    if rows < 1:
        raise ValueError("--rows must be >= 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "drift.json"
    if manifest.exists():
        manifest.unlink()  # written last: its presence marks a complete data set
    t0 = time.perf_counter()
    files = {}
    for file_index, stem in enumerate(FILES):
        files[stem] = write_file(out_dir, file_index, rows, seed, formats, chunk_rows, row_group_rows)
        if not quiet:
            sizes = ", ".join(f"{v['path']} {v['bytes'] / 2**20:.1f} MiB" for v in files[stem].values())
            print(f"  wrote {sizes}", file=sys.stderr)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "rows": rows,
        "chunk_rows": chunk_rows,
        "row_group_rows": row_group_rows,
        "formats": list(formats),
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
        "files": files,
        "columns": [{"name": n, "type": str(t), "description": d} for n, t, d in COLUMNS],
        "drift": DRIFT,
        "indirect_drift": INDIRECT_DRIFT,
        "undrifted_columns": [
            n for n, _, _ in COLUMNS if n not in DRIFT and n not in INDIRECT_DRIFT and n != "id"
        ],
        "seconds": round(time.perf_counter() - t0, 3),
    }
    manifest.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True, help="rows per file (reference and current each)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out-dir", type=Path, required=True)
    p.add_argument("--format", choices=["parquet", "csv", "both"], default="both")
    p.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help="rows generated per step (part of the seed stream)")
    p.add_argument("--row-group-rows", type=int, default=DEFAULT_ROW_GROUP_ROWS)
    args = p.parse_args(argv)
    if args.chunk_rows < 1 or args.row_group_rows < 1 or args.rows < 1:
        p.error("--rows, --chunk-rows and --row-group-rows must be >= 1")
    formats = ("parquet", "csv") if args.format == "both" else (args.format,)
    print(f"generating {args.rows} rows x 25 columns, seed {args.seed} -> {args.out_dir}", file=sys.stderr)
    meta = generate(args.rows, args.seed, args.out_dir, formats, args.chunk_rows, args.row_group_rows)
    print(f"done in {meta['seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
