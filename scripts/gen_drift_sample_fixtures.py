#!/usr/bin/env python3
"""Generates the scipy parity fixtures of assay's sample-based drift tests.

Writes crates/assay-stats/tests/fixtures/drift_samples.json, which
crates/assay-stats/tests/drift_parity_samples.rs compares assay_stats::drift against:

- ``cases``: two samples ``x`` (reference) and ``y`` (current) each, with scipy's
  ``ks_2samp(x, y)``, ``cramervonmises_2samp(x, y)``, ``anderson_ksamp([x, y],
  variant='midrank')`` (the same statistic and p-value as ``midrank=True``),
  ``mannwhitneyu(x, y)``, ``wasserstein_distance(x, y)`` and ``energy_distance(x, y)``, all with
  default arguments. A test that scipy rejects (raises, or returns NaN) is recorded as null.
  The p-value method scipy used is recorded too (for ks_2samp: "exact" unless the sizes exceed
  10000 or scipy warned that the exact computation failed).
- ``anderson_ksamp_cases``: three and more samples for ``anderson_ksamp``.
- ``weighted_distance_cases``: fractional weights for ``wasserstein_distance`` and
  ``energy_distance``.

Samples come from seeded numpy generators, rounded to a few decimals to keep the file small
(about 1 MB); the rounded values are what scipy sees. The output is deterministic. Run it again
after changing the pins in scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_drift_sample_fixtures.py
"""

import json
import math
import platform
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "crates" / "assay-stats" / "tests" / "fixtures" / "drift_samples.json"

KS_MAX_AUTO_N = 10000  # scipy's MAX_AUTO_N in ks_2samp
CVM_MAX_EXACT_N = 20  # cramervonmises_2samp(method='auto') is exact up to this size


def num(v):
    """A finite float for JSON, or None for NaN (scipy's 'undefined')."""
    f = float(v)
    if math.isnan(f):
        return None
    if not math.isfinite(f):
        raise ValueError(f"non-finite value {f} in fixture")
    return f


def data(a):
    """Sample values as plain Python numbers (ints stay ints: shorter JSON)."""
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):
        return [int(v) for v in a]
    return [float(v) for v in a]


