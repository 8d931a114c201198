/* lrules.h - the `rules` Lua binding (trusted side): a page-long adapter over
 * rules.h.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rules.load(path)                   -> version  (rule file runs in the sandbox)
 * rules.list()                       -> {"deruysscher2012", ...}
 * rules.params(set)                  -> {{name=, value=, default=, min=, max=,
 *                                         type=, doc=, file=, line=}, ...}
 * rules.get(set, name) / rules.set(set, name, value) -> value / version
 * rules.warnings(set)                -> {"rule set 'x' reads post-baseline ...", ...}
 * rules.eval(set, c)                 -> {n=, selected=, version=, landmark=}
 * rules.selected(set, c)             -> {true, false, ...} per row
 * rules.arms(set, c)                 -> {"radical", "systemic", false, ...} per row
 * rules.attrition(set, c)            -> {{name=, reason=, before=, pass=, fail=,
 *                                         unknown=, after=}, ...}
 * rules.explain(set, c, row)         -> {selected=, arm=, items = {{kind=, name=,
 *                                         reason=, where=, result=, values=}}}
 * rules.undo() / rules.redo()        -> version, or nil when there is nothing
 * rules.version()                    -> version, label
 * rules.diff(set, c [, va [, vb]])   -> {gained=, lost=, arm_changed=, rows={},
 *                                         stage_changed=, stage_moves={{from=,
 *                                         to=, count=}} (staging derives),
 *                                         moves={{from=, to=, count=}}}
 * explain items of kind "why" are the lines of a staging derive's
 * classify trace.  The engine looks for staging modules in
 * TNMLAB_SCRIPTS/staging first.
 * Rows are 1-based.  Errors are raised as Lua errors with the engine's text.
 * Evaluations are cached per (cohort, rule set) and follow the current
 * version incrementally.
 */
#ifndef TNMLAB_LRULES_H
#define TNMLAB_LRULES_H

#include <lua.h>

#include "rules.h"

/* Creates the rule engine of this state and the global table `rules`.
 * Usable as a lua_CFunction.  Stack: [] -> [rules table]. */
int dsl_open_rules(lua_State *L);

/* The engine of this state (created by dsl_open_rules, or given by
 * dsl_rules_use), or NULL; valid until lua_close.  For the REPL and UI to use directly. */
rules *dsl_rules_engine(lua_State *L);

/* Makes r, which the caller made and frees after lua_close, this state's
 * engine (the one dsl_open_rules made is freed): the C program owns its
 * rule engine and `rules.*` works on it.  0, or -1 before dsl_open_rules. */
int dsl_rules_use(lua_State *L, rules *r);

#endif
