/* compare.c - two rule sets side by side on the same cohort.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two rule sets select overlapping patients, so no test is run between
 * them as if they were independent groups: the comparison shows each
 * selection, and the patients only in A, in both, and only in B.
 */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rtable.h"
#include "session.h"
#include "view.h"

/* The groups of one endpoint as a table for people: label, N, events,
 * median with CI, survival at 1, 2 and 3 years. */
static int group_table(rtable *t, const char *endpoint) {
    static const char *const title[] = {"N", "evts", "median (95% CI)", "1y", "2y", "3y"};
    if (rtable_init(t, 7) != 0)
        return -1;
    rtable_col_set(t, 0, endpoint, RTABLE_TEXT, NULL, 1);
    for (size_t j = 0; j < 6; j++)
        rtable_col_set(t, j + 1, title[j], j < 2 ? RTABLE_COUNT : RTABLE_TEXT,
                       j == 2  ? "months"
                       : j > 2 ? "percent"
                               : NULL,
                       j == 2);
    return 0;
}

static void group_row(rtable *t, const model_group *g) {
    char ci[96], sv[MODEL_NTIMES][24];
    view_group_cells(g, 1, ci, sizeof ci, sv);
    size_t r = rtable_add_row(t);
    rtable_set_text(t, r, 0, g->label);
    rtable_set_num(t, r, 1, (double)g->n);
    rtable_set_num(t, r, 2, (double)g->events);
    rtable_set_text(t, r, 3, ci);
    for (int k = 0; k < MODEL_NTIMES; k++)
        rtable_set_text(t, r, 4 + (size_t)k, sv[k]);
}

/* Prints t indented by two spaces, and frees it. */
static void print_table(session *s, rtable *t) {
    char *text = rtable_text(t);
    for (char *line = text; line && *line;) {
        size_t n = strcspn(line, "\n");
        sink_printf(&s->out, "  %.*s\n", (int)n, line);
        line += n + (line[n] == '\n');
    }
    free(text);
    rtable_free(t);
}

int compare_cmd(session *s, int argc, char **argv) {
    if (argc != 3) {
        sink_printf(&s->err, "usage: compare RULESET_A RULESET_B\n");
        return 1;
    }
    model *m = &s->model;
    if (m->cohort == NULL) {
        sink_printf(&s->err, "compare: no cohort is loaded\n");
        return 1;
    }
    char err[1024];
    rules_eval *ev[2] = {NULL, NULL};
    uint8_t *mask = NULL;
    int rc = 1;
    for (int k = 0; k < 2; k++) {
        ev[k] = rules_eval_new(m->rules, argv[1 + k], m->cohort, err, sizeof err);
        if (ev[k] == NULL || rules_eval_run(ev[k], 0, err, sizeof err) != 0) {
            sink_printf(&s->err, "compare: %s\n", err);
            goto done;
        }
    }
    size_t n = cohort_nrows(m->cohort);
    const uint8_t *a = rules_eval_selected(ev[0]), *b = rules_eval_selected(ev[1]);
    size_t only_a = 0, only_b = 0, both = 0;
    for (size_t i = 0; i < n; i++) {
        int sa = a[i] == EXPR_TRUE, sb = b[i] == EXPR_TRUE;
        only_a += sa && !sb;
        only_b += sb && !sa;
        both += sa && sb;
    }
    sink_printf(&s->out, "%s vs %s on %s (%zu patients):\n", argv[1], argv[2], m->cohort_name, n);
    sink_printf(
        &s->out, "  selected by %s: %zu; by %s: %zu; by both: %zu; only %s: %zu; only %s: %zu\n",
        argv[1], only_a + both, argv[2], only_b + both, both, argv[1], only_a, argv[2], only_b);
    mask = malloc(n + 1);
    if (mask == NULL) {
        sink_printf(&s->err, "compare: out of memory\n");
        goto done;
    }
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        rtable t;
        if (group_table(&t, e == MODEL_OS ? "OS" : "PFS") != 0)
            goto done;
        /* Each selection under its own rules; the parts under the rules
         * that select them (the overlap under A's). */
        struct {
            int which; /* 0: A, 1: B */
            int part;  /* 0: all selected, 1: only this one, 2: both */
            const char *prefix, *suffix;
        } rows[] = {{0, 0, "", ""},
                    {1, 0, "", ""},
                    {0, 1, "only ", ""},
                    {0, 2, "both (", " arms)"},
                    {1, 1, "only ", ""}};
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            int w = rows[r].which;
            for (size_t i = 0; i < n; i++) {
                int sa = a[i] == EXPR_TRUE, sb = b[i] == EXPR_TRUE;
                int self = w == 0 ? sa : sb, other = w == 0 ? sb : sa;
                mask[i] = rows[r].part == 0 ? self : rows[r].part == 1 ? self && !other : sa && sb;
            }
            char label[96];
            snprintf(label, sizeof label, "%s%s%s", rows[r].prefix, argv[1 + w], rows[r].suffix);
            model_group g;
            if (model_group_outcome(m, e, ev[w], mask, NULL, label, &g, err, sizeof err) != 0) {
                sink_printf(&s->out, "  %s: %s\n", label, err);
                break;
            }
            group_row(&t, &g);
        }
        print_table(s, &t);
    }
    sink_printf(&s->out, "  No test between %s and %s: they share %zu patients.\n", argv[1],
                argv[2], both);
    rc = 0;
