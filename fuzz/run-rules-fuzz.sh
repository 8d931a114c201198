#!/bin/sh
# run-rules-fuzz.sh - build the rule loader's libFuzzer target with clang and
# run it for N seconds (default 60), seeded with the shipped rule files.
#   fuzz/run-rules-fuzz.sh [SECONDS] [extra libFuzzer options...]
# Exit status: 0 if nothing was found, else libFuzzer's (crash files in $OUT).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
CC=${CC:-clang}
OUT=${OUT:-${TMPDIR:-/tmp}/tnmlab-rules-fuzz}
mkdir -p "$OUT/corpus"
cp "$here"/scripts/selection/*.lua "$here"/tests/fixtures/rules/*.lua "$OUT/corpus/" \
    2>/dev/null || true
LUA_CFLAGS=${LUA_CFLAGS:-$(pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)}
LUA_LIBS=${LUA_LIBS:-$(pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)}
$CC -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I "$here/core" -I "$here/dsl" $LUA_CFLAGS \
    -DTNMLAB_STAGING="\"$here/scripts/staging\"" \
    "$here/fuzz/rules_fuzz.c" "$here/dsl/sandbox.c" "$here/dsl/expr.c" \
    "$here/dsl/expr_bind.c" "$here/dsl/expr_eval.c" "$here/dsl/rules.c" \
    "$here/dsl/rules_conv.c" "$here/dsl/rules_eval.c" "$here/dsl/rules_stage.c" \
    "$here/core/cohort.c" "$here/core/interrupt.c" $LUA_LIBS -lm \
    -o "$OUT/rules_fuzz"
cd "$OUT"
# -timeout: one input (load, evaluations, explains, diffs) must finish in 10 s
exec ./rules_fuzz -max_total_time="$secs" -max_len=8192 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$OUT/" "$@" corpus
