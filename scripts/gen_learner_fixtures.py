#!/usr/bin/env python3
"""Generates the scikit-learn parity fixtures of assay's built-in learners.

Writes crates/assay-model/tests/fixtures/learners.json, which
crates/assay-model/tests/learners.rs fits assay_model::learners on and compares against:

- "linear": LinearRegression on numeric columns (coefficients, intercept, predictions).
- "linear_encoded": the same with a categorical column and missing numeric values, against
  ColumnTransformer([SimpleImputer(strategy="median", add_indicator=True) -> StandardScaler on
  the numeric columns, OneHotEncoder on the categorical one]) -> LinearRegression. The indicator
  and one-hot columns are scaled differently from assay's (which leaves them 0/1), which does
  not change least-squares predictions; only predictions are compared, on rows whose levels
  were all seen in training.
- "ridge_raw": Ridge(alpha) on the raw numeric columns (assay: standardize=false).
- "ridge_standardized": StandardScaler -> Ridge(alpha) (assay: standardize=true, the default).
- "logistic_binary", "logistic_multiclass": StandardScaler -> LogisticRegression(C, lbfgs,
  tol=1e-10, max_iter=10000, so the optimum is reached to well below the compared tolerance).
- "tree_classifier", "tree_regressor": DecisionTreeClassifier / DecisionTreeRegressor with
  max_depth=3 on continuous features (no tied split candidates), predict_proba / predict.

Missing numeric values are written as null. Row indices are into the case's table; the model
is fitted on "train_rows" and compared on "test_rows". The output is deterministic (fixed
seeds). Run it again after changing the pins in scripts/requirements-fixtures.txt, and commit
the result.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/gen_learner_fixtures.py
"""

import json
import platform
from pathlib import Path

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "assay-model" / "tests" / "fixtures" / "learners.json"


def numeric_columns(x, names):
    return [
        {
            "name": name,
            "type": "numeric",
            "values": [None if np.isnan(v) else float(v) for v in x[:, j]],
        }
        for j, name in enumerate(names)
    ]


def split(n, train):
    rows = list(range(n))
    return rows[:train], rows[train:]


def regression_data(rng, n=80):
    x = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -3.0]
    y = 1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5 * x[:, 2] + 4.0 + rng.normal(scale=0.3, size=n)
    return np.round(x, 6), np.round(y, 6)


def case_linear(rng):
    x, y = regression_data(rng)
    train, test = split(len(y), 56)
    model = LinearRegression().fit(x[train], y[train])
    return {
        "name": "linear",
        "learner": "linear_regression",
        "params": {},
        "columns": numeric_columns(x, ["x1", "x2", "x3"]),
        "target": {"values": y.tolist()},
        "train_rows": train,
        "test_rows": test,
        "expected": {"values": model.predict(x[test]).tolist()},
        "coefficients": {"weights": model.coef_.tolist(), "intercepts": [float(model.intercept_)]},
        "tolerance": 1e-9,
    }


def case_linear_encoded(rng):
    n = 120
    x = rng.normal(size=(n, 2))
    levels = ["north", "south", "east", "west"]
    codes = rng.integers(0, len(levels), size=n)
    effect = np.array([3.0, -1.0, 0.5, 2.0])
    y = 2.0 * x[:, 0] - x[:, 1] + effect[codes] + rng.normal(scale=0.2, size=n)
    x[rng.random(size=(n, 2)) < 0.15] = np.nan
    x, y = np.round(x, 6), np.round(y, 6)
    train, test = split(n, 80)
    cat = np.array(levels, dtype=object)[codes].reshape(-1, 1)
    data = np.concatenate([x.astype(object), cat], axis=1)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                              StandardScaler()), [0, 1]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), [2]),
    ])
    model = make_pipeline(pre, LinearRegression()).fit(data[train], y[train])
    seen = set(codes[train].tolist())
    test = [r for r in test if codes[r] in seen]
    columns = numeric_columns(x, ["a", "b"]) + [
        {"name": "region", "type": "categorical", "codes": codes.tolist(), "levels": levels}
    ]
    return {
        "name": "linear_encoded",
        "learner": "linear_regression",
        "params": {},
        "columns": columns,
        "target": {"values": y.tolist()},
        "train_rows": train,
        "test_rows": test,
        "expected": {"values": model.predict(data[test]).tolist()},
        "tolerance": 1e-9,
    }


