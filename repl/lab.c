/* lab.c - laboratory commands and the Lua `lab` table (see lab.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lab.h"

#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "export.h"
#include "lcohort.h"
#include "luastate.h"
#include "session.h"
#include "view.h"

static int usage(session *s, const char *name) {
    const cmd_entry *c = commands_find(name);
    sink_printf(&s->err, "usage: %s %s\n", name, c ? c->usage : "");
    return 1;
}

/* Base name of a path, for labels. */
static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The data dictionary (DESIGN.md): the names rules and scripts read. */
static const char *const dictionary[] = {
    "id", "age", "sex", "ecog", "histology", "side", "driver", "t_size_cm", "t_insitu", "t_mia",
    "t_superficial", "t_invasion", "t_nodules", "n_stations", "m_sites", "m_pleural_effusion",
    "m_all_treatable", "m_lesions", "m_organs", "m_contralateral_nodule", "m_pleural", "t", "n",
    "m", "stage", "edition", "induction_response", "os_time", "os_event", "pfs_time",
    "pfs_event", NULL};

static int in_dictionary(const char *name) {
    for (const char *const *d = dictionary; *d; d++)
        if (strcmp(*d, name) == 0)
            return 1;
    return 0;
}

/* After a load: which dictionary fields the cohort lacks, so that a
 * person knows why criteria come out unknown and what to map. */
static void report_missing_fields(session *s) {
    const cohort *c = s->model.cohort;
    char list[1024] = "";
    size_t o = 0;
    int n = 0;
    for (const char *const *d = dictionary; *d; d++)
        if (cohort_find(c, *d) == NULL && o < sizeof list - 40) {
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", n ? ", " : "", *d);
            n++;
        }
    if (n)
        sink_printf(&s->out, "not in this cohort (criteria reading them are unknown; map a column "
                             "with field=column): %s\n", list);
}

/* Absolute form of path (as given when it cannot be resolved). */
static void absolute(const char *path, char *out, size_t n) {
    char *r = realpath(path, NULL);
    snprintf(out, n, "%s", r ? r : path);
    free(r);
}

static void remember_rule_file(session *s, const char *path) {
    char abs[4096];
    absolute(path, abs, sizeof abs);
    for (int i = 0; i < s->nrule_files; i++)
        if (strcmp(s->rule_files[i], abs) == 0)
            return;
    if (s->nrule_files < (int)(sizeof s->rule_files / sizeof s->rule_files[0]))
        s->rule_files[s->nrule_files++] = strdup(abs);
}

/* The `load cohort` line that recreates the cohort, with an absolute path,
 * every word quoted (a file or column name may hold a quote or a newline).
 * A line that does not fit is not kept: a cut one would load something else. */
static void remember_cohort_load(session *s, int argc, char **argv) {
    char abs[4096];
    absolute(argv[2], abs, sizeof abs);
    size_t n = sizeof s->cohort_cmd;
    size_t o = (size_t)snprintf(s->cohort_cmd, n, "load cohort ");
    for (int i = 2; i < argc && o < n; i++) {
        if (i > 2)
            s->cohort_cmd[o++] = ' ';
        if (o < n)
            o += commands_quote(i == 2 ? abs : argv[i], s->cohort_cmd + o, n - o);
    }
    if (o >= n)
        s->cohort_cmd[0] = '\0';
}

