/* textlog.c - scrollback lines (see textlog.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "textlog.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "visible.h"

int textlog_init(textlog *t, size_t cap) {
    memset(t, 0, sizeof *t);
    t->lines = calloc(cap ? cap : 1, sizeof *t->lines);
    if (t->lines == NULL)
        return -1;
    t->cap = cap ? cap : 1;
    return 0;
}

void textlog_free(textlog *t) {
    for (size_t i = 0; i < t->count; i++)
        free(t->lines[(t->head + i) % t->cap].text);
    free(t->lines);
    free(t->partial);
    memset(t, 0, sizeof *t);
}

static int push_line(textlog *t, const char *s, size_t len, tl_style style) {
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    if (t->count == t->cap) { /* drop the oldest */
        free(t->lines[t->head].text);
        t->head = (t->head + 1) % t->cap;
        t->count--;
    }
    tl_line *l = &t->lines[(t->head + t->count) % t->cap];
    l->text = copy;
    l->style = style;
    t->count++;
    if (t->scroll) /* keep the view on the same lines while scrolled back */
        t->scroll++;
    return 0;
}

static int append_partial(textlog *t, const char *s, size_t len) {
    if (t->plen + len + 1 > t->pcap) {
        size_t cap = t->pcap ? t->pcap : 128;
        while (cap < t->plen + len + 1)
            cap *= 2;
        char *p = realloc(t->partial, cap);
        if (p == NULL)
            return -1;
        t->partial = p;
        t->pcap = cap;
    }
    memcpy(t->partial + t->plen, s, len);
    t->plen += len;
    return 0;
}

int textlog_write(textlog *t, const char *data, size_t len, tl_style style) {
    /* The panes and the log show untrusted text too (names, docs, cells,
     * a program's captured output): make control characters visible. */
    if (visible_needed(data, len)) {
        size_t n;
        char *safe = visible_escape(data, len, &n);
        if (safe == NULL)
            return -1;
        int rc = textlog_write(t, safe, n, style);
        free(safe);
        return rc;
    }
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) : len;
        if (t->plen == 0)
            t->pstyle = style;
        if (append_partial(t, data, n) != 0)
            return -1;
        if (nl == NULL)
            break;
        size_t l = t->plen;
        if (l && t->partial[l - 1] == '\r')
            l--;
        if (push_line(t, t->partial, l, t->pstyle) != 0)
            return -1;
        t->plen = 0;
        data += n + 1;
        len -= n + 1;
    }
    return 0;
}

void textlog_flush(textlog *t) {
    if (t->plen) {
        push_line(t, t->partial, t->plen, t->pstyle);
        t->plen = 0;
    }
}

const tl_line *textlog_get(const textlog *t, size_t i) {
    return i < t->count ? &t->lines[(t->head + i) % t->cap] : NULL;
}

size_t textlog_wrap(const char *text, int width, size_t *starts, size_t max) {
    size_t rows = 0, i = 0, len = strlen(text);
    int col = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    if (max)
        starts[rows++] = 0;
    if (width < 1)
        width = 1;
    while (i < len) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, text + i, len - i, &st);
        int w;
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            w = 1;
        } else {
            w = wc == L'\t' ? 8 - col % 8 : wcwidth(wc);
            if (w < 0)
                w = 1;
        }
        if (col + w > width && col > 0) {
            if (rows < max)
                starts[rows] = i;
            rows++;
            col = 0;
        }
        col += w;
        i += k;
    }
    return rows ? rows : 1;
}

static void sink_write_log(sink *sk, const char *data, size_t len) {
    textlog_write(sk->ud, data, len, TL_NORMAL);
}

sink textlog_sink(textlog *t) {
    sink sk = {sink_write_log, t};
    return sk;
}

int text_width(const char *s, size_t n) {
    int width = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            width++;
        } else {
            int cw = wcwidth(wc);
            width += cw > 0 ? cw : 0;
        }
        i += k;
    }
    return width;
}
