/* table1.c - baseline characteristics by group (see table1.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "table1.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The value of row i as a level name ("" for missing); buf for numbers. */
static const char *level_of(const cohort_column *col, size_t i, char *buf, size_t len) {
    if (col->type == COHORT_STR) {
        const char *s = cohort_str(col, i);
        return s ? s : "";
    }
    if (col->type == COHORT_BOOL)
        return col->v.b[i] < 0 ? "" : col->v.b[i] ? "TRUE" : "FALSE";
    if (isnan(col->v.num[i]))
        return "";
    snprintf(buf, len, "%.15g", col->v.num[i]);
    return buf;
}

static int is_missing(const cohort_column *col, size_t i) {
    switch (col->type) {
    case COHORT_STR:
        return col->v.str[i] < 0;
    case COHORT_BOOL:
        return col->v.b[i] < 0;
    default:
        return isnan(col->v.num[i]);
    }
}

/* Levels in R's factor order: numbers by value, FALSE < TRUE, text by bytes. */
static int collect_levels(const cohort_column *col, size_t n, const int32_t *group, int ng,
                          table1_var *v) {
    size_t cap = 16, k = 0;
    char **lv = malloc(cap * sizeof *lv);
    double *nums = col->type == COHORT_NUM ? malloc(cap * sizeof *nums) : NULL;
    if (!lv || (col->type == COHORT_NUM && !nums))
        goto fail;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        if ((group && (group[i] < 0 || group[i] >= ng)) || is_missing(col, i))
            continue;
        const char *s = level_of(col, i, buf, sizeof buf);
        size_t j = 0;
        while (j < k && strcmp(lv[j], s) != 0)
            j++;
        if (j < k)
            continue;
        if (k == cap) {
            cap *= 2;
            char **nl = realloc(lv, cap * sizeof *nl);
            if (!nl)
                goto fail;
            lv = nl;
            if (nums) {
                double *nn = realloc(nums, cap * sizeof *nn);
                if (!nn)
                    goto fail;
                nums = nn;
            }
        }
        if (!(lv[k] = strdup(s)))
            goto fail;
        if (nums)
            nums[k] = col->v.num[i];
        k++;
        if (k > 1000) { /* a free-text column, not a category */
            k--;
            free(lv[k]);
            break;
        }
    }
    if (nums) { /* sort by value, keeping names with their numbers */
        for (size_t a = 1; a < k; a++)
            for (size_t b = a; b > 0 && nums[b - 1] > nums[b]; b--) {
                double t = nums[b];
                nums[b] = nums[b - 1];
                nums[b - 1] = t;
                char *u = lv[b];
                lv[b] = lv[b - 1];
                lv[b - 1] = u;
            }
    } else {
        qsort(lv, k, sizeof *lv, cmp_str);
    }
    free(nums);
    v->levels = lv;
    v->nlevels = k;
    return 0;
fail:
    free(nums);
    for (size_t j = 0; lv && j < k; j++)
        free(lv[j]);
    free(lv);
    return -1;
}

/* Each row's level among v's (-1: missing, or a value not among them). */
static int code_rows(const cohort_column *col, size_t n, const table1_var *v, int32_t *codes) {
    if (col->type == COHORT_STR) { /* the column's own codes, mapped once */
        int32_t *map = malloc((col->nlevels ? (size_t)col->nlevels : 1) * sizeof *map);
        if (!map)
            return -1;
        for (int32_t c = 0; c < col->nlevels; c++) {
            map[c] = -1;
            for (size_t l = 0; l < v->nlevels; l++)
                if (strcmp(v->levels[l], col->levels[c]) == 0)
                    map[c] = (int32_t)l;
        }
        for (size_t i = 0; i < n; i++)
            codes[i] = col->v.str[i] >= 0 && col->v.str[i] < col->nlevels ? map[col->v.str[i]] : -1;
        free(map);
        return 0;
    }
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        codes[i] = -1;
        if (is_missing(col, i))
            continue;
        const char *s = level_of(col, i, buf, sizeof buf);
        for (size_t l = 0; l < v->nlevels; l++)
            if (strcmp(v->levels[l], s) == 0) {
                codes[i] = (int32_t)l;
                break;
            }
    }
    return 0;
}