int lab_cmd_load(session *s, int argc, char **argv) {
    if (argc < 3)
        return usage(s, "load");
    char err[1024];
    if (strcmp(argv[1], "rules") == 0) {
        if (argc != 3)
            return usage(s, "load");
        if (model_load_rules(&s->model, argv[2], err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        remember_rule_file(s, argv[2]);
        sink_printf(&s->out, "loaded %s: %zu rule set%s; active: %s\n", argv[2],
                    rules_nsets(s->model.rules), rules_nsets(s->model.rules) == 1 ? "" : "s",
                    s->model.set[0] ? s->model.set : "none");
        return session_refresh(s);
    }
    if (strcmp(argv[1], "cohort") == 0) {
        /* load cohort FILE [months|days] [field=column ...] */
        const char *unit = "months";
        lua_State *L = s->L;
        lua_newtable(L); /* the map: data-dictionary name -> CSV column */
        int nmap = 0;
        for (int i = 3; i < argc; i++) {
            const char *eq = strchr(argv[i], '=');
            if (eq && eq != argv[i] && eq[1]) {
                lua_pushlstring(L, argv[i], (size_t)(eq - argv[i]));
                lua_pushstring(L, eq + 1);
                lua_settable(L, -3);
                nmap++;
            } else if (i == 3 && (!strcmp(argv[i], "months") || !strcmp(argv[i], "days"))) {
                unit = argv[i];
            } else {
                lua_pop(L, 1);
                sink_printf(&s->err,
                            "load cohort: '%s' is neither months/days nor field=column\n",
                            argv[i]);
                return 1;
            }
        }
        int map = lua_gettop(L);
        lua_getglobal(L, "cohort");
        if (!lua_istable(L, -1)) {
            lua_settop(L, map - 1);
            sink_printf(&s->err, "load cohort: the cohort module is not available\n");
            return 1;
        }
        lua_getfield(L, -1, "read_csv");
        lua_remove(L, -2);
        lua_pushstring(L, argv[2]);
        int nargs = 1;
        if (nmap) {
            lua_createtable(L, 0, 1);
            lua_pushvalue(L, map);
            lua_setfield(L, -2, "map");
            nargs = 2;
        }
        if (dsl_pcall(L, nargs, 1) != LUA_OK) {
            const char *msg = dsl_errmsg(L);
            sink_printf(&s->err, "%.*s\n", (int)dsl_errmsg_firstline(msg), msg);
            lua_settop(L, map - 1);
            return 1; /* the current cohort stays */
        }
        int rc = session_set_cohort(s, -1, base_name(argv[2]), unit);
        lua_settop(L, map - 1);
        if (rc == 0)
            remember_cohort_load(s, argc, argv);
        if (rc == 0) {
            sink_printf(&s->out, "loaded %s: %zu patients\n", argv[2],
                        cohort_nrows(s->model.cohort));
            report_missing_fields(s);
        }
        return rc ? rc : session_refresh(s);
    }
    return usage(s, "load");
}

int lab_cmd_rules(session *s, int argc, char **argv) {
    (void)argc;
    (void)argv;
    size_t n = rules_nsets(s->model.rules);
    if (n == 0) {
        sink_printf(&s->out, "no rules loaded (load rules FILE)\n");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = rules_set_name(s->model.rules, i);
        const char *doc = rules_set_doc(s->model.rules, name);
        size_t k = doc ? strcspn(doc, "\n") : 0;
        sink_printf(&s->out, "%s %-20s %.*s\n", strcmp(name, s->model.set) ? " " : "*", name,
                    (int)(k > 70 ? 70 : k), doc ? doc : "");
    }
    return 0;
}

int lab_cmd_use(session *s, int argc, char **argv) {
    if (argc != 2)
        return usage(s, "use");
    char err[512];
    if (model_use(&s->model, argv[1], err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    return session_refresh(s);
}

int lab_cmd_set(session *s, int argc, char **argv) {
    if (argc != 3)
        return usage(s, "set");
    char err[512];
    if (model_set_param(&s->model, argv[1], argv[2], err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    return session_refresh(s);
}

int lab_cmd_reset(session *s, int argc, char **argv) {
    if (argc > 2)
        return usage(s, "reset");
    char err[512];
    if (model_reset_param(&s->model, argc == 2 ? argv[1] : NULL, err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    return session_refresh(s);
}

static int move_version(session *s, int redo) {
    int rc = redo ? rules_redo(s->model.rules) : rules_undo(s->model.rules);
    if (rc != 0) {
        sink_printf(&s->err, "nothing to %s\n", redo ? "redo" : "undo");
        return 1;
    }
    int v = rules_version(s->model.rules);
    const char *label = rules_version_label(s->model.rules, redo ? v : v + 1);
    sink_printf(&s->out, "%s %s (now version %d)\n", redo ? "redid" : "undid", label ? label : "",
                v);
    /* A param change of another rule set ("set.param a -> b"): show that
     * set, or the undo would change nothing on the screen. */
    if (label && strncmp(label, "load ", 5) != 0) {
        const char *dot = strchr(label, '.');
        const char *space = strchr(label, ' ');
        if (dot && (!space || dot < space)) {
            char set[64];
            snprintf(set, sizeof set, "%.*s", (int)(dot - label), label);
            char err[256];
            if (strcmp(set, s->model.set) != 0 && model_use(&s->model, set, err, sizeof err) == 0)
                sink_printf(&s->out, "showing %s, whose rules changed\n", set);
        }
    }
    return session_refresh(s);
}

int lab_cmd_undo(session *s, int argc, char **argv) {
    (void)argv;
    return argc != 1 ? usage(s, "undo") : move_version(s, 0);
}

int lab_cmd_redo(session *s, int argc, char **argv) {
    (void)argv;
    return argc != 1 ? usage(s, "redo") : move_version(s, 1);
}

int lab_cmd_show(session *s, int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "all";
    int saved = s->print_views;
    s->print_views = 0; /* print only what was asked for */
    int bad = session_refresh(s);
    s->print_views = saved;
    if (bad)
        return 1;
    int all = strcmp(what, "all") == 0, any = 0;
    if (all || strcmp(what, "rules") == 0) {
        session_print_view(s, view_rules);
        any = 1;
    }
    if (all || strcmp(what, "attrition") == 0) {
        session_print_view(s, view_attrition);
        any = 1;
    }
    if (all || strcmp(what, "outcome") == 0) {
        session_print_view(s, view_outcome);
        any = 1;
    }
    return any ? 0 : usage(s, "show");
}

/* --- cases ----------------------------------------------------------------- */

static const char *row_id(const model *m, size_t row, char *buf, size_t n) {
    const cohort_column *id = cohort_find(m->cohort, "id");
    if (id && id->type == COHORT_STR && cohort_str(id, row))
        snprintf(buf, n, "%s", cohort_str(id, row));
    else if (id && id->type == COHORT_NUM && !isnan(id->v.num[row]))
        snprintf(buf, n, "%g", id->v.num[row]);
    else
        snprintf(buf, n, "#%zu", row + 1);
    return buf;
}

void lab_write_case(session *s, sink *out) {
    model *m = &s->model;
    if (m->cohort == NULL || m->case_row >= cohort_nrows(m->cohort)) {
        sink_printf(out, "no case selected (case ID, next, prev)\n");
        return;
    }
    size_t row = m->case_row;
    char id[64];
    sink_printf(out, "patient %s (row %zu of %zu)\n", row_id(m, row, id, sizeof id), row + 1,
                cohort_nrows(m->cohort));
    for (size_t j = 0; j < cohort_ncols(m->cohort); j++) {
        const cohort_column *c = cohort_col(m->cohort, j);
        if (strchr(c->name, '@'))
            continue; /* potential outcomes: not part of the record */
        char val[128];
        if (c->type == COHORT_NUM)
            view_num(c->v.num[row], 6, "(unknown)", val, sizeof val);
        else if (c->type == COHORT_BOOL)
            snprintf(val, sizeof val, "%s",
                     c->v.b[row] < 0 ? "(unknown)" : c->v.b[row] ? "true" : "false");
        else
            snprintf(val, sizeof val, "%s", cohort_str(c, row) ? cohort_str(c, row) : "(unknown)");
        if (c->type == COHORT_NUM && strchr(val, '.')) { /* trim trailing zeros */
            char *e = val + strlen(val) - 1;
            while (*e == '0')
                *e-- = '\0';
            if (*e == '.')
                *e = '\0';
        }
        /* Times carry their unit: the cohort's, as loaded. */
        int is_time = !strcmp(c->name, "os_time") || !strcmp(c->name, "pfs_time");
        sink_printf(out, "  %-20s %s%s%s\n", c->name, val,
                    is_time && c->type == COHORT_NUM && !isnan(c->v.num[row]) ? " " : "",
                    is_time && c->type == COHORT_NUM && !isnan(c->v.num[row]) ? m->time_unit : "");
    }
}

/* case, next and prev show the record; the full screen shows it in its
 * case pane, the line REPL prints it. */
static int show_case(session *s) {
    s->pane_case = PANE_SHOWS_CASE;
    if (s->print_views)
        lab_write_case(s, &s->out);
    return 0;
}

static int need_cohort(session *s) {
    if (s->model.cohort == NULL || cohort_nrows(s->model.cohort) == 0) {
        sink_printf(&s->err, "no cohort is loaded (load cohort FILE)\n");
        return 1;
    }
    return 0;
}

int lab_cmd_case(session *s, int argc, char **argv) {
    if (argc != 2)
        return usage(s, "case");
    if (need_cohort(s))
        return 1;
    model *m = &s->model;
    size_t n = cohort_nrows(m->cohort);
    const char *want = argv[1];
    if (want[0] == '#') {
        char *end;
        long r = strtol(want + 1, &end, 10);
        if (*end || r < 1 || (size_t)r > n) {
            sink_printf(&s->err, "case: row %s is not between #1 and #%zu\n", want, n);
            return 1;
        }
        m->case_row = (size_t)r - 1;
        return show_case(s);
    }
    for (size_t i = 0; i < n; i++) {
        char id[64];
        if (strcmp(row_id(m, i, id, sizeof id), want) == 0) {
            m->case_row = i;
            return show_case(s);
        }
    }
    sink_printf(&s->err, "case: no patient with id '%s' (use #N for row N)\n", want);
    return 1;
}

int lab_cmd_next(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "next");
    if (need_cohort(s))
        return 1;
    if (s->model.case_row + 1 < cohort_nrows(s->model.cohort))
        s->model.case_row++;
    return show_case(s);
}

int lab_cmd_prev(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "prev");
    if (need_cohort(s))
        return 1;
    if (s->model.case_row > 0)
        s->model.case_row--;
    return show_case(s);
}

static const char *result_word(int r) {
    return r == EXPR_TRUE ? "pass" : r == EXPR_FALSE ? "FAIL" : "unknown";
}

/* Pushes row of c as a Lua table of its data-dictionary fields (potential
 * outcomes left out, missing values absent).  Stack: [] -> [record]. */
static void push_record(lua_State *L, const cohort *c, size_t row) {
    lua_createtable(L, 0, (int)cohort_ncols(c));
    for (size_t j = 0; j < cohort_ncols(c); j++) {
        const cohort_column *col = cohort_col(c, j);
        if (strchr(col->name, '@'))
            continue;
        if (col->type == COHORT_NUM) {
            double v = col->v.num[row];
            if (isnan(v))
                continue;
            if (v == floor(v) && fabs(v) < 1e15)
                lua_pushinteger(L, (lua_Integer)v);
            else
                lua_pushnumber(L, v);
        } else if (col->type == COHORT_BOOL) {
            if (col->v.b[row] < 0)
                continue;
            lua_pushboolean(L, col->v.b[row]);
        } else {
            const char *str = cohort_str(col, row);
            if (str == NULL)
                continue;
            lua_pushstring(L, str);
        }
        lua_setfield(L, -2, col->name);
    }
}

/* Staging of one record with the session's edition: T, N, M, stage and the
 * trace of tnmX.classify. */
static void write_staging(session *s, const cohort *c, size_t row, sink *out) {
    lua_State *L = s->L;
    const char *mod = s->edition == 9 ? "tnm9" : "tnm8";
    lua_getglobal(L, mod);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        sink_printf(out, "  staging: %s is not loaded\n", mod);
        return;
    }
    lua_getfield(L, -1, "classify");
    lua_remove(L, -2);
    push_record(L, c, row);
    if (dsl_pcall(L, 1, 1) != LUA_OK) {
        const char *msg = dsl_errmsg(L);
        sink_printf(out, "  staging: %.*s\n", (int)dsl_errmsg_firstline(msg), msg);
        lua_pop(L, 1);
        return;
    }
    const char *part[4] = {"t", "n", "m", "stage"};
    char val[4][32];
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -1, part[i]);
        snprintf(val[i], sizeof val[i], "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
        lua_pop(L, 1);
    }
    sink_printf(out, "  staging (TNM %d): %s %s %s -> stage %s\n", s->edition == 9 ? 9 : 8,
                val[0], val[1], val[2], val[3]);
    lua_getfield(L, -1, "why");
    if (lua_istable(L, -1)) {
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            if (lua_isstring(L, -1))
                sink_printf(out, "    %s\n", lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 2);
}

/* The rule trace of row of the cohort evaluated by ev. */
static int write_trace(session *s, rules_eval *ev, size_t row, sink *out, int *selected,
                       char *arm, size_t armlen) {
    rules_trace tr;
    char err[512];
    if (rules_explain(ev, row, &tr, err, sizeof err) != 0) {
        sink_printf(out, "explain: %s\n", err);
        return 1;
    }
    (void)s;
    for (size_t i = 0; i < tr.n; i++) {
        const rules_trace_item *it = &tr.items[i];
        if (it->kind == 'd')
            sink_printf(out, "  derived  %-16s %s\n", it->name, it->values);
        else if (it->kind == 'c' || it->kind == 'a')
            sink_printf(out, "  %-8s %-16s %s%s%s%s\n",
                        it->kind == 'c' ? result_word(it->result) : "arm", it->name, it->reason,
                        it->values[0] ? "  [" : "", it->values, it->values[0] ? "]" : "");
        else
            sink_printf(out, "  %s\n", it->reason);
    }
    sink_printf(out, "  => %s%s%s\n", tr.selected ? "selected" : "not selected",
                tr.arm[0] ? ", arm " : "", tr.arm);
    if (selected)
        *selected = tr.selected;
    if (arm)
        snprintf(arm, armlen, "%s", tr.arm);
    rules_trace_free(&tr);
    return 0;
}

int lab_write_explain(session *s, sink *out) {
    model *m = &s->model;
    if (m->cohort == NULL || m->case_row >= cohort_nrows(m->cohort)) {
        sink_printf(out, "no case selected (case ID, next, prev)\n");
        return 1;
    }
    char id[64];
    sink_printf(out, "patient %s under %s (version %d)", row_id(m, m->case_row, id, sizeof id),
                m->set[0] ? m->set : "no rule set", rules_version(m->rules));
    char err[512];
    rules_eval *ev = model_evaluation(m, err, sizeof err);
    if (ev) { /* the verdict first: the pane may not show the whole trace */
        int sel = rules_eval_selected(ev)[m->case_row] == EXPR_TRUE;
        int16_t a = rules_eval_arms(ev)[m->case_row];
        sink_printf(out, ": %s%s%s", sel ? "selected" : "not selected", a >= 0 ? ", arm " : "",
                    a >= 0 ? rules_eval_arm_name(ev, (size_t)a) : "");
    }
    sink_printf(out, "\n");
    write_staging(s, m->cohort, m->case_row, out);
    if (ev == NULL) {
        sink_printf(out, "  %s\n", err[0] ? err : "no rule set is active");
        return 1;
    }
    return write_trace(s, ev, m->case_row, out, NULL, NULL, 0);
}

/* Sets field=value in row 0 of a one-row cohort; an empty value is missing. */
static int apply_whatif(session *s, cohort *one, const char *assign) {
    const char *eq = strchr(assign, '=');
    if (eq == NULL || eq == assign) {
        sink_printf(&s->err, "whatif: '%s' is not FIELD=VALUE\n", assign);
        return 1;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - assign), assign);
    const char *val = eq + 1;
    cohort_column *col = cohort_find(one, name);
    char *end;
    double num = strtod(val, &end);
    int is_num = *val && *end == '\0';
    int is_bool = !strcmp(val, "true") || !strcmp(val, "false");
    if (col == NULL) { /* a field the cohort lacks: add it */
        if (!in_dictionary(name))
            sink_printf(&s->err, "whatif: '%s' is not a data-dictionary field; no rule reads it "
                                 "unless a rule file names it\n", name);
        col = cohort_add(one, name, is_num ? COHORT_NUM : is_bool ? COHORT_BOOL : COHORT_STR);
    }
    if (col == NULL) {
        sink_printf(&s->err, "whatif: cannot add field '%s'\n", name);
        return 1;
    }
    if (col->type == COHORT_NUM) {
        if (*val && !is_num) {
            sink_printf(&s->err, "whatif: %s is a number, not '%s'\n", name, val);
            return 1;
        }
        col->v.num[0] = *val ? num : NAN;
    } else if (col->type == COHORT_BOOL) {
        if (*val && !is_bool && strcmp(val, "1") && strcmp(val, "0")) {
            sink_printf(&s->err, "whatif: %s is true or false, not '%s'\n", name, val);
            return 1;
        }
        col->v.b[0] = (int8_t)(!*val ? COHORT_NA : (!strcmp(val, "true") || !strcmp(val, "1")));
    } else {
        col->v.str[0] = *val ? cohort_intern(col, val, strlen(val)) : COHORT_NA;
    }
    col->generation++;
    return 0;
}

int lab_cmd_whatif(session *s, int argc, char **argv) {
    if (argc < 2)
        return usage(s, "whatif");
    if (need_cohort(s) || session_refresh(s) != 0)
        return 1;
    model *m = &s->model;
    uint32_t row = (uint32_t)m->case_row;
    cohort *one = cohort_select(m->cohort, &row, 1);
    if (one == NULL) {
        sink_printf(&s->err, "whatif: out of memory\n");
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++)
        rc = apply_whatif(s, one, argv[i]);
    if (rc == 0) {
        char id[64];
        sink_printf(&s->out, "what if patient %s had", row_id(m, m->case_row, id, sizeof id));
        for (int i = 1; i < argc; i++)
            sink_printf(&s->out, " %s", argv[i]);
        sink_printf(&s->out, " (the cohort is not changed):\n");
        write_staging(s, one, 0, &s->out);
        if (m->set[0]) {
            char err[512];
            rules_eval *ev = rules_eval_new(m->rules, m->set, one, err, sizeof err);
            rules_eval *was = ev ? model_evaluation(m, err, sizeof err) : NULL;
            if (ev == NULL || was == NULL || rules_eval_run(ev, 1, err, sizeof err) != 0) {
                sink_printf(&s->err, "whatif: %s\n", err);
                rc = 1;
            } else {
                int sel_now = 0, sel_was = rules_eval_selected(was)[row] == EXPR_TRUE;
                char arm_now[64] = "", arm_was[64] = "";
                const int16_t *arms = rules_eval_arms(was);
                if (arms[row] >= 0)
                    snprintf(arm_was, sizeof arm_was, "%s", rules_eval_arm_name(was, (size_t)arms[row]));
                rc = write_trace(s, ev, 0, &s->out, &sel_now, arm_now, sizeof arm_now);
                if (rc == 0)
                    sink_printf(&s->out, "  compared with the record: %s -> %s, arm %s -> %s\n",
                                sel_was ? "selected" : "not selected",
                                sel_now ? "selected" : "not selected", arm_was[0] ? arm_was : "none",
                                arm_now[0] ? arm_now : "none");
            }
            rules_eval_free(ev);
        }
    }
    cohort_free(one);
    return rc;
}

int lab_cmd_edition(session *s, int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "8") && strcmp(argv[1], "9")))
        return usage(s, "edition");
    s->edition = atoi(argv[1]);
    sink_printf(&s->out, "staging with the TNM %d%s edition\n", s->edition,
                s->edition == 8 ? "th" : "th");
    return 0;
}

int lab_cmd_explain(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "explain");
    if (need_cohort(s) || session_refresh(s) != 0)
        return 1;
    s->pane_case = PANE_SHOWS_CASE;
    return lab_write_explain(s, &s->out);
}

