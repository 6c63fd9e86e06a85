#!/usr/bin/env python3
"""Generates the parity fixtures of assay's model-evaluation statistics.

Writes crates/assay-stats/tests/fixtures/metric_parity.json, which
crates/assay-stats/tests/metrics_parity.rs compares assay_stats::metrics against:

- ``binary``: labels, scores of two models and optional sample weights, with scikit-learn's
  confusion_matrix, accuracy_score, balanced_accuracy_score, precision/recall/f1/fbeta(beta=2)
  (average binary/micro/macro/weighted), matthews_corrcoef, cohen_kappa_score, log_loss,
  brier_score_loss, roc_auc_score, average_precision_score, roc_curve, precision_recall_curve,
  calibration_curve(n_bins=10, strategy="uniform"), statsmodels' mcnemar (model A vs model B)
  and proportion_confint(method="wilson") of the accuracy, and the DeLong AUC variance and
  paired test (see below).
- ``multiclass``: k = 3 and k = 4 (a class never predicted, a class absent from y_true, a class
  absent from both), with the same label metrics (micro/macro/weighted and per class),
  log_loss and brier_score_loss (labels=range(k)), roc_auc_score(multi_class="ovr",
  average="macro" | "weighted") and the top-label reliability diagram.
- ``regression``: mean_absolute_error, mean_squared_error, root_mean_squared_error,
  mean_absolute_percentage_error, r2_score, explained_variance_score, median_absolute_error
  and max_error, with and without sample weights.
- ``fairness``: fairlearn MetricFrame by group (count, selection_rate, true_positive_rate,
  false_positive_rate, false_negative_rate, precision_score(zero_division=0), accuracy_score)
  and demographic_parity_*, equalized_odds_* and equal_opportunity_* (difference and ratio),
  with and without sample_weight.
- ``wilson``, ``mcnemar``, ``percentile``, ``ndtri``: statsmodels proportion_confint(method=
  "wilson"), statsmodels mcnemar(exact=b+c<25, correction=True), numpy.quantile (linear) and
  scipy.special.ndtri on hand-picked inputs.
- ``delong``: there is no reference library; the AUC, its variance and the paired z / p-value
  are computed here by the direct O(nm) DeLong, DeLong & Clarke-Pearson (1988) formula
  (structural components over all positive x negative pairs, ties 1/2).

Undefined values are recorded as null: NaN results, exceptions, and the ranking metrics for
which scikit-learn warns that a class is missing (it then returns NaN, or 0.0 for
average_precision_score; assay returns None). Reliability diagrams (weighted ones included)
are recomputed with numpy exactly as calibration_curve bins (np.searchsorted on the inner
edges of np.linspace(0, 1, 11)). Scores and probabilities are multiples of 1/1000 (ties, short
JSON); the output is deterministic (seeded numpy generator, keys sorted). Run it again after
changing the pins in scripts/requirements-fixtures.txt, and commit the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_metric_fixtures.py
"""

import functools
import json
import math
import platform
import warnings
from pathlib import Path

import fairlearn
import fairlearn.metrics as flm
import numpy as np
import scipy
import sklearn
import sklearn.metrics as skm
import statsmodels
from scipy import special, stats
from sklearn.calibration import calibration_curve
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "crates" / "assay-stats" / "tests" / "fixtures" / "metric_parity.json"
N_BINS = 10
DELONG_REFERENCE = "direct O(nm) DeLong 1988 formula"


