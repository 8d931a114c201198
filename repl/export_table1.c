/* export_table1.c - `table1 [by COLUMN | arms] [VAR[:cat] ...]` and
 * `export table1 FILE.csv|.md|.json [...]`: baseline characteristics of
 * the selected vs the not selected patients, per arm, or by a column.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/table1.c computes; this file chooses the groups and variables and
 * builds two result tables (rtable.h): the one people read, laid out as R's
 * tableone prints it (median [IQR], n (%), SMD, missing), and the long one
 * of every figure at full precision (variable, level, statistic, group,
 * value) that CSV and JSON exports write for checking against R.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "export_int.h"
#include "rtable.h"
#include "session.h"
#include "table1.h"

enum { T1_MAX_VARS = 64, T1_MAX_GROUPS = 20 };

typedef struct t1_req {
    const char *by; /* NULL: selected vs not; "arms": arm among the selected */
    const char *vars[T1_MAX_VARS];
    int cat[T1_MAX_VARS];
    size_t nvars;
} t1_req;

/* Reads [by COLUMN | arms] [VAR[:cat] ...] from argv[first..argc). */
static int parse_req(int argc, char **argv, int first, t1_req *rq, char *names, size_t nlen,
                     char *err, size_t errlen) {
    memset(rq, 0, sizeof *rq);
    size_t used = 0;
    for (int i = first; i < argc; i++) {
        if (!strcmp(argv[i], "by") && i + 1 < argc) {
            rq->by = argv[++i];
        } else if (!strcmp(argv[i], "arms")) {
            rq->by = "arms";
        } else if (rq->nvars < T1_MAX_VARS) {
            size_t len = strlen(argv[i]);
            int cat = len > 4 && !strcmp(argv[i] + len - 4, ":cat");
            if (cat)
                len -= 4;
            if (used + len + 1 > nlen) {
                snprintf(err, errlen, "table1: too many variables");
                return -1;
            }
            memcpy(names + used, argv[i], len);
            names[used + len] = '\0';
            rq->vars[rq->nvars] = names + used;
            rq->cat[rq->nvars++] = cat;
            used += len + 1;
        } else {
            snprintf(err, errlen, "table1: at most %d variables", T1_MAX_VARS);
            return -1;
        }
    }
    return 0;
}

/* A column a table 1 shows by default: not the id, the outcomes, the
 * potential outcomes or the arm, and not free text (over 20 values). */
static int default_var(const cohort_column *col, const char *by) {
    const char *n = col->name;
    if (!strcmp(n, "id") || !strcmp(n, "arm") || (by && !strcmp(n, by)) || strchr(n, '@') ||
        !strncmp(n, "os_", 3) || !strncmp(n, "pfs_", 4))
        return 0;
    return col->type != COHORT_STR || col->nlevels <= 20;
}

/* A number column of whole numbers with at most 5 values (ECOG, a coded
 * category) reads as categorical. */
static int looks_categorical(const cohort_column *col, size_t n) {
    if (col->type != COHORT_NUM)
        return 1;
    double seen[6];
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        double x = col->v.num[i];
        if (isnan(x))
            continue;
        if (x != floor(x))
            return 0;
        int j = 0;
        while (j < k && seen[j] != x)
            j++;
        if (j == k) {
            if (k == 5)
                return 0;
            seen[k++] = x;
        }
    }
    return k > 0;
}

/* The groups: codes per row (owned by the caller), names into names[]. */
static int make_groups(model *m, const char *by, int32_t *group, char names[][64], int *ng,
                       char *err, size_t errlen) {
    const cohort *c = m->cohort;
    size_t n = cohort_nrows(c);
    if (by && strcmp(by, "arms") != 0) {
        const cohort_column *col = cohort_find(c, by);
        if (!col) {
            snprintf(err, errlen, "table1: no column '%s' to group by", by);
            return -1;
        }
        char **lv;
        size_t nl;
        if (table1_factor(col, n, &lv, &nl, group) < 0) {
            snprintf(err, errlen, "table1: out of memory");
            return -1;
        }
        int ok = nl >= 1 && nl <= T1_MAX_GROUPS;
        if (!ok)
            snprintf(err, errlen, "table1: '%s' has %zu values; group by one with 1-%d", by, nl,
                     T1_MAX_GROUPS);
        *ng = ok ? (int)nl : 0;
        for (size_t g = 0; g < nl; g++) {
            if (ok)
                snprintf(names[g], 64, "%s", lv[g]);
            free(lv[g]);
        }
        free(lv);
        return ok ? 0 : -1;
    }
    rules_eval *ev = model_evaluation(m, err, errlen);
    if (!ev) {
        if (!err[0])
            snprintf(err, errlen, "table1: needs a cohort and an active rule set (or by COLUMN)");
        return -1;
    }
    const uint8_t *sel = rules_eval_selected(ev);
    if (!by) {
        *ng = 2;
        snprintf(names[0], 64, "selected");
        snprintf(names[1], 64, "not selected");
        for (size_t i = 0; i < n; i++)
            group[i] = sel[i] == EXPR_TRUE ? 0 : 1;
        return 0;
    }
    const int16_t *arm = rules_eval_arms(ev);
    size_t na = rules_eval_narms(ev);
    if (na > T1_MAX_GROUPS)
        na = T1_MAX_GROUPS;
    *ng = (int)na;
    for (size_t a = 0; a < na; a++)
        snprintf(names[a], 64, "%s", rules_eval_arm_name(ev, a));
    for (size_t i = 0; i < n; i++)
        group[i] = sel[i] == EXPR_TRUE && arm[i] >= 0 && (size_t)arm[i] < na ? arm[i] : -1;
    return 0;
}

