/* rtable.c - a typed result table and its renderers (see rtable.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "rtable.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "text.h"
#include "textlog.h"

int rtable_init(rtable *t, size_t ncols) {
    memset(t, 0, sizeof *t);
    t->cols = calloc(ncols ? ncols : 1, sizeof *t->cols);
    if (t->cols == NULL) {
        t->failed = 1;
        return -1;
    }
    t->ncols = ncols;
    return 0;
}

void rtable_free(rtable *t) {
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    for (size_t j = 0; j < t->ncols; j++)
        free(t->cols[j].name);
    free(t->cells);
    free(t->cols);
    memset(t, 0, sizeof *t);
}

void rtable_col_set(rtable *t, size_t j, const char *name, rtable_type type, const char *unit,
                    int left) {
    if (j >= t->ncols)
        return;
    rtable_col *c = &t->cols[j];
    free(c->name);
    c->name = tnm_strdup(name);
    if (c->name == NULL)
        t->failed = 1;
    c->type = type;
    c->unit = unit;
    c->left = left;
}

size_t rtable_add_row(rtable *t) {
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        rtable_cell *c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof *c);
        if (c == NULL) {
            t->failed = 1;
            return (size_t)-1;
        }
        t->cells = c;
        t->cap = cap;
    }
    for (size_t j = 0; j < t->ncols; j++)
        t->cells[t->nrows * t->ncols + j] = (rtable_cell){NAN, NULL};
    return t->nrows++;
}

static rtable_cell *cell(rtable *t, size_t row, size_t j) {
    return row < t->nrows && j < t->ncols ? &t->cells[row * t->ncols + j] : NULL;
}

static const rtable_cell *cell_c(const rtable *t, size_t row, size_t j) {
    return &t->cells[row * t->ncols + j];
}

void rtable_set_num(rtable *t, size_t row, size_t j, double v) {
    rtable_cell *c = cell(t, row, j);
    if (c)
        c->num = v;
}

void rtable_set_text(rtable *t, size_t row, size_t j, const char *s) {
    rtable_cell *c = cell(t, row, j);
    if (c == NULL)
        return;
    free(c->text);
    c->text = s ? tnm_strdup(s) : NULL;
    if (s && c->text == NULL)
        t->failed = 1;
}

void rtable_set_textf(rtable *t, size_t row, size_t j, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rtable_set_text(t, row, j, buf);
}

/* Is the cell text?  A text column, or a text value in a number column
 * (a sweep's axis "abc" beside "2"). */
static int is_text(const rtable *t, size_t j, const rtable_cell *c) {
    return t->cols[j].type == RTABLE_TEXT || c->text != NULL;
}

/* ---- CSV */

int rtable_write_csv(FILE *f, const rtable *t) {
    if (t->failed)
        return -1;
    for (size_t j = 0; j < t->ncols; j++) {
        if (j)
            fputc(',', f);
        export_csv_str(f, t->cols[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const rtable_cell *c = cell_c(t, i, j);
            if (j)
                fputc(',', f);
            if (is_text(t, j, c))
                export_csv_str(f, c->text ? c->text : "NA");
            else if (!isfinite(c->num))
                fputs("NA", f);
            else if (t->cols[j].type == RTABLE_BOOL)
                fputs(c->num != 0 ? "TRUE" : "FALSE", f);
            else
                fprintf(f, "%.12g", c->num);
        }
        fputc('\n', f);
    }
    return 0;
}

/* ---- JSON */

int rtable_write_json(FILE *f, const rtable *t, const char *indent) {
    if (t->failed)
        return -1;
    fputc('[', f);
    for (size_t i = 0; i < t->nrows; i++) {
        fprintf(f, "%s\n%s  {", i ? "," : "", indent);
        for (size_t j = 0; j < t->ncols; j++) {
            const rtable_cell *c = cell_c(t, i, j);
            fputs(j ? ", " : "", f);
            export_json_str(f, t->cols[j].name);
            fputs(": ", f);
            if (is_text(t, j, c)) {
                if (c->text)
                    export_json_str(f, c->text);
                else
                    fputs("null", f);
            } else if (!isfinite(c->num)) {
                fputs("null", f);
            } else if (t->cols[j].type == RTABLE_BOOL) {
                fputs(c->num != 0 ? "true" : "false", f);
            } else {
                fprintf(f, "%.12g", c->num);
            }
        }
        fputc('}', f);
    }
    fprintf(f, "\n%s]", indent);
    return 0;
}

/* ---- for people: Markdown and aligned text */

/* The cell as people read it: its text, a number with up to 12
 * significant digits, or "NA". */
static const char *people(const rtable *t, size_t i, size_t j, char *buf, size_t n) {
    const rtable_cell *c = cell_c(t, i, j);
    if (is_text(t, j, c))
        return c->text ? c->text : "NA";
    if (!isfinite(c->num))
        return "NA";
    if (t->cols[j].type == RTABLE_BOOL)
        return c->num != 0 ? "yes" : "no";
    snprintf(buf, n, "%.12g", c->num);
    return buf;
}

int rtable_write_md(FILE *f, const rtable *t) {
    if (t->failed)
        return -1;
    for (size_t j = 0; j < t->ncols; j++) {
        fputs("| ", f);
        export_md_str(f, t->cols[j].name);
        fputc(' ', f);
    }
    fputs("|\n", f);
    for (size_t j = 0; j < t->ncols; j++)
        fputs(t->cols[j].left ? "|---" : "|--:", f);
    fputs("|\n", f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            char buf[32];
            fputs("| ", f);
            export_md_str(f, people(t, i, j, buf, sizeof buf));
            fputc(' ', f);
        }
        fputs("|\n", f);
    }
    return 0;
}

char *rtable_text(const rtable *t) {
    if (t->failed)
        return NULL;
    size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof *width);
    if (width == NULL)
        return NULL;
    char buf[32];
    for (size_t j = 0; j < t->ncols; j++) {
        width[j] = (size_t)text_width(t->cols[j].name, strlen(t->cols[j].name));
        for (size_t i = 0; i < t->nrows; i++) {
            const char *v = people(t, i, j, buf, sizeof buf);
            size_t w = (size_t)text_width(v, strlen(v));
            if (w > width[j])
                width[j] = w;
        }
    }
    tnm_text out = {0};
    for (size_t i = 0; i <= t->nrows; i++) { /* i == 0: the header */
        size_t start = out.len;
        for (size_t j = 0; j < t->ncols; j++) {
            const char *s = i == 0 ? t->cols[j].name : people(t, i - 1, j, buf, sizeof buf);
            size_t pad = width[j] - (size_t)text_width(s, strlen(s));
            if (!t->cols[j].left)
                tnm_text_printf(&out, "%*s", (int)pad, "");
            tnm_text_add(&out, s, strlen(s));
            tnm_text_printf(&out, "%*s", (int)(t->cols[j].left ? pad + 2 : 2), "");
        }
        while (out.len > start && out.s && out.s[out.len - 1] == ' ')
            out.s[--out.len] = '\0';
        tnm_text_add(&out, "\n", 1);
    }
    free(width);
    return tnm_text_take(&out);
}
