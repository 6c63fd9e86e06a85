#!/usr/bin/env python3
"""Reference figures for the end-to-end model-evaluation tests (crates/assay-cli/tests/evaluate.rs).

Computes, with scikit-learn and Fairlearn, every metric and fairness measure that
`assay evaluate` reports on the shipped examples, and writes them with the library versions to
crates/assay-cli/tests/fixtures/evaluation_parity.json:

  * adult_columns: examples/adult/adult_current_scored.csv, predictions pred_gbt / proba_gbt
    (as written there, rounded to 6 decimals), target income-per-year, positive class ">50K";
    classification metrics; fairness over sex, race and sex x race with groups of fewer than 30
    rows left out (the gap taken over Fairlearn's MetricFrame.by_group of the kept groups).
  * adult_gbt_model / adult_lr_model: the same metrics from the unrounded scikit-learn
    predictions of the exported models (assay runs the ONNX files; they agree with scikit-learn
    to 4e-7, see crates/assay-model/tests/fixtures/versions.json).
  * bike_gbr_model: regression metrics of examples/bike_sharing/models/bike_gbr.onnx's
    scikit-learn twin on examples/bike_sharing/half_b.csv.

Usage, from the repository root:
  .venv-fixtures/bin/python scripts/gen_evaluation_fixtures.py
(it retrains the models exactly as scripts/train_models.py does, via its functions).
Data: UCI Adult and Bike Sharing, CC BY 4.0.
"""

import importlib.util
import json
import os
import platform
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
import fairlearn
from fairlearn.metrics import (MetricFrame, selection_rate, true_positive_rate,
                               false_positive_rate, false_negative_rate)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POS = ">50K"
MIN_GROUP = 30


def classification(y, pred, p_pos):
    yb = (y == POS).astype(int)
    pb = (pred == POS).astype(int)
    labels = ["<=50K", ">50K"]
    proba = np.column_stack([1 - p_pos, p_pos])
    prob_true, prob_pred = calibration_curve(yb, p_pos, n_bins=10, strategy="uniform")
    # ECE with sklearn's bins: weight of each non-empty bin
    bins = np.linspace(0.0, 1.0, 11)
    ids = np.searchsorted(bins[1:-1], p_pos)
    counts = np.bincount(ids, minlength=10)
    nonempty = counts[counts > 0]
    ece = float(np.sum(nonempty / len(p_pos) * np.abs(prob_true - prob_pred)))
    return {
        "rows": int(len(y)),
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, pos_label=POS),
        "recall": skm.recall_score(y, pred, pos_label=POS),
        "f1": skm.f1_score(y, pred, pos_label=POS),
        "f1_macro": skm.f1_score(y, pred, average="macro"),
        "mcc": skm.matthews_corrcoef(y, pred),
        "cohen_kappa": skm.cohen_kappa_score(y, pred),
        "roc_auc": skm.roc_auc_score(yb, p_pos),
        "average_precision": skm.average_precision_score(yb, p_pos),
        "log_loss": skm.log_loss(y, proba, labels=labels),
        "brier": skm.brier_score_loss(yb, p_pos),
        "calibration_error": ece,
        "confusion_matrix": skm.confusion_matrix(y, pred, labels=labels).tolist(),
        "majority_share": float(max(np.mean(yb), 1 - np.mean(yb))),
        "prevalence": float(np.mean(yb)),
    }


def fairness(y, pred, groups):
    yb = (y == POS).astype(int)
    pb = (pred == POS).astype(int)
    mf = MetricFrame(
        metrics={"selection_rate": selection_rate, "tpr": true_positive_rate,
                 "fpr": false_positive_rate, "fnr": false_negative_rate,
                 "accuracy": skm.accuracy_score,
                 "precision": lambda a, b: skm.precision_score(a, b, zero_division=0),
                 "count": lambda a, b: len(a)},
        y_true=yb, y_pred=pb, sensitive_features=groups)
    by = mf.by_group
    kept = by[by["count"] >= MIN_GROUP]
    def diff(col):
        return float(kept[col].max() - kept[col].min())
    def ratio(col):
        return float(kept[col].min() / kept[col].max())
    out = {
        "kept_groups": sorted(str(k) if not isinstance(k, tuple) else " × ".join(k) for k in kept.index),
        "demographic_parity_difference": diff("selection_rate"),
        "demographic_parity_ratio": ratio("selection_rate"),
        "equalized_odds_difference": max(diff("tpr"), diff("fpr")),
        "equalized_odds_ratio": min(ratio("tpr"), ratio("fpr")),
        "equal_opportunity_difference": diff("tpr"),
        "groups": {},
    }
    for k, row in by.iterrows():
        name = k if not isinstance(k, tuple) else " × ".join(k)
        out["groups"][name] = {c: float(row[c]) for c in ["selection_rate", "tpr", "fpr", "fnr", "accuracy", "precision", "count"]}
    return out


