/* pg_read.c - cohorts from a PostgreSQL server (see pg_read.h).
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _POSIX_C_SOURCE 200809L
#include "pg_read.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interrupt.h"
#include "dbrows.h"
#include "text.h"

int pg_is_conninfo(const char *s) {
    return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11) ||
           !strncmp(s, "pg:", 3);
}

/* libpq's form of a connection string: the URL as it is, "pg:" dropped. */
static const char *libpq_form(const char *s) {
    return strncmp(s, "pg:", 3) == 0 ? s + 3 : s;
}

int pg_redact(char *line) {
    int n = 0;
    for (char *p = line; (p = strstr(p, "://")) != NULL;) {
        /* scheme://user:secret@host: drop ":secret" */
        char *start = p + 3, *end = start + strcspn(start, " \t\n/\"'");
        char *at = NULL;
        for (char *q = start; q < end; q++)
            if (*q == '@')
                at = q;
        char *colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
        if (colon) {
            memmove(colon, at, strlen(at) + 1);
            n++;
        }
        p = start;
    }
    for (char *p = line; (p = strstr(p, "password=")) != NULL;) {
        /* the keyword and its value (quoted or not), with a joining & or blank */
        char *v = p + 9, *e = v;
        if (*e == '\'') {
            for (e++; *e && *e != '\''; e++)
                if (*e == '\\' && e[1])
                    e++;
            if (*e)
                e++;
        } else {
            e += strcspn(e, " \t\n&\"");
        }
        if (*e == '&' || *e == ' ')
            e++;
        else if (p > line && (p[-1] == '&' || p[-1] == ' '))
            p--;
        memmove(p, e, strlen(e) + 1);
        n++;
    }
    return n;
}

/* The server's name for messages: host, port and database, no password. */
static void server_name(PGconn *db, const char *conninfo, char *buf, size_t len) {
    const char *h = db ? PQhost(db) : NULL, *d = db ? PQdb(db) : NULL, *p = db ? PQport(db) : NULL;
    if (h && d)
        snprintf(buf, len, "postgresql %s:%s/%s", h, p ? p : "", d);
    else {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", conninfo);
        pg_redact(tmp);
        snprintf(buf, len, "%s", tmp);
    }
}