int lab_cmd_hr(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "hr");
    char err[512];
    if (model_want_hr(&s->model, err, sizeof err) != 0) {
        sink_printf(&s->err, "hr: %s\n", err);
        return 1;
    }
    if (s->print_views)
        session_print_view(s, view_outcome);
    return 0;
}

int lab_cmd_plot(session *s, int argc, char **argv) {
    if (argc > 2)
        return usage(s, "plot");
    if (argc == 2) {
        if (!strcmp(argv[1], "os") || !strcmp(argv[1], "OS"))
            s->plot_endpoint = MODEL_OS;
        else if (!strcmp(argv[1], "pfs") || !strcmp(argv[1], "PFS"))
            s->plot_endpoint = MODEL_PFS;
        else
            return usage(s, "plot");
    }
    s->pane_case = PANE_SHOWS_PLOT;
    s->model.focus = s->plot_endpoint;
    return 0;
}

int lab_cmd_diff(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "diff");
    if (need_cohort(s) || session_refresh(s) != 0)
        return 1;
    model *m = &s->model;
    if (!m->prev.valid || strcmp(m->prev.set, m->cur.set) != 0) {
        sink_printf(&s->out, "no previous version of %s to compare with\n", m->set);
        return 0;
    }
    rules_diff d;
    char err[512];
    if (rules_diff_versions(m->rules, m->set, m->cohort, m->prev.version, m->cur.version, &d, err,
                            sizeof err) != 0) {
        sink_printf(&s->err, "diff: %s\n", err);
        return 1;
    }
    sink_printf(&s->out, "version %d -> %d: %zu newly selected, %zu no longer selected, %zu changed arm\n",
                m->prev.version, m->cur.version, d.gained, d.lost, d.arm_changed);
    for (size_t i = 0; i < d.nmoves; i++)
        sink_printf(&s->out, "  %-12s -> %-12s %zu\n", d.moves[i].from, d.moves[i].to,
                    d.moves[i].count);
    size_t show = d.nrows < 20 ? d.nrows : 20;
    for (size_t i = 0; i < show; i++) {
        char id[64];
        sink_printf(&s->out, "%s%s", i ? " " : "  patients: ", row_id(m, d.rows[i], id, sizeof id));
    }
    if (show)
        sink_printf(&s->out, "%s\n", d.nrows > show ? " ..." : "");
    rules_diff_free(&d);
    return 0;
}

