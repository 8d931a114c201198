/* export_sweep.c - lab.sweep: a parameter sweep from Lua, written as
 * .csv, .md or .json with its provenance (see export.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the spec (rule sets, the grid of param values, the output files),
 * opens every output before the work, runs the sweep (sweep.c, on an engine
 * of its own) and returns its rows.  The option readers and the provenance
 * are shared with the other jobs (export_int.h).
 */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "sweep.h"

/* Text form of a Lua value for a param: 3 -> "3", true -> "true". */
static void value_text(lua_State *L, int idx, const char *param, char *buf, size_t n) {
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
        else
            snprintf(buf, n, "%.15g", lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN:
        snprintf(buf, n, "%s", lua_toboolean(L, idx) ? "true" : "false");
        break;
    case LUA_TSTRING:
        snprintf(buf, n, "%s", lua_tostring(L, idx));
        break;
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

/* Pushes a cell (NA and "" push nothing): 1 if pushed. */
static int push_cell(lua_State *L, int ty, double num, const char *str) {
    if (ty == 1) {
        if (!*str)
            return 0;
        lua_pushstring(L, str);
    } else if (isnan(num)) {
        return 0;
    } else if (num == floor(num) && fabs(num) < 1e15) {
        lua_pushinteger(L, (lua_Integer)num);
    } else {
        lua_pushnumber(L, num);
    }
    return 1;
}

static int sweep_tostring(lua_State *L) {
    lua_getfield(L, 1, "_text");
    return 1;
}

/* lab.sweep{sets = {...}, grid = {param = {values}}, out = path | {paths},
 *           print = false} -> rows
 * rows[i] has the wide columns (rule_set, the params, n, selected, os_*,
 * pfs_* of the first group; NA as nil); rows.long the lines of the files
 * (one per endpoint and group); tostring(rows) is the aligned table. */
int l_sweep(lua_State *L) {
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
    int print = lopt_bool(L, 1, "print", 0);
    const char *shard = lopt_str(L, 1, "shard", NULL);
    if (shard && sweep_shard_parse(shard, &spec->shard_k, &spec->shard_n) != 0)
        return luaL_error(L, "sweep: shard wants \"K/N\" with 1 <= K <= N, not '%s'", shard);
    if (!shard && s->opts && s->opts->shard_n > 0) { /* tnmlab --shard K/N */
        spec->shard_k = s->opts->shard_k;
        spec->shard_n = s->opts->shard_n;
    }
    const char *paths[8];
    int nout = sweep_outputs(L, 1, paths);
    for (int i = 0; i < nout && spec->shard_n > 0; i++)
        if (export_format_of(paths[i]) != EXPORT_CSV)
            return luaL_error(L, "sweep: %s: a shard is written as .csv (tnmlab merge joins them)",
                              paths[i]);

    /* Everything is checked, and every output opened, before the work. */
    char err[1200];
    if (model_update(&s->model, err, sizeof err) != 0)
        return luaL_error(L, "sweep: %s", err);
    if (sweep_check(&s->model, spec, err, sizeof err) != 0)
        return luaL_error(L, "%s", err);
    atomic_file *x = lua_newuserdatauv(L, sizeof *x * 8, 0);
    memset(x, 0, sizeof *x * 8);
    for (int i = 0; i < nout; i++) {
        export_format fmt = export_format_of(paths[i]);
        int bad = fmt != EXPORT_CSV && fmt != EXPORT_MD && fmt != EXPORT_JSON;
        if (bad)
            snprintf(err, sizeof err, "sweep: %s: sweeps are written as .csv, .md or .json",
                     paths[i]);
        if (bad || export_file_open(&x[i], paths[i], err, sizeof err) != 0) {
            for (int k = 0; k < i; k++)
                atomic_file_abort(&x[k]);
            return luaL_error(L, "%s", err);
        }
    }
    sweep_result r;
    int rc = sweep_run(&s->model, spec, &r, err, sizeof err);
    export_provenance p;
    char e2[1024];
    if (rc == 0 && export_provenance_fill(&p, &s->model, e2, sizeof e2) != 0) {
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
            used +=
                (size_t)snprintf(p.note + used, sizeof p.note - used, " %s=", spec->axis[a].name);
            for (int v = 0; v < spec->axis[a].nvalues && used < sizeof p.note; v++)
                used += (size_t)snprintf(p.note + used, sizeof p.note - used, "%s%s", v ? "," : "",
                                         spec->axis[a].value[v]);
        }
        if (r.skipped[0] && used < sizeof p.note)
            used += (size_t)snprintf(p.note + used, sizeof p.note - used,
                                     "; %s (its rows leave it empty)", r.skipped);
        if (used < sizeof p.note)
            snprintf(p.note + used, sizeof p.note - used,
                     "; the other params as in the session; run on a separate engine: the "
                     "session's rules are unchanged");
        if (spec->shard_n > 0 && r.nrows)
            snprintf(p.shard, sizeof p.shard, "%d/%d rows %zu-%zu of %zu, %zu lines", spec->shard_k,
                     spec->shard_n, r.first + 1, r.first + r.nrows, r.total, r.nlines);
        else if (spec->shard_n > 0)
            snprintf(p.shard, sizeof p.shard, "%d/%d rows none of %zu, 0 lines", spec->shard_k,
                     spec->shard_n, r.total);
        /* Every swept set's params as they stay through the sweep (the
         * swept ones vary by row), named set.param when there are several. */
        p.nparams = 0;
        for (int i = 0; i < spec->nsets; i++)
            export_provenance_add_params(&p, s->model.rules, spec->set[i],
                                         spec->nsets > 1 ? spec->set[i] : NULL);
        int k = 0;
        for (int i = 0; i < p.nparams; i++) {
            const char *dot = strrchr(p.params[i].name, '.');
            const char *base = spec->nsets > 1 && dot ? dot + 1 : p.params[i].name;
            int swept = 0;
            for (int a = 0; a < spec->naxes; a++)
                swept |= strcmp(base, spec->axis[a].name) == 0;
            if (!swept)
                p.params[k++] = p.params[i];
        }
        p.nparams = k;
        if (r.skipped[0])
            sink_printf(&s->out, "sweep: %s: its rows leave it empty\n", r.skipped);
    }
    for (int i = 0; i < nout && rc == 0; i++) {
        if (sweep_write(x[i].f, export_format_of(paths[i]), &r, &p, err, sizeof err) != 0 ||
            export_file_commit(&x[i], err, sizeof err) != 0)
            rc = -1;
    }
    for (int i = 0; i < nout; i++)
        atomic_file_abort(&x[i]); /* no-op for the committed ones */
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
        for (int j = 0; (ty = sweep_cell(&r, i, j, &name, &num, &str)) >= 0; j++)
            if (push_cell(L, ty, num, str))
                lua_setfield(L, -2, name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    /* rows.long: the lines of the files, one per endpoint and group */
    lua_createtable(L, (int)r.nlines, 0);
    for (size_t i = 0; i < r.nlines; i++) {
        lua_createtable(L, 0, 40);
        const char *name, *str;
        double num;
        int ty;
        for (int j = 0; (ty = sweep_long_cell(&r, i, j, &name, &num, &str)) >= 0; j++)
            if (push_cell(L, ty, num, str))
                lua_setfield(L, -2, name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "long");
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
