"""Arrow data is read in place (profiling a 2 GB table does not double the process's memory),
the interpreter is released while assay works, and Ctrl-C stops a long call cleanly."""

from __future__ import annotations

import _thread
import threading
import time

import numpy as np
import pyarrow as pa
import pytest

import assay

GIB = 1 << 30


def _rss_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


@pytest.fixture(scope="module")
def big_table() -> pa.Table:
    # 2 GiB of doubles in 4 columns (64M rows), wrapped by pyarrow without a copy.
    rng = np.random.default_rng(7)
    rows = (2 * GIB) // (8 * 4)
    cols = {f"x{i}": rng.standard_normal(rows) for i in range(4)}
    return pa.table(cols)


def test_profiling_a_2gb_table_does_not_copy_it(big_table):
    assert big_table.nbytes >= 2 * GIB
    # Reset the peak (VmHWM) to the current resident size, then profile.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _rss_bytes("VmRSS")
    profile = assay.profile(big_table)
    peak = _rss_bytes("VmHWM")
    assert profile.rows == big_table.num_rows
    x0 = profile.column("x0")
    assert x0.mean == pytest.approx(float(np.mean(big_table["x0"].to_numpy())), abs=1e-9)
    # A copy would add 2 GiB; the sketches and buffers of the read stay far below.
    assert peak - before < GIB // 2, f"peak grew by {(peak - before) / GIB:.2f} GiB"


def test_the_interpreter_runs_other_threads_while_assay_works(big_table):
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    start = time.monotonic()
    assay.profile(big_table)
    end = time.monotonic()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    # With the interpreter held, the thread would not tick at all during the call.
    assert len(during) >= 0.5 * (end - start) / 0.01 * 0.5


def test_ctrl_c_stops_a_long_call(big_table):
    # Interrupt the main thread (as Ctrl-C does) shortly after the call starts.
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        assay.drift(big_table, big_table)
    elapsed = time.monotonic() - start
    timer.cancel()
    assert elapsed < 5.0, f"took {elapsed:.1f} s to stop"
    # And the package works after an interrupted call.
    assert assay.profile(pa.table({"x": [1.0, 2.0]})).rows == 2


@pytest.mark.parametrize("after", [0.5, 1.5])
def test_ctrl_c_stops_an_evaluation_while_it_computes(after):
    # A long stretch of pure computation (bootstrap intervals of every metric): the interrupt
    # is still raised promptly (the work runs on the runtime's threads; the caller's thread
    # keeps watching for it).
    rng = np.random.default_rng(3)
    n = 400_000
    y = rng.integers(0, 2, n)
    p = np.clip(y * 0.3 + rng.random(n) * 0.7, 0, 1)
    table = pa.table({"y": y, "pred": (p > 0.5).astype(np.int64), "proba": p})
    timer = threading.Timer(after, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        assay.evaluate(table, target="y", prediction="pred", probability="proba",
                       bootstrap_rounds=300)
    timer.cancel()
    late = time.monotonic() - start - after
    assert late < 1.5, f"raised {late:.1f} s after the interrupt"
    # And the computation itself stops at its next checkpoint (a bootstrap round, a check,
    # a model chunk; the longest stretch between two, in the metrics' own figures, took
    # 1.7 s here): 2.5 s after the interrupt the process is idle, where the uninterrupted
    # call computes for 10 s more.
    time.sleep(2.5)
    before = time.process_time()
    time.sleep(1.0)
    busy = time.process_time() - before
    assert busy < 0.3, f"{busy:.2f} s of CPU in the second after the interrupt: the work goes on"


def test_progress_reaches_a_callback_and_a_notebook_bar(tmp_path):
    import pyarrow as pa

    from assay._progress import NotebookProgress

    rows = 12_000_000
    table = pa.table({f"c{i}": pa.array(range(i, i + rows), pa.float64()) for i in range(4)})
    seen: list[list[tuple[str, int, float]]] = []
    profile = assay.profile(table, progress=seen.append)
    assert profile.rows == rows
    assert len(seen) >= 2, "a read of this size lasts over half a second"
    labels = {label for reads in seen for label, _, _ in reads}
    assert labels == {"memory://data"}
    counts = [rows_read for reads in seen for _, rows_read, _ in reads]
    assert counts == sorted(counts) and counts[-1] <= rows

    shown: list[tuple[str, object]] = []

    class Handle:
        def update(self, body):
            shown.append(("update", body))

    def display(body, display_id):
        assert display_id is True
        shown.append(("display", body))
        return Handle()

    now = [0.0]
    bar = NotebookProgress(display=display, html=lambda text: text, clock=lambda: now[0])
    bar([("memory://data", 500_000, 0.5)])
    assert shown == [], "nothing is shown before a second"
    now[0] = 1.5
    bar([("memory://data", 1_500_000, 1.5)])
    bar([("memory://data", 3_000_000, 2.0)])
    bar.close()
    assert [kind for kind, _ in shown] == ["display", "update", "update"]
    assert "<progress" in shown[0][1] and "1,500,000 rows" in shown[0][1]
    assert "1,000,000 rows/s" in shown[0][1]
    assert "3,000,000 rows" in shown[1][1]
    assert shown[2][1] == "", "the bar is removed when the call ends"


def test_an_exception_in_a_progress_callback_stops_the_call():
    import pyarrow as pa

    rows = 12_000_000
    table = pa.table({f"c{i}": pa.array(range(rows), pa.float64()) for i in range(4)})

    def stop(_reads):
        raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        assay.profile(table, progress=stop)


def test_threads_are_set_before_the_first_call_only(tmp_path):
    import subprocess
    import sys

    # A fresh interpreter: this one has made calls already. Its rayon pool is named
    # assay-rayon-N: with one thread there is assay-rayon-0 alone.
    (tmp_path / "x.csv").write_text("a,b\n1,x\n2,y\n")
    code = (
        "import assay, glob\n"
        "print(assay.set_threads(1))\n"
        f"assay.drift({str(tmp_path / 'x.csv')!r}, {str(tmp_path / 'x.csv')!r}, progress=False)\n"
        "names = [open(p).read().strip() for p in glob.glob('/proc/self/task/*/comm')]\n"
        "print(sorted(n for n in names if n.startswith('assay-rayon')))\n"
        "try:\n"
        "    assay.set_threads(2)\n"
        "except assay.AssayError as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "1"
    assert lines[1] == "['assay-rayon-0']"
    assert lines[2].startswith("AssayError set_threads must be called before the first assay call")
    with pytest.raises(assay.InputError, match="from 1 to 1024"):
        assay.set_threads(0)
