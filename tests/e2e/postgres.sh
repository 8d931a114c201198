#!/bin/sh
# postgres.sh - cohorts from a real PostgreSQL server, started here: initdb
# into a temporary folder, a private port on a private socket folder, stopped
# at the end.  The NCCTG data, copied in by psql (not by tnmlab) as a typed
# table (NA as NULL), and TCGA as text columns, load as the same cohorts as
# from their CSV files, with R's Kaplan-Meier figures; a password given in
# the connection string never reaches the history, the session file or an
# export's provenance; bad input gets a message naming the server.
. "$(dirname "$0")/lib.sh"

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] || skip "PostgreSQL server binaries not installed (apt-get install postgresql)"
command -v psql >/dev/null 2>&1 || skip "psql not installed"

# the server refuses to run as root: run it as the postgres user then
AS=""
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || skip "running as root and there is no postgres user"
    AS="runuser -u postgres --"
fi
chmod 755 "$WORK"
PGD="$WORK/pgdata"; SOCK="$WORK/pgsock"; PGLOG="$SOCK/server.log"
mkdir -p "$PGD" "$SOCK"
[ -n "$AS" ] && chown postgres "$PGD" "$SOCK"
PORT=$((20000 + $$ % 20000))
$AS "$BIN/initdb" -D "$PGD" -A trust -U tnm >"$WORK/initdb.log" 2>&1 ||
    { cat "$WORK/initdb.log"; fail "initdb"; finish; exit 1; }
$AS "$BIN/pg_ctl" -D "$PGD" -l "$PGLOG" -w -t 30 \
    -o "-p $PORT -k $SOCK -c listen_addresses=''" start >/dev/null 2>&1 ||
    { cat "$PGLOG"; fail "pg_ctl start"; finish; exit 1; }
stop_pg() { $AS "$BIN/pg_ctl" -D "$PGD" -m immediate stop >/dev/null 2>&1 || true; }
trap 'stop_pg; rm -rf "$WORK"' EXIT

NC="$TNMLAB_DATA/ncctg_lung.csv"
TC="$TNMLAB_DATA/tcga_luad_lusc_clinical.csv"
PSQL="psql -q -h $SOCK -p $PORT -U tnm -d postgres -v ON_ERROR_STOP=1"
$PSQL -c 'CREATE TABLE lung (inst int, time int, status int, age int, sex int,
    "ph.ecog" int, "ph.karno" int, "pat.karno" int, "meal.cal" int, "wt.loss" int)' \
    -c "\\copy lung FROM '$NC' WITH (FORMAT csv, HEADER true, NULL 'NA')" ||
    { fail "psql: loading NCCTG"; finish; exit 1; }
cols=$(head -n 1 "$TC" | tr -d '\r' | sed 's/"//g; s/,/" text, "/g; s/^/"/; s/$/" text/')
$PSQL -c "CREATE TABLE tcga ($cols)" -c "\\copy tcga FROM '$TC' WITH (FORMAT csv, HEADER true)" ||
    { fail "psql: loading TCGA"; finish; exit 1; }
URL="postgresql://tnm:s3cretpw@localhost:$PORT/postgres?host=$SOCK"

