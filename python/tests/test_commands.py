"""The rest of the commands from Python — split, crossval, sensitivity, bench_model, init,
explain, checks — equal to the CLI's output for the same inputs."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest
from sklearn.model_selection import StratifiedKFold

import assay

TARGET = "income-per-year"


def _cli(assay_bin, *args):
    proc = subprocess.run([assay_bin, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _figures(results):
    return {(r["id"], r["column"]): (r["status"], r["value"]) for r in results}


def test_split_equals_the_cli_and_scikit_learn(examples, assay_bin):
    data = str(examples / "adult" / "adult_current.csv")
    folds = assay.split(data, splitter="stratified_kfold", stratify=TARGET, folds=3)
    cli = json.loads(
        _cli(assay_bin, "split", data, "--splitter", "stratified_kfold", "--stratify", TARGET,
             "--folds", "3")
    )
    assert folds.splitter == cli["splitter"] and folds.n_rows == cli["n_rows"]
    assert [(list(tr), list(te)) for tr, te in folds] == [
        (f["train"], f["test"]) for f in cli["folds"]
    ]
    y = pd.read_csv(data)[TARGET]
    for (train, test), (sk_train, sk_test) in zip(
        folds, StratifiedKFold(3).split(np.zeros(len(y)), y), strict=True
    ):
        assert np.array_equal(np.asarray(train), sk_train)
        assert np.array_equal(np.asarray(test), sk_test)


def test_split_refuses_what_the_cli_refuses(examples):
    data = str(examples / "adult" / "adult_current.csv")
    with pytest.raises(assay.InputError, match="--seed has no effect without --shuffle"):
        assay.split(data, splitter="kfold", seed=3)
    with pytest.raises(assay.InputError, match="splitter `group_kfold` needs --group COLUMN"):
        assay.split(data, splitter="group_kfold")


def test_crossval_with_a_built_in_learner_equals_the_cli(examples, run_cli):
    data = str(examples / "adult" / "adult_current.csv")
    _, cli, _ = run_cli(
        "crossval", data, "--target", TARGET, "--learner", "decision_tree", "--param",
        "max_depth=4", "--folds", "3", "--null-value", "?",
    )
    report = assay.crossval(
        data, target=TARGET, learner="decision_tree", param={"max_depth": 4}, folds=3,
        null_values="?",
    )
    assert _figures(json.loads(report.to_json())["results"]) == _figures(cli["results"])
    score = next(r for r in report.results if r.id == "crossval.score")
    assert 0.75 < score.value < 0.9


def test_sensitivity_of_an_onnx_model_equals_the_cli(examples, run_cli):
    model = str(examples / "adult" / "models" / "adult_lr.onnx")
    data = str(examples / "adult" / "adult_current.csv")
    _, cli, _ = run_cli(
        "sensitivity", model, "--method", "morris", "--samples", "20", "--data", data,
        "--null-value", "?", "--bounds", "age=17:90",
    )
    report = assay.sensitivity(
        model, method="morris", samples=20, data=data, null_values="?", bounds={"age": (17, 90)}
    )
    assert _figures(json.loads(report.to_json())["results"]) == _figures(cli["results"])
    assert any(r.column == "age" for r in report.results)


def test_bench_model_of_an_onnx_model_reports_what_the_cli_reports(examples, run_cli):
    model = str(examples / "adult" / "models" / "adult_gbt.onnx")
    args = ["--batch-sizes", "1,16", "--iterations", "3", "--seconds", "0.01",
            "--throughput-rows", "1000", "--throughput-threads", "1", "--budget", "p99@1<10000"]
    _, cli, _ = run_cli("bench-model", model, *args)
    report = assay.bench_model(
        model, batch_sizes=[1, 16], iterations=3, seconds=0.01, throughput_rows=1000,
        throughput_threads=1, budget="p99@1<10000",
    )
    mine = [(r.id, r.column, r.status) for r in report.results]
    assert mine == [(r["id"], r["column"], r["status"]) for r in cli["results"]]
    with pytest.raises(assay.InputError, match="--budget `p42@1<5`"):
        assay.bench_model(model, budget="p42@1<5")


def test_init_writes_the_cli_suite_and_names_arrow_data_as_check_does(examples, assay_bin, tmp_path):
    data = str(examples / "adult" / "adult_current.csv")
    text = assay.init(data, null_values="?")
    assert text == _cli(assay_bin, "init", data, "--null-value", "?")
    table = pacsv.read_csv(data)
    suite = assay.init(table, output=tmp_path / "suite.yaml")
    assert "current: memory://current" in suite
    assert (tmp_path / "suite.yaml").read_text() == suite
    with pytest.raises(assay.InputError, match="already exists"):
        assay.init(table, output=tmp_path / "suite.yaml")
    report = assay.check(str(tmp_path / "suite.yaml"), current=table)
    assert report.ok, report.to_text()


def test_explain_and_checks_are_the_cli_catalogue(assay_bin):
    assert assay.explain("drift.ks").strip() == _cli(assay_bin, "explain", "drift.ks").strip()
    listed = [
        line.split()[0]
        for line in _cli(assay_bin, "checks").splitlines()
        if line and "." in line.split()[0] and not line.startswith("`")
    ]
    assert list(assay.checks()) == listed
    with pytest.raises(assay.InputError, match="did you mean `drift.ks`"):
        assay.explain("drift.kss")
