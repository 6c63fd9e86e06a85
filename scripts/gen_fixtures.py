#!/usr/bin/env python3
"""Generates parity fixtures from pandas/numpy, the reference implementations assay is compared to.

Reads the UCI Adult example split (examples/adult/adult_reference.csv and adult_current.csv) and
writes crates/assay-cli/tests/fixtures/adult_pandas.json, which Rust tests compare assay's
profiles and checks against. Missing values in the Adult data are written as "?"; the files are
read with na_values=["?"] and keep_default_na=False, so only "?" and empty fields are NA (the
strings "NA", "null", "nan" and so on stay ordinary values).

The output is deterministic: keys sorted, ties in frequent values broken by value, numpy scalars
converted to Python ints/floats. Run it again after changing the example data or the pins in
scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_fixtures.py
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
INPUTS = {
    "reference": ROOT / "examples" / "adult" / "adult_reference.csv",
    "current": ROOT / "examples" / "adult" / "adult_current.csv",
}
OUTPUT = ROOT / "crates" / "assay-cli" / "tests" / "fixtures" / "adult_pandas.json"

QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9]
# Normalized rank error of a KLL sketch with k=200 (about 1.65 / k**0.9, rounded up).
KLL_RANK_EPS = 0.0134
TARGET = "income-per-year"


def py(v):
    """Converts numpy/pandas scalars to plain Python values for JSON."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"non-finite float {f} in fixture")
        return f
    if isinstance(v, str):
        return str(v)
    raise TypeError(f"unexpected value {v!r} of type {type(v)}")


def read(path):
    return pd.read_csv(path, na_values=["?"], keep_default_na=False)


def is_numeric(s):
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def top(s):
    """Most frequent non-null value; ties broken by the smallest value."""
    vc = s.value_counts(dropna=True)
    if vc.empty:
        return None, 0
    items = sorted(((py(v), py(c)) for v, c in vc.items()), key=lambda t: (-t[1], t[0]))
    return items[0]


def inverted_cdf(values, q):
    return py(np.quantile(values, q, method="inverted_cdf"))


def column_profile(s):
    rows = len(s)
    nulls = int(s.isna().sum())
    top_value, top_count = top(s)
    out = {
        "dtype": str(s.dtype),
        "nulls": nulls,
        "null_share": nulls / rows if rows else 0.0,
        "distinct": int(s.nunique(dropna=True)),
        "top_value": top_value,
        "top_count": top_count,
    }
    nn = s.dropna()
    if is_numeric(s):
        values = nn.to_numpy()
        out["mean"] = py(nn.mean())
        out["std"] = py(nn.std(ddof=1))
        out["min"] = py(nn.min())
        out["max"] = py(nn.max())
        out["quantiles"] = [
            {
                "q": q,
                "exact": inverted_cdf(values, q),
                "low": inverted_cdf(values, max(0.0, q - KLL_RANK_EPS)),
                "high": inverted_cdf(values, min(1.0, q + KLL_RANK_EPS)),
            }
            for q in QUANTILES
        ]
    else:
        lengths = nn.astype(str).str.len()
        out["min_length"] = py(lengths.min())
        out["max_length"] = py(lengths.max())
        out["mean_length"] = py(lengths.mean())
    return out


def dataset_profile(df):
    duplicates = int(df.duplicated(keep="first").sum())
    return {
        "rows": len(df),
        "columns": {c: column_profile(df[c]) for c in df.columns},
        # Rows equal (all columns, NA equal to NA) to an earlier row of the same file.
        "duplicate_rows": duplicates,
        "duplicate_share": duplicates / len(df) if len(df) else 0.0,
    }


SENTINEL = object()


def row_tuples(df):
    """Rows as tuples with every NA replaced by one sentinel, so NA equals NA."""
    cols = [df[c].astype(object).where(df[c].notna(), SENTINEL) for c in df.columns]
    return list(zip(*(c.tolist() for c in cols)))


def overlap_rows(ref, cur):
    ref_set = set(row_tuples(ref))
    return sum(1 for t in row_tuples(cur) if t in ref_set)


