/* cmd_config.c - `prgate config check [FILE]`: validate a .prgate.yml. */
#include "cli.h"
#include "config/config.h"
#include "git/git.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void config_usage(FILE *out)
{
	fprintf(out, "usage: prgate config check [options] [FILE]\n\n"
		     "Validate a prgate configuration: FILE, or .prgate.yml at the repository\n"
		     "root. Errors name the place as file:line:column; an unknown key gets a\n"
		     "\"did you mean\", and so does a rule selector that matches no rule.\n"
		     "docs/config.md describes every key.\n\n"
		     "options:\n"
		     "      --rules DIR        rules from DIR count as known (repeatable)\n"
		     "  -h, --help             this help\n");
}

static void print_unmatched(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "prgate: %s\n", msg);
}

static int config_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *dirs[32];
	size_t ndirs = 0;
	const char *file = NULL;
	char *path = NULL;
	pg_config cfg;
	pg_ruleset rs;
	pg_repo *repo = NULL;
	int c, err, bad = 0, exit_code = PG_EXIT_OK;
	size_t unmatched;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (ndirs == 32) {
				fprintf(stderr, "prgate: too many --rules directories\n");
				return PG_EXIT_USAGE;
			}
			dirs[ndirs++] = optarg;
			break;
		case 'h': config_usage(stdout); return 0;
		default:
			fprintf(stderr, "prgate: config check: unknown or incomplete option '%s'\n", argv[optind - 1]);
			config_usage(stderr);
			return PG_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "prgate: config check takes at most one FILE\n");
		return PG_EXIT_USAGE;
	}
	file = optind < argc ? argv[optind] : NULL;

	pg_config_init(&cfg);
	pg_ruleset_init(&rs);
	if (file) {
		err = pg_config_load_file(&cfg, file, NULL);
	} else {
		/* .prgate.yml at the root of the repository we are in, else here */
		if (pg_repo_open(&repo, NULL) == 0)
			path = pg_printf_alloc("%s%s", pg_repo_root(repo), PG_CONFIG_FILE);
		else
			path = pg_strdup(PG_CONFIG_FILE);
		pg_error_clear();
		err = pg_config_load_file(&cfg, path, PG_CONFIG_FILE);
		if (err == PG_ENOTFOUND) {
			if (!pg_globals.quiet)
				printf("prgate: no %s in %s; the defaults apply (docs/config.md)\n", PG_CONFIG_FILE,
				       repo ? pg_repo_root(repo) : "the current directory");
			err = 0;
			goto done;
		}
	}
	if (err < 0) {
		/* a FILE named on the command line must exist */
		exit_code = pg_cli_fail(err == PG_ENOTFOUND ? PG_ECONFIG : err);
		goto done;
	}
	if ((err = pg_cli_load_rules(&rs, dirs, ndirs, false, &bad)) < 0) {
		exit_code = pg_cli_fail(err);
		goto done;
	}
	unmatched = pg_config_unmatched(&cfg, &rs, print_unmatched, NULL);
	if (unmatched || bad) {
		exit_code = PG_EXIT_USAGE;
		goto done;
	}
	if (!pg_globals.quiet)
		printf("prgate: %s is valid\n", cfg.source);
done:
	free(path);
	pg_ruleset_dispose(&rs);
	pg_config_dispose(&cfg);
	pg_repo_free(repo);
	return exit_code;
}

int pg_cmd_config(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PG_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(argc - 1, argv + 1);
	fprintf(stderr, "prgate: unknown config command '%s' (expected check)\n", argv[1]);
	return PG_EXIT_USAGE;
}
