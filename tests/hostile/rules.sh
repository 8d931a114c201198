# rules.sh - hostile rule files: each must end in a message naming the rule
# or file, within seconds, with resident memory near the sandbox's cap, and
# never crash, hang or change another rule set.
. "${top_srcdir:-.}/tests/hostile/lib.sh"
R=$HOSTILE/rules
LIMIT=300 # MB: the 64 MB sandbox cap a few times over, plus the program

# try NAME FILE SET: load FILE and evaluate SET on the demo cohort.
try() {
    run_bounded 30 "$TNMLAB" -e "local c = cohort.demo()
        rules.load('$2')
        print('selected', rules.eval('$3', c).selected)"
}

# refused NAME FILE NEEDLE: loading FILE fails with a message holding NEEDLE.
refused() {
    try "$1" "$2" x
    check_rc "$1: exit status" 1
    check_has "$1: message" "$3" "$ERR"
    check_rss "$1: memory" "$LIMIT"
}

# --- metamethods that C code would trigger --------------------------------
try row_mt "$R/row_metatable.lua" hostile_row_mt
check_rc "row table metatable: evaluation completes" 0
check_has "row table metatable: everyone passes" "selected	2000" "$OUT"
check_rss "row table metatable: memory" "$LIMIT"

refused "declaration metatables are never run" "$R/decl_metatable.lua" \
    "item 3 is not a param, criterion, derive or arm"

try staging_mt "$R/staged_mt.lua" hostile_staged
check_rc "staging module with looping metatables: read raw, never run" 0
check_has "staging module with looping metatables: no stage, nobody selected" "selected	0" "$OUT"
check_rss "staging module with looping metatables: memory" "$LIMIT"

try staging_codes "$R/staged_codes.lua" hostile_codes
check_rc "staging module inventing codes: stopped" 1
check_has "staging module inventing codes: says why" "distinct codes" "$ERR"
check_rss "staging module inventing codes: memory" "$LIMIT"

refused "finalizer" "$R/finalizer.lua" "finalizers (__gc) are not allowed"

# --- library functions that loop in C -------------------------------------
refused "string.rep of empty strings" "$R/rep_empty.lua" "rule 'rep_empty.lua' stopped"
refused "table.move over a huge range" "$R/table_move.lua" "instructions"
refused "long bracket set on a long text" "$R/bracket_set.lua" "could take too long"
refused "a loop of patterns each under the guard" "$R/pattern_loop.lua" "instructions"

# Work the instruction count cannot see: message handlers run from the
# count hook, long C inside one instruction or one call, C reading files.
refused "xpcall handler that loops" "$R/xpcall_handler.lua" "rule 'xpcall_handler.lua' stopped"
try xpcall_row "$R/xpcall_row.lua" hostile_xpcall_row
check_rc "xpcall handler that loops in a criterion: stopped" 1
check_has "xpcall handler that loops in a criterion: names it" "rule 'c' stopped" "$ERR"
check_rss "xpcall handler that loops in a criterion: memory" "$LIMIT"
refused "== on long strings in a loop" "$R/string_eq.lua" "rule 'string_eq.lua' stopped"
refused "table.sort of a big table in a loop" "$R/sort_big.lua" "rule 'sort_big.lua' stopped"
refused "table.concat in a loop" "$R/concat_loop.lua" "rule 'concat_loop.lua' stopped"
mkdir -p "$WORK/inc"
cp "$R/include_loop.lua" "$WORK/inc/main.lua"
awk 'BEGIN { for (i = 0; i < 100000; i++) print "-- " sprintf("%070d", i) }' > "$WORK/inc/big.lua"
refused "include of a big file in a loop" "$WORK/inc/main.lua" "rule 'main.lua' stopped"
try include_late "$R/include_late.lua" hostile_include_late
check_rc "include from a criterion: refused" 1
check_has "include from a criterion: says when it works" "only while a rule file loads" "$ERR"
check_rss "include from a criterion: memory" "$LIMIT"

