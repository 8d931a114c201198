/* dbrows.h - what the database readers (sqlite_read.c, pg_read.c) share:
 * a result written as CSV text, then read by the CSV reader, so a database
 * column gets the type, NA handling and map a CSV column gets.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_DBROWS_H
#define TNMLAB_DBROWS_H

#include <stddef.h>

#include "cohort.h"
#include "csv.h"
#include "text.h"

/* Is s a table or view name (letters, digits, '_', '.'), not a query? */
int dbrows_is_name(const char *s);

/* Appends n bytes of s as one quoted CSV field ("" for each quote). */
void dbrows_quoted(tnm_text *b, const char *s, size_t n);

/* Reads the CSV text b (header, then rows; ',' and '.') with o's map, NA
 * markers, types and status words (o may be NULL); messages start with
 * name.  Returns a new cohort, or NULL with err. */
cohort *dbrows_read(const tnm_text *b, const char *name, const csv_options *o, char *err,
                    size_t errlen);

#endif
