/* expr.c - parse, bind and evaluate rule expressions column-wise.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why blocks: each node evaluates BLOCK rows into its own scratch buffer, so
 * the working set of a whole tree stays in cache and no per-node array of
 * nrows is ever allocated.  Column leaves hand out pointers into the cohort
 * (no copy).  Text columns are never compared string by string per row: a
 * per-level lookup table (LUT) is computed once from the column's distinct
 * values, and rows gather from it; that is also how ';'-list fields such as
 * m_sites are counted ('brain:1;bone:2' is parsed once per distinct value).
 */
#include "expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_node.h"
#include "text.h"

/* ---------------------------------------------------------------- lexer */

enum tok {
    T_EOF,
    T_NUM,
    T_STR,
    T_NAME,
    T_AND,
    T_OR,
    T_NOT,
    T_IN,
    T_TRUE,
    T_FALSE,
    T_UNKNOWN,
    T_LP,
    T_RP,
    T_LB,
    T_RB,
    T_COMMA,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PCT,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_EQ,
    T_NE,
    T_BAD
};

typedef struct parser {
    const char *src;
    size_t p;     /* scan position */
    enum tok tok; /* current token */
    size_t tpos;  /* its offset */
    double num;
    char *str; /* T_STR / T_NAME text (owned until taken) */
    char *err;
    size_t errlen;
    int failed;
    int depth;    /* nesting of parentheses, sets, calls and unary ops */
    size_t nodes; /* nodes made so far */
    expr *e;
} parser;

/* Limits that keep the parser, the binder and the evaluator (all recursive
 * over the tree) far from the C stack's end, and a rule file's expression
 * trees small beside the sandbox's memory cap: each bound node holds a
 * block of EXPR_BLOCK values. */
enum { EXPR_MAX_LEN = 1 << 20, EXPR_MAX_NODES = 4096, EXPR_MAX_DEPTH = 100, EXPR_MAX_HEIGHT = 256 };