done:
    free(mask);
    rules_eval_free(ev[0]);
    rules_eval_free(ev[1]);
    return rc;
}

int split_cmd(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1) {
        sink_printf(&s->err, "usage: split\n");
        return 1;
    }
    model *m = &s->model;
    char e0[512];
    rules_eval *ev = model_evaluation(m, e0, sizeof e0);
    if (ev == NULL) {
        sink_printf(&s->err, "split: %s\n", e0[0] ? e0 : "needs a cohort and an active rule set");
        return 1;
    }
    if (!m->simulated) {
        sink_printf(&s->err, "split: needs a simulated cohort: a real cohort has one outcome per "
                             "patient, not one per arm (try: simulate stage_iv 2000)\n");
        return 1;
    }
    size_t n = cohort_nrows(m->cohort), narms = rules_eval_narms(ev);
    if (narms < 2) {
        sink_printf(&s->err, "split: the rule set assigns fewer than two arms\n");
        return 1;
    }
    /* The first arm is the intensive one (radical), the last the default. */
    const char *treat = rules_eval_arm_name(ev, 0), *ctrl = rules_eval_arm_name(ev, narms - 1);
    const uint8_t *sel = rules_eval_selected(ev);
    const int16_t *arm = rules_eval_arms(ev);
    /* treated: selected and assigned the first arm; the treatment effect
     * compares these same patients under both arms.  Selected patients the
     * rules keep off that arm (e.g. untreatable sites) are shown apart. */
    uint8_t *treated = malloc(n + 1), *kept_off = malloc(n + 1), *out = malloc(n + 1);
    if (!treated || !kept_off || !out) {
        free(treated);
        free(kept_off);
        free(out);
        return 1;
    }
    size_t nkept = 0;
    for (size_t i = 0; i < n; i++) {
        int in = sel[i] == EXPR_TRUE;
        treated[i] = in && arm[i] == 0;
        kept_off[i] = in && arm[i] != 0;
        nkept += kept_off[i];
        out[i] = !in;
    }
    sink_printf(&s->out, "%s on %s: where does the selected patients' better survival come from?\n",
                m->set, m->cohort_name);
    char err[512];
    int rc = 0;
    for (int e = 0; e < MODEL_NENDPOINTS && rc == 0; e++) {
        model_group g[4];
        char l[4][96];
        snprintf(l[0], sizeof l[0], "selected, %s", treat);
        snprintf(l[1], sizeof l[1], "same patients, %s", ctrl);
        snprintf(l[2], sizeof l[2], "selected, kept on %s", ctrl);
        snprintf(l[3], sizeof l[3], "not selected, %s", ctrl);
        if (model_group_outcome(m, e, ev, treated, treat, l[0], &g[0], err, sizeof err) ||
            model_group_outcome(m, e, ev, treated, ctrl, l[1], &g[1], err, sizeof err) ||
            model_group_outcome(m, e, ev, kept_off, ctrl, l[2], &g[2], err, sizeof err) ||
            model_group_outcome(m, e, ev, out, ctrl, l[3], &g[3], err, sizeof err)) {
            sink_printf(&s->err, "split: %s\n", err);
            rc = 1;
            break;
        }
        rtable t;
        if (group_table(&t, e == MODEL_OS ? "OS" : "PFS") != 0) {
            rc = 1;
            break;
        }
        for (int k = 0; k < 4; k++)
            if (k != 2 || nkept)
                group_row(&t, &g[k]);
        print_table(s, &t);
        sink_printf(&s->out, "  treatment (the same %zu patients, %s vs %s): median %+.1f months\n",
                    g[0].n, treat, ctrl, g[0].median - g[1].median);
        sink_printf(&s->out,
                    "  selection (%s, selected for %s vs not selected): median %+.1f months\n",
                    ctrl, treat, g[1].median - g[3].median);
    }
    if (nkept)
        sink_printf(&s->out,
                    "  %zu selected patients are kept on %s by the rules (e.g. sites not all "
                    "treatable); they are in neither comparison.\n",
                    nkept, ctrl);
    sink_printf(&s->out, "  Each simulated patient has an outcome under each arm, so the split is "
                         "a property of the simulation model, not of the trials.\n");
    free(treated);
    free(kept_off);
    free(out);
    return rc;
}

