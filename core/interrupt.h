/* interrupt.h - the one process-wide flag: Ctrl-C was pressed.
 *
 * Part of tnmlab.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SIGINT handler only sets this flag; long loops in core and dsl poll it
 * (tnm_interrupted()) and return an "interrupted" status, and the Lua hook
 * installed by dsl_pcall turns it into a Lua error.  Nothing else is global.
 */
#ifndef TNMLAB_INTERRUPT_H
#define TNMLAB_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t tnm_interrupt_flag;

/* True once Ctrl-C was pressed since the last tnm_interrupt_clear(). */
static inline int tnm_interrupted(void) {
    return tnm_interrupt_flag != 0;
}
static inline void tnm_interrupt_clear(void) {
    tnm_interrupt_flag = 0;
}

#endif
