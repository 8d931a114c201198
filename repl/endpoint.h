/* endpoint.h - one endpoint (OS or PFS) of a cohort, sorted by time once,
 * and the survival input for any grouping of its patients.
 *
 * Part of tnmlab (repl layer; no curses, no readline, no Lua).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real cohort has one observed time and event per patient (os_time,
 * os_event).  A simulated cohort has a potential outcome per arm
 * (os_time@radical, os_time@systemic, ...), and a patient's observed
 * outcome is that of the arm the rules assign.  Both are kept as one list
 * of entries (time, patient, arm, event) sorted by time when the cohort is
 * set.  A computation then picks the entries that count (one pass over the
 * list, no branch on the choice) into buffers the endpoint keeps, and KM,
 * log-rank, Cox and the reverse KM stream through them in time order with
 * the group and event of each entry read in sequence (surv_keys).
 *
 * Near-ties (R's aeqSurv) are merged over all timed entries of the
 * endpoint; see survival_data.h for what that means for agreement with R.
 */
#ifndef TNMLAB_ENDPOINT_H
#define TNMLAB_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "survival_data.h"

enum { ENDPOINT_MAX_ARMS = 8, ENDPOINT_ARM_NAME = 48 };

typedef struct endpoint_data endpoint_data;

/* Reads endpoint (time_col, event_col) of c: for a simulated cohort every
 * arm X with columns time_col@X and event_col@X, else the two columns
 * themselves.  Times are multiplied by to_months.  Events are read as R's
 * Surv() does (0/1, FALSE/TRUE, or 1/2 where 2 is the event).  Returns NULL
 * with err "" when the cohort lacks the columns, or NULL with a message
 * naming column and row (a text column, a negative or infinite time, an
 * event code that is none) or "out of memory". */
endpoint_data *endpoint_data_new(const cohort *c, const char *time_col, const char *event_col,
                                 int simulated, double to_months, char *err, size_t errlen);
void endpoint_data_free(endpoint_data *d);

/* Number of arms with potential outcomes (simulated), 1 for a real cohort. */
int endpoint_narms(const endpoint_data *d);

/* Which patients a computation uses, and in which group.
 *  - group: per patient, 0..ngroups-1 or -1 (not used); NULL: see arm.
 *  - arm (simulated cohorts): the arm each patient is assigned, as an index
 *    into arm_name[0..narms) (-1: none); each patient's outcome is that of
 *    the arm assigned; with group NULL the group is the arm.
 *  - only_arm (simulated, with arm NULL): everybody's potential outcome
 *    under this arm instead.
 *  - landmark: entries with a time before it are left out and counted in
 *    endpoint_pick.before_landmark; NaN: none. */
typedef struct endpoint_choice {
    const int32_t *group;
    int32_t ngroups;
    const int16_t *arm;
    const char (*arm_name)[ENDPOINT_ARM_NAME];
    size_t narms;
    const char *only_arm;
    double landmark;
} endpoint_choice;

/* The entries one computation uses, in time order: `in` is ready for
 * km_compute and logrank_compute (and cox_fit after endpoint_pick_columns);
 * `pooled` is the same with one
 * group (for the reverse KM of follow-up).  Valid until the next pick on
 * the same endpoint. */
typedef struct endpoint_pick {
    surv_input in, pooled;
    size_t before_landmark; /* used patients whose time is before the landmark */
    size_t untimed;         /* used patients with no time: a real cohort's
                               missing time, or (with arm) an arm assigned
                               that the patient has no outcome under */
    surv_order order;       /* storage behind in/pooled (do not copy the pick) */
    surv_keys keys, keys1;
    endpoint_data *d;
} endpoint_pick;

/* Fills the event and group columns of pk->in (Cox reads them; KM and
 * log-rank read only the keys).  Returns 0. */
int endpoint_pick_columns(endpoint_pick *pk);

/* Picks the entries for choice.  0, or -1 with err: an arm in arm_name or
 * only_arm with no potential outcomes in the cohort ("no potential outcomes
 * os_time@X/os_event@X"), or a bad choice. */
int endpoint_select(endpoint_data *d, const endpoint_choice *choice, endpoint_pick *out, char *err,
                    size_t errlen);

#endif
