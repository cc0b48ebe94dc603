// libedit's readline-compatible API (Debian: libedit-dev), for the pprof shell.
// Swift 6 treats C global variables as shared mutable state, so every global the
// shell touches is read or written through a static inline function here.
#ifndef PPROF_CEDITLINE_SHIM_H
#define PPROF_CEDITLINE_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

/// The completion callback: the word being completed and its start and end in the line.
typedef char **(*pprof_completion_fn)(const char *text, int start, int end);

/// Names the program for ~/.editrc, sets the word breaks the shell's completer uses,
/// keeps at most `history_max` history entries and turns off filename completion as
/// the fallback when the shell's completer offers nothing.
static inline void pprof_el_initialize(const char *name, const char *word_breaks, int history_max) {
    rl_readline_name = name;
    rl_initialize();
    rl_completer_word_break_characters = (char *)word_breaks;
    rl_basic_word_break_characters = word_breaks;
    if (history_max > 0) stifle_history(history_max);
}

/// Installs (or with NULL removes) the completion callback.
static inline void pprof_el_set_completer(pprof_completion_fn fn) {
    rl_attempted_completion_function = fn;
}

/// Called from inside the completion callback: no filename completion afterwards, and the
/// character appended after a single match (0 for none).
static inline void pprof_el_completion_settings(int append_character) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = append_character;
}

/// The whole line being edited (valid inside the completion callback).
static inline const char *pprof_el_line_buffer(void) { return rl_line_buffer; }

/// The cursor position in the line being edited.
static inline int pprof_el_point(void) { return rl_point; }

/// Whether libedit restores the terminal and re-raises signals it receives while reading.
static inline void pprof_el_catch_signals(int on) { rl_catch_signals = on; }

/// A NULL-terminated array of `count` + 1 strings, for a completion callback to fill.
static inline char **pprof_el_alloc_matches(int count) {
    return (char **)calloc((size_t)count + 2, sizeof(char *));
}

#endif
