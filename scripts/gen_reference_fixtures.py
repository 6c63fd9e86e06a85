#!/usr/bin/env python3
"""Generates the reference values of assay's unit tests (the figures they used to copy by hand).

Writes two files, each recording the library versions that produced it:

crates/assay-stats/tests/fixtures/reference_values.json, read by the #[cfg(test)] modules of
crates/assay-stats/src/drift/{contingency,z_test,anderson_darling}.rs and
crates/assay-stats/src/metrics/classification.rs:

- ``contingency``: a 2 x k table [reference, current] of counts, with
  ``scipy.stats.chi2_contingency(table, correction=False)`` and ``correction=True`` (statistic,
  p-value, degrees of freedom) and ``scipy.stats.contingency.association(table,
  method="cramer")``.
- ``z_test``: ``statsmodels.stats.proportion.proportions_ztest([cur_x, ref_x], [cur_n,
  ref_n])`` (pooled variance, two-sided): the statistic (current minus reference) and p-value.
- ``anderson_ksamp``: ``scipy.stats.anderson_ksamp(samples, variant="midrank")`` (statistic and
  the interpolated p-value, which scipy caps to [0.001, 0.25]).
- ``classification``: class indices ``y_true``, ``y_pred`` (and optional sample weights) on
  ``k`` classes, with scikit-learn's ``confusion_matrix(labels=range(k))``, ``accuracy_score``,
  ``balanced_accuracy_score``, ``matthews_corrcoef``, ``cohen_kappa_score`` and
  ``precision_score`` / ``recall_score`` / ``f1_score`` / ``fbeta_score(beta=2, inf, 0)`` with
  ``average="micro" | "macro" | "weighted"`` (labels present in y_true or y_pred, scikit-learn's
  default), ``"binary"`` (pos_label=1, two classes only) and per class (``average=None,
  labels=range(k)``). Default ``zero_division`` everywhere; NaN results are recorded as null.

crates/assay-checks/tests/fixtures/reference_values.json, read by the #[cfg(test)] module of
crates/assay-checks/src/checks/crossval/beats_baseline.rs:

- ``corrected_t_test``: the one-sided Nadeau & Bengio (2003) corrected resampled t-test of
  paired improvements ``d`` with test/train size ratio ``ratio``: mean, ``t = mean /
  sqrt((1/n + ratio) * var(d, ddof=1))`` and ``p = scipy.stats.t.sf(t, n - 1)``. No pinned
  library implements this test, so the formula is written out here with numpy (independently of
  the Rust code) and only the t distribution comes from scipy.

The output is deterministic (hand-picked inputs, keys sorted, one case per line). Run it again
after changing the pins in scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_reference_fixtures.py
"""

import json
import math
import platform
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
import sklearn.metrics as skm
import statsmodels
from scipy import stats
from scipy.stats import contingency
from statsmodels.stats.proportion import proportions_ztest

ROOT = Path(__file__).resolve().parent.parent
STATS_OUTPUT = ROOT / "crates" / "assay-stats" / "tests" / "fixtures" / "reference_values.json"
CHECKS_OUTPUT = ROOT / "crates" / "assay-checks" / "tests" / "fixtures" / "reference_values.json"


def num(v):
    """A finite float for JSON, None for NaN (the reference leaves the value undefined)."""
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    f = float(v)
    if math.isnan(f):
        return None
    if not math.isfinite(f):
        raise ValueError(f"non-finite value {f} in fixture")
    return f


def nums(a):
    return [num(v) for v in np.asarray(a, dtype=float).ravel()]


