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

int rules_each_name(const rset *set, int (*fn)(void *ud, const rules_name_use *u), void *ud) {
    int rc = 0;
    for (int j = 0; j < set->nd && rc == 0; j++) {
        const rderive *d = &set->der[j];
        for (size_t k = 0; d->e && k < expr_nnames(d->e) && rc == 0; k++)
            rc = fn(ud, &(rules_name_use){"derive", d->name, d->line, j, 0, expr_name(d->e, k)});
    }
    for (int i = 0; i < set->nc && rc == 0; i++) {
        const rcrit *c = &set->crit[i];
        for (size_t k = 0; c->e && k < expr_nnames(c->e) && rc == 0; k++)
            rc = fn(ud, &(rules_name_use){"criterion", c->name, c->line, set->nd, 0,
                                          expr_name(c->e, k)});
        for (int k = 0; k < c->nreads && rc == 0; k++)
            rc = fn(ud, &(rules_name_use){"criterion", c->name, c->line, set->nd, 0, c->reads[k]});
    }
    for (int i = 0; i < set->na && rc == 0; i++) {
        const rarm *a = &set->arms[i];
        for (size_t k = 0; a->when && k < expr_nnames(a->when) && rc == 0; k++)
            rc = fn(ud,
                    &(rules_name_use){"arm", a->name, a->line, set->nd, 1, expr_name(a->when, k)});
    }
    return rc;
}

/* Does the set itself give name: a param, one of its first nder derives
 * (a staging derive gives its four columns), or `eligible` in an arm? */
static int set_gives(const rset *set, int nder, int arm, const char *name) {
    if (arm && strcmp(name, "eligible") == 0)
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
    return 0;
}

typedef struct name_check {
    const rset *set;
    const char *const *fields;
    int nf;
    rules_name_problem *pb;
} name_check;

/* A name that nothing gives: fills the problem, with the closest known
 * name as a hint, and stops the walk. */
static int check_one(void *ud, const rules_name_use *u) {
    name_check *c = ud;
    if (rules_known_field(u->name) || set_gives(c->set, u->nder, u->arm, u->name))
        return 0;
    for (int i = 0; i < c->nf; i++)
        if (strcmp(c->fields[i], u->name) == 0)
            return 0;
    const char *names[256];
    size_t n = 0;
    for (const char *const *d = rules_dictionary; *d && n < 256; d++)
        names[n++] = *d;
    for (int i = 0; i < c->set->np && n < 256; i++)
        names[n++] = c->set->params[i].name;
    for (int j = 0; j < c->set->nd && n < 256; j++)
        names[n++] = c->set->der[j].name;
    for (int i = 0; i < c->nf && n < 256; i++)
        names[n++] = c->fields[i];
    const char *close = tnm_closest(u->name, names, n);
    char hint[160] = "";
    if (close)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", close);
    c->pb->kind = u->kind;
    c->pb->item = u->item;
    c->pb->line = u->line;
    snprintf(c->pb->msg, sizeof c->pb->msg,
             "reads '%s', which is no data-dictionary field, param or derive%s; a field of "
             "your own cohort is declared in the rule set with fields = {\"%s\"}",
             u->name, hint, u->name);
    return -1;
}

int rules_check_names(const rset *set, const char *const *fields, int nf, rules_name_problem *pb) {
    name_check c = {set, fields, nf, pb};
    return rules_each_name(set, check_one, &c);
}

typedef struct read_list {
    const rset *set;
    const char **out;
    int n, max;
} read_list;

/* Adds a name the set does not give itself (a cohort field), once. */
static int add_read(void *ud, const rules_name_use *u) {
    read_list *l = ud;
    if (set_gives(l->set, l->set->nd, 1, u->name))
        return 0;
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->out[i], u->name) == 0)
            return 0;
    if (l->n < l->max)
        l->out[l->n++] = u->name;
    return 0;
}

int rules_set_reads(const rules *r, const char *set, const char **out, int max) {
    const rset *s = rules_find_set(r, rules_version(r), set, NULL, NULL);
    read_list l = {s, out, 0, max};
    if (s)
        rules_each_name(s, add_read, &l);
    return l.n;
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

/* Names of a bare cohort: its columns, else a dictionary field it lacks. */
static int cohort_resolve(void *ud, const char *name, expr_ref *out) {
    const cohort *c = ud;
    const cohort_column *col = cohort_find(c, name);
    if (col) {
        out->kind = EXPR_REF_COLUMN;
        out->col = col;
        out->nrows = cohort_nrows(c);
        return 0;
    }
    if (rules_known_field(name)) {
        out->kind = EXPR_REF_ABSENT;
        out->type = EXPR_T_NA;
        return 0;
    }
    return -1;
}

long rules_count_conflicts(rules *r, const cohort *c, size_t *first, char *err, size_t errlen) {
    *first = 0;
    const char *const *th = rules_thoracic_sites(r);
    if (th == NULL || cohort_find(c, "m_sites") == NULL ||
        (cohort_find(c, "m_lesions") == NULL && cohort_find(c, "m_organs") == NULL))
        return 0;
    char set[400] = "";
    size_t o = 0;
    for (int i = 0; th[i] && o < sizeof set - 80; i++)
        o += (size_t)snprintf(set + o, sizeof set - o, "%s\"%s\"", i ? ", " : "", th[i]);
    char src[1200];
    snprintf(src, sizeof src,
             "known(m_sites) and ((known(m_lesions) and lesions_except(m_sites, {%s}) ~= "
             "m_lesions) or (known(m_organs) and organs_except(m_sites, {%s}) ~= m_organs))",
             set, set);
    expr *e = expr_parse(src, err, errlen);
    expr_prog *p = e ? expr_bind_condition(e, cohort_resolve, (void *)c, err, errlen) : NULL;
    size_t n = cohort_nrows(c);
    uint8_t *out = p ? malloc(n + 1) : NULL;
    expr_ctx ctx = {NULL, NULL, NULL, rules_site_words(r)};
    long bad = -1;
    if (out && expr_eval(p, &ctx, 0, n, out) == 0) {
        bad = 0;
        for (size_t i = 0; i < n; i++)
            if (out[i] == EXPR_TRUE && bad++ == 0)
                *first = i;
    } else if (p) {
        snprintf(err, errlen, "out of memory");
    }
    free(out);
    expr_prog_free(p);
    expr_free(e);
    return bad;
}
