/* rules_query.c - what a rule set reads and declares: the names its
 * expressions use (checked at load), the cohort fields it reads, its items
 * in order, and a param's value read from text.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"
#include "text.h"

/* Is name one an expression of set may read: a data-dictionary field, a
 * param, one of the first nder derives (a staging derive gives its four
 * columns), `eligible` in an arm, or one of the declared fields? */
static int known_name(const rset *set, int nder, int arm, const char *const *fields, int nf,
                      const char *name) {
    if (rules_known_field(name) || (arm && strcmp(name, "eligible") == 0))
        return 1;
    for (int i = 0; i < set->np; i++)
        if (strcmp(set->params[i].name, name) == 0)
            return 1;
    for (int j = 0; j < nder; j++) {
        const rderive *d = &set->der[j];
        for (int k = 0; d->staging && k < 4; k++)
            if (d->out[k] && strcmp(d->out[k], name) == 0)
                return 1;
        if (!d->staging && strcmp(d->name, name) == 0)
            return 1;
    }
    for (int i = 0; i < nf; i++)
        if (strcmp(fields[i], name) == 0)
            return 1;
    return 0;
}

/* Fills pb for item (kind, name, line) reading the unknown name, with the
 * closest known name as a hint.  Returns -1. */
static int problem(const rset *set, const char *const *fields, int nf, const char *kind,
                   const char *item, int line, const char *name, rules_name_problem *pb) {
    const char *names[256];
    size_t n = 0;
    for (const char *const *d = rules_dictionary; *d && n < 256; d++)
        names[n++] = *d;
    for (int i = 0; i < set->np && n < 256; i++)
        names[n++] = set->params[i].name;
    for (int j = 0; j < set->nd && n < 256; j++)
        names[n++] = set->der[j].name;
    for (int i = 0; i < nf && n < 256; i++)
        names[n++] = fields[i];
    const char *close = tnm_closest(name, names, n);
    char hint[160] = "";
    if (close)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", close);
    pb->kind = kind;
    pb->item = item;
    pb->line = line;
    snprintf(pb->msg, sizeof pb->msg,
             "reads '%s', which is no data-dictionary field, param or derive%s; a field of "
             "your own cohort is declared in the rule set with fields = {\"%s\"}",
             name, hint, name);
    return -1;
}

int rules_check_names(const rset *set, const char *const *fields, int nf, rules_name_problem *pb) {
    for (int j = 0; j < set->nd; j++) {
        const rderive *d = &set->der[j];
        for (size_t k = 0; d->e && k < expr_nnames(d->e); k++)
            if (!known_name(set, j, 0, fields, nf, expr_name(d->e, k)))
                return problem(set, fields, nf, "derive", d->name, d->line, expr_name(d->e, k), pb);
    }
    for (int i = 0; i < set->nc; i++) {
        const rcrit *c = &set->crit[i];
        for (size_t k = 0; c->e && k < expr_nnames(c->e); k++)
            if (!known_name(set, set->nd, 0, fields, nf, expr_name(c->e, k)))
                return problem(set, fields, nf, "criterion", c->name, c->line, expr_name(c->e, k),
                               pb);
        for (int k = 0; k < c->nreads; k++)
            if (!known_name(set, set->nd, 0, fields, nf, c->reads[k]))
                return problem(set, fields, nf, "criterion", c->name, c->line, c->reads[k], pb);
    }
    for (int i = 0; i < set->na; i++) {
        const rarm *a = &set->arms[i];
        for (size_t k = 0; a->when && k < expr_nnames(a->when); k++)
            if (!known_name(set, set->nd, 1, fields, nf, expr_name(a->when, k)))
                return problem(set, fields, nf, "arm", a->name, a->line, expr_name(a->when, k), pb);
    }
    return 0;
}

/* Adds name to out (distinct) when it is a field: no param, derive or
 * staging column of s, and not `eligible`. */
