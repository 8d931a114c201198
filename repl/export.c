/* export.c - atomic files and the outcome / attrition tables as CSV,
 * Markdown and JSON (see export.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "survival_data.h"
#include "rtable.h"
#include "view.h"

export_format export_format_of(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot == NULL || (slash && dot < slash))
        return EXPORT_UNKNOWN;
    char ext[16];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext)
        return EXPORT_UNKNOWN;
    for (size_t i = 0; i <= n; i++)
        ext[i] = (char)tolower((unsigned char)dot[1 + i]);
    if (!strcmp(ext, "csv"))
        return EXPORT_CSV;
    if (!strcmp(ext, "md") || !strcmp(ext, "markdown"))
        return EXPORT_MD;
    if (!strcmp(ext, "json"))
        return EXPORT_JSON;
    if (!strcmp(ext, "svg"))
        return EXPORT_SVG;
    if (!strcmp(ext, "db") || !strcmp(ext, "sqlite") || !strcmp(ext, "sqlite3"))
        return EXPORT_SQLITE;
    if (!strcmp(ext, "png"))
        return EXPORT_PNG;
    if (!strcmp(ext, "pdf"))
        return EXPORT_PDF;
    return EXPORT_UNKNOWN;
}

/* ---- atomic files, with messages in the export's words */

int export_file_open(atomic_file *x, const char *path, char *err, size_t errlen) {
    if (atomic_file_open(x, path) == 0)
        return 0;
    if (path == NULL || *path == '\0')
        snprintf(err, errlen, "no output file named");
    else if (x->error == EISDIR)
        snprintf(err, errlen, "cannot write %s: it is a folder", path);
    else if (x->error == ENAMETOOLONG)
        snprintf(err, errlen, "cannot write %.200s...: path too long", path);
    else
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(x->error));
    return -1;
}

int export_file_commit(atomic_file *x, char *err, size_t errlen) {
    if (atomic_file_commit(x) == 0)
        return 0;
    snprintf(err, errlen, "cannot write %s: %s", x->path, strerror(x->error));
    return -1;
}

/* ---- numbers */

/* A number for machines: 12 significant digits (as R's fixtures), or the
 * format's missing value. */
static void num(FILE *f, export_format fmt, double x) {
    if (isnan(x) || isinf(x))
        fputs(fmt == EXPORT_JSON ? "null" : "NA", f);
    else
        fprintf(f, "%.12g", x);
}

void export_json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void export_xml_str(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '-':
            fputs(s[1] == '-' ? "-&#45;" : "-", f);
            s += s[1] == '-';
            break;
        default:
            fputc(*s, f);
        }
    }
}

