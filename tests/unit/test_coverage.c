#define _GNU_SOURCE /* mkdtemp */
/* test_coverage.c - the coverage report parsers, path normalisation and
 * merged lookups; the tests search's mention hashes and its cache file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "coverage/coverage.h"
#include "coverage/cov_internal.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* --- the mentions cache ------------------------------------------------ */

static void oid_of(unsigned char oid[20], unsigned n)
{
	memset(oid, 0, 20);
	oid[0] = (unsigned char)(n >> 24);
	oid[1] = (unsigned char)(n >> 16);
	oid[2] = (unsigned char)(n >> 8);
	oid[3] = (unsigned char)n;
	oid[19] = 0xab;
}

static uint64_t *hashes_of(size_t n, uint64_t base)
{
	uint64_t *v = malloc(n * sizeof(uint64_t));
	size_t i;
	for (i = 0; i < n; i++)
		v[i] = base + i * 7;
	return v;
}

static char *cache_path(char *dir)
{
	memcpy(dir, "/tmp/pg-mentions-XXXXXX", sizeof("/tmp/pg-mentions-XXXXXX"));
	assert_non_null(mkdtemp(dir));
	return pg_printf_alloc("%s/prgate/test-mentions-v1", dir);
}

static void remove_cache(const char *dir, const char *path)
{
	char *sub = pg_printf_alloc("%s/prgate", dir);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	free(sub);
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* identifiers in test code, hashed: a non-test file from its first marker */
static void mention_hashes(void **state)
{
	static const char text[] = "fn a() { b(); }\n#[test]\nfn t() { c(); c(); 12; }\n";
	const char *want[] = { "test", "fn", "t", "c" };
	uint64_t *h, *w = malloc(4 * sizeof(uint64_t));
	size_t n, i, k;
	(void)state;
	for (i = 0; i < 4; i++)
		w[i] = pg_cov_ident_hash(want[i], strlen(want[i]));
	pg_cov_mention_hashes(text, strlen(text), false, &h, &n);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		bool in = false;
		if (i)
			assert_true(h[i - 1] < h[i]);
		for (k = 0; k < 4; k++)
			in = in || h[i] == w[k];
		assert_true(in);
	}
	free(h);
	/* a test file: everything; nothing before a marker otherwise */
	pg_cov_mention_hashes(text, strlen(text), true, &h, &n);
	assert_int_equal(n, 6); /* fn a b test t c */
	free(h);
	pg_cov_mention_hashes("fn a() { b(); }", 15, false, &h, &n);
	assert_int_equal(n, 0);
	assert_null(h);
	free(w);
}

static void mentions_roundtrip(void **state)
{
	char dir[64], *path = cache_path(dir), *warning;
	unsigned char oid[20];
	cov_mentions *m;
	cov_mention e;
	(void)state;

	m = pg_cov_mentions_open(path, &warning);
	assert_null(warning); /* no file yet: not worth a warning */
	oid_of(oid, 1);
	assert_false(pg_cov_mentions_get(m, oid, false, &e));
	pg_cov_mentions_put(m, oid, false, 100, true, hashes_of(3, 10), 3);
	pg_cov_mentions_put(m, oid, true, 100, true, hashes_of(5, 10), 5); /* same blob, a test path */
	oid_of(oid, 2);
	pg_cov_mentions_put(m, oid, false, 5, true, NULL, 0); /* binary, or no test code */
	oid_of(oid, 3);
	pg_cov_mentions_put(m, oid, false, 1001, false, NULL, 0); /* over the limit */
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);

	m = pg_cov_mentions_open(path, &warning);
	assert_null(warning);
	oid_of(oid, 1);
	assert_true(pg_cov_mentions_get(m, oid, false, &e));
	assert_true(e.scanned);
	assert_int_equal(e.size, 100);
	assert_int_equal(e.count, 3);
	assert_int_equal(e.hashes[0], 10);
	assert_int_equal(e.hashes[2], 24);
	assert_true(pg_cov_mentions_get(m, oid, true, &e));
	assert_int_equal(e.count, 5);
	oid_of(oid, 2);
	assert_true(pg_cov_mentions_get(m, oid, false, &e));
	assert_true(e.scanned);
	assert_int_equal(e.count, 0);
	assert_false(pg_cov_mentions_get(m, oid, true, &e));
	oid_of(oid, 3);
	assert_true(pg_cov_mentions_get(m, oid, false, &e));
	assert_false(e.scanned);
	assert_int_equal(e.size, 1001);
	oid_of(oid, 4);
	assert_false(pg_cov_mentions_get(m, oid, false, &e));
	pg_cov_mentions_free(m);

	/* in memory only: nothing read, nothing written */
	m = pg_cov_mentions_open(NULL, &warning);
	assert_null(warning);
	oid_of(oid, 1);
	assert_false(pg_cov_mentions_get(m, oid, false, &e));
	pg_cov_mentions_put(m, oid, false, 1, true, NULL, 0);
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);
	remove_cache(dir, path);
	free(path);
}

static bool odd_exists(void *ctx, const unsigned char oid[20])
{
	(void)ctx;
	return oid[3] & 1;
}

/* Pruning on save: this run's entries stay; older ones only while their blob
 * exists, newest first, up to max(2 x this run's, 65,536) entries. */
