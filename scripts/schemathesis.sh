#!/usr/bin/env bash
# Property-based and stateful testing of `assay serve` against its own OpenAPI description
# with schemathesis: every operation, every check, no 5xx answers, every answer as described.
#
#   scripts/schemathesis.sh [ASSAY_BINARY] [PYTHON_VENV]
#
# ASSAY_BINARY defaults to target/debug/assay, PYTHON_VENV (a venv with scripts/requirements-test.txt
# installed, which pins schemathesis) to .venv-test. Settings (environment):
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation and phase (default 30)
#   SCHEMATHESIS_MAX_TIME      time budget in seconds (default 300; fuzzing and stateful testing
#                              go on until it is spent, so the run takes about this long)
#   SCHEMATHESIS_SEED          seed (default 20261206: runs are reproducible)
#   SCHEMATHESIS_SCHEMA        a description file to test instead of the served
#                              /api/v1/openapi.json (e.g. a saved, edited copy, to try a change
#                              to the description without a rebuild)
# The service runs on a free loopback port with a fresh data directory; the JUnit report, the
# service's log and the data are left in the temporary directory printed at the end, and
# schemathesis runs there (its caches stay out of the work tree; no example database, so a seed
# always replays the same run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSAY=${1:-$ROOT/target/debug/assay}
VENV=${2:-$ROOT/.venv-test}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-300}
SEED=${SCHEMATHESIS_SEED:-20261206}

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
[ -x "$ASSAY" ] || { echo "no assay binary at $ASSAY (cargo build -p assay-cli)" >&2; exit 2; }
[ -x "$VENV/bin/schemathesis" ] || {
  echo "no schemathesis in $VENV (python3 -m venv $VENV && $VENV/bin/pip install -r scripts/requirements-test.txt)" >&2
  exit 2
}
ASSAY=$(realpath "$ASSAY")
PY="$VENV/bin/python"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/assay-schemathesis.XXXXXX")
SERVER_PID=""
finish() {
  local status=$?
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$TMP/server.log" ]; then
    echo "== service log (last 60 lines of $TMP/server.log)" >&2
    tail -n 60 "$TMP/server.log" >&2
  fi
  echo "== report: $TMP/junit.xml; service log: $TMP/server.log" >&2
  exit "$status"
}
trap finish EXIT

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"

echo "== admin token"
TOKEN=$("$ASSAY" token create --role admin --name schemathesis --data-dir "$TMP/data" 2>"$TMP/token.log" | tail -n 1)
[ -n "$TOKEN" ] || { cat "$TMP/token.log" >&2; exit 1; }

echo "== assay serve on $URL"
"$ASSAY" serve --data-dir "$TMP/data" --listen "127.0.0.1:$PORT" --tick 200ms >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  if curl -fsS "$URL/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "assay serve exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$URL/readyz" >/dev/null

api() { # METHOD PATH [CONTENT_TYPE BODY_FILE]: prints the body, fails on an error status
  local args=(-fsS -X "$1" -H "Authorization: Bearer $TOKEN")
  if [ $# -ge 4 ]; then args+=(-H "Content-Type: $3" --data-binary "@$4"); fi
  curl "${args[@]}" "$URL$2"
}

# The token schemathesis authenticates with is the only one so far: its id is protected from
# generated revocations (scripts/schemathesis_hooks.py).
TOKEN_ID=$(api GET /api/v1/tokens | "$PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')

echo "== a monitor with windows, labels and an alert"
"$PY" - "$TMP" <<'EOF'
import json, sys
tmp = sys.argv[1]
with open(f"{tmp}/ref.csv", "w") as f:
    f.write("id,x,c,y\n")
    for i in range(100):
        f.write(f"r{i},{i},{'a' if i % 2 == 0 else 'b'},{'yes' if i % 3 == 0 else 'no'}\n")
with open(f"{tmp}/rows.jsonl", "w") as f:
    for i in range(25):
        f.write(json.dumps({"id": f"e{i}", "x": i * 7, "c": "a", "y": None}) + "\n")
with open(f"{tmp}/labels.csv", "w") as f:
    f.write("id,y\n" + "".join(f"e{i},{'yes' if i % 2 else 'no'}\n" for i in range(20)))
EOF
"$ASSAY" profile "$TMP/ref.csv" -o "$TMP/ref.json" >/dev/null 2>>"$TMP/token.log"
SUITE=$'roles: {id: id, target: y}\nchecks:\n  - check: integrity.null_share\n  - check: drift.auto\n'
"$PY" - "$TMP" "$SUITE" <<'EOF'
import json, sys
tmp, suite = sys.argv[1], sys.argv[2]
spec = {
    "name": "seed",
    "suite": suite,
    "reference_profile": json.load(open(f"{tmp}/ref.json")),
    "window": {"rows": 10},
    # A webhook nobody answers: its deliveries fail and are retried (listed with the alerts).
    "alerts": {"on": "warn", "webhooks": [{"url": "http://127.0.0.1:9/hook", "format": "json"}]},
}
json.dump(spec, open(f"{tmp}/monitor.json", "w"))
EOF
api POST /api/v1/monitors application/json "$TMP/monitor.json" >/dev/null
api POST /api/v1/monitors/seed/rows application/x-ndjson "$TMP/rows.jsonl" >/dev/null
api POST /api/v1/monitors/seed/labels text/csv "$TMP/labels.csv" >/dev/null
for _ in $(seq 1 100); do
  evaluated=$(api GET /api/v1/monitors/seed/windows |
    "$PY" -c 'import json, sys; print(sum(w["state"] == "evaluated" for w in json.load(sys.stdin)))')
  [ "$evaluated" -ge 2 ] && break
  sleep 0.2
done
[ "$evaluated" -ge 2 ] || { echo "the seed monitor's windows were not evaluated" >&2; exit 1; }

echo "== schemathesis (seed $SEED, $MAX_EXAMPLES examples per operation, at most ${MAX_TIME}s)"
SCHEMA=${SCHEMATHESIS_SCHEMA:-$URL/api/v1/openapi.json}
case "$SCHEMA" in http://* | https://*) ;; *) SCHEMA=$(realpath "$SCHEMA") ;; esac
export SCHEMATHESIS_HOOKS="$ROOT/scripts/schemathesis_hooks.py"
export ASSAY_ST_TOKEN_ID="$TOKEN_ID" ASSAY_ST_SUITE="$SUITE" ASSAY_ST_REFERENCE="$TMP/ref.json"
SCHEMATHESIS=$(realpath "$VENV/bin/schemathesis")
(cd "$TMP" && "$SCHEMATHESIS" --config-file "$ROOT/scripts/schemathesis.toml" run "$SCHEMA" \
  --url "$URL" \
  -H "Authorization: Bearer $TOKEN" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --seed "$SEED" \
  --request-timeout 30 \
  --report junit --report-junit-path "$TMP/junit.xml")

# The service must have survived every request.
kill -0 "$SERVER_PID" 2>/dev/null || { echo "assay serve died during the run" >&2; exit 1; }
if grep -q "panicked\|internal error contained" "$TMP/server.log"; then
  echo "assay serve panicked during the run" >&2
  exit 1
fi
