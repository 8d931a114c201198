/* complete.c - Tab completion (see complete.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "complete.h"

#include <ctype.h>
#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "commands.h"
#include "session.h"

typedef struct list {
    char **v;
    int n, max;
} list;

static void add(list *l, const char *prefix, const char *name, const char *text) {
    if (strncmp(name, text + strlen(prefix), strlen(text) - strlen(prefix)) != 0)
        return;
    if (l->n >= l->max)
        return;
    size_t a = strlen(prefix), b = strlen(name);
    char *s = malloc(a + b + 1);
    if (s == NULL)
        return;
    memcpy(s, prefix, a);
    memcpy(s + a, name, b + 1);
    l->v[l->n++] = s;
}

static void add_words(list *l, const char *text, const char *const *words) {
    for (; *words; words++)
        add(l, "", *words, text);
}

/* Lua names: globals, or the fields of a table before the last '.'/':'. */
static void add_lua(session *s, list *l, const char *text) {
    lua_State *L = s->L;
    const char *dot = strrchr(text, '.'), *colon = strrchr(text, ':');
    const char *sep = dot > colon ? dot : colon;
    int top = lua_gettop(L);
    lua_pushglobaltable(L);
    if (sep) {
        /* Resolve a.b.c one field at a time, without metamethods. */
        const char *p = text;
        while (p < sep) {
            const char *q = p;
            while (q < sep && *q != '.' && *q != ':')
                q++;
            if (!lua_istable(L, -1)) {
                lua_settop(L, top);
                return;
            }
            lua_pushlstring(L, p, (size_t)(q - p));
            lua_rawget(L, -2);
            lua_remove(L, -2);
            p = q + 1;
        }
        if (!lua_istable(L, -1)) {
            lua_settop(L, top);
            return;
        }
    }
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%.*s", sep ? (int)(sep + 1 - text) : 0, text);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            add(l, prefix, lua_tostring(L, -2), text);
        lua_pop(L, 1);
    }
    lua_settop(L, top);
}

static void add_sets(session *s, list *l, const char *text) {
    for (size_t i = 0; i < rules_nsets(s->model.rules); i++)
        add(l, "", rules_set_name(s->model.rules, i), text);
}

static void add_params(session *s, list *l, const char *text) {
    if (!s->model.set[0])
        return;
    for (size_t i = 0; i < rules_nparams(s->model.rules, s->model.set); i++) {
        rules_param_info p;
        if (rules_param(s->model.rules, s->model.set, i, &p) == 0)
            add(l, "", p.name, text);
    }
}

static void add_columns(session *s, list *l, const char *text, const char *suffix) {
    const cohort *c = s->model.cohort;
    for (size_t j = 0; c && j < cohort_ncols(c); j++) {
        const char *name = cohort_col(c, j)->name;
        if (strchr(name, '@'))
            continue;
        char buf[256];
        snprintf(buf, sizeof buf, "%s%s", name, suffix);
        add(l, "", buf, text);
    }
}

/* The NAME of every NAME.lua in scripts/<folder> (lessons, scenarios). */
static void add_script_names(session *s, list *l, const char *text, const char *folder) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", s->scripts_dir, folder);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) {
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(len - 4), e->d_name);
            add(l, "", name, text);
        }
    }
    if (d)
        closedir(d);
}

static void add_lessons(session *s, list *l, const char *text) {
    static const char *const nav[] = {"next", "prev", "again", "stop", NULL};
    add_words(l, text, nav);
    add_script_names(s, l, text, "lessons");
}

