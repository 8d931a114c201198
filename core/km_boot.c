/* km_boot.c - median difference with a bootstrap interval (see km_boot.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "km_boot.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "km.h"
#include "text.h"

/* One group's rows: times (in time order, near-ties merged) and events. */
typedef struct boot_group {
    size_t n;
    double *time, *event;
} boot_group;

static int group_median(const double *time, const double *event, size_t n, double *median,
                        char *err, size_t errlen) {
    surv_input in = {.nrows = n, .time = time, .event_num = event, .ngroups = 1};
    km_options ko = {.conf_type = SURV_CONF_NONE, .conf_level = 0.95};
    return km_median(&in, &ko, median, err, errlen);
}

/* The difference as the interval reads it: a median not reached is +Inf. */
static double boot_diff(double a, double b) {
    if (isnan(a) && isnan(b))
        return NAN;
    if (isnan(a))
        return INFINITY;
    if (isnan(b))
        return -INFINITY;
    return a - b;
}

int km_median_diff_boot(const surv_input *in, int B, unsigned long seed, double conf_level,
                        km_boot_result *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->median[0] = out->median[1] = out->diff = out->lower = out->upper = NAN;
    if (in->ngroups != 2) {
        snprintf(err, errlen, "the median difference needs two groups, not %d", (int)in->ngroups);
        return -1;
    }
    if (B < 10 || B > 100000) {
        snprintf(err, errlen, "the bootstrap takes 10 to 100000 replicates, not %d", B);
        return -1;
    }
    if (!(conf_level > 0 && conf_level < 1)) {
        snprintf(err, errlen, "conf_level must be between 0 and 1");
        return -1;
    }
    if (surv_input_check(in, err, errlen) < 0)
        return -1;
    surv_order *own = NULL;
    const surv_order *ord = surv_input_order(in, &own, err, errlen);
    if (!ord)
        return -1;
    boot_group g[2] = {{0}};
    double *rt = NULL, *re = NULL, *diffs = NULL;
    gsl_rng *r = NULL;
    int rc = -1;
    for (int pass = 0; pass < 2; pass++) {
        g[0].n = g[1].n = 0;
        for (size_t k = 0; k < ord->n; k++) {
            int32_t gr;
            int e, f = surv_fetch(in, ord, k, &gr, &e);
            if (f == -2) {
                surv_event_error(in, ord->idx[k], err, errlen);
                goto done;
            }
            if (f != 1)
                continue;
            if (ord->time[k] < 0 || isinf(ord->time[k])) {
                surv_time_error(in, ord->idx[k], err, errlen);
                goto done;
            }
            boot_group *bg = &g[gr];
            if (pass == 1) {
                bg->time[bg->n] = ord->time[k];
                bg->event[bg->n] = e;
            }
            bg->n++;
        }
        if (pass == 0)
            for (int i = 0; i < 2; i++) {
                if (g[i].n == 0) {
                    snprintf(err, errlen, "group %d has no patient with a time and an event",
                             i + 1);
                    goto done;
                }
                g[i].time = malloc(g[i].n * sizeof *g[i].time);
                g[i].event = malloc(g[i].n * sizeof *g[i].event);
                if (!g[i].time || !g[i].event) {
                    snprintf(err, errlen, "out of memory");
                    goto done;
                }
            }
    }
    size_t most = g[0].n > g[1].n ? g[0].n : g[1].n;
    rt = malloc(most * sizeof *rt);
    re = malloc(most * sizeof *re);
    diffs = malloc((size_t)B * sizeof *diffs);
    r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rt || !re || !diffs || !r) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    gsl_rng_set(r, seed);
    for (int i = 0; i < 2; i++) {
        out->n[i] = g[i].n;
        if (group_median(g[i].time, g[i].event, g[i].n, &out->median[i], err, errlen) != 0)
            goto done;
    }
    out->diff =
        isnan(out->median[0]) || isnan(out->median[1]) ? NAN : out->median[0] - out->median[1];
    size_t m = 0;
    for (int b = 0; b < B; b++) {
        if (tnm_interrupted()) {
            snprintf(err, errlen, "interrupted");
            goto done;
        }
        double med[2];
        for (int i = 0; i < 2; i++) {
            for (size_t j = 0; j < g[i].n; j++) {
                size_t k = (size_t)gsl_rng_uniform_int(r, (unsigned long)g[i].n);
                rt[j] = g[i].time[k];
                re[j] = g[i].event[k];
            }
            if (group_median(rt, re, g[i].n, &med[i], err, errlen) != 0)
                goto done;
        }
        double d = boot_diff(med[0], med[1]);
        if (isnan(d)) {
            out->dropped++;
            continue;
        }
        out->not_reached += isinf(d);
        diffs[m++] = d;
    }
    qsort(diffs, m, sizeof *diffs, tnm_dbl_cmp);
    double a = (1 - conf_level) / 2;
    out->lower = tnm_quantile7(diffs, m, a);
    out->upper = tnm_quantile7(diffs, m, 1 - a);
    out->conf_level = conf_level;
    out->replicates = B;
    out->seed = seed;
    rc = 0;
done:
    for (int i = 0; i < 2; i++) {
        free(g[i].time);
        free(g[i].event);
    }
    free(rt);
    free(re);
    free(diffs);
    if (r)
        gsl_rng_free(r);
    surv_order_free(own);
    return rc;
}
