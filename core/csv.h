/* csv.h - reading and writing cohorts as CSV (RFC 4180 and the messy rest).
 *
 * Part of tnmlab (core layer: plain C11).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading: quoted fields with embedded separators, quotes ("") and newlines;
 * LF, CRLF or CR line ends; a UTF-8 byte-order mark; blank lines skipped.
 * The first non-blank line is the header.  Each column's type is inferred
 * as R's read.csv does (every non-missing value a number -> number; every
 * one TRUE/FALSE/T/F/true/false/True/False -> bool; else string; a column
 * with no value at all -> number), unless overridden.  Quoting does not
 * change a value's type, and quoted markers ("NA") are missing too, as in R.
 * An empty cell is missing in number and bool columns; in a string column
 * it is missing when "" is among the markers (it is by default).  The token
 * `none` is an ordinary value (a known-empty list), never missing.
 * Numbers are always read with '.' (or the decimal option), never through
 * the process locale, and equal strtod()'s result to the bit.
 *
 * Errors are "FILE:LINE:FIELD: what was expected" (FIELD = 1-based column
 * number) or "FILE: ..." when there is no position; the reader either
 * returns a complete cohort or nothing.
 */
#ifndef TNMLAB_CSV_H
#define TNMLAB_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cohort.h"

/* A name pair: map {key = dictionary name, value = header name}. */
typedef struct csv_pair {
    const char *key;
    const char *value;
} csv_pair;

/* A recoding: in column `column` (its name after mapping), the value
 * `from` (as the file spells it: text, or a number's shortest form) reads
 * as `to`; `to` "" or "NA" makes it missing.  The column's type is then
 * inferred again from the recoded values, as the reader infers it. */
typedef struct csv_recode {
    const char *column;
    const char *from;
    const char *to;
} csv_recode;

/* A forced column type; name is the column's name after mapping, or its
 * header name. */
typedef struct csv_typespec {
    const char *name;
    cohort_type type;
} csv_typespec;

typedef struct csv_options {
    char sep;     /* field separator; 0 = ',' */
    char decimal; /* decimal mark in numbers; 0 = '.' */
    /* missing-value markers; NULL = csv_default_na ("", "NA", "NaN", ".") */
    const char *const *na;
    size_t nna;
    const csv_pair *map; /* rename header columns; each must exist */
    size_t nmap;
    const csv_typespec *types; /* forced types; each column must exist */
    size_t ntypes;
    /* event columns with R's coding: 0/1, TRUE/FALSE, or 1/2 (2 = event,
     * mapped to 0/1 when any 2 occurs); stored as numbers 0/1 */
    const char *const *status;
    size_t nstatus;
    /* recodings, applied after mapping and before the status columns are
     * read (a "dead"/"alive" column recoded to 1/0 is an event column) */
    const csv_recode *recode;
    size_t nrecode;
    /* csv_read_file refuses a file larger than this; 0 = CSV_DEFAULT_MAX_BYTES */
    uint64_t max_bytes;
    /* csv_read_file calls this, when set, after each block it reads (done
     * of total bytes so far), so a front end can show progress and a test
     * can change the file under the reader at a known point */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} csv_options;

/* The size limit when csv_options.max_bytes is 0: 4 GiB, ten times the
 * largest cohort file we know of (a national registry extract). */
#define CSV_DEFAULT_MAX_BYTES ((uint64_t)4 << 30)

/* The size limit the environment sets: $TNMLAB_CSV_MAX_BYTES (a positive
 * whole number of bytes) into *out, or 0 (the default) when it is unset.
 * Returns 0, or -1 with a message in err when it is set but not a number. */
int csv_env_max_bytes(uint64_t *out, char *err, size_t errlen);

typedef struct csv_write_options {
    char sep;       /* 0 = ',' */
    char decimal;   /* 0 = '.' */
    const char *na; /* text for a missing cell; NULL = "NA" */
} csv_write_options;

extern const char *const csv_default_na[];
extern const size_t csv_default_nna;

/* Zeroes o: comma-separated, '.' decimals, default markers, no map. */
void csv_options_init(csv_options *o);

/* Reads the CSV file at path.  name is used in messages (NULL = path).
 * Only regular files are read, whole, into memory with read(): a
 * directory, FIFO, device or socket, or a file above o->max_bytes, is
 * refused before anything is read, and a file that shrinks or grows while
 * it is read is refused too (nothing is mapped, so a truncation cannot
 * raise SIGBUS).  Ctrl-C (tnm_interrupted()) stops it with "interrupted".
 * Returns a new cohort the caller frees with cohort_free(), or NULL with a
 * message in err that starts with the name: bad input names file, line and
 * column; an unreadable file names the system error. */
cohort *csv_read_file(const char *path, const char *name, const csv_options *o, char *err,
                      size_t errlen);

/* Why a text column is no number column: the first of its nrows cells
 * that does not read as a number, as "row 5 holds 'n/a'" (with a hint when
 * it reads with a decimal comma), into buf.  Returns that row + 1, or 0
 * when every cell reads as a number (or col is no text column). */
size_t csv_why_not_numbers(const cohort_column *col, size_t nrows, char *buf, size_t n);

/* Guesses a file's field separator from its header line (the most
 * frequent of ',', ';' and tab outside quotes; ',' when none) and its
 * decimal mark (',' when the separator is not a comma and a number such as
 * "12,5" appears in the first 64 KiB; else '.').  0, or -1 when the file
 * cannot be read. */
int csv_sniff(const char *path, char *sep, char *decimal);

/* As csv_read_file on len bytes at buf (need not be NUL-terminated). */
cohort *csv_read_buffer(const char *buf, size_t len, const char *name, const csv_options *o,
                        char *err, size_t errlen);

/* Writes c to f: header, then one line per row, LF line ends; strings and
 * names quoted as R's write.csv does, numbers in the shortest form that
 * reads back to the same double, booleans TRUE/FALSE, missing as o->na.
 * o may be NULL.  Returns 0, or -1 with err filled on an I/O error. */
int csv_write_stream(const cohort *c, FILE *f, const csv_write_options *o, char *err,
                     size_t errlen);

/* Writes c to path atomically (temporary file in the same folder, fsync,
 * rename): an existing file is replaced whole or not at all.
 * Returns 0, or -1 with err filled. */
int csv_write_file(const cohort *c, const char *path, const csv_write_options *o, char *err,
                   size_t errlen);

/* Parses s[0..len) as one number with the given decimal mark ('.' or ',');
 * surrounding spaces and tabs are allowed.  Plain decimals take a fast exact
 * path; anything else goes to strtod() in the C locale, so the result always
 * equals strtod's.  Beyond strtod, as R's type.convert: "nan" in any case
 * (not "NAN", which R reads as text) is NaN, i.e. missing.  As strtod and R
 * both do: "Inf", "inf", "-Infinity" are infinite, "1e400" is Inf, "1e-400"
 * is 0, hexadecimal "0x1A" is 26.  Returns 1 and sets *out; 0 if s is not a
 * number; -1, with *out set to strtod's value, for a hexadecimal fraction
 * without a p exponent ("0x1A.8"), which R reads differently (424, not
 * 26.5): the caller should refuse it. */
int csv_parse_number(const char *s, size_t len, char decimal, double *out);

/* Formats v in the shortest %.{15,16,17}g form that reads back exactly,
 * integers without exponent up to 1e15, NaN as "NA", infinities as
 * "Inf"/"-Inf".  buf needs 32 bytes.  Returns the length. */
size_t csv_format_number(double v, char decimal, char *buf);

#endif
