#!/bin/sh
# keep_previous.sh - at the REPL (--plain, commands on stdin), every load
# that fails leaves the cohort loaded before it: a good cohort, then a row
# of bad ones, then `case #2` still shows the good cohort's second patient.
. "${top_srcdir:-.}/tests/hostile/lib.sh"

mkfifo "$WORK/fifo.csv"
mkdir "$WORK/dir.csv"
: >"$WORK/huge.csv"
truncate -s 5G "$WORK/huge.csv"
printf 'id,age\nQ1,1\n\000' >"$WORK/nul.csv"
C=$HOSTILE/csv
cat >"$WORK/cmds" <<CMDS
load cohort /dev/zero
load cohort $WORK/fifo.csv
load cohort $WORK/dir.csv
load cohort $WORK/huge.csv
load cohort $WORK/missing.csv
load cohort $WORK/nul.csv
load cohort $C/hexfrac.csv
load cohort $C/inf_time.csv
load cohort $C/overflow_time.csv
case #2
CMDS
run_bounded 20 sh -c "'$TNMLAB' --plain --cohort '$C/good.csv' <'$WORK/cmds'"
check_rc repl 1 # the failed loads make the piped session fail
check_has good_loaded "loaded $C/good.csv: 3 patients" "$OUT"
check_has zero "/dev/zero: is a character device, not a regular file" "$ERR"
check_has fifo "$WORK/fifo.csv: is a FIFO (named pipe), not a regular file" "$ERR"
check_has dir "$WORK/dir.csv: is a directory, not a CSV file" "$ERR"
check_has huge "$WORK/huge.csv: 5.0 GiB is above the size limit of 4.0 GiB" "$ERR"
check_has missing "$WORK/missing.csv: cannot open: No such file or directory" "$ERR"
check_has nul "$WORK/nul.csv:3: NUL byte at offset 12: not a text file" "$ERR"
check_has hexfrac "$C/hexfrac.csv:3:2: '0x1A.8' in column 'x' is a hexadecimal fraction" "$ERR"
# Inf ("Inf", or 1e400 as R reads it) is a number, but no survival time
check_has inf_time "inf_time.csv: time column 'os_time', row 2: Inf is not a time (not finite)" "$ERR"
check_has overflow_time "overflow_time.csv: time column 'os_time', row 2: Inf is not a time" "$ERR"
check_lacks no_bad_loaded "loaded $WORK" "$OUT"
check_has still_good "patient P2 (row 2 of 3)" "$OUT"
check_has still_good_age "age                  60" "$OUT"
check_rss repl_rss 80

finish
