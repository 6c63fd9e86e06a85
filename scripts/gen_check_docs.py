"""Writes the check reference page of the documentation site (docs/checks.md, not committed)
from the catalogue itself: `assay checks` and `assay explain ID` of the CLI given as argv[1],
so the site documents exactly the checks and texts of the binary it was built with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(assay: str, *args: str) -> str:
    return subprocess.run([assay, *args], check=True, capture_output=True, text=True).stdout


def to_markdown(text: str) -> str:
    """`assay explain` text as Markdown: the title and underline become a heading, each
    unindented line a bold section name, the indented lines under it a paragraph."""
    lines = text.rstrip("\n").splitlines()
    title, body = lines[0], lines[2:]
    out = [f"## {title}", ""]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend([" ".join(paragraph), ""])
            paragraph.clear()

    for line in body:
        if not line.strip():
            flush()
        elif line.startswith("  "):
            paragraph.append(line.strip())
        elif out[-2:] == [f"## {title}", ""] and not paragraph:
            out.extend([line.strip(), ""])
        else:
            flush()
            out.extend([f"**{line.strip()}**", ""])
    flush()
    return "\n".join(out)


def main() -> None:
    assay, target = sys.argv[1], Path(sys.argv[2])
    ids = [line.split()[0] for line in run(assay, "checks").splitlines()
           if line and not line.startswith("`") and "." in line.split()[0]]
    families: dict[str, list[str]] = {}
    for i in ids:
        families.setdefault(i.split(".")[0], []).append(i)
    page = [
        "# Every check",
        "",
        f"The {len(ids)} checks of the catalogue, as `assay explain ID` documents them (this page "
        "is generated from the binary at build time). Suites name them in `checks:`; "
        "[Suites](suites.md) explains conditions, severities and parameters.",
        "",
    ]
    for family, members in families.items():
        page.append(f"- **{family}**: " + ", ".join(f"[`{m}`](#{m.replace('.', '')})" for m in members))
    page.append("")
    for i in ids:
        page.append(to_markdown(run(assay, "explain", i)))
    target.write_text("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
