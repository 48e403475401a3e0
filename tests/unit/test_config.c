/* test_config.c - .prgate.yml parsing, positions of errors, applying it. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config/config.h"
#include "lang/lang.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

static int parse(pg_config *c, const char *text)
{
	pg_config_init(c);
	return pg_config_parse(c, ".prgate.yml", text, strlen(text));
}

static void test_full_config(void **state)
{
	pg_config c;
	const char *text = "version: 1\n"
			   "rules:\n"
			   "  disable: [html, javascript/security/eval]\n"
			   "  enable: rust/robustness/unwrap\n"
			   "  severity:\n"
			   "    rust/robustness/unwrap: error\n"
			   "paths:\n"
			   "  include: [src/]\n"
			   "  exclude: [\"gen/\", \"*.pb.js\"]\n"
			   "  default_excludes: false\n"
			   "tests:\n"
			   "  rust: [checks/]\n"
			   "fail_level: warning\n"
			   "filter: context\n"
			   "max_file_size: 4096\n"
			   "coverage: {min_diff_coverage: 75.5}\n"
			   "agents:\n"
			   "  fail_level: note\n"
			   "  require_tests: true\n"
			   "  min_diff_coverage: 90\n"
			   "  authors: [\"*[bot]*\"]\n";
	const pg_path_filter *pf;
	const pg_config_selector *s;
	size_t rust;
	(void)state;
	assert_int_equal(parse(&c, text), 0);
	assert_true(c.loaded);
	assert_int_equal(c.selectors.len, 3);
	s = PG_VEC_AT(&c.selectors, pg_config_selector, 1);
	assert_string_equal(s->pattern, "javascript/security/eval");
	assert_false(s->enable);
	assert_int_equal(s->line, 3);
	assert_int_equal(s->column, 19);
	s = PG_VEC_AT(&c.selectors, pg_config_selector, 2);
	assert_string_equal(s->pattern, "rust/robustness/unwrap");
	assert_true(s->enable);
	assert_int_equal(c.severities.len, 1);
	assert_int_equal(PG_VEC_AT(&c.severities, pg_config_selector, 0)->severity, PG_SEV_ERROR);
	assert_string_equal(c.include[0], "src/");
	assert_null(c.include[1]);
	assert_string_equal(c.exclude[1], "*.pb.js");
	assert_false(c.default_excludes);
	for (rust = 0; pg_languages[rust]; rust++)
		if (strcmp(pg_languages[rust]->name, "rust") == 0)
			break;
	assert_non_null(c.test_paths[rust]);
	assert_string_equal(c.test_paths[rust][0], "checks/");
	assert_true(c.fail_level_set);
	assert_int_equal(c.fail_level, PG_SEV_WARNING);
	assert_true(c.filter_set);
	assert_int_equal(c.filter, PG_FILTER_CONTEXT);
	assert_int_equal(c.max_file_size, 4096);
	assert_true(c.min_diff_coverage > 75.4 && c.min_diff_coverage < 75.6);
	assert_true(c.agents.present);
	assert_true(c.agents.fail_level_set);
	assert_int_equal(c.agents.fail_level, PG_SEV_NOTE);
	assert_true(c.agents.require_tests);
	assert_true(c.agents.min_diff_coverage > 89.9);
	assert_string_equal(c.agents.authors[0], "*[bot]*");
	assert_null(c.agents.trailers);

	pf = pg_config_path_filter(&c);
	assert_ptr_equal(pf->include, c.include);
	assert_string_equal(pf->exclude[0], "gen/");
	assert_string_equal(pf->exclude[1], "*.pb.js");
	assert_null(pf->exclude[2]); /* default_excludes: false */
	assert_ptr_equal(pf->test_paths[rust], c.test_paths[rust]);
	pg_config_dispose(&c);
}

static void test_defaults(void **state)
{
	pg_config c;
	(void)state;
	pg_config_init(&c);
	assert_false(c.loaded);
	assert_false(c.fail_level_set);
	assert_false(c.filter_set);
	assert_true(c.min_diff_coverage < 0);
	assert_false(c.agents.present);
	assert_true(c.default_excludes);
	pg_config_dispose(&c);
	/* empty and comment-only files are empty configs */
	assert_int_equal(parse(&c, ""), 0);
	pg_config_dispose(&c);
	assert_int_equal(parse(&c, "# nothing yet\n"), 0);
	assert_true(c.loaded);
	pg_config_dispose(&c);
	pg_config_dispose(NULL);
}

