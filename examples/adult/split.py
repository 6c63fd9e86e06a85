"""Splits the UCI Adult census data into a reference (training) and a current part.

Deterministic: row i (0-based, header excluded) goes to the current part when i % 10 >= 7,
else to the reference part, so the two parts are a 70/30 split of the original order.
Source: UCI Machine Learning Repository, Adult (Becker & Kohavi, 1996), CC BY 4.0.
Usage: python3 split.py ../../../shared/data/adult.csv
"""

import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../../../shared/data/adult.csv"
with open(src, newline="") as f:
    lines = f.read().splitlines()
header, rows = lines[0], lines[1:]
with open("adult_reference.csv", "w", newline="") as ref, open("adult_current.csv", "w", newline="") as cur:
    ref.write(header + "\n")
    cur.write(header + "\n")
    for i, row in enumerate(rows):
        (cur if i % 10 >= 7 else ref).write(row + "\n")
print(f"{len(rows)} rows split into adult_reference.csv and adult_current.csv")
