/* bench_rules.c - rule evaluation speed on a synthetic cohort.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench/bench_rules [nrows]   (default 1000000)
 * Builds the cohort directly through the cohort API, loads a 6-criterion
 * rule set, and reports medians of: a full evaluation from scratch, and one
 * param change re-evaluated incrementally (criteria + attrition + arms).
 * Budgets (README.md, Benchmarks): full <= 150 ms, param change <= 30 ms at 1M.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cohort.h"
#include "rules.h"

static const char *rule_src =
    "ruleset \"bench\" {\n"
    "  doc = \"De Ruysscher-like eligibility, six criteria\",\n"
    "  param { \"max_lesions\", 4, min = 1, max = 20 },\n"
    "  param { \"max_organs\", 3, min = 1, max = 10 },\n"
    "  param { \"max_ecog\", 1, min = 0, max = 4 },\n"
    "  param { \"min_age\", 18, min = 0, max = 100 },\n"
    "  derive { \"lesions\", \"lesions(m_sites)\" },\n"
    "  criterion { \"stage_iv\", \"distant metastases\", \"lesions >= 1\" },\n"
    "  criterion { \"lesions\", \"1..max_lesions metastases\", \"lesions <= max_lesions\" },\n"
    "  criterion { \"organs\", \"at most max_organs organs\", \"organs(m_sites) <= max_organs\" "
    "},\n"
    "  criterion { \"ecog\", \"ECOG <= max_ecog\", \"ecog <= max_ecog\" },\n"
    "  criterion { \"adult\", \"age >= min_age\", \"age >= min_age\" },\n"
    "  criterion { \"treatable\", \"all sites treatable, no effusion\",\n"
    "              \"m_all_treatable and not contains(m_sites, {\\\"pleura\\\"})\" },\n"
    "  arm { \"radical\", when = \"eligible and histology ~= \\\"small_cell\\\"\" },\n"
    "  arm { \"systemic\" },\n"
    "}\n";

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t xr(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

static cohort *make_cohort(size_t n) {
    static const char *const sites[] = {
        "brain", "bone", "liver", "adrenal", "lung_contralateral", "pleura", "distant_node"};
    static const char *const hist[] = {"adeno", "squamous", "large_cell", "small_cell"};
    cohort *c = cohort_new(n);
    if (c == NULL)
        return NULL;
    cohort_column *age = cohort_add(c, "age", COHORT_NUM);
    cohort_column *ecog = cohort_add(c, "ecog", COHORT_NUM);
    cohort_column *m = cohort_add(c, "m_sites", COHORT_STR);
    cohort_column *tr = cohort_add(c, "m_all_treatable", COHORT_BOOL);
    cohort_column *h = cohort_add(c, "histology", COHORT_STR);
    cohort_column *sex = cohort_add(c, "sex", COHORT_STR);
    if (!age || !ecog || !m || !tr || !h || !sex)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        age->v.num[i] = xr() % 50 == 0 ? NAN : 35.0 + (double)(xr() % 50);
        ecog->v.num[i] = xr() % 30 == 0 ? NAN : (double)(xr() % 4);
        char buf[160] = "";
        int k = (int)(xr() % 4);
        for (int j = 0; j < k; j++) {
            size_t l = strlen(buf);
            snprintf(buf + l, sizeof buf - l, "%s%s:%d", j ? ";" : "", sites[xr() % 7],
                     (int)(1 + xr() % 3));
        }
        const char *s = xr() % 40 == 0 ? NULL : k ? buf : "none";
        m->v.str[i] = s ? cohort_intern(m, s, strlen(s)) : COHORT_NA;
        tr->v.b[i] = (int8_t)(xr() % 10 == 0 ? -1 : (int)(xr() % 4 != 0));
        const char *hs = hist[xr() % 4];
        h->v.str[i] = cohort_intern(h, hs, strlen(hs));
        sex->v.str[i] = cohort_intern(sex, i % 2 ? "male" : "female", i % 2 ? 4 : 6);
    }
    return c;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000000;
    char err[600];
    double t0 = now_ms();
    cohort *c = make_cohort(n);
    if (c == NULL) {
        fprintf(stderr, "bench_rules: out of memory\n");
        return 1;
    }
    printf("cohort: %zu patients, %d distinct m_sites values, built in %.0f ms\n", n,
           cohort_find(c, "m_sites")->nlevels, now_ms() - t0);
    rules *r = rules_new(0, 0, err, sizeof err);
    if (r == NULL || rules_load_string(r, rule_src, "bench.lua", err, sizeof err) != 0) {
        fprintf(stderr, "bench_rules: %s\n", err);
        return 1;
    }
    rules_eval *ev = rules_eval_new(r, "bench", c, err, sizeof err);
    if (ev == NULL || rules_eval_run(ev, 1, err, sizeof err) != 0) {
        fprintf(stderr, "bench_rules: %s\n", err);
        return 1;
    }
    enum { REPS = 15 };
    double full[REPS], inc[REPS], fresh[REPS];
    for (int i = 0; i < REPS; i++) {
        double a = now_ms();
        rules_eval_run(ev, 1, err, sizeof err);
        full[i] = now_ms() - a;
    }
    for (int i = 0; i < REPS; i++) {
        /* a brand-new evaluation: binding, buffers and lookup tables too */
        double a = now_ms();
        rules_eval *e2 = rules_eval_new(r, "bench", c, err, sizeof err);
        rules_eval_run(e2, 0, err, sizeof err);
        fresh[i] = now_ms() - a;
        rules_eval_free(e2);
    }
    size_t recomputed = 0;
    for (int i = 0; i < REPS; i++) {
        rules_set_param(r, "bench", "max_lesions", i % 2 ? 4 : 3, NULL, err, sizeof err);
        double a = now_ms();
        if (rules_eval_run(ev, 0, err, sizeof err) != 0) {
            fprintf(stderr, "bench_rules: %s\n", err);
            return 1;
        }
        inc[i] = now_ms() - a;
        recomputed = rules_eval_recomputed(ev);
    }
    rules_step st[8];
    size_t ns = rules_eval_attrition(ev, st, 8);
    printf("attrition:");
    for (size_t k = 0; k < ns; k++)
        printf(" %s %zu->%zu (?%zu)", st[k].name, st[k].before, st[k].after, st[k].unknown);
    printf("\n");
    double mf = median(full, REPS), mn = median(fresh, REPS), mi = median(inc, REPS);
    printf("full evaluation, 6 criteria (median of %d): %.1f ms  (%.1f ns/patient; "
           "budget 150 ms)\n",
           REPS, mf, mf * 1e6 / (double)n);
    printf("new evaluator incl. binding (median of %d): %.1f ms\n", REPS, mn);
    printf("one param change, incremental (median of %d): %.1f ms  (%.1f ns/patient; "
           "%zu items recomputed; budget 30 ms)\n",
           REPS, mi, mi * 1e6 / (double)n, recomputed);
    rules_eval_free(ev);
    rules_free(r);
    cohort_free(c);
    return 0;
}
