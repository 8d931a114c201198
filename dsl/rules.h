/* rules.h - rule sets: params, criteria, derived columns, arms; versions;
 * vectorised, incremental, three-valued evaluation; attrition; explain; diff.
 *
 * Part of tnmlab (dsl layer; callable from C without Lua).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule file runs in the sandbox (sandbox.h) and declares rule sets:
 *
 *   ruleset "deruysscher2012" {
 *     doc = "De Ruysscher et al., J Thorac Oncol 2012",
 *     unknown = "exclude",            -- what an unknown criterion means (default)
 *     landmark = nil,                 -- or 3, or {at = 3, time = "os_time"}
 *     param { "max_lesions", 4, min = 1, max = 20, doc = "most metastases" },
 *     param { "max_ecog", 1, min = 0, max = 4, type = "integer" },
 *     derive { "lesions", "lesions(m_sites)" },
 *     criterion { "stage_iv", "distant metastases present", "lesions >= 1" },
 *     criterion { "lesions", "1 to max_lesions metastases", "lesions <= max_lesions" },
 *     criterion { "ecog", "ECOG <= max_ecog", "ecog <= max_ecog" },
 *     criterion { "custom", "a rule no expression can say",
 *                 function(p, P) return p.age < 80 end, reads = {"age"} },
 *     arm { "radical", when = "eligible and m_all_treatable" },
 *     arm { "systemic" },             -- no `when`: everybody left
 *   }
 *
 * Staging: a derive with `staging` instead of an expression runs a staging
 * module (scripts/staging/tnm8.lua: classify(record) -> {t, n, m, stage,
 * why}) and derives four text columns:
 *
 *     param { "tnm", "tnm8", choices = {"tnm8", "tnm9"},
 *             doc = "TNM edition the patients are staged with" },
 *     derive { "stage", staging = "tnm" },   -- or staging = "tnm8"
 *     criterion { "stage_iv", "stage IV", [[within(stage, "IV")]] },
 *     criterion { "m1b", "a single extrathoracic metastasis", [[m == "M1b"]] },
 *
 * A derive named "stage" gives columns t, n, m and stage; another name, say
 * "s9", gives s9_t, s9_n, s9_m and s9.  Inside the rule set these names
 * mean the derived codes; a cohort's recorded t, n, m, edition columns are
 * what classify reads (with the descriptors t_size_cm ... m_sites).  An
 * undecidable stage is missing (unknown).  `staging` names a module or a
 * text param whose choices are modules; modules are looked for in the
 * folder rules_set_staging_dir gave, then the rule file's folder and its
 * ../staging.  classify runs once per distinct combination of the fields it
 * reads (memoised per module across evaluations) and again only when one of
 * those columns changes; switching the param back and forth runs no Lua.
 *
 * Expressions are those of expr.h over fields, params and derived columns
 * (earlier derives only); arms also see `eligible`.  param types: number
 * (default), integer, boolean, text (with choices = {...}).  A criterion may
 * say unknown = "include" to keep patients it cannot decide.  A rule set
 * that reads a post-baseline field (induction_response) must declare a
 * landmark: an implicit first criterion "landmark" (`time >= landmark`, time
 * os_time unless said) excludes and counts patients with an event or
 * censoring before it, and `landmark` becomes a param; without one, the
 * rule set carries a warning naming the field.
 *
 * Every load and every param change makes a new version; undo/redo move
 * between versions; a rules_eval follows the current version and
 * recomputes only what a change touched.
 *
 * Errors are returned as text naming file:line and the rule; nothing here
 * prints or exits.
 */
#ifndef TNMLAB_RULES_H
#define TNMLAB_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "cohort.h"
#include "expr.h"

typedef struct rules rules;
typedef struct rules_eval rules_eval;

typedef enum rules_ptype {
    RULES_P_NUMBER = 1,
    RULES_P_INTEGER,
    RULES_P_BOOLEAN,
    RULES_P_TEXT
} rules_ptype;

typedef struct rules_param_info {
    const char *name, *doc;
    rules_ptype type;
    double value, def, min, max; /* numbers, integers, booleans (0/1) */
    const char *text, *text_def; /* RULES_P_TEXT */
    const char *const *choices;  /* RULES_P_TEXT: allowed values, or NULL */
    int nchoices;
    const char *file;
    int line;
} rules_param_info;

/* One step of attrition, in rule-set order. */
typedef struct rules_step {
    const char *name, *reason;
    size_t before;              /* patients still in before the step */
    size_t pass, fail, unknown; /* among them */
    size_t after;               /* still in after it (pass, plus unknown if included) */
    int unknown_kept;
} rules_step;

