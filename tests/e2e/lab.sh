# lab.sh - the laboratory commands on a real cohort, piped through the line
# REPL: figures checked against R (tests/fixtures/r/lung_reference.tsv, in
# days; shown here in months = days * 12 / 365.25), bad input, undo.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

data="$top_srcdir/data/ncctg_lung.csv"
rules="$top_srcdir/tests/fixtures/lab/sex.lua"
out=$(printf '%s\n' \
    "load cohort $data days os_time=time os_event=status" \
    "load rules $rules" \
    "set sex_code 1" \
    "undo" \
    "set sex_code 3" \
    "set nope 1" \
    "set sex_code abc" \
    "load cohort /nonexistent/file.csv" \
    "load cohort $data weeks" \
    "use missing_set" \
    "frobnicate 3" \
    "show attrition" \
    "case #1" \
    "explain" \
    "whatif sex=2" \
    "diff" | "$TNMLAB" --plain 2>&1)

check_has "loads 228 patients" "loaded $data: 228 patients" "$out"
check_has "observational label" "observational: selection only" "$out"
# R: 90 women (sex = 2), 138 men.
check_has "selects the 90 women" "selected 90 of 228 (39.5%)" "$out"
# R survfit by sex: women median 426 (348-550) days, men 270 (212-310) days.
check_has "women's median OS and CI as R" "selected         90     53  14.0 (11.4-18.1)" "$out"
check_has "men's median OS and CI as R" "not selected    138    112  8.9 (7.0-10.2)" "$out"
# R survdiff: p = 0.00131116452036; coxph(~sex): HR 0.588 (0.424-0.816).
check_has "log-rank p as R" "log-rank p = 0.001311" "$out"
check_has "hazard ratio as R" "HR 0.59 (0.42-0.82)" "$out"
check_has "set flips the selection, with its change" "selected 138 of 228 (60.5%) [+48]" "$out"
check_has "undo goes back" "undid by_sex.sex_code" "$out"
check_has "out-of-range value refused" "param 'sex_code' must be a whole number between 1 and 2" "$out"
check_has "unknown param named" "has no param 'nope'" "$out"
check_has "bad number named" "sex_code wants a number, not 'abc'" "$out"
check_has "missing file named" "/nonexistent/file.csv" "$out"
check_has "bad unit named" "'weeks'" "$out"
check_has "unknown rule set named" "no rule set 'missing_set'" "$out"
check_has "a line that is neither command nor Lua says so" "'frobnicate' is not a command" "$out"
check_eq "attrition after the failed loads: the cohort is kept" "1" \
    "$(printf '%s\n' "$out" | grep -cE '^sex +90 +138 +0')"
check_has "case shows the record" "patient #1 (row 1 of 228)" "$out"
check_has "explain names the criterion and the values" "FAIL     sex              sex == sex_code  [sex = 1, sex_code = 2]" "$out"
check_has "whatif re-selects without touching the cohort" "not selected -> selected, arm other -> chosen" "$out"

# compare: R's figures from tests/fixtures/lab/compare_reference.R (months).
out=$(printf '%s\n' \
    "load cohort $data days os_time=time os_event=status" \
    "load rules $rules" \
    "load rules $top_srcdir/tests/fixtures/lab/older.lua" \
    "compare by_sex older" | "$TNMLAB" --plain 2>&1)
check_has "compare counts the overlap" "selected by by_sex: 90; by older: 100; by both: 33; only by_sex: 57; only older: 67" "$out"
check_eq "compare: women as R" "1" "$(printf '%s\n' "$out" | grep -cE '^  by_sex +90 +53  14.0 \(11.4-18.1\)')"
check_eq "compare: 65 and over as R" "1" "$(printf '%s\n' "$out" | grep -cE '^  older +100 +79  9.5 \(7.9-11.6\)')"
check_eq "compare: only A as R" "1" "$(printf '%s\n' "$out" | grep -cE '^  only by_sex +57 +30  12.2 \(11.2-24.0\)')"
check_eq "compare: both as R" "1" "$(printf '%s\n' "$out" | grep -cE '^  both \(by_sex arms\) +33 +23  14.0 \(10.2-21.5\)')"
check_eq "compare: only B as R" "1" "$(printf '%s\n' "$out" | grep -cE '^  only older +67 +56  8.8 \(6.8-10.1\)')"
check_has "no test between overlapping selections" "No test between by_sex and older: they share 33 patients." "$out"
# lab.run gives a script the command's own message, not a pointer to it.
printf '%s\n' 'local ok, msg = lab.run("set nosuch 3")' 'print("R:", ok, msg)' \
    'print("R2:", lab.run("bogus words"))' >"$WORK/run.lua"
out=$("$TNMLAB" "$WORK/run.lua" 2>/dev/null)
check_has "lab.run returns the message" "R:	nil	rule set 'deruysscher2012' has no param 'nosuch'" "$out"
check_has "lab.run: not a command" "R2:	nil	not a command: bogus words" "$out"
finish
