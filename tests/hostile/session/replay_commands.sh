# replay_commands.sh - a session file (someone else's, or edited by hand)
# that holds `quit`, `save`, `export` or `edit`: restore skips those lines
# with a message naming file:line, so a session file can neither end the
# user's tnmlab, nor write files, nor start a program; the lines around
# them still replay.
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
# an editor that would leave a trace if it ran
printf '#!/bin/sh\ntouch "%s"\n' "$WORK/edited" > "$WORK/editor"
chmod +x "$WORK/editor"
export EDITOR="$WORK/editor" VISUAL="$WORK/editor"
cat > "$WORK/evil.tnm" <<EOS
# tnmlab session: closed
set max_lesions 2
save $WORK/overwritten.txt
export table $WORK/table.csv
  edit deruysscher2012
quit
set max_lesions 3
EOS
printf 'restore %s\nprint("still" .. "here", rules.get("deruysscher2012", "max_lesions"))\n' \
    "$WORK/evil.tnm" > "$WORK/in"
run_fed 30 "$WORK/in" "$TNMLAB" --plain
check_rc "a session file with quit, save, export and edit: exit 1, not 0" 1
check_has "save is named with its file:line" \
    "$WORK/evil.tnm:3: 'save' is not replayed from a session file" "$ERR"
check_has "export too" "$WORK/evil.tnm:4: 'export' is not replayed from a session file" "$ERR"
check_has "edit too" "$WORK/evil.tnm:5: 'edit' is not replayed from a session file" "$ERR"
check_has "quit too" "$WORK/evil.tnm:6: 'quit' is not replayed from a session file" "$ERR"
check_has "the lines after quit replay, and the session goes on" "stillhere	3" "$OUT"
for f in overwritten.txt table.csv edited; do
    if [ -e "$WORK/$f" ]; then fail "the session file made $f"; else pass; fi
done
check_rss "a refusing restore stays small" 300

# The dispatcher's own reading: a leading dot (as in sqlite3) or other
# white space before or after the word still names the command.
printf '# tnmlab session: closed\n.save %s\nexport\vtable %s outcome\n\vquit\nset max_lesions 3\n' \
    "$WORK/dot.tnm" "$WORK/vt.csv" > "$WORK/sly.tnm"
printf 'restore %s\nprint("still" .. "here", rules.get("deruysscher2012", "max_lesions"))\n' \
    "$WORK/sly.tnm" > "$WORK/in3"
run_fed 30 "$WORK/in3" "$TNMLAB" --plain
check_has "a dotted save is named" "$WORK/sly.tnm:2: 'save' is not replayed" "$ERR"
check_has "export after a vertical tab" "$WORK/sly.tnm:3: 'export' is not replayed" "$ERR"
check_has "quit after a vertical tab" "$WORK/sly.tnm:4: 'quit' is not replayed" "$ERR"
check_has "and the session goes on" "stillhere	3" "$OUT"
for f in dot.tnm vt.csv; do
    if [ -e "$WORK/$f" ]; then fail "the session file made $f"; else pass; fi
done

# Typed at the prompt, the same commands still work.
printf 'save %s\nquit\nprint("not" .. "reached")\n' "$WORK/typed.tnm" > "$WORK/in2"
run_fed 30 "$WORK/in2" "$TNMLAB" --plain
check_rc "typed save and quit" 0
check_has "typed save writes" "saved the session to $WORK/typed.tnm" "$OUT"
check_lacks "typed quit quits" "notreached" "$OUT"
check_rss "typed save stays small" 300
finish
