/* interrupt.c - storage for the interrupt flag (see interrupt.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "interrupt.h"

volatile sig_atomic_t tnm_interrupt_flag = 0;