static int compute(model *m, const t1_req *rq, table1 **out, char *err, size_t errlen) {
    const cohort *c = m->cohort;
    if (!c) {
        snprintf(err, errlen, "table1: no cohort is loaded");
        return -1;
    }
    size_t n = cohort_nrows(c);
    int32_t *group = malloc((n ? n : 1) * sizeof *group);
    char names[T1_MAX_GROUPS][64];
    const char *gn[T1_MAX_GROUPS];
    int ng = 0, rc = -1;
    if (!group) {
        snprintf(err, errlen, "table1: out of memory");
        return -1;
    }
    if (make_groups(m, rq->by, group, names, &ng, err, errlen) < 0)
        goto out;
    for (int g = 0; g < ng; g++)
        gn[g] = names[g];
    const char *vars[T1_MAX_VARS];
    int cat[T1_MAX_VARS];
    size_t nv = 0;
    if (rq->nvars) {
        for (size_t k = 0; k < rq->nvars; k++) {
            const cohort_column *col = cohort_find(c, rq->vars[k]);
            vars[nv] = rq->vars[k];
            cat[nv++] = rq->cat[k] || (col && looks_categorical(col, n));
        }
    } else {
        const char *by = rq->by && strcmp(rq->by, "arms") ? rq->by : NULL;
        for (size_t j = 0; j < cohort_ncols(c) && nv < T1_MAX_VARS; j++) {
            const cohort_column *col = cohort_col(c, j);
            if (default_var(col, by)) {
                vars[nv] = col->name;
                cat[nv++] = looks_categorical(col, n);
            }
        }
    }
    rc = table1_compute(c, group, ng, gn, vars, cat, nv, out, err, errlen);
out:
    free(group);
    return rc;
}

/* Cells of a people's table left empty read blank, not NA. */
static void blank_rest(rtable *r, size_t row, size_t ncols) {
    for (size_t j = 0; j < ncols; j++)
        rtable_set_text(r, row, j, "");
}

/* The table people read, as tableone prints it. */
static int people_table(const table1 *t, rtable *r) {
    size_t G = (size_t)t->ngroups;
    if (rtable_init(r, G + 3) != 0)
        return -1;
    rtable_col_set(r, 0, "", RTABLE_TEXT, NULL, 1);
    for (size_t g = 0; g < G; g++)
        rtable_col_set(r, g + 1, t->group_names[g], RTABLE_TEXT, NULL, 1);
    rtable_col_set(r, G + 1, "SMD", RTABLE_TEXT, NULL, 0);
    rtable_col_set(r, G + 2, "missing", RTABLE_TEXT, NULL, 0);
    size_t row = rtable_add_row(r);
    blank_rest(r, row, G + 3);
    rtable_set_text(r, row, 0, "n");
    for (size_t g = 0; g < G; g++)
        rtable_set_textf(r, row, g + 1, "%zu", t->group_n[g]);
    for (size_t k = 0; k < t->nvars; k++) {
        const table1_var *v = &t->vars[k];
        size_t miss = 0;
        for (size_t g = 0; g < G; g++)
            miss += v->missing[g];
        row = rtable_add_row(r);
        blank_rest(r, row, G + 3);
        rtable_set_textf(r, row, 0, "%s (%s)", v->name, v->categorical ? "%" : "median [IQR]");
        if (!isnan(v->smd) && G > 1)
            rtable_set_textf(r, row, G + 1, "%.3f", v->smd);
        rtable_set_textf(r, row, G + 2, "%zu", miss);
        if (!v->categorical) {
            for (size_t g = 0; g < G; g++)
                if (!isnan(v->median[g]))
                    rtable_set_textf(r, row, g + 1, "%.2f [%.2f, %.2f]", v->median[g], v->q1[g],
                                     v->q3[g]);
            continue;
        }
        for (size_t l = 0; l < v->nlevels; l++) {
            row = rtable_add_row(r);
            blank_rest(r, row, G + 3);
            rtable_set_textf(r, row, 0, "   %s", v->levels[l]);
            for (size_t g = 0; g < G; g++) {
                size_t tot = 0, cnt = v->count[l * G + g];
                for (size_t m = 0; m < v->nlevels; m++)
                    tot += v->count[m * G + g];
                rtable_set_textf(r, row, g + 1, "%zu (%.1f)", cnt,
                                 tot ? 100.0 * (double)cnt / (double)tot : 0.0);
            }
        }
    }
    return r->failed ? -1 : 0;
}

