#!/bin/sh
# bench_csv.sh - build and run the CSV load benchmark (not part of make check).
#   bench/bench_csv.sh [ROWS] [FILE] [--no-r]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/tnmlab-bench_csv
${CC:-cc} -std=c11 -O2 -I "$here/core" "$here/bench/bench_csv.c" \
    "$here/core/csv.c" "$here/core/csv_file.c" "$here/core/csv_names.c" \
    "$here/core/csv_number.c" "$here/core/csv_write.c" "$here/core/errbuf.c" \
    "$here/core/cohort.c" "$here/core/interrupt.c" "$here/core/file_open.c" \
    "$here/core/text.c" "$here/core/atomic_file.c" -lm -o "$out"
exec "$out" "$@"
