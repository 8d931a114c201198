/* model.h - the laboratory's state behind every front end: one cohort, one
 * rule engine, the active rule set, and the outcome of the current and the
 * previous version of the rules (attrition, OS and PFS by group).
 *
 * Part of tnmlab (repl layer; no curses, no readline, no Lua).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real cohorts are observational: the rules change who is selected, never an
 * outcome, and the groups are "selected" and "not selected".  A simulated
 * cohort carries potential outcomes per arm (os_time@radical, ...); each
 * patient's observed outcome is that of the arm the current rules assign,
 * so a rule change can change outcomes, and the groups are the arms.
 * Times are shown in months; a cohort in days is converted (1 month =
 * 365.25 / 12 days).
 */
#ifndef TNMLAB_MODEL_H
#define TNMLAB_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "km.h"
#include "km_boot.h"
#include "rules.h"

enum { MODEL_MAX_GROUPS = 8, MODEL_NTIMES = 3, MODEL_OS = 0, MODEL_PFS = 1, MODEL_NENDPOINTS = 2 };

/* Above this many patients the Cox hazard ratio (the costly figure: an
 * iterative fit) is computed only when asked for (model_want_hr). */
enum { MODEL_HR_AUTO_MAX = 200000 };

/* km BY: at most this many values in its table; the plot draws at most
 * MODEL_MAX_GROUPS of them. */
enum { MODEL_BY_MAX = 12, MODEL_BY_SPEC = 256 };

/* 1-, 2- and 3-year survival, in months. */
extern const double model_times[MODEL_NTIMES];

typedef struct model_group {
    char label[64];
    size_t n, events;
    double median, median_lower, median_upper; /* months; NaN: not reached */
    double surv[MODEL_NTIMES], lower[MODEL_NTIMES], upper[MODEL_NTIMES]; /* NaN: beyond follow-up */
    double rmst, rmst_se; /* restricted mean up to the horizon, months */
} model_group;

typedef struct model_endpoint {
    const char *name;  /* "OS" or "PFS" */
    int available;     /* the cohort has its columns and some rows to use */
    char message[200]; /* why it is not available, or a note */
    int ngroups;
    model_group g[MODEL_MAX_GROUPS];
    double chisq, p; /* log-rank across the groups; NaN with fewer than 2 */
    int df;
    double hr, hr_lower, hr_upper; /* Cox, first group vs the others (2 groups only) */
    int hr_skipped;                /* not computed: a large cohort and no one asked */
    double followup;               /* median follow-up by reverse Kaplan-Meier, months */
    size_t n_dropped;              /* rows with missing time/event, or before the landmark */
    km_fit *fit;                   /* the curves, owned; times in months from the landmark */
} model_endpoint;

typedef struct model_outcome {
    int valid;
    int version;  /* rules version it belongs to */
    char set[64]; /* rule set it belongs to */
    size_t n, nselected;
    size_t narms;
    char arm_name[MODEL_MAX_GROUPS][48];
    size_t arm_count[MODEL_MAX_GROUPS];
    size_t nsteps;
    rules_step *steps; /* owned copy; names point into the engine, see below */
    char (*step_name)[64];
    double landmark; /* months, NaN when none */
    model_endpoint ep[MODEL_NENDPOINTS];
    char warning[512]; /* rule-set warnings and impossible assignments */
    /* km BY (model_set_by): OS and PFS by the values of a column, the
     * whole cohort under the arms the rules assign; by[0] == 0: none. */
    char by[MODEL_BY_SPEC];
    size_t by_missing; /* patients with no value */
    model_endpoint by_ep[MODEL_NENDPOINTS];
    /* plot ref (model_set_ref): every patient of the cohort as one group,
     * under the arms the rules assign; fit NULL when not asked for. */
    model_endpoint ref_ep[MODEL_NENDPOINTS];
} model_outcome;

typedef struct model {
    cohort *cohort; /* borrowed: the session keeps it alive */
    char cohort_name[256];
    char cohort_source[512]; /* a database's server or file and query hash; "" for files */
    int simulated;
    double to_months;   /* time column unit -> months */
    char time_unit[16]; /* "months" or "days" */
    rules *rules;       /* the engine; owned when owns_rules */
    int owns_rules;
    char set[64];            /* active rule set, "" when none */
    rules_eval *ev;          /* owned; NULL without cohort or set */
    model_outcome cur, prev; /* prev: before the last change */
    double horizon;          /* RMST horizon, months (36) */
    size_t case_row;
    int focus;              /* endpoint shown first: MODEL_OS or MODEL_PFS */
    int want_hr;            /* compute the hazard ratio whatever the size */
    unsigned long updates;  /* bumped each time the outcome is recomputed */
    char by[MODEL_BY_SPEC]; /* km BY: the column the plot groups by, "" for the arms */
    int ref;                /* plot ref: the whole cohort's curve beside the groups' */
    /* Per cohort: each endpoint's entries sorted by time once (NULL when
     * the cohort lacks its columns); see endpoint.h. */
    struct endpoint_data *ep[MODEL_NENDPOINTS];
} model;

