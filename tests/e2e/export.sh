# export.sh - `export plot/table` and lab.sweep end to end on the NCCTG lung
# data (tests/fixtures/lab/sex.lua selects sex == 2): figures checked against
# R's survival package (tests/fixtures/r/lung_reference.tsv, in days; the
# exports are in months = days * 12 / 365.25), the SVG rendered to PNG by
# rsvg-convert, bad paths and params refused before any work.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

data="$top_srcdir/data/ncctg_lung.csv"
rules="$top_srcdir/tests/fixtures/lab/sex.lua"
out=$(printf '%s\n' \
    "load cohort $data days os_time=time os_event=status" \
    "load rules $rules" \
    "export table $WORK/outcome.csv" \
    "export table $WORK/attrition.csv attrition" \
    "export table $WORK/outcome.json" \
    "export table $WORK/outcome.md" \
    "export plot $WORK/km.svg os ci" \
    "export table /nonexistent/folder/x.csv" \
    "export plot $WORK/km.gif" \
    "export table $WORK/both.csv all" | "$TNMLAB" --plain 2>&1)

check_has "writes the CSV" "wrote $WORK/outcome.csv" "$out"
# R survfit(~sex): women (sex 2) n 90, 53 events, median 426 days (348-550)
# = 13.9958932238 (11.4332648871-18.0698151951) months.
check_has "women's row as R" "OS,selected,90,53,13.9958932238,11.4332648871,18.0698151951," \
    "$(cat "$WORK/outcome.csv")"
# summary(fit, times = 365)$surv for sex 2: 0.526463030186; survdiff p
# 0.00131116452036 (R prints 0.001311); coxph HR 0.588002818564.
check_has "1-year survival as R" ",0.526463030186,0.421486340829,0.657585537902," "$(cat "$WORK/outcome.csv")"
check_has "log-rank p as R, and as R prints it" ",0.00131116452036,0.001311,0.588002818564," \
    "$(cat "$WORK/outcome.csv")"
check_has "CSV provenance: rule set" "# rule_set: by_sex" "$(cat "$WORK/outcome.csv")"
hash=$(sha256sum "$rules" | cut -d' ' -f1)
check_has "CSV provenance: the rule file's sha256sum" "sex.lua sha256=$hash" "$(cat "$WORK/outcome.csv")"
check_has "attrition: 90 of 228 pass" "sex,228,90,138,0,FALSE,90" "$(cat "$WORK/attrition.csv")"
check_has "JSON provenance" '"rule_set": "by_sex"' "$(cat "$WORK/outcome.json")"
check_has "Markdown row, rounded" "| OS | selected | 90 | 53 | 14.0 (11.4-18.1) |" "$(cat "$WORK/outcome.md")"
if command -v Rscript >/dev/null; then
    # R reads the CSV past its provenance lines, as the man page says.
    r=$(Rscript -e "d <- read.csv('$WORK/outcome.csv', comment.char = '#'); cat(nrow(d), d\$median[d\$group == 'selected'] * 365.25 / 12)" 2>&1)
    check_eq "R reads the CSV: 2 rows, median 426 days" "2 426" "$r"
fi
check_has "unwritable path named" "cannot write /nonexistent/folder/x.csv: No such file or directory" "$out"
check_has "plot wants .svg" "plots are written as .svg" "$out"
check_has "one table per CSV" "a CSV file holds one table" "$out"
check_eq "no temporary files left" "" "$(ls "$WORK" | grep tmp- || true)"
check_eq "nothing written for the refused commands" "no" "$([ -e "$WORK/km.gif" ] || [ -e "$WORK/both.csv" ] && echo yes || echo no)"

svg=$(cat "$WORK/km.svg")
check_has "SVG: two curves" 'class="km"' "$svg"
check_has "SVG: legend" ">selected (n = 90)</text>" "$svg"
check_has "SVG: number at risk" ">Number at risk</text>" "$svg"
check_has "SVG: provenance" '<metadata id="provenance">' "$svg"
if command -v rsvg-convert >/dev/null; then
    rsvg-convert -o "$WORK/km.png" "$WORK/km.svg" 2>"$WORK/rsvg.err"
    check_eq "rsvg-convert renders it" "" "$(cat "$WORK/rsvg.err")"
    # PNG signature, then IHDR width (bytes 17-20, big-endian): 960 px.
    check_eq "a PNG 960 px wide" "89504e47 000003c0" \
        "$(od -An -tx1 -N4 "$WORK/km.png" | tr -d ' \n') $(od -An -tx1 -j16 -N4 "$WORK/km.png" | tr -d ' \n')"
    cp "$WORK/km.png" "${top_builddir:-.}/tests/export_km.png" 2>/dev/null || true
else
    echo "note: rsvg-convert missing (apt-get install librsvg2-bin): render check not run"
fi

