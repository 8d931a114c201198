# ui_session.sh - the full screen as a person uses it: change a param and read
# the new N and median from the screen, undo, a case and whatif, a bad
# command, a rule file with an error, edit with $EDITOR, kill -9 and restart.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$WORK/state"
cp "$top_srcdir/tests/fixtures/lab/sex.lua" "$WORK/sex.lua"
printf 'ruleset "broken" {\n  criterion { "x", "y", "age >" },\n}\n' > "$WORK/broken.lua"
cat > "$WORK/editor.sh" <<'SH'
#!/bin/sh
# Stands in for a person's editor: proves it had the terminal, edits a rule.
[ -t 1 ] && echo tty > "$(dirname "$1")/editor-had-tty"
sed -i 's/"sex == sex_code" }/"sex ~= sex_code" }/' "$1"
SH
cat > "$WORK/breaker.sh" <<'SH'
#!/bin/sh
printf 'criterion {\n' >> "$1"
SH
chmod +x "$WORK/editor.sh" "$WORK/breaker.sh"

start() {
    tmux_start 110 34 env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$XDG_STATE_HOME" \
        EDITOR="$1" TERM=xterm-256color "$TNMLAB"
    tm set-option -t t remain-on-exit on
}
start "$WORK/editor.sh"
check_screen "starts on the demo with De Ruysscher" "| deruysscher2012 v"

tmux_line "load cohort $top_srcdir/data/ncctg_lung.csv days os_time=time os_event=status"
tmux_line "load rules $WORK/sex.lua"
# R: 90 women; median OS 426 days = 14.0 months (11.4-18.1).
check_screen "the screen shows R's women" "selected 90 of 228"
check_screen "and their median with R's CI" "14.0 (11.4-18.1)"
tmux_line "set sex_code 1"
check_screen "set changes N at once, with its change" "selected 138 of 228 (60.5%) [+48]"
check_screen "R's median for men" "8.9 (7.0-10.2)"
check_screen "the changed param is marked" "* sex_code = 1 (default 2)"
tmux_line "undo"
check_screen "undo puts N back" "selected 90 of 228 (39.5%) [-48]"

tmux_line "case #1"
check_screen "case explains the patient in the lower pane" "patient #1 under by_sex"
tmux_line "whatif sex=2"
check_screen "whatif re-selects the case" "not selected -> selected"
tmux_line "plot"
check_screen "plot brings the curves back" "Kaplan-Meier"

# Ctrl-C during a long evaluation (simulating three million patients)
# stops it and keeps the cohort that was there.
tmux_line "simulate stage_iv 3000000 2"
sleep 0.7
tm send-keys -t t C-c
check_screen "Ctrl-C stops a long simulation" "interrupted"
check_screen "and the cohort stays" "selected 90 of 228"

tmux_line "frobnicate now"
check_screen "a bad command is named" "'frobnicate' is not a command"
tmux_line "load rules $WORK/broken.lua"
check_screen "a broken rule file names file:line" "broken.lua:2"
check_screen "and the active rules stay" "| by_sex v"

tmux_line "edit"
check_screen "edit reloads the file when the editor exits" "reloaded $WORK/sex.lua"
check_screen "the edited rule selects the men now" "selected 138 of 228"
if [ -f "$WORK/editor-had-tty" ]; then pass; else fail "the editor did not get the terminal"; fi
tmux_line 'print("screen" .. "back")'
check_screen "the screen is back after the editor" "screenback"
check_screen "and its panes" "Outcome"

# kill -9: the next start restores the rules, params and cohort.
tmux_line "set sex_code 1"
check_screen "param changed before the crash" "* sex_code = 1 (default 2)"
sleep 0.5
# The pane's process is tnmlab itself (env execs it): kill exactly that one.
kill -9 "$(tm list-panes -t t -F '#{pane_pid}')"
sleep 0.5
tm kill-server 2>/dev/null
start "$WORK/breaker.sh"
check_screen "the session after kill -9 says so" "did not end cleanly"
check_screen "the rule set is back" "| by_sex v"
check_screen "the param is back" "* sex_code = 1 (default 2)"

tmux_line "edit"
check_screen "a broken edit is reported" "stays active"
check_screen "and the rules still work" "| by_sex v"
tm send-keys -t t C-d
if tmux_exited; then pass; else fail "Ctrl-D did not quit"; fi
check_has "a clean quit marks the autosave closed" "# tnmlab session: closed" "$(head -n 1 "$XDG_STATE_HOME/tnmlab/session.tnm")"
finish
