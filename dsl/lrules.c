/* lrules.c - the `rules` Lua binding.  See lrules.h.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine is a userdata in the registry.  Evaluations are userdata kept
 * in a weak-keyed table cohort -> {set -> evaluation}; an evaluation holds
 * its cohort and the engine as user values, so neither is freed under it.
 */
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "expr.h"
#include "lcohort.h"
#include "lrules.h"

#define ENGINE "tnmlab.rules.engine"
#define EVAL "tnmlab.rules.eval"
#define CACHE "tnmlab.rules.cache"
#define INSTANCE "tnmlab.rules.instance" /* registry: this state's engine */

/* The engine box: the engine, and whether the state owns it. */
typedef struct engine_box {
    rules *r;
    int borrowed; /* made by the C program (dsl_rules_use): not freed here */
} engine_box;

static engine_box *box_of(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, INSTANCE);
    engine_box *u = luaL_testudata(L, -1, ENGINE);
    lua_pop(L, 1);
    return u;
}

rules *dsl_rules_engine(lua_State *L) {
    engine_box *u = box_of(L);
    return u ? u->r : NULL;
}

int dsl_rules_use(lua_State *L, rules *r) {
    engine_box *u = box_of(L);
    if (u == NULL)
        return -1;
    if (!u->borrowed)
        rules_free(u->r);
    u->r = r;
    u->borrowed = 1;
    return 0;
}

static rules *engine(lua_State *L) {
    rules *r = dsl_rules_engine(L);
    if (r == NULL)
        luaL_error(L, "rules: engine closed");
    return r;
}

static int engine_gc(lua_State *L) {
    engine_box *u = luaL_checkudata(L, 1, ENGINE);
    if (!u->borrowed)
        rules_free(u->r);
    u->r = NULL;
    return 0;
}

static int eval_gc(lua_State *L) {
    rules_eval **u = luaL_checkudata(L, 1, EVAL);
    rules_eval_free(*u);
    *u = NULL;
    return 0;
}

/* The up-to-date evaluation of set (arg 1) on the cohort (arg 2).
 * Stack: unchanged. */
static rules_eval *evaluation(lua_State *L) {
    const char *set = luaL_checkstring(L, 1);
    cohort *c = lcohort_check(L, 2);
    rules *r = engine(L);
    int top = lua_gettop(L);
    char err[600];
    lua_getfield(L, LUA_REGISTRYINDEX, CACHE);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    rules_eval **u;
    if (lua_getfield(L, -1, set) == LUA_TUSERDATA) {
        u = lua_touserdata(L, -1);
    } else {
        lua_pop(L, 1);
        u = lua_newuserdatauv(L, sizeof *u, 2);
        *u = NULL;
        luaL_setmetatable(L, EVAL);
        lua_pushvalue(L, 2);
        lua_setiuservalue(L, -2, 1);
        lua_getfield(L, LUA_REGISTRYINDEX, INSTANCE);
        lua_setiuservalue(L, -2, 2);
        if ((*u = rules_eval_new(r, set, c, err, sizeof err)) == NULL) {
            luaL_error(L, "%s", err);
            return NULL;
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, set);
    }
    if (rules_eval_run(*u, 0, err, sizeof err) != 0)
        luaL_error(L, "%s", err);
    lua_settop(L, top);
    return *u;
}

static int check(lua_State *L, int rc, const char *err) {
    if (rc != 0)
        return luaL_error(L, "%s", err);
    return 0;
}

/* rules.load(path) -> version */
static int l_load(lua_State *L) {
    char err[600];
    check(L, rules_load(engine(L), luaL_checkstring(L, 1), err, sizeof err), err);
    lua_pushinteger(L, rules_version(engine(L)));
    return 1;
}