static void long_row(rtable *r, const char *var, const char *level, const char *stat,
                     const char *group, double v) {
    size_t row = rtable_add_row(r);
    rtable_set_text(r, row, 0, var);
    rtable_set_text(r, row, 1, level);
    rtable_set_text(r, row, 2, stat);
    rtable_set_text(r, row, 3, group);
    rtable_set_num(r, row, 4, v);
}

/* Every figure, one per row, at full precision. */
static int long_table(const table1 *t, rtable *r) {
    size_t G = (size_t)t->ngroups;
    if (rtable_init(r, 5) != 0)
        return -1;
    static const char *const cols[4] = {"variable", "level", "statistic", "group"};
    for (size_t j = 0; j < 4; j++)
        rtable_col_set(r, j, cols[j], RTABLE_TEXT, NULL, 1);
    rtable_col_set(r, 4, "value", RTABLE_NUM, NULL, 0);
    for (size_t g = 0; g < G; g++)
        long_row(r, "n", NULL, "n", t->group_names[g], (double)t->group_n[g]);
    for (size_t k = 0; k < t->nvars; k++) {
        const table1_var *v = &t->vars[k];
        for (size_t g = 0; g < G; g++) {
            const char *gn = t->group_names[g];
            if (!v->categorical) {
                long_row(r, v->name, NULL, "median", gn, v->median[g]);
                long_row(r, v->name, NULL, "q1", gn, v->q1[g]);
                long_row(r, v->name, NULL, "q3", gn, v->q3[g]);
                long_row(r, v->name, NULL, "mean", gn, v->mean[g]);
                long_row(r, v->name, NULL, "sd", gn, v->sd[g]);
            } else {
                size_t tot = 0;
                for (size_t l = 0; l < v->nlevels; l++)
                    tot += v->count[l * G + g];
                for (size_t l = 0; l < v->nlevels; l++) {
                    double cnt = (double)v->count[l * G + g];
                    long_row(r, v->name, v->levels[l], "count", gn, cnt);
                    long_row(r, v->name, v->levels[l], "percent", gn,
                             tot ? 100.0 * cnt / (double)tot : NAN);
                }
            }
            long_row(r, v->name, NULL, "missing", gn, (double)v->missing[g]);
        }
        long_row(r, v->name, NULL, "smd", NULL, v->smd);
    }
    return r->failed ? -1 : 0;
}

static const char *title_of(const t1_req *rq, char *buf, size_t len) {
    if (!rq->by)
        snprintf(buf, len, "selected vs not selected");
    else if (!strcmp(rq->by, "arms"))
        snprintf(buf, len, "by arm, selected patients");
    else
        snprintf(buf, len, "by %s", rq->by);
    return buf;
}

