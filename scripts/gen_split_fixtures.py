#!/usr/bin/env python3
"""Generates the parity fixtures of assay's cross-validation splitters.

Writes crates/assay-stats/tests/fixtures/split_parity.json, which
crates/assay-stats/tests/splitters_parity.rs compares assay_stats::splitters against, exactly
(every train and test index list, in the order scikit-learn yields it):

- ``versions``: python, numpy and scikit-learn versions that produced the file.
- ``cases``: one scikit-learn splitter run each: ``splitter`` (assay's name: kfold,
  stratified_kfold, group_kfold, stratified_group_kfold, repeated_kfold,
  repeated_stratified_kfold, shuffle_split, stratified_shuffle_split, time_series,
  leave_one_group_out), ``params`` (n_splits, n_repeats, shuffle, seed, test_size, train_size
  as {"fraction": x} or {"count": n}, gap, max_train_size), ``n_rows``, ``classes`` and
  ``groups`` as the integer codes assay takes (np.unique's sorted order: string labels are
  passed to scikit-learn as strings and to assay as their np.unique inverse; integer labels,
  dense or not, are passed unchanged to both), and ``folds``: the [train, test] index lists of
  every split. Cases cover various n and n_splits, unbalanced classes whose first appearance is
  not their sorted order, unequal and tied group sizes, several seeds (0 to 2**32 - 1) for
  every shuffled variant, repeated variants, TimeSeriesSplit with gap / test_size /
  max_train_size, LeaveOneGroupOut.
- ``error_cases``: inputs scikit-learn rejects with a ValueError (its message is recorded);
  assay must reject them too.
- ``permutations``: numpy.random.RandomState(seed).permutation(n), to check assay's MT19937 and
  legacy shuffle on their own.
- ``approximate_mode``: sklearn.utils.extmath._approximate_mode(class_counts, n_draws,
  RandomState(seed)), the tie-breaking step of StratifiedShuffleSplit.

Only cases where scikit-learn does not warn are recorded (assay is stricter: a class with fewer
members than n_splits is an error, where scikit-learn warns). Data are drawn from a seeded numpy
generator, so the output is deterministic; n <= 200 keeps the file small. Run it again after
changing the pins in scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_split_fixtures.py
"""

import json
import platform
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    LeaveOneGroupOut,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
    TimeSeriesSplit,
)
from sklearn.utils.extmath import _approximate_mode

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "crates" / "assay-stats" / "tests" / "fixtures" / "split_parity.json"
SEEDS = [0, 1, 42, 2**32 - 1]
RNG = np.random.default_rng(20251201)


def codes(labels):
    """The integer codes assay takes: np.unique's inverse for strings, the integers otherwise."""
    if labels is None:
        return None
    arr = np.asarray(labels)
    if arr.dtype.kind in "iu":
        return [int(v) for v in arr]
    return [int(v) for v in np.unique(arr, return_inverse=True)[1]]


def size(v):
    if v is None:
        return None
    if isinstance(v, float):
        return {"fraction": v}
    return {"count": int(v)}


def make(splitter, params):
    """Instantiates the scikit-learn splitter for assay's name and parameters."""
    p = dict(params)
    seed = p.get("seed")
    if splitter == "kfold":
        return KFold(p["n_splits"], shuffle=p.get("shuffle", False), random_state=seed)
    if splitter == "stratified_kfold":
        return StratifiedKFold(p["n_splits"], shuffle=p.get("shuffle", False), random_state=seed)
    if splitter == "group_kfold":
        return GroupKFold(p["n_splits"], shuffle=p.get("shuffle", False), random_state=seed)
    if splitter == "stratified_group_kfold":
        return StratifiedGroupKFold(
            p["n_splits"], shuffle=p.get("shuffle", False), random_state=seed
        )
    if splitter == "repeated_kfold":
        return RepeatedKFold(n_splits=p["n_splits"], n_repeats=p["n_repeats"], random_state=seed)
    if splitter == "repeated_stratified_kfold":
        return RepeatedStratifiedKFold(
            n_splits=p["n_splits"], n_repeats=p["n_repeats"], random_state=seed
        )
    if splitter == "shuffle_split":
        return ShuffleSplit(
            p["n_splits"],
            test_size=p.get("test_size"),
            train_size=p.get("train_size"),
            random_state=seed,
        )
    if splitter == "stratified_shuffle_split":
        return StratifiedShuffleSplit(
            p["n_splits"],
            test_size=p.get("test_size"),
            train_size=p.get("train_size"),
            random_state=seed,
        )
    if splitter == "time_series":
        return TimeSeriesSplit(
            p["n_splits"],
            max_train_size=p.get("max_train_size"),
            test_size=p.get("test_size"),
            gap=p.get("gap", 0),
        )
    if splitter == "leave_one_group_out":
        return LeaveOneGroupOut()
    raise ValueError(splitter)