/* simulate SCENARIO N [SEED]: a simulated cohort from scripts/scenarios. */
static int simulate(session *s, const char *scenario, long n, long seed, const char *label) {
    lua_State *L = s->L;
    lua_getglobal(L, "cohort");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        sink_printf(&s->err, "simulate: the simulator is not available\n");
        return 1;
    }
    lua_getfield(L, -1, "simulate");
    lua_remove(L, -2);
    lua_pushstring(L, scenario);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    lua_pushinteger(L, seed);
    lua_setfield(L, -2, "seed");
    if (dsl_pcall(L, 2, 1) != LUA_OK) {
        const char *msg = dsl_errmsg(L);
        int len = (int)dsl_errmsg_firstline(msg);
        /* The simulator names itself already in most of its messages. */
        sink_printf(&s->err, "%s%.*s\n", strncmp(msg, "simulate", 8) ? "simulate: " : "", len, msg);
        lua_pop(L, 1);
        return 1; /* the current cohort stays */
    }
    char name[256];
    if (label)
        snprintf(name, sizeof name, "%s", label);
    else
        snprintf(name, sizeof name, "%s (n=%ld, seed %ld)", scenario, n, seed);
    int rc = session_set_cohort(s, -1, name, "months");
    lua_pop(L, 1);
    if (rc == 0) {
        char quoted[512];
        if (commands_quote(scenario, quoted, sizeof quoted) < sizeof quoted)
            snprintf(s->cohort_cmd, sizeof s->cohort_cmd, "simulate %s %ld %ld", quoted, n, seed);
        else
            s->cohort_cmd[0] = '\0';
    }
    return rc;
}

