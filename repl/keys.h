/* keys.h - the keys of the full screen, for the man page and `help`.
 *
 * Part of tnmlab (repl layer, no terminal).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ui.c acts on these keys; this table is what people read about them.  A
 * key added to ui.c's loop is added here, and the man page and `help`
 * show it.
 */
#ifndef TNMLAB_KEYS_H
#define TNMLAB_KEYS_H

typedef struct key_entry {
    const char *key;  /* as printed: "F2", "Ctrl-C" */
    const char *help; /* one line */
} key_entry;

/* NULL-terminated. */
extern const key_entry ui_keys[];

#endif
