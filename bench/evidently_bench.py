#!/usr/bin/env python3
"""Evidently baseline for the assay benchmark, run by ``run.py`` as a separate process.

Loads reference and current Parquet files into pandas (pyarrow), runs an Evidently Report on all
25 columns (roles given explicitly, so nothing is inferred), and writes the snapshot JSON to
--out. Evidently needs the whole of both frames in memory.

--preset drift+summary (default; run.py's `evidently`): DataDriftPreset and DataSummaryPreset,
    what a user would do with Evidently to get drift and a data summary.
--preset drift (run.py's `evidently-drift`): DataDriftPreset only, with the model columns also
    declared as a binary classification (target, prediction labels, probabilities), and the
    report's tests on, which give each column's verdict (ValueDrift test FAIL = drift detected).
    `id` is the id column, so it is not tested; the other 24 columns are (the preset tests every
    numerical and categorical column, the model columns included: Evidently 0.7 has no separate
    target/prediction drift).

Prints one JSON line on stdout: {"preset", "load_seconds", "report_seconds", "seconds" (load +
report + write), "evidently", "pandas"}; with --preset drift also "drift": {"drifted_columns",
"dataset": {"count", "share"}, "columns": {name: {"drifted", "method", "threshold", "score"}}},
read from the snapshot after the timed part.

    python bench/evidently_bench.py ref.parquet cur.parquet --out /tmp/evidently.json
    python bench/evidently_bench.py ref.parquet cur.parquet --preset drift --out /tmp/drift.json
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
from evidently import BinaryClassification, DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset, DataSummaryPreset  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reference")
    p.add_argument("current")
    p.add_argument("--out", required=True)
    p.add_argument("--preset", choices=["drift+summary", "drift"], default="drift+summary")
    args = p.parse_args()

    t0 = time.perf_counter()
    ref = pq.read_table(args.reference).to_pandas()
    cur = pq.read_table(args.current).to_pandas()
    t1 = time.perf_counter()

    cols = list(ref.columns)
    numerical = [c for c in cols if c.startswith("num_")] + ["prediction_proba"]
    categorical = [c for c in cols if c.startswith("cat_")] + ["target", "prediction"]
    if args.preset == "drift":
        model = [BinaryClassification(target="target", prediction_labels="prediction",
                                      prediction_probas="prediction_proba")]
        definition = DataDefinition(id_column="id", numerical_columns=numerical,
                                    categorical_columns=categorical, classification=model)
        report = Report([DataDriftPreset()], include_tests=True)
    else:
        definition = DataDefinition(id_column="id", numerical_columns=numerical,
                                    categorical_columns=categorical)
        report = Report([DataDriftPreset(), DataSummaryPreset()])
    ref_ds = Dataset.from_pandas(ref, data_definition=definition)
    cur_ds = Dataset.from_pandas(cur, data_definition=definition)
    snapshot = report.run(current_data=cur_ds, reference_data=ref_ds)
    t2 = time.perf_counter()
    with open(args.out, "w") as f:
        f.write(snapshot.json())
    t3 = time.perf_counter()

    out = {
        "preset": args.preset,
        "rows": len(cur),
        "load_seconds": round(t1 - t0, 4),
        "report_seconds": round(t2 - t1, 4),
        "seconds": round(t3 - t0, 4),
        "evidently": evidently.__version__,
        "pandas": pd.__version__,
    }
    if args.preset == "drift":
        out["drift"] = drift_verdicts(snapshot.dict())
    print(json.dumps(out))
    return 0


def drift_verdicts(snap: dict) -> dict:
    """Per-column drift from a DataDriftPreset snapshot: ValueDrift metric (method, threshold,
    score) and its test (FAIL = drift detected); DriftedColumnsCount for the dataset."""
    columns: dict[str, dict] = {}
    by_id: dict[str, str] = {}
    dataset = None
    for m in snap.get("metrics", []):
        cfg = m.get("config", {})
        kind = cfg.get("type", "")
        if kind.endswith(":ValueDrift"):
            col = cfg["column"]
            by_id[m["id"]] = col
            columns[col] = {"drifted": None, "method": cfg.get("method"), "threshold": cfg.get("threshold"),
                            "score": m.get("value")}
        elif kind.endswith(":DriftedColumnsCount"):
            dataset = m.get("value")
    for t in snap.get("tests", []):
        col = by_id.get(t.get("metric_config", {}).get("metric_id"))
        if col is not None:
            columns[col]["drifted"] = t.get("status") == "FAIL"
    return {"drifted_columns": sorted(c for c, v in columns.items() if v["drifted"]),
            "dataset": dataset, "columns": columns}


if __name__ == "__main__":
    sys.exit(main())