int lab_cmd_simulate(session *s, int argc, char **argv) {
    if (argc < 3 || argc > 4)
        return usage(s, "simulate");
    char *end;
    long n = strtol(argv[2], &end, 10);
    if (*end || n < 1 || n > 100000000) {
        sink_printf(&s->err, "simulate: N must be a whole number from 1 to 100000000, not '%s'\n",
                    argv[2]);
        return 1;
    }
    long seed = 1;
    if (argc == 4) {
        seed = strtol(argv[3], &end, 10);
        if (*end || end == argv[3]) {
            sink_printf(&s->err, "simulate: SEED must be a whole number, not '%s'\n", argv[3]);
            return 1;
        }
    }
    if (simulate(s, argv[1], n, seed, NULL) != 0)
        return 1;
    sink_printf(&s->out, "simulated %ld patients from scenario %s (seed %ld)\n", n, argv[1], seed);
    return session_refresh(s);
}

/* --- reload and edit ------------------------------------------------------- */

/* Every rule file this session loaded: shipped ones, then the user's. */
static int nfiles(session *s) { return s->nshipped_files + s->nrule_files; }
static const char *file_at(session *s, int i) {
    return i < s->nshipped_files ? s->shipped_files[i] : s->rule_files[i - s->nshipped_files];
}

