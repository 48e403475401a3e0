/*
 * analysis - one run of the pipeline: changed files → documents → rule
 * matches → filtered, suppressed findings in a pg_result.
 *
 * It owns the order of the stages and nothing else: the git stage finds the
 * files, the lang stage parses them, the rules engine matches them, and the
 * later stages (tests, coverage, stakes) add their findings to the same
 * result. Files are analysed in parallel, one worker per core, each with its
 * own parser and query cursor; results are merged in path order, so output
 * is deterministic whatever the scheduling.
 */
#ifndef PG_ANALYSIS_H
#define PG_ANALYSIS_H

#include "model/model.h"
#include "rules/engine.h"

struct pg_repo;

typedef enum pg_filter {
	PG_FILTER_ADDED,   /* the finding overlaps an added line (default) */
	PG_FILTER_CONTEXT, /* within 3 lines of an added line */
	PG_FILTER_FILE,    /* anywhere in a changed file */
	PG_FILTER_ALL      /* every file of the head commit */
} pg_filter;

const char *pg_filter_name(pg_filter f);
int pg_filter_parse(const char *s, pg_filter *out);

/* Path filters applied before any parsing. */
typedef struct pg_path_filter {
	char **include; /* NULL-terminated globs; NULL: everything */
	char **exclude; /* NULL-terminated globs */
	char **test_paths[8]; /* per language index in pg_languages: extra test globs */
} pg_path_filter;

/*
 * pg_analysis_opts - what to analyse and how.
 *   filter          - which findings are in scope
 *   max_file_size   - larger files are skipped and listed (bytes)
 *   parse_timeout_us - per-file parse budget; a timeout is "not analysed"
 *   deadline_us     - absolute pg_time_usec() deadline for the run (0: none)
 *   jobs            - worker threads (0: one per core)
 *   max_findings_per_file - the rest are summarised in one note
 *   severity_override - callback giving a configured severity for a rule id
 *                   (or -1), may be NULL
 */
typedef struct pg_analysis_opts {
	pg_filter filter;
	size_t max_file_size;
	uint64_t parse_timeout_us;
	uint64_t deadline_us;
	int jobs;
	uint32_t max_findings_per_file;
	const pg_path_filter *paths;
	int (*severity_override)(void *ctx, const char *rule_id);
	void *override_ctx;
	/* called after each file with files done and the total, serialised
	 * (never two calls at once), from worker threads; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} pg_analysis_opts;

void pg_analysis_opts_init(pg_analysis_opts *o);

/* Collect the files of `range` into r->files (pg_repo_diff, or the whole head
 * tree for PG_FILTER_ALL), apply the path filters, and analyse each. Builtin
 * rules (suppression notes, limits) are looked up in `rules`. */
int pg_analysis_run(struct pg_repo *repo, const pg_range *range, const pg_ruleset *rules,
		    const pg_engine *engine, const pg_analysis_opts *opts, pg_result *r);

/* Analyse the files already in r->files whose content is loaded (used by
 * `rules test` on example files, where every line is in scope). */
int pg_analysis_run_files(struct pg_repo *repo, const pg_ruleset *rules, const pg_engine *engine,
			  const pg_analysis_opts *opts, pg_result *r);

/* Is `path` test code by the language's default test globs (or configured
 * ones)? */
bool pg_analysis_is_test_path(const pg_analysis_opts *opts, const char *path);

/* Add a finding for a builtin rule by id; message is copied. Does nothing
 * when the rule is unknown or disabled. Used by the tests/coverage/stakes
 * stages. */
pg_finding *pg_result_add_builtin(pg_result *r, const pg_ruleset *rules, const char *rule_id,
				  const char *path, uint32_t line, uint32_t end_line,
				  const char *message);

#endif
