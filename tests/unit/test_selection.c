/* test_selection.c - the oligometastatic selection rule sets
 * (scripts/selection/) on a hand-made cohort whose eligibility and arms were
 * worked out by hand from the papers' definitions.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hand cohort ($top_srcdir/scripts/selection/tests/hand_cohort.csv): 28
 * patients, each on a boundary (1, 3, 4, 5, 6 lesions; 1, 3, 4 organs;
 * contralateral lung nodules; mediastinal nodes; pleural effusion and
 * nodule; untreatable site; ECOG 2 and 3; EGFR and ALK drivers;
 * progression / stable / response; the landmark; missing values).  What
 * every rule set must make of each patient (selected, arm, the criterion
 * the patient leaves at), with the reasoning, is in the rule tests beside
 * it (scripts/selection/tests/NAME_test.lua, run by `tnmlab test` in
 * tests/e2e/ruletest.sh); this file checks the sets' attrition, docs and
 * param flips.
 * Rule files are read from $TNMLAB_SCRIPTS/selection/.
 *
 * The attrition tables below were counted by hand from the same reasoning
 * (criteria in rule-file order, every unknown excluded).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cohort.h"
#include "csv.h"
#include "rules.h"

enum { NPAT = 28 };

/* ------------------------------------------------------------ fixtures */

static char *path_join(const char *env, const char *fallback, const char *rel) {
    const char *base = getenv(env);
    if (base == NULL || !*base)
        base = fallback;
    size_t n = strlen(base) + strlen(rel) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", base, rel);
    return p;
}

static cohort *read_fixture(const char *name) {
    char rel[256];
    snprintf(rel, sizeof rel, "scripts/selection/tests/%s", name);
    char *path = path_join("top_srcdir", ".", rel);
    csv_options o;
    csv_options_init(&o);
    char err[512] = "";
    cohort *c = csv_read_file(path, NULL, &o, err, sizeof err);
    if (c == NULL)
        fail_msg("%s", err);
    free(path);
    return c;
}

static char *rule_file(const char *set) {
    char rel[128];
    snprintf(rel, sizeof rel, "selection/%s.lua", set);
    return path_join("TNMLAB_SCRIPTS", "scripts", rel);
}

