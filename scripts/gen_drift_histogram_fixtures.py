#!/usr/bin/env python3
"""Generates parity fixtures for assay's histogram-based drift measures.

Writes crates/assay-stats/tests/fixtures/drift_histograms.json, which
crates/assay-stats/tests/drift_parity_histograms.rs compares assay_stats::drift against:

- "histogram" cases: two aligned count vectors -> PSI and KL divergence (Evidently 0.7's
  psi_stat_test / kl_div_stat_test formulas, with its empty-bin replacement, recomputed here in
  numpy), Jensen-Shannon distance (scipy.spatial.distance.jensenshannon, bases 2 and e),
  Hellinger distance (Evidently's formula and the equal norm form), total variation and
  L-infinity distances, chi-square (scipy.stats.chi2_contingency, with and without Yates) and
  Cramer's V (scipy.stats.contingency.association).
- "z_test" cases: pooled two-proportion Z test, the statsmodels proportions_ztest formula written
  out with numpy and scipy.stats.norm (statsmodels is not needed).
- "correction" cases: Bonferroni (numpy.minimum(1, p * m)) and Benjamini-Hochberg
  (scipy.stats.false_discovery_control(p, method="bh")).
- "binning" cases: raw samples -> bin edges (numpy.histogram_bin_edges, numpy.quantile) and bin
  counts (numpy.histogram on values clipped to the edge range) for each rule.

Evidently itself is not installed: its formulas are small and reproduced in `evidently_fill`,
`psi` and `kl` below from Evidently 0.7 (evidently/legacy/calculations/stattests/utils.py
get_binned_data with feel_zeroes=True, psi.py, kl_div.py, hellinger_distance.py).

The output is deterministic (fixed seeds, keys sorted). Run it again after changing the pins in
scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_drift_histogram_fixtures.py
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance
from scipy.stats import contingency

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "crates" / "assay-stats" / "tests" / "fixtures" / "drift_histograms.json"


def num(v):
    """A finite float (or int) for JSON; refuses NaN/inf so no case silently records one."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"non-finite value {f} in fixture")
    return f


def nums(a):
    return [num(v) for v in np.asarray(a).ravel()]


# --- Evidently 0.7 formulas -------------------------------------------------------------------