# What a staging module hands to C is bounded too.
refused "staging module reading one field a million times" "$R/staged_reads.lua" \
    "a staging module reads at most 32"
run_bounded 30 "$TNMLAB" -e "local c = cohort.demo()
    rules.load('$R/staged_why.lua')
    local items = rules.explain('hostile_why', c, 1).items
    print('items', #items > 60, #items <= 70)"
check_rc "a two-million-line explanation: cut" 0
check_has "a two-million-line explanation: at most 64 lines of it are kept" "items	true	true" "$OUT"
check_rss "a two-million-line explanation: memory" "$LIMIT"
refused "60 copies of a 25 MB field name" "$R/reads_long.lua" "longer than 256 characters"
mkfifo "$WORK/fifo.lua"
refused "a FIFO as a rule file" "$WORK/fifo.lua" "not a regular file"

# --- budget and cap per evaluation ------------------------------------------
start=$(date +%s)
try slow "$R/slow_rows.lua" hostile_slow
took=$(( $(date +%s) - start ))
check_rc "slow on every row: stopped" 1
check_has "slow on every row: names the rule" "rule 'slow' stopped" "$ERR"
check_has "slow on every row: the budget is the evaluation's" "in one evaluation" "$ERR"
if [ "$took" -le 20 ]; then pass; else fail "slow on every row took ${took}s"; fi
check_rss "slow on every row: memory" "$LIMIT"

refused "unbounded allocation" "$R/hungry.lua" "rule 'hungry.lua' stopped"

# Expression trees count against the cap: three 4,000-term criteria would
# bind to about 100 MB of C memory.
terms=$(awk 'BEGIN { g = "(" ; for (i = 1; i < 200; i++) g = g "ecog+"; g = g "ecog)";
    s = g; for (j = 1; j < 10; j++) s = s "+" g; print s }')
{
    echo 'ruleset "hostile_trees" {'
    for k in 1 2 3; do echo "criterion { \"c$k\", \"big\", \"$terms > 0\" },"; done
    echo '}'
} > "$WORK/trees.lua"
try trees "$WORK/trees.lua" hostile_trees
check_rc "expression trees beyond the cap: refused" 1
check_has "expression trees beyond the cap: says why" "more than the memory cap" "$ERR"
check_rss "expression trees beyond the cap: memory" "$LIMIT"

# A rule set's size bounds what an evaluation allocates per patient.
refused "65 criteria" "$R/too_many.lua" "more than 64 criteria in rule set"
refused "5 staging derives" "$R/too_staged.lua" "more than 4 staging derives"

# Reloading a file in a loop: at most the last 100 versions are kept, fewer
# when they would fill more than half the cap, and version numbers go on.
awk 'BEGIN { s = "ecog"; for (i = 1; i < 200; i++) s = s "+ecog"; g = "(" s ")";
    e = g; for (j = 1; j < 10; j++) e = e "+" g;
    print "ruleset \"reload\" { criterion { \"c\", \"big\", \"" e " > 0\" } }" }' > "$WORK/reload.lua"
run_bounded 60 "$TNMLAB" -e "local v0 = rules.version()
    for i = 1, 300 do rules.load('$WORK/reload.lua') end
    local n = 0
    while rules.undo() do n = n + 1 end
    print('versions', rules.version() >= 1, rules.version() - v0 > 200, 'undos', n >= 20 and n <= 99)"
check_rc "300 reloads of a 2,000-term file" 0
check_has "300 reloads: recent versions are kept, at most 100" "versions	true	true	undos	true" "$OUT"
check_rss "300 reloads: memory" "$LIMIT"

# --- parser limits ------------------------------------------------------------
gen() { awk -v n="$1" -v a="$2" -v b="$3" -v z="$4" \
    'BEGIN { s = ""; for (i = 0; i < n; i++) s = s a; s = s z; for (i = 0; i < n; i++) s = s b; print s }'; }
