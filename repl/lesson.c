/* lesson.c - teaching walkthroughs (see lesson.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lesson.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "export.h"
#include "view.h"
#include "luastate.h"
#include "session.h"

/* Pushes the lesson table (registry ref) or returns 0 when none runs. */
static int push_lesson(session *s) {
    if (s->lesson_ref == LUA_NOREF || s->lesson_ref == 0)
        return 0;
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->lesson_ref);
    return 1;
}

static int nsteps(session *s) {
    if (!push_lesson(s))
        return 0;
    lua_getfield(s->L, -1, "steps");
    int n = lua_istable(s->L, -1) ? (int)lua_rawlen(s->L, -1) : 0;
    lua_pop(s->L, 2);
    return n;
}

int lesson_current(session *s, int *k, int *n, const char **title, const char **text,
                   const char **question) {
    lua_State *L = s->L;
    *n = nsteps(s);
    *k = s->lesson_step;
    *title = *text = *question = "";
    if (*k < 1 || *k > *n)
        return 0;
    push_lesson(s);
    lua_getfield(L, -1, "steps");
    lua_rawgeti(L, -1, *k);
    /* the strings stay alive in the lesson table, which the registry holds */
    const char **out[] = {title, text, question};
    const char *key[] = {"title", "text", "question"};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, -1, key[i]);
        if (lua_type(L, -1) == LUA_TSTRING)
            *out[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 3);
    *text += strspn(*text, "\n");
    return 1;
}

