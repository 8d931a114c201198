/* sweep.c - parameter sweeps on an engine of their own (see sweep.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "sweep.h"

#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "survival_data.h"

static int has_set(const rules *r, const char *name) {
    for (size_t i = 0; i < rules_nsets(r); i++)
        if (strcmp(rules_set_name(r, i), name) == 0)
            return 1;
    return 0;
}

static int param_info(const rules *r, const char *set, const char *name, rules_param_info *info,
                      size_t *index) {
    size_t np = rules_nparams(r, set);
    for (size_t i = 0; i < np; i++)
        if (rules_param(r, set, i, info) == 0 && strcmp(info->name, name) == 0) {
            if (index)
                *index = i;
            return 0;
        }
    return -1;
}

/* Is value acceptable for the param?  The same tests as rules_set_param,
 * made before any work. */
static int check_value(const char *set, const rules_param_info *p, const char *value, char *err,
                       size_t errlen) {
    if (p->type == RULES_P_TEXT) {
        int ok = p->nchoices == 0;
        for (int c = 0; c < p->nchoices; c++)
            ok |= strcmp(p->choices[c], value) == 0;
        if (!ok)
            snprintf(err, errlen, "sweep: %s.%s cannot be '%s': not one of its choices", set,
                     p->name, value);
        return ok ? 0 : -1;
    }
    double v;
    char why[256];
    if (rules_param_read(p, value, &v, why, sizeof why) != 0) {
        snprintf(err, errlen, "sweep: %s.%s", set, why);
        return -1;
    }
    if (p->type == RULES_P_BOOLEAN)
        return 0;
    if (v < p->min || v > p->max || (p->type == RULES_P_INTEGER && v != floor(v))) {
        snprintf(err, errlen, "sweep: %s.%s must be %s between %g and %g, not %s", set, p->name,
                 p->type == RULES_P_INTEGER ? "a whole number" : "a number", p->min, p->max, value);
        return -1;
    }
    return 0;
}

int sweep_set_has(const model *m, const sweep_spec *spec, int s, int a) {
    rules_param_info info;
    return param_info(m->rules, spec->set[s], spec->axis[a].name, &info, NULL) == 0;
}

int sweep_check(const model *m, sweep_spec *spec, char *err, size_t errlen) {
    if (spec->nsets == 0) {
        if (!m->set[0]) {
            snprintf(err, errlen, "sweep: no rule set is active and none was named");
            return -1;
        }
        spec->nsets = 1;
        snprintf(spec->set[0], sizeof spec->set[0], "%s", m->set);
    }
    if (spec->nsets > SWEEP_MAX_SETS || spec->naxes > SWEEP_MAX_AXES) {
        snprintf(err, errlen, "sweep: at most %d rule sets and %d params", SWEEP_MAX_SETS,
                 SWEEP_MAX_AXES);
        return -1;
    }
    for (int s = 0; s < spec->nsets; s++)
        if (!has_set(m->rules, spec->set[s])) {
            snprintf(err, errlen, "sweep: no rule set '%s' (type `rules` to list them)",
                     spec->set[s]);
            return -1;
        }
    size_t rows = (size_t)spec->nsets;
    size_t order[SWEEP_MAX_AXES];
    for (int a = 0; a < spec->naxes; a++) {
        const sweep_axis *ax = &spec->axis[a];
        if (ax->nvalues < 1 || ax->nvalues > SWEEP_MAX_VALUES) {
            snprintf(err, errlen, "sweep: param '%s' needs 1 to %d values", ax->name,
                     SWEEP_MAX_VALUES);
            return -1;
        }
        for (int b = 0; b < a; b++)
            if (strcmp(spec->axis[b].name, ax->name) == 0) {
                snprintf(err, errlen, "sweep: param '%s' is given twice", ax->name);
                return -1;
            }
        int nhave = 0;
        order[a] = (size_t)-1;
        for (int s = 0; s < spec->nsets; s++) {
            rules_param_info info;
            size_t idx;
            if (param_info(m->rules, spec->set[s], ax->name, &info, &idx) != 0)
                continue;
            nhave++;
            if (order[a] == (size_t)-1) /* the first set that has it; after the first set's */
                order[a] = s == 0 ? idx : 100000 + (size_t)s * 1000 + idx;
            for (int v = 0; v < ax->nvalues; v++)
                if (check_value(spec->set[s], &info, ax->value[v], err, errlen) != 0)
                    return -1;
        }
        if (nhave == 0) {
            if (spec->nsets == 1)
                snprintf(err, errlen, "sweep: rule set '%s' has no param '%s'", spec->set[0],
                         ax->name);
            else
                snprintf(err, errlen, "sweep: none of the %d rule sets has a param '%s'",
                         spec->nsets, ax->name);
            return -1;
        }
        rows *= (size_t)ax->nvalues;
        if (rows > SWEEP_MAX_ROWS) {
            snprintf(err, errlen, "sweep: more than %d combinations", SWEEP_MAX_ROWS);
            return -1;
        }
    }
    /* The first set's declaration order: max_lesions before max_ecog, as
     * the rule file (and `show rules`) lists them. */
    for (int a = 1; a < spec->naxes; a++)
        for (int b = a; b > 0 && order[b - 1] > order[b]; b--) {
            sweep_axis t = spec->axis[b];
            spec->axis[b] = spec->axis[b - 1];
            spec->axis[b - 1] = t;
            size_t o = order[b];
            order[b] = order[b - 1];
            order[b - 1] = o;
        }
    if (m->cohort == NULL) {
        snprintf(err, errlen, "sweep: no cohort is loaded (lab.set_cohort(c) or load cohort FILE)");
        return -1;
    }
    return 0;
}