void export_csv_str(FILE *f, const char *s) {
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void export_md_str(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* "51.7% (47.6-55.9)" */
static const char *surv_text(const model_group *g, int k, char *buf, size_t n) {
    if (isnan(g->surv[k]))
        snprintf(buf, n, "NA");
    else {
        char a[32], b[32];
        snprintf(buf, n, "%.1f%% (%s-%s)", 100 * g->surv[k],
                 view_num(100 * g->lower[k], 1, "NA", a, sizeof a),
                 view_num(100 * g->upper[k], 1, "NA", b, sizeof b));
    }
    return buf;
}

/* The comparison the endpoint's HR makes: first group vs the rest. */
static void hr_compares(const model_endpoint *ep, char *buf, size_t n) {
    if (ep->ngroups == 2)
        snprintf(buf, n, "%s vs %s", ep->g[0].label, ep->g[1].label);
    else
        buf[0] = '\0';
}

/* ---- the tables */

/* The outcome's rows, one per endpoint and group, for machines. */
int export_outcome_table(const model *m, const model_outcome *o, rtable *t) {
    enum { NCOLS = 29 };
    static const struct {
        const char *name;
        rtable_type type;
        const char *unit;
    } cols[NCOLS] = {{"endpoint", RTABLE_TEXT, NULL},
                     {"group", RTABLE_TEXT, NULL},
                     {"n", RTABLE_COUNT, NULL},
                     {"events", RTABLE_COUNT, NULL},
                     {"median", RTABLE_NUM, "months"},
                     {"median_lower", RTABLE_NUM, "months"},
                     {"median_upper", RTABLE_NUM, "months"},
                     {"surv_1y", RTABLE_NUM, "proportion"},
                     {"surv_1y_lower", RTABLE_NUM, "proportion"},
                     {"surv_1y_upper", RTABLE_NUM, "proportion"},
                     {"surv_2y", RTABLE_NUM, "proportion"},
                     {"surv_2y_lower", RTABLE_NUM, "proportion"},
                     {"surv_2y_upper", RTABLE_NUM, "proportion"},
                     {"surv_3y", RTABLE_NUM, "proportion"},
                     {"surv_3y_lower", RTABLE_NUM, "proportion"},
                     {"surv_3y_upper", RTABLE_NUM, "proportion"},
                     {"rmst", RTABLE_NUM, "months"},
                     {"rmst_se", RTABLE_NUM, "months"},
                     {"rmst_horizon", RTABLE_NUM, "months"},
                     {"logrank_chisq", RTABLE_NUM, NULL},
                     {"logrank_df", RTABLE_COUNT, NULL},
                     {"logrank_p", RTABLE_NUM, NULL},
                     {"logrank_p_text", RTABLE_TEXT, NULL},
                     {"hr", RTABLE_NUM, NULL},
                     {"hr_lower", RTABLE_NUM, NULL},
                     {"hr_upper", RTABLE_NUM, NULL},
                     {"hr_compares", RTABLE_TEXT, NULL},
                     {"followup_median", RTABLE_NUM, "months"},
                     {"n_dropped", RTABLE_COUNT, NULL}};
    if (rtable_init(t, NCOLS) != 0)
        return -1;
    for (size_t j = 0; j < NCOLS; j++)
        rtable_col_set(t, j, cols[j].name, cols[j].type, cols[j].unit, cols[j].type == RTABLE_TEXT);
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        const model_endpoint *ep = &o->ep[e];
        if (!ep->available)
            continue;
        char ptxt[32], cmp[160];
        surv_format_p(ep->p, 4, ptxt, sizeof ptxt);
        hr_compares(ep, cmp, sizeof cmp);
        for (int g = 0; g < ep->ngroups; g++) {
            const model_group *gr = &ep->g[g];
            size_t r = rtable_add_row(t);
            double v[] = {NAN,
                          NAN,
                          (double)gr->n,
                          (double)gr->events,
                          gr->median,
                          gr->median_lower,
                          gr->median_upper,
                          gr->surv[0],
                          gr->lower[0],
                          gr->upper[0],
                          gr->surv[1],
                          gr->lower[1],
                          gr->upper[1],
                          gr->surv[2],
                          gr->lower[2],
                          gr->upper[2],
                          gr->rmst,
                          gr->rmst_se,
                          m->horizon,
                          ep->chisq,
                          isnan(ep->chisq) ? NAN : ep->df,
                          ep->p,
                          NAN,
                          ep->hr,
                          ep->hr_lower,
                          ep->hr_upper,
                          NAN,
                          ep->followup,
                          (double)ep->n_dropped};
            for (size_t j = 0; j < NCOLS; j++)
                rtable_set_num(t, r, j, v[j]);
            rtable_set_text(t, r, 0, ep->name);
            rtable_set_text(t, r, 1, gr->label);
            rtable_set_text(t, r, 22, isnan(ep->p) ? NULL : ptxt);
            rtable_set_text(t, r, 26, isnan(ep->hr) ? NULL : cmp);
        }
    }
    return t->failed ? -1 : 0;
}

/* The attrition, one row per step, for machines. */
int export_attrition_table(const model_outcome *o, rtable *t) {
    static const char *const names[] = {"step",    "before",       "pass", "fail",
                                        "unknown", "unknown_kept", "after"};
    if (rtable_init(t, 7) != 0)
        return -1;
    for (size_t j = 0; j < 7; j++)
        rtable_col_set(t, j, names[j],
                       j == 0   ? RTABLE_TEXT
                       : j == 5 ? RTABLE_BOOL
                                : RTABLE_COUNT,
                       NULL, j == 0);
    for (size_t k = 0; k < o->nsteps; k++) {
        const rules_step *st = &o->steps[k];
        size_t r = rtable_add_row(t);
        double v[] = {NAN,
                      (double)st->before,
                      (double)st->pass,
                      (double)st->fail,
                      (double)st->unknown,
                      st->unknown_kept,
                      (double)st->after};
        for (size_t j = 1; j < 7; j++)
            rtable_set_num(t, r, j, v[j]);
        rtable_set_text(t, r, 0, st->name);
    }
    return t->failed ? -1 : 0;
}

static void outcome_json(FILE *f, const model *m, const model_outcome *o) {
    fprintf(f, "\"outcome\": {\n    \"rule_set\": ");
    export_json_str(f, o->set);
    fprintf(f, ",\n    \"rules_version\": %d,\n    \"n\": %zu,\n    \"selected\": %zu,\n",
            o->version, o->n, o->nselected);
    fprintf(f, "    \"observational\": %s,\n    \"time_unit\": \"months\",\n    \"horizon\": ",
            m->simulated ? "false" : "true");
    num(f, EXPORT_JSON, m->horizon);
    fputs(",\n    \"landmark\": ", f);
    num(f, EXPORT_JSON, o->landmark);
    fputs(",\n    \"arms\": [", f);
    for (size_t a = 0; a < o->narms; a++) {
        fputs(a ? ", {\"name\": " : "{\"name\": ", f);
        export_json_str(f, o->arm_name[a]);
        fprintf(f, ", \"n\": %zu}", o->arm_count[a]);
    }
    fputs("],\n    \"endpoints\": [", f);
    int first = 1;
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        const model_endpoint *ep = &o->ep[e];
        fputs(first ? "\n      {\"name\": " : ",\n      {\"name\": ", f);
        first = 0;
        export_json_str(f, ep->name ? ep->name : e == MODEL_OS ? "OS" : "PFS");
        fprintf(f, ", \"available\": %s", ep->available ? "true" : "false");
        if (!ep->available) {
            fputs(", \"message\": ", f);
            export_json_str(f, ep->message);
            fputs("}", f);
            continue;
        }
        char ptxt[32], cmp[160];
        surv_format_p(ep->p, 4, ptxt, sizeof ptxt);
        hr_compares(ep, cmp, sizeof cmp);
        fputs(",\n       \"logrank\": {\"chisq\": ", f);
        num(f, EXPORT_JSON, ep->chisq);
        fprintf(f, ", \"df\": %d, \"p\": ", isnan(ep->chisq) ? 0 : ep->df);
        num(f, EXPORT_JSON, ep->p);
        fputs(", \"p_text\": ", f);
        if (isnan(ep->p))
            fputs("null", f);
        else
            export_json_str(f, ptxt);
        fputs("},\n       \"hr\": {\"value\": ", f);
        num(f, EXPORT_JSON, ep->hr);
        fputs(", \"lower\": ", f);
        num(f, EXPORT_JSON, ep->hr_lower);
        fputs(", \"upper\": ", f);
        num(f, EXPORT_JSON, ep->hr_upper);
        fputs(", \"compares\": ", f);
        export_json_str(f, cmp);
        fputs("},\n       \"followup_median\": ", f);
        num(f, EXPORT_JSON, ep->followup);
        fprintf(f, ", \"n_dropped\": %zu,\n       \"groups\": [", ep->n_dropped);
        for (int g = 0; g < ep->ngroups; g++) {
            const model_group *gr = &ep->g[g];
            fputs(g ? ",\n         {\"label\": " : "\n         {\"label\": ", f);
            export_json_str(f, gr->label);
            fprintf(f, ", \"n\": %zu, \"events\": %zu, \"median\": ", gr->n, gr->events);
            num(f, EXPORT_JSON, gr->median);
            fputs(", \"median_lower\": ", f);
            num(f, EXPORT_JSON, gr->median_lower);
            fputs(", \"median_upper\": ", f);
            num(f, EXPORT_JSON, gr->median_upper);
            fputs(",\n          \"survival\": [", f);
            for (int k = 0; k < MODEL_NTIMES; k++) {
                fprintf(f, "%s{\"time\": %g, \"surv\": ", k ? ", " : "", model_times[k]);
                num(f, EXPORT_JSON, gr->surv[k]);
                fputs(", \"lower\": ", f);
                num(f, EXPORT_JSON, gr->lower[k]);
                fputs(", \"upper\": ", f);
                num(f, EXPORT_JSON, gr->upper[k]);
                fputs("}", f);
            }
            fputs("],\n          \"rmst\": ", f);
            num(f, EXPORT_JSON, gr->rmst);
            fputs(", \"rmst_se\": ", f);
            num(f, EXPORT_JSON, gr->rmst_se);
            fputs("}", f);
        }
        fputs("]}", f);
    }
    fputs("\n    ]\n  }", f);
}

