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
    expr *e;           /* NULL for a Lua function criterion */
    int fn_ref;        /* registry ref in the sandbox, or LUA_NOREF */
    char **reads;      /* Lua criterion: the fields it reads (NULL: all) */
    int nreads;
    int unknown_keep;  /* unknown counts as pass */
    int line;
} rcrit;

typedef struct rderive {
    char *name, *doc;
    expr *e;
    int line;
} rderive;

typedef struct rarm {
    char *name, *doc;
    expr *when;        /* NULL: everybody still without an arm */
    int line;
} rarm;

typedef struct rset {
    char *name, *doc;
    int line;
    int unknown_keep;
    double landmark;   /* NaN: none */
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
    char *path;        /* as given to rules_load, or the chunk name */
    rset *sets;
    int nsets;
    rules *owner;
} rprog;

/* A param value. */
typedef struct rval {
    double num;
    char *text;
} rval;

typedef struct rversion {
    rprog **progs;
    rval **vals;       /* vals[i][j]: prog i, j-th param over its sets in order */
    int nprogs;
    char label[256];
} rversion;

struct rules {
    sandbox *sb;
    rversion *v;       /* v[0..nv): history; cur is 1-based (0 = none) */
    int nv, cap, cur;
    int decls_ref;     /* registry ref of the declaration list during a load */
};

/* Finds set `name` in version v (1-based); fills prog index, set, and the
 * offset of its first param in vals[prog].  NULL if absent. */
const rset *rules_find_set(const rules *r, int v, const char *name,
                           int *prog, int *poff);
sandbox *rules_sandbox(rules *r);
void rules_prog_ref(rprog *p);
void rules_prog_unref(rprog *p);
/* Is name a field of the data dictionary (DESIGN.md)? */
int rules_known_field(const char *name);

#endif
