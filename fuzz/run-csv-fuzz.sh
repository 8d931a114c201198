#!/bin/sh
# run-csv-fuzz.sh - build the CSV reader's libFuzzer target with clang and
# run it for N seconds (default 60) from the fixtures and the hostile cohort
# files (tests/hostile/csv, and the CSV cells of tests/hostile/session) as
# seed corpus.
#   fuzz/run-csv-fuzz.sh [SECONDS] [extra libFuzzer options...]
# Exit status: 0 if nothing was found, else libFuzzer's (crash files in $OUT).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
CC=${CC:-clang}
OUT=${OUT:-${TMPDIR:-/tmp}/tnmlab-csv-fuzz}
mkdir -p "$OUT/corpus"
# seeds: the fixtures and the hostile cohort files (either folder may be
# empty or missing; a glob that matches nothing is skipped)
for f in "$here"/tests/fixtures/csv/*.csv "$here"/tests/hostile/csv/*.csv \
    "$here"/tests/hostile/session/*.csv; do
    if [ -f "$f" ]; then
        rel=${f#"$here"/} # tests/hostile/csv/x.csv -> tests-hostile-csv-x.csv
        cp "$f" "$OUT/corpus/$(printf '%s' "$rel" | tr / -)"
    fi
done
# the first byte of an input chooses options: give each seed a plain one
for f in "$OUT"/corpus/*.csv; do
    [ -f "$f" ] || continue
    { printf '\000'; cat "$f"; } > "$f.seed" && rm -f "$f"
done
$CC -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow \
    -fno-sanitize-recover=undefined,float-cast-overflow \
    -I "$here/core" \
    "$here/fuzz/csv_fuzz.c" "$here/core/csv.c" "$here/core/csv_file.c" "$here/core/csv_names.c" \
    "$here/core/csv_number.c" "$here/core/csv_recode.c" \
    "$here/core/csv_write.c" "$here/core/atomic_file.c" "$here/core/errbuf.c" "$here/core/file_open.c" "$here/core/text.c" "$here/core/cohort.c" \
    "$here/core/interrupt.c" -lm \
    -o "$OUT/csv_fuzz"
cd "$OUT"
# a hang (5 s for one input of at most 4 kB) or 1 GB resident is a finding
# too: libFuzzer writes timeout-* or oom-* and exits non-zero (70, 71)
exec ./csv_fuzz -max_total_time="$secs" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$OUT/" "$@" corpus
