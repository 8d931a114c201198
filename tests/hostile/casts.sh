# casts.sh - numbers far out of range (1e300, 1.8e308, Inf, negative counts)
# where tnmlab turns a double into an integer: each input path is refused
# with a message or handled in range, never an out-of-range float-to-int
# cast (the sanitizer build checks float-cast-overflow and aborts on one).
. "${top_srcdir:-.}/tests/hostile/lib.sh"

# no_ub NAME: the last run_bounded tripped no sanitizer.
no_ub() {
    check_lacks "$1: no sanitizer report" "runtime error" "$ERR"
    check_lacks "$1: no ASan report" "ERROR: AddressSanitizer" "$ERR"
}

# --- survival.format_p: an infinite p is "Inf", as R's format.pval says ---
run_bounded 20 "$TNMLAB" -e 'print(survival.format_p(1/0)); print(survival.format_p(1e300))'
check_rc "format_p(Inf)" 0
check_eq "format_p(Inf) and format_p(1e300)" "Inf
1e+300" "$OUT"
no_ub "format_p(Inf)"

# --- lab.export_plot: tmax and tick are the user's numbers ----------------
lung="$top_srcdir/data/ncctg_lung.csv"
fit="local c = cohort.read_csv('$lung'); local f = survival.km(c, 'time', 'status')"
run_bounded 20 "$TNMLAB" -e "$fit; lab.export_plot('$WORK/a.svg', {fit = f, tmax = 1e300, tick = 1e-300})"
check_rc "export_plot tick 1e-300 to 1e300" 1
check_has "export_plot: too many ticks, said" "makes more than 200 ticks" "$ERR"
no_ub "export_plot tick 1e-300"
for opt in "tmax = 1/0" "tick = 1/0" "tmax = 0/0"; do
    run_bounded 20 "$TNMLAB" -e "$fit; lab.export_plot('$WORK/b.svg', {fit = f, $opt})"
    check_rc "export_plot $opt" 1
    check_has "export_plot $opt: said" "the time axis needs finite numbers" "$ERR"
    no_ub "export_plot $opt"
done
[ ! -e "$WORK/a.svg" ] && [ ! -e "$WORK/b.svg" ] && pass || fail "a refused plot left a file"
run_bounded 20 "$TNMLAB" -e "$fit; lab.export_plot('$WORK/ok.svg', {fit = f, tmax = 1000, tick = 250})"
check_rc "export_plot with a sane axis" 0
check_has "five ticks: 0 to 1000" ">1000</text>" "$(cat "$WORK/ok.svg" 2>/dev/null)"

# A fit table of the user's own: counts of 1e300 and -5 at risk are clamped.
fake="{strata = {{name = 'x', n = 2}}, curve = function() return {time = {1, 2},
  surv = {0.9, 0.5}, std_err = {0, 0}, lower = {0.8, 0.4}, upper = {1, 0.6},
  n_risk = {1e300, -5}, n_event = {1, 0/0}, n_censor = {0, 1/0}} end}"
run_bounded 20 "$TNMLAB" -e "lab.export_plot('$WORK/fake.svg', {fit = $fake})"
check_rc "export_plot of a fit with absurd counts" 0
no_ub "export_plot of a fit with absurd counts"

# --- export plot from the REPL: a cohort whose times reach DBL_MAX --------
printf 'time,status,sex\n1.79e308,1,1\n300,1,2\n200,0,1\n100,1,2\n' >"$WORK/huge.csv"
printf '%s\n' "load cohort $WORK/huge.csv months os_time=time os_event=status" \
    "export plot $WORK/huge.svg os ci" "export table $WORK/huge.md" >"$WORK/cmds"
run_bounded 30 sh -c "\"$TNMLAB\" --plain <\"$WORK/cmds\""
check_has "export plot of times near DBL_MAX" "wrote $WORK/huge.svg" "$OUT"
check_lacks "no infinite coordinate in the SVG" "inf" "$(cat "$WORK/huge.svg" 2>/dev/null)"
no_ub "export plot of times near DBL_MAX"

# --- a scenario file: max_nodules is drawn as an int, kept in a byte -------
mkdir -p "$WORK/scripts/scenarios"
for v in 1e300 300; do
    sed "s/max_nodules = 3/max_nodules = $v/" "$top_srcdir/scripts/scenarios/stage_iv.lua" \
        >"$WORK/scripts/scenarios/nod$v.lua"
    run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('nod$v', {n = 500})"
    check_rc "scenario max_nodules = $v" 1
    check_has "scenario max_nodules = $v: said" "population.m1a.max_nodules must be in (0, 60]" "$ERR"
    no_ub "scenario max_nodules = $v"
done

