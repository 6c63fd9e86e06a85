"""Cuts production batches for the monitoring walk-through out of the Adult "current" split.

batch_ok.csv       rows 0..999 of adult_current.csv, as they are, with an event id
batch_drifted.csv  rows 1000..1999 with age + 25 years and hours-per-week doubled
labels.csv         the true income of the batch_ok events (delayed labels, joined by id)

Standard library only: python3 examples/monitoring/make_batches.py
"""
import csv
from pathlib import Path

HERE = Path(__file__).parent
with open(HERE.parent / "adult" / "adult_current.csv", newline="") as f:
    rows = list(csv.reader(f))
header, data = rows[0], rows[1:]
age, hours, income = header.index("age"), header.index("hours-per-week"), header.index("income-per-year")


def write(name, rows, first_id, drop_income):
    cols = [c for c in header if not (drop_income and c == "income-per-year")]
    with open(HERE / name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["event_id"] + cols)
        for i, r in enumerate(rows):
            w.writerow([f"ev-{first_id + i}"] + [v for c, v in zip(header, r) if c in cols])


write("batch_ok.csv", data[0:1000], 0, drop_income=True)
drifted = []
for r in data[1000:2000]:
    r = list(r)
    r[age] = str(int(r[age]) + 25)
    r[hours] = str(int(r[hours]) * 2)
    drifted.append(r)
write("batch_drifted.csv", drifted, 1000, drop_income=True)
with open(HERE / "labels.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["event_id", "income-per-year"])
    for i, r in enumerate(data[0:1000]):
        w.writerow([f"ev-{i}", r[income]])