/* Gives set in `to` the param values it has in `from`. */
static int copy_params(const rules *from, model *to, const char *set, char *err, size_t errlen) {
    size_t np = rules_nparams(from, set);
    for (size_t i = 0; i < np; i++) {
        rules_param_info a, b;
        if (rules_param(from, set, i, &a) != 0 || param_info(to->rules, set, a.name, &b, NULL) != 0)
            continue;
        int same = a.type == RULES_P_TEXT ? strcmp(a.text ? a.text : "", b.text ? b.text : "") == 0
                                          : a.value == b.value;
        if (same)
            continue;
        if (rules_set_param(to->rules, set, a.name, a.value, a.type == RULES_P_TEXT ? a.text : NULL,
                            err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void fill_row(const model *w, sweep_row *row) {
    const model_outcome *o = &w->cur;
    row->n = o->n;
    row->nselected = o->nselected;
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        const model_endpoint *ep = &o->ep[e];
        sweep_ep *se = &row->ep[e];
        se->present = w->ep[e] != NULL;
        se->available = ep->available && ep->ngroups > 0;
        se->ngroups = se->available ? ep->ngroups : 0;
        for (int g = 0; g < se->ngroups; g++)
            se->g[g] = ep->g[g];
        se->hr = se->available ? ep->hr : NAN;
        se->hr_lower = se->available ? ep->hr_lower : NAN;
        se->hr_upper = se->available ? ep->hr_upper : NAN;
        se->p = se->available ? ep->p : NAN;
        se->compares[0] = '\0';
        if (se->available && ep->ngroups == 2)
            snprintf(se->compares, sizeof se->compares, "%s vs %s", ep->g[0].label, ep->g[1].label);
    }
}

/* The long form's lines: per row, OS then PFS, one per group; an endpoint
 * the cohort has but with no group (nobody selected) gets one empty line. */
static int index_lines(sweep_result *r) {
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (size_t i = 0; i < r->nrows; i++)
            for (int e = 0; e < MODEL_NENDPOINTS; e++) {
                const sweep_ep *se = &r->rows[i].ep[e];
                if (!se->present)
                    continue;
                int ng = se->ngroups ? se->ngroups : 1;
                for (int g = 0; g < ng; g++, n++)
                    if (pass == 1)
                        r->lines[n] = (sweep_line){i, e, se->ngroups ? g : -1};
            }
        if (pass == 0 && (r->lines = calloc(n + 1, sizeof *r->lines)) == NULL)
            return -1;
    }
    r->nlines = n;
    return 0;
}

int sweep_shard_parse(const char *s, int *k, int *n) {
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end != '\0' || a < 1 || b < a || b > 10000)
        return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

void sweep_shard_range(size_t total, int k, int n, size_t *lo, size_t *hi) {
    *lo = total * (size_t)(k - 1) / (size_t)n;
    *hi = total * (size_t)k / (size_t)n;
}

/* Grid points of set number s: the product of the value counts of the
 * params it has. */
static size_t set_points(const model *m, const sweep_spec *spec, int s) {
    size_t k = 1;
    for (int a = 0; a < spec->naxes; a++)
        if (sweep_set_has(m, spec, s, a))
            k *= (size_t)spec->axis[a].nvalues;
    return k;
}

int sweep_run(const model *m, sweep_spec *spec, sweep_result *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (sweep_check(m, spec, err, errlen) != 0)
        return -1;
    size_t total = 0;
    for (int s = 0; s < spec->nsets; s++)
        total += set_points(m, spec, s);
    size_t lo = 0, hi = total;
    if (spec->shard_n > 0)
        sweep_shard_range(total, spec->shard_k, spec->shard_n, &lo, &hi);
    out->rows = calloc(hi - lo + 1, sizeof *out->rows);
    if (out->rows == NULL) {
        snprintf(err, errlen, "sweep: out of memory");
        return -1;
    }
    out->spec = *spec;
    out->horizon = m->horizon;
    size_t used = 0;
    for (int s = 0; s < spec->nsets; s++)
        for (int a = 0; a < spec->naxes; a++)
            if (!sweep_set_has(m, spec, s, a) && used < sizeof out->skipped)
                used += (size_t)snprintf(out->skipped + used, sizeof out->skipped - used,
                                         "%s%s has no param %s", used ? "; " : "", spec->set[s],
                                         spec->axis[a].name);

    /* The sweep's own engine: the same files, the same values. */
    char paths[EXPORT_MAX_FILES][512];
    int nfiles = export_rule_files(m->rules, paths, EXPORT_MAX_FILES);
    model w;
    char e2[1024];
    if (model_init(&w, NULL, err, errlen) != 0) {
        sweep_result_free(out);
        return -1;
    }
    w.horizon = m->horizon;
    int rc = 0;
    for (int i = 0; i < nfiles && rc == 0; i++)
        if (rules_load(w.rules, paths[i], e2, sizeof e2) != 0) {
            snprintf(err, errlen, "sweep: reloading %s: %s", paths[i], e2);
            rc = -1;
        }
    for (int s = 0; s < spec->nsets && rc == 0; s++) {
        if (!has_set(w.rules, spec->set[s])) {
            snprintf(err, errlen, "sweep: rule set '%s' is not in the rule files on disk any more",
                     spec->set[s]);
            rc = -1;
        } else if (copy_params(m->rules, &w, spec->set[s], e2, sizeof e2) != 0) {
            snprintf(err, errlen, "sweep: %s", e2);
            rc = -1;
        }
    }
    if (rc == 0 &&
        model_set_cohort(&w, m->cohort, m->cohort_name, m->time_unit, e2, sizeof e2) != 0) {
        snprintf(err, errlen, "sweep: %s", e2);
        rc = -1;
    }
    /* Same selection as the session's, or the files changed under us: the
     * active set is compared with the session's own param values. */
    if (rc == 0 && m->cur.valid && m->set[0] && has_set(w.rules, m->set) &&
        m->cur.version == rules_version(m->rules) &&
        copy_params(m->rules, &w, m->set, e2, sizeof e2) == 0) {
        if (model_use(&w, m->set, e2, sizeof e2) != 0 || model_update(&w, e2, sizeof e2) != 0) {
            snprintf(err, errlen, "sweep: %s", e2);
            rc = -1;
        } else if (w.cur.nselected != m->cur.nselected) {
            snprintf(err, errlen,
                     "sweep: the rule files on disk select %zu patients under %s, the session "
                     "%zu: a file was edited since it was loaded (load rules FILE again)",
                     w.cur.nselected, m->set, m->cur.nselected);
            rc = -1;
        }
    }
    size_t r = 0, gi = 0;
    for (int s = 0; s < spec->nsets && rc == 0; s++) {
        if (model_use(&w, spec->set[s], e2, sizeof e2) != 0) {
            snprintf(err, errlen, "sweep: %s", e2);
            rc = -1;
            break;
        }
        int has[SWEEP_MAX_AXES];
        for (int a = 0; a < spec->naxes; a++)
            has[a] = sweep_set_has(m, spec, s, a);
        size_t points = set_points(m, spec, s);
        for (size_t c = 0; c < points && rc == 0; c++, gi++) {
            if (gi < lo || gi >= hi)
                continue; /* another shard's row */
            if (tnm_interrupted()) {
                snprintf(err, errlen, "sweep: interrupted");
                rc = -1;
                break;
            }
            sweep_row *row = &out->rows[r];
            snprintf(row->set, sizeof row->set, "%s", spec->set[s]);
            size_t k = c;
            for (int a = spec->naxes - 1; a >= 0; a--) { /* last axis varies fastest */
                const sweep_axis *ax = &spec->axis[a];
                if (!has[a])
                    continue; /* value stays "" */
                const char *v = ax->value[k % (size_t)ax->nvalues];
                k /= (size_t)ax->nvalues;
                snprintf(row->value[a], sizeof row->value[a], "%s", v);
                rules_param_info info;
                if (param_info(w.rules, spec->set[s], ax->name, &info, NULL) != 0)
                    continue;
                char cur[64];
                if (info.type == RULES_P_TEXT)
                    snprintf(cur, sizeof cur, "%s", info.text ? info.text : "");
                else
                    snprintf(cur, sizeof cur, "%.15g", info.value);
                if (strcmp(cur, v) == 0)
                    continue; /* no new version for the same value */
                if (model_set_param(&w, ax->name, v, e2, sizeof e2) != 0) {
                    snprintf(err, errlen, "sweep: %s", e2);
                    rc = -1;
                    break;
                }
            }
            if (rc == 0 && model_update(&w, e2, sizeof e2) != 0) {
                snprintf(err, errlen, "sweep: %s", e2);
                rc = -1;
            }
            if (rc == 0) {
                fill_row(&w, row);
                r++;
            }
        }
    }
    model_set_cohort(&w, NULL, NULL, NULL, e2, sizeof e2);
    model_free(&w);
    out->nrows = r;
    out->first = lo;
    out->total = total;
    if (rc == 0 && index_lines(out) != 0) {
        snprintf(err, errlen, "sweep: out of memory");
        rc = -1;
    }
    if (rc != 0)
        sweep_result_free(out);
    return rc;
}

void sweep_result_free(sweep_result *r) {
    free(r->rows);
    free(r->lines);
    r->rows = NULL;
    r->lines = NULL;
    r->nrows = r->nlines = 0;
}

/* ---- the flat columns */

enum { EP_COLS = 20 }; /* group, the group figures, the comparison */
static const char *const os_names[EP_COLS] = {"os_group",         "os_n",
                                              "os_events",        "os_median",
                                              "os_median_lower",  "os_median_upper",
                                              "os_surv_1y",       "os_surv_1y_lower",
                                              "os_surv_1y_upper", "os_surv_2y",
                                              "os_surv_2y_lower", "os_surv_2y_upper",
                                              "os_surv_3y",       "os_surv_3y_lower",
                                              "os_surv_3y_upper", "os_hr",
                                              "os_hr_lower",      "os_hr_upper",
                                              "os_hr_compares",   "os_logrank_p"};
static const char *const pfs_names[EP_COLS] = {"pfs_group",         "pfs_n",
                                               "pfs_events",        "pfs_median",
                                               "pfs_median_lower",  "pfs_median_upper",
                                               "pfs_surv_1y",       "pfs_surv_1y_lower",
                                               "pfs_surv_1y_upper", "pfs_surv_2y",
                                               "pfs_surv_2y_lower", "pfs_surv_2y_upper",
                                               "pfs_surv_3y",       "pfs_surv_3y_lower",
                                               "pfs_surv_3y_upper", "pfs_hr",
                                               "pfs_hr_lower",      "pfs_hr_upper",
                                               "pfs_hr_compares",   "pfs_logrank_p"};

/* Column j < 1 + naxes: the rule set or a param of row. */
static int key_cell(const sweep_result *r, const sweep_row *row, int j, const char **name,
                    double *num, const char **str) {
    if (j == 0) {
        *name = "rule_set";
        *str = row->set;
        return 1;
    }
    *name = r->spec.axis[j - 1].name;
    const char *v = row->value[j - 1];
    char *end;
    double d = strtod(v, &end);
    if (*v && *end == '\0') {
        *num = d;
        return 0;
    }
    if (!*v)
        return 0; /* the set has no such param: NA */
    *str = v;
    return 1;
}

/* Group figures, k = 0..14: n, events, median with CI, 1/2/3-year
 * survival with CI; past 14: -1. */
static const char *const group_cols[] = {"n",
                                         "events",
                                         "median",
                                         "median_lower",
                                         "median_upper",
                                         "surv_1y",
                                         "surv_1y_lower",
                                         "surv_1y_upper",
                                         "surv_2y",
                                         "surv_2y_lower",
                                         "surv_2y_upper",
                                         "surv_3y",
                                         "surv_3y_lower",
                                         "surv_3y_upper"};
enum { GROUP_COLS = 14 };

static double group_num(const model_group *g, int k) {
    switch (k) {
    case 0:
        return (double)g->n;
    case 1:
        return (double)g->events;
    case 2:
        return g->median;
    case 3:
        return g->median_lower;
    case 4:
        return g->median_upper;
    default: {
        int t = (k - 5) / 3, w = (k - 5) % 3;
        return w == 0 ? g->surv[t] : w == 1 ? g->lower[t] : g->upper[t];
    }
    }
}

/* The endpoint's comparison, k = 0..4: hr, hr_lower, hr_upper,
 * hr_compares, logrank_p. */
static int compare_cell(const sweep_ep *se, int k, const char **name, double *num,
                        const char **str) {
    static const char *const names[] = {"hr", "hr_lower", "hr_upper", "hr_compares", "logrank_p"};
    *name = names[k];
    switch (k) {
    case 0:
        *num = se->hr;
        return 0;
    case 1:
        *num = se->hr_lower;
        return 0;
    case 2:
        *num = se->hr_upper;
        return 0;
    case 3:
        *str = isnan(se->hr) ? "" : se->compares;
        return 1;
    default:
        *num = se->p;
        return 0;
    }
}

int sweep_cell(const sweep_result *r, size_t i, int j, const char **name, double *num,
               const char **str) {
    const sweep_row *row = &r->rows[i];
    int na = r->spec.naxes;
    *num = NAN;
    *str = NULL;
    if (j <= na)
        return key_cell(r, row, j, name, num, str);
    j -= na + 1;
    if (j == 0 || j == 1) {
        *name = j == 0 ? "n" : "selected";
        *num = (double)(j == 0 ? row->n : row->nselected);
        return 0;
    }
    j -= 2;
    if (j < 0 || j >= MODEL_NENDPOINTS * EP_COLS) {
        *name = NULL;
        return -1;
    }
    int e = j / EP_COLS, k = j % EP_COLS;
    const sweep_ep *se = &row->ep[e];
    *name = e == MODEL_OS ? os_names[k] : pfs_names[k];
    if (k == 0) {
        *str = se->available ? se->g[0].label : "";
        return 1;
    }
    if (k <= GROUP_COLS) {
        *num = se->available ? group_num(&se->g[0], k - 1) : NAN;
        return 0;
    }
    const char *dummy;
    return compare_cell(se, k - 1 - GROUP_COLS, &dummy, num, str);
}

int sweep_long_cell(const sweep_result *r, size_t i, int j, const char **name, double *num,
                    const char **str) {
    const sweep_line *ln = &r->lines[i];
    const sweep_row *row = &r->rows[ln->row];
    const sweep_ep *se = &row->ep[ln->e];
    const model_group *g = ln->g >= 0 ? &se->g[ln->g] : NULL;
    int na = r->spec.naxes;
    *num = NAN;
    *str = NULL;
    if (j <= na)
        return key_cell(r, row, j, name, num, str);
    j -= na + 1;
    switch (j) {
    case 0:
        *name = "n";
        *num = (double)row->n;
        return 0;
    case 1:
        *name = "selected";
        *num = (double)row->nselected;
        return 0;
    case 2:
        *name = "endpoint";
        *str = ln->e == MODEL_OS ? "OS" : "PFS";
        return 1;
    case 3:
        *name = "group";
        *str = g ? g->label : "";
        return 1;
    default:
        break;
    }
    j -= 4;
    if (j < GROUP_COLS) {
        *name = j == 0 ? "group_n" : group_cols[j];
        *num = g ? group_num(g, j) : j == 0 ? 0 : NAN;
        return 0;
    }
    j -= GROUP_COLS;
    if (j < 3) {
        static const char *const rm[] = {"rmst", "rmst_se", "rmst_horizon"};
        *name = rm[j];
        *num = !g ? NAN : j == 0 ? g->rmst : j == 1 ? g->rmst_se : r->horizon;
        return 0;
    }
    j -= 3;
    if (j < 5)
        return compare_cell(se, j, name, num, str);
    *name = NULL;
    return -1;
}

/* ---- the tables */

int sweep_table(const sweep_result *r, rtable *t) {
    const char *name, *str;
    double num;
    int ncols = 0;
    while (r->nlines && sweep_long_cell(r, 0, ncols, &name, &num, &str) >= 0)
        ncols++;
    if (rtable_init(t, (size_t)ncols) != 0)
        return -1;
    for (int j = 0; j < ncols; j++) {
        int kind = sweep_long_cell(r, 0, j, &name, &num, &str);
        if (j >= 1 && j <= r->spec.naxes) /* a param: text if any line has text */
            for (size_t i = 0; i < r->nlines && kind == 0; i++)
                kind = sweep_long_cell(r, i, j, &name, &num, &str);
        rtable_col_set(t, (size_t)j, name, kind == 1 ? RTABLE_TEXT : RTABLE_NUM, NULL, kind == 1);
    }
    for (size_t i = 0; i < r->nlines; i++) {
        size_t row = rtable_add_row(t);
        for (int j = 0; j < ncols; j++) {
            if (sweep_long_cell(r, i, j, &name, &num, &str) == 1)
                rtable_set_text(t, row, (size_t)j, str);
            else
                rtable_set_num(t, row, (size_t)j, num);
        }
    }
    return t->failed ? -1 : 0;
}

/* The compact table for people (Markdown and text): rounded medians, HRs
 * and survival, one row per rule set and grid point. */
static int compact_table(const sweep_result *r, rtable *t) {
    static const char *const eps[] = {"OS", "PFS"};
    int ncols = 2 + r->spec.naxes + 4 * MODEL_NENDPOINTS;
    if (rtable_init(t, (size_t)ncols) != 0)
        return -1;
    size_t j = 0;
    rtable_col_set(t, j++, "rule set", RTABLE_TEXT, NULL, 1);
    for (int a = 0; a < r->spec.naxes; a++)
        rtable_col_set(t, j++, r->spec.axis[a].name, RTABLE_TEXT, NULL, 0);
    rtable_col_set(t, j++, "selected", RTABLE_COUNT, NULL, 0);
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        char title[64];
        static const char *const what[] = {"group", "median (95% CI)", "1y/2y/3y %", "HR (95% CI)"};
        for (int k = 0; k < 4; k++) {
            snprintf(title, sizeof title, "%s %s", eps[e], what[k]);
            rtable_col_set(t, j++, title, RTABLE_TEXT, k == 1 ? "months" : NULL, 0);
        }
    }
    for (size_t i = 0; i < r->nrows; i++) {
        const sweep_row *row = &r->rows[i];
        size_t ri = rtable_add_row(t);
        j = 0;
        rtable_set_text(t, ri, j++, row->set);
        for (int a = 0; a < r->spec.naxes; a++)
            rtable_set_text(t, ri, j++, row->value[a][0] ? row->value[a] : "-");
        rtable_set_num(t, ri, j++, (double)row->nselected);
        for (int e = 0; e < MODEL_NENDPOINTS; e++) {
            const sweep_ep *se = &row->ep[e];
            if (!se->available) {
                for (int k = 0; k < 4; k++)
                    rtable_set_text(t, ri, j++, "-");
                continue;
            }
            char a[16], b[16], c[16];
            const model_group *g = &se->g[0];
            rtable_set_textf(t, ri, j++, "%.30s (n=%zu)", g->label, g->n);
            rtable_set_textf(t, ri, j++, "%s (%s-%s)", view_num(g->median, 1, "NR", a, sizeof a),
                             view_num(g->median_lower, 1, "NR", b, sizeof b),
                             view_num(g->median_upper, 1, "NR", c, sizeof c));
            rtable_set_textf(t, ri, j++, "%s/%s/%s",
                             view_num(100 * g->surv[0], 0, "NA", a, sizeof a),
                             view_num(100 * g->surv[1], 0, "NA", b, sizeof b),
                             view_num(100 * g->surv[2], 0, "NA", c, sizeof c));
            if (isnan(se->hr))
                rtable_set_text(t, ri, j++, "NA");
            else
                rtable_set_textf(t, ri, j++, "%.2f (%.2f-%.2f)", se->hr, se->hr_lower,
                                 se->hr_upper);
        }
    }
    return t->failed ? -1 : 0;
}

int sweep_write(FILE *f, export_format fmt, const sweep_result *r, const export_provenance *p,
                char *err, size_t errlen) {
    if (fmt != EXPORT_CSV && fmt != EXPORT_JSON && fmt != EXPORT_MD) {
        snprintf(err, errlen, "sweeps are written as .csv, .md or .json");
        return -1;
    }
    rtable t;
    int rc = fmt == EXPORT_MD ? compact_table(r, &t) : sweep_table(r, &t);
    if (rc == 0 && fmt == EXPORT_CSV) {
        if (p)
            export_provenance_write(f, EXPORT_CSV, p);
        rc = rtable_write_csv(f, &t);
    } else if (rc == 0 && fmt == EXPORT_JSON) {
        fputs("{\n  ", f);
        if (p) {
            export_provenance_write(f, EXPORT_JSON, p);
            fputs(",\n  ", f);
        }
        fputs("\"time_unit\": \"months\",\n  \"rows\": ", f);
        rc = rtable_write_json(f, &t, "  ");
        fputs("\n}\n", f);
    } else if (rc == 0) {
        fputs("## Sweep\n\n", f);
        rc = rtable_write_md(f, &t);
        fputs("\nMedians in months; 1y/2y/3y: Kaplan-Meier survival at 12, 24 and 36 months (%); "
              "HR: Cox (Efron ties), the group shown against the others; NR: not reached.\n",
              f);
        if (p)
            export_provenance_write(f, EXPORT_MD, p);
    }
    rtable_free(&t);
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}

char *sweep_text(const sweep_result *r) {
    rtable t;
    char *out = compact_table(r, &t) == 0 ? rtable_text(&t) : NULL;
    rtable_free(&t);
    return out;
}
