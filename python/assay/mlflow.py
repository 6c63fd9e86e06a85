"""Reports into MLflow: :func:`log_report` logs a report's figures as metrics, its outcome as
tags, and the HTML and JSON reports as artifacts of an MLflow run.

Needs ``mlflow`` (``pip install mlflow``); assay itself does not depend on it.
"""

from __future__ import annotations

import re
from typing import Any

from . import _assay
from ._report import Report

_KEY = re.compile(r"[^A-Za-z0-9_\-. /]")


def _key(*parts: str) -> str:
    """An MLflow metric or tag key: characters MLflow refuses become ``_``."""
    return ".".join(_KEY.sub("_", p) for p in parts if p)


def metrics_of(report: Report, prefix: str = "assay") -> dict[str, float]:
    """The metrics :func:`log_report` logs: each result's value as
    ``PREFIX.CHECK_ID[.COLUMN]`` (its interval, when it has one, as ``….ci_low`` and
    ``….ci_high``), and the summary's counts as ``PREFIX.summary.passed`` etc."""
    out: dict[str, float] = {}
    for r in report.results:
        if r.value is None:
            continue
        key = _key(prefix, r.id, r.column or "")
        out[key] = float(r.value)
        for bound in ("ci_low", "ci_high"):
            v = r.details.get(bound) if isinstance(r.details, dict) else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[f"{key}.{bound}"] = float(v)
    s = report.summary
    for name in ("passed", "warned", "failed", "errors", "skipped"):
        value = getattr(s, name, None)
        if isinstance(value, int):
            out[_key(prefix, "summary", name)] = float(value)
    return out


def log_report(
    report: Report,
    *,
    run_id: str | None = None,
    prefix: str = "assay",
    artifact_path: str = "assay",
    name: str = "report",
) -> str:
    """Logs ``report`` to an MLflow run and returns the run's id.

    The run is ``run_id`` when given, else the active run (``mlflow.start_run()``; MLflow
    starts one when none is active, as its own ``log_metric`` does). Logged:

    - metrics: every result's value (and interval) and the summary counts, see
      :func:`metrics_of`;
    - tags: ``PREFIX.status`` (pass, warn, fail or error), ``PREFIX.suite`` and
      ``PREFIX.failed`` (the ids of the failed checks, comma-separated);
    - artifacts under ``artifact_path``: ``NAME.html`` (the HTML report) and ``NAME.json``
      (the JSON report, readable with :meth:`assay.Report.from_json`).
    """
    try:
        import mlflow
    except ImportError as e:
        raise _assay.AssayError(f"assay.mlflow needs mlflow (pip install mlflow): {e}") from None
    if not isinstance(report, Report):
        raise _assay.InputError(f"log_report takes an assay.Report, got a {type(report).__name__}")
    metrics = metrics_of(report, prefix)
    failed = ",".join(sorted({r.id for r in report.failed()}))
    tags = {
        _key(prefix, "status"): report.status,
        _key(prefix, "suite"): report.suite or "",
        _key(prefix, "failed"): failed,
    }
    html = report.to_html()
    text = report.to_json()
    if run_id is not None:
        client = mlflow.MlflowClient()
        client.log_batch(
            run_id,
            metrics=[mlflow.entities.Metric(k, v, _now_ms(), 0) for k, v in metrics.items()],
            tags=[mlflow.entities.RunTag(k, v) for k, v in tags.items()],
        )
        client.log_text(run_id, html, f"{artifact_path}/{name}.html")
        client.log_text(run_id, text, f"{artifact_path}/{name}.json")
        return run_id
    run = mlflow.active_run() or mlflow.start_run()
    mlflow.log_metrics(metrics)
    mlflow.set_tags(tags)
    mlflow.log_text(html, f"{artifact_path}/{name}.html")
    mlflow.log_text(text, f"{artifact_path}/{name}.json")
    return run.info.run_id


def _now_ms() -> int:
    import time

    return int(time.time() * 1000)

