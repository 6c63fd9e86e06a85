"""Typed details: the classes are generated from the Rust structs (and up to date), and every
key real reports carry maps to a typed field."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import assay
from conftest import ROOT


def test_the_details_classes_are_generated_from_the_current_rust_structs():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_python_details.py"), "--check"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def reports(examples):
    adult = examples / "adult"
    data = str(adult / "adult_current_scored.csv")
    model = str(adult / "models" / "adult_gbt.onnx")
    return [
        assay.evaluate(data, target="income-per-year", prediction="pred_gbt",
                       probability="proba_gbt", baseline_prediction="pred_lr",
                       baseline_probability="proba_lr", positive_class=">50K",
                       protected="sex", segment="race", bootstrap_rounds=100),
        assay.drift(str(adult / "adult_reference.csv"), str(adult / "adult_current.csv"),
                    null_values="?"),
        assay.check(str(adult / "suite.yaml")),
        assay.crossval(data, target="income-per-year", learner="decision_tree",
                       param={"max_depth": 3}, folds=3, null_values="?",
                       unseen_segment="race", features="age,education-num,hours-per-week"),
        assay.sensitivity(model, method="morris", samples=10, data=str(adult / "adult_current.csv"),
                          null_values="?"),
        assay.bench_model(model, batch_sizes=[1], iterations=3, seconds=0.01,
                          throughput_rows=500, throughput_threads=1),
    ]


def test_every_key_of_real_reports_is_a_typed_field(reports):
    typed_ids = set()
    for report in reports:
        for r in report.results:
            typed = r.typed_details
            if typed is None:
                continue
            typed_ids.add(r.id.split(".")[0])
            name = type(typed).__name__
            assert dataclasses.is_dataclass(typed)
            if not assay.details.KEEPS_EXTRA[name]:
                assert typed.other_keys == {}, f"{r.name}: keys {sorted(typed.other_keys)} not in {name}"
            for key, value in r.details.items():
                if key in typed.other_keys:
                    continue
                got = getattr(typed, key)
                if not isinstance(value, (list, dict)):
                    assert got == value or (got != got and value != value), (r.name, key)
    assert {"model", "fairness", "drift", "integrity", "leakage", "crossval", "generalization",
            "sensitivity", "performance"} <= typed_ids


def test_typed_details_read_as_attributes(reports):
    evaluation = reports[0]
    accuracy = next(r for r in evaluation.results if r.id == "model.accuracy")
    figures = accuracy.typed_details
    assert isinstance(figures, assay.details.MetricDetails)
    assert figures.ci_low == accuracy.details["ci_low"] < accuracy.value < figures.ci_high
    fairness = next(r for r in evaluation.results if r.id == "fairness.demographic_parity_difference")
    groups = fairness.typed_details.groups
    assert all(isinstance(g, assay.details.GroupFigures) for g in groups.values())
    drift = reports[1]
    age = next(r for r in drift.results if r.id == "drift.auto" and r.column == "age")
    assert isinstance(age.typed_details, assay.details.ColumnDrift)
    assert age.typed_details.method == age.details["method"]
    dataset_row = next(r for r in drift.results if r.id == "drift.auto" and r.column is None)
    assert dataset_row.typed_details is None
