#!/usr/bin/env python3
"""Evidently baseline for the assay benchmark, run by ``run.py`` as a separate process.

Loads reference and current Parquet files into pandas (pyarrow), runs an Evidently Report with
DataDriftPreset and DataSummaryPreset on all 25 columns (roles given explicitly, so nothing is
inferred), and writes the snapshot JSON to --out. This is what a user would do with Evidently
to get drift and a data summary; Evidently needs the whole of both frames in memory.

Prints one JSON line on stdout: {"load_seconds", "report_seconds", "seconds" (load + report +
write), "evidently", "pandas"}.

    python bench/evidently_bench.py ref.parquet cur.parquet --out /tmp/evidently.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

# Evidently ships anonymous usage telemetry; the benchmark must not phone home.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("ITERATIVE_DO_NOT_TRACK", "1")

import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import evidently  # noqa: E402
from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset, DataSummaryPreset  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reference")
    p.add_argument("current")
    p.add_argument("--out", required=True)
    args = p.parse_args()

    t0 = time.perf_counter()
    ref = pq.read_table(args.reference).to_pandas()
    cur = pq.read_table(args.current).to_pandas()
    t1 = time.perf_counter()

    cols = list(ref.columns)
    numerical = [c for c in cols if c.startswith("num_")] + ["prediction_proba"]
    categorical = [c for c in cols if c.startswith("cat_")] + ["target", "prediction"]
    definition = DataDefinition(id_column="id", numerical_columns=numerical, categorical_columns=categorical)
    ref_ds = Dataset.from_pandas(ref, data_definition=definition)
    cur_ds = Dataset.from_pandas(cur, data_definition=definition)
    report = Report([DataDriftPreset(), DataSummaryPreset()])
    snapshot = report.run(current_data=cur_ds, reference_data=ref_ds)
    t2 = time.perf_counter()
    with open(args.out, "w") as f:
        f.write(snapshot.json())
    t3 = time.perf_counter()

    print(json.dumps({
        "rows": len(cur),
        "load_seconds": round(t1 - t0, 4),
        "report_seconds": round(t2 - t1, 4),
        "seconds": round(t3 - t0, 4),
        "evidently": evidently.__version__,
        "pandas": pd.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
