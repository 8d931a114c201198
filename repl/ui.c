/* ui.c - the full-screen REPL (see ui.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readline runs through its callback interface with curses in charge of the
 * terminal (the pattern of ulfalizer's readline-and-ncurses): curses reads
 * keys, hands them to readline one at a time through rl_getc_function, and
 * readline's redisplay draws rl_line_buffer into the input line.  Readline
 * never prepares or restores the terminal itself.  Everything the program
 * prints while the screen is up (print, io.write, stray stderr) lands in the
 * log pane.
 *
 * The panes are drawn in ui_panes.c; ui_int.h holds what the two share.
 */
#define _GNU_SOURCE
#include "config.h"

#include "ui.h"
#include "ui_int.h"

#include <curses.h>
#include <errno.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "autosave.h"
#include "commands.h"
#include "complete.h"
#include "interrupt.h"
#include "persist.h"
#include "layout.h"
#include "lineedit.h"
#include "textlog.h"

#include <langinfo.h>
#include <time.h>

/* Readline's hooks take no user data; they reach the UI through this. */
static ui *active;

/* --- output into the log ------------------------------------------------- */

/* Moves whatever went to fd 1/2 since the last call into the log. */
static void drain_capture(ui *u) {
    fflush(stdout);
    fflush(stderr);
    off_t end = lseek(u->capture_fd, 0, SEEK_END);
    if (end <= 0)
        return;
    lseek(u->capture_fd, 0, SEEK_SET);
    char buf[8192];
    ssize_t n;
    while ((n = read(u->capture_fd, buf, sizeof buf)) > 0)
        textlog_write(&u->log, buf, (size_t)n, TL_NORMAL);
    if (ftruncate(u->capture_fd, 0) != 0) { /* nothing better to do */
    }
    lseek(u->capture_fd, 0, SEEK_SET);
}

/* Sink writes first drain the captured fd 1/2 output, so print() and
 * io.write() appear in the order they happened. */
static void log_out(sink *sk, const char *data, size_t len) {
    drain_capture(sk->ud);
    textlog_write(&((ui *)sk->ud)->log, data, len, TL_NORMAL);
}

static void log_err(sink *sk, const char *data, size_t len) {
    drain_capture(sk->ud);
    textlog_write(&((ui *)sk->ud)->log, data, len, TL_ERROR);
}

/* --- the input line and the windows ---------------------------------------- */

/* rl_redisplay_function: the prompt and the line, scrolled sideways so the
 * cursor stays visible; the cursor column counts display cells (wcwidth). */
void draw_input(void) {
    ui *u = active;
    if (u == NULL || u->small)
        return;
    WINDOW *w = u->win[PANE_INPUT];
    werase(w);
    const char *prompt = rl_display_prompt ? rl_display_prompt : "";
    int width = getmaxx(w);
    int pw = text_width(prompt, strlen(prompt));
    int cursor = text_width(rl_line_buffer, (size_t)rl_point);
    /* Skip whole characters from the left until the cursor fits. */
    size_t from = 0;
    int skipped = 0;
    while (pw + cursor - skipped >= width - 1 && from < (size_t)rl_point) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        wchar_t wc;
        size_t k = mbrtowc(&wc, rl_line_buffer + from, (size_t)rl_end - from, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
            k = 1;
        skipped += text_width(rl_line_buffer + from, k);
        from += k;
    }
    wattron(w, A_BOLD);
    mvwaddstr(w, 0, 0, prompt);
    wattroff(w, A_BOLD);
    waddnstr(w, rl_line_buffer + from, -1);
    wmove(w, 0, pw + cursor - skipped);
    wnoutrefresh(w);
    doupdate();
}

static void free_windows(ui *u) {
    for (int i = 0; i < PANE_COUNT; i++) {
        if (u->win[i])
            delwin(u->win[i]);
        u->win[i] = NULL;
    }
}

