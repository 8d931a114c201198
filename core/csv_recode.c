/* csv_recode.c - recoding a column's values as it is read (csv_recode.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "csv_recode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "text.h"

int csv_recoded(const csv_options *o, const char *name) {
    for (size_t k = 0; k < o->nrecode; k++)
        if (o->recode[k].column && strcmp(o->recode[k].column, name) == 0)
            return 1;
    return 0;
}

/* Row i of col as the file would spell it; NULL when missing. */
static const char *cell_text(const cohort_column *col, size_t i, char *buf, size_t n) {
    switch (col->type) {
    case COHORT_STR:
        return cohort_str(col, i);
    case COHORT_BOOL:
        return col->v.b[i] < 0 ? NULL : col->v.b[i] ? "TRUE" : "FALSE";
    default:
        if (isnan(col->v.num[i]))
            return NULL;
        snprintf(buf, n, "%.15g", col->v.num[i]);
        if (strtod(buf, NULL) != col->v.num[i])
            snprintf(buf, n, "%.17g", col->v.num[i]);
        return buf;
    }
}

static void add_field(tnm_text *t, const char *s) {
    if (s == NULL)
        return; /* an empty field: missing */
    if (!*s || strpbrk(s, ",\"\r\n")) {
        tnm_text_add(t, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                tnm_text_add(t, "\"", 1); /* "" inside quotes */
            tnm_text_add(t, p, 1);
        }
        tnm_text_add(t, "\"", 1);
    } else {
        tnm_text_add(t, s, strlen(s));
    }
}

static int recode_column(cohort *c, cohort_column *col, const csv_options *o, const char *name,
                         char *err, size_t errlen) {
    size_t n = cohort_nrows(c), npairs = 0;
    const csv_recode *pair[256];
    size_t hits[256] = {0};
    for (size_t k = 0; k < o->nrecode; k++)
        if (strcmp(o->recode[k].column, col->name) == 0) {
            if (npairs == 256) {
                tnm_errf(err, errlen, "%s: recode: more than 256 values of '%s'", name, col->name);
                return -1;
            }
            if (!o->recode[k].from || !o->recode[k].to) {
                tnm_errf(err, errlen, "%s: recode: entry %zu is incomplete", name, k + 1);
                return -1;
            }
            pair[npairs++] = &o->recode[k];
        }
    tnm_text t = {0};
    /* the column under its own name (messages name it), and a second
     * column so that an empty value makes no blank line */
    const char *pad = strcmp(col->name, "_") == 0 ? "__" : "_";
    add_field(&t, col->name);
    tnm_text_printf(&t, ",%s\n", pad);
    for (size_t i = 0; i < n; i++) {
        char buf[40];
        const char *v = cell_text(col, i, buf, sizeof buf);
        for (size_t k = 0; v && k < npairs; k++)
            if (strcmp(v, pair[k]->from) == 0) {
                hits[k]++;
                v = pair[k]->to;
                if (!*v || strcmp(v, "NA") == 0)
                    v = NULL;
                break;
            }
        add_field(&t, v);
        tnm_text_add(&t, ",0\n", 3);
    }
    for (size_t k = 0; k < npairs; k++)
        if (hits[k] == 0) {
            tnm_errf(err, errlen, "%s: recode: column '%s' holds no value '%s' (recode %s:%s=%s)",
                     name, col->name, pair[k]->from, col->name, pair[k]->from, pair[k]->to);
            free(t.s);
            return -1;
        }
    if (t.failed) {
        tnm_errf(err, errlen, "%s: out of memory", name);
        free(t.s);
        return -1;
    }
    /* read back as the reader would read the recoded file */
    static const char *const na[] = {""};
    csv_options ro;
    csv_options_init(&ro);
    ro.na = na;
    ro.nna = 1;
    const char *self = col->name;
    csv_typespec ts = {col->name, col->type};
    for (size_t k = 0; k < o->nstatus; k++)
        if (strcmp(o->status[k], col->name) == 0) {
            ro.status = &self;
            ro.nstatus = 1;
        }
    for (size_t k = 0; k < o->ntypes; k++)
        if (strcmp(o->types[k].name, col->name) == 0) {
            ts.type = o->types[k].type;
            ro.types = &ts;
            ro.ntypes = 1;
        }
    char e2[512];
    char label[300];
    snprintf(label, sizeof label, "%s, column '%s' recoded (line L: data row L-1)", name,
             col->name);
    cohort *one = csv_read_buffer(t.s, t.len, label, &ro, e2, sizeof e2);
    free(t.s);
    if (one == NULL) {
        tnm_errf(err, errlen, "%s", e2);
        return -1;
    }
    char nm[256];
    snprintf(nm, sizeof nm, "%s", col->name); /* col goes away */
    int rc = cohort_replace(c, nm, one, nm);
    cohort_free(one);
    if (rc != 0)
        tnm_errf(err, errlen, "%s: out of memory", name);
    return rc;
}

int csv_apply_recode(cohort *c, const csv_options *o, const char *name, char *err, size_t errlen) {
    for (size_t k = 0; k < o->nrecode; k++) {
        const char *cn = o->recode[k].column;
        if (!cn) {
            tnm_errf(err, errlen, "%s: recode: entry %zu has no column", name, k + 1);
            return -1;
        }
        int first = 1; /* each column once, at its first entry */
        for (size_t j = 0; j < k && first; j++)
            first = strcmp(o->recode[j].column, cn) != 0;
        if (!first)
            continue;
        cohort_column *col = cohort_find(c, cn);
        if (col == NULL) {
            tnm_errf(err, errlen, "%s: recode: no column '%s' (after the map)", name, cn);
            return -1;
        }
        if (recode_column(c, col, o, name, err, errlen) != 0)
            return -1;
    }
    return 0;
}