/* The error for `text` must be exactly `want`. */
static void expect_error(const char *text, const char *want)
{
	pg_config c;
	int err = parse(&c, text);
	assert_int_equal(err, PG_ECONFIG);
	assert_string_equal(pg_error_last(), want);
	pg_config_dispose(&c);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_error("fail_level: error\nfial_level: warning\n",
		     ".prgate.yml:2:1: unknown key 'fial_level' in the configuration (did you mean 'fail_level'?)");
	expect_error("rules:\n  disabel: [html]\n",
		     ".prgate.yml:2:3: unknown key 'disabel' in rules (did you mean 'disable'?)");
	expect_error("paths:\n  exclude: [a/]\n  default: false\n",
		     ".prgate.yml:3:3: unknown key 'default' in paths (did you mean 'default_excludes'?)");
	expect_error("agents:\n  require_test: yes\n",
		     ".prgate.yml:2:3: unknown key 'require_test' in agents (did you mean 'require_tests'?)");
	expect_error("zzzzzzzz: 1\n", ".prgate.yml:1:1: unknown key 'zzzzzzzz' in the configuration");
	expect_error("tests:\n  rsut: [t/]\n",
		     ".prgate.yml:2:3: unknown language 'rsut' in tests (did you mean 'rust'?)");
	expect_error("filter: added\nfilter: all\n", ".prgate.yml:2:1: duplicate key 'filter' in the configuration");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("fail_level: fatal\n",
		     ".prgate.yml:1:13: fail_level must be error, warning, note or none, not 'fatal'");
	expect_error("rules:\n  severity:\n    rust/robustness/unwrap: none\n",
		     ".prgate.yml:3:29: the severity of 'rust/robustness/unwrap' must be error, warning, note, not 'none'");
	expect_error("filter: [added]\n",
		     ".prgate.yml:1:9: filter must be added, context, file or all, not 'a list or mapping'");
	expect_error("max_file_size: big\n", ".prgate.yml:1:16: max_file_size must be a number of bytes, not 'big'");
	expect_error("coverage:\n  min_diff_coverage: 120\n",
		     ".prgate.yml:2:22: coverage.min_diff_coverage must be a number from 0 to 100, not '120'");
	expect_error("paths:\n  default_excludes: maybe\n",
		     ".prgate.yml:2:21: paths.default_excludes must be true or false");
	expect_error("rules:\n  disable: {html: true}\n",
		     ".prgate.yml:2:12: rules.disable must be a list of rule ids, id prefixes or languages");
	expect_error("paths:\n  include: [[a]]\n", ".prgate.yml:2:13: paths.include must be a list of strings");
	expect_error("version: 2\n",
		     ".prgate.yml:1:10: unsupported config version '2' (this prgate reads version 1)");
	expect_error("- a\n- b\n", ".prgate.yml:1:1: the configuration must be a mapping");
	/* YAML syntax errors keep libyaml's position */
	{
		pg_config c;
		assert_int_equal(parse(&c, "rules:\n  disable: [html\n"), PG_ECONFIG);
		assert_true(pg_str_starts_with(pg_error_last(), ".prgate.yml:3:1: "));
		pg_config_dispose(&c);
	}
}

static pg_rule *rule(const char *id, const char *lang)
{
	pg_rule *r;
	char *text = pg_printf_alloc("id: %s\nlanguage: %s\nseverity: warning\ncategory: security\n"
				     "message: m\nexplain: e\nbuiltin: true\n",
				     id, lang);
	assert_int_equal(pg_rule_parse(&r, "t.yml", text, strlen(text)), 0);
	free(text);
	return r;
}

