# two_processes.sh - two tnmlab with one state folder: the second autosaves
# to its own session-PID.tnm and never takes over the first one's
# session.tnm; the history keeps the lines of both; after both are killed
# the next start restores the newest session and keeps the older aside.
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
state="$XDG_STATE_HOME/tnmlab"

# A second session u on the same tmux server, its status in $WORK/u_rc.
u_start() {
    rm -f "$WORK/u_rc"
    tm new-session -d -s u -x 250 -y 30 sh -c '"$@"; echo $? > "$0"' "$WORK/u_rc" \
        env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain
    tm set-option -t u remain-on-exit on
}
u_screen() { tm capture-pane -p -t u 2>/dev/null; }
u_line() { tm send-keys -t u -l "$1"; tm send-keys -t u Enter; }
u_wait() {
    local i=0
    while [ "$i" -lt 200 ]; do
        case "$(u_screen)" in *"$1"*) return 0 ;; esac
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
check_u() { if u_wait "$2"; then pass; else fail "$1: [$2] not on screen u:
$(u_screen)"; fi; }
u_pid() {
    local sh kid
    sh=$(tm list-panes -t u -F '#{pane_pid}')
    kid=$(cat "/proc/$sh/task/$sh/children" 2>/dev/null)
    echo "${kid%% *}"
}
u_rc() {
    local i=0
    while [ "$i" -lt 200 ]; do
        if [ -s "$WORK/u_rc" ]; then cat "$WORK/u_rc"; return; fi
        sleep 0.05
        i=$((i + 1))
    done
    echo running
}

tmux_run 250 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain
check_screen "the first one starts" "tnmlab>"
tmux_line 'set max_lesions 2'
check_screen "the first one sets a param" "tnmlab> set max_lesions 2"
sleep 0.3
check_has "the first one owns session.tnm" 'set "max_lesions" "2"' "$(cat "$state/session.tnm")"

u_start
check_u "the second one says it has a file of its own" "Another tnmlab is using $state/session.tnm"
upid=$(u_pid)
check_u "named by its pid" "this one autosaves to $state/session-$upid.tnm"
u_line 'set max_lesions 3'
u_line 'print("from" .. "B")'
check_u "the second one works" "fromB"
tmux_line 'print("from" .. "A")'
check_screen "the first one goes on" "fromA"
i=0
while [ "$i" -lt 200 ] && ! grep -q 'set "max_lesions" "3"' "$state/session-$upid.tnm" 2>/dev/null; do
    sleep 0.05
    i=$((i + 1))
done
check_has "the first one's session is not taken over" 'set "max_lesions" "2"' \
    "$(cat "$state/session.tnm")"
check_has "the second one's session is in its own file" 'set "max_lesions" "3"' \
    "$(cat "$state/session-$upid.tnm" 2>/dev/null)"
tmux_check_rss "the first one stays small" 300
RSS_MB=$(( $(awk '/^VmHWM:/ {print $2}' "/proc/$upid/status" 2>/dev/null || echo 0) / 1024 ))
check_rss "the second one stays small" 300

# Both quit; the history has the lines of both.
u_line 'quit'
check_eq "the second one quits with 0" "0" "$(u_rc)"
tmux_line 'quit'
check_eq "the first one quits with 0" "0" "$(tmux_exit_rc)"
hist=$(cat "$state/history" 2>/dev/null)
check_has "history keeps the first one's line" 'print("from" .. "A")' "$hist"
check_has "history keeps the second one's line" 'print("from" .. "B")' "$hist"
check_has "and both params" 'set max_lesions 3' "$hist"
check_has "in order" 'set max_lesions 2' "$hist"

# Both killed: the newer session (the second's) wins, the older is kept.
tm kill-server 2>/dev/null
tmux_run 250 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain
check_screen "A again" "tnmlab>"
tmux_line 'set max_lesions 1'
check_screen "A sets 1" "tnmlab> set max_lesions 1"
u_start
check_u "B again, with its own file" "this one autosaves to"
upid=$(u_pid)
sleep 1.1 # the mtimes must differ
u_line 'set max_lesions 3'
check_u "B sets 3" "tnmlab> set max_lesions 3"
# until B's autosave holds it (the echo comes before the work; a slow
# machine or a sanitizer build takes longer than any fixed pause)
i=0
while [ "$i" -lt 200 ] && ! grep -q 'set "max_lesions" "3"' "$state/session-$upid.tnm" 2>/dev/null; do
    sleep 0.05
    i=$((i + 1))
done
kill -9 "$(tmux_pid)" "$upid"
check_eq "A was killed" "137" "$(tmux_exit_rc)"
check_eq "B was killed" "137" "$(u_rc)"
tm kill-server 2>/dev/null
tmux_run 250 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain
check_screen "the newest session wins" "restored it from $state/session-$upid.tnm"
check_screen "the older is kept aside" "An older unfinished session is kept as $state/session.tnm.older-"
tmux_line 'print("max" .. rules.get("deruysscher2012", "max_lesions"))'
check_screen "with the newest's param" "max3"
tmux_check_rss "the restoring start stays small" 300
if [ -e "$state/session-$upid.tnm" ]; then fail "the restored per-process file is left"; else pass; fi
check_has "the restored session is now in session.tnm" 'set "max_lesions" "3"' \
    "$(cat "$state/session.tnm")"
tmux_line 'quit'
check_eq "and quits with 0" "0" "$(tmux_exit_rc)"

# A lock that cannot be taken (session.lock is a folder): no process may
# write session.tnm then, since another could be writing it too.
tm kill-server 2>/dev/null
rm -rf "$state/session.lock" "$state/session.tnm"
mkdir "$state/session.lock"
tmux_run 250 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain --no-restore
check_screen "starts without the lock" "tnmlab>"
tmux_line 'set max_lesions 2'
check_screen "and works" "tnmlab> set max_lesions 2"
sleep 0.3
if [ -e "$state/session.tnm" ]; then fail "without the lock it wrote session.tnm"; else pass; fi
check_has "its own per-process file instead" 'set "max_lesions" "2"' \
    "$(cat "$state"/session-[0-9]*.tnm 2>/dev/null)"
tmux_line 'quit'
check_eq "quits with 0" "0" "$(tmux_exit_rc)"
finish
