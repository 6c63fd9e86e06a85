"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

- JSON Lines bodies (described as one row object, or an array of row objects) are sent one
  JSON value per line (schemathesis has no serializer of its own for these media types), and
  Arrow IPC bodies as raw bytes.
- The admin token schemathesis authenticates with is never revoked by a generated
  `DELETE /api/v1/tokens/{id}` (that would turn every later answer into a 401): a generated
  id equal to it is replaced by 0, which names no token (404).
- A monitor's `suite` (YAML text whose roles and checks must name the reference's columns)
  and `reference_profile` (assay's mergeable statistics) cannot be generated from a JSON
  Schema: `POST /api/v1/monitors` requests get a real suite and reference profile (written by
  the script) in place of the generated ones, when they have them. Every other field (name,
  window, durations, labels, alerts, webhooks, retention, columns) stays as generated, so the
  service's validation of each is tested against the description, in positive and negative
  tests alike (schemathesis validates the case again after this hook, so a negative case made
  valid here is judged as a valid one). This is also what lets stateful testing create
  monitors and follow the description's links from them.
"""

from __future__ import annotations

import json
import os

import schemathesis


@schemathesis.serializer("application/x-ndjson", "application/jsonl", "application/json-lines")
def json_lines(ctx, value):
    if isinstance(value, bytes):
        return value
    # Any other value (a string or a number, in negative tests) is one JSON value on one line.
    rows = value if isinstance(value, list) else [value]
    return "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")


schemathesis.serializer.alias(
    ["application/vnd.apache.arrow.stream", "application/vnd.apache.arrow.file"],
    "application/octet-stream",
)

_PROTECTED_TOKEN_ID = os.environ.get("ASSAY_ST_TOKEN_ID", "")
_SUITE = os.environ.get("ASSAY_ST_SUITE", "")
_REFERENCE = None
if os.environ.get("ASSAY_ST_REFERENCE"):
    with open(os.environ["ASSAY_ST_REFERENCE"], encoding="utf-8") as f:
        _REFERENCE = json.load(f)


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = case.operation
    if (
        operation.method.lower() == "delete"
        and operation.path == "/api/v1/tokens/{id}"
        and _PROTECTED_TOKEN_ID
        and str(case.path_parameters.get("id", "")).strip() == _PROTECTED_TOKEN_ID
    ):
        case.path_parameters["id"] = 0
    if (
        operation.method.lower() == "post"
        and operation.path == "/api/v1/monitors"
        and _SUITE
        and _REFERENCE is not None
        and isinstance(case.body, dict)
    ):
        if "suite" in case.body:
            case.body["suite"] = _SUITE
        if "reference_profile" in case.body:
            case.body["reference_profile"] = _REFERENCE
