/* sweep.h - parameter sweeps: one outcome per combination of param values
 * over one or more rule sets, as a table.
 *
 * Part of tnmlab (repl layer; plain C, no curses, no Lua).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep leaves the user's rules exactly as they were: it runs on an
 * engine of its own, loaded from the same rule files and given the same
 * param values, so it adds no version to the user's history (undo/redo see
 * nothing of it).  Before any work it checks the rule sets, every param
 * and every value; a wrong one fails the whole sweep.  It also checks that
 * its engine gives the session's current selection (a rule file edited on
 * disk since it was loaded would not), and refuses otherwise.
 */
#ifndef TNMLAB_SWEEP_H
#define TNMLAB_SWEEP_H

#include <stddef.h>
#include <stdio.h>

#include "export.h"
#include "model.h"

enum { SWEEP_MAX_SETS = 16, SWEEP_MAX_AXES = 8, SWEEP_MAX_VALUES = 64, SWEEP_MAX_ROWS = 100000 };

typedef struct sweep_axis {
    char name[64];
    int nvalues;
    char value[SWEEP_MAX_VALUES][32]; /* text forms, as `set NAME VALUE` takes */
} sweep_axis;

typedef struct sweep_spec {
    int nsets; /* 0: the active rule set */
    char set[SWEEP_MAX_SETS][64];
    int naxes; /* 0: one row per set with its current values */
    sweep_axis axis[SWEEP_MAX_AXES];
    int shard_k, shard_n; /* 1 <= k <= n: only rows of slice k of n; 0/0: all */
} sweep_spec;

/* One endpoint of one row: every group (the selected and the not
 * selected patients, or the arms of a simulated cohort) and the HR of the
 * first group against the others. */
typedef struct sweep_ep {
    int present;   /* the cohort has this endpoint's columns */
    int available; /* and some groups to show */
    int ngroups;
    model_group g[MODEL_MAX_GROUPS];
    char compares[160];
    double hr, hr_lower, hr_upper, p;
} sweep_ep;

typedef struct sweep_row {
    char set[64];
    char value[SWEEP_MAX_AXES][32]; /* "" where the set has no such param */
    size_t n, nselected;
    sweep_ep ep[MODEL_NENDPOINTS];
} sweep_row;

/* One line of the long form: endpoint e of row `row`, group g (-1: the
 * endpoint has no group, e.g. nobody selected). */
typedef struct sweep_line {
    size_t row;
    int e, g;
} sweep_line;

typedef struct sweep_result {
    sweep_spec spec; /* as run (sets filled in, axes in the first set's param order) */
    size_t nrows;
    sweep_row *rows;     /* owned */
    size_t first, total; /* a shard: its rows are first+1 .. first+nrows of total */
    size_t nlines;
    sweep_line *lines; /* owned: the long form, row by row, OS then PFS, group by group */
    double horizon;    /* the RMST horizon, months */
    /* Which (set, param) pairs of the grid the set does not have: their
     * rows leave the param empty and are not repeated for its values. */
    char skipped[512];
} sweep_result;

/* Reads "K/N" (1 <= K <= N <= 10000).  0, or -1. */
int sweep_shard_parse(const char *s, int *k, int *n);

/* Slice k of n of total rows: [*lo, *hi), contiguous, in grid order, the
 * sizes differing by at most one. */
void sweep_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi);

/* tnmlab merge OUT SHARD.csv...: the CSV shards of one sweep (written with
 * --shard K/N or lab.sweep{shard = "K/N"}) merged into the file a single
 * run writes: the first shard's provenance without its shard line, the
 * header, every shard's rows in K order.  Refuses shards of different
 * sweeps (provenance other than the date, or header differing), a missing
 * or repeated K, or a shard whose rows do not match its line.  0, or 1 with
 * a message on stderr. */
int sweep_merge_main(int argc, char **argv);

/* Checks spec against the model's rules and cohort and completes it: an
 * empty set list becomes the active set; axes are put in the first set's
 * param order (a param the first set lacks after those it has).  Every set
 * must exist; every param must belong to at least one set (a set without
 * it is run once for its values, the param left empty: see
 * sweep_result.skipped); every value must be valid for each set that has
 * the param (type, range, choices).  Returns 0, or -1 with err naming the
 * set, param or value. */
int sweep_check(const model *m, sweep_spec *spec, char *err, size_t errlen);

/* Does set number s of the (checked) spec have param axis a? */
int sweep_set_has(const model *m, const sweep_spec *spec, int s, int a);

/* Runs the sweep (calls sweep_check first).  m is only read: its rules get
 * no new version.  Ctrl-C stops it ("interrupted").  Returns 0 and *out
 * (free with sweep_result_free), or -1 with err. */
int sweep_run(const model *m, sweep_spec *spec, sweep_result *out, char *err, size_t errlen);

/* Frees the rows; the struct can be reused. */
void sweep_result_free(sweep_result *r);

/* The wide columns of the Lua rows, one row per rule set and grid point:
 * rule_set, the params, n, selected, then os_... and pfs_... of the first
 * group (group, n, events, median, CI, surv_1y/2y/3y with CI, hr with CI,
 * hr_compares, logrank_p).  Column j of row i: returns 0 and *num (NaN for
 * NA), 1 and *str, or -1 past the last column (name NULL).  name points
 * into a static table or into r. */
int sweep_cell(const sweep_result *r, size_t i, int j, const char **name, double *num,
               const char **str);

/* The long columns of the CSV and JSON files (and of rows.long in Lua),
 * one line per rule set, grid point, endpoint and group: rule_set, the
 * params, n, selected, endpoint, group, group_n, events, median with CI,
 * surv_1y/2y/3y with CI, rmst, rmst_se, rmst_horizon, then the endpoint's
 * hr with CI (the first group against the others), hr_compares and
 * logrank_p.  Column j of line i, as sweep_cell. */
int sweep_long_cell(const sweep_result *r, size_t i, int j, const char **name, double *num,
                    const char **str);

/* The sweep's lines as a table for machines (rtable.h): the columns of
 * sweep_long_cell.  0, or -1 on ENOMEM (free t with rtable_free either way). */
int sweep_table(const sweep_result *r, rtable *t);

/* Writes the sweep as CSV (the long columns), JSON ({"provenance", "rows"})
 * or Markdown (a compact table: medians with CI, 1/2/3-year survival, HR)
 * with the provenance p (may be NULL).  Returns 0, or -1 with err. */
int sweep_write(FILE *f, export_format fmt, const sweep_result *r, const export_provenance *p,
                char *err, size_t errlen);

/* The compact table as aligned text, lines ending in '\n'.  Caller frees;
 * NULL on ENOMEM. */
char *sweep_text(const sweep_result *r);

#endif
