/* Unit tests for src/stakes: the classifier on in-memory files (every row
 * kind: queries, lines, sections, paths, markers), lowering, hunks, agent
 * detection, argv splitting and the agent command runner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "stakes/stakes.h"
#include "stakes/signals.h"
#include "lang/lang.h"

/* A file whose every line is added. */
static pg_file make_file(const char *path, const char *text, pg_line_range *range)
{
	pg_file f;
	uint32_t lines = 0;
	const char *p;
	memset(&f, 0, sizeof(f));
	for (p = text; *p; p++)
		if (*p == '\n')
			lines++;
	f.path = (char *)path;
	f.status = PG_FILE_ADDED;
	f.lang = pg_lang_for_path(path);
	f.content = (char *)text;
	f.content_len = strlen(text);
	range->start = 1;
	range->end = lines ? lines : 1;
	f.added = range;
	f.added_count = 1;
	f.lines_added = lines;
	return f;
}

/* Classify and return the signals as "kind:line:reason;..." (owned). */
static char *signals_of(const char *path, const char *text, bool no_tests, pg_stakes_tier *tier)
{
	pg_line_range range;
	pg_file f = make_file(path, text, &range);
	pg_stakes_file sf;
	pg_buf b;
	size_t i;
	assert_int_equal(pg_stakes_classify_file(&f, NULL, 0, false, no_tests, NULL, NULL, &sf), 0);
	pg_buf_init(&b, 1 << 16);
	for (i = 0; i < sf.signals.len; i++) {
		const pg_stakes_signal *s = PG_VEC_AT(&sf.signals, pg_stakes_signal, i);
		pg_buf_printf(&b, "%s%s:%u:%s", i ? ";" : "", s->kind, s->line, s->reason);
	}
	if (tier)
		*tier = sf.tier;
	pg_stakes_file_dispose(&sf);
	return pg_buf_detach(&b);
}

static void expect_signals(const char *path, const char *text, const char *want, pg_stakes_tier want_tier)
{
	pg_stakes_tier tier;
	char *got = signals_of(path, text, false, &tier);
	assert_string_equal(got, want);
	assert_int_equal(tier, want_tier);
	free(got);
}

static void test_rust_destructive_and_process(void **state)
{
	expect_signals("src/a.rs",
		       "use std::fs;\nfn f(p: &str) {\n    fs::remove_dir_all(p).ok();\n"
		       "    std::process::Command::new(\"ls\").status().ok();\n}\n",
		       "destructive:3:deletes files or directories (`remove_dir_all`);"
		       "destructive:4:spawns a process (`Command::new`)",
		       PG_TIER_HIGH);
}

static void test_rust_test_code_is_not_a_signal(void **state)
{
	expect_signals("src/a.rs",
		       "fn f() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { std::fs::remove_file(\"x\").ok(); }\n}\n",
		       "", PG_TIER_LOW);
}

static void test_rust_secret_env_and_unsafe(void **state)
{
	expect_signals("src/a.rs",
		       "fn f() {\n    let t = std::env::var(\"API_TOKEN\");\n    let h = std::env::var(\"HOME\");\n"
		       "    unsafe { libc::exit(0) };\n}\n",
		       "secrets:2:reads a secret from the environment;"
		       "unsafe:4:unsafe Rust: memory safety is the author's promise, not the compiler's",
		       PG_TIER_HIGH);
}

static void test_rust_surface_and_clap(void **state)
{
	expect_signals("src/cli.rs",
		       "#[derive(Parser)]\npub struct Cli {\n    #[arg(long)]\n    dry_run: bool,\n}\n"
		       "pub fn run(cli: &Cli) -> i32 { 0 }\nfn private(x: i32) {}\n",
		       "surface:1:changes the command-line interface (clap derive);"
		       "surface:2:changes the public type `Cli`;"
		       "surface:4:changes the command-line option `dry_run`;"
		       "surface:6:changes the signature of the public function `run`",
		       PG_TIER_MEDIUM);
}

static void test_rust_network_and_sql(void **state)
{
	expect_signals("src/db.rs",
		       "fn f() {\n    let s = std::net::TcpStream::connect(\"a:1\");\n"
		       "    q(\"DELETE FROM users WHERE 1\");\n    q(\"SELECT 1\");\n}\n",
		       "network:2:talks to the network;destructive:3:runs SQL that deletes data", PG_TIER_HIGH);
}

