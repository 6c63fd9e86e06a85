"""Two assay builds side by side: each command run with the one, then the other, --repeat times.

On a noisy 2-core machine two benchmark runs a few minutes apart can differ by 20%, more than
most single changes gain; alternating the two binaries command by command puts both under the
same conditions. Prints a Markdown table of median wall and CPU seconds (the child's user +
system time) and the ratio after / before.

    cargo build --profile bench-release -p assay-cli        # after; keep a copy of the old one
    bench/.venv/bin/python bench/ab.py --before /tmp/assay-old --after target/bench-release/assay

Uses the 5M-row data of bench/generate.py (bench/data/5000000-seed42) and writes two projections
of its current.parquet next to it: the non-text columns and the text (`cat_*`) columns.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROLES = ["--exclude", "id", "--target", "target", "--prediction", "prediction",
         "--probability", "prediction_proba", "-q"]


def projections(data: Path) -> tuple[Path, Path]:
    """current.parquet without and with only its text columns (written once)."""
    numeric, text = data / "current-numeric.parquet", data / "current-text.parquet"
    if not (numeric.exists() and text.exists()):
        import pyarrow.parquet as pq

        table = pq.read_table(data / "current.parquet")
        cats = [c for c in table.column_names if c.startswith("cat_")]
        rest = [c for c in table.column_names if c not in cats]
        pq.write_table(table.select(rest), numeric, row_group_size=1_000_000)
        pq.write_table(table.select(cats), text, row_group_size=1_000_000)
    return numeric, text


def run(binary: str, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (exit 0 or 1: 1 is a failed check, not an error)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{binary} {' '.join(args)}: exit {done.returncode}\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before", required=True, help="the old assay binary")
    p.add_argument("--after", required=True, help="the new assay binary")
    p.add_argument("--data", type=Path, default=BENCH / "data" / "5000000-seed42")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", type=Path, default=Path("/tmp/assay-ab.json"), help="where reports go")
    a = p.parse_args()
    d, out = a.data, str(a.out)
    numeric, text = projections(d)
    commands = {
        "`assay profile`, Parquet": ["profile", str(d / "current.parquet"), "-o", out],
        "`assay profile`, CSV": ["profile", str(d / "current.csv"), "-o", out],
        "`assay profile`, the non-text columns (Parquet)": ["profile", str(numeric), "-o", out],
        "`assay profile`, the text columns (Parquet)": ["profile", str(text), "-o", out],
        "`assay drift`, Parquet": ["drift", str(d / "reference.parquet"), str(d / "current.parquet"),
                                   *ROLES, "-o", f"json={out}"],
        "`assay check` integrity suite, Parquet": ["check", str(d / "suite-parquet.yaml"),
                                                   "--output", f"json={out}", "--quiet"],
    }
    print("| | before | after | after / before |")
    print("|---|---|---|---|")
    for name, args in commands.items():
        times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(a.repeat):
            for label, binary in (("before", a.before), ("after", a.after)):
                times[label].append(run(binary, args))
        wall = {k: statistics.median(t[0] for t in v) for k, v in times.items()}
        cpu = {k: statistics.median(t[1] for t in v) for k, v in times.items()}
        print(f"| {name} | {wall['before']:.2f} s ({cpu['before']:.2f} CPU s) | "
              f"{wall['after']:.2f} s ({cpu['after']:.2f} CPU s) | "
              f"{wall['after'] / wall['before']:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
