#!/usr/bin/env python3
"""Model-validation benchmark: assay against scikit-learn, SALib and onnxruntime, in one run.

Four parts, each selectable with --parts (default: all), every tool in its own fresh process
(wall time around the process, peak RSS of that process from GNU time), --repeat runs each,
round-robin, median reported:

  split      fold assignment on a --split-rows Parquet file (default 10M rows: `label` int32
             0..4 imbalanced, `group` int32 0..99999, `x` float64; seeded, bench/data/):
             `assay split FILE --splitter kfold|stratified_kfold [--stratify label] --folds 5
             --shuffle --seed 0 -o none` (its "assigned in X ms" is parsed) against
             scikit-learn KFold / StratifiedKFold(5, shuffle=True, random_state=0) iterating all
             folds on the label column loaded with pyarrow (load and split timed apart).
  sobol      Sobol indices of a --sobol-inputs-input ONNX regressor (GradientBoostingRegressor,
             100 trees of depth 3, exported with skl2onnx, bench/data/) with --sobol-samples
             base samples (N*(D+2) model evaluations): `assay sensitivity MODEL --method sobol`
             against SALib sample.sobol.sample (scramble=False: assay's design, see README) +
             onnxruntime on every row + analyze.sobol.analyze(seed=1); the indices compared.
  crossval   5-fold stratified cross-validation on examples/adult/adult_reference.csv (six
             numeric features): `assay crossval --learner logistic_regression|random_forest`
             against scikit-learn cross_validate(Pipeline(StandardScaler, LogisticRegression)
             | RandomForestClassifier(100)); --cv-scale N replicates the rows to N.
  latency    `assay bench-model examples/adult/models/adult_gbt.onnx --batch-sizes 1,64,1024`
             against a Python loop over onnxruntime's sess.run (one thread, warm-up, same
             stopping rule), p50/p99 per batch size.

Prints a table with ratios (Python tool / assay: > 1 means assay is faster or smaller) and writes
bench/results/<date>-validation.json (figures, commands, versions, machine).

    bench/.venv-validation/bin/python bench/validation_bench.py
    bench/.venv-validation/bin/python bench/validation_bench.py --assay target/debug/assay \\
        --split-rows 200000 --sobol-samples 5000 --no-results

See bench/README.md, "Model validation".
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data"
DEFAULT_ASSAY = "target/bench-release/assay"
PARTS = ["split", "sobol", "crossval", "latency"]
SPLITTERS = ["kfold", "stratified_kfold", "group_kfold"]
ADULT = REPO / "examples/adult/adult_reference.csv"
ADULT_CURRENT = REPO / "examples/adult/adult_current.csv"
ADULT_MODEL = REPO / "examples/adult/models/adult_gbt.onnx"
ADULT_FEATURES = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
ADULT_TARGET = "income-per-year"
ADULT_POSITIVE = ">50K"
SPLIT_LABEL_WEIGHTS = [0.50, 0.25, 0.15, 0.07, 0.03]
SPLIT_GROUPS = 100_000
SPLIT_CHUNK_ROWS = 1_000_000
SPLIT_GENERATOR_VERSION = 1
SOBOL_TRAIN_ROWS = 20_000
# assay bench-model's default number of sample rows read from --data (DataSection.sample_rows)
LATENCY_SAMPLE_ROWS = 10_000
# assay bench-model's cap on timed calls per batch size (assay_model::benchmark::MAX_ITERATIONS)
MAX_CALLS = 1_000_000
CHILD_ENV = {"DO_NOT_TRACK": "1", "PYTHONWARNINGS": "ignore"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# data


def split_data(rows: int, seed: int) -> Path:
    """The fold-assignment file: `label` (int32, 5 classes .50/.25/.15/.07/.03), `group` (int32,
    uniform over 0..99999), `x` (float64 normal). Chunk k (1M rows) draws from
    default_rng(SeedSequence([seed, k])), so a larger file starts with the rows of a smaller one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = DATA / f"validation-split-{rows}-seed{seed}.parquet"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    log(f"[data] writing {rows:,} rows to {out}")
    schema = pa.schema([("label", pa.int32()), ("group", pa.int32()), ("x", pa.float64())])
    tmp = out.with_suffix(".parquet.tmp")
    cdf = np.cumsum(SPLIT_LABEL_WEIGHTS)
    cdf /= cdf[-1]
    with pq.ParquetWriter(tmp, schema, compression="snappy", write_statistics=True) as w:
        for k, start in enumerate(range(0, rows, SPLIT_CHUNK_ROWS)):
            n = min(SPLIT_CHUNK_ROWS, rows - start)
            rng = np.random.default_rng(np.random.SeedSequence([seed, SPLIT_GENERATOR_VERSION, k]))
            label = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)
            group = rng.integers(0, SPLIT_GROUPS, n)
            x = rng.standard_normal(n)
            w.write_table(pa.table({"label": label.astype(np.int32), "group": group.astype(np.int32), "x": x},
                                   schema=schema), row_group_size=SPLIT_CHUNK_ROWS)
    os.replace(tmp, out)
    return out


def sobol_function(x):
    """The synthetic target the Sobol model learns: a non-linear, interacting function of x0..x6;
    x7.. have no effect (their indices should come out ~0)."""
    import numpy as np

    y = (np.sin(2 * np.pi * x[:, 0]) + 5.0 * x[:, 1] ** 2 + 4.0 * x[:, 2] * x[:, 3]
         + 2.0 * x[:, 4] + np.where(x[:, 5] > 0.5, 1.0, 0.0) + 0.3 * x[:, 6])
    return y


