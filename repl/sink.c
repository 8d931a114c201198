/* sink.c - output sinks (see sink.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "sink.h"

#include <stdlib.h>
#include <string.h>

#include "visible.h"

static void file_write(sink *s, const char *data, size_t len) {
    FILE *f = s->ud;
    fwrite(data, 1, len, f);
    if (memchr(data, '\n', len))
        fflush(f);
}

sink sink_file(FILE *f) {
    sink s = {file_write, f};
    return s;
}

void sink_write(sink *s, const char *data, size_t len) {
    if (len == 0)
        return;
    /* Text from rule files and cohorts reaches every sink: show its
     * control characters instead of sending them to a terminal. */
    if (!visible_needed(data, len)) {
        s->write(s, data, len);
        return;
    }
    size_t n;
    char *safe = visible_escape(data, len, &n);
    if (safe)
        s->write(s, safe, n);
    free(safe);
}

void sink_puts(sink *s, const char *str) {
    sink_write(s, str, strlen(str));
}

void sink_vprintf(sink *s, const char *fmt, va_list ap) {
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        sink_write(s, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            sink_write(s, big, (size_t)n);
            free(big);
        }
    }
    va_end(ap2);
}

void sink_printf(sink *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sink_vprintf(s, fmt, ap);
    va_end(ap);
}
