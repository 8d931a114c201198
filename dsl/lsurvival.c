/* lsurvival.c - the `survival` Lua binding (see lsurvival.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The survival.* functions: km and followup (with the fit userdata and its
 * methods), logrank, cox, format_p, and the module table.  They read their
 * arguments through lsurvival_input.c, which also keeps the per-column
 * cache, and call core/km, core/logrank, core/cox.
 */
#include "lsurvival.h"
#include "lsurvival_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "cox.h"
#include "km.h"
#include "lcohort.h"
#include "km_boot.h"
#include "logrank.h"

#define FIT_MT "tnmlab.survival.km"
#define MONTH_DAYS 30.4375 /* 365.25 / 12 */

/* ---- survival.km --------------------------------------------------------- */

typedef struct km_box {
    km_fit *fit;
    int32_t *keep; /* fit stratum of each shown stratum (empty ones hidden) */
    int32_t nkeep;
} km_box;

static int fit_gc(lua_State *L) {
    km_box *b = luaL_checkudata(L, 1, FIT_MT);
    km_fit_free(b->fit);
    free(b->keep);
    b->fit = NULL;
    b->keep = NULL;
    return 0;
}

/* f.field: methods, then the fields table (the user value).
 * Stack: [f, key] -> [value]. */
static int fit_index(lua_State *L) {
    luaL_checkudata(L, 1, FIT_MT);
    luaL_getmetafield(L, 1, "methods");
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL)
        return 1;
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

/* f:at(times [, {extend =}]) -> at[i][j].  Stack: [f, times, opts?] -> [at]. */
static int fit_at(lua_State *L) {
    km_box *b = luaL_checkudata(L, 1, FIT_MT);
    luaL_checktype(L, 2, LUA_TTABLE);
    int opt = lua_istable(L, 3) ? 3 : 0;
    int extend = lopt_bool(L, opt, "extend", 0);
    lua_Integer nt = luaL_len(L, 2);
    double *t =
        lua_newuserdatauv(L, (size_t)(nt > 0 ? nt : 1) * (sizeof(double) + sizeof(km_point)), 0);
    km_point *pt = (km_point *)(t + (nt > 0 ? nt : 1));
    for (lua_Integer j = 1; j <= nt; j++) {
        lua_geti(L, 2, j);
        int ok;
        t[j - 1] = lua_tonumberx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "f:at: times[%d] is not a number", (int)j);
        lua_pop(L, 1);
    }
    lua_createtable(L, b->nkeep, 0);
    for (int32_t s = 0; s < b->nkeep; s++) {
        km_at(&b->fit->strata[b->keep[s]], t, (size_t)nt, extend, pt);
        lua_createtable(L, (int)nt, 0);
        for (lua_Integer j = 0; j < nt; j++) {
            const km_point *p = &pt[j];
            lua_createtable(L, 0, 6);
            lcell_set_num(L, "time", p->time);
            lcell_set_num(L, "n_risk", p->n_risk);
            if (p->in_range) {
                lcell_set_num(L, "surv", p->surv);
                lcell_set_num(L, "lower", p->lower);
                lcell_set_num(L, "upper", p->upper);
                lcell_set_num(L, "std_err", p->std_err);
            }
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, s + 1);
    }
    return 1;
}

/* f:curve(i) -> {time = {}, n_risk = {}, ...}.  Stack: [f, i] -> [table]. */
static int fit_curve(lua_State *L) {
    km_box *b = luaL_checkudata(L, 1, FIT_MT);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && i <= b->nkeep, 2, "no such stratum");
    const km_curve *c = &b->fit->strata[b->keep[i - 1]];
    const char *names[] = {"time", "n_risk",  "n_event", "n_censor",
                           "surv", "std_err", "lower",   "upper"};
    lua_createtable(L, 0, 8);
    for (int k = 0; k < 8; k++) {
        lua_createtable(L, (int)c->ntime, 0);
        for (size_t j = 0; j < c->ntime; j++) {
            double v = k == 0   ? c->time[j]
                       : k == 1 ? c->n_risk[j]
                       : k == 2 ? c->n_event[j]
                       : k == 3 ? c->n_censor[j]
                       : k == 4 ? c->surv[j]
                       : k == 5 ? c->std_err[j]
                       : k == 6 ? c->lower[j]
                                : c->upper[j];
            lcell_push_num(L, v);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, names[k]);
    }
    return 1;
}