/* Adds the candidates of one kind ("param", "{a|b}", ...: commands.h). */
static void add_kind(session *s, list *l, const char *kind, size_t len, const char *text) {
    char k[128];
    snprintf(k, sizeof k, "%.*s", (int)(len < sizeof k ? len : sizeof k - 1), kind);
    if (k[0] == '{') { /* {a|b|c} */
        char *p = k + 1;
        while (*p && *p != '}') {
            size_t n = strcspn(p, "|}");
            char w[64];
            snprintf(w, sizeof w, "%.*s", (int)n, p);
            add(l, "", w, text);
            p += n + (p[n] == '|');
        }
    } else if (!strcmp(k, "param")) {
        add_params(s, l, text);
    } else if (!strcmp(k, "set")) {
        add_sets(s, l, text);
    } else if (!strcmp(k, "field=")) {
        add_columns(s, l, text, "=");
    } else if (!strcmp(k, "column")) {
        add_columns(s, l, text, "");
    } else if (!strcmp(k, "lesson")) {
        add_lessons(s, l, text);
    } else if (!strcmp(k, "scenario")) {
        add_script_names(s, l, text, "scenarios");
    } else if (!strcmp(k, "command")) {
        for (const cmd_entry *c = commands_table; c->name; c++)
            add(l, "", c->name, text);
    }
}

/* The candidates for argument arg (0-based) of a command whose argument
 * kinds are args; -1 where readline's file names are wanted. */
static int complete_kind(session *s, list *l, const char *args, int arg, const char *text) {
    if (args == NULL || arg < 0)
        return l->n;
    const char *kind[CMD_MAX_ARGS];
    size_t klen[CMD_MAX_ARGS];
    int nk = 0;
    for (const char *p = args; *p && nk < CMD_MAX_ARGS; nk++) {
        klen[nk] = strcspn(p, " ");
        kind[nk] = p;
        p += klen[nk] + (p[klen[nk]] == ' ');
    }
    if (nk == 0)
        return l->n;
    int repeats = kind[nk - 1][klen[nk - 1] - 1] == '*';
    if (arg >= nk && !repeats)
        return l->n;
    int k = arg < nk ? arg : nk - 1;
    const char *p = kind[k];
    size_t len = klen[k] - (size_t)(k == nk - 1 && repeats);
    if (len == 4 && !strncmp(p, "file", 4))
        return -1;
    for (const char *q = p; q < p + len;) { /* kinds joined by '+' */
        size_t n = strcspn(q, "+");
        if (n > (size_t)(p + len - q))
            n = (size_t)(p + len - q);
        add_kind(s, l, q, n, text);
        q += n + 1;
    }
    return l->n;
}

int complete_candidates(session *s, const char *before, const char *text, char **out, int max) {
    list l = {out, 0, max};
    char words[4][64] = {{0}};
    int nw = 0;
    for (const char *p = before; *p && nw < 4;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t k = strcspn(p, " \t");
        snprintf(words[nw++], sizeof words[0], "%.*s", (int)k, p);
        p += k;
    }
    const char *cmd = nw ? (words[0][0] == '.' ? words[0] + 1 : words[0]) : "";
    if (nw == 0) {
        for (const cmd_entry *c = commands_table; c->name; c++)
            add(&l, "", c->name, text);
        add_lua(s, &l, text);
        return l.n;
    }
    if (commands_find(cmd) == NULL) { /* a Lua line */
        add_lua(s, &l, text);
        return l.n;
    }
    return complete_kind(s, &l, commands_find(cmd)->args, nw - 1, text);
}

/* --- readline ------------------------------------------------------------- */

static session *current;
static char *found[512];
static int nfound, next_found;

void complete_reset(void) {
    for (int i = 0; i < nfound; i++)
        free(found[i]);
    nfound = next_found = 0;
}

static char *generator(const char *text, int state) {
    (void)text;
    (void)state;
    return next_found < nfound ? strdup(found[next_found++]) : NULL;
}

static char **complete(const char *text, int start, int end) {
    (void)end;
    complete_reset();
    char before[1024];
    snprintf(before, sizeof before, "%.*s", start, rl_line_buffer);
    int n = complete_candidates(current, before, text, found, 512);
    if (n < 0) { /* file names: readline's own completion */
        rl_attempted_completion_over = 0;
        return NULL;
    }
    nfound = n;
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, generator);
}

void complete_install(session *s) {
    current = s;
    rl_attempted_completion_function = complete;
    /* '.' and ':' stay inside a word, so tnm8.sta completes to tnm8.stage. */
    rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{(,";
}
