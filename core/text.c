/* text.c - string duplicate and growable text buffer (see text.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "text.h"

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