int table1_factor(const cohort_column *col, size_t n, char ***levels, size_t *nlevels,
                  int32_t *codes) {
    table1_var v;
    memset(&v, 0, sizeof v);
    if (collect_levels(col, n, NULL, 0, &v) < 0)
        return -1;
    if (code_rows(col, n, &v, codes) < 0) {
        for (size_t l = 0; l < v.nlevels; l++)
            free(v.levels[l]);
        free(v.levels);
        return -1;
    }
    *levels = v.levels;
    *nlevels = v.nlevels;
    return 0;
}

/* Yang and Dalton's SMD between groups a and b of a categorical variable. */
static double smd_cat(const table1_var *v, int ng, int a, int b) {
    size_t k = v->nlevels;
    if (k < 2)
        return 0;
    double na = 0, nb = 0;
    for (size_t l = 0; l < k; l++) {
        na += (double)v->count[l * (size_t)ng + (size_t)a];
        nb += (double)v->count[l * (size_t)ng + (size_t)b];
    }
    if (na == 0 || nb == 0)
        return NAN;
    size_t m = k - 1;
    gsl_matrix *S = gsl_matrix_alloc(m, m);
    gsl_permutation *perm = gsl_permutation_alloc(m);
    gsl_vector *d = gsl_vector_alloc(m), *x = gsl_vector_alloc(m);
    double r = NAN;
    if (!S || !perm || !d || !x)
        goto out;
    for (size_t i = 0; i < m; i++) {
        double pa = (double)v->count[(i + 1) * (size_t)ng + (size_t)a] / na;
        double pb = (double)v->count[(i + 1) * (size_t)ng + (size_t)b] / nb;
        gsl_vector_set(d, i, pa - pb);
        for (size_t j = 0; j < m; j++) {
            double qa = (double)v->count[(j + 1) * (size_t)ng + (size_t)a] / na;
            double qb = (double)v->count[(j + 1) * (size_t)ng + (size_t)b] / nb;
            double sa = (i == j ? pa : 0) - pa * qa, sb = (i == j ? pb : 0) - pb * qb;
            gsl_matrix_set(S, i, j, (sa + sb) / 2);
        }
    }
    int sign;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (gsl_linalg_LU_decomp(S, perm, &sign) == 0 && fabs(gsl_linalg_LU_det(S, sign)) > 1e-300 &&
        gsl_linalg_LU_solve(S, perm, d, x) == 0) {
        double q = 0;
        for (size_t i = 0; i < m; i++)
            q += gsl_vector_get(d, i) * gsl_vector_get(x, i);
        r = q >= 0 ? sqrt(q) : NAN;
    }
    gsl_set_error_handler(old);
out:
    gsl_matrix_free(S);
    gsl_permutation_free(perm);
    gsl_vector_free(d);
    gsl_vector_free(x);
    return r;
}

static double smd_cont(const table1_var *v, int a, int b) {
    double s = sqrt((v->sd[a] * v->sd[a] + v->sd[b] * v->sd[b]) / 2);
    return s > 0 ? fabs(v->mean[a] - v->mean[b]) / s : NAN;
}

