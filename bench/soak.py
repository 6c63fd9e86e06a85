#!/usr/bin/env python3
"""Soak test of `assay serve`: bounded time, mixed traffic, memory, errors and windows.

Starts a real `assay serve` on a free loopback port with a fresh data directory (as
bench/serve_bench.py does), creates three monitors and sends them mixed traffic for --minutes:

  * soak-rows      row-count windows (--window-rows, default 20,000 rows) with an event id
                   (`event_id`) and a delayed target (`target`); checks integrity.null_share,
                   drift.auto and model.accuracy (prediction `prediction`, positive class `pos`).
                   Fed Arrow IPC, JSON Lines and CSV row batches without the target, and later
                   label batches (POST .../labels, JSON Lines `{"event_id": …, "target": …}`, one
                   in four as CSV) for ids acknowledged at least --label-delay seconds earlier
                   (--label-share of them; the rest never get a label). labels.wait is
                   --label-wait (30s): every label post marks every window closed that recently
                   for another evaluation;
  * soak-time      time windows (`every: 10s`, `grace: 2s`) of CSV row batches whose event times
                   (`ts`, ms, roles.timestamp) are within 1.5 s before now, 1% of rows 3-20 s
                   late (they mark evaluated windows for another evaluation); checks
                   integrity.null_share and drift.auto;
  * soak-profiles  time windows (`every: 10s`, `grace: 2s`) fed only pushed profiles
                   (POST .../profiles?time=NOW_MS), made beforehand with `assay profile` from
                   generated CSV chunks (a pool of --profile-pool, reused); same checks.

Traffic, for the whole duration: --clients writer threads each pick, per request, one of
rows-arrow / rows-json / rows-csv (soak-rows), rows-csv (soak-time), profile (soak-profiles),
weighted 3/2/1/2/1, with 1,000-10,000 rows (--min-rows/--max-rows) per batch, as fast as the
service answers or paced to --rate rows/s, and post the due labels every --label-interval
seconds. Every row and profile request carries an
`Idempotency-Key`; --replay-share of acknowledged row requests are sent again with the same key
and must be answered `replayed: true` (nothing stored twice). --readers reader threads cycle
through GET .../windows, .../series, .../heatmap, .../alerts, .../windows/latest/report of every
monitor, /metrics and /readyz, pausing --read-interval seconds between requests.

Every answer is counted by endpoint and status. 429 is expected: the client sleeps for
Retry-After and sends the same request again (a request still refused when the traffic ends is
counted as `abandoned`, not as an error). 404 from .../windows/latest/report is expected while a
monitor has no evaluated window (counted as `expected`). Anything else that is not 2xx, a dropped
connection or timeout, or a 2xx with a wrong answer (`accepted` not the rows sent, a replay not
marked `replayed`) is an error.

Memory: VmRSS, RssAnon and RssFile of the server every second (/proc/PID/status); at the end the
least-squares slope of VmRSS over time (MiB per minute) over the second half of the traffic and
over all of it, min/max/last, and the peak VmHWM. Also sampled: threads and open file
descriptors, and from /metrics the mean window evaluation time per monitor (to see evaluation
slowing down as the database grows).

After the traffic: POST .../close for every monitor, then GET .../windows?limit=10000 every
second until every window of every monitor is `evaluated` and the total number of evaluations has
not changed for 3 s, or twice the slowest mean evaluation if longer (re-evaluations queued by
late rows and labels are done: a window marked for another evaluation still shows `evaluated`),
at most --drain-timeout seconds. Then the stored row counts are compared with the acknowledged
ones.

Pass (exit 0) when all of these hold, else exit 1 with the reasons printed:
  * no error answers (see above) and the server stayed up (background tasks up, no evaluation
    faults in /metrics);
  * every window of every monitor evaluated within --drain-timeout, none with status `error`,
    and every monitor got at least one window;
  * stored rows (profile rows for soak-profiles) equal the acknowledged ones;
  * |VmRSS slope over the second half of the traffic| < --max-slope MiB/min (default 2).
    Why 2: at the default load (~10-20 requests/s, a window closed every few seconds) a leak of
    ~2 KiB per request or ~50 KiB per window exceeds it, while allocator noise (arenas growing
    and shrinking by a few MiB) fitted over ~300 one-second samples stays well below 1 MiB/min.
    Over the 5 minutes of the second half it allows at most 10 MiB of growth, under 1% of the
    server's ~1.2 GiB peak in bench/serve_bench.py. Warm-up (SQLite caches, allocator arenas,
    the first windows) is in the first half, which is reported but not judged. In runs shorter
    than 4 minutes the slope is reported but not judged (a second half under 2 minutes is
    mostly warm-up and noise: a 1-minute trial saw -37 to +84 MiB/min).
Exit 2 for setup errors (missing binary, CLI or HTTP errors creating the token, profiles or
monitors), 130 on Ctrl-C / SIGTERM. The results JSON (machine, arguments, binary, counts,
slopes, windows, downsampled RSS samples) is written whenever the traffic phase ran, pass or
fail, to bench/results/<date>-soak.json (--out to change).

How to run (from the repository root):

    python3 -m venv bench/.venv-serve && bench/.venv-serve/bin/pip install -r bench/requirements-serve.txt
    cargo build --profile bench-release -p assay-cli
    bench/.venv-serve/bin/python bench/soak.py                      # 10 minutes, release binary

    # a short trial with the debug binary (slow: small batches, paced, short label wait)
    bench/.venv-serve/bin/python bench/soak.py --assay target/debug/assay --minutes 1 \\
        --min-rows 200 --max-rows 1000 --rate 3000 --label-wait 10s --label-delay 3 \\
        --out /tmp/soak-trial.json

The server is always stopped at the end, also on errors and Ctrl-C (and killed by the kernel if
this script dies, through PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_bench import (  # noqa: E402  (the same process handling as the throughput benchmark)
    BenchError,
    Server,
    ServerDied,
    arrow_body,
    fresh_service_dir,
    machine_info,
    run_cli,
    session,
)

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

ARROW_CT = "application/vnd.apache.arrow.stream"
JSON_CT = "application/x-ndjson"
CSV_CT = "text/csv"

M_ROWS = "soak-rows"
M_TIME = "soak-time"
M_PROFILES = "soak-profiles"
MONITORS = (M_ROWS, M_TIME, M_PROFILES)

REFERENCE_ROWS = 50_000
TIME_WINDOW = "10s"
TIME_GRACE = "2s"
# Event-time lag of soak-time rows: most within 1.5 s before now (inside the grace), LATE_SHARE
# 3-20 s late (they arrive for evaluated windows, which are evaluated again).
LAG_MS = 1_500
LATE_MIN_MS = 3_000
LATE_SHARE = 0.01
LATE_MAX_MS = 20_000
# Writer actions and weights.
ACTIONS = (("rows-arrow", 3), ("rows-json", 2), ("rows-csv", 1), ("time-csv", 2), ("profile", 1))
# Most labels in one POST .../labels.
MAX_LABELS_PER_POST = 20_000
# The total of evaluations must stay unchanged this long (or twice the slowest mean evaluation)
# before the drain is done.
SETTLE_S = 3.0
# The RSS slope is judged only when the traffic ran this long (second half >= 2 minutes).
MIN_JUDGED_SLOPE_S = 240.0
# Samples of RSS kept in the results file (downsampled evenly).
MAX_SAVED_SAMPLES = 400

SUITE_ROWS = """\
roles:
  id: event_id
  target: target
  prediction: prediction