def num(v):
    """A finite float for JSON, None for NaN or None; refuses infinities."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(v)
    if math.isnan(f):
        return None
    if not math.isfinite(f):
        raise ValueError(f"non-finite value {f} in fixture")
    return f


def nums(a):
    """A list of numbers, or None if any is NaN (the whole array is then undefined)."""
    out = [num(v) for v in np.asarray(a).ravel()]
    return None if any(v is None for v in out) else out


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def safe(fn, *args, undefined_warnings=(), **kwargs):
    """fn(*args, **kwargs), or None when it raises or emits one of `undefined_warnings`
    (substrings of the warning message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn(*args, **kwargs)
        except (ValueError, ZeroDivisionError):
            return None
    for w in caught:
        if any(s in str(w.message) for s in undefined_warnings):
            return None
    return out


NO_CLASS = ("Only one class", "No positive", "No negative", "not defined")


def thousandths(x):
    """Round to multiples of 1/1000, stored as k / 1000 (short JSON, many ties)."""
    return np.round(np.asarray(x) * 1000) / 1000


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- Reference computations ----------------------------------------------------------------


def reliability(positive, p, weights):
    """calibration_curve's uniform binning, weighted: per non-empty bin (lower, upper, weight,
    mean predicted, fraction positive), and the expected calibration error."""
    edges = np.linspace(0.0, 1.0, N_BINS + 1)
    ids = np.searchsorted(edges[1:-1], p)
    w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=float)
    tot = np.bincount(ids, weights=w, minlength=N_BINS)
    sp = np.bincount(ids, weights=w * p, minlength=N_BINS)
    sy = np.bincount(ids, weights=w * np.asarray(positive, dtype=float), minlength=N_BINS)
    keep = tot != 0
    frac = sy[keep] / tot[keep]
    mean = sp[keep] / tot[keep]
    ece = np.sum(tot[keep] * np.abs(frac - mean)) / np.sum(tot[keep]) if keep.any() else None
    return {
        "lower": nums(edges[:-1][keep]),
        "upper": nums(edges[1:][keep]),
        "weight": nums(tot[keep]),
        "mean_predicted": nums(mean),
        "fraction_positive": nums(frac),
        "ece": num(ece),
    }


def delong_direct(positive, scores_a, scores_b):
    """DeLong (1988) by definition: psi over every positive x negative pair (ties 1/2)."""
    positive = np.asarray(positive, dtype=bool)
    m, n = int(positive.sum()), int((~positive).sum())
    if m < 2 or n < 2:
        return None

    def components(s):
        x, y = s[positive], s[~positive]
        psi = (x[:, None] > y[None, :]).astype(float) + 0.5 * (x[:, None] == y[None, :])
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

    auc_a, v10a, v01a = components(np.asarray(scores_a, dtype=float))
    auc_b, v10b, v01b = components(np.asarray(scores_b, dtype=float))
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    var_a = s10[0, 0] / m + s01[0, 0] / n
    var_b = s10[1, 1] / m + s01[1, 1] / n
    var_d = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    diff = auc_a - auc_b
    if var_d > 0:
        z = diff / math.sqrt(var_d)
        p = 2 * stats.norm.sf(abs(z))
    elif diff == 0:
        z, p = 0.0, 1.0  # assay's convention for a degenerate identical pair
    else:
        z, p = None, None
    return {
        "auc_a": num(auc_a),
        "variance_a": num(var_a),
        "auc_b": num(auc_b),
        "variance_b": num(var_b),
        "difference": num(diff),
        "variance": num(max(var_d, 0.0)),
        "z": num(z),
        "p_value": num(p),
    }


def mcnemar_ref(correct_a, correct_b):
    a = np.asarray(correct_a, dtype=bool)
    b = np.asarray(correct_b, dtype=bool)
    table = np.array([[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]])
    n_b, n_c = int(table[0, 1]), int(table[1, 0])
    exact = (n_b + n_c) < 25
    res = mcnemar(table, exact=exact, correction=True)
    return {
        "b": n_b,
        "c": n_c,
        "statistic": num(res.statistic),
        "p_value": num(res.pvalue),
        "exact": bool(exact),
    }


def wilson_ref(successes, n, confidence):
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return {
        "successes": num(successes),
        "n": num(n),
        "confidence": confidence,
        "low": num(low),
        "high": num(high),
    }


def label_metrics(y, p, w, k):
    """accuracy ... cohen_kappa on class indices 0..k-1 (sklearn defaults: labels = the union
    present in y and p for averaging)."""
    out = {
        "confusion": nums(skm.confusion_matrix(y, p, labels=list(range(k)), sample_weight=w)),
        "accuracy": num(safe(skm.accuracy_score, y, p, sample_weight=w)),
        "balanced_accuracy": num(safe(skm.balanced_accuracy_score, y, p, sample_weight=w)),
        "matthews": num(safe(skm.matthews_corrcoef, y, p, sample_weight=w)),
        "cohen_kappa": num(safe(skm.cohen_kappa_score, y, p, sample_weight=w)),
    }
    scorers = {
        "precision": skm.precision_score,
        "recall": skm.recall_score,
        "f1": skm.f1_score,
        "f2": functools.partial(skm.fbeta_score, beta=2),
    }
    averages = ["micro", "macro", "weighted"] + (["binary"] if k == 2 else [])
    for name, fn in scorers.items():
        entry = {a: num(safe(fn, y, p, average=a, sample_weight=w)) for a in averages}
        entry["per_class"] = nums(
            safe(fn, y, p, average=None, labels=list(range(k)), sample_weight=w)
        )
        out[name] = entry
    return out


