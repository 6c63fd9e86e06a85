"""Builds the bike-sharing drift example from the UCI Bike Sharing hourly data.

Source: ../../../shared/data/bike_sharing_hour.csv (Fanaee-T & Gama, UCI Machine Learning
Repository, hourly rentals of Capital Bikeshare, Washington D.C., 2011-2012).

Writes, next to this script:
  winter.csv  January-March 2011     (reference of the seasonal example)
  summer.csv  June-August 2011       (current: warmer, more rentals -> drift must be found)
  half_a.csv, half_b.csv             a seeded random 50/50 split of every row
                                     (same distribution -> nothing may be flagged)

The source file has three defects that are kept out of the example files: a blank line, a line
holding a lone carriage return, and one hour written "0 " (trailing space). Fields are stripped
and empty lines dropped; nothing else is changed.

Run:  python3 examples/bike_sharing/split.py [path/to/bike_sharing_hour.csv]
"""

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "data" / "bike_sharing_hour.csv"
SEED = 20111


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    with open(source, newline="") as f:
        rows = [[v.strip() for v in r] for r in csv.reader(f)]
    rows = [r for r in rows if any(v for v in r)]
    header, body = rows[0], rows[1:]
    day = header.index("dteday")
    winter = [r for r in body if r[day][:7] in ("2011-01", "2011-02", "2011-03")]
    summer = [r for r in body if r[day][:7] in ("2011-06", "2011-07", "2011-08")]
    shuffled = body[:]
    random.Random(SEED).shuffle(shuffled)
    half = len(shuffled) // 2
    outputs = {
        "winter.csv": winter,
        "summer.csv": summer,
        "half_a.csv": sorted(shuffled[:half], key=lambda r: int(r[0])),
        "half_b.csv": sorted(shuffled[half:], key=lambda r: int(r[0])),
    }
    for name, part in outputs.items():
        with open(HERE / name, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(part)
        print(f"{name}: {len(part)} rows")


if __name__ == "__main__":
    main()
