#!/bin/sh
# wide_header.sh - headers that used to take minutes: 100,000 columns, and
# 5,000 copies of one name (R's make.unique renames them x, x.1 ... x.4999).
# Each loads within a few seconds and a memory bound, in Lua and at the REPL.
. "${top_srcdir:-.}/tests/hostile/lib.sh"

# 100,000 distinct columns, one row; generated here, never committed
awk 'BEGIN { for (i = 1; i <= 100000; i++) printf "%sc%d", (i > 1 ? "," : ""), i; print "";
             for (i = 1; i <= 100000; i++) printf "%s%d", (i > 1 ? "," : ""), i; print "" }' \
    >"$WORK/wide.csv"
run_bounded 10 "$TNMLAB" -e "local c = cohort.read_csv('$WORK/wide.csv') local n = c:columns()
    print(#c, #n, n[1], n[100000], c:column('c100000')[1])"
check_rc wide_lua 0
check_eq wide_lua_columns "1	100000	c1	c100000	100000" "$OUT"
check_rss wide_lua_rss 100

run_bounded 10 sh -c "printf 'load cohort %s\n' '$WORK/wide.csv' | '$TNMLAB' --plain"
check_rc wide_repl 0
check_has wide_repl_loaded "loaded $WORK/wide.csv: 1 patients" "$OUT"
check_rss wide_repl_rss 120

# 5,000 identical names: R's make.unique gives x, x.1, ..., x.4999
awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "%sx", (i > 1 ? "," : ""); print "";
             for (i = 1; i <= 5000; i++) printf "%s%d", (i > 1 ? "," : ""), i; print "" }' \
    >"$WORK/same.csv"
run_bounded 10 "$TNMLAB" -e "local c = cohort.read_csv('$WORK/same.csv') local n = c:columns()
    print(#n, n[1], n[2], n[5000], c:column('x.4999')[1])"
check_rc same_lua 0
check_eq same_lua_names "5000	x	x.1	x.4999	5000" "$OUT"
check_rss same_lua_rss 50

finish
