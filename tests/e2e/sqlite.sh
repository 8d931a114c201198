#!/bin/sh
# sqlite.sh - cohorts from a SQLite database: the NCCTG and TCGA files,
# imported by the sqlite3 tool (not by tnmlab), load as the same cohorts
# as from their CSV files, with the same Kaplan-Meier and Cox figures; a
# typed table with NULLs reads NULL as missing; a query selects rows; bad
# input (no such table, a statement that writes, a BLOB, SQL errors) gets
# a message naming the file, and the session keeps its cohort.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 (the command-line tool) is not installed"
DB="$WORK/registry.db"
NC="$TNMLAB_DATA/ncctg_lung.csv"
TC="$TNMLAB_DATA/tcga_luad_lusc_clinical.csv"
sqlite3 "$DB" ".import --csv $NC lung" ".import --csv $TC tcga" \
    "CREATE TABLE lung_typed AS SELECT CAST(time AS INTEGER) AS time,
         CAST(status AS INTEGER) AS status, CAST(sex AS INTEGER) AS sex,
         CASE WHEN \"ph.ecog\" = 'NA' THEN NULL ELSE CAST(\"ph.ecog\" AS INTEGER) END AS ecog,
         CASE WHEN age > 70 THEN 'TRUE' ELSE 'FALSE' END AS old FROM lung" \
    "CREATE TABLE blobs(id INTEGER, b BLOB); INSERT INTO blobs VALUES (1, NULL), (2, x'00ff')"