/* (Re)creates the pane windows for the current terminal size. */
static void relayout(ui *u) {
    free_windows(u);
    u->small = layout_compute(COLS, LINES, &u->lay) != 0;
    clearok(curscr, TRUE);
    if (u->small)
        return;
    if (u->big_log) { /* F2: the transcript takes the whole body */
        rect r = {1, 0, LINES - 2, COLS};
        u->lay.pane[PANE_LOG] = r;
    }
    for (int i = 0; i < PANE_COUNT; i++) {
        if (u->big_log && (i == PANE_RULES || i == PANE_OUTCOME || i == PANE_PLOT))
            continue;
        rect r = u->lay.pane[i];
        u->win[i] = newwin(r.h, r.w, r.y, r.x);
    }
    keypad(u->win[PANE_INPUT], TRUE);
    wtimeout(u->win[PANE_INPUT], 100);
    rl_set_screen_size(1, u->lay.pane[PANE_INPUT].w);
}

/* --- readline hooks -------------------------------------------------------- */

static int rl_getc_hook(FILE *f) {
    (void)f;
    active->key_avail = 0;
    return active->key;
}

static int rl_avail_hook(void) {
    return active->key_avail;
}

static void rl_noop_prep(int meta) {
    (void)meta;
}
static void rl_noop_deprep(void) {}

static void feed_byte(ui *u, int c) {
    u->key = c;
    u->key_avail = 1;
    rl_callback_read_char();
}

static void feed_bytes(ui *u, const char *s) {
    while (*s)
        feed_byte(u, (unsigned char)*s++);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_line(char *line) {
    ui *u = active;
    if (line == NULL) { /* Ctrl-D on an empty line */
        u->done = 1;
        return;
    }
    double t0 = now_ms();
    textlog_flush(&u->log);
    size_t start = u->log.count; /* the command's first line in the log */
    textlog_write(&u->log, rl_display_prompt ? rl_display_prompt : "",
                  strlen(rl_display_prompt ? rl_display_prompt : ""), TL_INPUT);
    textlog_write(&u->log, line, strlen(line), TL_INPUT);
    textlog_write(&u->log, "\n", 1, TL_INPUT);
    u->log.scroll = 0;
    feed_status st = lineedit_accept(u->s, &u->pending, line);
    free(line);
    drain_capture(u);
    textlog_flush(&u->log);
    u->cmd_start = start; /* draw_log marks what of it is above the pane */
    rl_set_prompt(lineedit_prompt(st));
    if (u->s->quit)
        u->done = 1;
    draw_all(u);
    /* How long the change took to reach the screen, shown on the status
     * line (and read by bench/ui_redraw.sh). */
    u->last_ms = now_ms() - t0;
    if (!u->small) {
        draw_status(u);
        wnoutrefresh(u->win[PANE_STATUS]);
        draw_input();
    }
    if (st != FEED_MORE) /* the screen first, then the disk */
        lineedit_save(u->s);
}

/* Shows a list of candidates in the log instead of printing over the screen. */
static void show_matches(char **matches, int n, int maxlen) {
    (void)maxlen;
    ui *u = active;
    char line[1024];
    size_t o = 0;
    for (int i = 1; i <= n; i++) {
        int k = snprintf(line + o, sizeof line - o, "%s%s", o ? "  " : "", matches[i]);
        if (k < 0 || (size_t)k >= sizeof line - o)
            break;
        o += (size_t)k;
    }
    textlog_write(&u->log, line, o, TL_NOTE);
    textlog_write(&u->log, "\n", 1, TL_NOTE);
    draw_all(u);
}

/* --- the loop -------------------------------------------------------------- */

/* Curses reports some keys as KEY_* codes; readline wants the escape
 * sequences a terminal would send. */
static const char *key_sequence(int key) {
    switch (key) {
    case KEY_LEFT:
        return "\033[D";
    case KEY_RIGHT:
        return "\033[C";
    case KEY_UP:
        return "\033[A";
    case KEY_DOWN:
        return "\033[B";
    case KEY_HOME:
        return "\033[H";
    case KEY_END:
        return "\033[F";
    case KEY_DC:
        return "\033[3~";
    case KEY_BACKSPACE:
        return "\177";
    case KEY_ENTER:
        return "\r";
    default:
        return NULL;
    }
}

static void clear_line(ui *u) {
    free(u->pending);
    u->pending = NULL;
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_set_prompt(lineedit_prompt(FEED_DONE));
    rl_callback_handler_remove();
    rl_callback_handler_install(lineedit_prompt(FEED_DONE), on_line);
    textlog_write(&u->log, "^C\n", 3, TL_NOTE);
    draw_all(u);
}

/* The keys people read about are listed in keys.c (man page, help). */
static void handle_key(ui *u, int kind, wint_t ch) {
    if (kind == KEY_CODE_YES) {
        if (ch == KEY_RESIZE) {
            relayout(u);
            draw_all(u);
            return;
        }
        if (ch == KEY_F(3)) { /* the lesson's next page of text */
            u->s->lesson_page++;
            draw_all(u);
            return;
        }
        if (ch == KEY_F(2)) { /* the transcript full size, and back */
            u->big_log = !u->big_log;
            relayout(u);
            draw_all(u);
            return;
        }
        if (ch == KEY_PPAGE || ch == KEY_NPAGE) {
            int page = u->small ? 1 : u->lay.pane[PANE_LOG].h - 2;
            if (ch == KEY_PPAGE)
                u->log.scroll += (size_t)page;
            else
                u->log.scroll = u->log.scroll > (size_t)page ? u->log.scroll - (size_t)page : 0;
            if (u->log.scroll >= u->log.count)
                u->log.scroll = u->log.count ? u->log.count - 1 : 0;
            draw_all(u);
            return;
        }
        const char *seq = key_sequence((int)ch);
        if (seq)
            feed_bytes(u, seq);
        return;
    }
    /* A wide character: hand readline its UTF-8 bytes. */
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)ch, &st);
    if (n == (size_t)-1)
        return;
    for (size_t i = 0; i < n; i++)
        feed_byte(u, (unsigned char)mb[i]);
}

