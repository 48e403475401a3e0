/* Unit tests for src/util: buffers, vectors, globs, lines, UTF-8, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void test_buf_grows_and_terminates(void **state)
{
	pg_buf b;
	int i;
	pg_buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(pg_buf_printf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.ptr[b.len], '\0');
	assert_memory_equal(b.ptr, "0,1,2,", 6);
	pg_buf_dispose(&b);
}

static void test_buf_cap_is_enforced(void **state)
{
	pg_buf b;
	pg_buf_init(&b, 8);
	assert_int_equal(pg_buf_puts(&b, "12345678"), 0);
	assert_int_equal(pg_buf_putc(&b, 'x'), PG_ELIMIT);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.ptr, "12345678");
	pg_buf_dispose(&b);
}

static void test_vec_push(void **state)
{
	pg_vec v;
	int i;
	pg_vec_init(&v, sizeof(int));
	for (i = 0; i < 100; i++)
		*(int *)pg_vec_push(&v) = i;
	assert_int_equal(v.len, 100);
	assert_int_equal(*PG_VEC_AT(&v, int, 57), 57);
	pg_vec_dispose(&v);
}

static void test_glob(void **state)
{
	assert_true(pg_glob_match("*.min.js", "dist/app.min.js"));
	assert_true(pg_glob_match("vendor/", "vendor/a/b.rs"));
	assert_false(pg_glob_match("vendor/", "src/vendor.rs"));
	assert_true(pg_glob_match("node_modules/", "web/node_modules/x/y.js"));
	assert_true(pg_glob_match("src/*.rs", "src/main.rs"));
	assert_false(pg_glob_match("src/*.rs", "src/a/main.rs"));
	assert_true(pg_glob_match("src/**/*.rs", "src/a/b/main.rs"));
	assert_true(pg_glob_match("src/**/*.rs", "src/main.rs"));
	assert_true(pg_glob_match("/top.js", "top.js"));
	assert_false(pg_glob_match("/top.js", "sub/top.js"));
	assert_true(pg_glob_match("*.test.*", "web/a.test.js"));
	assert_true(pg_glob_match("tests/", "tests/cli.rs"));
	assert_true(pg_glob_match("**/tests/**", "crate/tests/cli.rs"));
	assert_true(pg_glob_match("file[0-9].js", "file7.js"));
	assert_false(pg_glob_match("file[0-9].js", "filex.js"));
	/* the literal pre-check must not reject what the matcher accepts */
	assert_true(pg_glob_match("**/tests/**", "tests/cli.rs"));
	assert_true(pg_glob_match("*.[jt]s", "web/a.ts"));
	assert_false(pg_glob_match("*.[jt]s", "web/a.rs"));
	assert_true(pg_glob_match("[!x]oo.js", "lib/foo.js"));
	assert_true(pg_glob_match("a?c.js", "abc.js"));
	assert_false(pg_glob_match("**/__tests__/**", "src/tests/a.js"));
	assert_false(pg_glob_match("benches/", "src/bench.rs"));
}

/* A compiled set answers as pg_glob_match over its patterns, one by one. */
static void test_globset(void **state)
{
	static const char *const globs[] = { "*.min.js", "vendor/", "src/**/*.rs", "/top.js", "*.test.*",
					     "**/tests/**", "file[0-9].js", "*.[jt]s", "a\\*c.js", "", NULL };
	static const char *const paths[] = { "dist/app.min.js", "vendor/a/b.rs", "src/vendor.rs", "src/a/b/main.rs",
					     "top.js", "sub/top.js", "web/a.test.js", "tests/cli.rs",
					     "crate/tests/cli.rs", "file7.js", "filex.js", "web/a.ts", "web/a.rs",
					     "a*c.js", "abc.js", "README", "" };
	const char *one[2] = { NULL, NULL };
	pg_globset *all = pg_globset_new(globs), *single;
	size_t i, g;
	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		bool any = false;
		for (g = 0; globs[g]; g++) {
			bool want = pg_glob_match(globs[g], paths[i]);
			one[0] = globs[g];
			single = pg_globset_new(one);
			if (pg_globset_match(single, paths[i]) != want)
				fail_msg("'%s' on '%s': the set says %d", globs[g], paths[i], !want);
			pg_globset_free(single);
			any = any || want;
		}
		assert_int_equal(pg_globset_match(all, paths[i]), any);
	}
	assert_true(pg_globset_match(all, "web/node/x.test.mjs"));
	assert_false(pg_globset_match(all, "src/main.c"));
	assert_false(pg_globset_match(NULL, "a.js"));
	pg_globset_free(all);
}

static void test_lines(void **state)
{
	const char *t = "ab\ncd\n\nef";
	pg_lines l;
	pg_lines_init(&l, t, strlen(t));
	assert_int_equal(l.count, 4);
	assert_int_equal(pg_lines_find(&l, 0), 0);
	assert_int_equal(pg_lines_find(&l, 3), 1);
	assert_int_equal(pg_lines_find(&l, 6), 2);
	assert_int_equal(pg_lines_find(&l, 8), 3);
	pg_lines_dispose(&l);
	pg_lines_init(&l, "x\n", 2);
	assert_int_equal(l.count, 1); /* a final newline opens no new line */
	pg_lines_dispose(&l);
}

