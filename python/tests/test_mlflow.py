"""assay.mlflow.log_report against local MLflow stores — the SQLite database MLflow now
recommends and the (maintenance-mode) file store — with metrics, tags and artifacts read back
through MLflow's own client."""

from __future__ import annotations

import json

import mlflow
import pytest

import assay
import assay.mlflow


@pytest.fixture(params=["sqlite", "file"])
def store(request, tmp_path, monkeypatch):
    if request.param == "file":
        monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        uri = (tmp_path / "mlruns").as_uri()
    else:
        uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
        monkeypatch.chdir(tmp_path)  # artifacts of a database store go to ./mlruns
    mlflow.set_tracking_uri(uri)
    yield mlflow.MlflowClient(uri)
    mlflow.set_tracking_uri(None)


def test_a_report_is_logged_to_the_active_run(examples, store, tmp_path):
    data = examples / "adult" / "adult_current_scored.csv"
    report = assay.evaluate(
        str(data), target="income-per-year", prediction="pred_gbt", probability="proba_gbt",
        positive_class=">50K", metrics="accuracy,roc_auc", bootstrap_rounds=0,
    )
    with mlflow.start_run() as run:
        run_id = assay.mlflow.log_report(report)
    assert run_id == run.info.run_id
    logged = store.get_run(run_id).data
    accuracy = next(r for r in report.results if r.id == "model.accuracy")
    assert logged.metrics["assay.model.accuracy"] == accuracy.value
    assert logged.metrics["assay.model.accuracy.ci_low"] == accuracy.details["ci_low"]
    assert logged.metrics["assay.summary.passed"] == report.summary.passed
    assert logged.tags["assay.status"] == report.status
    assert logged.tags["assay.suite"] == report.suite
    local = store.download_artifacts(run_id, "assay", str(tmp_path / "down"))
    back = json.loads(open(f"{local}/report.json").read())
    assert back == json.loads(report.to_json())
    assert open(f"{local}/report.html").read() == report.to_html()


def test_a_report_goes_to_a_named_run_with_column_names_made_valid_keys(examples, store):
    report = assay.drift(
        str(examples / "adult" / "adult_reference.csv"),
        str(examples / "adult" / "adult_current.csv"),
        columns="age,education-num", null_values="?",
    )
    experiment = store.create_experiment("drift")
    run = store.create_run(experiment)
    assert assay.mlflow.log_report(report, run_id=run.info.run_id, prefix="nightly") == run.info.run_id
    metrics = store.get_run(run.info.run_id).data.metrics
    by_column = {r.column: r.value for r in report.results if r.column}
    assert metrics["nightly.drift.auto.age"] == by_column["age"]
    assert metrics["nightly.drift.auto.education-num"] == by_column["education-num"]
    assert assay.mlflow.metrics_of(report, "nightly") == metrics


def test_only_reports_are_logged():
    with pytest.raises(assay.InputError, match="takes an assay.Report"):
        assay.mlflow.log_report({"status": "pass"})