static int setup(ui *u) {
    /* curses draws on a duplicate of the terminal; fd 1 and 2 go to an
     * anonymous file that is drained into the log after each command. */
    u->saved_fd1 = dup(STDOUT_FILENO);
    u->saved_fd2 = dup(STDERR_FILENO);
    u->capture_fd = memfd_create("tnmlab-output", 0);
    if (u->saved_fd1 < 0 || u->saved_fd2 < 0 || u->capture_fd < 0)
        return -1;
    u->tty = fdopen(dup(u->saved_fd1), "w");
    if (u->tty == NULL)
        return -1;
    u->screen = newterm(NULL, u->tty, stdin);
    if (u->screen == NULL)
        return -1;
    fflush(stdout);
    fflush(stderr);
    dup2(u->capture_fd, STDOUT_FILENO);
    dup2(u->capture_fd, STDERR_FILENO);
    cbreak();
    noecho();
    nonl();
    u->colors = has_colors();
    u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (u->colors) {
        start_color();
        use_default_colors();
        init_pair(PAIR_TITLE, COLOR_CYAN, -1);
        init_pair(PAIR_ERROR, COLOR_RED, -1);
        init_pair(PAIR_INPUT, COLOR_YELLOW, -1);
        init_pair(PAIR_NOTE, COLOR_GREEN, -1);
        init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
        /* Curves: colours that stay apart on a projector. */
        init_pair(PAIR_CURVE0, COLOR_CYAN, -1);
        init_pair(PAIR_CURVE0 + 1, COLOR_YELLOW, -1);
        init_pair(PAIR_CURVE0 + 2, COLOR_MAGENTA, -1);
        init_pair(PAIR_CURVE0 + 3, COLOR_GREEN, -1);
        /* km BY may draw up to 8 groups: four more, told apart from the
         * first four by colour where the terminal has them */
        init_pair(PAIR_CURVE0 + 4, COLOR_RED, -1);
        init_pair(PAIR_CURVE0 + 5, COLOR_BLUE, -1);
        init_pair(PAIR_CURVE0 + 6, COLOR_WHITE, -1);
        init_pair(PAIR_CURVE0 + 7, COLOR_CYAN, -1); /* with A_BOLD: see ui_panes.c */
    }
    return 0;
}

