# load_interrupt.sh - Ctrl-C (SIGINT) while a rule file loads, in batch and
# at the line REPL: the load stops with "interrupted" naming the file, well
# before the budget would stop it, the rule sets loaded before stay, and the
# session goes on.  (Ctrl-C while a CSV loads: csv/interrupt.sh; during an
# evaluation on the full screen: ctrl_c.sh.)
. "${top_srcdir:-.}/tests/hostile/lib.sh"
[ -r /proc/self/status ] || skip "needs /proc to find the process and its memory"
# sort_big.lua sorts big tables at its top level: about a second of work
# before the instruction budget stops it.
slow="$HOSTILE/rules/sort_big.lua"

# the pid of the one child of $1 (GNU time ignores SIGINT; its child gets it)
child_of() {
    local kid i=0
    while [ "$i" -lt 100 ]; do
        kid=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
        kid=${kid%% *}
        if [ -n "$kid" ]; then echo "$kid"; return; fi
        sleep 0.05
        i=$((i + 1))
    done
}

# --- batch: one SIGINT once the chunk is running --------------------------
# (the interrupt stays raised for the rest of the chunk, as after any
# interrupted call: what follows the load only reads)
/usr/bin/time -f '%M' -o "$WORK/rss" "$TNMLAB" -e "io.stderr:write('ready\n') io.stderr:flush()
    local ok, e = pcall(rules.load, '$slow')
    print('load', ok, e)
    print('after', rules.version() >= 1, #rules.list())" \
    >"$WORK/out" 2>"$WORK/err" &
tpid=$!
pid=$(child_of "$tpid")
i=0
until grep -q ready "$WORK/err" 2>/dev/null || [ $i -ge 400 ]; do sleep 0.05; i=$((i + 1)); done
start=$(date +%s)
sleep 0.2
kill -INT "$pid" 2>/dev/null
wait "$tpid"
RC=$?
took=$(( $(date +%s) - start ))
OUT=$(cat "$WORK/out")
ERR=$(cat "$WORK/err")
kb=$(tail -n 1 "$WORK/rss" 2>/dev/null)
case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
RSS_MB=$((kb / 1024))
check_rc "batch: the chunk goes on after the interrupted load" 0
# (line 3 or 4, as the machine is fast or slow: the fill or the sort)
check_has "batch: the load says it was interrupted, naming the file" \
    "rule 'sort_big.lua' interrupted" "$OUT"
check_has "batch: ... and the line" "sort_big.lua:" "$OUT"
check_lacks "batch: stopped by Ctrl-C, not by the budget" "million instructions" "$OUT"
check_has "batch: the rule sets loaded before stay (the seven shipped)" "after	true	7" "$OUT"
if [ "$took" -le 10 ]; then pass; else fail "batch: the interrupted load took ${took}s"; fi
check_rss "batch: memory" 300

# --- the line REPL: commands from a FIFO, SIGINT until the load reports it --
mkfifo "$WORK/in"
"$TNMLAB" --plain <"$WORK/in" >"$WORK/rout" 2>"$WORK/rerr" &
pid=$!
exec 3>"$WORK/in"
printf 'print("id" .. "le")\n' >&3
wait_in "$WORK/rout" idle
printf 'load rules %s\n' "$slow" >&3
interrupt_until "$pid" "$WORK/rerr" 'interrupted\|million instructions'
hwm=$(peak_mb "$pid")
printf 'rules\nprint("done" .. "here")\n' >&3
exec 3>&-
wait "$pid"
RC=$?
OUT=$(cat "$WORK/rout")
ERR=$(cat "$WORK/rerr")
check_rc "repl: the failed load makes the piped session fail" 1
check_has "repl: the load says it was interrupted" "rule 'sort_big.lua' interrupted" "$ERR"
check_lacks "repl: not stopped by the budget" "million instructions" "$ERR"
check_lacks "repl: no rule set of the file is loaded" "hostile_sort" "$OUT"
check_has "repl: the shipped rule sets stay" "deruysscher2012" "$OUT"
check_has "repl: the session goes on" "donehere" "$OUT"
RSS_MB=${hwm:-0}
check_rss "repl: memory" 300
finish
