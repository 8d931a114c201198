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

void cmd_report_needs(session *s) {
    const model *m = &s->model;
    if (m->cohort == NULL || !m->set[0])
        return;
    const char *reads[128], *lacks[128];
    int n = rules_set_reads(m->rules, m->set, reads, 128), nl = 0;
    for (int i = 0; i < n; i++)
        if (cohort_find(m->cohort, reads[i]) == NULL)
            lacks[nl++] = reads[i];
    if (nl == 0)
        return;
    char list[512] = "", has[512] = "";
    size_t o = 0, h = 0;
    for (int i = 0; i < nl; i++) {
        o += (size_t)snprintf(list + o, o < sizeof list ? sizeof list - o : 0, "%s%s",
                              i ? ", " : "", lacks[i]);
        /* columns of the same family (m_sites -> m_lesions, m_organs) or
         * that hold the name (ecog -> ph.ecog) */
        size_t pre = strcspn(lacks[i], "_") + 1;
        if (lacks[i][pre - 1] == '\0')
            pre = 0; /* no family: only columns that hold the name */
        for (size_t j = 0; j < cohort_ncols(m->cohort); j++) {
            const char *c = cohort_col(m->cohort, j)->name;
            int kin = (pre && strncmp(c, lacks[i], pre) == 0) || strstr(c, lacks[i]) != NULL;
            if (kin && !strchr(c, '@') && !strstr(has, c))
                h += (size_t)snprintf(has + h, h < sizeof has ? sizeof has - h : 0, "%s%s",
                                      h ? ", " : "", c);
        }
    }
    sink_printf(&s->out,
                "%s needs %s, which this cohort lacks%s%s%s: the criteria reading %s are "
                "unknown for every patient (map a column with load cohort FILE field=column)\n",
                m->set, list, h ? " (it has " : "", has, h ? ")" : "", nl == 1 ? "it" : "them");
}
