/* options.h - the command line: one table drives parsing, --help and the man page.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TNMLAB_OPTIONS_H
#define TNMLAB_OPTIONS_H

#include <stddef.h>

enum { OPTIONS_MAX_CHUNKS = 64 };

typedef struct tnm_options {
    int plain;          /* --plain: line REPL even on a terminal */
    int interactive;    /* -i: stay interactive after -e / a script */
    int help, version;  /* --help, --version */
    int no_restore;     /* --no-restore: never replay the autosave at start */
    const char *cohort; /* --cohort FILE.csv */
    const char *cohort_words[OPTIONS_MAX_CHUNKS]; /* --map WORD: load cohort's words */
    int ncohort_words;
    const char *rules; /* --rules FILE.lua (sandboxed) */
    long seed;         /* --seed N */
    int has_seed;
    int shard_k, shard_n; /* --shard K/N: lab.sweep writes slice K of N (0/0: all) */
    const char *chunks[OPTIONS_MAX_CHUNKS]; /* -e CHUNK, in order */
    int nchunks;
    const char *script; /* SCRIPT.lua: batch mode */
    int script_index;   /* argv index of the script; its args follow */
} tnm_options;

/* One row per option: the parser, --help and the man page read this table. */
typedef struct tnm_option_spec {
    const char *lng;  /* long name without dashes */
    char shrt;        /* short letter or 0 */
    const char *arg;  /* argument name, NULL for a flag */
    const char *help; /* one line */
} tnm_option_spec;

extern const tnm_option_spec options_table[];

/* Parses argv into *o.  Returns 0, or 2 (usage error) with err filled
 * ("tnmlab: unknown option '--x'").  argv is borrowed, not copied. */
int options_parse(int argc, char **argv, tnm_options *o, char *err, size_t errlen);

/* Writes the --help text into buf (NUL-terminated, truncated to n) and
 * returns the length it needed, as snprintf does. */
size_t options_help(char *buf, size_t n);

#endif
