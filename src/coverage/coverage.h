/*
 * coverage - the test-coverage gate: changed code without tests, weakened
 * tests, and diff coverage from real coverage reports.
 *
 * It runs after the rules, on the files the git stage found, in stages (one
 * file each):
 *   functions.c        the changed-function map: functions and methods whose
 *                      span holds added lines (Rust, JavaScript, scripts in
 *                      HTML), with name, kind, lines, new/modified, public
 *   tests_map.c        which of them a test mentions by name, searched in
 *                      the head commit's tree through libgit2 (never the work
 *                      tree) within a time bound; "code changed, no test
 *                      changed"; snapshot files rewritten with their code
 *   mentions.c         the mentions cache: what each blob of the head tree
 *                      can mention, by blob id, in the git dir across runs
 *   weakened.c         base and head syntax trees of changed test code
 *                      compared: skipped/ignored/focused tests, assertions
 *                      removed, tests deleted, should_panic added, numeric
 *                      thresholds lowered in test or coverage configuration
 *   report_lcov.c, report_istanbul.c, report_llvm.c
 *                      coverage report parsers into one line-hit table
 *   diffcov.c          covered / executable over added lines, per file and
 *                      overall, uncovered ranges, uncovered functions
 *
 * Test code is recognised by the language table (src/lang): each row's test
 * path globs (or the configured ones in pg_analysis_opts) and its in_test
 * hook (#[test]-style attributes and #[cfg(test)] modules in Rust; describe/
 * it/test blocks in JavaScript). Nothing here repeats those rules.
 *
 * Invariants: report parsers are bounded (file size, line length, line
 * numbers) and never trust their input: a malformed report is PG_ECONFIG with
 * "file:line: message" (JSON: "file:line:column: message" for syntax,
 * "file: at PATH: message" for structure). Nothing here prints or exits.
 *
 * Ownership: pg_coverage_run() attaches a pg_coverage_summary to the result
 * (r->coverage, freed by r->coverage_free); its paths are borrowed from the
 * result's pg_files, everything else is owned by the summary.
 */
#ifndef PG_COVERAGE_H
#define PG_COVERAGE_H

#include "model/model.h"
#include "rules/rule.h"
#include "analysis/analysis.h"

struct pg_repo;

/*
 * pg_changed_fn - one function or method whose span holds added lines.
 *   path       - borrowed from the pg_file
 *   name       - owned
 *   kind       - static: "function", "method", "arrow function", ...
 *   start_line, end_line - its span in the head file (1-based, inclusive)
 *   is_new     - no function of that name existed in the base file
 *   is_public  - `pub` in Rust; exported in JavaScript
 *   is_test    - it is test code itself
 *   tested     - 1: a test mentions it; 0: none does; -1: not searched
 *                (not public, test code, or the time bound was hit)
 *   covered, executable - added lines in its span with coverage data
 */
typedef struct pg_changed_fn {
	const char *path;
	char *name;
	const char *kind;
	uint32_t start_line, end_line;
	bool is_new;
	bool is_public;
	bool is_test;
	int tested;
	uint32_t covered, executable;
} pg_changed_fn;

/*
 * pg_cov_file - diff coverage of one changed file.
 *   path       - borrowed from the pg_file
 *   has_data   - some report has data for the file
 *   covered, executable - over its added lines
 *   uncovered  - owned, maximal runs of uncovered added lines (runs join
 *                across lines without data)
 */
typedef struct pg_cov_file {
	const char *path;
	bool has_data;
	uint32_t covered, executable;
	pg_line_range *uncovered;
	size_t uncovered_count;
} pg_cov_file;

/*
 * pg_coverage_summary - what the stage attaches to a result.
 *   functions  - pg_changed_fn, in path and line order
 *   reports    - the report paths read (borrowed from argv), in order
 *   files      - pg_cov_file, one per changed source file (only with reports)
 *   covered, executable - overall
 *   min_percent - the --min-diff-coverage threshold, or < 0
 *   below_min  - a threshold was given and the diff coverage is below it
 *   search_incomplete - the time bound stopped the search for tests
 *   search_files, search_cached, search_read - files of the head tree the
 *                search looked at, answered by the mentions cache, read
 *   cache_warning - owned, or NULL: the mentions cache file was unusable
 *                (one line naming it; the search ran without it)
 */
