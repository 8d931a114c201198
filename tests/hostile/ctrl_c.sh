# ctrl_c.sh - Ctrl-C in the full screen during a slow rule evaluation: the
# evaluation stops, the screen keeps the previous result, the rules go back
# to the version it shows, and nothing starts the work again by itself.
. "${top_srcdir:-.}/tests/hostile/lib.sh"

export XDG_STATE_HOME="$WORK/state"
# The message quotes the rule file's path twice: a copy under $WORK keeps
# its length fixed, and 250 columns keep it on one line of the log.
cp "$HOSTILE/rules/slow_param.lua" "$WORK/slow.lua"
# A small shell keeps tnmlab's exit status in $WORK/rc: bash, which goes on
# after a Ctrl-C that its child survived (dash would exit with it).
tmux_start 250 40 bash -c '"$@"; echo $? > "$0"' "$WORK/rc" \
    env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$XDG_STATE_HOME" \
    TERM=xterm-256color "$TNMLAB" --rules "$WORK/slow.lua"
tm set-option -t t remain-on-exit on
check_screen "the slow set is shown after its first evaluation" "slowset" 30
check_screen "prompt" "tnmlab>" 30
sh_pid=$(tm list-panes -t t -F '#{pane_pid}')
pid=$(cat "/proc/$sh_pid/task/$sh_pid/children" 2>/dev/null)
pid=${pid%% *}

tmux_line 'set k 2'
sleep 0.7
tm send-keys -t t C-c
check_screen "Ctrl-C stops the evaluation" "interrupted" 10
check_screen "and says the rules are back" "back at slowset version" 10
sleep 1
# idle again: the process uses no CPU over the next second
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 1
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
if [ $((t1 - t0)) -le 10 ]; then pass; else fail "busy after Ctrl-C: $((t1 - t0)) ticks in 1 s"; fi
tmux_line 'print("k is", rules.get("slowset", "k"))'
check_screen "the param keeps its old value" "k is    1" 10
if tmux_alive; then pass; else fail "tnmlab died"; fi
# The hazard ratio reads the evaluation, which Ctrl-C left empty.
tmux_line 'hr'
sleep 4
if tmux_alive; then pass; else fail "hr after Ctrl-C: tnmlab died"; fi
tmux_line 'case 1'
check_screen "case still explains a patient (the evaluation is run on request)" "patient" 20
kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
case "$kb" in '' | *[!0-9]*) kb=0 ;; esac
RSS_MB=$((kb / 1024))
check_rss "the interrupted evaluations stay small" 300
tm send-keys -t t C-d
i=0
until [ -s "$WORK/rc" ] || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
check_eq "Ctrl-D after Ctrl-C quits with 0" 0 "$(cat "$WORK/rc" 2>/dev/null)"
finish