/* rules.list() -> {names} */
static int l_list(lua_State *L) {
    rules *r = engine(L);
    lua_newtable(L);
    for (size_t i = 0; i < rules_nsets(r); i++) {
        lua_pushstring(L, rules_set_name(r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static void push_pvalue(lua_State *L, const rules_param_info *p) {
    if (p->type == RULES_P_TEXT)
        lua_pushstring(L, p->text);
    else if (p->type == RULES_P_BOOLEAN)
        lua_pushboolean(L, p->value != 0);
    else if (p->type == RULES_P_INTEGER)
        lua_pushinteger(L, (lua_Integer)p->value);
    else
        lua_pushnumber(L, p->value);
}

/* rules.params(set) -> {{name=, value=, ...}} */
static int l_params(lua_State *L) {
    rules *r = engine(L);
    const char *set = luaL_checkstring(L, 1);
    static const char *const tn[] = {"", "number", "integer", "boolean", "text"};
    lua_newtable(L);
    rules_param_info p;
    for (size_t i = 0; rules_param(r, set, i, &p) == 0; i++) {
        lua_createtable(L, 0, 9);
        lua_pushstring(L, p.name);
        lua_setfield(L, -2, "name");
        push_pvalue(L, &p);
        lua_setfield(L, -2, "value");
        lua_pushstring(L, tn[p.type]);
        lua_setfield(L, -2, "type");
        if (p.type == RULES_P_TEXT)
            lua_pushstring(L, p.text_def);
        else if (p.type == RULES_P_BOOLEAN)
            lua_pushboolean(L, p.def != 0);
        else
            lua_pushnumber(L, p.def);
        lua_setfield(L, -2, "default");
        if (p.type != RULES_P_TEXT && p.type != RULES_P_BOOLEAN) {
            lua_pushnumber(L, p.min);
            lua_setfield(L, -2, "min");
            lua_pushnumber(L, p.max);
            lua_setfield(L, -2, "max");
        }
        lua_pushstring(L, p.doc);
        lua_setfield(L, -2, "doc");
        lua_pushstring(L, p.file);
        lua_setfield(L, -2, "file");
        lua_pushinteger(L, p.line);
        lua_setfield(L, -2, "line");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* rules.get(set, name) -> value */
static int l_get(lua_State *L) {
    rules *r = engine(L);
    const char *set = luaL_checkstring(L, 1), *name = luaL_checkstring(L, 2);
    rules_param_info p;
    for (size_t i = 0; rules_param(r, set, i, &p) == 0; i++)
        if (strcmp(p.name, name) == 0) {
            push_pvalue(L, &p);
            return 1;
        }
    return luaL_error(L, "rule set '%s' has no param '%s'", set, name);
}

/* rules.set(set, name, value) -> version */
static int l_set(lua_State *L) {
    rules *r = engine(L);
    char err[600];
    const char *set = luaL_checkstring(L, 1), *name = luaL_checkstring(L, 2);
    luaL_checkany(L, 3);
    double v = lua_isboolean(L, 3)             ? lua_toboolean(L, 3)
               : lua_type(L, 3) == LUA_TNUMBER ? lua_tonumber(L, 3)
                                               : NAN;
    const char *text = lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : NULL;
    check(L, rules_set_param(r, set, name, v, text, err, sizeof err), err);
    lua_pushinteger(L, rules_version(r));
    return 1;
}

/* rules.warnings(set) -> {text} */
static int l_warnings(lua_State *L) {
    rules *r = engine(L);
    const char *set = luaL_checkstring(L, 1), *w;
    lua_newtable(L);
    for (size_t i = 0; (w = rules_set_warning(r, set, i)) != NULL; i++) {
        lua_pushstring(L, w);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* rules.eval(set, c) -> {n=, selected=, version=, landmark=} */
static int l_eval(lua_State *L) {
    rules_eval *ev = evaluation(L);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)cohort_nrows(lcohort_check(L, 2)));
    lua_setfield(L, -2, "n");
    lua_pushinteger(L, (lua_Integer)rules_eval_nselected(ev));
    lua_setfield(L, -2, "selected");
    lua_pushinteger(L, rules_version(engine(L)));
    lua_setfield(L, -2, "version");
    double lm = rules_eval_landmark(ev);
    if (lm == lm) {
        lua_pushnumber(L, lm);
        lua_setfield(L, -2, "landmark");
    }
    return 1;
}

/* rules.selected(set, c) -> {bool per row} */
static int l_selected(lua_State *L) {
    rules_eval *ev = evaluation(L);
    size_t n = cohort_nrows(lcohort_check(L, 2));
    const uint8_t *s = rules_eval_selected(ev);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushboolean(L, s[i] == EXPR_TRUE);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* rules.arms(set, c) -> {arm name or false per row} */
static int l_arms(lua_State *L) {
    rules_eval *ev = evaluation(L);
    size_t n = cohort_nrows(lcohort_check(L, 2));
    const int16_t *a = rules_eval_arms(ev);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (a[i] >= 0)
            lua_pushstring(L, rules_eval_arm_name(ev, (size_t)a[i]));
        else
            lua_pushboolean(L, 0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static void setint(lua_State *L, const char *k, size_t v) {
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

static void setstr(lua_State *L, const char *k, const char *v) {
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* rules.attrition(set, c) -> {{name=, reason=, before=, ...}} */
static int l_attrition(lua_State *L) {
    rules_eval *ev = evaluation(L);
    rules_step st[256];
    size_t n = rules_eval_attrition(ev, st, 256);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n && k < 256; k++) {
        lua_createtable(L, 0, 8);
        setstr(L, "name", st[k].name);
        setstr(L, "reason", st[k].reason);
        setint(L, "before", st[k].before);
        setint(L, "pass", st[k].pass);
        setint(L, "fail", st[k].fail);
        setint(L, "unknown", st[k].unknown);
        setint(L, "after", st[k].after);
        lua_pushboolean(L, st[k].unknown_kept);
        lua_setfield(L, -2, "unknown_kept");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static const char *result_name(int r) {
    return r == EXPR_TRUE      ? "pass"
           : r == EXPR_FALSE   ? "fail"
           : r == EXPR_UNKNOWN ? "unknown"
                               : "value";
}

/* rules.explain(set, c, row) -> {selected=, arm=, items={...}} */
static int l_explain(lua_State *L) {
    rules_eval *ev = evaluation(L);
    lua_Integer row = luaL_checkinteger(L, 3);
    char err[600];
    rules_trace t;
    check(L, rules_explain(ev, row >= 1 ? (size_t)(row - 1) : (size_t)-1, &t, err, sizeof err),
          err);
    lua_createtable(L, 0, 3);
    lua_pushboolean(L, t.selected);
    lua_setfield(L, -2, "selected");
    if (t.arm[0])
        setstr(L, "arm", t.arm);
    lua_createtable(L, (int)t.n, 0);
    for (size_t i = 0; i < t.n; i++) {
        const rules_trace_item *it = &t.items[i];
        char kind[2] = {it->kind, 0};
        lua_createtable(L, 0, 6);
        setstr(L, "kind",
               it->kind == 'c'   ? "criterion"
               : it->kind == 'd' ? "derive"
               : it->kind == 'a' ? "arm"
               : kind[0] == 's'  ? "selection"
               : kind[0] == 'w'  ? "why"
                                 : kind);
        setstr(L, "name", it->name);
        setstr(L, "reason", it->reason);
        setstr(L, "where", it->where);
        setstr(L, "result", result_name(it->result));
        setstr(L, "values", it->values);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "items");
    rules_trace_free(&t);
    return 1;
}

/* rules.verify_staging(set, c) -> {rows =, differ =, first =}: every row
 * staged again record by record (classify) against the column program. */
static int l_verify_staging(lua_State *L) {
    rules_eval *ev = evaluation(L);
    char err[600];
    size_t first = 0;
    long bad = rules_stage_verify(ev, &first, err, sizeof err);
    check(L, bad < 0 ? -1 : 0, err);
    lua_createtable(L, 0, 3);
    setint(L, "rows", cohort_nrows(lcohort_check(L, 2)));
    setint(L, "differ", (size_t)bad);
    if (bad > 0)
        setint(L, "first", first + 1);
    return 1;
}

/* rules.undo() / rules.redo() -> version or nil */
static int l_undo(lua_State *L) {
    if (rules_undo(engine(L)) != 0)
        return 0;
    lua_pushinteger(L, rules_version(engine(L)));
    return 1;
}

static int l_redo(lua_State *L) {
    if (rules_redo(engine(L)) != 0)
        return 0;
    lua_pushinteger(L, rules_version(engine(L)));
    return 1;
}

/* rules.version() -> version, label */
static int l_version(lua_State *L) {
    rules *r = engine(L);
    lua_pushinteger(L, rules_version(r));
    lua_pushstring(L, rules_version_label(r, rules_version(r)));
    return 2;
}

/* rules.diff(set, c [, va [, vb]]) -> {gained=, lost=, ...} */
static int l_diff(lua_State *L) {
    rules *r = engine(L);
    const char *set = luaL_checkstring(L, 1);
    cohort *c = lcohort_check(L, 2);
    int va = (int)luaL_optinteger(L, 3, rules_version(r) > 1 ? rules_version(r) - 1 : 1);
    int vb = (int)luaL_optinteger(L, 4, rules_version(r));
    char err[600];
    rules_diff d;
    check(L, rules_diff_versions(r, set, c, va, vb, &d, err, sizeof err), err);
    lua_createtable(L, 0, 6);
    setint(L, "gained", d.gained);
    setint(L, "lost", d.lost);
    setint(L, "arm_changed", d.arm_changed);
    lua_createtable(L, (int)d.nrows, 0);
    for (size_t i = 0; i < d.nrows; i++) {
        lua_pushinteger(L, (lua_Integer)d.rows[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "rows");
    lua_createtable(L, (int)d.nmoves, 0);
    for (size_t i = 0; i < d.nmoves; i++) {
        lua_createtable(L, 0, 3);
        setstr(L, "from", d.moves[i].from);
        setstr(L, "to", d.moves[i].to);
        setint(L, "count", d.moves[i].count);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "moves");
    setint(L, "stage_changed", d.stage_changed);
    lua_createtable(L, (int)d.nstage_moves, 0);
    for (size_t i = 0; i < d.nstage_moves; i++) {
        lua_createtable(L, 0, 3);
        setstr(L, "from", d.stage_moves[i].from);
        setstr(L, "to", d.stage_moves[i].to);
        setint(L, "count", d.stage_moves[i].count);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "stage_moves");
    rules_diff_free(&d);
    return 1;
}

static const luaL_Reg funcs[] = {{"load", l_load},
                                 {"list", l_list},
                                 {"params", l_params},
                                 {"get", l_get},
                                 {"set", l_set},
                                 {"warnings", l_warnings},
                                 {"eval", l_eval},
                                 {"selected", l_selected},
                                 {"arms", l_arms},
                                 {"attrition", l_attrition},
                                 {"explain", l_explain},
                                 {"undo", l_undo},
                                 {"redo", l_redo},
                                 {"version", l_version},
                                 {"diff", l_diff},
                                 {"verify_staging", l_verify_staging},
                                 {NULL, NULL}};

int dsl_open_rules(lua_State *L) {
    if (dsl_rules_engine(L) == NULL) {
        engine_box *u = lua_newuserdatauv(L, sizeof *u, 0);
        u->r = NULL;
        u->borrowed = 0;
        if (luaL_newmetatable(L, ENGINE)) {
            lua_pushcfunction(L, engine_gc);
            lua_setfield(L, -2, "__gc");
        }
        lua_setmetatable(L, -2);
        char err[300];
        if ((u->r = rules_new(0, 0, err, sizeof err)) == NULL)
            return luaL_error(L, "rules: %s", err);
        /* staging modules: TNMLAB_SCRIPTS/staging when the state has one */
        if (lua_getglobal(L, "TNMLAB_SCRIPTS") == LUA_TSTRING && *lua_tostring(L, -1)) {
            lua_pushfstring(L, "%s/staging", lua_tostring(L, -1));
            if (rules_set_staging_dir(u->r, lua_tostring(L, -1)) != 0)
                return luaL_error(L, "rules: out of memory");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, INSTANCE);
        if (luaL_newmetatable(L, EVAL)) {
            lua_pushcfunction(L, eval_gc);
            lua_setfield(L, -2, "__gc");
        }
        lua_pop(L, 1);
        lua_newtable(L); /* cache: weak keys (the cohorts) */
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_setfield(L, LUA_REGISTRYINDEX, CACHE);
    }
    luaL_newlib(L, funcs);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "rules");
    return 1;
}