static rules *load_set(const char *set) {
    char err[512] = "";
    rules *r = rules_new(0, 0, err, sizeof err);
    assert_non_null(r);
    char *path = rule_file(set);
    if (rules_load(r, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    free(path);
    return r;
}

static rules_eval *eval_set(rules *r, const char *set, const cohort *c) {
    char err[512] = "";
    rules_eval *ev = rules_eval_new(r, set, c, err, sizeof err);
    if (ev == NULL)
        fail_msg("%s", err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    return ev;
}

static const char *str_at(const cohort *c, const char *col, size_t row) {
    const cohort_column *k = cohort_find(c, col);
    assert_non_null(k);
    assert_int_equal(k->type, COHORT_STR);
    return cohort_str(k, row);
}

static const char *arm_of(const rules_eval *ev, size_t row) {
    int16_t a = rules_eval_arms(ev)[row];
    return a < 0 ? "(none)" : rules_eval_arm_name(ev, (size_t)a);
}

/* ---------------------------------------------- hand-counted attrition */

typedef struct step {
    const char *name;
    size_t before, pass, fail, unknown;
} step;

typedef struct hand_set {
    const char *name;
    double landmark; /* NaN: none */
    size_t nsteps;
    step steps[10];
    size_t selected, radical;
    const char *author; /* must appear in the doc */
} hand_set;

/* DR: nsclc loses P26 (unknown); stage_iv P22 (M0), P21 (unknown);
 * no_pleural P10, P11, P27 (unknown); lesions P04 (5), P05 (6); ecog P14,
 * P20 (unknown); treatable P12, P23 (unknown).  16 left, all treatable. */
static const hand_set dr = {"deruysscher2012",
                            NAN,
                            6,
                            {{"nsclc", 28, 27, 0, 1},
                             {"stage_iv", 27, 25, 1, 1},
                             {"no_pleural", 25, 22, 2, 1},
                             {"lesions", 22, 20, 2, 0},
                             {"ecog", 20, 18, 1, 1},
                             {"treatable", 18, 16, 1, 1}},
                            16,
                            16,
                            "De Ruysscher"};

/* Gomez: landmark loses P18 (died at 2 months); stage_iv P22, P21;
 * no_pleural P10, P11, P27; lesions P03, P04, P05, P06, P08, P28 (4+), and
 * P02 and P09 (3 lesions plus involved regional nodes, one more site with
 * nodes_count); ecog P14, P20; no_progression P17, P24 (unknown);
 * treatable P12, P23 (unknown).  8 left, all radical. */
static const hand_set gomez = {"gomez2016",
                               3,
                               7,
                               {{"landmark", 28, 27, 1, 0},
                                {"stage_iv", 27, 25, 1, 1},
                                {"no_pleural", 25, 22, 2, 1},
                                {"lesions", 22, 14, 8, 0},
                                {"ecog", 14, 12, 1, 1},
                                {"no_progression", 12, 10, 1, 1},
                                {"treatable", 10, 8, 1, 1}},
                               8,
                               8,
                               "Gomez"};

/* Iyengar: landmark P18; stage_iv P22, P21; no_pleural P10, P11, P27;
 * sites: extracranial only, none above 5 here (P05 has 5: bone 3, liver 2;
 * its brain metastasis is not counted); liver_lung none above 3; ecog P14,
 * P20; no_target P15 (EGFR), P16 (ALK), P25 (unknown); induction P17, P24;
 * treatable P12, P23 (unknown).  13 left, all radical. */
static const hand_set iyengar = {"iyengar2018",
                                 3,
                                 9,
                                 {{"landmark", 28, 27, 1, 0},
                                  {"stage_iv", 27, 25, 1, 1},
                                  {"no_pleural", 25, 22, 2, 1},
                                  {"sites", 22, 22, 0, 0},
                                  {"liver_lung", 22, 22, 0, 0},
                                  {"ecog", 22, 20, 1, 1},
                                  {"no_target", 20, 17, 2, 1},
                                  {"induction", 17, 15, 1, 1},
                                  {"treatable", 15, 13, 1, 1}},
                                 13,
                                 13,
                                 "Iyengar"};

/* EORTC: stage_iv P22, P21; no_pleural P10, P11, P27; lesions P05 (6);
 * organs P06 (4 organs); ecog: no limit at max_ecog 4, P20's missing ECOG
 * passes; treatable P12, P23 (unknown).  19 left, all radical. */
static const hand_set eortc = {"eortc2019",
                               NAN,
                               6,
                               {{"stage_iv", 28, 26, 1, 1},
                                {"no_pleural", 26, 23, 2, 1},
                                {"lesions", 23, 22, 1, 0},
                                {"organs", 22, 21, 1, 0},
                                {"ecog", 21, 21, 0, 0},
                                {"treatable", 21, 19, 1, 1}},
                               19,
                               19,
                               "EORTC"};

/* S3 IVA/M1b: nsclc P26 (unknown); stage_iva: M1c/IVB P02-P06, P08, P09,
 * P16, P17, P25, P28 and P22 (M0, N3: IIIB or IIIC) fail, P21 (m_sites
 * missing: IVA among the candidates) unknown; m1b: P07, P11 are M1a;
 * no_pleural P10 (effusion beside brain:1, TNM M1b), P27 (unrecorded);
 * ecog P14 (3), P20 (unknown); treatable P12, P23 (unknown).  6 left. */
static const hand_set s3 = {"s3_iva_m1b",
                            NAN,
                            6,
                            {{"nsclc", 28, 27, 0, 1},
                             {"stage_iva", 27, 14, 12, 1},
                             {"m1b", 14, 12, 2, 0},
                             {"no_pleural", 12, 10, 1, 1},
                             {"ecog", 10, 8, 1, 1},
                             {"treatable", 8, 6, 1, 1}},
                            6,
                            6,
                            "S3 guideline"};

/* Retrospective series: nsclc P26; stage_iv P22, P21 (unknown); no_pleural
 * P10, P11, P27 (unknown); sites (liver) P03, P05, P06, P19; one_organ P02,
 * P04, P08, P09, P17, P25; lesions none (P28 has 4); treatable P12, P23.
 * 10 left, all radical. */
static const hand_set retro = {"retrospective_series",
                               NAN,
                               7,
                               {{"nsclc", 28, 27, 0, 1},
                                {"stage_iv", 27, 25, 1, 1},
                                {"no_pleural", 25, 22, 2, 1},
                                {"sites", 22, 18, 4, 0},
                                {"one_organ", 18, 12, 6, 0},
                                {"lesions", 12, 12, 0, 0},
                                {"treatable", 12, 10, 1, 1}},
                               10,
                               10,
                               "guideline"};

/* ---------------------------------------------------------------- tests */

typedef struct world {
    cohort *c; /* the hand cohort */
} world;

static int setup(void **state) {
    world *w = calloc(1, sizeof *w);
    w->c = read_fixture("hand_cohort.csv");
    *state = w;
    return 0;
}

static int teardown(void **state) {
    world *w = *state;
    cohort_free(w->c);
    free(w);
    return 0;
}

static void check_set(void **state, const hand_set *h) {
    world *w = *state;
    assert_int_equal(cohort_nrows(w->c), NPAT);
    rules *r = load_set(h->name);
    assert_int_equal(rules_nsets(r), 1);
    assert_string_equal(rules_set_name(r, 0), h->name);

    /* the doc of a sandboxed rule file: source and how it counts */
    const char *doc = rules_set_doc(r, h->name);
    assert_non_null(doc);
    assert_non_null(strstr(doc, h->author));
    assert_non_null(strstr(doc, "m_sites"));
    assert_non_null(strstr(doc, "pleura"));
    /* a landmark wherever a post-baseline field is read: no warning */
    assert_null(rules_set_warning(r, h->name, 0));

    rules_eval *ev = eval_set(r, h->name, w->c);
    if (isnan(h->landmark))
        assert_true(isnan(rules_eval_landmark(ev)));
    else
        assert_true(rules_eval_landmark(ev) == h->landmark);

    rules_step st[16];
    size_t n = rules_eval_attrition(ev, st, 16);
    assert_int_equal(n, h->nsteps);
    for (size_t k = 0; k < n; k++) {
        const step *e = &h->steps[k];
        if (strcmp(st[k].name, e->name) != 0 || st[k].before != e->before ||
            st[k].pass != e->pass || st[k].fail != e->fail || st[k].unknown != e->unknown ||
            st[k].after != e->pass)
            fail_msg("%s step %zu: got %s before %zu pass %zu fail %zu unknown %zu "
                     "after %zu; expected %s %zu %zu %zu %zu",
                     h->name, k, st[k].name, st[k].before, st[k].pass, st[k].fail, st[k].unknown,
                     st[k].after, e->name, e->before, e->pass, e->fail, e->unknown);
        assert_false(st[k].unknown_kept);
    }
    assert_int_equal(rules_eval_nselected(ev), h->selected);

    /* arms: exactly "radical" and "systemic", in that order */
    assert_int_equal(rules_eval_narms(ev), 2);
    assert_string_equal(rules_eval_arm_name(ev, 0), "radical");
    assert_string_equal(rules_eval_arm_name(ev, 1), "systemic");
    size_t radical = 0, undecided = 0;
    for (size_t i = 0; i < NPAT; i++) {
        radical += rules_eval_arms(ev)[i] == 0;
        undecided += rules_eval_arms(ev)[i] < 0;
    }
    assert_int_equal(radical, h->radical);
    assert_int_equal(undecided, 0);

    rules_eval_free(ev);
    rules_free(r);
}

static void test_deruysscher(void **state) {
    check_set(state, &dr);
}
static void test_gomez(void **state) {
    check_set(state, &gomez);
}
static void test_iyengar(void **state) {
    check_set(state, &iyengar);
}
static void test_eortc(void **state) {
    check_set(state, &eortc);
}

static void test_s3_iva_m1b(void **state) {
    check_set(state, &s3);
}

static void test_retrospective(void **state) {
    check_set(state, &retro);
}

/* Changing one param flips exactly the patients worked out by hand, and the
 * version diff says the same. */
static void flip(void **state, const char *set, const char *param, double value,
                 const char *const *ids, size_t nids, int gained, const char *to_arm) {
    world *w = *state;
    rules *r = load_set(set);
    rules_eval *ev = eval_set(r, set, w->c);
    uint8_t before_sel[NPAT];
    int16_t before_arm[NPAT];
    memcpy(before_sel, rules_eval_selected(ev), NPAT);
    memcpy(before_arm, rules_eval_arms(ev), sizeof before_arm);
    int v0 = rules_version(r);

    char err[512] = "";
    if (rules_set_param(r, set, param, value, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (rules_eval_run(ev, 0, err, sizeof err) != 0)
        fail_msg("%s", err);
    const uint8_t *sel = rules_eval_selected(ev);
    for (size_t i = 0; i < NPAT; i++) {
        const char *id = str_at(w->c, "id", i);
        int listed = 0;
        for (size_t j = 0; j < nids; j++)
            listed |= strcmp(ids[j], id) == 0;
        int changed = sel[i] != before_sel[i] || rules_eval_arms(ev)[i] != before_arm[i];
        if (changed != listed)
            fail_msg("%s.%s -> %g: patient %s %s", set, param, value, id,
                     listed ? "did not flip" : "flipped unexpectedly");
        if (listed) {
            assert_int_equal(sel[i] == EXPR_TRUE, gained);
            assert_string_equal(arm_of(ev, i), to_arm);
        }
    }

    rules_diff d;
    if (rules_diff_versions(r, set, w->c, v0, 0, &d, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(d.nrows, nids);
    assert_int_equal(gained ? d.gained : d.lost, nids);
    assert_int_equal(gained ? d.lost : d.gained, 0);
    assert_int_equal(d.arm_changed, nids);
    rules_diff_free(&d);
    rules_eval_free(ev);
    rules_free(r);
}

/* De Ruysscher with max_lesions 3: the four patients with exactly four
 * metastases leave (P03 bone 2 + liver 2, P06 four organs, P08 contralateral
 * lung 2 + adrenal 2, P28 brain 4), from radical to systemic. */
static void test_flip_deruysscher_max_lesions(void **state) {
    static const char *const ids[] = {"P03", "P06", "P08", "P28"};
    flip(state, "deruysscher2012", "max_lesions", 3, ids, 4, 0, "systemic");
}

/* EORTC with max_organs 2: the two patients with metastases in exactly three
 * organs leave (P04, P09: the mediastinal nodes of P09 are still no organ). */
static void test_flip_eortc_max_organs(void **state) {
    static const char *const ids[] = {"P04", "P09"};
    flip(state, "eortc2019", "max_organs", 2, ids, 2, 0, "systemic");
}

/* Gomez without the disease-control requirement: the progressing patient
 * (P17) and the one with no recorded response (P24) come in, treatable, so
 * radical; P18 stays out (before the landmark). */
static void test_flip_gomez_disease_control(void **state) {
    static const char *const ids[] = {"P17", "P24"};
    flip(state, "gomez2016", "need_disease_control", 0, ids, 2, 1, "radical");
}

/* Gomez with regional nodes left to the N category: P02 and P09 (3
 * lesions each, involved nodes) come back, treatable, so radical. */
static void test_flip_gomez_nodes_count(void **state) {
    static const char *const ids[] = {"P02", "P09"};
    flip(state, "gomez2016", "nodes_count", 0, ids, 2, 1, "radical");
}

/* Iyengar with max_sites 4: P05 (5 extracranial sites) leaves. */
static void test_flip_iyengar_max_sites(void **state) {
    static const char *const ids[] = {"P05"};
    flip(state, "iyengar2018", "max_sites", 4, ids, 1, 0, "systemic");
}

/* All seven files load side by side into one engine (the REPL switches
 * between them): names do not clash, each keeps its own params. */
static void test_all_together(void **state) {
    (void)state;
    static const char *const sets[] = {"deruysscher2012", "gomez2016",  "iyengar2018",
                                       "eortc2019",       "s3_iva_m1b", "retrospective_series",
                                       "curative_i_iii"};
    enum { NSETS = sizeof sets / sizeof *sets };
    char err[512] = "";
    rules *r = rules_new(0, 0, err, sizeof err);
    assert_non_null(r);
    for (size_t i = 0; i < NSETS; i++) {
        char *path = rule_file(sets[i]);
        if (rules_load(r, path, err, sizeof err) != 0)
            fail_msg("%s", err);
        free(path);
    }
    assert_int_equal(rules_nsets(r), NSETS);
    for (size_t i = 0; i < NSETS; i++) {
        assert_string_equal(rules_set_name(r, i), sets[i]);
        size_t np = rules_nparams(r, sets[i]);
        assert_true(np >= 1);
        for (size_t k = 0; k < np; k++) {
            rules_param_info pi;
            assert_int_equal(rules_param(r, sets[i], k, &pi), 0);
            assert_non_null(pi.doc);
        }
    }
    rules_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deruysscher),
        cmocka_unit_test(test_gomez),
        cmocka_unit_test(test_iyengar),
        cmocka_unit_test(test_eortc),
        cmocka_unit_test(test_s3_iva_m1b),
        cmocka_unit_test(test_retrospective),
        cmocka_unit_test(test_flip_deruysscher_max_lesions),
        cmocka_unit_test(test_flip_eortc_max_organs),
        cmocka_unit_test(test_flip_gomez_disease_control),
        cmocka_unit_test(test_flip_gomez_nodes_count),
        cmocka_unit_test(test_flip_iyengar_max_sites),
        cmocka_unit_test(test_all_together),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
