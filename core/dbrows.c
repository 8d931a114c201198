/* dbrows.c - see dbrows.h.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dbrows.h"

#include <string.h>

int dbrows_is_name(const char *s) {
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.'))
            return 0;
    return 1;
}

void dbrows_quoted(tnm_text *b, const char *s, size_t n) {
    tnm_text_add(b, "\"", 1);
    while (n) { /* runs up to each quote, which is doubled */
        const char *q = memchr(s, '"', n);
        size_t k = q ? (size_t)(q - s) + 1 : n;
        tnm_text_add(b, s, k);
        if (q)
            tnm_text_add(b, "\"", 1);
        s += k;
        n -= k;
    }
    tnm_text_add(b, "\"", 1);
}

cohort *dbrows_read(const tnm_text *b, const char *name, const csv_options *o, char *err,
                    size_t errlen) {
    csv_options co;
    if (o)
        co = *o;
    else
        csv_options_init(&co);
    co.sep = ',';
    co.decimal = '.';
    co.max_bytes = 0; /* the readers checked the size as the rows came */
    return csv_read_buffer(b->s ? b->s : "", b->len, name, &co, err, errlen);
}
