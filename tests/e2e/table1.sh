#!/bin/sh
# table1.sh - `table1` and `export table1`: the NCCTG lung data by sex,
# figure by figure against base R (tests/fixtures/table1/ncctg_by_sex.R
# wrote ncctg_by_sex.tsv with table(), quantile(type = 7) and the usual
# SMD formulas); the default grouping (selected vs not) on the demo; bad
# input.
. "$(dirname "$0")/lib.sh"

REF="$top_srcdir/tests/fixtures/table1/ncctg_by_sex.tsv"
OUT=$(printf '%s\n' "load cohort $TNMLAB_DATA/ncctg_lung.csv days os_time=time os_event=status" \
    "table1 by sex" "export table1 $WORK/t1.csv by sex age meal.cal wt.loss ph.ecog" |
    XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "the table, grouped by sex" "Table 1, by sex (ncctg_lung.csv)" "$OUT"
check_has "median [IQR] as tableone prints it" "64.00 [57.00, 70.00]" "$OUT"
check_eq "the n row: 138 men, 90 women (R: table(lung\$sex))" "1" "$(printf '%s\n' "$OUT" | grep -cE '^  n +138 +90')"
check_has "ph.ecog (whole numbers, 4 values) is categorical: n (%)" "36 (26.3)" "$OUT"
check_has "the export is written" "wrote $WORK/t1.csv" "$OUT"

# every figure of R's reference, found in the export and equal to 1e-9
RES=$(awk -F'\t' 'NR == FNR { if (FNR > 1) ref[$1 "|" $2 "|" $3 "|" $4] = $5; next }
    /^#/ || /^variable,/ { next }
    { n = split($0, f, ","); for (i = 1; i <= n; i++) if (f[i] == "NA") f[i] = ""
      got[f[1] "|" f[2] "|" f[3] "|" f[4]] = f[5] }
    END { bad = 0; ok = 0
      for (k in ref) {
        if (!(k in got)) { print "missing " k; bad++; continue }
        d = got[k] - ref[k]; if (d < 0) d = -d
        s = ref[k] < 0 ? -ref[k] : ref[k]
        if (d > 1e-9 * (s > 1 ? s : 1)) { print "differs " k " " got[k] " R " ref[k]; bad++ }
        else ok++ }
      print "compared " ok " bad " bad }' "$REF" "$WORK/t1.csv")
check_has "every R figure matches (counts, %, quartiles, missing, SMD)" "compared 48 bad 0" "$RES"
check_lacks "no figure differs from R" "differs" "$RES"

# lab.table1: the same figures as rows for a script
OUT=$("$TNMLAB" --no-restore -e "
lab.set_cohort(cohort.read_csv('$TNMLAB_DATA/ncctg_lung.csv'), 'ncctg')
local t = lab.table1{by = 'sex', vars = {'age', 'ph.ecog'}}
for _, r in ipairs(t) do
  if r.statistic == 'smd' or (r.variable == 'age' and r.statistic == 'q3') then
    print(r.variable, r.statistic, r.group or '', string.format('%.6f', r.value))
  end
end
print(pcall(lab.table1, {by = 'nothere'}))" 2>&1)
check_has "lab.table1: age SMD as R (0.251578)" "age	smd		0.251578" "$OUT"
check_has "lab.table1: ph.ecog SMD as R (0.164978)" "ph.ecog	smd		0.164978" "$OUT"
check_has "lab.table1: age q3, women, as R (68)" "age	q3	2	68.000000" "$OUT"
check_has "lab.table1: a bad group column raises" "no column 'nothere' to group by" "$OUT"

# selected vs not selected on the demo, and bad input
OUT=$(printf '%s\n' "table1 age ecog" "table1 by nothere" "table1 by id" "table1 by sex nothere" \
    "export table1 $WORK/t1.svg" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "the default groups" "Table 1, selected vs not selected (demo, deruysscher2012)" "$OUT"
check_has "the default groups' columns" "selected              not selected" "$OUT"
check_has "an unknown group column" "table1: no column 'nothere' to group by" "$OUT"
check_has "a column with too many values to group by" "table1: 'id' has" "$OUT"
check_has "an unknown variable" "table1: no column 'nothere' in the cohort" "$OUT"
check_has "a format it cannot write" "export table1: $WORK/t1.svg: written as .csv, .md or .json" "$OUT"
finish
