/* options.c - command-line parsing from one table (see options.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "options.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const tnm_option_spec options_table[] = {
    {"plain", 0, NULL, "line REPL with readline, even on a terminal"},
    {"execute", 'e', "CHUNK", "run a trusted Lua chunk (repeatable), then exit"},
    {"interactive", 'i', NULL, "stay interactive after -e or a script"},
    {"cohort", 0, "FILE.csv", "load this cohort instead of the demo"},
    {"map", 0, "WORD",
     "for --cohort, as load cohort takes it (repeatable): field=column, days, sep=X, decimal=X, "
     "recode:COLUMN:FROM=TO"},
    {"rules", 0, "FILE.lua", "load a rule file (sandboxed)"},
    {"seed", 0, "N", "seed for simulations"},
    {"shard", 0, "K/N",
     "lab.sweep computes and writes only slice K of N of its grid (tnmlab merge)"},
    {"no-restore", 0, NULL, "start clean; keep an unfinished session's file aside, unreplayed"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL}};

static const tnm_option_spec *find_long(const char *name, size_t len) {
    for (const tnm_option_spec *s = options_table; s->lng; s++)
        if (strlen(s->lng) == len && strncmp(s->lng, name, len) == 0)
            return s;
    return NULL;
}

static const tnm_option_spec *find_short(char c) {
    for (const tnm_option_spec *s = options_table; s->lng; s++)
        if (s->shrt == c)
            return s;
    return NULL;
}

static int apply(const tnm_option_spec *s, const char *val, tnm_options *o, char *err,
                 size_t errlen) {
    const char *n = s->lng;
    if (!strcmp(n, "plain"))
        o->plain = 1;
    else if (!strcmp(n, "interactive"))
        o->interactive = 1;
    else if (!strcmp(n, "help"))
        o->help = 1;
    else if (!strcmp(n, "version"))
        o->version = 1;
    else if (!strcmp(n, "no-restore"))
        o->no_restore = 1;
    else if (!strcmp(n, "cohort"))
        o->cohort = val;
    else if (!strcmp(n, "map")) {
        if (o->ncohort_words == OPTIONS_MAX_CHUNKS) {
            snprintf(err, errlen, "tnmlab: at most %d --map words", OPTIONS_MAX_CHUNKS);
            return 2;
        }
        o->cohort_words[o->ncohort_words++] = val;
    } else if (!strcmp(n, "rules"))
        o->rules = val;
    else if (!strcmp(n, "execute")) {
        if (o->nchunks == OPTIONS_MAX_CHUNKS) {
            snprintf(err, errlen, "tnmlab: at most %d -e chunks", OPTIONS_MAX_CHUNKS);
            return 2;
        }
        o->chunks[o->nchunks++] = val;
    } else if (!strcmp(n, "seed")) {
        char *end;
        errno = 0;
        long v = strtol(val, &end, 10);
        if (errno || end == val || *end != '\0') {
            snprintf(err, errlen, "tnmlab: --seed wants an integer, got '%s'", val);
            return 2;
        }
        o->seed = v;
        o->has_seed = 1;
    } else if (!strcmp(n, "shard")) {
        if (sweep_shard_parse(val, &o->shard_k, &o->shard_n) != 0) {
            snprintf(err, errlen, "tnmlab: --shard wants K/N with 1 <= K <= N, got '%s'", val);
            return 2;
        }
    }
    return 0;
}

int options_parse(int argc, char **argv, tnm_options *o, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break; /* the script; everything after it is its arguments */
        const tnm_option_spec *s;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            s = find_long(name, len);
            if (s == NULL) {
                snprintf(err, errlen, "tnmlab: unknown option '%s' (see tnmlab --help)", a);
                return 2;
            }
            if (eq && !s->arg) {
                snprintf(err, errlen, "tnmlab: option '--%s' takes no value", s->lng);
                return 2;
            }
            val = eq ? eq + 1 : NULL;
        } else {
            s = find_short(a[1]);
            if (s == NULL) {
                snprintf(err, errlen, "tnmlab: unknown option '%s' (see tnmlab --help)", a);
                return 2;
            }
            if (a[2] != '\0') {
                if (!s->arg) {
                    snprintf(err, errlen, "tnmlab: unknown option '%s' (see tnmlab --help)", a);
                    return 2;
                }
                val = a + 2; /* -e'print(1)' */
            }
        }
        if (s->arg && val == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "tnmlab: option '%s' needs %s", a, s->arg);
                return 2;
            }
            val = argv[++i];
        }
        int rc = apply(s, val, o, err, errlen);
        if (rc)
            return rc;
    }
    if (i < argc) {
        o->script = argv[i];
        o->script_index = i;
    }
    if (o->ncohort_words && !o->cohort) {
        snprintf(err, errlen, "tnmlab: --map goes with --cohort FILE.csv");
        return 2;
    }
    return 0;
}

size_t options_help(char *buf, size_t n) {
    size_t used = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int k_ = snprintf(used < n ? buf + used : NULL, used < n ? n - used : 0, __VA_ARGS__);     \
        if (k_ > 0)                                                                                \
            used += (size_t)k_;                                                                    \
    } while (0)
    ADD("usage: tnmlab [OPTIONS] [SCRIPT.lua [ARGS...]]\n"
        "       tnmlab test [--coverage] [--json FILE] [FILE_test.lua | FOLDER ...]\n\n"
        "Without a script: interactive (full screen on a terminal, a line REPL\n"
        "otherwise) on the bundled demo cohort.  With a script: run it and exit\n"
        "(0 success, 1 script error, 2 usage error).  `test` runs rule tests\n"
        "(doc/rules.md#tests): 0 when every case passes, 1 otherwise.\n\nOptions:\n");
    for (const tnm_option_spec *s = options_table; s->lng; s++) {
        char left[64];
        if (s->shrt)
            snprintf(left, sizeof left, "-%c, --%s%s%s", s->shrt, s->lng, s->arg ? " " : "",
                     s->arg ? s->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", s->lng, s->arg ? " " : "",
                     s->arg ? s->arg : "");
        ADD("  %-24s %s\n", left, s->help);
    }
    ADD("\nExamples:\n"
        "  tnmlab                                  the demo, interactive\n"
        "  tnmlab -e 'print(tnm8.stage(\"T2a\", \"N2\", \"M0\"))'\n"
        "  tnmlab --cohort data/ncctg_lung.csv --plain\n"
        "  tnmlab test --coverage scripts/selection/tests\n");
#undef ADD
    if (n)
        buf[used < n ? used : n - 1] = '\0';
    return used;
}
