# lib.sh - helpers shared by the hostile session tests (tests/hostile/session/*.sh).
. "${top_srcdir:-.}/tests/hostile/lib.sh"
SESSION_DIR=$HOSTILE/session

# run_fed SECONDS INPUT CMD...: as run_bounded, with INPUT (a file) on stdin,
# the way a person pipes commands into the line REPL.
run_fed() {
    local secs=$1 input=$2
    shift 2
    RUN_INPUT=$input run_bounded "$secs" "$@"
}

# tmux_run WIDTH HEIGHT CMD...: tmux_start with CMD under a small shell
# that writes CMD's exit status to $WORK/tmux_rc (tmux 3.3 may leave its
# pane's process unreaped, so the pane's own exit status is not reliable).
tmux_run() {
    local w=$1 h=$2
    shift 2
    rm -f "$WORK/tmux_rc"
    tmux_start "$w" "$h" sh -c '"$@"; echo $? > "$0"' "$WORK/tmux_rc" "$@"
    tm set-option -t t remain-on-exit on
}

# tmux_pid: the pid of CMD started by tmux_run (the shell's child).
tmux_pid() {
    local sh i=0
    sh=$(tm list-panes -t t -F '#{pane_pid}' 2>/dev/null)
    while [ "$i" -lt 50 ]; do
        local kid
        kid=$(cat "/proc/$sh/task/$sh/children" 2>/dev/null)
        kid=${kid%% *}
        if [ -n "$kid" ]; then echo "$kid"; return; fi
        sleep 0.05
        i=$((i + 1))
    done
}

# tmux_rss_mb: peak resident memory of CMD, in MB (0 if gone).
tmux_rss_mb() {
    local kb
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$(tmux_pid)/status" 2>/dev/null)
    case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
    echo $((kb / 1024))
}

# tmux_check_rss NAME LIMIT_MB: the peak resident set of CMD is under
# LIMIT_MB (call it while CMD still runs).
tmux_check_rss() {
    RSS_MB=$(tmux_rss_mb)
    check_rss "$1" "$2"
}

# tmux_exit_rc: CMD's exit status once it ended (128+N for signal N), or
# "running" after 10 seconds.
tmux_exit_rc() {
    local i=0
    while [ "$i" -lt 200 ]; do
        if [ -s "$WORK/tmux_rc" ]; then
            cat "$WORK/tmux_rc"
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    echo running
}