static surv_conf_type conf_type_of(lua_State *L, const char *s) {
    if (strcmp(s, "log") == 0)
        return SURV_CONF_LOG;
    if (strcmp(s, "log-log") == 0)
        return SURV_CONF_LOGLOG;
    if (strcmp(s, "plain") == 0)
        return SURV_CONF_PLAIN;
    luaL_error(L, "survival.km: conf_type must be \"log\", \"log-log\" or \"plain\", not \"%s\"",
               s);
    return SURV_CONF_LOG;
}

/* Shared by km and followup.  Stack: [c, time, event, opts?] -> [f]. */
static int do_km(lua_State *L, int reverse) {
    const char *fn = reverse ? "survival.followup" : "survival.km";
    cohort *c = lcohort_check(L, 1);
    const char *tname = luaL_checkstring(L, 2), *ename = luaL_checkstring(L, 3);
    int opt = lua_istable(L, 4) ? 4 : 0;
    if (!opt && !lua_isnoneornil(L, 4))
        luaL_typeerror(L, 4, "table of options");
    surv_input in;
    setup_outcome(L, 1, c, fn, tname, ename, &in);
    const char *by = lopt_str(L, opt, "by", NULL);
    char **names = by ? setup_by(L, 1, c, fn, by, &in) : NULL;
    setup_keys(L, 1, c, fn, tname, ename, by, &in);
    setup_subset(L, opt, c, fn, &in);
    const char *ct = lopt_str(L, opt, "conf_type", "log");
    double level = lopt_num(L, opt, "conf_level", 0.95);
    const char *unit = lopt_str(L, opt, "unit", "months");
    if (strcmp(unit, "months") != 0 && strcmp(unit, "days") != 0)
        luaL_error(L, "%s: unit must be \"months\" or \"days\"", fn);
    double horizon = lopt_num(L, opt, "horizon", strcmp(unit, "days") == 0 ? 36 * MONTH_DAYS : 36);
    if (!(horizon >= 0) || isinf(horizon))
        luaL_error(L, "%s: horizon must be a number >= 0", fn);
    km_options ko = {conf_type_of(L, ct), level, reverse};

    km_box *b = lua_newuserdatauv(L, sizeof *b, 1);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, FIT_MT);
    char err[256];
    if (km_compute(&in, &ko, &b->fit, err, sizeof err) < 0)
        luaL_error(L, "%s", err);
    b->keep = malloc((size_t)b->fit->nstrata * sizeof *b->keep);
    if (!b->keep)
        luaL_error(L, "%s: out of memory", fn);
    for (int32_t s = 0; s < b->fit->nstrata; s++)
        if (b->fit->strata[s].n > 0 || !by)
            b->keep[b->nkeep++] = s;

    lua_createtable(L, 0, 8); /* the fields */
    lua_createtable(L, b->nkeep, 0);
    for (int32_t k = 0; k < b->nkeep; k++) {
        const km_curve *cv = &b->fit->strata[b->keep[k]];
        lua_createtable(L, 0, 10);
        lua_pushstring(L, names ? names[b->keep[k]] : "all");
        lua_setfield(L, -2, "name");
        lcell_set_num(L, "n", (double)cv->n);
        lcell_set_num(L, "events", (double)cv->events);
        lcell_set_num(L, "median", cv->median);
        lcell_set_num(L, "median_lower", cv->median_lower);
        lcell_set_num(L, "median_upper", cv->median_upper);
        if (!reverse) {
            double rm, se;
            km_rmean(cv, horizon, &rm, &se);
            lcell_set_num(L, "rmean", rm);
            lcell_set_num(L, "rmean_se", se);
            lcell_set_num(L, "rmean_tau", horizon);
        }
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "strata");
    lcell_set_num(L, "n_missing", (double)b->fit->n_missing);
    lcell_set_num(L, "n", (double)b->fit->n_used);
    lua_pushstring(L, ct);
    lua_setfield(L, -2, "conf_type");
    lcell_set_num(L, "conf_level", level);
    lcell_set_num(L, "horizon", horizon);
    lua_pushstring(L, unit);
    lua_setfield(L, -2, "unit");
    if (by) {
        lua_pushstring(L, by);
        lua_setfield(L, -2, "by");
    }
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* survival.km(c, time, event [, opts]).  Stack: [...] -> [f]. */
static int s_km(lua_State *L) {
    return do_km(L, 0);
}

