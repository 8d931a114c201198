/* rules.c - `rules`, `use`, `set`, `reset`, `undo` and `redo`: the active rule
 * set, its params and its versions.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each changes the model and then brings the outcome up to date once
 * (session_refresh); the full screen draws what the model holds.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "session.h"

int cmd_rules(session *s, int argc, char **argv) {
    (void)argc;
    (void)argv;
    size_t n = rules_nsets(s->model.rules);
    if (n == 0) {
        sink_printf(&s->out, "no rules loaded (load rules FILE)\n");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = rules_set_name(s->model.rules, i);
        const char *doc = rules_set_doc(s->model.rules, name);
        size_t k = doc ? strcspn(doc, "\n") : 0;
        sink_printf(&s->out, "%s %-20s %.*s\n", strcmp(name, s->model.set) ? " " : "*", name,
                    (int)(k > 70 ? 70 : k), doc ? doc : "");
    }
    return 0;
}

int cmd_use(session *s, int argc, char **argv) {
    if (argc != 2)
        return cmd_usage(s, "use");
    char err[512];
    if (model_use(&s->model, argv[1], err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    cmd_report_needs(s);
    return session_refresh(s);
}

int cmd_set(session *s, int argc, char **argv) {
    if (argc != 3)
        return cmd_usage(s, "set");
    char err[512];
    if (model_set_param(&s->model, argv[1], argv[2], err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    return session_refresh(s);
}

int cmd_reset(session *s, int argc, char **argv) {
    if (argc > 2)
        return cmd_usage(s, "reset");
    char err[512];
    if (model_reset_param(&s->model, argc == 2 ? argv[1] : NULL, err, sizeof err) != 0) {
        sink_printf(&s->err, "%s\n", err);
        return 1;
    }
    return session_refresh(s);
}

static int move_version(session *s, int redo) {
    int rc = redo ? rules_redo(s->model.rules) : rules_undo(s->model.rules);
    if (rc != 0) {
        sink_printf(&s->err, "nothing to %s\n", redo ? "redo" : "undo");
        return 1;
    }
    int v = rules_version(s->model.rules);
    const char *label = rules_version_label(s->model.rules, redo ? v : v + 1);
    /* A param change of another rule set ("set.param a -> b"): show that
     * set, or the undo would change nothing on the screen. */
    char set[64] = "";
    if (label && strncmp(label, "load ", 5) != 0) {
        const char *dot = strchr(label, '.');
        const char *space = strchr(label, ' ');
        if (dot && (!space || dot < space))
            snprintf(set, sizeof set, "%.*s", (int)(dot - label), label);
    }
    const char *shown = set[0] ? set : s->model.set;
    int sv = shown[0] ? rules_set_version(s->model.rules, shown, 0) : 0;
    if (sv) /* the set's own version, as the status line numbers it */
        sink_printf(&s->out, "%s %s (now %s v%d)\n", redo ? "redid" : "undid", label ? label : "",
                    shown, sv);
    else
        sink_printf(&s->out, "%s %s (now version %d)\n", redo ? "redid" : "undid",
                    label ? label : "", v);
    char err[256];
    if (set[0] && strcmp(set, s->model.set) != 0 && model_use(&s->model, set, err, sizeof err) == 0)
        sink_printf(&s->out, "showing %s, whose rules changed\n", set);
    return session_refresh(s);
}

int cmd_undo(session *s, int argc, char **argv) {
    (void)argv;
    return argc != 1 ? cmd_usage(s, "undo") : move_version(s, 0);
}

int cmd_redo(session *s, int argc, char **argv) {
    (void)argv;
    return argc != 1 ? cmd_usage(s, "redo") : move_version(s, 1);
}
