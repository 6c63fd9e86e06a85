#!/usr/bin/env python3
"""Ingest and window-latency benchmark of `assay serve`, the monitoring HTTP service.

Starts a real `assay serve` on a free loopback port with a fresh data directory, creates monitors
through its HTTP API and measures, against fixed targets:

  * arrow:          rows/s acknowledged by POST /api/v1/monitors/bench-arrow/rows with Arrow IPC
                    stream bodies (Content-Type: application/vnd.apache.arrow.stream), --clients
                    threads for --seconds;                                   target >= 200,000 rows/s
  * json:           the same with JSON Lines bodies (application/x-ndjson) to bench-json;
                                                                             target >=  50,000 rows/s
  * window latency: exactly --window-rows rows sent to bench-window (a window of that many rows, so
                    the last row closes it), then seconds from the last acknowledgement until
                    GET .../windows shows window 0 as `evaluated`;           target < 5 s

For each phase it also reports requests/s, p50/p99 latency of acknowledged requests, the server's
peak RSS (VmRSS sampled every 0.5 s) and its VmHWM at the end of the phase (reset at the start of
each phase through /proc/PID/clear_refs when the kernel allows it, so it is per phase; see
`vmhwm_reset` in the JSON). Prints a table and writes every figure, the machine and the arguments
to bench/results/<date>-serve.json.

How to run (from the repository root):

    python3 -m venv bench/.venv-serve && bench/.venv-serve/bin/pip install -r bench/requirements-serve.txt && cargo build --profile bench-release -p assay-cli && bench/.venv-serve/bin/python bench/serve_bench.py

    # shorter trial, other binary, keep the temp dir (data, profile, server log) for a look
    bench/.venv-serve/bin/python bench/serve_bench.py --assay target/release/assay --seconds 5 --keep

Setup steps, in order (each failure prints the command or HTTP answer and exits non-zero):

  1. a temp dir TMP (removed at the end unless --keep), data dir DIR = TMP/data;
     `ASSAY token create --role admin --data-dir DIR`: the admin token is the last line of stdout;
  2. data: numpy, seed 42, 25 columns (id, ts, f0..f17, c0..c2, prediction, score); a 100k-row
     reference sample written to TMP/reference.csv;
  3. `ASSAY profile TMP/reference.csv -o TMP/ref.profile.json`; then the request bodies;
  4. `ASSAY serve --data-dir DIR --listen 127.0.0.1:PORT`, polled at GET /healthz until 200 (60 s);
  5. POST /api/v1/monitors for bench-arrow and bench-json (and bench-window before its phase).

The server is always stopped at the end, also on errors and Ctrl-C (and killed by the kernel if
this script dies, through PR_SET_PDEATHSIG). Exit status: 0 when all phases ran (whether or not
the targets were met), 1 when the server died, 2 for setup errors (missing binary, CLI or HTTP
errors while creating the token, profile or monitors), 130 on Ctrl-C / SIGTERM. The results file
is written only when every phase ran.

Notes on the numbers:
  * bodies are encoded before timing (a pool of --pool distinct bodies, reused round-robin), so
    client-side encoding is not measured; each pool body has its own ids, but the pool repeats;
  * rows/s = acknowledged rows (sum of `accepted` in HTTP 200 answers) / wall seconds from the
    start of the phase until the last in-flight request returned;
  * a 429 answer is counted, the client sleeps 50 ms and sends the same body again; latency
    percentiles are over acknowledged (200) requests only, each timed from its own send;
  * the monitors' suite is the built-in SUITE_YAML below (drift of every column and null shares);
    `--suite FILE` sends another YAML file instead;
  * client and server share this machine's cores (`nproc` in the JSON): on a small machine the
    Python clients take CPU time from the server.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import requests

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

SEED = 42
REFERENCE_ROWS = 100_000
# Targets of the three phases.
TARGET_ARROW_ROWS_S = 200_000
TARGET_JSON_ROWS_S = 50_000
TARGET_WINDOW_S = 5.0
# Upper bound on sending the window phase's rows (429 answers are retried until then).
SEND_TIMEOUT_S = 600.0

ARROW_CT = "application/vnd.apache.arrow.stream"
JSON_CT = "application/x-ndjson"

# The monitors' suite (YAML text sent as the `suite` field).
SUITE_YAML = """\
roles:
  id: id
  timestamp: ts
  prediction: prediction