static void add_read(const rset *s, const char *name, const char **out, int *n, int max) {
    if (strcmp(name, "eligible") == 0)
        return;
    for (int i = 0; i < s->np; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return;
    for (int j = 0; j < s->nd; j++) {
        if (!s->der[j].staging && strcmp(s->der[j].name, name) == 0)
            return;
        for (int k = 0; s->der[j].staging && k < 4; k++)
            if (s->der[j].out[k] && strcmp(s->der[j].out[k], name) == 0)
                return;
    }
    for (int i = 0; i < *n; i++)
        if (strcmp(out[i], name) == 0)
            return;
    if (*n < max)
        out[(*n)++] = name;
}

int rules_set_reads(const rules *r, const char *set, const char **out, int max) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    int n = 0;
    for (int j = 0; s && j < s->nd; j++)
        for (size_t k = 0; s->der[j].e && k < expr_nnames(s->der[j].e); k++)
            add_read(s, expr_name(s->der[j].e, k), out, &n, max);
    for (int i = 0; s && i < s->nc; i++) {
        for (size_t k = 0; s->crit[i].e && k < expr_nnames(s->crit[i].e); k++)
            add_read(s, expr_name(s->crit[i].e, k), out, &n, max);
        for (int k = 0; k < s->crit[i].nreads; k++)
            add_read(s, s->crit[i].reads[k], out, &n, max);
    }
    for (int i = 0; s && i < s->na; i++)
        for (size_t k = 0; s->arms[i].when && k < expr_nnames(s->arms[i].when); k++)
            add_read(s, expr_name(s->arms[i].when, k), out, &n, max);
    return n;
}

size_t rules_nitems(const rules *r, const char *set) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    return s ? (size_t)(s->nd + s->nc + s->na) : 0;
}

int rules_item(const rules *r, const char *set, size_t i, rules_item_info *out) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    memset(out, 0, sizeof *out);
    if (s == NULL)
        return -1;
    if (i < (size_t)s->nd) {
        const rderive *d = &s->der[i];
        *out = (rules_item_info){'d',        d->name, d->doc, d->e ? expr_source(d->e) : NULL,
                                 d->staging, 0,       d->line};
        return 0;
    }
    i -= (size_t)s->nd;
    if (i < (size_t)s->nc) {
        const rcrit *c = &s->crit[i];
        *out = (rules_item_info){'c',  c->name,         c->reason, c->e ? expr_source(c->e) : NULL,
                                 NULL, c->unknown_keep, c->line};
        return 0;
    }
    i -= (size_t)s->nc;
    if (i < (size_t)s->na) {
        const rarm *a = &s->arms[i];
        *out = (rules_item_info){'a',  a->name, a->doc, a->when ? expr_source(a->when) : NULL,
                                 NULL, 0,       a->line};
        return 0;
    }
    return -1;
}

int rules_param_read(const rules_param_info *p, const char *text, double *v, char *err,
                     size_t errlen) {
    if (p->type == RULES_P_BOOLEAN) {
        static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};
        for (int i = 0; i < 3; i++)
            if (strcmp(text, yes[i]) == 0 || strcmp(text, no[i]) == 0) {
                *v = strcmp(text, yes[i]) == 0;
                return 0;
            }
        snprintf(err, errlen, "%s is true or false, not '%s'", p->name, text);
        return -1;
    }
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (p->type == RULES_P_TEXT || errno || end == text || *end != '\0' || !isfinite(*v)) {
        snprintf(err, errlen, "%s wants a number, not '%s'", p->name, text);
        return -1;
    }
    /* Beyond 2^53 a double holds no longer every whole number: 2^53 + 1
     * would silently become 2^53. */
    if (p->type == RULES_P_INTEGER && fabs(*v) >= RULES_INT_EXACT) {
        snprintf(err, errlen, "%s wants a whole number below 2^53 in size, not '%s'", p->name,
                 text);
        return -1;
    }
    return 0;
}
