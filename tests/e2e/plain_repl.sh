# plain_repl.sh - the readline REPL in a real pseudo-terminal (tmux): results,
# multi-line chunks, errors that do not end the session, Ctrl-C, history.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$WORK/state"
start() {
    tmux_start 100 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain
    tm set-option -t t remain-on-exit on
    check_screen "prompt shows" "tnmlab>"
}
start

tmux_line '1+1'
check_screen "1+1 prints 2" "tnmlab> 1+1
2"

tmux_line 'for i = 1, 3 do'
check_screen "continuation prompt" "...>"
tmux_line 'print(i * 10)'
tmux_line 'end'
check_screen "multi-line chunk runs" "10
20
30"

tmux_line 'error("boom")'
check_screen "runtime error shown" "boom"
tmux_line 'print("alive" .. 1)'
check_screen "session goes on after an error" "alive1"

# Ctrl-C during a running chunk stops it, not tnmlab.
tmux_line 'while true do end'
sleep 0.5
tm send-keys -t t C-c
check_screen "Ctrl-C interrupts a running chunk" "interrupted"
tmux_line 'print("after" .. "loop")'
check_screen "still running after Ctrl-C" "afterloop"

# Ctrl-C at an idle prompt clears the line.
tmux_type 'print("partial'
sleep 0.3
tm send-keys -t t C-c
sleep 0.3
tmux_line 'print("clean" .. "line")'
check_screen "the next line runs clean" "cleanline"
screen=$(tmux_screen)
check_lacks "the cleared text was not run" 'partialprint' "$screen"

# Ctrl-C in the middle of a multi-line chunk drops the chunk.
tmux_line 'if true then'
check_screen "continuation again" "...>"
tm send-keys -t t C-c
sleep 0.3
tmux_line 'print(2 * 21)'
check_screen "chunk dropped, fresh prompt" "42"

# Ctrl-D on an empty line quits; the history survives the restart.
tmux_wait_prompt "tnmlab>" || fail "no prompt after 42"
tm send-keys -t t C-d
if tmux_exited; then pass; else fail "Ctrl-D did not quit:
$(tmux_screen)"; fi
hist="$XDG_STATE_HOME/tnmlab/history"
check_has "history file written" 'print(2 * 21)' "$(cat "$hist" 2>/dev/null)"
check_has "multi-line entry kept whole" 'for i = 1, 3 do' "$(cat "$hist" 2>/dev/null)"

start
tm send-keys -t t Up
check_screen "Up recalls the last command" "tnmlab> print(2 * 21)"
tm send-keys -t t Enter
check_screen "recalled command runs" "42"
tmux_line 'quit'
if tmux_exited; then pass; else fail "quit did not quit"; fi

# A rule set with no arm on a simulated cohort: the outcome says what is
# missing instead of a statistics error.
printf 'ruleset "noarm" { criterion { "old", "age >= 60", "age >= 60" } }\n' > "$WORK/noarm.lua"
out=$(printf 'load rules %s\nuse noarm\n' "$WORK/noarm.lua" | "$TNMLAB" --plain 2>&1)
check_has "no arm: the outcome says so" "OS: no arm assigned" "$out"
check_lacks "no arm: no statistics error" "invalid number of strata" "$out"

finish