def new_categories(ref, cur, string_cols):
    out = {}
    for c in string_cols:
        ref_values = set(ref[c].dropna().tolist())
        cur_counts = cur[c].value_counts(dropna=True)
        new = sorted(
            (py(v), py(n)) for v, n in cur_counts.items() if v not in ref_values
        )
        rows = sum(n for _, n in new)
        non_null = int(cur[c].notna().sum())
        out[c] = {
            "values": [{"value": v, "rows": n} for v, n in new],
            "rows": rows,
            "share": rows / non_null if non_null else 0.0,
        }
    return out


def class_balance(cur):
    vc = cur[TARGET].value_counts(dropna=True)
    counts = {py(v): py(n) for v, n in vc.items()}
    total = sum(counts.values())
    minority_class, minority_count = min(counts.items(), key=lambda t: (t[1], t[0]))
    return {
        "column": TARGET,
        "counts": counts,
        "total": total,
        "minority_class": minority_class,
        "minority_count": minority_count,
        "minority_share": minority_count / total if total else 0.0,
    }


def value_range(ref, cur, numeric_cols):
    out = {}
    for c in numeric_cols:
        lo, hi = ref[c].min(), ref[c].max()
        nn = cur[c].dropna()
        outside = int(((nn < lo) | (nn > hi)).sum())
        out[c] = {
            "reference_min": py(lo),
            "reference_max": py(hi),
            "outside": outside,
            "non_null": len(nn),
            "share": outside / len(nn) if len(nn) else 0.0,
        }
    return out


def main():
    frames = {name: read(path) for name, path in INPUTS.items()}
    ref, cur = frames["reference"], frames["current"]
    if list(ref.columns) != list(cur.columns):
        raise SystemExit("reference and current have different columns")
    numeric_cols = [c for c in cur.columns if is_numeric(cur[c]) and is_numeric(ref[c])]
    string_cols = [c for c in cur.columns if c not in numeric_cols]

    duplicates = int(cur.duplicated(keep="first").sum())
    overlap = overlap_rows(ref, cur)
    fixture = {
        "generator": "scripts/gen_fixtures.py",
        "versions": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
        "inputs": {name: str(path.relative_to(ROOT)) for name, path in INPUTS.items()},
        "na_values": ["?", ""],
        "tolerances": {
            "mean": {"relative": 1e-9},
            "std": {"relative": 1e-9, "ddof": 1},
            "min": {"relative": 1e-9},
            "max": {"relative": 1e-9},
            "mean_length": {"relative": 1e-9},
            "counts": "exact: rows, nulls, distinct, top_value, top_count, min_length, "
            "max_length, duplicate_rows, overlap_rows, new_categories, class_balance counts, "
            "value_range outside",
            "shares": {"relative": 1e-12, "note": "ratios of exact counts"},
            "quantiles": {
                "method": "numpy inverted_cdf (the smallest value whose empirical CDF >= q)",
                "rank_eps": KLL_RANK_EPS,
                "rule": "a sketch's answer for q must lie in [low, high], where low and high "
                "are the exact inverted_cdf quantiles at max(0, q - rank_eps) and "
                "min(1, q + rank_eps); an exact implementation must equal `exact`",
            },
            "distinct": "exact (nunique, NA excluded); a distinct-count sketch is compared "
            "with its own documented error instead",
        },
        "reference": dataset_profile(ref),
        "current": dataset_profile(cur),
        # Dataset-level figures are about `current` (overlap: against `reference`).
        "duplicate_rows": duplicates,
        "duplicate_share": duplicates / len(cur) if len(cur) else 0.0,
        "overlap_rows": overlap,
        "overlap_share": overlap / len(cur) if len(cur) else 0.0,
        "new_categories": new_categories(ref, cur, string_cols),
        "class_balance": class_balance(cur),
        "value_range": value_range(ref, cur, numeric_cols),
    }

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fixture, sort_keys=True, indent=2, allow_nan=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
