#!/usr/bin/env python3
"""The Python package against the tools Python users would pick, in one run (issue #15's targets).

Each measurement runs in a process of its own (its peak memory is its own):

- ``assay-py-drift``: ``assay.drift(reference_df, current_df, ...)`` on two pandas DataFrames
  loaded from the benchmark's Parquet files (load not timed), the flags of run.py's
  ``assay-drift``, in the venv Evidently runs in (pandas 2: text columns are Python objects,
  converted to Arrow inside the call);
- ``assay-py-drift-pandas3``: the same in ``bench/.venv-pandas3`` (pandas 3, whose default text
  columns are Arrow strings), when that venv exists;
- ``assay-cli-drift``: ``assay drift`` on the same data as Parquet (the release binary);
- ``evidently-drift``: Evidently's DataDriftPreset on the same DataFrames
  (``evidently_bench.py --preset drift``: its report time, load not counted);
- ``assay-py-profile``: ``assay.profile(current_df)``;
- ``whylogs-profile``: ``why.log(current_df)`` (whylogs 1.x, its own venv);
- ``import``: ``import assay`` in a fresh interpreter (median of 7).

Memory: each worker loads the DataFrames, collects garbage and resets its peak resident size
(``/proc/self/clear_refs``), then reports its resident size and, after the call, its peak
(``VmHWM``): what the call added is the difference. (Without the reset the peak was often the
load's own — Arrow table and DataFrame both alive — and hid the call's memory.) The added
memory is also split into anonymous memory and file-backed pages (``RssAnon``/``RssFile``
after the call: mostly the library's code paged in).

    cargo build --profile bench-release -p assay-cli
    bench/.venv/bin/maturin build --profile bench-release -o target/wheels-bench  # then
    bench/.venv/bin/pip install --force-reinstall --no-deps target/wheels-bench/assay_ml-*.whl
    bench/.venv/bin/python bench/python_bench.py --rows 5000000 --repeat 3

Prints a Markdown table and writes results/<date>-python-<rows>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PY = HERE / ".venv" / "bin" / "python"
PANDAS3_PY = HERE / ".venv-pandas3" / "bin" / "python"
WHYLOGS_PY = HERE / ".venv-whylogs" / "bin" / "python"
CLI = ROOT / "target" / "bench-release" / "assay"
DRIFT_FLAGS = dict(exclude=["id"], target="target", prediction="prediction", probability=["prediction_proba"])


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def worker(kind: str, files: list[str]) -> None:
    """Runs one measurement in this process and prints its JSON line."""
    import time

    import pyarrow.parquet as pq

    import gc

    import pyarrow as pa

    frames = [pq.read_table(f).to_pandas() for f in files]
    gc.collect()
    # The Arrow tables the load went through are freed, but pyarrow's allocator keeps their
    # pages until it decays them; a call allocating through it would reuse them unseen.
    pa.default_memory_pool().release_unused()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size
    loaded = _status("VmRSS")
    anon, file_pages = _status("RssAnon"), _status("RssFile")
    t0 = time.perf_counter()
    if kind in ("assay-py-drift", "assay-py-drift-pandas3"):
        import assay

        report = assay.drift(frames[0], frames[1], progress=False, **DRIFT_FLAGS)
        extra = {"drifted": sorted(r.column for r in report.failed() if r.column and r.id == "drift.auto"),
                 "pandas": __import__("pandas").__version__}
    elif kind == "assay-py-profile":
        import assay

        profile = assay.profile(frames[0], progress=False)
        extra = {"columns": len(profile.columns)}
    elif kind == "whylogs-profile":
        os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")
        import whylogs as why

        view = why.log(frames[0]).view()
        extra = {"columns": len(view.get_columns())}
    else:
        raise SystemExit(f"unknown worker {kind}")
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "rss_loaded": loaded, "peak": _status("VmHWM"),
                      "anon_added": _status("RssAnon") - anon, "file_added": _status("RssFile") - file_pages,
                      **extra}))


def run_json(cmd: list[str], timeout: float) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_peak(cmd: list[str], timeout: float) -> tuple[float, int, str]:
    """Wall seconds and peak RSS (bytes) of a command, through /usr/bin/time."""
    import time

    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")
    peak = int(proc.stderr.strip().splitlines()[-1]) * 1024
    return seconds, peak, proc.stdout


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=5_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-evidently", action="store_true", help="leave Evidently out (it takes minutes)")
    p.add_argument("--slow-repeat", type=int, default=1, help="runs of Evidently and whylogs (slow)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.files)
        return 0

    data = HERE / "data" / f"{args.rows}-seed{args.seed}"
    ref, cur = str(data / "reference.parquet"), str(data / "current.parquet")
    me = str(Path(__file__).resolve())
    results: dict[str, dict] = {}

    def median_of(runs: list[dict]) -> dict:
        out = dict(runs[0])
        for k in ("seconds", "peak", "rss_loaded"):
            if k in runs[0]:
                out[k] = statistics.median(r[k] for r in runs)
        out["runs"] = [r["seconds"] for r in runs]
        return out

    def each(kind: str, python: Path, files: list[str], repeat: int) -> None:
        runs = [run_json([str(python), me, "--worker", kind, *files], 3600) for _ in range(repeat)]
        results[kind] = median_of(runs)
        print(f"{kind}: {results[kind]['runs']}", file=sys.stderr)

    each("assay-py-drift", VENV_PY, [ref, cur], args.repeat)
    if PANDAS3_PY.exists():
        each("assay-py-drift-pandas3", PANDAS3_PY, [ref, cur], args.repeat)
    cli_runs = []
    for _ in range(args.repeat):
        s, peak, _ = timed_peak(
            [str(CLI), "drift", ref, cur, "--exclude", "id", "--target", "target", "--prediction",
             "prediction", "--probability", "prediction_proba", "-q", "-o", "json=/tmp/py-bench-cli.json"],
            3600,
        )
        cli_runs.append({"seconds": s, "peak": peak})
    results["assay-cli-drift"] = median_of(cli_runs)
    cli_report = json.load(open("/tmp/py-bench-cli.json"))
    results["assay-cli-drift"]["drifted"] = sorted(
        r["column"] for r in cli_report["results"] if r["status"] == "fail" and r["column"] and r["id"] == "drift.auto"
    )
    if not args.no_evidently:
        s, peak, out = timed_peak(
            [str(VENV_PY), str(HERE / "evidently_bench.py"), ref, cur, "--preset", "drift", "--out", "/tmp/py-bench-ev.json"],
            7200,
        )
        ev = json.loads(out.strip().splitlines()[-1])
        results["evidently-drift"] = {"seconds": ev["report_seconds"], "peak": peak, "evidently": ev["evidently"],
                                      "drifted": sorted(ev.get("drift", {}).get("drifted_columns", []))}
    each("assay-py-profile", VENV_PY, [cur], args.repeat)
    each("whylogs-profile", WHYLOGS_PY, [cur], args.slow_repeat)
    imports = []
    for _ in range(7):
        imports.append(run_json([str(VENV_PY), "-c", "import json,time; t=time.perf_counter(); import assay; "
                                 "print(json.dumps({'seconds': time.perf_counter()-t}))"], 60)["seconds"])
    results["import"] = {"seconds": statistics.median(imports), "runs": imports}

    r = results
    rows = [
        (f"drift, 2 × pandas {r['assay-py-drift']['pandas']} DataFrame", "assay.drift", r["assay-py-drift"]),
    ]
    if "assay-py-drift-pandas3" in r:
        p3 = r["assay-py-drift-pandas3"]
        rows.append((f"drift, 2 × pandas {p3['pandas']} DataFrame", "assay.drift", p3))
    rows.append(("drift, the same data as Parquet", "assay drift (CLI)", r["assay-cli-drift"]))
    if "evidently-drift" in r:
        rows.append(("drift, 2 × pandas DataFrame", f"Evidently {r['evidently-drift']['evidently']} DataDriftPreset", r["evidently-drift"]))
    rows += [
        ("profile, pandas DataFrame", "assay.profile", r["assay-py-profile"]),
        ("profile, pandas DataFrame", "whylogs why.log", r["whylogs-profile"]),
    ]
    gib = 1 << 30
    print(f"\n{args.rows:,} rows, median of {args.repeat} (Evidently, whylogs: {args.slow_repeat})\n")
    print("| job | tool | seconds | peak RSS | added by the call |")
    print("|---|---|---|---|---|")
    for job, tool, m in rows:
        added = f"{(m['peak'] - m['rss_loaded']) / gib:.2f} GiB" if "rss_loaded" in m else "-"
        print(f"| {job} | {tool} | {m['seconds']:.2f} | {m['peak'] / gib:.2f} GiB | {added} |")
    print(f"| import | `import assay` | {r['import']['seconds'] * 1000:.0f} ms | | |")
    py, cli = r["assay-py-drift"], r["assay-cli-drift"]
    print(f"\nassay.drift on pandas {py['pandas']} DataFrames / CLI on Parquet: {py['seconds'] / cli['seconds']:.2f}× (target ≤ 1.2×)")
    if "assay-py-drift-pandas3" in r:
        p3 = r["assay-py-drift-pandas3"]
        print(f"assay.drift on pandas {p3['pandas']} DataFrames / CLI on Parquet: {p3['seconds'] / cli['seconds']:.2f}× (target ≤ 1.2×)")
    if "evidently-drift" in r:
        print(f"Evidently / assay.drift: {r['evidently-drift']['seconds'] / py['seconds']:.0f}× (target ≥ 100×)")
    wl, ap = r["whylogs-profile"], r["assay-py-profile"]
    print(f"whylogs / assay.profile: {wl['seconds'] / ap['seconds']:.0f}× (target ≥ 30×); memory added: "
          f"{(ap['peak'] - ap['rss_loaded']) / gib:.2f} vs {(wl['peak'] - wl['rss_loaded']) / gib:.2f} GiB (target ≤ 1/10)")
    print(f"drifted columns, assay.drift == CLI: {py['drifted'] == cli['drifted']} ({len(py['drifted'])})")
    out = HERE / "results" / f"{datetime.date.today().isoformat()}-python-{args.rows}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
