#!/usr/bin/env python3
"""Generates the SALib / scipy parity fixtures of assay's global sensitivity analysis.

Writes two files:

- crates/assay-stats/tests/fixtures/sensitivity_parity.json, which
  crates/assay-stats/tests/sensitivity_parity.rs compares assay_stats::sensitivity against:

  - ``sobol``: points of ``scipy.stats.qmc.Sobol(d, scramble=False)`` for several ``d``,
    with and without ``fast_forward`` (the number of skipped points), stored as integers
    ``x * 2**30`` (scipy's unscrambled points are multiples of 2**-30, so the integers are
    exact); the scaled direction numbers (scipy's ``Sobol._sv``) of a few dimensions of a
    2048-dimensional sequence, and a weighted checksum of all 2048 x 30 of them.
  - ``numpy_rng``: ``np.random.default_rng(seed)`` draws (``integers`` with 32- and 64-bit
    ranges, ``shuffle`` of an identity matrix's rows, ``choice``), which SALib uses for the
    Morris design and for the seeded bootstrap of both analyzers.
  - ``distributions``: SALib ``_nonuniform_scale_samples`` (uniform, normal, truncated
    normal, triangular, lognormal, log-uniform, Weibull) on hand-picked unit-cube values;
    infinities are written as the strings "inf" / "-inf".
  - ``saltelli``: ``SALib.sample.sobol.sample(problem, N, calc_second_order=...,
    scramble=False, skip_values=...)`` for the Ishigami function, a Sobol G function (with
    second-order indices) and a problem mixing every distribution; the model outputs Y
    (SALib's Ishigami / Sobol_G test functions) and ``SALib.analyze.sobol.analyze(problem,
    Y, calc_second_order=..., num_resamples=100, conf_level=0.95, seed=...)``.
  - ``morris``: ``SALib.sample.morris.sample(problem, N, num_levels=..., seed=...)``, Y and
    ``SALib.analyze.morris.analyze(problem, X, Y, num_resamples=100, conf_level=0.95,
    num_levels=..., seed=...)``.

  Arrays of design rows are flattened row-major. The JSON records the python, numpy, scipy
  and SALib versions.

- crates/assay-stats/src/sensitivity/sobol_directions.rs: the Joe-Kuo direction numbers
  (``new-joe-kuo-6.21201``, as scipy ships them in ``scipy/stats/_sobol_direction_numbers.npz``)
  of the first 2048 dimensions, as two flat Rust arrays (the primitive polynomials and the
  initial direction numbers m_1..m_s of each dimension).

The output is deterministic. Run it again after changing the pins in
scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_sensitivity_fixtures.py
"""

import importlib.metadata
import json
import math
import os
import platform
import warnings
from pathlib import Path

import numpy as np
import scipy

from scipy.stats import qmc
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami, Sobol_G
from SALib.util import _nonuniform_scale_samples

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "crates/assay-stats/tests/fixtures/sensitivity_parity.json"
DIRECTIONS = ROOT / "crates/assay-stats/src/sensitivity/sobol_directions.rs"

# Dimensions of the embedded direction-number table (a Saltelli design of D inputs needs 2D).
MAX_DIMS = 2048
BITS = 30


def floats(values):
    """Plain floats, infinities as strings (JSON has no infinity)."""
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        v = float(v)
        if math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        elif math.isnan(v):
            raise ValueError("NaN in a fixture")
        else:
            out.append(v)
    return out


def sobol_ints(points):
    scaled = np.asarray(points) * float(2**BITS)
    ints = scaled.astype(np.int64)
    assert np.array_equal(ints.astype(float), scaled)
    return [int(v) for v in ints.ravel()]


