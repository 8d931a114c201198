/* test_sim.c - the simulator: reproducibility, model invariants, arm
 * assignment, the Lua binding, the private Kaplan-Meier against R, and the
 * calibration against the published trials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "interrupt.h"
#include "lcohort.h"
#include "lsim.h"
#include "sim.h"
#include "calibrate.h"

/* The golden hash of tests/fixtures/sim/golden.lua (a frozen copy of the
 * stage_iv scenario), n = 2000, seed 1.  The value was produced by this code
 * itself, not by an outside source: what the test guards is that the same
 * parameters and seed keep giving the same bytes (across runs, -O0/-O2,
 * machines), so that a shared cohort can be regenerated exactly.  Change it
 * only on purpose, when the generator itself changes (last: the
 * local_relapse@radical column was added at the end; it takes no random
 * number, and the columns before it still hash to the previous value,
 * 0xe96c892941aeea3d, checked by hashing all but the last column). */
#define GOLDEN_HASH UINT64_C(0xae7f42d901ae2a50)

static char scripts[2048], fixtures[2048];

static void paths(void) {
    const char *s = getenv("TNMLAB_SCRIPTS"), *t = getenv("top_srcdir");
    snprintf(scripts, sizeof scripts, "%s", s ? s : "scripts");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures/sim", t ? t : ".");
}

static lua_State *new_state(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushstring(L, scripts);
    lua_setglobal(L, "TNMLAB_SCRIPTS");
    lua_pushcfunction(L, dsl_open_cohort);
    lua_call(L, 0, 0);
    lua_pushcfunction(L, dsl_open_sim);
    lua_call(L, 0, 0);
    return L;
}

