/* model_by.c - patients grouped by the values of a column or of a column
 * the active rules stage (t, n, m, stage), for `km BY`, its plot and the
 * group order every table of groups uses (see model.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stage groups in TNM order: the leading Roman numeral, the sub-letters
 * after it; anything else (occult carcinoma) after them.  Only the display
 * order: which group a patient is in comes from the staging modules. */
static int roman(const char *s, size_t *len) {
    static const char *const r[] = {"IV", "III", "II", "I"};
    static const int v[] = {4, 3, 2, 1};
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(r[i]);
        if (strncmp(s, r[i], n) == 0) {
            *len = n;
            return v[i];
        }
    }
    *len = 0;
    return strcmp(s, "0") == 0 ? 0 : 9;
}

int model_stage_cmp(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx, ly;
    int rx = roman(x, &lx), ry = roman(y, &ly);
    if (rx != ry)
        return rx - ry;
    return strcmp(x + lx, y + ly);
}

static int num_cmp(const void *a, const void *b) {
    double x = strtod(*(const char *const *)a, NULL), y = strtod(*(const char *const *)b, NULL);
    return (x > y) - (x < y);
}

/* Keeps only the groups named in keep[0..nkeep) (in the order of label),
 * the others' patients get -1.  -1 with err when a name is no group. */
static int keep_groups(const char *by, char (*keep)[64], int nkeep, int32_t *grp, size_t n,
                       char label[MODEL_BY_MAX][64], int *ngroups, char *err, size_t errlen) {
    int to[MODEL_BY_MAX], ng = 0;
    for (int g = 0; g < *ngroups; g++) {
        to[g] = -1;
        for (int k = 0; k < nkeep; k++)
            if (strcmp(label[g], keep[k]) == 0)
                to[g] = ng;
        if (to[g] >= 0 && ng != g)
            memcpy(label[ng], label[g], sizeof label[ng]);
        ng += to[g] >= 0;
    }
    for (int k = 0; k < nkeep; k++) {
        int found = 0;
        for (int g = 0; g < ng; g++)
            found |= strcmp(label[g], keep[k]) == 0;
        if (!found) {
            snprintf(err, errlen, "'%s' has no value '%s' on this cohort", by, keep[k]);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (grp[i] >= 0)
            grp[i] = to[grp[i]];
    *ngroups = ng;
    return 0;
}

int model_by_groups(const model *m, rules_eval *ev, const char *spec, int32_t *grp,
                    char label[MODEL_BY_MAX][64], int *ngroups, size_t *missing, char *err,
                    size_t errlen) {
    /* spec: COLUMN, or COLUMN VALUE... to keep only those groups */
    char by[64], keep[MODEL_BY_MAX][64];
    int nkeep = 0;
    size_t len = strcspn(spec, " ");
    if (len == 0 || len >= sizeof by) {
        snprintf(err, errlen, "'%.*s' is no column name", (int)(len < 64 ? len : 64), spec);
        return -1;
    }
    memcpy(by, spec, len);
    by[len] = '\0';
    for (const char *p = spec + len; *p;) {
        p += strspn(p, " ");
        size_t k = strcspn(p, " ");
        if (k == 0)
            break;
        if (nkeep == MODEL_BY_MAX || k >= sizeof keep[0]) {
            snprintf(err, errlen, "km %s takes at most %d values of up to 63 characters", by,
                     MODEL_BY_MAX);
            return -1;
        }
        memcpy(keep[nkeep], p, k);
        keep[nkeep++][k] = '\0';
        p += k;
    }
    size_t n = cohort_nrows(m->cohort);
    const cohort_column *col = cohort_find(m->cohort, by);
    if (col == NULL && !(ev && rules_eval_stages(ev, by))) {
        snprintf(err, errlen, "no column '%s' in %s (nor one the active rules stage)", by,
                 m->cohort_name);
        return -1;
    }
    int ng = 0;
    for (size_t i = 0; i < n; i++) {
        char v[64];
        const char *txt = NULL;
        if (col == NULL)
            txt = rules_eval_staged(ev, by, i);
        else if (col->type == COHORT_STR)
            txt = cohort_str(col, i);
        else if (col->type == COHORT_BOOL)
            txt = col->v.b[i] < 0 ? NULL : col->v.b[i] ? "TRUE" : "FALSE";
        else if (col->v.num[i] == col->v.num[i]) {
            snprintf(v, sizeof v, "%.10g", col->v.num[i]);
            txt = v;
        }
        grp[i] = -1;
        if (txt == NULL)
            continue;
        int g = 0;
        while (g < ng && strcmp(label[g], txt) != 0)
            g++;
        if (g == ng) {
            if (ng == MODEL_BY_MAX) {
                snprintf(err, errlen,
                         "'%s' has more than %d values; km BY takes a column of groups (derive "
                         "one with a rule set)",
                         by, MODEL_BY_MAX);
                return -1;
            }
            snprintf(label[ng++], 64, "%s", txt);
        }
        grp[i] = g;
    }
    /* in order: numbers by value, stage groups by their numeral, the rest
     * alphabetically (model_stage_cmp does the last two) */
    const char *ord[MODEL_BY_MAX];
    int numeric = 1;
    for (int g = 0; g < ng; g++) {
        ord[g] = label[g];
        char *end;
        strtod(label[g], &end);
        numeric &= *end == '\0';
    }
    qsort(ord, (size_t)ng, sizeof *ord, numeric ? num_cmp : model_stage_cmp);
    int perm[MODEL_BY_MAX];
    for (int g = 0; g < ng; g++)
        for (int k = 0; k < ng; k++)
            if (ord[k] == label[g])
                perm[g] = k;
    char sorted[MODEL_BY_MAX][64];
    for (int k = 0; k < ng; k++)
        snprintf(sorted[k], sizeof sorted[k], "%s", ord[k]);
    size_t miss = 0;
    for (size_t i = 0; i < n; i++) {
        miss += grp[i] < 0;
        if (grp[i] >= 0)
            grp[i] = perm[grp[i]];
    }
    memcpy(label, sorted, sizeof sorted);
    *ngroups = ng;
    if (missing)
        *missing = miss;
    return nkeep ? keep_groups(by, keep, nkeep, grp, n, label, ngroups, err, errlen) : 0;
}
