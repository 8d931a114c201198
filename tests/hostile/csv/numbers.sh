#!/bin/sh
# numbers.sh - overflow, infinities, NaN and hexadecimal in a number column
# read as R's read.csv reads them (values below from R 4.2:
# print(read.csv("tests/hostile/csv/numbers_r.csv")$x) gives
# Inf -Inf Inf -Inf Inf -Inf Inf NaN NaN NaN 26 -26 8 0 NA 3); a hexadecimal
# fraction, which R and C read differently, is refused with its position;
# an infinite survival time is refused where it is used as a time.
. "${top_srcdir:-.}/tests/hostile/lib.sh"
C=$HOSTILE/csv

run_bounded 5 "$TNMLAB" -e "local c = cohort.read_csv('$C/numbers_r.csv') local x = c:column('x')
    local t = {} for i = 1, #c do t[i] = x[i] == nil and 'NA' or x[i] == math.huge and 'Inf'
        or x[i] == -math.huge and '-Inf' or string.format('%g', x[i]) end
    print(table.concat(t, ' '))"
check_rc numbers 0
# NaN is missing in a number column (as is.na(NaN) in R), so it reads as NA
check_eq numbers_as_r "Inf -Inf Inf -Inf Inf -Inf Inf NA NA NA 26 -26 8 0 NA 3" "$OUT"
check_rss numbers_rss 60

run_bounded 5 "$TNMLAB" -e "cohort.read_csv('$C/hexfrac.csv')"
check_rc hexfrac 1
check_has hexfrac_message "$C/hexfrac.csv:3:2: '0x1A.8' in column 'x' is a hexadecimal fraction" "$ERR"
check_rss hexfrac_rss 60

for f in inf_time overflow_time; do
    run_bounded 5 "$TNMLAB" -e "local c = cohort.read_csv('$C/$f.csv')
        survival.km(c, 'os_time', 'os_event')"
    check_rc "$f" 1
    check_has "${f}_message" "survival: time Inf at row 2 is not finite" "$ERR"
    check_rss "${f}_rss" 60
done

finish
