# lib.sh - helpers shared by the hostile session tests (tests/hostile/session/*.sh).
. "${top_srcdir:-.}/tests/hostile/lib.sh"
SESSION_DIR=$HOSTILE/session

# run_fed SECONDS INPUT CMD...: as run_bounded, with INPUT (a file) on stdin,
# the way a person pipes commands into the line REPL.
run_fed() {
    local secs=$1 input=$2
    shift 2
    timeout -k 2 "$secs" /usr/bin/time -f '%M' -o "$WORK/rss" "$@" \
        >"$WORK/out" 2>"$WORK/err" <"$input"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    local kb
    kb=$(tail -n 1 "$WORK/rss" 2>/dev/null)
    case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
    RSS_MB=$((kb / 1024))
}

# tmux_rss_mb: resident memory of the program in pane t, in MB (0 if gone).
tmux_rss_mb() {
    local pid kb
    pid=$(tm list-panes -t t -F '#{pane_pid}' 2>/dev/null)
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
    echo $((kb / 1024))
}

# tmux_check_rss NAME LIMIT_MB: the peak resident set of the program in
# pane t is under LIMIT_MB (call it while the program still runs).
tmux_check_rss() {
    RSS_MB=$(tmux_rss_mb)
    check_rss "$1" "$2"
}

# tmux_exit_rc: the exit status of the program in pane t once it ended
# (remain-on-exit keeps the pane), or "running".
tmux_exit_rc() {
    local i=0
    while [ "$i" -lt 100 ]; do
        if [ "$(tm list-panes -t t -F '#{pane_dead}' 2>/dev/null)" = "1" ]; then
            tm list-panes -t t -F '#{pane_dead_status}'
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    echo running
}