evaluation:
  positive_class: pos
checks:
  - check: integrity.null_share
    condition: "<= reference * 1.5 + 0.01"
  - check: drift.auto
  - check: model.accuracy
    condition: ">= 0.7"
"""

SUITE_TIME = """\
roles:
  timestamp: ts
checks:
  - check: integrity.null_share
    condition: "<= reference * 1.5 + 0.01"
  - check: drift.auto
"""

SUITE_FEATURES = """\
checks:
  - check: integrity.null_share
    condition: "<= reference * 1.5 + 0.01"
  - check: drift.auto
"""


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


class SoakData:
    """Feature rows from one numpy Generator: f0..f5 (float64, f2 with 2% nulls), c0..c2
    (strings, 4 / 10 / 30 levels, Zipf-like), prediction and target (`pos` / `neg`; the target
    agrees with the prediction 85% of the time)."""

    N_FLOAT = 6
    CAT_LEVELS = (4, 10, 30)
    NULL_COLUMN = 2
    NULL_SHARE = 0.02
    FEATURES = [f"f{i}" for i in range(N_FLOAT)] + [f"c{i}" for i in range(len(CAT_LEVELS))]

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.means = np.linspace(-5.0, 40.0, self.N_FLOAT)
        self.sds = np.linspace(0.5, 6.0, self.N_FLOAT)
        self.levels = [np.array([f"c{c}_level{j:02d}" for j in range(k)])
                       for c, k in enumerate(self.CAT_LEVELS)]
        self.probs = []
        for k in self.CAT_LEVELS:
            w = 1.0 / np.arange(1, k + 1)
            self.probs.append(w / w.sum())

    def table(self, n: int, model: bool) -> pa.Table:
        rng = self.rng
        f = rng.standard_normal((self.N_FLOAT, n)) * self.sds[:, None] + self.means[:, None]
        # 4 decimals, as measured data usually has. With 17 significant digits some values come
        # back 1 ulp off from the JSON of a profile (its min/max then differ from its sketch's
        # and the service refuses the profile: "the sketch's range … differs from min/max").
        f = np.round(f, 4)
        cats = [lv[rng.choice(len(lv), size=n, p=p)] for lv, p in zip(self.levels, self.probs)]
        cols: dict[str, pa.Array] = {}
        for i in range(self.N_FLOAT):
            mask = rng.random(n) < self.NULL_SHARE if i == self.NULL_COLUMN else None
            cols[f"f{i}"] = pa.array(f[i], pa.float64(), mask=mask)
        for i, c in enumerate(cats):
            cols[f"c{i}"] = pa.array(c, pa.string())
        if model:
            z = (f[0] - self.means[0]) / self.sds[0] - 0.7 * (f[3] - self.means[3]) / self.sds[3]
            positive = 0.8 * z + 0.6 * (cats[0] == self.levels[0][0]) + rng.normal(0, 0.8, n) > 0.3
            flip = rng.random(n) < 0.15
            cols["prediction"] = pa.array(np.where(positive, "pos", "neg"), pa.string())
            cols["target"] = pa.array(np.where(positive ^ flip, "pos", "neg"), pa.string())
        return pa.table(cols)


def csv_body(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pacsv.write_csv(table, buf)
    return buf.getvalue()


class RowPool:
    """Pre-generated soak-rows tables (prediction and truth) with their rows pre-rendered as the
    tail of a JSON object, so a request only has to add fresh ids."""

    def __init__(self, tables: list[pa.Table]) -> None:
        self.tables = tables
        self.features = [t.drop_columns(["target"]) for t in tables]
        self.truth = [t.column("target").to_pylist() for t in tables]
        self.json_tails = []
        for t in self.features:
            tails = []
            for row in t.to_pylist():
                text = json.dumps(row, separators=(",", ":"))
                tails.append(text[1:])  # without the opening brace
            self.json_tails.append(tails)


# --------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------


class Stats:
    """Answers by endpoint and status, latencies, errors; shared by every thread."""

    MAX_PRINTED_ERRORS = 10
    MAX_KEPT_ERRORS = 50

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.lock = threading.Lock()
        self.by_endpoint: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.latency_s: dict[str, list[float]] = collections.defaultdict(list)
        self.errors = 0
        self.error_samples: list[dict] = []
        self.t429: list[float] = []
        self.acked_rows: collections.Counter = collections.Counter()  # monitor -> rows
        self.acked_labels = 0
        self.replays = 0
        self.label_posts = 0

    def answer(self, endpoint: str, status: int | str, latency: float | None = None) -> None:
        with self.lock:
            self.by_endpoint[endpoint][str(status)] += 1
            if latency is not None and isinstance(status, int) and 200 <= status < 300:
                self.latency_s[endpoint].append(latency)
            if status == 429:
                self.t429.append(time.monotonic() - self.t0)

    def mark(self, endpoint: str, what: str) -> None:
        with self.lock:
            self.by_endpoint[endpoint][what] += 1

    def error(self, endpoint: str, kind: str, text: str) -> None:
        with self.lock:
            self.errors += 1
            self.by_endpoint[endpoint]["error:" + kind] += 1
            entry = {"t_s": round(time.monotonic() - self.t0, 1), "endpoint": endpoint,
                     "kind": kind, "text": text[:500]}
            if len(self.error_samples) < self.MAX_KEPT_ERRORS:
                self.error_samples.append(entry)
            if self.errors <= self.MAX_PRINTED_ERRORS:
                print(f"  error [{endpoint}] {kind}: {text[:300]}", file=sys.stderr, flush=True)

    def table(self) -> list[dict]:
        out = []
        with self.lock:
            for ep in sorted(self.by_endpoint):
                c = self.by_endpoint[ep]
                ok = sum(v for k, v in c.items() if k.isdigit() and 200 <= int(k) < 300)
                lat = np.asarray(self.latency_s.get(ep, [])) * 1000
                out.append({
                    "endpoint": ep,
                    "ok": ok,
                    "status_429": c.get("429", 0),
                    "expected": c.get("expected", 0),
                    "abandoned": c.get("abandoned", 0),
                    "errors": sum(v for k, v in c.items() if k.startswith("error:")),
                    "statuses": dict(sorted(c.items())),
                    "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat.size else None,
                    "p99_ms": round(float(np.percentile(lat, 99)), 1) if lat.size else None,
                })
        return out


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


class Client:
    """One thread's HTTP session: counts every answer, retries 429 after Retry-After."""

    CONNECT_RETRIES = 2

    def __init__(self, base: str, token: str, stats: Stats, server: Server,
                 traffic_end: threading.Event) -> None:
        self.base = base
        self.s = session(token)
        self.stats = stats
        self.server = server
        self.traffic_end = traffic_end

    def close(self) -> None:
        self.s.close()

    def call(self, method: str, path: str, endpoint: str, *, data: bytes | None = None,
             ctype: str | None = None, key: str | None = None, params: dict | None = None,
             timeout: float = 120.0, expected_404: str | None = None,
             retry_after_end: bool = False) -> requests.Response | None:
        """Sends until a final answer. Returns the 2xx response, or None (counted already) for
        an error, an expected 404 or a request abandoned at the end of the traffic."""
        headers = {}
        if ctype:
            headers["Content-Type"] = ctype
        if key:
            headers["Idempotency-Key"] = key
        connect_failures = 0
        while True:
            t0 = time.perf_counter()
            try:
                r = self.s.request(method, self.base + path, data=data, headers=headers,
                                   params=params, timeout=(5, timeout))
            except requests.RequestException as e:
                # A dropped connection is most often a server that just died: give it time.
                self.server.check_alive(grace=0.5)
                self.stats.error(endpoint, "connection", f"{type(e).__name__}: {e}")
                connect_failures += 1
                if connect_failures > self.CONNECT_RETRIES:
                    return None
                # The same request again (same idempotency key): nothing is stored twice.
                time.sleep(0.5)
                continue
            latency = time.perf_counter() - t0
            self.stats.answer(endpoint, r.status_code, latency)
            if 200 <= r.status_code < 300:
                # After a failed attempt the first one may have been stored: a replay is right.
                r.retried = connect_failures > 0
                return r
            if r.status_code == 429:
                try:
                    wait = float(r.headers.get("Retry-After", "1"))
                except ValueError:
                    wait = 1.0
                wait = min(max(wait, 0.05), 30.0)
                if retry_after_end:
                    time.sleep(wait)
                    continue
                # Wakes up early when the traffic ends: then the request is abandoned.
                if self.traffic_end.is_set() or self.traffic_end.wait(wait):
                    self.stats.mark(endpoint, "abandoned")
                    return None
                continue
            if r.status_code == 404 and expected_404 and expected_404 in r.text:
                self.stats.mark(endpoint, "expected")
                return None
            self.stats.error(endpoint, f"HTTP {r.status_code}", r.text[:500])
            return None

    def json_of(self, r: requests.Response, endpoint: str):
        try:
            return r.json()
        except ValueError:
            self.stats.error(endpoint, "bad answer", f"not JSON: {r.text[:300]!r}")
            return None


