/* sweep_merge.c - `tnmlab merge OUT SHARD.csv...` (see sweep.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A shard is the CSV a single run writes, restricted to its slice of the
 * grid, with one more provenance line ("# shard: K/N rows A-B of T, L lines":
 * grid rows A to B of T, written as L lines, one per endpoint and group).  The
 * merge is therefore line work: check that the shards belong together and
 * cover the grid once, then write the first one's provenance without the
 * shard line, the header, and the rows in K order.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "sweep.h"
#include "text.h"

enum { MERGE_MAX = 10000 };

typedef struct shard {
    const char *path;
    char *text;    /* the whole file */
    char *prelude; /* start of the comment lines */
    size_t plen;   /* bytes of comment lines, shard and date lines included */
    char *header;  /* the column header line */
    size_t hlen;
    char *rows; /* the rows, to the end */
    size_t rlen;
    size_t nrows;
    int k, n;
    size_t a, b, total; /* grid rows a..b (1-based) of total; a = 0: none */
    size_t lines;       /* CSV lines they take (a grid row: one per endpoint and group) */
} shard;

/* Splits a shard into prelude, header and rows, and reads its shard line. */
static int read_shard(shard *s) {
    size_t len;
    if (!(s->text = tnm_read_file(s->path, &len))) {
        fprintf(stderr, "tnmlab merge: %s: %s\n", s->path, strerror(errno ? errno : EIO));
        return -1;
    }
    char *p = s->text, *end = s->text + len;
    s->prelude = p;
    int found = 0;
    while (p < end && *p == '#') {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        if (!strncmp(p, "# shard: ", 9)) {
            char none[8];
            if (sscanf(p + 9, "%d/%d rows %zu-%zu of %zu, %zu lines", &s->k, &s->n, &s->a, &s->b,
                       &s->total, &s->lines) == 6)
                found = 1;
            else if (sscanf(p + 9, "%d/%d rows %4s of %zu, %zu lines", &s->k, &s->n, none,
                            &s->total, &s->lines) == 5 &&
                     !strcmp(none, "none")) {
                s->a = 0;
                found = 1;
            }
        }
        p = next;
    }
    s->plen = (size_t)(p - s->prelude);
    if (!found) {
        fprintf(stderr, "tnmlab merge: %s: no '# shard: K/N rows ...' line: not a sweep shard\n",
                s->path);
        return -1;
    }
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        fprintf(stderr, "tnmlab merge: %s: no header line\n", s->path);
        return -1;
    }
    s->header = p;
    s->hlen = (size_t)(nl + 1 - p);
    s->rows = nl + 1;
    s->rlen = (size_t)(end - s->rows);
    for (char *q = s->rows; q < end; q++)
        s->nrows += *q == '\n';
    size_t want = s->a ? s->lines : 0;
    if (s->nrows != want) {
        fprintf(stderr, "tnmlab merge: %s: %zu lines, its shard line says %zu\n", s->path, s->nrows,
                want);
        return -1;
    }
    return 0;
}

/* The prelude without the lines that may differ between shards (the
 * shard line; the date, when the shards ran at different times). */
static int same_prelude(const shard *x, const shard *y) {
    const char *p = x->prelude, *pe = x->prelude + x->plen;
    const char *q = y->prelude, *qe = y->prelude + y->plen;
    for (;;) {
        while (p < pe && (!strncmp(p, "# shard: ", 9) || !strncmp(p, "# date: ", 8)))
            p = (const char *)memchr(p, '\n', (size_t)(pe - p)) + 1;
        while (q < qe && (!strncmp(q, "# shard: ", 9) || !strncmp(q, "# date: ", 8)))
            q = (const char *)memchr(q, '\n', (size_t)(qe - q)) + 1;
        if (p >= pe || q >= qe)
            return p >= pe && q >= qe;
        const char *pn = memchr(p, '\n', (size_t)(pe - p)), *qn = memchr(q, '\n', (size_t)(qe - q));
        size_t lp = (size_t)(pn - p), lq = (size_t)(qn - q);
        if (lp != lq || memcmp(p, q, lp) != 0)
            return 0;
        p = pn + 1;
        q = qn + 1;
    }
}

