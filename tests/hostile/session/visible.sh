# visible.sh - text from CSV cells (ids, column names) and from error
# messages about rule files is printed with its control characters made
# visible, in --plain, in batch and on the full screen: no raw ESC byte
# reaches the terminal, and ESC shows as \x1b.  (Names, docs and reasons of
# rule files cannot hold control characters at all: tests/hostile/rules.sh.)
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
esc=$(printf '\033')
bel=$(printf '\007')
rules="$SESSION_DIR/esc_doc.lua"
csv="$SESSION_DIR/esc_cells.csv"

cat > "$WORK/in" <<'EOS'
rules
show
case #1
explain
case #2
next
print(lab.cohort():column("id")[1])
print("tab\tstays")
EOS
run_fed 30 "$WORK/in" "$TNMLAB" --plain --rules "$rules" --cohort "$csv"
check_rc "--plain on hostile text exits 0" 0
check_lacks "--plain: no raw ESC on stdout" "$esc" "$OUT"
check_lacks "--plain: no raw ESC on stderr" "$esc" "$ERR"
check_lacks "--plain: no raw BEL" "$bel" "$OUT"
check_has "case shows the id cell escaped" 'patient \x1b]0;pwned\x07x (row 1 of 3)' "$OUT"
check_has "and the column name" 'ag\x1b[5me' "$OUT"
check_has "a second id cell" 'patient \x1b[2Jclear (row 2 of 3)' "$OUT"
check_has "print of a cell is escaped too" '\x1b]0;pwned\x07x' "$OUT"
check_has "a tab stays a tab" "tab	stays" "$OUT"
check_rss "--plain stays small" 300

# Batch: a script and -e print through the same sink; so do errors.
printf 'ruleset "bad" {\n  doc = "x",\n  criterion { "c", "y", "age >\033[2J" },\n}\n' > "$WORK/bad.lua"
cat > "$WORK/batch.lua" <<EOS
rules.load("$rules")
lab.set_cohort(cohort.read_csv("$csv"), "esc")
lab.run("use escdoc")
lab.run("case #1")
lab.run("explain")
lab.run("rules")
rules.load("$WORK/bad.lua")
EOS
run_bounded 30 "$TNMLAB" "$WORK/batch.lua"
check_rc "batch: the bad rule file is a script error, exit 1" 1
check_lacks "batch: no raw ESC on stdout" "$esc" "$OUT"
check_lacks "batch: no raw ESC on stderr" "$esc" "$ERR"
check_has "batch: the case is escaped" 'patient \x1b]0;pwned\x07x under escdoc' "$OUT"
check_has "batch: the error message shows the escape" '\x1b[2J' "$ERR"
check_rss "batch stays small" 300
run_bounded 30 "$TNMLAB" -e "print(cohort.read_csv('$csv'):column('id')[2])"
check_rc "-e exits 0" 0
check_eq "-e: the cell printed visibly" '\x1b[2Jclear' "$OUT"
check_rss "-e stays small" 300

# Full screen: the panes, the status line and the log.
tmux_run 160 45 env XDG_STATE_HOME="$XDG_STATE_HOME" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    TERM=xterm-256color "$TNMLAB" --rules "$rules" --cohort "$csv"
check_screen "full screen: the rules pane is up" 'escdoc'
tmux_line 'case #1'
check_screen "full screen: the case pane shows the id escaped" 'patient \x1b]0;pwned\x07x'
tmux_line 'rules'
check_screen "full screen: the log shows the doc escaped" '* escdoc'
check_lacks "full screen: curses did not get a raw ESC (no ^[)" '^[' "$(tmux_screen)"
tmux_check_rss "full screen stays small" 300
tmux_line 'quit'
check_eq "full screen: quit exits 0" 0 "$(tmux_exit_rc)"
finish
