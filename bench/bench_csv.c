/* bench_csv.c - CSV load benchmark: 1,000,000 rows x 12 columns.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 * Run: bench/bench_csv.sh (builds with -O2 and runs; not part of make check)
 *
 * Writes a synthetic cohort CSV (numbers, strings, booleans, ~5% empty
 * cells, a unique id per row) to /tmp, loads it 5 times and reports the
 * median, the cohort's own memory in bytes per row per 10 columns, the
 * peak-RSS growth of the first load, and R's read.csv on the same file.
 * Budget (README.md, Benchmarks): load <= 1 s, memory <= 150 bytes/row/10 columns.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "csv.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double unif(void) {
    return (double)(next() >> 11) / 9007199254740992.0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static long maxrss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void generate(const char *path, long rows) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    static const char *hist[] = {"adenocarcinoma", "squamous cell carcinoma", "large cell", "NOS",
                                 "adenosquamous"};
    static const char *stations[] = {"none", "4R;7", "10R", "2R;4R;7", "11L", "7"};
    fputs("id,age,sex,ecog,t_size_cm,histology,n_stations,m_lesions,os_time,os_event,"
          "pfs_time,smoker\n",
          f);
    for (long i = 0; i < rows; i++) {
#define EMPTY (unif() < 0.05)
        fprintf(f, "P%07ld,", i + 1);
        if (!EMPTY)
            fprintf(f, "%.1f", 35 + 50 * unif());
        fprintf(f, ",%s,", next() & 1 ? "male" : "female");
        if (!EMPTY)
            fprintf(f, "%d", (int)(next() % 5));
        putc(',', f);
        if (!EMPTY)
            fprintf(f, "%.2f", 0.5 + 9 * unif());
        fprintf(f, ",%s,", hist[next() % 5]);
        if (!EMPTY)
            fputs(stations[next() % 6], f);
        putc(',', f);
        if (!EMPTY)
            fprintf(f, "%d", (int)(next() % 8));
        fprintf(f, ",%.3f,%d,", 60 * unif(), (int)(next() & 1));
        if (!EMPTY)
            fprintf(f, "%.3f", 40 * unif());
        fprintf(f, ",%s\n", next() & 1 ? "TRUE" : "FALSE");
    }
    fclose(f);
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/tnmlab-bench-1m.csv";
    int with_r = !(argc > 3 && strcmp(argv[3], "--no-r") == 0);
    generate(path, rows);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fclose(f);
    printf("file: %s, %ld rows x 12 columns, %.1f MB\n", path, rows, bytes / 1e6);

    char err[512];
    double t[5];
    size_t mem = 0;
    for (int k = 0; k < 5; k++) {
        long rss0 = maxrss_kb();
        double t0 = now();
        cohort *c = csv_read_file(path, NULL, NULL, err, sizeof err);
        t[k] = now() - t0;
        if (!c) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        if (k == 0) {
            long rss1 = maxrss_kb();
            mem = cohort_memory(c);
            printf("cohort: %zu rows x %zu columns", cohort_nrows(c), cohort_ncols(c));
            for (size_t j = 0; j < cohort_ncols(c); j++)
                printf("%s%s:%s", j ? ", " : " (", cohort_col(c, j)->name,
                       cohort_type_name(cohort_col(c, j)->type));
            printf(")\n");
            printf("memory: %.1f bytes per row per 10 columns (cohort_memory %.1f MB); "
                   "peak RSS growth of the first load %.1f MB\n",
                   (double)mem / (double)rows / 1.2, mem / 1e6, (rss1 - rss0) / 1024.0);
        }
        cohort_free(c);
    }
    qsort(t, 5, sizeof t[0], cmp);
    printf("tnmlab csv_read_file: median of 5 = %.3f s (min %.3f, max %.3f)\n", t[2], t[0], t[4]);
    if (!with_r)
        return 0;

    char cmd[1024];
    snprintf(
        cmd, sizeof cmd,
        "Rscript -e 't <- sapply(1:3, function(i) system.time(read.csv(\"%s\"))[[\"elapsed\"]]); "
        "cat(median(t), \"\\n\")'",
        path);
    FILE *p = popen(cmd, "r");
    double rt = -1;
    if (!p || fscanf(p, "%lf", &rt) != 1)
        rt = -1;
    if (p) {
        char rest[256];
        while (fgets(rest, sizeof rest, p)) /* let R finish writing */
            ;
        pclose(p);
    }
    if (rt < 0) {
        printf("R read.csv: not measured (Rscript missing or failed)\n");
        return 0;
    }
    printf("R read.csv (default options): median of 3 = %.3f s\n", rt);
    printf("ratio R / tnmlab: %.1fx\n", rt / t[2]);
    return 0;
}
