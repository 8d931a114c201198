/* csv_fuzz.c - libFuzzer target for the CSV reader and writer.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 * Build and run: fuzz/run-csv-fuzz.sh [SECONDS]
 *
 * The first input byte picks the options (separator, decimal mark, markers,
 * a forced type, an event column); the rest is the file.  Whatever loads
 * must write out and read back as the same table.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_table(const cohort *a, const cohort *b) {
    if (cohort_nrows(a) != cohort_nrows(b) || cohort_ncols(a) != cohort_ncols(b))
        abort();
    for (size_t j = 0; j < cohort_ncols(a); j++) {
        const cohort_column *x = cohort_col(a, j), *y = cohort_col(b, j);
        if (strcmp(x->name, y->name) != 0)
            abort();
        if (x->type != y->type)
            continue; /* e.g. a string column of digits reads back as numbers */
        for (size_t i = 0; i < cohort_nrows(a); i++) {
            if (x->type == COHORT_NUM) {
                double p = x->v.num[i], q = y->v.num[i];
                if (!(isnan(p) && isnan(q)) && memcmp(&p, &q, sizeof p) != 0)
                    abort();
            } else if (x->type == COHORT_BOOL) {
                if (x->v.b[i] != y->v.b[i])
                    abort();
            } else {
                const char *s = cohort_str(x, i), *t = cohort_str(y, i);
                if ((s == NULL) != (t == NULL) || (s && strcmp(s, t) != 0))
                    abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    csv_options o;
    csv_options_init(&o);
    if (flags & 1) {
        o.sep = ';';
        o.decimal = (flags & 2) ? ',' : '.';
    }
    static const char *const na[] = {"NA", "-"};
    if (flags & 4) {
        o.na = na;
        o.nna = 2;
    }
    static const csv_typespec types[] = {{"a", COHORT_NUM}, {"b", COHORT_BOOL}, {"c", COHORT_STR}};
    if (flags & 8) {
        o.types = types + ((flags >> 5) % 3);
        o.ntypes = 1;
    }
    static const char *const status[] = {"s"};
    if (flags & 16) {
        o.status = status;
        o.nstatus = 1;
    }
    /* flags 8 and 16 with 2 (no ';'): recode columns s and c, which then go
     * through the reader a second time */
    static const csv_recode recode[] = {
        {"s", "dead", "1"}, {"s", "alive", "0"}, {"c", "x", "NA"}, {"c", "1", "TRUE"}};
    if ((flags & 0x1a) == 0x1a && !(flags & 1)) {
        o.recode = recode + ((flags >> 6) & 1) * 2;
        o.nrecode = 2;
    }
    char err[256];
    cohort *c = csv_read_buffer((const char *)data + 1, size - 1, "fuzz.csv", &o, err, sizeof err);
    if (!c) {
        if (!err[0])
            abort(); /* every failure says why */
        return 0;
    }
    /* summary and head must not crash either */
    free(cohort_summary_text(c));
    free(cohort_format_rows(c, 0, 5));

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csv_write_options w = {o.sep, o.decimal, NULL};
    if (f && csv_write_stream(c, f, &w, err, sizeof err) == 0) {
        fclose(f);
        f = NULL;
        /* the written text reads back with the same options (the writer's
         * "NA" is a marker in both sets) less the event coding, done once */
        csv_options o2 = o;
        o2.status = NULL;
        o2.nstatus = 0;
        cohort *d = csv_read_buffer(buf, len, "fuzz-out.csv", &o2, err, sizeof err);
        if (!d) {
            /* only an all-empty header name or similar may differ; a table
             * we wrote must always read back */
            fprintf(stderr, "re-read failed: %s\n", err);
            abort();
        }
        same_table(c, d);
        cohort_free(d);
    }
    if (f)
        fclose(f);
    free(buf);
    cohort_free(c);
    return 0;
}