static void perr(parser *ps, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void perr(parser *ps, size_t pos, const char *fmt, ...) {
    if (ps->failed)
        return;
    ps->failed = 1;
    int k = snprintf(ps->err, ps->errlen, "at %zu: ", pos + 1);
    if (k < 0 || (size_t)k >= ps->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + k, ps->errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

static char *xstrndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void next(parser *ps) {
    const char *s = ps->src;
    free(ps->str);
    ps->str = NULL;
    while (s[ps->p] == ' ' || s[ps->p] == '\t' || s[ps->p] == '\n' || s[ps->p] == '\r')
        ps->p++;
    size_t p = ps->tpos = ps->p;
    char c = s[p];
    if (c == '\0') {
        ps->tok = T_EOF;
        return;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && s[p + 1] >= '0' && s[p + 1] <= '9')) {
        char *end;
        ps->num = strtod(s + p, &end);
        ps->p = (size_t)(end - s);
        ps->tok = T_NUM;
        if (!isfinite(ps->num)) { /* 1e999: no comparison with it means anything */
            perr(ps, p, "number %.*s is out of range",
                 (int)(end - (s + p) > 40 ? 40 : end - (s + p)), s + p);
            ps->tok = T_BAD;
        }
        return;
    }
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        size_t q = p;
        while (s[q] == '_' || (s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z') ||
               (s[q] >= '0' && s[q] <= '9'))
            q++;
        ps->p = q;
        size_t n = q - p;
        static const struct {
            const char *w;
            enum tok t;
        } kw[] = {{"and", T_AND},   {"or", T_OR},       {"not", T_NOT},         {"in", T_IN},
                  {"true", T_TRUE}, {"false", T_FALSE}, {"unknown", T_UNKNOWN}, {"nil", T_UNKNOWN}};
        for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
            if (strlen(kw[i].w) == n && memcmp(kw[i].w, s + p, n) == 0) {
                ps->tok = kw[i].t;
                return;
            }
        ps->str = xstrndup(s + p, n);
        ps->tok = ps->str ? T_NAME : T_BAD;
        return;
    }
    if (c == '"' || c == '\'') {
        size_t q = p + 1;
        while (s[q] && s[q] != c && s[q] != '\n')
            q += (s[q] == '\\' && s[q + 1]) ? 2 : 1;
        if (s[q] != c) {
            perr(ps, p, "unfinished text %c...", c);
            ps->tok = T_BAD;
            return;
        }
        ps->str = xstrndup(s + p + 1, q - p - 1);
        ps->p = q + 1;
        ps->tok = ps->str ? T_STR : T_BAD;
        return;
    }
    ps->p = p + 1;
    char d = s[p + 1];
    switch (c) {
    case '(':
        ps->tok = T_LP;
        return;
    case ')':
        ps->tok = T_RP;
        return;
    case '{':
        ps->tok = T_LB;
        return;
    case '}':
        ps->tok = T_RB;
        return;
    case ',':
        ps->tok = T_COMMA;
        return;
    case '+':
        ps->tok = T_PLUS;
        return;
    case '-':
        ps->tok = T_MINUS;
        return;
    case '*':
        ps->tok = T_STAR;
        return;
    case '/':
        ps->tok = T_SLASH;
        return;
    case '%':
        ps->tok = T_PCT;
        return;
    case '<':
        if (d == '=') {
            ps->p++;
            ps->tok = T_LE;
        } else
            ps->tok = T_LT;
        return;
    case '>':
        if (d == '=') {
            ps->p++;
            ps->tok = T_GE;
        } else
            ps->tok = T_GT;
        return;
    case '=':
        if (d == '=') {
            ps->p++;
            ps->tok = T_EQ;
            return;
        }
        perr(ps, p, "use == to compare");
        ps->tok = T_BAD;
        return;
    case '~':
    case '!':
        if (d == '=') {
            ps->p++;
            ps->tok = T_NE;
            return;
        }
        break;
    default:
        break;
    }
    perr(ps, p, "unexpected character '%c'", c);
    ps->tok = T_BAD;
}

/* --------------------------------------------------------------- parser */

static node *mk(parser *ps, int op, size_t pos) {
    if (++ps->nodes > EXPR_MAX_NODES) {
        perr(ps, pos,
             "expression too large (more than %d terms); split it into "
             "derives or criteria",
             EXPR_MAX_NODES);
        return NULL;
    }
    node *n = calloc(1, sizeof *n);
    if (n == NULL)
        perr(ps, pos, "out of memory");
    else {
        n->op = op;
        n->pos = (int)pos;
    }
    return n;
}

void node_free(node *n) {
    if (n == NULL)
        return;
    node_free(n->a);
    node_free(n->b);
    for (int i = 0; i < n->nargs; i++)
        node_free(n->args[i]);
    free(n->args);
    free(n->str);
    free(n->buf);
    free(n->lut);
    free(n);
}

static int add_arg(parser *ps, node *n, node *arg) {
    node **na = realloc(n->args, (size_t)(n->nargs + 1) * sizeof *na);
    if (na == NULL) {
        node_free(arg);
        perr(ps, (size_t)n->pos, "out of memory");
        return -1;
    }
    n->args = na;
    n->args[n->nargs++] = arg;
    return 0;
}

static void note_name(parser *ps, const char *name) {
    expr *e = ps->e;
    for (size_t i = 0; i < e->nnames; i++)
        if (strcmp(e->names[i], name) == 0)
            return;
    char **nn = realloc(e->names, (e->nnames + 1) * sizeof *nn);
    char *d = xstrndup(name, strlen(name));
    if (nn == NULL || d == NULL) {
        free(d);
        if (nn)
            e->names = nn;
        perr(ps, ps->tpos, "out of memory");
        return;
    }
    e->names = nn;
    e->names[e->nnames++] = d;
}

static node *p_expr(parser *ps);

/* Sets n's height from its children's; fails past EXPR_MAX_HEIGHT (a sum
 * of hundreds of terms is a left spine as tall as it is long).  Returns n,
 * or NULL after freeing it. */
static node *grown(parser *ps, node *n) {
    int h = 0;
    if (n->a && n->a->height > h)
        h = n->a->height;
    if (n->b && n->b->height > h)
        h = n->b->height;
    for (int i = 0; i < n->nargs; i++)
        if (n->args[i]->height > h)
            h = n->args[i]->height;
    n->height = h + 1;
    if (n->height > EXPR_MAX_HEIGHT) {
        perr(ps, (size_t)n->pos,
             "expression nested too deeply (more than %d levels "
             "of operators); split it into derives",
             EXPR_MAX_HEIGHT);
        node_free(n);
        return NULL;
    }
    return n;
}

/* Enters a nesting level (a parenthesis, set, call or unary operator);
 * 0, or -1 past EXPR_MAX_DEPTH. */
static int enter(parser *ps) {
    if (++ps->depth > EXPR_MAX_DEPTH) {
        perr(ps, ps->tpos,
             "expression nested too deeply (more than %d levels of "
             "parentheses, sets, calls or 'not')",
             EXPR_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static const char *tokname(enum tok t) {
    static const char *const names[] = {"end of expression",
                                        "number",
                                        "text",
                                        "name",
                                        "and",
                                        "or",
                                        "not",
                                        "in",
                                        "true",
                                        "false",
                                        "unknown",
                                        "(",
                                        ")",
                                        "{",
                                        "}",
                                        ",",
                                        "+",
                                        "-",
                                        "*",
                                        "/",
                                        "%",
                                        "<",
                                        "<=",
                                        ">",
                                        ">=",
                                        "==",
                                        "~=",
                                        "?"};
    return names[t];
}

static node *p_set(parser *ps) {
    if (enter(ps) != 0)
        return NULL;
    node *n = mk(ps, OP_SET, ps->tpos);
    next(ps); /* { */
    while (n && !ps->failed && ps->tok != T_RB) {
        node *item = p_expr(ps);
        if (item == NULL || add_arg(ps, n, item) != 0)
            break;
        if (ps->tok == T_COMMA)
            next(ps);
        else if (ps->tok != T_RB)
            perr(ps, ps->tpos, "expected ',' or '}' in a set, got '%s'", tokname(ps->tok));
    }
    ps->depth--;
    if (ps->failed) {
        node_free(n);
        return NULL;
    }
    next(ps); /* } */
    return grown(ps, n);
}

static node *p_primary(parser *ps) {
    size_t pos = ps->tpos;
    node *n = NULL;
    switch (ps->tok) {
    case T_NUM:
        if ((n = mk(ps, OP_NUM, pos)))
            n->num = ps->num;
        next(ps);
        return n;
    case T_STR:
        if ((n = mk(ps, OP_STR, pos))) {
            n->str = ps->str;
            ps->str = NULL;
        }
        next(ps);
        return n;
    case T_TRUE:
    case T_FALSE:
        if ((n = mk(ps, OP_BOOL, pos)))
            n->num = ps->tok == T_TRUE;
        next(ps);
        return n;
    case T_UNKNOWN:
        n = mk(ps, OP_UNKNOWN, pos);
        next(ps);
        return n;
    case T_LP:
        if (enter(ps) != 0)
            return NULL;
        next(ps);
        n = p_expr(ps);
        ps->depth--;
        if (n && ps->tok != T_RP) {
            perr(ps, ps->tpos, "expected ')', got '%s'", tokname(ps->tok));
            node_free(n);
            return NULL;
        }
        next(ps);
        return n;
    case T_LB:
        return p_set(ps);
    case T_NAME:
        if ((n = mk(ps, OP_NAME, pos)) == NULL)
            return NULL;
        n->str = ps->str;
        ps->str = NULL;
        next(ps);
        if (ps->tok != T_LP) {
            note_name(ps, n->str);
            return n;
        }
        n->op = OP_CALL;
        { /* a function the binder does not know is a mistake in the text */
            int known = 0;
            size_t nf = 0;
            const char *names[64];
            for (; expr_functions[nf].name && nf < 64; nf++) {
                names[nf] = expr_functions[nf].name;
                known |= strcmp(names[nf], n->str) == 0;
            }
            if (!known) {
                const char *close = tnm_closest(n->str, names, nf);
                perr(ps, pos, "unknown function '%s'%s%s%s", n->str,
                     close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "");
                node_free(n);
                return NULL;
            }
        }
        next(ps);
        if (enter(ps) != 0) {
            node_free(n);
            return NULL;
        }
        while (!ps->failed && ps->tok != T_RP) {
            node *arg = p_expr(ps);
            if (arg == NULL || add_arg(ps, n, arg) != 0)
                break;
            if (ps->tok == T_COMMA)
                next(ps);
            else if (ps->tok != T_RP)
                perr(ps, ps->tpos, "expected ',' or ')', got '%s'", tokname(ps->tok));
        }
        ps->depth--;
        if (ps->failed) {
            node_free(n);
            return NULL;
        }
        next(ps);
        return grown(ps, n);
    default:
        perr(ps, pos, "unexpected '%s'", tokname(ps->tok));
        return NULL;
    }
}

static node *p_unary(parser *ps) {
    if (ps->tok == T_NOT || ps->tok == T_MINUS) {
        if (enter(ps) != 0)
            return NULL;
        node *n = mk(ps, ps->tok == T_NOT ? OP_NOT : OP_NEG, ps->tpos);
        next(ps);
        if (n && (n->a = p_unary(ps)) == NULL) {
            node_free(n);
            return NULL;
        }
        ps->depth--;
        return n ? grown(ps, n) : NULL;
    }
    return p_primary(ps);
}

/* Binary levels, lowest first; Lua's precedence. */
static node *p_level(parser *ps, int level) {
    static const struct {
        enum tok t;
        int op;
        int level;
    } bin[] = {{T_OR, OP_OR, 0},     {T_AND, OP_AND, 1},  {T_LT, OP_LT, 2},     {T_LE, OP_LE, 2},
               {T_GT, OP_GT, 2},     {T_GE, OP_GE, 2},    {T_EQ, OP_EQ, 2},     {T_NE, OP_NE, 2},
               {T_IN, OP_IN, 2},     {T_PLUS, OP_ADD, 3}, {T_MINUS, OP_SUB, 3}, {T_STAR, OP_MUL, 4},
               {T_SLASH, OP_DIV, 4}, {T_PCT, OP_MOD, 4}};
    if (level > 4)
        return p_unary(ps);
    node *l = p_level(ps, level + 1);
    for (;;) {
        if (l == NULL || ps->failed) {
            node_free(l);
            return NULL;
        }
        int op = -1;
        for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++)
            if (bin[i].t == ps->tok && bin[i].level == level)
                op = bin[i].op;
        if (op < 0)
            return l;
        node *n = mk(ps, op, ps->tpos);
        next(ps);
        if (n == NULL) {
            node_free(l);
            return NULL;
        }
        n->a = l;
        if (op == OP_IN && ps->tok != T_LB) {
            perr(ps, ps->tpos, "'in' needs a set: in {\"a\", \"b\"}");
            node_free(n);
            return NULL;
        }
        n->b = p_level(ps, level + 1);
        if (n->b == NULL) {
            node_free(n);
            return NULL;
        }
        if ((l = grown(ps, n)) == NULL)
            return NULL;
    }
}

static node *p_expr(parser *ps) {
    return p_level(ps, 0);
}

expr *expr_parse(const char *src, char *err, size_t errlen) {
    parser ps = {.src = src, .err = err, .errlen = errlen};
    expr *e = calloc(1, sizeof *e);
    if (e == NULL || (e->src = xstrndup(src, strlen(src))) == NULL) {
        free(e);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ps.e = e;
    if (strlen(src) > EXPR_MAX_LEN) {
        perr(&ps, 0, "expression longer than %d characters", EXPR_MAX_LEN);
        expr_free(e);
        return NULL;
    }
    next(&ps);
    if (ps.tok == T_EOF)
        perr(&ps, 0, "empty expression");
    else
        e->root = p_expr(&ps);
    if (!ps.failed && ps.tok != T_EOF)
        perr(&ps, ps.tpos, "unexpected '%s' after the expression", tokname(ps.tok));
    free(ps.str);
    if (ps.failed) {
        expr_free(e);
        return NULL;
    }
    e->nnodes = ps.nodes;
    return e;
}

void expr_free(expr *e) {
    if (e == NULL)
        return;
    node_free(e->root);
    for (size_t i = 0; i < e->nnames; i++)
        free(e->names[i]);
    free(e->names);
    free(e->src);
    free(e);
}

const char *expr_source(const expr *e) {
    return e->src;
}
size_t expr_nnodes(const expr *e) {
    return e->nnodes;
}
size_t expr_nnames(const expr *e) {
    return e->nnames;
}
const char *expr_name(const expr *e, size_t i) {
    return i < e->nnames ? e->names[i] : NULL;
}
