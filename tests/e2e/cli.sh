# cli.sh - the command line of the public contract (doc/contract.md#command-line),
# run on the real binary.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

check_eq "-e prints the Lua version" "Lua 5.4" "$("$TNMLAB" -e 'print(_VERSION)')"
check_has "--version names the program" "tnmlab " "$("$TNMLAB" --version)"
check_has "--help shows usage" "usage: tnmlab" "$("$TNMLAB" --help)"
check_eq "-e is repeatable, in order" "3" "$("$TNMLAB" -e 'a=1' -e 'b=2' -e 'print(a+b)')"

# Batch: arg is set as lua(1) sets it, and the script gets ... too.
cat > "$WORK/args.lua" <<'LUA'
print(arg[0]:match("[^/]*$"), arg[1], arg[2], #arg, select("#", ...))
LUA
check_eq "script sees arg and ..." "args.lua	x	y z	2	2" "$("$TNMLAB" "$WORK/args.lua" x 'y z')"
"$TNMLAB" "$WORK/args.lua" >/dev/null
check_eq "script success exits 0" "0" "$?"

# A script error exits 1 with file:line: message first on stderr.
printf 'local x = 1\nerror("bad rule")\n' > "$WORK/bad.lua"
err=$("$TNMLAB" "$WORK/bad.lua" 2>&1 >/dev/null)
rc=$?
check_eq "script error exits 1" "1" "$rc"
check_eq "script error message is file:line: text" "$WORK/bad.lua:2: bad rule" "$(printf '%s\n' "$err" | head -n 1)"

printf 'x = = 1\n' > "$WORK/syntax.lua"
err=$("$TNMLAB" "$WORK/syntax.lua" 2>&1 >/dev/null)
check_eq "syntax error exits 1" "1" "$?"
check_has "syntax error names file:line" "$WORK/syntax.lua:1:" "$err"

"$TNMLAB" "$WORK/missing.lua" 2>/dev/null
check_eq "missing script exits 1" "1" "$?"

# Usage errors exit 2 and say what was wrong.
err=$("$TNMLAB" --no-such-option 2>&1)
check_eq "unknown option exits 2" "2" "$?"
check_has "unknown option is named" "--no-such-option" "$err"
"$TNMLAB" -e 2>/dev/null
check_eq "-e without a chunk exits 2" "2" "$?"
"$TNMLAB" -e 'error("x")' 2>/dev/null
check_eq "-e chunk error exits 1" "1" "$?"

# Piped stdin: the same loop as the terminal REPL, sqlite3-style (no prompt).
out=$(printf '1+1\nfor i = 1, 3 do\nio.write(i, " ")\nend\nprint()\n' | "$TNMLAB")
check_eq "piped REPL: expression and multi-line chunk" "2
1 2 3 " "$out"
out=$(printf 'error("first")\nprint("still here")\n' | "$TNMLAB" 2>&1)
check_has "piped REPL: error reported" "first" "$out"
check_has "piped REPL: goes on after an error" "still here" "$out"
printf 'print(1)\nerror("x")\n' | "$TNMLAB" >/dev/null 2>&1
check_eq "piped REPL: exit 1 when a line failed" "1" "$?"
out=$(printf 'help\n' | "$TNMLAB")
check_has "help lists quit" "quit" "$out"
out=$(printf 'help = 5\nprint(help)\n' | "$TNMLAB")
check_eq "a Lua assignment to a command name stays Lua" "5" "$out"
out=$(printf 'print("a")\nquit\nprint("b")\n' | "$TNMLAB")
check_eq "quit stops reading" "a" "$out"
err=$(printf 'for i = 1, 2 do\n' | "$TNMLAB" 2>&1)
check_has "unfinished chunk at end of input is reported" "unfinished" "$err"

err=$("$TNMLAB" --cohort "$WORK/no-such.csv" 2>&1 </dev/null)
check_eq "a --cohort that does not load exits 1" "1" "$?"
check_has "and names the file" "$WORK/no-such.csv" "$err"

# A typo in a field name fails at load, in batch and at the prompt alike.
printf 'ruleset "typo" {\n  criterion { "perf", "ECOG <= 1", "ecgo <= 1" } }\n' >"$WORK/typo.lua"
"$TNMLAB" --rules "$WORK/typo.lua" -e 'print("ran")' >"$WORK/typo.out" 2>"$WORK/typo.err"
check_eq "--rules with a typo exits 1" "1" "$?"
check_has "naming file:line and the field meant" \
    "typo.lua:2: criterion 'perf': reads 'ecgo', which is no data-dictionary field, param or derive (did you mean 'ecog'?)" \
    "$(cat "$WORK/typo.err")"
check_eq "and runs nothing" "" "$(cat "$WORK/typo.out")"
out=$(printf 'load rules %s\nrules\n' "$WORK/typo.lua" | "$TNMLAB" --plain 2>&1)
check_has "load rules says so" "reads 'ecgo'" "$out"
check_lacks "and does not list the set" " typo " "$out"
# A cohort without fields the active rule set reads: said once, with the
# cohort's columns of that name, so that "nobody selected" has a reason.
out=$(printf 'load cohort %s days os_time=time os_event=status\n' "$top_srcdir/data/ncctg_lung.csv" |
    "$TNMLAB" --plain 2>&1)
check_has "the set's missing fields are named" \
    "deruysscher2012 needs m_sites, histology, m_pleural_effusion, ecog, m_all_treatable, which this cohort lacks (it has ph.ecog)" \
    "$out"
# show rules lists what each criterion says, as the rule file writes it.
out=$("$TNMLAB" -e 'lab.run("show rules")')
check_has "criteria in order, with their reason" "  lesions: 1 to max_lesions metastases at diagnosis" "$out"
check_has "and their expression" "      lesions <= max_lesions" "$out"
check_has "arms too" "      eligible and known(m_all_treatable) and m_all_treatable" "$out"
# The manual pages: every section heading is a heading (not text), and the
# rule language's page lists the binder's functions and the dictionary.
man1=$("$TNMLAB" -e 'io.write(lab.manpage())')
man5=$("$TNMLAB" -e 'io.write(lab.manpage("rules"))')
check_eq "tnmlab(1): no heading escaped into text" "0" "$(printf '%s\n' "$man1" | grep -c '^\\&\.')"
check_eq "tnmlab(1) has its 13 sections (NAME ... SEE ALSO)" "13" "$(printf '%s\n' "$man1" | grep -c '^\.SH ')"
check_eq "tnmlab-rules(5): no heading escaped" "0" "$(printf '%s\n' "$man5" | grep -c '^\\&\.')"
check_has "tnmlab-rules(5) lists the functions" 'lesions_except(f, key)' "$man5"
check_has "and the fields" 'm_all_treatable' "$man5"
if command -v man >/dev/null; then
    check_has "man renders the LUA section as a heading" "LUA" "$(printf '%s\n' "$man1" > "$WORK/t.1"; man -l "$WORK/t.1" 2>/dev/null | grep -x 'LUA')"
fi
finish
