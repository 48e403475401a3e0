/*
 * analysis - one run of the pipeline: changed files → documents → rule
 * matches → filtered, suppressed findings in a pg_result.
 *
 * It owns the order of the stages and nothing else: the git stage finds the
 * files, the lang stage parses them, the rules engine matches them, and the
 * later stages (tests, coverage, stakes) add their findings to the same
 * result. Files are analysed in parallel, one worker per core, each with its
 * own parser (and query cursor, for PG_ENGINE_TSQUERY); results are merged
 * in path order, so output is deterministic whatever the scheduling.
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
	pg_globset *test_sets[8]; /* the same compiled, where the owner made them
				     (pg_config_path_filter), else NULL */
} pg_path_filter;

/* pg_worker - what a worker thread lends a file visitor: its parser and
 * query cursor, and repository reads serialised with the other workers. */
typedef struct pg_worker pg_worker;
TSParser *pg_worker_parser(pg_worker *w);
TSQueryCursor *pg_worker_cursor(pg_worker *w);
/* A blob of the repository (owned), or NULL when it is absent (zero id),
 * larger than the run's max_file_size, unreadable or binary (a NUL in its
 * first 8000 bytes). */
char *pg_worker_read_blob(pg_worker *w, const unsigned char oid[20], size_t *len);
/* The worker's own handle on the run's repository (for this thread only),
 * or NULL when it has none. */
struct pg_repo *pg_worker_repo(pg_worker *w);
/* The new side of the file the worker is done with (in a `done` callback):
 * its content when still loaded, else read as pg_worker_read_blob does.
 * Borrowed until the callback returns; NULL as pg_worker_read_blob. */
const char *pg_worker_file_text(pg_worker *w, const pg_file *f, size_t *len);
/* Did the engine's query pass (visitor rules included) run on the parse
 * being visited? */
bool pg_worker_rules_ran(const pg_worker *w);

/*
 * pg_file_visitor - a later stage's look at each file while the analysis has
 * it parsed, so that a file is read and parsed once per run, whatever the
 * number of stages that need its syntax trees.
 *   begin - before the workers start, with the final file list (may be NULL)
 *   wants - should a file the rules skip (excluded by path) still be parsed
 *           for this stage? (may be NULL: no)
 *   visit - once per parsed file (not timed out), from a worker thread after
 *           the rules ran; `index` is the file's index in r->files. Visits of
 *           different files may run at the same time: a visitor writes only
 *           to its own per-file slot.
 *   rules - the stage's own query rules (may be NULL): the caller builds the
 *           engine with them (pg_engine_new_with), so the one query pass
 *           serves the stage too; their matches go to `match` (same thread
 *           and slot rules as `visit`, before it), never into findings.
 *           pg_worker_rules_ran() tells a visit whether they ran on this
 *           parse (not for a file the rules skip).
 *   done  - once per file, visited or not, from the worker that had it,
 *           when it is done with it (may be NULL): a stage can look at a
 *           file no visit saw while still on the workers (its text:
 *           pg_worker_file_text). Same slot rules as `visit`.
 * A file that no visit saw (skipped, too large, timed out) is the stage's to
 * handle afterwards as it sees fit.
 */
typedef struct pg_file_visitor {
	void (*begin)(void *ctx, const pg_result *r);
	bool (*wants)(void *ctx, const pg_file *f);
	void (*visit)(void *ctx, size_t index, const pg_file *f, const struct pg_source *src, pg_worker *w);
	const pg_ruleset *rules;
	void (*match)(void *ctx, size_t index, const pg_file *f, const struct pg_source *src,
		      const pg_doc *doc, const pg_match *m);
	void (*done)(void *ctx, size_t index, const pg_file *f, pg_worker *w);
	void *ctx;
} pg_file_visitor;

#define PG_ANALYSIS_MAX_VISITORS 4

/*
 * pg_analysis_opts - what to analyse and how.
 *   filter          - which findings are in scope
 *   max_file_size   - larger files are skipped and listed (bytes)
 *   parse_timeout_us - per-file parse budget; a timeout is "not analysed"
 *   deadline_us     - absolute pg_time_usec() deadline for the run (0: none)
 *   jobs            - worker threads (0: one per core)
 *   max_findings_per_file - the rest are summarised in one note
 *   visitors        - later stages handed each file's parse (borrowed)
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
	/* later stages that share each file's parse (see pg_file_visitor) */
	const pg_file_visitor *visitors[PG_ANALYSIS_MAX_VISITORS];
	size_t nvisitors;
} pg_analysis_opts;

void pg_analysis_opts_init(pg_analysis_opts *o);
/* The threads a run uses: opts->jobs, or one per core (1 to 64). */
int pg_analysis_jobs(const pg_analysis_opts *opts);

/* Collect the files of `range` into r->files (pg_repo_diff, or the whole head
 * tree for PG_FILTER_ALL) and apply the path filters: the first half of
 * pg_analysis_run, which needs no engine (the engine can be built
 * meanwhile). */
int pg_analysis_collect(struct pg_repo *repo, const pg_range *range, const pg_analysis_opts *opts,
			pg_result *r);

/* pg_analysis_collect, then analyse each file. Builtin rules (suppression
 * notes, limits) are looked up in `rules`. */
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
