/* test_lsurvival.c - the `survival` Lua API (doc/contract.md#lua-api).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figures compared with R's output in tests/fixtures/r (lung_reference.tsv
 * from lung_reference.R, edge_reference.tsv from edge_reference.R).
 */
#include <math.h>
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

#include "lcohort.h"
#include "lsurvival.h"
#include "surv_fixture.h"

#define REL 1e-6

static lua_State *new_state(void) {
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    lua_pushcfunction(L, dsl_open_cohort);
    assert_int_equal(lua_pcall(L, 0, 0, 0), LUA_OK);
    lua_pushcfunction(L, dsl_open_survival);
    assert_int_equal(lua_pcall(L, 0, 0, 0), LUA_OK);
    lua_pushstring(L, fx_path(""));
    lua_setglobal(L, "FIX");
    return L;
}

static void run(lua_State *L, const char *chunk) {
    if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
}

/* Value of a Lua expression; nil -> NaN. */
static double num(lua_State *L, const char *expr) {
    char buf[512];
    snprintf(buf, sizeof buf, "return %s", expr);
    if (luaL_loadstring(L, buf) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        fail_msg("%s: %s", expr, lua_tostring(L, -1));
    double v = lua_isnil(L, -1) ? NAN : lua_tonumber(L, -1);
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1))
        fail_msg("%s is not a number", expr);
    lua_pop(L, 1);
    return v;
}

static const char *str(lua_State *L, const char *expr, char *out, size_t len) {
    char buf[512];
    snprintf(buf, sizeof buf, "return tostring(%s)", expr);
    if (luaL_loadstring(L, buf) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        fail_msg("%s: %s", expr, lua_tostring(L, -1));
    snprintf(out, len, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return out;
}

/* Runs chunk expecting an error that contains needle. */
static void run_fails(lua_State *L, const char *chunk, const char *needle) {
    if (luaL_loadstring(L, chunk) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    if (lua_pcall(L, 0, 0, 0) == LUA_OK)
        fail_msg("no error from: %s", chunk);
    const char *msg = lua_tostring(L, -1);
    if (!msg || !strstr(msg, needle))
        fail_msg("error \"%s\" lacks \"%s\"", msg ? msg : "?", needle);
    lua_pop(L, 1);
}

static void check(const char *what, double got, double want) {
    if (!fx_close(got, want, REL))
        fail_msg("%s: tnmlab %.12g, R %.12g", what, got, want);
}

static void km__lung_by_sex__strata_and_at_match_r(void **state) {
    (void)state;
    lua_State *L = new_state();
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    run(L, "c = cohort.read_csv(FIX .. 'ncctg_lung.csv')\n"
           "fits = {}\n"
           "for _, ct in ipairs({'log', 'log-log', 'plain'}) do\n"
           "  fits[ct] = survival.km(c, 'time', 'status', {by = 'sex', conf_type = ct, horizon = "
           "730})\n"
           "  assert(#fits[ct].strata == 2 and fits[ct].strata[1].name == '1')\n"
           "  ats = ats or {}; ats[ct] = fits[ct]:at({180, 365, 730})\n"
           "end\n"
           "all = survival.km(c, 'time', 'status')\n");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8], expr[256];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        const char *field = NULL;
        if (strcmp(f[0], "km") == 0 && nf == 4) {
            field = strcmp(f[3], "rmean730") == 0      ? "rmean"
                    : strcmp(f[3], "rmean730_se") == 0 ? "rmean_se"
                                                       : f[3];
            if (strcmp(f[2], "all") == 0)
                snprintf(expr, sizeof expr, "all.strata[1].%s", field);
            else
                snprintf(expr, sizeof expr, "fits['%s'].strata[%s].%s", f[1], f[2], field);
        } else if (strcmp(f[0], "at") == 0 && nf == 5) {
            int j = strcmp(f[3], "180") == 0 ? 1 : strcmp(f[3], "365") == 0 ? 2 : 3;
            snprintf(expr, sizeof expr, "ats['%s'][%s][%d].%s", f[1], f[2], j, f[4]);
        } else {
            continue;
        }
        check(kv->key[i], num(L, expr), fx_num(kv->val[i]));
        checked++;
    }
    assert_int_equal(checked, 3 * (2 * 7 + 2 * 3 * 4) + 3);
    /* the stated horizon, and the default of 36 (months) */
    check("rmean_tau", num(L, "fits.log.strata[1].rmean_tau"), 730);
    check("default horizon", num(L, "survival.km(c, 'time', 'status').horizon"), 36);
    /* past the last observation (R: 1022 for sex=1): a slot without surv */
    run(L, "local a = fits.log:at({2000}); assert(a[1][1].time == 2000 and a[1][1].surv == nil)\n"
           "local b = fits.log:at({2000}, {extend = true}); assert(b[1][1].surv ~= nil and "
           "b[1][1].n_risk == 0)\n");
    fx_kv_free(kv);
    lua_close(L);
}

static void logrank_and_cox__lung__match_r(void **state) {
    (void)state;
    lua_State *L = new_state();
    fx_kv *kv = fx_kv_read("lung_reference.tsv");
    run(L, "c = cohort.read_csv(FIX .. 'ncctg_lung.csv')\n"
           "lr = survival.logrank(c, 'time', 'status', 'sex')\n"
           "assert(lr.df == 1 and lr.observed[1] == 112 and lr.observed['2'] == 53)\n"
           "assert(lr.names[1] == '1' and lr.p_text == '0.00131')\n"
           "cx = {}\n"
           "for _, ties in ipairs({'efron', 'breslow'}) do\n"
           "  cx[ties] = {sex = survival.cox(c, 'time', 'status', {'sex'}, {ties = ties}),\n"
           "              ['sex+age'] = survival.cox(c, 'time', 'status', {'sex', 'age'}, {ties = "
           "ties})}\n"
           "end\n"
           "local r = cx.efron['sex+age']\n"
           "assert(r.coef[1] == r.coef.sex and r.coef[2] == r.coef.age and r.names[2] == 'age')\n");
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8], expr[256];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        if (strcmp(f[0], "logrank") == 0) {
            snprintf(expr, sizeof expr, "lr.%s", f[2]);
        } else if (strcmp(f[0], "cox") == 0 && nf == 5) {
            snprintf(expr, sizeof expr, "cx['%s']['%s'].%s['%s']", f[1], f[2], f[4], f[3]);
        } else {
            continue;
        }
        check(kv->key[i], num(L, expr), fx_num(kv->val[i]));
    }
    fx_kv_free(kv);
    lua_close(L);
}