def sobol_model(inputs: int, seed: int) -> Path:
    """GradientBoostingRegressor(n_estimators=100, max_depth=3) on SOBOL_TRAIN_ROWS uniform rows,
    exported with skl2onnx (float_input [N, inputs]) plus the `assay.features` metadata entry."""
    out = DATA / f"validation-sobol{inputs}-gbr-seed{seed}.onnx"
    if out.exists():
        return out
    if inputs < 7:
        raise SystemExit("--sobol-inputs must be >= 7 (the synthetic function uses x0..x6)")
    import numpy as np
    import onnx
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import GradientBoostingRegressor

    log(f"[data] training the {inputs}-input Sobol model -> {out}")
    rng = np.random.default_rng(seed)
    x = rng.random((SOBOL_TRAIN_ROWS, inputs)).astype(np.float32)
    y = sobol_function(x.astype(np.float64)) + rng.normal(0.0, 0.05, SOBOL_TRAIN_ROWS)
    model = GradientBoostingRegressor(n_estimators=100, max_depth=3, random_state=0).fit(x, y)
    onx = convert_sklearn(model, initial_types=[("float_input", FloatTensorType([None, inputs]))],
                          name=f"validation_sobol{inputs}")
    opsets = sorted({(o.domain, o.version) for o in onx.opset_import})
    del onx.opset_import[:]
    for domain, version in opsets:
        onx.opset_import.add(domain=domain, version=version)
    entry = onx.metadata_props.add()
    entry.key = "assay.features"
    entry.value = ",".join(f"x{i}" for i in range(inputs))
    onnx.checker.check_model(onx)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".onnx.tmp")
    onnx.save(onx, str(tmp))
    os.replace(tmp, out)
    return out


def adult_data(rows: int | None) -> Path:
    """The cross-validation data: the shipped CSV, or (rows given) its six features and target
    replicated cyclically to `rows` rows, as Parquet in bench/data/."""
    if rows is None:
        return ADULT
    import numpy as np
    import pandas as pd

    out = DATA / f"validation-adult-{rows}.parquet"
    if out.exists():
        return out
    log(f"[data] replicating {ADULT.name} to {rows:,} rows -> {out}")
    src = pd.read_csv(ADULT, na_values=["?"], keep_default_na=False)[ADULT_FEATURES + [ADULT_TARGET]]
    idx = np.arange(rows) % len(src)
    df = src.iloc[idx].reset_index(drop=True)
    df[ADULT_FEATURES] = df[ADULT_FEATURES].astype("float64")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".parquet.tmp")
    df.to_parquet(tmp, index=False, row_group_size=1_000_000)
    os.replace(tmp, out)
    return out


def warm_cache(paths: list[Path]) -> None:
    buf = bytearray(8 << 20)
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass


# ------------------------------------------------------------------------------------------------
# children: the Python side, one fresh process per run; the last stdout line is a JSON object


def child_split(a: dict) -> dict:
    import numpy as np
    import pyarrow.parquet as pq
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

    t0 = time.perf_counter()
    cols = ["group"] if a["splitter"] == "group_kfold" else ["label"]
    table = pq.read_table(a["data"], columns=cols)
    col = table.column(0).to_numpy()  # one chunk per row group -> one copy into a numpy array
    del table
    load_s = time.perf_counter() - t0
    n = len(col)
    x = col[:, None]  # a view: the splitters only need len(X)
    if a["splitter"] == "kfold":
        cv, args = KFold(a["folds"], shuffle=True, random_state=a["seed"]), (x,)
    elif a["splitter"] == "stratified_kfold":
        cv, args = StratifiedKFold(a["folds"], shuffle=True, random_state=a["seed"]), (x, col)
    else:
        cv, args = GroupKFold(a["folds"]), (x, None, col)
    sizes = []
    t1 = time.perf_counter()
    for tr, te in cv.split(*args):
        sizes.append([len(tr), len(te)])
    split_s = time.perf_counter() - t1
    out = {"seconds": load_s + split_s, "load_s": load_s, "split_s": split_s, "rows": n, "fold_sizes": sizes}
    if a.get("verify"):
        # compare the test indices with the folds assay wrote to a JSON file
        folds = json.loads(Path(a["verify"]).read_text())["folds"]
        same = [np.array_equal(np.sort(np.asarray(f["test"])), np.sort(te))
                for f, (_, te) in zip(folds, cv.split(*args))]
        out["folds_identical"] = bool(len(folds) == len(sizes) and all(same))
    return out


def child_salib(a: dict) -> dict:
    import numpy as np
    import onnxruntime as ort
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    d = a["inputs"]
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    t0 = time.perf_counter()
    # scramble=False, skip_values=0: the unscrambled design assay uses (sensitivity.sobol); SALib
    # 1.6 defaults to a scrambled one, whose points (not its cost) differ.
    x = sobol_sample.sample(problem, a["samples"], calc_second_order=False, scramble=False, skip_values=0)
    t1 = time.perf_counter()
    sess = ort.InferenceSession(a["model"], providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    y = sess.run(None, {name: x.astype(np.float32)})[0].reshape(-1).astype(np.float64)
    t2 = time.perf_counter()
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=a["resamples"],
                               conf_level=0.95, seed=a["seed"])
    t3 = time.perf_counter()
    return {"seconds": t3 - t0, "sample_s": t1 - t0, "inference_s": t2 - t1, "analyze_s": t3 - t2,
            "evaluations": int(len(y)),
            **{k: [float(v) for v in si[k]] for k in ("S1", "S1_conf", "ST", "ST_conf")}}


def child_cv(a: dict) -> dict:
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    t0 = time.perf_counter()
    if a["data"].endswith(".csv"):
        df = pd.read_csv(a["data"], na_values=["?"], keep_default_na=False, usecols=ADULT_FEATURES + [ADULT_TARGET])
    else:
        df = pd.read_parquet(a["data"], columns=ADULT_FEATURES + [ADULT_TARGET])
    x = df[ADULT_FEATURES].to_numpy(np.float64)
    y = (df[ADULT_TARGET] == ADULT_POSITIVE).to_numpy()
    del df
    load_s = time.perf_counter() - t0
    if a["learner"] == "logistic_regression":
        est = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    else:
        est = RandomForestClassifier(n_estimators=a["trees"], random_state=0)
    t1 = time.perf_counter()
    r = cross_validate(est, x, y, cv=StratifiedKFold(a["folds"]), scoring=["roc_auc", "accuracy"],
                       return_train_score=True, n_jobs=a["n_jobs"])
    cv_s = time.perf_counter() - t1
    out = {"seconds": load_s + cv_s, "load_s": load_s, "cv_s": cv_s, "rows": int(len(y))}
    for m in ("roc_auc", "accuracy"):
        out[m] = float(np.mean(r[f"test_{m}"]))
        out[f"train_{m}"] = float(np.mean(r[f"train_{m}"]))
        out[f"folds_{m}"] = [float(v) for v in r[f"test_{m}"]]
    return out


