# write_fails.sh - an autosave or history that cannot be written (the state
# folder under a regular file; the session file and history replaced by
# folders) is reported once, not on every command, while `save FILE`
# still works elsewhere and no temporary file is left behind.
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

# count TEXT: how many times TEXT shows in the whole scrollback of pane t.
count() { tm capture-pane -p -J -S - -t t 2>/dev/null | grep -c -- "$1"; }

session_of() {
    tmux_run 250 40 env XDG_STATE_HOME="$1" TERM=xterm "$TNMLAB" --plain
    check_screen "$2: starts" "tnmlab>"
    tmux_line 'set max_lesions 2'
    tmux_line 'set max_lesions 3'
    tmux_line 'print("two" .. "lines")'
    check_screen "$2: commands run" "twolines"
    tmux_line "save $WORK/elsewhere-$2.tnm"
    check_screen "$2: save FILE still works" "saved the session to $WORK/elsewhere-$2.tnm"
    tmux_line 'set max_lesions 1'
    tmux_line 'print("last" .. "one")'
    check_screen "$2: still going" "lastone"
    check_eq "$2: the autosave failure is reported once" 1 "$(count 'autosave: cannot write')"
    check_eq "$2: the history failure is reported once" 1 "$(count 'history: ')"
    check_has "$2: the saved file has the session" 'set "max_lesions" "3"' \
        "$(cat "$WORK/elsewhere-$2.tnm" 2>/dev/null)"
    tmux_check_rss "$2: stays small" 300
    tmux_line 'quit'
    check_eq "$2: quits with 0" 0 "$(tmux_exit_rc)"
}

# The state folder would be under a regular file (root ignores chmod).
printf 'not a folder\n' > "$WORK/file"
session_of "$WORK/file" "under-a-file"
check_eq "under-a-file: the file is untouched" "not a folder" "$(cat "$WORK/file")"

# The state folder exists, but its session file and history are folders.
mkdir -p "$WORK/state/tnmlab/session.tnm" "$WORK/state/tnmlab/history"
session_of "$WORK/state" "folders"
left=$(find "$WORK" -name '*tmp*' | head -n 5)
check_eq "no temporary file is left behind" "" "$left"

# The full screen marks it on the status line.
tmux_run 150 40 env XDG_STATE_HOME="$WORK/file" LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm "$TNMLAB"
check_screen "full screen: starts" "Outcome"
tmux_line 'set max_lesions 2'
check_screen "full screen: the log says it" "autosave: cannot write"
check_screen "full screen: the status line says it" "NOT AUTOSAVED"
tmux_check_rss "full screen: stays small" 300
tm send-keys -t t C-d
check_eq "full screen: Ctrl-D quits with 0" 0 "$(tmux_exit_rc)"
finish
