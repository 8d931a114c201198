/* model.c - cohort + rules -> selection, attrition and outcome (see model.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "model.h"
#include "text.h"

#include "interrupt.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cox.h"
#include "endpoint.h"
#include "km_boot.h"

/* The outcome's arm names are handed to the endpoint as they are. */
_Static_assert(sizeof((model_outcome *)0)->arm_name[0] == ENDPOINT_ARM_NAME,
               "model_outcome.arm_name rows are ENDPOINT_ARM_NAME bytes");
#include "logrank.h"

const double model_times[MODEL_NTIMES] = {12, 24, 36};

static const char *const ep_name[MODEL_NENDPOINTS] = {"OS", "PFS"};
static const char *const ep_time[MODEL_NENDPOINTS] = {"os_time", "pfs_time"};
static const char *const ep_event[MODEL_NENDPOINTS] = {"os_event", "pfs_event"};

int model_init(model *m, rules *engine, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->rules = engine;
    if (m->rules == NULL) {
        m->rules = rules_new(0, 0, err, errlen);
        if (m->rules == NULL)
            return -1;
        m->owns_rules = 1;
    }
    m->horizon = 36;
    m->to_months = 1;
    snprintf(m->time_unit, sizeof m->time_unit, "months");
    return 0;
}

void model_outcome_clear(model_outcome *o) {
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        km_fit_free(o->ep[e].fit);
        km_fit_free(o->by_ep[e].fit);
        km_fit_free(o->ref_ep[e].fit);
    }
    free(o->steps);
    free(o->step_name);
    memset(o, 0, sizeof *o);
}

static void drop_cohort_caches(model *m) {
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        endpoint_data_free(m->ep[e]);
        m->ep[e] = NULL;
    }
}

void model_free(model *m) {
    rules_eval_free(m->ev);
    model_outcome_clear(&m->cur);
    model_outcome_clear(&m->prev);
    drop_cohort_caches(m);
    if (m->owns_rules)
        rules_free(m->rules);
    memset(m, 0, sizeof *m);
}

/* Each endpoint's entries, sorted once per cohort (the two endpoints on
 * two threads for a large cohort).  A column that is there but unusable
 * (text, a negative time, a bad event code) refuses the cohort. */
typedef struct build_job {
    model *m;
    int e;
    char err[200];
} build_job;

static void *build_endpoint(void *p) {
    build_job *j = p;
    j->m->ep[j->e] = endpoint_data_new(j->m->cohort, ep_time[j->e], ep_event[j->e], j->m->simulated,
                                       j->m->to_months, j->err, sizeof j->err);
    return NULL;
}

static int build_endpoints(model *m, char *err, size_t errlen) {
    build_job job[MODEL_NENDPOINTS] = {{m, MODEL_OS, ""}, {m, MODEL_PFS, ""}};
    pthread_t th;
    int threaded = cohort_nrows(m->cohort) >= 50000 &&
                   pthread_create(&th, NULL, build_endpoint, &job[MODEL_PFS]) == 0;
    build_endpoint(&job[MODEL_OS]);
    if (threaded)
        pthread_join(th, NULL);
    else
        build_endpoint(&job[MODEL_PFS]);
    for (int e = 0; e < MODEL_NENDPOINTS; e++)
        if (job[e].err[0]) {
            snprintf(err, errlen, "%s", job[e].err);
            return -1;
        }
    return 0;
}

