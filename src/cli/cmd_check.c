/* cmd_check.c - `prgate check [RANGE]`: the local gate. */
#include "cli.h"
#include "analysis/analysis.h"
#include "git/git.h"
#include "report/report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: prgate check [options] [RANGE]\n\n"
		"Analyse what changed in RANGE and gate on the findings.\n\n"
		"RANGE is A..B, A...B (from the merge base), A.. (to HEAD), a single commit C\n"
		"(C^..C), or nothing: the merge base with the upstream or origin's default\n"
		"branch, up to HEAD.\n\n"
		"options:\n"
		"  -f, --format FMT       output format: %s (default text)\n"
		"  -o, --output FILE      write the report to FILE instead of stdout\n"
		"      --fail-level LVL   error (default), warning, note or none\n"
		"      --filter F         added (default), context, file or all\n"
		"      --rules DIR        also load rules from DIR (repeatable; same ids override)\n"
		"      --no-default-rules do not load the embedded rules\n"
		"      --staged           check the staged changes (index against HEAD)\n"
		"      --max-file-size N  skip files larger than N bytes (default 2097152)\n"
		"  -j, --jobs N           worker threads (default: one per core)\n"
		"      --timeout SEC      total time budget; files left are listed as skipped\n"
		"      --color WHEN       auto (default), always or never; NO_COLOR is honoured\n"
		"      --show-suppressed  list suppressed findings in text output\n"
		"  -h, --help             this help\n",
		pg_format_names());
}

static void print_rule_error(void *ctx, const char *msg)
{
	int *bad = ctx;
	(void)bad;
	fprintf(stderr, "prgate: %s\n", msg);
}

int pg_cli_load_rules(pg_ruleset *rs, char **dirs, size_t ndirs, bool no_default, int *bad)
{
	size_t i;
	int err;
	*bad = 0;
	if (!no_default && (err = pg_ruleset_add_embedded(rs)) < 0)
		return err;
	for (i = 0; i < ndirs; i++) {
		pg_ruleset extra;
		pg_ruleset_init(&extra);
		*bad += pg_ruleset_add_dir(&extra, dirs[i], print_rule_error, NULL);
		pg_ruleset_merge(rs, &extra);
		pg_ruleset_dispose(&extra);
	}
	return 0;
}

int pg_cli_build_engine(pg_engine **out, const pg_ruleset *rs, int *bad)
{
	return pg_engine_new(out, rs, print_rule_error, NULL, bad);
}

enum { OPT_FAIL_LEVEL = 256, OPT_FILTER, OPT_RULES, OPT_NO_DEFAULT, OPT_STAGED, OPT_MAX_SIZE, OPT_TIMEOUT,
       OPT_COLOR, OPT_SHOW_SUPPRESSED };

