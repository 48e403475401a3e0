/* run.c - the pipeline shared by check and review. */
#include "run.h"
#include "coverage/coverage.h"
#include "report/report.h"
#include "stakes/stakes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char pg_run_options_help[] =
	"      --fail-level LVL   error (default), warning, note or none\n"
	"      --filter F         added (default), context, file or all\n"
	"      --rules DIR        also load rules from DIR (repeatable; same ids override)\n"
	"      --no-default-rules do not load the embedded rules\n"
	"      --max-file-size N  skip files larger than N bytes (default 2097152)\n"
	"  -j, --jobs N           worker threads (default: one per core)\n"
	"      --timeout SEC      total time budget; files left are listed as skipped\n"
	"      --coverage FILE    a coverage report (lcov, Istanbul JSON, llvm-cov JSON); repeatable\n"
	"      --min-diff-coverage PCT  fail the gate when added lines are less covered\n"
	"      --config FILE      read this config instead of .prgate.yml\n"
	"      --no-config        ignore .prgate.yml\n"
	"      --parse-timeout MS parse budget per file (default 5000); slower files are not analysed\n"
	"  -q, --quiet            only the findings: no code frames, footer or notices\n"
	"  -v, --verbose          say what was read and decided (range, configuration)\n"
	"                         and the time each stage took\n"
	"      --agent-cmd CMD    pipe a JSON brief to CMD (no shell); its output is advisory\n"
	"      --no-cache         do not read or write the test-mentions cache in the git dir\n";

void pg_run_opts_init(pg_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	pg_analysis_opts_init(&o->analysis);
	o->fail_level = PG_SEV_ERROR;
	o->min_diff_coverage = -1;
}

int pg_run_option(pg_run_opts *o, int c, const char *arg)
{
	long n;
	if (c == 'j' || c == 'q' || c == 'v')
		c = c == 'j' ? PG_OPT_JOBS : c == 'q' ? PG_OPT_QUIET : PG_OPT_VERBOSE;
	switch (c) {
	case PG_OPT_FAIL_LEVEL: {
		int s = pg_severity_parse(arg, true);
		if (s < 0)
			return pg_error_set(PG_EUSAGE,
					    "unknown fail level '%s' (expected error, warning, note or none)", arg);
		o->fail_level = (pg_severity)s;
		o->fail_level_set = true;
		return 1;
	}
	case PG_OPT_FILTER:
		if (pg_filter_parse(arg, &o->analysis.filter) < 0)
			return PG_EUSAGE;
		o->filter_set = true;
		return 1;
	case PG_OPT_RULES:
		if (o->nrule_dirs == PG_RUN_MAX_LIST)
			return pg_error_set(PG_EUSAGE, "too many --rules directories");
		o->rule_dirs[o->nrule_dirs++] = (char *)arg;
		return 1;
	case PG_OPT_NO_DEFAULT_RULES:
		o->no_default_rules = true;
		return 1;
	case PG_OPT_MAX_FILE_SIZE:
		if (pg_parse_long(arg, 1, 1L << 40, &n) < 0)
			return pg_error_set(PG_EUSAGE, "--max-file-size: %s", pg_error_last());
		o->analysis.max_file_size = (size_t)n;
		o->max_file_size_set = true;
		return 1;
	case PG_OPT_JOBS:
		if (pg_parse_long(arg, 1, 64, &n) < 0)
			return pg_error_set(PG_EUSAGE, "--jobs: %s", pg_error_last());
		o->analysis.jobs = (int)n;
		return 1;
	case PG_OPT_TIMEOUT:
		if (pg_parse_long(arg, 1, 86400, &n) < 0)
			return pg_error_set(PG_EUSAGE, "--timeout: %s", pg_error_last());
		o->analysis.deadline_us = pg_time_usec() + (uint64_t)n * 1000000u;
		return 1;
	case PG_OPT_COVERAGE:
		if (o->ncoverage_files == PG_RUN_MAX_LIST)
			return pg_error_set(PG_EUSAGE, "too many --coverage files");
		o->coverage_files[o->ncoverage_files++] = (char *)arg;
		return 1;
	case PG_OPT_MIN_DIFF_COVERAGE: {
		char *end;
		double v = strtod(arg, &end);
		if (end == arg || *end || v < 0 || v > 100)
			return pg_error_set(PG_EUSAGE, "--min-diff-coverage takes a percentage from 0 to 100, not '%s'", arg);
		o->min_diff_coverage = v;
		return 1;
	}
	case PG_OPT_CONFIG:
		o->config_path = arg;
		return 1;
	case PG_OPT_NO_CONFIG:
		o->no_config = true;
		return 1;
	case PG_OPT_QUIET:
		pg_globals.quiet = true;
		return 1;
	case PG_OPT_VERBOSE:
		pg_globals.verbose++;
		return 1;
	case PG_OPT_PARSE_TIMEOUT:
		if (pg_parse_long(arg, 1, 3600L * 1000, &n) < 0)
			return pg_error_set(PG_EUSAGE, "--parse-timeout: %s", pg_error_last());
		o->analysis.parse_timeout_us = (uint64_t)n * 1000u;
		return 1;
	case PG_OPT_AGENT_CMD: {
		char **argv = pg_stakes_argv_split(arg);
		if (!argv)
			return PG_EUSAGE;
		pg_stakes_argv_free(argv);
		o->agent_cmd = arg;
		return 1;
	}
	case PG_OPT_NO_CACHE:
		o->no_cache = true;
		return 1;
	default:
		return 0;
	}
}

