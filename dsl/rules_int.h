/* rules_int.h - private to rules*.c: loaded programs and versions.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rules_prog is what one load of one file produced: immutable, shared by
 * every version that contains it (reference counted), so undo/redo and
 * diffs never re-run a rule file.  A version is a list of programs plus the
 * values of their params.
 */
#ifndef TNMLAB_RULES_INT_H
#define TNMLAB_RULES_INT_H

#include "rules.h"
#include "sandbox.h"

typedef struct rparam {
    char *name, *doc;
    rules_ptype type;
    double def, min, max;
    char *text_def;
    char **choices;
    int nchoices;
    int line;
} rparam;

typedef struct rcrit {
    char *name, *reason;
    expr *e;      /* NULL for a Lua function criterion */
    int fn_ref;   /* registry ref in the sandbox, or LUA_NOREF */
    char **reads; /* Lua criterion: the fields it reads (NULL: all) */
    int nreads;
    int unknown_keep; /* unknown counts as pass */
    int line;
} rcrit;

typedef struct rstager rstager; /* a loaded staging module (rules_stage.c) */

enum { RULES_STAGE_EDITION = -2 };

typedef struct rderive {
    char *name, *doc;
    expr *e; /* NULL for a staging derive */
    int line;
    /* staging derive: T, N, M and the stage group from a staging module */
    char *staging;   /* as written: a module name or a text param */
    int stage_param; /* index of that param in the set, -1 none, or
                        RULES_STAGE_EDITION: the version's edition */
    char **mods;     /* module names: the one given, or the param's choices */
    int nmods;
    rstager **stagers; /* loaded modules, parallel to mods (engine-owned) */
    char *out[4];      /* names of the derived t, n, m and group columns */
} rderive;

typedef struct rarm {
    char *name, *doc;
    expr *when; /* NULL: everybody still without an arm */
    int line;
} rarm;

typedef struct rset {
    char *name, *doc;
    int line;
    int unknown_keep;
    double landmark; /* NaN: none */
    char *landmark_time;
    rparam *params;
    int np;
    rcrit *crit;
    int nc;
    rderive *der;
    int nd;
    rarm *arms;
    int na;
    char **warnings;
    int nw;
} rset;

typedef struct rprog {
    int refs;
    size_t charged; /* bytes counted against the sandbox's cap for it */
    char *path;     /* as given to rules_load, or the chunk name */
    rset *sets;
    int nsets;
    rules *owner;
} rprog;

/* 2^53: an integer param beyond it would not be held exactly by a double. */
#define RULES_INT_EXACT 9007199254740992.0

/* A param value. */
typedef struct rval {
    double num;
    char *text;
} rval;

typedef struct rversion {
    rprog **progs;
    rval **vals; /* vals[i][j]: prog i, j-th param over its sets in order */
    int nprogs;
    int edition; /* TNM edition staging = "edition" derives use: 8 or 9 */
    char label[256];
} rversion;

struct rules {
    sandbox *sb;
    rversion *v; /* v[0..nv): history; cur is 1-based (0 = none) */
    int nv, cap, cur;
    int base;          /* versions dropped from the front: version k is v[k - base - 1] */
    int decls_ref;     /* registry ref of the declaration list during a load */
    char *staging_dir; /* where staging modules are looked for first, or NULL */
    rstager **stagers; /* every staging module loaded, kept until rules_free */
    int nstagers;
    unsigned long stage_calls; /* classify calls so far */
    int edition;               /* the edition before any version exists */
    int site_words_tried;      /* rules_site_words looked for the module */
    rstager *site_stager;      /* the module whose site words rules use */
};

/* At most this many versions are kept for undo; older ones are dropped
 * (their numbers are not reused). */
enum { RULES_MAX_VERSIONS = 100 };

/* Version v (as rules_version numbers it), or NULL when absent or dropped. */
const rversion *rules_version_at(const rules *r, int v);

/* Finds set `name` in version v (1-based); fills prog index, set, and the
 * offset of its first param in vals[prog].  NULL if absent. */
const rset *rules_find_set(const rules *r, int v, const char *name, int *prog, int *poff);
sandbox *rules_sandbox(rules *r);
void rules_prog_ref(rprog *p);
void rules_prog_unref(rprog *p);

/* ---- staging (rules_stage.c) */

/* Loads (or finds loaded and unchanged) the staging module `name` for a
 * rule file at rule_path: looked for in r's staging folder, the rule file's
 * folder and its ../staging.  The module must return a table with a
 * classify function.  Returns it (owned by r), or NULL with err filled. */
rstager *rules_stager_get(rules *r, const char *name, const char *rule_path, char *err,
                          size_t errlen);
void rules_stagers_free(rules *r);

/* The staging of one derive over one cohort inside an evaluation: rows
 * grouped by the distinct combinations of the fields classify reads, one
 * classify per combination (memoised per module across evaluations), the
 * results as four text columns.  Owned by the evaluation. */
typedef struct rstage_eval rstage_eval;

