/* ruletest.c - `tnmlab test [--coverage] [--json FILE] [PATH...]`: rule
 * tests.  Each test file gives patients as records and what a rule set
 * must make of them (selected, arm, the criterion a patient leaves at, the
 * stage); each case is a one-patient cohort evaluated by the engine the
 * REPL uses.  A failure prints what was expected, what came out and the
 * explain trace; coverage says, per criterion, whether the tests ever made
 * it true, false and unknown, and which arms they reached.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ruletest.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "rtable.h"
#include "rules.h"
#include "session.h"
#include "text.h"

enum { MAX_CRIT = 64, MAX_ARMS = 16, MAX_FILES = 256 };

typedef struct coverage {
    char set[64], path[4200];
    size_t ncrit, narms;
    char crit[MAX_CRIT][64];
    int line[MAX_CRIT];
    unsigned long seen[MAX_CRIT][3]; /* false, unknown, true */
    char arm[MAX_ARMS][48];
    unsigned long reached[MAX_ARMS];
    /* the values each param had in the cases: "4 (default), 5" */
    size_t nparams;
    char param[MAX_CRIT][64];
    char values[MAX_CRIT][160];
} coverage;

/* Notes the values the set's params have in this case. */
static void note_params(coverage *cov, rules *r, const char *set) {
    for (size_t k = 0; k < cov->nparams; k++) {
        rules_param_info pi;
        if (rules_param(r, set, k, &pi) != 0)
            continue;
        char v[64];
        if (pi.type == RULES_P_TEXT)
            snprintf(v, sizeof v, "%s%s", pi.text ? pi.text : "",
                     pi.text && pi.text_def && strcmp(pi.text, pi.text_def) == 0 ? " (default)"
                                                                                 : "");
        else if (pi.type == RULES_P_BOOLEAN)
            snprintf(v, sizeof v, "%s%s", pi.value != 0 ? "true" : "false",
                     pi.value == pi.def ? " (default)" : "");
        else
            snprintf(v, sizeof v, "%g%s", pi.value, pi.value == pi.def ? " (default)" : "");
        /* each value once, in the order cases first use it */
        const char *have = cov->values[k];
        size_t vl = strlen(v), hl = strlen(have);
        int seen = 0;
        for (const char *p = have; (p = strstr(p, v)) != NULL; p++)
            seen |= (p == have || p[-1] == ' ') && (p[vl] == ',' || p[vl] == '\0');
        if (!seen && hl + vl + 3 < sizeof cov->values[k])
            snprintf(cov->values[k] + hl, sizeof cov->values[k] - hl, "%s%s", hl ? ", " : "", v);
    }
}

static int set_value(rules *r, const char *set, const rules_test_value *v, char *err,
                     size_t errlen) {
    if (v->type == RULES_TV_TEXT)
        return rules_set_param(r, set, v->field, NAN, v->text, err, errlen);
    return rules_set_param(r, set, v->field, v->type == RULES_TV_BOOL ? v->b : v->num, NULL, err,
                           errlen);
}

/* The patient as a one-row cohort, each field typed by its value. */
static cohort *one_patient(const rules_test_case *c) {
    cohort *co = cohort_new(1);
    for (int i = 0; co && i < c->nvals; i++) {
        const rules_test_value *v = &c->vals[i];
        cohort_type ty = v->type == RULES_TV_NUM    ? COHORT_NUM
                         : v->type == RULES_TV_BOOL ? COHORT_BOOL
                                                    : COHORT_STR;
        cohort_column *col = cohort_add(co, v->field, ty);
        if (col == NULL) {
            cohort_free(co);
            return NULL;
        }
        if (ty == COHORT_NUM)
            col->v.num[0] = v->num;
        else if (ty == COHORT_BOOL)
            col->v.b[0] = (int8_t)v->b;
        else if ((col->v.str[0] = cohort_intern(col, v->text, strlen(v->text))) < 0) {
            cohort_free(co);
            return NULL;
        }
    }
    return co;
}