static void outcome_md(FILE *f, const model *m, const model_outcome *o) {
    fprintf(f, "## Outcome: ");
    export_md_str(f, o->set);
    fprintf(f, " v%d (engine version %d) on ", view_set_version(m, o), o->version);
    export_md_str(f, m->cohort_name[0] ? m->cohort_name : "the cohort");
    fprintf(f, "\n\nSelected %zu of %zu (%.1f%%)%s.\n\n", o->nselected, o->n,
            o->n ? 100.0 * (double)o->nselected / (double)o->n : 0.0,
            m->simulated ? "; outcomes follow the assigned arm (simulated)"
                         : "; observational: selection only");
    rtable t;
    if (rtable_init(&t, 9) == 0) {
        static const char *const title[] = {"Endpoint",        "Group",           "N",
                                            "Events",          "Median (95% CI)", "1-year (95% CI)",
                                            "2-year (95% CI)", "3-year (95% CI)"};
        for (size_t j = 0; j < 8; j++)
            rtable_col_set(&t, j, title[j], j < 2 ? RTABLE_TEXT : RTABLE_COUNT, NULL, j < 2);
        char rmst[32];
        snprintf(rmst, sizeof rmst, "RMST %g mo", m->horizon);
        rtable_col_set(&t, 8, rmst, RTABLE_TEXT, "months", 0);
        for (int e = 0; e < MODEL_NENDPOINTS; e++) {
            const model_endpoint *ep = &o->ep[e];
            for (int g = 0; ep->available && g < ep->ngroups; g++) {
                const model_group *gr = &ep->g[g];
                char cell[96];
                size_t r = rtable_add_row(&t);
                rtable_set_text(&t, r, 0, ep->name);
                rtable_set_text(&t, r, 1, gr->label);
                rtable_set_num(&t, r, 2, (double)gr->n);
                rtable_set_num(&t, r, 3, (double)gr->events);
                rtable_set_text(&t, r, 4, view_median_ci(gr, cell, sizeof cell));
                for (int k = 0; k < 3; k++)
                    rtable_set_text(&t, r, 5 + (size_t)k, surv_text(gr, k, cell, sizeof cell));
                rtable_set_text(&t, r, 8, view_num(gr->rmst, 1, "NA", cell, sizeof cell));
            }
        }
        rtable_write_md(f, &t);
    }
    rtable_free(&t);
    fputc('\n', f);
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        const model_endpoint *ep = &o->ep[e];
        if (!ep->available)
            continue;
        char ptxt[32], cmp[160];
        surv_format_p(ep->p, 4, ptxt, sizeof ptxt);
        hr_compares(ep, cmp, sizeof cmp);
        fprintf(f, "- %s: log-rank p %s%s", ep->name, isnan(ep->p) || ptxt[0] == '<' ? "" : "= ",
                isnan(ep->p) ? "NA" : ptxt);
        if (!isnan(ep->hr))
            fprintf(f, "; HR %.2f (95%% CI %.2f-%.2f), %s", ep->hr, ep->hr_lower, ep->hr_upper,
                    cmp);
        if (!isnan(ep->followup))
            fprintf(f, "; median follow-up %.1f months", ep->followup);
        fputs("\n", f);
    }
    fprintf(f,
            "\nTimes in months (1 year = 12 months = 365.25 days); survival by Kaplan-Meier "
            "with log-transformed 95%% CI (as R's survfit); HR from a Cox model (Efron ties).\n");
}