OUT=$("$TNMLAB" --no-restore -e "
dofile('$top_srcdir/tests/e2e/same_cohort.lua')
local map = {os_time = 'time', os_event = 'status', ecog = 'ph.ecog'}
local a = cohort.read_csv('$NC', {map = map})
local b = cohort.read_pg('$URL', 'lung', {map = map})
same(a, b, 'ncctg')
local f = survival.km(b, 'os_time', 'os_event', {by = 'sex', unit = 'days'})
print('km', f.strata[1].n, f.strata[1].median, f.strata[2].median, f:at({365.25})[1][1].surv)
local tmap = {os_time = 'OS.time', os_event = 'OS'}
same(cohort.read_csv('$TC', {map = tmap}), cohort.read_pg('$URL', 'tcga', {map = tmap}), 'tcga')
print('where', #cohort.read_pg('$URL', 'SELECT * FROM lung WHERE sex = 2;'))
print(pcall(cohort.read_pg, '$URL', 'patients'))
print(pcall(cohort.read_pg, '$URL', 'DELETE FROM lung'))
print(pcall(cohort.read_pg, 'postgresql://tnm:s3cretpw@localhost:1/postgres?host=$SOCK', 'lung'))
print('rows left', #cohort.read_pg('$URL', 'lung'))
" 2>&1)
check_has "NCCTG from PostgreSQL is the CSV's cohort" "same	ncctg	228	10" "$OUT"
check_has "TCGA from PostgreSQL is the CSV's cohort" "same	tcga	" "$OUT"
check_lacks "no column differs" "differ" "$OUT"
check_has "KM as R's survfit (n 138, medians 270 and 426 days, S(365) 0.3361)" "km	138	270	426	0.33608783" "$OUT"
check_has "a query selects rows (R: 90 women)" "where	90" "$OUT"
check_has "no such table names the server" "postgresql /" "$OUT"
check_has "no such table" 'relation "patients" does not exist' "$OUT"
check_has "a statement that writes is refused" "load cohort reads a table or a SELECT query, not 'DELETE FROM lung'" "$OUT"
check_has "the refused DELETE changed nothing" "rows left	228" "$OUT"
check_has "a server that is not there" "cannot connect" "$OUT"
check_lacks "the password is in no message" "s3cretpw" "$OUT"

# the awkward values: booleans (t/f on the wire), text with a comma, a quote
# and a newline, an empty text against NULL, a text that looks like a number
# (text still: quoted), numeric and float; as the CSV reader reads them
$PSQL -c "CREATE TABLE odd (id int, flag boolean, note text, code text, x numeric, y float8)" \
    -c "INSERT INTO odd VALUES (1, true, 'a, \"b\"' || chr(10) || 'c', '007', 1.5, 2.25),
        (2, false, '', NULL, NULL, -1e-3), (3, NULL, NULL, 'x', 3, 4)" ||
    fail "psql: the odd table"
OUT=$("$TNMLAB" --no-restore -e "
local c = cohort.read_pg('$URL', 'odd')
local f, n, k = c:column('flag'), c:column('note'), c:column('code')
print('flag', type(f[1]), f[1], f[2], f[3])
print('note', n[1] == 'a, \"b\"\nc', n[2], n[3])
print('code', k[1], k[2], k[3])
print('num', c:column('x')[1], c:column('x')[2], c:column('y')[2])" 2>&1)
check_has "booleans are booleans" "flag	boolean	true	false	nil" "$OUT"
check_has "a comma, a quote and a newline in a text" "note	true	nil	nil" "$OUT"
check_has "a text column keeps its text (a code 007 beside x)" "code	007	nil	x" "$OUT"
check_has "numeric and float" "num	1.5	nil	-0.001" "$OUT"

# the REPL: history, session file and provenance keep no password
ST="$WORK/st"
OUT=$(printf '%s\n' "load cohort $URL lung days os_time=time os_event=status" \
    "export table $WORK/out.csv" "save $WORK/session.tnm" | XDG_STATE_HOME="$ST" "$TNMLAB" --plain --no-restore 2>&1)
check_has "load cohort postgresql://..." "patients" "$OUT"
check_lacks "the password is not echoed" "s3cretpw" "$OUT"
check_has "provenance names the server and the query's hash" "cohort_source: postgresql postgresql://tnm@localhost:$PORT/postgres?host=$SOCK, query sha256 " "$(cat "$WORK/out.csv")"
check_lacks "no password in the provenance" "s3cretpw" "$(cat "$WORK/out.csv")"
check_lacks "no password in the session file" "s3cretpw" "$(cat "$WORK/session.tnm")"
check_lacks "no password in the autosave or history" "s3cretpw" "$(cat "$ST"/tnmlab/* 2>/dev/null)"
finish