int table1_cmd(session *s, int argc, char **argv) {
    t1_req rq;
    char names[4096], err[1024] = "";
    if (parse_req(argc, argv, 1, &rq, names, sizeof names, err, sizeof err) < 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    table1 *t;
    if (compute(&s->model, &rq, &t, err, sizeof err) < 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    rtable r;
    int rc = people_table(t, &r);
    char *text = rc == 0 ? rtable_text(&r) : NULL;
    char title[128];
    if (text) {
        int rules_grouped = !rq.by || !strcmp(rq.by, "arms");
        sink_printf(&s->out, "Table 1, %s (%s%s%s):\n", title_of(&rq, title, sizeof title),
                    s->model.cohort_name[0] ? s->model.cohort_name : "cohort",
                    rules_grouped ? ", " : "", rules_grouped ? s->model.set : "");
        for (char *line = text; *line;) {
            size_t n = strcspn(line, "\n");
            sink_printf(&s->out, "  %.*s\n", (int)n, line);
            line += n + (line[n] == '\n');
        }
        sink_printf(&s->out, "  medians with quartiles (R's quantile type 7); %% of the recorded "
                             "values; SMD as tableone (export table1 FILE.csv: every figure)\n");
    } else {
        sink_printf(&s->err, "table1: out of memory\n");
    }
    free(text);
    rtable_free(&r);
    table1_free(t);
    return text ? 0 : 1;
}

typedef struct t1_job {
    t1_req rq;
    export_format fmt;
} t1_job;

static int write_table1(FILE *f, const model *m, const void *req, const export_provenance *p,
                        char *err, size_t errlen) {
    const t1_job *job = req;
    table1 *t;
    if (compute((model *)m, &job->rq, &t, err, errlen) < 0)
        return -1;
    rtable r;
    int rc;
    /* Markdown is for people: the laid-out table; CSV and JSON every figure */
    if ((job->fmt == EXPORT_MD ? people_table(t, &r) : long_table(t, &r)) != 0)
        rc = -1;
    else
        rc = export_rtable(f, job->fmt, &r, "table1", p);
    rtable_free(&r);
    table1_free(t);
    if (rc != 0)
        snprintf(err, errlen, "cannot write");
    return rc;
}

int do_export_table1(session *s, int argc, char **argv, char *err, size_t errlen) {
    static t1_job job;
    static char names[4096];
    const char *path = argv[2];
    job.fmt = export_format_of(path);
    if (job.fmt != EXPORT_CSV && job.fmt != EXPORT_MD && job.fmt != EXPORT_JSON) {
        snprintf(err, errlen, "export table1: %s: written as .csv, .md or .json", path);
        return -1;
    }
    if (parse_req(argc, argv, 3, &job.rq, names, sizeof names, err, errlen) < 0)
        return -1;
    return export_write(s, path, "export table1", write_table1, &job, err, errlen);
}

/* lab.table1{by = COLUMN | "arms", vars = {...}} -> rows: one per figure
 * ({variable, level, statistic, group, value}, as export table1 writes
 * them); tostring(rows) is the laid-out table. */
static int table1_tostring(lua_State *L) {
    lua_getfield(L, 1, "_text");
    return 1;
}

int l_table1(lua_State *L) {
    session *s = sess(L);
    char *argv[T1_MAX_VARS + 4];
    int argc = 1;
    argv[0] = "table1";
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        if (lua_getfield(L, 1, "by") == LUA_TSTRING) {
            const char *by = lua_tostring(L, -1);
            if (strcmp(by, "arms") != 0)
                argv[argc++] = "by";
            argv[argc++] = (char *)by; /* stays on the stack */
        } else if (!lua_isnil(L, -1)) {
            return luaL_error(L, "table1: by is a column name or \"arms\"");
        }
        if (lua_getfield(L, 1, "vars") == LUA_TTABLE) {
            int vt = lua_gettop(L);
            lua_Integer n = luaL_len(L, vt);
            for (lua_Integer i = 1; i <= n && argc < T1_MAX_VARS + 3; i++) {
                lua_geti(L, vt, i);
                if (!lua_isstring(L, -1))
                    return luaL_error(L, "table1: vars[%d] is not a column name", (int)i);
                argv[argc++] = (char *)lua_tostring(L, -1); /* stays on the stack */
            }
        } else if (!lua_isnil(L, -1)) {
            return luaL_error(L, "table1: vars is a list of column names");
        }
    }
    t1_req rq;
    char names[4096], err[1024] = "";
    table1 *t;
    if (parse_req(argc, argv, 1, &rq, names, sizeof names, err, sizeof err) < 0 ||
        compute(&s->model, &rq, &t, err, sizeof err) < 0)
        return luaL_error(L, "%s", err[0] ? err : "table1: failed");
    rtable lr, pr;
    int bad = long_table(t, &lr) != 0 || people_table(t, &pr) != 0;
    char *text = bad ? NULL : rtable_text(&pr);
    table1_free(t);
    if (!text) {
        rtable_free(&lr);
        rtable_free(&pr);
        return luaL_error(L, "table1: out of memory");
    }
    lua_createtable(L, (int)lr.nrows, 1);
    for (size_t i = 0; i < lr.nrows; i++) {
        lua_createtable(L, 0, 5);
        for (size_t j = 0; j < lr.ncols; j++) {
            const rtable_cell *c = &lr.cells[i * lr.ncols + j];
            if (lr.cols[j].type == RTABLE_TEXT) {
                if (!c->text)
                    continue;
                lua_pushstring(L, c->text);
            } else {
                if (isnan(c->num))
                    continue;
                lua_pushnumber(L, c->num);
            }
            lua_setfield(L, -2, lr.cols[j].name);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushstring(L, text);
    lua_setfield(L, -2, "_text");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, table1_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    free(text);
    rtable_free(&lr);
    rtable_free(&pr);
    return 1;
}