def evidently_fill(percents):
    """get_binned_data(..., feel_zeroes=True): zero shares become 0.0001, or the smallest
    non-zero share / 10**6 when that share is <= 0.0001. No renormalization."""
    percents = np.array(percents, dtype=float)
    smallest = min(percents[percents != 0])
    np.place(percents, percents == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return percents


def shares(counts):
    counts = np.asarray(counts, dtype=float)
    return counts / counts.sum()


def psi(ref, cur):
    r = evidently_fill(shares(ref))
    c = evidently_fill(shares(cur))
    return np.sum((r - c) * np.log(r / c))


def kl(ref, cur, base):
    r = evidently_fill(shares(ref))
    c = evidently_fill(shares(cur))
    return stats.entropy(r, c, base=base)


def hellinger_evidently(ref, cur):
    """hellinger_stat_test on shares: sqrt(1 - clip(sum sqrt(p q), 0, 1))."""
    bc = np.sum(np.sqrt(shares(ref) * shares(cur)))
    return math.sqrt(1 - np.clip(bc, 0, 1))


def hellinger_norm(ref, cur):
    return math.sqrt(np.sum((np.sqrt(shares(ref)) - np.sqrt(shares(cur))) ** 2) / 2)


# --- Cases ----------------------------------------------------------------------------------


def histogram_case(name, ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    p, q = shares(ref), shares(cur)
    out = {
        "kind": "histogram",
        "name": name,
        "reference": nums(ref),
        "current": nums(cur),
        "psi": num(psi(ref, cur)),
        "kl_e": num(kl(ref, cur, None)),
        "kl_2": num(kl(ref, cur, 2)),
        "js_distance_e": num(distance.jensenshannon(ref, cur)),
        "js_distance_2": num(distance.jensenshannon(ref, cur, base=2)),
        "hellinger": num(hellinger_norm(ref, cur)),
        "hellinger_evidently": num(hellinger_evidently(ref, cur)),
        "total_variation": num(0.5 * np.sum(np.abs(p - q))),
        "l_infinity": num(np.max(np.abs(p - q))),
    }
    # chi2_contingency raises on a zero expected count: drop categories empty in both rows.
    keep = (ref > 0) | (cur > 0)
    table = np.array([ref[keep], cur[keep]])
    for yates in (False, True):
        res = stats.chi2_contingency(table, correction=yates)
        out["chi2_yates" if yates else "chi2"] = {
            "statistic": num(res.statistic),
            "p_value": num(res.pvalue),
            "dof": int(res.dof),
        }
    integral = np.all(table == np.round(table))
    if integral and table.shape[1] >= 2:
        out["cramers_v"] = num(contingency.association(table.astype(np.int64), method="cramer"))
    return out


def z_case(name, ref_x, ref_n, cur_x, cur_n):
    # statsmodels proportions_ztest([cur_x, ref_x], [cur_n, ref_n]) written out: the sign is
    # current minus reference.
    count = np.array([cur_x, ref_x], dtype=float)
    nobs = np.array([cur_n, ref_n], dtype=float)
    prop = count * 1.0 / nobs
    diff = prop[0] - prop[1]
    p_pooled = np.sum(count) * 1.0 / np.sum(nobs)
    var = p_pooled * (1 - p_pooled) * np.sum(1.0 / nobs)
    z = diff / np.sqrt(var)
    return {
        "kind": "z_test",
        "name": name,
        "ref_successes": num(ref_x),
        "ref_n": num(ref_n),
        "cur_successes": num(cur_x),
        "cur_n": num(cur_n),
        "statistic": num(z),
        "p_value": num(stats.norm.sf(np.abs(z)) * 2),
    }


def correction_case(name, p):
    p = np.asarray(p, dtype=float)
    return {
        "kind": "correction",
        "name": name,
        "p": nums(p),
        "bonferroni": nums(np.minimum(1, p * len(p))),
        "bh": nums(stats.false_discovery_control(p, method="bh")),
    }


def fixed_edges(both, k):
    """numpy.histogram_bin_edges(both, bins=k), except one bin [v - 0.5, v + 0.5] for a
    single value (numpy would cut that range into k bins)."""
    if both.min() == both.max():
        return np.array([both.min() - 0.5, both.max() + 0.5])
    return np.histogram_bin_edges(both, bins=k)


def binning_case(name, ref, cur, rules):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    both = np.concatenate([ref, cur])
    results = []
    for rule, k in rules:
        if rule == "sturges":
            edges = np.histogram_bin_edges(both, bins="sturges")
        elif rule == "fixed":
            edges = fixed_edges(both, k)
        elif rule == "quantiles":
            edges = np.unique(np.quantile(ref, np.linspace(0, 1, k + 1)))
            if len(edges) < 2:
                # assay falls back to Fixed(k) over both samples for a constant reference.
                edges = fixed_edges(both, k)
        else:
            raise ValueError(rule)
        results.append(
            {
                "rule": rule,
                "bins": k,
                "edges": nums(edges),
                # Out-of-range values count in the first/last bin: clip, then numpy.histogram.
                "reference_counts": nums(np.histogram(np.clip(ref, edges[0], edges[-1]), edges)[0]),
                "current_counts": nums(np.histogram(np.clip(cur, edges[0], edges[-1]), edges)[0]),
            }
        )
    return {
        "kind": "binning",
        "name": name,
        "reference": nums(ref),
        "current": nums(cur),
        "rules": results,
    }


def cases():
    rng = np.random.default_rng(20240611)
    out = []

    # Histograms (aligned counts).
    out.append(histogram_case("identical", [10, 20, 30, 40], [10, 20, 30, 40]))
    out.append(histogram_case("identical_scaled", [1, 2, 3], [10, 20, 30]))
    out.append(histogram_case("shifted", [10, 20, 30, 40], [40, 30, 20, 10]))
    out.append(histogram_case("empty_bin_reference", [0, 5, 10, 5], [3, 5, 8, 4]))
    out.append(histogram_case("empty_bin_current", [4, 6, 8, 2], [0, 10, 10, 0]))
    out.append(histogram_case("empty_bins_both_sides", [0, 10, 5, 0, 2], [7, 0, 5, 0, 3]))
    out.append(histogram_case("tiny_share_fill", [1, 20000, 0, 9999], [5000, 5000, 5000, 5000]))
    out.append(histogram_case("very_skewed", [99990, 5, 5], [10, 45000, 54990]))
    out.append(histogram_case("two_categories", [30, 70], [45, 55]))
    out.append(histogram_case("two_categories_small_diff", [10, 10], [10, 11]))
    out.append(histogram_case("two_categories_large", [512340, 487660], [498000, 502000]))
    out.append(histogram_case("single_category", [5, 0], [3, 0]))
    out.append(histogram_case("fractional_weights", [0.5, 1.25, 3.75, 0.0], [2.5, 0.0, 1.0, 0.75]))
    many_ref = rng.multinomial(5000, rng.dirichlet(np.ones(50)))
    many_cur = rng.multinomial(4000, rng.dirichlet(np.ones(50)))
    many_ref[[3, 17]] = 0
    many_cur[[17, 40, 41]] = 0
    out.append(histogram_case("many_categories", many_ref, many_cur))
    near_ref = rng.multinomial(100000, np.full(30, 1 / 30))
    near_cur = rng.multinomial(100000, np.full(30, 1 / 30))
    out.append(histogram_case("many_categories_no_drift", near_ref, near_cur))

    # Two-proportion Z tests.
    out.append(z_case("moderate", 30, 100, 45, 100))
    out.append(z_case("decrease", 45, 100, 30, 100))
    out.append(z_case("rare_events", 5, 1000, 15, 1200))
    out.append(z_case("equal_shares", 500, 1000, 50, 100))
    out.append(z_case("zero_in_reference", 0, 50, 3, 60))
    out.append(z_case("far_tail", 99990, 100000, 99000, 100000))
    out.append(z_case("fractional", 12.5, 40.25, 20.75, 35.5))

    # Multiple-testing corrections.
    out.append(
        correction_case(
            "scipy_doc",
            [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
             0.4262, 0.5719, 0.6528, 0.7590, 1.000],
        )
    )
    out.append(correction_case("unsorted", [0.5, 0.6, 0.1, 0.001]))
    out.append(correction_case("ties", [0.01, 0.04, 0.01, 0.04, 0.5, 0.04, 0.01]))
    out.append(correction_case("zeros_and_ones", [0.0, 1.0, 0.0, 0.3, 1.0]))
    out.append(correction_case("two", [0.03, 0.02]))
    out.append(correction_case("random_40", rng.uniform(size=40) ** 3))

    # Binning of raw samples.
    all_rules = [("sturges", None), ("fixed", 10), ("fixed", 7), ("quantiles", 10), ("quantiles", 4)]
    out.append(
        binning_case("normal_shift", rng.normal(0, 1, 200), rng.normal(0.5, 1.2, 150), all_rules)
    )
    # n = 128, a power of two: log2(n) + 1 = 8 exactly, where numpy's ceil can give 9.
    out.append(binning_case("power_of_two_size", rng.normal(0, 1, 64), rng.normal(0, 1, 64), all_rules))
    out.append(
        binning_case(
            "discrete_values",
            rng.integers(0, 5, 300).astype(float),
            rng.integers(0, 7, 250).astype(float),
            all_rules,
        )
    )
    out.append(
        binning_case(
            "current_outside_reference",
            rng.uniform(10, 20, 100),
            np.concatenate([rng.uniform(0, 30, 80), [-5.0, 45.0]]),
            all_rules,
        )
    )
    out.append(
        binning_case("constant_reference", np.full(20, 3.0), [1.0, 3.0, 4.0, 8.0, 3.0], all_rules)
    )
    out.append(binning_case("single_value", np.full(5, -2.0), np.full(3, -2.0), all_rules))
    out.append(
        binning_case(
            "skewed_lognormal",
            rng.lognormal(0, 1.5, 500),
            rng.lognormal(0.3, 1.5, 400),
            [("sturges", None), ("fixed", 30), ("quantiles", 20)],
        )
    )
    out.append(
        binning_case(
            "large_sturges",
            rng.normal(100, 15, 1500),
            rng.normal(103, 15, 1000),
            [("sturges", None), ("quantiles", 10)],
        )
    )
    return out


def main():
    doc = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "evidently_formulas": "0.7 (get_binned_data feel_zeroes, psi, kl_div, hellinger), reproduced in numpy",
        },
        "cases": cases(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line: small diffs when a case changes.
    versions = json.dumps(doc["versions"], sort_keys=True)
    lines = ",\n".join("  " + json.dumps(c, sort_keys=True) for c in doc["cases"])
    with OUTPUT.open("w") as f:
        f.write(f'{{\n "versions": {versions},\n "cases": [\n{lines}\n ]\n}}\n')
    json.loads(OUTPUT.read_text())  # well-formed
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(doc['cases'])} cases)")


if __name__ == "__main__":
    main()