static void test_js_signals(void **state)
{
	expect_signals("web/app.js",
		       "export function load(url) {\n  return fetch(url);\n}\n"
		       "const ws = new WebSocket('wss://x');\n"
		       "const k = process.env.GITHUB_TOKEN;\n"
		       "fetch('/a', { headers: { 'Authorization': 'Bearer ' + k } });\n"
		       "const m = /x/.exec(s);\nrequire('child_process').exec(cmd);\n"
		       /* a regular expression's or a store's exec is not a process */
		       "reFlags.exec(x); LINE_PATTERN.exec(t); rule.beginRegex.exec(v); this.ruleSet.exec(o);\n"
		       "cp.exec(c);\nexec(c); cluster.fork(); re.spawn(x);\n",
		       "surface:1:changes the exported `load`;"
		       "network:2:talks to the network (`fetch`);"
		       "network:4:talks to the network (`new WebSocket`);"
		       "secrets:5:reads a secret from the environment (`process.env.GITHUB_TOKEN`);"
		       "secrets:6:sets or reads an Authorization header;"
		       "network:6:talks to the network (`fetch`);"
		       "destructive:8:spawns a process (`exec`);"
		       "destructive:10:spawns a process (`exec`);"
		       "destructive:11:spawns a process (`exec`);"
		       "destructive:11:spawns a process (`fork`)",
		       PG_TIER_HIGH);
}

static void test_js_in_html(void **state)
{
	expect_signals("index.html", "<p>hi</p>\n<script>\nnew XMLHttpRequest();\n</script>\n",
		       "network:3:talks to the network (`new XMLHttpRequest`)", PG_TIER_MEDIUM);
}

static void test_sections(void **state)
{
	expect_signals("Cargo.toml",
		       "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n[dev-dependencies]\nproptest = \"1\"\n"
		       "[features]\ndefault = []\n",
		       "dependency:5:adds or bumps the crate `serde`;dependency:7:adds or bumps the crate `proptest`",
		       PG_TIER_MEDIUM);
	expect_signals("package.json",
		       "{\n  \"name\": \"x\",\n  \"scripts\": {\n    \"postinstall\": \"node x.js\",\n    \"build\": \"tsc\"\n  },\n"
		       "  \"dependencies\": {\n    \"left-pad\": \"^1.0.0\"\n  }\n}\n",
		       "automation:4:changes the npm `postinstall` script (runs on every install);"
		       "automation:4:changes the npm script `postinstall`;"
		       "automation:5:changes the npm script `build`;"
		       "dependency:8:adds or bumps the package `left-pad`",
		       PG_TIER_HIGH);
}

static void test_paths(void **state)
{
	expect_signals(".github/workflows/ci.yml", "on: push\n",
		       "automation:1:changes a CI workflow (runs with the repository's secrets)", PG_TIER_HIGH);
	expect_signals("build.rs", "fn main() {}\n", "automation:1:changes build.rs (runs at every build)",
		       PG_TIER_HIGH);
	expect_signals("scripts/clean.sh", "#!/bin/sh\nrm -rf \"$1\"\n",
		       "destructive:2:a script deletes files recursively (`rm -rf`)", PG_TIER_HIGH);
	/* the whole-text search matches "rm\n-rf" across lines 2-3, which is
	 * no line's match; lines 4 and 6 are found after it, line 6 once */
	expect_signals("scripts/clean.sh", "#!/bin/sh\nrm\n-rf x\nrm -rf a\necho\nrm -rf b; rm -fr c\n",
		       "destructive:4:a script deletes files recursively (`rm -rf`);"
		       "destructive:6:a script deletes files recursively (`rm -rf`)",
		       PG_TIER_HIGH);
	expect_signals("config.txt", "key = AKIAABCDEFGHIJKLMNOP\n", "docs:0:documentation", PG_TIER_LOW);
	expect_signals("src/keys.rs", "const K: &str = \"AKIAABCDEFGHIJKLMNOP\";\n",
		       "secrets:1:a credential-looking literal is committed", PG_TIER_HIGH);
}

