#!/bin/sh
# csvload.sh - `load cohort` reads the separator and decimal mark off the
# file (a semicolon file with decimal commas, as spreadsheets in much of
# Europe write it), says so, and takes sep= and decimal= when told.
. "$(dirname "$0")/lib.sh"

printf 'id;os_time;os_event;ecog\n1;12,5;1;0\n2;3;0;1\n3;7,25;1;\n' >"$WORK/semi.csv"
printf 'id\tos_time\tos_event\n1\t4.5\t1\n2\t8\t0\n' >"$WORK/tab.tsv"
OUT=$(printf 'load cohort %s\n' "$WORK/semi.csv" |
    XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "semicolons and decimal commas detected, and said" "read with separator ';' and decimal mark ','" "$OUT"
check_has "the file loads" "loaded $WORK/semi.csv: 3 patients" "$OUT"

OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --no-restore -e "
lab.run('load cohort $WORK/semi.csv')
local t = lab.cohort():column('os_time')
print('times', t[1], t[2], t[3])
lab.run('load cohort $WORK/tab.tsv')
print('tab', lab.cohort():column('os_time')[1])
print(lab.run('load cohort $WORK/semi.csv sep=x,'))
print(lab.run('load cohort $WORK/semi.csv sep=, decimal=,'))" 2>&1)
check_has "12,5 and 7,25 read as numbers" "times	12.5	3	7.25" "$OUT"
check_has "a tab-separated file" "tab	4.5" "$OUT"
check_has "sep= wants one character" "sep=x, wants one character" "$OUT"
check_has "separator and decimal mark must differ" "the separator and the decimal mark are both ','" "$OUT"
# a number column read as text names the row and the value
OUT=$(printf 'load cohort %s sep=; decimal=.\n' "$WORK/semi.csv" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "the row and the value, and what to do" "time column 'os_time' is not numeric: row 1 holds '12,5' (a decimal comma? load the file with decimal=,)" "$OUT"
# booleans written as words: yes/no (any case) read as conditions, as the
# staging module reads them; a blank is unknown
cat >"$WORK/yn.csv" <<'CSV'
id,histology,ecog,m_sites,m_pleural_effusion,m_all_treatable
1,adenocarcinoma,0,brain:1,no,yes
2,adenocarcinoma,0,brain:1,Yes,yes
3,adenocarcinoma,0,brain:1,no,No
4,adenocarcinoma,0,brain:1,,yes
CSV
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$WORK/yn.csv" -e '
lab.run("use deruysscher2012")
local c = lab.cohort()
rules.eval("deruysscher2012", c)
local s = rules.selected("deruysscher2012", c)
for i = 1, 4 do
  local o = {}
  for _, it in ipairs(rules.explain("deruysscher2012", c, i).items) do
    if it.kind == "criterion" and it.result ~= "pass" then o[#o + 1] = it.name .. "=" .. it.result end
  end
  print("yn" .. i, s[i], table.concat(o, " "))
end' 2>&1)
check_has "no effusion, treatable: selected" "yn1	true	" "$OUT"
check_has "Yes: an effusion" "yn2	false	no_pleural=fail" "$OUT"
check_has "No: not treatable" "yn3	false	treatable=fail" "$OUT"
check_has "blank: unknown" "yn4	false	no_pleural=unknown" "$OUT"

# an event column of words names the row and the value
printf 'id,os_time,os_event\n1,3,dead\n2,5,alive\n' >"$WORK/ev.csv"
OUT=$(printf 'load cohort %s\n' "$WORK/ev.csv" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "event words: the row and the value" "event column 'os_event' is text: row 1 holds 'dead'; it must be 0/1, TRUE/FALSE or 1/2" "$OUT"

# events coded 1/2 (the NCCTG lung data: status 1 = censored, 2 = dead, as
# R's survival::lung documents it) are announced
D=${TNMLAB_DATA:-$top_srcdir/data}
OUT=$(printf 'load cohort %s days os_time=time os_event=status\n' "$D/ncctg_lung.csv" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "1/2 event coding is said" "os_event is coded 1/2 (its largest value is 2): read as 1 = censored, 2 = event" "$OUT"
# --cohort takes the same words as load cohort, through --map
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$D/ncctg_lung.csv" --map days --map os_time=time \
    --map os_event=status --map ecog=ph.ecog -e 'print("ncctg", #lab.cohort(), lab.cohort():column("ecog")[1])' 2>&1)
check_has "--cohort with --map: mapped and converted" "ncctg	228	1" "$OUT"
OUT=$("$TNMLAB" --map days -e '1' 2>&1)
check_eq "--map without --cohort: usage error" 2 $?
check_has "says why" "--map goes with --cohort FILE.csv" "$OUT"
# recode: other spellings read as the dictionary's values, typed again
# afterwards (a word event column becomes 0/1), in Lua, at the prompt (the
# word quoted when it has spaces), through --map, and from SQLite; a value
# no row holds and a column that is not there are refused, naming them.
printf 'id,stage,vital,months\n1,Stage IV,dead,3.5\n2,Stage IVA,alive,10\n3,Stage IV,dead,7\n4,unknown,alive,2\n' >"$WORK/rc.csv"
OUT=$("$TNMLAB" --no-restore -e "
local c = cohort.read_csv('$WORK/rc.csv', {map = {os_time = 'months', os_event = 'vital'},
  recode = {stage = {['Stage IV'] = 'IV', ['Stage IVA'] = 'IVA', unknown = 'NA'}, os_event = {dead = 1, alive = 0}}})
print('lua', c:column('stage')[1], c:column('stage')[2], c:column('stage')[4], math.type(c:column('os_event')[1]), c:column('os_event')[2])
local k = survival.km(c, 'os_time', 'os_event')
print('km', k.strata[1].events, k.strata[1].median)
print(pcall(cohort.read_csv, '$WORK/rc.csv', {recode = {stage = {['Stage 4'] = 'IV'}}}))
print(pcall(cohort.read_csv, '$WORK/rc.csv', {recode = {nope = {a = 'b'}}}))" 2>&1)
check_has "recoded text and a word event column as 0/1" "lua	IV	IVA	nil	integer	0" "$OUT"
# R: survfit(Surv(c(3.5, 10, 7, 2), c(1, 0, 1, 0)) ~ 1): 2 events, median 7
check_has "the recoded events count as R's" "km	2	7" "$OUT"
check_has "a value no row holds" "recode: column 'stage' holds no value 'Stage 4'" "$OUT"
check_has "a column that is not there" "recode: no column 'nope' (after the map)" "$OUT"
OUT=$(printf '%s\n' "load cohort $WORK/rc.csv os_time=months os_event=vital \"recode:stage:Stage IV=IV\" recode:os_event:dead=1 recode:os_event:alive=0" \
    'print(lab.cohort():column("stage")[1], lab.cohort():column("os_event")[3])' "load cohort $WORK/rc.csv recode:stage=IV" \
    | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "load cohort recode:COLUMN:FROM=TO" "IV	1" "$OUT"
check_has "a malformed recode word" "'recode:stage=IV' wants recode:COLUMN:FROM=TO" "$OUT"
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$WORK/rc.csv" --map os_time=months --map os_event=vital \
    --map recode:os_event:dead=1 --map recode:os_event:alive=0 -e 'print("events", lab.cohort():column("os_event")[1])' 2>&1)
check_has "--cohort --map recode:..." "events	1" "$OUT"
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$WORK/rc.db" "CREATE TABLE p(id INTEGER, vital TEXT, months REAL); INSERT INTO p VALUES (1, 'dead', 3.5), (2, 'alive', 10);"
    OUT=$("$TNMLAB" --no-restore -e "local c = cohort.read_sqlite('$WORK/rc.db', 'p', {recode = {vital = {dead = 1, alive = 0}}})
print('sqlite', c:column('vital')[1], c:column('vital')[2])" 2>&1)
    check_has "recode from SQLite" "sqlite	1	0" "$OUT"
fi
check_has "an event column of words says how to recode it" "recode:os_event:dead=1" \
    "$(printf 'load cohort %s\n' "$WORK/ev.csv" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)"
finish