static void teardown(ui *u) {
    free_windows(u);
    if (u->screen) {
        endwin();
        delscreen(u->screen);
    }
    if (u->tty)
        fclose(u->tty);
    fflush(stdout);
    fflush(stderr);
    if (u->saved_fd1 >= 0) {
        dup2(u->saved_fd1, STDOUT_FILENO);
        close(u->saved_fd1);
    }
    if (u->saved_fd2 >= 0) {
        dup2(u->saved_fd2, STDERR_FILENO);
        close(u->saved_fd2);
    }
    if (u->capture_fd >= 0)
        close(u->capture_fd);
}

/* Hands the terminal to another program (the editor) and takes it back. */
static void suspend_screen(session *s, int resume) {
    ui *u = active;
    (void)s;
    if (u == NULL)
        return;
    if (!resume) {
        def_prog_mode();
        endwin();
        drain_capture(u);
        fflush(stdout);
        fflush(stderr);
        dup2(u->saved_fd1, STDOUT_FILENO);
        dup2(u->saved_fd2, STDERR_FILENO);
    } else {
        fflush(stdout);
        fflush(stderr);
        dup2(u->capture_fd, STDOUT_FILENO);
        dup2(u->capture_fd, STDERR_FILENO);
        reset_prog_mode();
        clearok(curscr, TRUE);
        relayout(u);
        draw_all(u);
    }
}

int ui_run(session *s) {
    ui u;
    memset(&u, 0, sizeof u);
    u.s = s;
    u.saved_fd1 = u.saved_fd2 = u.capture_fd = -1;
    u.last_ms = -1;
    if (textlog_init(&u.log, 5000) != 0)
        return -1;
    if (setup(&u) != 0) {
        teardown(&u);
        textlog_free(&u.log);
        sink_printf(&s->err, "tnmlab: cannot set up the full-screen terminal; try --plain\n");
        return -1;
    }
    active = &u;
    u.saved_out = s->out;
    u.saved_err = s->err;
    s->out.write = log_out;
    s->out.ud = &u;
    s->err.write = log_err;
    s->err.ud = &u;
    s->suspend = suspend_screen;
    s->defer_save = 1;

    rl_readline_name = "tnmlab";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = rl_noop_prep;
    rl_deprep_term_function = rl_noop_deprep;
    rl_getc_function = rl_getc_hook;
    rl_input_available_hook = rl_avail_hook;
    rl_redisplay_function = draw_input;
    complete_install(s);
    rl_completion_display_matches_hook = show_matches;
    lineedit_history_load(s);

    textlog_write(&u.log,
                  "tnmlab " PACKAGE_VERSION " (" LUA_RELEASE
                  "): type help for commands, Lua for anything else.\n",
                  strlen("tnmlab " PACKAGE_VERSION " (" LUA_RELEASE
                         "): type help for commands, Lua for anything else.\n"),
                  TL_NOTE);
    autosave_recover(s);
    drain_capture(&u);
    relayout(&u);
    rl_callback_handler_install(lineedit_prompt(FEED_DONE), on_line);
    draw_all(&u);

    while (!u.done) {
        wint_t ch;
        WINDOW *in = u.small ? stdscr : u.win[PANE_INPUT];
        if (u.small)
            timeout(100);
        int kind = wget_wch(in, &ch);
        if (tnm_interrupted()) { /* Ctrl-C at the prompt: clear the line */
            tnm_interrupt_clear();
            clear_line(&u);
        }
        if (kind == ERR)
            continue; /* a key read with the Ctrl-C still counts below */
        handle_key(&u, kind, ch);
    }

    rl_callback_handler_remove();
    complete_reset();
    free(u.pending);
    teardown(&u);
    s->out = u.saved_out;
    s->err = u.saved_err;
    s->suspend = NULL;
    s->defer_save = 0;
    active = NULL;
    textlog_free(&u.log);
    return 0;
}
