/* load.c - `load cohort FILE [months|days] [field=column ...]`,
 * `load cohort DB.db TABLE|"SELECT ..." [months|days] [field=column ...]`
 * and `load rules FILE`.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cohort is read by the CSV reader in core and handed to the session,
 * which records the command that recreates it (session files, provenance).
 * A failed load keeps the cohort or rules the session had.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "csv.h"
#include "session.h"
#include "export.h"
#include "pg_read.h"
#include "sqlite_read.h"
#include "survival_data.h"

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* After a load: which dictionary fields the cohort lacks, so that a
 * person knows why criteria come out unknown and what to map. */
static void report_missing_fields(session *s) {
    const cohort *c = s->model.cohort;
    char list[1024] = "";
    size_t o = 0;
    int n = 0;
    /* t, n, m and stage are derived by staging (the recorded categories and
     * their edition are read only where descriptors are missing) */
    static const char *const staged[] = {"t", "n", "m", "stage", "edition", NULL};
    for (const char *const *d = rules_dictionary; *d; d++) {
        int st = 0;
        for (const char *const *k = staged; *k && !st; k++)
            st = strcmp(*k, *d) == 0;
        if (!st && cohort_find(c, *d) == NULL && o < sizeof list - 40) {
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", n ? ", " : "", *d);
            n++;
        }
    }
    if (n)
        sink_printf(&s->out,
                    "not in this cohort (criteria reading them are unknown; map a column "
                    "with field=column): %s\n",
                    list);
}

/* After a load: rows whose m_sites and count columns say different things
 * (staging and the rule sets read m_sites where both are given). */
static void report_conflicts(session *s) {
    const cohort *c = s->model.cohort;
    char err[512];
    size_t first;
    long bad = rules_count_conflicts(s->model.rules, c, &first, err, sizeof err);
    if (bad < 0) {
        sink_printf(&s->err, "checking m_sites against m_lesions/m_organs: %s\n", err);
        return;
    }
    if (bad == 0)
        return;
    const cohort_column *ms = cohort_find(c, "m_sites");
    const cohort_column *ml = cohort_find(c, "m_lesions"), *mo = cohort_find(c, "m_organs");
    char les[32] = "-", org[32] = "-";
    if (ml && ml->type == COHORT_NUM)
        snprintf(les, sizeof les, "%g", ml->v.num[first]);
    if (mo && mo->type == COHORT_NUM)
        snprintf(org, sizeof org, "%g", mo->v.num[first]);
    sink_printf(&s->out,
                "%ld rows where m_sites and m_lesions/m_organs disagree (first: row %zu, m_sites "
                "= \"%s\", m_lesions = %s, m_organs = %s); staging and the rule sets read "
                "m_sites where both are given\n",
                bad, first + 1, cohort_str(ms, first) ? cohort_str(ms, first) : "", les, org);
}

/* After a load: event columns coded 1/2, read as R's Surv() reads them, are
 * announced, so that nobody takes 1 for an event unawares. */
static void report_event_coding(session *s) {
    static const char *const ev[] = {"os_event", "pfs_event"};
    const cohort *c = s->model.cohort;
    for (int k = 0; k < 2; k++) {
        const cohort_column *col = cohort_find(c, ev[k]);
        if (col && col->type == COHORT_NUM && surv_event_coded12(col->v.num, cohort_nrows(c)))
            sink_printf(&s->out,
                        "%s is coded 1/2 (its largest value is 2): read as 1 = censored, 2 = "
                        "event, as R's Surv() reads it\n",
                        ev[k]);
    }
}

/* The `load cohort` line that recreates the cohort, with an absolute path,
 * every word quoted (a file or column name may hold a quote or a newline).
 * A line that does not fit is not kept: a cut one would load something else. */
static void remember_cohort_load(session *s, int argc, char **argv) {
    char *abs = realpath(argv[2], NULL);
    size_t n = sizeof s->cohort_cmd;
    size_t o = (size_t)snprintf(s->cohort_cmd, n, "load cohort ");
    for (int i = 2; i < argc && o < n; i++) {
        if (i > 2)
            s->cohort_cmd[o++] = ' ';
        if (o < n)
            o += commands_quote(i == 2 && abs ? abs : argv[i], s->cohort_cmd + o, n - o);
    }
    if (o >= n)
        s->cohort_cmd[0] = '\0';
    pg_redact(s->cohort_cmd); /* never a password in a session file */
    free(abs);
}