rstage_eval *rstage_eval_new(const rderive *d, const cohort *c);
void rstage_eval_free(rstage_eval *se);
/* Output column k (0 t, 1 n, 2 m, 3 group), for binding; never NULL. */
const cohort_column *rstage_eval_col(const rstage_eval *se, int k);
/* The cohort columns it reads (for dependencies). */
int rstage_eval_ninputs(const rstage_eval *se);
const cohort_column *rstage_eval_input(const rstage_eval *se, int i);
/* Brings the output columns up to date for module mod (index into
 * d->mods): regroups rows when an input column changed, classifies the
 * combinations not yet known.  0, or -1 with err filled. */
int rstage_eval_run(rstage_eval *se, rules *r, int mod, const char *path, char *err, size_t errlen);
/* Module index shown in the output columns, -1 before the first run. */
int rstage_eval_module(const rstage_eval *se);
/* Runs classify for one row again and calls line() with each line of its
 * `why`.  0, or -1 with err filled. */
int rstage_eval_why(rstage_eval *se, rules *r, size_t row, void (*line)(void *ud, const char *text),
                    void *ud, char *err, size_t errlen);

/* Classifies row again record by record and says whether the output
 * columns hold the same four cells.  0, or -1 with err filled. */
int rstage_eval_check_row(rstage_eval *se, rules *r, size_t row, int *same, char *err,
                          size_t errlen);

/* ---- the column program of a staging module (stage_program.c) */
typedef struct sprog sprog;
/* Reads the module table's `program` (the table on top of the stack; the
 * stack is left as it was).  0 with *out NULL when the module has none;
 * -1 with err filled when it is malformed. */
int sprog_read(lua_State *L, const char *mod, const char *path, sprog **out, char *err,
               size_t errlen);
void sprog_free(lua_State *L, sprog *p);
/* The fields the program reads, parts and finish together. */
int sprog_nfields(const sprog *p);
const char *sprog_field(const sprog *p, int i);
/* Stages every row of c into the four output columns (t, n, m, group),
 * on two threads for a large cohort (Lua runs on the calling one only).
 * 0, or -1 with err filled (the columns are then partly written). */
int sprog_run(sprog *p, rules *r, rstager *s, const cohort *c, cohort_column *const out[4],
              char *err, size_t errlen);
/* The four cells (t, n, m, group) of the classification on top of the
 * stack, pooled by s: a decided code, several candidates as "a|b", or NULL.
 * 0, or -1 with err filled. */
int rstage_cells(lua_State *L, rstager *s, const char *out[4], char *err, size_t errlen);
/* The site words m_sites may hold, from the shipped staging module (tnm8's
 * descriptors.m_sites), or NULL when there is no staging folder: the list
 * functions then take any word. */
const char *const *rules_site_words(rules *r);
/* Of those, the thoracic ones (M1a: not extrathoracic lesions), NULL-ended. */
const char *const *rules_thoracic_sites(rules *r);
/* The module's column program, or NULL (a module without one is classified
 * record by record). */
sprog *rstager_program(const rstager *s);
/* stage_module_path.c: is there a regular file dir/name.lua (dir: dlen
 * bytes)?  Fills path.  Does path, links resolved, stay in the folder its
 * name is in?  A signature of the .lua files of dir (names, sizes, times).
 * One 64-bit hash step. */
int rules_try_dir(const char *dir, size_t dlen, const char *name, char *path, size_t plen);
int rules_stays_in_folder(const char *path);
uint64_t rules_folder_sig(const char *dir);
uint64_t rules_hash_mix(uint64_t h, uint64_t v);
/* The module's one copy of code v (see rules_stage.c). */
const char *rstager_pooled(rstager *s, const char *v, const char *part, char *err, size_t errlen);
/* A cell as 64 bits for grouping (codes, booleans, number bits; every NaN
 * alike), and as a tagged byte key meaning the same in any cohort (number,
 * boolean, text; a missing cell is one zero byte).  The key's length, or
 * (size_t)-1 when it does not fit in cap. */
uint64_t rules_cell_bits(const cohort_column *col, size_t row);
size_t rules_cell_key(const cohort_column *col, size_t row, char *buf, size_t cap);

/* One name an item of a rule set reads (rules_each_name). */
typedef struct rules_name_use {
    const char *kind, *item; /* "criterion", its name */
    int line;
    int nder; /* the derives it may read: those before it */
    int arm;  /* an arm's condition: `eligible` is a name too */
    const char *name;
} rules_name_use;

/* Calls fn for every name the derives, criteria (their expressions and a
 * Lua criterion's reads) and arms of set read, in that order, until fn
 * returns non-zero; returns that value, or 0. */
int rules_each_name(const rset *set, int (*fn)(void *ud, const rules_name_use *u), void *ud);

/* A name an expression reads that nothing provides (rules_query.c). */
typedef struct rules_name_problem {
    const char *kind, *item; /* "criterion", its name */
    int line;
    char msg[400];
} rules_name_problem;

/* Checks every name the expressions (and Lua criteria's reads) of set use
 * against the data dictionary, the params, the derives before them,
 * `eligible` in arms and fields[0..nf) the set declares.  0, or -1 with
 * the first problem in pb (a did-you-mean in its message). */
int rules_check_names(const rset *set, const char *const *fields, int nf, rules_name_problem *pb);

#endif
