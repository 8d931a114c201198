/* lopt.c - reading the options table of a Lua call (see lopt.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lopt.h"

#include <lauxlib.h>

/* Pushes field key of the options table at t; 0 (nothing pushed) when
 * there is no table or the field is nil.  Read raw: no metamethod runs, and
 * a string read stays alive in the table. */
static int field(lua_State *L, int t, const char *key) {
    if (t == 0 || !lua_istable(L, t))
        return 0;
    t = lua_absindex(L, t);
    lua_pushstring(L, key);
    if (lua_rawget(L, t) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    return 0;
}

static void wrong(lua_State *L, const char *key, const char *want) {
    luaL_error(L, "option '%s': %s expected, got %s", key, want, luaL_typename(L, -1));
}

int lopt_bool(lua_State *L, int t, const char *key, int def) {
    if (!field(L, t, key))
        return def;
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

lua_Integer lopt_int(lua_State *L, int t, const char *key, lua_Integer def) {
    if (!field(L, t, key))
        return def;
    int ok;
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    if (!ok)
        wrong(L, key, "integer");
    lua_pop(L, 1);
    return v;
}

double lopt_num(lua_State *L, int t, const char *key, double def) {
    if (!field(L, t, key))
        return def;
    int ok;
    double v = lua_tonumberx(L, -1, &ok);
    if (!ok)
        wrong(L, key, "number");
    lua_pop(L, 1);
    return v;
}

const char *lopt_str(lua_State *L, int t, const char *key, const char *def) {
    if (!field(L, t, key))
        return def;
    if (lua_type(L, -1) != LUA_TSTRING)
        wrong(L, key, "string");
    const char *v = lua_tostring(L, -1);
    lua_pop(L, 1); /* the string stays alive in the options table */
    return v;
}
