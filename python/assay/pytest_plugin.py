"""assay's pytest plugin (registered through the ``pytest11`` entry point).

``pytest --assay-suite suite.yaml`` runs the suite once and turns each of its results into a
test item named ``suite.yaml::ID[COLUMN]``: a failed or errored check fails with its message, a
warning passes and is reported in pytest's warnings summary (or fails under
``--assay-strict``), a skipped check is skipped. The option is repeatable.

Inside tests, the ``assay_check`` fixture runs a suite (a file or a dict, with data objects)
and fails the test with every failed check's message when it does not pass::

    def test_features_are_sound(assay_check, features_df):
        assay_check({"checks": [{"check": "integrity.null_share"}]}, current=features_df)
"""

from __future__ import annotations

import pathlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ._api import check
from ._errors import AssayError
from ._report import CheckResult, Report


class AssayWarning(UserWarning):
    """A check of an assay suite ended in a warning."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("assay", "assay data and model checks")
    group.addoption(
        "--assay-suite",
        action="append",
        default=[],
        metavar="SUITE",
        help="run this assay suite (YAML, TOML or JSON); each check result becomes a test",
    )
    group.addoption(
        "--assay-strict",
        action="store_true",
        default=False,
        help="a check that warns fails its test",
    )


class AssaySuiteFile(pytest.File):
    """A suite given with ``--assay-suite``: run once, one item per result."""

    def collect(self) -> Iterator[AssayResultItem]:
        report = check(self.path)
        self.report = report
        seen: dict[str, int] = {}
        for result in report.results:
            name = result.name
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}#{seen[name]}"
            yield AssayResultItem.from_parent(self, name=name, result=result)


class AssayCheckFailure(Exception):
    """A check of an assay suite failed or errored."""


class AssayResultItem(pytest.Item):
    """One check result of a suite."""

    def __init__(self, *, result: CheckResult, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result = result
        self.add_marker(pytest.mark.assay)

    def runtest(self) -> None:
        r = self.result
        if r.status in ("fail", "error"):
            raise AssayCheckFailure(f"{r.status}: {r.message}")
        if r.status == "warn":
            if self.config.getoption("assay_strict"):
                raise AssayCheckFailure(f"warn (--assay-strict): {r.message}")
            warnings.warn(AssayWarning(f"{r.name}: {r.message}"), stacklevel=1)
        if r.status == "skipped":
            pytest.skip(r.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, AssayCheckFailure):
            r = self.result
            lines = [f"{r.name}: {excinfo.value}"]
            if r.condition:
                lines.append(f"condition: {r.condition}")
            if r.value is not None:
                lines.append(f"value: {r.value}")
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[pathlib.Path, int | None, str]:
        return self.path, None, f"assay: {self.name}"


class AssaySuiteError(pytest.Item):
    """A suite that could not run (invalid, or its data unreadable): one failing item whose
    message is assay's error."""

    def __init__(self, *, error: AssayError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return f"the assay suite could not run: {self.error}"

    def reportinfo(self) -> tuple[pathlib.Path, int | None, str]:
        return self.path, None, f"assay suite: {self.path}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "assay: a check result of an assay suite")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    for suite in config.getoption("assay_suite") or []:
        path = pathlib.Path(suite).resolve()
        suite_file = AssaySuiteFile.from_parent(session, path=path)
        try:
            items.extend(suite_file.collect())
        except AssayError as e:
            items.append(AssaySuiteError.from_parent(suite_file, name="(suite)", error=e))


@pytest.fixture
def assay_check() -> Callable[..., Report]:
    """Runs a suite with :func:`assay.check` (same arguments) and fails the test, listing each
    failed check's message, unless every check passed (warnings allowed unless
    ``strict=True``). Returns the report."""

    def run(suite: Any, *, strict: bool = False, **kwargs: Any) -> Report:
        report = check(suite, **kwargs)
        if report.exit_code(strict) != 0:
            bad = [r for r in report.results if not r.ok or (strict and r.status == "warn")]
            pytest.fail(
                f"{report.suite}: {len(bad)} check(s) did not pass\n"
                + "\n".join(f"{r.status}: {r.name}: {r.message}" for r in bad),
                pytrace=False,
            )
        return report

    return run
