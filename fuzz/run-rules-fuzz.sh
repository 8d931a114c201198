#!/bin/sh
# run-rules-fuzz.sh - build the rule loader's libFuzzer target with clang and
# run it for N seconds (default 60), seeded with the shipped rule files, the
# fixtures and the hostile rule files (tests/hostile/rules).
#   fuzz/run-rules-fuzz.sh [SECONDS] [extra libFuzzer options...]
# Exit status: 0 if nothing was found, else libFuzzer's (crash files in $OUT).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
CC=${CC:-clang}
OUT=${OUT:-${TMPDIR:-/tmp}/tnmlab-rules-fuzz}
mkdir -p "$OUT/corpus"
# seeds: the shipped rule files, the test fixtures and the hostile rule files
# (tests/hostile/rules; any folder may be empty or missing)
for f in "$here"/scripts/selection/*.lua "$here"/tests/fixtures/rules/*.lua \
    "$here"/tests/hostile/rules/*.lua; do
    if [ -f "$f" ]; then
        rel=${f#"$here"/} # tests/hostile/csv/x.csv -> tests-hostile-csv-x.csv
        cp "$f" "$OUT/corpus/$(printf '%s' "$rel" | tr / -)"
    fi
done
LUA_CFLAGS=${LUA_CFLAGS:-$(pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)}
LUA_LIBS=${LUA_LIBS:-$(pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)}
$CC -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow \
    -fno-sanitize-recover=undefined,float-cast-overflow \
    -I "$here/core" -I "$here/dsl" $LUA_CFLAGS \
    -DTNMLAB_STAGING="\"$here/scripts/staging\"" \
    "$here/fuzz/rules_fuzz.c" "$here/dsl/sandbox.c" "$here/dsl/sandbox_env.c" \
    "$here/dsl/expr.c" \
    "$here/dsl/expr_bind.c" "$here/dsl/expr_eval.c" "$here/dsl/expr_list.c" "$here/dsl/rules.c" \
    "$here/dsl/rules_conv.c" "$here/dsl/rules_query.c" "$here/dsl/rules_eval.c" "$here/dsl/rules_stage.c" "$here/dsl/stage_program.c" \
    "$here/dsl/stage_module_path.c" "$here/dsl/stage_program_read.c" "$here/dsl/stage_program_lua.c" "$here/dsl/bytemap.c" \
    "$here/dsl/rules_bind.c" "$here/dsl/rules_explain.c" "$here/dsl/rules_diff.c" \
    "$here/dsl/lcell.c" \
    "$here/core/cohort.c" "$here/core/interrupt.c" "$here/core/errbuf.c" \
    "$here/core/file_open.c" "$here/core/text.c" $LUA_LIBS -lm \
    -o "$OUT/rules_fuzz"
cd "$OUT"
# A hang or a runaway allocation is a finding, like a crash:
#   -timeout: one input (load, evaluations, explains, diffs) must finish in 5 s
#   -rss_limit_mb: the rule sandbox caps Lua at 16 MB here (64 MB in tnmlab),
#     so a resident set of 1 GB (ASan's own overhead included) is a leak or
#     an unbounded C-side allocation
#   -malloc_limit_mb: no single malloc may ask for more than 512 MB
# libFuzzer then writes timeout-*, oom-* or crash-* into $OUT and exits
# non-zero (70 for a timeout, 71 for out-of-memory), which exec passes on.
exec ./rules_fuzz -max_total_time="$secs" -max_len=8192 -timeout=5 \
    -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$OUT/" "$@" corpus