/* One line of an explanation. */
typedef struct rules_trace_item {
    char kind; /* 'c' criterion, 'd' derived, 'a' arm, 's' summary,
                  'w' a line of a staging derive's why (in reason),
                  after its 'd' item */
    char name[64];
    char reason[160];
    char where[96];   /* file:line */
    int result;       /* EXPR_* for criteria and arms; -1 for derived */
    char values[512]; /* "ecog = 2, max_ecog = 1" */
} rules_trace_item;

typedef struct rules_trace {
    rules_trace_item *items;
    size_t n;
    int selected; /* 1 or 0 */
    char arm[64]; /* "" when no arm decided */
} rules_trace;

typedef struct rules_diff {
    size_t n;            /* rows compared */
    size_t gained, lost; /* excluded->selected, selected->excluded */
    size_t arm_changed;
    uint32_t *rows; /* rows whose selection or arm changed (owned) */
    size_t nrows;
    /* arm transitions "from -> to" with counts (owned) */
    struct rules_arm_move {
        char from[64], to[64];
        size_t count;
    } * moves;
    size_t nmoves;
    /* staging derives present in both versions: patients whose derived
     * stage changed ("unstaged" when undecidable), and the counts per
     * direction "IVA" -> "IVB" (owned; from/to prefixed "s9: " for a derive
     * not named stage).  These rows are in rows too. */
    size_t stage_changed;
    struct rules_arm_move *stage_moves;
    size_t nstage_moves;
} rules_diff;

/* ---- engine, files, params, versions */

/* Creates an engine with its own sandbox (mem_cap bytes, budget
 * instructions per call, ten times that for one evaluation of a rule set;
 * 0 = defaults).  Caller owns it (rules_free).  NULL with err filled on
 * ENOMEM. */
rules *rules_new(size_t mem_cap, long budget, char *err, size_t errlen);
void rules_free(rules *r);

/* Loads (or reloads) the rule file at path and makes a new version.  On
 * any error ("file:line: rule 'x': ...") returns -1 and the previous
 * version stays current, untouched. */
int rules_load(rules *r, const char *path, char *err, size_t errlen);

/* Loads rules from a string (chunkname names it in messages), as rules_load. */
int rules_load_string(rules *r, const char *src, const char *chunkname, char *err, size_t errlen);

/* Sets the folder staging modules are looked for in first (NULL: none).
 * 0, or -1 on ENOMEM.  Applies to the loads that follow. */
int rules_set_staging_dir(rules *r, const char *dir);

/* The TNM edition (8 or 9) of the current version: the one a staging
 * derive `staging = "edition"` (and the t, n, m, stage every rule set
 * reads without deriving them) stages with.  8 until set. */
int rules_edition(const rules *r);
/* Makes a new version that stages with edition 8 or 9 (undo goes back).
 * Returns 1 when a version was made, 0 when the edition is already that
 * one (or nothing is loaded yet: the first version takes it), -1 with err
 * filled for any other number or on ENOMEM. */
int rules_set_edition(rules *r, int edition, char *err, size_t errlen);

/* Stages every row of c with tnm8 or tnm9 (edition 8 or 9) into four new
 * text columns t, n, m and stage of out (a cohort with c's number of rows),
 * as a rule set's staging does: a code left open holds its candidates
 * ("IA1|IA2|IA3").  0, or -1 with err filled. */
int rules_stage_cohort(rules *r, int edition, const cohort *c, cohort *out, char *err,
                       size_t errlen);

/* Stages one record (row of c) with tnm8 or tnm9 in the rules' sandbox,
 * as a rule set does: cells t, n, m, stage ("" when missing; candidates as
 * "a|b"), and each line of the module's reasoning to line() (may be NULL).
 * 0, or -1 with err filled. */
int rules_stage_record(rules *r, int edition, const cohort *c, size_t row, char cells[4][200],
                       void (*line)(void *ud, const char *text), void *ud, char *err,
                       size_t errlen);

/* Rows of c whose m_sites and count columns disagree: extrathoracic
 * lesions or organs (the staging module's thoracic sites left out) that
 * differ from m_lesions or m_organs where both are recorded.  Returns their
 * number (*first: the first of them), 0 when c lacks the columns or no
 * staging folder is set, -1 with err. */
long rules_count_conflicts(rules *r, const cohort *c, size_t *first, char *err, size_t errlen);

/* The cell at row of a staged column of the last run of ev (t, n, m,
 * stage, or a named staging derive's), as the column program gave it; NULL
 * when missing or when the set stages no such column. */
