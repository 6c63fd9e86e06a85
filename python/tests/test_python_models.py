"""Python models run by the core batch by batch: a scikit-learn pipeline on text columns, a
callable, a regressor, a learner cloned and fitted per fold; the figures equal those
scikit-learn computes itself on the same predictions (exactly: the same rows, the same
numbers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import assay

TARGET = "income-per-year"
NUMERIC = ["age", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
TEXT = ["workclass", "education", "marital-status", "occupation", "relationship", "sex"]


def _frame(examples, name: str) -> pd.DataFrame:
    return pd.read_csv(examples / "adult" / name, na_values=["?"])


def _pipeline() -> object:
    encode = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), NUMERIC),
            (
                "text",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                TEXT,
            ),
        ]
    )
    return make_pipeline(encode, LogisticRegression(max_iter=500))


@pytest.fixture(scope="module")
def adult(examples):
    reference = _frame(examples, "adult_reference.csv")
    current = _frame(examples, "adult_current.csv")
    model = _pipeline().fit(reference[NUMERIC + TEXT], reference[TARGET])
    return reference, current, model


def _value(report, check_id):
    return next(r for r in report.results if r.id == check_id).value


def test_a_pipeline_on_text_columns_scores_as_scikit_learn_does(adult):
    _, current, model = adult
    report = assay.evaluate(
        current, target=TARGET, model=model, metrics="accuracy,roc_auc", bootstrap_rounds=0
    )
    x, y = current[NUMERIC + TEXT], current[TARGET]
    positive = list(model.classes_).index(">50K")
    assert _value(report, "model.accuracy") == pytest.approx(
        accuracy_score(y, model.predict(x)), abs=1e-12
    )
    assert _value(report, "model.roc_auc") == pytest.approx(
        roc_auc_score(y == ">50K", model.predict_proba(x)[:, positive]), abs=1e-12
    )
    details = report.results[0].details
    assert details["n"] == len(current), "every row reaches the model (it imputes itself)"
    assert details["model"] == "python://Pipeline"


def test_a_callable_returning_probabilities_needs_and_uses_its_classes(adult):
    _, current, model = adult
    x = current[NUMERIC + TEXT]
    with pytest.raises(assay.InputError, match="classes"):
        assay.evaluate(current, target=TARGET, model=assay.Model(model.predict_proba, task="classification"))
    report = assay.evaluate(
        current,
        target=TARGET,
        model=model.predict_proba,
        features=NUMERIC + TEXT,
        classes=list(model.classes_),
        metrics="accuracy",
        bootstrap_rounds=0,
    )
    # Labels are the most probable class: LogisticRegression's predict.
    assert _value(report, "model.accuracy") == pytest.approx(
        accuracy_score(current[TARGET], model.predict(x)), abs=1e-12
    )


def test_a_callable_regressor_in_batches_of_a_given_size(adult):
    reference, current, _ = adult
    features = ["education-num", "hours-per-week"]
    regressor = LinearRegression().fit(reference[features], reference["age"])
    calls = []

    def predict(frame: pd.DataFrame) -> np.ndarray:
        calls.append(len(frame))
        return regressor.predict(frame)

    model = assay.Model(predict, features=features, batch_rows=4000)
    report = assay.evaluate(current, target="age", model=model, metrics="rmse", bootstrap_rounds=0)
    expected = math.sqrt(mean_squared_error(current["age"], regressor.predict(current[features])))
    assert _value(report, "model.rmse") == pytest.approx(expected, rel=1e-12)
    assert max(calls) <= 4000 and sum(calls) == len(current)


def test_an_estimator_given_as_learner_cross_validates_as_cross_val_score(adult):
    reference, _, _ = adult
    data = reference.head(6000)
    report = assay.crossval(
        data,
        target=TARGET,
        learner=_pipeline(),
        features=NUMERIC + TEXT,
        splitter="stratified_kfold",
        folds=4,
        metrics="accuracy",
    )
    score = next(r for r in report.results if r.id == "crossval.score")
    expected = cross_val_score(
        _pipeline(), data[NUMERIC + TEXT], data[TARGET], cv=StratifiedKFold(4), scoring="accuracy"
    )
    assert score.value == pytest.approx(float(np.mean(expected)), abs=1e-12)
    assert "python://Pipeline" in report.to_json()


def test_sensitivity_of_a_python_function_finds_its_known_sobol_indices():
    # y = a + 2b on uniform inputs: Var = 1/12 + 4/12, so S_a = 0.2 and S_b = 0.8.
    model = assay.Model(lambda x: x[:, 0] + 2 * x[:, 1], features=["a", "b"], input="numpy")
    report = assay.sensitivity(model, bounds={"a": (0, 1), "b": (0, 1)}, samples=2048, seed=1)
    first = {r.column: r.details["s1"] for r in report.results if r.id == "sensitivity.sobol"}
    assert first["a"] == pytest.approx(0.2, abs=0.03)
    assert first["b"] == pytest.approx(0.8, abs=0.03)


def test_bench_model_measures_a_python_model(adult):
    _, current, model = adult
    report = assay.bench_model(
        model, data=current, batch_sizes=[1, 64], iterations=5, seconds=0.01,
        throughput_rows=2000, throughput_threads=[1],
    )
    latency = [r for r in report.results if r.id == "performance.latency"]
    assert latency and all(r.value > 0 for r in latency)
    throughput = next(r for r in report.results if r.id == "performance.throughput")
    assert throughput.value > 0


def test_a_failing_model_names_itself_and_its_error(adult):
    _, current, model = adult

    def broken(frame):
        raise ValueError("the model broke on purpose")

    with pytest.raises(assay.InputError) as raised:
        assay.evaluate(
            current, target="age", model=assay.Model(broken, features=["age"], name="broken"),
            metrics="rmse", bootstrap_rounds=0,
        )
    assert str(raised.value) == (
        "assay evaluate: python://broken: calling the model: ValueError: the model broke on "
        "purpose"
    )


def test_objects_that_are_not_models_are_refused():
    with pytest.raises(assay.InputError, match="callable or an object with predict"):
        assay.evaluate("x.csv", target="y", model=42)
    with pytest.raises(assay.InputError, match="estimator with fit"):
        assay.crossval("x.csv", target="y", learner=object())


def test_permutation_importance_of_a_pipeline_reads_its_text_columns_and_every_row(adult):
    _, current, model = adult
    report = assay.sensitivity(
        model, method="permutation", data=current, target=TARGET, features=NUMERIC + TEXT,
        seed=0,
    )
    importance = {r.column: r.value for r in report.results if r.column}
    assert set(importance) == set(NUMERIC + TEXT)
    top = sorted(importance, key=importance.get, reverse=True)[:3]
    assert "marital-status" in top or "relationship" in top, importance
    assert all(r.status != "error" for r in report.results), report.to_text()


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_gradient_boosting_libraries_run_through_their_scikit_learn_api(adult, library):
    reference, current, _ = adult
    if library == "xgboost":
        from xgboost import XGBClassifier

        model = XGBClassifier(n_estimators=40, max_depth=4, random_state=0, n_jobs=1)
    else:
        from lightgbm import LGBMClassifier

        model = LGBMClassifier(n_estimators=40, random_state=0, n_jobs=1, verbose=-1)
    # Both take the numbers as they are (missing values included) and encode the target.
    y = (reference[TARGET] == ">50K").astype(int)
    model.fit(reference[NUMERIC], y)
    truth = (current[TARGET] == ">50K").astype(int)
    frame = current[NUMERIC].assign(**{TARGET: truth})
    report = assay.evaluate(frame, target=TARGET, model=model, metrics="accuracy,roc_auc",
                            bootstrap_rounds=0)
    expected_auc = roc_auc_score(truth, model.predict_proba(current[NUMERIC])[:, 1])
    assert _value(report, "model.accuracy") == pytest.approx(
        accuracy_score(truth, model.predict(current[NUMERIC])), abs=1e-12
    )
    assert _value(report, "model.roc_auc") == pytest.approx(expected_auc, abs=1e-12)
    assert f"python://{type(model).__name__}" in report.to_json()
