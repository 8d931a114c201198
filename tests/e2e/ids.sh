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
# the RMST difference of two groups and its 95% CI, against R's survfit
# rmean and se(rmean) (NCCTG lung, by sex, 36 months)
D=${TNMLAB_DATA:-$top_srcdir/data}
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$D/ncctg_lung.csv" --map days --map os_time=time \
    --map os_event=status --rules "$top_srcdir/tests/fixtures/lab/sex.lua" -e 'print(lab.run("show outcome"))' 2>&1)
got=$(printf '%s\n' "$OUT" | sed -n 's/^ *RMST to 36 mo: //p' | head -n 1)
if command -v Rscript >/dev/null 2>&1; then
    want=$(Rscript -e "suppressMessages(library(survival)); d <- read.csv('$D/ncctg_lung.csv'); t <- summary(survfit(Surv(time / (365.25 / 12), status) ~ sex, data = d), rmean = 36)\$table; a <- t[2, 'rmean']; b <- t[1, 'rmean']; se <- sqrt(sum(t[, 'se(rmean)']^2)); cat(sprintf('%.1f vs %.1f, difference %+.1f (%.1f to %.1f) mo', a, b, a - b, a - b - qnorm(0.975) * se, a - b + qnorm(0.975) * se))" 2>&1)
    check_eq "RMST difference and CI as R's survfit gives them" "$want" "$got"
else
    check_has "RMST difference shown" "difference" "$got"
fi
# km BY a column: each value's N, events and median with CI, as R's
# survfit(Surv(time, status) ~ sex) gives them on the NCCTG data
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$D/ncctg_lung.csv" --map days --map os_time=time \
    --map os_event=status --rules "$top_srcdir/tests/fixtures/lab/sex.lua" -e 'print(lab.run("km sex"))' 2>&1)
got=$(printf '%s\n' "$OUT" | awk '/^  OS /{f=1; next} f && /^  [12] /{printf "%s %s %s %s %s\n", $1, $2, $3, $4, $5} /^  PFS/{f=0}')
if command -v Rscript >/dev/null 2>&1; then
    want=$(Rscript -e "suppressMessages(library(survival)); d <- read.csv('$D/ncctg_lung.csv'); t <- summary(survfit(Surv(time / (365.25 / 12), status) ~ sex, data = d))\$table; for (i in 1:2) cat(sprintf('%d %d %d %.1f (%.1f-%.1f)\n', i, t[i, 'records'], t[i, 'events'], t[i, 'median'], t[i, '0.95LCL'], t[i, '0.95UCL']))" 2>&1)
    check_eq "km sex: N, events, median (CI) per value as R gives them" "$want" "$got"
fi
# km BY in the plot: the curves the screen and the SVG draw are the
# groups' (R: survfit(~ sex) has n 138 and 90), the title says by what,
# a rule change keeps the grouping, km off goes back to the arms.
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$D/ncctg_lung.csv" --map days --map os_time=time \
    --map os_event=status --rules "$top_srcdir/tests/fixtures/lab/sex.lua" -e "lab.run('km ph.ecog')
assert(lab.run('km sex')); assert(lab.run('export plot $WORK/by.svg'))
assert(lab.run('set sex_code 1')); assert(lab.run('export plot $WORK/by2.svg before'))
print(lab.run('km off')); assert(lab.run('export plot $WORK/arms.svg'))" 2>&1)
check_has "the plot by sex: its title" "<title>Overall survival by sex: by_sex v1" "$(cat "$WORK/by.svg")"
check_has "the men's curve, n as R" ">1 (n = 138)<" "$(cat "$WORK/by.svg")"
check_has "the women's curve, n as R" ">2 (n = 90)<" "$(cat "$WORK/by.svg")"
check_has "after a change still by sex" "<title>Overall survival by sex: by_sex v2" "$(cat "$WORK/by2.svg")"
check_eq "and the previous version's curves dimmed beside them" "4" "$(grep -c 'class="km' "$WORK/by2.svg")"
check_has "km off: the plot shows the arms" "The plot shows the arms again." "$OUT"
check_has "the selected and not selected again" ">selected (n = 138)<" "$(cat "$WORK/arms.svg")"
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --no-restore -e "
lab.run('simulate stage_iv 2000 1'); lab.run('use s3_iva_m1b')
print(lab.run('km stage')); print(lab.run('km age')); print(lab.run('km nope'))" 2>&1)
check_has "km by the derived stage, in stage order" "  IVA " "$OUT"
check_has "too many values" "'age' has more than 12 values" "$OUT"
check_has "an unknown column" "km: no column 'nope'" "$OUT"
finish