int lab_cmd_reload(session *s, int argc, char **argv) {
    (void)argv;
    if (argc != 1)
        return usage(s, "reload");
    int failed = 0;
    for (int i = 0; i < nfiles(s); i++) {
        char err[1024];
        if (rules_load(s->model.rules, file_at(s, i), err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n(the previous version of these rules stays active)\n", err);
            failed = 1;
        }
    }
    sink_printf(&s->out, "reloaded %d rule file%s%s\n", nfiles(s), nfiles(s) == 1 ? "" : "s",
                failed ? " (some failed, see above)" : "");
    return session_refresh(s) || failed;
}

/* The rule file that defines rule set `set`: the one whose text holds
 * ruleset "set" (or 'set'). */
static const char *file_of_set(session *s, const char *set) {
    char pat1[128], pat2[128];
    snprintf(pat1, sizeof pat1, "ruleset \"%s\"", set);
    snprintf(pat2, sizeof pat2, "ruleset '%s'", set);
    for (int i = nfiles(s) - 1; i >= 0; i--) {
        FILE *f = fopen(file_at(s, i), "r");
        if (f == NULL)
            continue;
        char line[1024];
        int found = 0;
        while (!found && fgets(line, sizeof line, f))
            found = strstr(line, pat1) || strstr(line, pat2);
        fclose(f);
        if (found)
            return file_at(s, i);
    }
    return NULL;
}

int lab_cmd_edit(session *s, int argc, char **argv) {
    if (argc > 2)
        return usage(s, "edit");
    const char *set = argc == 2 ? argv[1] : s->model.set;
    if (!set[0]) {
        sink_printf(&s->err, "edit: no rule set is active; name one (rules lists them)\n");
        return 1;
    }
    const char *path = file_of_set(s, set);
    if (path == NULL) {
        sink_printf(&s->err, "edit: no loaded rule file defines rule set '%s'\n", set);
        return 1;
    }
    if (access(path, W_OK) != 0) {
        sink_printf(&s->err, "edit: %s is read-only here; copy it, then load rules COPY and edit\n",
                    path);
        return 1;
    }
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    char *file = strdup(path);
    if (s->suspend)
        s->suspend(s, 0);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, file, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (s->suspend)
        s->suspend(s, 1);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127) {
        sink_printf(&s->err, "edit: could not run the editor '%s' (set $EDITOR)\n", editor);
        free(file);
        return 1;
    }
    char err[1024];
    int rc = rules_load(s->model.rules, file, err, sizeof err);
    if (rc != 0)
        sink_printf(&s->err, "%s\n(the previous version of the rules stays active)\n", err);
    else
        sink_printf(&s->out, "reloaded %s\n", file);
    free(file);
    return session_refresh(s) || rc != 0;
}