static int load_rules(session *s, int argc, char **argv) {
    if (argc != 3)
        return cmd_usage(s, "load");
    char err[1024];
    if (model_load_rules(&s->model, argv[2], err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    cmd_remember_rule_file(s, argv[2]);
    sink_printf(&s->out, "loaded %s: %zu rule set%s; active: %s\n", argv[2],
                rules_nsets(s->model.rules), rules_nsets(s->model.rules) == 1 ? "" : "s",
                s->model.set[0] ? s->model.set : "none");
    cmd_report_needs(s);
    return session_refresh(s);
}

/* One character for sep= or decimal=: itself, or "tab". */
static int one_char(const char *v, char *out) {
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) {
        *out = '\t';
        return 0;
    }
    if (strlen(v) != 1 || v[0] == '"' || v[0] == '\n' || v[0] == '\r')
        return -1;
    *out = v[0];
    return 0;
}

/* load cohort FILE [months|days] [sep=X] [decimal=X] [field=column ...]
 *   [recode:COLUMN:FROM=TO ...]
 * load cohort DB TABLE|QUERY [months|days] [field=column ...]
 *   (DB: a SQLite file, or postgresql://user@host/db, or pg:KEYWORDS) */
static int load_cohort(session *s, int argc, char **argv) {
    const char *unit = "months";
    csv_pair map[CMD_MAX_ARGS];
    char names[CMD_MAX_ARGS][128];
    size_t nmap = 0;
    csv_recode recode[CMD_MAX_ARGS];
    char rc_col[CMD_MAX_ARGS][128], rc_from[CMD_MAX_ARGS][256];
    size_t nrecode = 0;
    char sep = 0, decimal = 0;
    /* a database (a SQLite file, a PostgreSQL server): the word after it
     * is the table or the query */
    int pg = pg_is_conninfo(argv[2]);
    int db = pg || sqlite_is_database(argv[2]), first = db ? 4 : 3;
    char shown[1024];
    snprintf(shown, sizeof shown, "%s", argv[2]);
    pg_redact(shown);
    if (db && argc < 4) {
        sink_printf(&s->err,
                    "load cohort: %s is a %s: name a table or give a query, e.g. load cohort "
                    "%s patients  or  load cohort %s \"SELECT * FROM patients WHERE ecog <= "
                    "2\"\n",
                    shown, pg ? "PostgreSQL server" : "SQLite database", shown, shown);
        return 1;
    }
    for (int i = first; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (db && (strncmp(argv[i], "sep=", 4) == 0 || strncmp(argv[i], "decimal=", 8) == 0)) {
            sink_printf(&s->err, "load cohort: %s is for text files; a database has types\n",
                        argv[i]);
            return 1;
        } else if (strncmp(argv[i], "recode:", 7) == 0) {
            /* recode:COLUMN:FROM=TO (quote the word when FROM has spaces) */
            const char *col = argv[i] + 7, *colon = strchr(col, ':');
            const char *to = colon ? strrchr(colon, '=') : NULL;
            if (!colon || colon == col || !to || to == colon + 1 ||
                (size_t)(colon - col) >= sizeof rc_col[0] ||
                (size_t)(to - colon - 1) >= sizeof rc_from[0]) {
                sink_printf(&s->err,
                            "load cohort: '%s' wants recode:COLUMN:FROM=TO, e.g. "
                            "\"recode:stage:Stage IV=IV\" or recode:os_event:dead=1 (TO NA: "
                            "missing)\n",
                            argv[i]);
                return 1;
            }
            snprintf(rc_col[nrecode], sizeof rc_col[0], "%.*s", (int)(colon - col), col);
            snprintf(rc_from[nrecode], sizeof rc_from[0], "%.*s", (int)(to - colon - 1), colon + 1);
            recode[nrecode] = (csv_recode){rc_col[nrecode], rc_from[nrecode], to + 1};
            nrecode++;
        } else if (strncmp(argv[i], "sep=", 4) == 0 || strncmp(argv[i], "decimal=", 8) == 0) {
            int is_sep = argv[i][0] == 's';
            if (one_char(eq + 1, is_sep ? &sep : &decimal) != 0 ||
                (!is_sep && decimal != '.' && decimal != ',')) {
                sink_printf(&s->err,
                            "load cohort: %s wants one character (sep=; sep=tab, decimal=,)\n",
                            argv[i]);
                return 1;
            }
        } else if (eq && eq != argv[i] && eq[1]) {
            size_t len = (size_t)(eq - argv[i]), k = 0;
            if (len >= sizeof names[0]) {
                sink_printf(&s->err, "load cohort: field name '%.40s...' is too long\n", argv[i]);
                return 1;
            }
            while (k < nmap && (strlen(map[k].key) != len || strncmp(map[k].key, argv[i], len)))
                k++; /* field=column given twice: the last one counts */
            snprintf(names[k], sizeof names[k], "%.*s", (int)len, argv[i]);
            map[k].key = names[k];
            map[k].value = eq + 1;
            nmap += k == nmap;
        } else if (i == first && (!strcmp(argv[i], "months") || !strcmp(argv[i], "days"))) {
            unit = argv[i];
        } else {
            sink_printf(&s->err, "load cohort: '%s' is neither months/days nor field=column\n",
                        argv[i]);
            return 1;
        }
    }
    csv_options o;
    csv_options_init(&o);
    o.map = map;
    o.nmap = nmap;
    o.recode = recode;
    o.nrecode = nrecode;
    /* what is not given is read off the file, and said */
    char ssep, sdec;
    if (!db && (!sep || !decimal) && csv_sniff(argv[2], &ssep, &sdec) == 0) {
        if ((!sep && ssep != ',') || (!decimal && !sep && sdec != '.'))
            sink_printf(&s->out,
                        "%s: read with separator '%s'%s%s%s (say sep= or decimal= "
                        "otherwise)\n",
                        argv[2],
                        (sep ? sep : ssep) == '\t' ? "tab" : (char[2]){sep ? sep : ssep, 0},
                        !decimal && sdec == ',' ? " and decimal mark '" : "",
                        !decimal && sdec == ',' ? "," : "", !decimal && sdec == ',' ? "'" : "");
        if (!sep)
            sep = ssep;
        if (!decimal)
            decimal = sep == ',' ? '.' : sdec;
    }
    o.sep = sep;
    o.decimal = decimal;
    if (o.sep && o.sep == o.decimal) {
        sink_printf(&s->err, "load cohort: the separator and the decimal mark are both '%c'\n",
                    o.sep);
        return 1;
    }
    char err[1024];
    if (csv_env_max_bytes(&o.max_bytes, err, sizeof err) != 0) {
        sink_printf(&s->err, "load cohort: %s\n", err);
        return 1;
    }
    cohort *c = pg   ? pg_read(argv[2], argv[3], &o, err, sizeof err)
                : db ? sqlite_read(argv[2], argv[3], &o, err, sizeof err)
                     : csv_read_file(argv[2], NULL, &o, err, sizeof err);
    if (c == NULL) { /* the message names file:line:column; the current cohort stays */
        sink_printf(&s->err, "%.*s\n", (int)strcspn(err, "\n"), err);
        return 1;
    }
    if (session_adopt_cohort(s, c, pg ? "postgresql" : base_name(argv[2]), unit) != 0)
        return 1;
    if (db) { /* provenance: where the rows came from, and which query */
        char hash[65];
        export_text_sha256(argv[3], hash);
        int w = snprintf(s->model.cohort_source, sizeof s->model.cohort_source,
                         "%s %.400s, query sha256 %s", pg ? "postgresql" : "sqlite", shown, hash);
        (void)w;
    }
    remember_cohort_load(s, argc, argv);
    sink_printf(&s->out, "loaded %s: %zu patients\n", shown, cohort_nrows(s->model.cohort));
    report_missing_fields(s);
    report_conflicts(s);
    report_event_coding(s);
    cmd_report_needs(s);
    return session_refresh(s);
}

int cmd_load(session *s, int argc, char **argv) {
    if (argc < 3)
        return cmd_usage(s, "load");
    if (strcmp(argv[1], "rules") == 0)
        return load_rules(s, argc, argv);
    if (strcmp(argv[1], "cohort") == 0)
        return load_cohort(s, argc, argv);
    return cmd_usage(s, "load");
}
