/* cli.c - the command table, global flags and exit codes. */
#include "cli.h"
#include "report/report.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>
#include <unistd.h>

pg_cli_globals pg_globals;

typedef struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{ "check", pg_cmd_check, "analyse a range of commits and gate on the findings" },
	{ "review", pg_cmd_review, "analyse a pull request in GitHub Actions and post one review" },
	{ "rules", pg_cmd_rules, "list or self-test rules (rules list, rules test [DIR])" },
	{ "explain", pg_cmd_explain, "explain a rule in plain words" },
	{ "hook", pg_cmd_hook, "install, uninstall or run the pre-push hook" },
	{ "config", pg_cmd_config, "validate the configuration (config check [FILE])" },
	{ NULL, NULL, NULL },
};

int pg_cli_exit_code(int err)
{
	switch (err) {
	case 0: return PG_EXIT_OK;
	case PG_EUSAGE:
	case PG_ECONFIG: return PG_EXIT_USAGE;
	default: return PG_EXIT_RUNTIME;
	}
}

int pg_cli_fail(int err)
{
	const char *msg = pg_error_last();
	fprintf(stderr, "prgate: %s\n", msg && *msg ? msg : "unknown error");
	return pg_cli_exit_code(err);
}

const pg_format *pg_cli_format_arg(const char *name)
{
	const pg_format *f = pg_format_find(name);
	if (!f)
		fprintf(stderr, "prgate: unknown format '%s' (expected %s)\n", name, pg_format_names());
	return f;
}

int pg_cli_write_output(const char *path, const char *data, size_t len)
{
	FILE *f;
	if (!path || strcmp(path, "-") == 0) {
		fwrite(data, 1, len, stdout);
		fflush(stdout);
		return 0;
	}
	f = fopen(path, "wb");
	if (!f)
		return pg_error_set(PG_ERROR, "cannot write '%s': %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		return pg_error_set(PG_ERROR, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static void usage(FILE *out)
{
	size_t i;
	fprintf(out, "usage: prgate [-C DIR] [-q] [-v] <command> [<args>]\n\n"
		     "A review gate for pull requests written by coding agents.\n\ncommands:\n");
	for (i = 0; commands[i].name; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'prgate <command> --help' for a command's options.\n"
		     "Exit codes: 0 gate passed, 1 gate failed, 2 usage or config error, 3 runtime error.\n");
}

static void version(void)
{
	printf("prgate %s\n", PRGATE_VERSION);
	printf("grammars: tree-sitter-rust %s, tree-sitter-javascript %s, tree-sitter-html %s\n",
	       PRGATE_GRAMMAR_RUST_VERSION, PRGATE_GRAMMAR_JAVASCRIPT_VERSION,
	       PRGATE_GRAMMAR_HTML_VERSION);
	printf("tree-sitter language ABI %d (min %d)\n", TREE_SITTER_LANGUAGE_VERSION,
	       TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION);
}

int pg_cli_main(int argc, char **argv)
{
	int i = 1;
	size_t k;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (strcmp(a, "-C") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "prgate: -C needs a directory\n");
				return PG_EXIT_USAGE;
			}
			pg_globals.chdir = argv[++i];
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			pg_globals.quiet = true;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			pg_globals.verbose++;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			version();
			return 0;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "prgate: unknown option '%s'\n", a);
			usage(stderr);
			return PG_EXIT_USAGE;
		}
		i++;
	}
	if (i >= argc) {
		usage(stderr);
		return PG_EXIT_USAGE;
	}
	if (pg_globals.chdir && chdir(pg_globals.chdir) != 0) {
		fprintf(stderr, "prgate: cannot change to '%s': %s\n", pg_globals.chdir, strerror(errno));
		return PG_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc) {
			char *help_argv[] = { argv[i + 1], "--help", NULL };
			for (k = 0; commands[k].name; k++)
				if (strcmp(commands[k].name, argv[i + 1]) == 0)
					return commands[k].fn(2, help_argv);
			fprintf(stderr, "prgate: unknown command '%s'\n", argv[i + 1]);
			return PG_EXIT_USAGE;
		}
		usage(stdout);
		return 0;
	}
	for (k = 0; commands[k].name; k++)
		if (strcmp(commands[k].name, argv[i]) == 0)
			return commands[k].fn(argc - i, argv + i);
	{
		const char *best = NULL;
		size_t best_d = 3;
		for (k = 0; commands[k].name; k++) {
			size_t d = pg_edit_distance(argv[i], commands[k].name);
			if (d < best_d) {
				best_d = d;
				best = commands[k].name;
			}
		}
		if (best)
			fprintf(stderr, "prgate: unknown command '%s' (did you mean '%s'?)\n", argv[i], best);
		else
			fprintf(stderr, "prgate: unknown command '%s'\n", argv[i]);
	}
	return PG_EXIT_USAGE;
}