static void mentions_prune(void **state)
{
	char dir[64], *path = cache_path(dir), *warning;
	unsigned char oid[20];
	cov_mentions *m;
	cov_mention e;
	unsigned i;
	(void)state;

	m = pg_cov_mentions_open(path, &warning);
	for (i = 1; i <= 8; i += i == 4 ? 4 : 1) {
		oid_of(oid, i);
		pg_cov_mentions_put(m, oid, false, i, true, hashes_of(1, i), 1);
	}
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);

	/* a run that looks up 2 (even: "gone" by odd_exists, but seen), peeks
	 * at 4 and 8 and marks 8 (seen as by a get), and adds 6 */
	m = pg_cov_mentions_open(path, &warning);
	oid_of(oid, 2);
	assert_true(pg_cov_mentions_get(m, oid, false, &e));
	oid_of(oid, 4);
	assert_true(pg_cov_mentions_peek(m, oid, false, &e));
	oid_of(oid, 8);
	assert_true(pg_cov_mentions_peek(m, oid, false, &e));
	assert_int_equal(e.size, 8);
	pg_cov_mentions_mark(m, &e);
	oid_of(oid, 6);
	pg_cov_mentions_put(m, oid, false, 6, true, NULL, 0);
	assert_int_equal(pg_cov_mentions_save(m, odd_exists, NULL), 0);
	pg_cov_mentions_free(m);

	m = pg_cov_mentions_open(path, &warning);
	assert_null(warning);
	for (i = 1; i <= 8; i++) {
		/* 4: only peeked at, and gone; 5, 7: never */
		bool want = i == 1 || i == 2 || i == 3 || i == 6 || i == 8;
		oid_of(oid, i);
		assert_int_equal(pg_cov_mentions_get(m, oid, false, &e), want);
	}
	/* nothing new: no write */
	oid_of(oid, 1);
	assert_true(pg_cov_mentions_get(m, oid, false, &e));
	unlink(path);
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	assert_int_equal(file_size(path), 0);
	pg_cov_mentions_free(m);

	/* the bound: 70,000 old entries, a run that adds one keeps 65,536 */
	m = pg_cov_mentions_open(path, &warning);
	for (i = 0; i < 70000; i++) {
		oid_of(oid, 100 + i);
		pg_cov_mentions_put(m, oid, false, 1, true, NULL, 0);
	}
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);
	assert_int_equal(file_size(path), 104 + 70000 * 48);
	m = pg_cov_mentions_open(path, &warning);
	oid_of(oid, 1);
	pg_cov_mentions_put(m, oid, false, 1, true, NULL, 0);
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);
	assert_int_equal(file_size(path), 104 + 65536 * 48);
	remove_cache(dir, path);
	free(path);
}

/* Any damage to the file: an empty cache, a warning (or none for another
 * version), never a crash or a wrong answer. */
static void mentions_damaged(void **state)
{
	char dir[64], *path = cache_path(dir), *warning;
	unsigned char oid[20], *good, *bad;
	size_t len, i;
	cov_mentions *m;
	cov_mention e;
	FILE *f;
	(void)state;

	m = pg_cov_mentions_open(path, &warning);
	for (i = 0; i < 50; i++) {
		oid_of(oid, (unsigned)i);
		pg_cov_mentions_put(m, oid, i & 1, 10, true, hashes_of(i % 5, i), i % 5);
	}
	assert_int_equal(pg_cov_mentions_save(m, NULL, NULL), 0);
	pg_cov_mentions_free(m);
	len = file_size(path);
	good = malloc(len);
	bad = malloc(len);
	f = fopen(path, "rb");
	assert_int_equal(fread(good, 1, len, f), len);
	fclose(f);

	/* the header: magic 0-7, format 8-11, byte order 12-15, key 16-79,
	 * generation 80-83, count 84-87, hashes 88-95, checksum 96-103 */
	srand(11);
	for (i = 0; i < 400; i++) {
		size_t n = len, k, at = 0;
		bool quiet = false, harmless = false, loaded;
		memcpy(bad, good, len);
		switch (i % 4) {
		case 0: n = (size_t)rand() % len; break; /* truncated */
		case 1: /* one byte changed */
			at = (size_t)rand() % len;
			bad[at] ^= (unsigned char)(1 + rand() % 255);
			quiet = at >= 8 && at < 80; /* another format or version */
			harmless = at >= 80 && at < 84; /* only orders pruning */
			break;
		case 2: /* garbage */
			for (k = 0; k < len; k++)
				bad[k] = (unsigned char)rand();
			break;
		default: /* a bit of the counts or the checksum */
			bad[84 + (size_t)rand() % 20] ^= (unsigned char)(1 << (rand() % 8));
			break;
		}
		f = fopen(path, "wb");
		assert_int_equal(fwrite(bad, 1, n, f), n);
		fclose(f);
		m = pg_cov_mentions_open(path, &warning);
		oid_of(oid, 3);
		loaded = pg_cov_mentions_get(m, oid, true, &e);
		assert_int_equal(loaded, harmless);
		if (loaded) {
			assert_int_equal(e.count, 3);
			assert_int_equal(e.hashes[2], 3 + 14);
		}
		if (quiet || harmless)
			assert_null(warning);
		else
			assert_non_null(warning);
		free(warning);
		pg_cov_mentions_free(m);
	}
	free(good);
	free(bad);
	remove_cache(dir, path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lcov_basic), cmocka_unit_test(lcov_errors), cmocka_unit_test(istanbul),
		cmocka_unit_test(llvm),       cmocka_unit_test(normalize),   cmocka_unit_test(garbage),
		cmocka_unit_test(mention_hashes), cmocka_unit_test(mentions_roundtrip), cmocka_unit_test(mentions_prune),
		cmocka_unit_test(mentions_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
