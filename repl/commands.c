/* commands.c - REPL commands (see commands.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "commands.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "compare.h"
#include "export.h"
#include "keys.h"
#include "lab.h"
#include "lesson.h"
#include "persist.h"
#include "session.h"

static int cmd_help(session *s, int argc, char **argv);

static int cmd_quit(session *s, int argc, char **argv) {
    (void)argc;
    (void)argv;
    s->quit = 1;
    return 0;
}

const cmd_entry commands_table[] = {
    {"help", "[COMMAND | keys]", "list the commands, or show one, or the keys", cmd_help,
     "command+{keys}", 0},
    {"load",
     "cohort FILE.csv [months|days] [sep=X] [decimal=X] [field=column...] "
     "[recode:COLUMN:FROM=TO...] | cohort FILE.db TABLE|\"SELECT ...\" [months|days] "
     "[field=column...] | rules FILE.lua",
     "load a cohort from a CSV file, a SQLite database or a PostgreSQL server (mapping its "
     "columns to the data dictionary) or a rule file",
     cmd_load, "{cohort|rules} file {months|days}+field=*", 0},
    {"simulate", "SCENARIO N [SEED]", "simulate a cohort (scripts/scenarios, e.g. stage_iv)",
     cmd_simulate, "scenario", 0},
    {"rules", "", "list the loaded rule sets (* = active)", cmd_rules, NULL, 0},
    {"reload", "", "reload every rule file (an error keeps the previous version)", cmd_reload, NULL,
     0},
    {"edit", "[RULESET]", "open the rule file in $EDITOR, reload it when the editor exits",
     cmd_edit, "set", 1},
    {"use", "RULESET", "make a rule set active", cmd_use, "set", 0},
    {"set", "PARAM VALUE", "change a param of the active rule set", cmd_set, "param", 0},
    {"reset", "[PARAM]", "put one param (or all) back to its default", cmd_reset, "param", 0},
    {"undo", "", "go back to the previous version of the rules", cmd_undo, NULL, 0},
    {"redo", "", "go forward again after undo", cmd_redo, NULL, 0},
    {"show", "[rules|attrition|outcome]", "print the rules, attrition and outcome", cmd_show,
     "{rules|attrition|outcome}", 0},
    {"case", "ID | #ROW", "show one patient's record", cmd_case, NULL, 0},
    {"next", "", "show the next patient", cmd_next, NULL, 0},
    {"prev", "", "show the previous patient", cmd_prev, NULL, 0},
    {"explain", "", "why the current patient is (not) selected, step by step", cmd_explain, NULL,
     0},
    {"whatif", "FIELD=VALUE ...",
     "re-stage and re-select the current patient with changed values (cohort untouched)",
     cmd_whatif, "field=*", 0},
    {"edition", "[8|9]",
     "stage with the TNM 8th or 9th edition: the case pane and every rule set that reads t, n, m "
     "or "
     "stage (undo goes back)",
     cmd_edition, "{8|9}", 0},
    {"km", "COLUMN [VALUE...] | off",
     "OS and PFS by the values of a column (or of t, n, m, stage), under the active rules' arms, "
     "in a table and in the plot; VALUEs keep only those groups (km stage IIA IIB); off: the plot "
     "shows the arms again",
     km_cmd, "column+{t|n|m|stage|off}", 0},
    {"median", "[B] [SEED]",
     "the two groups' median difference (OS, PFS) with a seeded percentile bootstrap 95% CI "
     "(B 2000, seed 1)",
     median_cmd, NULL, 0},
    {"migrate", "",
     "stage migration 8th -> 9th edition on the cohort: the table of stage groups and each "
     "group's survival under both (Will Rogers)",
     migrate_cmd, NULL, 0},
    {"compare", "RULESET_A RULESET_B",
     "two rule sets side by side: each selection, only A, both, only B", compare_cmd, "set set", 0},
    {"split", "", "selection vs treatment: selected under each arm, not selected (simulated)",
     split_cmd, NULL, 0},
    {"diff", "", "patients whose selection or arm changed since the previous version", cmd_diff,
     NULL, 0},
    {"hr", "", "compute the hazard ratios on a large cohort too (Cox, Efron ties)", cmd_hr, NULL,
     0},
    {"plot", "[os|pfs|ref|noref]",
     "show the Kaplan-Meier plot (of OS or PFS); ref adds the whole cohort's curve, noref takes "
     "it away",
     cmd_plot, "{os|pfs|ref|noref}", 0},
    {"export",
     "plot FILE.svg [os|pfs] [ci] [before] | table FILE.csv|.md|.json|.db [outcome|attrition] | "
     "ids FILE.csv | table1 FILE.csv|.md|.json [by COLUMN|arms] [VAR...] | cohort FILE.csv|.db "
     "[TABLE] | lesson DIR",
     "write the KM plot as SVG, the outcome/attrition as a table (a SQLite .db holds both), who "
     "is selected, table 1, the cohort, or a running lesson as a handout, with provenance",
     export_cmd, "{plot|table|ids|table1|cohort|lesson} file", 1},
    {"table1", "[by COLUMN | arms] [VAR[:cat]...]",
     "baseline characteristics: selected vs not (or per arm, or by a column), median [IQR], n "
     "(%), SMD, missing",
     table1_cmd, "{by|arms}+column", 0},
    {"list", "[N]",
     "the first N selected patients (20), with their arm and the values the criteria read",
     list_cmd, NULL, 0},
    {"lesson", "[NAME | next | prev | again | run | stop]",
     "step through a teaching lesson (again: show the step without running it; run: run it)",
     lesson_cmd, "lesson", 0},
    {"save", "FILE", "save the session (rules, params, cohort source) as commands",
     persist_cmd_save, "file", 1},
    {"restore", "[FILE]", "replay a saved session (default: the autosave)", persist_cmd_restore,
     "file", 0},
    {"quit", "", "leave tnmlab (Ctrl-D on an empty line does too)", cmd_quit, NULL, 1},
    {NULL, NULL, NULL, NULL, NULL, 0}};

static int cmd_help(session *s, int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "keys") == 0) {
        sink_puts(&s->out, "Keys in the full screen:\n");
        for (const key_entry *k = ui_keys; k->key; k++)
            sink_printf(&s->out, "  %-12s %s\n", k->key, k->help);
        return 0;
    }
    if (argc > 1) {
        const cmd_entry *c = commands_find(argv[1]);
        if (c == NULL) {
            sink_printf(&s->err, "help: no command '%s' (type help for the list)\n", argv[1]);
            return 1;
        }
        sink_printf(&s->out, "%s %s\n  %s\n", c->name, c->usage, c->help);
        return 0;
    }
    sink_puts(&s->out,
              "Commands (anything else is Lua; help COMMAND for one, help keys for the keys):\n");
    for (const cmd_entry *c = commands_table; c->name; c++) {
        /* A long usage gets a line of its own rather than being cut. */
        char left[256];
        snprintf(left, sizeof left, "%s %s", c->name, c->usage);
        if (strlen(left) > 24)
            sink_printf(&s->out, "  %s\n  %-24s %s\n", left, "", c->help);
        else
            sink_printf(&s->out, "  %-24s %s\n", left, c->help);
    }
    return 0;
}

