/* export.h - files for papers, slides and other programs: Kaplan-Meier
 * plots as SVG; the outcome, attrition and sweep tables as CSV, Markdown or
 * JSON.  Every file carries its provenance and is written atomically.
 *
 * Part of tnmlab (repl layer; plain C: no curses, no readline, no Lua
 * except in export_cmd.c, which holds the command and the Lua functions).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Provenance goes where each format's readers look for it and skip it:
 *   CSV       leading "# key: value" lines (R: read.csv(f, comment.char = "#"),
 *             pandas: read_csv(f, comment = "#"))
 *   JSON      a top-level "provenance" object
 *   Markdown  a footer after the tables
 *   SVG       a <metadata> element and the same lines in a comment
 * Hashes are SHA-256, so a rule file's can be checked with sha256sum(1).
 *
 * Writing: export_file_open() creates a temporary file beside the target
 * before any work is done (an unwritable folder fails at once, naming the
 * path); export_file_commit() flushes, fsyncs and renames it into place,
 * so readers see the old file or the whole new one, never a part.
 */
#ifndef TNMLAB_EXPORT_H
#define TNMLAB_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "atomic_file.h"
#include "km.h"
#include "model.h"
#include "rtable.h"

struct session;

typedef enum export_format {
    EXPORT_UNKNOWN = 0,
    EXPORT_CSV,
    EXPORT_MD,
    EXPORT_JSON,
    EXPORT_SVG,
    EXPORT_SQLITE, /* .db, .sqlite, .sqlite3: tables of a database */
    EXPORT_PNG,    /* a plot rendered from its SVG (librsvg, cairo) */
    EXPORT_PDF
} export_format;

/* The format a file name asks for, from its extension (.csv, .md or
 * .markdown, .json, .svg; case-insensitive); EXPORT_UNKNOWN otherwise. */
export_format export_format_of(const char *path);

/* ---- text escaping, shared by every writer */

/* A CSV field, quoted when it needs to be (RFC 4180). */
void export_csv_str(FILE *f, const char *s);
/* A JSON string with its quotes (", \, control characters escaped). */
void export_json_str(FILE *f, const char *s);
/* XML text (SVG, metadata): the five entities, and no "--", so the same
 * text is safe inside a comment too. */
void export_xml_str(FILE *f, const char *s);
/* Markdown table-cell text: pipes escaped. */
void export_md_str(FILE *f, const char *s);

/* ---- atomic files (core/atomic_file.h), with messages in the export's words */

/* atomic_file_open; -1 with err naming the path and the reason ("cannot
 * write /x/y.csv: No such file or directory"); nothing is created then. */
int export_file_open(atomic_file *x, const char *path, char *err, size_t errlen);
/* atomic_file_commit; -1 with err (a write error such as a full disk); the
 * temporary file is removed and the target left as it was.  To give up
 * instead, atomic_file_abort. */
int export_file_commit(atomic_file *x, char *err, size_t errlen);

/* ---- provenance */

enum { EXPORT_MAX_PARAMS = 128, EXPORT_MAX_FILES = 16 };

typedef struct export_param {
    char name[64];
    char value[64]; /* text form: "4", "true", "adeno" */
    int quoted;     /* a text param: JSON writes it as a string */
    int changed;    /* differs from its default */
} export_param;

typedef struct export_rulefile {
    char path[512];
    char sha256[65]; /* of the file's text as it is on disk now; "" unreadable */
} export_rulefile;

typedef struct export_provenance {
    char version[32];  /* tnmlab version */
    char date[32];     /* UTC, ISO 8601; SOURCE_DATE_EPOCH when set */
    char set[256];     /* rule set(s) */
    int rules_version; /* the engine's version number */
    int nparams;
    export_param params[EXPORT_MAX_PARAMS];
    int nfiles;
    export_rulefile files[EXPORT_MAX_FILES];
    char rules_sha256[65]; /* of all the files' text, in load order */
    char cohort[256];      /* its name */
    char source[512];      /* a database cohort's server and query hash, "" otherwise */
    size_t cohort_rows;
    char cohort_sha256[65]; /* of the cohort's columns and values */
    char time_unit[16];     /* of the cohort's time columns */
    int simulated;
    int has_seed;
    long long seed;
    char scenario[64]; /* simulation scenario, "" when unknown */
    char note[1024];   /* anything else worth keeping (a sweep's grid) */
    char shard[96];    /* a sharded sweep's slice: "2/4 rows 3-4 of 8"; "" otherwise */
} export_provenance;

/* Fills p from the model: version, date, the active set and its params,
 * the rule files (from the engine's "load FILE" versions) and their hashes,
 * the cohort's name, size and hash.  The seed and scenario are the
 * caller's to add (the cohort does not carry them).  Returns 0, or -1 with
 * err on ENOMEM while hashing. */
int export_provenance_fill(export_provenance *p, const model *m, char *err, size_t errlen);

/* Appends set's params with their current values (and whether each
 * differs from its default) to p->params, named "PREFIX.name" when prefix
 * is not NULL; stops at EXPORT_MAX_PARAMS. */
void export_provenance_add_params(export_provenance *p, const rules *r, const char *set,
                                  const char *prefix);

/* SHA-256 of the cohort's contents: for every column its name, type and
 * values (numbers as IEEE doubles, one NaN for every missing value; strings
 * as bytes; booleans as 0/1/missing), in column order.  Independent of how
 * the cohort was loaded or the order of its string levels.  out gets 64
 * hex digits.  Returns 0, or -1 when c is NULL (out is then ""). */
int export_cohort_sha256(const cohort *c, char out[65]);

