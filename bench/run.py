#!/usr/bin/env python3
"""Side-by-side benchmark: assay vs DuckDB (and Evidently when installed), in one run.

For each --rows size: generate the data if missing (bench/generate.py), warm the page cache, then
run every tool as its own subprocess, --repeat times, round-robin (so drift in machine load hits
all tools alike). Wall time is measured around the process; peak RSS and CPU time come from
os.wait4() on that very process (its own rusage, not RUSAGE_CHILDREN's max over every child so
far). Prints a table of medians and ratios and writes bench/results/<date>-<rows>.json.

    bench/.venv/bin/python bench/run.py --rows 1000000 5000000 --repeat 3
    ASSAY_BIN=target/bench-release/assay bench/.venv/bin/python bench/run.py --rows 200000
    bench/.venv/bin/python bench/run.py --rows 1000000 --tools assay-drift evidently-drift duckdb-scan

See bench/README.md for what each measurement is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from generate import GENERATOR_VERSION  # noqa: E402

DEFAULT_ASSAY_BIN = "target/bench-release/assay"
ALL_TOOLS = ["assay-profile", "assay-check", "assay-drift", "duckdb-profile", "duckdb-scan", "duckdb-scan-both",
             "evidently", "evidently-drift", "whylogs-profile"]
# whylogs lives in its own venv (its pins do not mix with Evidently's): `setup.sh --with-whylogs`.
WHYLOGS_PYTHON = Path(__file__).resolve().parent / ".venv-whylogs" / "bin" / "python"
# The drift comparison: these tools get their own table (ratios against assay-drift and against
# DuckDB's scan of both files) and a check of the columns they flag against drift.json.
DRIFT_TOOLS = ["assay-drift", "evidently-drift", "duckdb-scan-both"]
# How assay drift and Evidently are told about the model columns (the generator's names).
DRIFT_ROLES = {"exclude": "id", "target": "target", "prediction": "prediction", "probability": "prediction_proba"}
ASSAY_DRIFT_IDS = ("drift.auto", "drift.prediction", "drift.target")
FORMATS = ["parquet", "csv"]
# Children must not send telemetry (Evidently does by default).
CHILD_ENV = {"DO_NOT_TRACK": "1", "ITERATIVE_DO_NOT_TRACK": "1"}


@dataclass
class Tool:
    key: str  # e.g. "assay-profile"
    fmt: str  # parquet | csv
    reads: str  # which files it reads: "current" or "ref+cur"
    cmd: list[str] = field(default_factory=list)
    ok_codes: tuple[int, ...] = (0,)
    timeout: float = 3600.0
    repeat: int = 1
    skip: str | None = None  # reason, when not run
    output: Path | None = None  # file the tool must produce
    inner_json: bool = False  # last stdout line is a JSON object with "seconds"
    runs: list[dict] = field(default_factory=list)
    status: str = "ok"  # ok | skipped | failed | timeout
    detection: dict | None = None  # drift tools: the columns flagged (last successful run)

    @property
    def label(self) -> str:
        return self.key.replace("-", " ", 1)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# Fallback RSS wrapper when GNU time is missing: forks once, execs the command, and reports that
# child's own ru_maxrss (wait4). -S -E keep its own footprint (the floor it adds) to ~10 MiB.
PY_RSS_WRAPPER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as e:
        os.write(2, ("exec failed: %s\\n" % e).encode())
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\\n" % ru.ru_maxrss)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def rss_wrapper(choice: str) -> tuple[str, list[str]]:
    """The command prefix that reports the peak RSS (KiB) of the measured process into a file.

    Why a wrapper: a child's ru_maxrss starts from the high-water mark of the memory image it was
    forked from, and Python's subprocess forks (vfork) from this runner, whose RSS (numpy, pyarrow
    imported: ~70 MiB) would become every tool's floor. A small exec'd wrapper forks the tool
    from its own tiny image instead (GNU time: ~2 MiB).
    """
    if choice in ("auto", "gnu-time") and Path("/usr/bin/time").exists():
        probe = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", os.devnull, "true"], capture_output=True)
        if probe.returncode == 0:
            return "gnu-time", ["/usr/bin/time", "-f", "%M", "-o", "{rss}"]
    if choice == "gnu-time":
        raise SystemExit("--rss-wrapper gnu-time: /usr/bin/time (GNU time; Debian package `time`) not usable")
    return "python", [sys.executable, "-S", "-E", "-c", PY_RSS_WRAPPER, "{rss}"]


def measure(cmd: list[str], timeout: float, stdout: Path, stderr: Path, env: dict,
            wrapper: list[str]) -> dict:
    """Run cmd once under the RSS wrapper: wall seconds, peak RSS and CPU time of that process."""
    done = threading.Event()
    timed_out = threading.Event()
    rss_file = stdout.with_suffix(".rss")
    rss_file.unlink(missing_ok=True)
    full = [a.replace("{rss}", str(rss_file)) for a in wrapper] + cmd
    with open(stdout, "wb") as so, open(stderr, "wb") as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=so, stderr=se, env=env,
                                start_new_session=True)

        def kill() -> None:
            if not done.is_set():
                timed_out.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the wrapper and the tool: one new session
                except ProcessLookupError:
                    pass

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            proc.wait()
            raise
        finally:
            done.set()
            timer.cancel()
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # already reaped; stop Popen from waiting again
    rss_mib = None
    try:
        lines = rss_file.read_text().split()
        rss_mib = round(int(lines[-1]) / 1024, 1)  # KiB on Linux (GNU time and ru_maxrss)
    except (OSError, ValueError, IndexError):
        pass
    if code > 128:
        code = -(code - 128)  # both wrappers report a signal as 128+n; show it as -n like Popen does
    return {
        "seconds": round(wall, 4),
        "max_rss_mib": rss_mib,
        # the wrapper waited for the tool, so the wrapper's rusage includes the tool's CPU time
        "cpu_seconds": round(ru.ru_utime + ru.ru_stime, 3),
        "exit_code": code,
        "timed_out": timed_out.is_set(),
    }


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").rstrip().splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


def ensure_data(rows: int, seed: int, data_root: Path, formats: list[str]) -> Path:
    out = data_root / f"{rows}-seed{seed}"
    manifest = out / "drift.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text())
        have = set(meta.get("formats", []))
        if (meta.get("rows") == rows and meta.get("seed") == seed
                and meta.get("generator_version") == GENERATOR_VERSION
                and set(formats) <= have
                and all((out / f"{stem}.{fmt}").exists() for stem in ("reference", "current") for fmt in formats)):
            return out
    fmt = "both" if set(formats) == set(FORMATS) or (out / "reference.csv").exists() else formats[0]
    log(f"[data] generating {rows} rows (seed {seed}, {fmt}) in {out}")
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--rows", str(rows), "--seed", str(seed),
                    "--out-dir", str(out), "--format", fmt], check=True)
    return out


def write_suites(data: Path, formats: list[str]) -> dict[str, Path]:
    template = (BENCH / "suite.yaml").read_text()
    suites = {}
    for fmt in formats:
        text = (template.replace("@REFERENCE@", str((data / f"reference.{fmt}").resolve()))
                        .replace("@CURRENT@", str((data / f"current.{fmt}").resolve())))
        path = data / f"suite-{fmt}.yaml"
        path.write_text(text)
        suites[fmt] = path
    return suites


def warm_cache(paths: list[Path]) -> None:
    buf = bytearray(8 << 20)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass


def evidently_importable(env: dict) -> str | None:
    r = subprocess.run([sys.executable, "-c", "import evidently, pandas"], env=env,
                       capture_output=True, text=True)
    if r.returncode == 0:
        return None
    return "not installed" if "ModuleNotFoundError" in r.stderr else "import failed: " + r.stderr.strip().splitlines()[-1]


def build_tools(args, data: Path, suites: dict[str, Path], tmp: Path, assay: Path | None,
                assay_skip: str | None, evidently_skip: str | None) -> list[Tool]:
    py = sys.executable
    tools: list[Tool] = []
    for key in ALL_TOOLS:
        if key not in args.tools:
            continue
        for fmt in FORMATS:
            if fmt not in args.formats:
                continue
            ref = str(data / f"reference.{fmt}")
            cur = str(data / f"current.{fmt}")
            out = tmp / f"{key}-{fmt}.json"
            t = Tool(key=key, fmt=fmt, reads="current", timeout=args.timeout, repeat=args.repeat, output=out)
            if key == "assay-profile":
                t.skip = assay_skip
                t.cmd = [str(assay), "profile", cur, "-o", str(out)]
            elif key == "assay-check":
                t.skip, t.reads, t.ok_codes = assay_skip, "ref+cur", (0, 1)
                t.cmd = [str(assay), "check", str(suites[fmt]), "--output", f"json={out}", "--quiet"]
            elif key == "assay-drift":
                # exit 0 = no drift, 1 = drift found (expected here), 2 = error
                t.skip, t.reads, t.ok_codes = assay_skip or args.assay_drift_skip, "ref+cur", (0, 1)
                t.cmd = [str(assay), "drift", ref, cur, "--exclude", DRIFT_ROLES["exclude"],
                         "--target", DRIFT_ROLES["target"], "--prediction", DRIFT_ROLES["prediction"],
                         "--probability", DRIFT_ROLES["probability"], "-q", "-o", f"json={out}"]
            elif key == "duckdb-profile":
                t.inner_json = True
                t.cmd = [py, str(BENCH / "duckdb_bench.py"), "profile", cur, "--format", fmt,
                         "--out", str(out), "--threads", str(args.threads)]
            elif key == "duckdb-scan":
                t.inner_json = True
                t.cmd = [py, str(BENCH / "duckdb_bench.py"), "scan", cur, "--format", fmt,
                         "--out", str(out), "--threads", str(args.threads), "--scan-agg", args.scan_agg]
            elif key == "duckdb-scan-both":
                # the floor for the tools that read both files: one query over reference and current
                t.inner_json, t.reads = True, "ref+cur"
                t.cmd = [py, str(BENCH / "duckdb_bench.py"), "scan", ref, cur, "--format", fmt,
                         "--out", str(out), "--threads", str(args.threads), "--scan-agg", args.scan_agg]
            elif key == "evidently":
                if fmt != "parquet":
                    continue  # Evidently takes pandas frames; loading them from Parquet is the fair case
                t.skip, t.reads, t.inner_json = evidently_skip, "ref+cur", True
                t.timeout, t.repeat = args.evidently_timeout, min(args.evidently_repeat, args.repeat)
                t.cmd = [py, str(BENCH / "evidently_bench.py"), str(data / "reference.parquet"), cur,
                         "--out", str(out)]
            elif key == "evidently-drift":
                if fmt != "parquet":
                    continue
                t.skip, t.reads, t.inner_json = evidently_skip, "ref+cur", True
                t.timeout, t.repeat = args.evidently_timeout, min(args.evidently_repeat, args.repeat)
                t.cmd = [py, str(BENCH / "evidently_bench.py"), ref, cur, "--preset", "drift", "--out", str(out)]
            elif key == "whylogs-profile":
                t.inner_json = True
                t.timeout, t.repeat = args.evidently_timeout, min(args.evidently_repeat, args.repeat)
                if not WHYLOGS_PYTHON.exists():
                    t.skip = "bench/.venv-whylogs missing: run bench/setup.sh --with-whylogs"
                t.cmd = [str(WHYLOGS_PYTHON), str(BENCH / "whylogs_bench.py"), cur, "--format", fmt,
                         "--out", str(out)]
            if t.skip:
                t.status = "skipped"
            tools.append(t)
    return tools


def assay_has(assay: Path, command: str) -> bool:
    """Whether this assay binary has a subcommand (an older build may lack `drift`)."""
    try:
        r = subprocess.run([str(assay), command, "--help"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def run_size(args, rows: int, assay: Path | None, assay_skip: str | None, evidently_skip: str | None,
             env: dict) -> dict:
    data = ensure_data(rows, args.seed, args.data_dir, args.formats)
    suites = write_suites(data, args.formats)
    tmp = Path(tempfile.mkdtemp(prefix=f"assay-bench-{rows}-", dir=args.tmp_dir))
    tools = build_tools(args, data, suites, tmp, assay, assay_skip, evidently_skip)
    for t in tools:
        if t.skip:
            log(f"[{rows}] {t.label} ({t.fmt}): skipped: {t.skip}")

    if not args.no_warm:
        files = sorted({data / f"{s}.{f}" for f in args.formats for s in ("reference", "current")})
        log(f"[{rows}] warming page cache ({sum(p.stat().st_size for p in files) / 2**20:.0f} MiB)")
        warm_cache(files)

    for rep in range(args.repeat):
        for t in tools:
            if t.status != "ok" or rep >= t.repeat:
                continue
            if t.output is not None and t.output.exists():
                t.output.unlink()
            so, se = tmp / f"{t.key}-{t.fmt}.stdout", tmp / f"{t.key}-{t.fmt}.stderr"
            r = measure(t.cmd, t.timeout, so, se, env, args.wrapper_cmd)
            if r["timed_out"]:
                t.status = "timeout"
                r["error"] = f"timed out after {t.timeout:.0f} s"
            elif r["exit_code"] not in t.ok_codes:
                t.status = "failed"
                r["error"] = f"exit code {r['exit_code']}"
            elif t.output is not None and not t.output.exists():
                t.status = "failed"
                r["error"] = f"exit code {r['exit_code']} but no output file {t.output.name}"
            else:
                if t.output is not None:
                    r["output_bytes"] = t.output.stat().st_size
                if t.inner_json:
                    try:
                        inner = json.loads(so.read_text().strip().splitlines()[-1])
                        r["inner"] = inner
                    except (ValueError, IndexError):
                        pass
                if t.key in ("assay-drift", "evidently-drift"):
                    t.detection = read_detection(t, r)
                    r.get("inner", {}).pop("drift", None)  # kept once, in the entry's "detection"
            t.runs.append(r)
            state = r.get("error") or f"{r['seconds']:.3f} s, {r['max_rss_mib']} MiB"
            log(f"[{rows}] run {rep + 1}/{t.repeat} {t.label} ({t.fmt}): {state}")
            if t.status != "ok":
                t.skip = r["error"]
                if t.status == "failed":
                    log(f"    command: {' '.join(t.cmd)}\n    stderr:\n{tail(se)}")

    if not args.keep_outputs:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"[{rows}] outputs kept in {tmp}")
    return summarize(rows, data, tools)


def read_detection(t: Tool, run: dict) -> dict:
    """The columns a drift tool flagged, from its output: assay's JSON report, or the per-column
    verdicts evidently_bench.py prints (ValueDrift tests of the snapshot)."""
    try:
        if t.key == "evidently-drift":
            d = run["inner"]["drift"]
            cols = d["columns"]
            return {"flagged": sorted(c for c, v in cols.items() if v.get("drifted")),
                    "tested": sorted(cols), "dataset": d.get("dataset"),
                    "columns": {c: {k: v.get(k) for k in ("drifted", "method", "threshold", "score")}
                                for c, v in cols.items()}}
        report = json.loads(t.output.read_text())
        columns: dict[str, dict] = {}
        listed: set[str] = set()  # the dataset rows' details.drifted_columns
        dataset: dict[str, dict] = {}
        for res in report["results"]:
            if res.get("id") not in ASSAY_DRIFT_IDS:
                continue
            det = res.get("details") or {}
            if res.get("column") is None:
                listed.update(det.get("drifted_columns") or [])
                dataset[res["id"]] = {"status": res.get("status"), "value": res.get("value"),
                                      "threshold": res.get("threshold")}
                continue
            drifted = det.get("drifted")
            if drifted is None:
                drifted = res.get("status") == "fail"
            columns[res["column"]] = {"id": res["id"], "drifted": bool(drifted), "status": res.get("status"),
                                      **{k: det.get(k) for k in ("method", "statistic", "p_value", "effect_size")},
                                      "threshold": res.get("threshold")}
        flagged = {c for c, v in columns.items() if v["drifted"]}
        out = {"flagged": sorted(flagged | listed), "tested": sorted(columns), "dataset": dataset, "columns": columns}
        if listed != flagged:
            # the per-column rows and the dataset rows disagree: say so rather than pick one
            out["inconsistent"] = {"per_column_only": sorted(flagged - listed),
                                   "dataset_row_only": sorted(listed - flagged)}
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        return {"error": f"could not read the flagged columns: {type(e).__name__}: {e}"}


def drift_truth(data: Path) -> dict:
    """Ground truth from the generator's drift.json: every column whose distribution changed."""
    meta = json.loads((data / "drift.json").read_text())
    direct, indirect = meta.get("drift", {}), meta.get("indirect_drift", {})
    return {"expected": sorted(set(direct) | set(indirect)), "direct": sorted(direct), "indirect": sorted(indirect),
            "undrifted": sorted(meta.get("undrifted_columns", [])),
            # drift that is only in the null share: the non-null values keep their distribution
            "null_share_only": {c: [v.get("reference", {}).get("null_share"), v.get("current", {}).get("null_share")]
                                for c, v in sorted(direct.items()) if v.get("kind") == "null_share"}}


