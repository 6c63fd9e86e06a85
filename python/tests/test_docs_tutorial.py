"""The tutorial (docs/tutorial.md) runs as written: every Python block in order, in one
namespace, from the repository root, and each block's printed output equals the ``text`` block
that follows it."""

from __future__ import annotations

import contextlib
import io
import os
import re

from conftest import ROOT

BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.S)


def test_the_tutorial_runs_and_prints_what_it_shows():
    text = (ROOT / "docs" / "tutorial.md").read_text()
    blocks = BLOCK.findall(text)
    assert sum(kind == "python" for kind, _ in blocks) >= 8
    namespace: dict[str, object] = {"__name__": "tutorial"}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for i, (kind, body) in enumerate(blocks):
            if kind != "python":
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"tutorial block {i}", "exec"), namespace)
            if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                assert out.getvalue() == blocks[i + 1][1], f"block {i}:\n{body}"
    finally:
        os.chdir(cwd)
