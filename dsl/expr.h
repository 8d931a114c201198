/* expr.h - rule expressions, evaluated a column at a time, three-valued.
 *
 * Part of tnmlab (dsl layer; plain C, no Lua).  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * A criterion such as "ecog <= max_ecog and lesions(m_sites) <= max_lesions"
 * is parsed once (expr_parse), bound to one cohort's columns and the rule
 * set's params (expr_bind), then evaluated over row ranges (expr_eval): a
 * loop over column arrays in blocks, never one call per patient.
 *
 * Language (a subset of Lua expressions, Lua precedence):
 *   literals   4  2.5  "female"  'brain'  true  false  unknown (also nil)
 *   names      patient fields (cohort columns), params, derived columns
 *   arithmetic + - * / %  (numbers; missing in, missing out)
 *   compare    < <= > >= == ~= (also !=)   numbers; text field == "text";
 *              condition == condition
 *   sets       x in {"adeno", "squamous"}   x in {0, 1}
 *   logic      and or not  (Kleene: false and unknown = false,
 *              true or unknown = true, not unknown = unknown)
 *   unknown    the third truth value (a missing number where a number is
 *              wanted): `ecog <= 1 or unknown` keeps the undecided;
 *              x == unknown is refused (always unknown): write missing(x)
 *   0/1        a number column holding only 0, 1 and missing (a boolean
 *              stored as numbers) is a condition wherever one is needed
 *   text       comparisons are exact and case-sensitive ("Brain" ~= "brain");
 *              only surrounding blanks of a cell are ignored
 *   functions  known(x)  missing(x)  min(a, b)  max(a, b)  abs(a)
 *              list fields (';'-separated, e.g. n_stations "4R;7", m_sites
 *              "brain:1;bone:2"; the token none = known empty, an empty cell
 *              = unknown):
 *              count(f)                 items in the list
 *              contains(f, "x" | {..})  an item (site part before ':') matches
 *              lesions(f [, "x" | {..}])  sum of site:count counts (count 1
 *                                         when absent), only the given sites
 *              lesions_except(f, "x" | {..})  same, all sites but these
 *              organs(f [, ..]), organs_except(f, ..)  distinct sites
 *              within(f, "IV" | {..})   a code lies within a broader one:
 *                                       IVA, IVB within IV; IA2 within IA;
 *                                       M1c1 within M1c and M1; T1mi within T1
 * Results of conditions: EXPR_FALSE, EXPR_UNKNOWN, EXPR_TRUE (one byte each).
 * A comparison that reads a missing value is unknown, never false.
 */
#ifndef TNMLAB_EXPR_H
#define TNMLAB_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"

/* Three-valued result codes; ordered so that Kleene and = min, or = max. */
enum { EXPR_FALSE = 0, EXPR_UNKNOWN = 1, EXPR_TRUE = 2 };

typedef enum expr_type {
    EXPR_T_NUM = 1, /* double, NaN = missing */
    EXPR_T_BOOL,    /* uint8_t EXPR_FALSE/UNKNOWN/TRUE */
    EXPR_T_STR,     /* text: only compared, never a result */
    EXPR_T_NA       /* a data-dictionary field the cohort lacks: all missing */
} expr_type;

/* What a name stands for, as the binder's resolver says. */
typedef enum expr_ref_kind {
    EXPR_REF_COLUMN = 1, /* col */
    EXPR_REF_PARAM,      /* index into expr_ctx.params / param_str; type */
    EXPR_REF_DERIVED,    /* index into expr_ctx.derived; type NUM or BOOL */
    EXPR_REF_ABSENT      /* known field, not in this cohort: all missing */
} expr_ref_kind;

typedef struct expr_ref {
    expr_ref_kind kind;
    expr_type type;
    int index;
    const cohort_column *col;
    size_t nrows; /* COLUMN: rows of its cohort; 0 (unknown) turns off
                     reading a 0/1 number column as a condition */
} expr_ref;

/* Resolves a name; returns 0 and fills out, or -1 if the name is unknown. */
typedef int (*expr_resolve_fn)(void *ud, const char *name, expr_ref *out);

