/* expr_node.h - private to expr*.c: the expression tree.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parser builds a tree of OP_* nodes (expr.c).  Binding (expr_bind.c)
 * copies it into a tree of B_* nodes that know their operand types, their
 * columns and whether they are scalar (the same for every row); evaluation
 * (expr_eval.c) runs that tree over blocks of rows.
 */
#ifndef TNMLAB_EXPR_NODE_H
#define TNMLAB_EXPR_NODE_H

#include <stdint.h>

#include "expr.h"

/* A node's scratch: EXPR_BLOCK values, two parts of EXPR_PART rows (one
 * per thread evaluating, see expr_eval_part). */
enum { EXPR_BLOCK = 1024, EXPR_PART = EXPR_BLOCK / 2 };

enum expr_op {
    /* parsed */
    OP_NUM,
    OP_STR,
    OP_BOOL,
    OP_NAME,
    OP_SET,
    OP_CALL,
    OP_UNKNOWN, /* the literal unknown (or nil) */
    OP_NEG,
    OP_NOT,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_AND,
    OP_OR,
    OP_IN,
    /* bound */
    B_NUMCOL,
    B_BOOLCOL,
    B_STRCOL,
    B_NUMPAR,
    B_BOOLPAR,
    B_STRPAR,
    B_NUMDER,
    B_BOOLDER,
    B_KNUM,
    B_KBOOL,
    B_KSTR,
    B_ARITH, /* sub: OP_ADD..OP_MOD */
    B_NEG,
    B_CMPN, /* sub: OP_LT..OP_NE, numbers */
    B_CMPB, /* sub: OP_EQ/OP_NE, conditions */
    B_SCMP, /* sub: OP_EQ/OP_NE, two scalar texts */
    B_NOT,
    B_AND,
    B_OR,
    B_INN, /* number in {numbers} */
    B_KNOWNN,
    B_KNOWNB, /* sub: 1 known(), 0 missing() */
    B_MIN,
    B_MAX,
    B_ABS,
    B_LUTN,
    B_LUTB, /* text column through a per-level table; sub: L_* */
    B_NUM01 /* a number column holding only 0/1/missing read as a condition */
};

/* What a lookup table computes for each distinct value of a text column. */
enum expr_lut {
    L_EQ,
    L_NE,
    L_IN,
    L_KNOWN,
    L_MISSING,
    L_COUNT,
    L_CONTAINS,
    L_LESIONS,
    L_LESIONS_EX,
    L_ORGANS,
    L_ORGANS_EX,
    L_WITHIN,
    /* order of TNM codes and stage groups (an alternatives column only):
     * code < key, <=, >, >= */
    L_LT,
    L_LE,
    L_GT,
    L_GE,
    /* a text column of yes/no words read as a condition */
    L_YESNO
};

typedef struct node {
    int op, sub, pos; /* pos: offset in the source */
    int height;       /* 1 + the tallest child's (parser limit) */
    struct node *a, *b;
    struct node **args; /* call arguments, set items, LUT keys */
    int nargs;
    double num; /* OP_NUM / OP_BOOL */
    char *str;  /* OP_STR text, OP_NAME/OP_CALL name */
    /* bound */
    expr_type type;
    int scalar; /* same value for every row: buf[0] */
    int index;  /* param / derived slot */
    const cohort_column *col;
    void *buf;     /* EXPR_BLOCK doubles (or bytes) */
    void *lut;     /* per level: double or uint8_t */
    int32_t lut_n; /* levels covered; -1 = not built */
    uint64_t lut_gen;
    int lut_params; /* keys read text params: rebuild each run */
    int absent;     /* constant standing for a field the cohort lacks */
} node;

struct expr {
    char *src;
    node *root;
    char **names;
    size_t nnames;
    size_t nnodes;
};

struct expr_prog {
    node *root;
    expr_type type;
};

void node_free(node *n);

#endif
