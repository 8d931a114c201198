/* export_prov.c - provenance of exported files: versions, params, SHA-256
 * of the rule files and of the cohort (see export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include "config.h"

#include "export.h"
#include "export_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- SHA-256 (FIPS 180-4), small and unhurried: exports hash once. */

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes so far */
    unsigned char buf[64];
    size_t nbuf;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(sha256 *s, const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5],
             g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void sha_init(sha256 *s) {
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->nbuf = 0;
}

static void sha_add(sha256 *s, const void *data, size_t n) {
    const unsigned char *p = data;
    s->len += n;
    if (s->nbuf) {
        size_t k = 64 - s->nbuf < n ? 64 - s->nbuf : n;
        memcpy(s->buf + s->nbuf, p, k);
        s->nbuf += k;
        p += k;
        n -= k;
        if (s->nbuf < 64)
            return;
        sha_block(s, s->buf);
        s->nbuf = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        sha_block(s, p);
    memcpy(s->buf, p, n);
    s->nbuf = n;
}

static void sha_hex(sha256 *s, char out[65]) {
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    sha_add(s, &pad, 1);
    while (s->nbuf != 56)
        sha_add(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_add(s, len, 8);
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

void export_text_sha256(const char *text, char out[65]) {
    sha256 s;
    sha_init(&s);
    sha_add(&s, text, strlen(text));
    sha_hex(&s, out);
}

int export_file_sha256(const char *path, char out[65]) {
    out[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    sha256 s;
    sha_init(&s);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha_add(&s, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    sha_hex(&s, out);
    return 0;
}

int export_cohort_sha256(const cohort *c, char out[65]) {
    out[0] = '\0';
    if (c == NULL)
        return -1;
    sha256 s;
    sha_init(&s);
    size_t n = cohort_nrows(c);
    unsigned char buf[8192];
    for (size_t j = 0; j < cohort_ncols(c); j++) {
        const cohort_column *col = cohort_col(c, j);
        unsigned char type = (unsigned char)col->type;
        sha_add(&s, col->name, strlen(col->name) + 1);
        sha_add(&s, &type, 1);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (col->type == COHORT_NUM) {
                double v = col->v.num[i];
                if (isnan(v))
                    v = NAN; /* one bit pattern for missing */
                if (v == 0)
                    v = 0; /* -0 == 0 */
                uint64_t u;
                memcpy(&u, &v, 8);
                if (k + 8 > sizeof buf) {
                    sha_add(&s, buf, k);
                    k = 0;
                }
                for (int b = 0; b < 8; b++)
                    buf[k++] = (unsigned char)(u >> (8 * b));
            } else if (col->type == COHORT_BOOL) {
                if (k + 1 > sizeof buf) {
                    sha_add(&s, buf, k);
                    k = 0;
                }
                buf[k++] = (unsigned char)(col->v.b[i] < 0 ? 0xff : col->v.b[i]);
            } else {
                const char *str = cohort_str(col, i);
                sha_add(&s, buf, k);
                k = 0;
                if (str)
                    sha_add(&s, str, strlen(str) + 1);
                else
                    sha_add(&s, "\xff", 1); /* no string holds a lone 0xff byte + NUL */
            }
        }
        sha_add(&s, buf, k);
    }
    sha_hex(&s, out);
    return 0;
}

int export_rule_files(const rules *r, char (*paths)[512], int max) {
    int n = 0;
    for (size_t i = 0; i < rules_nfiles(r) && n < max; i++)
        snprintf(paths[n++], 512, "%s", rules_file(r, i));
    return n;
}

static void format_date(char *buf, size_t n) {
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH"); /* reproducible builds' convention */
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void export_provenance_add_params(export_provenance *p, const rules *r, const char *set,
                                  const char *prefix) {
    size_t np = rules_nparams(r, set);
    for (size_t i = 0; i < np && p->nparams < EXPORT_MAX_PARAMS; i++) {
        rules_param_info info;
        if (rules_param(r, set, i, &info) != 0)
            continue;
        export_param *ep = &p->params[p->nparams++];
        snprintf(ep->name, sizeof ep->name, "%s%s%s", prefix ? prefix : "", prefix ? "." : "",
                 info.name);
        if (info.type == RULES_P_TEXT) {
            snprintf(ep->value, sizeof ep->value, "%s", info.text ? info.text : "");
            ep->quoted = 1;
            ep->changed = strcmp(info.text ? info.text : "", info.text_def ? info.text_def : "");
        } else if (info.type == RULES_P_BOOLEAN) {
            snprintf(ep->value, sizeof ep->value, "%s", info.value != 0 ? "true" : "false");
            ep->changed = (info.value != 0) != (info.def != 0);
        } else {
            snprintf(ep->value, sizeof ep->value, "%.15g", info.value);
            ep->changed = info.value != info.def;
        }
    }
}

int export_provenance_fill(export_provenance *p, const model *m, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    snprintf(p->version, sizeof p->version, "%s", PACKAGE_VERSION);
    format_date(p->date, sizeof p->date);
    snprintf(p->set, sizeof p->set, "%s", m->set);
    p->rules_version = rules_version(m->rules);
    if (m->set[0])
        export_provenance_add_params(p, m->rules, m->set, NULL);
    char paths[EXPORT_MAX_FILES][512];
    p->nfiles = export_rule_files(m->rules, paths, EXPORT_MAX_FILES);
    sha256 all;
    sha_init(&all);
    for (int i = 0; i < p->nfiles; i++) {
        snprintf(p->files[i].path, sizeof p->files[i].path, "%.511s", paths[i]);
        export_file_sha256(paths[i], p->files[i].sha256);
        FILE *f = fopen(paths[i], "rb");
        if (f) {
            unsigned char buf[65536];
            size_t k;
            while ((k = fread(buf, 1, sizeof buf, f)) > 0)
                sha_add(&all, buf, k);
            fclose(f);
        }
    }
    if (p->nfiles)
        sha_hex(&all, p->rules_sha256);
    snprintf(p->cohort, sizeof p->cohort, "%s", m->cohort_name);
    snprintf(p->source, sizeof p->source, "%s", m->cohort_source);
    snprintf(p->time_unit, sizeof p->time_unit, "%s", m->time_unit);
    p->simulated = m->simulated;
    if (m->cohort) {
        /* The simulator wrote its scenario and seed into the cohort it made. */
        const cohort_origin *o = cohort_origin_of(m->cohort);
        if (o->scenario[0]) {
            snprintf(p->scenario, sizeof p->scenario, "%s", o->scenario);
            p->seed = o->seed;
            p->has_seed = 1;
        }
        p->cohort_rows = cohort_nrows(m->cohort);
        if (export_cohort_sha256(m->cohort, p->cohort_sha256) != 0) {
            snprintf(err, errlen, "cannot hash the cohort");
            return -1;
        }
    }
    return 0;
}

/* ---- writing it */

/* One "key: value" pair in fmt's way. */
static void kv(FILE *f, export_format fmt, const char *key, const char *value) {
    switch (fmt) {
    case EXPORT_CSV:
        fprintf(f, "# %s: %s\n", key, value);
        break;
    case EXPORT_MD:
        fprintf(f, "| %s | %s |\n", key, value);
        break;
    case EXPORT_SVG:
        fprintf(f, "%s: ", key);
        export_xml_str(f, value);
        fputc('\n', f);
        break;
    default:
        break;
    }
}

static void params_text(const export_provenance *p, char *buf, size_t n) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->nparams && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s=%s%s", i ? " " : "", p->params[i].name,
                         p->params[i].value, p->params[i].changed ? "*" : "");
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static void write_lines(FILE *f, export_format fmt, const export_provenance *p) {
    char buf[EXPORT_MAX_PARAMS * 136];
    kv(f, fmt, "generator", "tnmlab");
    kv(f, fmt, "tnmlab_version", p->version);
    kv(f, fmt, "date", p->date);
    kv(f, fmt, "rule_set", p->set[0] ? p->set : "(none)");
    snprintf(buf, sizeof buf, "%d", p->rules_version);
    kv(f, fmt, "rules_version", buf);
    params_text(p, buf, sizeof buf);
    kv(f, fmt, "params", p->nparams ? buf : "(none)");
    for (int i = 0; i < p->nfiles; i++) {
        snprintf(buf, sizeof buf, "%s sha256=%s", p->files[i].path,
                 p->files[i].sha256[0] ? p->files[i].sha256 : "(unreadable)");
        kv(f, fmt, "rule_file", buf);
    }
    kv(f, fmt, "rules_sha256", p->rules_sha256[0] ? p->rules_sha256 : "(none)");
    kv(f, fmt, "cohort", p->cohort[0] ? p->cohort : "(none)");
    if (p->source[0])
        kv(f, fmt, "cohort_source", p->source);
    snprintf(buf, sizeof buf, "%zu", p->cohort_rows);
    kv(f, fmt, "cohort_rows", buf);
    kv(f, fmt, "cohort_sha256", p->cohort_sha256[0] ? p->cohort_sha256 : "(none)");
    kv(f, fmt, "cohort_kind", p->simulated ? "simulated" : "observed");
    if (p->scenario[0])
        kv(f, fmt, "scenario", p->scenario);
    if (p->has_seed) {
        snprintf(buf, sizeof buf, "%lld", p->seed);
        kv(f, fmt, "seed", buf);
    } else if (p->simulated) {
        kv(f, fmt, "seed", "(unknown)");
    }
    kv(f, fmt, "time_unit", "months (converted from the cohort's time unit)");
    kv(f, fmt, "cohort_time_unit", p->time_unit);
    kv(f, fmt, "one_year", "12 months = 365.25 days");
    if (p->note[0])
        kv(f, fmt, "note", p->note);
    if (p->shard[0])
        kv(f, fmt, "shard", p->shard); /* last: tnmlab merge drops this line */
}

static void write_json(FILE *f, const export_provenance *p) {
    fputs("\"provenance\": {\n    \"generator\": \"tnmlab\",\n    \"tnmlab_version\": ", f);
    export_json_str(f, p->version);
    fputs(",\n    \"date\": ", f);
    export_json_str(f, p->date);
    fputs(",\n    \"rule_set\": ", f);
    export_json_str(f, p->set);
    fprintf(f, ",\n    \"rules_version\": %d,\n    \"params\": {", p->rules_version);
    for (int i = 0; i < p->nparams; i++) {
        fprintf(f, "%s", i ? ", " : "");
        export_json_str(f, p->params[i].name);
        fputs(": ", f);
        if (p->params[i].quoted)
            export_json_str(f, p->params[i].value);
        else
            fputs(p->params[i].value, f);
    }
    fputs("},\n    \"params_changed\": [", f);
    for (int i = 0, k = 0; i < p->nparams; i++)
        if (p->params[i].changed) {
            fputs(k++ ? ", " : "", f);
            export_json_str(f, p->params[i].name);
        }
    fputs("],\n    \"rule_files\": [", f);
    for (int i = 0; i < p->nfiles; i++) {
        fputs(i ? ",\n        {\"path\": " : "\n        {\"path\": ", f);
        export_json_str(f, p->files[i].path);
        fputs(", \"sha256\": ", f);
        if (p->files[i].sha256[0])
            export_json_str(f, p->files[i].sha256);
        else
            fputs("null", f);
        fputs("}", f);
    }
    fputs("],\n    \"rules_sha256\": ", f);
    export_json_str(f, p->rules_sha256);
    fputs(",\n    \"cohort\": ", f);
    export_json_str(f, p->cohort);
    if (p->source[0]) {
        fputs(",\n    \"cohort_source\": ", f);
        export_json_str(f, p->source);
    }
    fprintf(f, ",\n    \"cohort_rows\": %zu,\n    \"cohort_sha256\": ", p->cohort_rows);
    export_json_str(f, p->cohort_sha256);
    fprintf(f, ",\n    \"simulated\": %s,\n    \"scenario\": ", p->simulated ? "true" : "false");
    if (p->scenario[0])
        export_json_str(f, p->scenario);
    else
        fputs("null", f);
    fputs(",\n    \"seed\": ", f);
    if (p->has_seed)
        fprintf(f, "%lld", p->seed);
    else
        fputs("null", f);
    fputs(",\n    \"time_unit\": \"months\",\n    \"cohort_time_unit\": ", f);
    export_json_str(f, p->time_unit);
    fputs(",\n    \"one_year_months\": 12", f);
    if (p->note[0]) {
        fputs(",\n    \"note\": ", f);
        export_json_str(f, p->note);
    }
    fputs("\n  }", f);
}

void export_provenance_write(FILE *f, export_format fmt, const export_provenance *p) {
    switch (fmt) {
    case EXPORT_CSV:
        write_lines(f, fmt, p);
        break;
    case EXPORT_JSON:
        write_json(f, p);
        break;
    case EXPORT_MD:
        fputs("\n---\n\n**Provenance**\n\n| | |\n|---|---|\n", f);
        write_lines(f, fmt, p);
        break;
    case EXPORT_SVG:
        fputs("<!-- tnmlab provenance\n", f);
        write_lines(f, fmt, p);
        fputs("-->\n<metadata id=\"provenance\">\n", f);
        write_lines(f, fmt, p);
        fputs("</metadata>\n", f);
        break;
    default:
        break;
    }
}

int export_rtable(FILE *f, export_format fmt, const rtable *t, const char *json_key,
                  const export_provenance *p) {
    int rc;
    if (fmt == EXPORT_CSV) {
        export_provenance_write(f, EXPORT_CSV, p);
        rc = rtable_write_csv(f, t);
    } else if (fmt == EXPORT_MD) {
        rc = rtable_write_md(f, t);
    } else {
        fputs("{\n  ", f);
        export_provenance_write(f, EXPORT_JSON, p);
        fprintf(f, ",\n  \"%s\": ", json_key);
        rc = rtable_write_json(f, t, "  ");
        fputs("\n}\n", f);
    }
    return rc;
}