/* ------------------------------------------------------------- migrate */

enum { MIGRATE_MAX = 40 }; /* stage groups shown; more is no TNM grid */

/* The distinct decided groups of two stage columns, sorted, then "open"
 * (candidates left) and "none" (no stage); cat[e][row] is each row's. */
typedef struct groups {
    const char *name[MIGRATE_MAX + 2];
    int n;
} groups;

static int group_of(groups *g, const char *v) {
    if (v == NULL)
        return -1;
    if (strchr(v, '|'))
        return -2;
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->name[i], v) == 0)
            return i;
    if (g->n == MIGRATE_MAX)
        return -3;
    g->name[g->n++] = v;
    return g->n - 1;
}

int migrate_cmd(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1) {
        sink_printf(&s->err, "usage: migrate\n");
        return 1;
    }
    model *m = &s->model;
    char err[1024];
    rules_eval *ev = model_evaluation(m, err, sizeof err);
    if (ev == NULL) {
        sink_printf(&s->err, "migrate: %s\n",
                    err[0] ? err : "needs a cohort and an active rule set");
        return 1;
    }
    size_t n = cohort_nrows(m->cohort);
    cohort *st[2] = {cohort_new(n), cohort_new(n)};
    int32_t *cat[2] = {malloc(n * sizeof(int32_t) + 1), malloc(n * sizeof(int32_t) + 1)};
    uint8_t *mask = malloc(n + 1);
    size_t *cnt = NULL;
    int rc = 1;
    if (!st[0] || !st[1] || !cat[0] || !cat[1] || !mask) {
        sink_printf(&s->err, "migrate: out of memory\n");
        goto done;
    }
    for (int e = 0; e < 2; e++)
        if (rules_stage_cohort(m->rules, e ? 9 : 8, m->cohort, st[e], err, sizeof err) != 0) {
            sink_printf(&s->err, "migrate: %s\n", err);
            goto done;
        }
    groups g = {{NULL}, 0};
    const cohort_column *sc[2] = {cohort_find(st[0], "stage"), cohort_find(st[1], "stage")};
    for (int e = 0; e < 2; e++)
        for (int32_t l = 0; l < sc[e]->nlevels; l++)
            group_of(&g, sc[e]->levels[l]);
    qsort(g.name, (size_t)g.n, sizeof *g.name, model_stage_cmp);
    int ng = g.n;
    g.name[ng] = "open";
    g.name[ng + 1] = "none";
    int ncat = ng + 2;
    for (int e = 0; e < 2; e++)
        for (size_t i = 0; i < n; i++) {
            int k = group_of(&g, cohort_str(sc[e], i));
            cat[e][i] = k >= 0 ? k : k == -2 ? ng : ng + 1;
        }
    cnt = calloc((size_t)(ncat * ncat) + 1, sizeof *cnt);
    if (cnt == NULL)
        goto done;
    size_t moved = 0, tot[2][MIGRATE_MAX + 2] = {{0}};
    for (size_t i = 0; i < n; i++) {
        cnt[cat[0][i] * ncat + cat[1][i]]++;
        tot[0][cat[0][i]]++;
        tot[1][cat[1][i]]++;
        moved += cat[0][i] != cat[1][i] && cat[0][i] < ng && cat[1][i] < ng;
    }
    sink_printf(&s->out,
                "stage migration, TNM 8th -> 9th edition, on %s (%zu patients): %zu change stage "
                "group\n",
                m->cohort_name, n, moved);
    /* the table: 8th-edition groups down, 9th across, only those that occur */
    rtable t;
    int cols[MIGRATE_MAX + 2], nc = 0;
    for (int k = 0; k < ncat; k++)
        if (tot[1][k])
            cols[nc++] = k;
    if (rtable_init(&t, (size_t)nc + 2) != 0)
        goto done;
    rtable_col_set(&t, 0, "8th \\ 9th", RTABLE_TEXT, NULL, 1);
    for (int j = 0; j < nc; j++)
        rtable_col_set(&t, (size_t)j + 1, g.name[cols[j]], RTABLE_COUNT, NULL, 0);
    rtable_col_set(&t, (size_t)nc + 1, "total", RTABLE_COUNT, NULL, 0);
    for (int k = 0; k < ncat; k++) {
        if (!tot[0][k])
            continue;
        size_t r = rtable_add_row(&t);
        rtable_set_text(&t, r, 0, g.name[k]);
        for (int j = 0; j < nc; j++)
            rtable_set_num(&t, r, (size_t)j + 1, (double)cnt[k * ncat + cols[j]]);
        rtable_set_num(&t, r, (size_t)nc + 1, (double)tot[0][k]);
    }
    print_table(s, &t);
    /* each group's survival under both editions: the same patients, the
     * same outcomes, regrouped */
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        if (m->ep[e] == NULL)
            continue;
        static const char *const title[] = {"N 8th", "median 8th (95% CI)", "N 9th",
                                            "median 9th (95% CI)"};
        if (rtable_init(&t, 5) != 0)
            goto done;
        rtable_col_set(&t, 0, e == MODEL_OS ? "OS" : "PFS", RTABLE_TEXT, NULL, 1);
        for (size_t j = 0; j < 4; j++)
            rtable_col_set(&t, j + 1, title[j], j % 2 ? RTABLE_TEXT : RTABLE_COUNT,
                           j % 2 ? "months" : NULL, j % 2);
        for (int k = 0; k < ng; k++) {
            if (!tot[0][k] && !tot[1][k])
                continue;
            size_t r = rtable_add_row(&t);
            rtable_set_text(&t, r, 0, g.name[k]);
            for (int ed = 0; ed < 2; ed++) {
                for (size_t i = 0; i < n; i++)
                    mask[i] = cat[ed][i] == k;
                model_group mg;
                if (model_group_outcome(m, e, ev, mask, NULL, g.name[k], &mg, err, sizeof err) !=
                    0) {
                    rtable_free(&t);
                    sink_printf(&s->err, "migrate: %s\n", err);
                    goto done;
                }
                char ci[96], sv[MODEL_NTIMES][24];
                view_group_cells(&mg, 1, ci, sizeof ci, sv);
                rtable_set_num(&t, r, 1 + 2 * (size_t)ed, (double)mg.n);
                rtable_set_text(&t, r, 2 + 2 * (size_t)ed, mg.n ? ci : "");
            }
        }
        print_table(s, &t);
    }
    sink_printf(&s->out, "  No patient's outcome differs between the editions: a group's survival "
                         "moves only because patients move between groups (Will Rogers).\n");
    rc = 0;