static void test_apply_rules(void **state)
{
	pg_config c;
	pg_ruleset rs;
	(void)state;
	pg_ruleset_init(&rs);
	pg_ruleset_add(&rs, rule("javascript/security/eval", "javascript"));
	pg_ruleset_add(&rs, rule("javascript/security/inner-html", "javascript"));
	pg_ruleset_add(&rs, rule("rust/robustness/unwrap", "rust"));
	pg_ruleset_add(&rs, rule("html/security/inline-handler", "html"));
	pg_ruleset_add(&rs, rule("any/maintainability/config-changed", "any"));

	/* a whole pack off, one of its rules back on (more specific wins,
	 * whatever the order); a prefix; severities by prefix and by id */
	assert_int_equal(parse(&c, "rules:\n"
				   "  enable: [javascript/security/eval]\n"
				   "  disable: [javascript, html/security]\n"
				   "  severity:\n"
				   "    rust: note\n"
				   "    rust/robustness/unwrap: error\n"
				   "    javascript/security/inner*: note\n"),
			 0);
	pg_config_apply_rules(&c, &rs);
	assert_true(pg_ruleset_find(&rs, "javascript/security/eval")->enabled);
	assert_false(pg_ruleset_find(&rs, "javascript/security/inner-html")->enabled);
	assert_false(pg_ruleset_find(&rs, "html/security/inline-handler")->enabled);
	assert_true(pg_ruleset_find(&rs, "rust/robustness/unwrap")->enabled);
	assert_true(pg_ruleset_find(&rs, "any/maintainability/config-changed")->enabled);
	assert_int_equal(pg_ruleset_find(&rs, "rust/robustness/unwrap")->severity, PG_SEV_ERROR);
	assert_int_equal(pg_ruleset_find(&rs, "javascript/security/inner-html")->severity, PG_SEV_NOTE);
	assert_int_equal(pg_ruleset_find(&rs, "javascript/security/eval")->severity, PG_SEV_WARNING);
	assert_int_equal(pg_config_unmatched(&c, &rs, NULL, NULL), 0);
	pg_config_dispose(&c);

	/* on a tie the later entry wins */
	assert_int_equal(parse(&c, "rules:\n  disable: [rust/robustness/unwrap]\n"
				   "  enable: [rust/robustness/unwrap]\n"),
			 0);
	pg_config_apply_rules(&c, &rs);
	assert_true(pg_ruleset_find(&rs, "rust/robustness/unwrap")->enabled);
	pg_config_dispose(&c);

	/* a prefix must end at a '/' boundary */
	assert_int_equal(pg_config_selector_match("javascript/sec", pg_ruleset_find(&rs, "javascript/security/eval")), 0);
	assert_true(pg_config_selector_match("javascript/security/", pg_ruleset_find(&rs, "javascript/security/eval")) > 0);

	pg_ruleset_dispose(&rs);
}

static char last_msg[512];
static void keep_msg(void *ctx, const char *msg)
{
	(*(int *)ctx)++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void test_unmatched(void **state)
{
	pg_config c;
	pg_ruleset rs;
	int calls = 0;
	(void)state;
	pg_ruleset_init(&rs);
	pg_ruleset_add(&rs, rule("javascript/security/eval", "javascript"));
	assert_int_equal(parse(&c, "rules:\n  disable: [javascript/security/evil]\n"), 0);
	assert_int_equal(pg_config_unmatched(&c, &rs, keep_msg, &calls), 1);
	assert_int_equal(calls, 1);
	assert_string_equal(last_msg, ".prgate.yml:2:13: rule selector 'javascript/security/evil' matches no rule "
				      "(did you mean 'javascript/security/eval'?)");
	pg_config_dispose(&c);
	pg_ruleset_dispose(&rs);
}

static bool excluded(const pg_path_filter *pf, const char *path)
{
	size_t i;
	for (i = 0; pf->exclude[i]; i++)
		if (pg_glob_match(pf->exclude[i], path))
			return true;
	return false;
}

static void test_default_excludes(void **state)
{
	pg_config c;
	const pg_path_filter *pf;
	(void)state;
	assert_int_equal(parse(&c, "paths:\n  exclude: [\"gen/\"]\n"), 0);
	pf = pg_config_path_filter(&c);
	assert_null(pf->include);
	assert_true(excluded(pf, "gen/a.rs"));
	assert_true(excluded(pf, "vendor/lib/x.js"));
	assert_true(excluded(pf, "web/node_modules/left-pad/index.js"));
	assert_true(excluded(pf, "dist/app.js"));
	assert_true(excluded(pf, "web/dist/app.js"));
	assert_true(excluded(pf, "static/jquery.min.js"));
	assert_true(excluded(pf, "package-lock.json"));
	assert_true(excluded(pf, "Cargo.lock"));
	assert_true(excluded(pf, "web/yarn.lock"));
	assert_false(excluded(pf, "src/main.rs"));
	assert_false(excluded(pf, "src/distance.js"));
	assert_false(excluded(pf, "src/app.js"));
	assert_false(excluded(pf, "src/vendored.rs"));
	pg_config_dispose(&c);
}

static void test_load_file(void **state)
{
	pg_config c;
	char path[] = "/tmp/prgate-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("filter: all\n", f);
	fclose(f);
	pg_config_init(&c);
	assert_int_equal(pg_config_load_file(&c, path, NULL), 0);
	assert_int_equal(c.filter, PG_FILTER_ALL);
	assert_string_equal(c.source, path);
	pg_config_dispose(&c);
	unlink(path);
	pg_config_init(&c);
	assert_int_equal(pg_config_load_file(&c, path, NULL), PG_ENOTFOUND);
	pg_config_dispose(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_config),   cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_unknown_keys),  cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_apply_rules),   cmocka_unit_test(test_unmatched),
		cmocka_unit_test(test_default_excludes), cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