def sobol_section():
    cases = []
    for d, skip, n in [(1, 0, 256), (2, 0, 256), (3, 0, 256), (10, 0, 128), (64, 0, 64),
                       (5, 1, 64), (6, 1000, 50), (12, 4096, 33)]:
        eng = qmc.Sobol(d, scramble=False)
        if skip:
            eng.fast_forward(skip)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pts = eng.random(n)
        cases.append({"d": d, "skip": skip, "n": n, "points": sobol_ints(pts)})
    eng = qmc.Sobol(MAX_DIMS, scramble=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pts = eng.random(8)
    cases.append({"d": MAX_DIMS, "skip": 0, "n": 8, "points": sobol_ints(pts)})
    sv = np.asarray(qmc.Sobol(MAX_DIMS, scramble=False)._sv, dtype=np.uint64)
    assert sv.shape == (MAX_DIMS, BITS)
    # sum over (j, k) of sv[j, k] * ((30 j + k) mod 1009 + 1), modulo the Mersenne prime 2^61 - 1.
    modulus = (1 << 61) - 1
    checksum = 0
    for j in range(MAX_DIMS):
        for k in range(BITS):
            checksum = (checksum + int(sv[j, k]) * (((BITS * j + k) % 1009) + 1)) % modulus
    picked = [0, 1, 2, 3, 4, 99, 511, 1023, 1500, MAX_DIMS - 1]
    return {
        "bits": BITS,
        "cases": cases,
        "directions": {
            "d": MAX_DIMS,
            "checksum": checksum,
            "dims": picked,
            "sv": [[int(v) for v in sv[j]] for j in picked],
        },
    }


def numpy_rng_section():
    out = []
    for seed in [1, 12345, 2**40 + 7, 2**64 - 1]:
        g = np.random.default_rng(seed)
        small = g.integers(1000, size=40)
        one = g.integers(1, size=3)
        full32 = g.integers(2**32, size=5)
        big = g.integers(2**40 + 3, size=7)
        after = g.integers(7, size=9)
        g = np.random.default_rng(seed)
        eye = np.eye(9)
        g.shuffle(eye)
        perm = [int(np.argmax(row)) for row in eye]
        signs = g.choice([-1, 1], 12)
        levels = g.choice(np.linspace(0, 2 / 3, 3), 12)
        out.append({
            "seed": seed,
            "integers_1000": [int(v) for v in small],
            "integers_1": [int(v) for v in one],
            "integers_2_32": [int(v) for v in full32],
            "integers_2_40_plus_3": [int(v) for v in big],
            "integers_7": [int(v) for v in after],
            "shuffle_9": perm,
            "choice_signs": [int(v) for v in signs],
            "choice_levels": floats(levels),
        })
    return out


DIST_CASES = [
    ("unif", [-2.5, 7.25]),
    ("norm", [1.5, 0.3]),
    ("truncnorm", [-1.0, 2.0, 0.5, 1.2]),
    ("truncnorm", [2.0, 5.0, 0.0, 1.0]),
    ("truncnorm", [-6.0, -3.0, 0.0, 1.0]),
    ("triang", [1.0, 3.0, 0.25]),
    ("triang", [-1.0, 4.0, 0.0]),
    ("lognorm", [0.5, 0.75]),
    ("logunif", [0.01, 100.0]),
    ("weibull", [1.5, 2.0, 0.5]),
]
UNIT = [0.0, 1e-300, 1e-12, 0.001, 0.025, 0.1, 0.25, 1.0 / 3.0, 0.5, 0.6, 0.75, 0.9, 0.975,
        0.999, 1.0 - 1e-12, 1.0]


def distributions_section():
    out = []
    u = np.array(UNIT, dtype=float).reshape(-1, 1)
    for dist, params in DIST_CASES:
        x = _nonuniform_scale_samples(u.copy(), [params], [dist])
        out.append({"dist": dist, "params": params, "u": UNIT, "x": floats(x[:, 0])})
    return out


ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
G_A = [0.0, 1.0, 4.5, 9.0]
G_PROBLEM = {"num_vars": 4, "names": ["g1", "g2", "g3", "g4"], "bounds": [[0.0, 1.0]] * 4}
MIXED = {
    "num_vars": len(DIST_CASES),
    "names": [f"m{i}" for i in range(len(DIST_CASES))],
    "bounds": [p for _, p in DIST_CASES],
    "dists": [d for d, _ in DIST_CASES],
}


def mixed_model(x):
    """A smooth model of the mixed problem's inputs (all finite for skip >= 1)."""
    return (x[:, 0] + 0.5 * x[:, 1] ** 2 + np.sin(x[:, 2]) * x[:, 3] + x[:, 4] * x[:, 5]
            + np.log(x[:, 7]) + 0.1 * x[:, 8] + np.sqrt(x[:, 9]) * x[:, 6])


def problem_json(problem):
    out = {"names": problem["names"], "bounds": problem["bounds"]}
    for key in ("dists", "a"):
        if key in problem:
            out[key] = problem[key]
    return out


def saltelli_case(name, problem, model, n, second_order, skip, seed):
    problem = dict(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = sobol_sample.sample(problem, n, calc_second_order=second_order, scramble=False,
                                skip_values=skip)
        y = model(x)
        si = sobol_analyze.analyze(problem, y, calc_second_order=second_order,
                                   num_resamples=100, conf_level=0.95, seed=seed)
    analyzed = {
        "seed": seed,
        "num_resamples": 100,
        "conf_level": 0.95,
        "S1": floats(si["S1"]),
        "S1_conf": floats(si["S1_conf"]),
        "ST": floats(si["ST"]),
        "ST_conf": floats(si["ST_conf"]),
    }
    if second_order:
        d = problem["num_vars"]
        pairs = [(j, k) for j in range(d) for k in range(j + 1, d)]
        analyzed["S2"] = [[j, k, float(si["S2"][j, k])] for j, k in pairs]
        analyzed["S2_conf"] = [[j, k, float(si["S2_conf"][j, k])] for j, k in pairs]
    return {
        "name": name,
        "problem": problem_json(problem),
        "n": n,
        "second_order": second_order,
        "skip": skip,
        "x": floats(x),
        "y": floats(y),
        "analyze": analyzed,
    }


def morris_case(name, problem, model, n, num_levels, seed, analyze_seed):
    problem = dict(problem)
    x = morris_sample.sample(problem, n, num_levels=num_levels, seed=seed)
    y = model(x)
    si = morris_analyze.analyze(problem, x, y, num_resamples=100, conf_level=0.95,
                                num_levels=num_levels, seed=analyze_seed)
    return {
        "name": name,
        "problem": problem_json(problem),
        "n": n,
        "num_levels": num_levels,
        "seed": seed,
        "x": floats(x),
        "y": floats(y),
        "analyze": {
            "seed": analyze_seed,
            "num_resamples": 100,
            "conf_level": 0.95,
            "mu": floats(si["mu"]),
            "mu_star": floats(si["mu_star"]),
            "sigma": floats(si["sigma"]),
            "mu_star_conf": floats(si["mu_star_conf"]),
        },
    }


def write_directions():
    path = os.path.join(os.path.dirname(qmc.__file__), "_sobol_direction_numbers.npz")
    dns = np.load(path)
    poly = [int(v) for v in dns["poly"][:MAX_DIMS]]
    vinit = dns["vinit"][:MAX_DIMS]
    flat = []
    for j in range(1, MAX_DIMS):
        degree = int(math.log2(poly[j]))
        flat.extend(int(v) for v in vinit[j, :degree])

    def rows(values, per_line):
        lines = []
        for i in range(0, len(values), per_line):
            lines.append("    " + ", ".join(str(v) for v in values[i:i + per_line]) + ",")
        return "\n".join(lines)

    text = f"""//! Joe-Kuo direction numbers (`new-joe-kuo-6.21201`) of the first {MAX_DIMS} Sobol'
//! dimensions, exactly as scipy {scipy.__version__} ships them
//! (`scipy/stats/_sobol_direction_numbers.npz`).
//!
//! Generated by `scripts/gen_sensitivity_fixtures.py`; do not edit.

/// Number of dimensions in the table.
pub(crate) const MAX_DIMS: usize = {MAX_DIMS};

/// Primitive polynomial of each dimension, with its leading and trailing one bits: dimension
/// `j` has degree `s = floor(log2(POLY[j]))` and coefficients `a_1..a_(s-1)` in the bits
/// between. Dimension 0 (`1`) is the van der Corput sequence.
#[rustfmt::skip]
pub(crate) static POLY: [u32; {MAX_DIMS}] = [
{rows(poly, 16)}
];

/// Initial direction numbers `m_1..m_s` of dimensions 1.., concatenated (dimension 0 has
/// none).
#[rustfmt::skip]
pub(crate) static VINIT: [u32; {len(flat)}] = [
{rows(flat, 20)}
];
"""
    DIRECTIONS.write_text(text)


def main():
    write_directions()
    ishigami = lambda x: Ishigami.evaluate(x, A=7.0, B=0.1)  # noqa: E731
    g_function = lambda x: Sobol_G.evaluate(x, a=np.array(G_A))  # noqa: E731
    fixture = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "SALib": importlib.metadata.version("SALib"),
        },
        "sobol": sobol_section(),
        "numpy_rng": numpy_rng_section(),
        "distributions": distributions_section(),
        "saltelli": [
            saltelli_case("ishigami", ISHIGAMI, ishigami, 512, False, 0, 20240611),
            saltelli_case("ishigami_skip", ISHIGAMI, ishigami, 256, False, 256, 7),
            saltelli_case("g_second_order", {**G_PROBLEM, "a": G_A}, g_function, 256, True,
                          0, 99),
            saltelli_case("mixed", MIXED, mixed_model, 64, False, 64, 3),
        ],
        "morris": [
            morris_case("ishigami", ISHIGAMI, ishigami, 50, 4, 11, 12),
            morris_case("g", {**G_PROBLEM, "a": G_A}, g_function, 40, 6, 2**40 + 1, 5),
            morris_case("mixed_bounded",
                        {"num_vars": 4, "names": ["u", "t", "tri", "lu"],
                         "bounds": [[-1.0, 3.0], [-1.0, 2.0, 0.5, 1.2], [1.0, 3.0, 0.25],
                                    [0.01, 100.0]],
                         "dists": ["unif", "truncnorm", "triang", "logunif"]},
                        lambda x: x[:, 0] * x[:, 1] + x[:, 2] ** 2 + np.log(x[:, 3]),
                        30, 8, 3, 4),
        ],
    }
    text = json.dumps(fixture, sort_keys=True, separators=(",", ":"), allow_nan=False)
    FIXTURE.write_text(text + "\n")
    print(f"wrote {FIXTURE} ({len(text)} bytes) and {DIRECTIONS}")


if __name__ == "__main__":
    main()
