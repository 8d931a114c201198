/* export_sqlite.c - result tables into a SQLite database (see export.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table for machines (rtable.h) becomes a cohort (text columns as text,
 * numbers as numbers, booleans as 0/1) and goes through the one SQLite
 * writer, sqlite_write_tables, with the provenance as a table of its own,
 * `provenance` (key, value: the lines a CSV export starts with), all in one
 * transaction.
 */
#include "config.h"

#include "export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_read.h"

cohort *export_rtable_cohort(const rtable *t) {
    cohort *c = cohort_new(t->nrows);
    if (c == NULL || t->failed) {
        cohort_free(c);
        return NULL;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        const rtable_col *tc = &t->cols[j];
        /* a number column with a text cell ("NR") is text */
        int text = tc->type == RTABLE_TEXT;
        for (size_t i = 0; i < t->nrows && !text; i++)
            text = t->cells[i * t->ncols + j].text != NULL;
        cohort_type ty = text ? COHORT_STR : tc->type == RTABLE_BOOL ? COHORT_BOOL : COHORT_NUM;
        cohort_column *col = cohort_add(c, tc->name, ty);
        if (col == NULL)
            goto fail;
        for (size_t i = 0; i < t->nrows; i++) {
            const rtable_cell *cell = &t->cells[i * t->ncols + j];
            if (ty == COHORT_NUM) {
                col->v.num[i] = cell->num;
            } else if (ty == COHORT_BOOL) {
                col->v.b[i] = isnan(cell->num) ? -1 : cell->num != 0;
            } else {
                char buf[40];
                const char *s = cell->text;
                if (s == NULL && !isnan(cell->num)) {
                    snprintf(buf, sizeof buf, "%.15g", cell->num);
                    s = buf;
                }
                col->v.str[i] = s ? cohort_intern(col, s, strlen(s)) : COHORT_NA;
                if (s && col->v.str[i] < 0)
                    goto fail;
            }
        }
    }
    return c;
fail:
    cohort_free(c);
    return NULL;
}

/* The provenance as (key, value) rows: the CSV form's "# key: value". */
static cohort *provenance_cohort(const export_provenance *p) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    export_provenance_write(f, EXPORT_CSV, p);
    fclose(f);
    rtable t;
    cohort *c = NULL;
    if (rtable_init(&t, 2) == 0) {
        rtable_col_set(&t, 0, "key", RTABLE_TEXT, NULL, 1);
        rtable_col_set(&t, 1, "value", RTABLE_TEXT, NULL, 1);
        for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            char *colon = strstr(line, ": ");
            if (strncmp(line, "# ", 2) != 0 || colon == NULL)
                continue;
            *colon = '\0';
            size_t r = rtable_add_row(&t);
            rtable_set_text(&t, r, 0, line + 2);
            rtable_set_text(&t, r, 1, colon + 2);
        }
        c = export_rtable_cohort(&t);
    }
    rtable_free(&t);
    free(buf);
    return c;
}

int export_sqlite_write(const char *path, const rtable *const *tables, const char *const *names,
                        int n, const export_provenance *p, char *err, size_t errlen) {
    enum { MAX = 8 };
    if (n < 1 || n > MAX - 1) {
        snprintf(err, errlen, "%s: 1 to %d tables", path, MAX - 1);
        return -1;
    }
    cohort *c[MAX] = {0};
    const char *nm[MAX];
    int k = 0, rc = -1;
    for (; k < n; k++) {
        nm[k] = names[k];
        if ((c[k] = export_rtable_cohort(tables[k])) == NULL)
            goto done;
    }
    if (p) {
        nm[k] = "provenance";
        if ((c[k++] = provenance_cohort(p)) == NULL)
            goto done;
    }
    rc = sqlite_write_tables((const cohort *const *)c, nm, k, path, 1, err, errlen);
done:
    if (rc != 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    for (int i = 0; i < MAX; i++)
        cohort_free(c[i]);
    return rc;
}