done:
    free(cnt);
    free(mask);
    for (int e = 0; e < 2; e++) {
        free(cat[e]);
        cohort_free(st[e]);
    }
    return rc;
}

/* ------------------------------------------------------------------ km */

int km_cmd(session *s, int argc, char **argv) {
    if (argc < 2 || (argc > 2 && strcmp(argv[1], "off") == 0)) {
        sink_printf(&s->err, "usage: km COLUMN [VALUE...]  (OS and PFS by the values of a "
                             "column, or of t, n, m, stage; VALUEs: only those groups; km off: "
                             "the plot shows the arms again)\n");
        return 1;
    }
    model *m = &s->model;
    char err[1024];
    if (strcmp(argv[1], "off") == 0) {
        if (model_set_by(m, NULL, err, sizeof err) != 0) {
            sink_printf(&s->err, "km: %s\n", err);
            return 1;
        }
        sink_printf(&s->out, "The plot shows the arms again.\n");
        return 0;
    }
    rules_eval *ev = model_evaluation(m, err, sizeof err);
    if (ev == NULL) {
        sink_printf(&s->err, "km: %s\n", err[0] ? err : "needs a cohort and an active rule set");
        return 1;
    }
    size_t n = cohort_nrows(m->cohort);
    char by[MODEL_BY_SPEC] = "";
    for (int i = 1; i < argc; i++) {
        size_t len = strlen(by);
        if (snprintf(by + len, sizeof by - len, "%s%s", i > 1 ? " " : "", argv[i]) >=
            (int)(sizeof by - len)) {
            sink_printf(&s->err, "km: the column and its values take at most %d characters\n",
                        MODEL_BY_SPEC - 1);
            return 1;
        }
    }
    char label[MODEL_BY_MAX][64];
    int ng = 0;
    size_t missing = 0;
    int32_t *grp = malloc(n * sizeof *grp + 1);
    uint8_t *mask = malloc(n + 1);
    int rc = 1;
    if (grp == NULL || mask == NULL) {
        sink_printf(&s->err, "km: out of memory\n");
        goto done;
    }
    if (model_by_groups(m, ev, by, grp, label, &ng, &missing, err, sizeof err) != 0) {
        sink_printf(&s->err, "km: %s\n", err);
        goto done;
    }
    char miss[48] = "";
    if (missing)
        snprintf(miss, sizeof miss, ", %zu missing", missing);
    sink_printf(&s->out, "OS and PFS by %s on %s (%d groups%s), under %s's arms:\n", by,
                m->cohort_name, ng, miss, m->set);
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        if (m->ep[e] == NULL)
            continue;
        rtable t;
        if (group_table(&t, e == MODEL_OS ? "OS" : "PFS") != 0)
            goto done;
        for (int g = 0; g < ng; g++) {
            for (size_t i = 0; i < n; i++)
                mask[i] = grp[i] == g;
            model_group mg;
            if (model_group_outcome(m, e, ev, mask, NULL, label[g], &mg, err, sizeof err) != 0) {
                rtable_free(&t);
                sink_printf(&s->err, "km: %s\n", err);
                goto done;
            }
            group_row(&t, &mg);
        }
        print_table(s, &t);
    }
    /* and the plot, by the same groups */
    if (ng > MODEL_MAX_GROUPS)
        sink_printf(
            &s->out,
            "  (%d groups: too many to plot, at most %d; km %s VALUE... draws only those)\n", ng,
            MODEL_MAX_GROUPS, by);
    else if (model_set_by(m, by, err, sizeof err) != 0)
        sink_printf(&s->err, "km: the plot: %s\n", err);
    else
        sink_printf(&s->out, "  The plot shows the curves by %s (km off: the arms again).\n", by);
    rc = 0;
