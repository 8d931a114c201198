/* bench_survival.c - KM (2 strata) + log-rank on synthetic patients, timed,
 * next to R's survfit + survdiff on the same data (not part of make check).
 *
 *   bench_survival [ROWS] [days|cont] [--no-r]
 *
 * Times: "days" rounds survival times to whole days (as registries record
 * them: few distinct times), "cont" keeps continuous times (every time
 * distinct: the worst case for table size).  Warm = time order cached,
 * median of 20 runs; the selection mask changes between runs as a rule edit
 * would.  Cold = sorting the time column included.  R reads the same data
 * from a CSV (reading not timed) and times, in one Rscript run, the data
 * frame subset + survfit(~sex) + survdiff(~sex), median of 5.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "km.h"
#include "logrank.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this process: less disturbed than wall time on a shared machine */
static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* xorshift64*: reproducible synthetic data with no library dependency */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double unif(void) {
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fail(const char *what, const char *err) {
    fprintf(stderr, "bench_survival: %s: %s\n", what, err);
    exit(1);
}

/* Figures of the last refresh, printed next to R's as a cross-check. */
static double last_med[2], last_chisq;

/* One refresh: KM by sex + log-rank by sex on the selected rows. */
static void refresh(const surv_input *in, double *chk) {
    char err[256];
    km_fit *f = NULL;
    logrank_result *r = NULL;
    km_options o = {SURV_CONF_LOG, 0.95, 0};
    if (km_compute(in, &o, &f, err, sizeof err) < 0)
        fail("km", err);
    if (logrank_compute(in, &r, err, sizeof err) < 0)
        fail("logrank", err);
    *chk = f->strata[0].median + f->strata[1].median + r->chisq;
    last_med[0] = f->strata[0].median, last_med[1] = f->strata[1].median;
    last_chisq = r->chisq;
    km_fit_free(f);
    logrank_free(r);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int days = !(argc > 2 && strcmp(argv[2], "cont") == 0);
    int run_r = !(argc > 3 && strcmp(argv[3], "--no-r") == 0);
    double *time = malloc(n * sizeof *time), *status = malloc(n * sizeof *status);
    int32_t *sex = malloc(n * sizeof *sex);
    uint8_t *mask = malloc(n);
    int8_t *ecog = malloc(n);
    if (!time || !status || !sex || !mask || !ecog)
        fail("setup", "out of memory");
    for (size_t i = 0; i < n; i++) {
        sex[i] = unif() < 0.4;
        ecog[i] = (int8_t)(unif() * 4);
        double rate = (sex[i] ? 0.6 : 1.0) / 365.0 * (1 + 0.3 * ecog[i]);
        double t = -log(1 - unif()) / rate, c = unif() * 1500;
        double obs = t < c ? t : c;
        time[i] = days ? floor(obs) + 1 : obs;
        status[i] = t < c;
    }

    char err[256];
    surv_input in = {
        .nrows = n, .time = time, .event_num = status, .group = sex, .ngroups = 2, .mask = mask};
    for (size_t i = 0; i < n; i++)
        mask[i] = ecog[i] <= 2; /* a rule: ECOG <= 2 */

    /* cold: sort the column, then the curves */
    double chk, t0 = now_ms();
    surv_order *ord = NULL;
    if (surv_order_build(time, n, &ord, err, sizeof err) < 0)
        fail("order", err);
    in.order = ord;
    surv_keys *keys = NULL;
    if (surv_keys_build(&in, &keys, err, sizeof err) < 0)
        fail("keys", err);
    in.keys = keys;
    refresh(&in, &chk);
    double cold = now_ms() - t0;

    /* warm: cached order, the selection changes on every run (ECOG cut) */
    double w[20], wc[20];
    for (int k = 0; k < 20; k++) {
        int cut = k % 3 + 1;
        for (size_t i = 0; i < n; i++)
            mask[i] = ecog[i] <= cut;
        t0 = now_ms();
        double c0 = cpu_ms();
        refresh(&in, &chk);
        w[k] = now_ms() - t0;
        wc[k] = cpu_ms() - c0;
    }
    double warm = median(w, 20), warm_cpu = median(wc, 20);
    /* the sort alone */
    t0 = now_ms();
    surv_order *o2 = NULL;
    surv_order_build(time, n, &o2, err, sizeof err);
    double sort_ms = now_ms() - t0;
    surv_order_free(o2);

    printf("tnmlab: %zu rows, %s times, KM by sex + log-rank by sex on ECOG <= cut\n", n,
           days ? "whole-day" : "continuous");
    printf("  warm (time order cached), median of 20: %8.2f ms   (CPU %.2f ms)\n", warm, warm_cpu);
    printf("  cold (sort + keys included):            %8.2f ms   (sort alone %.2f ms)\n", cold,
           sort_ms);

    if (run_r) {
        char path[] = "/tmp/tnmlab-bench-survXXXXXX";
        int fd = mkstemp(path);
        if (fd < 0)
            fail("mkstemp", "cannot create a temporary file");
        FILE *f = fdopen(fd, "w");
        fprintf(f, "time,status,sex,ecog\n");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%.17g,%d,%d,%d\n", time[i], (int)status[i], sex[i], ecog[i]);
        fclose(f);
        char cmd[1024];
        snprintf(
            cmd, sizeof cmd,
            "Rscript -e 'suppressMessages(library(survival));"
            "d <- read.csv(\"%s\");"
            "one <- function(cut) { s <- d[d$ecog <= cut, ];"
            "  f <- survfit(Surv(time, status) ~ sex, data = s);"
            "  l <- survdiff(Surv(time, status) ~ sex, data = s); invisible(list(f, l)) };"
            "one(2); tt <- sapply(1:5, function(k) system.time(one(k %%%% 3 + 1))[[\"elapsed\"]]);"
            "cat(sprintf(\"%%.1f\\n\", 1000 * median(tt)));"
            "s <- d[d$ecog <= 2, ]; f <- survfit(Surv(time, status) ~ sex, data = s);"
            "cat(sprintf(\"%%.10g %%.10g %%.10g\\n\", summary(f)$table[1, \"median\"],"
            "summary(f)$table[2, \"median\"], survdiff(Surv(time, status) ~ sex, data = "
            "s)$chisq))'",
            path);
        FILE *p = popen(cmd, "r");
        double r_ms = NAN, rm0 = NAN, rm1 = NAN, rchi = NAN;
        if (!p || fscanf(p, "%lf %lf %lf %lf", &r_ms, &rm0, &rm1, &rchi) != 4)
            r_ms = NAN;
        if (p)
            pclose(p);
        remove(path);
        printf("R survival %s: subset + survfit + survdiff, median of 5: %8.1f ms\n", "3.5-3",
               r_ms);
        printf("  ratio R / tnmlab warm: %.0fx   R / tnmlab cold: %.1fx\n", r_ms / warm,
               r_ms / cold);
        printf("  check, ECOG <= 2: median by sex %.10g / %.10g, chisq %.10g (tnmlab)\n"
               "                                  %.10g / %.10g, chisq %.10g (R)\n",
               last_med[0], last_med[1], last_chisq, rm0, rm1, rchi);
    }
    surv_keys_free(keys);
    surv_order_free(ord);
    free(time), free(status), free(sex), free(mask), free(ecog);
    return chk == chk ? 0 : 1;
}
