/* csv_write.c - writing a cohort as CSV, atomically.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include "atomic_file.h"
#include "csv.h"
#include "errbuf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_quoted(FILE *f, const char *s) {
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

int csv_write_stream(const cohort *c, FILE *f, const csv_write_options *o, char *err,
                     size_t errlen) {
    char sep = o && o->sep ? o->sep : ',';
    char decimal = o && o->decimal ? o->decimal : '.';
    const char *na = o && o->na ? o->na : "NA";
    size_t ncols = cohort_ncols(c), nrows = cohort_nrows(c);
    char num[32];
    for (size_t j = 0; j < ncols; j++) {
        if (j)
            putc(sep, f);
        put_quoted(f, cohort_col(c, j)->name);
    }
    putc('\n', f);
    for (size_t i = 0; i < nrows; i++) {
        for (size_t j = 0; j < ncols; j++) {
            const cohort_column *col = cohort_col(c, j);
            if (j)
                putc(sep, f);
            switch (col->type) {
            case COHORT_NUM:
                if (isnan(col->v.num[i]))
                    fputs(na, f);
                else {
                    csv_format_number(col->v.num[i], decimal, num);
                    fputs(num, f);
                }
                break;
            case COHORT_STR: {
                const char *s = cohort_str(col, i);
                if (s)
                    put_quoted(f, s);
                else
                    fputs(na, f);
                break;
            }
            case COHORT_BOOL:
                fputs(col->v.b[i] < 0 ? na : col->v.b[i] ? "TRUE" : "FALSE", f);
                break;
            }
        }
        putc('\n', f);
    }
    if (fflush(f) != 0 || ferror(f)) {
        tnm_errf(err, errlen, "write error: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int csv_write_file(const cohort *c, const char *path, const csv_write_options *o, char *err,
                   size_t errlen) {
    atomic_file x;
    if (atomic_file_open(&x, path) != 0) {
        tnm_errf(err, errlen, "%s: cannot create: %s", path, strerror(x.error));
        return -1;
    }
    char why[200];
    if (csv_write_stream(c, x.f, o, why, sizeof why) != 0) {
        atomic_file_abort(&x);
        tnm_errf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    if (atomic_file_commit(&x) != 0) {
        tnm_errf(err, errlen, "%s: %s", path, strerror(x.error));
        return -1;
    }
    return 0;
}