int pg_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-level", required_argument, NULL, OPT_FAIL_LEVEL },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "no-default-rules", no_argument, NULL, OPT_NO_DEFAULT },
		{ "staged", no_argument, NULL, OPT_STAGED },
		{ "max-file-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "show-suppressed", no_argument, NULL, OPT_SHOW_SUPPRESSED },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const pg_format *fmt = pg_format_find("text");
	const char *output = NULL, *color = "auto";
	char *rule_dirs[32];
	size_t ndirs = 0;
	bool no_default = false, staged = false, show_suppressed = false;
	pg_severity fail_level = PG_SEV_ERROR;
	pg_analysis_opts aopts;
	pg_report_opts ropts;
	pg_ruleset rules;
	pg_engine *engine = NULL;
	pg_repo *repo = NULL;
	pg_result result;
	pg_buf out;
	char *notice = NULL;
	int c, err = 0, bad_rules = 0, bad_queries = 0, exit_code;
	long n;

	pg_analysis_opts_init(&aopts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!(fmt = pg_format_find(optarg))) {
				fprintf(stderr, "prgate: unknown format '%s' (expected %s)\n", optarg, pg_format_names());
				return PG_EXIT_USAGE;
			}
			break;
		case 'o': output = optarg; break;
		case OPT_FAIL_LEVEL: {
			int s = pg_severity_parse(optarg, true);
			if (s < 0) {
				fprintf(stderr, "prgate: unknown fail level '%s' (expected error, warning, note or none)\n", optarg);
				return PG_EXIT_USAGE;
			}
			fail_level = (pg_severity)s;
			break;
		}
		case OPT_FILTER:
			if (pg_filter_parse(optarg, &aopts.filter) < 0)
				return pg_cli_fail(PG_EUSAGE);
			break;
		case OPT_RULES:
			if (ndirs == sizeof(rule_dirs) / sizeof(rule_dirs[0])) {
				fprintf(stderr, "prgate: too many --rules directories\n");
				return PG_EXIT_USAGE;
			}
			rule_dirs[ndirs++] = optarg;
			break;
		case OPT_NO_DEFAULT: no_default = true; break;
		case OPT_STAGED: staged = true; break;
		case OPT_MAX_SIZE:
			if (pg_parse_long(optarg, 1, 1L << 40, &n) < 0)
				return pg_cli_fail(PG_EUSAGE);
			aopts.max_file_size = (size_t)n;
			break;
		case 'j':
			if (pg_parse_long(optarg, 1, 64, &n) < 0)
				return pg_cli_fail(PG_EUSAGE);
			aopts.jobs = (int)n;
			break;
		case OPT_TIMEOUT:
			if (pg_parse_long(optarg, 1, 86400, &n) < 0)
				return pg_cli_fail(PG_EUSAGE);
			aopts.deadline_us = pg_time_usec() + (uint64_t)n * 1000000u;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				fprintf(stderr, "prgate: --color takes auto, always or never\n");
				return PG_EXIT_USAGE;
			}
			color = optarg;
			break;
		case OPT_SHOW_SUPPRESSED: show_suppressed = true; break;
		case 'h': check_usage(stdout); return 0;
		default:
			fprintf(stderr, "prgate: check: unknown or incomplete option '%s'\n", argv[optind - 1]);
			check_usage(stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "prgate: check takes at most one RANGE (got '%s' and '%s')\n", argv[optind],
			argv[optind + 1]);
		return PG_EXIT_USAGE;
	}
	if (staged && argc - optind == 1) {
		fprintf(stderr, "prgate: --staged checks the index; it takes no RANGE\n");
		return PG_EXIT_USAGE;
	}

	pg_result_init(&result);
	pg_ruleset_init(&rules);
	pg_buf_init(&out, 0);
	result.fail_level = fail_level;

	if ((err = pg_repo_open(&repo, NULL)) < 0)
		goto done;
	if (staged)
		err = pg_repo_staged_range(repo, &result.range);
	else
		err = pg_repo_resolve_range(repo, optind < argc ? argv[optind] : NULL, &result.range, &notice);
	if (err < 0)
		goto done;
	if (notice && !pg_globals.quiet)
		fprintf(stderr, "%s\n", notice);
	if ((err = pg_cli_load_rules(&rules, rule_dirs, ndirs, no_default, &bad_rules)) < 0)
		goto done;
	if ((err = pg_cli_build_engine(&engine, &rules, &bad_queries)) < 0)
		goto done;
	if ((err = pg_analysis_run(repo, &result.range, &rules, engine, &aopts, &result)) < 0)
		goto done;
	pg_result_finish(&result);

	memset(&ropts, 0, sizeof(ropts));
	ropts.color = strcmp(color, "always") == 0 ||
		      (strcmp(color, "auto") == 0 && !output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		ropts.color = false;
	ropts.filter = pg_filter_name(aopts.filter);
	ropts.repo_root = pg_repo_root(repo);
	ropts.rules = &rules;
	ropts.show_suppressed = show_suppressed;
	ropts.quiet = pg_globals.quiet;
	pg_report_render(fmt, &result, &ropts, &out);
	if ((err = pg_cli_write_output(output, out.ptr, out.len)) < 0)
		goto done;

done:
	if (err < 0)
		exit_code = pg_cli_fail(err);
	else if (bad_rules || bad_queries) {
		fprintf(stderr, "prgate: %d rule file%s could not be loaded (see above); the other rules ran\n",
			bad_rules + bad_queries, bad_rules + bad_queries == 1 ? "" : "s");
		exit_code = PG_EXIT_USAGE;
	} else
		exit_code = result.gate_failed ? PG_EXIT_GATE : PG_EXIT_OK;
	free(notice);
	pg_buf_dispose(&out);
	pg_result_dispose(&result);
	pg_engine_free(engine);
	pg_ruleset_dispose(&rules);
	pg_repo_free(repo);
	return exit_code;
}
