/* sqlite_write.c - a cohort as a table of a SQLite database (see
 * sqlite_read.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbrows.h"
#include "interrupt.h"
#include "sqlite_read.h"

static int fail(sqlite3 *db, const char *path, const char *what, char *err, size_t errlen) {
    snprintf(err, errlen, "%s: %s%s%s", path, what, db ? ": " : "", db ? sqlite3_errmsg(db) : "");
    return -1;
}

/* Table `table` of the open database db (inside a transaction): c's rows,
 * after dropping a table of that name when replace is set.  0, or -1 with
 * err. */
static int write_one(sqlite3 *db, const cohort *c, const char *path, const char *table, int replace,
                     char *err, size_t errlen) {
    sqlite3_stmt *ins = NULL, *q = NULL;
    int rc = -1;
    char *sql = sqlite3_mprintf("SELECT 1 FROM sqlite_schema WHERE name = %Q", table);
    int exists = sql && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
                 sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    sqlite3_free(sql);
    if (exists && !replace) {
        snprintf(err, errlen, "%s: has a table '%s' already (replace = true replaces it)", path,
                 table);
        return -1;
    }
    tnm_text b = {0};
    if (exists)
        tnm_text_printf(&b, "DROP TABLE \"%s\"; ", table);
    tnm_text_printf(&b, "CREATE TABLE \"%s\" (", table);
    size_t nc = cohort_ncols(c), n = cohort_nrows(c);
    /* a number column of whole numbers only (ids, counts) is INTEGER */
    uint8_t *whole = calloc(nc + 1, 1);
    if (whole == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (size_t j = 0; j < nc; j++) {
        const cohort_column *col = cohort_col(c, j);
        whole[j] = col->type == COHORT_NUM && n > 0;
        for (size_t i = 0; i < n && whole[j]; i++) {
            double v = col->v.num[i];
            whole[j] = isnan(v) || (v == floor(v) && fabs(v) < 9007199254740992.0);
        }
        char *id = sqlite3_mprintf("%w", col->name);
        tnm_text_printf(&b, "%s\"%s\" %s", j ? ", " : "", id ? id : "",
                        whole[j] || col->type == COHORT_BOOL ? "INTEGER"
                        : col->type == COHORT_NUM            ? "REAL"
                                                             : "TEXT");
        sqlite3_free(id);
    }
    tnm_text_add(&b, ")", 1);
    char *ddl = tnm_text_take(&b);
    if (!ddl || sqlite3_exec(db, ddl, NULL, NULL, NULL) != SQLITE_OK) {
        tnm_text_free(&b);
        fail(db, path, "cannot create the table", err, errlen);
        free(ddl);
        goto out;
    }
    free(ddl);
    tnm_text_printf(&b, "INSERT INTO \"%s\" VALUES (", table);
    for (size_t j = 0; j < nc; j++)
        tnm_text_add(&b, j ? ", ?" : "?", j ? 3 : 1);
    tnm_text_add(&b, ")", 1);
    char *dml = tnm_text_take(&b);
    int ok = dml && sqlite3_prepare_v2(db, dml, -1, &ins, NULL) == SQLITE_OK;
    free(dml);
    if (!ok) {
        fail(db, path, "cannot insert", err, errlen);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if ((i & 4095) == 0 && tnm_interrupted()) {
            snprintf(err, errlen, "%s: interrupted; nothing written", path);
            goto out;
        }
        for (size_t j = 0; j < nc; j++) {
            const cohort_column *col = cohort_col(c, j);
            int k = (int)j + 1;
            if (col->type == COHORT_NUM) {
                if (isnan(col->v.num[i]))
                    sqlite3_bind_null(ins, k);
                else if (whole[j])
                    sqlite3_bind_int64(ins, k, (sqlite3_int64)col->v.num[i]);
                else
                    sqlite3_bind_double(ins, k, col->v.num[i]);
            } else if (col->type == COHORT_BOOL) {
                if (col->v.b[i] < 0)
                    sqlite3_bind_null(ins, k);
                else
                    sqlite3_bind_int(ins, k, col->v.b[i]);
            } else {
                const char *v = cohort_str(col, i);
                if (v)
                    sqlite3_bind_text(ins, k, v, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(ins, k);
            }
        }
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fail(db, path, "cannot insert", err, errlen);
            goto out;
        }
        sqlite3_reset(ins);
    }
    rc = 0;
out:
    free(whole);
    sqlite3_finalize(ins);
    return rc;
}

int sqlite_write_tables(const cohort *const *c, const char *const *tables, int n, const char *path,
                        int replace, char *err, size_t errlen) {
    struct stat st;
    for (int t = 0; t < n; t++)
        if (!dbrows_is_name(tables[t])) {
            snprintf(err, errlen, "%s: '%s' is not a table name (letters, digits, _)", path,
                     tables[t]);
            return -1;
        }
    if (stat(path, &st) == 0 &&
        (!S_ISREG(st.st_mode) || (st.st_size > 0 && !sqlite_is_database(path)))) {
        snprintf(err, errlen, "%s: exists and is not a SQLite database; not overwritten", path);
        return -1;
    }
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail(db, path, "cannot open", err, errlen);
        goto out;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, path, "cannot write", err, errlen);
        goto out;
    }
    for (int t = 0; t < n; t++)
        if (write_one(db, c[t], path, tables[t], replace, err, errlen) != 0)
            goto rollback;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, path, "cannot commit", err, errlen);
        goto rollback;
    }
    rc = 0;
    goto out;
rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_close(db);
    return rc;
}

int sqlite_write(const cohort *c, const char *path, const char *table, int replace, char *err,
                 size_t errlen) {
    return sqlite_write_tables(&c, &table, 1, path, replace, err, errlen);
}