def main():
    scored = pd.read_csv(os.path.join(ROOT, "examples/adult/adult_current_scored.csv"),
                         na_values=["?"], keep_default_na=False)
    y = scored["income-per-year"].to_numpy()
    out = {
        "generated_by": "scripts/gen_evaluation_fixtures.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "pandas": pd.__version__, "scikit-learn": sklearn.__version__,
                     "fairlearn": fairlearn.__version__},
        "min_group_size": MIN_GROUP,
    }
    pred = scored["pred_gbt"].to_numpy()
    out["adult_columns"] = classification(y, pred, scored["proba_gbt"].to_numpy())
    out["adult_columns"]["fairness"] = {
        "sex": fairness(y, pred, scored["sex"]),
        "race": fairness(y, pred, scored["race"]),
        "sex × race": fairness(y, pred, scored[["sex", "race"]]),
    }
    # Unrounded sklearn predictions of the exported models.
    spec = importlib.util.spec_from_file_location("train_models", os.path.join(ROOT, "scripts/train_models.py"))
    tm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tm)
    feats = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    train = pd.read_csv(os.path.join(ROOT, "examples/adult/adult_reference.csv"), na_values=["?"], keep_default_na=False)
    test = pd.read_csv(os.path.join(ROOT, "examples/adult/adult_current.csv"), na_values=["?"], keep_default_na=False)
    xtr = train[feats].to_numpy(np.float32).astype(np.float64)
    xte = test[feats].to_numpy(np.float32).astype(np.float64)
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    models = {
        "adult_gbt_model": GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
        "adult_lr_model": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=0)),
    }
    preds = {}
    for name, m in models.items():
        m.fit(xtr, train["income-per-year"].to_numpy())
        p = m.predict(xte)
        proba = m.predict_proba(xte)[:, list(m.classes_).index(POS)]
        preds[name] = p
        out[name] = classification(test["income-per-year"].to_numpy(), p, proba)
    # The gate between them: McNemar as statsmodels.
    from statsmodels.stats.contingency_tables import mcnemar
    yt = test["income-per-year"].to_numpy()
    a = preds["adult_gbt_model"] == yt
    b = preds["adult_lr_model"] == yt
    table = [[int(np.sum(a & b)), int(np.sum(a & ~b))], [int(np.sum(~a & b)), int(np.sum(~a & ~b))]]
    res = mcnemar(table, exact=False, correction=True)
    out["gate_gbt_vs_lr"] = {"mcnemar_p": float(res.pvalue), "b": table[0][1], "c": table[1][0],
                             "changed_labels": float(np.mean(preds["adult_gbt_model"] != preds["adult_lr_model"]))}
    # Bike regression.
    bfeats = ["season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"]
    btr = pd.read_csv(os.path.join(ROOT, "examples/bike_sharing/half_a.csv"))
    bte = pd.read_csv(os.path.join(ROOT, "examples/bike_sharing/half_b.csv"))
    gbr = GradientBoostingRegressor(n_estimators=100, max_depth=4, random_state=0)
    gbr.fit(btr[bfeats].to_numpy(np.float32).astype(np.float64), btr["cnt"].to_numpy(np.float64))
    yhat = gbr.predict(bte[bfeats].to_numpy(np.float32).astype(np.float64))
    yb = bte["cnt"].to_numpy(np.float64)
    out["bike_gbr_model"] = {
        "rows": int(len(yb)),
        "mae": skm.mean_absolute_error(yb, yhat), "mse": skm.mean_squared_error(yb, yhat),
        "rmse": skm.root_mean_squared_error(yb, yhat), "mape": skm.mean_absolute_percentage_error(yb, yhat),
        "r2": skm.r2_score(yb, yhat), "explained_variance": skm.explained_variance_score(yb, yhat),
        "median_absolute_error": skm.median_absolute_error(yb, yhat), "max_error": skm.max_error(yb, yhat),
    }
    path = os.path.join(ROOT, "crates/assay-cli/tests/fixtures/evaluation_parity.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
