/* bench_libcsv.c - the same file through libcsv (Debian libcsv-dev), for the
 * comparison in core/csv.c's note: tokenising with libcsv's callbacks plus
 * strtod on every field, no typed storage at all.  Not built by make.
 *   cc -O2 bench/bench_libcsv.c -lcsv -o /tmp/bench_libcsv && /tmp/bench_libcsv FILE
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double sum;
static size_t fields, rows;

static void on_field(void *s, size_t len, void *data) {
    (void)data;
    char buf[64];
    if (len && len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end;
        double v = strtod(buf, &end);
        if (end == buf + len)
            sum += v;
    }
    fields++;
}

static void on_row(int c, void *data) {
    (void)c;
    (void)data;
    rows++;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/tmp/tnmlab-bench-1m.csv";
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        FILE *f = fopen(path, "rb");
        if (!f)
            return perror(path), 1;
        struct csv_parser p;
        csv_init(&p, CSV_APPEND_NULL);
        char buf[1 << 16];
        size_t n;
        fields = rows = 0;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            csv_parse(&p, buf, n, on_field, on_row, NULL);
        csv_fini(&p, on_field, on_row, NULL);
        csv_free(&p);
        fclose(f);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double t = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (t < best)
            best = t;
    }
    printf("libcsv + strtod: %zu rows, %zu fields, best of 5 = %.3f s\n", rows, fields, best);
    return 0;
}
