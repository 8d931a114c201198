/* luastate.h - the trusted Lua state: creation, protected calls, errors.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call into Lua from C goes through dsl_pcall(), which adds a traceback
 * and lets Ctrl-C (core/interrupt.h) stop a running chunk with the error
 * "interrupted".  Nothing here prints or exits.
 */
#ifndef TNMLAB_LUASTATE_H
#define TNMLAB_LUASTATE_H

#include <lua.h>
#include <stddef.h>

/* Creates the trusted state: full standard library plus every tnmlab binding
 * (cohort, survival, rules, tnm8, tnm9 where present).  scripts_dir is the
 * folder holding staging/, selection/, ...; it is stored as the global
 * TNMLAB_SCRIPTS.  Returns NULL and fills err on failure (ENOMEM, or a
 * shipped script that does not load).  Caller closes with lua_close(). */
lua_State *dsl_state_new(const char *scripts_dir, char *err, size_t errlen);

/* lua_pcall with a traceback message handler and the interrupt hook.
 * Stack: [f, args...] -> [results...] on success, [message] on error.
 * Returns a LUA_* status. */
int dsl_pcall(lua_State *L, int nargs, int nresults);

/* The error message on top of the stack as a C string ("(error object is a
 * X value)" for non-strings).  Valid until the value is popped. */
const char *dsl_errmsg(lua_State *L);

/* Loads a staging/selection module file into the state as global `name`
 * (the file returns a table).  Returns 0, or -1 with err filled. */
int dsl_load_module(lua_State *L, const char *scripts_dir, const char *rel_path, const char *name,
                    char *err, size_t errlen);

/* Strips the traceback from a message produced by dsl_pcall: returns the
 * length of its first line. */
size_t dsl_errmsg_firstline(const char *msg);

#endif
