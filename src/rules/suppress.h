/*
 * suppress - prgate-ignore comments.
 *
 *   // prgate-ignore: rust/robustness/unwrap, js/security/eval -- reason
 *   <!-- prgate-ignore: html/security/target-blank -- links are internal -->
 *
 * A suppression in a comment (in any document of the file: Rust, HTML,
 * JavaScript inside <script>) silences the named rules on its own line and
 * on the line below it. Suppressed findings stay in the result with
 * suppressed = true. A comment that follows code on the same line covers
 * only that line (like eslint-disable-line). A bare `prgate-ignore` (no ids) silences every rule
 * there and is itself reported as a note; a suppression that silences
 * nothing is reported as unused-suppression.
 */
#ifndef PG_SUPPRESS_H
#define PG_SUPPRESS_H

#include "lang/lang.h"
#include "rules/rule.h"

/* Cheap pre-check: does the text mention prgate-ignore at all? */
bool pg_suppress_present(const char *text, size_t len);

/* One parsed suppression comment. */
typedef struct pg_suppression {
	uint32_t line;  /* 1-based line of the marker */
	char **ids;     /* NULL-terminated; empty = bare (all rules) */
	char *reason;   /* text after "--", or NULL */
	bool used;
	bool own_line_only; /* the comment follows code on its line */
} pg_suppression;

/* Parse the text that follows the "prgate-ignore" marker, up to the end
 * of the comment (end excluded). Fills ids and reason (owned). */
void pg_suppression_parse(pg_suppression *s, const char *text, size_t len);
void pg_suppression_dispose(pg_suppression *s);

/* Mark findings (a pg_vec of pg_finding for file `f`) silenced by the
 * suppression comments of `src`, and add bare/unused suppression notes for
 * comments within `slack` lines of an added line (all comments when
 * !in_changed_only). */
void pg_suppress_apply(const pg_source *src, const pg_ruleset *rules, pg_vec *findings,
		       const pg_file *f, uint32_t slack, bool in_changed_only);

#endif