# lab.sweep: rows as R, the session's rules untouched, bad input refused
# before any work, script errors as file:line.
cat >"$WORK/sweep.lua" <<LUA
lab.run("load cohort $data days os_time=time os_event=status")
lab.run("load rules $rules")
local before = rules.version()
local rows = lab.sweep{grid = {sex_code = {1, 2}}, out = {"$WORK/s.csv", "$WORK/s.json", "$WORK/s.md"}}
print(string.format("rows %d; women %d median %.10g; men %d; version %d -> %d",
  #rows, rows[2].selected, rows[2].os_median, rows[1].selected, before, rules.version()))
print(tostring(rows))
local ok, err = pcall(lab.sweep, {grid = {max_nope = {1, 2}}, out = "$WORK/never.csv"})
print("unknown param:", ok, err)
ok, err = pcall(lab.sweep, {grid = {sex_code = {1, 2}}, out = "/nonexistent/s.csv"})
print("bad path:", ok, err)
LUA
out=$("$TNMLAB" "$WORK/sweep.lua" 2>&1)
check_has "sweep rows as R (426 days = 13.99589322 months)" "rows 2; women 90 median 13.99589322; men 138" "$out"
v=$(printf '%s\n' "$out" | sed -n 's/.*version \([0-9]*\) -> \([0-9]*\)$/\1 \2/p')
check_eq "sweep leaves no version behind" "$(echo "$v" | cut -d' ' -f1)" "$(echo "$v" | cut -d' ' -f2)"
check_has "aligned table" "14.0 (11.4-18.1)" "$out"
check_has "unknown param refused" "rule set 'by_sex' has no param 'max_nope'" "$out"
check_eq "nothing written for it" "no" "$([ -e "$WORK/never.csv" ] && echo yes || echo no)"
check_has "bad path refused" "cannot write /nonexistent/s.csv" "$out"
check_has "sweep CSV: a line per endpoint and group" "by_sex,2,228,90,OS,selected,90,53,13.9958932238," "$(cat "$WORK/s.csv")"
check_has "sweep CSV: the men beside the women (R: median 270 days)" "by_sex,2,228,90,OS,not selected,138,112,8.87063655031," "$(cat "$WORK/s.csv")"
check_has "sweep JSON" '"median": 13.9958932238' "$(cat "$WORK/s.json")"
check_has "sweep Markdown" "| by_sex | 2 | 90 |" "$(cat "$WORK/s.md")"

printf 'lab.sweep{grid = {max_nope = {1}}}\n' >"$WORK/bad.lua"
"$TNMLAB" "$WORK/bad.lua" >"$WORK/bad.out" 2>&1
check_eq "a script error exits 1" "1" "$?"
check_has "with file:line: message" "bad.lua:1: sweep: rule set 'deruysscher2012' has no param 'max_nope'" "$(cat "$WORK/bad.out")"
# Provenance names the scenario and seed of a simulated cohort, however it
# was made (the command, or Lua in a script), and none for a file.
printf '%s\n' \
    'lab.run("simulate stage_iv 300 7")' \
    "lab.run('export table $WORK/sim7.json')" \
    'local simulate = cohort.simulate; cohort.simulate = nil' \
    "lab.run('simulate stage_iv 200 11')" \
    "lab.run('export table $WORK/sim11.json')" >"$WORK/sim.lua"
printf 'lab.set_cohort(simulate("stage_iv", {n = 250, seed = 9}), "mine")\n' >>"$WORK/sim.lua"
printf '%s\n' "lab.run('export table $WORK/sim9.json')" \
    "lab.run('load cohort $data days os_time=time os_event=status')" \
    "lab.run('export table $WORK/file.json')" >>"$WORK/sim.lua"
"$TNMLAB" "$WORK/sim.lua" >"$WORK/sim.out" 2>&1
check_eq "the provenance script runs" "0" "$?"
check_has "simulate: scenario" '"scenario": "stage_iv"' "$(cat "$WORK/sim7.json")"
check_has "simulate: seed 7" '"seed": 7' "$(cat "$WORK/sim7.json")"
check_has "simulate with cohort.simulate replaced: seed 11" '"seed": 11' "$(cat "$WORK/sim11.json")"
check_has "made in Lua: seed 9" '"seed": 9' "$(cat "$WORK/sim9.json")"
check_has "read from a file: no scenario" '"scenario": null' "$(cat "$WORK/file.json")"
# A sweep over a param only some of its rule sets have: the others run once,
# the param left empty, and the sweep says so; every set's fixed params are
# in the header.
OUT=$("$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo')
  local rows = lab.sweep{sets = {'deruysscher2012', 'gomez2016'},
    grid = {nodes_count = {true, false}}, out = '$WORK/part.csv'}
  print('rows', #rows, rows[1].nodes_count, rows[2].nodes_count, rows[3].nodes_count)
  local n = 0
  for _, l in ipairs(rows.long) do if l.endpoint == 'PFS' then n = n + 1 end end
  print('pfs lines', n)" 2>&1)
check_has "the set without the param is said so" "sweep: deruysscher2012 has no param nodes_count: its rows leave it empty" "$OUT"
check_has "one row for it, two for the set that has it" "rows	3	nil	true	false" "$OUT"
check_has "rows.long: a PFS line per arm" "pfs lines	6" "$OUT"
check_has "its lines leave the param NA" "deruysscher2012,NA,2000," "$(cat "$WORK/part.csv")"
check_has "the header names each set's params" "# params: deruysscher2012.max_lesions=4 deruysscher2012.max_ecog=2 deruysscher2012.need_treatable=true gomez2016.max_lesions=3" "$(cat "$WORK/part.csv")"
check_has "and the note the skipped pair" "deruysscher2012 has no param nodes_count (its rows leave it empty)" "$(cat "$WORK/part.csv")"
OUT=$("$TNMLAB" --no-restore -e "lab.set_cohort(cohort.demo(), 'demo')
  lab.sweep{sets = {'deruysscher2012', 'gomez2016'}, grid = {nodes_countt = {true}}}" 2>&1)
check_has "a param no set has is refused" "none of the 2 rule sets has a param 'nodes_countt'" "$OUT"
finish
