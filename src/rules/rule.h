/*
 * rule - one rule, as loaded from a YAML file, and the set of all rules.
 *
 * A rule is data: metadata plus a tree-sitter query. Rules whose findings
 * come from C code (the tests, coverage and stakes stages) have no query;
 * they are still YAML files, so `rules list` and `explain` cover them too.
 *
 * Ownership: a pg_ruleset owns its rules and every string in them. Rules
 * are immutable after loading and shared read-only by worker threads.
 */
#ifndef PG_RULE_H
#define PG_RULE_H

#include "model/model.h"

typedef enum pg_rule_category {
	PG_CAT_SECURITY,
	PG_CAT_ROBUSTNESS,
	PG_CAT_TESTS,
	PG_CAT_MAINTAINABILITY,
	PG_CAT_AI_SMELL,
	PG_CAT__COUNT
} pg_rule_category;

const char *pg_category_name(pg_rule_category c);

/*
 * pg_rule - one rule.
 *   id          - "lang/category/name"
 *   language    - language name from the language table ("rust", "javascript",
 *                 "html"), or "any" for rules without a query
 *   severity, category
 *   message     - may contain {{capture}} placeholders
 *   explain     - plain-language explanation for a non-expert
 *   references  - NULL-terminated array
 *   fix         - replacement template for the @match capture, or NULL
 *   query       - tree-sitter query source, or NULL for built-in rules
 *   include/exclude - NULL-terminated path globs, or NULL
 *   in_tests    - whether the rule applies inside test code
 *   source      - where it came from ("rules/rust/unwrap.yml" or "<embedded>/...")
 *   query_line  - 1-based line in `source` where the query text starts
 *   enabled     - false when configuration disabled it
 *   shipped     - part of prgate (the embedded packs, the stakes signals):
 *                 its queries were checked by the test suite, so loading it
 *                 skips libtree-sitter's check of the pattern structure
 */
typedef struct pg_rule {
	char *id;
	char *language;
	pg_severity severity;
	pg_rule_category category;
	char *message;
	char *explain;
	char **references;
	char *fix;
	char *query;
	char **include;
	char **exclude;
	bool in_tests;
	char *source;
	uint32_t query_line;
	uint32_t query_column;
	bool enabled;
	bool shipped;
} pg_rule;

typedef struct pg_ruleset {
	pg_vec rules; /* pg_rule * (pointers, so they never move) */
} pg_ruleset;

void pg_ruleset_init(pg_ruleset *rs);
void pg_ruleset_dispose(pg_ruleset *rs);

/* Load one rule from YAML text. `source` names it in errors. On failure
 * returns PG_ECONFIG with "source:line:col: message" set. */
int pg_rule_parse(pg_rule **out, const char *source, const char *text, size_t len);
void pg_rule_free(pg_rule *r);

/* Add the rules compiled into the binary. */
int pg_ruleset_add_embedded(pg_ruleset *rs);
/* Add every *.yml / *.yaml file below `dir` (recursively, sorted). Bad files
 * are reported through `on_error` (file:line:col message) and skipped, so one
 * bad rule does not hide the others; returns the number of bad files. */
int pg_ruleset_add_dir(pg_ruleset *rs, const char *dir,
		       void (*on_error)(void *ctx, const char *msg), void *ctx);
/* Take ownership of `r`. Fails with PG_ECONFIG when the id is already used. */
int pg_ruleset_add(pg_ruleset *rs, pg_rule *r);
/* Move every rule of `from` into `into`; a rule whose id already exists in
 * `into` replaces it (a user's rule directory overrides an embedded rule).
 * `from` is left empty. */
void pg_ruleset_merge(pg_ruleset *into, pg_ruleset *from);
/* Find a rule by id (borrowed), or NULL. */
const pg_rule *pg_ruleset_find(const pg_ruleset *rs, const char *id);
/* Count rules by language name. */
size_t pg_ruleset_count(const pg_ruleset *rs, const char *language);

#define PG_RULESET_AT(rs, i) (*PG_VEC_AT(&(rs)->rules, pg_rule *, i))

#endif