def score_detection(det: dict | None, truth: dict) -> dict | None:
    if det is None or "error" in det:
        return det
    flagged, expected = set(det["flagged"]), set(truth["expected"])
    return {**det, "missed": sorted(expected - flagged), "extra": sorted(flagged - expected),
            "found": sorted(expected & flagged)}


def summarize(rows: int, data: Path, tools: list[Tool]) -> dict:
    entries = []
    for t in tools:
        e = {
            "tool": t.key,
            "format": t.fmt,
            "rows": rows,
            "reads": t.reads,
            "status": t.status,
            "command": t.cmd,
            "runs": t.runs,
        }
        if t.detection is not None:
            e["detection"] = t.detection
        if t.status == "skipped":
            e["reason"] = t.skip
        elif t.status in ("failed", "timeout"):
            e["reason"] = t.skip
        else:
            secs = [r["seconds"] for r in t.runs]
            e["median_seconds"] = round(statistics.median(secs), 4)
            e["min_seconds"] = round(min(secs), 4)
            e["max_seconds"] = round(max(secs), 4)
            rss = [r["max_rss_mib"] for r in t.runs if r["max_rss_mib"] is not None]
            e["peak_rss_mib"] = max(rss) if rss else None
            e["median_cpu_seconds"] = round(statistics.median(r["cpu_seconds"] for r in t.runs), 3)
            inner = [r["inner"]["seconds"] for r in t.runs if "inner" in r]
            if inner:
                e["median_inner_seconds"] = round(statistics.median(inner), 4)
        entries.append(e)

    def base(key: str, fmt: str, field: str) -> float | None:
        for e in entries:
            if e["tool"] == key and e["format"] == fmt and "median_seconds" in e:
                return e.get(field, e["median_seconds"])
        return None

    # "engine" seconds: the in-process time where the tool reports one (DuckDB, Evidently: without
    # interpreter start and imports), else the wall time (assay: a native binary starts in ms).
    for e in entries:
        if "median_seconds" in e:
            e["engine_seconds"] = e.get("median_inner_seconds", e["median_seconds"])
    for e in entries:
        if "median_seconds" not in e:
            continue
        for name, key, field in (("ratio_vs_assay_profile", "assay-profile", "median_seconds"),
                                 ("ratio_vs_duckdb_scan", "duckdb-scan", "median_seconds"),
                                 ("ratio_vs_duckdb_scan_engine", "duckdb-scan", "engine_seconds")):
            b = base(key, e["format"], field)
            e[name] = round(e[field] / b, 3) if b else None

    # The drift comparison. Evidently runs on Parquet only, so its ratio to assay-drift is on Parquet.
    truth = drift_truth(data)
    for e in entries:
        if e["tool"] not in DRIFT_TOOLS:
            continue
        if "detection" in e:
            e["detection"] = score_detection(e["detection"], truth)
        if "median_seconds" not in e:
            continue
        for name, key, field in (("ratio_vs_assay_drift", "assay-drift", "median_seconds"),
                                 ("ratio_vs_duckdb_scan_both", "duckdb-scan-both", "median_seconds"),
                                 ("ratio_vs_duckdb_scan_both_engine", "duckdb-scan-both", "engine_seconds")):
            b = base(key, e["format"], field)
            e[name] = round(e[field] / b, 3) if b else None
        b = base("assay-drift", e["format"], "peak_rss_mib")
        e["rss_ratio_vs_assay_drift"] = round(e["peak_rss_mib"] / b, 3) if b and e["peak_rss_mib"] else None

    meta = json.loads((data / "drift.json").read_text())
    files = {stem: {fmt: v["bytes"] for fmt, v in meta["files"][stem].items()} for stem in meta["files"]}
    out = {"rows": rows, "columns": len(meta["columns"]), "seed": meta["seed"], "file_bytes": files,
           "targets": targets(rows, entries), "results": entries}
    if any(e["tool"] in DRIFT_TOOLS for e in entries):
        out["drift_truth"] = truth
    return out


