/* lcell.c - a cohort cell pushed as a Lua value (see lcell.h).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lcell.h"

#include <math.h>

int lcell_push_num(lua_State *L, double v) {
    if (isnan(v)) {
        lua_pushnil(L);
        return 0;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0 && !(v == 0 && signbit(v)))
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
    return 1;
}

void lcell_set_num(lua_State *L, const char *key, double v) {
    lcell_push_num(L, v);
    lua_setfield(L, -2, key);
}

int lcell_push(lua_State *L, const cohort_column *col, size_t i) {
    switch (col->type) {
    case COHORT_NUM:
        return lcell_push_num(L, col->v.num[i]);
    case COHORT_STR: {
        const char *s = cohort_str(col, i);
        if (s == NULL)
            break;
        lua_pushstring(L, s);
        return 1;
    }
    case COHORT_BOOL:
        if (col->v.b[i] < 0)
            break;
        lua_pushboolean(L, col->v.b[i]);
        return 1;
    }
    lua_pushnil(L);
    return 0;
}
