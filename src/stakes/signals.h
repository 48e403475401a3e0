/*
 * signals - the table of stakes signals (private to src/stakes/).
 *
 * Each row is one pattern and what it means. The classifier (stakes.c) is the
 * only consumer; adding a signal is adding a row.
 *
 * pg_signal_row - one signal pattern.
 *   id       - "destructive/rust-fs-remove": unique, for tests and docs
 *   kind     - see pg_stakes_signal
 *   tier     - the tier a match raises its file to (LOW: a lowering row)
 *   match    - how `pattern` is applied:
 *              SIG_QUERY  tree-sitter query in `language` (captures go into
 *                         {{name}} of reason/hint; @match is the node)
 *              SIG_LINE   PCRE2 regex over each added line ({{1}} is the
 *                         first group); with `section`, only lines after a
 *                         line matching `section` and before one matching
 *                         `section_end`
 *              SIG_PATH   the file's path matches one of `paths` (pattern
 *                         unused)
 *              SIG_HEAD   PCRE2 regex over the first 2 KiB of the file
 *   language - for SIG_QUERY: a language name from the language table
 *   paths    - '|'-separated globs the row is limited to (NULL: any path)
 *   reason   - plain sentence shown to the reviewer
 *   hint     - how-to-exercise template, or NULL
 */
#ifndef PG_SIGNALS_H
#define PG_SIGNALS_H

#include "stakes/stakes.h"

typedef enum pg_signal_match { SIG_QUERY, SIG_LINE, SIG_PATH, SIG_HEAD } pg_signal_match;

typedef struct pg_signal_row {
	const char *id;
	const char *kind;
	pg_stakes_tier tier;
	pg_signal_match match;
	const char *language;
	const char *paths;
	const char *pattern;
	const char *section;
	const char *section_end;
	const char *reason;
	const char *hint;
} pg_signal_row;

extern const pg_signal_row pg_signal_rows[];
extern const size_t pg_signal_row_count;

/* Kinds in reporting order (ties within a tier are broken by this order). */
extern const char *const pg_signal_kinds[];
/* Position of `kind` in pg_signal_kinds. */
size_t pg_signal_kind_rank(const char *kind);

#endif
