/* common.c - what the laboratory's commands share (see cmd.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "session.h"

int cmd_usage(session *s, const char *name) {
    const cmd_entry *c = commands_find(name);
    sink_printf(&s->err, "usage: %s %s\n", name, c ? c->usage : "");
    return 1;
}

int cmd_need_cohort(session *s) {
    if (s->model.cohort == NULL || cohort_nrows(s->model.cohort) == 0) {
        sink_printf(&s->err, "no cohort is loaded (load cohort FILE)\n");
        return 1;
    }
    return 0;
}

const char *cmd_row_id(const model *m, size_t row, char *buf, size_t n) {
    const cohort_column *id = cohort_find(m->cohort, "id");
    if (id && id->type == COHORT_STR && cohort_str(id, row))
        snprintf(buf, n, "%s", cohort_str(id, row));
    else if (id && id->type == COHORT_NUM && !isnan(id->v.num[row]))
        snprintf(buf, n, "%g", id->v.num[row]);
    else
        snprintf(buf, n, "#%zu", row + 1);
    return buf;
}

void cmd_remember_rule_file(session *s, const char *path) {
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    int known = 0;
    for (int i = 0; i < s->nrule_files && !known; i++)
        known = strcmp(s->rule_files[i], p) == 0;
    if (!known && s->nrule_files < (int)(sizeof s->rule_files / sizeof s->rule_files[0]))
        s->rule_files[s->nrule_files++] = strdup(p);
    free(abs);
}
