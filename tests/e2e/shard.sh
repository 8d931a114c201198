#!/bin/sh
# shard.sh - a sweep split into shards (tnmlab --shard K/N SCRIPT, and
# lab.sweep{shard = "K/N"}) and joined by tnmlab merge is byte for byte the
# file one run writes (with the same SOURCE_DATE_EPOCH, as the provenance
# records the date); more shards than rows; shards that do not belong
# together, a missing or repeated shard, a non-CSV shard are refused.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH
cat >"$WORK/sweep.lua" <<LUA
local out = arg[1]
lab.set_cohort(cohort.demo(), "demo")
lab.sweep{sets = {"deruysscher2012", "eortc2019"}, grid = {max_lesions = {1, 2, 3, 4, 5}},
          out = out}
LUA
"$TNMLAB" --no-restore "$WORK/sweep.lua" "$WORK/full.csv" >/dev/null 2>&1
check_eq "the single run writes 10 grid points x OS/PFS x 2 arms" "41" "$(grep -vc '^#' "$WORK/full.csv")"
for k in 1 2 3; do
    "$TNMLAB" --no-restore --shard $k/3 "$WORK/sweep.lua" "$WORK/part$k.csv" >/dev/null 2>&1
done
check_has "a shard says which rows it holds" "# shard: 2/3 rows 4-6 of 10, 12 lines" "$(cat "$WORK/part2.csv")"
OUT=$("$TNMLAB" merge "$WORK/merged.csv" "$WORK/part3.csv" "$WORK/part1.csv" "$WORK/part2.csv" 2>&1)
check_has "merge reports" "merged 3 shards, 10 rows" "$OUT"
if cmp -s "$WORK/full.csv" "$WORK/merged.csv"; then pass; else fail "merged file differs from the single run"; diff "$WORK/full.csv" "$WORK/merged.csv" | head; fi

# lab.sweep{shard =}, more shards than rows (some shards empty)
for k in 1 2 3 4 5 6 7 8 9 10 11 12; do
    "$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo')
        lab.sweep{sets = {'deruysscher2012', 'eortc2019'},
        grid = {max_lesions = {1, 2, 3, 4, 5}}, out = '$WORK/s$k.csv', shard = '$k/12'}" >/dev/null 2>&1
done
check_has "an empty shard says so" "rows none of 10" "$(cat "$WORK"/s*.csv)"
"$TNMLAB" merge "$WORK/merged12.csv" "$WORK"/s*.csv >/dev/null 2>&1
if cmp -s "$WORK/full.csv" "$WORK/merged12.csv"; then pass; else fail "12 shards merged differ from the single run"; fi

# refusals
OUT=$("$TNMLAB" merge "$WORK/x.csv" "$WORK/part1.csv" "$WORK/part2.csv" 2>&1)
check_has "a missing shard" "shard 1 of 3, but 2 shards were given" "$OUT"
OUT=$("$TNMLAB" merge "$WORK/x.csv" "$WORK/part1.csv" "$WORK/part1.csv" "$WORK/part2.csv" 2>&1)
check_has "a repeated shard" "are both shard 1 of 3" "$OUT"
OUT=$("$TNMLAB" merge "$WORK/x.csv" "$WORK/full.csv" 2>&1)
check_has "a file that is no shard" "not a sweep shard" "$OUT"
"$TNMLAB" --no-restore -e "lab.set_cohort(cohort.simulate('stage_iv', {n = 500, seed = 2}), 'other')
    lab.sweep{sets = {'deruysscher2012', 'eortc2019'}, grid = {max_lesions = {1, 2, 3, 4, 5}},
              out = '$WORK/other2.csv', shard = '2/3'}" >/dev/null 2>&1
OUT=$("$TNMLAB" merge "$WORK/x.csv" "$WORK/part1.csv" "$WORK/other2.csv" "$WORK/part3.csv" 2>&1)
check_has "shards of another cohort" "are not shards of one sweep" "$OUT"
[ ! -e "$WORK/x.csv" ] && pass || fail "a refused merge wrote its output"
OUT=$("$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo')
    lab.sweep{sets = {'deruysscher2012'}, grid = {max_lesions = {1, 2}}, out = '$WORK/s.json', shard = '1/2'}" 2>&1)
check_has "a shard is CSV" "a shard is written as .csv" "$OUT"
OUT=$("$TNMLAB" --no-restore --shard 3/2 -e "print(1)" 2>&1)
check_has "--shard is checked" "--shard wants K/N with 1 <= K <= N" "$OUT"
finish