checks:
  - check: drift.auto
  - check: integrity.null_share
"""

# First timestamp of the generated events: 2026-01-01T00:00:00Z, then one event every 10 ms.
TS_BASE_MS = 1_767_225_600_000
TS_STEP_MS = 10


class BenchError(Exception):
    """A setup or protocol failure: message printed, exit status 2."""


class ServerDied(Exception):
    """The server process exited while the benchmark was running: exit status 1."""


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


class DataGen:
    """Reproducible event rows: one numpy Generator (seed 42) drawn in call order.

    Columns (25): id (string, unique per prefix and row number), ts (int64 ms since epoch,
    increasing), f0..f17 (float64, normal, each with its own mean and sd), c0..c2 (string,
    5 / 12 / 20 levels, Zipf-like frequencies), prediction (float64 in (0, 1), a sigmoid of some
    features), score (int64, 300..850, follows the prediction).
    """

    N_FLOAT = 18
    CAT_LEVELS = (5, 12, 20)

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.row = 0  # global row counter: drives ts
        # Fixed per-feature parameters: means from -20 to 65, sds from 0.5 to 9.
        self.means = np.linspace(-20.0, 65.0, self.N_FLOAT)
        self.sds = np.linspace(0.5, 9.0, self.N_FLOAT)
        self.levels = []
        self.probs = []
        for c, k in enumerate(self.CAT_LEVELS):
            self.levels.append(np.array([f"c{c}_level{j:02d}" for j in range(k)]))
            w = 1.0 / np.arange(1, k + 1)
            self.probs.append(w / w.sum())
        self.schema = pa.schema(
            [("id", pa.string()), ("ts", pa.int64())]
            + [(f"f{i}", pa.float64()) for i in range(self.N_FLOAT)]
            + [(f"c{i}", pa.string()) for i in range(len(self.CAT_LEVELS))]
            + [("prediction", pa.float64()), ("score", pa.int64())]
        )

    def table(self, n: int, id_prefix: str) -> pa.Table:
        """The next n rows; ids are `<id_prefix>-<row number>`, unique for a given prefix."""
        rng = self.rng
        first = self.row
        self.row += n
        rows = np.arange(first, first + n, dtype=np.int64)
        ids = [f"{id_prefix}-{r:010d}" for r in rows.tolist()]
        ts = TS_BASE_MS + rows * TS_STEP_MS
        f = rng.standard_normal((self.N_FLOAT, n)) * self.sds[:, None] + self.means[:, None]
        cats = [lv[rng.choice(len(lv), size=n, p=p)] for lv, p in zip(self.levels, self.probs)]
        z = (f[0] - self.means[0]) / self.sds[0] - 0.7 * (f[3] - self.means[3]) / self.sds[3]
        logit = 0.8 * z + 0.6 * (cats[0] == self.levels[0][0]) + rng.normal(0.0, 0.8, n) - 0.5
        prediction = 1.0 / (1.0 + np.exp(-logit))
        score = np.clip(np.rint(300 + 550 * prediction + rng.normal(0, 25, n)), 300, 850)
        arrays = (
            [pa.array(ids, pa.string()), pa.array(ts, pa.int64())]
            + [pa.array(f[i], pa.float64()) for i in range(self.N_FLOAT)]
            + [pa.array(c, pa.string()) for c in cats]
            + [pa.array(prediction, pa.float64()), pa.array(score.astype(np.int64), pa.int64())]
        )
        return pa.Table.from_arrays(arrays, schema=self.schema)


def arrow_body(table: pa.Table) -> bytes:
    """Arrow IPC *stream* format (schema message, record batch(es), end-of-stream marker)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return sink.getvalue().to_pybytes()


def ndjson_body(table: pa.Table) -> bytes:
    """JSON Lines: one JSON object per row, newline-terminated."""
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in table.to_pylist()).encode()