def create_monitor(base: str, token: str, spec: dict) -> None:
    try:
        with session(token) as s:
            r = s.post(f"{base}/api/v1/monitors", json=spec, timeout=120)
    except requests.RequestException as e:
        raise BenchError(f"POST /api/v1/monitors ({spec['name']}) failed: {e}") from e
    if r.status_code != 201:
        raise BenchError(f"POST /api/v1/monitors ({spec['name']}) answered HTTP {r.status_code}:\n"
                         f"{r.text[:4000]}")


# --------------------------------------------------------------------------------------------
# Memory sampling
# --------------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"):
                    out[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return out


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


class Sampler:
    """Every `interval` s: VmRSS, RssAnon, RssFile (KiB), threads and open fds of the server."""

    def __init__(self, server: Server, t0: float, interval: float = 1.0) -> None:
        self.server = server
        self.t0 = t0
        self.interval = interval
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        st = proc_status(self.server.pid)
        if "VmRSS" in st:
            self.samples.append({
                "t_s": round(time.monotonic() - self.t0, 2),
                "rss_kib": st["VmRSS"],
                "anon_kib": st.get("RssAnon"),
                "file_kib": st.get("RssFile"),
                "threads": st.get("Threads"),
                "fds": open_fds(self.server.pid),
            })

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def slope_mib_per_min(samples: list[dict], key: str = "rss_kib") -> float | None:
    pts = [(s["t_s"], s[key]) for s in samples if s.get(key) is not None]
    if len(pts) < 5:
        return None
    t = np.array([p[0] for p in pts]) / 60.0
    y = np.array([p[1] for p in pts]) / 1024.0
    if np.ptp(t) <= 0:
        return None
    return float(np.polyfit(t, y, 1)[0])


def downsample(samples: list[dict], n: int) -> list[dict]:
    if len(samples) <= n:
        return samples
    idx = np.unique(np.linspace(0, len(samples) - 1, n).round().astype(int))
    return [samples[i] for i in idx]


# --------------------------------------------------------------------------------------------
# Metrics (/metrics)
# --------------------------------------------------------------------------------------------

METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([^\s]+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> list[tuple[str, dict, float]]:
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        if not m:
            continue
        try:
            value = float(m.group(3))
        except ValueError:
            continue
        labels = dict(LABEL.findall(m.group(2) or ""))
        out.append((m.group(1), labels, value))
    return out


def metric_sum(metrics: list[tuple[str, dict, float]], name: str, **match) -> float:
    return sum(v for n, lab, v in metrics
               if n == name and all(lab.get(k) == val for k, val in match.items()))


# --------------------------------------------------------------------------------------------
# Traffic
# --------------------------------------------------------------------------------------------


class LabelQueue:
    """Acknowledged soak-rows id ranges waiting for their labels."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: collections.deque = collections.deque()  # (ack_monotonic, ids, truth)
        self.last_post = 0.0

    def add(self, ack: float, ids: list[str], truth: list[str]) -> None:
        with self.lock:
            self.pending.append((ack, ids, truth))

    def take_due(self, now: float, delay: float, interval: float) -> list[tuple[list, list]] | None:
        """The ranges acknowledged at least `delay` s ago, at most every `interval` s."""
        with self.lock:
            if now - self.last_post < interval or not self.pending or now - self.pending[0][0] < delay:
                return None
            self.last_post = now
            out, n = [], 0
            while self.pending and now - self.pending[0][0] >= delay and n < MAX_LABELS_PER_POST:
                _, ids, truth = self.pending.popleft()
                out.append((ids, truth))
                n += len(ids)
            return out


class Traffic:
    """Shared state of the writer and reader threads."""

    def __init__(self, args, server: Server, token: str, stats: Stats, pool: RowPool,
                 time_pool: list[pa.Table], profiles: list[tuple[bytes, int]]) -> None:
        self.args = args
        self.server = server
        self.token = token
        self.stats = stats
        self.pool = pool
        self.time_pool = time_pool
        self.profiles = profiles
        self.labels = LabelQueue()
        self.traffic_end = threading.Event()
        self.failures: list[BaseException] = []
        self.run_tag = uuid.uuid4().hex[:8]
        self.metrics_samples: list[dict] = []
        self.metrics_lock = threading.Lock()
        self.any_evaluated: set[str] = set()

    # ---- writers

    def writer(self, k: int) -> None:
        rng = random.Random(self.args.seed * 1000 + k)
        c = Client(self.server.base, self.token, self.stats, self.server, self.traffic_end)
        names = [a for a, _ in ACTIONS]
        weights = [w for _, w in ACTIONS]
        seq = 0  # ids and idempotency keys of this writer
        # --rate: this writer's share, as a schedule of rows sent (0: no pacing).
        per_writer = self.args.rate / self.args.clients if self.args.rate > 0 else 0.0
        started, scheduled_rows = time.monotonic(), 0
        try:
            while not self.traffic_end.is_set():
                now = time.monotonic()
                due = self.labels.take_due(now, self.args.label_delay, self.args.label_interval)
                if due:
                    self.post_labels(c, rng, due)
                    continue
                action = rng.choices(names, weights)[0]
                n = rng.randint(self.args.min_rows, self.args.max_rows)
                seq += 1
                key = f"soak-{self.run_tag}-w{k}-{seq}"
                if action.startswith("rows-"):
                    self.post_model_rows(c, rng, k, seq, key, action[5:], n)
                elif action == "time-csv":
                    self.post_time_rows(c, rng, key, n)
                else:
                    self.post_profile(c, rng, key)
                    n = 0  # pushed profiles do not count against --rate
                if per_writer > 0:
                    scheduled_rows += n
                    delay = started + scheduled_rows / per_writer - time.monotonic()
                    if delay > 0:
                        self.traffic_end.wait(delay)
                    elif delay < -2.0:
                        started -= delay + 2.0  # behind (429s, slow answers): no burst beyond 2 s
        except BaseException as e:  # ServerDied, or anything unexpected: stop everything
            self.failures.append(e)
            self.traffic_end.set()
        finally:
            c.close()

    def post_model_rows(self, c: Client, rng: random.Random, k: int, seq: int, key: str,
                        fmt: str, n: int) -> None:
        p = rng.randrange(len(self.pool.tables))
        size = self.pool.tables[p].num_rows
        n = min(n, size)
        off = rng.randrange(size - n + 1)
        ids = [f"w{k}-{seq}-{i}" for i in range(n)]
        if fmt == "arrow":
            t = self.pool.features[p].slice(off, n)
            body = arrow_body(t.add_column(0, "event_id", pa.array(ids, pa.string())))
            ctype = ARROW_CT
        elif fmt == "json":
            tails = self.pool.json_tails[p][off:off + n]
            body = "".join(f'{{"event_id":"{i}",{t}\n' for i, t in zip(ids, tails)).encode()
            ctype = JSON_CT
        else:
            t = self.pool.features[p].slice(off, n)
            body = csv_body(t.add_column(0, "event_id", pa.array(ids, pa.string())))
            ctype = CSV_CT
        endpoint = f"POST {M_ROWS}/rows ({fmt})"
        path = f"/api/v1/monitors/{M_ROWS}/rows"
        r = c.call("POST", path, endpoint, data=body, ctype=ctype, key=key)
        if r is None:
            return
        ack = c.json_of(r, endpoint)
        if ack is None:
            return
        if ack.get("accepted") != n or (ack.get("replayed") and not r.retried):
            self.stats.error(endpoint, "bad answer", f"sent {n} rows, answer {json.dumps(ack)[:300]}")
            return
        with self.stats.lock:
            self.stats.acked_rows[M_ROWS] += n
        truth = self.pool.truth[p][off:off + n]
        self.labels.add(time.monotonic(), ids, truth)
        if rng.random() < self.args.replay_share:
            ep = f"POST {M_ROWS}/rows (replay)"
            r = c.call("POST", path, ep, data=body, ctype=ctype, key=key)
            if r is None:
                return
            again = c.json_of(r, ep)
            if again is None:
                return
            if not again.get("replayed") or again.get("accepted") != n:
                self.stats.error(ep, "bad answer",
                                 f"the same Idempotency-Key again was not a replay: {json.dumps(again)[:300]}")
            else:
                with self.stats.lock:
                    self.stats.replays += 1

    def post_time_rows(self, c: Client, rng: random.Random, key: str, n: int) -> None:
        p = rng.randrange(len(self.time_pool))
        size = self.time_pool[p].num_rows
        n = min(n, size)
        off = rng.randrange(size - n + 1)
        nrng = np.random.default_rng(rng.getrandbits(32))
        lag = nrng.integers(0, LAG_MS, n)
        late = nrng.random(n) < LATE_SHARE
        lag[late] = nrng.integers(LATE_MIN_MS, LATE_MAX_MS, int(late.sum()))
        ts = int(time.time() * 1000) - lag
        t = self.time_pool[p].slice(off, n).add_column(0, "ts", pa.array(ts, pa.int64()))
        endpoint = f"POST {M_TIME}/rows (csv)"
        r = c.call("POST", f"/api/v1/monitors/{M_TIME}/rows", endpoint, data=csv_body(t),
                   ctype=CSV_CT, key=key)
        if r is None:
            return
        ack = c.json_of(r, endpoint)
        if ack is None:
            return
        if ack.get("accepted") != n or (ack.get("replayed") and not r.retried):
            self.stats.error(endpoint, "bad answer", f"sent {n} rows, answer {json.dumps(ack)[:300]}")
            return
        with self.stats.lock:
            self.stats.acked_rows[M_TIME] += n

    def post_profile(self, c: Client, rng: random.Random, key: str) -> None:
        body, rows = self.profiles[rng.randrange(len(self.profiles))]
        when = int(time.time() * 1000) - rng.randrange(0, 1500)
        endpoint = f"POST {M_PROFILES}/profiles"
        r = c.call("POST", f"/api/v1/monitors/{M_PROFILES}/profiles", endpoint, data=body,
                   ctype="application/json", key=key, params={"time": str(when)})
        if r is None:
            return
        ack = c.json_of(r, endpoint)
        if ack is None:
            return
        if ack.get("accepted") != rows or (ack.get("replayed") and not r.retried):
            self.stats.error(endpoint, "bad answer",
                             f"pushed a profile of {rows} rows, answer {json.dumps(ack)[:300]}")
            return
        with self.stats.lock:
            self.stats.acked_rows[M_PROFILES] += rows

    def post_labels(self, c: Client, rng: random.Random, due: list[tuple[list, list]]) -> None:
        ids, truth = [], []
        for r_ids, r_truth in due:
            for i, t in zip(r_ids, r_truth):
                if rng.random() < self.args.label_share:
                    ids.append(i)
                    truth.append(t)
        if not ids:
            return
        as_csv = rng.random() < 0.25
        if as_csv:
            body = ("event_id,target\n" + "".join(f"{i},{t}\n" for i, t in zip(ids, truth))).encode()
            ctype, fmt = CSV_CT, "csv"
        else:
            body = "".join(f'{{"event_id":"{i}","target":"{t}"}}\n' for i, t in zip(ids, truth)).encode()
            ctype, fmt = JSON_CT, "json"
        endpoint = f"POST {M_ROWS}/labels ({fmt})"
        # Labels carry no idempotency key (the API takes none); sending them again is harmless.
        r = c.call("POST", f"/api/v1/monitors/{M_ROWS}/labels", endpoint, data=body, ctype=ctype)
        if r is None:
            return
        ack = c.json_of(r, endpoint)
        if ack is None:
            return
        if ack.get("accepted") != len(ids):
            self.stats.error(endpoint, "bad answer", f"sent {len(ids)} labels, answer {json.dumps(ack)[:300]}")
            return
        with self.stats.lock:
            self.stats.acked_labels += len(ids)
            self.stats.label_posts += 1

    # ---- readers

    def reads(self) -> list[tuple[str, str, dict | None, str | None]]:
        out: list[tuple[str, str, dict | None, str | None]] = [
            ("GET /readyz", "/readyz", None, None),
            ("GET /metrics", "/metrics", None, None),
        ]
        for m in MONITORS:
            base = f"/api/v1/monitors/{m}"
            out += [
                (f"GET {m}/windows", base + "/windows", None, None),
                (f"GET {m}/series", base + "/series", None, None),
                (f"GET {m}/heatmap", base + "/heatmap", None, None),
                (f"GET {m}/alerts", base + "/alerts", None, None),
                (f"GET {m}/windows/latest/report", base + "/windows/latest/report", None,
                 "no evaluated window yet"),
            ]
        return out

    def reader(self, k: int) -> None:
        c = Client(self.server.base, self.token, self.stats, self.server, self.traffic_end)
        reads = self.reads()
        i = k * 5  # readers start at different places
        try:
            while not self.traffic_end.is_set():
                endpoint, path, params, ok404 = reads[i % len(reads)]
                i += 1
                r = c.call("GET", path, endpoint, params=params, timeout=60, expected_404=ok404)
                if r is not None and path == "/metrics":
                    self.record_metrics(r.text)
                if r is not None and path == "/readyz" and r.text.strip() != "ready":
                    self.stats.error(endpoint, "bad answer", f"200 but {r.text[:200]!r}")
                self.traffic_end.wait(self.args.read_interval)
        except BaseException as e:
            self.failures.append(e)
            self.traffic_end.set()
        finally:
            c.close()

    def record_metrics(self, text: str) -> None:
        metrics = parse_metrics(text)
        sample = {"t_s": round(time.monotonic() - self.stats.t0, 1)}
        for m in MONITORS:
            sample[m] = {
                "eval_count": metric_sum(metrics, "assay_window_evaluation_seconds_count", monitor=m),
                "eval_sum_s": metric_sum(metrics, "assay_window_evaluation_seconds_sum", monitor=m),
                "close_to_result_count": metric_sum(
                    metrics, "assay_window_close_to_result_seconds_count", monitor=m),
                "close_to_result_sum_s": metric_sum(
                    metrics, "assay_window_close_to_result_seconds_sum", monitor=m),
            }
        with self.metrics_lock:
            self.metrics_samples.append(sample)


def eval_trend(samples: list[dict], t_mid: float) -> dict:
    """Mean evaluation seconds (and close-to-result seconds) per monitor in the first and second
    half of the traffic, from the /metrics histograms' sums and counts."""
    out = {}
    if not samples:
        return out
    first, last = samples[0], samples[-1]
    mid = min(samples, key=lambda s: abs(s["t_s"] - t_mid))
    for m in MONITORS:
        row = {}
        for what in ("eval", "close_to_result"):
            def mean(a, b):
                n = b[m][f"{what}_count"] - a[m][f"{what}_count"]
                s = b[m][f"{what}_sum_s"] - a[m][f"{what}_sum_s"]
                return (round(s / n, 3) if n > 0 else None), int(n)
            row[f"{what}_first_half_mean_s"], row[f"{what}_first_half_n"] = mean(first, mid)
            row[f"{what}_second_half_mean_s"], row[f"{what}_second_half_n"] = mean(mid, last)
        out[m] = row
    return out


# --------------------------------------------------------------------------------------------
# Drain: close and wait for every window
# --------------------------------------------------------------------------------------------


def list_windows(s: requests.Session, base: str, monitor: str) -> list[dict]:
    r = s.get(f"{base}/api/v1/monitors/{monitor}/windows", params={"limit": 10000}, timeout=60)
    if r.status_code != 200:
        raise BenchError(f"GET …/{monitor}/windows answered HTTP {r.status_code}: {r.text[:500]}")
    data = r.json()
    if not isinstance(data, list):
        raise BenchError(f"GET …/{monitor}/windows: expected a JSON array, got {r.text[:300]}")
    return data


def drain(server: Server, token: str, stats: Stats, timeout: float, settle_s: float) -> dict:
    """POST …/close for every monitor, then waits until every window is evaluated and the number
    of evaluations has not changed for `settle_s` (a window marked for another evaluation still
    shows `evaluated`; the API does not show the mark)."""
    never = threading.Event()
    c = Client(server.base, token, stats, server, never)
    closed = {}
    for m in MONITORS:
        r = c.call("POST", f"/api/v1/monitors/{m}/close", f"POST {m}/close", timeout=60,
                   retry_after_end=True)
        closed[m] = (c.json_of(r, f"POST {m}/close") or {}).get("closed") if r is not None else None
    c.close()
    start = time.monotonic()
    last_total, stable_since = None, None
    windows: dict[str, list] = {}
    polls = 0
    settled = False
    with session(token) as s:
        while True:
            server.check_alive()
            try:
                windows = {m: list_windows(s, server.base, m) for m in MONITORS}
            except requests.RequestException as e:
                server.check_alive(grace=0.5)
                stats.error("GET */windows (drain)", "connection", f"{type(e).__name__}: {e}")
                time.sleep(1)
                continue
            polls += 1
            all_evaluated = all(w.get("state") == "evaluated" for ws in windows.values() for w in ws)
            total = sum(int(w.get("evaluations") or 0) for ws in windows.values() for w in ws)
            now = time.monotonic()
            if total != last_total:
                last_total, stable_since = total, now
            if all_evaluated and now - stable_since >= settle_s:
                settled = True
                break
            if now - start > timeout:
                break
            time.sleep(1.0)
    elapsed = time.monotonic() - start
    per_monitor = {}
    for m, ws in windows.items():
        states = collections.Counter(str(w.get("state")) for w in ws)
        statuses = collections.Counter(str(w.get("status")) for w in ws)
        per_monitor[m] = {
            "windows": len(ws),
            "states": dict(states),
            "statuses": dict(statuses),
            "evaluations": sum(int(w.get("evaluations") or 0) for w in ws),
            "max_evaluations_of_one_window": max((int(w.get("evaluations") or 0) for w in ws), default=0),
            "rows": sum(int(w.get("rows") or 0) for w in ws),
            "profile_rows": sum(int(w.get("profile_rows") or 0) for w in ws),
            "closed_by_close": closed.get(m),
            "not_evaluated": [w.get("key") for w in ws if w.get("state") != "evaluated"][:20],
            "error_windows": [w.get("key") for w in ws if w.get("status") == "error"][:20],
            "listing_truncated": len(ws) >= 10000,
        }
    return {"settled": settled, "seconds": round(elapsed, 1), "polls": polls,
            "settle_s": round(settle_s, 1), "monitors": per_monitor}


def error_reports(server: Server, token: str, drained: dict) -> dict:
    out = {}
    with session(token) as s:
        for m, info in drained["monitors"].items():
            for key in info["error_windows"][:3]:
                try:
                    r = s.get(f"{server.base}/api/v1/monitors/{m}/windows/{key}/report", timeout=30)
                    out[f"{m}/{key}"] = r.text[:1000]
                except requests.RequestException as e:
                    out[f"{m}/{key}"] = f"{type(e).__name__}: {e}"
    return out


def final_metrics(server: Server, token: str) -> dict:
    with session(token) as s:
        r = s.get(f"{server.base}/metrics", timeout=30)
    if r.status_code != 200:
        return {"error": f"HTTP {r.status_code}"}
    ms = parse_metrics(r.text)
    tasks_down = [lab.get("task") for n, lab, v in ms if n == "assay_background_task_up" and v != 1]
    return {
        "window_evaluation_faults": metric_sum(ms, "assay_window_evaluation_faults_total"),
        "background_task_failures": metric_sum(ms, "assay_background_task_failures_total"),
        "background_tasks_down": tasks_down,
        "ingest_requests": {lab.get("outcome"): v for n, lab, v in ms if n == "assay_ingest_requests_total"},
        "window_evaluations": {f"{lab.get('monitor')}:{lab.get('status')}": v
                               for n, lab, v in ms if n == "assay_window_evaluations_total"},
        "alerts": metric_sum(ms, "assay_alerts_total"),
    }


def log_errors(server: Server, limit: int = 10) -> tuple[int, list[str]]:
    try:
        server.log.flush()
        lines = server.log_path.read_text(errors="replace").splitlines()
    except OSError:
        return 0, []
    bad = [ln for ln in lines if re.search(r"\b(ERROR|panicked)\b", ln)]
    return len(bad), bad[:limit]


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def print_summary(res: dict) -> None:
    rows = res["endpoints"]
    header = ["endpoint", "2xx", "429", "expected", "abandoned", "errors", "p50 ms", "p99 ms"]
    body = [[r["endpoint"], r["ok"], r["status_429"], r["expected"], r["abandoned"], r["errors"],
             "-" if r["p50_ms"] is None else f"{r['p50_ms']:.1f}",
             "-" if r["p99_ms"] is None else f"{r['p99_ms']:.1f}"] for r in rows]
    tot = ["total", sum(r["ok"] for r in rows), sum(r["status_429"] for r in rows),
           sum(r["expected"] for r in rows), sum(r["abandoned"] for r in rows),
           sum(r["errors"] for r in rows), "", ""]
    widths = [max(len(str(x[i])) for x in [header] + body + [tot]) for i in range(len(header))]

    def line(r):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths)))

    print()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in body:
        print(line(r))
    print(line(["-" * w for w in widths]))
    print(line(tot))

    t = res["traffic"]
    print(f"\ntraffic: {t['seconds']:.0f} s; rows acknowledged: {M_ROWS} {t['acked_rows'][M_ROWS]:,}, "
          f"{M_TIME} {t['acked_rows'][M_TIME]:,}; profile rows {t['acked_rows'][M_PROFILES]:,}; "
          f"labels {t['acked_labels']:,} in {t['label_posts']} posts; replays {t['replays']}; "
          f"429s {t['status_429']} (first half {t['status_429_first_half']}, second half "
          f"{t['status_429_second_half']})")
    m = res["memory"]

    def f(x, unit=""):
        return "-" if x is None else f"{x:+.2f}{unit}" if unit == " MiB/min" else f"{x:.1f}{unit}"

    print(f"RSS (MiB): start {f(m['rss_start_mib'])}, min {f(m['rss_min_mib'])}, max {f(m['rss_max_mib'])}, "
          f"last {f(m['rss_last_mib'])} (end of traffic), after drain {f(m['rss_after_drain_mib'])}; "
          f"peak VmHWM {f(m['vmhwm_peak_mib'])}")
    print(f"RSS slope: second half {f(m['slope_second_half_mib_per_min'], ' MiB/min')} "
          f"({'threshold |slope| < ' + format(m['max_slope_mib_per_min'], 'g') if m['slope_judged'] else 'NOT JUDGED: traffic under 4 min'}), overall "
          f"{f(m['slope_overall_mib_per_min'], ' MiB/min')}; RssAnon second half "
          f"{f(m['anon_slope_second_half_mib_per_min'], ' MiB/min')}, RssFile second half "
          f"{f(m['file_slope_second_half_mib_per_min'], ' MiB/min')}")
    print(f"threads {m['threads_start']} -> {m['threads_end']}, open fds {m['fds_start']} -> {m['fds_end']}")
    d = res["drain"]
    print(f"drain: {'settled' if d['settled'] else 'NOT settled'} in {d['seconds']:.1f} s")
    for name, info in d["monitors"].items():
        extra = f", {info['profile_rows']:,} profile rows" if info["profile_rows"] else ""
        print(f"  {name}: {info['windows']} windows, states {info['states']}, statuses "
              f"{info['statuses']}, {info['evaluations']} evaluations (max {info['max_evaluations_of_one_window']} "
              f"of one window), {info['rows']:,} rows{extra}")
    for name, row in res["evaluation_trend"].items():
        print(f"  {name}: mean evaluation {row['eval_first_half_mean_s']} s (first half, n={row['eval_first_half_n']}) "
              f"-> {row['eval_second_half_mean_s']} s (second half, n={row['eval_second_half_n']}); close to result "
              f"{row['close_to_result_first_half_mean_s']} -> {row['close_to_result_second_half_mean_s']} s")
    fm = res["final_metrics"]
    print(f"metrics: evaluation faults {fm.get('window_evaluation_faults')}, background task failures "
          f"{fm.get('background_task_failures')}, tasks down {fm.get('background_tasks_down')}, alerts "
          f"{fm.get('alerts')}; server log ERROR lines: {res['server_log_errors']['count']}")
    print()
    if res["pass"]:
        print("PASS")
    else:
        print("FAIL:")
        for reason in res["reasons"]:
            print(f"  - {reason}")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assay", default=str(REPO / "target/bench-release/assay"),
                    help="the assay binary (default: target/bench-release/assay in the repository)")
    ap.add_argument("--minutes", type=float, default=10.0, help="duration of the traffic")
    ap.add_argument("--clients", type=int, default=2, help="writer threads (rows, labels, profiles)")
    ap.add_argument("--readers", type=int, default=1, help="reader threads (GET endpoints)")
    ap.add_argument("--min-rows", type=int, default=1_000, help="fewest rows in one row batch")
    ap.add_argument("--max-rows", type=int, default=10_000, help="most rows in one row batch")
    ap.add_argument("--window-rows", type=int, default=20_000, help="rows per window of soak-rows")
    ap.add_argument("--label-delay", type=float, default=10.0,
                    help="seconds between acknowledging rows and sending their labels")
    ap.add_argument("--label-interval", type=float, default=5.0, help="seconds between label posts")
    ap.add_argument("--label-share", type=float, default=0.95, help="share of ids that get a label")
    ap.add_argument("--label-wait", default="30s",
                    help="soak-rows' labels.wait: labels re-evaluate windows closed this recently "
                         "(every label post marks all of them)")
    ap.add_argument("--replay-share", type=float, default=0.02,
                    help="share of acknowledged soak-rows requests sent again with the same key")
    ap.add_argument("--rate", type=float, default=0.0,
                    help="pace the writers to this many rows/s in all (row batches; labels and "
                         "profiles come on top); 0: as fast as the service answers")
    ap.add_argument("--read-interval", type=float, default=0.1,
                    help="pause of a reader between two requests, seconds")
    ap.add_argument("--profile-pool", type=int, default=8, help="distinct pushed profiles")
    ap.add_argument("--profile-rows", type=int, default=2_000, help="rows of each pushed profile")
    ap.add_argument("--pool", type=int, default=6, help="pre-generated tables per row monitor")
    ap.add_argument("--max-slope", type=float, default=2.0,
                    help="pass when |VmRSS slope over the second half| is below this, MiB/min")
    ap.add_argument("--drain-timeout", type=float, default=120.0,
                    help="seconds to wait, after the traffic, for every window to be evaluated")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=None,
                    help="results JSON (default: bench/results/<date>-soak.json in the repository)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (data, profiles, server log)")
    args = ap.parse_args(argv)
    for name in ("clients", "min_rows", "max_rows", "window_rows", "profile_pool", "profile_rows", "pool"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.readers < 0:
        ap.error("--readers must be >= 0")
    if args.min_rows > args.max_rows:
        ap.error("--min-rows must be <= --max-rows")
    if args.minutes <= 0:
        ap.error("--minutes must be > 0")
    if args.rate < 0:
        ap.error("--rate must be >= 0")
    for name in ("label_share", "replay_share"):
        if not 0 <= getattr(args, name) <= 1:
            ap.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    return args


def run(args: argparse.Namespace, state: dict) -> dict:
    assay = shutil.which(args.assay) if os.sep not in args.assay else args.assay
    if not assay or not Path(assay).is_file():
        raise BenchError(f"assay binary not found: {args.assay}\n"
                         "  build it: cargo build --profile bench-release -p assay-cli\n"
                         "  or pass another one: --assay target/debug/assay (slow; see --help)")
    assay = str(Path(assay).resolve())
    version = run_cli([assay, "--version"], "assay --version").stdout.strip()
    print(f"assay: {assay} ({version})", flush=True)

    tmp, data_dir, token = fresh_service_dir(assay, "assay-soak-", state)

    # Data: references, the profile pool, the row pools.
    t0 = time.perf_counter()
    gen = SoakData(args.seed)

    def profile_of(table: pa.Table, name: str) -> bytes:
        csv_path = tmp / f"{name}.csv"
        out = tmp / f"{name}.profile.json"
        pacsv.write_csv(table, csv_path)
        run_cli([assay, "profile", str(csv_path), "-o", str(out)], f"profiling {csv_path.name}")
        text = out.read_bytes()
        try:
            json.loads(text)
        except ValueError as e:
            raise BenchError(f"`assay profile` wrote an unreadable profile {out}: {e}") from e
        return text

    ref_model = json.loads(profile_of(gen.table(REFERENCE_ROWS, model=True), "reference-model"))
    ref_features = json.loads(profile_of(gen.table(REFERENCE_ROWS, model=False), "reference-features"))
    profiles = [(profile_of(gen.table(args.profile_rows, model=False), f"chunk{k}"), args.profile_rows)
                for k in range(args.profile_pool)]
    pool = RowPool([gen.table(args.max_rows, model=True) for _ in range(args.pool)])
    time_pool = [gen.table(args.max_rows, model=False) for _ in range(args.pool)]
    print(f"data: 2 references of {REFERENCE_ROWS:,} rows, {args.profile_pool} pushed profiles of "
          f"{args.profile_rows:,} rows, 2 x {args.pool} tables of {args.max_rows:,} rows; "
          f"{time.perf_counter() - t0:.1f} s", flush=True)

    server = Server(assay, data_dir, tmp / "server.log")
    state["server"] = server
    up = server.wait_healthy(60)
    print(f"server: pid {server.pid} on {server.base}, healthy after {up:.2f} s", flush=True)

    specs = [
        {"name": M_ROWS, "suite": SUITE_ROWS, "reference_profile": ref_model,
         "window": {"rows": args.window_rows}, "event_id_column": "event_id",
         "labels": {"wait": args.label_wait}},
        # roles.timestamp (not only timestamp_column): drift.auto leaves the role's column out;
        # with timestamp_column alone it compares `ts` as a feature and every window is `error`
        # ("column `ts` is not in the reference").
        {"name": M_TIME, "suite": SUITE_TIME, "reference_profile": ref_features,
         "window": {"every": TIME_WINDOW, "grace": TIME_GRACE}, "timestamp_column": "ts"},
        {"name": M_PROFILES, "suite": SUITE_FEATURES, "reference_profile": ref_features,
         "window": {"every": TIME_WINDOW, "grace": TIME_GRACE}},
    ]
    for spec in specs:
        create_monitor(server.base, token, spec)
    print(f"monitors: {M_ROWS} ({args.window_rows:,}-row windows, labels), {M_TIME} "
          f"(every {TIME_WINDOW}, grace {TIME_GRACE}, CSV rows), {M_PROFILES} (every {TIME_WINDOW}, "
          f"pushed profiles)", flush=True)

    # Traffic.
    seconds = args.minutes * 60
    t_start = time.monotonic()
    stats = Stats(t_start)
    state["stats"] = stats
    sampler = Sampler(server, t_start)
    state["sampler"] = sampler
    traffic = Traffic(args, server, token, stats, pool, time_pool, profiles)
    state["traffic"] = traffic
    sampler.start()
    threads = ([threading.Thread(target=traffic.writer, args=(k,), daemon=True, name=f"writer{k}")
                for k in range(args.clients)]
               + [threading.Thread(target=traffic.reader, args=(k,), daemon=True, name=f"reader{k}")
                  for k in range(args.readers)])
    print(f"traffic: {args.clients} writers + {args.readers} readers for {args.minutes:g} min "
          f"({args.min_rows:,}-{args.max_rows:,} rows per batch, "
          f"{'%s rows/s' % format(args.rate, ',g') if args.rate > 0 else 'unpaced'})", flush=True)
    for t in threads:
        t.start()
    deadline = t_start + seconds
    next_report = t_start + 30
    try:
        while time.monotonic() < deadline and not traffic.traffic_end.is_set():
            time.sleep(0.2)
            if not server.alive():
                traffic.traffic_end.set()
                break
            if time.monotonic() >= next_report:
                next_report += 30
                last = sampler.samples[-1] if sampler.samples else {}
                with stats.lock:
                    ok = sum(v for c in stats.by_endpoint.values() for k, v in c.items()
                             if k.isdigit() and 200 <= int(k) < 300)
                    n429 = len(stats.t429)
                    errs = stats.errors
                    rows = stats.acked_rows[M_ROWS] + stats.acked_rows[M_TIME]
                print(f"  {time.monotonic() - t_start:5.0f} s: {ok:,} answers 2xx, {n429} x 429, "
                      f"{errs} errors, {rows:,} rows; RSS {last.get('rss_kib', 0) / 1024:.0f} MiB",
                      flush=True)
    finally:
        traffic.traffic_end.set()
        for t in threads:
            t.join(timeout=180)
    traffic_s = time.monotonic() - t_start
    if traffic.failures:
        raise traffic.failures[0]
    server.check_alive()
    traffic_samples = list(sampler.samples)
    print(f"traffic stopped after {traffic_s:.1f} s; closing windows and waiting for their evaluation "
          f"(at most {args.drain_timeout:g} s)", flush=True)

    # Settled = no evaluation for SETTLE_S, or twice the slowest mean evaluation seen, if longer.
    means = [row.get(k) for row in eval_trend(traffic.metrics_samples, traffic_s / 2).values()
             for k in ("eval_first_half_mean_s", "eval_second_half_mean_s")]
    settle_s = max([SETTLE_S] + [2 * m for m in means if m])
    drained = drain(server, token, stats, args.drain_timeout, settle_s)
    sampler.stop()
    server.check_alive()
    reports = error_reports(server, token, drained)
    fm = final_metrics(server, token)
    hwm = proc_status(server.pid).get("VmHWM")
    n_log_errors, log_lines = log_errors(server)

    # Memory.
    half = traffic_s / 2
    second = [s for s in traffic_samples if s["t_s"] >= half]
    drain_samples = [s for s in sampler.samples if s["t_s"] > traffic_s]

    def mibv(kib):
        return None if kib is None else round(kib / 1024, 1)

    rss = [s["rss_kib"] for s in traffic_samples]
    memory = {
        "samples": len(sampler.samples),
        "interval_s": sampler.interval,
        "rss_start_mib": mibv(rss[0]) if rss else None,
        "rss_min_mib": mibv(min(rss)) if rss else None,
        "rss_max_mib": mibv(max(rss)) if rss else None,
        "rss_last_mib": mibv(rss[-1]) if rss else None,
        "rss_second_half_min_mib": mibv(min(s["rss_kib"] for s in second)) if second else None,
        "rss_second_half_max_mib": mibv(max(s["rss_kib"] for s in second)) if second else None,
        "rss_after_drain_mib": mibv(drain_samples[-1]["rss_kib"]) if drain_samples else None,
        "vmhwm_peak_mib": mibv(hwm),
        "slope_second_half_mib_per_min": slope_mib_per_min(second),
        "slope_overall_mib_per_min": slope_mib_per_min(traffic_samples),
        "anon_slope_second_half_mib_per_min": slope_mib_per_min(second, "anon_kib"),
        "file_slope_second_half_mib_per_min": slope_mib_per_min(second, "file_kib"),
        "anon_slope_overall_mib_per_min": slope_mib_per_min(traffic_samples, "anon_kib"),
        "max_slope_mib_per_min": args.max_slope,
        "threads_start": traffic_samples[0].get("threads") if traffic_samples else None,
        "threads_end": sampler.samples[-1].get("threads") if sampler.samples else None,
        "fds_start": traffic_samples[0].get("fds") if traffic_samples else None,
        "fds_end": sampler.samples[-1].get("fds") if sampler.samples else None,
    }
    for k in list(memory):
        if k.endswith("_per_min") and memory[k] is not None:
            memory[k] = round(memory[k], 3)

    endpoints = stats.table()
    half_429 = sum(1 for t in stats.t429 if t < half)
    acked = dict(stats.acked_rows)
    for m in MONITORS:
        acked.setdefault(m, 0)

    # Verdict.
    reasons = []
    if stats.errors:
        kinds = collections.Counter(f"{e['endpoint']}: {e['kind']}" for e in stats.error_samples)
        reasons.append(f"{stats.errors} unexpected answers or failed requests ({dict(kinds)}; "
                       f"first: {stats.error_samples[0]['text'][:200] if stats.error_samples else ''})")
    if not drained["settled"]:
        left = {m: i["not_evaluated"] for m, i in drained["monitors"].items() if i["not_evaluated"]}
        if left:
            reasons.append(f"windows not evaluated {args.drain_timeout:g} s after the traffic "
                           f"(first keys per monitor): {left}")
        else:
            reasons.append(f"every window is `evaluated`, but re-evaluations (queued by late rows "
                           f"and labels) were still running {args.drain_timeout:g} s after the "
                           f"traffic")
    for m, info in drained["monitors"].items():
        if info["windows"] == 0:
            reasons.append(f"{m} has no window at all")
        if info["error_windows"]:
            reasons.append(f"{m}: windows with status error {info['error_windows']}")
        if info["listing_truncated"]:
            reasons.append(f"{m}: 10,000 windows or more; the listing is truncated (use longer windows)")
    rows_info = drained["monitors"]
    for m, stored in ((M_ROWS, rows_info[M_ROWS]["rows"]), (M_TIME, rows_info[M_TIME]["rows"]),
                      (M_PROFILES, rows_info[M_PROFILES]["profile_rows"])):
        if stored != acked[m]:
            reasons.append(f"{m}: {stored:,} rows stored but {acked[m]:,} acknowledged")
    if fm.get("window_evaluation_faults"):
        reasons.append(f"{fm['window_evaluation_faults']:g} window evaluation faults in /metrics")
    if fm.get("background_task_failures"):
        reasons.append(f"{fm['background_task_failures']:g} background task failures in /metrics")
    if fm.get("background_tasks_down"):
        reasons.append(f"background tasks down: {fm['background_tasks_down']}")
    if "error" in fm:
        reasons.append(f"GET /metrics at the end: {fm['error']}")
    slope = memory["slope_second_half_mib_per_min"]
    memory["slope_judged"] = traffic_s >= MIN_JUDGED_SLOPE_S
    if not memory["slope_judged"]:
        pass  # reported, not judged: a second half under 2 minutes is mostly warm-up and noise
    elif slope is None:
        reasons.append("too few RSS samples for a slope")
    elif abs(slope) >= args.max_slope:
        reasons.append(f"VmRSS slope over the second half {slope:+.2f} MiB/min, |slope| >= "
                       f"{args.max_slope:g} MiB/min")

    return {
        "benchmark": "assay serve soak",
        "date": dt.date.today().isoformat(),
        "machine": machine_info(version),
        "args": {**vars(args), "assay": assay},
        "server": {"command": server.cmd, "healthy_after_s": round(up, 3)},
        "monitors": [{k: v for k, v in s.items() if k != "reference_profile"} for s in specs],
        "traffic": {
            "seconds": round(traffic_s, 1),
            "acked_rows": acked,
            "acked_labels": stats.acked_labels,
            "label_posts": stats.label_posts,
            "replays": stats.replays,
            "labels_never_sent": sum(len(ids) for _, ids, _ in traffic.labels.pending),
            "status_429": len(stats.t429),
            "status_429_first_half": half_429,
            "status_429_second_half": len(stats.t429) - half_429,
            "errors": stats.errors,
            "error_samples": stats.error_samples,
        },
        "endpoints": endpoints,
        "memory": memory,
        "evaluation_trend": eval_trend(traffic.metrics_samples, half),
        "drain": drained,
        "error_window_reports": reports,
        "final_metrics": fm,
        "server_log_errors": {"count": n_log_errors, "first": log_lines},
        "rss_samples": downsample(sampler.samples, MAX_SAVED_SAMPLES),
        "pass": not reasons,
        "reasons": reasons,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out) if args.out else BENCH / "results" / f"{dt.date.today().isoformat()}-soak.json"

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)

    state: dict = {"tmp": None, "server": None, "traffic": None, "sampler": None}
    code = 0
    try:
        results = run(args, state)
        print_summary(results)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {out}")
        code = 0 if results["pass"] else 1
        state["judged"] = True
    except ServerDied as e:
        code = 1
        print(f"\nerror: {e}", file=sys.stderr)
    except BenchError as e:
        code = 2
        print(f"\nerror: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        code = 130
        print("\ninterrupted", file=sys.stderr)
    finally:
        if state.get("traffic") is not None:
            state["traffic"].traffic_end.set()
        server = state["server"]
        if server is not None:
            died = not server.alive()
            if died and code != 130:
                code = 1
                print(f"\nerror: the server died (exit status {server.proc.returncode})", file=sys.stderr)
            if code != 0 and not state.get("judged"):
                print(f"--- last lines of the server log ---\n{server.log_tail()}", file=sys.stderr)
            server.stop()
        tmp = state["tmp"]
        if tmp is not None:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