/* --- start-up ------------------------------------------------------------ */

#include <dirent.h>

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every rule file of scripts/selection, in name order. */
static int load_shipped_rules(session *s) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/selection", s->scripts_dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4400], err[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && rules_load(s->model.rules, path, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            rc = 1;
        } else if (names[i] && s->nshipped_files < 64) {
            s->shipped_files[s->nshipped_files++] = strdup(path);
        }
        free(names[i]);
    }
    return rc;
}

int lab_startup(session *s, int interactive) {
    const tnm_options *o = s->opts;
    int rc = 0;
    if (o->rules) {
        char err[1024];
        if (model_load_rules(&s->model, o->rules, err, sizeof err) != 0) {
            sink_printf(&s->err, "%s\n", err);
            return 1;
        }
        remember_rule_file(s, o->rules);
    } else {
        rc |= load_shipped_rules(s);
        char err[256];
        if (rules_nsets(s->model.rules) > 0 &&
            model_use(&s->model, "deruysscher2012", err, sizeof err) != 0)
            model_use(&s->model, rules_set_name(s->model.rules, 0), err, sizeof err);
    }
    if (o->cohort) {
        char *argv[] = {"load", "cohort", (char *)o->cohort};
        int saved = s->print_views;
        s->print_views = 0;
        int bad = lab_cmd_load(s, 3, argv);
        s->print_views = saved;
        if (bad)
            return 1;
    } else if (interactive) {
        /* The bundled demo: the stage IV scenario, simulated on the spot. */
        rc |= simulate(s, "stage_iv", 2000, o->has_seed ? o->seed : 1, "demo");
    }
    return rc;
}