static int fill_var(const cohort_column *col, size_t n, const int32_t *group, int ng,
                    int categorical, table1_var *v, double *scratch) {
    size_t G = (size_t)ng;
    v->categorical = categorical;
    v->missing = calloc(G, sizeof *v->missing);
    if (!v->missing)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (group[i] >= 0 && group[i] < ng && is_missing(col, i))
            v->missing[group[i]]++;
    if (categorical) {
        if (collect_levels(col, n, group, ng, v) < 0)
            return -1;
        v->count = calloc((v->nlevels ? v->nlevels : 1) * G, sizeof *v->count);
        int32_t *codes = malloc((n ? n : 1) * sizeof *codes);
        if (!v->count || !codes || code_rows(col, n, v, codes) < 0) {
            free(codes);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (group[i] >= 0 && group[i] < ng && codes[i] >= 0)
                v->count[(size_t)codes[i] * G + (size_t)group[i]]++;
        free(codes);
    } else {
        double **f[5] = {&v->median, &v->q1, &v->q3, &v->mean, &v->sd};
        for (int k = 0; k < 5; k++)
            if (!(*f[k] = malloc(G * sizeof(double))))
                return -1;
        for (int g = 0; g < ng; g++) {
            size_t m = 0;
            double sum = 0;
            for (size_t i = 0; i < n; i++)
                if (group[i] == g && !isnan(col->v.num[i])) {
                    scratch[m++] = col->v.num[i];
                    sum += col->v.num[i];
                }
            qsort(scratch, m, sizeof *scratch, tnm_dbl_cmp);
            v->median[g] = tnm_quantile7(scratch, m, 0.5);
            v->q1[g] = tnm_quantile7(scratch, m, 0.25);
            v->q3[g] = tnm_quantile7(scratch, m, 0.75);
            double mean = m ? sum / (double)m : NAN, ss = 0;
            for (size_t i = 0; i < m; i++)
                ss += (scratch[i] - mean) * (scratch[i] - mean);
            v->mean[g] = mean;
            v->sd[g] = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
        }
    }
    /* SMD: the pair, or the mean over the pairs */
    double tot = 0;
    int pairs = 0;
    for (int a = 0; a < ng; a++)
        for (int b = a + 1; b < ng; b++) {
            tot += categorical ? smd_cat(v, ng, a, b) : smd_cont(v, a, b);
            pairs++;
        }
    v->smd = pairs ? tot / pairs : NAN;
    return 0;
}

int table1_compute(const cohort *c, const int32_t *group, int ngroups,
                   const char *const *group_names, const char *const *vars, const int *cat,
                   size_t nvars, table1 **out, char *err, size_t errlen) {
    *out = NULL;
    if (ngroups < 1) {
        snprintf(err, errlen, "table1: no groups");
        return -1;
    }
    for (size_t k = 0; k < nvars; k++)
        if (!cohort_find(c, vars[k])) {
            snprintf(err, errlen, "table1: no column '%s' in the cohort", vars[k]);
            return -1;
        }
    size_t n = cohort_nrows(c);
    table1 *t = calloc(1, sizeof *t);
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    if (!t || !scratch)
        goto nomem;
    t->ngroups = ngroups;
    t->group_names = calloc((size_t)ngroups, sizeof *t->group_names);
    t->group_n = calloc((size_t)ngroups, sizeof *t->group_n);
    t->vars = calloc(nvars ? nvars : 1, sizeof *t->vars);
    if (!t->group_names || !t->group_n || !t->vars)
        goto nomem;
    for (int g = 0; g < ngroups; g++)
        if (!(t->group_names[g] = strdup(group_names[g])))
            goto nomem;
    for (size_t i = 0; i < n; i++)
        if (group[i] >= 0 && group[i] < ngroups)
            t->group_n[group[i]]++;
    for (size_t k = 0; k < nvars; k++) {
        const cohort_column *col = cohort_find(c, vars[k]);
        table1_var *v = &t->vars[t->nvars++];
        if (!(v->name = strdup(vars[k])))
            goto nomem;
        int categorical = col->type != COHORT_NUM || (cat && cat[k]);
        if (fill_var(col, n, group, ngroups, categorical, v, scratch) < 0)
            goto nomem;
    }
    free(scratch);
    *out = t;
    return 0;
nomem:
    free(scratch);
    table1_free(t);
    snprintf(err, errlen, "table1: out of memory");
    return -1;
}

void table1_free(table1 *t) {
    if (!t)
        return;
    for (int g = 0; t->group_names && g < t->ngroups; g++)
        free(t->group_names[g]);
    free(t->group_names);
    free(t->group_n);
    for (size_t k = 0; k < t->nvars; k++) {
        table1_var *v = &t->vars[k];
        free(v->name);
        for (size_t l = 0; l < v->nlevels; l++)
            free(v->levels[l]);
        free(v->levels);
        free(v->median);
        free(v->q1);
        free(v->q3);
        free(v->mean);
        free(v->sd);
        free(v->missing);
        free(v->count);
    }
    free(t->vars);
    free(t);
}