const cmd_entry *commands_find(const char *name) {
    if (name[0] == '.')
        name++;
    for (const cmd_entry *c = commands_table; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* The character after a backslash inside quotes, *p just past the
 * backslash: \n \r \t and \xHH stand for the control characters that
 * commands_quote writes that way (so a name with a newline stays on one
 * line); any other character stands for itself, as \" and \\ always did. */
static int unescape(const char **p) {
    int c = (unsigned char)*(*p)++;
    if (c == 'n')
        return '\n';
    if (c == 'r')
        return '\r';
    if (c == 't')
        return '\t';
    if (c == 'x' && isxdigit((unsigned char)(*p)[0]) && isxdigit((unsigned char)(*p)[1])) {
        char hex[3] = {(*p)[0], (*p)[1], '\0'};
        *p += 2;
        int v = (int)strtol(hex, NULL, 16);
        return v ? v : 'x'; /* a NUL would end the word early */
    }
    return c;
}

size_t commands_quote(const char *arg, char *out, size_t n) {
    size_t o = 0;
#define PUT(c) (o + 1 < n ? (out[o] = (c)) : 0, o++)
    PUT('"');
    for (const unsigned char *a = (const unsigned char *)arg; *a; a++) {
        unsigned c = *a;
        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT((char)c);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            PUT('\\');
            PUT(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        } else if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            PUT('\\');
            PUT('x');
            PUT(hex[c >> 4]);
            PUT(hex[c & 15]);
        } else {
            PUT((char)c);
        }
    }
    PUT('"');
#undef PUT
    if (n)
        out[o < n ? o : n - 1] = '\0';
    return o;
}

int commands_split(const char *line, char *buf, int n, char **argv, int max) {
    int argc = 0, o = 0;
    const char *p = line;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        if (argc == max)
            return -1;
        argv[argc++] = buf + o;
        while (*p && !isspace((unsigned char)*p)) {
            if (*p == '"') {
                p++;
                while (*p && *p != '"') {
                    int ch = (unsigned char)*p++;
                    if (ch == '\\' && *p)
                        ch = unescape(&p);
                    if (o >= n - 1)
                        return -1;
                    buf[o++] = (char)ch;
                }
                if (*p != '"')
                    return -1;
                p++;
            } else {
                if (o >= n - 1)
                    return -1;
                buf[o++] = *p++;
            }
        }
        if (o >= n)
            return -1;
        buf[o++] = '\0';
    }
    return argc;
}

const cmd_entry *commands_of_line(const char *line, const char **start) {
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    /* The first word must be a command name followed by space or the end:
     * `next` is the command, `next(t)` is Lua. */
    size_t len = 0;
    while (p[len] && !isspace((unsigned char)p[len]))
        len++;
    char word[64];
    if (len == 0 || len >= sizeof word)
        return NULL;
    memcpy(word, p, len);
    word[len] = '\0';
    const cmd_entry *c = commands_find(word);
    if (c == NULL)
        return NULL;
    /* `help = 3` assigns to a Lua global of that name. */
    const char *rest = p + len;
    while (isspace((unsigned char)*rest))
        rest++;
    if (rest[0] == '=' && rest[1] != '=')
        return NULL;
    if (start)
        *start = p;
    return c;
}

int commands_dispatch(session *s, const char *line) {
    const char *p;
    const cmd_entry *c = commands_of_line(line, &p);
    if (c == NULL)
        return -1;
    char buf[4096];
    char *argv[CMD_MAX_ARGS];
    int argc = commands_split(p, buf, sizeof buf, argv, CMD_MAX_ARGS);
    if (argc < 0) {
        sink_printf(&s->err, "%s: unterminated quote or line too long\n", c->name);
        return 1;
    }
    return c->fn(s, argc, argv) ? 1 : 0;
}