/* "prgate: analysing 120/400 files" on stderr, redrawn at most ten times a
 * second and erased when done, so it never mixes with the report. */
static void show_progress(void *ctx, size_t done, size_t total)
{
	pg_run *run = ctx;
	uint64_t now = pg_time_usec();
	if (total < PG_RUN_PROGRESS_MIN_FILES)
		return;
	if (done < total && now - run->progress_shown < 100000)
		return;
	run->progress_shown = now;
	if (done < total)
		fprintf(stderr, "\rprgate: analysing %zu/%zu files", done, total);
	else
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Read the configuration into run->config: which file is the caller's
 * choice (see run.h). A missing .prgate.yml is no error; a missing
 * --config FILE is. */
static int load_config(pg_run *run, const pg_run_opts *opts)
{
	const pg_range *range = &run->result.range;
	char *text = NULL, *path, *source;
	size_t len;
	int err;

	if (opts->no_config)
		return 0;
	if (opts->config_path) {
		err = pg_config_load_file(&run->config, opts->config_path, NULL);
		return err == PG_ENOTFOUND ? pg_error_set(PG_ECONFIG, "%s", pg_error_last()) : err;
	}
	if (opts->config_from_base) {
		/* the base commit's config: a pull request cannot switch off its
		 * own gate (a root commit has no base, so no config) */
		if (!range->base[0])
			return 0;
		err = pg_repo_read_file(run->repo, range->base, PG_CONFIG_FILE, (size_t)1 << 20, &text, &len);
		if (err == PG_ENOTFOUND)
			return 0;
		if (err < 0)
			return err;
		source = pg_printf_alloc("%.12s:%s", range->base, PG_CONFIG_FILE);
		err = pg_config_parse(&run->config, source, text, len);
		free(source);
		free(text);
		return err;
	}
	path = pg_printf_alloc("%s%s", pg_repo_root(run->repo), PG_CONFIG_FILE);
	/* messages name the file relative to the repository root */
	err = pg_config_load_file(&run->config, path, PG_CONFIG_FILE);
	free(path);
	return err == PG_ENOTFOUND ? 0 : err;
}

/* The config's values for what the command line did not set. */
static void apply_config(pg_run *run, const pg_run_opts *opts)
{
	const pg_config *c = &run->config;
	run->opts = *opts;
	if (!opts->fail_level_set && c->fail_level_set)
		run->opts.fail_level = c->fail_level;
	if (!opts->filter_set && c->filter_set)
		run->opts.analysis.filter = c->filter;
	if (!opts->max_file_size_set && c->max_file_size)
		run->opts.analysis.max_file_size = c->max_file_size;
	if (opts->min_diff_coverage < 0 && c->min_diff_coverage >= 0)
		run->opts.min_diff_coverage = c->min_diff_coverage;
	run->opts.analysis.paths = pg_config_path_filter(&run->config);
	if (opts->progress) {
		run->opts.analysis.progress = show_progress;
		run->opts.analysis.progress_ctx = run;
	}
	run->result.fail_level = run->opts.fail_level;
}

/* A change to the gate's own configuration is a finding: in review the
 * base commit's config was used, and a reviewer must see the new one. */
static void report_config_change(pg_run *run)
{
	size_t i;
	for (i = 0; i < run->result.files.len; i++) {
		pg_file *f = PG_VEC_AT(&run->result.files, pg_file, i);
		const char *msg;
		if (strcmp(f->path, PG_CONFIG_FILE) != 0 && !(f->old_path && strcmp(f->old_path, PG_CONFIG_FILE) == 0))
			continue;
		if (run->opts.config_from_base)
			msg = "this change edits .prgate.yml, the gate's configuration; this run used the base "
			      "commit's, the new one applies after merge: check what it switches off";
		else
			msg = "this change edits .prgate.yml, the gate's configuration: check what it switches off";
		if (pg_result_add_builtin(&run->result, &run->rules, "any/maintainability/config-changed", f->path,
					  1, 1, msg))
			f->findings++;
	}
}

/* --agent-cmd: the JSON report is the brief; the output is advisory only and
 * a failure is recorded in the stakes, never returned. */
static void agent_advice(pg_run *run, const char *cmd)
{
	pg_stakes *st = run->result.stakes;
	pg_report_opts ro = { .rules = &run->rules };
	char **argv = pg_stakes_argv_split(cmd);
	pg_buf brief;
	if (!st || !argv)
		goto done;
	pg_buf_init(&brief, PG_BUF_DEFAULT_MAX);
	pg_report_render(pg_format_find("json"), &run->result, &ro, &brief);
	pg_stakes_agent_exec(argv, brief.ptr, brief.len, 120000, 64 * 1024, &st->advisory,
			     &st->advisory_truncated, &st->advisory_status);
	pg_error_clear();
	pg_buf_dispose(&brief);
done:
	pg_stakes_argv_free(argv);
}

/* The search for tests: an unusable cache file (unless --quiet), and with
 * -v how many files the cache answered. */
static void search_notes(const pg_coverage_summary *sum)
{
	if (!sum)
		return;
	if (sum->cache_warning && !pg_globals.quiet)
		fprintf(stderr, "prgate: %s\n", sum->cache_warning);
	if (pg_globals.verbose && sum->search_files)
		fprintf(stderr, "prgate: search for tests: %zu file%s, %zu from the cache, %zu read\n",
			sum->search_files, sum->search_files == 1 ? "" : "s", sum->search_cached, sum->search_read);
}

void pg_run_mark(pg_run *run, int s)
{
	uint64_t now = pg_time_usec(), spent = 0;
	int k;
	for (k = 0; k < PG_RUN_STAGES; k++)
		spent += run->stage_us[k];
	run->stage_us[s] += now - run->started_us - spent;
}

void pg_run_print_timings(const pg_run *run)
{
	static const char *const names[PG_RUN_STAGES] = { "setup", "analysis", "tests", "stakes", "report" };
	int k;
	fputs("prgate: time:", stderr);
	for (k = 0; k < PG_RUN_STAGES; k++)
		fprintf(stderr, "%s %s %llu ms", k ? "," : "", names[k],
			(unsigned long long)((run->stage_us[k] + 500) / 1000));
	fputc('\n', stderr);
}

/* early - what runs beside libgit2's start-up, the reading of the range
 * and configuration, and the diff: the embedded packs, the stakes stage's
 * signal table, and, with the embedded packs alone, the engine, compiled
 * per language by the workers that meet one (pg_engine_new_lazy). The
 * configuration can still switch rules off (pg_engine follows
 * rule->enabled). With --rules directories the engine is compiled whole
 * after they are read, and a rule of theirs that does not compile is
 * reported before the analysis, as it always was. */
typedef struct early {
	pg_task task;
	pg_run *run;
	bool embedded, lazy;
} early;

static int early_main(void *p)
{
	early *e = p;
	int err;
	if (e->embedded && (err = pg_ruleset_add_embedded(&e->run->rules)) < 0)
		return err;
	if ((err = pg_stakes_stage_new(&e->run->stakes, NULL)) < 0 || !e->lazy)
		return err;
	return pg_cli_build_engine_lazy(&e->run->engine, &e->run->rules,
					pg_stakes_stage_visitor(e->run->stakes)->rules);
}

/* The rules once the configuration is known: --rules directories read,
 * the configuration's switches and severities applied, and the engine
 * compiled unless the early one serves. */
static int settle_rules(pg_run *run, const pg_run_opts *opts)
{
	int err, bad = 0;
	if ((err = pg_cli_load_rules(&run->rules, (char **)opts->rule_dirs, opts->nrule_dirs, true,
				     &run->bad_rules)) < 0)
		return err;
	pg_config_apply_rules(&run->config, &run->rules);
	if (run->engine)
		return 0;
	err = pg_cli_build_engine(&run->engine, &run->rules, pg_stakes_stage_visitor(run->stakes)->rules, &bad);
	run->bad_rules += bad;
	return err;
}

int pg_run_execute(pg_run *run, const pg_run_opts *opts)
{
	early e = { 0 };
	int err, rules_err;
	pg_stakes_opts stakes_opts = { 0 };
	pg_coverage_opts cov;

	memset(run, 0, sizeof(*run));
	run->started_us = pg_time_usec();
	pg_result_init(&run->result);
	pg_ruleset_init(&run->rules);
	pg_config_init(&run->config);
	run->opts = *opts;
	run->result.fail_level = opts->fail_level;

	e.run = run;
	e.embedded = !opts->no_default_rules;
	e.lazy = opts->nrule_dirs == 0;
	pg_task_start(&e.task, early_main, &e);
	err = pg_repo_open(&run->repo, NULL);
	if (err < 0)
		goto given_up;
	if (opts->range) {
		run->result.range = *opts->range;
		run->result.range.spec = pg_strdup(opts->range->spec ? opts->range->spec : "");
		run->result.range.description = pg_strdup(opts->range->description ? opts->range->description : "");
		err = 0;
	} else if (opts->staged)
		err = pg_repo_staged_range(run->repo, &run->result.range);
	else
		err = pg_repo_resolve_range(run->repo, opts->range_spec, &run->result.range, &run->notice);
	/* stage: configuration (.prgate.yml); flags win over it */
	if (err >= 0)
		err = load_config(run, opts);
	if (err < 0)
		goto given_up;
	apply_config(run, opts);
	if (opts->min_diff_coverage >= 0 && opts->ncoverage_files == 0 && run->opts.ncoverage_files == 0) {
		err = pg_error_set(PG_EUSAGE, "--min-diff-coverage needs a coverage report (--coverage FILE)");
		goto given_up;
	}
	/* the later stages look at each file while the analysis has it parsed */
	cov = (pg_coverage_opts){ (const char *const *)run->opts.coverage_files, run->opts.ncoverage_files,
				  run->opts.min_diff_coverage, 0, run->opts.no_cache };
	err = pg_coverage_stage_new(&run->coverage, run->repo, &run->rules, &run->opts.analysis, &cov);
	if (err == 0) {
		pg_run_mark(run, PG_STAGE_SETUP);
		err = pg_analysis_collect(run->repo, &run->result.range, &run->opts.analysis, &run->result);
	}
	/* a rule that does not compile is reported first, as it was found first */
	if ((rules_err = pg_task_join(&e.task)) < 0 || (rules_err = settle_rules(run, opts)) < 0)
		return rules_err;
	if (err < 0)
		return err;
	stakes_opts.analysis = &run->opts.analysis;
	stakes_opts.agent_authors = run->config.agents.authors;
	stakes_opts.agent_trailers = run->config.agents.trailers;
	pg_stakes_stage_set_opts(run->stakes, &stakes_opts);
	pg_stakes_stage_start(run->stakes, run->repo, &run->result.range);
	run->opts.analysis.visitors[0] = pg_coverage_stage_visitor(run->coverage);
	run->opts.analysis.visitors[1] = pg_stakes_stage_visitor(run->stakes);
	run->opts.analysis.nvisitors = 2;
	err = pg_analysis_run_files(run->repo, &run->rules, run->engine, &run->opts.analysis, &run->result);
	run->bad_rules += pg_engine_bad(run->engine); /* a lazy engine's, compiled by the workers */
	if (err < 0)
		return err;
	pg_run_mark(run, PG_STAGE_ANALYSIS);
	report_config_change(run);
	/* stages after the rules: tests, coverage, stakes (with the config
	 * applied: run->opts, not the caller's opts) */
	if ((err = pg_coverage_stage_finish(run->coverage, &run->result)) < 0)
		return err;
	pg_run_mark(run, PG_STAGE_TESTS);
	search_notes(run->result.coverage);
	if ((err = pg_stakes_stage_finish(run->stakes, run->repo, &run->result)) < 0)
		return err;
	pg_run_mark(run, PG_STAGE_STAKES);
	/* the config's stricter gate for agent-written ranges; a flag still wins */
	if (run->config.agents.fail_level_set && !opts->fail_level_set &&
	    pg_stakes_agent_written(run->result.stakes) &&
	    run->config.agents.fail_level != PG_SEV_NONE &&
	    (run->result.fail_level == PG_SEV_NONE || run->config.agents.fail_level < run->result.fail_level))
		run->result.fail_level = run->config.agents.fail_level;
	pg_result_finish(&run->result);
	pg_coverage_apply_gate(&run->result);
	if (opts->agent_cmd)
		agent_advice(run, opts->agent_cmd);
	return 0;

given_up:
	pg_task_discard(&e.task);
	return err;
}

void pg_run_dispose(pg_run *run)
{
	if (!run)
		return;
	free(run->notice);
	pg_result_dispose(&run->result);
	pg_coverage_stage_free(run->coverage);
	pg_stakes_stage_free(run->stakes);
	pg_engine_free(run->engine);
	pg_ruleset_dispose(&run->rules);
	pg_config_dispose(&run->config);
	pg_repo_free(run->repo);
	memset(run, 0, sizeof(*run));
}

int pg_run_exit_code(const pg_run *run)
{
	size_t i;
	if (run->bad_rules)
		return PG_EXIT_USAGE;
	for (i = 0; i < run->result.files.len; i++)
		if (PG_VEC_AT(&run->result.files, pg_file, i)->error)
			return PG_EXIT_RUNTIME;
	return run->result.gate_failed ? PG_EXIT_GATE : PG_EXIT_OK;
}
