/* lcell.h - how a cohort cell looks in Lua, for every Lua reader of a row:
 * c[i], c:filter rows, Lua criteria, staging modules, explain and whatif.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_LCELL_H
#define TNMLAB_LCELL_H

#include <lua.h>
#include <stddef.h>

#include "cohort.h"

/* Pushes the value at row of col as every Lua reader sees a cell: a whole
 * number within 2^53 as an integer (2, not 2.0), any other number as a
 * float, text as a string, a boolean as a boolean.  A missing value pushes
 * nil and returns 0; otherwise returns 1.  Stack: [] -> [v]. */
int lcell_push(lua_State *L, const cohort_column *col, size_t row);
/* The same for a number the C code computed (a median, a count): NaN (R's
 * NA) as nil and 0 returned.  Stack: [] -> [v]. */
int lcell_push_num(lua_State *L, double v);
/* t[key] = v, as lcell_push_num, on the table at the top of the stack. */
void lcell_set_num(lua_State *L, const char *key, double v);

#endif