const char *rules_eval_staged(const rules_eval *ev, const char *name, size_t row);
/* Does the set of ev stage a column called name (t, n, m, stage, ...)? */
int rules_eval_stages(const rules_eval *ev, const char *name);

/* ---- rule tests (`tnmlab test`; rules_test.c) */
enum { RULES_TV_NUM = 1, RULES_TV_BOOL, RULES_TV_TEXT };
typedef struct rules_test_value {
    char *field;
    int type; /* RULES_TV_* */
    double num;
    int b;
    char *text;
} rules_test_value;
typedef struct rules_test_case {
    char *name;
    char *id;               /* the patient is this row (id column) of the file's cohort */
    rules_test_value *vals; /* else the patient */
    int nvals;
    rules_test_value *params; /* param values for this case */
    int nparams;
    int edition;       /* 0: the file's */
    int want_selected; /* -1 not checked, else 0/1 */
    char *want_arm;    /* NULL: not checked */
    char *want_exit;   /* "lesions:fail", "ecog:unknown", "" (selected); NULL */
    char *want_stage;  /* the derived stage cell, NULL: not checked */
} rules_test_case;
typedef struct rules_testfile {
    char *rules_path;  /* the rule file, resolved against the test file */
    char *cohort_path; /* a CSV whose rows cases name by id, or NULL */
    char *set;
    int edition; /* 0: 8 */
    rules_test_value *params;
    int nparams;
    rules_test_case *cases;
    int ncases;
} rules_testfile;
/* Runs the test file at path in r's sandbox and reads what it returns.
 * 0, or -1 with err filled (file:line for a Lua error). */
int rules_load_tests(rules *r, const char *path, rules_testfile *out, char *err, size_t errlen);
void rules_testfile_free(rules_testfile *t);

/* How many times a staging module's classify has run in this engine (for
 * tests of the cache; explain runs it once per staging derive). */
unsigned long rules_staging_calls(const rules *r);

/* Stages every row of the last run of ev again, record by record with the
 * module's classify (as explain does), and compares the four cells with
 * what the column program gave.  Returns how many rows differ (*first: the
 * first of them), or -1 with err filled. */
long rules_stage_verify(rules_eval *ev, size_t *first, char *err, size_t errlen);

/* Rule sets of the current version, in load order.  Names are owned by r
 * and valid until the version changes. */
size_t rules_nsets(const rules *r);
/* The rule files in the current version (each once, in load order), as
 * they were given to rules_load; owned by r. */
size_t rules_nfiles(const rules *r);
const char *rules_file(const rules *r, size_t i);
const char *rules_set_name(const rules *r, size_t i);
const char *rules_set_doc(const rules *r, const char *set);
/* Warnings of a rule set (landmark missing, ...); NULL past the end. */
const char *rules_set_warning(const rules *r, const char *set, size_t i);
/* One item of a rule set, in the order they run: derives, then criteria,
 * then arms. */
typedef struct rules_item_info {
    char kind;           /* 'd' derive, 'c' criterion, 'a' arm */
    const char *name;    /* as declared */
    const char *text;    /* a criterion's reason, an item's doc, or NULL */
    const char *expr;    /* the expression as written; NULL: a Lua function,
                            a staging derive or an arm for everybody left */
    const char *staging; /* a staging derive's module (or param), else NULL */
    int unknown_keep;    /* criteria: unknown counts as pass */
    int line;
} rules_item_info;
size_t rules_nitems(const rules *r, const char *set);
int rules_item(const rules *r, const char *set, size_t i, rules_item_info *out);

/* The cohort fields set's expressions and Lua criteria read (no params,
 * derives or staging columns), each once, into out; returns the count (at
 * most max).  The names live as long as the rule version. */
int rules_set_reads(const rules *r, const char *set, const char **out, int max);

/* Params of a rule set.  Returns the count; fills *out for i < count. */
size_t rules_nparams(const rules *r, const char *set);
int rules_param(const rules *r, const char *set, size_t i, rules_param_info *out);

/* Sets a param (number/integer/boolean: value; text: text) and makes a new
 * version, unless the param has that value already (0, no version).  -1
 * with err filled if the set/param is unknown or the value out of range or
 * of the wrong type; nothing changes then. */
int rules_set_param(rules *r, const char *set, const char *name, double value, const char *text,
                    char *err, size_t errlen);

