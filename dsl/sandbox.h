/* sandbox.h - the Lua state in which rule files run.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rule files (selection rule sets, staging tables, files shared between
 * colleagues) are untrusted.  They run in a lua_State of their own, separate
 * from the trusted REPL state, so that:
 *   - the memory cap is enforced by this state's allocator alone (the trusted
 *     side never shares the budget);
 *   - an instruction budget (count hook) stops a runaway rule with a message
 *     naming the rule; Ctrl-C (core/interrupt.h) stops it too;
 *   - chunks load as text only (mode "t"), into an allow-listed environment:
 *     assert error ipairs next pairs pcall xpcall select tonumber tostring
 *     type getmetatable setmetatable rawequal rawlen rawget, string (without
 *     dump), table, math, utf8, and include(); no io, os, debug, require,
 *     package, load, loadfile, dofile, collectgarbage, rawset, print.
 *     Each chunk gets a fresh, empty environment over a base table no rule
 *     code can reach: reading an unknown global or assigning any global is
 *     an error, so one rule file cannot replace the vocabulary or a library
 *     function for another; the library tables and the string metatable are
 *     read-only and protected; setmetatable refuses __gc (a finalizer would
 *     run outside any metered call);
 *   - C loops that run no Lua code count against the instruction budget:
 *     string.rep(s, n) costs n, table.move(a, f, e, t) costs e - f + 1;
 *   - string.find/match/gmatch/gsub refuse (with an error naming the
 *     function) a pattern whose worst-case backtracking on the given text
 *     is too long to finish in about a second, since the matcher runs in C
 *     where neither the budget nor Ctrl-C can stop it; patterns longer
 *     than 1024 characters are refused too.
 * Nothing here prints or exits.
 */
#ifndef TNMLAB_SANDBOX_H
#define TNMLAB_SANDBOX_H

#include <lua.h>
#include <stddef.h>

typedef struct sandbox sandbox;

enum {
    SANDBOX_DEFAULT_MEM = 64u << 20,           /* bytes */
    SANDBOX_DEFAULT_BUDGET = 50 * 1000 * 1000, /* VM instructions per call */
    /* VM instructions for one metered run (one evaluation of a rule set
     * over a cohort, every row together): a few seconds of Lua */
    SANDBOX_DEFAULT_RUN_BUDGET = 500 * 1000 * 1000
};

/* Creates a sandbox whose state may hold at most mem_cap bytes (0: default)
 * and whose calls may run at most budget instructions each (0: default).
 * Caller owns the result (sandbox_free).  NULL with err filled on ENOMEM. */
sandbox *sandbox_new(size_t mem_cap, long budget, char *err, size_t errlen);

/* Closes the state and frees everything; NULL is fine. */
void sandbox_free(sandbox *sb);

/* The sandboxed state, for callers that build on it (rules.c).  Owned by sb.
 * Values taken from it must be used only through sandbox_pcall. */
lua_State *sandbox_state(sandbox *sb);

/* Pushes the sandbox environment table (the _ENV of rule chunks).
 * Stack: [] -> [env]. */
void sandbox_push_env(sandbox *sb);

/* Defines global `name` in the sandbox environment as the value on top of
 * the stack (popped).  Used to add the rule vocabulary. */
void sandbox_define(sandbox *sb, const char *name);

/* Loads the text file at path (binary chunks refused) with the sandbox
 * environment, and pushes the compiled function.  Returns 0, or -1 with err
 * filled ("path: message", or "file:line: message" for syntax errors) and
 * nothing pushed. */
int sandbox_loadfile(sandbox *sb, const char *path, char *err, size_t errlen);

/* Loads a text chunk (mode "t") named chunkname with the sandbox environment
 * and pushes the function.  Returns 0, or -1 with err filled. */
int sandbox_loadstring(sandbox *sb, const char *src, size_t len, const char *chunkname, char *err,
                       size_t errlen);

/* Loads and runs the rule file at path as a module (its include() looks in
 * the file's own folder; the folder of the last loaded rule file is kept
 * for the others) under the limits, naming it `what` in messages.
 * Stack: [] -> [what the file returns] (returns 0) or [] (-1, err filled). */
int sandbox_dofile(sandbox *sb, const char *path, const char *what, char *err, size_t errlen);

/* Calls the function below nargs arguments like lua_pcall, under the
 * instruction budget and memory cap.  `what` names what runs (a rule, a
 * file) for the messages "rule 'x': instruction budget exceeded ..." and
 * "rule 'x': memory cap exceeded ...".  Stack: [f, args] -> [results] on
 * success (returns 0) or [] with err filled (returns -1).  The error text
 * starts with "file:line:" when Lua knows where it happened. */
int sandbox_pcall(sandbox *sb, int nargs, int nresults, const char *what, char *err, size_t errlen);

/* Marks whether a rule file's top level is running (include() works only
 * then: the folder it reads from is that file's).  Returns the old mark. */
int sandbox_set_loading(sandbox *sb, int on);

/* Bytes currently allocated by the sandbox state, and the peak since the
 * sandbox was created. */
size_t sandbox_mem_used(const sandbox *sb);
size_t sandbox_mem_peak(const sandbox *sb);

/* Changes the limits (0 leaves one as it is): the memory cap and the
 * budget of one call outside a run. */
void sandbox_set_limits(sandbox *sb, size_t mem_cap, long budget);
/* The budget of a metered run (0 leaves it as it is). */
void sandbox_set_run_budget(sandbox *sb, long budget);

/* A metered run: every sandbox_pcall between begin and end shares one
 * instruction budget (the run budget), so a rule that is slow on every row
 * is stopped after a few seconds of the whole evaluation, not after a few
 * seconds per row.  Runs do not nest. */
void sandbox_run_begin(sandbox *sb);
void sandbox_run_end(sandbox *sb);

/* Counts bytes that C holds on behalf of rule files (expression trees,
 * compiled rule sets) against the memory cap, beside what the Lua state
 * holds.  0, or -1 (nothing charged) when the cap would be exceeded. */
int sandbox_charge(sandbox *sb, size_t bytes);
/* Gives back bytes charged earlier. */
void sandbox_release(sandbox *sb, size_t bytes);
size_t sandbox_mem_cap(const sandbox *sb);

#endif