static void test_lowering(void **state)
{
	expect_signals("tests/it.rs", "fn t() { std::fs::remove_dir_all(\"x\").ok(); }\n", "tests:0:test-only change",
		       PG_TIER_LOW);
	expect_signals("web/app.test.js", "fetch('x');\n", "tests:0:test-only change", PG_TIER_LOW);
	expect_signals("docs/guide.md", "rm -rf /\n", "docs:0:documentation", PG_TIER_LOW);
	expect_signals("static/lib.min.js", "fetch(x)\n", "generated:0:generated, minified or vendored file",
		       PG_TIER_LOW);
	expect_signals("src/gen.rs", "// @generated by tool\nfn f() { std::fs::remove_file(\"x\").ok(); }\n",
		       "generated:0:generated file (marked as such)", PG_TIER_LOW);
}

static void test_untested_thresholds(void **state)
{
	pg_buf b;
	pg_stakes_tier tier;
	char *got;
	int i;
	pg_buf_init(&b, 1 << 20);
	for (i = 0; i < 60; i++)
		pg_buf_printf(&b, "function f%d() { return %d; }\n", i, i);
	got = signals_of("web/a.js", b.ptr, true, &tier);
	assert_string_equal(got, "untested:0:60 lines of code added with no test changed");
	assert_int_equal(tier, PG_TIER_MEDIUM);
	free(got);
	got = signals_of("web/a.js", b.ptr, false, &tier);
	assert_string_equal(got, "");
	free(got);
	for (; i < 200; i++)
		pg_buf_printf(&b, "function f%d() { return %d; }\n", i, i);
	got = signals_of("web/a.js", b.ptr, true, &tier);
	assert_string_equal(got, "untested:0:200 lines of code added with no test changed");
	assert_int_equal(tier, PG_TIER_HIGH);
	free(got);
	pg_buf_dispose(&b);
}

static void test_whitespace_ranges(void **state)
{
	const char *text = "fn f() {\n    std::fs::remove_file(\"a\").ok();\n    std::fs::remove_file(\"b\").ok();\n}\n";
	pg_line_range range, ws = { 3, 3 };
	pg_file f = make_file("src/a.rs", text, &range);
	pg_stakes_file sf;
	f.status = PG_FILE_MODIFIED;
	/* only line 3 changed beyond whitespace: line 2's signal is old code */
	assert_int_equal(pg_stakes_classify_file(&f, &ws, 1, true, false, NULL, NULL, &sf), 0);
	assert_int_equal(sf.signals.len, 1);
	assert_int_equal(PG_VEC_AT(&sf.signals, pg_stakes_signal, 0)->line, 3);
	pg_stakes_file_dispose(&sf);
	/* nothing beyond whitespace: formatting only */
	assert_int_equal(pg_stakes_classify_file(&f, NULL, 0, true, false, NULL, NULL, &sf), 0);
	assert_int_equal(sf.signals.len, 1);
	assert_string_equal(PG_VEC_AT(&sf.signals, pg_stakes_signal, 0)->reason, "formatting only");
	assert_int_equal(sf.tier, PG_TIER_LOW);
	assert_true(PG_VEC_AT(&sf.hunks, pg_stakes_hunk, 0)->formatting);
	assert_string_equal(sf.hint, "nothing to exercise: only whitespace changed");
	pg_stakes_file_dispose(&sf);
}

static void test_hints(void **state)
{
	pg_line_range range;
	pg_file f = make_file("src/cli.rs", "#[derive(Parser)]\nstruct Cli {\n    #[arg(long)]\n    dry_run: bool,\n}\n", &range);
	pg_stakes_file sf;
	assert_int_equal(pg_stakes_classify_file(&f, NULL, 0, false, false, NULL, NULL, &sf), 0);
	assert_string_equal(sf.hint, "run the command with the option --dry_run");
	pg_stakes_file_dispose(&sf);
	f = make_file("page.html", "<button>Go</button>\n", &range);
	assert_int_equal(pg_stakes_classify_file(&f, NULL, 0, false, false, NULL, NULL, &sf), 0);
	assert_string_equal(sf.hint, "open page.html in a browser and use the changed controls (lines 1-1)");
	pg_stakes_file_dispose(&sf);
}

