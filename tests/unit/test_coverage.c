/* test_coverage.c - the coverage report parsers, path normalisation and
 * merged lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "coverage/coverage.h"

static int parse(pg_covdata *d, const char *text)
{
	return pg_covdata_parse(d, "r", text, strlen(text));
}

/* hits of `path` line 1..n as a string "h1 h2 ..." ("-" for no data) */
static char *hits_str(const pg_covdata *d, const char *root, const char *path, uint32_t n)
{
	int64_t *h;
	pg_buf b;
	uint32_t i;
	pg_covdata_lookup(d, root, path, n, &h);
	pg_buf_init(&b, 0);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			pg_buf_putc(&b, ' ');
		if (h[i] < 0)
			pg_buf_putc(&b, '-');
		else
			pg_buf_printf(&b, "%lld", (long long)h[i]);
	}
	free(h);
	return pg_buf_detach(&b);
}

static void expect_hits(const pg_covdata *d, const char *root, const char *path, uint32_t n, const char *want)
{
	char *got = hits_str(d, root, path, n);
	assert_string_equal(got, want);
	free(got);
}

static void lcov_basic(void **state)
{
	pg_covdata d;
	(void)state;
	pg_covdata_init(&d);
	assert_int_equal(parse(&d, "TN:\r\nSF:./src/a.rs\r\nDA:1,3\r\nDA:3,0,abcdef\r\nDA:4,-1\r\nLF:2\r\nend_of_record\r\n"), 0);
	expect_hits(&d, NULL, "src/a.rs", 5, "3 - 0 - -");
	/* a second report merges by maximum */
	assert_int_equal(parse(&d, "SF:src\\a.rs\nDA:3,2\nDA:5,0\nend_of_record\n"), 0);
	expect_hits(&d, NULL, "src/a.rs", 5, "3 - 2 - 0");
	expect_hits(&d, NULL, "a.rs", 2, "- -");
	pg_covdata_dispose(&d);
}

static void expect_error(const char *text, const char *msg)
{
	pg_covdata d;
	pg_covdata_init(&d);
	assert_int_equal(pg_covdata_parse(&d, "r", text, strlen(text)), PG_ECONFIG);
	assert_string_equal(pg_error_last(), msg);
	pg_covdata_dispose(&d);
}

static void lcov_errors(void **state)
{
	(void)state;
	expect_error("", "r:1: empty coverage report");
	expect_error("DA:1,1\n", "r:1: DA: outside a record (no SF: before it)");
	expect_error("SF:a\nDA:1\nend_of_record\n", "r:2: DA: expects LINE,HITS");
	expect_error("SF:a\nDA:0,1\nend_of_record\n", "r:2: DA: bad line number");
	expect_error("SF:a\nDA:99999999999,1\nend_of_record\n", "r:2: DA: bad line number");
	expect_error("SF:a\nDA:1,x\nend_of_record\n", "r:2: DA: bad hit count");
	expect_error("SF:a\nSF:b\n", "r:2: SF: before the previous record's end_of_record");
	expect_error("SF:a\n", "r:1: the last record has no end_of_record");
	expect_error("hello world\n", "r:1: not an lcov line (expected KEY:VALUE)");
	expect_error("TN:x\n", "r:1: no SF: record: not an lcov tracefile");
	expect_error("end_of_record\n", "r:1: end_of_record without SF:");
}

static void istanbul(void **state)
{
	pg_covdata d;
	(void)state;
	pg_covdata_init(&d);
	/* two statements start on line 2: the larger count wins; line 4 has
	 * a statement without a count (no data) */
	assert_int_equal(parse(&d, "{\"/w/repo/src/a.js\": {\"path\": \"/w/repo/src/a.js\", "
				   "\"statementMap\": {\"0\": {\"start\": {\"line\": 1}, \"end\": {\"line\": 3}},"
				   " \"1\": {\"start\": {\"line\": 2}}, \"2\": {\"start\": {\"line\": 2}},"
				   " \"3\": {\"start\": {\"line\": 4}}},"
				   " \"s\": {\"0\": 1, \"1\": 0, \"2\": 5}}}"),
			 0);
	expect_hits(&d, "/w/repo/", "src/a.js", 4, "1 5 - -");
	pg_covdata_dispose(&d);
	expect_error("{\"a\": 1}", "r: at \"a\": a file's coverage must be an object");
	expect_error("{\"a\": {\"s\": {}}}", "r: at \"a\": missing \"statementMap\" or \"s\" object");
	expect_error("{\"a\": {\"statementMap\": {\"0\": {\"start\": {\"line\": -3}}}, \"s\": {\"0\": 1}}}",
		     "r: at \"a\": a statement's line is out of range");
	expect_error("{\"a\": {\"statementMap\": {\"0\": {\"start\": {\"line\": 1}}}, \"s\": {\"0\": -1}}}",
		     "r: at \"a\": a statement count must be a non-negative number");
	expect_error("{\"a\": [1,\n2", "r:2:1: invalid JSON: ']' expected near end of file");
}