printf 'ruleset "deep" { criterion { "c", "deep", "%s" } }\n' "$(gen 100000 '(' ')' 'ecog')" > "$WORK/parens.lua"
refused "100,000 nested parentheses" "$WORK/parens.lua" "nested too deeply"
printf 'ruleset "nots" { criterion { "c", "nots", "%s" } }\n' "$(gen 100000 'not ' '' 'true')" > "$WORK/nots.lua"
refused "100,000 nots" "$WORK/nots.lua" "nested too deeply"
printf 'ruleset "sum" { criterion { "c", "sum", "%s > 1" } }\n' "$(gen 100000 'ecog + ' '' 'ecog')" > "$WORK/sum.lua"
refused "100,000-term sum" "$WORK/sum.lua" "split it into derives"
printf 'ruleset "set" { criterion { "c", "set", "ecog in {%s}" } }\n' "$(gen 100000 '1, ' '' '2')" > "$WORK/set.lua"
refused "100,000-item set" "$WORK/set.lua" "expression too large"

# --- the vocabulary and libraries belong to no rule file ------------------------
refused "replacing the vocabulary" "$R/vocabulary.lua" "assignment to global 'criterion'"
refused "replacing a library function" "$R/library.lua" "read-only"
run_bounded 30 "$TNMLAB" -e "local before = rules.eval('deruysscher2012', cohort.demo()).selected
    pcall(rules.load, '$R/vocabulary.lua')
    local after = rules.eval('deruysscher2012', cohort.demo()).selected
    print(before > 0 and before == after and 'same' or ('changed ' .. before .. ' ' .. after))"
check_rc "a refused file leaves the shipped set: exit status" 0
check_eq "a refused file leaves the shipped set as it was" "same" "$OUT"
check_rss "a refused file leaves the shipped set: memory" "$LIMIT"

# --- names and text ----------------------------------------------------------------
refused "escape in a rule set name" "$R/name_escape.lua" "control character"
refused "a 300-character name" "$R/name_long.lua" "longer than 40 characters"
refused "escape in a doc" "$R/doc_escape.lua" "control character"
refused "a right-to-left override in a name" "$R/name_bidi.lua" "text-direction character"
refused "an infinite literal" "$R/literal_inf.lua" "out of range"

# --- include stays in the rules folder ------------------------------------------------
mkdir -p "$WORK/rules" "$WORK/elsewhere"
printf 'secret contents that must not be quoted\n' > "$WORK/elsewhere/secret.lua"
cp "$R/include_link.lua" "$WORK/rules/main.lua"
ln -s "$WORK/elsewhere/secret.lua" "$WORK/rules/outside.lua"
refused "include through a symbolic link" "$WORK/rules/main.lua" "leads outside the rules folder"
check_lacks "include through a symbolic link: no outside content quoted" "secret contents" "$ERR"
cp "$R/staging_link.lua" "$WORK/rules/stage.lua"
ln -s "$WORK/elsewhere/secret.lua" "$WORK/rules/outside_stage.lua"
refused "staging module through a symbolic link" "$WORK/rules/stage.lua" \
    "staging module 'outside_stage': $WORK/rules/outside_stage.lua leads outside its folder"
check_lacks "staging module through a symbolic link: no outside content quoted" "contents" "$ERR"

# --- params -----------------------------------------------------------------------------
refused "NaN default" "$R/param_nan.lua" "finite number"
refused "infinite default" "$R/param_inf.lua" "finite number"
refused "integer beyond 2^53" "$R/param_int_range.lua" "2^53"
refused "NaN bound" "$R/param_nan_bound.lua" "not NaN"
run_bounded 30 "$TNMLAB" -e "rules.load('$R/param_big.lua') rules.set('hostile_big', 'k', 1e300)"
check_rc "set an integer param to 1e300: refused" 1
check_has "set an integer param to 1e300: says why" "whole number" "$ERR"
check_rss "set an integer param to 1e300: memory" "$LIMIT"

finish