done:
    free(grp);
    free(mask);
    return rc;
}

/* -------------------------------------------------------------- median */

static const char *limit_text(double v, char *buf, size_t n) {
    if (isinf(v))
        snprintf(buf, n, "%s", v > 0 ? "NR" : "-NR");
    else
        snprintf(buf, n, "%+.1f", v);
    return buf;
}

int median_cmd(session *s, int argc, char **argv) {
    long B = 2000, seed = 1;
    char *end;
    if (argc > 3 || (argc > 1 && ((B = strtol(argv[1], &end, 10)) < 10 || B > 100000 || *end)) ||
        (argc > 2 && ((seed = strtol(argv[2], &end, 10)) < 0 || *end))) {
        sink_printf(&s->err, "usage: median [B] [SEED]  (B 10 to 100000 bootstrap replicates, "
                             "2000; SEED a whole number >= 0, 1)\n");
        return 1;
    }
    model *m = &s->model;
    char err[512];
    if (model_update(m, err, sizeof err) != 0) {
        sink_printf(&s->err, "median: %s\n", err);
        return 1;
    }
    int shown = 0;
    for (int e = 0; e < MODEL_NENDPOINTS; e++) {
        const model_endpoint *ep = &m->cur.ep[e];
        if (!m->cur.valid || !ep->available)
            continue;
        km_boot_result r;
        if (model_median_diff(m, e, (int)B, (unsigned long)seed, &r, err, sizeof err) != 0) {
            sink_printf(&s->err, "median: %s\n", err);
            return 1;
        }
        if (!shown++)
            sink_printf(&s->out,
                        "Median difference, %s minus %s, months (95%% CI: percentile bootstrap, "
                        "B = %d, seed %lu, each group resampled on its own):\n",
                        ep->g[0].label, ep->g[1].label, r.replicates, r.seed);
        char a[16], b[16], lo[16], hi[16];
        if (isnan(r.diff))
            sink_printf(&s->out, "  %-4s %s - %s: not estimable (a median is not reached)\n",
                        ep->name, view_num(r.median[0], 1, "NR", a, sizeof a),
                        view_num(r.median[1], 1, "NR", b, sizeof b));
        else
            sink_printf(&s->out, "  %-4s %s - %s = %+.1f  (%s to %s)\n", ep->name,
                        view_num(r.median[0], 1, "NR", a, sizeof a),
                        view_num(r.median[1], 1, "NR", b, sizeof b), r.diff,
                        limit_text(r.lower, lo, sizeof lo), limit_text(r.upper, hi, sizeof hi));
        if (r.not_reached || r.dropped)
            sink_printf(&s->out,
                        "       %d replicates had one median not reached (counted as beyond "
                        "follow-up: NR), %d had neither (left out)\n",
                        r.not_reached, r.dropped);
    }
    if (!shown) {
        sink_printf(&s->err, "median: no outcome with two groups to compare\n");
        return 1;
    }
    return 0;
}
