# quoting.sh - session files quote every name they write: a rule file, a
# cohort path, a rule-set name or a text param with quotes and newlines is
# read back as itself and never becomes a command of its own (`quit`).
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
# A folder whose name holds a space, a quote and a newline-quit-newline.
d="$WORK/a \"b
quit
"
mkdir -p "$d"
cp "$SESSION_DIR/evil_names.lua" "$d/x.lua;quit"
cp "$top_srcdir/data/ncctg_lung.csv" "$d/lung.csv"

cat > "$WORK/save.txt" <<EOS
rules.set('ev "quit" ;x', "label", 'say "hi"\\nquit\\n')
set k 1
save $WORK/s.tnm
EOS
run_fed 30 "$WORK/save.txt" "$TNMLAB" --plain --rules "$d/x.lua;quit" --cohort "$d/lung.csv"
check_rc "save with hostile names exits 0" 0
check_has "save says where" "saved the session to $WORK/s.tnm" "$OUT"
check_rss "save stays small" 300
saved=$(cat "$WORK/s.tnm")
check_lacks "no line of the file is a bare quit" "
quit" "$saved"
check_has "the rule file is one quoted word" 'load rules "'"$WORK"'/a \"b\nquit\n/x.lua;quit"' "$saved"
check_has "the cohort path is one quoted word" 'load cohort "'"$WORK"'/a \"b\nquit\n/lung.csv"' "$saved"
check_has "the rule-set name is quoted" 'use "ev \"quit\" ;x"' "$saved"
check_has "the text value is quoted" 'set "label" "say \"hi\"\nquit\n"' "$saved"

cat > "$WORK/restore.txt" <<EOS
restore $WORK/s.tnm
print(rules.get('ev "quit" ;x', "label") == 'say "hi"\\nquit\\n', rules.get('ev "quit" ;x', "k"))
print(#lab.cohort(), "after" .. "restore")
EOS
run_fed 30 "$WORK/restore.txt" "$TNMLAB" --plain
check_rc "restore of the hostile file exits 0" 0
check_has "restore names the file" "restored $WORK/s.tnm" "$OUT"
check_has "the text value and the param come back as they were" "true	1" "$OUT"
check_has "the cohort comes back, and nothing quit the session" "228	afterrestore" "$OUT"
check_lacks "no line failed" "this line failed" "$ERR"
check_rss "restore stays small" 300

# A session file written before every word was quoted still restores.
cat > "$WORK/old.txt" <<EOS
restore $SESSION_DIR/old_format.tnm
print(rules.get("eortc2019", "max_lesions"), rules.get("deruysscher2012", "max_lesions"))
rules
EOS
run_fed 30 "$WORK/old.txt" "$TNMLAB" --plain
check_rc "an old session file restores" 0
check_has "with its params" "3	2" "$OUT"
check_has "and its active rule set" "* eortc2019" "$OUT"
check_rss "old file stays small" 300
finish
