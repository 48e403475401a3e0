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
/* PG_COV_SCAN_VERSION - the version of what pg_cov_test_idents finds and of
 * pg_cov_ident_hash. It is part of the mentions cache's key: bump it with
 * any change to either (markers, identifier characters, the hash), or old
 * caches would answer for the old scan. */
#define PG_COV_SCAN_VERSION 1
/* tests_map.c: the 64-bit hash of an identifier, as the cache stores it. */
uint64_t pg_cov_ident_hash(const char *s, size_t n);
/* tests_map.c: the hashes of every identifier pg_cov_test_idents finds in
 * `text`, sorted and distinct: *out is owned (NULL when *count is 0). */
void pg_cov_mention_hashes(const char *text, size_t len, bool test_file, uint64_t **out, size_t *count);
/* tests_map.c: the slot's idents from the head file's text. */
void pg_cov_collect_idents(cov_ctx *c, const pg_file *f, const char *text, size_t len, cov_slot *slot);
/* tests_map.c: untested public functions, no test changed, snapshots. */
int pg_cov_tests(cov_ctx *c);
/* weakened.c: does the file's tests need comparing (and its base parsed)? */
bool pg_cov_units_wanted(const pg_file *f);
/* weakened.c: the tests of a parsed file (NULL: none) into `units`, with
 * their assertions counted when `asserts` (the counts are only compared
 * with the other side's: a file without a base side needs none). */
void pg_cov_units_init(pg_vec *units);
void pg_cov_units_collect(const pg_source *src, pg_vec *units, bool asserts);
void pg_cov_units_dispose(pg_vec *units);
/* weakened.c: weakened tests and lowered thresholds. */
int pg_cov_weakened(cov_ctx *c);
/* diffcov.c: diff coverage from merged report data. */
int pg_cov_diff(cov_ctx *c, const pg_covdata *d);

/*
 * cov_mentions - the mentions cache (mentions.c): for each blob a search for
 * tests read, keyed by (blob id, whether its path was a test path), the
 * sorted hashes of pg_cov_mention_hashes, kept in a file across runs so a
 * blob is read once, not once per run. Not thread-safe (the search is one
 * walk on one thread).
 *
 * cov_mention - what the cache knows of one blob (a view, valid until the
 * cache is freed).
 *   size    - the blob's size in bytes; when not scanned, a lower bound
 *   scanned - the blob was read; false: it was over the size limit then
 *   hashes, count - sorted, distinct (none when not scanned, or binary)
 *   entry   - the cache's own: which entry (pg_cov_mentions_mark)
 */
typedef struct cov_mentions cov_mentions;
typedef struct cov_mention {
	uint64_t size;
	bool scanned;
	const uint64_t *hashes;
	size_t count;
	size_t entry;
} cov_mention;

/* Open the cache file at `path` (NULL: a cache in memory only, nothing is
 * read or written). A missing file is an empty cache; so is one that is
 * unreadable, corrupt, truncated, or written by another prgate or scan
 * version: then *warning (owned, NULL when there is nothing to say; not set
 * for another version, which is expected after an upgrade) names the file
 * and the reason. Never fails. */
cov_mentions *pg_cov_mentions_open(const char *path, char **warning);
/* The entry of (oid, test_file), or false. Marks it seen by this run. */
bool pg_cov_mentions_get(cov_mentions *m, const unsigned char oid[20], bool test_file, cov_mention *out);
/* The same without marking it (writes nothing: threads may peek at once,
 * while nobody gets or puts). */
bool pg_cov_mentions_peek(const cov_mentions *m, const unsigned char oid[20], bool test_file, cov_mention *out);
/* Mark what a peek found as get would have: peek, then mark once the blob
 * is looked at, is one search, not two. */
void pg_cov_mentions_mark(cov_mentions *m, const cov_mention *e);
/* Record what this run found for a blob; `hashes` (may be NULL) is taken. */
void pg_cov_mentions_put(cov_mentions *m, const unsigned char oid[20], bool test_file, uint64_t size, bool scanned,
			 uint64_t *hashes, size_t count);
/* Write the file when this run added entries: those, the entries it looked
 * up, and older ones whose blob `exists` (may be NULL: all) up to the bound
 * in mentions.c. Best effort: returns -1 when the file could not be written
 * (a read-only git dir), and leaves any old file untouched then. */
int pg_cov_mentions_save(cov_mentions *m, bool (*exists)(void *ctx, const unsigned char oid[20]), void *ctx);
void pg_cov_mentions_free(cov_mentions *m);

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
/* The base side of a changed file: reparsed from head's tree by f's hunks
 * when it has them (pg_source_parse_from), else parsed whole. */
void pg_cov_parse_from(cov_ctx *c, TSParser *parser, pg_source *src, const char *path, const char *text,
		       size_t len, const pg_lang *lang, const pg_source *head, const pg_file *f);
/* A document-local copy of a node's text (owned). */
char *pg_cov_node_text(const pg_doc *doc, TSNode n);
/* Does a test-path glob of the path's language match? */
bool pg_cov_is_test_path(const cov_ctx *c, const char *path);

#endif