static void print_trace(rules_eval *ev) {
    rules_trace tr;
    char err[600];
    if (rules_explain(ev, 0, &tr, err, sizeof err) != 0)
        return;
    for (size_t i = 0; i < tr.n; i++) {
        const rules_trace_item *it = &tr.items[i];
        if (it->kind == 'w')
            continue;
        const char *res = it->kind == 'd'              ? "derived"
                          : it->result == EXPR_TRUE    ? "pass"
                          : it->result == EXPR_FALSE   ? "FAIL"
                          : it->result == EXPR_UNKNOWN ? "unknown"
                                                       : "";
        printf("      %-8s %-16s %s%s%s%s\n", res, it->name, it->reason, it->values[0] ? "  [" : "",
               it->values, it->values[0] ? "]" : "");
    }
    rules_trace_free(&tr);
}

/* The row of c whose id is id, as a one-row cohort; NULL with err. */
static cohort *cohort_row(const cohort *c, const char *id, char *err, size_t errlen) {
    const cohort_column *col = c ? cohort_find(c, "id") : NULL;
    if (col == NULL || col->type != COHORT_STR) {
        snprintf(err, errlen,
                 "the case names patient '%s' but the test file has no cohort with "
                 "an id column",
                 id);
        return NULL;
    }
    for (size_t i = 0; i < cohort_nrows(c); i++) {
        const char *v = cohort_str(col, i);
        if (v && strcmp(v, id) == 0) {
            uint32_t idx = (uint32_t)i;
            return cohort_select(c, &idx, 1);
        }
    }
    snprintf(err, errlen, "no patient '%s' in the test file's cohort", id);
    return NULL;
}

