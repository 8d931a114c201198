/* export_cmd.c - the `export` command and lab.export_plot, lab.export_table,
 * lab.sweep and lab.manpage (see export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file reads the command's words and the Lua functions' options,
 * records the seed of a simulated cohort for the provenance and registers
 * the functions; the jobs are in export_plot_table.c, export_sweep.c and
 * export_man.c (export_int.h lists what they share).  Every job checks its
 * arguments and opens its output files before it computes anything, so a
 * typo in a param or an unwritable path costs nothing and leaves nothing
 * behind.
 */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <lauxlib.h>
#include <string.h>

#include "commands.h"
#include "lcohort.h"
#include "session.h"

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

int fill_provenance(session *s, export_provenance *p, char *err, size_t errlen) {
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

/* ---- the command */

int what_of(const char *w, unsigned *what) {
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

session *sess(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

int opt_bool(lua_State *L, int t, const char *k, int def) {
    if (t == 0)
        return def;
    lua_getfield(L, t, k);
    int v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

const char *opt_str(lua_State *L, int t, const char *k, const char *def) {
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

double opt_num(lua_State *L, int t, const char *k, double def) {
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