def case_ridge(rng, standardize):
    x, y = regression_data(rng)
    train, test = split(len(y), 56)
    alpha = 2.5
    if standardize:
        model = make_pipeline(StandardScaler(), Ridge(alpha=alpha)).fit(x[train], y[train])
        coefficients = None
    else:
        model = Ridge(alpha=alpha).fit(x[train], y[train])
        coefficients = {"weights": model.coef_.tolist(), "intercepts": [float(model.intercept_)]}
    case = {
        "name": "ridge_standardized" if standardize else "ridge_raw",
        "learner": "ridge",
        "params": {"alpha": alpha, "standardize": standardize},
        "columns": numeric_columns(x, ["x1", "x2", "x3"]),
        "target": {"values": y.tolist()},
        "train_rows": train,
        "test_rows": test,
        "expected": {"values": model.predict(x[test]).tolist()},
        "tolerance": 1e-9,
    }
    if coefficients:
        case["coefficients"] = coefficients
    return case


def case_logistic(rng, classes):
    n = 240
    x = np.round(rng.normal(size=(n, 3)) * [1.0, 3.0, 0.2] + [0.0, 5.0, 1.0], 6)
    z = (x - [0.0, 5.0, 1.0]) / [1.0, 3.0, 0.2]
    if classes == 2:
        logit = 1.2 * z[:, 0] - 0.8 * z[:, 1] + 0.5 * z[:, 2]
        y = (rng.random(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    else:
        scores = z @ np.array([[1.5, -1.0, 0.0], [0.0, 1.0, -1.0], [0.5, 0.0, 1.0]])
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        y = np.array([rng.choice(3, p=row) for row in p])
    train, test = split(n, 160)
    c = 0.5
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=c, tol=1e-10, max_iter=10000)
    ).fit(x[train], y[train])
    return {
        "name": "logistic_binary" if classes == 2 else "logistic_multiclass",
        "learner": "logistic_regression",
        "params": {"C": c},
        "columns": numeric_columns(x, ["x1", "x2", "x3"]),
        "target": {"classes": y.tolist(), "n_classes": classes},
        "train_rows": train,
        "test_rows": test,
        "expected": {
            "probabilities": model.predict_proba(x[test]).tolist(),
            "labels": model.predict(x[test]).tolist(),
        },
        "tolerance": 1e-6,
    }


def case_tree(rng, classify):
    n = 200
    x = np.round(rng.uniform(-1, 1, size=(n, 3)), 6)
    train, test = split(n, 140)
    if classify:
        y = ((x[:, 0] > 0.1) ^ (x[:, 1] > -0.3)).astype(int)
        flip = rng.random(size=n) < 0.1
        y[flip] = 1 - y[flip]
        model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(x[train], y[train])
        target = {"classes": y.tolist(), "n_classes": 2}
        expected = {
            "probabilities": model.predict_proba(x[test]).tolist(),
            "labels": model.predict(x[test]).tolist(),
        }
    else:
        y = np.round(np.sin(3 * x[:, 0]) + x[:, 1] ** 2 + rng.normal(scale=0.1, size=n), 6)
        model = DecisionTreeRegressor(max_depth=3, random_state=0).fit(x[train], y[train])
        target = {"values": y.tolist()}
        expected = {"values": model.predict(x[test]).tolist()}
    return {
        "name": "tree_classifier" if classify else "tree_regressor",
        "learner": "decision_tree",
        "params": {"max_depth": 3},
        "columns": numeric_columns(x, ["x1", "x2", "x3"]),
        "target": target,
        "train_rows": train,
        "test_rows": test,
        "expected": expected,
        "tolerance": 1e-12,
    }


def main():
    rng = np.random.default_rng(20240611)
    cases = [
        case_linear(rng),
        case_linear_encoded(rng),
        case_ridge(rng, standardize=False),
        case_ridge(rng, standardize=True),
        case_logistic(rng, 2),
        case_logistic(rng, 3),
        case_tree(rng, classify=True),
        case_tree(rng, classify=False),
    ]
    out = {
        "generated_by": "scripts/gen_learner_fixtures.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "cases": cases,
    }
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