# --- the local relapse share: a probability, or refused naming the field ---
for v in 1.5 -0.1 0/0; do
    sed "s|local_relapse = 0.09,|local_relapse = $v,|" "$top_srcdir/scripts/scenarios/stage_iv.lua" \
        >"$WORK/scripts/scenarios/local.lua"
    run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('local', {n = 500})"
    check_rc "scenario local_relapse = $v" 1
    check_has "scenario local_relapse = $v: said" "model.local_relapse" "$ERR"
    no_ub "scenario local_relapse = $v"
done
sed "/local_relapse = 0.09,/d" "$top_srcdir/scripts/scenarios/stage_iv.lua" \
    >"$WORK/scripts/scenarios/nolocal.lua"
run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('nolocal', {n = 500})"
check_rc "scenario without local_relapse" 1
check_has "scenario without local_relapse: said" "model.local_relapse" "$ERR"

for v in 2 0/0; do
    sed "s|salvage = 0.41,|salvage = $v,|" "$top_srcdir/scripts/scenarios/stage_iv.lua" \
        >"$WORK/scripts/scenarios/salvage.lua"
    run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('salvage', {n = 500})"
    check_rc "scenario salvage = $v" 1
    check_has "scenario salvage = $v: said" "eras.*.salvage" "$ERR"
done

# --- a misspelt or misplaced scenario field: refused, not ignored ----------
iv_case() { # NAME SED-EXPRESSION EXPECTED-MESSAGE
    sed "$2" "$top_srcdir/scripts/scenarios/stage_iv.lua" >"$WORK/scripts/scenarios/$1.lua"
    run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('$1', {n = 500})"
    check_rc "stage IV scenario $1" 1
    check_has "stage IV scenario $1: said" "$3" "$ERR"
    no_ub "stage IV scenario $1"
}
iv_case typo 's/    local_relapse = 0.09,/    locl_relapse = 0.09, local_relapse = 0.09,/' \
    "scenario field model.locl_relapse: not a field of a stage_iv scenario"
iv_case deep 's/age = {mean = 66,/age = {mean = 66, median = 1,/' \
    "scenario field population.age.median: not a field of a stage_iv scenario"
iv_case toplevel 's/  default_era = "deruysscher2012",/  default_era = "deruysscher2012", eras2 = 1,/' \
    "scenario field eras2: not a field of a scenario"
iv_case numkey 's/    landmark = 3, /    landmark = 3, [1] = 2, /' \
    "scenario field model: a key that is not a name (number)"

# --- a stage I-III scenario with wrong numbers: refused, naming the field ---
m0="$top_srcdir/scripts/scenarios/stage_i_iii.lua"
m0_case() { # NAME SED-EXPRESSION EXPECTED-MESSAGE
    sed "$2" "$m0" >"$WORK/scripts/scenarios/$1.lua"
    run_bounded 30 "$TNMLAB" -e "TNMLAB_SCRIPTS = '$WORK/scripts'; cohort.simulate('$1', {n = 500})"
    check_rc "stage I-III scenario $1" 1
    check_has "stage I-III scenario $1: said" "$3" "$ERR"
    no_ub "stage I-III scenario $1"
}
m0_case m0kind 's/kind = "stage_i_iii"/kind = "stage_v"/' \
    'field kind: "stage_iv" or "stage_i_iii" expected, got "stage_v"'
m0_case m0lp 's/lp = 0.27}/lp = 1e300}/' "model.recurrence.lp must be in [0, 1]"
m0_case m0nan 's|size_per_cm = 0.54|size_per_cm = 0/0|' "model.anatomy.size_per_cm must be a finite number"
m0_case m0w 's/n2_stations = {0.72, 0.19, 0.09}/n2_stations = {-1, 0, 0}/' \
    "population.n2_stations weights must be >= 0"
m0_case m0eras 's/  kind = "stage_i_iii",/  kind = "stage_i_iii", eras = {},/' \
    "a stage_i_iii scenario has no eras"
m0_case m0ivfield 's/  model = {/  model = { landmark = 3,/' \
    "scenario field model.landmark: not a field of a stage_i_iii scenario"

# --- integer arguments spelt as huge floats: refused, not cast --------------
for cmd in "simulate stage_iv 1e300" "simulate stage_iv 10 1e30" "case #1e300" \
    "set max_lesions 1e300" "edition 1e300"; do
    printf 'use deruysscher2012\n%s\n' "$cmd" >"$WORK/cmds"
    run_bounded 60 sh -c "\"$TNMLAB\" --plain <\"$WORK/cmds\""
    no_ub "$cmd"
done
run_bounded 20 "$TNMLAB" --seed 1e30 -e 'print(1)'
check_rc "--seed 1e30 is a usage error" 2
check_has "--seed 1e30: said" "--seed wants an integer" "$ERR"
run_bounded 20 "$TNMLAB" -e "cohort.simulate('stage_iv', {n = 1e300})"
check_rc "simulate n = 1e300" 1
no_ub "simulate n = 1e300"

finish
