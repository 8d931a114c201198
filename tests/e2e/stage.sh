#!/bin/sh
# stage.sh - staging inside selection, from the command line: `edition`
# makes a rule version (undo goes back), a stage-based rule set, and
# `migrate`, the 8th -> 9th stage table, on records whose stages were worked
# out by hand from the published grids (doc/domain.md, TNM 8th and 9th
# edition stage groups; the same records as tests/unit/test_staging.c):
#   row  T (size)  N (stations, side R)  M         8th    9th
#   1    T1c 2.5   N0                    M0        IA3    IA3
#   2    T1a 0.8   N1 (10R)              M0        IIB    IIA
#   3    T1b 1.5   N2 (4R), one station  M0        IIIA   IIB
#   4    T3  6.2   N2 (4R)               M0        IIIB   IIIA
#   5    T1c 2.5   N2 (4R)               M1b       IVA    IVA
#   6    T2a 3.5   N0 (side L)           M1c       IVB    IVB
#   7    T2b 4.5   N2 (4R;7), two        M0        IIIA   IIIB
#   8    T1c 2.5   N3 (4L)               M0        IIIB   IIIB
# So 4 of 8 change group: IIB->IIA, IIIA->IIB, IIIB->IIIA, IIIA->IIIB.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/grid.csv" <<'CSV'
id,t_size_cm,t_invasion,t_nodules,n_stations,side,m_sites,m_pleural_effusion,os_time,os_event
1,2.5,none,none,none,R,none,false,60,0
2,0.8,none,none,10R,R,none,false,50,1
3,1.5,none,none,4R,R,none,false,40,1
4,6.2,none,none,4R,R,none,false,30,1
5,2.5,none,none,4R,R,brain:1,false,12,1
6,3.5,none,none,none,L,brain:2;bone:1,false,8,1
7,4.5,none,none,4R;7,R,none,false,20,1
8,2.5,none,none,4L,R,none,false,25,1
CSV
cat >"$WORK/stage3.lua" <<'LUA'
ruleset "stage3" {
  doc = "stage III by the session's edition",
  criterion { "iii", "stage III", [[within(stage, "III")]] },
}
LUA

