#!/usr/bin/env python3
"""whylogs baseline for the assay benchmark, run by ``run.py`` as a separate process.

Profiles one file with whylogs 1.x the way its documentation shows (``why.log(pandas_df)``): the
file is read with pyarrow into pandas, profiled, and the profile view written to --out
(whylogs' binary format). whylogs is the mergeable-profile tool users pick today; its profile has
counts, nulls, types, min/max/mean/stddev, KLL quantiles, HyperLogLog cardinality and frequent
items per column, the same kind of summary as `assay profile`.

Prints one JSON line on stdout: {"load_seconds", "profile_seconds", "seconds" (load + profile +
write), "columns", "whylogs", "pandas"}.

    bench/.venv-whylogs/bin/python bench/whylogs_bench.py current.parquet --format parquet --out /tmp/p.bin
"""

from __future__ import annotations

import argparse
import json
import os
import time

# whylogs may send usage telemetry; the benchmark must not phone home.
os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")
os.environ.setdefault("DO_NOT_TRACK", "1")

import pandas as pd  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import whylogs  # noqa: E402
import whylogs as why  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path")
    p.add_argument("--format", choices=["parquet", "csv"], required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    t0 = time.perf_counter()
    table = pq.read_table(args.path) if args.format == "parquet" else pacsv.read_csv(args.path)
    df = table.to_pandas()
    t1 = time.perf_counter()
    view = why.log(df).view()
    t2 = time.perf_counter()
    view.write(args.out)
    t3 = time.perf_counter()
    print(json.dumps({
        "load_seconds": t1 - t0,
        "profile_seconds": t2 - t1,
        "seconds": t3 - t0,
        "columns": len(view.get_columns()),
        "whylogs": whylogs.__version__,
        "pandas": pd.__version__,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