int model_set_cohort(model *m, cohort *c, const char *name, const char *time_unit, char *err,
                     size_t errlen) {
    double to_months;
    if (time_unit == NULL || strcmp(time_unit, "months") == 0)
        to_months = 1;
    else if (strcmp(time_unit, "days") == 0)
        to_months = 12 / 365.25;
    else {
        snprintf(err, errlen, "time unit must be months or days, not '%s'", time_unit);
        return -1;
    }
    rules_eval_free(m->ev);
    m->ev = NULL;
    model_outcome_clear(&m->cur);
    model_outcome_clear(&m->prev);
    drop_cohort_caches(m);
    m->by[0] = '\0'; /* another cohort's columns */
    m->cohort = c;
    m->to_months = to_months;
    snprintf(m->time_unit, sizeof m->time_unit, "%s", time_unit ? time_unit : "months");
    snprintf(m->cohort_name, sizeof m->cohort_name, "%s", name ? name : "");
    m->cohort_source[0] = '\0';
    m->case_row = 0;
    m->simulated = 0;
    if (c == NULL)
        return 0;
    for (size_t i = 0; i < cohort_ncols(c); i++)
        if (strncmp(cohort_col(c, i)->name, "os_time@", 8) == 0)
            m->simulated = 1;
    if (build_endpoints(m, err, errlen) != 0) {
        drop_cohort_caches(m);
        m->cohort = NULL;
        return -1;
    }
    return 0;
}

static int ensure_eval(model *m, char *err, size_t errlen) {
    if (m->ev || m->cohort == NULL || !m->set[0])
        return 0;
    m->ev = rules_eval_new(m->rules, m->set, m->cohort, err, errlen);
    return m->ev ? 0 : -1;
}

int model_load_rules(model *m, const char *path, char *err, size_t errlen) {
    size_t before = rules_nsets(m->rules);
    char **names = calloc(before + 1, sizeof *names);
    if (names == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < before; i++)
        names[i] = strdup(rules_set_name(m->rules, i));
    int rc = rules_load(m->rules, path, err, errlen);
    /* A file that brings new rule sets makes its first one active. */
    const char *fresh = NULL;
    for (size_t i = 0; rc == 0 && fresh == NULL && i < rules_nsets(m->rules); i++) {
        const char *name = rules_set_name(m->rules, i);
        int old = 0;
        for (size_t j = 0; j < before; j++)
            old |= names[j] && strcmp(names[j], name) == 0;
        if (!old)
            fresh = name;
    }
    for (size_t i = 0; i < before; i++)
        free(names[i]);
    free(names);
    if (rc != 0)
        return -1;
    if (fresh)
        return model_use(m, fresh, err, errlen);
    int found = 0;
    for (size_t i = 0; i < rules_nsets(m->rules); i++)
        if (strcmp(rules_set_name(m->rules, i), m->set) == 0)
            found = 1;
    if (!found && rules_nsets(m->rules) > 0)
        return model_use(m, rules_set_name(m->rules, 0), err, errlen);
    return 0;
}

/* " (did you mean 'x'?)" or "" */
static const char *suggest(const char *word, const char *const *names, size_t n, char *buf,
                           size_t len) {
    const char *c = tnm_closest(word, names, n);
    if (c)
        snprintf(buf, len, " (did you mean '%s'?)", c);
    else
        buf[0] = '\0';
    return buf;
}

static const char *suggest_set(model *m, const char *word, char *buf, size_t len) {
    const char *names[64];
    size_t n = rules_nsets(m->rules);
    if (n > 64)
        n = 64;
    for (size_t i = 0; i < n; i++)
        names[i] = rules_set_name(m->rules, i);
    return suggest(word, names, n, buf, len);
}

static const char *suggest_param(model *m, const char *word, char *buf, size_t len) {
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < rules_nparams(m->rules, m->set) && n < 64; i++) {
        rules_param_info p;
        if (rules_param(m->rules, m->set, i, &p) == 0)
            names[n++] = p.name;
    }
    return suggest(word, names, n, buf, len);
}

int model_use(model *m, const char *name, char *err, size_t errlen) {
    for (size_t i = 0; i < rules_nsets(m->rules); i++)
        if (strcmp(rules_set_name(m->rules, i), name) == 0) {
            if (strcmp(m->set, name) != 0) {
                rules_eval_free(m->ev);
                m->ev = NULL;
                snprintf(m->set, sizeof m->set, "%s", name);
            }
            return 0;
        }
    char hint[128];
    snprintf(err, errlen, "no rule set '%s'%s (type `rules` to list them)", name,
             suggest_set(m, name, hint, sizeof hint));
    return -1;
}