void lesson_write_step(session *s, sink *out) {
    lua_State *L = s->L;
    int n = nsteps(s), k = s->lesson_step;
    if (k < 1 || k > n) {
        sink_printf(out, "No lesson is running (lesson lists them).\n");
        return;
    }
    push_lesson(s);
    lua_getfield(L, -1, "steps");
    lua_rawgeti(L, -1, k);
    lua_getfield(L, -1, "title");
    sink_printf(out, "Step %d of %d: %s\n\n", k, n, lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    lua_getfield(L, -1, "text");
    if (lua_isstring(L, -1)) {
        const char *t = lua_tostring(L, -1);
        t += strspn(t, "\n");
        sink_printf(out, "%s\n", t);
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "question");
    if (lua_isstring(L, -1))
        sink_printf(out, "\nQuestion: %s\n", lua_tostring(L, -1));
    lua_pop(L, 3);
    sink_printf(out, "\nlesson next | lesson prev | lesson again | lesson stop\n");
}

/* Shows step k (1-based) and, when run is set, runs its commands; their
 * echo and output go to cmd_out when it is not NULL (a handout). */
static int show_step_to(session *s, int k, int run, sink *cmd_out) {
    lua_State *L = s->L;
    int n = nsteps(s);
    if (k < 1 || k > n) {
        sink_printf(&s->out,
                    k > n ? "That was the last step (lesson stop to end, lesson prev to go back).\n"
                          : "This is the first step.\n");
        return 0;
    }
    s->lesson_step = k;
    push_lesson(s);
    lua_getfield(L, -1, "steps");
    lua_rawgeti(L, -1, k);
    lua_getfield(L, -1, "title");
    sink_printf(&s->out, "\n== Lesson step %d of %d: %s ==\n", k, n,
                lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    lua_getfield(L, -1, "text");
    if (lua_isstring(L, -1))
        sink_printf(&s->out, "%s\n", lua_tostring(L, -1) + strspn(lua_tostring(L, -1), "\n"));
    lua_pop(L, 1);
    lua_getfield(L, -1, "question");
    if (lua_isstring(L, -1))
        sink_printf(&s->out, "Question: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, -1, "run");
    int failed = 0;
    s->lesson_page = 0;
    if (!run && lua_istable(L, -1) && lua_rawlen(L, -1) > 0)
        sink_printf(&s->out, "(shown again; its commands did not run: lesson run runs them)\n");
    if (run && lua_istable(L, -1)) {
        int m = (int)lua_rawlen(L, -1);
        for (int i = 1; i <= m; i++) {
            lua_rawgeti(L, -1, i);
            char line[1024];
            snprintf(line, sizeof line, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
            lua_pop(L, 1);
            sink out = s->out, errs = s->err;
            if (cmd_out)
                s->out = s->err = *cmd_out;
            sink_printf(&s->out, "tnmlab> %s\n", line);
            if (commands_dispatch(s, line) != 0)
                failed = 1;
            s->out = out;
            s->err = errs;
        }
    }
    lua_pop(L, 4);
    sink_printf(&s->out, "(lesson next: continue; lesson prev: back; lesson stop: end)\n");
    if (s->pane_case == PANE_SHOWS_CASE)
        s->pane_case = PANE_SHOWS_PLOT; /* the lesson talks about the curves */
    return failed;
}

static int show_step(session *s, int k, int run) {
    return show_step_to(s, k, run, NULL);
}

static int name_cmp(const void *a, const void *b) {
    return strcmp((const char *)a, (const char *)b);
}

static int list_lessons(session *s) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/lessons", s->scripts_dir);
    DIR *d = opendir(dir);
    sink_printf(&s->out, "Lessons (lesson NAME to start):\n");
    if (d == NULL) {
        sink_printf(&s->out, "  none found in %s\n", dir);
        return 0;
    }
    struct dirent *e;
    char names[64][64];
    int n = 0;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && len < 68 && strcmp(e->d_name + len - 4, ".lua") == 0)
            snprintf(names[n++], sizeof names[0], "%.*s", (int)(len - 4), e->d_name);
    }
    qsort(names, (size_t)n, sizeof names[0], name_cmp);
    for (int i = 0; i < n; i++)
        sink_printf(&s->out, "  %s\n", names[i]);
    closedir(d);
    return 0;
}

static int start(session *s, const char *name) {
    lua_State *L = s->L;
    for (const char *p = name; *p; p++)
        if (!(*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
            sink_printf(&s->err, "lesson: '%s' is not a lesson name\n", name);
            return 1;
        }
    char path[4400];
    snprintf(path, sizeof path, "%s/lessons/%s.lua", s->scripts_dir, name);
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        const char *msg = dsl_errmsg(L);
        sink_printf(&s->err, "lesson: %.*s (lesson alone lists them)\n",
                    (int)dsl_errmsg_firstline(msg), msg);
        lua_pop(L, 1);
        return 1;
    }
    lua_newtable(L); /* data only: an empty environment */
    lua_setupvalue(L, -2, 1);
    if (dsl_pcall(L, 0, 1) != LUA_OK || !lua_istable(L, -1)) {
        const char *msg = lua_isstring(L, -1) ? dsl_errmsg(L) : "the file must return a table";
        sink_printf(&s->err, "lesson: %s: %.*s\n", path, (int)dsl_errmsg_firstline(msg), msg);
        lua_pop(L, 1);
        return 1;
    }
    lua_getfield(L, -1, "steps");
    int ok = lua_istable(L, -1) && lua_rawlen(L, -1) > 0;
    lua_pop(L, 1);
    if (!ok) {
        lua_pop(L, 1);
        sink_printf(&s->err, "lesson: %s has no steps\n", path);
        return 1;
    }
    luaL_unref(L, LUA_REGISTRYINDEX, s->lesson_ref);
    s->lesson_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    snprintf(s->lesson_name, sizeof s->lesson_name, "%s", name);
    push_lesson(s);
    lua_getfield(L, -1, "title");
    sink_printf(&s->out, "Lesson: %s\n", lua_isstring(L, -1) ? lua_tostring(L, -1) : name);
    lua_pop(L, 2);
    return show_step(s, 1, 1);
}

int lesson_cmd(session *s, int argc, char **argv) {
    if (argc == 1)
        return list_lessons(s);
    if (argc != 2) {
        sink_printf(&s->err, "usage: lesson NAME | next | prev | again | run | stop\n");
        return 1;
    }
    const char *a = argv[1];
    int running = nsteps(s) > 0;
    if (!strcmp(a, "next") || !strcmp(a, "prev") || !strcmp(a, "again") || !strcmp(a, "run") ||
        !strcmp(a, "stop")) {
        if (!running) {
            sink_printf(&s->err, "lesson: no lesson is running (lesson alone lists them)\n");
            return 1;
        }
        if (!strcmp(a, "stop")) {
            luaL_unref(s->L, LUA_REGISTRYINDEX, s->lesson_ref);
            s->lesson_ref = LUA_NOREF;
            s->lesson_step = 0;
            sink_printf(&s->out, "lesson stopped; everything it changed stays (undo, reset)\n");
            return 0;
        }
        int k = s->lesson_step + (!strcmp(a, "next") ? 1 : !strcmp(a, "prev") ? -1 : 0);
        return show_step(s, k, strcmp(a, "again") != 0);
    }
    return start(s, a);
}

const char *lesson_status(session *s, char *buf, unsigned n, int narrow) {
    int total = nsteps(s);
    buf[0] = '\0';
    if (total == 0 || s->lesson_step < 1)
        return buf;
    if (narrow)
        snprintf(buf, n, "lesson %d/%d", s->lesson_step, total); /* the pane names it */
    else
        snprintf(buf, n, "lesson %s %d/%d", s->lesson_name, s->lesson_step, total);
    return buf;
}

/* ---- a handout: every step's screen as text and its plot as SVG */

static void write_view(FILE *f, const model *m, void (*fn)(const model *, textlog *, int)) {
    textlog t;
    if (textlog_init(&t, 200) != 0)
        return;
    fn(m, &t, 100);
    textlog_flush(&t);
    for (size_t i = 0; i < t.count; i++)
        fprintf(f, "%s\n", textlog_get(&t, i)->text);
    textlog_free(&t);
}

int lesson_export(session *s, const char *dir, char *err, unsigned long errlen) {
    int k0, n;
    if (errlen)
        err[0] = '\0';
    const char *title, *text, *question;
    if (!lesson_current(s, &k0, &n, &title, &text, &question)) {
        snprintf(err, errlen, "no lesson is running (lesson NAME first)");
        return -1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/index.md", dir);
    atomic_file idx;
    if (export_file_open(&idx, path, err, errlen) != 0)
        return -1;
    push_lesson(s);
    lua_getfield(s->L, -1, "title");
    fprintf(idx.f, "# %s\n\n", lua_isstring(s->L, -1) ? lua_tostring(s->L, -1) : s->lesson_name);
    lua_pop(s->L, 2);
    fprintf(idx.f,
            "A handout of the tnmlab lesson `%s`: each step's text, its question, the "
            "outcome and the attrition as the screen showed them, and the Kaplan-Meier "
            "plot (dashed: before the step's change).\n\n",
            s->lesson_name);
    /* the steps' own output stays out of the handout (and off the screen) */
    sink out = s->out, errs = s->err;
    textlog quiet;
    int rc = textlog_init(&quiet, 100);
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    else
        s->out = s->err = textlog_sink(&quiet);
    textlog cmds;
    int have_cmds = rc == 0 && textlog_init(&cmds, 400) == 0;
    if (rc == 0 && !have_cmds) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (int k = 1; k <= n && rc == 0; k++) {
        size_t c0 = cmds.count;
        sink cs = textlog_sink(&cmds);
        show_step_to(s, k, 1, &cs);
        textlog_flush(&cmds);
        char e2[1024];
        if (model_update(&s->model, e2, sizeof e2) != 0) {
            snprintf(err, errlen, "step %d: %s", k, e2);
            rc = -1;
            break;
        }
        int kk;
        lesson_current(s, &kk, &n, &title, &text, &question);
        char name[64];
        snprintf(name, sizeof name, "step-%02d", k);
        fprintf(idx.f, "## Step %d of %d: %s\n\n%s\n\n", k, n, title, text);
        if (*question)
            fprintf(idx.f, "**Question:** %s\n\n", question);
        fputs("```\n", idx.f);
        for (size_t i = c0; i < cmds.count; i++) /* the step's commands and what they said */
            fprintf(idx.f, "%s\n", textlog_get(&cmds, i)->text);
        if (cmds.count > c0)
            fputc('\n', idx.f);
        write_view(idx.f, &s->model, view_outcome);
        fputs("\nAttrition\n", idx.f);
        write_view(idx.f, &s->model, view_attrition);
        fputs("```\n\n", idx.f);
        /* the plot, with its provenance, as SVG and as PNG (the same drawing) */
        export_provenance p;
        char *svg = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&svg, &len);
        int ok =
            mf && export_provenance_fill(&p, &s->model, e2, sizeof e2) == 0 &&
            export_svg_model(mf, &s->model, s->plot_endpoint, 0, 1, NULL, &p, e2, sizeof e2) == 0;
        if (mf)
            fclose(mf);
        for (int png = 0; ok && png < 2 && rc == 0; png++) {
            atomic_file x;
            snprintf(path, sizeof path, "%s/%s.%s", dir, name, png ? "png" : "svg");
            if (export_file_open(&x, path, err, errlen) != 0) {
                rc = -1;
                break;
            }
            if ((png ? export_raster(x.f, EXPORT_PNG, svg, len, e2, sizeof e2)
                     : (fwrite(svg, 1, len, x.f) == len ? 0 : -1)) != 0 ||
                export_file_commit(&x, err, errlen) != 0) {
                atomic_file_abort(&x);
                if (!err[0])
                    snprintf(err, errlen, "%s: %s", path, e2);
                rc = -1;
            }
        }
        free(svg);
        if (rc == 0 && ok)
            fprintf(idx.f, "![Step %d](%s.svg)\n\n", k, name);
        else if (rc == 0)
            fprintf(idx.f, "(no plot: %s)\n\n", e2);
    }
    /* back to the step the teacher was at: its own commands set it up */
    if (rc == 0 && k0 >= 1 && k0 <= n) {
        sink qs = textlog_sink(&quiet);
        show_step_to(s, k0, 1, &qs);
    }
    if (have_cmds)
        textlog_free(&cmds);
    textlog_free(&quiet);
    s->out = out;
    s->err = errs;
    if (rc != 0) {
        atomic_file_abort(&idx);
        return -1;
    }
    return export_file_commit(&idx, err, errlen);
}