def quiet(fn, *args, **kwargs):
    """fn(*args, **kwargs) without its warnings (scikit-learn's zero_division and scipy's
    p-value cap warn; the value returned is what is recorded)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --- assay-stats -----------------------------------------------------------------------------


def contingency_case(name, reference, current):
    table = np.array([reference, current], dtype=float)
    out = {"name": name, "reference": nums(reference), "current": nums(current)}
    for key, yates in (("chi2", False), ("chi2_yates", True)):
        r = stats.chi2_contingency(table, correction=yates)
        out[key] = {"statistic": num(r.statistic), "p_value": num(r.pvalue), "dof": int(r.dof)}
    out["cramers_v"] = num(contingency.association(table.astype(np.int64), method="cramer"))
    return out


def z_case(name, ref_x, ref_n, cur_x, cur_n):
    z, p = proportions_ztest([cur_x, ref_x], [cur_n, ref_n])
    return {
        "name": name,
        "ref_successes": num(ref_x),
        "ref_n": num(ref_n),
        "cur_successes": num(cur_x),
        "cur_n": num(cur_n),
        "statistic": num(z),
        "p_value": num(p),
    }


def anderson_case(name, samples):
    samples = [np.asarray(s, dtype=float) for s in samples]
    r = quiet(stats.anderson_ksamp, samples, variant="midrank")
    return {
        "name": name,
        "samples": [nums(s) for s in samples],
        "statistic": num(r.statistic),
        "p_value": num(r.pvalue),
    }


def classification_case(name, y_true, y_pred, k, weights=None):
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(y_pred, dtype=int)
    w = None if weights is None else np.asarray(weights, dtype=float)
    labels = list(range(k))
    exp = {
        "confusion": nums(skm.confusion_matrix(y, p, labels=labels, sample_weight=w)),
        "accuracy": num(quiet(skm.accuracy_score, y, p, sample_weight=w)),
        "balanced_accuracy": num(quiet(skm.balanced_accuracy_score, y, p, sample_weight=w)),
        "matthews": num(quiet(skm.matthews_corrcoef, y, p, sample_weight=w)),
        "cohen_kappa": num(quiet(skm.cohen_kappa_score, y, p, sample_weight=w)),
    }
    scorers = {
        "precision": lambda **kw: skm.precision_score(y, p, sample_weight=w, **kw),
        "recall": lambda **kw: skm.recall_score(y, p, sample_weight=w, **kw),
        "f1": lambda **kw: skm.f1_score(y, p, sample_weight=w, **kw),
        "f2": lambda **kw: skm.fbeta_score(y, p, beta=2, sample_weight=w, **kw),
        "f_inf": lambda **kw: skm.fbeta_score(y, p, beta=np.inf, sample_weight=w, **kw),
        "f_0": lambda **kw: skm.fbeta_score(y, p, beta=0, sample_weight=w, **kw),
    }
    averages = ["micro", "macro", "weighted"] + (["binary"] if k == 2 else [])
    for metric, score in scorers.items():
        entry = {a: num(quiet(score, average=a)) for a in averages}
        entry["per_class"] = nums(quiet(score, average=None, labels=labels))
        exp[metric] = entry
    case = {"name": name, "k": k, "y_true": [int(v) for v in y], "y_pred": [int(v) for v in p]}
    if w is not None:
        case["weights"] = nums(w)
    case["expected"] = exp
    return case


def stats_fixture():
    return {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "contingency": [
            contingency_case("two_by_two", [30, 70], [45, 55]),
            contingency_case("three_categories", [10, 20, 30], [30, 20, 10]),
        ],
        "z_test": [
            z_case("moderate", 30, 100, 45, 100),
            z_case("unequal_sizes", 12, 80, 31, 120),
        ],
        "anderson_ksamp": [
            anderson_case("two_overlapping_pairs", [[1, 2], [2, 3]]),
            anderson_case("identical_triples", [[1, 2, 3], [1, 2, 3]]),
        ],
        "classification": [
            classification_case("binary_example", [0, 1, 1, 0, 1], [0, 1, 0, 0, 1], 2),
            classification_case("single_row", [1], [1], 2),
            classification_case("all_wrong_one_class", [0, 0, 0], [1, 1, 1], 2),
            classification_case("constant_majority_predictions", [0, 0, 1], [0, 0, 0], 2),
            # k = 4: class 3 never appears, class 2 is never predicted.
            classification_case("absent_and_unpredicted_classes", [0, 1, 2, 2, 1, 0], [0, 1, 1, 0, 1, 0], 4),
            # Class 2 is predicted but never true.
            classification_case("predicted_class_absent_from_y_true", [0, 0, 1, 1], [0, 2, 1, 1], 3),
            classification_case("multiclass_matthews_kappa", [0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 0], 3),
            classification_case("weighted", [0, 1, 1], [0, 1, 0], 2, [2.0, 0.5, 1.5]),
        ],
    }


# --- assay-checks ----------------------------------------------------------------------------


def corrected_t_case(name, d, ratio):
    d = np.asarray(d, dtype=float)
    n = len(d)
    mean = d.mean()
    var = d.var(ddof=1)
    t = mean / math.sqrt((1.0 / n + ratio) * var)
    return {
        "name": name,
        "d": nums(d),
        "ratio": num(ratio),
        "mean": num(mean),
        "t": num(t),
        "p_value": num(stats.t.sf(t, n - 1)),
    }


def checks_fixture():
    return {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "corrected_t_test": [
            corrected_t_case("three_folds", [0.1, 0.2, 0.3], 0.25),
            corrected_t_case("three_folds_large_t", [0.094, 0.093, 0.089], 0.5),
            corrected_t_case("five_folds", [47.32, 23.43, 27.37, 49.14, 53.23], 0.25),
            corrected_t_case(
                "ten_folds_worse_than_baseline",
                [-0.01, 0.02, -0.03, 0.005, -0.015, 0.0, -0.02, 0.01, -0.005, -0.012],
                1.0 / 9.0,
            ),
        ],
    }


def write(path, doc):
    path.parent.mkdir(parents=True, exist_ok=True)
    sections = []
    for key in sorted(doc):
        value = doc[key]
        if isinstance(value, list):
            lines = ",\n".join("  " + json.dumps(c, sort_keys=True) for c in value)
            sections.append(f' "{key}": [\n{lines}\n ]')
        else:
            sections.append(f' "{key}": {json.dumps(value, sort_keys=True)}')
    with path.open("w") as f:
        f.write("{\n" + ",\n".join(sections) + "\n}\n")
    json.loads(path.read_text())  # well-formed
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main():
    write(STATS_OUTPUT, stats_fixture())
    write(CHECKS_OUTPUT, checks_fixture())


if __name__ == "__main__":
    main()
