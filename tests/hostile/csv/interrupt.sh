#!/bin/sh
# interrupt.sh - Ctrl-C (SIGINT) while a 1,000,000-row CSV loads at the
# REPL: the load stops with "interrupted", the cohort loaded before stays,
# and the session goes on.  The file is generated here, never committed.
. "${top_srcdir:-.}/tests/hostile/lib.sh"
[ -r /proc/self/status ] || skip "needs /proc to read the REPL's memory"

awk 'BEGIN { print "id,age,os_time,os_event";
             for (i = 1; i <= 1000000; i++) printf "%d,%d,%.2f,%d\n", i, 40 + i % 50, i % 97 / 3, i % 2 }' \
    >"$WORK/big.csv"

# First, uninterrupted: it loads, in bounded time and memory.
run_bounded 30 "$TNMLAB" -e "print(#cohort.read_csv('$WORK/big.csv'))"
check_rc big_loads 0
check_eq big_rows 1000000 "$OUT"
check_rss big_rss 250

# The REPL reads its commands from a FIFO this script writes, so it can
# wait between commands.  Errors go to stderr, which is not buffered.
mkfifo "$WORK/in"
"$TNMLAB" --plain --cohort "$HOSTILE/csv/good.csv" <"$WORK/in" >"$WORK/rout" 2>"$WORK/rerr" &
pid=$!
exec 3>"$WORK/in"
# a load that fails at once: once its message is out, the REPL is idle
printf 'load cohort /dev/zero\n' >&3
wait_in "$WORK/rerr" '/dev/zero'
printf 'load cohort %s\n' "$WORK/big.csv" >&3
interrupt_until "$pid" "$WORK/rerr" interrupted
hwm=$(peak_mb "$pid")
printf 'case #2\n' >&3
exec 3>&-
wait "$pid"
RC=$?
OUT=$(cat "$WORK/rout")
ERR=$(cat "$WORK/rerr")
check_rc repl_exit 1 # the failed loads make the piped session fail
check_has interrupted "$WORK/big.csv: interrupted" "$ERR"
check_lacks not_loaded "loaded $WORK/big.csv" "$OUT"
check_has still_good "patient P2 (row 2 of 3)" "$OUT"
RSS_MB=${hwm:-0}
check_rss repl_rss 250

finish
