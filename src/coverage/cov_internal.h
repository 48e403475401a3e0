/*
 * cov_internal - what the coverage stages share. Private to src/coverage/.
 *
 * cov_ctx   - one run of the stage (pg_coverage_stage): borrowed inputs,
 *             the summary being filled, one slot per file for what the look
 *             at the file found (during the analysis, see pg_file_visitor),
 *             and per-file facts functions.c finds (test and code lines
 *             added) for tests_map.c.
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

/* cov_slot - what one file's look found (slots[i] is r->files[i]), filled
 * by a worker's visit during the analysis or by the stage for files no
 * visit saw.
 *   seen        - the look was made (everything below is known)
 *   fns         - pg_changed_fn of the file, in line order
 *   facts       - its added lines (has_facts: they were classified)
 *   base_units, head_units - tests of the base and head file (weakened.c)
 *   head_lines  - lines of the head file
 *   idents      - the identifiers of the head file that can mention a
 *                 function in test code (pg_cov_test_idents), each once,
 *                 NUL-separated; idents_known: collected (the search for
 *                 tests does not read the file again) */
typedef struct cov_slot {
	bool seen;
	pg_vec fns;
	bool has_facts;
	cov_filefacts facts;
	pg_vec base_units, head_units;
	uint32_t head_lines;
	bool idents_known;
	pg_buf idents;
} cov_slot;

/* cov_io - how a look reads blobs and parses: the analysis worker's during a
 * visit, or the stage's own afterwards. */
typedef struct cov_io {
	char *(*read)(void *ctx, const unsigned char oid[20], size_t *len);
	void *ctx;
	TSParser *parser;
} cov_io;

struct pg_coverage_stage {
	struct pg_repo *repo;
	const pg_ruleset *rules;
	const pg_analysis_opts *aopts;
	const pg_coverage_opts *opts;
	pg_coverage_opts opts_copy;
	pg_result *r;
	pg_coverage_summary *sum;
	TSParser *parser;
	pg_vec facts; /* cov_filefacts */
	cov_slot *slots;
	size_t nslots;
	pg_covdata data;
	pg_file_visitor visitor;
};
typedef struct pg_coverage_stage cov_ctx;

/* functions.c: does the file get a changed-function map? */
bool pg_cov_functions_wanted(const pg_file *f);
/* functions.c: the file's changed functions and added-line facts into the
 * slot, from its head parse and (modified files) the base parse or NULL. */
void pg_cov_functions_look(cov_ctx *c, const pg_file *f, const pg_source *head, const pg_source *base,
			   cov_slot *slot);
/* functions.c: fill sum->functions and ctx->facts from the slots. */
int pg_cov_functions(cov_ctx *c);
/* tests_map.c: call on_ident for each identifier of `text` that may mention
 * a function in test code: all of a test file; in any other file those at
 * or after its first test marker (#[test], #[cfg(test)], describe(, it(,
 * ...). Stops when on_ident returns true. */
void pg_cov_test_idents(const char *text, size_t len, bool test_file,
			bool (*on_ident)(void *ctx, const char *s, size_t n), void *ctx);
/* tests_map.c: the slot's idents from the head file's text. */
void pg_cov_collect_idents(cov_ctx *c, const pg_file *f, const char *text, size_t len, cov_slot *slot);
/* tests_map.c: untested public functions, no test changed, snapshots. */
int pg_cov_tests(cov_ctx *c);
/* weakened.c: does the file's tests need comparing (and its base parsed)? */
bool pg_cov_units_wanted(const pg_file *f);
/* weakened.c: the tests of a parsed file (NULL: none) into `units`. */
void pg_cov_units_init(pg_vec *units);
void pg_cov_units_collect(const pg_source *src, pg_vec *units);
void pg_cov_units_dispose(pg_vec *units);
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
/* Parse `text` with `parser`; every document is test code when the path is a
 * test path. */
void pg_cov_parse(cov_ctx *c, TSParser *parser, pg_source *src, const char *path, const char *text,
		  size_t len, const pg_lang *lang);
/* A document-local copy of a node's text (owned). */
char *pg_cov_node_text(const pg_doc *doc, TSNode n);
/* Does a test-path glob of the path's language match? */
bool pg_cov_is_test_path(const cov_ctx *c, const char *path);

#endif
