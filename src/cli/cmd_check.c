/* cmd_check.c - `prgate check [RANGE]`: the local gate. */
#include "run.h"
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
		"      --staged           check the staged changes (index against HEAD)\n"
		"      --color WHEN       auto (default), always or never; NO_COLOR set disables it\n"
		"      --show-suppressed  list suppressed findings in text output\n"
		"%s"
		"  -h, --help             this help\n",
		pg_format_names(), pg_run_options_help);
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

int pg_cli_build_engine(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra, int *bad)
{
	return pg_engine_new_with(out, rs, extra, print_rule_error, NULL, bad);
}

int pg_cli_build_engine_lazy(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra)
{
	return pg_engine_new_lazy(out, rs, extra, print_rule_error, NULL);
}

enum { OPT_STAGED = 256, OPT_COLOR, OPT_SHOW_SUPPRESSED };

int pg_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "staged", no_argument, NULL, OPT_STAGED },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "show-suppressed", no_argument, NULL, OPT_SHOW_SUPPRESSED },
		{ "help", no_argument, NULL, 'h' },
		PG_RUN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const pg_format *fmt = pg_format_find("text");
	const char *output = NULL, *color = "auto";
	bool show_suppressed = false;
	pg_run_opts opts;
	pg_report_opts ropts;
	pg_run run;
	pg_buf out;
	int c, err = 0, exit_code;

	pg_run_opts_init(&opts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:j:qvh", longopts, NULL)) != -1) {
		int handled = pg_run_option(&opts, c, optarg);
		if (handled < 0)
			return pg_cli_fail(handled);
		if (handled)
			continue;
		switch (c) {
		case 'f':
			if (!(fmt = pg_cli_format_arg(optarg)))
				return PG_EXIT_USAGE;
			break;
		case 'o': output = optarg; break;
		case OPT_STAGED: opts.staged = true; break;
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
	if (opts.staged && argc - optind == 1) {
		fprintf(stderr, "prgate: --staged checks the index; it takes no RANGE\n");
		return PG_EXIT_USAGE;
	}
	opts.range_spec = optind < argc ? argv[optind] : NULL;

	pg_buf_init(&out, 0);
	opts.progress = !pg_globals.quiet && isatty(STDERR_FILENO);
	err = pg_run_execute(&run, &opts);
	if (run.notice && !pg_globals.quiet)
		fprintf(stderr, "%s\n", run.notice);
	if (pg_globals.verbose && err == 0) {
		fprintf(stderr, "prgate: range %s (%s)\n", run.result.range.description ? run.result.range.description : "",
			run.result.range.spec ? run.result.range.spec : "");
		fprintf(stderr, "prgate: configuration: %s\n",
			run.config.loaded ? run.config.source : opts.no_config ? "none (--no-config)" : "defaults (no .prgate.yml)");
	}
	if (err < 0)
		goto done;

	memset(&ropts, 0, sizeof(ropts));
	ropts.color = strcmp(color, "always") == 0 ||
		      (strcmp(color, "auto") == 0 && !output && isatty(STDOUT_FILENO));
	/* NO_COLOR wins over everything, --color always included */
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		ropts.color = false;
	ropts.filter = pg_filter_name(opts.analysis.filter);
	ropts.repo_root = pg_repo_root(run.repo);
	ropts.rules = &run.rules;
	ropts.show_suppressed = show_suppressed;
	ropts.quiet = pg_globals.quiet;
	pg_report_render(fmt, &run.result, &ropts, &out);
	err = pg_cli_write_output(output, out.ptr, out.len);
	pg_run_mark(&run, PG_STAGE_REPORT);
	if (pg_globals.verbose)
		pg_run_print_timings(&run);

done:
	if (err < 0) {
		exit_code = pg_cli_fail(err);
	} else {
		size_t i;
		if (run.bad_rules)
			fprintf(stderr, "prgate: %d rule file%s could not be loaded (see above); the other rules ran\n",
				run.bad_rules, run.bad_rules == 1 ? "" : "s");
		for (i = 0; i < run.result.files.len; i++) {
			const pg_file *f = PG_VEC_AT(&run.result.files, pg_file, i);
			if (f->error)
				fprintf(stderr, "prgate: %s: not analysed: %s\n", f->path, f->error);
		}
		exit_code = pg_run_exit_code(&run);
	}
	pg_buf_dispose(&out);
	pg_run_dispose(&run);
	return exit_code;
}
