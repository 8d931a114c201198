/* persist.c - session files: writing, replaying, save and restore (see persist.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "persist.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "export.h"
#include "session.h"

/* Appends " ARG", always quoted: a name or path from a rule file or the
 * file system must not end the line and start a command of its own. */
static void add_arg(tnm_text *b, const char *a) {
    char small[512];
    size_t need = commands_quote(a, small, sizeof small);
    if (need < sizeof small) {
        tnm_text_printf(b, " %s", small);
        return;
    }
    char *big = malloc(need + 1);
    if (big == NULL)
        return;
    commands_quote(a, big, need + 1);
    tnm_text_printf(b, " %s", big);
    free(big);
}

/* The state as commands.  The first line is the open/closed marker. */
static void render(session *s, tnm_text *b, int closed) {
    model *m = &s->model;
    tnm_text_printf(b, "# tnmlab session: %s\n", closed ? "closed" : "open");
    tnm_text_printf(b, "# Replay with `restore FILE`; each line is a tnmlab command.\n");
    /* The cohort first: rules loaded after it are evaluated on it. */
    if (s->cohort_cmd[0])
        tnm_text_printf(b, "%s\n", s->cohort_cmd);
    else if (m->cohort)
        tnm_text_printf(b, "# the cohort was set from Lua and cannot be replayed\n");
    for (int i = 0; i < s->nrule_files; i++) {
        tnm_text_printf(b, "load rules");
        add_arg(b, s->rule_files[i]);
        tnm_text_printf(b, "\n");
    }
    /* Params that differ from their defaults, rule set by rule set. */
    size_t nsets = rules_nsets(m->rules);
    for (size_t i = 0; i < nsets; i++) {
        const char *set = rules_set_name(m->rules, i);
        int used = 0;
        for (size_t k = 0; k < rules_nparams(m->rules, set); k++) {
            rules_param_info p;
            if (rules_param(m->rules, set, k, &p) != 0)
                continue;
            char num[64];
            const char *val = num;
            if (p.type == RULES_P_TEXT) {
                if (p.text && p.text_def && strcmp(p.text, p.text_def) == 0)
                    continue;
                val = p.text ? p.text : "";
            } else {
                if (p.value == p.def)
                    continue;
                if (p.type == RULES_P_BOOLEAN)
                    snprintf(num, sizeof num, "%s", p.value != 0 ? "true" : "false");
                else
                    snprintf(num, sizeof num, "%.17g", p.value);
            }
            if (!used) {
                tnm_text_printf(b, "use");
                add_arg(b, set);
                tnm_text_printf(b, "\n");
            }
            used = 1;
            tnm_text_printf(b, "set");
            add_arg(b, p.name);
            add_arg(b, val);
            tnm_text_printf(b, "\n");
        }
    }
    if (m->set[0]) {
        tnm_text_printf(b, "use");
        add_arg(b, m->set);
        tnm_text_printf(b, "\n");
    }
    tnm_text_printf(b, "edition %d\n", rules_edition(s->model.rules));
    if (m->cohort && m->case_row > 0)
        tnm_text_printf(b, "case #%zu\n", m->case_row + 1);
    tnm_text_printf(b, "plot %s\n", s->plot_endpoint == MODEL_PFS ? "pfs" : "os");
}

int persist_write(const char *path, const char *data, size_t len, char *err, size_t errlen) {
    atomic_file x;
    if (export_file_open(&x, path, err, errlen) != 0)
        return -1;
    if (fwrite(data, 1, len, x.f) != len) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        atomic_file_abort(&x);
        return -1;
    }
    return export_file_commit(&x, err, errlen);
}

char *persist_text(session *s, int closed) {
    tnm_text b = {0};
    render(s, &b, closed);
    return tnm_text_take(&b); /* NULL on ENOMEM: never a cut session */
}

int persist_save(session *s, const char *path, int closed, char *err, size_t errlen) {
    char *text = persist_text(s, closed);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = persist_write(path, text, strlen(text), err, errlen);
    free(text);
    return rc;
}

