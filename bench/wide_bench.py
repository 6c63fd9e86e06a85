#!/usr/bin/env python3
"""Per-cell cost of `assay profile` on a wide table against a tall one with the same cells.

Generates (when missing, with generate_wide.py) a 1,000-column x 200,000-row Parquet file and a
25-column x 8,000,000-row file with the same column mix (200M cells each), then times, round
robin, `assay profile` and DuckDB's plain scan (duckdb_bench.py scan) of each, --repeat times,
with GNU time for peak RSS. Prints a Markdown table: median wall seconds, ns per cell, peak RSS,
assay / DuckDB, and the wide-to-tall ratio of assay's time per cell (target: at most 1.3).

    bench/.venv/bin/python bench/wide_bench.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SHAPES = [(1000, 200_000), (25, 8_000_000)]


def timed(cmd: list[str]) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({r.returncode}): {r.stderr.decode()[-2000:]}")
        return wall, int(rss.read().split()[-1]) // 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--assay-bin", default=os.environ.get("ASSAY_BIN", "target/bench-release/assay"))
    p.add_argument("--data-dir", type=Path, default=BENCH / "data")
    args = p.parse_args()
    files = {}
    for cols, rows in SHAPES:
        path = args.data_dir / f"wide-{cols}x{rows}.parquet"
        if not path.exists():
            subprocess.run([sys.executable, str(BENCH / "generate_wide.py"), "--columns", str(cols),
                            "--rows", str(rows), "--out", str(path)], check=True)
        files[(cols, rows)] = path
    out = Path(tempfile.mkdtemp(prefix="assay-wide-"))
    tools = {
        "assay profile": lambda f: [args.assay_bin, "profile", str(f), "-o", str(out / "p.json")],
        "DuckDB scan": lambda f: [sys.executable, str(BENCH / "duckdb_bench.py"), "scan", str(f),
                                  "--out", str(out / "d.json")],
    }
    for f in files.values():  # warm the page cache
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass
    runs: dict = {}
    for _ in range(args.repeat):
        for shape, f in files.items():
            for name, cmd in tools.items():
                runs.setdefault((name, shape), []).append(timed(cmd(f)))
    print("| tool | columns x rows | median s | ns / cell | peak RSS MiB | vs DuckDB scan |")
    print("|---|---|---|---|---|---|")
    med = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    result = {}
    for (name, (cols, rows)), v in runs.items():
        m = med[(name, (cols, rows))]
        ns = m * 1e9 / (cols * rows)
        rss = max(r for _, r in v)
        ratio = m / med[("DuckDB scan", (cols, rows))]
        result[f"{name} {cols}x{rows}"] = {"median_seconds": m, "ns_per_cell": ns, "peak_rss_mib": rss,
                                           "runs": [w for w, _ in v]}
        print(f"| {name} | {cols:,} x {rows:,} | {m:.2f} | {ns:.1f} | {rss} | {ratio:.2f}x |")
    wide = med[("assay profile", SHAPES[0])] / (SHAPES[0][0] * SHAPES[0][1])
    tall = med[("assay profile", SHAPES[1])] / (SHAPES[1][0] * SHAPES[1][1])
    print(f"\nassay time per cell, 1,000 columns / 25 columns: {wide / tall:.2f} (target <= 1.3)")
    print(json.dumps({"wide_to_tall_per_cell": wide / tall, "tools": result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
