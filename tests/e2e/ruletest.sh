#!/bin/sh
# ruletest.sh - `tnmlab test`: the shipped rule sets' tests pass with full
# criterion coverage; a broken criterion fails, naming the case and the
# criterion; a broken test file is an error naming the file.
. "$(dirname "$0")/lib.sh"
S=${TNMLAB_SCRIPTS:-$top_srcdir/scripts}

OUT=$("$TNMLAB" test --coverage --json "$WORK/cov.json" "$S/selection" 2>&1)
check_eq "shipped rule tests: exit 0" 0 $?
check_has "every file runs" "7 files" "$OUT"
check_has "no case fails" "0 failed" "$OUT"
for set in deruysscher2012 gomez2016 iyengar2018 eortc2019 s3_iva_m1b retrospective_series curative_i_iii; do
    check_has "$set: 100% criterion coverage" "coverage of $set: criteria x {true, false, unknown}" "$OUT"
done
check_lacks "nothing uncovered" "uncovered:" "$OUT"
check_eq "every criterion at 100%" "7" "$(printf '%s\n' "$OUT" | grep -c '(100%); arms reached 2 of 2')"
check_has "coverage as JSON" '"criterion": "lesions"' "$(cat "$WORK/cov.json")"

# the staging modules' grids, and everything by default
OUT=$("$TNMLAB" test "$S/staging/tests" 2>&1)
check_eq "the TNM grids as rule tests: exit 0" 0 $?
check_has "TNM 8: every cell of the published grid" "tnm8_test.lua: 33 cases, 33 passed, all" "$OUT"
check_has "TNM 9: every cell of the published grid" "tnm9_test.lua: 40 cases, 40 passed, all" "$OUT"
OUT=$("$TNMLAB" test 2>&1)
check_eq "tnmlab test alone runs the shipped tests: exit 0" 0 $?
check_has "all nine files" "9 files, 274 cases, 0 failed" "$OUT"

# a broken criterion: De Ruysscher's "fewer than 5" turned into "fewer than 4"
mkdir -p "$WORK/sel/tests"
sed 's/"lesions <= max_lesions"/"lesions < max_lesions"/' "$S/selection/deruysscher2012.lua" \
    >"$WORK/sel/deruysscher2012.lua"
cp "$S/selection/tests/deruysscher2012_test.lua" "$S/selection/tests/hand_cohort.csv" "$WORK/sel/tests/"
OUT=$("$TNMLAB" test "$WORK/sel/tests/deruysscher2012_test.lua" 2>&1)
check_eq "a broken criterion: exit 1" 1 $?
check_has "names the case and what differs" "case 'P03 4 lesions in 2 organs' (deruysscher2012, TNM 8): selected: expected true, got false; arm: expected radical, got systemic; leaves at: expected '', got 'lesions:fail'" "$OUT"
check_has "shows the explain trace" "FAIL     lesions" "$OUT"

# a test file that is not one
printf 'return 42\n' >"$WORK/bad_test.lua"
OUT=$("$TNMLAB" test "$WORK/bad_test.lua" 2>&1)
check_eq "a bad test file: exit 1" 1 $?
check_has "names the file" "bad_test.lua: a test file must return a table" "$OUT"
printf 'while true do end\n' >"$WORK/loop_test.lua"
OUT=$("$TNMLAB" test "$WORK/loop_test.lua" 2>&1)
check_eq "an endless test file is stopped: exit 1" 1 $?
check_has "stopped by the sandbox" "stopped" "$OUT"
OUT=$("$TNMLAB" test "$WORK/nowhere" 2>&1)
check_eq "a missing path: exit 1" 1 $?
mkdir -p "$WORK/empty"
OUT=$("$TNMLAB" test "$WORK/empty" 2>&1)
check_eq "a folder without tests: exit 1" 1 $?
check_has "says so" "no *_test.lua files found" "$OUT"
finish
