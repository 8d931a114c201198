/* csv.c - CSV reader and writer for cohorts.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why a parser of our own rather than libcsv: the whole file is in memory
 * (csv_file.c reads it) and is parsed in one pass straight into typed
 * column arrays (no per-field callback, no copy of unquoted fields), with a
 * fast exact path for plain decimals.
 * On the benchmark's 1,000,000 x 12 file (67 MB) the complete typed load
 * takes 0.49 s (bench/bench_csv.sh, median of 5), while libcsv only
 * tokenising it and calling strtod on each field, storing nothing, takes
 * 0.53 s (bench/bench_libcsv.c, best of 5); R's read.csv takes 3.2 s.
 *
 * One pass over the rows infers types as it stores: a column starts empty,
 * becomes number or bool with its first value, and is stored as such.  A
 * column that turns out to be text after all (a number column meets "abc")
 * is re-read as text in one more pass at the end, so levels keep first-seen
 * order.  Nothing is handed out until every column is complete.
 */
#define _POSIX_C_SOURCE 200809L

#include "csv.h"
#include "errbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_names.h"
#include "csv_recode.h"
#include "interrupt.h"

const char *const csv_default_na[] = {"", "NA", "NaN", "."};
const size_t csv_default_nna = sizeof csv_default_na / sizeof csv_default_na[0];

void csv_options_init(csv_options *o) {
    memset(o, 0, sizeof *o);
}

/* ---- reader state ---- */

enum kind { K_EMPTY, K_NUM, K_BOOL, K_STR, K_PENDING };
enum forced { F_NONE, F_NUM, F_BOOL, F_STR, F_STATUS };

typedef struct colstate {
    cohort_column *col; /* being built; type follows kind */
    enum kind kind;
    enum forced forced;
    int saw_empty;         /* an empty cell while K_EMPTY */
    size_t first0, first2; /* F_STATUS: offset + 1 of the first 0 / 2 */
    size_t first_hexfrac;  /* offset + 1 of the first "0x1A.8"-like value */
} colstate;

typedef struct reader {
    const char *buf;
    size_t len;
    const char *name;
    char sep, decimal;
    const char *const *na;
    size_t nna;
    size_t na_maxlen;
    size_t *na_len; /* strlen of each marker */
    int empty_is_na;
    size_t ncols;
    colstate *cs;
    size_t cap;    /* rows the arrays have room for */
    char *scratch; /* unescaped quoted field */
    size_t scratch_cap;
    char *err;
    size_t errlen;
    const char *hint; /* added to ragged-row messages */
} reader;

static size_t line_of(const reader *R, size_t off) {
    size_t line = 1;
    const char *p = R->buf, *end = R->buf + (off < R->len ? off : R->len);
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    /* a lone CR also ends a line */
    for (const char *q = R->buf; q < end; q++)
        if (*q == '\r' && (q + 1 >= R->buf + R->len || q[1] != '\n'))
            line++;
    return line;
}

/* Quotes a value for a message: at most 40 bytes, unprintables as \xNN. */
static void quote_value(char *out, size_t outlen, const char *s, size_t len) {
    size_t o = 0;
    for (size_t i = 0; i < len && o + 6 < outlen; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i == 40) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (ch < 32 || ch == 127 || ch == '\'')
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
}

