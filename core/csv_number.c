/* csv_number.c - numbers as CSV holds them: exact parsing, shortest printing.
 *
 * Part of tnmlab (core layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never through the process locale: the program may run with LC_NUMERIC set
 * to a locale whose decimal mark is a comma, and a CSV number is read the
 * same way everywhere.
 */
#define _POSIX_C_SOURCE 200809L

#include "csv.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Runs strtod in the C locale whatever the process locale is. */
static double strtod_c(const char *s, char **end) {
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    double v = strtod(s, end);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
    return v;
}

static int is_blank(char ch) {
    return ch == ' ' || ch == '\t';
}

static int word_ieq(const char *s, size_t len, const char *w) {
    size_t n = strlen(w);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != w[i])
            return 0;
    }
    return 1;
}

/* The slow, exact way: a NUL-terminated copy through strtod. */
static int parse_number_slow(const char *s, size_t len, char decimal, double *out) {
    while (len && is_blank(*s))
        s++, len--;
    while (len && is_blank(s[len - 1]))
        len--;
    if (!len || len > 4096)
        return 0;
    /* strtod also takes "nan(...)" and leading white space: only digits, a
     * point, a sign and the words inf/infinity/nan may start a number */
    size_t k = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (k == len)
        return 0;
    if (!(s[k] >= '0' && s[k] <= '9') && s[k] != decimal) {
        /* R's type.convert: "nan" in any case is NaN (missing here), but a
         * text that starts "NA" is NA plus junk, so "NAN" is not a number */
        if (word_ieq(s + k, len - k, "nan") && !(k == 0 && s[0] == 'N' && s[1] == 'A')) {
            *out = NAN;
            return 1;
        }
        if (!word_ieq(s + k, len - k, "inf") && !word_ieq(s + k, len - k, "infinity"))
            return 0;
    }
    /* A hexadecimal fraction with no binary exponent: C reads "0x1A.8" as
     * 26.5, R as 424 (it drops the point).  Say so rather than pick one. */
    int hexfrac = 0;
    if (len - k > 2 && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X') &&
        memchr(s + k, decimal, len - k) && !memchr(s + k, 'p', len - k) &&
        !memchr(s + k, 'P', len - k))
        hexfrac = 1;
    char stackbuf[128];
    char *buf = len < sizeof stackbuf ? stackbuf : malloc(len + 1);
    if (!buf)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (decimal != '.' && ch == '.')
            ch = 'x'; /* a '.' is not a decimal mark here: fail the parse */
        else if (ch == decimal)
            ch = '.';
        buf[i] = ch;
    }
    buf[len] = '\0';
    char *end;
    double v = strtod_c(buf, &end);
    int ok = end == buf + len;
    if (buf != stackbuf)
        free(buf);
    if (ok)
        *out = v;
    return ok && hexfrac ? -1 : ok;
}

/* Fast path for [sign] digits [mark digits] [e [sign] digits] with at most 19
 * significant digits: when the mantissa is below 2^53 and the power of ten
 * is exact (|e| <= 22), one IEEE multiply or divide is correctly rounded
 * (Clinger 1990), so the result is strtod's.  Anything else: slow path. */
static int parse_number(const char *s, size_t len, char decimal, double *out) {
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t m = 0;
    int nd = 0, digits = 0, e10 = 0;
    while (i < len && (unsigned)(s[i] - '0') < 10) {
        unsigned d = (unsigned)(s[i] - '0');
        if (m || d) {
            if (nd == 19)
                goto slow;
            m = m * 10 + d;
            nd++;
        }
        digits++;
        i++;
    }
    if (i < len && s[i] == decimal) {
        i++;
        while (i < len && (unsigned)(s[i] - '0') < 10) {
            unsigned d = (unsigned)(s[i] - '0');
            if (m || d) {
                if (nd == 19)
                    goto slow;
                m = m * 10 + d;
                nd++;
            }
            e10--;
            digits++;
            i++;
        }
    }
    if (!digits)
        goto slow;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, ex = 0, edigits = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        while (i < len && (unsigned)(s[i] - '0') < 10) {
            if (ex > 9999)
                goto slow;
            ex = ex * 10 + (s[i] - '0');
            edigits++;
            i++;
        }
        if (!edigits)
            goto slow;
        e10 += eneg ? -ex : ex;
    }
    if (i != len)
        goto slow;
    double v;
    if (m == 0)
        v = 0.0;
    else if (m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22)
        v = e10 >= 0 ? (double)m * pow10_exact[e10] : (double)m / pow10_exact[-e10];
    else
        goto slow;
    *out = neg ? -v : v;
    return 1;
slow:
    return parse_number_slow(s, len, decimal, out);
}

int csv_parse_number(const char *s, size_t len, char decimal, double *out) {
    return parse_number(s, len, decimal ? decimal : '.', out);
}

size_t csv_format_number(double v, char decimal, char *buf) {
    int n;
    if (isnan(v))
        n = snprintf(buf, 32, "NA");
    else if (isinf(v))
        n = snprintf(buf, 32, v > 0 ? "Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        n = snprintf(buf, 32, "%.0f", v);
    else {
        locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        locale_t old = c ? uselocale(c) : (locale_t)0;
        n = 0;
        for (int prec = 15; prec <= 17; prec++) {
            n = snprintf(buf, 32, "%.*g", prec, v);
            if (prec == 17 || strtod(buf, NULL) == v)
                break;
        }
        if (c) {
            uselocale(old);
            freelocale(c);
        }
        if (decimal && decimal != '.')
            for (char *p = buf; *p; p++)
                if (*p == '.')
                    *p = decimal;
    }
    return n < 0 ? 0 : (size_t)n;
}

size_t csv_why_not_numbers(const cohort_column *col, size_t nrows, char *buf, size_t n) {
    if (n)
        buf[0] = '\0';
    if (col == NULL || col->type != COHORT_STR)
        return 0;
    for (size_t i = 0; i < nrows; i++) {
        const char *v = cohort_str(col, i);
        double x;
        if (v == NULL || csv_parse_number(v, strlen(v), '.', &x) == 1)
            continue;
        double y;
        int comma = csv_parse_number(v, strlen(v), ',', &y) == 1;
        snprintf(buf, n, "row %zu holds '%.40s'%s", i + 1, v,
                 comma ? " (a decimal comma? load the file with decimal=,)" : "");
        return i + 1;
    }
    return 0;
}
