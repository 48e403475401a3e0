/* cmd_rules.c - `prgate rules list|test` and `prgate explain ID`. */
#include "cli.h"
#include "analysis/ruletest.h"

#include <string.h>

static void rules_usage(FILE *out)
{
	fprintf(out, "usage: prgate rules list [--rules DIR]...\n"
		     "       prgate rules test [DIR]\n\n"
		     "list: every rule's id, language, severity, category and message.\n"
		     "test: run each rule's annotated examples (default DIR: rules/).\n");
}

static int rules_list(int argc, char **argv)
{
	pg_ruleset rs;
	char *dirs[32];
	size_t nd = 0, i;
	int bad = 0, err, k;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--rules") == 0 && k + 1 < argc && nd < 32)
			dirs[nd++] = argv[++k];
		else {
			rules_usage(stderr);
			return PG_EXIT_USAGE;
		}
	}
	pg_ruleset_init(&rs);
	if ((err = pg_cli_load_rules(&rs, dirs, nd, false, &bad)) < 0) {
		pg_ruleset_dispose(&rs);
		return pg_cli_fail(err);
	}
	for (i = 0; i < rs.rules.len; i++) {
		const pg_rule *r = PG_RULESET_AT(&rs, i);
		printf("%-48s %-10s %-7s %-15s %s\n", r->id, r->language, pg_severity_name(r->severity),
		       pg_category_name(r->category), r->message);
	}
	if (!pg_globals.quiet)
		fprintf(stderr, "%zu rules (%zu rust, %zu javascript, %zu html, %zu any)\n", rs.rules.len,
			pg_ruleset_count(&rs, "rust"), pg_ruleset_count(&rs, "javascript"),
			pg_ruleset_count(&rs, "html"), pg_ruleset_count(&rs, "any"));
	pg_ruleset_dispose(&rs);
	return bad ? PG_EXIT_USAGE : PG_EXIT_OK;
}

int pg_cmd_rules(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		rules_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PG_EXIT_USAGE : PG_EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0)
		return rules_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "test") == 0)
		return pg_cmd_rules_test(argc - 1, argv + 1);
	fprintf(stderr, "prgate: unknown rules subcommand '%s' (expected list or test)\n", argv[1]);
	return PG_EXIT_USAGE;
}

int pg_cmd_explain(int argc, char **argv)
{
	pg_ruleset rs;
	const pg_rule *r;
	int bad = 0, err;
	size_t i;
	if (argc != 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc == 2 ? stdout : stderr, "usage: prgate explain RULE-ID\n");
		return argc == 2 ? PG_EXIT_OK : PG_EXIT_USAGE;
	}
	pg_ruleset_init(&rs);
	if ((err = pg_cli_load_rules(&rs, NULL, 0, false, &bad)) < 0) {
		pg_ruleset_dispose(&rs);
		return pg_cli_fail(err);
	}
	r = pg_ruleset_find(&rs, argv[1]);
	if (!r) {
		const char *best = NULL;
		size_t best_d = 6;
		for (i = 0; i < rs.rules.len; i++) {
			size_t d = pg_edit_distance(argv[1], PG_RULESET_AT(&rs, i)->id);
			if (d < best_d) {
				best_d = d;
				best = PG_RULESET_AT(&rs, i)->id;
			}
		}
		if (best)
			fprintf(stderr, "prgate: no rule '%s' (did you mean '%s'?)\n", argv[1], best);
		else
			fprintf(stderr, "prgate: no rule '%s'; 'prgate rules list' shows them all\n", argv[1]);
		pg_ruleset_dispose(&rs);
		return PG_EXIT_USAGE;
	}
	printf("%s  (%s, %s, %s)\n\n%s\n\n%s", r->id, r->language, pg_severity_name(r->severity),
	       pg_category_name(r->category), r->message, r->explain);
	if (r->explain[0] && r->explain[strlen(r->explain) - 1] != '\n')
		printf("\n");
	if (r->references && r->references[0]) {
		printf("\nReferences:\n");
		for (i = 0; r->references[i]; i++)
			printf("  - %s\n", r->references[i]);
	}
	if (r->fix)
		printf("\nSuggested fix: %s\n", r->fix);
	printf("\nApplies in tests: %s\n", r->in_tests ? "yes" : "no");
	pg_ruleset_dispose(&rs);
	return PG_EXIT_OK;
}

static void print_fail(void *ctx, const char *msg)
{
	(void)ctx;
	printf("FAIL %s\n", msg);
}

int pg_cmd_rules_test(int argc, char **argv)
{
	const char *dir = "rules";
	long min = 1;
	int k, err;
	pg_ruletest_summary s;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--min-examples") == 0 && k + 1 < argc) {
			if (pg_parse_long(argv[++k], 0, 1000, &min) < 0)
				return pg_cli_fail(PG_EUSAGE);
		} else if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: prgate rules test [--min-examples N] [DIR]\n\n"
			       "Run every rule under DIR (default rules/) over its annotated examples.\n");
			return PG_EXIT_OK;
		} else if (argv[k][0] == '-') {
			fprintf(stderr, "prgate: rules test: unknown option '%s'\n", argv[k]);
			return PG_EXIT_USAGE;
		} else {
			dir = argv[k];
		}
	}
	if ((err = pg_ruletest_run(dir, (uint32_t)min, print_fail, NULL, &s)) < 0)
		return pg_cli_fail(err);
	printf("rules test: %u rules, %u example files, %u annotations\n", s.rules, s.examples, s.checks);
	printf("%u passed, %u failed\n", s.passed, s.failed);
	return s.failed ? PG_EXIT_GATE : PG_EXIT_OK;
}
