/* export_cmd.c - the `export` command and lab.export_plot, lab.export_table,
 * lab.sweep and lab.manpage (see export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every function here checks its arguments and opens its output files
 * before it computes anything, so a typo in a param or an unwritable path
 * costs nothing and leaves nothing behind.
 */
#include "config.h"

#include "export.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lcohort.h"
#include "options.h"
#include "session.h"
#include "sweep.h"

#define ORIGIN_KEY "tnmlab.export.origin" /* registry: cohort -> {scenario, n, seed} */

/* ---- provenance: the seed of a simulated cohort */

/* Adds the scenario and seed of the session's cohort, when it came from
 * cohort.simulate or cohort.demo in this session. */
static void add_origin(session *s, export_provenance *p) {
    lua_State *L = s->L;
    if (s->cohort_ref == LUA_NOREF)
        return;
    lua_getfield(L, LUA_REGISTRYINDEX, ORIGIN_KEY);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->cohort_ref);
    if (lua_rawget(L, -2) == LUA_TTABLE) {
        if (lua_getfield(L, -1, "scenario") == LUA_TSTRING)
            snprintf(p->scenario, sizeof p->scenario, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        if (lua_getfield(L, -1, "seed") == LUA_TNUMBER) {
            p->seed = (long long)lua_tointeger(L, -1);
            p->has_seed = 1;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

static int fill_provenance(session *s, export_provenance *p, char *err, size_t errlen) {
    if (export_provenance_fill(p, &s->model, err, errlen) != 0)
        return -1;
    add_origin(s, p);
    return 0;
}

/* cohort.simulate / cohort.demo wrapped: the same results, and the cohort
 * remembered with its scenario and seed (weakly: it may still be freed).
 * Upvalue 1: the original function; upvalue 2: 1 for demo.
 * Stack: [args...] -> [results of the original]. */
static int l_traced_simulate(lua_State *L) {
    int nargs = lua_gettop(L);
    int demo = (int)lua_tointeger(L, lua_upvalueindex(2));
    const char *scenario = demo ? "stage_iv" : lua_tostring(L, 1);
    lua_Integer seed = 1;
    if (!demo && lua_istable(L, 2)) {
        if (lua_getfield(L, 2, "seed") == LUA_TNUMBER && lua_isinteger(L, -1))
            seed = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    char scen[64];
    snprintf(scen, sizeof scen, "%s", scenario ? scenario : "");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    int nres = lua_gettop(L);
    if (nres >= 1 && lcohort_test(L, 1)) {
        lua_getfield(L, LUA_REGISTRYINDEX, ORIGIN_KEY);
        lua_pushvalue(L, 1);
        lua_createtable(L, 0, 2);
        lua_pushstring(L, scen);
        lua_setfield(L, -2, "scenario");
        lua_pushinteger(L, seed);
        lua_setfield(L, -2, "seed");
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }
    return nres;
}

static void trace_simulations(lua_State *L) {
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushstring(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, ORIGIN_KEY);
    if (lua_getglobal(L, "cohort") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    const char *names[] = {"simulate", "demo"};
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, -1, names[i]) != LUA_TFUNCTION) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushinteger(L, i);
        lua_pushcclosure(L, l_traced_simulate, 2);
        lua_setfield(L, -2, names[i]);
    }
    lua_pop(L, 1);
}

/* ---- the work, shared by the command and Lua */

typedef struct plot_req {
    int endpoint, ci, before;
    const char *title;
} plot_req;

/* Opens path, brings the outcome up to date, writes the plot.  0 or -1
 * with err. */
static int do_export_plot(session *s, const char *path, const plot_req *rq, char *err,
                          size_t errlen) {
    if (export_format_of(path) != EXPORT_SVG) {
        snprintf(err, errlen, "export plot: %s: plots are written as .svg", path);
        return -1;
    }
    export_file x;
    if (export_file_open(&x, path, err, errlen) != 0)
        return -1;
    char e2[1024];
    export_provenance p;
    if (model_update(&s->model, e2, sizeof e2) != 0 || fill_provenance(s, &p, e2, sizeof e2) != 0 ||
        export_svg_model(x.f, &s->model, rq->endpoint, rq->ci, rq->before, rq->title, &p, e2,
                         sizeof e2) != 0) {
        export_file_abort(&x);
        snprintf(err, errlen, "export plot: %s", e2);
        return -1;
    }
    return export_file_commit(&x, err, errlen);
}

static int do_export_table(session *s, const char *path, unsigned what, char *err,
                           size_t errlen) {
    export_format fmt = export_format_of(path);
    if (fmt != EXPORT_CSV && fmt != EXPORT_MD && fmt != EXPORT_JSON) {
        snprintf(err, errlen, "export table: %s: tables are written as .csv, .md or .json", path);
        return -1;
    }
    if (what == 0)
        what = fmt == EXPORT_CSV ? EXPORT_T_OUTCOME : EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    if (fmt == EXPORT_CSV && what == (EXPORT_T_OUTCOME | EXPORT_T_ATTRITION)) {
        snprintf(err, errlen, "export table: a CSV file holds one table: outcome or attrition");
        return -1;
    }
    export_file x;
    if (export_file_open(&x, path, err, errlen) != 0)
        return -1;
    char e2[1024];
    export_provenance p;
    if (model_update(&s->model, e2, sizeof e2) != 0 || fill_provenance(s, &p, e2, sizeof e2) != 0 ||
        export_table_write(x.f, fmt, &s->model, what, &p, e2, sizeof e2) != 0) {
        export_file_abort(&x);
        snprintf(err, errlen, "export table: %s", e2);
        return -1;
    }
    return export_file_commit(&x, err, errlen);
}

static int what_of(const char *w, unsigned *what) {
    if (!strcmp(w, "outcome"))
        *what = EXPORT_T_OUTCOME;
    else if (!strcmp(w, "attrition"))
        *what = EXPORT_T_ATTRITION;
    else if (!strcmp(w, "all"))
        *what = EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    else
        return -1;
    return 0;
}

int export_cmd(session *s, int argc, char **argv) {
    const cmd_entry *c = commands_find("export");
    char err[1200];
    if (argc >= 3 && strcmp(argv[1], "plot") == 0) {
        plot_req rq = {MODEL_OS, 0, 0, NULL};
        if (s->plot_endpoint == MODEL_PFS)
            rq.endpoint = MODEL_PFS;
        for (int i = 3; i < argc; i++) {
            if (!strcmp(argv[i], "os") || !strcmp(argv[i], "OS"))
                rq.endpoint = MODEL_OS;
            else if (!strcmp(argv[i], "pfs") || !strcmp(argv[i], "PFS"))
                rq.endpoint = MODEL_PFS;
            else if (!strcmp(argv[i], "ci"))
                rq.ci = 1;
            else if (!strcmp(argv[i], "before"))
                rq.before = 1;
            else {
                sink_printf(&s->err, "export plot: '%s' is not os, pfs, ci or before\n", argv[i]);
                return 1;
            }
        }
        if (do_export_plot(s, argv[2], &rq, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "table") == 0) {
        unsigned what = 0;
        if (argc == 4 && what_of(argv[3], &what) != 0) {
            sink_printf(&s->err, "export table: '%s' is not outcome, attrition or all\n", argv[3]);
            return 1;
        }
        if (do_export_table(s, argv[2], what, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        sink_printf(&s->out, "wrote %s\n", argv[2]);
        return 0;
    }
    sink_printf(&s->err, "usage: export %s\n", c ? c->usage : "plot FILE.svg | table FILE.csv");
    return 1;
}

/* ---- Lua */

static session *sess(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

static int opt_bool(lua_State *L, int t, const char *k, int def) {
    if (t == 0)
        return def;
    lua_getfield(L, t, k);
    int v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static const char *opt_str(lua_State *L, int t, const char *k, const char *def) {
    if (t == 0)
        return def;
    lua_getfield(L, t, k);
    const char *v = def;
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "option '%s': a string expected, got %s", k, luaL_typename(L, -1));
        v = lua_tostring(L, -1); /* kept alive by the options table */
    }
    lua_pop(L, 1);
    return v;
}

static double opt_num(lua_State *L, int t, const char *k, double def) {
    if (t == 0)
        return def;
    lua_getfield(L, t, k);
    double v = def;
    if (!lua_isnil(L, -1)) {
        int ok;
        v = lua_tonumberx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "option '%s': a number expected, got %s", k, luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

/* Curves of a survival.km fit at index fi, copied into C arrays kept in a
 * userdata pushed on the stack (freed by Lua).  Returns the count. */
typedef struct fit_copy {
    int n;
    km_curve km[8];
    char label[8][96];
    char short_label[8][32];
    double *mem;
} fit_copy;

static int fit_copy_gc(lua_State *L) {
    fit_copy *fc = lua_touserdata(L, 1);
    free(fc->mem);
    fc->mem = NULL;
    return 0;
}

static double field_at(lua_State *L, int t, lua_Integer j) {
    lua_geti(L, t, j);
    double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
    return v;
}

static fit_copy *copy_fit(lua_State *L, int fi) {
    fit_copy *fc = lua_newuserdatauv(L, sizeof *fc, 0);
    memset(fc, 0, sizeof *fc);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, fit_copy_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    if (lua_getfield(L, fi, "strata") != LUA_TTABLE)
        luaL_error(L, "export_plot: fit is not a survival.km result");
    int ns = (int)luaL_len(L, -1);
    if (ns < 1 || ns > 8)
        luaL_error(L, "export_plot: the fit has %d strata (1 to 8 can be drawn)", ns);
    size_t total = 0;
    for (int i = 1; i <= ns; i++) { /* f:curve(i) */
        lua_getfield(L, fi, "curve");
        lua_pushvalue(L, fi);
        lua_pushinteger(L, i);
        lua_call(L, 2, 1);
        lua_getfield(L, -1, "time");
        total += (size_t)luaL_len(L, -1);
        lua_pop(L, 2);
    }
    /* one block: 5 double arrays + 3 uint32 arrays per curve, all as doubles */
    fc->mem = malloc((total + 1) * 8 * sizeof(double));
    if (fc->mem == NULL)
        luaL_error(L, "export_plot: out of memory");
    double *mem = fc->mem;
    for (int i = 1; i <= ns; i++) {
        km_curve *c = &fc->km[i - 1];
        lua_getfield(L, fi, "curve");
        lua_pushvalue(L, fi);
        lua_pushinteger(L, i);
        lua_call(L, 2, 1);
        int ct = lua_gettop(L);
        lua_getfield(L, ct, "time");
        size_t n = (size_t)luaL_len(L, -1);
        lua_pop(L, 1);
        c->ntime = n;
        c->time = mem;
        c->surv = mem + n;
        c->std_err = mem + 2 * n;
        c->lower = mem + 3 * n;
        c->upper = mem + 4 * n;
        c->n_risk = (uint32_t *)(mem + 5 * n);
        c->n_event = (uint32_t *)(mem + 6 * n);
        c->n_censor = (uint32_t *)(mem + 7 * n);
        mem += 8 * n;
        const char *names[] = {"time", "surv", "std_err", "lower", "upper",
                               "n_risk", "n_event", "n_censor"};
        double *dst[5] = {c->time, c->surv, c->std_err, c->lower, c->upper};
        uint32_t *cnt[3] = {c->n_risk, c->n_event, c->n_censor};
        for (int k = 0; k < 8; k++) {
            lua_getfield(L, ct, names[k]);
            int at = lua_gettop(L);
            for (size_t j = 0; j < n; j++) {
                double v = field_at(L, at, (lua_Integer)j + 1);
                if (k < 5)
                    dst[k][j] = v;
                else
                    /* a count from a user's table: NaN or negative is 0, past
                     * UINT32_MAX it saturates (no out-of-range cast) */
                    cnt[k - 5][j] = !(v > 0) ? 0 : v >= (double)UINT32_MAX ? UINT32_MAX
                                                                            : (uint32_t)v;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        lua_geti(L, -1, i); /* strata[i] */
        lua_getfield(L, -1, "name");
        lua_getfield(L, -2, "n");
        snprintf(fc->label[i - 1], sizeof fc->label[i - 1], "%s (n = %.0f)",
                 lua_isstring(L, -2) ? lua_tostring(L, -2) : "all",
                 lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0.0);
        snprintf(fc->short_label[i - 1], sizeof fc->short_label[i - 1], "%s",
                 lua_isstring(L, -2) ? lua_tostring(L, -2) : "all");
        lua_pop(L, 3);
        c->n = 0;
    }
    lua_pop(L, 1); /* strata */
    fc->n = ns;
    return fc;
}

/* lab.export_plot(path [, {endpoint = "os"|"pfs", ci =, before =, title =,
 *                          fit =, labels = {}, tmax =, tick =, ylabel =}]) -> path
 * With fit (a survival.km result) the plot shows its strata; otherwise the
 * laboratory's current outcome. */
static int l_export_plot(lua_State *L) {
    session *s = sess(L);
    const char *path = luaL_checkstring(L, 1);
    int t = lua_istable(L, 2) ? 2 : 0;
    if (!t && !lua_isnoneornil(L, 2))
        luaL_typeerror(L, 2, "table of options");
    const char *ep = opt_str(L, t, "endpoint", s->plot_endpoint == MODEL_PFS ? "pfs" : "os");
    plot_req rq = {MODEL_OS, opt_bool(L, t, "ci", 0), opt_bool(L, t, "before", 0),
                   opt_str(L, t, "title", NULL)};
    if (!strcmp(ep, "pfs") || !strcmp(ep, "PFS"))
        rq.endpoint = MODEL_PFS;
    else if (strcmp(ep, "os") && strcmp(ep, "OS"))
        return luaL_error(L, "export_plot: endpoint is \"os\" or \"pfs\", not \"%s\"", ep);
    char err[1200];
    int has_fit = t && lua_getfield(L, t, "fit") != LUA_TNIL;
    if (t)
        lua_pop(L, 1);
    if (!has_fit) {
        if (do_export_plot(s, path, &rq, err, sizeof err) != 0)
            return luaL_error(L, "%s", err);
        lua_pushstring(L, path);
        return 1;
    }
    if (export_format_of(path) != EXPORT_SVG)
        return luaL_error(L, "export_plot: %s: plots are written as .svg", path);
    export_file x;
    if (export_file_open(&x, path, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_getfield(L, t, "fit");
    int fi = lua_gettop(L);
    fit_copy *fc = copy_fit(L, fi);
    export_curve cv[8];
    int has_labels = lua_getfield(L, t, "labels") == LUA_TTABLE;
    for (int i = 0; i < fc->n; i++) {
        if (has_labels && lua_geti(L, -1, i + 1) == LUA_TSTRING) {
            snprintf(fc->label[i], sizeof fc->label[i], "%s", lua_tostring(L, -1));
            snprintf(fc->short_label[i], sizeof fc->short_label[i], "%s", lua_tostring(L, -1));
        }
        if (has_labels)
            lua_pop(L, 1);
        cv[i] = (export_curve){&fc->km[i], fc->label[i], 0, fc->short_label[i]};
    }
    lua_pop(L, 1);
    lua_getfield(L, fi, "unit");
    const char *unit = lua_isstring(L, -1) ? lua_tostring(L, -1) : "months";
    export_plot plot = {.curves = cv,
                        .ncurves = fc->n,
                        .title = rq.title,
                        .ylabel = opt_str(L, t, "ylabel", "Survival (%)"),
                        .unit = unit,
                        .tmax = opt_num(L, t, "tmax", 0),
                        .tick = opt_num(L, t, "tick", 0),
                        .ci = rq.ci};
    export_provenance p;
    char e2[1024];
    if (fill_provenance(s, &p, e2, sizeof e2) != 0 ||
        export_svg_write(x.f, &plot, &p, e2, sizeof e2) != 0) {
        export_file_abort(&x);
        return luaL_error(L, "export_plot: %s", e2);
    }
    if (export_file_commit(&x, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_pushstring(L, path);
    return 1;
}

/* lab.export_table(path [, {what = "outcome"|"attrition"|"all"}]) -> path */
static int l_export_table(lua_State *L) {
    session *s = sess(L);
    const char *path = luaL_checkstring(L, 1);
    int t = lua_istable(L, 2) ? 2 : 0;
    const char *w = opt_str(L, t, "what", NULL);
    unsigned what = 0;
    if (w && what_of(w, &what) != 0)
        return luaL_error(L, "export_table: what is \"outcome\", \"attrition\" or \"all\", not \"%s\"", w);
    char err[1200];
    if (do_export_table(s, path, what, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    lua_pushstring(L, path);
    return 1;
}

/* Text form of a Lua value for a param: 3 -> "3", true -> "true". */
static void value_text(lua_State *L, int idx, const char *param, char *buf, size_t n) {
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
        else
            snprintf(buf, n, "%.15g", lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN: snprintf(buf, n, "%s", lua_toboolean(L, idx) ? "true" : "false"); break;
    case LUA_TSTRING: snprintf(buf, n, "%s", lua_tostring(L, idx)); break;
    default:
        luaL_error(L, "sweep: grid.%s holds a %s; values are numbers, booleans or text", param,
                   luaL_typename(L, idx));
    }
}

/* The sweep's output paths: spec.out is a path or a list of paths. */
static int sweep_outputs(lua_State *L, int t, const char *paths[8]) {
    int n = 0;
    lua_getfield(L, t, "out");
    if (lua_isstring(L, -1)) {
        paths[n++] = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
        lua_Integer k = luaL_len(L, -1);
        if (k > 8)
            luaL_error(L, "sweep: at most 8 output files");
        for (lua_Integer i = 1; i <= k; i++) {
            lua_geti(L, -1, i);
            if (!lua_isstring(L, -1))
                luaL_error(L, "sweep: out[%d] is not a path", (int)i);
            paths[n++] = lua_tostring(L, -1);
            lua_pop(L, 1); /* the string stays in the out table */
        }
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "sweep: out is a path or a list of paths");
    }
    lua_pop(L, 1); /* spec.out stays alive in spec */
    return n;
}

static int sweep_tostring(lua_State *L) {
    lua_getfield(L, 1, "_text");
    return 1;
}

/* lab.sweep{sets = {...}, grid = {param = {values}}, out = path | {paths},
 *           print = false} -> rows
 * rows[i] has the flat columns (rule_set, the params, n, selected, os_*,
 * pfs_*; NA as nil); tostring(rows) is the aligned table. */
static int l_sweep(lua_State *L) {
    session *s = sess(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    sweep_spec *spec = lua_newuserdatauv(L, sizeof *spec, 0); /* big: off the C stack */
    memset(spec, 0, sizeof *spec);
    if (lua_getfield(L, 1, "sets") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        if (n > SWEEP_MAX_SETS)
            return luaL_error(L, "sweep: at most %d rule sets", SWEEP_MAX_SETS);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            if (!lua_isstring(L, -1))
                return luaL_error(L, "sweep: sets[%d] is not a rule set name", (int)i);
            snprintf(spec->set[spec->nsets++], sizeof spec->set[0], "%s", lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    } else if (lua_isstring(L, -1)) {
        snprintf(spec->set[spec->nsets++], sizeof spec->set[0], "%s", lua_tostring(L, -1));
    } else if (!lua_isnil(L, -1)) {
        return luaL_error(L, "sweep: sets is a list of rule set names");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "grid") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "sweep: grid keys are param names");
            const char *name = lua_tostring(L, -2);
            if (spec->naxes == SWEEP_MAX_AXES)
                return luaL_error(L, "sweep: at most %d params", SWEEP_MAX_AXES);
            sweep_axis *ax = &spec->axis[spec->naxes++];
            snprintf(ax->name, sizeof ax->name, "%s", name);
            if (lua_istable(L, -1)) {
                lua_Integer n = luaL_len(L, -1);
                if (n < 1 || n > SWEEP_MAX_VALUES)
                    return luaL_error(L, "sweep: grid.%s needs 1 to %d values", name,
                                      SWEEP_MAX_VALUES);
                for (lua_Integer i = 1; i <= n; i++) {
                    lua_geti(L, -1, i);
                    value_text(L, -1, name, ax->value[ax->nvalues++], sizeof ax->value[0]);
                    lua_pop(L, 1);
                }
            } else {
                value_text(L, -1, name, ax->value[ax->nvalues++], sizeof ax->value[0]);
            }
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        return luaL_error(L, "sweep: grid is a table {param = {values...}}");
    }
    lua_pop(L, 1);
    int print = opt_bool(L, 1, "print", 0);
    const char *paths[8];
    int nout = sweep_outputs(L, 1, paths);

    /* Everything is checked, and every output opened, before the work. */
    char err[1200];
    if (model_update(&s->model, err, sizeof err) != 0)
        return luaL_error(L, "sweep: %s", err);
    if (sweep_check(&s->model, spec, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    export_file *x = lua_newuserdatauv(L, sizeof *x * 8, 0);
    memset(x, 0, sizeof *x * 8);
    for (int i = 0; i < nout; i++) {
        export_format fmt = export_format_of(paths[i]);
        int bad = fmt != EXPORT_CSV && fmt != EXPORT_MD && fmt != EXPORT_JSON;
        if (bad)
            snprintf(err, sizeof err, "sweep: %s: sweeps are written as .csv, .md or .json",
                     paths[i]);
        if (bad || export_file_open(&x[i], paths[i], err, sizeof err) != 0) {
            for (int k = 0; k < i; k++)
                export_file_abort(&x[k]);
            return luaL_error(L, "%s", err);
        }
    }
    sweep_result r;
    int rc = sweep_run(&s->model, spec, &r, err, sizeof err);
    export_provenance p;
    char e2[1024];
    if (rc == 0 && fill_provenance(s, &p, e2, sizeof e2) != 0) {
        snprintf(err, sizeof err, "sweep: %s", e2);
        rc = -1;
    }
    if (rc == 0) {
        size_t used = 0;
        p.set[0] = '\0';
        for (int i = 0; i < spec->nsets; i++)
            used += (size_t)snprintf(p.set + used, used < sizeof p.set ? sizeof p.set - used : 0,
                                     "%s%s", i ? "," : "", spec->set[i]);
        used = (size_t)snprintf(p.note, sizeof p.note, "sweep over");
        for (int a = 0; a < spec->naxes && used < sizeof p.note; a++) {
            used += (size_t)snprintf(p.note + used, sizeof p.note - used, " %s=",
                                     spec->axis[a].name);
            for (int v = 0; v < spec->axis[a].nvalues && used < sizeof p.note; v++)
                used += (size_t)snprintf(p.note + used, sizeof p.note - used, "%s%s",
                                         v ? "," : "", spec->axis[a].value[v]);
        }
        if (used < sizeof p.note)
            snprintf(p.note + used, sizeof p.note - used,
                     "; the other params as in the session; run on a separate engine: the "
                     "session's rules are unchanged");
        if (spec->nsets > 1 || strcmp(spec->set[0], s->model.set) != 0) {
            p.nparams = 0; /* the active set's params would mislead */
        } else { /* the swept params vary by row: keep only the fixed ones */
            int k = 0;
            for (int i = 0; i < p.nparams; i++) {
                int swept = 0;
                for (int a = 0; a < spec->naxes; a++)
                    swept |= strcmp(p.params[i].name, spec->axis[a].name) == 0;
                if (!swept)
                    p.params[k++] = p.params[i];
            }
            p.nparams = k;
        }
    }
    for (int i = 0; i < nout && rc == 0; i++) {
        if (sweep_write(x[i].f, export_format_of(paths[i]), &r, &p, err, sizeof err) != 0 ||
            export_file_commit(&x[i], err, sizeof err) != 0)
            rc = -1;
    }
    for (int i = 0; i < nout; i++)
        export_file_abort(&x[i]); /* no-op for the committed ones */
    if (rc != 0) {
        sweep_result_free(&r);
        return luaL_error(L, "%s", err);
    }
    /* the rows */
    lua_createtable(L, (int)r.nrows, 1);
    for (size_t i = 0; i < r.nrows; i++) {
        lua_createtable(L, 0, 48);
        const char *name, *str;
        double num;
        int ty;
        for (int j = 0; (ty = sweep_cell(&r, i, j, &name, &num, &str)) >= 0; j++) {
            if (ty == 1) {
                if (!*str)
                    continue;
                lua_pushstring(L, str);
            } else if (isnan(num)) {
                continue;
            } else if (num == floor(num) && fabs(num) < 1e15) {
                lua_pushinteger(L, (lua_Integer)num);
            } else {
                lua_pushnumber(L, num);
            }
            lua_setfield(L, -2, name);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    char *text = sweep_text(&r);
    lua_pushstring(L, text ? text : "");
    lua_setfield(L, -2, "_text");
    if (print && text)
        sink_puts(&s->out, text);
    free(text);
    sweep_result_free(&r);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sweep_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    return 1;
}

/* ---- the manual page, from the same tables as --help and `help` */

static void roff(luaL_Buffer *b, const char *s) {
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            luaL_addstring(b, "\\&");
        bol = *s == '\n';
        if (*s == '\\')
            luaL_addstring(b, "\\e");
        else if (*s == '-')
            luaL_addstring(b, "\\-");
        else
            luaL_addchar(b, *s);
    }
}

/* lab.manpage() -> the tnmlab(1) page in roff */
static int l_manpage(lua_State *L) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, ".\\\" tnmlab.1 - generated by `tnmlab -e 'io.write(lab.manpage())'` from "
                       "the option and command tables; do not edit.\n");
    luaL_addstring(&b, ".TH TNMLAB 1 \"\" \"tnmlab " PACKAGE_VERSION "\" \"User Commands\"\n");
    luaL_addstring(&b, ".SH NAME\ntnmlab \\- a terminal laboratory for lung cancer staging and "
                       "selection rules\n");
    luaL_addstring(&b, ".SH SYNOPSIS\n.B tnmlab\n[\\fIOPTIONS\\fR] [\\fISCRIPT.lua\\fR "
                       "[\\fIARGS\\fR...]]\n");
    luaL_addstring(&b,
                   ".SH DESCRIPTION\nLua scripts encode TNM staging (8th and 9th edition) and "
                   "treatment selection rules; the laboratory shows who is selected, attrition "
                   "step by step, Kaplan\\-Meier overall and progression\\-free survival, "
                   "medians, 1/2/3\\-year survival, and the difference against the previous "
                   "version of the rules, with figures as R's survival package computes them.\n"
                   ".PP\nWithout a script, tnmlab is interactive: full screen when standard input "
                   "and output are terminals, a line REPL otherwise, on the bundled simulated "
                   "demo cohort with the De Ruysscher rule set. A line whose first word is a "
                   "command (below) runs it; anything else is Lua.\n"
                   ".PP\nWith a script, tnmlab runs it in the trusted Lua state (the whole "
                   "standard library plus the tnmlab API) and exits.\n");
    luaL_addstring(&b, ".SH OPTIONS\n");
    for (const tnm_option_spec *o = options_table; o->lng; o++) {
        luaL_addstring(&b, ".TP\n");
        if (o->shrt) {
            char sh[8] = {'\\', 'f', 'B', '\\', '-', o->shrt, 0};
            luaL_addstring(&b, sh);
            luaL_addstring(&b, "\\fR, ");
        }
        luaL_addstring(&b, "\\fB\\-\\-");
        roff(&b, o->lng);
        luaL_addstring(&b, "\\fR");
        if (o->arg) {
            luaL_addstring(&b, " \\fI");
            roff(&b, o->arg);
            luaL_addstring(&b, "\\fR");
        }
        luaL_addstring(&b, "\n");
        roff(&b, o->help);
        luaL_addstring(&b, ".\n");
    }
    luaL_addstring(&b, ".SH COMMANDS\nAt the prompt, in scripts through \\fBlab.run(\"LINE\")\\fR, "
                       "optionally with a leading dot as in sqlite3:\n");
    for (const cmd_entry *c = commands_table; c->name; c++) {
        luaL_addstring(&b, ".TP\n\\fB");
        roff(&b, c->name);
        luaL_addstring(&b, "\\fR");
        if (c->usage && *c->usage) {
            luaL_addstring(&b, " ");
            roff(&b, c->usage);
        }
        luaL_addstring(&b, "\n");
        roff(&b, c->help);
        luaL_addstring(&b, ".\n");
    }
    roff(&b, ".SH LUA\n"
             "Besides the rules, cohort, survival, tnm8 and tnm9 modules, the table "
             "\\fBlab\\fR reaches the laboratory:\n"
             ".TP\n\\fBlab.run(\\fIline\\fB)\\fR\nrun a command; true, or nil and a message.\n"
             ".TP\n\\fBlab.cohort()\\fR, \\fBlab.set_cohort(\\fIc\\fB [, \\fIname\\fB [, "
             "\\fIunit\\fB]])\\fR\nthe current cohort; make \\fIc\\fR current (unit months or days).\n"
             ".TP\n\\fBlab.export_plot(\\fIpath\\fB [, {endpoint, ci, before, title, fit, labels}])\\fR\n"
             "a Kaplan-Meier plot as SVG, of the current outcome or of a survival.km fit.\n"
             ".TP\n\\fBlab.export_table(\\fIpath\\fB [, {what = \"outcome\"|\"attrition\"|\"all\"}])\\fR\n"
             "the outcome or attrition as .csv, .md or .json.\n"
             ".TP\n\\fBlab.sweep{sets = {...}, grid = {\\fIparam\\fB = {...}}, out = \\fIpath(s)\\fB, "
             "print = \\fIbool\\fB}\\fR\n"
             "one row per rule set and combination of param values: selected N, OS and PFS "
             "median with CI, 1/2/3-year survival, HR; returned as a table (tostring gives the "
             "aligned text) and written as .csv, .md or .json. The session's rules get no new "
             "version.\n");
    roff(&b, ".SH OUTPUT FILES\n"
             "Every exported file records its provenance: tnmlab version, date, rule set and "
             "param values, rules version, SHA-256 of each rule file (check with sha256sum) and "
             "of the cohort's contents, and the scenario and seed of a simulated cohort. CSV "
             "files carry it as leading lines starting with #: read them with "
             "read.csv(f, comment.char = \"#\") in R or pandas.read_csv(f, comment = \"#\"). "
             "JSON files have a provenance member, Markdown a footer, SVG a metadata element. "
             "Files are written to a temporary file beside the target and renamed into place; "
             "an unwritable path fails before any work. Times are in months (1 year = 12 "
             "months = 365.25 days). SOURCE_DATE_EPOCH, when set, fixes the recorded date.\n");
    roff(&b, ".SH EXIT STATUS\n0 on success, 1 on a script error (reported as file:line: "
             "message on standard error), 2 on a usage error.\n");
    roff(&b, ".SH ENVIRONMENT\n.TP\nTNMLAB_SCRIPTS\nthe folder with staging/, selection/, "
             "scenarios/ and examples/ (default: next to the program, else " TNMLAB_PKGDATADIR
             "/scripts).\n.TP\nTNMLAB_DATA\nthe folder with the bundled cohorts.\n.TP\n"
             "TNMLAB_CSV_MAX_BYTES\nthe largest CSV file that load cohort, --cohort and "
             "cohort.read_csv read, in bytes (default 4 GiB); cohort.read_csv's max_bytes option "
             "overrides it.\n.TP\n"
             "XDG_STATE_HOME\nwhere the session and history are kept.\n");
    roff(&b, ".SH FILES\n.TP\n" TNMLAB_PKGDATADIR "/scripts\nstaging and selection rules, "
             "scenarios and example batch scripts.\n");
    roff(&b, ".SH EXAMPLES\n.nf\ntnmlab --plain\n"
             "tnmlab -e 'print(tnm8.stage(\"T2a\", \"N2\", \"M0\"))'\n"
             "tnmlab " TNMLAB_PKGDATADIR "/scripts/examples/sweep.lua /tmp/out\n"
             "tnmlab -e 'lab.run(\"export plot km.svg os ci\")'\n.fi\n");
    roff(&b, ".SH SEE ALSO\n\\fBR\\fR(1), \\fBlua\\fR(1), \\fBsqlite3\\fR(1)\n");
    luaL_pushresult(&b);
    return 1;
}

void export_open(session *s) {
    static const luaL_Reg fns[] = {{"export_plot", l_export_plot},
                                   {"export_table", l_export_table},
                                   {"sweep", l_sweep},
                                   {"manpage", l_manpage},
                                   {NULL, NULL}};
    lua_State *L = s->L;
    if (lua_getglobal(L, "lab") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setglobal(L, "lab");
    }
    lua_pushlightuserdata(L, s);
    luaL_setfuncs(L, fns, 1);
    lua_pop(L, 1);
    trace_simulations(L);
}