typedef struct pg_coverage_summary {
	pg_vec functions;
	const char *const *reports;
	size_t nreports;
	pg_vec files;
	uint32_t covered, executable;
	double min_percent;
	bool below_min;
	bool search_incomplete;
	size_t search_files, search_cached, search_read;
	char *cache_warning;
} pg_coverage_summary;

/*
 * pg_coverage_opts - what the stage does.
 *   reports, nreports - --coverage files (borrowed)
 *   min_percent - --min-diff-coverage, or < 0
 *   search_budget_us - time bound for the search for tests (0: 10 seconds)
 *   no_cache   - do not read or write the mentions cache (--no-cache)
 */
typedef struct pg_coverage_opts {
	const char *const *reports;
	size_t nreports;
	double min_percent;
	uint64_t search_budget_us;
	bool no_cache;
} pg_coverage_opts;

/*
 * pg_coverage_stage - the stage across one run. Created before the analysis
 * (a bad report is PG_ECONFIG before any work), its visitor goes into the
 * analysis options so each changed file's parse is shared; finished after
 * the analysis (files no visit saw are read and parsed then). `repo`,
 * `rules` and `aopts` are borrowed until the stage is freed; `opts` is
 * copied (its report paths are borrowed).
 */
typedef struct pg_coverage_stage pg_coverage_stage;
int pg_coverage_stage_new(pg_coverage_stage **out, struct pg_repo *repo, const pg_ruleset *rules,
			  const pg_analysis_opts *aopts, const pg_coverage_opts *opts);
const pg_file_visitor *pg_coverage_stage_visitor(pg_coverage_stage *s);
/* As pg_coverage_run() below, on the result the analysis filled. */
int pg_coverage_stage_finish(pg_coverage_stage *s, pg_result *r);
void pg_coverage_stage_free(pg_coverage_stage *s);

/* Run the stage on a result the analysis filled: adds findings of category
 * tests through the builtin rules in `rules` (severities honour
 * aopts->severity_override) and attaches the summary. A threshold
 * without reports is ignored. Returns 0, or PG_ECONFIG for a malformed
 * report (message set). */
int pg_coverage_run(struct pg_repo *repo, const pg_ruleset *rules, const pg_analysis_opts *aopts,
		    const pg_coverage_opts *opts, pg_result *r);

/* After pg_result_finish(): fail the gate when the diff coverage is below
 * the threshold. */
void pg_coverage_apply_gate(pg_result *r);

/* Percent of covered over executable (100 when nothing is executable). */
double pg_coverage_percent(uint32_t covered, uint32_t executable);

void pg_coverage_summary_free(void *summary);

/*
 * pg_covdata - line hits from coverage reports, merged.
 * A record is one file of one report; the same path may have several
 * records (several reports); lookups take the maximum hit count per line.
 */
typedef struct pg_cov_line {
	uint32_t line;
	uint64_t hits;
} pg_cov_line;

typedef struct pg_cov_record {
	char *path; /* owned, as the report wrote it */
	pg_vec lines; /* pg_cov_line */
} pg_cov_record;

typedef struct pg_covdata {
	pg_vec records; /* pg_cov_record */
} pg_covdata;

void pg_covdata_init(pg_covdata *d);
void pg_covdata_dispose(pg_covdata *d);

/* Read a report file (lcov, Istanbul JSON or llvm-cov export JSON, told
 * apart by content) into `d`. PG_ECONFIG with the location on bad input. */
int pg_covdata_load(pg_covdata *d, const char *file);
/* Parse from memory; `name` is used in error messages. */
int pg_covdata_parse(pg_covdata *d, const char *name, const char *text, size_t len);

/* Normalise a report's path against the repository root (`root` ends in
 * '/', may be NULL): Windows separators, "./" prefixes and "." segments,
 * and the root prefix of absolute paths go. Owned. */
char *pg_coverage_normalize_path(const char *path, const char *root);

/* Hits of the 1-based lines of `path` (repository-relative) over all records:
 * *out (owned, `nlines` + 1 entries, index = line) holds -1 for no data, else
 * the maximum hit count. Records whose normalised path is not `path` but an
 * absolute path ending in "/path" also match. Returns whether any record
 * matched. */
bool pg_covdata_lookup(const pg_covdata *d, const char *root, const char *path, uint32_t nlines,
		       int64_t **out);

#endif
