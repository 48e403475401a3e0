/*
 * run - the pipeline that `check` and `review` share: open the repository,
 * resolve the range, read the configuration, load rules, analyse, run the
 * later stages (tests, coverage, stakes), and decide the gate.
 *
 * Commands own only what differs: where the output goes (check: stdout or
 * --output; review: GitHub). Both accept the options in PG_RUN_LONGOPTS and
 * hand them to pg_run_option(), so a flag means the same in both.
 *
 * Ownership: pg_run owns the repository, rules, engine and result until
 * pg_run_dispose(); a pg_run_opts borrows its strings from argv.
 */
#ifndef PG_RUN_H
#define PG_RUN_H

#include "cli.h"
#include "analysis/analysis.h"
#include "git/git.h"
#include "config/config.h"

#include <getopt.h>

#define PG_RUN_MAX_LIST 32

typedef struct pg_run_opts {
	const char *range_spec; /* NULL: the default range */
	const pg_range *range;  /* already resolved (the pre-push hook), or NULL;
				 * borrowed, copied by pg_run_execute */
	bool staged;
	pg_analysis_opts analysis;
	char *rule_dirs[PG_RUN_MAX_LIST];
	size_t nrule_dirs;
	bool no_default_rules;
	pg_severity fail_level;
	bool fail_level_set; /* given on the command line (wins over config) */
	bool filter_set;
	bool max_file_size_set;
	char *coverage_files[PG_RUN_MAX_LIST];
	size_t ncoverage_files;
	double min_diff_coverage; /* < 0: no coverage gate */
	const char *config_path;  /* --config FILE; NULL: .prgate.yml at the root */
	bool config_from_base;    /* review: read the config from the base commit */
	bool no_config;
	bool progress;            /* show progress on stderr (the command decides:
				   * a TTY and not --quiet) for runs of many files */
	const char *agent_cmd;    /* --agent-cmd CMD: advisory brief to a command, or NULL */
	bool no_cache;            /* --no-cache: no mentions cache in the git dir */
} pg_run_opts;

#define PG_RUN_STAGES 5

typedef struct pg_run {
	pg_repo *repo;
	pg_ruleset rules;
	pg_engine *engine;
	pg_result result;
	char *notice;      /* the "range chosen for you" line, or NULL */
	int bad_rules;     /* rule files or queries that could not be loaded */
	pg_config config;  /* .prgate.yml as read (defaults when there is none) */
	pg_run_opts opts;  /* the caller's options with the config applied: what
			    * later stages (coverage, stakes) must read */
	uint64_t progress_shown; /* pg_time_usec() of the last progress line */
	struct pg_coverage_stage *coverage; /* the later stages, which look at */
	struct pg_stakes_stage *stakes;     /* each file during the analysis */
	uint64_t started_us;                /* pg_time_usec() at the start */
	uint64_t stage_us[PG_RUN_STAGES];   /* wall time of each stage (-v) */
} pg_run;

/* The stages whose wall time -v prints (pg_run_print_timings); the
 * caller's own steps after pg_run_execute (the report) go to the last. */
enum { PG_STAGE_SETUP, PG_STAGE_ANALYSIS, PG_STAGE_TESTS, PG_STAGE_STAKES, PG_STAGE_REPORT };

/* Add the time since the last mark to stage s. */
void pg_run_mark(pg_run *run, int s);
/* "prgate: time: setup 12 ms, analysis 4100 ms, ..." on stderr. */
void pg_run_print_timings(const pg_run *run);

void pg_run_opts_init(pg_run_opts *o);

/* Options shared by check and review (long options only; ids >= 1000). */
enum {
	PG_OPT_FAIL_LEVEL = 1000,
	PG_OPT_FILTER,
	PG_OPT_RULES,
	PG_OPT_NO_DEFAULT_RULES,
	PG_OPT_MAX_FILE_SIZE,
	PG_OPT_JOBS,
	PG_OPT_TIMEOUT,
	PG_OPT_COVERAGE,
	PG_OPT_MIN_DIFF_COVERAGE,
	PG_OPT_CONFIG,
	PG_OPT_NO_CONFIG,
	PG_OPT_PARSE_TIMEOUT,
	PG_OPT_QUIET,
	PG_OPT_VERBOSE,
	PG_OPT_AGENT_CMD,
	PG_OPT_NO_CACHE,
};

#define PG_RUN_LONGOPTS                                                          \
	{ "fail-level", required_argument, NULL, PG_OPT_FAIL_LEVEL },            \
	{ "filter", required_argument, NULL, PG_OPT_FILTER },                    \
	{ "rules", required_argument, NULL, PG_OPT_RULES },                      \
	{ "no-default-rules", no_argument, NULL, PG_OPT_NO_DEFAULT_RULES },      \
	{ "max-file-size", required_argument, NULL, PG_OPT_MAX_FILE_SIZE },      \
	{ "jobs", required_argument, NULL, PG_OPT_JOBS },                        \
	{ "timeout", required_argument, NULL, PG_OPT_TIMEOUT },                  \
	{ "coverage", required_argument, NULL, PG_OPT_COVERAGE },                \
	{ "min-diff-coverage", required_argument, NULL, PG_OPT_MIN_DIFF_COVERAGE }, \
	{ "config", required_argument, NULL, PG_OPT_CONFIG },                    \
	{ "no-config", no_argument, NULL, PG_OPT_NO_CONFIG },                    \
	{ "quiet", no_argument, NULL, PG_OPT_QUIET },                            \
	{ "verbose", no_argument, NULL, PG_OPT_VERBOSE },                        \
	{ "parse-timeout", required_argument, NULL, PG_OPT_PARSE_TIMEOUT },                  \
	{ "agent-cmd", required_argument, NULL, PG_OPT_AGENT_CMD },              \
	{ "no-cache", no_argument, NULL, PG_OPT_NO_CACHE }

/* The help text of the shared options (one line each). */
extern const char pg_run_options_help[];

/* Progress is shown only for runs of at least this many files. */
#define PG_RUN_PROGRESS_MIN_FILES 50

/* Handle a shared option (-j, -q and -v are PG_OPT_JOBS, PG_OPT_QUIET and
 * PG_OPT_VERBOSE). Returns 1 if handled, 0 if `c` is not a shared option,
 * or PG_EUSAGE (message set) when its value is bad. */
int pg_run_option(pg_run_opts *o, int c, const char *arg);

/* Run the pipeline. Configuration: --config FILE, else with
 * config_from_base the base commit's .prgate.yml, else the work tree's;
 * flags given on the command line win over it. On error returns a negative code with the message set;
 * what was computed so far stays in `run` for the caller to report. */
int pg_run_execute(pg_run *run, const pg_run_opts *opts);
void pg_run_dispose(pg_run *run);

/* The exit code for a finished run: 2 when rules could not be loaded,
 * 3 when files could not be read, 1 when the gate failed, else 0. */
int pg_run_exit_code(const pg_run *run);

#endif
