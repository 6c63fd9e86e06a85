"""Generates python/assay/details.py: the typed details of the Python package's results, one
dataclass per struct of crates/assay-report/src/details (the structs every check family fills
in and the renderers read), with the same field names, types and documentation, and the table
of which check writes which.

    python3 scripts/gen_python_details.py            # rewrite python/assay/details.py
    python3 scripts/gen_python_details.py --check    # exit 1 when it is out of date (a test runs this)

The Rust structs are the contract (their serde names are the JSON report's keys, no renames);
this reads their source, so a field added or renamed there without regenerating fails the test.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DETAILS = ROOT / "crates" / "assay-report" / "src" / "details"
TARGET = ROOT / "python" / "assay" / "details.py"

#: Which check writes which struct: exact ids, then id prefixes (first match wins).
CHECKS: list[tuple[str, str]] = [
    ("schema.match", "SchemaMatchDetails"),
    ("integrity.row_count", "RowCountDetails"),
    ("integrity.null_share", "NullShareDetails"),
    ("integrity.non_finite_share", "NonFiniteShareDetails"),
    ("integrity.constant_column", "ConstantColumnDetails"),
    ("integrity.value_range", "ValueRangeDetails"),
    ("integrity.new_categories", "NewCategoriesDetails"),
    ("integrity.id_unique", "IdUniqueDetails"),
    ("integrity.duplicate_rows", "DuplicateRowsDetails"),
    ("integrity.mixed_types", "MixedTypesDetails"),
    ("integrity.outlier_share", "OutlierShareDetails"),
    ("integrity.string_length", "StringLengthDetails"),
    ("privacy.pii", "PiiDetails"),
    ("target.class_imbalance", "ClassImbalanceDetails"),
    ("leakage.train_test_overlap", "OverlapDetails"),
    ("leakage.single_feature", "SingleFeatureDetails"),
    ("model.slices", "SliceDetails"),
    ("model.weak_slices", "WeakSliceDetails"),
    ("model.regression_gate", "GateDetails"),
    ("model.prediction_stability", "StabilityDetails"),
    ("model.", "MetricDetails"),
    ("fairness.counterfactual_invariance", "CounterfactualDetails"),
    ("fairness.", "FairnessDetails"),
    ("crossval.score", "CrossvalScoreDetails"),
    ("crossval.beats_baseline", "BeatsBaselineDetails"),
    ("generalization.overfitting", "OverfittingDetails"),
    ("generalization.fold_variance", "FoldVarianceDetails"),
    ("generalization.unseen_segments", "UnseenSegmentsDetails"),
    ("generalization.validation_coverage", "CoverageDetails"),
    ("sensitivity.sobol", "SobolDetails"),
    ("sensitivity.morris", "MorrisDetails"),
    ("sensitivity.oat", "OatDetails"),
    ("sensitivity.permutation_importance", "ImportanceDetails"),
    ("robustness.noise", "NoiseDetails"),
    ("robustness.monotonicity", "MonotonicityDetails"),
    ("performance.latency", "LatencyDetails"),
    ("performance.throughput", "ThroughputDetails"),
    ("performance.memory", "MemoryDetails"),
    ("performance.load_time", "LoadTimeDetails"),
    ("performance.regression", "PerfRegressionDetails"),
    # Per column only: the dataset-level drift row is not a struct (see DRIFT_SUMMARY).
    ("drift.", "ColumnDrift"),
]

SCALARS = {
    "f64": "float",
    "f32": "float",
    "u64": "int",
    "u32": "int",
    "usize": "int",
    "i64": "int",
    "bool": "bool",
    "String": "str",
    "Value": "Any",
    "NumberList": "list[float]",
}

STRUCT = re.compile(r"((?:\s*///[^\n]*\n)*)\s*#\[derive\([^)]*\)\]\s*pub struct (\w+) \{(.*?)\n\}", re.S)
FIELD = re.compile(r"((?:\s*///[^\n]*\n)*)((?:\s*#\[[^\]]*\]\n?)*)\s*pub (\w+): ([^\n]+),\n")


def python_type(rust: str) -> tuple[str, list[str]]:
    """The Python annotation of a Rust type, and the struct names it refers to."""
    rust = rust.strip()
    m = re.fullmatch(r"Option<(.*)>", rust)
    if m:
        inner, refs = python_type(m.group(1))
        return (inner if inner.endswith("| None") else f"{inner} | None"), refs
    m = re.fullmatch(r"Vec<(.*)>", rust)
    if m:
        inner, refs = python_type(m.group(1))
        return f"list[{inner}]", refs
    m = re.fullmatch(r"\[(\w+); (\d+)\]", rust)
    if m:
        inner, refs = python_type(m.group(1))
        return f"tuple[{', '.join([inner] * int(m.group(2)))}]", refs
    m = re.fullmatch(r"(?:BTreeMap|HashMap|Map)<String, (.*)>", rust)
    if m:
        inner, refs = python_type(m.group(1))
        return f"dict[str, {inner}]", refs
    if rust in SCALARS:
        return SCALARS[rust], []
    return rust, [rust]


def doc(lines: str) -> str:
    return " ".join(line.strip()[3:].strip() for line in lines.strip().splitlines() if line.strip())


def parse() -> dict[str, dict]:
    structs: dict[str, dict] = {}
    for path in sorted(DETAILS.glob("*.rs")):
        text = path.read_text()
        for m in STRUCT.finditer(text):
            body = m.group(3) + "\n"
            fields = []
            flatten = False
            for f in FIELD.finditer(body):
                attrs, name, rust = f.group(2), f.group(3), f.group(4)
                if "flatten" in attrs:
                    flatten = True
                    continue
                annotation, refs = python_type(rust)
                fields.append({"name": name, "type": annotation, "refs": refs, "doc": doc(f.group(1))})
            structs[m.group(2)] = {"doc": doc(m.group(1)), "fields": fields, "flatten": flatten,
                                   "file": path.name}
    return structs


#: Keys the runner adds to any check's details (crates/assay-checks/src/runner.rs).
RUNNER_FIELDS = [
    {"name": "reference_value", "type": "float | None", "refs": [],
     "doc": "The figure on the reference, when the check measured it there too (added by the runner)."},
]


def render(structs: dict[str, dict]) -> str:
    top_level = {name for _, name in CHECKS}
    for name in top_level:
        structs[name]["fields"] = structs[name]["fields"] + [
            f for f in RUNNER_FIELDS if f["name"] not in {g["name"] for g in structs[name]["fields"]}
        ]
    # Dependencies first, so annotations read top-down.
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order or name not in structs:
            return
        for f in structs[name]["fields"]:
            for r in f["refs"]:
                visit(r)
        order.append(name)

    for name in structs:
        visit(name)
    out = [
        '"""Typed details of check results: one dataclass per details struct of the Rust core',
        "(crates/assay-report/src/details), fields named as the JSON report's keys.",
        "",
        "Generated by scripts/gen_python_details.py from the Rust source: do not edit.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass, field",
        "from typing import Any",
        "",
    ]
    for name in order:
        s = structs[name]
        out.append("")
        out.append("@dataclass(frozen=True)")
        out.append(f"class {name}:")
        docstring = s["doc"] or f"{name} (crates/assay-report/src/details/{s['file']})."
        out.append(f'    """{docstring}')
        out.append("")
        for f in s["fields"]:
            out.append(f"    ``{f['name']}``: {f['doc'] or '(undocumented)'}")
        out.append("    ``other_keys``: keys the result carries beyond these" +
                   (" (this family keeps more figures)." if s["flatten"] else " (none expected)."))
        out.append('    """')
        out.append("")
        for f in s["fields"]:
            default = "None" if f["type"].endswith("| None") else "field(default_factory=_missing)"
            out.append(f"    {f['name']}: {f['type']} = {default}")
        out.append("    other_keys: dict[str, Any] = field(default_factory=dict)")
        out.append("")
    out.append("")
    out.append("#: Whether a struct keeps keys beyond its fields (a flattened map in Rust).")
    out.append("KEEPS_EXTRA: dict[str, bool] = {")
    for name in order:
        out.append(f'    "{name}": {structs[name]["flatten"]},')
    out.append("}")
    out.append("")
    out.append("#: The field types that are details classes, per class: (field, class, how).")
    out.append("NESTED: dict[str, list[tuple[str, str, str]]] = {")
    for name in order:
        nested = []
        for f in structs[name]["fields"]:
            for r in f["refs"]:
                how = "list" if f["type"].startswith("list[") else "dict" if f["type"].startswith("dict[") else "one"
                nested.append(f'("{f["name"]}", "{r}", "{how}")')
        if nested:
            out.append(f'    "{name}": [{", ".join(nested)}],')
    out.append("}")
    out.append("")
    out.append("#: Which check writes which class: an exact id or an id prefix (first match wins).")
    out.append("CHECKS: list[tuple[str, str]] = [")
    for check, name in CHECKS:
        out.append(f'    ("{check}", "{name}"),')
    out.append("]")
    out.append("")
    return "\n".join(out) + "\n"


HEADER_HELPERS = '''

def _missing() -> Any:
    """A required figure absent from a (hand-edited) report."""
    return None
'''


def generate() -> str:
    structs = parse()
    unknown = [name for _, name in CHECKS if name not in structs]
    if unknown:
        raise SystemExit(f"CHECKS names structs that do not exist: {unknown}")
    text = render(structs)
    # The helper goes before the first class.
    first = text.index("\n\n@dataclass")
    return text[:first] + HEADER_HELPERS + text[first:]


def main() -> int:
    text = generate()
    if "--check" in sys.argv:
        if TARGET.read_text() != text:
            print(f"{TARGET} is out of date: run python3 scripts/gen_python_details.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