/* --- Lua ----------------------------------------------------------------- */

/* lab.cohort() -> current cohort or nil.  Upvalue 1: the session. */
static int l_cohort(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    if (s->cohort_ref == LUA_NOREF)
        lua_pushnil(L);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->cohort_ref);
    return 1;
}

/* lab.set_cohort(c [, name [, unit]]) -> true */
static int l_set_cohort(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    lcohort_check(L, 1);
    const char *name = luaL_optstring(L, 2, "cohort");
    const char *unit = luaL_optstring(L, 3, "months");
    char err[512];
    if (strcmp(unit, "months") && strcmp(unit, "days"))
        return luaL_error(L, "time unit must be months or days, not '%s'", unit);
    if (session_set_cohort(s, 1, name, unit) != 0)
        return luaL_error(L, "could not use this cohort");
    s->cohort_cmd[0] = '\0'; /* made in Lua: a session file cannot recreate it */
    (void)err;
    session_refresh(s);
    lua_pushboolean(L, 1);
    return 1;
}

/* lab.run(line) -> true | nil, "not a command" */
static int l_run(lua_State *L) {
    session *s = lua_touserdata(L, lua_upvalueindex(1));
    const char *line = luaL_checkstring(L, 1);
    int rc = commands_dispatch(s, line);
    if (rc < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "not a command: %s", line);
        return 2;
    }
    if (rc != 0) {
        lua_pushnil(L);
        lua_pushstring(L, "command failed (see the message above)");
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* lab.now() -> seconds on a monotonic wall clock (os.clock counts CPU time
 * of every thread, which overstates work spread over two). */
static int l_now(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (double)ts.tv_sec + ts.tv_nsec / 1e9);
    return 1;
}

void lab_open(session *s) {
    static const luaL_Reg fns[] = {{"cohort", l_cohort}, {"set_cohort", l_set_cohort},
                                   {"run", l_run},       {"now", l_now},
                                   {NULL, NULL}};
    lua_newtable(s->L);
    lua_pushlightuserdata(s->L, s);
    luaL_setfuncs(s->L, fns, 1);
    lua_setglobal(s->L, "lab");
    export_open(s);
}
