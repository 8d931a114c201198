#!/bin/sh
# file_kinds.sh - paths that are no CSV file: /dev/zero (never ends), a FIFO
# with no writer (blocked open() for ever), a directory, a sparse file above
# the 4 GiB size limit, and a file above a limit lowered through
# TNMLAB_CSV_MAX_BYTES or max_bytes.  Each is refused at once, naming the
# path, by cohort.read_csv and by --cohort (exit 1), in bounded time and memory.
. "${top_srcdir:-.}/tests/hostile/lib.sh"

mkfifo "$WORK/fifo.csv"
mkdir "$WORK/dir.csv"
: >"$WORK/huge.csv"
truncate -s 5G "$WORK/huge.csv" # sparse: no disk, no memory
cp "$HOSTILE/csv/good.csv" "$WORK/good.csv"

# refused PATH MESSAGE: read_csv and --cohort both say MESSAGE, exit 1
refused() {
    run_bounded 5 "$TNMLAB" -e "cohort.read_csv('$1')"
    check_rc "read_csv $1" 1
    check_has "read_csv $1 message" "$1: $2" "$ERR"
    check_rss "read_csv $1 rss" 60
    run_bounded 5 "$TNMLAB" --cohort "$1" -e 'print("not reached")'
    check_rc "--cohort $1" 1
    check_has "--cohort $1 message" "$1: $2" "$ERR"
    check_lacks "--cohort $1 ran on" "not reached" "$OUT"
    check_rss "--cohort $1 rss" 60
}

refused /dev/zero "is a character device, not a regular file"
refused "$WORK/fifo.csv" "is a FIFO (named pipe), not a regular file"
refused "$WORK/dir.csv" "is a directory, not a CSV file"
refused "$WORK/huge.csv" "5.0 GiB is above the size limit of 4.0 GiB"

# the limit is lowered (or raised) by the environment, and by max_bytes
export TNMLAB_CSV_MAX_BYTES=20
refused "$WORK/good.csv" "46 bytes is above the size limit of 20 bytes"
run_bounded 5 "$TNMLAB" -e "print(#cohort.read_csv('$WORK/good.csv', {max_bytes = 4096}))"
check_rc max_bytes_option 0
check_eq max_bytes_option_rows 3 "$OUT"
check_rss max_bytes_option_rss 60
unset TNMLAB_CSV_MAX_BYTES
run_bounded 5 "$TNMLAB" -e "cohort.read_csv('$WORK/good.csv', {max_bytes = 10})"
check_rc max_bytes_small 1
check_has max_bytes_small_message "good.csv: " "$ERR"
check_has max_bytes_small_message2 "above the size limit of 10 bytes" "$ERR"
check_rss max_bytes_small_rss 60

finish
