# lesson.sh - the shipped lesson runs step by step, its commands act on the
# session, and navigation and bad names behave.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

out=$(printf '%s\n' "lesson" "lesson selection_bias" "lesson next" "lesson prev" \
    "lesson stop" "lesson next" "lesson ../etc" "lesson nope" | "$TNMLAB" --plain 2>&1)
check_has "lists the shipped lesson" "  selection_bias" "$out"
check_has "starts at step 1" "== Lesson step 1 of 7: The whole population, and who the rules select ==" "$out"
check_has "with its question" "Question: The selected patients live longer than the population. Is that the treatment?" "$out"
check_has "step 1 runs its commands" "tnmlab> use deruysscher2012" "$out"
check_has "step 2 tightens the rule" "tnmlab> set max_lesions 1" "$out"
# Fewer patients after tightening: the change of N is negative.
check_eq "tightening selects fewer patients" "1" \
    "$(printf '%s\n' "$out" | grep -cE '^selected [0-9]+ of 2000 \([0-9.]+%\) \[-[0-9]+\]')"
check_has "prev goes back and runs step 1 again" "== Lesson step 1 of 7" "$(printf '%s\n' "$out" | sed -n '/set max_lesions 1/,$p')"
check_has "stop ends it" "lesson stopped" "$out"
check_has "next without a lesson says so" "no lesson is running" "$out"
check_has "a path is not a lesson name" "'../etc' is not a lesson name" "$out"
check_has "a missing lesson names the file" "lessons/nope.lua" "$out"

# Each step sets up its own rules: going back from step 7 (EORTC active)
# to step 6 shows what step 6 showed the first time; export lesson DIR
# leaves the lesson at the step it was at, with that step's rules.
out=$("$TNMLAB" --no-restore -e "
local function n() return rules.eval('deruysscher2012', lab.cohort()).selected end
lab.run('lesson selection_bias')
for i = 1, 5 do lab.run('lesson next') end
local first = n()
lab.run('lesson next'); lab.run('lesson prev')
local again = n()
assert(lab.run('export lesson $WORK/h'))
print('step6', first, again, n())
lab.run('lesson again')" 2>&1)
check_has "lesson prev shows step 6 as the first time, and so does export lesson after" "step6	285	285	285" "$out"
check_has "after export lesson, the same step" "== Lesson step 6 of 7" "$(printf '%s\n' "$out" | sed -n '/^step6/,$p')"
finish
