#!/bin/sh
# lessons_screen.sh - every shipped lesson, start to end, in a real terminal
# at 80x24 and at 120x40: at each step the lesson pane shows the step and
# its question, the Outcome pane the selection, the plot its curves; the
# screen is read as a class would read it.  `lesson again` shows a step
# once more without making a rule version.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

L="$top_srcdir/scripts/lessons"
export XDG_STATE_HOME="$WORK/state"
for name in selection_bias retrospective_vs_prospective immortal_time stage_migration; do
    total=2000
    [ "$name" = stage_migration ] && total=5000
    # each step's question, its first three words (they open the pinned line)
    "$TNMLAB" --no-restore -e "local t = dofile('$L/$name.lua')
      for k, st in ipairs(t.steps) do
        assert(st.question, '$name step ' .. k .. ' has no question')
        print(k, #t.steps, (st.question:match('^(%S+ %S+ %S+)')))
      end" >"$WORK/$name.q" 2>&1 || { fail "$name: $(cat "$WORK/$name.q")"; continue; }
    for size in "80 24" "120 40"; do
        set -- $size
        tmux_start "$1" "$2" env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$XDG_STATE_HOME" \
            TERM=xterm-256color "$TNMLAB" --no-restore
        tmux_wait "tnmlab>" 10
        tmux_line "lesson $name"
        while IFS="$(printf '\t')" read -r k n q; do
            [ "$k" -gt 1 ] && tmux_line "lesson next"
            check_screen "$name ${1}x$2 step $k: the lesson pane" "Lesson $k/$n"
            check_screen "$name ${1}x$2 step $k: its question" "Q: $q"
            check_screen "$name ${1}x$2 step $k: the outcome" "of $total ("
            check_screen "$name ${1}x$2 step $k: the plot" "Kaplan-Meier"
            check_screen "$name ${1}x$2 step $k: curves drawn" "100%"
        done <"$WORK/$name.q"
        # the last step again: same version on the status line, nothing run
        v=$(tmux_screen | head -n 1 | sed -n 's/.* v\([0-9]*\) |.*/\1/p')
        tmux_line "lesson again"
        check_screen "$name ${1}x$2: lesson again says nothing ran" "its commands did not run"
        v2=$(tmux_screen | head -n 1 | sed -n 's/.* v\([0-9]*\) |.*/\1/p')
        check_eq "$name ${1}x$2: lesson again keeps the version" "$v" "$v2"
        tmux_line "lesson stop"
        check_screen "$name ${1}x$2: stop gives the Rules pane back" "Rules"
        tm kill-server 2>/dev/null
    done
done

# At 80x24 outside a lesson, the rule set with the most params and steps
# keeps its whole attrition: the params go on few lines instead
tmux_start 80 24 env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$XDG_STATE_HOME" \
    TERM=xterm-256color "$TNMLAB" --no-restore
tmux_wait "tnmlab>" 10
tmux_line "use gomez2016"
check_screen "80x24: Gomez's last attrition step" "treatabl"
check_screen "80x24: its params, name=value" "max_lesions=3"
finish