static int find_param(model *m, const char *name, rules_param_info *info) {
    size_t np = rules_nparams(m->rules, m->set);
    for (size_t i = 0; i < np; i++)
        if (rules_param(m->rules, m->set, i, info) == 0 && strcmp(info->name, name) == 0)
            return 0;
    return -1;
}

int model_set_param(model *m, const char *name, const char *value, char *err, size_t errlen) {
    if (!m->set[0]) {
        snprintf(err, errlen, "no rule set is active (use NAME, or load rules FILE)");
        return -1;
    }
    rules_param_info info;
    if (find_param(m, name, &info) != 0) {
        char hint[128];
        snprintf(err, errlen, "rule set '%s' has no param '%s'%s", m->set, name,
                 suggest_param(m, name, hint, sizeof hint));
        return -1;
    }
    if (info.type == RULES_P_TEXT)
        return rules_set_param(m->rules, m->set, name, 0, value, err, errlen);
    double v;
    if (rules_param_read(&info, value, &v, err, errlen) != 0)
        return -1;
    return rules_set_param(m->rules, m->set, name, v, NULL, err, errlen);
}

int model_reset_param(model *m, const char *name, char *err, size_t errlen) {
    if (!m->set[0]) {
        snprintf(err, errlen, "no rule set is active");
        return -1;
    }
    size_t np = rules_nparams(m->rules, m->set);
    int done = 0;
    for (size_t i = 0; i < np; i++) {
        rules_param_info info;
        if (rules_param(m->rules, m->set, i, &info) != 0)
            continue;
        if (name && strcmp(info.name, name) != 0)
            continue;
        done = 1;
        int same = info.type == RULES_P_TEXT ? strcmp(info.text, info.text_def) == 0
                                             : info.value == info.def;
        if (!same &&
            rules_set_param(m->rules, m->set, info.name, info.def, info.text_def, err, errlen) != 0)
            return -1;
    }
    if (!done && name) {
        char hint[128];
        snprintf(err, errlen, "rule set '%s' has no param '%s'%s", m->set, name,
                 suggest_param(m, name, hint, sizeof hint));
        return -1;
    }
    return 0;
}

/* --- the outcome ------------------------------------------------------------ */
static void fill_group(model *m, const km_curve *c, double landmark, model_group *g) {
    g->n = c->n;
    g->events = c->events;
    double L = isnan(landmark) ? 0 : landmark;
    g->median = c->median - L;
    g->median_lower = c->median_lower - L;
    g->median_upper = c->median_upper - L;
    double at[MODEL_NTIMES];
    for (int k = 0; k < MODEL_NTIMES; k++)
        at[k] = model_times[k] + L;
    km_point pt[MODEL_NTIMES];
    km_at(c, at, MODEL_NTIMES, 0, pt);
    for (int k = 0; k < MODEL_NTIMES; k++) {
        g->surv[k] = pt[k].in_range ? pt[k].surv : NAN;
        g->lower[k] = pt[k].in_range ? pt[k].lower : NAN;
        g->upper[k] = pt[k].in_range ? pt[k].upper : NAN;
    }
    /* No events before the landmark (those rows are out), so the area
     * from L to L + horizon is the restricted mean of the shifted curve. */
    g->rmst = g->rmst_se = NAN; /* an empty group has none */
    if (c->n > 0 && km_rmean(c, L + m->horizon, &g->rmst, &g->rmst_se) == 0)
        g->rmst -= L;
}

static void shift_fit(km_fit *f, double L) {
    for (int32_t s = 0; s < f->nstrata; s++)
        for (size_t i = 0; i < f->strata[s].ntime; i++)
            f->strata[s].time[i] -= L;
}

/* Endpoint e of outcome o into ep: by the groups grp (a real cohort's
 * selected / not selected) or the arms (simulated); with labels, by the
 * groups grp named so, under the arms on a simulated cohort (km BY). */
