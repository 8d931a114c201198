/* expr_bind.c - resolve names and check types of a parsed expression.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Type errors are caught here, once, with the position in the source, so
 * that evaluation never has to check anything per row.  A field that the
 * data dictionary knows but the cohort lacks (EXPR_REF_ABSENT) folds into a
 * constant "missing" of the type its context wants.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "text.h"
#include "expr_node.h"
#include "expr_list.h"

typedef struct binder {
    expr_resolve_fn resolve;
    void *ud;
    size_t nrows; /* rows of the columns met so far, for the 0/1 check */
    char *err;
    size_t errlen;
    int failed;
} binder;

static void berr(binder *b, const node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void berr(binder *b, const node *n, const char *fmt, ...) {
    if (b->failed)
        return;
    b->failed = 1;
    int k = snprintf(b->err, b->errlen, "at %d: ", n->pos + 1);
    if (k < 0 || (size_t)k >= b->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err + k, b->errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

static node *bnew(binder *b, const node *src, int op, expr_type type) {
    node *n = calloc(1, sizeof *n);
    if (n)
        n->buf = malloc(EXPR_BLOCK * sizeof(double));
    if (n == NULL || n->buf == NULL) {
        if (n)
            free(n);
        berr(b, src, "out of memory");
        return NULL;
    }
    n->op = op;
    n->pos = src->pos;
    n->type = type;
    n->lut_n = -1;
    if (src->str && (n->str = tnm_strdup(src->str)) == NULL) {
        node_free(n);
        berr(b, src, "out of memory");
        return NULL;
    }
    return n;
}

static node *kbool(binder *b, const node *src, int v) {
    node *n = bnew(b, src, B_KBOOL, EXPR_T_BOOL);
    if (n) {
        n->scalar = 1;
        ((uint8_t *)n->buf)[0] = (uint8_t)v;
    }
    return n;
}

static node *knum(binder *b, const node *src, double v) {
    node *n = bnew(b, src, B_KNUM, EXPR_T_NUM);
    if (n) {
        n->scalar = 1;
        ((double *)n->buf)[0] = v;
    }
    return n;
}

static const char *tname(expr_type t) {
    switch (t) {
    case EXPR_T_NUM:
        return "a number";
    case EXPR_T_BOOL:
        return "a condition";
    case EXPR_T_STR:
        return "text";
    default:
        return "missing";
    }
}

static const char *what(const node *n) {
    return n->str ? n->str : "this";
}

static node *bind(binder *b, const node *s);

/* Does col hold nothing but 0, 1 and missing?  Such a column is a boolean
 * stored as numbers (a CSV with m_all_treatable = 0/1). */
static int only_01(const cohort_column *col, size_t nrows) {
    const double *x = col->v.num;
    for (size_t i = 0; i < nrows; i++)
        if (!(x[i] == 0 || x[i] == 1 || x[i] != x[i]))
            return 0;
    return 1;
}

/* Does the text column hold nothing but yes/no words (yes, no, y, n,
 * true, false, any case) and missing?  Such a column is a boolean written
 * in words (a spreadsheet's "yes"/"no"). */
static int only_yesno(const cohort_column *col) {
    if (col->nlevels == 0)
        return 0;
    for (int32_t k = 0; k < col->nlevels; k++)
        if (expr_yesno_word(col->levels[k], strlen(col->levels[k])) < 0)
            return 0;
    return 1;
}

static node *mk_lut(binder *b, const node *s, node *col, int kind, expr_type t);

/* n read as a condition where one is needed: a number column of only
 * 0/1/missing, or a text column of only yes/no words, becomes one (takes n
 * over); anything else is returned as is.  A value that appears later and
 * is neither reads as unknown. */
static node *as_cond(binder *b, const node *s, node *n) {
    if (n->op == B_STRCOL && n->col && !n->col->alternatives && only_yesno(n->col))
        return mk_lut(b, s, n, L_YESNO, EXPR_T_BOOL);
    if (n->type != EXPR_T_NUM || n->op != B_NUMCOL || b->nrows == 0 || !only_01(n->col, b->nrows))
        return n;
    node *w = bnew(b, s, B_NUM01, EXPR_T_BOOL);
    if (w == NULL) {
        node_free(n);
        return NULL;
    }
    w->a = n;
    return w;
}

/* Binds s and requires type want; a missing field becomes a constant. */
static node *bind_as(binder *b, const node *s, expr_type want, const char *role) {
    node *n = bind(b, s);
    if (n == NULL)
        return NULL;
    if (n->type == EXPR_T_NA) {
        node_free(n);
        n = want == EXPR_T_NUM ? knum(b, s, NAN) : kbool(b, s, EXPR_UNKNOWN);
        if (n)
            n->absent = s->op == OP_NAME; /* not the literal unknown */
        return n;
    }
    if (want == EXPR_T_BOOL && (n = as_cond(b, s, n)) == NULL)
        return NULL;
    if (n->type != want) {
        if (n->type == EXPR_T_STR && n->op == B_STRCOL)
            berr(b, s, "'%s' is text; %s needs %s (compare text with ==, ~= or in)", what(n), role,
                 tname(want));
        else if (want == EXPR_T_BOOL && n->type == EXPR_T_NUM)
            berr(b, s,
                 "%s needs a condition, but '%s' is a number (write e.g. "
                 "%s > 0)",
                 role, what(n), what(n));
        else
            berr(b, s, "%s needs %s, not %s", role, tname(want), tname(n->type));
        node_free(n);
        return NULL;
    }
    return n;
}

static node *bind_name(binder *b, const node *s) {
    expr_ref r = {0};
    if (b->resolve(b->ud, s->str, &r) != 0) {
        berr(b, s,
             "unknown name '%s' (not a field of the data dictionary, "
             "a param or a derived column)",
             s->str);
        return NULL;
    }
    node *n = NULL;
    switch (r.kind) {
    case EXPR_REF_COLUMN:
        if (r.nrows)
            b->nrows = r.nrows;
        if (r.col->type == COHORT_NUM)
            n = bnew(b, s, B_NUMCOL, EXPR_T_NUM);
        else if (r.col->type == COHORT_BOOL)
            n = bnew(b, s, B_BOOLCOL, EXPR_T_BOOL);
        else
            n = bnew(b, s, B_STRCOL, EXPR_T_STR);
        if (n)
            n->col = r.col;
        return n;
    case EXPR_REF_PARAM:
        n = bnew(b, s,
                 r.type == EXPR_T_NUM    ? B_NUMPAR
                 : r.type == EXPR_T_BOOL ? B_BOOLPAR
                                         : B_STRPAR,
                 r.type);
        if (n) {
            n->scalar = 1;
            n->index = r.index;
        }
        return n;
    case EXPR_REF_DERIVED:
        n = bnew(b, s, r.type == EXPR_T_NUM ? B_NUMDER : B_BOOLDER, r.type);
        if (n)
            n->index = r.index;
        return n;
    default:
        if ((n = bnew(b, s, B_KNUM, EXPR_T_NA)))
            n->scalar = 1;
        return n;
    }
}

/* A text key for a lookup: a literal or a text param. */
static int add_key(binder *b, node *lut, const node *s) {
    node *k = bind(b, s);
    if (k == NULL)
        return -1;
    if (k->type != EXPR_T_STR || !k->scalar) {
        berr(b, s, "expected quoted text here, not %s", tname(k->type));
        node_free(k);
        return -1;
    }
    if (k->op == B_STRPAR)
        lut->lut_params = 1;
    node **na = realloc(lut->args, (size_t)(lut->nargs + 1) * sizeof *na);
    if (na == NULL) {
        node_free(k);
        berr(b, s, "out of memory");
        return -1;
    }
    lut->args = na;
    lut->args[lut->nargs++] = k;
    return 0;
}

/* Keys from "x" or {"x", "y"}. */
static int add_keys(binder *b, node *lut, const node *s) {
    if (s->op != OP_SET)
        return add_key(b, lut, s);
    for (int i = 0; i < s->nargs; i++)
        if (add_key(b, lut, s->args[i]) != 0)
            return -1;
    return 0;
}

/* A lookup node over text column col (already bound, takes ownership). */
static node *mk_lut(binder *b, const node *s, node *col, int kind, expr_type t) {
    node *n = bnew(b, s, t == EXPR_T_NUM ? B_LUTN : B_LUTB, t);
    if (n == NULL) {
        node_free(col);
        return NULL;
    }
    n->sub = kind;
    n->a = col;
    return n;
}

/* A condition of a text column through its per-level table, against one
 * key (a literal or a text param); takes col and key. */
static node *lut_with_key(binder *b, const node *s, node *col, int kind, node *key) {
    node *n = mk_lut(b, s, col, kind, EXPR_T_BOOL);
    if (n == NULL || (n->args = malloc(sizeof *n->args)) == NULL) {
        if (n)
            berr(b, s, "out of memory");
        node_free(n);
        node_free(key);
        return NULL;
    }
    n->lut_params = key->op == B_STRPAR;
    n->args[0] = key;
    n->nargs = 1;
    return n;
}

static node *bind_call(binder *b, const node *s) {
    static const struct {
        const char *name;
        int kind;
        int minargs, maxargs;
    } lists[] = {{"count", L_COUNT, 1, 1},     {"contains", L_CONTAINS, 2, 2},
                 {"lesions", L_LESIONS, 1, 2}, {"lesions_except", L_LESIONS_EX, 2, 2},
                 {"organs", L_ORGANS, 1, 2},   {"organs_except", L_ORGANS_EX, 2, 2},
                 {"within", L_WITHIN, 2, 2}};
    const char *f = s->str;
    int known = strcmp(f, "known") == 0, missing = strcmp(f, "missing") == 0;
    if (known || missing) {
        if (s->nargs != 1) {
            berr(b, s, "%s() takes one argument", f);
            return NULL;
        }
        node *a = bind(b, s->args[0]);
        if (a == NULL)
            return NULL;
        if (a->type == EXPR_T_NA || (a->type == EXPR_T_STR && a->scalar)) {
            int k = a->type == EXPR_T_NA ? known : missing;
            node_free(a);
            return kbool(b, s, k ? EXPR_FALSE : EXPR_TRUE);
        }
        if (a->type == EXPR_T_STR)
            return mk_lut(b, s, a, known ? L_KNOWN : L_MISSING, EXPR_T_BOOL);
        node *n = bnew(b, s, a->type == EXPR_T_NUM ? B_KNOWNN : B_KNOWNB, EXPR_T_BOOL);
        if (n == NULL) {
            node_free(a);
            return NULL;
        }
        n->sub = known;
        n->a = a;
        n->scalar = a->scalar;
        return n;
    }
    int mm = strcmp(f, "min") == 0   ? B_MIN
             : strcmp(f, "max") == 0 ? B_MAX
             : strcmp(f, "abs") == 0 ? B_ABS
                                     : -1;
    if (mm >= 0) {
        int want = mm == B_ABS ? 1 : 2;
        if (s->nargs != want) {
            berr(b, s, "%s() takes %d argument%s", f, want, want > 1 ? "s" : "");
            return NULL;
        }
        node *n = bnew(b, s, mm, EXPR_T_NUM);
        if (n == NULL)
            return NULL;
        n->a = bind_as(b, s->args[0], EXPR_T_NUM, f);
        if (want == 2 && n->a)
            n->b = bind_as(b, s->args[1], EXPR_T_NUM, f);
        if (n->a == NULL || (want == 2 && n->b == NULL)) {
            node_free(n);
            return NULL;
        }
        n->scalar = n->a->scalar && (n->b == NULL || n->b->scalar);
        return n;
    }
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(f, lists[i].name) != 0)
            continue;
        if (s->nargs < lists[i].minargs || s->nargs > lists[i].maxargs) {
            berr(b, s, "%s() takes %d%s argument%s", f, lists[i].minargs,
                 lists[i].maxargs > lists[i].minargs ? " or 2" : "",
                 lists[i].maxargs > 1 ? "s" : "");
            return NULL;
        }
        expr_type t =
            lists[i].kind == L_CONTAINS || lists[i].kind == L_WITHIN ? EXPR_T_BOOL : EXPR_T_NUM;
        node *col = bind(b, s->args[0]);
        if (col == NULL)
            return NULL;
        if (col->type == EXPR_T_NA) {
            node_free(col);
            return t == EXPR_T_NUM ? knum(b, s, NAN) : kbool(b, s, EXPR_UNKNOWN);
        }
        if (col->op != B_STRCOL) {
            berr(b, s, "%s() needs a %s, not %s", f,
                 lists[i].kind == L_WITHIN ? "text field such as stage or m"
                                           : "list field such as m_sites or n_stations",
                 tname(col->type));
            node_free(col);
            return NULL;
        }
        node *n = mk_lut(b, s, col, lists[i].kind, t);
        if (n && s->nargs == 2 && add_keys(b, n, s->args[1]) != 0) {
            node_free(n);
            return NULL;
        }
        return n;
    }
    berr(b, s, "unknown function '%s'", f); /* the parser refuses it first */
    return NULL;
}

/* clang-format off */
const expr_function_doc expr_functions[] = {
    {"known", "known(x)", "condition: is x recorded", "false (never unknown)"},
    {"missing", "missing(x)", "condition: the opposite of known", "true (never unknown)"},
    {"min", "min(a, b)", "number: the smaller", "missing"},
    {"max", "max(a, b)", "number: the larger", "missing"},
    {"abs", "abs(a)", "number: the absolute value", "missing"},
    {"count", "count(f)", "number of items of a list field", "missing"},
    {"contains", "contains(f, key)", "condition: some item's site is a key", "unknown"},
    {"lesions", "lesions(f [, key])", "sum of the items' counts (of the given sites only)",
     "missing"},
    {"lesions_except", "lesions_except(f, key)", "sum of the counts of every site but these",
     "missing"},
    {"organs", "organs(f [, key])",
     "distinct sites with a count above 0 (of the given sites only)", "missing"},
    {"organs_except", "organs_except(f, key)", "distinct sites with a count above 0, but these",
     "missing"},
    {"within", "within(f, key)", "condition: the code (stage, m, ...) lies within a broader one",
     "unknown"},
    {NULL, NULL, NULL, NULL}};
/* clang-format on */

static node *bind_eq(binder *b, const node *s) {
    if (s->a->op == OP_UNKNOWN || s->b->op == OP_UNKNOWN) {
        berr(b, s,
             "comparing with unknown is always unknown; write missing(x) "
             "or known(x)");
        return NULL;
    }
    node *l = bind(b, s->a), *r = l ? bind(b, s->b) : NULL;
    if (r == NULL) {
        node_free(l);
        return NULL;
    }
    if (l->type == EXPR_T_BOOL && r->type == EXPR_T_NUM)
        r = as_cond(b, s->b, r);
    else if (l->type == EXPR_T_NUM && r->type == EXPR_T_BOOL)
        l = as_cond(b, s->a, l);
    if (l == NULL || r == NULL) {
        node_free(l);
        node_free(r);
        return NULL;
    }
    if (l->type == EXPR_T_NA || r->type == EXPR_T_NA) {
        node_free(l);
        node_free(r);
        return kbool(b, s, EXPR_UNKNOWN);
    }
    if (l->type != r->type) {
        berr(b, s, "cannot compare %s ('%s') with %s ('%s')", tname(l->type), what(l),
             tname(r->type), what(r));
        node_free(l);
        node_free(r);
        return NULL;
    }
    node *n = NULL;
    if (l->type == EXPR_T_STR) {
        if (l->scalar && r->scalar) {
            if ((n = bnew(b, s, B_SCMP, EXPR_T_BOOL))) {
                n->sub = s->op;
                n->a = l;
                n->b = r;
                n->scalar = 1;
                return n;
            }
        } else if (!l->scalar && !r->scalar) {
            berr(b, s, "comparing two text fields is not supported");
        } else {
            node *col = l->scalar ? r : l, *key = l->scalar ? l : r;
            return lut_with_key(b, s, col, s->op == OP_EQ ? L_EQ : L_NE, key);
        }
        node_free(l);
        node_free(r);
        return NULL;
    }
    if ((n = bnew(b, s, l->type == EXPR_T_NUM ? B_CMPN : B_CMPB, EXPR_T_BOOL)) == NULL) {
        node_free(l);
        node_free(r);
        return NULL;
    }
    n->sub = s->op;
    n->a = l;
    n->b = r;
    n->scalar = l->scalar && r->scalar;
    return n;
}

/* `stage >= "IV"`, `t < "T3"`: a staged code column (whose cells may list
 * candidates) against a text key, in the order of the codes.  NULL without
 * an error when the left side is no such column: then it binds as numbers
 * do (and says why text does not compare). */
static node *bind_order(binder *b, const node *s) {
    if (s->a->op != OP_NAME || s->b->op != OP_STR)
        return NULL;
    expr_ref r = {0};
    if (b->resolve(b->ud, s->a->str, &r) != 0 || r.kind != EXPR_REF_COLUMN ||
        r.col->type != COHORT_STR || !r.col->alternatives)
        return NULL;
    node *col = bind(b, s->a), *key = col ? bind(b, s->b) : NULL;
    if (key == NULL) {
        node_free(col);
        return NULL;
    }
    int kind = s->op == OP_LT ? L_LT : s->op == OP_LE ? L_LE : s->op == OP_GT ? L_GT : L_GE;
    return lut_with_key(b, s, col, kind, key);
}

static node *bind_in(binder *b, const node *s) {
    node *l = bind(b, s->a);
    if (l == NULL)
        return NULL;
    if (l->type == EXPR_T_NA) {
        node_free(l);
        return kbool(b, s, EXPR_UNKNOWN);
    }
    if (l->op == B_STRCOL) {
        node *n = mk_lut(b, s, l, L_IN, EXPR_T_BOOL);
        if (n && add_keys(b, n, s->b) != 0) {
            node_free(n);
            return NULL;
        }
        return n;
    }
    if (l->type != EXPR_T_NUM) {
        berr(b, s, "'in' works on a field (text or number), not on %s", tname(l->type));
        node_free(l);
        return NULL;
    }
    node *n = bnew(b, s, B_INN, EXPR_T_BOOL);
    if (n == NULL) {
        node_free(l);
        return NULL;
    }
    n->a = l;
    n->scalar = l->scalar;
    for (int i = 0; i < s->b->nargs; i++) {
        node *k = bind_as(b, s->b->args[i], EXPR_T_NUM, "a set of numbers");
        node **na = k ? realloc(n->args, (size_t)(n->nargs + 1) * sizeof *na) : NULL;
        if (na == NULL) {
            node_free(k);
            node_free(n);
            if (k)
                berr(b, s, "out of memory");
            return NULL;
        }
        n->args = na;
        n->args[n->nargs++] = k;
        if (!k->scalar) {
            berr(b, s->b->args[i], "set items must be numbers or params");
            node_free(n);
            return NULL;
        }
    }
    return n;
}

static node *bind(binder *b, const node *s) {
    node *n = NULL;
    switch (s->op) {
    case OP_NUM:
        return knum(b, s, s->num);
    case OP_BOOL:
        return kbool(b, s, s->num != 0 ? EXPR_TRUE : EXPR_FALSE);
    case OP_STR:
        if ((n = bnew(b, s, B_KSTR, EXPR_T_STR)))
            n->scalar = 1;
        return n;
    case OP_NAME:
        return bind_name(b, s);
    case OP_UNKNOWN:
        if ((n = bnew(b, s, B_KNUM, EXPR_T_NA)))
            n->scalar = 1;
        return n;
    case OP_SET:
        berr(b, s, "a set {...} can only follow 'in' or be a function argument");
        return NULL;
    case OP_CALL:
        return bind_call(b, s);
    case OP_EQ:
    case OP_NE:
        return bind_eq(b, s);
    case OP_IN:
        return bind_in(b, s);
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        if ((n = bind_order(b, s)) != NULL || b->failed)
            return n;
        break;
    default:
        break;
    }
    int op;
    expr_type want, out;
    const char *role;
    switch (s->op) {
    case OP_NEG:
        op = B_NEG;
        want = out = EXPR_T_NUM;
        role = "'-'";
        break;
    case OP_NOT:
        op = B_NOT;
        want = out = EXPR_T_BOOL;
        role = "'not'";
        break;
    case OP_AND:
        op = B_AND;
        want = out = EXPR_T_BOOL;
        role = "'and'";
        break;
    case OP_OR:
        op = B_OR;
        want = out = EXPR_T_BOOL;
        role = "'or'";
        break;
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        op = B_CMPN;
        want = EXPR_T_NUM;
        out = EXPR_T_BOOL;
        role = "comparing";
        break;
    default:
        op = B_ARITH;
        want = out = EXPR_T_NUM;
        role = "arithmetic";
        break;
    }
    node *l = bind_as(b, s->a, want, role);
    node *r = (l && s->b) ? bind_as(b, s->b, want, role) : NULL;
    if (l == NULL || (s->b && r == NULL) || (n = bnew(b, s, op, out)) == NULL) {
        node_free(l);
        node_free(r);
        return NULL;
    }
    n->sub = s->op;
    n->a = l;
    n->b = r;
    n->scalar = l->scalar && (r == NULL || r->scalar);
    return n;
}

static expr_prog *bind_root(const expr *e, expr_resolve_fn resolve, void *ud, int cond, char *err,
                            size_t errlen) {
    binder b = {resolve, ud, 0, err, errlen, 0};
    expr_prog *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->root = bind(&b, e->root);
    if (p->root && cond)
        p->root = as_cond(&b, e->root, p->root);
    if (p->root && p->root->type == EXPR_T_NA) {
        node_free(p->root);
        p->root = kbool(&b, e->root, EXPR_UNKNOWN);
    }
    if (p->root && p->root->type == EXPR_T_STR) {
        berr(&b, e->root,
             "the expression is text; a rule needs a condition or "
             "a number");
        node_free(p->root);
        p->root = NULL;
    }
    if (p->root == NULL) {
        free(p);
        return NULL;
    }
    p->type = p->root->type;
    return p;
}

void expr_prog_free(expr_prog *p) {
    if (p == NULL)
        return;
    node_free(p->root);
    free(p);
}

expr_prog *expr_bind(const expr *e, expr_resolve_fn resolve, void *ud, char *err, size_t errlen) {
    return bind_root(e, resolve, ud, 0, err, errlen);
}

expr_prog *expr_bind_condition(const expr *e, expr_resolve_fn resolve, void *ud, char *err,
                               size_t errlen) {
    return bind_root(e, resolve, ud, 1, err, errlen);
}

expr_type expr_prog_type(const expr_prog *p) {
    return p->type;
}