def chunk_sizes(total: int, per: int) -> list[int]:
    return [min(per, total - i) for i in range(0, total, per)]


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------


def run_cli(cmd: list[str], what: str) -> subprocess.CompletedProcess:
    """Runs an assay CLI command; on failure prints the command, exit code and output, and stops."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BenchError(f"{what} failed: {' '.join(cmd)}\n  {e}") from e
    if proc.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stderr ---\n{proc.stderr.strip()}\n--- stdout ---\n{proc.stdout.strip()}"
        )
    return proc


def fresh_service_dir(assay: str, prefix: str, state: dict) -> tuple[Path, Path, str]:
    """A temporary directory (kept in state["tmp"] for cleanup) with an empty `data/` service
    directory, and the first admin token `assay token create` made in it (its last stdout line)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    state["tmp"] = tmp
    data_dir = tmp / "data"
    data_dir.mkdir()
    proc = run_cli([assay, "token", "create", "--role", "admin", "--data-dir", str(data_dir)],
                   "creating the admin token")
    lines = [ln.strip() for ln in proc.stdout.splitlines() if ln.strip()]
    if not lines:
        raise BenchError("`assay token create` printed no token on stdout")
    return tmp, data_dir, lines[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """preexec_fn: the kernel sends SIGKILL to the server if this script dies (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except Exception:
        pass


class Server:
    """`assay serve` as a child process, its log in a file, its memory read from /proc."""

    def __init__(self, assay: str, data_dir: Path, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.cmd = [assay, "serve", "--data-dir", str(data_dir), "--listen", f"127.0.0.1:{self.port}"]
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            self.cmd,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Own session: the terminal's Ctrl-C reaches only this script, which then stops the
            # server itself (so the order of shutdown is ours).
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def check_alive(self, grace: float = 0.0) -> None:
        """Raises ServerDied when the process has exited (waiting up to `grace` s for it)."""
        if grace > 0:
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        if not self.alive():
            raise ServerDied(f"the server exited with status {self.proc.returncode}")

    def wait_healthy(self, timeout: float) -> float:
        """Polls GET /healthz until 200; returns the seconds it took."""
        start = time.perf_counter()
        last = "no answer"
        while time.perf_counter() - start < timeout:
            self.check_alive()
            try:
                r = requests.get(self.base + "/healthz", timeout=1)
                if r.status_code == 200:
                    return time.perf_counter() - start
                last = f"HTTP {r.status_code}: {r.text[:200]}"
            except requests.RequestException as e:
                last = type(e).__name__
            time.sleep(0.1)
        raise BenchError(f"GET /healthz did not answer 200 within {timeout:.0f} s (last: {last})")

    def status_kib(self, field: str) -> int | None:
        """A field of /proc/PID/status in KiB (VmRSS, VmHWM), None when unreadable."""
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                for line in fh:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return None

    def reset_hwm(self) -> bool:
        """Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux >= 4.0)."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as fh:
                fh.write("5")
            return True
        except OSError:
            return False

    def log_tail(self, n: int = 40) -> str:
        try:
            self.log.flush()
            lines = self.log_path.read_text(errors="replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s. Safe to call twice."""
        if self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()


class RssSampler:
    """Background thread: VmRSS of the server every `interval` seconds; keeps the max."""

    def __init__(self, server: Server, interval: float = 0.5) -> None:
        self.server = server
        self.interval = interval
        self.max_kib = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            kib = self.server.status_kib("VmRSS")
            if kib is not None:
                self.max_kib = max(self.max_kib, kib)
                self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        # One last sample at the very end of the phase.
        kib = self.server.status_kib("VmRSS")
        if kib is not None:
            self.max_kib = max(self.max_kib, kib)


def mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


# --------------------------------------------------------------------------------------------
# HTTP API
# --------------------------------------------------------------------------------------------


def session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def create_monitor(base: str, token: str, name: str, suite: str, profile: dict, window_rows: int) -> dict:
    body = {
        "name": name,
        "suite": suite,
        "reference_profile": profile,
        "window": {"rows": window_rows},
        "event_id_column": "id",
        "timestamp_column": "ts",
    }
    try:
        with session(token) as s:
            r = s.post(f"{base}/api/v1/monitors", json=body, timeout=120)
    except requests.RequestException as e:
        raise BenchError(f"POST /api/v1/monitors ({name}) failed: {e}") from e
    if not 200 <= r.status_code < 300:
        raise BenchError(f"POST /api/v1/monitors ({name}) answered HTTP {r.status_code}:\n{r.text[:4000]}")
    try:
        return r.json()
    except ValueError:
        return {"raw": r.text[:1000]}


class PhaseStats:
    """Counters shared by the client threads of one phase (guarded by a lock)."""

    MAX_PRINTED_ERRORS = 5

    def __init__(self, label: str) -> None:
        self.label = label
        self.lock = threading.Lock()
        self.rows_sent = 0  # rows in acknowledged bodies
        self.rows_acked = 0  # sum of `accepted`
        self.requests_ok = 0
        self.status_429 = 0
        self.errors = 0
        self.error_samples: list[str] = []
        self.latencies_s: list[float] = []
        self.last_ack_wall = 0.0  # time.time() of the latest acknowledgement
        self.last_ack_perf = 0.0  # time.perf_counter() of the same

    def ok(self, sent: int, accepted: int, latency: float) -> None:
        now_wall, now_perf = time.time(), time.perf_counter()
        with self.lock:
            self.rows_sent += sent
            self.rows_acked += accepted
            self.requests_ok += 1
            self.latencies_s.append(latency)
            if now_perf > self.last_ack_perf:
                self.last_ack_perf, self.last_ack_wall = now_perf, now_wall

    def too_many(self) -> None:
        with self.lock:
            self.status_429 += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < self.MAX_PRINTED_ERRORS:
                self.error_samples.append(text)
                print(f"  [{self.label}] error: {text}", file=sys.stderr, flush=True)

    def latency_ms(self) -> dict:
        if not self.latencies_s:
            return {"p50": None, "p99": None, "mean": None, "max": None}
        a = np.asarray(self.latencies_s) * 1000
        return {
            "p50": round(float(np.percentile(a, 50)), 2),
            "p99": round(float(np.percentile(a, 99)), 2),
            "mean": round(float(a.mean()), 2),
            "max": round(float(a.max()), 2),
        }


def post_rows(
    s: requests.Session,
    url: str,
    body: bytes,
    ctype: str,
    nrows: int,
    stats: PhaseStats,
    server: Server,
    give_up: threading.Event,
    deadline: float | None = None,
) -> bool:
    """POSTs one body until it is acknowledged (429: sleep 50 ms, send again).

    Returns True when acknowledged; False on another error, at the deadline (perf_counter) or
    when `give_up` is set. Raises ServerDied when the connection fails and the server is gone.
    """
    while not give_up.is_set() and (deadline is None or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        try:
            r = s.post(url, data=body, headers={"Content-Type": ctype}, timeout=(5, 300))
        except requests.RequestException as e:
            # A dropped connection is most often a server that just died: give it time to exit.
            server.check_alive(grace=0.5)
            stats.error(f"{type(e).__name__}: {str(e)[:200]}")
            return False
        latency = time.perf_counter() - t0
        if r.status_code == 200:
            try:
                accepted = int(r.json()["accepted"])
            except (ValueError, KeyError, TypeError):
                stats.error(f"HTTP 200 without a JSON `accepted` count: {r.text[:200]!r}")
                return False
            stats.ok(nrows, accepted, latency)
            return True
        if r.status_code == 429:
            stats.too_many()
            time.sleep(0.05)
            continue
        stats.error(f"HTTP {r.status_code}: {r.text[:300]}")
        return False
    return False


# --------------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------------


def throughput_phase(
    label: str,
    server: Server,
    token: str,
    monitor: str,
    bodies: list[bytes],
    ctype: str,
    rows_per_body: int,
    seconds: float,
    clients: int,
    target: float,
) -> dict:
    """`clients` threads post pre-encoded bodies to the monitor's rows endpoint for `seconds`."""
    print(f"phase {label}: {clients} clients x {seconds:g} s, {rows_per_body} rows/request "
          f"({np.mean([len(b) for b in bodies]) / 1e6:.2f} MB/request) -> {monitor}", flush=True)
    url = f"{server.base}/api/v1/monitors/{monitor}/rows"
    stats = PhaseStats(label)
    stop = threading.Event()  # set on Ctrl-C or when the server died
    failures: list[BaseException] = []
    hwm_reset = server.reset_hwm()
    rss_start = server.status_kib("VmRSS")

    def client(k: int) -> None:
        try:
            with session(token) as s:
                i = k  # threads start at different bodies of the pool
                while not stop.is_set() and time.perf_counter() < deadline:
                    post_rows(s, url, bodies[i % len(bodies)], ctype, rows_per_body,
                              stats, server, stop, deadline)
                    i += clients
        except BaseException as e:  # ServerDied, or anything unexpected: stop every client
            failures.append(e)
            stop.set()

    with RssSampler(server) as rss:
        start = time.perf_counter()
        deadline = start + seconds
        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
        for t in threads:
            t.start()
        try:
            while any(t.is_alive() for t in threads):
                for t in threads:
                    t.join(timeout=0.2)
                if not server.alive():
                    stop.set()
        except KeyboardInterrupt:
            stop.set()
            raise
        elapsed = time.perf_counter() - start
    if failures:
        raise failures[0]
    server.check_alive()

    rows_s = stats.rows_acked / elapsed if elapsed > 0 else 0.0
    result = {
        "phase": label,
        "monitor": monitor,
        "content_type": ctype,
        "clients": clients,
        "rows_per_request": rows_per_body,
        "body_bytes_mean": int(np.mean([len(b) for b in bodies])),
        "elapsed_s": round(elapsed, 3),
        "rows_acknowledged": stats.rows_acked,
        "rows_sent_in_acknowledged_requests": stats.rows_sent,
        "requests_acknowledged": stats.requests_ok,
        "status_429": stats.status_429,
        "errors": stats.errors,
        "error_samples": stats.error_samples,
        "rows_per_s": round(rows_s, 1),
        "requests_per_s": round(stats.requests_ok / elapsed, 2) if elapsed > 0 else 0.0,
        "latency_ms": stats.latency_ms(),
        "rss_start_mib": mib(rss_start),
        "peak_rss_mib": mib(rss.max_kib),
        "rss_samples": rss.samples,
        "vmhwm_mib": mib(server.status_kib("VmHWM")),
        "vmhwm_reset": hwm_reset,
        "target": f">= {target:,.0f} rows/s",
        "met": rows_s >= target,
    }
    print(f"  {stats.rows_acked:,} rows acknowledged in {elapsed:.2f} s: {rows_s:,.0f} rows/s, "
          f"{result['requests_per_s']} req/s, p50 {result['latency_ms']['p50']} ms, "
          f"p99 {result['latency_ms']['p99']} ms, 429s {stats.status_429}, errors {stats.errors}, "
          f"peak RSS {result['peak_rss_mib']} MiB", flush=True)
    return result


def fetch_windows(s: requests.Session, url: str) -> list:
    r = s.get(url, timeout=10)
    if r.status_code != 200:
        raise BenchError(f"GET {url} answered HTTP {r.status_code}: {r.text[:1000]}")
    data = r.json()
    if isinstance(data, dict) and isinstance(data.get("windows"), list):  # tolerated wrapper
        data = data["windows"]
    if not isinstance(data, list):
        raise BenchError(f"GET {url}: expected a JSON array of windows, got {r.text[:500]}")
    return data


def window_phase(
    server: Server,
    token: str,
    monitor: str,
    bodies: list[tuple[bytes, int]],
    window_rows: int,
    timeout: float,
) -> dict:
    """Sends exactly window_rows rows (one client, in order), then times window 0's evaluation."""
    print(f"phase window: {window_rows:,} rows in {len(bodies)} Arrow requests -> {monitor}, "
          f"then GET .../windows every 20 ms until window 0 is evaluated", flush=True)
    rows_url = f"{server.base}/api/v1/monitors/{monitor}/rows"
    win_url = f"{server.base}/api/v1/monitors/{monitor}/windows"
    stats = PhaseStats("window")
    never = threading.Event()
    hwm_reset = server.reset_hwm()
    polls = 0
    seen_states: list[str] = []
    window0: dict | None = None
    latency_s = None
    with RssSampler(server) as rss, session(token) as s:
        start = time.perf_counter()
        send_deadline = start + SEND_TIMEOUT_S  # bounds the 429 retries
        for body, n in bodies:
            if not post_rows(s, rows_url, body, ARROW_CT, n, stats, server, never, send_deadline):
                server.check_alive()
                raise BenchError(
                    f"window phase: a request was not acknowledged ({stats.error_samples[-1:]}, "
                    f"{stats.status_429} x 429); the window cannot be filled exactly"
                )
        send_s = time.perf_counter() - start
        ack_perf, ack_wall = stats.last_ack_perf, stats.last_ack_wall
        if stats.rows_acked != window_rows:
            print(f"  warning: the server accepted {stats.rows_acked:,} of {window_rows:,} rows; "
                  "window 0 may not close", file=sys.stderr, flush=True)
        # Poll every 20 ms until window 0 is evaluated.
        while True:
            now = time.perf_counter()
            try:
                windows = fetch_windows(s, win_url)
            except requests.RequestException as e:
                server.check_alive()
                raise BenchError(f"GET {win_url} failed: {e}") from e
            polls += 1
            window0 = next((w for w in windows if isinstance(w, dict) and w.get("key") == 0), None)
            state = None if window0 is None else window0.get("state")
            if not seen_states or seen_states[-1] != str(state):
                seen_states.append(str(state))
            if state == "evaluated":
                latency_s = now - ack_perf  # the poll that saw it was sent at `now`
                break
            if now - ack_perf > timeout:
                print(f"  window 0 not evaluated {timeout:.0f} s after the last ack "
                      f"(last seen: {window0})", file=sys.stderr, flush=True)
                break
            server.check_alive()
            time.sleep(0.02)
    server.check_alive()

    cross_check_s = None
    if window0 is not None and isinstance(window0.get("evaluated_at_ms"), (int, float)):
        cross_check_s = round(window0["evaluated_at_ms"] / 1000 - ack_wall, 3)
    result = {
        "phase": "window",
        "monitor": monitor,
        "window_rows": window_rows,
        "requests": len(bodies),
        "rows_acknowledged": stats.rows_acked,
        "status_429": stats.status_429,
        "errors": stats.errors,
        "send_s": round(send_s, 3),
        "rows_per_s": round(stats.rows_acked / send_s, 1) if send_s > 0 else 0.0,
        "requests_per_s": round(stats.requests_ok / send_s, 2) if send_s > 0 else 0.0,
        "latency_ms": stats.latency_ms(),
        "last_ack_unix_ms": int(ack_wall * 1000),
        "window_latency_s": None if latency_s is None else round(latency_s, 3),
        # Server clock minus client clock, same machine: evaluated_at_ms - last acknowledgement.
        "server_evaluated_minus_ack_s": cross_check_s,
        "window0": window0,
        "states_seen": seen_states,
        "polls": polls,
        "peak_rss_mib": mib(rss.max_kib),
        "rss_samples": rss.samples,
        "vmhwm_mib": mib(server.status_kib("VmHWM")),
        "vmhwm_reset": hwm_reset,
        "target": f"< {TARGET_WINDOW_S:g} s",
        "met": latency_s is not None and latency_s < TARGET_WINDOW_S,
    }
    if latency_s is None:
        outcome = f"window 0 NOT evaluated within {timeout:g} s of the last ack"
    else:
        outcome = (f"window 0 evaluated {latency_s:.3f} s after the last ack "
                   f"(server clock: {cross_check_s} s)")
    print(f"  sent in {send_s:.2f} s ({result['rows_per_s']:,.0f} rows/s); {outcome}; states "
          f"{' -> '.join(seen_states)}; peak RSS {result['peak_rss_mib']} MiB", flush=True)
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def print_table(phases: list[dict]) -> None:
    header = ["phase", "rows/s", "req/s", "p50 ms", "p99 ms", "measured", "target", "met", "peak RSS MiB"]
    rows = []
    for p in phases:
        if p["phase"] == "window":
            lat = p["window_latency_s"]
            measured = "not evaluated" if lat is None else f"{lat:.3f} s"
        else:
            measured = f"{p['rows_per_s']:,.0f} rows/s"
        rows.append([
            p["phase"],
            f"{p['rows_per_s']:,.0f}",
            f"{p['requests_per_s']:,.1f}",
            "-" if p["latency_ms"]["p50"] is None else f"{p['latency_ms']['p50']:.1f}",
            "-" if p["latency_ms"]["p99"] is None else f"{p['latency_ms']['p99']:.1f}",
            measured,
            p["target"],
            "yes" if p["met"] else "no",
            "-" if p["peak_rss_mib"] is None else f"{p['peak_rss_mib']:.1f}",
        ])
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    print()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    if any(p["phase"] == "window" for p in phases):
        print("(window row: rows/s, req/s and latencies are of sending the window's rows; "
              "'measured' is last ack -> evaluated)")


def machine_info(assay_version: str) -> dict:
    def read(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return None

    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        commit = None
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": read("/proc/cpuinfo", "model name"),
        "mem_total": read("/proc/meminfo", "MemTotal"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
        "requests": requests.__version__,
        "assay_version": assay_version,
        "git_commit": commit,
    }


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assay", default=str(REPO / "target/bench-release/assay"),
                    help="the assay binary (default: target/bench-release/assay in the repository)")
    ap.add_argument("--rows-per-request", type=int, default=10_000, help="rows in each POST body")
    ap.add_argument("--seconds", type=float, default=20.0, help="duration of the arrow and json phases")
    ap.add_argument("--clients", type=int, default=2, help="client threads in the arrow and json phases")
    ap.add_argument("--window-rows", type=int, default=1_000_000,
                    help="rows per window of every monitor, and rows sent in the window phase")
    ap.add_argument("--out", default=None,
                    help="results JSON (default: bench/results/<date>-serve.json in the repository)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (data, profile, server log)")
    ap.add_argument("--pool", type=int, default=20, help="distinct pre-encoded bodies per throughput phase")
    ap.add_argument("--suite", default=None,
                    help="YAML file to send as the monitors' suite instead of the built-in one")
    ap.add_argument("--window-timeout", type=float, default=120.0,
                    help="seconds to wait for window 0 to be evaluated after the last ack")
    args = ap.parse_args(argv)
    for name in ("rows_per_request", "clients", "window_rows", "pool"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.seconds <= 0:
        ap.error("--seconds must be > 0")
    return args


def run(args: argparse.Namespace, state: dict) -> dict:
    assay = shutil.which(args.assay) if os.sep not in args.assay else args.assay
    if not assay or not Path(assay).is_file():
        raise BenchError(f"assay binary not found: {args.assay}\n"
                         "  build it: cargo build --profile bench-release -p assay-cli")
    assay = str(Path(assay).resolve())
    version = run_cli([assay, "--version"], "assay --version").stdout.strip()
    print(f"assay: {assay} ({version})", flush=True)

    suite = Path(args.suite).read_text() if args.suite else SUITE_YAML

    # 1. A fresh data directory and its first admin token.
    tmp, data_dir, token = fresh_service_dir(assay, "assay-serve-bench-", state)

    # 2. Data: the reference sample first (it is all the profile needs, so a failing profile
    # command stops the run early), then the pools of the three phases: one generator, drawn in
    # this order, so the bytes depend only on the seed and the arguments.
    t0 = time.perf_counter()
    gen = DataGen(SEED)
    ref_csv = tmp / "reference.csv"
    pacsv.write_csv(gen.table(REFERENCE_ROWS, "ref"), ref_csv)

    # 3. Reference profile, with assay's CLI.
    profile_path = tmp / "ref.profile.json"
    run_cli([assay, "profile", str(ref_csv), "-o", str(profile_path)], "profiling the reference")
    try:
        profile = json.loads(profile_path.read_text())
    except (OSError, ValueError) as e:
        raise BenchError(f"`assay profile` did not write a readable JSON profile: {e}") from e

    n = args.rows_per_request
    arrow_pool = [arrow_body(gen.table(n, f"arrow{k:02d}")) for k in range(args.pool)]
    json_pool = [ndjson_body(gen.table(n, f"json{k:02d}")) for k in range(args.pool)]
    window_bodies = [(arrow_body(gen.table(m, "window")), m)
                     for m in chunk_sizes(args.window_rows, n)]
    print(f"data: {REFERENCE_ROWS:,} reference rows (profiled), {args.pool} + {args.pool} bodies of "
          f"{n:,} rows, {args.window_rows:,} window rows; generated, profiled and encoded in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)

    # Server.
    server = Server(assay, data_dir, tmp / "server.log")
    state["server"] = server
    up = server.wait_healthy(60)
    print(f"server: pid {server.pid} on {server.base}, healthy after {up:.2f} s", flush=True)

    for name in ("bench-arrow", "bench-json"):
        create_monitor(server.base, token, name, suite, profile, args.window_rows)
    print("monitors bench-arrow and bench-json created", flush=True)

    phases = state["phases"]
    # 4. Arrow.
    phases.append(throughput_phase("arrow", server, token, "bench-arrow", arrow_pool, ARROW_CT, n,
                                   args.seconds, args.clients, TARGET_ARROW_ROWS_S))
    del arrow_pool
    # 5. JSON Lines.
    phases.append(throughput_phase("json", server, token, "bench-json", json_pool, JSON_CT, n,
                                   args.seconds, args.clients, TARGET_JSON_ROWS_S))
    del json_pool
    # 6. Window latency.
    create_monitor(server.base, token, "bench-window", suite, profile, args.window_rows)
    phases.append(window_phase(server, token, "bench-window", window_bodies, args.window_rows,
                               args.window_timeout))

    return {
        "benchmark": "assay serve ingest and window latency",
        "date": dt.date.today().isoformat(),
        "machine": machine_info(version),
        "args": {**vars(args), "assay": assay},
        "server": {"command": server.cmd, "healthy_after_s": round(up, 3)},
        "data": {
            "seed": SEED,
            "columns": gen.schema.names,
            "reference_rows": REFERENCE_ROWS,
            "profile_bytes": profile_path.stat().st_size,
            "suite": suite,
        },
        "targets": {"arrow_rows_per_s": TARGET_ARROW_ROWS_S, "json_rows_per_s": TARGET_JSON_ROWS_S,
                    "window_latency_s": TARGET_WINDOW_S},
        "phases": {p["phase"]: p for p in phases},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out) if args.out else BENCH / "results" / f"{dt.date.today().isoformat()}-serve.json"

    # SIGTERM behaves like Ctrl-C: unwind through the finally below, which stops the server.
    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)

    state: dict = {"phases": [], "tmp": None, "server": None}
    code = 0
    try:
        results = run(args, state)
        print_table(state["phases"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {out}")
    except ServerDied:
        code = 1  # reported below, with the server's log
    except BenchError as e:
        code = 2
        print(f"\nerror: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        code = 130
        print("\ninterrupted", file=sys.stderr)
    finally:
        server = state["server"]
        if server is not None:
            died = not server.alive()
            if died and code != 130:
                code = 1
                print(f"\nerror: the server died (exit status {server.proc.returncode})", file=sys.stderr)
            if code != 0:
                print(f"--- last lines of the server log ---\n{server.log_tail()}", file=sys.stderr)
            server.stop()
        if code != 0 and state["phases"]:
            print("\nphases completed before the failure (no results file written):", file=sys.stderr)
            print_table(state["phases"])
        tmp = state["tmp"]
        if tmp is not None:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
