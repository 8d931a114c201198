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

int model_by_groups(const model *m, rules_eval *ev, const char *by, int32_t *grp,
                    char label[MODEL_BY_MAX][64], int *ngroups, size_t *missing, char *err,
                    size_t errlen) {
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
    return 0;
}
