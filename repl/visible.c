/* visible.c - control characters made visible (see visible.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "visible.h"

#include <stdio.h>
#include <stdlib.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes left): 1 for
 * ASCII, 2-4 for a whole sequence, 0 for a byte that is not UTF-8 here,
 * -1 for a valid start cut short by the end. */
static int utf8_len(const unsigned char *p, size_t n) {
    unsigned c = p[0];
    int k;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        k = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        k = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        k = 4, min = 0x10000;
    else
        return 0;
    unsigned cp = c & (0x7f >> k);
    for (int i = 1; i < k; i++) {
        if ((size_t)i >= n)
            return -1;
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* What happens to the bytes at p: 0 = copied as they are (*k bytes),
 * 1 = one byte shown as \xNN, 2 = a C1 control (two bytes) as \u00NN. */
static int classify(const unsigned char *p, size_t n, int *k) {
    unsigned c = p[0];
    *k = 1;
    if (c == '\n' || c == '\t')
        return 0;
    if (c == '\r' && n > 1 && p[1] == '\n') { /* a CRLF line end */
        *k = 2;
        return 0;
    }
    if (c < 0x20 || c == 0x7f)
        return 1;
    int u = utf8_len(p, n);
    if (u < 0) {
        *k = (int)n; /* the rest comes with the next write */
        return 0;
    }
    if (u == 0)
        return 1;
    *k = u;
    if (u == 2 && c == 0xc2 && p[1] < 0xa0)
        return 2;
    return 0;
}

int visible_needed(const char *data, size_t len) {
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        int k;
        if (classify(p + i, len - i, &k) != 0)
            return 1;
        i += (size_t)k;
    }
    return 0;
}

char *visible_escape(const char *data, size_t len, size_t *outlen) {
    const unsigned char *p = (const unsigned char *)data;
    /* \xNN is 4 bytes for 1, \u00NN is 6 for 2: at most 4 times as long. */
    char *out = malloc(len * 4 + 1);
    if (out == NULL)
        return NULL;
    size_t i = 0, o = 0;
    while (i < len) {
        int k;
        switch (classify(p + i, len - i, &k)) {
        case 1:
            o += (size_t)sprintf(out + o, "\\x%02x", p[i]);
            break;
        case 2:
            o += (size_t)sprintf(out + o, "\\u%04x", p[i + 1]);
            break;
        default:
            for (int j = 0; j < k; j++)
                out[o++] = (char)p[i + (size_t)j];
        }
        i += (size_t)k;
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}