static sim_params *load(const char *which) {
    static sim_params p;
    char err[1024], path[4096];
    if (strcmp(which, "golden") == 0)
        snprintf(path, sizeof path, "%s/golden.lua", fixtures);
    else
        snprintf(path, sizeof path, "%s/scenarios/%s.lua", scripts, which);
    lua_State *L = luaL_newstate();
    int rc = lsim_load_file(L, path, &p, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    lua_close(L);
    return &p;
}

static cohort *simulate(const sim_params *p, size_t n, uint64_t seed, const char *era) {
    cohort *c = NULL;
    char err[512];
    int rc = sim_generate(p, era, n, seed, &c, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return c;
}

static const double *num(const cohort *c, const char *name) {
    cohort_column *col = cohort_find(c, name);
    assert_non_null(col);
    assert_int_equal(col->type, COHORT_NUM);
    return col->v.num;
}

static void generate__same_seed__golden_hash_twice(void **state) {
    (void)state;
    sim_params *p = load("golden");
    cohort *a = simulate(p, 2000, 1, NULL), *b = simulate(p, 2000, 1, NULL);
    uint64_t ha = sim_cohort_hash(a), hb = sim_cohort_hash(b);
    fprintf(stderr, "golden hash 0x%016llx\n", (unsigned long long)ha);
    assert_true(ha == hb);
    assert_true(ha == GOLDEN_HASH);
    cohort *c = simulate(p, 2000, 2, NULL);
    assert_true(sim_cohort_hash(c) != ha);
    cohort_free(a);
    cohort_free(b);
    cohort_free(c);
}

static void generate__smaller_n__is_prefix_of_larger(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    cohort *a = simulate(p, 300, 7, NULL), *b = simulate(p, 1000, 7, NULL);
    for (size_t j = 0; j < cohort_ncols(a); j++) {
        cohort_column *x = cohort_col(a, j), *y = cohort_col(b, j);
        assert_string_equal(x->name, y->name);
        for (size_t i = 0; i < 300; i++) {
            if (x->type == COHORT_NUM)
                assert_memory_equal(&x->v.num[i], &y->v.num[i], sizeof(double));
            else if (x->type == COHORT_BOOL)
                assert_int_equal(x->v.b[i], y->v.b[i]);
            else
                assert_string_equal(cohort_str(x, i) ? cohort_str(x, i) : "NA",
                                    cohort_str(y, i) ? cohort_str(y, i) : "NA");
        }
    }
    cohort_free(a);
    cohort_free(b);
}

static void generate__every_patient__pfs_not_after_os_and_untreatable_nan(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    const size_t n = 50000;
    for (int era = 0; era < p->neras; era++) {
        cohort *c = simulate(p, n, 3, p->eras[era].name);
        const char *arms[2] = {"radical", "systemic"};
        cohort_column *tr = cohort_find(c, "m_all_treatable");
        assert_non_null(tr);
        size_t untreatable = 0, censored = 0, events = 0;
        for (int a = 0; a < 2; a++) {
            char b[64];
            snprintf(b, sizeof b, "os_time@%s", arms[a]);
            const double *os = num(c, b);
            snprintf(b, sizeof b, "os_event@%s", arms[a]);
            const double *ose = num(c, b);
            snprintf(b, sizeof b, "pfs_time@%s", arms[a]);
            const double *pfs = num(c, b);
            snprintf(b, sizeof b, "pfs_event@%s", arms[a]);
            const double *pfse = num(c, b);
            for (size_t i = 0; i < n; i++) {
                if (a == 0 && !tr->v.b[i]) {
                    assert_true(isnan(os[i]) && isnan(ose[i]) && isnan(pfs[i]) && isnan(pfse[i]));
                    untreatable++;
                    continue;
                }
                assert_false(isnan(os[i]));
                assert_true(pfs[i] <= os[i]);
                assert_true(pfs[i] > 0);
                /* censored OS means PFS censored at the same time or progressed before */
                if (ose[i] == 0)
                    assert_true(pfse[i] == 1 || pfs[i] == os[i]);
                if (pfse[i] == 0)
                    assert_true(ose[i] == 0 && pfs[i] == os[i]);
                if (a == 1) {
                    censored += ose[i] == 0;
                    events += ose[i] == 1;
                }
            }
        }
        /* a stage IV population: most untreatable; most dead by the end */
        assert_true(untreatable > n / 2 && untreatable < n * 95 / 100);
        double cens = (double)censored / (double)(censored + events);
        assert_true(cens > 0.01 && cens < 0.25);
        cohort_free(c);
    }
}

static void generate__covariates__plausible_ranges(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    const size_t n = 20000;
    cohort *c = simulate(p, n, 5, NULL);
    const double *age = num(c, "age"), *ecog = num(c, "ecog"), *les = num(c, "m_lesions");
    cohort_column *sites = cohort_find(c, "m_sites"), *resp = cohort_find(c, "induction_response");
    double mage = 0;
    size_t single = 0, nresp = 0;
    for (size_t i = 0; i < n; i++) {
        mage += age[i];
        assert_true(ecog[i] >= 0 && ecog[i] <= 4);
        assert_true(les[i] >= 0);
        const char *s = cohort_str(sites, i);
        assert_non_null(s);
        single += strchr(s, ';') == NULL && strstr(s, ":1") != NULL;
        nresp += cohort_str(resp, i) != NULL;
    }
    mage /= (double)n;
    assert_true(mage > 60 && mage < 70);
    assert_true(single > n / 10 && single < n / 2);
    assert_true(nresp > n / 2);
    cohort_free(c);
}

static void apply_arms__untreatable_radical__refused_and_unchanged(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    cohort *c = simulate(p, 500, 9, NULL);
    cohort_column *arm = cohort_find(c, "arm"), *tr = cohort_find(c, "m_all_treatable");
    int32_t radical = cohort_intern(arm, "radical", 7);
    double before = num(c, "os_time")[0];
    for (size_t i = 0; i < 500; i++)
        arm->v.str[i] = radical;
    char err[512];
    assert_int_equal(sim_apply_arms(c, "arm", err, sizeof err), -1);
    assert_non_null(strstr(err, "not all sites treatable"));
    assert_memory_equal(&before, &num(c, "os_time")[0], sizeof before);
    /* radical only where treatable: the observed outcome becomes the radical one */
    int32_t systemic = cohort_intern(arm, "systemic", 8);
    for (size_t i = 0; i < 500; i++)
        arm->v.str[i] = tr->v.b[i] == 1 ? radical : systemic;
    assert_int_equal(sim_apply_arms(c, "arm", err, sizeof err), 0);
    const double *os = num(c, "os_time"), *osr = num(c, "os_time@radical"),
                 *oss = num(c, "os_time@systemic");
    for (size_t i = 0; i < 500; i++)
        assert_memory_equal(&os[i], tr->v.b[i] == 1 ? &osr[i] : &oss[i], sizeof(double));
    /* local relapse follows the radical arm; the systemic arm has none */
    const double *lr = num(c, "local_relapse"), *lrr = num(c, "local_relapse@radical"),
                 *pfe = num(c, "pfs_event@radical"), *pft = num(c, "pfs_time@radical"),
                 *ose = num(c, "os_event@radical");
    assert_non_null(lr);
    size_t nlocal = 0, nprog = 0;
    for (size_t i = 0; i < 500; i++) {
        if (tr->v.b[i] != 1) {
            assert_true(isnan(lr[i]));
            continue;
        }
        assert_memory_equal(&lr[i], &lrr[i], sizeof(double));
        /* defined exactly when a progression, not death, ended PFS */
        int prog = pfe[i] == 1 && !(ose[i] == 1 && pft[i] == osr[i]);
        assert_int_equal(!isnan(lr[i]), prog);
        nprog += prog;
        nlocal += lr[i] == 1;
    }
    assert_true(nprog > 50 && nlocal > 0 && nlocal < nprog / 4);
    cohort_free(c);
}

static void lua__simulate_and_demo__cohorts(void **state) {
    (void)state;
    lua_State *L = new_state();
    const char *chunk = "local c = cohort.simulate('stage_iv', {n = 123, seed = 4})\n"
                        "local d = cohort.demo()\n"
                        "local g = cohort.simulate('stage_iv', {n = 10, era = 'gomez2016'})\n"
                        "return #c, #d, #g, c:column('os_time@radical') ~= nil";
    assert_int_equal(luaL_dostring(L, chunk), LUA_OK);
    assert_int_equal(lua_tointeger(L, 1), 123);
    assert_int_equal(lua_tointeger(L, 2), 2000);
    assert_int_equal(lua_tointeger(L, 3), 10);
    assert_true(lua_toboolean(L, 4));
    lua_settop(L, 0);
    assert_int_not_equal(luaL_dostring(L, "cohort.simulate('../etc/passwd')"), LUA_OK);
    assert_non_null(strstr(lua_tostring(L, -1), "bad scenario name"));
    lua_settop(L, 0);
    assert_int_not_equal(luaL_dostring(L, "cohort.simulate('stage_iv', {era = 'x'})"), LUA_OK);
    assert_non_null(strstr(lua_tostring(L, -1), "unknown era"));
    lua_settop(L, 0);
    /* an arm column that is not a string column is refused */
    assert_int_not_equal(luaL_dostring(L, "local c = cohort.demo()\n"
                                          "cohort.apply_arms(c, 'id')"),
                         LUA_OK);
    lua_close(L);
}

static void lua__scenario_typo__error_names_field(void **state) {
    (void)state;
    lua_State *L = new_state();
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/golden.lua", fixtures);
    sim_params p;
    assert_int_equal(lsim_load_file(L, path, &p, err, sizeof err), 0);
    /* drop one field and misspell a map key */
    assert_int_equal(luaL_loadfilex(L, path, "t"), LUA_OK);
    lua_call(L, 0, 1);
    lua_getfield(L, -1, "population");
    lua_pushnil(L);
    lua_setfield(L, -2, "male");
    lua_pop(L, 1);
    assert_int_equal(lsim_read_params(L, -1, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "population.male"));
    lua_getfield(L, -1, "population");
    lua_pushnumber(L, 0.5);
    lua_setfield(L, -2, "male");
    lua_getfield(L, -1, "m1b_sites");
    lua_pushnumber(L, 0.1);
    lua_setfield(L, -2, "brian");
    lua_pop(L, 2);
    assert_int_equal(lsim_read_params(L, -1, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "brian"));
    lua_close(L);
}

/* Bytes the C library's malloc has handed out and not got back (glibc's
 * mallinfo2; -1 where unknown, and the leak checks below are skipped). */
static long long heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 m = mallinfo2();
    return (long long)(m.uordblks + m.hblkhd); /* heap and mmap()ed blocks */
#else
    return -1;
#endif
}

/* glibc counts chunks parked in its per-thread cache as in use, so the
 * figure may move by a few hundred bytes; a leaked generator (about 5 kB)
 * or cohort (megabytes) is far above this. */
#define LEAK_SLACK 1024

/* Ctrl-C (the interrupt flag) stops a simulation: an "interrupted" error,
 * no cohort handed over, nothing left allocated; the caller's old cohort is
 * untouched, and once the flag is cleared simulation works again. */
static void generate__interrupt_flag__error_nothing_handed_over(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    cohort *old = simulate(p, 200, 11, NULL);
    uint64_t h_old = sim_cohort_hash(old);
    char err[512];
    cohort *c = old;
    /* warm up the C library's lazily allocated state before counting */
    cohort *w = simulate(p, 10, 1, NULL);
    cohort_free(w);
    long long before = heap_in_use();
    tnm_interrupt_flag = 1;
    int rc = sim_generate(p, NULL, 100000, 1, &c, err, sizeof err);
    long long after = heap_in_use();
    tnm_interrupt_clear();
    if (after != before)
        fprintf(stderr, "heap in use before %lld after %lld\n", before, after);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "interrupted"));
    assert_null(c);
    if (before >= 0)
        assert_true(llabs(after - before) < LEAK_SLACK);
    assert_true(sim_cohort_hash(old) == h_old);
    /* the calibration stops too (a first interrupted run warms up the
     * threads' and the rule engine's lazily allocated state) */
    static calib_report r;
    tnm_interrupt_flag = 1;
    rc = calib_run(p, scripts, 1000, 1, 0, &r, err, sizeof err);
    tnm_interrupt_clear();
    before = heap_in_use();
    tnm_interrupt_flag = 1;
    rc = calib_run(p, scripts, 1000, 1, 0, &r, err, sizeof err);
    after = heap_in_use();
    tnm_interrupt_clear();
    if (after != before)
        fprintf(stderr, "calibrate: heap in use before %lld after %lld\n", before, after);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "interrupted"));
    /* the rule engine's Lua state frees thousands of small blocks, which
     * glibc keeps in its fast bins and still counts as in use: a few kB
     * move (valgrind reports none lost); a leaked cohort is megabytes */
    if (before >= 0)
        assert_true(llabs(after - before) < 64 * LEAK_SLACK);
    /* the Lua binding raises the error and keeps the old cohort */
    lua_State *L = new_state();
    assert_int_equal(luaL_dostring(L, "old = cohort.simulate('stage_iv', {n = 50, seed = 2})"),
                     LUA_OK);
    tnm_interrupt_flag = 1;
    int lrc = luaL_dostring(L, "old = cohort.simulate('stage_iv', {n = 100000, seed = 3})");
    tnm_interrupt_clear();
    assert_int_not_equal(lrc, LUA_OK);
    assert_non_null(strstr(lua_tostring(L, -1), "interrupted"));
    lua_settop(L, 0);
    assert_int_equal(luaL_dostring(L, "return #old"), LUA_OK);
    assert_int_equal(lua_tointeger(L, -1), 50);
    lua_close(L);
    /* after clearing the flag the same call succeeds */
    c = simulate(p, 200, 11, NULL);
    assert_true(sim_cohort_hash(c) == h_old);
    cohort_free(c);
    cohort_free(old);
}

