/*
 * cov_internal - what the coverage stages share. Private to src/coverage/.
 *
 * cov_ctx   - one run of the stage: borrowed inputs, the summary being
 *             filled, one parser, and per-file facts functions.c finds
 *             (test and code lines added) for tests_map.c.
 */
#ifndef PG_COV_INTERNAL_H
#define PG_COV_INTERNAL_H

#include "coverage.h"
#include "lang/lang.h"

/* cov_filefacts - what one changed source file adds. */
typedef struct cov_filefacts {
	const pg_file *file;
	uint32_t code_lines;      /* added lines of non-test code (not blank, not comment) */
	uint32_t first_code_line; /* the first of them, or 0 */
	uint32_t test_lines;      /* added lines inside test code */
} cov_filefacts;

typedef struct cov_ctx {
	struct pg_repo *repo;
	const pg_ruleset *rules;
	const pg_analysis_opts *aopts;
	const pg_coverage_opts *opts;
	pg_result *r;
	pg_coverage_summary *sum;
	TSParser *parser;
	pg_vec facts; /* cov_filefacts */
} cov_ctx;

/* functions.c: fill sum->functions and ctx->facts. */
int pg_cov_functions(cov_ctx *c);
/* tests_map.c: untested public functions, no test changed, snapshots. */
int pg_cov_tests(cov_ctx *c);
/* weakened.c: weakened tests and lowered thresholds. */
int pg_cov_weakened(cov_ctx *c);
/* diffcov.c: diff coverage from merged report data. */
int pg_cov_diff(cov_ctx *c, const pg_covdata *d);

/* Add a finding of builtin rule `rule_id` (message copied, context may be
 * NULL) with the configured severity. */
void pg_cov_finding(cov_ctx *c, const char *rule_id, const char *path, uint32_t line,
		    uint32_t end_line, const char *context, const char *message);
/* Read a blob (NULL when absent, too large or binary). */
char *pg_cov_read_blob(cov_ctx *c, const unsigned char oid[20], size_t *len);
/* Parse `text`; doc->in_test of every document set from the test globs. */
void pg_cov_parse(cov_ctx *c, pg_source *src, const char *path, const char *text, size_t len,
		  const pg_lang *lang);
/* A document-local copy of a node's text (owned). */
char *pg_cov_node_text(const pg_doc *doc, TSNode n);
/* Does a test-path glob of the path's language match? */
bool pg_cov_is_test_path(const cov_ctx *c, const char *path);

#endif
