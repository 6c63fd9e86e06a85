"""assay.evaluate gives the CLI's report: an ONNX model run on a path or on in-memory data,
prediction columns, fairness and the regression gate."""

from __future__ import annotations

import json

import pyarrow.csv as pacsv
import pytest

import assay


def _adult_table(examples, name):
    return pacsv.read_csv(
        examples / "adult" / name,
        convert_options=pacsv.ConvertOptions(null_values=["?"], strings_can_be_null=True),
    )


def test_a_model_on_a_path_equals_the_cli(examples, run_cli):
    data = str(examples / "adult" / "adult_current.csv")
    model = str(examples / "adult" / "models" / "adult_gbt.onnx")
    code, cli, _ = run_cli(
        "evaluate", data, "--target", "income-per-year", "--model", model, "--null-value", "?",
        "--protected", "sex", "--bootstrap-rounds", "200",
    )
    report = assay.evaluate(
        data, target="income-per-year", model=model, null_values="?", protected="sex",
        bootstrap_rounds=200,
    )
    assert json.loads(report.to_json()) == cli
    assert report.exit_code() == code
    accuracy = next(r for r in report.results if r.id == "model.accuracy")
    assert 0.8 < accuracy.value < 0.9
    assert accuracy.details["ci_low"] < accuracy.value < accuracy.details["ci_high"]
    assert any(r.id.startswith("fairness.") for r in report.results)


def test_a_model_on_a_table_in_memory_gives_the_same_figures(examples, run_cli):
    model = str(examples / "adult" / "models" / "adult_gbt.onnx")
    table = _adult_table(examples, "adult_current.csv")
    report = assay.evaluate(table, target="income-per-year", model=model, bootstrap_rounds=0)
    _, cli, _ = run_cli(
        "evaluate", str(examples / "adult" / "adult_current.csv"), "--target", "income-per-year",
        "--model", model, "--null-value", "?", "--bootstrap-rounds", "0",
    )
    mine = {(r.id, r.column): (r.status, r.value) for r in report.results}
    theirs = {(r["id"], r["column"]): (r["status"], r["value"]) for r in cli["results"]}
    assert mine.keys() == theirs.keys()
    for k, (status, value) in theirs.items():
        assert mine[k][0] == status, k
        assert mine[k][1] == pytest.approx(value, rel=1e-12, abs=1e-12), k


def test_prediction_columns_and_the_regression_gate(examples, run_cli):
    data = str(examples / "adult" / "adult_current_scored.csv")
    args = dict(target="income-per-year", prediction="pred_gbt", probability="proba_gbt",
                baseline_prediction="pred_lr", baseline_probability="proba_lr",
                positive_class=">50K", metrics="accuracy,roc_auc", bootstrap_rounds=200)
    report = assay.evaluate(data, **args)
    code, cli, _ = run_cli(
        "evaluate", data, "--target", "income-per-year", "--prediction", "pred_gbt",
        "--probability", "proba_gbt", "--baseline-prediction", "pred_lr",
        "--baseline-probability", "proba_lr", "--positive-class", ">50K",
        "--metrics", "accuracy,roc_auc", "--bootstrap-rounds", "200",
    )
    assert json.loads(report.to_json()) == cli
    ids = [r.id for r in report.results]
    assert ids[:2] == ["model.accuracy", "model.roc_auc"]
    assert "model.regression_gate" in ids


def test_evaluate_errors_are_the_clis(assay_bin, examples):
    import subprocess

    data = str(examples / "adult" / "adult_current.csv")
    with pytest.raises(assay.InputError) as e:
        assay.evaluate(data, target="income-per-year")
    proc = subprocess.run([assay_bin, "evaluate", data, "--target", "income-per-year"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert str(e.value) == proc.stderr.strip().removeprefix("error: ")
    with pytest.raises(assay.InputError, match="--metrics: unknown metric `nope`"):
        assay.evaluate(data, target="income-per-year", prediction="x", metrics="nope")
