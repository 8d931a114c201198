#!/bin/sh
# median_diff.sh - the difference of two Kaplan-Meier medians with a seeded
# bootstrap CI (survival.median_diff and the `median` command) against R:
# tests/fixtures/r/median_boot.R resamples each sex of the NCCTG lung data
# 20000 times with survfit() medians.  The draws differ from R's, so the
# limits agree to within their Monte Carlo error (10 days; the replicates'
# SD is 63 days); the same seed gives the same figures, another seed others.
. "$(dirname "$0")/lib.sh"

F="$top_srcdir/tests/fixtures/r"
ref() { awk -v k="$1" '$1 == k { print $2 }' "$F/median_boot.tsv"; }
OUT=$("$TNMLAB" --no-restore -e "
local c = cohort.read_csv('$F/ncctg_lung.csv')
local r = survival.median_diff(c, 'time', 'status', 'sex', {B = 20000, seed = 3})
print('groups', r.groups[1], r.groups[2], r.medians[1], r.medians[2])
print('diff', r.diff)
print('lower', r.lower)
print('upper', r.upper)
local a = survival.median_diff(c, 'time', 'status', 'sex', {B = 500, seed = 9})
local b = survival.median_diff(c, 'time', 'status', 'sex', {B = 500, seed = 9})
local x = survival.median_diff(c, 'time', 'status', 'sex', {B = 500, seed = 10})
print('same seed', a.lower == b.lower and a.upper == b.upper)
print('other seed', a.lower ~= x.lower or a.upper ~= x.upper)
print(pcall(survival.median_diff, c, 'time', 'status', 'ph.ecog'))
print(pcall(survival.median_diff, c, 'time', 'status', 'sex', {B = 3}))" 2>&1)
check_has "the groups in level order, medians as R (270, 426 days)" "groups	1	2	270	426" "$OUT"
check_has "the difference as R" "diff	$(ref diff)" "$OUT"
for k in lower upper; do
    got=$(printf '%s\n' "$OUT" | awk -v k=$k '$1 == k { print $2 }')
    want=$(ref $k)
    if awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(d <= 10 && d >= -10) }'; then
        pass
    else
        fail "the $k limit: $got days, R's bootstrap $want (10 days allowed)"
    fi
done
check_has "the same seed, the same interval" "same seed	true" "$OUT"
check_has "another seed, another draw" "other seed	true" "$OUT"
check_has "more than two groups refused" "'ph.ecog' has 4 values; the median difference compares two groups" "$OUT"
check_has "too few replicates refused" "B is 10 to 100000" "$OUT"

# The command, on the session's two groups (women selected by the fixture
# rule set): the same figures in months, the other sign.
OUT=$("$TNMLAB" --no-restore --cohort "$F/ncctg_lung.csv" --map days --map os_time=time \
    --map os_event=status --rules "$top_srcdir/tests/fixtures/lab/sex.lua" -e "print(lab.run('median 20000 3'))
print(lab.run('median 5'))" 2>&1)
check_has "median: the groups and the method" "Median difference, selected minus not selected, months (95% CI: percentile bootstrap, B = 20000, seed 3" "$OUT"
check_has "median: the difference in months (156 days)" "OS   14.0 - 8.9 = +5.1" "$OUT"
got=$(printf '%s\n' "$OUT" | sed -n 's/.*= +5.1  (+\([0-9.]*\) to +\([0-9.]*\))$/\1 \2/p')
if awk -v g="$got" -v l="$(ref upper)" -v u="$(ref lower)" 'BEGIN { split(g, a, " "); m = 365.25 / 12; d1 = a[1] * m + l; d2 = a[2] * m + u; exit !(d1 <= 12 && d1 >= -12 && d2 <= 12 && d2 >= -12) }'; then
    pass
else
    fail "median: the interval in months ($got) against R's -($(ref upper)) to -($(ref lower)) days"
fi
check_has "median: a bad B" "usage: median [B] [SEED]" "$OUT"
finish
