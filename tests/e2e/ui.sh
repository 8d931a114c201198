# ui.sh - the full-screen REPL in a real terminal (tmux): panes, results in the
# log, wide characters, resize down to the minimum and below, Ctrl-C, Ctrl-D.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$WORK/state"
tmux_start 100 30 env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$XDG_STATE_HOME" \
    TERM=xterm-256color "$TNMLAB"
tm set-option -t t remain-on-exit on

check_screen "rules pane" "Rules"
check_screen "outcome pane" "Outcome"
check_screen "plot pane" "Kaplan-Meier"
check_screen "input prompt" "tnmlab>"

tmux_line '1+1'
check_screen "result in the log" "tnmlab> 1+1
2"
tmux_line 'print(1) io.write("two\n") print(3)'
check_screen "print and io.write keep their order" "1
two
3"
tmux_line 'error("broken rule")'
check_screen "an error shows in the log" "broken rule"
tmux_line 's = "Lungenkrebs – Stadium IV"'
tmux_line 'print(#s, s)'
check_screen "wide characters pass through readline and the log" "26      Lungenkrebs – Stadium IV"

tmux_line 'tnm8 = tnm8 or {stage = 1}'
tmux_type 'tnm8.sta'
tm send-keys -t t Tab
check_screen "Tab completes Lua fields" "tnmlab> tnm8.stage"
tm send-keys -t t C-c
sleep 0.3
tmux_type 'hel'
tm send-keys -t t Tab
check_screen "Tab completes commands" "tnmlab> help"
tm send-keys -t t Enter
check_screen "help runs" "leave tnmlab"
tmux_type 'set max_l'
tm send-keys -t t Tab
check_screen "Tab completes a param of the active rule set" "tnmlab> set max_lesions"
tm send-keys -t t C-c
sleep 0.3
tmux_type 'use eo'
tm send-keys -t t Tab
check_screen "Tab completes a rule set" "tnmlab> use eortc2019"
tm send-keys -t t C-c
sleep 0.3
tmux_type 'whatif m_si'
tm send-keys -t t Tab
check_screen "Tab completes a column for whatif" "tnmlab> whatif m_sites="
tm send-keys -t t C-c
sleep 0.3

# Resize: at 80x24 the panes stay; below it, a message; back up, panes again.
tm resize-window -t t -x 80 -y 24
sleep 0.5
check_screen "80x24 still draws the panes" "Kaplan-Meier"
tm resize-window -t t -x 60 -y 20
check_screen "too small says so" "needs at least 80x24"
tm resize-window -t t -x 110 -y 35
check_screen "panes come back after enlarging" "Outcome"
tmux_line 'print("after" .. "resize")'
check_screen "session kept through resizes" "afterresize"

# Ctrl-C stops a running chunk and keeps the session.
tmux_line 'while true do end'
sleep 0.5
tm send-keys -t t C-c
check_screen "Ctrl-C interrupts" "interrupted"
tmux_line 'print(6 * 7)'
check_screen "still alive after Ctrl-C" "42"

tm send-keys -t t C-d
if tmux_exited; then pass; else fail "Ctrl-D did not quit"; fi
check_has "history written by the full-screen REPL" 'print(6 * 7)' "$(cat "$XDG_STATE_HOME/tnmlab/history" 2>/dev/null)"
finish
