#!/bin/sh
# run-csv-fuzz.sh - build the CSV reader's libFuzzer target with clang and
# run it for N seconds (default 60) from the fixtures and the hostile cohorts
# as seed corpus.
#   fuzz/run-csv-fuzz.sh [SECONDS] [extra libFuzzer options...]
# Exit status: 0 if nothing was found, else libFuzzer's (crash files in $OUT).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
CC=${CC:-clang}
OUT=${OUT:-${TMPDIR:-/tmp}/tnmlab-csv-fuzz}
mkdir -p "$OUT/corpus"
cp "$here"/tests/fixtures/csv/*.csv "$OUT/corpus/" 2>/dev/null || true
# and the hostile cohorts (tests/hostile/csv), named apart from the fixtures
for f in "$here"/tests/hostile/csv/*.csv; do
    if [ -f "$f" ]; then cp "$f" "$OUT/corpus/hostile-$(basename "$f")"; fi
done
# the first byte of an input chooses options: give each seed a plain one
for f in "$OUT"/corpus/*.csv; do
    [ -f "$f" ] || continue
    { printf '\000'; cat "$f"; } > "$f.seed" && rm -f "$f"
done
$CC -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I "$here/core" \
    "$here/fuzz/csv_fuzz.c" "$here/core/csv.c" "$here/core/csv_file.c" "$here/core/csv_names.c" \
    "$here/core/csv_number.c" \
    "$here/core/csv_write.c" "$here/core/cohort.c" "$here/core/interrupt.c" -lm \
    -o "$OUT/csv_fuzz"
cd "$OUT"
exec ./csv_fuzz -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$OUT/" "$@" corpus
