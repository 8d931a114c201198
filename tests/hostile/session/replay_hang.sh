# replay_hang.sh - a session whose replay hangs (here: a rule set that takes
# seconds per evaluation, killed mid-replay) does not lock the user out: after kill -9 the next
# start sees the unfinished replay, keeps the file aside as
# session.tnm.failed-TIME, says so, and starts clean on the demo.
# --no-restore starts clean too and keeps an unfinished session aside.
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
state="$XDG_STATE_HOME/tnmlab"
mkdir -p "$state"
# The replay is busy for seconds: a rule set whose Lua criterion is slow.
slow="$top_srcdir/tests/hostile/rules/slow_param.lua"
printf '# tnmlab session: open\nload rules "%s"\nuse slowset\nset k 2\nset k 3\n' "$slow" \
    > "$state/session.tnm"

start() {
    tmux_run 250 30 env XDG_STATE_HOME="$XDG_STATE_HOME" TERM=xterm "$TNMLAB" --plain "$@"
}
start
sleep 1.5
check_lacks "the replay hangs: no prompt" "tnmlab>" "$(tmux_screen)"
if [ -f "$state/session.tnm.replaying" ]; then pass; else fail "no replay marker while replaying"; fi
tmux_check_rss "the hung replay stays small" 300
kill -9 "$(tmux_pid)"
sleep 0.3
check_eq "killed" "137" "$(tmux_exit_rc)"

start
check_screen "the next start says the replay did not finish" "did not finish restoring" 15
check_screen "and where the file is kept" "kept as $state/session.tnm.failed-"
check_screen "it starts clean, with a prompt" "tnmlab>"
tmux_line 'print("max" .. rules.get("deruysscher2012", "max_lesions") .. "/n" .. #lab.cohort())'
check_screen "on the demo, with the default params" "max4/n2000"
tmux_check_rss "the clean start stays small" 300
kept=$(ls "$state"/session.tnm.failed-* 2>/dev/null | head -n 1)
check_has "the kept file is the hung session" "slow_param.lua" "$(cat "$kept" 2>/dev/null)"
check_lacks "the new autosave does not replay it" "slow_param" "$(cat "$state/session.tnm")"
if [ -e "$state/session.tnm.replaying" ]; then fail "the marker is left"; else pass; fi
tmux_line 'quit'
check_eq "quit exits 0" "0" "$(tmux_exit_rc)"

# A replay that finishes removes its marker and restores the session.
printf '# tnmlab session: open\nset max_lesions 3\n' > "$state/session.tnm"
start
check_screen "a good replay restores" "restored it from $state/session.tnm"
tmux_line 'print("max" .. rules.get("deruysscher2012", "max_lesions"))'
check_screen "with its params" "max3"
if [ -e "$state/session.tnm.replaying" ]; then fail "the marker is left after a replay"; else pass; fi
tmux_line 'quit'
check_eq "quit after a replay exits 0" "0" "$(tmux_exit_rc)"

# --no-restore: listed in --help, starts clean, keeps the session aside.
run_bounded 10 "$TNMLAB" --help
check_rc "--help exits 0" 0
check_has "--help lists --no-restore" "--no-restore" "$OUT"
check_rss "--help stays small" 300
run_bounded 10 "$TNMLAB" -e 'io.write(lab.manpage())'
check_has "the man page lists it" '\-\-no\-restore' "$OUT"
printf '# tnmlab session: open\nset max_lesions 1\n' > "$state/session.tnm"
start --no-restore
check_screen "--no-restore says it did not restore" "not restored (--no-restore)"
check_screen "and where the session is kept" "kept as $state/session.tnm.unrestored-"
tmux_line 'print("max" .. rules.get("deruysscher2012", "max_lesions"))'
check_screen "--no-restore starts with the defaults" "max4"
kept=$(ls "$state"/session.tnm.unrestored-* 2>/dev/null | head -n 1)
check_has "the kept file has the old session" "set max_lesions 1" "$(cat "$kept" 2>/dev/null)"
tmux_check_rss "--no-restore stays small" 300
tmux_line 'quit'
check_eq "--no-restore quits with 0" "0" "$(tmux_exit_rc)"
finish
