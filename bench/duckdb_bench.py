#!/usr/bin/env python3
"""DuckDB baselines for the assay benchmark, run by ``run.py`` as a separate process.

Modes:
  profile  one query computing, per column, what ``assay profile`` computes: count, null count,
           min, max, approx distinct count; numeric columns also avg, stddev_samp,
           approx_quantile at 0.25/0.5/0.75 and the non-finite count (floats); string columns
           also min/avg/max length and approx_top_k(col, 10) (DuckDB's frequent-items sketch).
  scan     the I/O and decode floor: count(*) plus bit_xor(hash(col)) of every column
           (--scan-agg hash, default), or min(col) and max(col) of every column (--scan-agg
           minmax). Not count(col): DuckDB answers that from Parquet metadata without decoding
           (~10x faster than a decoding aggregate at 200k rows). hash() must see every value, so
           no engine can answer it from statistics; in a fresh process it was also the faster of
           the two here (200k rows: median 0.09 s vs 0.14 s for min/max).
           Several paths (scan only): one query over all of them, read_parquet([a, b]) /
           read_csv([a, b]), DuckDB's own multi-file scan (files read in parallel); this is the
           floor for tools that read reference and current (run.py's duckdb-scan-both).

Prints one JSON line on stdout: {"mode", "format", "files", "rows", "seconds" (connect + DESCRIBE +
query: everything but interpreter start and `import duckdb`), "query_seconds" (the query only),
"threads", "duckdb"}. The query result goes to --out.

    python bench/duckdb_bench.py profile bench/data/1000000-seed42/current.parquet --out /tmp/p.json
    python bench/duckdb_bench.py scan bench/data/1000000-seed42/{reference,current}.parquet --out /tmp/s.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import duckdb

NUMERIC = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
           "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE"}
FLOAT = {"FLOAT", "DOUBLE"}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def source(paths: list[str], fmt: str) -> str:
    lits = ["'" + p.replace("'", "''") + "'" for p in paths]
    lit = lits[0] if len(lits) == 1 else "[" + ", ".join(lits) + "]"
    if fmt == "parquet":
        return f"read_parquet({lit})"
    # CSV: DuckDB's own type sniffing, as a user would run it.
    return f"read_csv({lit}, header = true)"


def profile_exprs(columns: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    exprs: list[str] = ["count(*)"]
    keys: list[tuple[str, str]] = [("", "rows")]

    def add(col: str, stat: str, expr: str) -> None:
        exprs.append(expr)
        keys.append((col, stat))

    for name, typ in columns:
        c = q(name)
        add(name, "count", f"count({c})")
        add(name, "null_count", f"count(*) - count({c})")
        add(name, "approx_distinct", f"approx_count_distinct({c})")
        if typ in NUMERIC:
            add(name, "min", f"min({c})")
            add(name, "max", f"max({c})")
            add(name, "mean", f"avg({c})")
            add(name, "stddev_samp", f"stddev_samp({c})")
            add(name, "quantiles_25_50_75", f"approx_quantile({c}, [0.25, 0.5, 0.75])")
            if typ in FLOAT:
                add(name, "non_finite_count", f"count_if(NOT isfinite({c}))")
        elif typ == "VARCHAR":
            add(name, "min", f"min({c})")
            add(name, "max", f"max({c})")
            add(name, "min_length", f"min(length({c}))")
            add(name, "mean_length", f"avg(length({c}))")
            add(name, "max_length", f"max(length({c}))")
            add(name, "top_10", f"approx_top_k({c}, 10)")
        else:
            add(name, "min", f"min({c})")
            add(name, "max", f"max({c})")
    return exprs, keys


def jsonable(v):
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["profile", "scan"])
    p.add_argument("paths", nargs="+", metavar="path", help="one file; scan also takes several (one query)")
    p.add_argument("--format", choices=["parquet", "csv"], default=None, help="default: from the extension")
    p.add_argument("--out", required=True, help="where to write the query result (JSON)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--scan-agg", choices=["hash", "minmax"], default="hash")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE instead")
    args = p.parse_args()
    if args.mode == "profile" and len(args.paths) != 1:
        p.error("profile takes one path")
    fmt = args.format or ("csv" if args.paths[0].endswith(".csv") else "parquet")

    t0 = time.perf_counter()
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(args.threads)}")
    src = source(args.paths, fmt)
    columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]

    if args.mode == "profile":
        exprs, keys = profile_exprs(columns)
    elif args.scan_agg == "hash":
        exprs = ["count(*)"] + [f"bit_xor(hash({q(n)}))" for n, _ in columns]
        keys = [("", "rows")] + [(n, "hash_xor") for n, _ in columns]
    else:
        exprs, keys = ["count(*)"], [("", "rows")]
        for n, _ in columns:
            exprs += [f"min({q(n)})", f"max({q(n)})"]
            keys += [(n, "min"), (n, "max")]
    sql = f"SELECT {', '.join(exprs)} FROM {src}"
    if args.explain:
        print(con.execute("EXPLAIN ANALYZE " + sql).fetchall()[0][1])
        return 0
    t1 = time.perf_counter()
    row = con.execute(sql).fetchone()
    t2 = time.perf_counter()

    result: dict = {"rows": row[0], "columns": {}}
    for (col, stat), value in zip(keys[1:], row[1:]):
        result["columns"].setdefault(col, {})[stat] = jsonable(value)
    with open(args.out, "w") as f:
        json.dump(result, f)
    print(json.dumps({
        "mode": args.mode,
        "scan_agg": args.scan_agg if args.mode == "scan" else None,
        "format": fmt,
        "files": len(args.paths),
        "rows": row[0],
        "columns": len(columns),
        "seconds": round(t2 - t0, 4),
        "query_seconds": round(t2 - t1, 4),
        "threads": args.threads,
        "duckdb": duckdb.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