def ks(x, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = stats.ks_2samp(x, y)
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    exact = max(len(x), len(y)) <= KS_MAX_AUTO_N and not fell_back
    return {
        "statistic": num(r.statistic),
        "pvalue": num(r.pvalue),
        "method": "exact" if exact else "asymptotic",
    }


def cvm(x, y):
    if len(x) < 2 or len(y) < 2:
        return None
    r = stats.cramervonmises_2samp(x, y)
    if math.isnan(r.statistic):
        return None
    method = "exact" if max(len(x), len(y)) <= CVM_MAX_EXACT_N else "asymptotic"
    return {"statistic": num(r.statistic), "pvalue": num(r.pvalue), "method": method}


def anderson(samples):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.anderson_ksamp(samples, variant="midrank")
    except (ValueError, IndexError):
        return None
    if math.isnan(r.statistic) or math.isnan(r.pvalue):
        return None
    return {"statistic": num(r.statistic), "pvalue": num(r.pvalue), "method": "interpolated"}


def mwu(x, y):
    r = stats.mannwhitneyu(x, y)
    _, counts = np.unique(np.concatenate([x, y]), return_counts=True)
    ties = bool(np.any(counts > 1))
    if len(x) > 8 and len(y) > 8:
        method = "asymptotic"
    elif ties:
        method = "asymptotic"
    else:
        method = "exact"
    return {"statistic": num(r.statistic), "pvalue": num(r.pvalue), "method": method}


def case(name, x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    xf, yf = x.astype(float), y.astype(float)
    return {
        "name": name,
        "x": data(x),
        "y": data(y),
        "ks_2samp": ks(xf, yf),
        "cramervonmises_2samp": cvm(xf, yf),
        "anderson_ksamp": anderson([xf, yf]),
        "mannwhitneyu": mwu(xf, yf),
        "wasserstein_distance": num(stats.wasserstein_distance(xf, yf)),
        "energy_distance": num(stats.energy_distance(xf, yf)),
    }


def cases():
    rng = np.random.default_rng(20240611)

    def normal(n, loc=0.0, scale=1.0, decimals=5):
        return np.round(rng.normal(loc, scale, n), decimals)

    out = []
    # Small samples: exact p-values of every test.
    out.append(case("small_equal_n10", normal(10), normal(10, 0.5)))
    out.append(case("small_unequal_7_5", normal(7), normal(5, 0.3)))
    out.append(case("small_shifted_8_13", normal(8, 1.0), normal(13)))
    out.append(case("tiny_3_4", normal(3), normal(4)))
    out.append(case("tiny_2_2_interleaved", [1.0, 3.0], [2.0, 4.0]))
    out.append(case("one_element_each", [0.25], [1.5]))
    out.append(case("one_element_vs_30", [0.1], normal(30)))
    out.append(case("two_vs_one", [1.0, 2.0], [3.0]))
    out.append(case("disjoint_small_6_9", normal(6, -5.0), normal(9, 5.0)))
    # ks_2samp: n1 == n2 with D = 1/n, where scipy's exact formula exceeds 1 and it falls back
    # to the asymptotic distribution.
    out.append(case("ks_exact_fallback_n5", [1.0, 2.0, 3.0, 4.0, 5.0], [1.5, 2.0, 3.0, 4.0, 5.0]))
    # Cramér-von Mises exact enumeration at its largest sizes, and just past them.
    out.append(case("cvm_exact_19_20", normal(19), normal(20, 0.4)))
    out.append(case("cvm_exact_20_20_ties", rng.integers(0, 6, 20), rng.integers(0, 6, 20)))
    out.append(case("cvm_asymptotic_21_30", normal(21), normal(30, 0.2)))
    # Mann-Whitney exact with one small sample against a larger one.
    out.append(case("mwu_exact_8_100", normal(8, 0.3), normal(100)))
    # (distinct integers: no ties, so scipy's exact distribution applies at 3 vs 10500)
    distinct = rng.choice(10**6, size=10503, replace=False)
    out.append(case("mwu_exact_3_10500", distinct[:3] + 400000, distinct[3:]))
    # Ties and discrete data.
    out.append(case("ties_small_int_15_12", rng.integers(0, 5, 15), rng.integers(0, 5, 12)))
    out.append(case("ties_small_mixed", [1.0, 1.0, 2.0], [2.0, 2.0, 3.0, 3.0]))
    out.append(case("ties_poisson_3000_2500", rng.poisson(3.0, 3000), rng.poisson(3.2, 2500)))
    out.append(case("binomial_shift_800_700", rng.binomial(5, 0.4, 800), rng.binomial(5, 0.5, 700)))
    out.append(case("ties_int_large_15000_12000", rng.integers(0, 10, 15000), rng.integers(0, 10, 12000)))
    # Constant and identical samples.
    out.append(case("constant_both", [7.0] * 5, [7.0] * 6))
    out.append(case("constant_both_large", [7] * 40, [7] * 30))
    shared = normal(50)
    out.append(case("identical_50", shared, shared.copy()))
    out.append(case("same_distribution_200_180", normal(200), normal(180)))
    # Medium sizes on the exact KS paths (square and inside method).
    out.append(case("ks_exact_square_2000", normal(2000), normal(2000, 0.05)))
    out.append(case("ks_exact_inside_4000_3000", normal(4000), normal(3000, 0.03)))
    out.append(case("ks_exact_10000_9999", normal(10000, decimals=4), normal(9999, 0.02, decimals=4)))
    # Large samples: asymptotic KS (kstwo with n = round(n1 n2 / (n1 + n2))).
    out.append(case("large_20000_15000_shift", normal(20000, decimals=4), normal(15000, 0.03, decimals=4)))
    out.append(case("large_12000_11000_same", normal(12000, decimals=4), normal(11000, decimals=4)))
    out.append(case("large_10001_10500_far", normal(10001, decimals=3), normal(10500, 0.6, decimals=3)))
    out.append(case("large_10500_vs_40", normal(10500, decimals=4), normal(40, 0.4)))
    out.append(case("large_10500_vs_100_same", normal(10500, decimals=4), normal(100)))
    # Scales.
    out.append(case("very_different_scales", normal(40, 0.0, 1e-6, 12), normal(35, 0.0, 1e6, 0)))
    out.append(case("negative_and_zero", np.round(rng.normal(-2, 3, 60)), np.round(rng.normal(-1.5, 3, 70))))
    out.append(case("lognormal_heavy_tail", np.round(rng.lognormal(0, 2, 300), 4), np.round(rng.lognormal(0.2, 2, 250), 4)))
    return out


def anderson_ksamp_cases():
    rng = np.random.default_rng(7)
    out = []

    def add(name, samples):
        samples = [np.asarray(s) for s in samples]
        res = anderson([s.astype(float) for s in samples])
        out.append({"name": name, "samples": [data(s) for s in samples], "anderson_ksamp": res})

    add("three_normal_shifted", [np.round(rng.normal(m, 1, n), 5) for m, n in [(0, 50), (0.3, 60), (0.6, 40)]])
    add("three_same", [np.round(rng.normal(0, 1, n), 5) for n in (30, 35, 40)])
    add("four_ties", [rng.integers(0, 4, n) for n in (20, 25, 30, 22)])
    add("five_far", [np.round(rng.normal(m, 1, 15), 4) for m in (0, 2, 4, 6, 8)])
    add("three_with_single_element", [[0.5], np.round(rng.normal(0, 1, 10), 5), np.round(rng.normal(0, 1, 12), 5)])
    return out


def weighted_distance_cases():
    rng = np.random.default_rng(11)
    out = []
    for name, (nu, nv) in [("weighted_small", (5, 7)), ("weighted_medium", (200, 150))]:
        u = np.round(rng.normal(0, 1, nu), 4)
        v = np.round(rng.normal(0.3, 1.5, nv), 4)
        uw = np.round(rng.uniform(0.05, 3.0, nu), 6)
        vw = np.round(rng.uniform(0.05, 3.0, nv), 6)
        out.append({
            "name": name,
            "u_values": data(u),
            "v_values": data(v),
            "u_weights": data(uw),
            "v_weights": data(vw),
            "wasserstein_distance": num(stats.wasserstein_distance(u, v, uw, vw)),
            "energy_distance": num(stats.energy_distance(u, v, uw, vw)),
        })
    return out


def main():
    fixture = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "cases": cases(),
        "anderson_ksamp_cases": anderson_ksamp_cases(),
        "weighted_distance_cases": weighted_distance_cases(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w") as f:
        json.dump(fixture, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, {len(fixture['cases'])} cases)")


if __name__ == "__main__":
    main()
