"""assay's exceptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._assay import AssayError, InputError

if TYPE_CHECKING:
    from ._report import Report

__all__ = ["AssayError", "InputError", "CheckFailed"]


class CheckFailed(AssayError):
    """Raised by :meth:`assay.Report.raise_for_status` when a check failed or errored (or
    warned, under ``strict``). ``report`` is the report; the message lists what failed."""

    def __init__(self, report: Report, strict: bool = False) -> None:
        self.report = report
        bad = [r for r in report.results if not r.ok or (strict and r.status == "warn")]
        lines = [f"{r.status}: {r.name}: {r.message}" for r in bad[:20]]
        if len(bad) > 20:
            lines.append(f"... and {len(bad) - 20} more")
        super().__init__(f"{report.suite}: {len(bad)} check(s) did not pass\n" + "\n".join(lines))
