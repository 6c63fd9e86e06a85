"""Profile.compare (drift between profiles, equal to the CLI's on saved profiles) and
Profile.push to a real `assay serve` process (hybrid mode), with its errors."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request

import pytest

import assay


@pytest.fixture(scope="module")
def profiles(examples):
    adult = examples / "adult"
    return (
        assay.profile(adult / "adult_reference.csv", null_values="?"),
        assay.profile(adult / "adult_current.csv", null_values="?"),
    )


def test_compare_equals_the_cli_drift_of_the_saved_profiles(profiles, tmp_path, run_cli):
    reference, current = profiles
    reference.save(tmp_path / "reference.json")
    current.save(tmp_path / "current.json")
    _, cli, _ = run_cli("drift", str(tmp_path / "reference.json"), str(tmp_path / "current.json"),
                        "--exclude", "fnlwgt")
    report = reference.compare(current, exclude="fnlwgt")
    mine = {(r.id, r.column): (r.status, r.value) for r in report.results}
    theirs = {(r["id"], r["column"]): (r["status"], r["value"]) for r in cli["results"]}
    assert mine == theirs
    assert report.current.from_profile and report.reference.from_profile
    # A profile also stands in for data wherever data is taken.
    assert assay.drift(reference, current, exclude="fnlwgt").to_json() == report.to_json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def service(assay_bin, tmp_path_factory, examples):
    data_dir = tmp_path_factory.mktemp("service")
    made = subprocess.run(
        [assay_bin, "token", "create", "--role", "admin", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=60, check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    url = f"http://127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [assay_bin, "serve", "--data-dir", str(data_dir), "--listen", url.removeprefix("http://")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"assay serve did not start: {process.stderr.read()!r}")
                time.sleep(0.2)
        subprocess.run(
            [assay_bin, "monitor", "create", "--name", "adult", "--suite",
             str(examples / "monitoring" / "adult-monitor.yaml"), "--rows", "1000",
             "--server", url, "--token", token],
            capture_output=True, text=True, timeout=120, check=True,
        )
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_pushed_profile_is_evaluated_by_the_monitor(profiles, service):
    url, token = service
    _, current = profiles
    answer = current.push("adult", server=url, token=token)
    assert answer["accepted"] == current.rows
    window = answer["windows"][0]
    deadline = time.monotonic() + 60
    while True:
        request = urllib.request.Request(
            f"{url}/api/v1/monitors/adult/windows/{window}/report",
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                report = assay.Report.from_json(r.read().decode())
            break
        except urllib.error.HTTPError as e:
            if e.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    drifted = {r.column for r in report.results if r.id == "drift.auto"}
    assert {"age", "hours-per-week"} <= drifted


def test_push_errors_name_the_service_and_what_it_said(profiles, service, monkeypatch):
    url, token = service
    _, current = profiles
    monkeypatch.delenv("ASSAY_TOKEN", raising=False)
    with pytest.raises(assay.InputError, match="give an API token"):
        current.push("adult", server=url)
    with pytest.raises(assay.InputError, match=r"/api/v1/monitors/nope/profiles: HTTP 404"):
        current.push("nope", server=url, token=token)
    with pytest.raises(assay.InputError, match="HTTP 401"):
        current.push("adult", server=url, token="wrong")
    with pytest.raises(assay.AssayError, match="cannot reach http://127.0.0.1:9/"):
        current.push("adult", server="http://127.0.0.1:9", token=token, timeout=5)
