# lib.sh - helpers for the hostile-input tests (tests/hostile/*.sh).
# A hostile case runs the real binary under a time limit and a resident-memory
# measurement, then asserts its exit status, its message and the memory bound.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
HOSTILE=${top_srcdir:-.}/tests/hostile

# run_bounded SECONDS CMD...: runs CMD under `timeout`, with stdin from the
# file $RUN_INPUT (none when unset), and sets RC (124 when it was killed for
# taking too long), OUT, ERR and RSS_MB (peak resident set of CMD, from GNU
# time).
run_bounded() {
    local secs=$1
    shift
    timeout -k 2 "$secs" /usr/bin/time -f '%M' -o "$WORK/rss" "$@" \
        >"$WORK/out" 2>"$WORK/err" <"${RUN_INPUT:-/dev/null}"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    local kb
    kb=$(tail -n 1 "$WORK/rss" 2>/dev/null)
    case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
    RSS_MB=$((kb / 1024))
}

# check_rss NAME LIMIT_MB: the last run_bounded stayed under LIMIT_MB.
# Under AddressSanitizer (.ci/run sets ASAN_OPTIONS for that build) freed
# memory waits in a 256 MB quarantine and every byte has shadow memory, so
# the bound is scaled there.
RSS_SCALE=1
[ -n "${ASAN_OPTIONS:-}" ] && RSS_SCALE=3
check_rss() {
    local limit=$(($2 * RSS_SCALE))
    if [ "$RSS_MB" -le "$limit" ]; then pass; else fail "$1: resident ${RSS_MB} MB > $limit MB"; fi
}

# check_rc NAME EXPECTED: the last run_bounded exited with EXPECTED.
check_rc() {
    if [ "$RC" = "$2" ]; then pass; else fail "$1: exit $RC, expected $2
stdout: $(printf '%s' "$OUT" | head -c 600)
stderr: $(printf '%s' "$ERR" | head -c 600)"; fi
}

# wait_in FILE PATTERN: until PATTERN (grep) is in FILE, 10 s at most.
wait_in() {
    local i=0
    until grep -q "$2" "$1" 2>/dev/null || [ $i -ge 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# interrupt_until PID FILE PATTERN: Ctrl-C (SIGINT) to PID every 50 ms
# until PATTERN is in FILE, 10 s at most: one that lands before a line is
# read only clears the input line.
interrupt_until() {
    local i=0
    until grep -q "$3" "$2" 2>/dev/null || [ $i -ge 200 ]; do
        kill -INT "$1" 2>/dev/null
        sleep 0.05
        i=$((i + 1))
    done
}

# peak_mb PID: the process's peak resident memory so far, in MB.
peak_mb() { awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null; }
