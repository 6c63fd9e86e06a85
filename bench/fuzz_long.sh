#!/usr/bin/env bash
# Long fuzzing runs (bench/fuzz.md): every target of fuzz/ for SECONDS (default 600) with the
# deep build scripts/fuzz makes (parser crates instrumented too), one after the other, then a
# Markdown table of the results.
#
#   bench/fuzz_long.sh [SECONDS] [TARGET ...]
#
# Corpora grow in bench/data/fuzz-corpus/TARGET (git-ignored), seeded from fuzz/corpus/TARGET;
# a crash is saved in fuzz/artifacts/TARGET/ and reported in the table.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(suite_yaml suite_toml suite_json condition slice_expr profile ingest_jsonl ingest_csv ingest_arrow api_bodies)

scripts/fuzz --build --deep
BIN=target/fuzz-bin
echo "| target | seconds | executions | exec/s | corpus | peak RSS MB | crashes |"
echo "|---|---|---|---|---|---|---|"
for t in "${TARGETS[@]}"; do
  corpus=bench/data/fuzz-corpus/$t
  mkdir -p "$corpus" "fuzz/artifacts/$t"
  log=$(mktemp)
  status=0
  "$BIN/$t" "$corpus" "fuzz/corpus/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 \
    -timeout=20 -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" 2> "$log" || status=$?
  runs=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}')
  rss=$(grep -E "^stat::peak_rss_mb" "$log" | awk '{print $2}')
  crashes=$(ls "fuzz/artifacts/$t" | wc -l)
  rate=$(( ${runs:-0} / SECONDS_EACH ))
  echo "| $t | $SECONDS_EACH | ${runs:-?} | $rate | $(ls "$corpus" | wc -l) | ${rss:-?} | $crashes (exit $status) |"
  if [ "$status" -ne 0 ]; then tail -40 "$log" >&2; fi
  rm -f "$log"
done