/* Reads text as a value of a number, integer or boolean param p, as every
 * front end takes one (`set`, `sweep`, lessons): a boolean is true, false,
 * yes, no, 1 or 0; a number is a finite decimal number.  The range is
 * rules_set_param's to check.  Returns 0 with *v set, or -1 with a message
 * ("max_ecog wants a number, not 'abc'").  A text param is not read here. */
int rules_param_read(const rules_param_info *p, const char *text, double *v, char *err,
                     size_t errlen);

/* Versions are numbered from 1; 0 means none loaded yet. */
int rules_version(const rules *r);
int rules_nversions(const rules *r);
/* Rule set `set`'s own version number at engine version `version` (0:
 * the current one): 1 where the set first appears (in the history kept),
 * one more at each version that changed it (a param, a reload of its
 * file, the edition); versions that changed other sets do not count.
 * 0 when the set is not in that version. */
int rules_set_version(const rules *r, const char *set, int version);
/* "load selection/omd.lua", "deruysscher2012.max_lesions 4 -> 3"; owned by r. */
const char *rules_version_label(const rules *r, int version);
/* Makes the current version the first and only one, version 1 (labelled
 * label when not NULL): the rule files a session starts with are one
 * state, which undo never goes behind. */
void rules_squash(rules *r, const char *label);
/* Move the current version; 0, or -1 when there is nothing to undo/redo. */
int rules_undo(rules *r);
int rules_redo(rules *r);

/* ---- evaluation */

/* An evaluation of rule set `set` over cohort c, following the engine's
 * current version.  c must outlive it; the caller owns the result
 * (rules_eval_free).  Nothing is computed until rules_eval_run.  NULL with
 * err filled if the set does not exist or on ENOMEM. */
rules_eval *rules_eval_new(rules *r, const char *set, const cohort *c, char *err, size_t errlen);
void rules_eval_free(rules_eval *ev);

/* Pins the evaluation to version v (0: follow the current one again). */
void rules_eval_pin(rules_eval *ev, int version);

/* Brings the results up to date: after a param change only the criteria,
 * derived columns and arms that read it are recomputed; after a rule file
 * change or a column change, what depends on it.  full = 1 drops every
 * cache first.  -1 with err filled ("file:line: criterion 'x': ...").
 * After an error the next run starts from scratch. */
int rules_eval_run(rules_eval *ev, int full, char *err, size_t errlen);

/* Criteria, derived columns and arms recomputed by the last run (tests). */
size_t rules_eval_recomputed(const rules_eval *ev);

size_t rules_eval_ncriteria(const rules_eval *ev);
const char *rules_eval_criterion_name(const rules_eval *ev, size_t k);
/* Per row EXPR_FALSE/UNKNOWN/TRUE; owned by ev, valid until the next run. */
const uint8_t *rules_eval_criterion(const rules_eval *ev, size_t k);
/* Per row EXPR_TRUE (selected) or EXPR_FALSE; owned by ev. */
const uint8_t *rules_eval_selected(const rules_eval *ev);
size_t rules_eval_nselected(const rules_eval *ev);
/* Per row the arm index, -1 when no arm applies or it is undecidable. */
const int16_t *rules_eval_arms(const rules_eval *ev);
/* Rows assigned arm a (counted with the arms). */
size_t rules_eval_arm_count(const rules_eval *ev, size_t a);
size_t rules_eval_narms(const rules_eval *ev);
const char *rules_eval_arm_name(const rules_eval *ev, size_t a);
/* Attrition: the number of steps; fills out[0..min(n,max)). */
size_t rules_eval_attrition(const rules_eval *ev, rules_step *out, size_t max);
/* Landmark time of the evaluated rule set (NaN if none). */
double rules_eval_landmark(const rules_eval *ev);

/* Explains row: every derived value, every criterion with its result,
 * reason and the values it saw, the selection and the arm.  Fills *out
 * (free with rules_trace_free).  -1 with err filled (row out of range, not
 * yet run, a Lua criterion failed). */
int rules_explain(rules_eval *ev, size_t row, rules_trace *out, char *err, size_t errlen);
void rules_trace_free(rules_trace *t);

/* Compares rule set `set` on c at versions va and vb (0 = current):
 * patients whose selection or arm changed, counts per direction.  Fills
 * *out (free with rules_diff_free).  -1 with err filled. */
int rules_diff_versions(rules *r, const char *set, const cohort *c, int va, int vb, rules_diff *out,
                        char *err, size_t errlen);
void rules_diff_free(rules_diff *d);

/* The data dictionary: every field name rules, staging
 * modules and scripts read, NULL-terminated; and whether name is one. */
extern const char *const rules_dictionary[];
int rules_known_field(const char *name);

#endif