/* SHA-256 of a file's bytes into out (64 hex digits).  Returns 0, or -1
 * when it cannot be read (out is then ""). */
int export_file_sha256(const char *path, char out[65]);
/* SHA-256 of a text (a query), as hex. */
void export_text_sha256(const char *text, char out[65]);

/* The rule files loaded into r up to its current version, in load order
 * (the same file loaded twice counts once).  Writes up to max paths into
 * paths[i] (each 512 bytes) and returns the count. */
int export_rule_files(const rules *r, char (*paths)[512], int max);

/* Writes the provenance in fmt's way (see the top of this file).  JSON:
 * the "provenance": {...} member without a trailing comma. */
void export_provenance_write(FILE *f, export_format fmt, const export_provenance *p);

/* ---- tables */

enum { EXPORT_T_OUTCOME = 1, EXPORT_T_ATTRITION = 2 };

/* The outcome o as a table for machines (rtable.h): one row per endpoint
 * and group, columns as the CSV export names them (times in months,
 * survival as a proportion).  0, or -1 on ENOMEM (t is still freed by
 * rtable_free). */
int export_outcome_table(const model *m, const model_outcome *o, rtable *t);
/* The attrition of o, one row per step: before, pass, fail, unknown,
 * unknown_kept, after. */
int export_attrition_table(const model_outcome *o, rtable *t);

/* Writes the model's current outcome (what & EXPORT_T_OUTCOME: one row per
 * endpoint and group: N, events, median and CI, 1/2/3-year survival and
 * CI, RMST at the horizon, log-rank chi-square and p as R prints it, HR
 * and CI) and/or its attrition (what & EXPORT_T_ATTRITION) as fmt, with
 * the provenance p (may be NULL).  CSV holds one table: what must be one
 * of the two.  Times are in months.  Returns 0, or -1 with err (no
 * outcome, bad what). */
/* Renders the SVG text svg[0..len) as PNG (its own pixel size, on white)
 * or PDF (the same size in points, as vectors) into f: the plot exports
 * in three formats with one drawing.  0, or -1 with err. */
int export_raster(FILE *f, export_format fmt, const char *svg, size_t len, char *err,
                  size_t errlen);

/* A table for machines as a cohort (text as text, numbers as numbers, a
 * number column holding text as text); NULL on ENOMEM. */
cohort *export_rtable_cohort(const rtable *t);

/* Writes tables[i] as table names[i] of the SQLite database at path
 * (created when absent; tables of those names replaced), with p (may be
 * NULL) as the table `provenance` (key, value), in one transaction.
 * 0, or -1 with err naming the file. */
int export_sqlite_write(const char *path, const rtable *const *tables, const char *const *names,
                        int n, const export_provenance *p, char *err, size_t errlen);

int export_table_write(FILE *f, export_format fmt, const model *m, unsigned what,
                       const export_provenance *p, char *err, size_t errlen);

/* ---- plots */

typedef struct export_curve {
    const km_curve *km;      /* borrowed */
    const char *label;       /* legend: "radical (n = 560)" */
    int dim;                 /* the previous version: grey and dashed */
    const char *short_label; /* number-at-risk row, at most 13 characters
                                shown; NULL: label */
    int dotted;              /* the whole cohort's curve (plot ref): black and dotted */
} export_curve;

typedef struct export_plot {
    const export_curve *curves;
    int ncurves;        /* 1..8 */
    const char *title;  /* NULL: none */
    const char *ylabel; /* "Overall survival (%)" */
    const char *unit;   /* time unit for the x axis label, "months" */
    double tmax;        /* right end of the x axis; 0: the last time */
    double tick;        /* x tick spacing; 0: 3, 6, 12 or 24 by the range */
    int ci;             /* draw the confidence bands */
    const char *note;   /* a line printed inside the plot (log-rank p, HR) */
} export_plot;

/* Writes the plot as a standalone SVG 1.1 document: step curves with
 * censoring ticks, optional CI bands, axes with labels, legend, title,
 * the note, and the number at risk at every x tick below the axis.
 * Colours are the Okabe-Ito palette (colour-blind safe) in an order that
 * stays distinguishable in greyscale.  Returns 0, or -1 with err (no
 * curves, too many). */
int export_svg_write(FILE *f, const export_plot *plot, const export_provenance *p, char *err,
                     size_t errlen);

/* The model's current outcome for endpoint (MODEL_OS, MODEL_PFS) as an
 * SVG plot, with the previous version's curves (dashed, grey) when before
 * is set and there is one for the same rule set.  title NULL: a title made
 * of the endpoint, rule set and cohort.  Returns 0, or -1 with err. */
int export_svg_model(FILE *f, const model *m, int endpoint, int ci, int before, const char *title,
                     const export_provenance *p, char *err, size_t errlen);

/* ---- the REPL command and the Lua functions (export_cmd.c) */

/* export plot FILE.svg [os|pfs] [ci] [before]
 * export table FILE.csv|.md|.json [outcome|attrition]
 * Returns 0, or 1 after writing the message to the session's error sink. */
int export_cmd(struct session *s, int argc, char **argv);
/* `list [N]`: the first N selected patients with their arm and the values
 * the active set's criteria read (export_ids.c).  Returns 0 or 1. */
int list_cmd(struct session *s, int argc, char **argv);
/* table1 [by COLUMN | arms] [VAR[:cat]...] (export_table1.c). */
int table1_cmd(struct session *s, int argc, char **argv);

/* Adds to the global table `lab`: export_plot(path [, opts]),
 * export_table(path [, opts]), sweep(spec), manpage(). */
void export_open(struct session *s);

#endif
