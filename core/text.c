/* text.c - string duplicate and growable text buffer (see text.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "text.h"

#include <errno.h>
#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *tnm_strdup(const char *s) {
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* Room for at least need more bytes and the NUL. */
static int reserve(tnm_text *t, size_t need) {
    if (t->failed)
        return -1;
    if (t->s && t->cap - t->len > need)
        return 0;
    size_t cap = t->cap ? t->cap : 256;
    while (cap - t->len <= need) {
        if (cap > ((size_t)-1) / 2) {
            t->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *s = realloc(t->s, cap);
    if (s == NULL) {
        t->failed = 1;
        return -1;
    }
    if (t->s == NULL)
        s[0] = '\0';
    t->s = s;
    t->cap = cap;
    return 0;
}

void tnm_text_vprintf(tnm_text *t, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (reserve(t, (size_t)n) != 0)
        return;
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    t->len += (size_t)n;
}

void tnm_text_printf(tnm_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tnm_text_vprintf(t, fmt, ap);
    va_end(ap);
}

void tnm_text_add(tnm_text *t, const char *s, size_t n) {
    if (reserve(t, n) != 0)
        return;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

char *tnm_text_take(tnm_text *t) {
    char *s = NULL;
    if (!t->failed)
        s = t->s ? t->s : tnm_strdup("");
    else
        free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
    t->failed = 0;
    return s;
}

void tnm_text_free(tnm_text *t) {
    free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
    t->failed = 0;
}

/* Levenshtein distance, capped: for "did you mean" hints. */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *tnm_closest(const char *word, const char *const *names, size_t n) {
    const char *best = NULL;
    size_t bd = 99, lw = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        /* A prefix counts as close too: "eortc" for "eortc2019". */
        if (strncmp(names[i], word, lw) == 0 && lw >= 3)
            d = d < 1 ? d : 1;
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    return bd <= 2 + lw / 6 ? best : NULL;
}

int tnm_strptr_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *tnm_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2 + 1);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (buf == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int tnm_dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double tnm_quantile7(const double *v, size_t n, double p) {
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    if (isinf(v[lo]) || isinf(v[lo + 1]))
        return h - (double)lo < 1e-12 ? v[lo] : v[lo + 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}
