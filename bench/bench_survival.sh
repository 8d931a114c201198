#!/bin/sh
# bench_survival.sh - build and run the survival benchmark (not part of make check).
#   bench/bench_survival.sh [ROWS] [days|cont] [--no-r]
# Prints tnmlab's KM (2 strata) + log-rank, warm and cold, and R's
# subset + survfit + survdiff on the same data in the same run.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/tnmlab-bench_survival
${CC:-cc} -std=c11 -O2 -ffp-contract=off -I "$here/core" "$here/bench/bench_survival.c" \
    "$here/core/km.c" "$here/core/logrank.c" "$here/core/survival_data.c" \
    $(pkg-config --cflags --libs gsl) -lm -o "$out"
exec "$out" "$@"
