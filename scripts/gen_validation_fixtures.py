#!/usr/bin/env python3
"""Generates the fixtures of assay's end-to-end model-validation tests.

Writes crates/assay-cli/tests/fixtures/validation_parity.json, which
crates/assay-cli/tests/validation.rs compares `assay split`, `assay crossval` and
`assay sensitivity` against, and crates/assay-cli/tests/fixtures/ishigami.onnx:

- ``split``: scikit-learn's fold assignments on the shipped Adult reference data
  (examples/adult/adult_reference.csv): StratifiedKFold(5, shuffle=True, random_state=0) on
  income-per-year and GroupKFold(3) on race; and TimeSeriesSplit(n_splits=4, test_size=1000,
  gap=24, max_train_size=5000) on the rows of examples/bike_sharing/half_a.csv. Test indices per
  fold (train = the other rows for the k-folds; ranges for the time series).
- ``crossval_trainer``: scikit-learn cross-validation of examples/adult/train.py's model
  (GradientBoostingClassifier(n_estimators=50, max_depth=3, random_state=0) on the six numeric
  Adult columns) with StratifiedKFold(3, shuffle=True, random_state=1): per-fold roc_auc,
  accuracy and log_loss on the validation rows and accuracy on the training rows. assay runs
  the same script as an external trainer, exports to ONNX (float32) and scores itself, so the
  figures agree to float32 rounding.
- ``crossval_linear``: scikit-learn LinearRegression on the twelve bike features of
  examples/bike_sharing/half_a.csv (target cnt) with KFold(5): per-fold rmse, mae and r2
  (assay's built-in linear_regression must agree to 1e-6).
- ``ishigami``: the analytic first- and total-order Sobol indices of the Ishigami function
  (a = 7, b = 0.1) on [-pi, pi]^3, and ishigami.onnx, an ONNX graph computing it from three
  [N, 1] float64 inputs x1, x2, x3.

Run with the pinned environment (scripts/requirements-fixtures.txt):
    .venv-fixtures/bin/python scripts/gen_validation_fixtures.py
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import sklearn
from onnx import TensorProto, helper
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LinearRegression
from sklearn.metrics import (
    accuracy_score,
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "assay-cli" / "tests" / "fixtures"
ADULT = ROOT / "examples" / "adult" / "adult_reference.csv"
BIKE = ROOT / "examples" / "bike_sharing" / "half_a.csv"
ADULT_FEATURES = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
BIKE_FEATURES = [
    "season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit",
    "temp", "atemp", "hum", "windspeed",
]


def split_fixtures():
    adult = pd.read_csv(ADULT, na_values=["?"], keep_default_na=False)
    y = adult["income-per-year"].to_numpy()
    x = np.zeros((len(y), 1))
    strat = [
        sorted(map(int, te))
        for _, te in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y)
    ]
    # GroupKFold on race with missing races as their own group, as assay encodes nulls.
    race = adult["race"].fillna("(null)").to_numpy()
    groups = [sorted(map(int, te)) for _, te in GroupKFold(3).split(x, y, race)]
    n_bike = len(pd.read_csv(BIKE))
    ts = [
        {"train": [int(tr[0]), int(tr[-1]) + 1], "test": [int(te[0]), int(te[-1]) + 1]}
        for tr, te in TimeSeriesSplit(n_splits=4, test_size=1000, gap=24, max_train_size=5000).split(
            np.zeros((n_bike, 1))
        )
    ]
    return {
        "adult_rows": len(y),
        "stratified_kfold_5_shuffle_seed0_test": strat,
        "group_kfold_3_race_test": groups,
        "bike_rows": n_bike,
        "time_series_4_test1000_gap24_max5000": ts,
    }


def crossval_trainer():
    adult = pd.read_csv(ADULT, na_values=["?"], keep_default_na=False)
    x = adult[ADULT_FEATURES].to_numpy(np.float64)
    y = adult["income-per-year"].to_numpy(object)
    folds = []
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=1).split(x, y):
        m = GradientBoostingClassifier(n_estimators=50, max_depth=3, random_state=0)
        m.fit(x[tr], y[tr])
        pos = list(m.classes_).index(">50K")
        p = m.predict_proba(x[te])
        folds.append({
            "roc_auc": roc_auc_score(y[te] == ">50K", p[:, pos]),
            "accuracy": accuracy_score(y[te], m.predict(x[te])),
            "log_loss": log_loss(y[te], p, labels=m.classes_),
            "train_accuracy": accuracy_score(y[tr], m.predict(x[tr])),
        })
    return {"folds": folds}


def crossval_linear():
    bike = pd.read_csv(BIKE)
    x = bike[BIKE_FEATURES].to_numpy(np.float64)
    y = bike["cnt"].to_numpy(np.float64)
    folds = []
    for tr, te in KFold(5).split(x):
        m = LinearRegression().fit(x[tr], y[tr])
        p = m.predict(x[te])
        folds.append({
            "rmse": root_mean_squared_error(y[te], p),
            "mae": mean_absolute_error(y[te], p),
            "r2": r2_score(y[te], p),
        })
    return {"folds": folds}


def ishigami():
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    s1 = [v1 / var, v2 / var, 0.0]
    st = [(v1 + v13) / var, v2 / var, v13 / var]
    x1, x2, x3 = (helper.make_tensor_value_info(n, TensorProto.DOUBLE, [None, 1]) for n in ("x1", "x2", "x3"))
    y = helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 1])
    const = lambda name, v: helper.make_node(
        "Constant", [], [name], value=helper.make_tensor(name, TensorProto.DOUBLE, [], [v])
    )
    nodes = [
        const("a", a), const("b", b),
        helper.make_node("Sin", ["x1"], ["s1"]),
        helper.make_node("Sin", ["x2"], ["s2"]),
        helper.make_node("Mul", ["s2", "s2"], ["s2sq"]),
        helper.make_node("Mul", ["a", "s2sq"], ["t2"]),
        helper.make_node("Mul", ["x3", "x3"], ["x3sq"]),
        helper.make_node("Mul", ["x3sq", "x3sq"], ["x3p4"]),
        helper.make_node("Mul", ["b", "x3p4"], ["bx"]),
        helper.make_node("Mul", ["bx", "s1"], ["t3"]),
        helper.make_node("Add", ["s1", "t2"], ["u"]),
        helper.make_node("Add", ["u", "t3"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "ishigami", [x1, x2, x3], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="assay fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save_model(model, OUT / "ishigami.onnx")
    return {"a": a, "b": b, "s1": s1, "st": st}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    out = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__,
            "onnx": onnx.__version__,
        },
        "split": split_fixtures(),
        "crossval_trainer": crossval_trainer(),
        "crossval_linear": crossval_linear(),
        "ishigami": ishigami(),
    }
    (OUT / "validation_parity.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT / "validation_parity.json")


if __name__ == "__main__":
    main()
