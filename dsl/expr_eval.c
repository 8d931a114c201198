/* expr_eval.c - run a bound expression over blocks of rows.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kleene logic on the codes FALSE=0 < UNKNOWN=1 < TRUE=2: and = min,
 * or = max, not = 2 - x.  Numbers: NaN is missing; any comparison that reads
 * a NaN is UNKNOWN.  Division by zero gives missing, not infinity: a rule
 * should never pass because of a zero denominator.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "expr_node.h"
#include "expr_list.h"

/* Makes every lookup table of the tree current.  0, or -1 on ENOMEM. */
static int prep(node *n, const expr_ctx *c) {
    if (n == NULL)
        return 0;
    if (prep(n->a, c) || prep(n->b, c))
        return -1;
    for (int i = 0; i < n->nargs; i++)
        if (prep(n->args[i], c))
            return -1;
    if ((n->op == B_LUTN || n->op == B_LUTB) &&
        (n->lut_n != n->a->col->nlevels || n->lut_gen != n->a->col->generation || n->lut_params ||
         n->lut == NULL))
        return expr_build_lut(n, c);
    return 0;
}

/* ------------------------------------------------------------- evaluation */

/* Rows are evaluated EXPR_PART at a time, and a node's scratch block holds
 * two such parts: evaluation `part` (0 or 1) writes only its own half, so
 * two threads can run one program over different rows at once.  Constants
 * are read from the start of the block and never written here. */
#define OUT(T) ((T *)n->buf + (size_t)part * EXPR_PART)

#if defined(__GNUC__) && !defined(__clang__)
#define IVDEP _Pragma("GCC ivdep")
#else
#define IVDEP
#endif

/* Runs BODY for each row i of the step.  The trip count is fixed for a
 * whole part (every step but the last), which is what lets GCC's default
 * -O2 vectorizer take these loops: it leaves a loop of unknown count alone. */
