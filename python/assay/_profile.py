"""The Profile: a mergeable summary of every column of a dataset."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from typing import Any

from . import _assay
from ._report import Report


@dataclass(frozen=True)
class ColumnSummary:
    """One column of a profile: the figures ``assay profile`` prints.

    ``distinct`` is exact when ``distinct_exact`` (up to the profile's exact cap), else a
    sketch's estimate; ``median`` comes from the exact counts or the quantile sketch;
    ``top`` lists the most frequent values with their counts.
    """

    name: str
    data_type: str
    kind: str
    count: int
    nulls: int
    distinct: int
    distinct_exact: bool
    min: float | None
    median: float | None
    max: float | None
    mean: float | None
    std: float | None
    top: list[tuple[str, int]]


class Profile:
    """A dataset's profile: per column, counts, nulls, range, moments, quantile and
    distinct-count sketches, frequent values. Profiles of parts of a dataset merge into the
    profile of the whole; a saved profile (``save``) is the file ``assay profile -o`` writes
    and stands in for its data wherever the CLI or this package takes data."""

    __slots__ = ("_native", "_columns")

    def __init__(self, native: _assay.NativeProfile) -> None:
        self._native = native
        self._columns: list[ColumnSummary] | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Profile:
        """Reads a saved profile (checked: a corrupt file raises :class:`assay.InputError`
        naming the column and field)."""
        return cls(_assay.load_profile(os.fspath(path)))

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """A profile from its saved JSON (:meth:`to_json`), checked as :meth:`load` checks a
        file."""
        return cls(_assay.profile_from_json(text))

    @property
    def computed(self) -> dict[str, Any] | None:
        """Where the profile was computed when not locally: ``{"engine": "spark",
        "partitions": 16}`` (a cluster's partial profiles merged), else ``None``."""
        computed = self._native.computed
        return None if computed is None else {"engine": computed[0], "partitions": computed[1]}

    @property
    def rows(self) -> int:
        """Rows profiled."""
        return self._native.rows

    @property
    def columns(self) -> list[ColumnSummary]:
        """A summary of every column, in order."""
        if self._columns is None:
            self._columns = [
                ColumnSummary(**{**c, "top": [tuple(t) for t in c["top"]]})
                for c in json.loads(self._native.columns_json())
            ]
        return self._columns

    def column(self, name: str) -> ColumnSummary:
        """The summary of column ``name``; ``KeyError`` when there is none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def merge(self, *others: Profile) -> Profile:
        """The profile of the union of this profile's data and the others' (same columns)."""
        merged = self._native
        for other in others:
            merged = merged.merge(other._native)
        return Profile(merged)

    def to_json(self) -> str:
        """The saved-profile JSON (versioned, documented)."""
        return self._native.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The saved-profile JSON as Python data."""
        return json.loads(self.to_json())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the profile to ``path`` (whole or not at all)."""
        self._native.save(os.fspath(path))

    def compare(self, current: Any, **options: Any) -> Report:
        """Drift of ``current`` (a profile, or data as :func:`assay.profile` takes it) against
        this profile as the reference: :func:`assay.drift` with this profile as its
        ``reference``, and the same keyword arguments (``method``, ``columns``, ``exclude``,
        ...). Between two profiles every method runs on the sketches (``mode="profile"``):
        the report says which figures are estimates."""
        from ._api import drift

        return drift(self, current, **options)

    def push(
        self,
        monitor: str,
        *,
        server: str | None = None,
        token: str | None = None,
        time: str | int | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        """Sends this profile to a monitor of an ``assay serve`` service (``assay push``,
        hybrid mode: the rows never leave this machine) and returns the service's answer
        (the windows the profile went to).

        ``server``: the service's base URL (default ``ASSAY_SERVER``, else
        ``http://127.0.0.1:8080``); ``token``: a writer token (default ``ASSAY_TOKEN``);
        ``time``: the data's event time (ms since the epoch or RFC 3339; default now).
        Raises :class:`assay.InputError` when the service refuses it (a 4xx answer: unknown
        monitor, wrong token, columns that do not match) and :class:`assay.AssayError` when
        it cannot be reached or fails.
        """
        import urllib.error
        import urllib.parse
        import urllib.request

        base = (server or os.environ.get("ASSAY_SERVER") or "http://127.0.0.1:8080").rstrip("/")
        token = token or os.environ.get("ASSAY_TOKEN")
        if not token:
            raise _assay.InputError(
                "give an API token with token=... or ASSAY_TOKEN (make one with `assay token "
                "create --role writer`)"
            )
        url = f"{base}/api/v1/monitors/{urllib.parse.quote(monitor, safe='')}/profiles"
        if time is not None:
            url += f"?time={urllib.parse.quote(str(time), safe='')}"
        request = urllib.request.Request(
            url,
            data=self.to_json().encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            try:
                message = json.loads(body).get("error") or body
            except (ValueError, AttributeError):
                message = body
            error = _assay.InputError if 400 <= e.code < 500 else _assay.AssayError
            raise error(f"{url}: HTTP {e.code}: {message}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise _assay.AssayError(f"cannot reach {url}: {reason}") from None

    def _repr_html_(self) -> str:
        def fmt(v: Any) -> str:
            if v is None:
                return "-"
            if isinstance(v, float):
                return f"{v:.6g}"
            return str(v)

        head = "".join(
            f"<th>{h}</th>"
            for h in ("column", "type", "kind", "nulls", "distinct", "min", "median", "max",
                      "mean", "top")
        )
        rows = []
        for c in self.columns:
            top = f"{c.top[0][0]} ({c.top[0][1]})" if c.top else "-"
            distinct = ("" if c.distinct_exact else "~") + str(c.distinct)
            cells = [c.name, c.data_type, c.kind, c.nulls, distinct, fmt(c.min), fmt(c.median),
                     fmt(c.max), fmt(c.mean), top]
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in cells) + "</tr>")
        return (
            f"<div><p>assay profile: {self.rows} rows, {len(self.columns)} columns</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def __repr__(self) -> str:
        return f"<assay.Profile: {self.rows} rows, {len(self.columns)} columns>"