/* 3-level text covariate: R's C-locale order makes "B" the reference and
 * names the coefficients ecog3a, ecog3c (edge_reference.R). */
static void cox__categorical_term__named_and_ordered_as_r(void **state) {
    (void)state;
    lua_State *L = new_state();
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    run(L, "c = cohort.read_csv(FIX .. 'edge_lung_cox.csv')\n"
           "r = survival.cox(c, 'time', 'status', {'ecog3', 'age'})\n"
           "assert(r.names[1] == 'ecog3a' and r.names[2] == 'ecog3c' and r.names[3] == 'age')\n"
           "assert(r.n == 227 and r.n_missing == 1)\n"
           "b = survival.cox(c, 'time', 'status01', {'female', 'age', 'wt.loss'}, {ties = "
           "'breslow'})\n"
           "assert(b.names[1] == 'femaleTRUE' and b.coef.female == b.coef.femaleTRUE)\n");
    int checked = 0;
    for (size_t i = 0; i < kv->n; i++) {
        char buf[256], *f[8], expr[256];
        int nf = fx_split(kv->key[i], buf, sizeof buf, f, 8);
        if (nf != 7 || strcmp(f[0], "cox") != 0 || strcmp(f[1], "lung") != 0)
            continue;
        const char *obj = NULL;
        if (strcmp(f[2], "efron") == 0 && strcmp(f[3], "ecog3+age") == 0)
            obj = "r";
        if (strcmp(f[2], "breslow") == 0 && strcmp(f[3], "female+age+wt.loss") == 0)
            obj = "b";
        if (!obj)
            continue;
        snprintf(expr, sizeof expr, "%s.%s[%s]", obj, f[6], f[4]); /* by position */
        check(kv->key[i], num(L, expr), fx_num(kv->val[i]));
        snprintf(expr, sizeof expr, "%s.%s['%s']", obj, f[6], f[5]); /* by name */
        check(kv->key[i], num(L, expr), fx_num(kv->val[i]));
        checked++;
    }
    assert_int_equal(checked, 2 * 3 * 6);
    fx_kv_free(kv);
    lua_close(L);
}

/* Text strata in byte order; the events read as 0/1, 1/2 and TRUE/FALSE
 * give R's overall median 310 (lung_reference.tsv km|log|all|median). */
