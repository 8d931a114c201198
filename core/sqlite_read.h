/* sqlite_read.h - cohorts from a SQLite database (a table or a query),
 * and a cohort written as a table (sqlite_write.c).
 *
 * Part of tnmlab (core layer: plain C11 and libsqlite3).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the query are read through the CSV reader (csv.h), so a
 * database column gets exactly the type, missing values, column map and
 * unit handling a CSV column gets: each value is written as the text
 * read.csv would see (an integer or real as a number, text as quoted text,
 * NULL as an empty cell, i.e. missing), and the column's type is inferred
 * from those values as R's read.csv infers it.  The database is opened
 * read-only, and only a statement that does not write is run.
 */
#ifndef TNMLAB_SQLITE_READ_H
#define TNMLAB_SQLITE_READ_H

#include <stddef.h>

#include "cohort.h"
#include "csv.h"

/* Is path a regular file that starts with the SQLite header ("SQLite
 * format 3")?  Anything else (a FIFO, a device, a folder) is not looked into. */
int sqlite_is_database(const char *path);

/* Reads the rows of `what` from the database at path: a table or view name
 * (letters, digits, '_', '.', no spaces) or one SELECT statement.  o gives
 * the map, NA markers, types and max_bytes as for CSV (its separator and
 * decimal mark are not used).  Ctrl-C (tnm_interrupted()) stops it.
 * Returns a new cohort, or NULL with a message naming the file: not a
 * database, no such table (with the tables it has), an SQL error, a
 * statement that writes, a BLOB value (row and column), too large. */
cohort *sqlite_read(const char *path, const char *what, const csv_options *o, char *err,
                    size_t errlen);

/* Writes c as table `table` of the database at path (created when absent;
 * an existing file must be a SQLite database), in one transaction: number
 * columns as REAL, booleans as INTEGER 0/1, text as TEXT, missing as NULL.
 * An existing table of that name is refused unless replace is set.  Ctrl-C
 * stops it, writing nothing.  0, or -1 with err naming the file. */
int sqlite_write(const cohort *c, const char *path, const char *table, int replace, char *err,
                 size_t errlen);

/* As sqlite_write for n tables (c[i] as tables[i]) in one transaction:
 * all of them are written, or none. */
int sqlite_write_tables(const cohort *const *c, const char *const *tables, int n, const char *path,
                        int replace, char *err, size_t errlen);

#endif