#define ROWS(BODY)                                                                                 \
    do {                                                                                           \
        if (len == EXPR_PART) {                                                                    \
            IVDEP                                                                                  \
            for (size_t i = 0; i < EXPR_PART; i++) {                                               \
                BODY;                                                                              \
            }                                                                                      \
        } else {                                                                                   \
            for (size_t i = 0; i < len; i++) {                                                     \
                BODY;                                                                              \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* Applies E (reading a and b) over len rows, broadcasting scalar operands.
 * Operands and result never overlap (each node writes its own block). */
#define BIN(TO, TA, TB, E)                                                                         \
    do {                                                                                           \
        const TA *restrict xa_ = ev(n->a, c, s, len, part);                                        \
        const TB *restrict xb_ = ev(n->b, c, s, len, part);                                        \
        TO *restrict o_ = OUT(TO);                                                                 \
        if (n->scalar) {                                                                           \
            TA a = xa_[0];                                                                         \
            TB b = xb_[0];                                                                         \
            o_[0] = (E);                                                                           \
        } else if (n->a->scalar) {                                                                 \
            TA a = xa_[0];                                                                         \
            ROWS(TB b = xb_[i]; o_[i] = (E));                                                      \
        } else if (n->b->scalar) {                                                                 \
            TB b = xb_[0];                                                                         \
            ROWS(TA a = xa_[i]; o_[i] = (E));                                                      \
        } else {                                                                                   \
            ROWS(TA a = xa_[i]; TB b = xb_[i]; o_[i] = (E));                                       \
        }                                                                                          \
        return o_;                                                                                 \
    } while (0)

#define UN(TO, TA, E)                                                                              \
    do {                                                                                           \
        const TA *restrict xa_ = ev(n->a, c, s, len, part);                                        \
        TO *restrict o_ = OUT(TO);                                                                 \
        if (n->scalar) {                                                                           \
            TA a = xa_[0];                                                                         \
            o_[0] = (E);                                                                           \
        } else {                                                                                   \
            ROWS(TA a = xa_[i]; o_[i] = (E));                                                      \
        }                                                                                          \
        return o_;                                                                                 \
    } while (0)

#define NA2(a, b) ((a) != (a) || (b) != (b))
/* Unknown when either side is NaN, else true/false: written without a
 * branch (an ordered comparison with NaN is false; != is true, hence the
 * mask), so that the loop over a block compiles to straight code. */
#define CMP(E)                                                                                     \
    (uint8_t)(2 * ((unsigned)(E) & ~(unsigned)((a != a) | (b != b))) +                             \
              (unsigned)((a != a) | (b != b)))

static const void *ev(node *n, const expr_ctx *c, size_t s, size_t len, int part);

static const void *ev_arith(node *n, const expr_ctx *c, size_t s, size_t len, int part) {
    switch (n->sub) {
    case OP_ADD:
        BIN(double, double, double, a + b);
    case OP_SUB:
        BIN(double, double, double, a - b);
    case OP_MUL:
        BIN(double, double, double, a *b);
    case OP_DIV:
        BIN(double, double, double, b == 0 ? NAN : a / b);
    default:
        BIN(double, double, double, b == 0 ? NAN : a - floor(a / b) * b);
    }
}

static const void *ev_cmp(node *n, const expr_ctx *c, size_t s, size_t len, int part) {
    if (n->op == B_CMPB) {
        if (n->sub == OP_EQ)
            BIN(uint8_t, uint8_t, uint8_t,
                (uint8_t)(a == EXPR_UNKNOWN || b == EXPR_UNKNOWN ? EXPR_UNKNOWN
                          : a == b                               ? EXPR_TRUE
                                                                 : EXPR_FALSE));
        BIN(uint8_t, uint8_t, uint8_t,
            (uint8_t)(a == EXPR_UNKNOWN || b == EXPR_UNKNOWN ? EXPR_UNKNOWN
                      : a != b                               ? EXPR_TRUE
                                                             : EXPR_FALSE));
    }
    switch (n->sub) {
    case OP_LT:
        BIN(uint8_t, double, double, CMP(a < b));
    case OP_LE:
        BIN(uint8_t, double, double, CMP(a <= b));
    case OP_GT:
        BIN(uint8_t, double, double, CMP(a > b));
    case OP_GE:
        BIN(uint8_t, double, double, CMP(a >= b));
    case OP_EQ:
        BIN(uint8_t, double, double, CMP(a == b));
    default:
        BIN(uint8_t, double, double, CMP(a != b));
    }
}

static const void *ev_inn(node *n, const expr_ctx *c, size_t s, size_t len, int part) {
    const double *x = ev(n->a, c, s, len, part);
    uint8_t *o = OUT(uint8_t);
    size_t m = n->scalar ? 1 : len;
    for (size_t i = 0; i < m; i++)
        o[i] = x[i] != x[i] ? EXPR_UNKNOWN : EXPR_FALSE;
    /* the set's numbers 64 at a time: a set may hold thousands */
    for (int k0 = 0; k0 < n->nargs; k0 += 64) {
        double keys[64];
        int nk = n->nargs - k0 < 64 ? n->nargs - k0 : 64;
        for (int k = 0; k < nk; k++)
            keys[k] = ((const double *)ev(n->args[k0 + k], c, s, 1, part))[0];
        for (size_t i = 0; i < m; i++)
            for (int k = 0; k < nk && o[i] == EXPR_FALSE; k++)
                if (x[i] == keys[k])
                    o[i] = EXPR_TRUE;
    }
    return o;
}

/* A boolean column's cell (-1 missing, 0, 1) as a condition, without a
 * table so that the loop vectorizes: the low two bits of x + 1 pick
 * unknown, false, true, unknown; x > 1 reads as unknown. */
static inline uint8_t bool_cell(int8_t x) {
    unsigned k = (unsigned)(x + 1) & 3u & (unsigned)((x > 1) - 1);
    return (uint8_t)(2 * (k == 2) + (k == 0 || k == 3));
}

static const void *ev_lut(node *n, size_t s, size_t len, int part) {
    const int32_t *code = n->a->col->v.str + s;
    uint32_t nl = (uint32_t)n->lut_n;
    if (n->op == B_LUTN) {
        const double *lut = n->lut;
        double *o = OUT(double);
        for (size_t i = 0; i < len; i++) {
            uint32_t k = (uint32_t)code[i];
            o[i] = k < nl ? lut[k] : NAN;
        }
        return o;
    }
    const uint8_t *lut = n->lut;
    uint8_t na = n->sub == L_KNOWN ? EXPR_FALSE : n->sub == L_MISSING ? EXPR_TRUE : EXPR_UNKNOWN;
    uint8_t *o = OUT(uint8_t);
    for (size_t i = 0; i < len; i++) {
        uint32_t k = (uint32_t)code[i];
        o[i] = k < nl ? lut[k] : na;
    }
    return o;
}

static const void *ev(node *n, const expr_ctx *c, size_t s, size_t len, int part) {
    switch (n->op) {
    case B_NUMCOL:
        return n->col->v.num + s;
    case B_BOOLCOL: {
        const int8_t *restrict x = n->col->v.b + s;
        uint8_t *restrict o = OUT(uint8_t);
        ROWS(o[i] = bool_cell(x[i]));
        return o;
    }
    case B_NUMPAR:
        OUT(double)[0] = c->params[n->index];
        return OUT(double);
    case B_BOOLPAR: {
        double v = c->params[n->index];
        OUT(uint8_t)[0] = v != v ? EXPR_UNKNOWN : v != 0 ? EXPR_TRUE : EXPR_FALSE;
        return OUT(uint8_t);
    }
    case B_NUMDER:
        return (const double *)c->derived[n->index] + s;
    case B_BOOLDER:
        return (const uint8_t *)c->derived[n->index] + s;
    case B_KNUM:
    case B_KBOOL:
    case B_KSTR:
    case B_STRPAR:
    case B_STRCOL:
        return n->buf;
    case B_ARITH:
        return ev_arith(n, c, s, len, part);
    case B_NEG:
        UN(double, double, -a);
    case B_CMPN:
    case B_CMPB:
        return ev_cmp(n, c, s, len, part);
    case B_SCMP: {
        const char *x = expr_str_of(n->a, c), *y = expr_str_of(n->b, c);
        int eq = x && y && strcmp(x, y) == 0;
        uint8_t *o = OUT(uint8_t);
        o[0] = !x || !y ? EXPR_UNKNOWN : eq == (n->sub == OP_EQ) ? EXPR_TRUE : EXPR_FALSE;
        return o;
    }
    case B_NOT:
        UN(uint8_t, uint8_t, (uint8_t)(2 - a));
    case B_AND:
        BIN(uint8_t, uint8_t, uint8_t, a < b ? a : b);
    case B_OR:
        BIN(uint8_t, uint8_t, uint8_t, a > b ? a : b);
    case B_INN:
        return ev_inn(n, c, s, len, part);
    case B_KNOWNN:
        UN(uint8_t, double, (uint8_t)((a == a) == n->sub ? EXPR_TRUE : EXPR_FALSE));
    case B_KNOWNB:
        UN(uint8_t, uint8_t, (uint8_t)((a != EXPR_UNKNOWN) == n->sub ? EXPR_TRUE : EXPR_FALSE));
    case B_ABS:
        UN(double, double, fabs(a));
    case B_MIN:
        BIN(double, double, double, NA2(a, b) ? NAN : a < b ? a : b);
    case B_MAX:
        BIN(double, double, double, NA2(a, b) ? NAN : a > b ? a : b);
    case B_NUM01: {
        const double *restrict x = ev(n->a, c, s, len, part);
        uint8_t *restrict o = OUT(uint8_t);
        ROWS(o[i] = x[i] == 0 ? EXPR_FALSE : x[i] == 1 ? EXPR_TRUE : EXPR_UNKNOWN);
        return o;
    }
    case B_LUTN:
    case B_LUTB:
        return ev_lut(n, s, len, part);
    default:
        return n->buf;
    }
}

int expr_prepare(expr_prog *p, const expr_ctx *ctx) {
    return prep(p->root, ctx);
}

void expr_eval_part(expr_prog *p, const expr_ctx *ctx, size_t start, size_t n, void *out,
                    int part) {
    size_t esz = p->type == EXPR_T_NUM ? sizeof(double) : 1;
    char *o = out;
    for (size_t s = 0; s < n; s += EXPR_PART) {
        size_t len = n - s < EXPR_PART ? n - s : EXPR_PART;
        const void *r = ev(p->root, ctx, start + s, len, part);
        if (!p->root->scalar)
            memcpy(o + s * esz, r, len * esz);
        else if (esz == 1)
            memset(o + s, *(const uint8_t *)r, len);
        else
            for (size_t i = 0; i < len; i++)
                ((double *)out)[s + i] = *(const double *)r;
    }
}

int expr_eval(expr_prog *p, const expr_ctx *ctx, size_t start, size_t n, void *out) {
    if (expr_prepare(p, ctx) != 0)
        return -1;
    expr_eval_part(p, ctx, start, n, out, 0);
    return 0;
}

/* ----------------------------------------------------------- explanation */

typedef struct outbuf {
    char *buf;
    size_t len, used;
    const char *seen[64];
    int nseen;
} outbuf;

static void put(outbuf *o, const char *name, const char *val) {
    for (int i = 0; i < o->nseen; i++)
        if (strcmp(o->seen[i], name) == 0)
            return;
    if (o->nseen < 64)
        o->seen[o->nseen++] = name;
    int k = snprintf(o->buf + (o->used < o->len ? o->used : o->len),
                     o->used < o->len ? o->len - o->used : 0, "%s%s = %s", o->used ? ", " : "",
                     name, val);
    if (k > 0)
        o->used += (size_t)k;
}

static void fmt_num(char *v, size_t n, double x) {
    if (x != x)
        snprintf(v, n, "missing");
    else
        snprintf(v, n, "%.10g", x);
}

static const char *tri_name(int t) {
    return t == EXPR_TRUE ? "true" : t == EXPR_FALSE ? "false" : "missing";
}

static void describe(const node *n, const expr_ctx *c, size_t row, outbuf *o) {
    if (n == NULL)
        return;
    char v[256];
    switch (n->op) {
    case B_NUMCOL:
        fmt_num(v, sizeof v, n->col->v.num[row]);
        put(o, n->str, v);
        return;
    case B_BOOLCOL: {
        int8_t x = n->col->v.b[row];
        put(o, n->str, x < 0 ? "missing" : x ? "true" : "false");
        return;
    }
    case B_STRCOL: {
        const char *x = cohort_str(n->col, row);
        if (x)
            snprintf(v, sizeof v, "\"%s\"", x);
        put(o, n->str, x ? v : "missing");
        return;
    }
    case B_NUMPAR:
        fmt_num(v, sizeof v, c->params[n->index]);
        put(o, n->str, v);
        return;
    case B_BOOLPAR:
        put(o, n->str, c->params[n->index] != 0 ? "true" : "false");
        return;
    case B_STRPAR: {
        const char *x = expr_str_of(n, c);
        snprintf(v, sizeof v, "\"%s\"", x ? x : "");
        put(o, n->str, v);
        return;
    }
    case B_NUMDER:
        fmt_num(v, sizeof v, ((const double *)c->derived[n->index])[row]);
        put(o, n->str, v);
        return;
    case B_BOOLDER:
        put(o, n->str, tri_name(((const uint8_t *)c->derived[n->index])[row]));
        return;
    case B_KNUM:
    case B_KBOOL:
        if (n->absent)
            put(o, n->str, "missing (not in this cohort)");
        return;
    default:
        break;
    }
    describe(n->a, c, row, o);
    describe(n->b, c, row, o);
    for (int i = 0; i < n->nargs; i++)
        describe(n->args[i], c, row, o);
}

size_t expr_describe_row(expr_prog *p, const expr_ctx *ctx, size_t row, char *buf, size_t len) {
    outbuf o = {.buf = buf, .len = len};
    if (len)
        buf[0] = '\0';
    describe(p->root, ctx, row, &o);
    return o.used;
}