static void compute_endpoint(model *m, model_outcome *o, model_endpoint *ep, int e,
                             const int32_t *grp, int ngroups, const int16_t *arm,
                             const char (*labels)[64]) {
    ep->name = ep_name[e];
    ep->chisq = ep->p = ep->hr = ep->hr_lower = ep->hr_upper = ep->followup = NAN;
    double L = o->landmark;
    char err[180];
    if (m->simulated && o->narms == 0) {
        snprintf(ep->message, sizeof ep->message,
                 "no arm assigned: a simulated patient's "
                 "outcome is that of an arm (add arm { \"radical\", when = \"eligible\" }, "
                 "arm { \"systemic\" })");
        return;
    }
    if (m->ep[e] == NULL) {
        if (m->simulated)
            snprintf(ep->message, sizeof ep->message, "no potential outcomes %s@ARM/%s@ARM",
                     ep_time[e], ep_event[e]);
        else
            snprintf(ep->message, sizeof ep->message, "no %s/%s columns", ep_time[e], ep_event[e]);
        return;
    }
    endpoint_choice ch = {.landmark = L, .ngroups = ngroups};
    if (m->simulated) {
        ch.arm = arm;
        ch.arm_name = (const char(*)[ENDPOINT_ARM_NAME])o->arm_name;
        ch.narms = o->narms;
    }
    if (!m->simulated || labels)
        ch.group = grp;
    endpoint_pick pk;
    if (endpoint_select(m->ep[e], &ch, &pk, err, sizeof err) != 0) {
        snprintf(ep->message, sizeof ep->message, "%s", err);
        return;
    }
    /* before the landmark; with no time (a real cohort's missing time, or
     * a simulated arm the patient has no outcome under) */
    ep->n_dropped = pk.before_landmark + pk.untimed;
    if (m->simulated && pk.untimed && e == MODEL_OS && !labels) {
        size_t len = strlen(o->warning);
        snprintf(o->warning + len, sizeof o->warning - len,
                 "%s%zu patients are assigned an arm they cannot receive (no outcome "
                 "under it; e.g. radical therapy with untreatable sites)",
                 len ? "; " : "", pk.untimed);
    }
    const surv_input in = pk.in;
    km_options ko = {.conf_type = SURV_CONF_LOG, .conf_level = 0.95};
    if (km_compute(&in, &ko, &ep->fit, err, sizeof err) != 0) {
        snprintf(ep->message, sizeof ep->message, "%s", err);
        return;
    }
    ep->n_dropped += ep->fit->n_missing;
    ep->ngroups = ngroups;
    for (int g = 0; g < ngroups; g++) {
        snprintf(ep->g[g].label, sizeof ep->g[g].label, "%s",
                 labels         ? labels[g]
                 : m->simulated ? o->arm_name[g]
                 : g == 0       ? "selected"
                                : "not selected");
        fill_group(m, &ep->fit->strata[g], L, &ep->g[g]);
    }
    if (!isnan(L))
        shift_fit(ep->fit, L);
    ep->available = ep->fit->n_used > 0;
    if (!ep->available)
        snprintf(ep->message, sizeof ep->message, "no patients with a known %s", ep->name);

    int with_rows = 0;
    for (int g = 0; g < ngroups; g++)
        with_rows += ep->g[g].n > 0;
    if (with_rows >= 2) {
        logrank_result *lr = NULL;
        if (logrank_compute(&in, &lr, err, sizeof err) == 0) {
            ep->chisq = lr->chisq;
            ep->df = lr->df;
            ep->p = lr->p;
        }
        logrank_free(lr);
    }
    int want_hr = m->want_hr || ep->fit->n_used <= MODEL_HR_AUTO_MAX;
    if (ngroups == 2 && ep->g[0].events > 0 && ep->g[1].events > 0 && !want_hr)
        ep->hr_skipped = 1;
    if (want_hr && ngroups == 2 && ep->g[0].events > 0 && ep->g[1].events > 0) {
        int8_t *flag = malloc(in.nrows + 1);
        if (flag && endpoint_pick_columns(&pk) == 0) {
            for (size_t i = 0; i < in.nrows; i++)
                flag[i] = in.group[i] < 0 ? -1 : in.group[i] == 0;
            cox_covariate cv = {.name = "group", .flag = flag};
            cox_options co = {.ties = COX_EFRON, .conf_level = 0.95};
            cox_result *cr = NULL;
            if (cox_fit(&in, &cv, 1, &co, &cr, err, sizeof err) == 0 && cr->p == 1) {
                ep->hr = cr->hr[0];
                ep->hr_lower = cr->lower[0];
                ep->hr_upper = cr->upper[0];
            }
            cox_free(cr);
            free(flag);
        }
    }
    /* Median follow-up: reverse Kaplan-Meier over everybody used. */
    surv_input all = pk.pooled;
    km_options rev = {.conf_type = SURV_CONF_NONE, .conf_level = 0.95, .reverse = 1};
    double fu;
    if (km_median(&all, &rev, &fu, err, sizeof err) == 0)
        ep->followup = fu - (isnan(L) ? 0 : L);
}

