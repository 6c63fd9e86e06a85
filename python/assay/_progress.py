"""Progress of long calls: on a terminal the core draws its own progress line on stderr; in a
Jupyter notebook a progress bar is drawn in the cell's output (and removed when the call
ends); anywhere, ``progress=`` may be a function that receives the reads in progress."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Union

#: What a progress callback receives, every quarter of a second during a call: the reads in
#: progress as ``(what, rows read so far, seconds)``.
ProgressCallback = Callable[[list[tuple[str, int, float]]], None]
Progress = Union[bool, ProgressCallback, None]


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (IPython already imported, with a kernel)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - any failure means "not a notebook"
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class NotebookProgress:
    """A progress bar in a notebook cell's output, updated in place: what is read, the rows
    read so far, the rate and the time (the total is not known before a read ends, so the
    bar itself is indeterminate). It shows itself one second into a call (short calls show
    nothing). ``display`` and ``html`` are IPython's ``IPython.display.display`` and
    ``HTML`` unless given (tests); ``clock`` is ``time.monotonic`` unless given."""

    def __init__(
        self,
        display: Callable[..., Any] | None = None,
        html: Callable[[str], Any] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import time
        if display is None:
            from IPython.display import HTML
            from IPython.display import display as ipython_display

            display, html = ipython_display, HTML
        self._display = display
        self._wrap: Callable[[str], Any] = html or (lambda text: text)
        self._handle: Any = None
        self._clock = clock or time.monotonic
        self._started = self._clock()

    @staticmethod
    def render(reads: list[tuple[str, int, float]]) -> str:
        """The bar's HTML for these reads."""
        style = "font-family: monospace; font-size: 12px"
        bar = '<progress style="width: 14em; vertical-align: middle"></progress>'
        lines = []
        for label, rows, seconds in reads:
            rate = f", {rows / seconds:,.0f} rows/s" if seconds > 0 else ""
            lines.append(
                f'<div style="{style}">{bar} profiling {html.escape(label)}: {rows:,} rows'
                f"{rate} [{seconds:.1f} s]</div>"
            )
        if not lines:
            lines.append(f'<div style="{style}">{bar} running the checks…</div>')
        return "".join(lines)

    def __call__(self, reads: list[tuple[str, int, float]]) -> None:
        if self._handle is None and self._clock() - self._started < 1.0:
            return
        body = self._wrap(self.render(reads))
        if self._handle is None:
            self._handle = self._display(body, display_id=True)
        else:
            self._handle.update(body)

    def close(self) -> None:
        """Removes the bar (the call ended)."""
        if self._handle is not None:
            self._handle.update(self._wrap(""))
            self._handle = None


@contextmanager
def progress_for(progress: Progress) -> Iterator[tuple[bool, ProgressCallback | None]]:
    """``(draw on the terminal, callback)`` for a call's ``progress`` argument: ``None``
    (default) draws on a terminal, or in a notebook; ``True`` draws wherever it can;
    ``False`` draws nothing; a function is called with the reads in progress."""
    if callable(progress):
        yield False, progress
        return
    if progress is False:
        yield False, None
        return
    if _stderr_is_terminal():
        yield True, None
        return
    if in_notebook():
        bar = NotebookProgress()
        try:
            yield False, bar
        finally:
            bar.close()
        return
    yield bool(progress), None
