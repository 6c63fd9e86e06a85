#!/usr/bin/env bash
# Create bench/.venv and install the benchmark requirements. Idempotent: a requirements file is
# reinstalled only when its content changed since the last successful install.
#
#   bench/setup.sh                   # duckdb, pyarrow, numpy
#   bench/setup.sh --with-evidently  # also Evidently (heavy)
#   bench/setup.sh --with-whylogs    # also whylogs 1.x, in its own venv bench/.venv-whylogs
#
# PYTHON=/path/to/python3.11 selects the interpreter the venv is created from (default python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
with_evidently=0
with_whylogs=0

for arg in "$@"; do
    case "$arg" in
        --with-evidently) with_evidently=1 ;;
        --with-whylogs) with_whylogs=1 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

if [ ! -x "$venv/bin/python" ]; then
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
        echo "setup.sh: need Python >= 3.11 (numpy 2.4); set PYTHON=/path/to/python3.11" >&2
        exit 2
    fi
    echo "creating $venv"
    "$python" -m venv "$venv"
fi

install() {
    local req="$here/$1"
    local stamp="$venv/.installed-$1"
    local sum
    sum="$(sha256sum "$req" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
        echo "$1: up to date"
        return
    fi
    echo "$1: installing"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$req"
    echo "$sum" > "$stamp"
}

install requirements.txt
if [ "$with_evidently" = 1 ]; then
    install requirements-evidently.txt
fi
if [ "$with_whylogs" = 1 ]; then
    wl="$here/.venv-whylogs"
    stamp="$wl/.installed-requirements-whylogs.txt"
    sum="$(sha256sum "$here/requirements-whylogs.txt" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
        echo "requirements-whylogs.txt: up to date"
    else
        echo "requirements-whylogs.txt: installing into $wl"
        [ -x "$wl/bin/python" ] || "$python" -m venv "$wl"
        "$wl/bin/python" -m pip install --disable-pip-version-check --quiet -r "$here/requirements-whylogs.txt"
        echo "$sum" > "$stamp"
    fi
fi
