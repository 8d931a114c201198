/* surv_fixture.h - reads the R reference fixtures for the survival tests.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures live in $top_srcdir/tests/fixtures/r (made by the .R scripts
 * there).  Everything here aborts the test on a missing file: a test that
 * cannot read R's figures must fail, not pass vacuously.
 */
#ifndef TNMLAB_SURV_FIXTURE_H
#define TNMLAB_SURV_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* key<TAB>value lines */
typedef struct fx_kv {
    size_t n;
    char **key;
    char **val; /* as written by R: number, "NA", "Inf", or text */
} fx_kv;

/* A CSV with a header; every column kept as text and as number. */
typedef struct fx_csv {
    size_t nrows, ncols;
    char **names;
    char ***text; /* text[col][row], "" for empty/NA */
    double **num; /* num[col][row], NaN for empty/NA/non-numbers */
} fx_csv;

/* Path of a fixture file (static buffer). */
const char *fx_path(const char *name);
fx_kv *fx_kv_read(const char *name);
void fx_kv_free(fx_kv *kv);
fx_csv *fx_csv_read(const char *name);
void fx_csv_free(fx_csv *c);
/* Column index by name, -1 when absent. */
int fx_csv_col(const fx_csv *c, const char *name);
/* R's value as a double: NA -> NaN, Inf/-Inf. */
double fx_num(const char *s);
/* Splits s (copied into buf) at '|' into at most max fields; returns count. */
int fx_split(const char *s, char *buf, size_t buflen, char **field, int max);
/* 1 when a and b agree to rel relative (NaN==NaN, Inf==Inf, |a-b| <= rel*|b|,
 * or both below 1e-12 in absolute value). */
int fx_close(double a, double b, double rel);
/* Distinct non-empty values of a text column sorted by bytes (C locale), and
 * the code of every row (index into the sorted list, -1 when empty). */
int fx_levels(const fx_csv *c, int col, char ***levels, int32_t **codes);

#endif