/* Values that may change between evaluations without rebinding. */
typedef struct expr_ctx {
    const double *params;         /* number params; booleans as 0/1 */
    const char *const *param_str; /* text params' current values */
    const void *const *derived;   /* double* (NUM) or uint8_t* (BOOL) */
    /* The site words m_sites may hold (the staging module's table), NULL
     * for any: a cell naming another is unknown to the list functions. */
    const char *const *site_words;
} expr_ctx;

typedef struct expr expr;           /* parsed, immutable, shareable */
typedef struct expr_prog expr_prog; /* bound to one cohort, with scratch */

/* Parses src.  Caller owns the result (expr_free).  NULL with err filled
 * ("at 12: unexpected ')'") on a syntax error, ENOMEM, or past the limits
 * that keep the recursive binder and evaluator safe: 1 MiB of text,
 * 4,096 terms, 100 levels of parentheses/sets/calls/not, 256 levels of
 * operators. */
/* The functions an expression may call, as the binder knows them, ended
 * by a NULL name: a call of any other name is a parse error with a
 * did-you-mean; tnmlab-rules(5) lists them from here. */
typedef struct expr_function_doc {
    const char *name;
    const char *signature; /* "lesions(f [, key])"; key: a text or a set of texts */
    const char *result;
    const char *missing; /* what a missing argument gives */
} expr_function_doc;
extern const expr_function_doc expr_functions[];

expr *expr_parse(const char *src, char *err, size_t errlen);
void expr_free(expr *e);
const char *expr_source(const expr *e);
/* Nodes of the tree: the parsed tree takes about expr_nnodes(e) *
 * EXPR_PARSED_BYTES, each binding of it about expr_nnodes(e) *
 * EXPR_BOUND_BYTES (a block of values per node). */
size_t expr_nnodes(const expr *e);
enum { EXPR_PARSED_BYTES = 192, EXPR_BOUND_BYTES = 192 + 8 * 1024 };

/* The distinct names the expression reads, in order of appearance (fields,
 * params and derived columns alike: the read-set before binding). */
size_t expr_nnames(const expr *e);
const char *expr_name(const expr *e, size_t i);

/* As expr_bind, for a place that needs a condition (a criterion, an arm):
 * a number column holding only 0, 1 and missing at bind time (a boolean
 * stored as numbers in a CSV) is read as false/true/unknown there, as it is
 * wherever a condition is needed inside any expression ("and", "not", ...).
 * A value other than 0/1 appearing later reads as unknown.  Anything else
 * binds as expr_bind does: the caller checks the type. */
expr_prog *expr_bind_condition(const expr *e, expr_resolve_fn resolve, void *ud, char *err,
                               size_t errlen);

/* Binds e to columns/params/derived through resolve.  Caller owns the
 * result (expr_prog_free); it points into the cohort's columns, so it must
 * be rebound after a column is removed.  NULL with err filled on a type
 * error ("at 5: 'sex' is text; compare it with ==, ~= or in") or ENOMEM. */
expr_prog *expr_bind(const expr *e, expr_resolve_fn resolve, void *ud, char *err, size_t errlen);
void expr_prog_free(expr_prog *p);
expr_type expr_prog_type(const expr_prog *p);

/* Evaluates rows [start, start + n) into out: double[n] for a NUM program,
 * uint8_t[n] for a BOOL one.  Returns 0, or -1 on ENOMEM (a lookup table
 * for a text column could not be built). */
int expr_eval(expr_prog *p, const expr_ctx *ctx, size_t start, size_t n, void *out);

/* expr_eval in two steps, for two threads over one program: expr_prepare
 * (once, on one thread: it brings lookup tables up to date; 0, or -1 on
 * ENOMEM), then expr_eval_part on rows [start, start + n) with part 0 or 1:
 * two calls with different parts may run at the same time on different
 * rows (each writes its own half of the program's scratch). */
int expr_prepare(expr_prog *p, const expr_ctx *ctx);
void expr_eval_part(expr_prog *p, const expr_ctx *ctx, size_t start, size_t n, void *out, int part);

/* Writes the values the expression reads at row, "ecog = 2, max_ecog = 1",
 * into buf (always NUL-terminated): fields, params and derived columns by
 * name, each once; a field the cohort lacks shows as "missing (not in this
 * cohort)".  Returns the length it wanted (like snprintf). */
size_t expr_describe_row(expr_prog *p, const expr_ctx *ctx, size_t row, char *buf, size_t len);

#endif
