/* ruletest.h - `tnmlab test`: rule tests with coverage (ruletest.c).
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TNMLAB_RULETEST_H
#define TNMLAB_RULETEST_H

/* argv[0] is "test".  Returns the exit status: 0 when every case passed,
 * 1 otherwise, 2 on a usage error. */
int ruletest_main(int argc, char **argv);

#endif