int sweep_merge_main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: tnmlab merge OUT.csv SHARD.csv...\n"
                        "  joins the CSV shards of one sweep (tnmlab --shard K/N SCRIPT, or\n"
                        "  lab.sweep{..., shard = \"K/N\"}) into the file a single run writes\n");
        return 2;
    }
    const char *out = argv[1];
    int n = argc - 2, rc = 1;
    if (n > MERGE_MAX) {
        fprintf(stderr, "tnmlab merge: at most %d shards\n", MERGE_MAX);
        return 1;
    }
    shard *sh = calloc((size_t)n, sizeof *sh);
    shard **byk = calloc((size_t)n + 1, sizeof *byk);
    const shard *withrows = NULL; /* the first shard given that holds rows */
    if (!sh || !byk) {
        fprintf(stderr, "tnmlab merge: out of memory\n");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        sh[i].path = argv[i + 2];
        if (read_shard(&sh[i]) != 0)
            goto done;
    }
    for (int i = 0; i < n; i++) {
        shard *s = &sh[i];
        if (s->n != n) {
            fprintf(stderr, "tnmlab merge: %s is shard %d of %d, but %d shards were given\n",
                    s->path, s->k, s->n, n);
            goto done;
        }
        if (byk[s->k]) {
            fprintf(stderr, "tnmlab merge: %s and %s are both shard %d of %d\n", byk[s->k]->path,
                    s->path, s->k, n);
            goto done;
        }
        byk[s->k] = s;
        if (s->a && !withrows)
            withrows = s;
    }
    for (int i = 0; i < n; i++) {
        shard *s = &sh[i];
        /* an empty shard (more shards than rows) has no column header */
        const shard *ref = withrows ? withrows : &sh[0];
        if (!same_prelude(s, &sh[0]) || s->total != sh[0].total ||
            (s->a && (s->hlen != ref->hlen || memcmp(s->header, ref->header, s->hlen) != 0))) {
            fprintf(stderr,
                    "tnmlab merge: %s and %s are not shards of one sweep (their provenance or "
                    "columns differ)\n",
                    sh[0].path, s->path);
            goto done;
        }
    }
    /* the slices follow each other and cover the grid */
    size_t next = 1;
    for (int k = 1; k <= n; k++) {
        const shard *s = byk[k];
        if (s->a && s->a != next) {
            fprintf(stderr, "tnmlab merge: %s starts at row %zu, expected %zu\n", s->path, s->a,
                    next);
            goto done;
        }
        if (s->a)
            next = s->b + 1;
    }
    if (next != sh[0].total + 1) {
        fprintf(stderr, "tnmlab merge: the shards hold %zu of %zu rows\n", next - 1, sh[0].total);
        goto done;
    }
    atomic_file x;
    if (atomic_file_open(&x, out) != 0) {
        fprintf(stderr, "tnmlab merge: %s: %s\n", out, strerror(errno));
        goto done;
    }
    const shard *first = byk[1];
    for (const char *p = first->prelude, *pe = first->prelude + first->plen; p < pe;) {
        const char *nl = memchr(p, '\n', (size_t)(pe - p));
        size_t l = (size_t)(nl + 1 - p);
        if (strncmp(p, "# shard: ", 9) != 0)
            fwrite(p, 1, l, x.f);
        p += l;
    }
    const shard *hdr = first;
    for (int k = 1; k <= n && !hdr->a; k++)
        hdr = byk[k];
    fwrite(hdr->header, 1, hdr->hlen, x.f);
    for (int k = 1; k <= n; k++)
        fwrite(byk[k]->rows, 1, byk[k]->rlen, x.f);
    if (atomic_file_commit(&x) != 0) {
        fprintf(stderr, "tnmlab merge: %s: %s\n", out, strerror(errno));
        atomic_file_abort(&x);
        goto done;
    }
    printf("merged %d shards, %zu rows, into %s\n", n, sh[0].total, out);
    rc = 0;
done:
    for (int i = 0; sh && i < n; i++)
        free(sh[i].text);
    free(sh);
    free(byk);
    return rc;
}