def child_ort_latency(a: dict) -> dict:
    """A Python loop over sess.run, as assay bench-model measures its own calls: `warmup`
    untimed calls, then timed calls until at least `iterations` and `seconds` are both reached
    (at most MAX_CALLS), successive windows of the sample rows, one thread."""
    import numpy as np
    import onnxruntime as ort
    import pandas as pd

    x = (pd.read_csv(a["data"], na_values=["?"], keep_default_na=False, usecols=ADULT_FEATURES, nrows=a["sample_rows"])
         [ADULT_FEATURES].to_numpy(np.float64).astype(np.float32))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    t0 = time.perf_counter()
    sess = ort.InferenceSession(a["model"], opts, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - t0) * 1000
    name = sess.get_inputs()[0].name
    label_only = [sess.get_outputs()[0].name]
    out = {"load_ms": load_ms, "sizes": {}}
    for variant, outputs in (("all_outputs", None), ("label_only", label_only)):
        per = {}
        for b in a["batch_sizes"]:
            pool = x if len(x) >= b else np.resize(x, (b, x.shape[1]))
            windows = len(pool) - b + 1
            for call in range(a["warmup"]):
                s = (call * b) % windows
                sess.run(outputs, {name: pool[s:s + b]})
            times = []
            started = time.perf_counter()
            while len(times) < a["iterations"] or (len(times) < MAX_CALLS and time.perf_counter() - started < a["seconds"]):
                s = ((a["warmup"] + len(times)) * b) % windows
                batch = pool[s:s + b]
                t = time.perf_counter()
                sess.run(outputs, {name: batch})
                times.append((time.perf_counter() - t) * 1000)
            t = np.asarray(times)
            per[str(b)] = {"iterations": len(t), "p50_ms": float(np.percentile(t, 50)),
                           "p90_ms": float(np.percentile(t, 90)), "p99_ms": float(np.percentile(t, 99)),
                           "mean_ms": float(t.mean()), "max_ms": float(t.max()),
                           "rows_per_s": float(b * len(t) / (t.sum() / 1000))}
        out["sizes"][variant] = per
    out["seconds"] = time.perf_counter() - t0
    return out


CHILDREN = {"split": child_split, "salib": child_salib, "cv": child_cv, "ort-latency": child_ort_latency}


# ------------------------------------------------------------------------------------------------
# measuring


def rss_wrapper() -> tuple[str, list[str]]:
    """GNU time reports the peak RSS of the very process it runs (not the runner's image, which a
    child forked straight from here would inherit as its ru_maxrss floor)."""
    if Path("/usr/bin/time").exists():
        probe = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", os.devnull, "true"], capture_output=True)
        if probe.returncode == 0:
            return "gnu-time", ["/usr/bin/time", "-f", "%M", "-o", "{rss}"]
    raise SystemExit("need GNU time at /usr/bin/time (Debian package `time`) for peak RSS")


def group_rss_kib(pgid: int) -> int:
    """Sum of the resident sets of every process in process group `pgid` (KiB)."""
    total = 0
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        # fields[0] is state (field 3); pgrp is field 5, rss (pages) field 24
        if int(fields[2]) == pgid:
            total += int(fields[21]) * page_kib
    return total