static void test_utf8_sanitize(void **state)
{
	char *s = pg_utf8_sanitize("a\xff" "b\xc3\xa9", 5);
	assert_string_equal(s, "a\xef\xbf\xbd" "b\xc3\xa9");
	free(s);
	s = pg_utf8_sanitize("\xe2\x82", 2); /* truncated sequence */
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = pg_utf8_sanitize("x\0y", 3); /* NUL is replaced */
	assert_string_equal(s, "x\xef\xbf\xbdy");
	free(s);
}

static void test_parse_long(void **state)
{
	long v = 0;
	assert_int_equal(pg_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(pg_parse_long("101", 0, 100, &v), PG_EUSAGE);
	assert_int_equal(pg_parse_long("4x", 0, 100, &v), PG_EUSAGE);
	assert_int_equal(pg_parse_long("", 0, 100, &v), PG_EUSAGE);
}

static void test_edit_distance(void **state)
{
	assert_int_equal(pg_edit_distance("severity", "severty"), 1);
	assert_int_equal(pg_edit_distance("", "abc"), 3);
	assert_int_equal(pg_edit_distance("filter", "filter"), 0);
}

static void test_fingerprint_ignores_whitespace_runs(void **state)
{
	char *a = pg_fingerprint("r/x/y", "a.rs", "main", "x.unwrap()", 10);
	char *b = pg_fingerprint("r/x/y", "a.rs", "main", "x.unwrap()", 10);
	char *c = pg_fingerprint("r/x/y", "a.rs", "main", "x .unwrap()", 11);
	char *d = pg_fingerprint("r/x/y", "a.rs", "other", "x.unwrap()", 10);
	char *e = pg_fingerprint("r/x/y", "a.rs", "main", "x\n   .unwrap()", 14);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 16);
	assert_string_equal(e, c); /* runs of whitespace fold to one */
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

static void test_error_message(void **state)
{
	assert_int_equal(pg_error_set(PG_ECONFIG, "bad %s at %d", "thing", 3), PG_ECONFIG);
	assert_string_equal(pg_error_last(), "bad thing at 3");
	pg_error_clear();
	assert_string_equal(pg_error_last(), "");
}

/* A task's function: records the thread it ran on, fails when asked. */
typedef struct task_probe {
	pthread_t ran_on;
	int result;
} task_probe;

static int probe(void *p)
{
	task_probe *t = p;
	t->ran_on = pthread_self();
	if (t->result < 0)
		return pg_error_set(t->result, "probe failed with %d", t->result);
	return t->result;
}

static void test_task_join_returns_result_and_message(void **state)
{
	task_probe ok = { 0, 7 }, bad = { 0, PG_ECONFIG };
	pg_task a, b;
	(void)state;
	pg_error_clear();
	pg_task_start(&a, probe, &ok);
	pg_task_start(&b, probe, &bad);
	assert_int_equal(pg_task_join(&a), 7);
	assert_string_equal(pg_error_last(), ""); /* a success sets no message */
	assert_int_equal(pg_task_join(&b), PG_ECONFIG);
	/* the message was set on the task's thread and is carried over */
	assert_string_equal(pg_error_last(), "probe failed with -4");
	assert_false(pthread_equal(ok.ran_on, pthread_self()));
	assert_false(pthread_equal(bad.ran_on, pthread_self()));
	pg_error_clear();
}

static void test_task_discard_keeps_callers_message(void **state)
{
	task_probe bad = { 0, PG_EGIT };
	pg_task t;
	(void)state;
	pg_task_start(&t, probe, &bad);
	pg_error_set(PG_EUSAGE, "the caller's own error");
	pg_task_discard(&t);
	assert_string_equal(pg_error_last(), "the caller's own error");
	pg_error_clear();
}

static int background_probe(void *p)
{
	int *policy = p;
	struct sched_param sp;
	pg_thread_background();
	return pthread_getschedparam(pthread_self(), policy, &sp) == 0 ? 0 : -1;
}

/* A task's own thread is lowered (SCHED_IDLE, 5 on Linux) where allowed; a
 * call outside a task thread never touches the caller's scheduling. */
static void test_thread_background_only_lowers_task_threads(void **state)
{
	struct sched_param sp;
	int before, after, on_task = -1;
	pg_task t;
	(void)state;
	assert_int_equal(pthread_getschedparam(pthread_self(), &before, &sp), 0);
	pg_thread_background();
	assert_int_equal(pthread_getschedparam(pthread_self(), &after, &sp), 0);
	assert_int_equal(after, before);
	pg_task_start(&t, background_probe, &on_task);
	assert_int_equal(pg_task_join(&t), 0);
	assert_int_equal(on_task, 5); /* Linux lets any thread lower itself so */
	assert_int_equal(pthread_getschedparam(pthread_self(), &after, &sp), 0);
	assert_int_equal(after, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_buf_cap_is_enforced),
		cmocka_unit_test(test_vec_push),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_globset),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_fingerprint_ignores_whitespace_runs),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_task_join_returns_result_and_message),
		cmocka_unit_test(test_task_discard_keeps_callers_message),
		cmocka_unit_test(test_thread_background_only_lowers_task_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