# --- Cases ----------------------------------------------------------------------------------


def binary_case(name, y, scores, scores_b, weights=None, groups=None):
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    scores_b = np.asarray(scores_b, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    y_pred = (scores >= 0.5).astype(int)
    y_pred_b = (scores_b >= 0.5).astype(int)
    proba = np.column_stack([1 - scores, scores])
    exp = label_metrics(y, y_pred, w, 2)
    exp["log_loss"] = num(safe(skm.log_loss, y, proba, labels=[0, 1], sample_weight=w))
    exp["brier"] = num(safe(skm.brier_score_loss, y, scores, pos_label=1, sample_weight=w))
    exp["roc_auc"] = num(safe(skm.roc_auc_score, y, scores, sample_weight=w, undefined_warnings=NO_CLASS))
    exp["average_precision"] = num(
        safe(skm.average_precision_score, y, scores, sample_weight=w, undefined_warnings=NO_CLASS)
    )
    roc = safe(skm.roc_curve, y, scores, sample_weight=w, undefined_warnings=NO_CLASS)
    if roc is not None:
        fpr, tpr, thr = roc
        assert np.isinf(thr[0])
        roc = {"fpr": nums(fpr), "tpr": nums(tpr), "thresholds_after_inf": nums(thr[1:])}
    exp["roc_curve"] = roc
    pr = safe(skm.precision_recall_curve, y, scores, sample_weight=w, undefined_warnings=NO_CLASS)
    if pr is not None:
        prec, rec, thr = pr
        pr = {"precision": nums(prec), "recall": nums(rec), "thresholds": nums(thr)}
    exp["pr_curve"] = pr
    if w is None:
        prob_true, prob_pred = calibration_curve(y, scores, n_bins=N_BINS, strategy="uniform")
        exp["calibration_curve"] = {"prob_true": nums(prob_true), "prob_pred": nums(prob_pred)}
    exp["reliability"] = reliability(y == 1, scores, w)
    exp["mcnemar"] = mcnemar_ref(y_pred == y, y_pred_b == y)
    correct = float(np.sum(y_pred == y))
    exp["wilson_accuracy"] = wilson_ref(correct, float(len(y)), 0.95)
    exp["delong"] = delong_direct(y == 1, scores, scores_b)
    case = {
        "name": name,
        "y_true": ints(y),
        "scores": nums(scores),
        "scores_b": nums(scores_b),
        "threshold": 0.5,
        "weights": None if w is None else nums(w),
        "expected": exp,
    }
    return case


def multiclass_case(name, k, y, proba, y_pred, weights=None):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    y_pred = np.asarray(y_pred, dtype=int)
    w = None if weights is None else np.asarray(weights, dtype=float)
    labels = list(range(k))
    exp = label_metrics(y, y_pred, w, k)
    exp["log_loss"] = num(safe(skm.log_loss, y, proba, labels=labels, sample_weight=w))
    exp["brier"] = num(safe(skm.brier_score_loss, y, proba, labels=labels, sample_weight=w))
    # A class absent from y_true makes its one-vs-rest AUC NaN (with a warning): the macro
    # mean is then NaN (null here), while the weighted mean gives it weight 0.
    for avg in ("macro", "weighted"):
        exp[f"roc_auc_ovr_{avg}"] = num(
            safe(
                skm.roc_auc_score,
                y,
                proba,
                multi_class="ovr",
                average=avg,
                labels=labels,
                sample_weight=w,
            )
        )
    top = np.argmax(proba, axis=1)
    conf = np.max(proba, axis=1)
    exp["top_label"] = {
        "correct": [bool(v) for v in (top == y)],
        "confidence": nums(conf),
        "reliability": reliability(top == y, conf, w),
    }
    return {
        "name": name,
        "k": k,
        "y_true": ints(y),
        "y_pred": ints(y_pred),
        "proba": nums(proba),
        "weights": None if w is None else nums(w),
        "expected": exp,
    }


def regression_case(name, y, yhat, weights=None):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    kw = {"sample_weight": w}
    exp = {
        "mae": num(safe(skm.mean_absolute_error, y, yhat, **kw)),
        "mse": num(safe(skm.mean_squared_error, y, yhat, **kw)),
        "rmse": num(safe(skm.root_mean_squared_error, y, yhat, **kw)),
        "mape": num(safe(skm.mean_absolute_percentage_error, y, yhat, **kw)),
        "r2": num(safe(skm.r2_score, y, yhat, **kw)),
        "explained_variance": num(safe(skm.explained_variance_score, y, yhat, **kw)),
        "median_ae": num(safe(skm.median_absolute_error, y, yhat, **kw)),
        "max_error": num(safe(skm.max_error, y, yhat)),
    }
    return {
        "name": name,
        "y": nums(y),
        "yhat": nums(yhat),
        "weights": None if w is None else nums(w),
        "expected": exp,
    }


def fairness_case(name, y, p, groups, n_groups, weights=None):
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=int)
    groups = np.asarray(groups, dtype=int)
    w = None if weights is None else np.asarray(weights, dtype=float)
    metrics = {
        "count": flm.count,
        "selection_rate": flm.selection_rate,
        "tpr": flm.true_positive_rate,
        "fpr": flm.false_positive_rate,
        "fnr": flm.false_negative_rate,
        "precision": functools.partial(skm.precision_score, zero_division=0),
        "accuracy": skm.accuracy_score,
    }
    params = None
    if w is not None:
        params = {m: {"sample_weight": w} for m in metrics if m != "count"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = flm.MetricFrame(
            metrics=metrics, y_true=y, y_pred=p, sensitive_features=groups, sample_params=params
        )
        by = frame.by_group
        assert list(by.index) == list(range(n_groups)), "every group must be present"
        kw = {"sensitive_features": groups, "sample_weight": w}
        agg = {
            "demographic_parity_difference": flm.demographic_parity_difference(y, p, **kw),
            "demographic_parity_ratio": flm.demographic_parity_ratio(y, p, **kw),
            "equalized_odds_difference": flm.equalized_odds_difference(y, p, **kw),
            "equalized_odds_ratio": flm.equalized_odds_ratio(y, p, **kw),
            "equal_opportunity_difference": flm.equal_opportunity_difference(y, p, **kw),
            "equal_opportunity_ratio": flm.equal_opportunity_ratio(y, p, **kw),
        }
    return {
        "name": name,
        "y_true": ints(y),
        "y_pred": ints(p),
        "groups": ints(groups),
        "n_groups": n_groups,
        "weights": None if w is None else nums(w),
        "by_group": {
            m: [int(v) for v in by[m]] if m == "count" else [num(v) for v in by[m]]
            for m in metrics
        },
        "expected": {k: num(v) for k, v in agg.items()},
    }


def proba_rows(rng, logits):
    """Softmax rows as multiples of 1/1000 summing to 1000/1000 (largest remainder)."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True) * 1000
    base = np.floor(p).astype(int)
    short = 1000 - base.sum(axis=1)
    order = np.argsort(-(p - base), axis=1, kind="stable")
    for i in range(len(p)):
        base[i, order[i, : short[i]]] += 1
    return base / 1000


def binary_data(rng, n, prevalence, separation, decimals=3):
    y = (rng.uniform(size=n) < prevalence).astype(int)
    z = separation * (2 * y - 1) + rng.normal(0, 1, n)
    s = np.round(sigmoid(z) * 10**decimals) / 10**decimals
    z_b = 0.6 * separation * (2 * y - 1) + rng.normal(0, 1, n)
    s_b = np.round(sigmoid(z_b) * 10**decimals) / 10**decimals
    return y, s, s_b


def main():
    rng = np.random.default_rng(20261201)
    binary = []
    fairness = []

    y, s, sb = binary_data(rng, 600, 0.5, 1.0)
    binary.append(binary_case("balanced", y, s, sb))
    w = np.round(rng.uniform(0.2, 3.0, len(y)), 2)
    w[rng.uniform(size=len(y)) < 0.03] = 0.0
    binary.append(binary_case("balanced_weighted", y, s, sb, w))

    y, s, sb = binary_data(rng, 1200, 0.05, 1.3)
    binary.append(binary_case("imbalanced_5pct", y, s, sb))
    binary.append(binary_case("imbalanced_5pct_weighted", y, s, sb, rng.integers(1, 6, len(y))))

    y, s, sb = binary_data(rng, 400, 0.4, 0.8, decimals=1)
    binary.append(binary_case("heavy_ties", y, s, sb))

    y = (rng.uniform(size=200) < 0.3).astype(int)
    s = thousandths(np.where(y == 1, rng.uniform(0.6, 1.0, 200), rng.uniform(0.0, 0.4, 200)))
    sb = thousandths(np.clip(s + rng.normal(0, 0.3, 200), 0, 1))
    binary.append(binary_case("perfect_separation", y, s, sb))

    y = (rng.uniform(size=150) < 0.4).astype(int)
    binary.append(binary_case("constant_scores", y, np.full(150, 0.5), np.full(150, 0.5)))
    binary.append(binary_case("constant_negative_predictions", y, np.full(150, 0.2), thousandths(rng.uniform(size=150))))

    y = np.zeros(80, dtype=int)
    binary.append(binary_case("all_negative", y, thousandths(rng.uniform(size=80)), thousandths(rng.uniform(size=80))))

    binary.append(
        binary_case(
            "small_with_ties",
            [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1],
            [0.9, 0.7, 0.6, 0.35, 0.35, 0.1, 0.8, 0.2, 0.6, 0.6, 0.05, 0.35],
            [0.5, 0.6, 0.4, 0.7, 0.3, 0.2, 0.55, 0.45, 0.4, 0.1, 0.3, 0.9],
        )
    )

    # Multiclass.
    multiclass = []
    n = 600
    y3 = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3)) + 1.5 * np.eye(3)[y3]
    p3 = proba_rows(rng, logits)
    multiclass.append(multiclass_case("k3", 3, y3, p3, np.argmax(p3, axis=1)))
    w3 = np.round(rng.uniform(0.1, 2.0, n), 2)
    multiclass.append(multiclass_case("k3_weighted", 3, y3, p3, np.argmax(p3, axis=1), w3))

    y4 = rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1])
    logits = rng.normal(0, 1, (n, 4)) + 1.2 * np.eye(4)[y4]
    p4 = proba_rows(rng, logits)
    never3 = np.argmax(p4[:, :3], axis=1)  # class 3 is never predicted
    multiclass.append(multiclass_case("k4_class_never_predicted", 4, y4, p4, never3))

    y4b = np.where(y4 == 2, 1, y4)  # class 2 absent from y_true, still predicted
    multiclass.append(
        multiclass_case("k4_class_absent_from_y_true", 4, y4b, p4, np.argmax(p4, axis=1), np.round(rng.uniform(0.5, 1.5, n), 2))
    )

    y4c = np.where(y4 == 3, 0, y4)  # class 3 absent from y_true and from y_pred
    logits = rng.normal(0, 1, (n, 4)) + 1.2 * np.eye(4)[y4c]
    logits[:, 3] -= 6.0
    p4c = proba_rows(rng, logits)
    multiclass.append(multiclass_case("k4_class_absent_from_both", 4, y4c, p4c, np.argmax(p4c[:, :3], axis=1)))

    # Regression.
    regression = []
    yr = np.round(rng.normal(10, 3, 400), 3)
    yhat = np.round(yr + rng.normal(0.3, 1.2, 400), 3)
    regression.append(regression_case("basic", yr, yhat))
    regression.append(regression_case("weighted", yr, yhat, np.round(rng.uniform(0.1, 3, 400), 2)))
    yz = rng.integers(0, 6, 200).astype(float)
    yzhat = np.round(yz + rng.normal(0, 0.8, 200), 2)
    regression.append(regression_case("zeros_in_y", yz, yzhat))
    regression.append(regression_case("zeros_in_y_weighted", yz, yzhat, rng.integers(0, 4, 200)))
    regression.append(regression_case("constant_y", np.full(50, 5.0), np.round(rng.normal(5, 1, 50), 2)))
    regression.append(regression_case("constant_y_perfect", np.full(50, 5.0), np.full(50, 5.0)))
    regression.append(regression_case("perfect", yr[:60], yr[:60]))
    regression.append(regression_case("single_row", [2.0], [3.5]))
    regression.append(
        regression_case("weighted_median_exact_half", np.zeros(6), [1.0, 2, 3, 4, 5, 6], [1, 2, 0, 3, 1, 1])
    )
    regression.append(
        regression_case("weighted_median_ties", np.zeros(8), [1.0, 1, 2, 2, 2, 3, 3, 4], [0.5, 0.5, 1, 0, 1, 2, 0, 1])
    )
    regression.append(regression_case("even_unweighted", np.zeros(6), [4.0, 1, 3, 2, 6, 5]))

    # Fairness: three groups with shifted scores.
    n = 900
    g = rng.integers(0, 3, n)
    yf = (rng.uniform(size=n) < np.array([0.3, 0.45, 0.6])[g]).astype(int)
    zf = 1.0 * (2 * yf - 1) + rng.normal(0, 1, n) + np.array([-0.4, 0.0, 0.3])[g]
    pf = (sigmoid(zf) >= 0.5).astype(int)
    fairness.append(fairness_case("three_groups", yf, pf, g, 3))
    fairness.append(fairness_case("three_groups_weighted", yf, pf, g, 3, np.round(rng.uniform(0.2, 2.5, n), 2)))
    yg = yf.copy()
    yg[g == 2] = 0  # group 2 has no positives: Fairlearn's TPR there is 0
    fairness.append(fairness_case("group_without_positives", yg, pf, g, 3))
    fairness.append(fairness_case("nobody_selected", yf, np.zeros(n, dtype=int), g, 3))
    fairness.append(fairness_case("everybody_selected_weighted", yf, np.ones(n, dtype=int), g, 3, rng.integers(1, 4, n)))

    # Hand-picked inputs of the interval and test functions.
    wilson = [
        wilson_ref(s, n, c)
        for s, n, c in [
            (0, 10, 0.95), (10, 10, 0.95), (7, 20, 0.95), (7, 20, 0.9), (7, 20, 0.99),
            (3.5, 12.25, 0.95), (500, 1000, 0.95), (1, 1_000_000, 0.95), (999, 1000, 0.8),
        ]
    ]
    mcn = []
    for b, c, same in [(0, 0, 5), (2, 8, 11), (5, 5, 3), (12, 12, 0), (13, 12, 4), (0, 30, 2), (100, 80, 50), (1, 23, 0)]:
        ca = [True] * b + [False] * c + [i % 2 == 0 for i in range(same)]
        cb = [False] * b + [True] * c + [i % 2 == 0 for i in range(same)]
        mcn.append({"correct_a": ca, "correct_b": cb, **mcnemar_ref(ca, cb)})
    percentile = []
    for values, conf in [
        (np.arange(1, 11, dtype=float), 0.95),
        (np.round(rng.normal(0, 1, 1000), 4), 0.95),
        (np.round(rng.normal(0, 1, 999), 4), 0.9),
        (np.round(rng.uniform(size=37), 4), 0.5),
        (np.array([3.0]), 0.95),
    ]:
        lo, hi = np.quantile(values, [(1 - conf) / 2, (1 + conf) / 2])
        percentile.append({"values": nums(values), "confidence": conf, "low": num(lo), "high": num(hi)})
    ndtri = [
        {"p": p, "x": num(special.ndtri(p))}
        for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.0242, 0.0243, 0.025, 0.05,
                  0.1, 0.2, 0.25, 0.3, 0.4, 0.49, 0.4999, 0.5, 0.5001, 0.51, 0.6, 0.75, 0.8, 0.9,
                  0.95, 0.9757, 0.975, 0.99, 0.999, 1 - 1e-10]
    ]

    doc = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "fairlearn": fairlearn.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "delong_reference": DELONG_REFERENCE,
        "n_bins": N_BINS,
        "binary": binary,
        "multiclass": multiclass,
        "regression": regression,
        "fairness": fairness,
        "wilson": wilson,
        "mcnemar": mcn,
        "percentile": percentile,
        "ndtri": ndtri,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    sections = []
    for key in sorted(doc):
        value = doc[key]
        if isinstance(value, list):
            lines = ",\n".join("  " + json.dumps(c, sort_keys=True) for c in value)
            sections.append(f' "{key}": [\n{lines}\n ]')
        else:
            sections.append(f' "{key}": {json.dumps(value, sort_keys=True)}')
    with open(OUTPUT, "w") as f:
        f.write("{\n" + ",\n".join(sections) + "\n}\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