static void km__event_codings_and_text_strata__as_r(void **state) {
    (void)state;
    lua_State *L = new_state();
    char buf[64];
    run(L, "c = cohort.read_csv(FIX .. 'edge_lung_cox.csv')\n"
           "m01 = survival.km(c, 'time', 'status01').strata[1].median\n"
           "m12 = survival.km(c, 'time', 'status').strata[1].median\n"
           "local p = os.tmpname()\n"
           "local f = assert(io.open(p, 'w'))\n"
           "f:write('time,dead\\n')\n"
           "local t, s = c:column('time'), c:column('status01')\n"
           "for i = 1, #c do f:write(t[i], ',', s[i] == 1 and 'TRUE' or 'FALSE', '\\n') end\n"
           "f:close()\n"
           "local d = cohort.read_csv(p); os.remove(p)\n"
           "mtf = survival.km(d, 'time', 'dead').strata[1].median\n"
           "g = cohort.read_csv(FIX .. 'edge_three_groups.csv')\n"
           "k = survival.km(g, 'time', 'status', {by = 'group'})\n");
    check("0/1", num(L, "m01"), 310);
    check("1/2", num(L, "m12"), 310);
    check("TRUE/FALSE", num(L, "mtf"), 310);
    assert_string_equal(str(L, "k.strata[1].name", buf, sizeof buf), "B");
    assert_string_equal(str(L, "k.strata[2].name", buf, sizeof buf), "a");
    assert_string_equal(str(L, "k.strata[3].name", buf, sizeof buf), "c");
    fx_kv *kv = fx_kv_read("edge_reference.tsv");
    for (size_t i = 0; i < kv->n; i++) {
        const char *k = kv->key[i];
        if (strcmp(k, "km|three_groups|log|0.95|B|median") == 0)
            check(k, num(L, "k.strata[1].median"), fx_num(kv->val[i]));
        if (strcmp(k, "km|three_groups|log|0.95|c|median_lower") == 0)
            check(k, num(L, "k.strata[3].median_lower"), fx_num(kv->val[i]));
    }
    fx_kv_free(kv);
    lua_close(L);
}

/* subset = boolean column gives the same fit as the filtered copy, and the
 * cached order/keys follow a change of selection. */
static void km__subset_option__same_as_filtered_copy(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "local c = cohort.read_csv(FIX .. 'edge_lung_cox.csv')\n"
           "for round = 1, 2 do\n"
           "  local f = survival.km(c, 'time', 'status', {by = 'ph.ecog', subset = 'female'})\n"
           "  local d = c:filter(function(r) return r.female == true end)\n"
           "  local g = survival.km(d, 'time', 'status', {by = 'ph.ecog'})\n"
           "  assert(#f.strata == #g.strata, #f.strata .. ' vs ' .. #g.strata)\n"
           "  for i = 1, #f.strata do\n"
           "    local a, b = f.strata[i], g.strata[i]\n"
           "    assert(a.name == b.name and a.n == b.n and a.median == b.median and a.rmean == "
           "b.rmean)\n"
           "  end\n"
           "  local all = survival.km(c, 'time', 'status', {by = 'ph.ecog'})\n"
           "  assert(all.strata[1].n > f.strata[1].n)\n"
           "  local lf = survival.logrank(c, 'time', 'status', 'ph.ecog', {subset = 'female'})\n"
           "  local lg = survival.logrank(d, 'time', 'status', 'ph.ecog')\n"
           "  assert(math.abs(lf.chisq - lg.chisq) < 1e-9 * lg.chisq)\n"
           "end\n");
    lua_close(L);
}

static void bad_input__clear_messages(void **state) {
    (void)state;
    lua_State *L = new_state();
    run(L, "c = cohort.read_csv(FIX .. 'edge_missing.csv')\n"
           "f = survival.km(c, 'time', 'status', {by = 'group'})\n"
           "assert(f.n_missing == 3 and f.n == 7, f.n_missing)\n");
    run_fails(L, "survival.km(c, 'time', 'nope')", "no column 'nope'");
    run_fails(L, "survival.km(c, 'group', 'status')", "not numeric");
    run_fails(L, "survival.km(c, 'time', 'status', {conf_type = 'logit'})", "conf_type");
    run_fails(L, "survival.cox(c, 'time', 'status', {'time'}, {ties = 'exact'})", "ties");
    run(L, "local p = os.tmpname(); local f = io.open(p, 'w')\n"
           "f:write('time,status,ev3\\n1,1,1\\n-2,0,3\\n3,1,0\\n'); f:close()\n"
           "bad = cohort.read_csv(p); os.remove(p)\n");
    run_fails(L, "survival.km(bad, 'time', 'status')", "negative");
    run_fails(L, "survival.km(bad, 'time', 'ev3')", "not an event code");
    run(L, "one = cohort.read_csv(FIX .. 'edge_one_patient.csv')");
    run_fails(L, "survival.logrank(one, 'time', 'status', 'group')", "only 1 group");
    run_fails(L, "survival.cox(one, 'time', 'status', {'group'})", "only one level");
    lua_close(L);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(km__lung_by_sex__strata_and_at_match_r),
        cmocka_unit_test(logrank_and_cox__lung__match_r),
        cmocka_unit_test(cox__categorical_term__named_and_ordered_as_r),
        cmocka_unit_test(km__event_codings_and_text_strata__as_r),
        cmocka_unit_test(km__subset_option__same_as_filtered_copy),
        cmocka_unit_test(bad_input__clear_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
