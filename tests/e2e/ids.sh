#!/bin/sh
# ids.sh - who is selected: `list` and `export ids`, each patient with the
# arm and the values the criteria read; the CSV reads back in R (when R is
# installed) with one row per selected patient.
. "$(dirname "$0")/lib.sh"

OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --no-restore -e "
lab.run('simulate stage_iv 2000 1')
lab.run('use s3_iva_m1b')
print('n', rules.eval('s3_iva_m1b', lab.cohort()).selected)
print(lab.run('list 3'))
print(lab.run('export ids $WORK/ids.csv'))
print(lab.run('export ids $WORK/ids.txt'))
print(lab.run('list x'))" 2>&1)
n=$(printf '%s\n' "$OUT" | sed -n 's/^n	//p')
check_has "list: how many, and the first ones" "$n selected by s3_iva_m1b; the first shown" "$OUT"
check_has "list: the columns the criteria read" "row  id  arm" "$OUT"
check_has "export ids: written" "wrote $WORK/ids.csv" "$OUT"
rows=$(grep -v '^#' "$WORK/ids.csv" | tail -n +2 | wc -l)
check_eq "export ids: one row per selected patient" "$n" "$rows"
check_has "export ids: provenance" "# rule_set: s3_iva_m1b" "$(cat "$WORK/ids.csv")"
check_has "a file kind it cannot write" "the list is written as .csv, .md or .json" "$OUT"
check_has "list with a bad N" "usage: list [N]" "$OUT"
if command -v Rscript >/dev/null 2>&1; then
    R=$(Rscript -e "d <- read.csv('$WORK/ids.csv', comment.char = '#'); cat(nrow(d), class(d\$m_all_treatable), all(d\$arm == 'radical'), '\n')" 2>&1)
    check_eq "R reads it: rows, a logical column, the arms" "$n logical TRUE " "$R"
fi
finish