/* Runs one command that returns no rows; 0, or -1 with err. */
static int run(PGconn *db, const char *sql, const char *who, char *err, size_t errlen) {
    PGresult *r = PQexec(db, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, errlen, "%s: %s", who, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

cohort *pg_read(const char *conninfo, const char *what, const csv_options *o, char *err,
                size_t errlen) {
    char who[600];
    PGconn *db = PQconnectdb(libpq_form(conninfo));
    cohort *c = NULL;
    tnm_text b = {0};
    char *sql = NULL;
    PGresult *r = NULL;
    server_name(db, conninfo, who, sizeof who);
    if (!db || PQstatus(db) != CONNECTION_OK) {
        snprintf(err, errlen, "%s: cannot connect: %s", who, db ? PQerrorMessage(db) : "no memory");
        chomp(err);
        goto out;
    }
    if (dbrows_is_name(what)) {
        char *id = PQescapeIdentifier(db, what, strlen(what));
        if (!id) {
            snprintf(err, errlen, "%s: %s", who, PQerrorMessage(db));
            goto out;
        }
        size_t n = strlen(id) + 32;
        sql = malloc(n);
        if (sql)
            snprintf(sql, n, "SELECT * FROM %s", id);
        PQfreemem(id);
    } else {
        sql = strdup(what);
        if (sql) { /* a trailing ';' would end the COPY's query */
            size_t n = strlen(sql);
            while (n && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n'))
                sql[--n] = '\0';
        }
    }
    if (!sql) {
        snprintf(err, errlen, "%s: out of memory", who);
        goto out;
    }
    {
        const char *w = sql + strspn(sql, " \t\n(");
        if (strncasecmp(w, "select", 6) && strncasecmp(w, "with", 4) &&
            strncasecmp(w, "values", 6) && strncasecmp(w, "table", 5)) {
            snprintf(err, errlen, "%s: load cohort reads a table or a SELECT query, not '%.30s'",
                     who, w);
            goto out;
        }
    }
    if (run(db, "BEGIN TRANSACTION READ ONLY", who, err, errlen) < 0)
        goto out;
    /* The columns' types, from the query with no rows: a boolean column
     * comes out of COPY as t/f, which the reader is told as TRUE/FALSE. */
    int ncol;
    uint8_t is_bool[1024];
    {
        tnm_text q = {0};
        tnm_text_printf(&q, "SELECT * FROM (%s) AS tnmlab_q LIMIT 0", sql);
        char *qs = tnm_text_take(&q);
        r = qs ? PQexec(db, qs) : NULL;
        free(qs);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            snprintf(err, errlen, "%s: %s", who, r ? PQresultErrorMessage(r) : "out of memory");
            chomp(err);
            goto out;
        }
        ncol = PQnfields(r);
        if (ncol < 1 || ncol > 1024) {
            snprintf(err, errlen, "%s: the query returns %d columns (1-1024)", who, ncol);
            goto out;
        }
        for (int k = 0; k < ncol; k++)
            is_bool[k] = PQftype(r, k) == 16; /* bool */
        PQclear(r);
        r = NULL;
    }
    int any_bool = memchr(is_bool, 1, (size_t)ncol) != NULL;
    /* The rows as the server's own CSV (COPY): numbers as numbers, text
     * quoted where it must be, NULL as an empty field, "" for an empty
     * text; streamed as they come, at the server's pace. */
    {
        tnm_text q = {0};
        tnm_text_printf(&q, "COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER true)", sql);
        char *qs = tnm_text_take(&q);
        r = qs ? PQexec(db, qs) : NULL;
        free(qs);
        if (PQresultStatus(r) != PGRES_COPY_OUT) {
            snprintf(err, errlen, "%s: %s", who, r ? PQresultErrorMessage(r) : "out of memory");
            chomp(err);
            goto out;
        }
        PQclear(r);
        r = NULL;
    }
    size_t row = 0;
    uint64_t cap = o && o->max_bytes ? o->max_bytes : 0;
    for (int header = 1;; header = 0) {
        char *line = NULL;
        int len = PQgetCopyData(db, &line, 0);
        if (len == -1)
            break; /* done: the command's result follows */
        if (len < 0) {
            snprintf(err, errlen, "%s: %s", who, PQerrorMessage(db));
            chomp(err);
            goto out;
        }
        if (!any_bool || header) {
            tnm_text_add(&b, line, (size_t)len);
        } else { /* the boolean fields: t/f -> TRUE/FALSE (a field at a time) */
            int k = 0;
            for (int i = 0; i < len;) {
                int start = i;
                if (line[i] == '"') { /* quoted: to the closing quote ("" inside) */
                    for (i++; i < len; i++) {
                        if (line[i] != '"')
                            continue;
                        if (i + 1 < len && line[i + 1] == '"') {
                            i++;
                            continue;
                        }
                        i++;
                        break;
                    }
                }
                while (i < len && line[i] != ',' && line[i] != '\n')
                    i++;
                if (k < ncol && is_bool[k] && i - start == 1 &&
                    (line[start] == 't' || line[start] == 'f'))
                    tnm_text_add(&b, line[start] == 't' ? "TRUE" : "FALSE",
                                 line[start] == 't' ? 4 : 5);
                else
                    tnm_text_add(&b, line + start, (size_t)(i - start));
                if (i < len)
                    tnm_text_add(&b, line + i, 1); /* the ',' or the line's end */
                i++;
                k++;
            }
        }
        PQfreemem(line);
        row += !header;
        if ((row & 4095) == 0 && tnm_interrupted()) {
            snprintf(err, errlen, "%s: interrupted", who);
            goto out; /* PQfinish ends the COPY on the server */
        }
        if (b.failed) {
            snprintf(err, errlen, "%s: out of memory", who);
            goto out;
        }
        if (cap && b.len > cap) {
            snprintf(err, errlen, "%s: the result is larger than %llu bytes", who,
                     (unsigned long long)cap);
            goto out;
        }
    }
    r = PQgetResult(db);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(err, errlen, "%s: %s", who, PQresultErrorMessage(r));
        chomp(err);
        goto out;
    }
    PQclear(r);
    r = NULL;
    if (row == 0) {
        snprintf(err, errlen, "%s: the query returns no rows", who);
        goto out;
    }
    c = dbrows_read(&b, who, o, err, errlen);
out:
    PQclear(r);
    if (db && PQstatus(db) == CONNECTION_OK)
        PQclear(PQexec(db, "ROLLBACK"));
    PQfinish(db);
    free(sql);
    tnm_text_free(&b);
    return c;
}