static void attrition_md(FILE *f, const model_outcome *o) {
    fputs("\n## Attrition\n\n", f);
    rtable t;
    if (rtable_init(&t, 5) == 0) {
        static const char *const title[] = {"Step", "Before", "Excluded", "Unknown", "After"};
        for (size_t j = 0; j < 5; j++)
            rtable_col_set(&t, j, title[j], j ? RTABLE_COUNT : RTABLE_TEXT, NULL, j == 0);
        for (size_t k = 0; k < o->nsteps; k++) {
            const rules_step *st = &o->steps[k];
            size_t r = rtable_add_row(&t);
            rtable_set_text(&t, r, 0, st->name);
            rtable_set_num(&t, r, 1, (double)st->before);
            rtable_set_num(&t, r, 2, (double)st->fail);
            if (st->unknown && st->unknown_kept)
                rtable_set_textf(&t, r, 3, "%zu (kept)", st->unknown);
            else
                rtable_set_num(&t, r, 3, (double)st->unknown);
            rtable_set_num(&t, r, 4, (double)st->after);
        }
        rtable_write_md(f, &t);
    }
    rtable_free(&t);
}

/* The outcome's or the attrition's table for machines, in CSV or as a
 * JSON array. */
static int write_machine(FILE *f, export_format fmt, const model *m, const model_outcome *o,
                         unsigned what, char *err, size_t errlen) {
    rtable t;
    int rc =
        what == EXPORT_T_OUTCOME ? export_outcome_table(m, o, &t) : export_attrition_table(o, &t);
    if (rc == 0)
        rc = fmt == EXPORT_CSV ? rtable_write_csv(f, &t) : rtable_write_json(f, &t, "  ");
    rtable_free(&t);
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}