/* survival.followup(c, time, event [, opts]) -> strata with the median
 * follow-up (reverse Kaplan-Meier).  Stack: [...] -> [list]. */
static int s_followup(lua_State *L) {
    do_km(L, 1);
    lua_getiuservalue(L, -1, 1);
    lua_getfield(L, -1, "strata");
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) { /* median_lower -> lower */
        lua_geti(L, -1, i);
        lua_getfield(L, -1, "median_lower");
        lua_setfield(L, -2, "lower");
        lua_getfield(L, -1, "median_upper");
        lua_setfield(L, -2, "upper");
        lua_pop(L, 1);
    }
    return 1;
}

/* ---- survival.logrank ------------------------------------------------- */

/* The arguments (c, time, event, by [, opts]) of a comparison of groups
 * read into in: the outcome, the strata of `by`, their keys and the
 * subset.  Returns the level names (the cache's); *opt gets the options'
 * index (0: none). */
static char **setup_groups(lua_State *L, const char *fn, surv_input *in, int *opt) {
    cohort *c = lcohort_check(L, 1);
    const char *tname = luaL_checkstring(L, 2), *ename = luaL_checkstring(L, 3);
    const char *by = luaL_checkstring(L, 4);
    *opt = lua_istable(L, 5) ? 5 : 0;
    if (!*opt && !lua_isnoneornil(L, 5))
        luaL_typeerror(L, 5, "table of options");
    setup_outcome(L, 1, c, fn, tname, ename, in);
    char **names = setup_by(L, 1, c, fn, by, in);
    setup_keys(L, 1, c, fn, tname, ename, by, in);
    setup_subset(L, *opt, c, fn, in);
    return names;
}

/* survival.logrank(c, time, event, by [, opts]).  Stack: [...] -> [result]. */
static int s_logrank(lua_State *L) {
    surv_input in;
    int opt;
    char **names = setup_groups(L, "survival.logrank", &in, &opt);
    (void)opt;
    logrank_result *r = NULL;
    char err[256];
    if (logrank_compute(&in, &r, err, sizeof err) < 0)
        luaL_error(L, "%s", err);
    lua_createtable(L, 0, 10);
    lcell_set_num(L, "chisq", r->chisq);
    lua_pushinteger(L, r->df);
    lua_setfield(L, -2, "df");
    lcell_set_num(L, "p", r->p);
    char pt[32];
    lua_pushstring(L, surv_format_p(r->p, 3, pt, sizeof pt));
    lua_setfield(L, -2, "p_text");
    lcell_set_num(L, "n_missing", (double)r->n_missing);
    const char *tabs[] = {"names", "n", "observed", "expected"};
    for (int t = 0; t < 4; t++) {
        lua_newtable(L);
        lua_Integer pos = 0;
        for (int32_t g = 0; g < r->ngroups; g++) {
            if (r->n[g] == 0)
                continue; /* a level absent from the used rows */
            pos++;
            if (t == 0) {
                lua_pushstring(L, names[g]);
                lua_rawseti(L, -2, pos);
                continue;
            }
            double v = t == 1 ? r->n[g] : t == 2 ? r->observed[g] : r->expected[g];
            lcell_push_num(L, v);
            lua_rawseti(L, -2, pos);
            lcell_push_num(L, v);
            lua_setfield(L, -2, names[g]);
        }
        lua_setfield(L, -2, tabs[t]);
    }
    logrank_free(r);
    return 1;
}

/* ---- survival.median_diff ---------------------------------------------- */

/* survival.median_diff(c, time, event, by [, {B =, seed =, conf_level =,
 * subset =}]): the first level's median minus the second's, with a seeded
 * percentile bootstrap interval (km_boot.h).  Stack: [...] -> [result]. */
