#!/usr/bin/env python3
"""Model-evaluation benchmark: assay evaluate against onnxruntime and scikit-learn, in one run.

Data: --rows rows drawn with replacement (seeded) from examples/adult/adult_current.csv (the
six numeric features, sex, race and the target), written once to
bench/data/eval-<rows>-seed<seed>.parquet. Then, each --repeat times, round-robin:

  * assay-evaluate: `assay evaluate DATA --target income-per-year --model adult_gbt.onnx
    --protected sex,race --bootstrap-rounds 1000`: the model run by assay on every row, all 13
    classification metrics with intervals (1,000 bootstrap rounds), six fairness measures over
    sex, race and sex x race with bootstrap intervals;
  * assay-inference: the same command with --metrics accuracy --bootstrap-rounds 0 (read +
    inference + one metric): assay's inference throughput, rows / wall second;
  * onnxruntime: the same model in onnxruntime (Python, CPUExecutionProvider, all cores), fed
    the same float32 features in batches of 65,536 rows: inference alone, rows / second;
  * sklearn-metrics: scikit-learn's accuracy, precision, recall, f1, ROC AUC, average
    precision, log loss, Brier, MCC, kappa, balanced accuracy once each (no intervals) on the
    onnxruntime predictions: the single-pass cost a Python user pays before any bootstrap.

Wall time and peak RSS per process (os.wait4). Prints medians and writes
bench/results/<date>-eval-<rows>.json.

    cargo build --profile bench-release -p assay-cli
    bench/.venv-eval/bin/python bench/eval_bench.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MODEL = REPO / "examples/adult/models/adult_gbt.onnx"
FEATURES = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]


def generate(rows: int, seed: int) -> Path:
    import numpy as np
    import pandas as pd

    out = BENCH / "data" / f"eval-{rows}-seed{seed}.parquet"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    src = pd.read_csv(REPO / "examples/adult/adult_current.csv", na_values=["?"], keep_default_na=False)
    src = src[FEATURES + ["sex", "race", "income-per-year"]]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(src), rows)
    df = src.iloc[idx].reset_index(drop=True)
    df[FEATURES] = df[FEATURES].astype("float64")
    df.to_parquet(out, index=False)
    return out


def run(cmd: list[str]) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{err[-2000:]}")
    return {"wall_s": wall, "peak_rss_mib": usage.ru_maxrss / 1024, "exit": code}


def onnxruntime_child(data: str) -> None:
    """Runs in a subprocess: inference only, prints JSON."""
    import numpy as np
    import onnxruntime as ort
    import pyarrow.parquet as pq

    x = np.column_stack([pq.read_table(data, columns=[c]).column(0).to_numpy() for c in FEATURES]).astype(np.float32)
    opts = ort.SessionOptions()
    sess = ort.InferenceSession(str(MODEL), opts, providers=["CPUExecutionProvider"])
    start = time.perf_counter()
    labels = []
    for s in range(0, len(x), 65536):
        labels.append(sess.run(None, {"float_input": x[s:s + 65536]})[0])
    elapsed = time.perf_counter() - start
    print(json.dumps({"inference_s": elapsed, "rows": len(x)}))


def sklearn_child(data: str) -> None:
    import numpy as np
    import onnxruntime as ort
    import pyarrow.parquet as pq
    from sklearn import metrics as m

    t = pq.read_table(data)
    x = np.column_stack([t.column(c).to_numpy() for c in FEATURES]).astype(np.float32)
    y = np.array(t.column("income-per-year").to_pylist()) == ">50K"
    sess = ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])
    out = [sess.run(None, {"float_input": x[s:s + 65536]}) for s in range(0, len(x), 65536)]
    pred = np.concatenate([o[0] for o in out]) == ">50K"
    p = np.concatenate([[d[">50K"] for d in o[1]] for o in out])
    start = time.perf_counter()
    for f in (m.accuracy_score, m.precision_score, m.recall_score, m.f1_score, m.matthews_corrcoef,
              m.cohen_kappa_score, m.balanced_accuracy_score):
        f(y, pred)
    for f in (m.roc_auc_score, m.average_precision_score, m.log_loss, m.brier_score_loss):
        f(y, p)
    print(json.dumps({"metrics_s": time.perf_counter() - start}))


def child_json(cmd: list[str]) -> tuple[dict, dict]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return json.loads(out.strip().splitlines()[-1]), {
        "wall_s": time.perf_counter() - start, "peak_rss_mib": usage.ru_maxrss / 1024}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("--onnxruntime-child", "--sklearn-child"):
        (onnxruntime_child if sys.argv[1] == "--onnxruntime-child" else sklearn_child)(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--assay", default=os.environ.get("ASSAY_BIN", str(REPO / "target/bench-release/assay")))
    args = ap.parse_args()
    results = []
    for rows in args.rows:
        data = generate(rows, args.seed)
        base = [args.assay, "evaluate", str(data), "--target", "income-per-year", "--model", str(MODEL)]
        tools = {
            "assay-evaluate": base + ["--protected", "sex,race", "--bootstrap-rounds", "1000", "-q"],
            "assay-inference": base + ["--metrics", "accuracy", "--bootstrap-rounds", "0", "-q"],
        }
        times: dict[str, list[dict]] = {k: [] for k in [*tools, "onnxruntime", "sklearn-metrics"]}
        for _ in range(args.repeat):
            for k, cmd in tools.items():
                times[k].append(run(cmd))
            ort_out, ort_proc = child_json([sys.executable, __file__, "--onnxruntime-child", str(data)])
            times["onnxruntime"].append({**ort_proc, **ort_out})
            sk_out, sk_proc = child_json([sys.executable, __file__, "--sklearn-child", str(data)])
            times["sklearn-metrics"].append({**sk_proc, **sk_out})
        med = lambda k, f: statistics.median(r[f] for r in times[k])  # noqa: E731
        summary = {
            "rows": rows,
            "assay_evaluate_s": med("assay-evaluate", "wall_s"),
            "assay_evaluate_rss_mib": med("assay-evaluate", "peak_rss_mib"),
            "assay_inference_wall_s": med("assay-inference", "wall_s"),
            "assay_rows_per_s_incl_read": rows / med("assay-inference", "wall_s"),
            "onnxruntime_inference_s": med("onnxruntime", "inference_s"),
            "onnxruntime_rows_per_s": rows / med("onnxruntime", "inference_s"),
            "sklearn_single_pass_metrics_s": med("sklearn-metrics", "metrics_s"),
        }
        results.append({"summary": summary, "runs": times})
        print(f"\n{rows:,} rows (median of {args.repeat})")
        print(f"  assay evaluate, all metrics + fairness, 1000 bootstrap rounds: {summary['assay_evaluate_s']:.2f} s, "
              f"{summary['assay_evaluate_rss_mib']:.0f} MiB (target < 30 s)")
        print(f"  assay read + inference + accuracy: {summary['assay_inference_wall_s']:.2f} s = "
              f"{summary['assay_rows_per_s_incl_read']:,.0f} rows/s")
        print(f"  onnxruntime inference alone: {summary['onnxruntime_inference_s']:.2f} s = "
              f"{summary['onnxruntime_rows_per_s']:,.0f} rows/s "
              f"(assay incl. read / onnxruntime = {summary['assay_rows_per_s_incl_read'] / summary['onnxruntime_rows_per_s']:.2f})")
        print(f"  scikit-learn, 11 metrics once, no intervals: {summary['sklearn_single_pass_metrics_s']:.2f} s")
    out = BENCH / "results" / f"{dt.date.today()}-eval-{'-'.join(map(str, args.rows))}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "results": results}, indent=1))
    print("wrote", out)


if __name__ == "__main__":
    main()