/* Runs one case; 1 passed, 0 failed, -1 could not run (message printed). */
static int run_case(rules *r, const rules_testfile *tf, const cohort *rows,
                    const rules_test_case *c, coverage *cov, const char *path) {
    char err[1024];
    int v0 = rules_version(r);
    int rc = -1;
    cohort *co = NULL;
    rules_eval *ev = NULL;
    int ed = c->edition ? c->edition : tf->edition ? tf->edition : 8;
    if (rules_set_edition(r, ed, err, sizeof err) < 0)
        goto bad;
    for (int i = 0; i < tf->nparams; i++)
        if (set_value(r, tf->set, &tf->params[i], err, sizeof err) != 0)
            goto bad;
    for (int i = 0; i < c->nparams; i++)
        if (set_value(r, tf->set, &c->params[i], err, sizeof err) != 0)
            goto bad;
    if (c->id) {
        if ((co = cohort_row(rows, c->id, err, sizeof err)) == NULL)
            goto bad;
    } else if ((co = one_patient(c)) == NULL) {
        snprintf(err, sizeof err, "out of memory (or a field given twice)");
        goto bad;
    }
    if ((ev = rules_eval_new(r, tf->set, co, err, sizeof err)) == NULL ||
        rules_eval_run(ev, 0, err, sizeof err) != 0)
        goto bad;
    note_params(cov, r, tf->set);
    /* what came out */
    int sel = rules_eval_selected(ev)[0] == EXPR_TRUE;
    int16_t a = rules_eval_arms(ev)[0];
    const char *arm = a >= 0 ? rules_eval_arm_name(ev, (size_t)a) : "(none)";
    char exit[96] = "";
    size_t nc = rules_eval_ncriteria(ev);
    for (size_t k = 0; k < nc; k++) {
        uint8_t v = rules_eval_criterion(ev, k)[0];
        if (k < MAX_CRIT && k < cov->ncrit)
            cov->seen[k][v == EXPR_FALSE ? 0 : v == EXPR_UNKNOWN ? 1 : 2]++;
        if (v != EXPR_TRUE && !exit[0])
            snprintf(exit, sizeof exit, "%s:%s", rules_eval_criterion_name(ev, k),
                     v == EXPR_FALSE ? "fail" : "unknown");
    }
    for (size_t k = 0; k < cov->narms; k++)
        cov->reached[k] += strcmp(cov->arm[k], arm) == 0;
    /* the stage as the rule set's column program gave it; a set that does
     * not read the stage: the session edition's module on the record */
    char stage[200] = "";
    const char *staged = c->want_stage ? rules_eval_staged(ev, "stage", 0) : NULL;
    if (staged) {
        snprintf(stage, sizeof stage, "%s", staged);
    } else if (c->want_stage) {
        char cells[4][200];
        if (rules_stage_record(r, ed, co, 0, cells, NULL, NULL, err, sizeof err) != 0)
            goto bad;
        snprintf(stage, sizeof stage, "%s", cells[3]);
    }
    char diff[1024] = "";
    size_t o = 0;
    if (c->want_selected >= 0 && c->want_selected != sel)
        o += (size_t)snprintf(diff + o, sizeof diff - o, " selected: expected %s, got %s;",
                              c->want_selected ? "true" : "false", sel ? "true" : "false");
    if (c->want_arm && strcmp(c->want_arm, arm) != 0 && o < sizeof diff)
        o += (size_t)snprintf(diff + o, sizeof diff - o, " arm: expected %s, got %s;", c->want_arm,
                              arm);
    if (c->want_exit && strcmp(c->want_exit, exit) != 0 && o < sizeof diff)
        o += (size_t)snprintf(diff + o, sizeof diff - o, " leaves at: expected '%s', got '%s';",
                              c->want_exit, exit);
    if (c->want_stage && strcmp(c->want_stage, stage) != 0 && o < sizeof diff)
        o += (size_t)snprintf(diff + o, sizeof diff - o, " stage: expected %s, got %s;",
                              c->want_stage, stage[0] ? stage : "(none)");
    if (o) {
        /* a row of the cohort: its `case` column says who it is */
        const cohort_column *what = c->id ? cohort_find(co, "case") : NULL;
        const char *who = what && what->type == COHORT_STR ? cohort_str(what, 0) : NULL;
        printf("FAIL %s: case '%s%s%s' (%s, TNM %d):%s\n", path, c->name, who ? " " : "",
               who ? who : "", tf->set, ed, diff);
        print_trace(ev);
        rc = 0;
    } else {
        rc = 1;
    }
    goto done;
bad:
    printf("FAIL %s: case '%s': %s\n", path, c->name, err);
done:
    rules_eval_free(ev);
    cohort_free(co);
    while (rules_version(r) > v0 && rules_undo(r) == 0) {
    }
    return rc;
}