/* Commands a session file never replays (not_replayed in the command
 * table): they end tnmlab, start a program or write files, and a session
 * file (someone else's, or one edited by hand) must not do that behind the
 * user's back.  tnmlab never writes them into a session file.  Returns
 * the command's name, or NULL. */
static const char *not_replayed(const char *line) {
    const cmd_entry *c = commands_of_line(line, NULL); /* as the dispatcher reads it */
    return c && c->not_replayed ? c->name : NULL;
}

int persist_restore(session *s, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        fclose(f);
        return -1;
    }
    for (int i = 0; i < s->nrestoring; i++)
        if (s->restoring[i].dev == st.st_dev && s->restoring[i].ino == st.st_ino) {
            snprintf(err, errlen,
                     "%s restores itself (directly or through another session "
                     "file); not replayed again",
                     path);
            fclose(f);
            return -1;
        }
    if (s->nrestoring == SESSION_MAX_NESTING) {
        snprintf(err, errlen, "%s: session files restore each other more than %d deep", path,
                 SESSION_MAX_NESTING);
        fclose(f);
        return -1;
    }
    s->restoring[s->nrestoring].dev = st.st_dev;
    s->restoring[s->nrestoring].ino = st.st_ino;
    s->nrestoring++;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int failed = 0, saved = s->print_views;
    s->print_views = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        const char *p = line + strspn(line, " \t");
        if (*p == '\0' || *p == '#')
            continue;
        const char *no = not_replayed(p);
        if (no) {
            sink_printf(&s->err,
                        "%s:%ld: '%s' is not replayed from a session file (type it "
                        "yourself); the rest goes on\n",
                        path, lineno, no);
            failed++;
            continue;
        }
        int rc = commands_dispatch(s, p);
        if (rc != 0) {
            sink_printf(&s->err, "%s:%ld: %s\n", path, lineno,
                        rc < 0 ? "not a tnmlab command (session files hold commands only)"
                               : "this line failed; the rest goes on");
            failed++;
        }
    }
    free(line);
    fclose(f);
    s->nrestoring--;
    s->print_views = saved;
    return failed;
}

void persist_state_path(const char *name, char *out, size_t n) {
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (state && *state)
        snprintf(out, n, "%s/tnmlab/%s", state, name);
    else if (home && *home)
        snprintf(out, n, "%s/.local/state/tnmlab/%s", home, name);
    else
        out[0] = '\0';
}

void persist_make_state_dir(void) {
    char dir[4096];
    persist_state_path("", dir, sizeof dir);
    if (dir[0] == '\0')
        return; /* neither XDG_STATE_HOME nor HOME: nothing is kept */
    /* mkdir -p: each folder on the way, the last one included. */
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
}

int persist_cmd_save(session *s, int argc, char **argv) {
    if (argc != 2) {
        sink_printf(&s->err, "usage: save FILE\n");
        return 1;
    }
    char err[512];
    if (persist_save(s, argv[1], 1, err, sizeof err) != 0) {
        sink_printf(&s->err, "save: %s\n", err);
        return 1;
    }
    sink_printf(&s->out, "saved the session to %s\n", argv[1]);
    return 0;
}

int persist_cmd_restore(session *s, int argc, char **argv) {
    char path[4096], err[512];
    if (argc == 2)
        snprintf(path, sizeof path, "%s", argv[1]);
    else if (argc == 1 && s->autosave_path[0])
        snprintf(path, sizeof path, "%s", s->autosave_path);
    else if (argc == 1)
        persist_state_path("session.tnm", path, sizeof path);
    else {
        sink_printf(&s->err, "usage: restore [FILE]\n");
        return 1;
    }
    int failed = persist_restore(s, path, err, sizeof err);
    if (failed < 0) {
        sink_printf(&s->err, "restore: %s\n", err);
        return 1;
    }
    sink_printf(&s->out, "restored %s%s\n", path, failed ? " (some lines failed, see above)" : "");
    return session_refresh(s) || failed ? 1 : 0;
}