/* The calibration report (doc/model.md#calibration) at n = 100,000
 * selected patients and 1,000 trial-size resamples.  What the model claims
 * (doc/model.md#results):
 *  - every stated, check and whole-population figure passes its test: the
 *    ECOG hazard ratios within 15% of the stated ones, survival after
 *    progression at least 3 months in every arm, the IASLC OS medians by M
 *    category within 1 month, the era's PFS median in 4-5.5 months, the De
 *    Ruysscher case mix within 3 points;
 *  - every De Ruysscher figure lies inside the range of trials of the
 *    paper's size (39 patients);
 *  - the held-out Gomez PFS medians and the control arm's OS median lie
 *    inside the range of trials of the paper's size.
 * The figures the model does not reproduce are printed, not asserted. */
static void calibrate__100000_selected__reproduces_papers(void **state) {
    (void)state;
    sim_params *p = load("stage_iv");
    static calib_report r;
    char err[1024];
    int rc = calib_run(p, scripts, 100000, 1, 1000, &r, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    char *text = calib_format(&r);
    assert_non_null(text);
    fputs(text, stderr);
    free(text);
    assert_true(r.nfig >= 20);
    int claims = 0;
    for (int f = 0; f < r.nfig; f++) {
        const calib_fig *g = &r.fig[f];
        int dr = strncmp(g->group, "De Ruysscher 2012:", 18) == 0;
        int go = strncmp(g->group, "Gomez", 5) == 0;
        int ok;
        /* the case mix and the local recurrence share are set directly from
         * the trial: they must come out within their tolerance; the curves
         * are claimed only inside the trial's range (doc/model.md#results) */
        int set_from_trial =
            !strcmp(g->label, "single metastasis") || !strncmp(g->label, "local recurrence", 16);
        if (dr && g->test == CALIB_ABS && g->trial_n && !set_from_trial)
            ok = g->lo <= g->paper && g->paper <= g->hi;
        else if (go && g->role == CALIB_PREDICTED)
            ok = strstr(g->label, "PFS") || strstr(g->label, "OS median, maintenance") ? g->ok : -1;
        else
            ok = g->ok;
        if (ok == -1) {
            fprintf(stderr, "not claimed: %s: %s paper %g sim %g range %g-%g\n", g->group, g->label,
                    g->paper, g->sim, g->lo, g->hi);
            continue;
        }
        if (!ok)
            fprintf(stderr, "off: %s: %s paper %g sim %g range %g-%g\n", g->group, g->label,
                    g->paper, g->sim, g->lo, g->hi);
        assert_true(ok);
        claims++;
    }
    assert_true(claims >= 25);
    /* the selection-vs-treatment split: both parts favour the selected */
    assert_true(r.split[1].os_median > r.split[2].os_median);
    assert_true(r.split[0].os_median > r.split[1].os_median);
}

int main(void) {
    paths();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generate__same_seed__golden_hash_twice),
        cmocka_unit_test(generate__smaller_n__is_prefix_of_larger),
        cmocka_unit_test(generate__every_patient__pfs_not_after_os_and_untreatable_nan),
        cmocka_unit_test(generate__covariates__plausible_ranges),
        cmocka_unit_test(apply_arms__untreatable_radical__refused_and_unchanged),
        cmocka_unit_test(lua__simulate_and_demo__cohorts),
        cmocka_unit_test(lua__scenario_typo__error_names_field),
        cmocka_unit_test(generate__interrupt_flag__error_nothing_handed_over),
        cmocka_unit_test(calibrate__100000_selected__reproduces_papers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
