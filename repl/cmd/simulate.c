/* simulate.c - `simulate SCENARIO N [SEED]`: a simulated cohort from a
 * scenario of scripts/scenarios, and the bundled demo at start-up.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The simulator records the scenario, size and seed in the cohort it makes
 * (cohort_origin), which is where provenance reads them.
 */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lsim.h"
#include "session.h"

int cmd_simulate_cohort(session *s, const char *scenario, long n, long seed, const char *label) {
    cohort *c;
    char err[1024];
    if (lsim_simulate(s->L, scenario, n, seed, NULL, &c, err, sizeof err) != 0) {
        /* The simulator names itself already in most of its messages. */
        sink_printf(&s->err, "%s%.*s\n", strncmp(err, "simulate", 8) ? "simulate: " : "",
                    (int)strcspn(err, "\n"), err);
        return 1; /* the current cohort stays */
    }
    char name[256];
    if (label)
        snprintf(name, sizeof name, "%s", label);
    else
        snprintf(name, sizeof name, "%s (n=%ld, seed %ld)", scenario, n, seed);
    if (session_adopt_cohort(s, c, name, "months") != 0)
        return 1;
    char quoted[512];
    if (commands_quote(scenario, quoted, sizeof quoted) < sizeof quoted)
        snprintf(s->cohort_cmd, sizeof s->cohort_cmd, "simulate %s %ld %ld", quoted, n, seed);
    else
        s->cohort_cmd[0] = '\0';
    return 0;
}

int cmd_simulate(session *s, int argc, char **argv) {
    if (argc < 3 || argc > 4)
        return cmd_usage(s, "simulate");
    char *end;
    long n = strtol(argv[2], &end, 10);
    if (*end || n < 1 || n > 100000000) {
        sink_printf(&s->err, "simulate: N must be a whole number from 1 to 100000000, not '%s'\n",
                    argv[2]);
        return 1;
    }
    long seed = 1;
    if (argc == 4) {
        errno = 0;
        seed = strtol(argv[3], &end, 10);
        if (*end || end == argv[3] || errno == ERANGE) {
            sink_printf(&s->err, "simulate: SEED must be a whole number, not '%s'\n", argv[3]);
            return 1;
        }
    }
    if (cmd_simulate_cohort(s, argv[1], n, seed, NULL) != 0)
        return 1;
    sink_printf(&s->out, "simulated %ld patients from scenario %s (seed %ld)\n", n, argv[1], seed);
    return session_refresh(s);
}