/* OS and PFS are independent: on a large cohort the second endpoint runs
 * on a thread of its own (the statistics share no state; the per-arm order
 * caches are built first, so the threads only read the model).  Results do
 * not depend on the threads. */
typedef struct endpoint_job {
    model *m;
    model_outcome *o;
    model_endpoint *ep;
    int e, ngroups;
    const int32_t *grp;
    const int16_t *arm;
    const char (*labels)[64];
} endpoint_job;

static void *endpoint_thread(void *p) {
    endpoint_job *j = p;
    compute_endpoint(j->m, j->o, j->ep, j->e, j->grp, j->ngroups, j->arm, j->labels);
    return NULL;
}

/* OS and PFS into eps[], by grp (labels NULL: the outcome's own groups). */
static void compute_endpoints(model *m, model_outcome *o, model_endpoint *eps, const int32_t *grp,
                              int ngroups, const int16_t *arm, const char (*labels)[64]) {
    size_t n = cohort_nrows(m->cohort);
    pthread_t th;
    endpoint_job job = {m, o, &eps[MODEL_PFS], MODEL_PFS, ngroups, grp, arm, labels};
    int threaded = n >= 50000 && pthread_create(&th, NULL, endpoint_thread, &job) == 0;
    compute_endpoint(m, o, &eps[MODEL_OS], MODEL_OS, grp, ngroups, arm, labels);
    if (threaded)
        pthread_join(th, NULL);
    else
        compute_endpoint(m, o, &eps[MODEL_PFS], MODEL_PFS, grp, ngroups, arm, labels);
}

/* The groups of km BY that a plot can draw: *grp (allocated here, the
 * caller frees it) and label as model_by_groups gives them, at most
 * MODEL_MAX_GROUPS.  0, or -1 with err (*grp NULL). */
