/* lineedit.c - the line REPL over GNU readline's callback interface.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The callback interface (not readline()) lets the loop wait in select():
 * Ctrl-C interrupts that wait, and the loop clears the line itself, so no
 * signal handler ever touches readline or Lua state.
 */
#include "config.h"

#include "lineedit.h"

#include <lua.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "autosave.h"
#include "complete.h"
#include "histfile.h"
#include "interrupt.h"
#include "persist.h"
#include "pg_read.h"

#define PROMPT "tnmlab> "
#define PROMPT_MORE "   ...> "
#define HISTORY_MAX 2000

static void on_sigint(int sig) {
    (void)sig;
    tnm_interrupt_flag = 1;
}

void lineedit_install_sigint(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: select() and read() return EINTR */
    sigaction(SIGINT, &sa, NULL);
}

/* Appends the entries added since the last write to the history file,
 * merged with what other tnmlab processes wrote there meanwhile.  The
 * first failure is reported; the entries wait for the next write. */
static void history_save(session *s) {
    if (!*s->history_path || s->history_unsaved <= 0)
        return;
    HIST_ENTRY **list = history_list();
    int len = history_length, k = s->history_unsaved < len ? s->history_unsaved : len;
    const char *entries[HISTORY_MAX];
    if (k > HISTORY_MAX)
        k = HISTORY_MAX;
    for (int i = 0; i < k; i++)
        entries[i] = list[len - k + i]->line;
    char err[512];
    if (histfile_append(s->history_path, entries, (size_t)k, HISTORY_MAX, err, sizeof err) != 0) {
        if (!s->history_failed)
            sink_printf(&s->err, "history: %s; the history is not saved until that is fixed\n",
                        err);
        s->history_failed = 1;
        return;
    }
    s->history_unsaved = 0;
    s->history_failed = 0;
}

/* readline's callback API passes no user data, so the handler finds the
 * session through this file-local context. */
static struct {
    session *s;
    char *pending; /* unfinished multi-line chunk */
    int done;
} rl_ctx;

void lineedit_history_load(session *s) {
    persist_state_path("history", s->history_path, sizeof s->history_path);
    if (*s->history_path) {
        persist_make_state_dir();
        read_history(s->history_path);
    }
    stifle_history(HISTORY_MAX);
}

feed_status lineedit_accept(session *s, char **pending, const char *line) {
    char *entry = NULL;
    if (*pending) {
        size_t a = strlen(*pending), b = strlen(line);
        entry = malloc(a + b + 2);
        if (entry) {
            memcpy(entry, *pending, a);
            entry[a] = '\n';
            memcpy(entry + a + 1, line, b + 1);
        }
    } else {
        entry = strdup(line);
    }
    feed_status st = session_feed(s, pending, line);
    if (st != FEED_MORE && entry && entry[strspn(entry, " \t\n")] != '\0') {
        pg_redact(entry); /* a connection string's password stays out of the history */
        add_history(entry);
        s->history_unsaved++;
    }
    if (st != FEED_MORE && !s->defer_save)
        lineedit_save(s);
    free(entry);
    return st;
}

void lineedit_save(session *s) {
    history_save(s);
    autosave_save(s); /* rules.set in Lua changes the state too */
}

const char *lineedit_prompt(feed_status st) {
    return st == FEED_MORE ? PROMPT_MORE : PROMPT;
}

static void on_line(char *line) {
    session *s = rl_ctx.s;
    if (line == NULL) { /* Ctrl-D on an empty line */
        sink_puts(&s->out, "\n");
        rl_ctx.done = 1;
        return;
    }
    feed_status st = lineedit_accept(s, &rl_ctx.pending, line);
    free(line);
    rl_set_prompt(lineedit_prompt(st));
    if (s->quit)
        rl_ctx.done = 1;
}

/* Ctrl-C at the prompt: drop the line and any unfinished chunk. */
static void clear_input(void) {
    free(rl_ctx.pending);
    rl_ctx.pending = NULL;
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_crlf();
    rl_set_prompt(PROMPT);
    rl_on_new_line();
    rl_redisplay();
}

static int run_readline(session *s) {
    rl_ctx.s = s;
    rl_ctx.pending = NULL;
    rl_ctx.done = 0;
    rl_readline_name = "tnmlab";
    rl_catch_signals = 0;
    rl_change_environment = 0;
    lineedit_history_load(s);
    complete_install(s);
    sink_puts(&s->out, "tnmlab " PACKAGE_VERSION " (" LUA_RELEASE "): type help for commands, "
                       "Lua for anything else; Ctrl-D quits.\n");
    rl_callback_handler_install(PROMPT, on_line);
    while (!rl_ctx.done) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL);
        if (r < 0) {
            if (errno != EINTR)
                break;
            if (tnm_interrupted()) {
                tnm_interrupt_clear();
                clear_input();
            }
            continue;
        }
        rl_callback_read_char();
    }
    rl_callback_handler_remove();
    complete_reset();
    free(rl_ctx.pending);
    rl_ctx.pending = NULL;
    return 0;
}

static int run_piped(session *s) {
    char *line = NULL, *pending = NULL;
    size_t cap = 0;
    int failed = 0;
    long lineno = 0;
    for (;;) {
        errno = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            if (errno == EINTR) {
                clearerr(stdin);
                tnm_interrupt_clear();
                continue;
            }
            break;
        }
        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        feed_status st = session_feed(s, &pending, line);
        if (st == FEED_ERROR)
            failed = 1;
        if (s->quit)
            break;
    }
    if (pending) {
        sink_printf(&s->err, "stdin:%ld: unfinished Lua chunk at end of input\n", lineno);
        free(pending);
        failed = 1;
    }
    free(line);
    return failed;
}

int lineedit_run(session *s) {
    s->print_views = 1;
    autosave_recover(s);
    if (isatty(STDIN_FILENO))
        return run_readline(s);
    return run_piped(s);
}
