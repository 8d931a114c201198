/* text.h - the one string duplicate and growable text buffer of tnmlab.
 *
 * Part of tnmlab (core layer: plain C11, no Lua, curses or readline).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_TEXT_H
#define TNMLAB_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* A copy of s in fresh memory (caller frees); NULL for NULL or on ENOMEM. */
char *tnm_strdup(const char *s);

/* A whole file's bytes, NUL-terminated (malloc'd; *len set), or NULL with
 * errno set (ENOMEM when it could not be held). */
char *tnm_read_file(const char *path, size_t *len);

/* qsort comparator for an array of doubles, ascending (no NaN expected). */
int tnm_dbl_cmp(const void *a, const void *b);

/* R's quantile(type = 7) at p of sorted v[0..n) (NaN when n is 0); next to
 * an infinite value (a median not reached) it takes the nearer order
 * statistic instead of interpolating. */
double tnm_quantile7(const double *v, size_t n, double p);

/* qsort comparator for an array of strings (char *), in strcmp order. */
int tnm_strptr_cmp(const void *a, const void *b);

/* A growing, NUL-terminated text.  Zero-initialise it; on ENOMEM (or an
 * encoding error) it sets failed, keeps what it had and ignores the rest. */
typedef struct tnm_text {
    char *s;    /* NULL until something is added */
    size_t len; /* bytes in s, without the NUL */
    size_t cap;
    int failed;
} tnm_text;

void tnm_text_printf(tnm_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tnm_text_vprintf(tnm_text *t, const char *fmt, va_list ap);
/* Appends n bytes of s. */
void tnm_text_add(tnm_text *t, const char *s, size_t n);
/* Hands the text over (caller frees; "" when empty), or NULL when it
 * failed (then it is freed); t is empty again either way. */
char *tnm_text_take(tnm_text *t);
void tnm_text_free(tnm_text *t);

/* The name among names[0..n) closest to word (Levenshtein distance, a
 * prefix of 3 or more letters counting as 1), or NULL when none is close
 * enough to suggest: for "did you mean" hints. */
const char *tnm_closest(const char *word, const char *const *names, size_t n);

#endif