static void field_err(reader *R, size_t off, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void field_err(reader *R, size_t off, size_t field, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tnm_errf(R->err, R->errlen, "%s:%zu:%zu: %s", R->name, line_of(R, off), field, msg);
}

/* ---- tokeniser ---- */

enum { END_SEP = 0, END_EOL = 1, END_ERR = -1 };

typedef struct field {
    const char *s; /* text (inside the quotes; unescaped if needed) */
    size_t len;
    size_t off; /* where the field starts in the buffer */
    int quoted;
} field;

/* Reads one field at *pos and moves past its separator or line end.
 * Returns END_SEP, END_EOL (line end or end of input), or END_ERR. */
static int next_field(reader *R, size_t *pos, field *f, size_t fieldno) {
    const char *buf = R->buf;
    size_t len = R->len, p = *pos;
    char sep = R->sep;
    f->off = p;
    f->quoted = 0;
    if (p < len && buf[p] == '"') {
        size_t start = p + 1, q = start;
        int escaped = 0;
        for (;;) {
            const char *hit = q < len ? memchr(buf + q, '"', len - q) : NULL;
            if (!hit) {
                field_err(R, f->off, fieldno,
                          "unterminated quoted field (its opening quote is here)");
                return END_ERR;
            }
            q = (size_t)(hit - buf);
            if (q + 1 < len && buf[q + 1] == '"') {
                escaped = 1;
                q += 2;
                continue;
            }
            break;
        }
        f->quoted = 1;
        if (!escaped) {
            f->s = buf + start;
            f->len = q - start;
        } else {
            size_t need = q - start;
            if (need > R->scratch_cap) {
                size_t cap = need < 256 ? 256 : need * 2;
                char *sc = realloc(R->scratch, cap);
                if (!sc) {
                    field_err(R, f->off, fieldno, "out of memory");
                    return END_ERR;
                }
                R->scratch = sc;
                R->scratch_cap = cap;
            }
            size_t o = 0;
            for (size_t i = start; i < q; i++) {
                R->scratch[o++] = buf[i];
                if (buf[i] == '"')
                    i++; /* the second of a doubled quote */
            }
            f->s = R->scratch;
            f->len = o;
        }
        p = q + 1;
        if (p >= len) {
            *pos = p;
            return END_EOL;
        }
        char ch = buf[p];
        if (ch == sep) {
            *pos = p + 1;
            return END_SEP;
        }
        if (ch == '\n' || ch == '\r') {
            *pos = p + 1 + (ch == '\r' && p + 1 < len && buf[p + 1] == '\n');
            return END_EOL;
        }
        char shown[48];
        quote_value(shown, sizeof shown, buf + p, 1);
        field_err(R, f->off, fieldno,
                  "unexpected '%s' after a closing quote (expected '%c' or a line end)", shown,
                  sep);
        return END_ERR;
    }
    size_t q = p;
    while (q < len) {
        char ch = buf[q];
        if (ch == sep || ch == '\n' || ch == '\r')
            break;
        q++;
    }
    f->s = buf + p;
    f->len = q - p;
    if (q >= len) {
        *pos = q;
        return END_EOL;
    }
    if (buf[q] == sep) {
        *pos = q + 1;
        return END_SEP;
    }
    *pos = q + 1 + (buf[q] == '\r' && q + 1 < len && buf[q + 1] == '\n');
    return END_EOL;
}

/* Skips blank lines; returns 0 at end of input. */
static int skip_blank_lines(const reader *R, size_t *pos) {
    size_t p = *pos;
    while (p < R->len && (R->buf[p] == '\n' || R->buf[p] == '\r'))
        p++;
    *pos = p;
    return p < R->len;
}

/* ---- values ---- */

static int is_na(const reader *R, const field *f) {
    if (f->len > R->na_maxlen)
        return 0;
    for (size_t k = 0; k < R->nna; k++)
        if (R->na_len[k] == f->len && memcmp(R->na[k], f->s, f->len) == 0)
            return 1;
    return 0;
}

/* R's logical words; returns 0/1, or -1 if s is not one. */
static int parse_bool(const char *s, size_t len) {
    switch (len) {
    case 1:
        return s[0] == 'T' ? 1 : s[0] == 'F' ? 0 : -1;
    case 4:
        return (!memcmp(s, "TRUE", 4) || !memcmp(s, "true", 4) || !memcmp(s, "True", 4)) ? 1 : -1;
    case 5:
        return (!memcmp(s, "FALSE", 5) || !memcmp(s, "false", 5) || !memcmp(s, "False", 5)) ? 0
                                                                                            : -1;
    }
    return -1;
}

static int alloc_data(reader *R, colstate *cs, cohort_type type, size_t filled) {
    cohort_column *col = cs->col;
    size_t n = R->cap ? R->cap : 1;
    size_t sz = type == COHORT_NUM ? sizeof(double) : type == COHORT_STR ? sizeof(int32_t) : 1;
    free(col->v.num);
    col->v.num = malloc(n * sz);
    if (!col->v.num)
        return -1;
    col->type = type;
    for (size_t i = 0; i < filled; i++) {
        if (type == COHORT_NUM)
            col->v.num[i] = NAN;
        else if (type == COHORT_STR)
            col->v.str[i] = COHORT_NA;
        else
            col->v.b[i] = COHORT_NA;
    }
    return 0;
}

static int intern_field(reader *R, colstate *cs, size_t row, const field *f, size_t fieldno) {
    int32_t code;
    if (is_na(R, f) || (f->len == 0 && R->empty_is_na))
        code = COHORT_NA;
    else if ((code = cohort_intern(cs->col, f->s, f->len)) < 0) {
        field_err(R, f->off, fieldno, "out of memory (or too many distinct values) in column '%s'",
                  cs->col->name);
        return -1;
    }
    cs->col->v.str[row] = code;
    return 0;
}

static void expected_err(reader *R, const field *f, size_t fieldno, const char *what,
                         const char *colname) {
    char shown[200];
    quote_value(shown, sizeof shown, f->s, f->len);
    field_err(R, f->off, fieldno, "expected %s in column '%s', got '%s'", what, colname, shown);
}

/* The field at off is known only by its offset when a column is found to
 * be numeric at the end, so its text is found again here. */
static void hexfrac_err(reader *R, size_t off, size_t fieldno, const char *colname) {
    int quoted = off < R->len && R->buf[off] == '"';
    size_t p = off + (size_t)quoted, end = p;
    while (end < R->len && R->buf[end] != (quoted ? '"' : R->sep) && R->buf[end] != '\n' &&
           R->buf[end] != '\r')
        end++;
    char shown[64];
    quote_value(shown, sizeof shown, R->buf + p, end - p);
    field_err(R, off, fieldno,
              "'%s' in column '%s' is a hexadecimal fraction, which R and C read differently "
              "(R drops the point): write it in decimal",
              shown, colname);
}

/* Stores one field of row `row` in column j (fieldno = j + 1). */
static int take_field(reader *R, colstate *cs, size_t row, const field *f, size_t fieldno) {
    cohort_column *col = cs->col;
    double v;
    int b, r;

    switch (cs->forced) {
    case F_STR:
        return intern_field(R, cs, row, f, fieldno);
    case F_NUM:
        if (f->len == 0 || is_na(R, f))
            col->v.num[row] = NAN;
        else if ((r = csv_parse_number(f->s, f->len, R->decimal, &v)) > 0)
            col->v.num[row] = v;
        else {
            if (r < 0)
                hexfrac_err(R, f->off, fieldno, col->name);
            else
                expected_err(R, f, fieldno, "a number", col->name);
            return -1;
        }
        return 0;
    case F_BOOL:
        if (f->len == 0 || is_na(R, f))
            col->v.b[row] = COHORT_NA;
        else if ((b = parse_bool(f->s, f->len)) >= 0)
            col->v.b[row] = (int8_t)b;
        else if (f->len == 1 && (f->s[0] == '0' || f->s[0] == '1'))
            col->v.b[row] = (int8_t)(f->s[0] - '0');
        else {
            expected_err(R, f, fieldno, "TRUE or FALSE", col->name);
            return -1;
        }
        return 0;
    case F_STATUS:
        if (f->len == 0 || is_na(R, f)) {
            col->v.num[row] = NAN;
            return 0;
        }
        if ((b = parse_bool(f->s, f->len)) >= 0)
            v = b;
        else if (csv_parse_number(f->s, f->len, R->decimal, &v) <= 0 ||
                 !(v == 0 || v == 1 || v == 2)) {
            expected_err(R, f, fieldno, "an event code (0/1, 1/2 or TRUE/FALSE)", col->name);
            return -1;
        }
        if (v == 0 && !cs->first0)
            cs->first0 = f->off + 1;
        if (v == 2 && !cs->first2)
            cs->first2 = f->off + 1;
        if (cs->first0 && cs->first2) {
            field_err(R, f->off, fieldno,
                      "column '%s' mixes event codings: 0 (line %zu) and 2 (line %zu)", col->name,
                      line_of(R, cs->first0 - 1), line_of(R, cs->first2 - 1));
            return -1;
        }
        col->v.num[row] = v;
        return 0;
    case F_NONE:
        break;
    }

    if (cs->kind == K_PENDING)
        return 0;
    if (f->len == 0 || is_na(R, f)) {
        switch (cs->kind) {
        case K_NUM:
            col->v.num[row] = NAN;
            break;
        case K_BOOL:
            col->v.b[row] = COHORT_NA;
            break;
        case K_STR:
            return intern_field(R, cs, row, f, fieldno);
        default:
            cs->saw_empty |= f->len == 0;
            break;
        }
        return 0;
    }
    switch (cs->kind) {
    case K_NUM:
        if ((r = csv_parse_number(f->s, f->len, R->decimal, &col->v.num[row])) != 0) {
            if (r < 0 && !cs->first_hexfrac) /* refused if the column stays numeric */
                cs->first_hexfrac = f->off + 1;
            return 0;
        }
        cs->kind = K_PENDING; /* text after all: re-read at the end */
        return 0;
    case K_BOOL:
        if ((b = parse_bool(f->s, f->len)) >= 0) {
            col->v.b[row] = (int8_t)b;
            return 0;
        }
        cs->kind = K_PENDING;
        return 0;
    case K_STR:
        return intern_field(R, cs, row, f, fieldno);
    case K_EMPTY:
        if ((r = csv_parse_number(f->s, f->len, R->decimal, &v)) != 0) {
            if (alloc_data(R, cs, COHORT_NUM, row) < 0)
                goto nomem;
            cs->kind = K_NUM;
            col->v.num[row] = v;
            if (r < 0)
                cs->first_hexfrac = f->off + 1;
        } else if ((b = parse_bool(f->s, f->len)) >= 0) {
            if (alloc_data(R, cs, COHORT_BOOL, row) < 0)
                goto nomem;
            cs->kind = K_BOOL;
            col->v.b[row] = (int8_t)b;
        } else if (cs->saw_empty && !R->empty_is_na) {
            cs->kind = K_PENDING; /* earlier empty cells are "" values */
        } else {
            if (alloc_data(R, cs, COHORT_STR, row) < 0)
                goto nomem;
            cs->kind = K_STR;
            return intern_field(R, cs, row, f, fieldno);
        }
        return 0;
    case K_PENDING:
        break;
    }
    return 0;
nomem:
    field_err(R, f->off, fieldno, "out of memory");
    return -1;
}

/* ---- header and options ---- */

static char *dupn(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void free_names(char **names, size_t n) {
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Reads the header line at *pos into names (unique, as R's read.csv makes
 * them: "x", "x.1"; an empty name becomes "X").  Returns the count, or 0 on
 * error. */
static size_t read_header(reader *R, size_t *pos, char ***out) {
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    if (!names)
        goto nomem;
    for (;;) {
        field f;
        int end = next_field(R, pos, &f, n + 1);
        if (end == END_ERR)
            goto fail;
        if (n == cap) {
            char **nn = realloc(names, cap * 2 * sizeof *nn);
            if (!nn)
                goto nomem;
            names = nn;
            cap *= 2;
        }
        names[n] = dupn(f.s, f.len); /* "" is named by csv_names_make_unique */
        if (!names[n])
            goto nomem;
        n++;
        if (end == END_EOL)
            break;
    }
    if (csv_names_make_unique(names, n) < 0)
        goto nomem;
    *out = names;
    return n;
nomem:
    tnm_errf(R->err, R->errlen, "%s: out of memory reading the header", R->name);
fail:
    free_names(names, n);
    return 0;
}

static size_t find_name(char **names, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return (size_t)-1;
}

/* Applies map, types and status to the header names.  Returns 0 or -1. */
static int apply_options(reader *R, const csv_options *o, char **names, char **orig, size_t n) {
    for (size_t k = 0; k < o->nmap; k++) {
        const char *to = o->map[k].key, *from = o->map[k].value;
        if (!to || !from || !*to) {
            tnm_errf(R->err, R->errlen, "%s: map entry %zu is incomplete", R->name, k + 1);
            return -1;
        }
        size_t j = find_name(orig, n, from);
        if (j == (size_t)-1) {
            tnm_errf(R->err, R->errlen, "%s:1: map: no column '%s' in the header (wanted as '%s')",
                     R->name, from, to);
            return -1;
        }
        if (strcmp(names[j], orig[j]) != 0) {
            tnm_errf(R->err, R->errlen,
                     "%s:1:%zu: map: column '%s' is mapped twice ('%s' and '%s')", R->name, j + 1,
                     from, names[j], to);
            return -1;
        }
        char *d = dupn(to, strlen(to));
        if (!d) {
            tnm_errf(R->err, R->errlen, "%s: out of memory", R->name);
            return -1;
        }
        free(names[j]);
        names[j] = d;
    }
    /* the header is unique already; only a map can make a name repeat */
    size_t di, dj;
    int dup = o->nmap ? csv_names_find_duplicate(names, n, &di, &dj) : 0;
    if (dup < 0) {
        tnm_errf(R->err, R->errlen, "%s: out of memory", R->name);
        return -1;
    }
    if (dup) {
        tnm_errf(R->err, R->errlen,
                 "%s:1:%zu: map: column name '%s' would appear twice (columns %zu and %zu)",
                 R->name, dj + 1, names[di], di + 1, dj + 1);
        return -1;
    }
    /* types and status name columns after mapping, or by header name */
    for (size_t k = 0; k < o->ntypes + o->nstatus; k++) {
        const char *nm = k < o->ntypes ? o->types[k].name : o->status[k - o->ntypes];
        const char *what = k < o->ntypes ? "types" : "status";
        if (!nm) {
            tnm_errf(R->err, R->errlen, "%s: %s entry %zu has no column name", R->name, what,
                     k + 1);
            return -1;
        }
        size_t j = find_name(names, n, nm);
        if (j == (size_t)-1)
            j = find_name(orig, n, nm);
        if (j == (size_t)-1) {
            tnm_errf(R->err, R->errlen, "%s:1: %s: no column '%s' in the header", R->name, what,
                     nm);
            return -1;
        }
        enum forced fo = F_STATUS;
        if (k < o->ntypes) {
            cohort_type t = o->types[k].type;
            fo = t == COHORT_NUM    ? F_NUM
                 : t == COHORT_STR  ? F_STR
                 : t == COHORT_BOOL ? F_BOOL
                                    : F_NONE;
            if (fo == F_NONE) {
                tnm_errf(R->err, R->errlen, "%s: types: unknown type for column '%s'", R->name, nm);
                return -1;
            }
        }
        if (R->cs[j].forced != F_NONE && R->cs[j].forced != fo) {
            tnm_errf(R->err, R->errlen, "%s:1:%zu: column '%s' is given two types", R->name, j + 1,
                     nm);
            return -1;
        }
        R->cs[j].forced = fo;
    }
    return 0;
}

/* ---- the reader ---- */

static void free_reader_columns(reader *R) {
    if (!R->cs)
        return;
    for (size_t j = 0; j < R->ncols; j++)
        cohort_column_free(R->cs[j].col);
    free(R->cs);
    R->cs = NULL;
}

/* Re-reads the pending (text after all) columns from the first data row. */
static int reread_pending(reader *R, size_t data_start, size_t nrows) {
    size_t last = 0, any = 0;
    for (size_t j = 0; j < R->ncols; j++)
        if (R->cs[j].kind == K_PENDING) {
            cohort_column *col = R->cs[j].col;
            if (alloc_data(R, &R->cs[j], COHORT_STR, 0) < 0) {
                tnm_errf(R->err, R->errlen, "%s: out of memory", R->name);
                return -1;
            }
            col->type = COHORT_STR;
            last = j;
            any = 1;
        }
    if (!any)
        return 0;
    size_t pos = data_start;
    for (size_t r = 0; r < nrows; r++) {
        if ((r & 0xffff) == 0xffff && tnm_interrupted()) {
            tnm_errf(R->err, R->errlen, "%s: interrupted", R->name);
            return -1;
        }
        skip_blank_lines(R, &pos);
        for (size_t j = 0; j < R->ncols; j++) {
            field f;
            int end = next_field(R, &pos, &f, j + 1);
            if (end == END_ERR)
                return -1; /* cannot happen: the first pass accepted it */
            if (R->cs[j].kind == K_PENDING && intern_field(R, &R->cs[j], r, &f, j + 1) < 0)
                return -1;
            if (j == last) {
                /* skip the rest of the row */
                while (end == END_SEP && ++j < R->ncols)
                    end = next_field(R, &pos, &f, j + 1);
                break;
            }
        }
    }
    for (size_t j = 0; j < R->ncols; j++)
        if (R->cs[j].kind == K_PENDING)
            R->cs[j].kind = K_STR;
    return 0;
}

static cohort *read_all(reader *R, const csv_options *o) {
    const char *buf = R->buf;
    size_t len = R->len, pos = 0;
    char **names = NULL, **orig = NULL;
    size_t n = 0;
    cohort *c = NULL;

    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        tnm_errf(R->err, R->errlen, "%s:%zu: NUL byte at offset %zu: not a text file", R->name,
                 line_of(R, (size_t)(nul - buf)), (size_t)(nul - buf));
        return NULL;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    if (!skip_blank_lines(R, &pos)) {
        tnm_errf(R->err, R->errlen, "%s:1:1: empty file: expected a header line", R->name);
        return NULL;
    }
    n = read_header(R, &pos, &names);
    if (!n)
        return NULL;
    orig = calloc(n, sizeof *orig);
    R->cs = calloc(n, sizeof *R->cs);
    R->ncols = n;
    if (!orig || !R->cs)
        goto nomem;
    for (size_t j = 0; j < n; j++)
        if (!(orig[j] = dupn(names[j], strlen(names[j]))))
            goto nomem;
    if (apply_options(R, o, names, orig, n) < 0)
        goto fail;
    R->hint = "";
    if (n == 1 && R->sep != ';' && strchr(orig[0], ';'))
        R->hint = " (is ';' the separator? use sep = \";\")";
    else if (n == 1 && R->sep != '\t' && strchr(orig[0], '\t'))
        R->hint = " (is the file tab-separated? use sep = \"\\t\")";

    /* an upper bound on the rows: line ends after the header, plus one */
    size_t cap = 1;
    for (const char *p = buf + pos; (p = memchr(p, '\n', len - (size_t)(p - buf))) != NULL; p++)
        cap++;
    if (memchr(buf + pos, '\r', len - pos)) /* lone CRs end lines too */
        for (size_t i = pos; i < len; i++)
            cap += buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n');
    R->cap = cap;

    for (size_t j = 0; j < n; j++) {
        colstate *cs = &R->cs[j];
        cs->col = calloc(1, sizeof *cs->col);
        if (!cs->col)
            goto nomem;
        cs->col->name = names[j];
        names[j] = NULL;
        cs->col->type = COHORT_NUM;
        enum forced fo = cs->forced;
        cohort_type t = fo == F_STR ? COHORT_STR : fo == F_BOOL ? COHORT_BOOL : COHORT_NUM;
        if (fo != F_NONE) {
            if (alloc_data(R, cs, t, 0) < 0)
                goto nomem;
            cs->kind = fo == F_STR ? K_STR : fo == F_BOOL ? K_BOOL : K_NUM;
        }
    }

    size_t data_start = pos, nrows = 0;
    while (skip_blank_lines(R, &pos)) {
        if (nrows >= UINT32_MAX || nrows >= cap) {
            tnm_errf(R->err, R->errlen, "%s:%zu: too many rows", R->name, line_of(R, pos));
            goto fail;
        }
        if ((nrows & 0xffff) == 0xffff && tnm_interrupted()) {
            tnm_errf(R->err, R->errlen, "%s: interrupted", R->name);
            goto fail;
        }
        for (size_t j = 0; j < n; j++) {
            field f;
            int end = next_field(R, &pos, &f, j + 1);
            if (end == END_ERR)
                goto fail;
            if (take_field(R, &R->cs[j], nrows, &f, j + 1) < 0)
                goto fail;
            if (end == END_EOL && j + 1 < n) {
                field_err(R, f.off, j + 1, "row has %zu field%s, the header has %zu%s", j + 1,
                          j ? "s" : "", n, R->hint);
                goto fail;
            }
            if (end == END_SEP && j + 1 == n) {
                field_err(R, pos, n + 1, "row has more fields than the header's %zu%s", n, R->hint);
                goto fail;
            }
        }
        nrows++;
    }

    if (reread_pending(R, data_start, nrows) < 0)
        goto fail;
    for (size_t j = 0; j < n; j++)
        if (R->cs[j].kind == K_NUM && R->cs[j].first_hexfrac) {
            hexfrac_err(R, R->cs[j].first_hexfrac - 1, j + 1, R->cs[j].col->name);
            goto fail;
        }
    c = cohort_new(nrows);
    if (!c)
        goto nomem;
    for (size_t j = 0; j < n; j++) {
        colstate *cs = &R->cs[j];
        cohort_column *col = cs->col;
        if (cs->kind == K_EMPTY && alloc_data(R, cs, COHORT_NUM, nrows) < 0)
            goto nomem;
        if (cs->forced == F_STATUS && cs->first2)
            for (size_t i = 0; i < nrows; i++)
                col->v.num[i] -= 1; /* R's 1/2 coding; NaN stays NaN */
        size_t sz = col->type == COHORT_NUM ? sizeof(double) : col->type == COHORT_STR ? 4 : 1;
        if (nrows < cap) {
            void *shrunk = realloc(col->v.num, (nrows ? nrows : 1) * sz);
            if (shrunk)
                col->v.num = shrunk;
        }
    }
    {
        /* the names are unique (read_header, apply_options) */
        cohort_column **cols = malloc(n * sizeof *cols);
        if (!cols)
            goto nomem;
        for (size_t j = 0; j < n; j++)
            cols[j] = R->cs[j].col;
        int bad = cohort_attach_distinct(c, cols, n);
        free(cols);
        if (bad < 0)
            goto nomem;
        for (size_t j = 0; j < n; j++)
            R->cs[j].col = NULL; /* the cohort owns it now */
    }
    free_names(orig, n);
    free(names);
    free_reader_columns(R);
    return c;

nomem:
    tnm_errf(R->err, R->errlen, "%s: out of memory", R->name);
fail:
    cohort_free(c);
    free_names(orig, n);
    free_names(names, n);
    free_reader_columns(R);
    return NULL;
}

cohort *csv_read_buffer(const char *buf, size_t len, const char *name, const csv_options *o,
                        char *err, size_t errlen) {
    csv_options defaults;
    if (!o) {
        csv_options_init(&defaults);
        o = &defaults;
    }
    reader R;
    memset(&R, 0, sizeof R);
    R.buf = buf;
    R.len = len;
    R.name = name ? name : "<buffer>";
    R.sep = o->sep ? o->sep : ',';
    R.decimal = o->decimal ? o->decimal : '.';
    R.na = o->na ? o->na : csv_default_na;
    R.nna = o->na ? o->nna : csv_default_nna;
    R.err = err;
    R.errlen = errlen;
    if (err && errlen)
        err[0] = '\0';
    if (R.sep == '"' || R.sep == '\n' || R.sep == '\r' || R.decimal == R.sep ||
        (R.decimal != '.' && R.decimal != ',')) {
        tnm_errf(err, errlen, "%s: bad options: separator '%c' with decimal mark '%c'", R.name,
                 R.sep, R.decimal);
        return NULL;
    }
    R.na_len = calloc(R.nna ? R.nna : 1, sizeof *R.na_len);
    if (!R.na_len) {
        tnm_errf(err, errlen, "%s: out of memory", R.name);
        return NULL;
    }
    for (size_t k = 0; k < R.nna; k++) {
        size_t l = R.na[k] ? strlen(R.na[k]) : 0;
        if (!R.na[k]) {
            tnm_errf(err, errlen, "%s: bad options: missing-value marker %zu is NULL", R.name,
                     k + 1);
            free(R.na_len);
            return NULL;
        }
        R.na_len[k] = l;
        if (l > R.na_maxlen)
            R.na_maxlen = l;
        if (l == 0)
            R.empty_is_na = 1;
    }
    /* A recoded column is read as it stands and typed after recoding:
     * its forced type and status wait for csv_apply_recode. */
    csv_options first = *o;
    const char **status = NULL;
    csv_typespec *types = NULL;
    if (o->nrecode) {
        status = malloc((o->nstatus + 1) * sizeof *status);
        types = malloc((o->ntypes + 1) * sizeof *types);
        if (!status || !types) {
            tnm_errf(err, errlen, "%s: out of memory", R.name);
            free(status);
            free(types);
            free(R.na_len);
            return NULL;
        }
        first.nstatus = first.ntypes = 0;
        for (size_t k = 0; k < o->nstatus; k++)
            if (!csv_recoded(o, o->status[k]))
                status[first.nstatus++] = o->status[k];
        for (size_t k = 0; k < o->ntypes; k++)
            if (!csv_recoded(o, o->types[k].name))
                types[first.ntypes++] = o->types[k];
        first.status = status;
        first.types = types;
    }
    cohort *c = read_all(&R, &first);
    if (c && o->nrecode && csv_apply_recode(c, o, R.name, err, errlen) != 0) {
        cohort_free(c);
        c = NULL;
    }
    free(status);
    free(types);
    free(R.scratch);
    free(R.na_len);
    return c;
}
