/*
 * ruletest - rule self-tests from annotated example files.
 *
 * Next to rules/js/security/eval.yml live its examples: any file in the same
 * folder named eval.<ext> or eval.<anything>.<ext> in a supported language.
 * In an example, a comment line
 *     // ruleid: js/security/eval        (or <!-- ruleid: ... --> in HTML)
 * says the next non-annotation line must be flagged by that rule, and
 *     // ok: js/security/eval
 * says it must not. A finding of the example's own rule on a line that no
 * `ruleid` names is also a failure. A rule with fewer than min_examples
 * positive or negative annotations fails.
 */
#ifndef PG_RULETEST_H
#define PG_RULETEST_H

#include "util/util.h"

typedef struct pg_ruletest_summary {
	uint32_t rules;      /* rules with a query */
	uint32_t examples;   /* example files */
	uint32_t checks;     /* annotations checked */
	uint32_t passed;
	uint32_t failed;     /* failed checks, unexpected findings and rule-level failures */
} pg_ruletest_summary;

/* Run every rule under `dir`. Each failure is reported through `on_fail`
 * as "file:line: message". Returns 0 (the summary says whether it passed)
 * or a negative error when the directory cannot be read. */
int pg_ruletest_run(const char *dir, uint32_t min_examples,
		    void (*on_fail)(void *ctx, const char *msg), void *ctx,
		    pg_ruletest_summary *out);

#endif