static int s_median_diff(lua_State *L) {
    const char *fn = "survival.median_diff";
    const char *by = luaL_checkstring(L, 4);
    surv_input in;
    int opt;
    char **names = setup_groups(L, fn, &in, &opt);
    lua_Integer B = lopt_int(L, opt, "B", 2000);
    lua_Integer seed = lopt_int(L, opt, "seed", 1);
    double level = lopt_num(L, opt, "conf_level", 0.95);
    if (in.ngroups != 2)
        luaL_error(L, "%s: '%s' has %d values; the median difference compares two groups", fn, by,
                   (int)in.ngroups);
    if (B < 10 || B > 100000 || seed < 0)
        luaL_error(L, "%s: B is 10 to 100000 and seed a whole number >= 0", fn);
    km_boot_result r;
    char err[256];
    if (km_median_diff_boot(&in, (int)B, (unsigned long)seed, level, &r, err, sizeof err) != 0)
        luaL_error(L, "%s: %s", fn, err);
    lua_createtable(L, 0, 12);
    lua_createtable(L, 2, 0);
    for (int g = 0; g < 2; g++) {
        lua_pushstring(L, names[g]);
        lua_rawseti(L, -2, g + 1);
    }
    lua_setfield(L, -2, "groups");
    lua_createtable(L, 2, 0);
    for (int g = 0; g < 2; g++) {
        lcell_push_num(L, r.median[g]);
        lua_rawseti(L, -2, g + 1);
    }
    lua_setfield(L, -2, "medians");
    lcell_set_num(L, "diff", r.diff);
    lcell_set_num(L, "lower", r.lower);
    lcell_set_num(L, "upper", r.upper);
    lcell_set_num(L, "conf_level", level);
    lcell_set_num(L, "B", (double)r.replicates);
    lcell_set_num(L, "seed", (double)r.seed);
    lcell_set_num(L, "dropped", (double)r.dropped);
    lcell_set_num(L, "not_reached", (double)r.not_reached);
    return 1;
}

/* ---- survival.cox ------------------------------------------------------ */

typedef struct cox_box {
    cox_covariate *cov;
    int8_t **flags; /* boolean columns as flags: already int8 in the cohort */
    size_t ncov;
    cox_result *res;
} cox_box;

static int coxbox_gc(lua_State *L) {
    cox_box *b = lua_touserdata(L, 1);
    free(b->cov);
    cox_free(b->res);
    b->cov = NULL;
    b->res = NULL;
    return 0;
}