OUT=$("$TNMLAB" --cohort "$WORK/grid.csv" --rules "$WORK/stage3.lua" -e '
lab.run("use stage3")
print("n8", rules.eval("stage3", lab.cohort()).selected)
print(lab.run("edition 9"))
print("n9", rules.eval("stage3", lab.cohort()).selected, rules.version())
print("fresh9", rules.eval("stage3", cohort.read_csv("'"$WORK"'/grid.csv")).selected)
lab.run("undo")
print("back", rules.eval("stage3", lab.cohort()).selected)
print(lab.run("edition"))
print(lab.run("migrate"))' 2>&1)
# stage III: 8th rows 3, 4, 7, 8; 9th rows 4, 7, 8
check_has "8th edition: four in stage III" "n8	4" "$OUT"
check_has "edition 9 says what it does" "staging with the TNM 9th edition; every rule set" "$OUT"
check_has "9th edition: three (row 3 is IIB)" "n9	3" "$OUT"
check_has "a new evaluation after edition 9 stages with the 9th too" "fresh9	3" "$OUT"
check_has "undo goes back to the 8th" "back	4" "$OUT"
check_has "edition alone names the edition" "staging with the TNM 8th edition" "$OUT"
check_has "migrate: four change group" "(8 patients): 4 change stage group" "$OUT"
# the table's rows: 8th group, then counts in the 9th columns present:
# IA3 IIA IIB IIIA IIIB IVA IVB total
check_has "migrate: IIB -> IIA" "IIB          0    1    0     0     0    0    0      1" "$OUT"
check_has "migrate: IIIA -> IIB and IIIB" "IIIA         0    0    1     0     1    0    0      2" "$OUT"
check_has "migrate: IIIB -> IIIA and stays" "IIIB         0    0    0     1     1    0    0      2" "$OUT"

# a stage-based shipped rule set on the demo: the guideline's IVA/M1b
OUT=$("$TNMLAB" --no-restore -e 'lab.run("simulate stage_iv 2000 1"); lab.run("use s3_iva_m1b"); print(lab.run("show attrition"))' 2>&1)
check_has "s3_iva_m1b: stage IVA on the demo" "stage_iva" "$OUT"
check_has "s3_iva_m1b: M1b" "m1b" "$OUT"

# a misspelled site is unknown to staging and to the list functions alike
cat >"$WORK/brian.csv" <<'CSV'
id,m_sites,m_pleural_effusion,histology,ecog,m_all_treatable
1,brian:1,false,adenocarcinoma,0,true
2,brain:1,false,adenocarcinoma,0,true
3,brian:1;bone:1,false,adenocarcinoma,0,true
CSV
OUT=$("$TNMLAB" --cohort "$WORK/brian.csv" -e '
lab.run("use deruysscher2012")
local c = lab.cohort()
rules.eval("deruysscher2012", c)
for i = 1, 3 do
  for _, it in ipairs(rules.explain("deruysscher2012", c, i).items) do
    if it.name == "stage_iv" then print("row" .. i, it.result) end
  end
end
local r = tnm8.classify({ m_sites = "brian:1", m_pleural_effusion = false })
print("staging", r.m, r.reason)' 2>&1)
check_has "brian:1 is no lesion: stage IV unknown" "row1	unknown" "$OUT"
check_has "brain:1 is one" "row2	pass" "$OUT"
check_has "brian:1 beside bone:1 makes the cell unknown, not one lesion" "row3	unknown" "$OUT"
check_has "staging: unknown site, no M" "staging	nil	M: m_sites: unknown site 'brian'" "$OUT"

# m_sites against the count columns: row 3 says 1 lesion and 3, row 4 two
# organs and 1; the pleural nodule of row 2 is thoracic, not counted
cat >"$WORK/conflict.csv" <<'CSV'
id,m_sites,m_lesions,m_organs
1,brain:1,1,1
2,brain:2;pleura:1,2,1
3,bone:1,3,1
4,brain:1;bone:1,2,1
CSV
OUT=$(printf 'load cohort %s\n' "$WORK/conflict.csv" | "$TNMLAB" --plain --no-restore 2>&1)
check_has "contradictions between m_sites and the counts are reported" "2 rows where m_sites and m_lesions/m_organs disagree (first: row 3" "$OUT"

# ordered comparisons of staged codes, three-valued over candidates:
# row 1 T1c N0 M0 IA3; 2 T3 N2 M0 IIIB; 3 T1c N2 M1b IVA; 4 as 1 with the
# effusion unrecorded: M0 or M1a, IA3 or IVA; 5 no T data, N0 M1b: IVA
cat >"$WORK/ord.csv" <<'CSV'
id,t_size_cm,t_invasion,t_nodules,n_stations,side,m_sites,m_pleural_effusion
1,2.5,none,none,none,R,none,false
2,6.2,none,none,4R,R,none,false
3,2.5,none,none,4R,R,brain:1,false
4,2.5,none,none,none,R,none,
5,,,,none,R,brain:1,false
CSV
cat >"$WORK/ord.lua" <<'LUA'
ruleset "ord" {
  criterion { "iv", "stage >= IV", [[stage >= "IV"]] },
  criterion { "t3", "t >= T3", [[t >= "T3"]] },
  criterion { "lt", "stage < IIIA", [[stage < "IIIA"]] },
}
LUA
OUT=$("$TNMLAB" --cohort "$WORK/ord.csv" --rules "$WORK/ord.lua" -e '
local c = lab.cohort()
rules.eval("ord", c)
for i = 1, 5 do
  local o = {}
  for _, it in ipairs(rules.explain("ord", c, i).items) do
    if it.kind == "criterion" then o[#o + 1] = it.name .. "=" .. it.result end
  end
  print("ord" .. i, table.concat(o, " "))
end' 2>&1)
check_has "IA3: not IV, below T3, below IIIA" "ord1	iv=fail t3=fail lt=pass" "$OUT"
check_has "T3 N2 IIIB" "ord2	iv=fail t3=pass lt=fail" "$OUT"
check_has "IVA" "ord3	iv=pass t3=fail lt=fail" "$OUT"
check_has "IA3 or IVA: unknown where the candidates disagree" "ord4	iv=unknown t3=fail lt=unknown" "$OUT"
check_has "any T with M1b: IV known, T unknown" "ord5	iv=pass t3=unknown lt=fail" "$OUT"

# versions: the shipped rule sets are version 1, undo never unloads one,
# a param set to the value it has makes no version
OUT=$("$TNMLAB" --no-restore -e '
print("start", rules.version(), #rules.list())
print(lab.run("undo"))
lab.run("set max_lesions 4")
print("noop", rules.version())
lab.run("set max_lesions 3")
print("set", rules.version())
lab.run("undo")
print("undone", rules.version(), #rules.list())' 2>&1)
check_has "a fresh start is version 1 with the seven shipped sets" "start	1	7" "$OUT"
check_has "undo at the start has nothing to undo" "nothing to undo" "$OUT"
check_has "set to the current value: no version" "noop	1" "$OUT"
check_has "a real change: version 2" "set	2" "$OUT"
check_has "undo back to 1, all sets still there" "undone	1	7" "$OUT"

# the line REPL shows the change rows of the first change too
OUT=$(printf 'set max_lesions 2\n' | XDG_STATE_HOME="$WORK/state" "$TNMLAB" --plain --no-restore 2>&1)
check_has "--plain: the selected count's change" "%) [-" "$OUT"
check_has "--plain: change rows under the groups" "       change     " "$OUT"
check_has "--plain: against version 1" "change rows: against deruysscher2012 v1" "$OUT"

# versions per rule set: a change to one set does not number another's;
# the plot's title and its previous curves name the set and its version
OUT=$("$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo')
assert(lab.run('set max_lesions 2')); assert(lab.run('use eortc2019'))
print('eortc', rules.version(), lab.run('show rules'))
assert(lab.run('set max_lesions 3')); assert(lab.run('export plot $WORK/v.svg before'))" 2>&1)
check_has "another set starts at its own version 1" "eortc2019  (version 1)" "$OUT"
check_has "the SVG title: the set's own version" "<title>Overall survival: eortc2019 v2, " "$(cat "$WORK/v.svg")"
check_has "the previous curves name set and version" ">radical, eortc2019 v1<" "$(cat "$WORK/v.svg")"
OUT=$("$TNMLAB" --no-restore -e "assert(lab.run('set max_lesions 2')); assert(lab.run('use eortc2019'))
assert(lab.run('set max_organs 2')); lab.run('undo'); lab.run('undo')" 2>&1)
check_has "undo names the set's own version" "undid eortc2019.max_organs 3 -> 2 (now eortc2019 v1)" "$OUT"
check_has "and goes on to the other set's change" "undid deruysscher2012.max_lesions 4 -> 2 (now deruysscher2012 v1)" "$OUT"

# bad input
OUT=$("$TNMLAB" --no-restore -e 'print(lab.run("edition 7"))' 2>&1)
check_has "edition 7 is refused with the usage" "edition [8|9]" "$OUT"
finish