def measure(cmd: list[str], workdir: Path, tag: str, timeout: float, wrapper: list[str],
            ok_codes=(0,), tree_rss: bool = False) -> dict:
    """Runs cmd once under GNU time in a new session: wall seconds, peak RSS (MiB) of the process,
    CPU seconds, exit code, stdout/stderr text. tree_rss: also sample the summed RSS of the whole
    process group every 50 ms (for tools that fork workers, e.g. joblib)."""
    rss_file = workdir / f"{tag}.rss"
    rss_file.unlink(missing_ok=True)
    so_path, se_path = workdir / f"{tag}.stdout", workdir / f"{tag}.stderr"
    full = [a.replace("{rss}", str(rss_file)) for a in wrapper] + cmd
    env = {**os.environ, **CHILD_ENV}
    done = threading.Event()
    timed_out = threading.Event()
    tree_peak = [0]
    load_before = round(os.getloadavg()[0], 2)  # machine load around the run (other users show up here)
    with open(so_path, "wb") as so, open(se_path, "wb") as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=so, stderr=se, env=env,
                                start_new_session=True)

        def kill() -> None:
            if not done.is_set():
                timed_out.set()
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

        def sample() -> None:
            while not done.wait(0.05):
                try:
                    tree_peak[0] = max(tree_peak[0], group_rss_kib(proc.pid))
                except (OSError, ValueError, IndexError):
                    pass

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        sampler = threading.Thread(target=sample, daemon=True) if tree_rss else None
        if sampler:
            sampler.start()
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
    if sampler:
        sampler.join()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code > 128:
        code = -(code - 128)
    rss = None
    try:
        rss = round(int(rss_file.read_text().split()[-1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    r = {"seconds": round(wall, 4), "max_rss_mib": rss, "cpu_seconds": round(ru.ru_utime + ru.ru_stime, 3),
         "exit_code": code, "loadavg_1m": [load_before, round(os.getloadavg()[0], 2)]}
    if tree_rss:
        r["tree_rss_mib"] = round(tree_peak[0] / 1024, 1)
    stdout = so_path.read_text(errors="replace")
    stderr = se_path.read_text(errors="replace")
    if timed_out.is_set():
        r["error"] = f"timed out after {timeout:.0f} s"
    elif code not in ok_codes:
        r["error"] = f"exit code {code}: {stderr.strip()[-1500:]}"
    r["_stdout"], r["_stderr"] = stdout, stderr
    return r


def child_cmd(kind: str, args: dict) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", kind, json.dumps(args)]


def child_json(r: dict) -> dict | None:
    try:
        return json.loads(r["_stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


class Entry:
    """One tool in one part: the command, its runs, and what was read from them."""

    def __init__(self, part: str, key: str, label: str, cmd: list[str], side: str, ok_codes=(0,),
                 parse=None, tree_rss: bool = False, output: Path | None = None, case: str = ""):
        self.part, self.key, self.label, self.cmd, self.side = part, key, label, cmd, side
        self.case = case  # what it is compared on (e.g. "kfold", "logistic_regression 22,793 rows")
        self.ok_codes, self.parse, self.tree_rss, self.output = ok_codes, parse, tree_rss, output
        self.runs: list[dict] = []
        self.status = "ok"
        self.reason: str | None = None
        self.inner: dict | None = None  # parsed from the last successful run

    def run(self, workdir: Path, timeout: float, wrapper: list[str]) -> None:
        if self.status != "ok":
            return
        if self.output is not None:
            self.output.unlink(missing_ok=True)
        r = measure(self.cmd, workdir, f"{self.part}-{self.key}", timeout, wrapper, self.ok_codes, self.tree_rss)
        if "error" not in r and self.parse is not None:
            try:
                r["inner"] = self.parse(r)
            except Exception as e:  # noqa: BLE001 - recorded, the run counts as failed
                r["error"] = f"could not read the output: {type(e).__name__}: {e}"
        if "error" in r:
            self.status = "timeout" if "timed out" in r["error"] else "failed"
            self.reason = r["error"]
            log(f"    {self.label}: FAILED: {r['error'][:2000]}\n    command: {' '.join(self.cmd)}")
        else:
            self.inner = r.get("inner")
            inner_s = (r.get("inner") or {}).get("seconds")
            log(f"    {self.label}: {r['seconds']:.3f} s wall"
                + (f", {inner_s:.3f} s inner" if isinstance(inner_s, (int, float)) else "")
                + f", {r['max_rss_mib']} MiB" + (f" ({r['tree_rss_mib']} MiB process tree)" if self.tree_rss else ""))
        r.pop("_stdout", None)
        r.pop("_stderr", None)
        self.runs.append(r)

    def median(self, field: str, inner: bool = False) -> float | None:
        vals = []
        for r in self.runs:
            src = r.get("inner") if inner else r
            if "error" not in r and isinstance(src, dict) and isinstance(src.get(field), (int, float)):
                vals.append(src[field])
        return statistics.median(vals) if vals else None

    def peak(self, field: str = "max_rss_mib") -> float | None:
        vals = [r[field] for r in self.runs if "error" not in r and r.get(field) is not None]
        return max(vals) if vals else None

    def to_json(self) -> dict:
        e = {"part": self.part, "tool": self.key, "label": self.label, "case": self.case, "side": self.side,
             "status": self.status, "command": self.cmd, "runs": self.runs}
        if self.reason:
            e["reason"] = self.reason
        if self.status == "ok" and self.runs:
            e["median_seconds"] = self.median("seconds")
            e["min_seconds"] = min(r["seconds"] for r in self.runs)
            e["peak_rss_mib"] = self.peak()
            if self.tree_rss:
                e["peak_tree_rss_mib"] = self.peak("tree_rss_mib")
            e["median_cpu_seconds"] = self.median("cpu_seconds")
        return e


def skip(entry: Entry, reason: str | None) -> Entry:
    if reason:
        entry.status, entry.reason = "skipped", reason
    return entry


# ------------------------------------------------------------------------------------------------
# the parts


ASSIGNED = re.compile(r"assigned in ([0-9.]+) ms")
FOLD_SIZES = re.compile(r"train/test ((?:\d+/\d+ ?)+)")


def parse_assay_split(r: dict) -> dict:
    m = ASSIGNED.search(r["_stderr"])
    if not m:
        raise ValueError(f"no 'assigned in X ms' in stderr: {r['_stderr'][-300:]!r}")
    sizes = FOLD_SIZES.search(r["_stderr"])
    return {"assigned_s": float(m.group(1)) / 1000,
            "fold_sizes": [[int(v) for v in p.split("/")] for p in sizes.group(1).split()] if sizes else None,
            "summary": r["_stderr"].strip().splitlines()[-1]}


def part_split(args, assay: str, assay_skip: str | None, workdir: Path) -> tuple[list[Entry], dict]:
    data = split_data(args.split_rows, args.seed)
    warm_cache([data])
    entries = []
    for sp in args.splitters:
        flags = ["--shuffle", "--seed", "0"] if sp != "group_kfold" else []
        col = {"stratified_kfold": ["--stratify", "label"], "group_kfold": ["--group", "group"]}.get(sp, [])
        entries.append(skip(Entry("split", f"assay-{sp}", f"assay split {sp}",
                                  [assay, "split", str(data), "--splitter", sp, "--folds", str(args.folds), *col,
                                   *flags, "-o", "none"], "assay", parse=parse_assay_split, case=sp), assay_skip))
        entries.append(Entry("split", f"sklearn-{sp}", f"scikit-learn {sp}",
                             child_cmd("split", {"data": str(data), "splitter": sp, "folds": args.folds, "seed": 0}),
                             "python", parse=child_json, case=sp))
    run_round_robin(entries, args.repeat, workdir, args)
    extra = {"data": str(data.relative_to(REPO)), "rows": args.split_rows, "file_bytes": data.stat().st_size}
    # fold sizes must agree (the folds themselves: --verify-folds)
    for sp in args.splitters:
        a, s = find(entries, f"assay-{sp}"), find(entries, f"sklearn-{sp}")
        if a.inner and s.inner and a.inner.get("fold_sizes"):
            extra[f"{sp}_fold_sizes_agree"] = a.inner["fold_sizes"] == s.inner["fold_sizes"]
    if args.verify_folds and not assay_skip:
        extra["verify_folds"] = verify_folds(args, assay, workdir)
    return entries, extra


def verify_folds(args, assay: str, workdir: Path) -> dict:
    """assay's folds (written as JSON) against scikit-learn's test indices, on a small file."""
    rows = min(args.split_rows, 100_000)
    data = split_data(rows, args.seed)
    out = {"rows": rows}
    for sp in args.splitters:
        folds = workdir / f"verify-{sp}.json"
        flags = ["--shuffle", "--seed", "0"] if sp != "group_kfold" else []
        col = {"stratified_kfold": ["--stratify", "label"], "group_kfold": ["--group", "group"]}.get(sp, [])
        subprocess.run([assay, "split", str(data), "--splitter", sp, "--folds", str(args.folds), *col, *flags,
                        "-o", str(folds)], check=True, capture_output=True)
        r = subprocess.run(child_cmd("split", {"data": str(data), "splitter": sp, "folds": args.folds, "seed": 0,
                                               "verify": str(folds)}), capture_output=True, text=True, check=True)
        out[sp] = json.loads(r.stdout.strip().splitlines()[-1])["folds_identical"]
        log(f"    folds of {sp} on {rows:,} rows identical to scikit-learn's: {out[sp]}")
    return out


def parse_assay_sobol(path: Path):
    def parse(r: dict) -> dict:
        report = json.loads(path.read_text())
        idx = {}
        for res in report["results"]:
            if res.get("id") == "sensitivity.sobol" and res.get("column"):
                d = res["details"]
                idx[res["column"]] = {k: d.get(k) for k in ("s1", "s1_conf", "st", "st_conf")}
                idx[res["column"]]["evaluations"] = d.get("evaluations")
        if not idx:
            raise ValueError("no sensitivity.sobol results in the report")
        return {"indices": idx}
    return parse


def part_sobol(args, assay: str, assay_skip: str | None, workdir: Path) -> tuple[list[Entry], dict]:
    model = sobol_model(args.sobol_inputs, args.seed)
    out = workdir / "sobol.json"
    bounds = [a for i in range(args.sobol_inputs) for a in ("--bounds", f"x{i}=0:1")]
    entries = [
        skip(Entry("sobol", "assay-sobol", "assay sensitivity sobol",
                   [assay, "sensitivity", str(model), "--method", "sobol", "--samples", str(args.sobol_samples),
                    *bounds, "--seed", "1", "-q", "-o", f"json={out}"], "assay", ok_codes=(0, 1),
                   parse=parse_assay_sobol(out), output=out, case="sobol"), assay_skip),
        Entry("sobol", "salib-sobol", "SALib + onnxruntime",
              child_cmd("salib", {"model": str(model), "inputs": args.sobol_inputs, "samples": args.sobol_samples,
                                  "seed": 1, "resamples": 100}), "python", parse=child_json, case="sobol"),
    ]
    run_round_robin(entries, args.repeat, workdir, args)
    extra = {"model": str(model.relative_to(REPO)), "inputs": args.sobol_inputs, "base_samples": args.sobol_samples,
             "evaluations": args.sobol_samples * (args.sobol_inputs + 2)}
    a, s = entries
    if a.inner and s.inner:
        names = [f"x{i}" for i in range(args.sobol_inputs)]
        rows = []
        for i, n in enumerate(names):
            ai = a.inner["indices"][n]
            rows.append({"input": n, "assay_s1": ai["s1"], "salib_s1": s.inner["S1"][i], "assay_st": ai["st"],
                         "salib_st": s.inner["ST"][i], "assay_s1_conf": ai["s1_conf"],
                         "salib_s1_conf": s.inner["S1_conf"][i], "assay_st_conf": ai["st_conf"],
                         "salib_st_conf": s.inner["ST_conf"][i]})
        extra["indices"] = rows
        extra["max_abs_diff_s1"] = max(abs(r["assay_s1"] - r["salib_s1"]) for r in rows)
        extra["max_abs_diff_st"] = max(abs(r["assay_st"] - r["salib_st"]) for r in rows)
        extra["max_abs_diff_s1_conf"] = max(abs(r["assay_s1_conf"] - r["salib_s1_conf"]) for r in rows)
        extra["max_abs_diff_st_conf"] = max(abs(r["assay_st_conf"] - r["salib_st_conf"]) for r in rows)
    return entries, extra


def parse_assay_cv(path: Path):
    def parse(r: dict) -> dict:
        report = json.loads(path.read_text())
        out = {}
        for res in report["results"]:
            if res.get("id") == "crossval.score" and res.get("column"):
                d = res["details"]
                out[res["column"]] = d["mean"]
                out[f"train_{res['column']}"] = d.get("train_mean")
                out[f"folds_{res['column']}"] = [f.get("score") for f in d.get("folds", [])]
                out["fold_seconds"] = [f.get("seconds") for f in d.get("folds", [])]
        if "roc_auc" not in out:
            raise ValueError("no crossval.score results in the report")
        return out
    return parse


def part_crossval(args, assay: str, assay_skip: str | None, workdir: Path) -> tuple[list[Entry], dict]:
    entries = []
    sizes: list[int | None] = [None, *args.cv_scale]
    data_info = {}
    for rows in sizes:
        data = adult_data(rows)
        warm_cache([data])
        n = rows or 22_793
        data_info[str(n)] = str(data.relative_to(REPO))
        for learner in args.cv_learners:
            case = f"{learner} {n:,} rows"
            tag = f"{learner}-{n}"
            out = workdir / f"cv-{tag}.json"
            cmd = [assay, "crossval", str(data), "--target", ADULT_TARGET, "--learner", learner,
                   "--features", ",".join(ADULT_FEATURES), "--metrics", "roc_auc,accuracy", "--folds",
                   str(args.folds)]
            if learner == "random_forest":
                cmd += ["--param", f"trees={args.cv_trees}"]
            if str(data).endswith(".csv"):
                cmd += ["--null-value", "?"]
            cmd += ["-q", "-o", f"json={out}"]
            entries.append(skip(Entry("crossval", f"assay-{tag}", f"assay crossval {learner}", cmd, "assay",
                                      ok_codes=(0, 1), parse=parse_assay_cv(out), output=out, case=case), assay_skip))
            # n_jobs=1 of a forest on a replicated size takes ~2x the n_jobs=-1 run: not by default
            scaled_forest = rows is not None and learner == "random_forest"
            for jobs in (args.sklearn_jobs_scaled if scaled_forest else args.sklearn_jobs):
                entries.append(Entry("crossval", f"sklearn-{tag}-jobs{jobs}",
                                     f"scikit-learn cross_validate {learner} n_jobs={jobs}",
                                     child_cmd("cv", {"data": str(data), "learner": learner, "folds": args.folds,
                                                      "trees": args.cv_trees, "n_jobs": jobs}),
                                     "python", parse=child_json, tree_rss=jobs != 1, case=case))
    # the replicated sizes are heavy: they run --heavy-repeat times
    base = [e for e in entries if e.case.endswith(" 22,793 rows")]
    scaled = [e for e in entries if e not in base]
    run_round_robin(base, args.repeat, workdir, args)
    run_round_robin(scaled, args.heavy_repeat, workdir, args)
    return entries, {"data": data_info, "features": ADULT_FEATURES, "target": ADULT_TARGET,
                     "sklearn_n_jobs": args.sklearn_jobs, "sklearn_n_jobs_scaled": args.sklearn_jobs_scaled,
                     "trees": args.cv_trees}


def parse_assay_latency(path: Path):
    def parse(r: dict) -> dict:
        report = json.loads(path.read_text())
        out = {"sizes": {}}
        for res in report["results"]:
            d = res.get("details") or {}
            if res.get("id") == "performance.latency":
                out["sizes"][str(d["batch_rows"])] = {k: d.get(k) for k in
                                                      ("iterations", "p50_ms", "p90_ms", "p99_ms", "mean_ms",
                                                       "max_ms", "rows_per_s")}
            elif res.get("id") == "performance.load_time":
                out["load_ms"] = res.get("value")
            elif res.get("id") == "performance.throughput":
                out.setdefault("throughput_rows_per_s", {})[str(d.get("threads"))] = res.get("value")
            elif res.get("id") == "performance.memory":
                out["peak_mib_reported"] = res.get("value")
        if not out["sizes"]:
            raise ValueError("no performance.latency results in the report")
        return out
    return parse


def part_latency(args, assay: str, assay_skip: str | None, workdir: Path) -> tuple[list[Entry], dict]:
    out = workdir / "bench-model.json"
    sizes = ",".join(str(b) for b in args.batch_sizes)
    entries = [
        skip(Entry("latency", "assay-bench-model", "assay bench-model",
                   [assay, "bench-model", str(ADULT_MODEL), "--batch-sizes", sizes, "--data", str(ADULT_CURRENT),
                    "--null-value", "?", "--seconds", str(args.latency_seconds), "-q", "-o", f"json={out}"],
                   "assay", ok_codes=(0, 1), parse=parse_assay_latency(out), output=out, case="latency"), assay_skip),
        Entry("latency", "onnxruntime-latency", "onnxruntime sess.run loop",
              child_cmd("ort-latency", {"model": str(ADULT_MODEL), "data": str(ADULT_CURRENT),
                                        "batch_sizes": args.batch_sizes, "warmup": 5, "iterations": 30,
                                        "seconds": args.latency_seconds, "sample_rows": LATENCY_SAMPLE_ROWS}),
              "python", parse=child_json, case="latency"),
    ]
    run_round_robin(entries, 1, workdir, args)
    return entries, {"model": str(ADULT_MODEL.relative_to(REPO)), "data": str(ADULT_CURRENT.relative_to(REPO)),
                     "batch_sizes": args.batch_sizes, "seconds_per_size": args.latency_seconds,
                     "onnxruntime_threads": 1}


def run_round_robin(entries: list[Entry], repeat: int, workdir: Path, args) -> None:
    for e in entries:
        if e.status == "skipped":
            log(f"    {e.label}: skipped: {e.reason}")
    for rep in range(repeat if entries else 0):
        log(f"  run {rep + 1}/{repeat}")
        for e in entries:
            e.run(workdir, args.timeout, args.wrapper_cmd)


def find(entries: list[Entry], key: str) -> Entry:
    return next(e for e in entries if e.key == key)


# ------------------------------------------------------------------------------------------------
# the table


def ratio(num: float | None, den: float | None) -> float | None:
    return round(num / den, 3) if num is not None and den else None


def summarize(parts: dict) -> list[dict]:
    """Rows of the comparison table: one per (part, case, measure), Python figure / assay figure."""
    rows = []

    def add(part, case, what, a, p, unit, rss_a=None, rss_p=None, note=""):
        rows.append({"part": part, "case": case, "measure": what, "assay": a, "python": p, "unit": unit,
                     "ratio_python_over_assay": ratio(p, a), "assay_rss_mib": rss_a, "python_rss_mib": rss_p,
                     "rss_ratio_python_over_assay": ratio(rss_p, rss_a), "note": note})

    if "split" in parts:
        es = parts["split"]["entries"]
        for sp in dict.fromkeys(e.case for e in es):
            a, s = find(es, f"assay-{sp}"), find(es, f"sklearn-{sp}")
            add("split", sp, "fold assignment s", a.median("assigned_s", True), s.median("split_s", True), "s",
                note="assay: its 'assigned in'; sklearn: `for tr, te in cv.split(X, y)` over all folds")
            add("split", sp, "read column + assign s", a.median("seconds"), s.median("seconds", True), "s",
                note=f"assay: process wall; sklearn: in-process, load {fmt(s.median('load_s', True))} s + split")
            add("split", sp, "process wall s", a.median("seconds"), s.median("seconds"), "s", a.peak(), s.peak(),
                note="sklearn incl. interpreter start-up and imports")
    if "sobol" in parts:
        es = parts["sobol"]["entries"]
        a, s = find(es, "assay-sobol"), find(es, "salib-sobol")
        add("sobol", f"{parts['sobol']['extra']['evaluations']:,} evaluations", "process wall s", a.median("seconds"),
            s.median("seconds"), "s", a.peak(), s.peak(),
            note=(f"SALib sample {fmt(s.median('sample_s', True))} s, onnxruntime {fmt(s.median('inference_s', True))} s, "
                  f"analyze {fmt(s.median('analyze_s', True))} s"))
        add("sobol", f"{parts['sobol']['extra']['evaluations']:,} evaluations", "in-process s (SALib: sample + "
            "inference + analyze)", a.median("seconds"), s.median("seconds", True), "s")
    if "crossval" in parts:
        es = parts["crossval"]["entries"]
        for case in dict.fromkeys(e.case for e in es):
            a = next(e for e in es if e.case == case and e.side == "assay")
            for s in [e for e in es if e.case == case and e.side == "python"]:
                jobs = s.key.rsplit("jobs", 1)[-1]
                add("crossval", case, f"process wall s (sklearn n_jobs={jobs})", a.median("seconds"),
                    s.median("seconds"), "s", a.peak(), s.peak("tree_rss_mib") if s.tree_rss else s.peak(),
                    note=f"sklearn load {fmt(s.median('load_s', True))} s, cross_validate {fmt(s.median('cv_s', True))} s"
                         + ("; sklearn MiB: all its processes (joblib workers)" if s.tree_rss else ""))
                add("crossval", case, f"in-process s (sklearn n_jobs={jobs}: load + cross_validate)",
                    a.median("seconds"), s.median("seconds", True), "s")
            s = next(e for e in es if e.case == case and e.side == "python")
            for m in ("roc_auc", "accuracy"):
                av = a.inner.get(m) if a.inner else None
                sv = s.inner.get(m) if s.inner else None
                add("crossval", case, f"mean {m} (test)", av, sv, "score",
                    note="" if av is None or sv is None else f"Δ {av - sv:+.4f}")
            at = a.inner.get("train_roc_auc") if a.inner else None
            st = s.inner.get("train_roc_auc") if s.inner else None
            add("crossval", case, "mean roc_auc (train)", at, st, "score",
                note="" if at is None or st is None else f"Δ {at - st:+.4f}")
    if "latency" in parts:
        es = parts["latency"]["entries"]
        a, s = find(es, "assay-bench-model"), find(es, "onnxruntime-latency")
        for b in parts["latency"]["extra"]["batch_sizes"]:
            ai = (a.inner or {}).get("sizes", {}).get(str(b), {})
            for variant, label in (("all_outputs", ""), ("label_only", ", ort label output only")):
                si = (s.inner or {}).get("sizes", {}).get(variant, {}).get(str(b), {})
                for q in ("p50_ms", "p99_ms"):
                    add("latency", f"batch {b}", f"{q[:3]} ms{label}", ai.get(q), si.get(q), "ms",
                        a.peak() if q == "p50_ms" and not label else None,
                        s.peak() if q == "p50_ms" and not label else None)
    return rows


def fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.3f}"
    if v == 0:
        return "0"
    return f"{v:.4g}"


def render(rows: list[dict], markdown: bool) -> str:
    head = ["part", "case", "measure", "assay", "python tool", "python ÷ assay", "assay MiB", "python MiB",
            "MiB ratio", "note"]
    body = [[r["part"], r["case"], r["measure"], fmt(r["assay"]), fmt(r["python"]),
             "-" if r["ratio_python_over_assay"] is None or r["unit"] in ("score", "index")
             else f"{r['ratio_python_over_assay']:.2f}×",
             fmt(r["assay_rss_mib"]), fmt(r["python_rss_mib"]),
             "-" if r["rss_ratio_python_over_assay"] is None else f"{r['rss_ratio_python_over_assay']:.2f}×",
             r["note"]] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in body]
    return "\n".join(lines)


def targets(parts: dict) -> list[dict]:
    out = []
    if "split" in parts:
        for e in parts["split"]["entries"]:
            if e.side == "assay" and e.inner:
                v = e.median("assigned_s", True)
                out.append({"target": f"{e.case}: fold assignment of {parts['split']['extra']['rows']:,} rows < 1 s",
                            "value": v, "limit": 1.0, "met": v is not None and v < 1.0,
                            "applies": parts["split"]["extra"]["rows"] >= 10_000_000})
    if "sobol" in parts:
        a = find(parts["sobol"]["entries"], "assay-sobol")
        if a.runs and a.status == "ok":
            v = a.peak()
            out.append({"target": f"sobol, {parts['sobol']['extra']['evaluations']:,} evaluations: peak RSS < 500 MiB",
                        "value": v, "limit": 500, "met": v is not None and v < 500,
                        "applies": parts["sobol"]["extra"]["base_samples"] >= 100_000})
    return out


# ------------------------------------------------------------------------------------------------
# main


def environment(args, assay: str) -> dict:
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

    cpu = mem = None
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = round(int(line.split()[1]) / 2**20, 1)
    binary = Path(assay)
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": {"cpu": cpu, "cpus": os.cpu_count(), "mem_gib": mem, "os": platform.platform(),
                 "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "SALib",
                                             "onnxruntime", "onnx", "skl2onnx")},
        "assay": {"bin": assay, "version": cmd_out([assay, "--version"]),
                  "bin_mtime": (dt.datetime.fromtimestamp(binary.stat().st_mtime).astimezone().isoformat(timespec="seconds")
                                if binary.exists() else None)},
        # HEAD at run time; the binary may be older (or built from a dirty tree): compare bin_mtime
        "git": {"commit": cmd_out(["git", "-C", str(REPO), "rev-parse", "HEAD"]),
                "commit_date": cmd_out(["git", "-C", str(REPO), "log", "-1", "--format=%cI"]),
                "dirty": bool(cmd_out(["git", "-C", str(REPO), "status", "--porcelain"]))},
        "params": {k: v for k, v in vars(args).items() if k not in ("wrapper_cmd",)},
    }


def assay_problem(assay: str, commands: list[str]) -> str | None:
    if not Path(assay).exists():
        return f"binary not found: {assay}"
    for c in commands:
        r = subprocess.run([assay, c, "--help"], capture_output=True)
        if r.returncode != 0:
            return f"{assay} has no `{c}` command (an older build?)"
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[0] == "--child":
        print(json.dumps(CHILDREN[argv[1]](json.loads(argv[2]))))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", nargs="+", choices=PARTS, default=PARTS)
    p.add_argument("--assay", default=os.environ.get("ASSAY_BIN", DEFAULT_ASSAY),
                   help=f"assay binary (env ASSAY_BIN; default {DEFAULT_ASSAY}, relative to the repo root)")
    p.add_argument("--repeat", type=int, default=3, help="runs of every tool (median reported) but the --cv-scale sizes")
    p.add_argument("--heavy-repeat", type=int, default=1, help="runs of the --cv-scale sizes")
    p.add_argument("--seed", type=int, default=0, help="data and model generation seed")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--split-rows", type=int, default=10_000_000)
    p.add_argument("--splitters", nargs="+", choices=SPLITTERS, default=["kfold", "stratified_kfold"])
    p.add_argument("--verify-folds", action=argparse.BooleanOptionalAction, default=True,
                   help="check that assay's folds equal scikit-learn's (test indices), on a file of min(rows, 100k) rows")
    p.add_argument("--sobol-samples", type=int, default=100_000, help="base samples N (N*(D+2) evaluations)")
    p.add_argument("--sobol-inputs", type=int, default=10)
    p.add_argument("--cv-learners", nargs="+", choices=["logistic_regression", "random_forest"],
                   default=["logistic_regression", "random_forest"])
    p.add_argument("--cv-trees", type=int, default=100)
    p.add_argument("--cv-scale", "--scale", dest="cv_scale", type=int, nargs="*", default=[], metavar="N",
                   help="also cross-validate on the Adult rows replicated to N rows (e.g. 1000000)")
    p.add_argument("--sklearn-jobs", type=int, nargs="+", default=[-1, 1],
                   help="cross_validate n_jobs values timed on the shipped rows (default -1, every core, as assay "
                        "trains folds in parallel, and 1, which saves joblib's worker start-up)")
    p.add_argument("--sklearn-jobs-scaled", type=int, nargs="+", default=[-1],
                   help="cross_validate n_jobs values of random_forest on the --cv-scale sizes (default -1; "
                        "logistic_regression uses --sklearn-jobs at every size)")
    p.add_argument("--batch-sizes", type=lambda s: [int(v) for v in s.split(",")], default=[1, 64, 1024])
    p.add_argument("--latency-seconds", type=float, default=2.0, help="timed seconds per batch size (both tools)")
    p.add_argument("--timeout", type=float, default=3600.0, help="per run")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--no-results", action="store_true", help="do not write bench/results/<date>-validation.json")
    p.add_argument("--results-suffix", default="", help="results go to <date>-validation[-SUFFIX].json")
    p.add_argument("--keep-outputs", action="store_true", help="keep the tools' outputs (the temporary directory)")
    args = p.parse_args(argv)

    assay = args.assay if os.path.isabs(args.assay) else str(REPO / args.assay)
    args.wrapper_name, args.wrapper_cmd = rss_wrapper()
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        log(f"warning: load average {load:.2f} on {os.cpu_count()} CPUs; timings will be noisy")
    env = environment(args, assay)
    if env["assay"]["bin_mtime"] and env["git"]["commit_date"]:
        if dt.datetime.fromisoformat(env["assay"]["bin_mtime"]) < dt.datetime.fromisoformat(env["git"]["commit_date"]):
            log(f"warning: {assay} ({env['assay']['bin_mtime']}) is older than HEAD "
                f"({env['git']['commit'][:7]}, {env['git']['commit_date']}); rebuild it to measure HEAD")
    needs = {"split": "split", "sobol": "sensitivity", "crossval": "crossval", "latency": "bench-model"}
    workdir = Path(tempfile.mkdtemp(prefix="assay-validation-bench-"))
    parts: dict[str, dict] = {}
    for part in PARTS:
        if part not in args.parts:
            continue
        problem = assay_problem(assay, [needs[part]])
        log(f"[{part}]" + (f" assay skipped: {problem}" if problem else ""))
        fn = {"split": part_split, "sobol": part_sobol, "crossval": part_crossval, "latency": part_latency}[part]
        entries, extra = fn(args, assay, problem, workdir)
        parts[part] = {"entries": entries, "extra": extra}

    rows = summarize(parts)
    print()
    print(f"{env['assay']['version'] or 'assay ?'} ({env['git']['commit'][:7] if env['git']['commit'] else '?'}"
          f"{', dirty' if env['git']['dirty'] else ''}), {env['host']['cpus']} CPUs, {env['host']['mem_gib']} GiB; "
          "ratio = python figure ÷ assay figure (> 1: assay faster / smaller)")
    print(render(rows, args.markdown))
    if "sobol" in parts and "indices" in parts["sobol"]["extra"]:
        print("\nSobol indices (assay vs SALib, same design)")
        print(render_indices(parts["sobol"]["extra"]["indices"], args.markdown))
        ex = parts["sobol"]["extra"]
        print(f"max |ΔS1| {ex['max_abs_diff_s1']:.2e}, max |ΔST| {ex['max_abs_diff_st']:.2e}, "
              f"max |ΔS1_conf| {ex['max_abs_diff_s1_conf']:.2e}, max |ΔST_conf| {ex['max_abs_diff_st_conf']:.2e}")
    tg = targets(parts)
    for t in tg:
        state = ("MET" if t["met"] else "NOT MET") + ("" if t["applies"] else " (target stated for the default size)")
        print(f"target: {t['target']}: {fmt(t['value'])} -> {state}")
    for k, v in (parts.get("split", {}).get("extra") or {}).items():
        if k.endswith("fold_sizes_agree") and not v:
            print(f"warning: {k} is false")

    if not args.keep_outputs:
        for f in workdir.iterdir():
            f.unlink()
        workdir.rmdir()
    else:
        log(f"outputs kept in {workdir}")
    if not args.no_results:
        suffix = f"-{args.results_suffix}" if args.results_suffix else ""
        out = BENCH / "results" / f"{dt.date.today()}-validation{suffix}.json"
        out.parent.mkdir(exist_ok=True)
        env["host"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        doc = {**env, "table": rows, "targets": tg,
               "parts": {k: {**v["extra"], "results": [e.to_json() for e in v["entries"]]} for k, v in parts.items()}}
        out.write_text(json.dumps(doc, indent=1) + "\n")
        print("wrote", out.relative_to(REPO))
    failed = [e.label for v in parts.values() for e in v["entries"] if e.status in ("failed", "timeout")]
    if failed:
        log("failed: " + ", ".join(failed))
        return 1
    return 0


def render_indices(rows: list[dict], markdown: bool) -> str:
    head = ["input", "assay S1", "SALib S1", "abs ΔS1", "assay ST", "SALib ST", "abs ΔST", "assay S1_conf",
            "SALib S1_conf"]
    body = [[r["input"], f"{r['assay_s1']:.5f}", f"{r['salib_s1']:.5f}", f"{abs(r['assay_s1'] - r['salib_s1']):.2e}",
             f"{r['assay_st']:.5f}", f"{r['salib_st']:.5f}", f"{abs(r['assay_st'] - r['salib_st']):.2e}",
             f"{r['assay_s1_conf']:.5f}", f"{r['salib_s1_conf']:.5f}"] for r in rows]
    if markdown:
        return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                         + ["| " + " | ".join(r) + " |" for r in body])
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(head)]
    return "\n".join(["  ".join(h.ljust(w) for h, w in zip(head, widths))]
                     + ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in body])


if __name__ == "__main__":
    sys.exit(main())