/* survival.cox(c, time, event, {terms} [, opts]).  Stack: [...] -> [result]. */
static int s_cox(lua_State *L) {
    const char *fn = "survival.cox";
    cohort *c = lcohort_check(L, 1);
    const char *tname = luaL_checkstring(L, 2), *ename = luaL_checkstring(L, 3);
    luaL_checktype(L, 4, LUA_TTABLE);
    int opt = lua_istable(L, 5) ? 5 : 0;
    surv_input in;
    setup_outcome(L, 1, c, fn, tname, ename, &in);
    setup_subset(L, opt, c, fn, &in);
    const char *ties = lopt_str(L, opt, "ties", "efron");
    cox_options co = {COX_EFRON, lopt_num(L, opt, "conf_level", 0.95)};
    if (strcmp(ties, "breslow") == 0)
        co.ties = COX_BRESLOW;
    else if (strcmp(ties, "efron") != 0)
        luaL_error(L, "%s: ties must be \"efron\" or \"breslow\"", fn);

    /* a box with __gc owns the C allocations while Lua may raise errors */
    cox_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, coxbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_Integer nt = luaL_len(L, 4);
    if (nt < 1 || nt > 10000)
        luaL_error(L, "%s: give 1 to 10000 covariates", fn);
    b->cov = calloc(nt > 0 ? (size_t)nt : 1u, sizeof *b->cov);
    if (!b->cov)
        luaL_error(L, "%s: out of memory", fn);
    b->ncov = (size_t)nt;
    for (lua_Integer k = 1; k <= nt; k++) {
        lua_geti(L, 4, k);
        const char *name = lua_tostring(L, -1);
        if (!name)
            luaL_error(L, "%s: term %d is not a column name", fn, (int)k);
        cohort_column *col = need_col(L, c, fn, name);
        lua_pop(L, 1);
        cox_covariate *cv = &b->cov[k - 1];
        cv->name = col->name;
        if (col->type == COHORT_NUM)
            cv->num = col->v.num;
        else if (col->type == COHORT_BOOL)
            cv->flag = col->v.b;
        else {
            cv->codes = col->v.str;
            cv->levels = (const char *const *)col->levels;
            cv->nlevels = col->nlevels;
        }
    }
    char err[256];
    if (cox_fit(&in, b->cov, b->ncov, &co, &b->res, err, sizeof err) < 0)
        luaL_error(L, "%s", err);
    const cox_result *r = b->res;
    /* terms with one coefficient are also keyed by the term name */
    int32_t *per_term = lua_newuserdatauv(L, b->ncov * sizeof *per_term, 0);
    memset(per_term, 0, b->ncov * sizeof *per_term);
    for (size_t j = 0; j < r->p; j++)
        per_term[r->term[j]]++;
    lua_createtable(L, 0, 16);
    const char *tabs[] = {"coef", "se", "hr", "lower", "upper", "p", "z"};
    for (int t = 0; t < 7; t++) {
        lua_createtable(L, (int)r->p, (int)r->p);
        for (size_t j = 0; j < r->p; j++) {
            const double *src[] = {r->coef, r->se, r->hr, r->lower, r->upper, r->p_value, r->z};
            double v = src[t][j];
            lcell_push_num(L, v);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
            lcell_push_num(L, v);
            lua_setfield(L, -2, r->names[j]);
            const char *term = b->cov[r->term[j]].name;
            if (per_term[r->term[j]] == 1 && strcmp(term, r->names[j]) != 0) {
                lcell_push_num(L, v);
                lua_setfield(L, -2, term);
            }
        }
        lua_setfield(L, -2, tabs[t]);
    }
    lua_createtable(L, (int)r->p, 0);
    for (size_t j = 0; j < r->p; j++) {
        lua_pushstring(L, r->names[j]);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "names");
    lua_newtable(L); /* p-values as R prints them in summary(coxph) */
    {
        char *txt = malloc((r->p ? r->p : 1) * 32);
        if (txt && surv_format_pval(r->p_value, r->p, 3, txt, 32) == 0)
            for (size_t j = 0; j < r->p; j++) {
                lua_pushstring(L, txt + 32 * j);
                lua_rawseti(L, -2, (lua_Integer)j + 1);
                lua_pushstring(L, txt + 32 * j);
                lua_setfield(L, -2, r->names[j]);
            }
        free(txt);
    }
    lua_setfield(L, -2, "p_text");
    lcell_set_num(L, "n", (double)r->n);
    lcell_set_num(L, "nevent", (double)r->nevent);
    lcell_set_num(L, "n_missing", (double)r->n_missing);
    lcell_set_num(L, "loglik", r->loglik);
    lcell_set_num(L, "loglik0", r->loglik0);
    lua_pushinteger(L, r->iter);
    lua_setfield(L, -2, "iter");
    lua_pushboolean(L, r->converged);
    lua_setfield(L, -2, "converged");
    lua_pushstring(L, co.ties == COX_EFRON ? "efron" : "breslow");
    lua_setfield(L, -2, "ties");
    return 1;
}

/* survival.format_p(p [, digits]) -> text.  Stack: [p, digits?] -> [text]. */
static int s_format_p(lua_State *L) {
    double p = lua_isnil(L, 1) ? NAN : luaL_checknumber(L, 1);
    lua_Integer d = luaL_optinteger(L, 2, 3);
    luaL_argcheck(L, d >= 1 && d <= 15, 2, "digits must be 1..15");
    char buf[32];
    lua_pushstring(L, surv_format_p(p, (int)d, buf, sizeof buf));
    return 1;
}

static const luaL_Reg survival_funcs[] = {
    {"km", s_km},   {"logrank", s_logrank},   {"median_diff", s_median_diff},
    {"cox", s_cox}, {"followup", s_followup}, {"format_p", s_format_p},
    {NULL, NULL}};

static const luaL_Reg fit_methods[] = {{"at", fit_at}, {"curve", fit_curve}, {NULL, NULL}};

int dsl_open_survival(lua_State *L) {
    if (luaL_newmetatable(L, CACHE_MT)) {
        lua_pushcfunction(L, cache_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, FIT_MT)) {
        lua_pushcfunction(L, fit_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, fit_index);
        lua_setfield(L, -2, "__index");
        luaL_newlib(L, fit_methods);
        lua_setfield(L, -2, "methods");
        lua_pushliteral(L, "survival fit");
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
    luaL_newlib(L, survival_funcs);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "survival");
    return 1;
}
