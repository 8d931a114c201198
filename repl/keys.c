/* keys.c - the keys of the full screen (see keys.h).
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "keys.h"

#include <stddef.h>

const key_entry ui_keys[] = {
    {"Enter", "run the line: a command, or Lua"},
    {"Tab", "complete a command, its argument (param, rule set, field=, file) or a Lua name"},
    {"Up/Down", "the history of lines (kept across sessions)"},
    {"F2", "the transcript over the whole screen, and back to the panes"},
    {"PgUp/PgDn", "scroll the transcript (the log's top line says when output is above)"},
    {"F3", "the lesson's next page of text (the lesson pane says when there is more)"},
    {"Ctrl-C", "stop a slow evaluation (the shown version stays), or clear the line"},
    {"Ctrl-D", "quit, on an empty line"},
    {NULL, NULL}};
