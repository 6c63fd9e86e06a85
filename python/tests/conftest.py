"""Shared fixtures: the shipped example data, and the CLI built from the same checkout (for
parity tests), found through ASSAY_BIN (scripts/test sets it)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def examples() -> pathlib.Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def assay_bin() -> str:
    path = os.environ.get("ASSAY_BIN") or str(ROOT / "target" / "debug" / "assay")
    if not os.access(path, os.X_OK):
        pytest.fail(f"the assay CLI is needed for parity tests: {path} (set ASSAY_BIN)")
    return path


@pytest.fixture
def run_cli(assay_bin, tmp_path):
    """Runs the CLI with `-o json=FILE -q`; returns (exit code, report dict or None, stderr)."""

    def run(*args: str):
        out = tmp_path / "cli-report.json"
        proc = subprocess.run(
            [assay_bin, *args, "-q", "-o", f"json={out}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(out.read_text()) if out.exists() else None
        return proc.returncode, report, proc.stderr

    return run