static int plot_groups(const model *m, rules_eval *ev, const char *by, int32_t **grp,
                       char label[MODEL_BY_MAX][64], int *ng, size_t *missing, char *err,
                       size_t errlen) {
    size_t n = cohort_nrows(m->cohort);
    *grp = malloc(n * sizeof **grp + 1);
    if (*grp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = model_by_groups(m, ev, by, *grp, label, ng, missing, err, errlen);
    if (rc == 0 && *ng > MODEL_MAX_GROUPS) {
        snprintf(err, errlen, "'%s' has %d values; the plot draws at most %d groups", by, *ng,
                 MODEL_MAX_GROUPS);
        rc = -1;
    }
    if (rc != 0) {
        free(*grp);
        *grp = NULL;
    }
    return rc;
}

/* km BY: OS and PFS by m->by's values into o->by_ep.  A column that went
 * away (another cohort) leaves the plot to the arms, with a message. */
static int compute_by(model *m, model_outcome *o, const int16_t *arm, char *err, size_t errlen) {
    int32_t *grp;
    char label[MODEL_BY_MAX][64];
    int ng = 0;
    if (plot_groups(m, m->ev, m->by, &grp, label, &ng, &o->by_missing, err, errlen) != 0)
        return -1;
    snprintf(o->by, sizeof o->by, "%s", m->by);
    compute_endpoints(m, o, o->by_ep, grp, ng, arm, (const char(*)[64])label);
    free(grp);
    return 0;
}

static int compute_outcome(model *m, model_outcome *o, char *err, size_t errlen) {
    size_t n = cohort_nrows(m->cohort);
    o->valid = 1;
    o->version = rules_version(m->rules);
    snprintf(o->set, sizeof o->set, "%s", m->set);
    o->n = n;
    o->nselected = rules_eval_nselected(m->ev);
    o->landmark = rules_eval_landmark(m->ev);
    o->narms = rules_eval_narms(m->ev);
    if (o->narms > MODEL_MAX_GROUPS)
        o->narms = MODEL_MAX_GROUPS;
    for (size_t a = 0; a < o->narms; a++)
        snprintf(o->arm_name[a], sizeof o->arm_name[a], "%s", rules_eval_arm_name(m->ev, a));
    const int16_t *arm = rules_eval_arms(m->ev);
    for (size_t a = 0; a < o->narms; a++)
        o->arm_count[a] = rules_eval_arm_count(m->ev, a);
    o->nsteps = rules_eval_attrition(m->ev, NULL, 0);
    o->steps = calloc(o->nsteps + 1, sizeof *o->steps);
    o->step_name = calloc(o->nsteps + 1, sizeof *o->step_name);
    if (!o->steps || !o->step_name) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rules_eval_attrition(m->ev, o->steps, o->nsteps);
    /* The engine's names change with its versions; keep our own copies. */
    for (size_t k = 0; k < o->nsteps; k++) {
        snprintf(o->step_name[k], sizeof o->step_name[k], "%s", o->steps[k].name);
        o->steps[k].name = o->step_name[k];
        o->steps[k].reason = NULL;
    }
    for (size_t i = 0;; i++) {
        const char *w = rules_set_warning(m->rules, m->set, i);
        if (w == NULL)
            break;
        size_t len = strlen(o->warning);
        snprintf(o->warning + len, sizeof o->warning - len, "%s%s", len ? "; " : "", w);
    }
    /* a simulated cohort's groups are the arms (the endpoint reads them) */
    int32_t *grp = m->simulated ? NULL : malloc(n * sizeof(int32_t) + 1);
    if (!m->simulated && grp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const uint8_t *sel = rules_eval_selected(m->ev);
    int ngroups;
    if (m->simulated) {
        ngroups = (int)o->narms;
    } else {
        for (size_t i = 0; i < n; i++)
            grp[i] = sel[i] == EXPR_TRUE ? 0 : 1;
        ngroups = 2;
    }
    compute_endpoints(m, o, o->ep, grp, ngroups, arm, NULL);
    if (m->ref && grp == NULL)
        grp = malloc(n * sizeof(int32_t) + 1);
    if (m->ref && grp) { /* everybody, one group */
        static const char all[1][64] = {"all patients"};
        for (size_t i = 0; i < n; i++)
            grp[i] = 0;
        compute_endpoints(m, o, o->ref_ep, grp, 1, arm, all);
    }
    free(grp);
    if (m->by[0]) {
        char e2[256];
        if (compute_by(m, o, arm, e2, sizeof e2) != 0) {
            size_t len = strlen(o->warning);
            snprintf(o->warning + len, sizeof o->warning - len,
                     "%skm %s: %s; the plot shows the "
                     "arms",
                     len ? "; " : "", m->by, e2);
            m->by[0] = '\0';
        }
    }
    return 0;
}

/* The current outcome computed again in place (the previous one stays
 * `prev`): after a change that is no new version of the rules. */
static int recompute_current(model *m, char *err, size_t errlen) {
    if (!m->cur.valid)
        return model_update(m, err, errlen);
    if (model_evaluation(m, err, errlen) == NULL) /* the outcome reads the evaluation */
        return err[0] ? -1 : 0;
    model_outcome next;
    memset(&next, 0, sizeof next);
    if (compute_outcome(m, &next, err, errlen) != 0) {
        model_outcome_clear(&next);
        return -1;
    }
    model_outcome_clear(&m->cur);
    m->cur = next;
    m->updates++;
    return 0;
}

int model_median_diff(model *m, int e, int B, unsigned long seed, km_boot_result *out, char *err,
                      size_t errlen) {
    if (model_evaluation(m, err, errlen) == NULL) {
        if (!err[0])
            snprintf(err, errlen, "needs a cohort and an active rule set");
        return -1;
    }
    const model_outcome *o = &m->cur;
    const model_endpoint *ep = &o->ep[e];
    if (!ep->available) {
        snprintf(err, errlen, "%s: %s", ep_name[e], ep->message);
        return -1;
    }
    if (ep->ngroups != 2) {
        snprintf(err, errlen, "%s has %d groups; the median difference compares two", ep_name[e],
                 ep->ngroups);
        return -1;
    }
    size_t n = cohort_nrows(m->cohort);
    int32_t *grp = NULL;
    endpoint_choice ch = {.landmark = o->landmark, .ngroups = 2};
    if (m->simulated) {
        ch.arm = rules_eval_arms(m->ev);
        ch.arm_name = (const char(*)[ENDPOINT_ARM_NAME])o->arm_name;
        ch.narms = o->narms;
    } else {
        const uint8_t *sel = rules_eval_selected(m->ev);
        if ((grp = malloc(n * sizeof *grp + 1)) == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            grp[i] = sel[i] == EXPR_TRUE ? 0 : 1;
        ch.group = grp;
    }
    endpoint_pick pk;
    int rc = endpoint_select(m->ep[e], &ch, &pk, err, errlen);
    if (rc == 0)
        rc = km_median_diff_boot(&pk.in, B, seed, 0.95, out, err, errlen);
    free(grp);
    if (rc == 0 && !isnan(o->landmark))
        for (int g = 0; g < 2; g++)
            out->median[g] -= o->landmark; /* a difference does not move */
    return rc;
}

int model_want_hr(model *m, char *err, size_t errlen) {
    m->want_hr = 1;
    return recompute_current(m, err, errlen);
}

int model_set_ref(model *m, int on, char *err, size_t errlen) {
    if ((m->ref != 0) == (on != 0))
        return 0;
    m->ref = on != 0;
    return recompute_current(m, err, errlen);
}

int model_set_by(model *m, const char *by, char *err, size_t errlen) {
    if (by == NULL || !*by) {
        if (!m->by[0])
            return 0;
        m->by[0] = '\0';
        return recompute_current(m, err, errlen);
    }
    if (m->cohort == NULL) {
        snprintf(err, errlen, "no cohort is loaded");
        return -1;
    }
    rules_eval *ev = model_evaluation(m, err, errlen);
    if (ev == NULL && err[0])
        return -1;
    int32_t *grp;
    char label[MODEL_BY_MAX][64];
    int ng = 0;
    if (plot_groups(m, ev, by, &grp, label, &ng, NULL, err, errlen) != 0)
        return -1;
    free(grp);
    char old[sizeof m->by];
    snprintf(old, sizeof old, "%s", m->by);
    snprintf(m->by, sizeof m->by, "%s", by);
    if (recompute_current(m, err, errlen) != 0) {
        snprintf(m->by, sizeof m->by, "%s", old);
        return -1;
    }
    return 0;
}

/* Puts the rules back to the version and set that cur shows, after Ctrl-C
 * stopped the evaluation of a later one. */
static void roll_back(model *m) {
    while (rules_version(m->rules) > m->cur.version && rules_undo(m->rules) == 0)
        ;
    if (strcmp(m->set, m->cur.set) != 0) {
        rules_eval_free(m->ev);
        m->ev = NULL;
        snprintf(m->set, sizeof m->set, "%s", m->cur.set);
    }
}

static int shows_current(const model *m) {
    return m->cur.valid && m->cur.version == rules_version(m->rules) &&
           strcmp(m->cur.set, m->set) == 0;
}

/* Does ev hold the selection of the current version? */
static int evaluated(const model *m) {
    return m->ev && rules_eval_selected(m->ev) != NULL;
}

int model_update(model *m, char *err, size_t errlen) {
    if (m->cohort == NULL || !m->set[0])
        return 0;
    /* After Ctrl-C (roll_back) the outcome still shows this version but the
     * evaluation holds nothing: keep showing it, start nothing again;
     * model_evaluation runs it when a command needs it. */
    if (shows_current(m) && !evaluated(m))
        return 0;
    if (ensure_eval(m, err, errlen) != 0)
        return -1;
    if (rules_eval_run(m->ev, 0, err, errlen) != 0) {
        if (tnm_interrupted() && m->cur.valid && !shows_current(m)) {
            roll_back(m);
            size_t k = strlen(err);
            snprintf(err + k, errlen - k,
                     "; stopped: the rules are back at %s version %d, "
                     "as shown (redo tries the change again)",
                     m->cur.set, m->cur.version);
        }
        return -1;
    }
    if (shows_current(m))
        return 0;
    model_outcome next;
    memset(&next, 0, sizeof next);
    if (compute_outcome(m, &next, err, errlen) != 0) {
        model_outcome_clear(&next);
        return -1;
    }
    model_outcome_clear(&m->prev);
    m->prev = m->cur;
    m->cur = next;
    m->updates++;
    return 0;
}

rules_eval *model_evaluation(model *m, char *err, size_t errlen) {
    err[0] = '\0';
    if (model_update(m, err, errlen) != 0)
        return NULL;
    if (m->cohort == NULL || !m->set[0] || ensure_eval(m, err, errlen) != 0)
        return NULL;
    if (!evaluated(m) && rules_eval_run(m->ev, 0, err, errlen) != 0) /* stopped earlier */
        return NULL;
    return m->ev;
}

int model_group_outcome(model *m, int e, rules_eval *ev, const uint8_t *mask, const char *arm,
                        const char *label, model_group *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    snprintf(out->label, sizeof out->label, "%s", label);
    out->median = out->median_lower = out->median_upper = NAN;
    for (int k = 0; k < MODEL_NTIMES; k++)
        out->surv[k] = out->lower[k] = out->upper[k] = NAN;
    out->rmst = out->rmst_se = NAN;
    if (m->ep[e] == NULL) {
        if (m->simulated)
            snprintf(err, errlen, "no potential outcomes %s@ARM/%s@ARM in this cohort", ep_time[e],
                     ep_event[e]);
        else
            snprintf(err, errlen, "no %s/%s columns", ep_time[e], ep_event[e]);
        return -1;
    }
    size_t n = cohort_nrows(m->cohort);
    double L = rules_eval_landmark(ev);
    int32_t *grp = malloc(n * sizeof *grp + 1);
    if (grp == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        grp[i] = mask[i] ? 0 : -1;
    char names[MODEL_MAX_GROUPS][ENDPOINT_ARM_NAME];
    endpoint_choice ch = {.group = grp, .ngroups = 1, .landmark = L};
    if (m->simulated && arm) {
        ch.only_arm = arm; /* everybody's potential outcome under one arm */
    } else if (m->simulated) {
        ch.arm = rules_eval_arms(ev); /* the observed outcome: the arm assigned */
        ch.narms = rules_eval_narms(ev);
        if (ch.narms > MODEL_MAX_GROUPS)
            ch.narms = MODEL_MAX_GROUPS;
        for (size_t a = 0; a < ch.narms; a++)
            snprintf(names[a], sizeof names[a], "%s", rules_eval_arm_name(ev, a));
        ch.arm_name = (const char(*)[ENDPOINT_ARM_NAME])names;
    }
    endpoint_pick pk;
    int rc = -1;
    if (endpoint_select(m->ep[e], &ch, &pk, err, errlen) != 0)
        goto done;
    km_options ko = {.conf_type = SURV_CONF_LOG, .conf_level = 0.95};
    km_fit *fit = NULL;
    if (km_compute(&pk.in, &ko, &fit, err, errlen) != 0)
        goto done;
    if (fit->nstrata == 1)
        fill_group(m, &fit->strata[0], L, out);
    km_fit_free(fit);
    rc = 0;
done:
    free(grp);
    return rc;
}