def record(cases, name, splitter, n, params, y=None, groups=None):
    cv = make(splitter, params)
    X = np.zeros((n, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        folds = [
            [[int(i) for i in train], [int(i) for i in test]]
            for train, test in cv.split(X, y, groups)
        ]
    out_params = {k: v for k, v in params.items() if k not in ("test_size", "train_size")}
    for k in ("test_size", "train_size"):
        if params.get(k) is not None:
            out_params[k] = size(params[k]) if splitter != "time_series" else {"count": params[k]}
    cases.append(
        {
            "name": name,
            "splitter": splitter,
            "params": out_params,
            "n_rows": n,
            "classes": codes(y),
            "groups": codes(groups),
            "folds": folds,
        }
    )


def record_error(errors, name, splitter, n, params, y=None, groups=None):
    cv = make(splitter, params)
    X = np.zeros((n, 1))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            list(cv.split(X, y, groups))
    except ValueError as e:
        message = str(e)
    else:
        raise AssertionError(f"{name}: scikit-learn accepted it")
    out_params = {k: v for k, v in params.items() if k not in ("test_size", "train_size")}
    for k in ("test_size", "train_size"):
        if params.get(k) is not None:
            out_params[k] = size(params[k]) if splitter != "time_series" else {"count": params[k]}
    errors.append(
        {
            "name": name,
            "splitter": splitter,
            "params": out_params,
            "n_rows": n,
            "classes": codes(y),
            "groups": codes(groups),
            "sklearn_error": message,
        }
    )


def labels_with_min_count(n, choices, p, min_count):
    """Random labels from `choices` with probabilities `p`, every label at least min_count."""
    for _ in range(1000):
        idx = RNG.choice(len(choices), size=n, p=p)
        counts = np.bincount(idx, minlength=len(choices))
        if counts.min() >= min_count:
            return np.asarray(choices)[idx]
    raise RuntimeError("could not draw labels")


def main():
    cases = []
    errors = []

    # KFold.
    for n in (10, 17, 199):
        for k in (2, 5):
            record(cases, f"kfold n={n} k={k}", "kfold", n, {"n_splits": k})
            for seed in SEEDS:
                record(
                    cases,
                    f"kfold n={n} k={k} seed={seed}",
                    "kfold",
                    n,
                    {"n_splits": k, "shuffle": True, "seed": seed},
                )
    record(cases, "kfold n=50 k=7 seed=123456789", "kfold", 50,
           {"n_splits": 7, "shuffle": True, "seed": 123456789})
    record(cases, "kfold n=7 k=7", "kfold", 7, {"n_splits": 7})

    # StratifiedKFold: binary unbalanced, strings with first appearance != sorted order,
    # non-dense integer labels, 9 classes.
    y_bin = labels_with_min_count(100, [0, 1], [0.8, 0.2], 5)
    y_str = labels_with_min_count(150, ["dog", "ant", "cat", "bee"], [0.4, 0.3, 0.2, 0.1], 5)
    y_str[0] = "dog"
    y_sparse = labels_with_min_count(60, [7, 3, 100], [0.5, 0.3, 0.2], 5)
    y_nine = labels_with_min_count(200, list(range(9)), [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.08, 0.07, 0.05], 5)
    for yname, y in (("binary", y_bin), ("strings", y_str), ("sparse ints", y_sparse), ("nine", y_nine)):
        n = len(y)
        for k in (3, 5):
            record(cases, f"stratified_kfold {yname} k={k}", "stratified_kfold", n,
                   {"n_splits": k}, y=y)
            for seed in (0, 7, 2**32 - 1):
                record(cases, f"stratified_kfold {yname} k={k} seed={seed}", "stratified_kfold",
                       n, {"n_splits": k, "shuffle": True, "seed": seed}, y=y)

    # GroupKFold: unequal (geometric) group sizes with string names, tied sizes.
    sizes = [max(1, int(40 * 0.75**i)) for i in range(15)]
    g_unequal = np.repeat([f"g{i:02d}" for i in range(15)], sizes)
    RNG.shuffle(g_unequal)
    g_tied = np.repeat(np.arange(12) * 10 + 5, 5)
    RNG.shuffle(g_tied)
    for gname, g in (("unequal strings", g_unequal), ("tied ints", g_tied)):
        n = len(g)
        for k in (2, 4, 5):
            record(cases, f"group_kfold {gname} k={k}", "group_kfold", n, {"n_splits": k},
                   groups=g)
        for seed in SEEDS:
            record(cases, f"group_kfold {gname} k=4 seed={seed}", "group_kfold", n,
                   {"n_splits": 4, "shuffle": True, "seed": seed}, groups=g)

    # StratifiedGroupKFold.
    n = 160
    g_sg = RNG.integers(0, 30, size=n)
    y_sg = labels_with_min_count(n, ["no", "yes"], [0.7, 0.3], 5)
    y_sg3 = labels_with_min_count(n, [2, 0, 1], [0.5, 0.3, 0.2], 5)
    y_sg9 = labels_with_min_count(n, list(range(9)), [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.08, 0.07, 0.05], 5)
    for yname, y in (("binary strings", y_sg), ("three", y_sg3), ("nine", y_sg9)):
        for k in (3, 5):
            record(cases, f"stratified_group_kfold {yname} k={k}", "stratified_group_kfold", n,
                   {"n_splits": k}, y=y, groups=g_sg)
        for seed in (0, 42, 2**32 - 1):
            record(cases, f"stratified_group_kfold {yname} k=4 seed={seed}",
                   "stratified_group_kfold", n, {"n_splits": 4, "shuffle": True, "seed": seed},
                   y=y, groups=g_sg)
    # A single class over 40 groups with 9 folds: numpy's pairwise fold sums.
    g40 = RNG.integers(0, 40, size=120)
    record(cases, "stratified_group_kfold one class k=9", "stratified_group_kfold", 120,
           {"n_splits": 9}, y=np.zeros(120, dtype=int), groups=g40)
    # Groups of identical class mix (ties in the std ordering), shuffled and not.
    g_same = np.repeat(np.arange(10), 6)
    y_same = np.tile([0, 0, 1, 1, 1, 0], 10)
    record(cases, "stratified_group_kfold tied groups k=3", "stratified_group_kfold", 60,
           {"n_splits": 3}, y=y_same, groups=g_same)
    record(cases, "stratified_group_kfold tied groups k=3 seed=5", "stratified_group_kfold", 60,
           {"n_splits": 3, "shuffle": True, "seed": 5}, y=y_same, groups=g_same)

    # Repeated variants.
    for seed in (0, 31337, 2**32 - 1):
        record(cases, f"repeated_kfold n=23 k=3 r=3 seed={seed}", "repeated_kfold", 23,
               {"n_splits": 3, "n_repeats": 3, "seed": seed})
        record(cases, f"repeated_stratified_kfold strings k=4 r=3 seed={seed}",
               "repeated_stratified_kfold", len(y_str),
               {"n_splits": 4, "n_repeats": 3, "seed": seed}, y=y_str)
    record(cases, "repeated_stratified_kfold binary k=5 r=2 seed=1", "repeated_stratified_kfold",
           len(y_bin), {"n_splits": 5, "n_repeats": 2, "seed": 1}, y=y_bin)

    # ShuffleSplit.
    for test_size, train_size in ((None, None), (0.25, None), (7, None), (0.3, 0.5), (None, 10),
                                  (None, 0.6), (5, 0.5)):
        for seed in (0, 42):
            record(cases, f"shuffle_split n=30 test={test_size} train={train_size} seed={seed}",
                   "shuffle_split", 30,
                   {"n_splits": 4, "test_size": test_size, "train_size": train_size,
                    "seed": seed})
    record(cases, "shuffle_split n=199 default seed=4294967295", "shuffle_split", 199,
           {"n_splits": 10, "seed": 2**32 - 1})

    # StratifiedShuffleSplit (remainder ties exercise _approximate_mode's choice).
    y_sss = np.repeat(["low", "mid", "high"], [50, 30, 20])
    RNG.shuffle(y_sss)
    y_ties = np.repeat([4, 1, 9, 2], [10, 10, 10, 7])
    RNG.shuffle(y_ties)
    y_small = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3, 0, 1, 2])
    for yname, y, sizes_ in (
        ("three strings", y_sss, ((0.2, None), (0.33, None), (0.25, 0.5), (None, 70))),
        ("ties", y_ties, ((5, None), (0.3, None), (11, 13))),
        ("small", y_small, ((4, None), (0.34, 0.5))),
    ):
        for test_size, train_size in sizes_:
            for seed in (0, 3, 2**32 - 1):
                record(cases,
                       f"stratified_shuffle_split {yname} test={test_size} train={train_size} seed={seed}",
                       "stratified_shuffle_split", len(y),
                       {"n_splits": 3, "test_size": test_size, "train_size": train_size,
                        "seed": seed}, y=y)

    # TimeSeriesSplit.
    for n, params in (
        (6, {"n_splits": 5}),
        (20, {"n_splits": 3}),
        (20, {"n_splits": 4, "test_size": 3, "gap": 2}),
        (20, {"n_splits": 3, "max_train_size": 5}),
        (50, {"n_splits": 5, "test_size": 4, "gap": 3, "max_train_size": 10}),
        (101, {"n_splits": 7, "gap": 1}),
        (12, {"n_splits": 3, "test_size": 2, "gap": 2}),
    ):
        record(cases, f"time_series n={n} {params}", "time_series", n, params)

    # LeaveOneGroupOut.
    g_logo = RNG.choice(np.array(["north", "south", "east", "west", "centre"]), size=30)
    record(cases, "leave_one_group_out strings", "leave_one_group_out", 30, {}, groups=g_logo)
    g_logo_int = RNG.choice(np.array([1000, 3, 77, 12]), size=25)
    record(cases, "leave_one_group_out sparse ints", "leave_one_group_out", 25, {},
           groups=g_logo_int)

    # Inputs scikit-learn rejects.
    record_error(errors, "kfold more splits than rows", "kfold", 4, {"n_splits": 5})
    record_error(errors, "group_kfold too few groups", "group_kfold", 6, {"n_splits": 4},
                 groups=[0, 0, 1, 1, 2, 2])
    record_error(errors, "stratified_group_kfold too few groups", "stratified_group_kfold", 8,
                 {"n_splits": 3}, y=[0, 1, 0, 1, 0, 1, 0, 1], groups=[0, 0, 0, 0, 1, 1, 1, 1])
    record_error(errors, "stratified_kfold every class too small", "stratified_kfold", 4,
                 {"n_splits": 3}, y=[0, 0, 1, 1])
    record_error(errors, "shuffle_split fractions over 1", "shuffle_split", 10,
                 {"n_splits": 2, "test_size": 0.6, "train_size": 0.5, "seed": 0})
    record_error(errors, "shuffle_split counts over n", "shuffle_split", 10,
                 {"n_splits": 2, "test_size": 6, "train_size": 5, "seed": 0})
    record_error(errors, "shuffle_split test count = n", "shuffle_split", 10,
                 {"n_splits": 2, "test_size": 10, "seed": 0})
    record_error(errors, "shuffle_split empty train", "shuffle_split", 1,
                 {"n_splits": 2, "test_size": 0.5, "seed": 0})
    record_error(errors, "stratified_shuffle_split singleton class", "stratified_shuffle_split", 5,
                 {"n_splits": 2, "test_size": 2, "seed": 0}, y=[0, 0, 0, 0, 1])
    record_error(errors, "stratified_shuffle_split test smaller than classes",
                 "stratified_shuffle_split", 8, {"n_splits": 2, "test_size": 2, "seed": 0},
                 y=[0, 0, 1, 1, 2, 2, 3, 3])
    record_error(errors, "time_series folds > rows", "time_series", 3, {"n_splits": 3})
    record_error(errors, "time_series test and gap too large", "time_series", 10,
                 {"n_splits": 3, "test_size": 3, "gap": 1})
    record_error(errors, "leave_one_group_out one group", "leave_one_group_out", 3, {},
                 groups=[4, 4, 4])

    permutations = [
        {"seed": seed, "n": n, "permutation": [int(v) for v in np.random.RandomState(seed).permutation(n)]}
        for seed, n in ((0, 10), (1, 1), (5, 2), (42, 100), (2**32 - 1, 700), (123456789, 1300))
    ]
    approx = []
    for counts, n_draws, seed in (([4, 2], 3, 0), ([5, 2], 4, 0), ([2, 2, 2, 1], 2, 0),
                                  ([2, 2, 2, 1], 2, 42), ([10, 10, 10, 7], 5, 3),
                                  ([3, 3, 3, 3, 3], 7, 11), ([50, 30, 20], 33, 2**32 - 1)):
        result = _approximate_mode(np.array(counts), n_draws, np.random.RandomState(seed))
        approx.append({"class_counts": counts, "n_draws": n_draws, "seed": seed,
                       "result": [int(v) for v in result]})

    out = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "sklearn": sklearn.__version__,
        },
        "cases": cases,
        "error_cases": errors,
        "permutations": permutations,
        "approximate_mode": approx,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT, "w") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"wrote {OUTPUT}: {len(cases)} cases, {len(errors)} error cases, "
          f"{OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
