/* luastate.c - the trusted Lua state (see luastate.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "luastate.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "lcohort.h"
#include "lrules.h"
#include "lsim.h"
#include "lsurvival.h"

/* Bindings every trusted state gets, in load order. */
static const luaL_Reg bindings[] = {{"cohort", dsl_open_cohort},
                                    {"survival", dsl_open_survival},
                                    {"rules", dsl_open_rules},
                                    {"simulate", dsl_open_sim},
                                    {NULL, NULL}};

/* Message handler: add a traceback to string errors; keep other objects
 * with a __tostring, describe the rest.  [msg] -> [msg'] */
static int msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Count hook: turn a pending Ctrl-C into a Lua error inside the chunk.
 * The flag stays set so C loops further out see it too; the REPL clears it. */
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (tnm_interrupted())
        luaL_error(L, "interrupted");
}

int dsl_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    lua_Hook old = lua_gethook(L);
    int oldmask = lua_gethookmask(L), oldcount = lua_gethookcount(L);
    if (old == NULL)
        lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1000);
    int status = lua_pcall(L, nargs, nresults, base);
    if (old == NULL)
        lua_sethook(L, old, oldmask, oldcount);
    lua_remove(L, base);
    return status;
}

const char *dsl_errmsg(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    return msg ? msg : "(error object is not a string)";
}

size_t dsl_errmsg_firstline(const char *msg) {
    const char *nl = strchr(msg, '\n');
    return nl ? (size_t)(nl - msg) : strlen(msg);
}

/* include(name): loads NAME.lua from the folder of the module being loaded.
 * Upvalue 1: the folder.  [name] -> [module] */
static int l_include(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    for (const char *p = name; *p; p++)
        if (!(*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9')))
            return luaL_error(L, "include: bad module name '%s'", name);
    const char *dir = lua_tostring(L, lua_upvalueindex(1));
    lua_pushfstring(L, "%s/%s.lua", dir, name);
    if (luaL_loadfilex(L, lua_tostring(L, -1), "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
}

int dsl_load_module(lua_State *L, const char *scripts_dir, const char *rel_path, const char *name,
                    char *err, size_t errlen) {
    char path[4096], dir[4096];
    snprintf(path, sizeof path, "%s/%s", scripts_dir, rel_path);
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    /* Give the chunk an `include` of its own folder for the duration. */
    lua_pushstring(L, dir);
    lua_pushcclosure(L, l_include, 1);
    lua_setglobal(L, "include");
    int status = luaL_loadfilex(L, path, "t");
    if (status == LUA_OK)
        status = dsl_pcall(L, 0, 1);
    if (status != LUA_OK) {
        snprintf(err, errlen, "%s", dsl_errmsg(L));
        lua_pop(L, 1);
        return -1;
    }
    if (!lua_istable(L, -1)) {
        snprintf(err, errlen, "%s: the module must return a table", path);
        lua_pop(L, 1);
        return -1;
    }
    lua_setglobal(L, name);
    return 0;
}

lua_State *dsl_state_new(const char *scripts_dir, char *err, size_t errlen) {
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        snprintf(err, errlen, "cannot create the Lua state: out of memory");
        return NULL;
    }
    luaL_openlibs(L);
    lua_pushstring(L, scripts_dir ? scripts_dir : "");
    lua_setglobal(L, "TNMLAB_SCRIPTS");
    for (const luaL_Reg *b = bindings; b->func; b++) {
        lua_pushcfunction(L, b->func);
        if (dsl_pcall(L, 0, 0) != LUA_OK) {
            snprintf(err, errlen, "%s: %s", b->name, dsl_errmsg(L));
            lua_close(L);
            return NULL;
        }
    }
    /* The staging editions are globals of every state (doc/contract.md#lua-api). */
    static const struct {
        const char *rel, *name;
    } modules[] = {{"staging/tnm8.lua", "tnm8"}, {"staging/tnm9.lua", "tnm9"}};
    for (size_t i = 0; scripts_dir && i < sizeof modules / sizeof modules[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", scripts_dir, modules[i].rel);
        if (access(path, F_OK) != 0)
            continue;
        if (dsl_load_module(L, scripts_dir, modules[i].rel, modules[i].name, err, errlen) != 0) {
            lua_close(L);
            return NULL;
        }
    }
    lua_pushnil(L);
    lua_setglobal(L, "include");
    return L;
}
