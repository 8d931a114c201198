/* expr_list.h - the lookup tables of text columns (expr_list.c), for the
 * evaluator.  Private to the dsl layer.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_EXPR_LIST_H
#define TNMLAB_EXPR_LIST_H

#include "expr.h"
#include "expr_node.h"

/* Fills n's lookup table (one entry per level of its column) for its
 * function and keys, current for the column's generation.  0, or -1 on
 * ENOMEM. */
int expr_build_lut(node *n, const expr_ctx *c);

/* The text of a string literal or text param node (NULL when unset). */
const char *expr_str_of(const node *k, const expr_ctx *c);

/* A yes/no word (yes, y, true, t / no, n, false, f, any case; spaces
 * around it allowed) of n bytes: 1, 0, or -1 when it is none. */
int expr_yesno_word(const char *s, size_t n);

#endif
