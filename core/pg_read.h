/* pg_read.h - cohorts from a PostgreSQL server: a table or a query.
 *
 * Part of tnmlab (core layer: plain C11 and libpq).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As sqlite_read.h: the rows go through the CSV reader, so types, missing
 * values and the column map are those a CSV file gets (numbers as
 * numbers, booleans as TRUE/FALSE, text as text, NULL as missing).  The
 * query runs in a read-only transaction; its column types come from the
 * query with LIMIT 0, its rows from COPY (query) TO STDOUT in the server's
 * own CSV, streamed row by row (libpq's copy protocol, no per-value
 * calls), with boolean fields t/f rewritten as TRUE/FALSE on the way.  Passwords: a connection
 * string's password is never part of a message; pg_redact() takes it out of a line before it is
 * kept anywhere (history, session file, provenance).
 */
#ifndef TNMLAB_PG_READ_H
#define TNMLAB_PG_READ_H

#include <stddef.h>

#include "cohort.h"
#include "csv.h"

/* Is s a PostgreSQL connection string: a postgresql:// or postgres:// URL,
 * or "pg:" followed by libpq keywords ("pg:host=/tmp port=5433 dbname=x")? */
int pg_is_conninfo(const char *s);

/* Removes passwords from a line in place: the ":secret" of
 * "postgresql://user:secret@host", and "password=secret" (a keyword, or a
 * URL parameter).  Returns the number removed. */
int pg_redact(char *line);

/* Reads the rows of `what` (a table name, or one SELECT statement) from
 * the server conninfo names (libpq takes the password, if any, from it,
 * PGPASSWORD or ~/.pgpass).  Ctrl-C (tnm_interrupted()) stops it.
 * Returns a new cohort, or NULL with a message naming the server (without
 * its password). */
cohort *pg_read(const char *conninfo, const char *what, const csv_options *o, char *err,
                size_t errlen);

#endif