static void llvm(void **state)
{
	pg_covdata d;
	(void)state;
	pg_covdata_init(&d);
	/* fn at 1:1 count 2 to 6:2; a branch region 3:9-5:6 count 0 (5:6 back
	 * to the function's count); a gap region; line 7 outside. */
	assert_int_equal(parse(&d, "{\"type\": \"llvm.coverage.json.export\", \"version\": \"2.0.1\", \"data\": [{\"files\": ["
				   "{\"filename\": \"src/m.rs\", \"segments\": ["
				   "[1, 1, 2, true, true, false], [3, 9, 0, true, true, false], [5, 6, 2, true, false, false],"
				   "[6, 2, 0, false, false, false]]}]}]}"),
			 0);
	/* line 1: region entry 2; line 2: wrapped 2; line 3: wrapped 2 and entry 0 → 2;
	 * line 4: wrapped 0; line 5: wrapped 0, no entry → 0; line 6: wrapped 2
	 * (5:6), the segment at 6:2 has no count and is not an entry → 2 */
	expect_hits(&d, NULL, "src/m.rs", 7, "2 2 2 0 0 2 -");
	pg_covdata_dispose(&d);
	expect_error("{\"data\": 3, \"type\": \"llvm.coverage.json.export\"}", "r: llvm-cov export without a \"data\" array");
	expect_error("{\"data\": [{\"files\": [{\"filename\": \"a\", \"segments\": [[2, 1, 1, true, true], [1, 1, 1, true, true]]}]}]}",
		     "r: at data[0].files[0].segments[1]: segments out of order");
	expect_error("{\"data\": [{\"files\": [{\"segments\": []}]}]}", "r: at data[0].files[0]: \"filename\" must be a string");
}

static void normalize(void **state)
{
	char *p;
	(void)state;
	p = pg_coverage_normalize_path("/home/u/repo/src/./a.rs", "/home/u/repo/");
	assert_string_equal(p, "src/a.rs");
	free(p);
	p = pg_coverage_normalize_path("././src//b.js", NULL);
	assert_string_equal(p, "src/b.js");
	free(p);
	p = pg_coverage_normalize_path("C:\\work\\repo\\src\\c.js", "C:/work/repo/");
	assert_string_equal(p, "src/c.js");
	free(p);
	p = pg_coverage_normalize_path("/other/src/a.rs", "/home/u/repo/");
	assert_string_equal(p, "/other/src/a.rs");
	free(p);
}

/* Garbage must give an error or records, never a crash. */
static void garbage(void **state)
{
	static const char *const inputs[] = {
		"{", "}", "{\"data\": [null]}", "{\"data\": [{\"files\": [null]}]}", "{\"x\": {\"statementMap\": [], \"s\": {}}}",
		"{\"x\": {\"statementMap\": {\"0\": null}, \"s\": {}}}", "SF:\n", "SF:a\nDA:,\nend_of_record\n",
		"SF:a\nDA:1,\nend_of_record\n", "\xEF\xBB\xBF", "SF:a\nDA:1,1\x00\nend_of_record\n", "[1,2]",
		"{\"data\": [{\"files\": [{\"filename\": \"a\", \"segments\": [[1, 1, -5, true, true]]}]}]}",
		"{\"data\": [{\"files\": [{\"filename\": \"a\", \"segments\": [[1, 1, 1e300, true, true, false]]}]}]}",
	};
	size_t i;
	char buf[512];
	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		pg_covdata d;
		int64_t *h;
		pg_covdata_init(&d);
		if (pg_covdata_parse(&d, "g", inputs[i], i == 10 ? 21 : strlen(inputs[i])) == 0) {
			pg_covdata_lookup(&d, NULL, "a", 3, &h);
			free(h);
		}
		pg_covdata_dispose(&d);
	}
	/* random bytes */
	srand(7);
	for (i = 0; i < 2000; i++) {
		pg_covdata d;
		size_t n = (size_t)rand() % sizeof(buf), k;
		for (k = 0; k < n; k++)
			buf[k] = "SFDA:,\n0123456789{}[]\"end_of_record:lin"[rand() % 40];
		pg_covdata_init(&d);
		(void)pg_covdata_parse(&d, "g", buf, n);
		pg_covdata_dispose(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lcov_basic), cmocka_unit_test(lcov_errors), cmocka_unit_test(istanbul),
		cmocka_unit_test(llvm),       cmocka_unit_test(normalize),   cmocka_unit_test(garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