def targets(rows: int, entries: list[dict]) -> list[dict]:
    """The README's targets, evaluated on this run (they are stated for 5M rows x 25 columns)."""
    def get(tool: str, fmt: str) -> dict | None:
        return next((e for e in entries if e["tool"] == tool and e["format"] == fmt and "median_seconds" in e), None)

    out = []
    ap, ac = get("assay-profile", "parquet"), get("assay-profile", "csv")
    if ap and ap.get("ratio_vs_duckdb_scan_engine") is not None:
        # Against DuckDB's in-process time: the stricter reading (no Python start-up in the floor).
        r = ap["ratio_vs_duckdb_scan_engine"]
        out.append({"target": "assay profile wall <= 1.5x DuckDB scan engine time (parquet)", "value": r,
                    "limit": 1.5, "met": r <= 1.5})
    if ap:
        out.append({"target": "assay profile peak RSS < 1 GiB (parquet)", "value": ap["peak_rss_mib"],
                    "limit": 1024, "met": ap["peak_rss_mib"] is not None and ap["peak_rss_mib"] < 1024})
    if ac:
        out.append({"target": "assay profile peak RSS < 1 GiB (csv)", "value": ac["peak_rss_mib"],
                    "limit": 1024, "met": ac["peak_rss_mib"] is not None and ac["peak_rss_mib"] < 1024})
    ad = get("assay-drift", "parquet")
    if ad and ad.get("ratio_vs_duckdb_scan_both_engine") is not None:
        # Same reading as target 1: assay's wall over DuckDB's in-process time, here for both files.
        r = ad["ratio_vs_duckdb_scan_both_engine"]
        out.append({"target": "assay drift wall <= 2x DuckDB scan of both files, engine time (parquet)", "value": r,
                    "limit": 2.0, "met": r <= 2.0, "wall_ratio": ad.get("ratio_vs_duckdb_scan_both")})
    for t in out:
        t["applies"] = rows >= 5_000_000
    return out