static void test_agent_detection(void **state)
{
	char *marker = NULL;
	const char *a;
	char *authors[] = { "*ci-robot*", NULL };
	char *trailers[] = { "Assisted-by: *", NULL };
	pg_stakes_opts opts = { NULL, authors, trailers, 0 };
	a = pg_stakes_agent_of("Jo", "jo@x.org", "fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", NULL, &marker);
	assert_string_equal(a, "Claude");
	assert_string_equal(marker, "Co-authored-by: Claude <noreply@anthropic.com>");
	free(marker);
	a = pg_stakes_agent_of("Jo", "jo@x.org", "fix\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n", NULL, &marker);
	assert_string_equal(a, "Claude");
	free(marker);
	a = pg_stakes_agent_of("Jo", "jo@x.org", "x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", NULL, &marker);
	assert_string_equal(a, "Copilot");
	free(marker);
	a = pg_stakes_agent_of("aider (gpt-4o)", "noreply@aider.chat", "feat: x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>", NULL, &marker);
	assert_string_equal(a, "Aider");
	free(marker);
	a = pg_stakes_agent_of("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "x", NULL, &marker);
	assert_string_equal(a, "Devin");
	free(marker);
	a = pg_stakes_agent_of("renovate[bot]", "bot@renovateapp.com", "x", NULL, &marker);
	assert_string_equal(a, "bot");
	free(marker);
	/* humans, and words that only contain an agent's name */
	a = pg_stakes_agent_of("Jo", "jo@x.org", "decline the cursory review\n\nCo-authored-by: Jane <jane@x.org>", NULL, &marker);
	assert_null(a);
	assert_null(marker);
	a = pg_stakes_agent_of("Ci Robot", "ci-robot@x.org", "x", &opts, &marker);
	assert_string_equal(a, "configured");
	free(marker);
	a = pg_stakes_agent_of("Jo", "jo@x.org", "x\n\nAssisted-by: SomeTool\n", &opts, &marker);
	assert_string_equal(a, "configured");
	assert_string_equal(marker, "Assisted-by: SomeTool");
	free(marker);
}

static void test_argv_split(void **state)
{
	char **argv = pg_stakes_argv_split("agent --mode 'two words' \"a'b\" $(x)");
	assert_non_null(argv);
	assert_string_equal(argv[0], "agent");
	assert_string_equal(argv[1], "--mode");
	assert_string_equal(argv[2], "two words");
	assert_string_equal(argv[3], "a'b");
	assert_string_equal(argv[4], "$(x)");
	assert_null(argv[5]);
	pg_stakes_argv_free(argv);
	assert_null(pg_stakes_argv_split("  "));
	assert_null(pg_stakes_argv_split("a 'b"));
}

static void test_agent_exec(void **state)
{
	char *argv_cat[] = { "cat", NULL };
	char *argv_sleep[] = { "sleep", "5", NULL };
	char *out, *status;
	bool trunc;
	assert_int_equal(pg_stakes_agent_exec(argv_cat, "hello", 5, 5000, 3, &out, &trunc, &status), 0);
	assert_string_equal(out, "hel");
	assert_true(trunc);
	assert_string_equal(status, "exit 0");
	free(out);
	free(status);
	assert_int_equal(pg_stakes_agent_exec(argv_sleep, "", 0, 200, 100, &out, &trunc, &status), PG_ERROR);
	assert_string_equal(status, "timed out after 1 s (killed)");
	free(out);
	free(status);
}

static void test_table_is_consistent(void **state)
{
	size_t i, k;
	for (i = 0; i < pg_signal_row_count; i++) {
		const pg_signal_row *r = &pg_signal_rows[i];
		assert_true(pg_signal_kinds[pg_signal_kind_rank(r->kind)] != NULL);
		assert_true(r->match != SIG_QUERY || pg_lang_by_name(r->language) != NULL);
		assert_true(r->match == SIG_PATH || r->pattern != NULL);
		for (k = 0; k < i; k++)
			assert_string_not_equal(r->id, pg_signal_rows[k].id);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rust_destructive_and_process),
		cmocka_unit_test(test_rust_test_code_is_not_a_signal),
		cmocka_unit_test(test_rust_secret_env_and_unsafe),
		cmocka_unit_test(test_rust_surface_and_clap),
		cmocka_unit_test(test_rust_network_and_sql),
		cmocka_unit_test(test_js_signals),
		cmocka_unit_test(test_js_in_html),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_lowering),
		cmocka_unit_test(test_untested_thresholds),
		cmocka_unit_test(test_whitespace_ranges),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_agent_detection),
		cmocka_unit_test(test_argv_split),
		cmocka_unit_test(test_agent_exec),
		cmocka_unit_test(test_table_is_consistent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
