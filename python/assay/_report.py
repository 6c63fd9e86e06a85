"""The Report: every check's result, as the CLI's JSON report, with typed access."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from . import _assay
from ._errors import CheckFailed

if TYPE_CHECKING:
    import pandas
    import pyarrow

#: A result's verdict.
Status = Literal["pass", "warn", "fail", "error", "skipped"]

_FORMATS = {
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "junit",
    ".txt": "terminal",
}


def _typed(result: CheckResult) -> Any:
    from . import details as _details

    name = next(
        (
            cls
            for check, cls in _details.CHECKS
            if result.id == check or (check.endswith(".") and result.id.startswith(check))
        ),
        None,
    )
    if name is None or (name == "ColumnDrift" and result.column is None):
        return None
    return _build(name, result.details)


def _build(name: str, data: Any) -> Any:
    """The details class ``name`` filled from JSON data (lenient: what does not fit is kept in
    ``other_keys``, or as it is)."""
    import dataclasses

    from . import details as _details

    if not isinstance(data, dict):
        return data
    cls = getattr(_details, name)
    known = {f.name for f in dataclasses.fields(cls)} - {"other_keys"}
    nested = {field_name: (inner, how) for field_name, inner, how in _details.NESTED.get(name, [])}
    values: dict[str, Any] = {}
    for key in known & data.keys():
        value = data[key]
        if key in nested and value is not None:
            inner, how = nested[key]
            if how == "list" and isinstance(value, list):
                value = [_build(inner, v) for v in value]
            elif how == "dict" and isinstance(value, dict):
                value = {k: _build(inner, v) for k, v in value.items()}
            elif how == "one":
                value = _build(inner, value)
        values[key] = value
    other = {k: v for k, v in data.items() if k not in known}
    return cls(**values, other_keys=other)


@dataclass(frozen=True)
class CheckResult:
    """One check's result on one column (or on the dataset).

    ``value`` is what the check measured; ``status`` is the verdict of its condition
    (``threshold``, described by ``condition``) on that value. ``details`` holds the figures
    behind the value (counts, the reference's value, the bins a drift method compared...), as
    in the JSON report.
    """

    id: str
    column: str | None
    status: Status
    value: float | None
    threshold: float | None
    condition: str | None
    severity: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``id[column]``, or ``id`` for a dataset-level result (as the reports show it)."""
        return f"{self.id}[{self.column}]" if self.column is not None else self.id

    @property
    def family(self) -> str:
        """The check family: ``drift`` for ``drift.ks``."""
        return self.id.split(".", 1)[0]

    @property
    def ok(self) -> bool:
        """True unless the check failed or errored."""
        return self.status not in ("fail", "error")

    @property
    def typed_details(self) -> Any:
        """The details as the typed object of the check's family (``assay.details``):
        ``model.accuracy`` gives a :class:`assay.details.MetricDetails` with ``.ci_low``,
        ``drift.ks`` on a column a :class:`assay.details.ColumnDrift`, and so on. ``None``
        for results without a typed form (the dataset-level row of a drift check, whose
        figures are in ``details``)."""
        return _typed(self)

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> CheckResult:
        return cls(
            id=d["id"],
            column=d.get("column"),
            status=d["status"],
            value=d.get("value"),
            threshold=d.get("threshold"),
            condition=d.get("condition"),
            severity=d.get("severity", "fail"),
            message=d.get("message", ""),
            details=d.get("details") or {},
        )


@dataclass(frozen=True)
class Summary:
    """How many results ended in each status."""

    passed: int
    warned: int
    failed: int
    errors: int
    skipped: int
    total: int


@dataclass(frozen=True)
class DatasetInfo:
    """What was read for one side: its sources (paths, URLs, or ``memory://NAME`` for data
    passed as an object), rows, columns, whether it was a saved profile, how many times
    the raw data was read (1: every check was served by one read), and where its profile was
    computed when not locally (``{"engine": "spark", "partitions": 16}``: a cluster's partial
    profiles merged; ``None`` for a local read)."""

    sources: list[str]
    rows: int
    columns: int
    from_profile: bool
    reads: int
    computed: dict[str, Any] | None = None


class Report:
    """The result of a run: every check's result, the datasets read, a summary.

    The same report the CLI writes: ``to_json()`` is exactly ``assay ... -o json``, and the
    other ``to_*`` methods are the CLI's renderers. In a notebook the report shows as its
    HTML page.
    """

    __slots__ = ("_native", "_data", "results", "summary", "current", "reference")

    def __init__(self, native: _assay.NativeReport) -> None:
        self._native = native
        self._data: dict[str, Any] = json.loads(native.render("json"))
        d = self._data
        #: Every result, in suite order.
        self.results: list[CheckResult] = [CheckResult._from_dict(r) for r in d["results"]]
        #: Counts per status.
        self.summary = Summary(**d["summary"])
        #: The current dataset.
        self.current = DatasetInfo(**d["current"])
        #: The reference dataset, when there was one.
        self.reference = DatasetInfo(**d["reference"]) if d.get("reference") else None

    @classmethod
    def from_json(cls, text: str) -> Report:
        """A report read back from its JSON (``to_json()`` or the CLI's ``-o json``)."""
        return cls(_assay.report_from_json(text))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Report:
        """A report read back from a JSON file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    @property
    def suite(self) -> str:
        """The suite's name (or the command that made the report)."""
        return self._data["suite"]

    @property
    def schema_version(self) -> int:
        """The JSON report's schema version."""
        return self._data["schema_version"]

    @property
    def assay_version(self) -> str:
        """The version of assay that made the report."""
        return self._data["assay_version"]

    @property
    def distributions(self) -> list[dict[str, Any]]:
        """Per-column distributions behind the charts (no raw rows)."""
        return self._data["distributions"]

    @property
    def status(self) -> Literal["pass", "warn", "fail"]:
        """``fail`` when a check failed or errored, ``warn`` when one warned, else ``pass``."""
        s = self.summary
        if s.failed or s.errors:
            return "fail"
        return "warn" if s.warned else "pass"

    @property
    def ok(self) -> bool:
        """True when no check failed or errored (the CLI's exit code 0)."""
        return self._native.exit_code(False) == 0

    def exit_code(self, strict: bool = False) -> int:
        """The CLI's exit code for this report: 1 when a check failed or errored (or warned,
        when ``strict``), else 0."""
        return self._native.exit_code(strict)

    def failed(self) -> list[CheckResult]:
        """The results that failed or errored."""
        return [r for r in self.results if not r.ok]

    def warned(self) -> list[CheckResult]:
        """The results that warned."""
        return [r for r in self.results if r.status == "warn"]

    def raise_for_status(self, strict: bool = False) -> Report:
        """Raises :class:`assay.CheckFailed` when a check failed or errored (or warned, when
        ``strict``); returns the report otherwise."""
        if self.exit_code(strict) != 0:
            raise CheckFailed(self, strict=strict)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python data (the parsed JSON report)."""
        return json.loads(self.to_json())

    def to_json(self) -> str:
        """The JSON report, exactly as ``assay ... -o json`` writes it."""
        return self._native.render("json")

    def to_html(self) -> str:
        """The self-contained HTML page (inline SVG charts), as ``-o html`` writes it."""
        return self._native.render("html")

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown, as ``-o markdown`` writes it."""
        return self._native.render("markdown")

    def to_junit(self) -> str:
        """JUnit XML for CI test reporters, as ``-o junit`` writes it."""
        return self._native.render("junit")

    def to_text(self, color: bool = False, verbose: bool = False) -> str:
        """The terminal report (``-o terminal``)."""
        return self._native.render("terminal", color, verbose)

    def save(self, path: str | os.PathLike[str], format: str | None = None) -> None:
        """Writes the report to ``path`` in ``format`` (json, html, markdown, junit, terminal;
        by default from the extension: .json, .html, .md, .xml, .txt)."""
        fmt = format or _FORMATS.get(os.path.splitext(os.fspath(path))[1].lower())
        if fmt is None:
            raise _assay.InputError(
                f"{os.fspath(path)}: cannot tell the format from the extension; pass "
                "format='json'|'html'|'markdown'|'junit'|'terminal'"
            )
        text = self._native.render(fmt)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def _results_columns(self) -> dict[str, list[Any]]:
        names = ["id", "column", "status", "value", "threshold", "condition", "severity", "message"]
        return {n: [getattr(r, n) for r in self.results] for n in names}

    def to_arrow(self) -> pyarrow.Table:
        """The results as a pyarrow Table (one row per result; details left out). Needs
        pyarrow."""
        import pyarrow as pa

        cols = self._results_columns()
        types = {"value": pa.float64(), "threshold": pa.float64()}
        return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in cols.items()})

    def to_pandas(self) -> pandas.DataFrame:
        """The results as a pandas DataFrame (one row per result). Needs pandas."""
        import pandas as pd

        return pd.DataFrame(self._results_columns())

    def _repr_html_(self) -> str:
        # The report's own page, isolated in a frame so its stylesheet leaves the notebook's
        # alone.
        page = html.escape(self.to_html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" style="width:100%;height:640px;border:0" '
            f'title="assay report: {html.escape(self.suite)}"></iframe>'
        )

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<assay.Report {self.suite!r}: {self.status}, {s.passed} passed, {s.warned} warned, "
            f"{s.failed} failed, {s.errors} errors, {s.skipped} skipped>"
        )
