/* sandbox_env.c - what rule code sees in the sandbox: libraries, base table.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wrapped library functions (pcall and xpcall that cannot swallow a
 * limit error, the pattern guard of string.find/match/gmatch/gsub, the
 * budget charges of string.rep and table.move, setmetatable without __gc,
 * the timing of the rest), the read-only library proxies, the base table
 * and the guarded per-chunk environment over it.  The state, the metering
 * and loading are sandbox.c's.
 */
#include "sandbox_int.h"

#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

/* pcall(f, ...) that cannot swallow a limit error.
 * Stack: [f, args...] -> [true, results...] or [false, msg]. */
static int sb_pcall_fn(lua_State *L) {
    luaL_checkany(L, 1);
    int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (st != LUA_OK) {
        if (st == LUA_ERRMEM || limit_hit(sb_of(L)))
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
}

/* The message handler xpcall installs: the rule's handler (upvalue 1) runs
 * for the rule's own errors only.  A limit error is raised from inside the
 * count hook, where Lua runs no hooks: a rule handler run then would be
 * neither metered nor interruptible.  Stack: [msg] -> [msg']. */
static int sb_handler(lua_State *L) {
    if (limit_hit(sb_of(L)))
        return 1;
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

/* xpcall(f, handler, ...) likewise.  Stack: [f, h, args...] -> as pcall. */
static int sb_xpcall_fn(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, sb_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2); /* [handler, f, args...] */
    int st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    if (st != LUA_OK) {
        if (st == LUA_ERRMEM || limit_hit(sb_of(L)))
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_replace(L, 1);
    return lua_gettop(L);
}

/* Raises msg at the position of the Lua code that triggered a metamethod
 * (level 2: level 1 is the metamethod itself). */
static int error_at_caller(lua_State *L, const char *msg, int key) {
    luaL_where(L, 1); /* level 1: the rule code that touched the name */
    lua_pushfstring(L, msg, lua_type(L, key) == LUA_TSTRING ? lua_tostring(L, key) : "?");
    lua_concat(L, 2);
    return lua_error(L);
}

/* __index / __newindex of the environment: unknown globals are errors. */
static int env_index(lua_State *L) {
    return error_at_caller(L, "unknown name '%s' (not available in rule files)", 2);
}

static int env_newindex(lua_State *L) {
    return error_at_caller(L, "assignment to global '%s' (use 'local' in rule files)", 2);
}

static int ro_newindex(lua_State *L) {
    return error_at_caller(L, "cannot set '%s': library tables are read-only in rule files", 2);
}

/* Iterator over the real table (upvalue 1) that never hands it out.
 * Stack: [proxy, key] -> [key, value] or [nil]. */
static int ro_next(lua_State *L) {
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)) == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

/* __pairs of a read-only proxy.  Stack: [proxy] -> [iter, proxy, nil]. */
static int ro_pairs(lua_State *L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushcclosure(L, ro_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Replaces the table on top with a read-only proxy of it.
 * Stack: [t] -> [proxy]. */
static void push_readonly(lua_State *L) {
    lua_newtable(L);          /* t proxy */
    lua_createtable(L, 0, 4); /* t proxy mt */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2); /* t proxy */
    lua_remove(L, -2);
}

/* ------------------------------------------------------- pattern guard
 *
 * Lua's pattern matcher runs in C: the count hook never fires inside it, so
 * `string.rep("a", 1e5):find(".-.-.-b")` would run for hours with neither
 * the budget nor Ctrl-C able to stop it.  Backtracking costs at most about
 * (len + 1) per repetition item (* + - and %b, %1..%9) and 2 per '?', times
 * (len + 1) start positions unless the pattern is anchored with '^'; a
 * long set [...] costs its length / 8 at each step, since the matcher scans
 * it.  The
 * wrappers refuse a call whose bound exceeds PATTERN_BUDGET before it runs,
 * so every pattern call that does run finishes in well under a second. */

enum { PATTERN_MAX_LEN = 1024 };
#define PATTERN_BUDGET 2e8 /* steps of the matcher, worst case */

/* Worst-case steps of matching pattern p (plen bytes) against a subject of
 * len bytes, as the bound above says. */
static double pattern_cost(const char *p, size_t plen, size_t len, int can_anchor) {
    double n = (double)len + 1, cost = 1;
    size_t i = 0;
    if (can_anchor && plen > 0 && p[0] == '^')
        i = 1;
    else
        cost = n;
    while (i < plen && cost <= PATTERN_BUDGET) {
        char c = p[i++];
        if (c == '%' && i < plen) {
            char d = p[i++];
            if (d == 'b') { /* %bxy scans to the matching y */
                i += 2;
                cost *= n;
                continue;
            }
            if (d == 'f') { /* %f[set]: a frontier, one step */
                if (i < plen && p[i] == '[') {
                    i++;
                    if (i < plen && p[i] == '^')
                        i++;
                    if (i < plen)
                        i++; /* a ']' first is part of the set */
                    while (i < plen && p[i] != ']')
                        i += p[i] == '%' ? 2 : 1;
                    i++;
                }
                continue;
            }
            if (d >= '1' && d <= '9') /* back reference: compares a capture */
                cost *= n;
        } else if (c == '[') {
            /* matching one character against a set scans the set */
            size_t start = i;
            if (i < plen && p[i] == '^')
                i++;
            if (i < plen)
                i++;
            while (i < plen && p[i] != ']')
                i += p[i] == '%' ? 2 : 1;
            i++;
            if (i - start > 8)
                cost *= (double)(i - start) / 8;
        } else if (c == '(' || c == ')' || (c == '$' && i == plen)) {
            continue;
        }
        if (i < plen && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
            cost *= n;
            i++;
        } else if (i < plen && p[i] == '?') {
            cost *= 2;
            i++;
        }
    }
    return cost;
}

/* The guard shared by the wrappers: arg 1 subject, arg 2 pattern; plain
 * (string.find's 4th argument) compares bytes only, at most len * plen. */
static double pattern_check(lua_State *L, const char *fname, int can_anchor, int plain) {
    size_t len, plen;
    luaL_checklstring(L, 1, &len);
    const char *p = luaL_checklstring(L, 2, &plen);
    double cost =
        plain ? ((double)len + 1) * ((double)plen + 1) : pattern_cost(p, plen, len, can_anchor);
    if (!plain && plen > PATTERN_MAX_LEN)
        luaL_error(L, "string.%s: pattern longer than %d characters", fname, (int)PATTERN_MAX_LEN);
    if (cost > PATTERN_BUDGET)
        luaL_error(L,
                   "string.%s: pattern '%s' on a text of %d characters could "
                   "take too long (a rule must not use patterns that "
                   "backtrack this much); use a simpler pattern or a shorter text",
                   fname, plen > 40 ? "(long)" : p, (int)(len > 2000000000 ? 2000000000 : len));
    return cost;
}

/* Calls the library function a wrapper stands for (its upvalue 1) with
 * the wrapper's arguments.  Stack: [args...] -> [results...]. */
static int call_original(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* Any other string, table or utf8 function: called as it is, and charged
 * its time when that was long (table.sort of a big table, table.concat,
 * s:upper() of a long text), unless it called rule code back (a sort's
 * comparator), which the hook counts.  Upvalue 1: the original. */
static int sb_timed(lua_State *L) {
    int callback = 0;
    for (int i = 1; i <= lua_gettop(L) && !callback; i++)
        callback = lua_type(L, i) == LUA_TFUNCTION;
    double t0 = now_ns();
    int nres = call_original(L);
    if (!callback)
        charge_time(L, now_ns() - t0);
    return nres;
}

/* string.find/match/gmatch/gsub checked by pattern_check, then the original
 * (upvalue 1) called with the same arguments.  Upvalue 2: the name.
 * Stack: [args...] -> [results of the original]. */
static int guarded_pattern_fn(lua_State *L) {
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    int find = strcmp(name, "find") == 0;
    size_t plen;
    const char *p = luaL_checklstring(L, 2, &plen);
    int plain = find && lua_toboolean(L, 4);
    if (find && !plain && strpbrk(p, "^$*+?.([%-") == NULL)
        plain = 1; /* lstrlib does a plain search then */
    pattern_check(L, name, strcmp(name, "gmatch") != 0, plain);
    /* a replacement function's own instructions are counted by the hook */
    int timed = !(strcmp(name, "gsub") == 0 && lua_type(L, 3) == LUA_TFUNCTION);
    double t0 = now_ns();
    int nres = call_original(L);
    if (timed)
        charge_time(L, now_ns() - t0);
    return nres;
}

/* setmetatable(t, mt) that refuses finalizers: a __gc would run whenever
 * the collector decides, also outside any metered call (while C builds a
 * table, or when the state closes), where neither the budget nor Ctrl-C
 * could stop it.  Upvalue 1: the original.  Stack: [t, mt] -> [t]. */
static int sb_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: finalizers (__gc) are not allowed in "
                                 "rule files");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    return call_original(L);
}

/* string.rep(s, n [, sep]): lstrlib copies n pieces in a C loop that the
 * count hook never sees, so n counts against the budget (and an empty
 * result comes back at once: rep("", 1e15) is "").  Upvalue 1: the
 * original.  Stack: [s, n, sep] -> [result]. */
static int sb_rep(lua_State *L) {
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    /* a result beyond the cap fails at its one allocation, before the loop */
    if ((double)n * (double)(l + lsep) <= (double)sb_of(L)->cap)
        sb_charge(L, (double)n);
    lua_settop(L, 3);
    return call_original(L);
}

/* table.move(a1, f, e, t [, a2]): a C loop of e - f + 1 steps, charged to
 * the budget before it starts.  Upvalue 1: the original. */
static int sb_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f)
        sb_charge(L, (double)e - (double)f + 1);
    return call_original(L);
}