# a database cut short: the header is there, the pages are not
head -c 1000 "$DB" >"$WORK/broken.db"
OUT=$("$TNMLAB" --no-restore -e "
dofile('$top_srcdir/tests/e2e/same_cohort.lua')
local map = {os_time = 'time', os_event = 'status', ecog = 'ph.ecog'}
local a = cohort.read_csv('$NC', {map = map})
local b = cohort.read_sqlite('$DB', 'lung', {map = map})
same(a, b, 'ncctg')
for _, c in ipairs({a, b}) do
  local f = survival.km(c, 'os_time', 'os_event', {by = 'sex', unit = 'days'})
  print('km', f.strata[1].n, f.strata[1].median, f.strata[2].median,
        f:at({365.25})[1][1].surv)
  print('cox', survival.cox(c, 'os_time', 'os_event', {'sex', 'age'}).hr.sex)
end
local tmap = {os_time = 'OS.time', os_event = 'OS'}
same(cohort.read_csv('$TC', {map = tmap}), cohort.read_sqlite('$DB', 'tcga', {map = tmap}), 'tcga')
local t = cohort.read_sqlite('$DB', 'lung_typed')
local e = t:column('ecog')
print('typed', #t, e[14] == nil or e[14] ~= e[14], t:column('old')[1], type(t:column('old')[1]))
print('where', #cohort.read_sqlite('$DB', [[SELECT * FROM lung WHERE sex = '2']]))
print(pcall(cohort.read_sqlite, '$DB', 'patients'))
print(pcall(cohort.read_sqlite, '$DB', 'DROP TABLE lung'))
print(pcall(cohort.read_sqlite, '$DB', 'blobs'))
print(pcall(cohort.read_sqlite, '$NC', 'lung'))
print(pcall(cohort.read_sqlite, '$DB', 'SELECT 1; SELECT 2'))
print(pcall(cohort.read_sqlite, '$WORK/broken.db', 'lung'))
" 2>&1)
check_has "NCCTG from SQLite is the CSV's cohort" "same	ncctg	228	10" "$OUT"
check_has "TCGA from SQLite is the CSV's cohort" "same	tcga	" "$OUT"
check_lacks "no column differs" "differ" "$OUT"
# R (survfit(Surv(time, status) ~ sex, lung)): n 138 and 90, medians 270
# and 426 days, S(365) for sex 1 0.3361 (0.336087835 in summary's table)
check_eq "the same KM from CSV and SQLite" "1" "$(printf '%s\n' "$OUT" | grep '^km' | sort -u | wc -l)"
check_has "KM as R's survfit" "km	138	270	426	0.33608783" "$OUT"
check_eq "the same Cox HR from CSV and SQLite" "1" "$(printf '%s\n' "$OUT" | grep '^cox' | sort -u | wc -l)"
check_has "NULL is missing (row 14: ph.ecog NA), TRUE/FALSE text a condition" "typed	228	true	true	boolean" "$OUT"
check_has "a query selects rows (R: table(lung\$sex) 138 / 90)" "where	90" "$OUT"
check_has "no such table names the tables there are" "no table or view 'patients' (it has: blobs, lung, lung_typed, tcga)" "$OUT"
check_has "a statement that writes is refused" "load cohort only reads; this statement writes" "$OUT"
check_has "a BLOB names row and column" "row 2, column 'b' holds a BLOB" "$OUT"
check_has "a CSV file is not a database" "not a SQLite database" "$OUT"
check_has "one statement only" "one statement only" "$OUT"
check_has "a database cut short names the file" "false	$WORK/broken.db: " "$OUT"

# c:write_sqlite: the cohort as a table, read back by the sqlite3 tool and
# by tnmlab; an existing table or a file that is not a database is refused
OUT=$("$TNMLAB" --no-restore -e "
dofile('$top_srcdir/tests/e2e/same_cohort.lua')
local a = cohort.read_csv('$NC')
a:write_sqlite('$WORK/out.db', 'lung')
same(a, cohort.read_sqlite('$WORK/out.db', 'lung'), 'written')
print(pcall(a.write_sqlite, a, '$WORK/out.db', 'lung'))
print(a:write_sqlite('$WORK/out.db', 'lung', {replace = true}))
print(pcall(a.write_sqlite, a, '$NC', 'lung'))
print(pcall(a.write_sqlite, a, '$WORK/out.db', 'no such; name'))
" 2>&1)
check_has "written and read back: the same cohort" "same	written	228	10" "$OUT"
check_eq "the sqlite3 tool reads it: rows, NULL for NA" "228|1" "$(sqlite3 "$WORK/out.db" 'SELECT count(*), sum("ph.ecog" IS NULL) FROM lung')"
check_has "an existing table is refused" "has a table 'lung' already (replace = true replaces it)" "$OUT"
check_has "replace = true replaces it" "true" "$OUT"
check_has "a CSV file is not overwritten" "exists and is not a SQLite database; not overwritten" "$OUT"
check_has "a table name is checked" "is not a table name" "$OUT"

# the REPL: load by table or query, the map and unit words as for CSV; a
# failed load keeps the cohort the session had
OUT=$(printf '%s\n' "load cohort $DB lung days os_time=time os_event=status ecog=ph.ecog" \
    "load cohort $DB \"SELECT * FROM lung WHERE\"" "load cohort $DB" "load cohort $DB lung sep=;" \
    "km sex" | XDG_STATE_HOME="$WORK/st" "$TNMLAB" --plain --no-restore 2>&1)
check_has "load cohort DB TABLE" "loaded $DB: 228 patients" "$OUT"
check_has "an SQL error names the file" "$DB: SQL: incomplete input" "$OUT"
check_has "a database needs a table or a query" "is a SQLite database: name a table or give a query" "$OUT"
check_has "sep= is for text files" "sep=; is for text files" "$OUT"
check_has "after the failed loads the NCCTG cohort is still there" "OS and PFS by sex on registry.db" "$OUT"
# export table FILE.db: the outcome and the attrition as tables of a SQLite
# database, with the provenance beside them; the women's row is R's
# survfit(Surv(time, status) ~ sex) stratum 2 (90 patients, 53 deaths,
# median 426 days); export cohort FILE.db writes the cohort itself
cp "$NC" "$WORK/fake.db"
OUT=$(XDG_STATE_HOME="$WORK/st" "$TNMLAB" --cohort "$NC" --map days --map os_time=time \
    --map os_event=status --rules "$top_srcdir/tests/fixtures/lab/sex.lua" -e "
print(lab.run('export table $WORK/res.db'))
print(lab.run('export cohort $WORK/res.db ncctg'))
print(lab.run('export cohort $WORK/res.json'))
print(lab.run('export table $WORK/fake.db'))" 2>&1)
check_eq "the tables" "attrition ncctg outcome provenance" "$(sqlite3 "$WORK/res.db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)")"
check_eq "the women's OS row as R" "90|53|426.0" "$(sqlite3 "$WORK/res.db" "SELECT n, events, round(median * 365.25 / 12, 6) FROM outcome WHERE endpoint = 'OS' AND \"group\" = 'selected'")"
check_eq "counts are INTEGER" "integer" "$(sqlite3 "$WORK/res.db" "SELECT typeof(n) FROM outcome LIMIT 1")"
check_eq "attrition: the criterion's step" "sex|228|90" "$(sqlite3 "$WORK/res.db" "SELECT step, before, after FROM attrition WHERE step = 'sex'")"
check_eq "provenance: the rule set" "by_sex" "$(sqlite3 "$WORK/res.db" "SELECT value FROM provenance WHERE key = 'rule_set'")"
check_eq "export cohort: every patient" "228" "$(sqlite3 "$WORK/res.db" "SELECT count(*) FROM ncctg")"
check_has "a cohort is CSV or SQLite" "a cohort is written as .csv, or as a table of a SQLite .db" "$OUT"
check_has "a CSV file named .db is no database" "fake.db: exists and is not a SQLite database; not overwritten" "$OUT"
cmp -s "$NC" "$WORK/fake.db" && pass || fail "the file named .db was changed"
finish
