#!/usr/bin/env bash
# Set up bench/.venv, then run the benchmark (defaults: 1M and 5M rows, 3 repeats).
# Every argument goes to run.py, except --with-evidently, which goes to setup.sh.
#
#   bench/run.sh
#   bench/run.sh --with-evidently
#   ASSAY_BIN=/path/to/assay bench/run.sh --rows 1000000 --repeat 5
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
setup_args=()
run_args=()
for arg in "$@"; do
    if [ "$arg" = "--with-evidently" ]; then
        setup_args+=("$arg")
    else
        run_args+=("$arg")
    fi
done

"$here/setup.sh" ${setup_args[@]+"${setup_args[@]}"}
exec "$here/.venv/bin/python" "$here/run.py" ${run_args[@]+"${run_args[@]}"}