/* Replaces lib[name] (lib on top of the stack) with fn closed over the
 * original (and the name as upvalue 2). */
static void wrap(lua_State *L, const char *name, lua_CFunction fn) {
    lua_getfield(L, -1, name);
    lua_pushstring(L, name);
    lua_pushcclosure(L, fn, 2);
    lua_setfield(L, -2, name);
}

/* Gives the table below the top a protected metatable whose __index is the
 * value on top (the base table, or env_index) and whose __newindex refuses
 * every assignment.  Stack: [t, index] -> [t]. */
static void set_guard(lua_State *L) {
    lua_createtable(L, 0, 3);
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* Wraps every function of library `name` that is not wrapped yet (a C
 * function, not a closure) in sb_timed. */
static void wrap_rest(lua_State *L, const char *name) {
    lua_getglobal(L, name);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        int plain = 0;
        if (lua_iscfunction(L, -1)) {
            if (lua_getupvalue(L, -1, 1) != NULL)
                lua_pop(L, 1);
            else
                plain = 1;
        }
        if (plain) {
            lua_pushvalue(L, -2); /* key */
            lua_insert(L, -2);
            lua_pushnil(L);
            lua_pushcclosure(L, sb_timed, 2);
            lua_rawset(L, -4); /* lib[key] = wrapper: an existing key, next goes on */
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static const char *const base_allowed[] = {
    "assert", "error",        "ipairs",   "next",   "pairs",  "select",   "tonumber", "tostring",
    "type",   "getmetatable", "rawequal", "rawlen", "rawget", "_VERSION", NULL};
static const char *const libs_allowed[] = {"string", "table", "math", "utf8", NULL};

/* Builds the state.  Runs unprotected only on a fresh state with the cap off.
 *
 * The names a rule file sees live in one base table that no rule code can
 * reach: each chunk gets a fresh, empty environment whose reads fall
 * through to the base and whose writes are refused, so one rule file can
 * neither replace the vocabulary (criterion, ruleset, ...) nor a library
 * function for the files loaded after it. */
int build(sandbox *sb) {
    lua_State *L = sb->L;
    luaL_requiref(L, "_G", luaopen_base, 1);
    luaL_requiref(L, "string", luaopen_string, 1);
    luaL_requiref(L, "table", luaopen_table, 1);
    luaL_requiref(L, "math", luaopen_math, 1);
    luaL_requiref(L, "utf8", luaopen_utf8, 1);
    lua_settop(L, 0);

    /* string.dump would give bytecode; rule code never needs it. */
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    static const char *const guarded[] = {"find", "match", "gmatch", "gsub"};
    for (size_t i = 0; i < sizeof guarded / sizeof guarded[0]; i++)
        wrap(L, guarded[i], guarded_pattern_fn);
    wrap(L, "rep", sb_rep);
    lua_pop(L, 1);
    lua_getglobal(L, "table");
    wrap(L, "move", sb_move);
    lua_pop(L, 1);
    static const char *const timed_libs[] = {"string", "table", "utf8"};
    for (size_t i = 0; i < sizeof timed_libs / sizeof timed_libs[0]; i++)
        wrap_rest(L, timed_libs[i]);

    lua_newtable(L); /* base */
    for (int i = 0; base_allowed[i]; i++) {
        lua_getglobal(L, base_allowed[i]);
        lua_setfield(L, -2, base_allowed[i]);
    }
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, sb_pcall_fn);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, sb_xpcall_fn);
    lua_setfield(L, -2, "xpcall");
    lua_pushcfunction(L, sb_include);
    lua_setfield(L, -2, "include");
    for (int i = 0; libs_allowed[i]; i++) {
        lua_getglobal(L, libs_allowed[i]);
        push_readonly(L);
        if (strcmp(libs_allowed[i], "string") == 0) {
            /* methods on strings see the read-only proxy; the metatable
             * itself is hidden from getmetatable and cannot be replaced */
            lua_pushliteral(L, "");
            lua_getmetatable(L, -1);
            lua_pushvalue(L, -3);
            lua_setfield(L, -2, "__index");
            lua_pushboolean(L, 0);
            lua_setfield(L, -2, "__metatable");
            lua_pop(L, 2);
        }
        lua_setfield(L, -2, libs_allowed[i]);
    }
    lua_pushcfunction(L, env_index); /* unknown names are errors */
    set_guard(L);
    sb->base_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

void sandbox_push_env(sandbox *sb) {
    lua_State *L = sb->L;
    lua_newtable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->base_ref); /* reads fall through */
    set_guard(L);
}

void sandbox_define(sandbox *sb, const char *name) {
    lua_State *L = sb->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->base_ref);
    lua_insert(L, -2);
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, -3); /* raw: the base's __newindex refuses new names */
    lua_pop(L, 1);
}