int export_table_write(FILE *f, export_format fmt, const model *m, unsigned what,
                       const export_provenance *p, char *err, size_t errlen) {
    const model_outcome *o = &m->cur;
    if (!o->valid) {
        snprintf(err, errlen, "no outcome to export (load a cohort and a rule set first)");
        return -1;
    }
    what &= EXPORT_T_OUTCOME | EXPORT_T_ATTRITION;
    if (what == 0) {
        snprintf(err, errlen, "nothing to export: ask for the outcome or the attrition");
        return -1;
    }
    switch (fmt) {
    case EXPORT_CSV:
        if (what == (EXPORT_T_OUTCOME | EXPORT_T_ATTRITION)) {
            snprintf(err, errlen, "a CSV file holds one table: the outcome or the attrition");
            return -1;
        }
        if (p)
            export_provenance_write(f, EXPORT_CSV, p);
        return write_machine(f, EXPORT_CSV, m, o, what, err, errlen);
    case EXPORT_JSON:
        fputs("{\n  ", f);
        if (p) {
            export_provenance_write(f, EXPORT_JSON, p);
            fputs(",\n  ", f);
        }
        if (what & EXPORT_T_OUTCOME)
            outcome_json(f, m, o);
        if (what == (EXPORT_T_OUTCOME | EXPORT_T_ATTRITION))
            fputs(",\n  ", f);
        if ((what & EXPORT_T_ATTRITION) &&
            (fputs("\"attrition\": ", f),
             write_machine(f, EXPORT_JSON, m, o, EXPORT_T_ATTRITION, err, errlen)) != 0)
            return -1;
        fputs("\n}\n", f);
        return 0;
    case EXPORT_MD:
        if (what & EXPORT_T_OUTCOME)
            outcome_md(f, m, o);
        if (what & EXPORT_T_ATTRITION)
            attrition_md(f, o);
        if (p)
            export_provenance_write(f, EXPORT_MD, p);
        return 0;
    default:
        snprintf(err, errlen, "tables are written as .csv, .md or .json");
        return -1;
    }
}
