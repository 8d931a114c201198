/* lopt.h - reading the options table of a Lua call: f(x, {n = 100, ci = true}).
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * t is the table's stack index; 0, or an absent or nil argument, means no
 * options (every reader returns def).  An absent or nil field gives def; a
 * field of the wrong type raises a Lua error naming the option
 * ("option 'n': integer expected, got string").  Strings stay alive in the
 * options table.  Stack: unchanged.
 */
#ifndef TNMLAB_LOPT_H
#define TNMLAB_LOPT_H

#include <lua.h>

int lopt_bool(lua_State *L, int t, const char *key, int def);
lua_Integer lopt_int(lua_State *L, int t, const char *key, lua_Integer def);
double lopt_num(lua_State *L, int t, const char *key, double def);
const char *lopt_str(lua_State *L, int t, const char *key, const char *def);

#endif
