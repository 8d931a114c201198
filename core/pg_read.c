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

enum { PG_FETCH = 20000 }; /* rows per FETCH */

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

/* Column kinds by type OID (pg_type.h's fixed OIDs). */
enum { K_TEXT, K_NUM, K_BOOL };
static int kind_of(Oid t) {
    switch (t) {
    case 20:   /* int8 */
    case 21:   /* int2 */
    case 23:   /* int4 */
    case 700:  /* float4 */
    case 701:  /* float8 */
    case 1700: /* numeric */
    case 26:   /* oid */
        return K_NUM;
    case 16: /* bool */
        return K_BOOL;
    default:
        return K_TEXT;
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
        if (sql) { /* a trailing ';' would end the cursor's statement */
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
    {
        tnm_text q = {0};
        tnm_text_printf(&q, "DECLARE tnmlab_rows NO SCROLL CURSOR FOR %s", sql);
        char *qs = tnm_text_take(&q);
        int rc = qs ? run(db, qs, who, err, errlen) : -1;
        free(qs);
        if (rc < 0) {
            chomp(err);
            goto out;
        }
    }
    int ncol = -1, kinds[1024];
    size_t row = 0;
    uint64_t cap = o && o->max_bytes ? o->max_bytes : 0;
    char fetch[64];
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %d FROM tnmlab_rows", PG_FETCH);
    for (;;) {
        if (tnm_interrupted()) {
            snprintf(err, errlen, "%s: interrupted", who);
            goto out;
        }
        r = PQexec(db, fetch);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            snprintf(err, errlen, "%s: %s", who, PQresultErrorMessage(r));
            chomp(err);
            goto out;
        }
        if (ncol < 0) {
            ncol = PQnfields(r);
            if (ncol < 1 || ncol > 1024) {
                snprintf(err, errlen, "%s: the query returns %d columns (1-1024)", who, ncol);
                goto out;
            }
            for (int k = 0; k < ncol; k++) {
                kinds[k] = kind_of(PQftype(r, k));
                if (k)
                    tnm_text_add(&b, ",", 1);
                const char *name = PQfname(r, k);
                dbrows_quoted(&b, name, strlen(name));
            }
            tnm_text_add(&b, "\n", 1);
        }
        int nt = PQntuples(r);
        for (int i = 0; i < nt; i++) {
            for (int k = 0; k < ncol; k++) {
                if (k)
                    tnm_text_add(&b, ",", 1);
                if (PQgetisnull(r, i, k))
                    continue;
                const char *v = PQgetvalue(r, i, k);
                size_t len = (size_t)PQgetlength(r, i, k);
                if (kinds[k] == K_NUM)
                    tnm_text_add(&b, v, len);
                else if (kinds[k] == K_BOOL)
                    tnm_text_add(&b, v[0] == 't' ? "TRUE" : "FALSE", v[0] == 't' ? 4 : 5);
                else
                    dbrows_quoted(&b, v, len);
            }
            tnm_text_add(&b, "\n", 1);
        }
        row += (size_t)nt;
        PQclear(r);
        r = NULL;
        if (b.failed) {
            snprintf(err, errlen, "%s: out of memory", who);
            goto out;
        }
        if (cap && b.len > cap) {
            snprintf(err, errlen, "%s: the result is larger than %llu bytes", who,
                     (unsigned long long)cap);
            goto out;
        }
        if (nt < PG_FETCH)
            break;
    }
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
