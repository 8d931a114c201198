/* surv_fixture.c - reads the R reference fixtures (see surv_fixture.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "surv_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *name) {
    fprintf(stderr, "surv_fixture: cannot %s %s\n", what, name);
    abort();
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        die("allocate for", s);
    memcpy(d, s, n);
    return d;
}

const char *fx_path(const char *name) {
    static char buf[4096];
    const char *top = getenv("top_srcdir");
    if (!top || !*top)
        top = ".";
    snprintf(buf, sizeof buf, "%s/tests/fixtures/r/%s", top, name);
    return buf;
}

static char *slurp(const char *name) {
    FILE *f = fopen(fx_path(name), "rb");
    if (!f)
        die("open", fx_path(name));
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    if (!s || fread(s, 1, (size_t)len, f) != (size_t)len)
        die("read", name);
    s[len] = 0;
    fclose(f);
    return s;
}

fx_kv *fx_kv_read(const char *name) {
    char *s = slurp(name);
    fx_kv *kv = calloc(1, sizeof *kv);
    size_t cap = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        if (kv->n == cap) {
            cap = cap ? 2 * cap : 256;
            kv->key = realloc(kv->key, cap * sizeof *kv->key);
            kv->val = realloc(kv->val, cap * sizeof *kv->val);
        }
        kv->key[kv->n] = xstrdup(line);
        kv->val[kv->n++] = xstrdup(tab + 1);
    }
    free(s);
    return kv;
}

void fx_kv_free(fx_kv *kv) {
    if (!kv)
        return;
    for (size_t i = 0; i < kv->n; i++)
        free(kv->key[i]), free(kv->val[i]);
    free(kv->key), free(kv->val), free(kv);
}

/* Splits one CSV line (write.csv style: quoted text, no embedded quotes). */
static size_t csv_fields(char *line, char **f, size_t max) {
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *start;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            if (*p)
                *p++ = 0;
        } else {
            start = p;
            while (*p && *p != ',' && *p != '\r')
                p++;
        }
        int end = (*p != ',');
        if (*p)
            *p++ = 0;
        f[n++] = start;
        if (end)
            break;
    }
    return n;
}

fx_csv *fx_csv_read(const char *name) {
    char *s = slurp(name);
    fx_csv *c = calloc(1, sizeof *c);
    char *f[256];
    char *save = NULL;
    char *line = strtok_r(s, "\n", &save);
    if (!line)
        die("parse", name);
    c->ncols = csv_fields(line, f, 256);
    c->names = calloc(c->ncols, sizeof *c->names);
    c->text = calloc(c->ncols, sizeof *c->text);
    c->num = calloc(c->ncols, sizeof *c->num);
    for (size_t j = 0; j < c->ncols; j++)
        c->names[j] = xstrdup(f[j]);
    size_t cap = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        size_t nf = csv_fields(line, f, 256);
        if (nf < c->ncols)
            continue;
        if (c->nrows == cap) {
            cap = cap ? 2 * cap : 64;
            for (size_t j = 0; j < c->ncols; j++) {
                c->text[j] = realloc(c->text[j], cap * sizeof **c->text);
                c->num[j] = realloc(c->num[j], cap * sizeof **c->num);
            }
        }
        for (size_t j = 0; j < c->ncols; j++) {
            const char *v = strcmp(f[j], "NA") == 0 ? "" : f[j];
            c->text[j][c->nrows] = xstrdup(v);
            char *end;
            double d = strtod(v, &end);
            if (!*v || *end)
                d = NAN;
            if (strcmp(v, "TRUE") == 0)
                d = 1;
            if (strcmp(v, "FALSE") == 0)
                d = 0;
            c->num[j][c->nrows] = d;
        }
        c->nrows++;
    }
    free(s);
    return c;
}

void fx_csv_free(fx_csv *c) {
    if (!c)
        return;
    for (size_t j = 0; j < c->ncols; j++) {
        for (size_t i = 0; i < c->nrows; i++)
            free(c->text[j][i]);
        free(c->text[j]), free(c->num[j]), free(c->names[j]);
    }
    free(c->text), free(c->num), free(c->names), free(c);
}

int fx_csv_col(const fx_csv *c, const char *name) {
    for (size_t j = 0; j < c->ncols; j++)
        if (strcmp(c->names[j], name) == 0)
            return (int)j;
    return -1;
}

double fx_num(const char *s) {
    if (strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0)
        return NAN;
    if (strcmp(s, "Inf") == 0)
        return INFINITY;
    if (strcmp(s, "-Inf") == 0)
        return -INFINITY;
    return strtod(s, NULL);
}

int fx_split(const char *s, char *buf, size_t buflen, char **field, int max) {
    snprintf(buf, buflen, "%s", s);
    int n = 0;
    char *p = buf;
    while (n < max) {
        field[n++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = 0;
        p = bar + 1;
    }
    return n;
}

int fx_close(double a, double b, double rel) {
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    if (fabs(a) < 1e-12 && fabs(b) < 1e-12)
        return 1;
    return fabs(a - b) <= rel * fabs(b);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fx_levels(const fx_csv *c, int col, char ***levels, int32_t **codes) {
    char **lv = malloc((c->nrows + 1) * sizeof *lv);
    int n = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        const char *v = c->text[col][i];
        if (!*v)
            continue;
        int seen = 0;
        for (int k = 0; k < n; k++)
            if (strcmp(lv[k], v) == 0)
                seen = 1;
        if (!seen)
            lv[n++] = xstrdup(v);
    }
    qsort(lv, (size_t)n, sizeof *lv, cmp_str);
    int32_t *cd = malloc((c->nrows + 1) * sizeof *cd);
    for (size_t i = 0; i < c->nrows; i++) {
        cd[i] = -1;
        for (int k = 0; k < n; k++)
            if (strcmp(lv[k], c->text[col][i]) == 0)
                cd[i] = k;
    }
    *levels = lv;
    *codes = cd;
    return n;
}