/* Runs one test file; adds its failures to *failed. */
static void run_file(const char *path, const char *staging, int show_cov, rtable *json, int *failed,
                     int *cases) {
    char err[1200];
    rules *r = rules_new(0, 0, err, sizeof err);
    if (r == NULL || rules_set_staging_dir(r, staging) != 0) {
        printf("FAIL %s: %s\n", path, r ? "out of memory" : err);
        (*failed)++;
        rules_free(r);
        return;
    }
    rules_testfile tf;
    if (rules_load_tests(r, path, &tf, err, sizeof err) != 0 ||
        rules_load(r, tf.rules_path, err, sizeof err) != 0) {
        printf("FAIL %s: %s\n", path, err);
        (*failed)++;
        rules_free(r);
        return;
    }
    cohort *rows = NULL;
    if (tf.cohort_path) {
        csv_options o;
        csv_options_init(&o);
        if ((rows = csv_read_file(tf.cohort_path, NULL, &o, err, sizeof err)) == NULL) {
            printf("FAIL %s: %.*s\n", path, (int)strcspn(err, "\n"), err);
            (*failed)++;
            rules_testfile_free(&tf);
            rules_free(r);
            return;
        }
    }
    coverage cov = {0};
    snprintf(cov.set, sizeof cov.set, "%s", tf.set);
    size_t ni = rules_nitems(r, tf.set);
    for (size_t i = 0; i < ni; i++) {
        rules_item_info it;
        if (rules_item(r, tf.set, i, &it) != 0)
            continue;
        if (it.kind == 'c' && cov.ncrit < MAX_CRIT) {
            snprintf(cov.crit[cov.ncrit], sizeof cov.crit[0], "%s", it.name);
            cov.line[cov.ncrit++] = it.line;
        } else if (it.kind == 'a' && cov.narms < MAX_ARMS) {
            snprintf(cov.arm[cov.narms++], sizeof cov.arm[0], "%s", it.name);
        }
    }
    cov.nparams = rules_nparams(r, tf.set);
    if (cov.nparams > MAX_CRIT)
        cov.nparams = MAX_CRIT;
    for (size_t k = 0; k < cov.nparams; k++) {
        rules_param_info pi;
        if (rules_param(r, tf.set, k, &pi) == 0)
            snprintf(cov.param[k], sizeof cov.param[k], "%s", pi.name);
    }
    if (ni == 0) {
        printf("FAIL %s: the rule file has no rule set '%s'\n", path, tf.set);
        (*failed)++;
    }
    int pass = 0, fail = 0;
    for (int i = 0; ni && i < tf.ncases; i++) {
        int rc = run_case(r, &tf, rows, &tf.cases[i], &cov, path);
        pass += rc == 1;
        fail += rc != 1;
    }
    *failed += fail;
    *cases += pass + fail;
    printf("%s: %d cases, %d passed%s\n", path, pass + fail, pass, fail ? "" : ", all");
    /* the criteria landmark and arms run before the case's own: a landmark
     * criterion the engine adds counts like any other */
    size_t covered = 0;
    for (size_t k = 0; k < cov.ncrit; k++)
        for (int v = 0; v < 3; v++)
            covered += cov.seen[k][v] > 0;
    size_t arms = 0;
    for (size_t k = 0; k < cov.narms; k++)
        arms += cov.reached[k] > 0;
    if (show_cov) {
        printf("  coverage of %s: criteria x {true, false, unknown} %zu of %zu (%.0f%%); arms "
               "reached %zu of %zu\n",
               tf.set, covered, 3 * cov.ncrit,
               cov.ncrit ? 100.0 * covered / (3.0 * cov.ncrit) : 100.0, arms, cov.narms);
        printf("    %-20s %6s %6s %8s\n", "criterion", "true", "false", "unknown");
        for (size_t k = 0; k < cov.ncrit; k++)
            printf("    %-20s %6lu %6lu %8lu\n", cov.crit[k], cov.seen[k][2], cov.seen[k][0],
                   cov.seen[k][1]);
        static const char *const word[3] = {"false", "unknown", "true"};
        for (size_t k = 0; k < cov.ncrit; k++)
            for (int v = 0; v < 3; v++)
                if (!cov.seen[k][v])
                    printf("    uncovered: %s:%d: criterion '%s' is never %s\n", tf.rules_path,
                           cov.line[k], cov.crit[k], word[v]);
        for (size_t k = 0; k < cov.narms; k++)
            if (!cov.reached[k])
                printf("    uncovered: arm '%s' is never reached\n", cov.arm[k]);
        for (size_t k = 0; k < cov.nparams; k++)
            printf("    param %s: %s\n", cov.param[k], cov.values[k][0] ? cov.values[k] : "-");
    }
    for (size_t k = 0; json && k < cov.ncrit; k++) {
        size_t row = rtable_add_row(json);
        rtable_set_text(json, row, 0, path);
        rtable_set_text(json, row, 1, tf.set);
        rtable_set_text(json, row, 2, cov.crit[k]);
        rtable_set_textf(json, row, 3, "%s:%d", tf.rules_path, cov.line[k]);
        for (int v = 0; v < 3; v++)
            rtable_set_num(json, row, 4 + (size_t)v,
                           (double)cov.seen[k][v == 0   ? 2
                                               : v == 1 ? 0
                                                        : 1]);
    }
    cohort_free(rows);
    rules_testfile_free(&tf);
    rules_free(r);
}