def fmt_ratio(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def render(head: list[str], rows: list[list[str]], markdown: bool) -> None:
    """Print a table. A row shorter than head is a status row: its last cell spans the rest."""
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for r in rows:
            print("| " + " | ".join(r + [""] * (len(head) - len(r))) + " |")
        return
    widths = [max([len(head[i])] + [len(r[i]) for r in rows if i < len(r) - (len(r) < len(head))])
              for i in range(len(head))]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def fmt_secs(e: dict, key: str) -> str:
    return f"{e[key]:.3f}" if key in e else "-"


def fmt_rss(e: dict) -> str:
    return "?" if e.get("peak_rss_mib") is None else f"{e['peak_rss_mib']:.0f}"


def print_table(sizes: list[dict], markdown: bool) -> None:
    head = ["tool", "rows", "format", "reads", "median s", "min s", "inner s", "CPU s", "peak RSS MiB",
            "vs assay profile", "vs DuckDB scan", "vs DuckDB scan (engine)"]
    rows = []
    for s in sizes:
        for e in s["results"]:
            if e["tool"] in DRIFT_TOOLS:
                continue  # in the drift table
            if "median_seconds" in e:
                rows.append([e["tool"], f"{e['rows']:,}", e["format"], e["reads"], f"{e['median_seconds']:.3f}",
                             f"{e['min_seconds']:.3f}",
                             f"{e['median_inner_seconds']:.3f}" if "median_inner_seconds" in e else "-",
                             f"{e['median_cpu_seconds']:.2f}",
                             "?" if e["peak_rss_mib"] is None else f"{e['peak_rss_mib']:.0f}",
                             fmt_ratio(e.get("ratio_vs_assay_profile")), fmt_ratio(e.get("ratio_vs_duckdb_scan")),
                             fmt_ratio(e.get("ratio_vs_duckdb_scan_engine"))])
            else:
                rows.append([e["tool"], f"{e['rows']:,}", e["format"], e["reads"], f"{e['status']}: {e['reason']}"])
    print()
    if rows:
        render(head, rows, markdown)
        print()
    print_drift(sizes, markdown)
    for s in sizes:
        for t in s["targets"]:
            verdict = ("MET" if t["met"] else "NOT MET") + ("" if t["applies"] else " (target is stated for 5M rows)")
            print(f"{s['rows']:>12,} rows  {t['target']}: {t['value']} -> {verdict}")
    print("reads: 'current' = current.<format> only; 'ref+cur' = reference and current")
    print("inner s = time inside the Python process (DuckDB: connect+describe+query; Evidently: load+report+write),")
    print("          i.e. without interpreter start and imports; vs ... = median wall / median wall;")
    print("          (engine) = inner s where a tool has one, else wall, over DuckDB scan's inner s")


def print_drift(sizes: list[dict], markdown: bool) -> None:
    """The drift comparison: assay drift, Evidently's DataDriftPreset, DuckDB's scan of both files;
    then the columns each drift tool flagged against the generator's ground truth."""
    entries = [e for s in sizes for e in s["results"] if e["tool"] in DRIFT_TOOLS]
    if not entries:
        return
    head = ["tool", "rows", "format", "reads", "median s", "min s", "inner s", "CPU s", "peak RSS MiB",
            "vs assay drift", "RSS vs assay drift", "vs DuckDB scan both", "vs DuckDB scan both (engine)"]
    rows = []
    for e in entries:
        if "median_seconds" in e:
            rows.append([e["tool"], f"{e['rows']:,}", e["format"], e["reads"], fmt_secs(e, "median_seconds"),
                         fmt_secs(e, "min_seconds"), fmt_secs(e, "median_inner_seconds"),
                         f"{e['median_cpu_seconds']:.2f}", fmt_rss(e), fmt_ratio(e.get("ratio_vs_assay_drift")),
                         fmt_ratio(e.get("rss_ratio_vs_assay_drift")), fmt_ratio(e.get("ratio_vs_duckdb_scan_both")),
                         fmt_ratio(e.get("ratio_vs_duckdb_scan_both_engine"))])
        else:
            rows.append([e["tool"], f"{e['rows']:,}", e["format"], e["reads"], f"{e['status']}: {e['reason']}"])
    print("Drift (assay drift vs Evidently DataDriftPreset; floor: DuckDB scan of reference + current)")
    print()
    render(head, rows, markdown)
    print()
    # Ratios in words, per size: Evidently on Parquet only, so its comparison is on Parquet.
    for s in sizes:
        def get(tool: str, fmt: str) -> dict | None:
            return next((e for e in s["results"] if e["tool"] == tool and e["format"] == fmt
                         and "median_seconds" in e), None)
        for fmt in FORMATS:
            ad, ev, db = get("assay-drift", fmt), get("evidently-drift", fmt), get("duckdb-scan-both", fmt)
            if ad and ev:
                print(f"{s['rows']:>12,} rows  {fmt}: evidently-drift / assay-drift = "
                      f"{fmt_ratio(ev['ratio_vs_assay_drift'])} wall; peak RSS {fmt_rss(ev)} vs {fmt_rss(ad)} MiB "
                      f"({fmt_ratio(ev['rss_ratio_vs_assay_drift'])})")
            if ad and db:
                print(f"{s['rows']:>12,} rows  {fmt}: assay-drift / DuckDB scan of both = "
                      f"{fmt_ratio(ad['ratio_vs_duckdb_scan_both'])} wall, "
                      f"{fmt_ratio(ad['ratio_vs_duckdb_scan_both_engine'])} engine; "
                      f"peak RSS {fmt_rss(ad)} vs {fmt_rss(db)} MiB")
    print()

    # Detection against drift.json.
    det_rows = []
    for s in sizes:
        truth = s.get("drift_truth")
        if not truth:
            continue
        for e in s["results"]:
            d = e.get("detection")
            if e["tool"] not in ("assay-drift", "evidently-drift") or d is None:
                continue
            if "error" in d:
                det_rows.append([e["tool"], f"{e['rows']:,}", e["format"], d["error"]])
                continue
            det_rows.append([e["tool"], f"{e['rows']:,}", e["format"],
                             f"{len(d['found'])}/{len(truth['expected'])} + {len(d['extra'])} extra",
                             ", ".join(d["flagged"]) or "-", ", ".join(d["missed"]) or "-",
                             ", ".join(d["extra"]) or "-"])
            if d.get("inconsistent"):
                det_rows.append([e["tool"], f"{e['rows']:,}", e["format"],
                                 f"warning: per-column rows and dataset rows disagree: {d['inconsistent']}"])
    truth = next((s["drift_truth"] for s in sizes if s.get("drift_truth")), None)
    if truth:
        print(f"Drifted columns: expected (drift.json: drift + indirect_drift) = {', '.join(truth['expected'])}")
        print()
        if det_rows:
            render(["tool", "rows", "format", "score", "flagged", "missed", "extra"], det_rows, markdown)
            print()
        for col, (ref, cur) in truth["null_share_only"].items():
            shares = f"{ref:.0%} -> {cur:.0%} nulls" if ref is not None and cur is not None else "nulls"
            print(f"note: {col}'s drift is a null-share change ({shares}); its non-null values keep the same "
                  f"distribution, so Evidently's value tests (which drop nulls) cannot see it")
        print("note: target, prediction_proba and prediction drift indirectly (they depend on num_01 and cat_01);"
              " 'extra' = flagged but generated without drift")
        print()
    print("drift table: vs assay drift = median wall / assay-drift's (same format); RSS vs assay drift = peak RSS /")
    print("          assay-drift's; vs DuckDB scan both = median wall / DuckDB's scan of reference + current;")
    print("          (engine) = inner s where a tool has one, else wall, over that scan's inner s")
    print()


def environment(assay: Path | None, args) -> dict:
    def version(pkg: str) -> str | None:
        try:
            return importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            return None

    def cmd_out(cmd: list[str]) -> str | None:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return r.stdout.strip() if r.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None

    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": {"cpu": cpu, "cpus": os.cpu_count(), "mem_gib": mem, "os": platform.platform(),
                 "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("duckdb", "pyarrow", "numpy", "evidently", "pandas")},
        "assay": {"bin": str(assay) if assay else None,
                  "version": cmd_out([str(assay), "--version"]) if assay else None},
        "git": {"commit": cmd_out(["git", "-C", str(REPO), "rev-parse", "HEAD"]),
                "dirty": bool(cmd_out(["git", "-C", str(REPO), "status", "--porcelain"]))},
        "params": {"repeat": args.repeat, "seed": args.seed, "threads": args.threads,
                   "scan_agg": args.scan_agg, "timeout": args.timeout,
                   "evidently_timeout": args.evidently_timeout, "evidently_repeat": args.evidently_repeat,
                   "warm_cache": not args.no_warm, "rss_wrapper": args.wrapper_name, "formats": args.formats, "tools": args.tools},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    p.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is reported")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--assay-bin", default=os.environ.get("ASSAY_BIN", DEFAULT_ASSAY_BIN),
                   help=f"assay binary (env ASSAY_BIN; default {DEFAULT_ASSAY_BIN}, relative to the repo root)")
    p.add_argument("--tools", nargs="+", choices=ALL_TOOLS, default=ALL_TOOLS)
    p.add_argument("--formats", nargs="+", choices=FORMATS, default=FORMATS)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="DuckDB threads (default: all)")
    p.add_argument("--scan-agg", choices=["hash", "minmax"], default="hash",
                   help="aggregate the DuckDB scan applies to every column (see duckdb_bench.py)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per run, assay and DuckDB")
    p.add_argument("--evidently-timeout", type=float, default=1800, help="seconds per Evidently run")
    p.add_argument("--evidently-repeat", type=int, default=1,
                   help="Evidently runs per size (default 1: it is slow; capped by --repeat)")
    p.add_argument("--data-dir", type=Path, default=BENCH / "data")
    p.add_argument("--results-dir", type=Path, default=BENCH / "results")
    p.add_argument("--no-results", action="store_true", help="do not write results JSON")
    p.add_argument("--results-suffix", default=None,
                   help="results file name <date>-<rows>-SUFFIX.json (default: none; 'drift' when only the drift "
                        "tools and DuckDB scans run, so a drift run does not replace the day's full results)")
    p.add_argument("--tmp-dir", type=Path, default=None, help="where tool outputs go (default: system temp)")
    p.add_argument("--keep-outputs", action="store_true", help="keep tool outputs and logs")
    p.add_argument("--no-warm", action="store_true", help="do not read the files into the page cache first")
    p.add_argument("--rss-wrapper", choices=["auto", "gnu-time", "python"], default="auto",
                   help="how peak RSS is measured (auto: GNU /usr/bin/time if present, else a Python fork wrapper)")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = p.parse_args(argv)
    if args.repeat < 1 or any(r < 1 for r in args.rows):
        p.error("--repeat and --rows must be >= 1")

    env = {**os.environ, **CHILD_ENV}
    args.wrapper_name, args.wrapper_cmd = rss_wrapper(args.rss_wrapper)
    assay_path = Path(args.assay_bin)
    if not assay_path.is_absolute() and args.assay_bin == DEFAULT_ASSAY_BIN:
        assay_path = REPO / assay_path
    assay_path = assay_path.absolute()
    assay: Path | None = assay_path
    assay_skip = None
    if not (assay_path.is_file() and os.access(assay_path, os.X_OK)):
        assay, assay_skip = None, f"binary not found ({assay_path})"
    # DuckDB's scan of both files is the floor the drift tools are judged against: asking for the
    # DuckDB scan together with a drift tool brings it in.
    if "duckdb-scan" in args.tools and {"assay-drift", "evidently-drift"} & set(args.tools) \
            and "duckdb-scan-both" not in args.tools:
        log("[tools] adding duckdb-scan-both (the drift tools' floor: DuckDB's scan of reference + current)")
        args.tools = args.tools + ["duckdb-scan-both"]
    args.tools = [k for k in ALL_TOOLS if k in args.tools]  # run order, no duplicates
    if args.results_suffix is None and set(args.tools) <= set(DRIFT_TOOLS) | {"duckdb-scan"}:
        args.results_suffix = "drift"
    args.assay_drift_skip = None
    if assay is not None and "assay-drift" in args.tools and not assay_has(assay, "drift"):
        args.assay_drift_skip = f"this build has no `drift` command ({assay_path}; rebuild it)"
    evidently_skip = (evidently_importable(env) if {"evidently", "evidently-drift"} & set(args.tools)
                      else None)

    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        log(f"warning: load average {load:.2f} on {os.cpu_count()} CPUs; timings will be noisy")

    info = environment(assay, args)
    sizes = []
    failed = False
    for rows in args.rows:
        size = run_size(args, rows, assay, assay_skip, evidently_skip, env)
        size = {**info, **size}
        sizes.append(size)
        failed |= any(e["status"] == "failed" for e in size["results"])
        if not args.no_results:
            args.results_dir.mkdir(parents=True, exist_ok=True)
            suffix = f"-{args.results_suffix}" if args.results_suffix else ""
            path = args.results_dir / f"{dt.date.today().isoformat()}-{rows}{suffix}.json"
            path.write_text(json.dumps(size, indent=2) + "\n")
            log(f"[{rows}] wrote {path}")
    print_table(sizes, args.markdown)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