/* Initialises an empty model over engine (borrowed: the Lua state's, so
 * that rules.set() in Lua and `set` at the prompt change the same rules),
 * or over a fresh engine of its own when engine is NULL.  -1 with err on
 * ENOMEM. */
int model_init(model *m, rules *engine, char *err, size_t errlen);
/* Frees what the model owns (not the cohort). */
void model_free(model *m);

/* Makes c the current cohort (borrowed; NULL clears it).  time_unit is
 * "months" or "days".  Drops the evaluation and both outcomes.  -1 with err
 * on a bad unit or ENOMEM (then nothing changed). */
int model_set_cohort(model *m, cohort *c, const char *name, const char *time_unit, char *err,
                     size_t errlen);

/* Loads a rule file into the engine (sandboxed).  The first rule set the
 * file adds becomes active (or the first of all when none is active).  -1 with err ("file:line:
 * ...") and the previous rules kept. */
int model_load_rules(model *m, const char *path, char *err, size_t errlen);

/* Makes rule set name active.  -1 with err if there is no such set. */
int model_use(model *m, const char *name, char *err, size_t errlen);

/* Sets a param of the active rule set from its text form ("3", "true",
 * "adeno").  -1 with err (unknown param, bad value, out of range). */
int model_set_param(model *m, const char *name, const char *value, char *err, size_t errlen);
/* Puts one param (or all when name is NULL) back to its default. */
int model_reset_param(model *m, const char *name, char *err, size_t errlen);

/* Brings the outcome up to date with the rules' current version: runs the
 * evaluation incrementally and recomputes the outcome when the version, the
 * set or the cohort changed; the old outcome becomes `prev`.  Returns 0
 * (also when nothing had to be done), or -1 with err.
 * Ctrl-C during the evaluation stops it and puts the rules (version and
 * active set) back to what `cur` shows, so the screen keeps the previous
 * result and nothing starts the stopped work again by itself (redo does,
 * on request).  err then says so. */
int model_update(model *m, char *err, size_t errlen);

/* The evaluation of the active set for commands that read it per patient
 * (case, split, whatif): model_update, then the evaluation itself run again
 * if Ctrl-C had stopped it.  NULL with err when there is no cohort or set
 * (err "") or the evaluation fails. */
rules_eval *model_evaluation(model *m, char *err, size_t errlen);

/* Kaplan-Meier summary (N, events, median, 1/2/3 years) of endpoint e for
 * the rows where mask is non-zero, under the landmark of the evaluation ev
 * (which must be run) and under its arm assignment, or, on a simulated
 * cohort, under the potential outcomes of `arm` when arm is not NULL.  For
 * comparisons between overlapping selections and for separating selection
 * from treatment.  Rows without an outcome (e.g. no radical outcome when
 * sites are untreatable) are left out.  Returns 0, or -1 with err. */
int model_group_outcome(model *m, int e, rules_eval *ev, const uint8_t *mask, const char *arm,
                        const char *label, model_group *out, char *err, size_t errlen);

/* Asks for the hazard ratio on a large cohort too and recomputes the
 * current outcome in place (the previous version stays `prev`). */
int model_want_hr(model *m, char *err, size_t errlen);

/* Groups the cohort's patients by the values of column `by` (or, when the
 * cohort has no such column, of the column the evaluation ev stages, e.g.
 * stage; ev may be NULL): grp[i] is patient i's group (-1: no value),
 * label[g] its value, in order (numbers by value, stage groups in TNM
 * order, other text alphabetically).  `by` may name values after the
 * column, space-separated ("stage IIA IIB"): only those groups are kept,
 * the other patients get -1 (*missing still counts only patients with no
 * value).  -1 with err for an unknown column or value or more than
 * MODEL_BY_MAX values. */
int model_by_groups(const model *m, rules_eval *ev, const char *by, int32_t *grp,
                    char label[MODEL_BY_MAX][64], int *ngroups, size_t *missing, char *err,
                    size_t errlen);

/* qsort order of stage groups (pointers to strings): IA1 < IA2 < ... <
 * IVB, other text after. */
int model_stage_cmp(const void *a, const void *b);

/* Makes the outcome (and the plot) carry OS and PFS by the values of
 * column by, as model_by_groups groups them, from now on; NULL or "" goes
 * back to the arms alone.  Recomputes the current outcome in place.  -1
 * with err (unknown column, too many values to plot); nothing changes. */
int model_set_by(model *m, const char *by, char *err, size_t errlen);

/* The current outcome's two groups (arms, or selected / not selected) on
 * endpoint e: the first group's median minus the second's, with a seeded
 * percentile bootstrap 95% interval of B replicates (km_boot.h), medians
 * from the landmark as the outcome shows them.  -1 with err (not two
 * groups, no such endpoint, interrupted). */
int model_median_diff(model *m, int e, int B, unsigned long seed, km_boot_result *out, char *err,
                      size_t errlen);

/* Puts the whole cohort's curve (every patient, under the arms the rules
 * assign: "all patients") beside the groups' in the plot (on != 0), or
 * takes it away.  Recomputes the current outcome in place.  -1 with err. */
int model_set_ref(model *m, int on, char *err, size_t errlen);

/* Frees an outcome's contents. */
void model_outcome_clear(model_outcome *o);

#endif