/* Adds path, or the *_test.lua files of the folder path and of the
 * folders inside it (not following links), to files. */
static int collect(const char *path, char **files, int *n, int depth) {
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("FAIL %s: no such file or folder\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (*n < MAX_FILES)
            files[(*n)++] = strdup(path);
        return 0;
    }
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int first = *n;
    struct dirent *e;
    char *sub[64];
    int nsub = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        char *f = malloc(strlen(path) + l + 2);
        if (f == NULL)
            break;
        sprintf(f, "%s/%s", path, e->d_name);
        struct stat fs;
        if (l > 9 && strcmp(e->d_name + l - 9, "_test.lua") == 0 && *n < MAX_FILES)
            files[(*n)++] = f;
        else if (depth < 4 && nsub < 64 && lstat(f, &fs) == 0 && S_ISDIR(fs.st_mode))
            sub[nsub++] = f; /* a folder of tests inside (scripts/selection/tests) */
        else
            free(f);
    }
    closedir(d);
    qsort(files + first, (size_t)(*n - first), sizeof *files, tnm_strptr_cmp);
    qsort(sub, (size_t)nsub, sizeof *sub, tnm_strptr_cmp);
    for (int i = 0; i < nsub; i++) {
        collect(sub[i], files, n, depth + 1);
        free(sub[i]);
    }
    return 0;
}

int ruletest_main(int argc, char **argv) {
    int show_cov = 0;
    const char *json_path = NULL;
    char *files[MAX_FILES];
    int nfiles = 0, bad_args = 0, npaths = 0;
    char scripts[4096], staging[4200], deftests[4200];
    session_find_dir(scripts, sizeof scripts, "TNMLAB_SCRIPTS", "scripts");
    snprintf(staging, sizeof staging, "%s/staging", scripts);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--coverage") == 0)
            show_cov = 1;
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json_path = argv[++i];
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ||
                 argv[i][0] == '-') {
            printf("usage: tnmlab test [--coverage] [--json FILE] [FILE_test.lua | FOLDER ...]\n"
                   "Runs rule tests (default: %s/selection/tests and %s/staging/tests);\n"
                   "exit 0 when every case passes, 1 otherwise.\n",
                   scripts, scripts);
            return argv[i][1] == 'h' || strcmp(argv[i], "--help") == 0 ? 0 : 2;
        } else if (npaths++, collect(argv[i], files, &nfiles, 0) != 0)
            bad_args = 1;
    }
    if (npaths == 0) {
        snprintf(deftests, sizeof deftests, "%s/selection/tests", scripts);
        collect(deftests, files, &nfiles, 0);
        snprintf(deftests, sizeof deftests, "%s/staging/tests", scripts);
        struct stat st;
        if (stat(deftests, &st) == 0)
            collect(deftests, files, &nfiles, 0);
    }
    if (nfiles == 0 && !bad_args) {
        printf("FAIL: no *_test.lua files found\n");
        return 1;
    }
    rtable json, *jp = NULL;
    if (json_path && rtable_init(&json, 7) == 0) {
        static const char *const cols[] = {"file", "set",   "criterion", "where",
                                           "true", "false", "unknown"};
        for (size_t j = 0; j < 7; j++)
            rtable_col_set(&json, j, cols[j], j < 4 ? RTABLE_TEXT : RTABLE_COUNT, NULL, j < 4);
        jp = &json;
    }
    int failed = bad_args, cases = 0;
    for (int i = 0; i < nfiles; i++) {
        run_file(files[i], staging, show_cov, jp, &failed, &cases);
        free(files[i]);
    }
    if (jp) {
        FILE *f = fopen(json_path, "w");
        if (f == NULL || rtable_write_json(f, jp, "") != 0 || fclose(f) != 0) {
            printf("FAIL %s: cannot write the coverage\n", json_path);
            failed++;
        }
        rtable_free(jp);
    }
    printf("%d files, %d cases, %d failed\n", nfiles, cases, failed);
    return failed ? 1 : 0;
}
