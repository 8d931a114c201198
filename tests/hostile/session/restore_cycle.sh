# restore_cycle.sh - a session file that restores itself, directly or in a
# cycle A -> B -> A, or through a chain deeper than tnmlab nests, is refused
# with a message; the session goes on (no hang, no stack overflow).
. "${top_srcdir:-.}/tests/hostile/session/lib.sh"

export XDG_STATE_HOME="$WORK/state"
printf '# tnmlab session: closed\nset max_lesions 2\nrestore %s\n' "$WORK/self.tnm" > "$WORK/self.tnm"
printf 'set max_lesions 3\nrestore "%s"\n' "$WORK/b.tnm" > "$WORK/a.tnm"
printf 'set max_lesions 4\nrestore %s\n' "$WORK/a.tnm" > "$WORK/b.tnm"
# A hard link is the same file under another name.
ln "$WORK/a.tnm" "$WORK/a-link.tnm"
# A chain of 12 distinct files, each restoring the next.
i=1
while [ "$i" -le 12 ]; do
    printf 'restore %s\n' "$WORK/chain$((i + 1)).tnm" > "$WORK/chain$i.tnm"
    i=$((i + 1))
done
printf 'set max_lesions 1\n' > "$WORK/chain13.tnm"

printf 'restore %s\nprint("still" .. "here", rules.get("deruysscher2012", "max_lesions"))\n' \
    "$WORK/self.tnm" > "$WORK/in1"
run_fed 20 "$WORK/in1" "$TNMLAB" --plain
check_rc "a file restoring itself: the failed line gives exit 1, not a hang" 1
check_has "it is named" "$WORK/self.tnm restores itself" "$ERR"
check_has "with its file:line" "$WORK/self.tnm:3: this line failed" "$ERR"
check_has "the session goes on with what the file set" "stillhere	2" "$OUT"
check_rss "self restore stays small" 300

printf 'restore %s\nprint("still" .. "here", rules.get("deruysscher2012", "max_lesions"))\n' \
    "$WORK/a.tnm" > "$WORK/in2"
run_fed 20 "$WORK/in2" "$TNMLAB" --plain
check_rc "a cycle A -> B -> A exits 1, not a hang" 1
check_has "the file that closes the cycle is named" "$WORK/a.tnm restores itself" "$ERR"
check_has "at B's line" "$WORK/b.tnm:2: this line failed" "$ERR"
check_has "both files ran once" "stillhere	4" "$OUT"
check_rss "cycle stays small" 300

printf 'restore %s\n' "$WORK/a-link.tnm" > "$WORK/in3"
run_fed 20 "$WORK/in3" "$TNMLAB" --plain
check_rc "a cycle through a hard link is found too" 1
check_has "by the file, not its name" "$WORK/a.tnm restores itself" "$ERR"
check_rss "hard link stays small" 300

printf 'restore %s\nprint("after" .. "chain")\n' "$WORK/chain1.tnm" > "$WORK/in4"
run_fed 20 "$WORK/in4" "$TNMLAB" --plain
check_rc "a chain deeper than the nesting limit exits 1" 1
check_has "the limit is named" "more than 8 deep" "$ERR"
check_has "the session goes on" "afterchain" "$OUT"
check_rss "chain stays small" 300
finish
