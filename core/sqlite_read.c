/* sqlite_read.c - cohorts from a SQLite database (see sqlite_read.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "sqlite_read.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "interrupt.h"
#include "dbrows.h"
#include "text.h"

int sqlite_is_database(const char *path) {
    static const char magic[16] = "SQLite format 3";
    char head[16];
    struct stat st;
    /* only a regular file: opening a FIFO to look would block */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, magic, sizeof magic) == 0;
}

static int on_progress(void *ud) {
    (void)ud;
    return tnm_interrupted() != 0;
}

/* The database's tables and views, for a message ("lung, patients"). */
static void list_tables(sqlite3 *db, char *buf, size_t len) {
    sqlite3_stmt *st;
    size_t o = 0;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND "
                           "name NOT LIKE 'sqlite_%' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW && o + 4 < len) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", name ? name : "");
    }
    sqlite3_finalize(st);
    if (!buf[0])
        snprintf(buf, len, "none");
}

/* Appends a value as read.csv would read it from a CSV file. */
static int put_value(tnm_text *b, sqlite3_stmt *st, int col) {
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        return 0;
    case SQLITE_INTEGER:
        tnm_text_printf(b, "%lld", (long long)sqlite3_column_int64(st, col));
        return 0;
    case SQLITE_FLOAT:
        tnm_text_printf(b, "%.17g", sqlite3_column_double(st, col));
        return 0;
    case SQLITE_TEXT: {
        dbrows_quoted(b, (const char *)sqlite3_column_text(st, col),
                      (size_t)sqlite3_column_bytes(st, col));
        return 0;
    }
    default:
        return -1; /* BLOB */
    }
}

/* The CSV reader names "PATH:LINE:FIELD: what"; line 1 is the header
 * here, so say the result's row and the column's name instead. */
static void name_the_row(sqlite3_stmt *st, const char *path, char *err, size_t errlen) {
    size_t plen = strlen(path), line;
    int field, used = 0;
    if (strncmp(err, path, plen) != 0 ||
        sscanf(err + plen, ":%zu:%d:%n", &line, &field, &used) != 2 || used == 0 || line < 2 ||
        field < 1 || field > sqlite3_column_count(st))
        return;
    char rest[1024];
    snprintf(rest, sizeof rest, "%s", err + plen + (size_t)used);
    snprintf(err, errlen, "%s: row %zu, column '%s':%s", path, line - 1,
             sqlite3_column_name(st, field - 1), rest);
}

cohort *sqlite_read(const char *path, const char *what, const csv_options *o, char *err,
                    size_t errlen) {
    if (!sqlite_is_database(path)) {
        snprintf(err, errlen, "%s: not a SQLite database (or not readable)", path);
        return NULL;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cohort *c = NULL;
    tnm_text b = {0};
    char *sql = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    sqlite3_progress_handler(db, 10000, on_progress, NULL);
    if (dbrows_is_name(what)) {
        sql = sqlite3_mprintf("SELECT * FROM \"%w\"", what);
    } else {
        sql = sqlite3_mprintf("%s", what);
    }
    if (!sql) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
        const char *msg = sqlite3_errmsg(db);
        if (dbrows_is_name(what) && strstr(msg, "no such table")) {
            char tables[512];
            list_tables(db, tables, sizeof tables);
            snprintf(err, errlen, "%s: no table or view '%s' (it has: %s)", path, what, tables);
        } else {
            snprintf(err, errlen, "%s: SQL: %s", path, msg);
        }
        goto out;
    }
    if (!st) {
        snprintf(err, errlen, "%s: SQL: no statement", path);
        goto out;
    }
    while (tail &&
           (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        snprintf(err, errlen, "%s: SQL: one statement only, not '%.40s'", path, tail);
        goto out;
    }
    if (!sqlite3_stmt_readonly(st)) {
        snprintf(err, errlen, "%s: SQL: load cohort only reads; this statement writes", path);
        goto out;
    }
    int ncol = sqlite3_column_count(st);
    if (ncol == 0) {
        snprintf(err, errlen, "%s: SQL: the statement returns no columns", path);
        goto out;
    }
    for (int k = 0; k < ncol; k++) {
        const char *name = sqlite3_column_name(st, k);
        if (k)
            tnm_text_add(&b, ",", 1);
        dbrows_quoted(&b, name ? name : "", name ? strlen(name) : 0);
    }
    tnm_text_add(&b, "\n", 1);
    size_t row = 0;
    uint64_t cap = o && o->max_bytes ? o->max_bytes : 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row++;
        for (int k = 0; k < ncol; k++) {
            if (k)
                tnm_text_add(&b, ",", 1);
            if (put_value(&b, st, k) < 0) {
                snprintf(err, errlen, "%s: row %zu, column '%s' holds a BLOB, not a value", path,
                         row, sqlite3_column_name(st, k));
                goto out;
            }
        }
        tnm_text_add(&b, "\n", 1);
        if (b.failed) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto out;
        }
        if (cap && b.len > cap) {
            snprintf(err, errlen, "%s: the result is larger than %llu bytes (TNMLAB_CSV_MAX_BYTES)",
                     path, (unsigned long long)cap);
            goto out;
        }
    }
    if (rc == SQLITE_INTERRUPT || tnm_interrupted()) {
        snprintf(err, errlen, "%s: interrupted", path);
        goto out;
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: SQL: %s (after row %zu)", path, sqlite3_errmsg(db), row);
        goto out;
    }
    if (row == 0) {
        snprintf(err, errlen, "%s: the query returns no rows", path);
        goto out;
    }
    c = dbrows_read(&b, path, o, err, errlen);
    if (!c)
        name_the_row(st, path, err, errlen);
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    sqlite3_free(sql);
    tnm_text_free(&b);
    return c;
}
