/* Unit tests for src/rules/prefilter: the literals a regex requires (exact
 * sets, each case as the regex's requirement written out), the cases where
 * it must require nothing, and the multi-literal scan. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/prefilter.h"
#include "util/util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The requirement of re as "lit|lit|..." (sorted), "i:" in front when it
 * holds in any case; "" when none. */
static char *req(const char *re)
{
	pg_vec out;
	pg_buf b;
	bool icase;
	size_t i;
	pg_vec_init(&out, sizeof(char *));
	pg_buf_init(&b, 0);
	if (pg_regex_literals(re, strlen(re), &out, &icase)) {
		assert_true(out.len > 0);
		qsort(out.items, out.len, sizeof(char *), cmp_str);
		if (icase)
			pg_buf_puts(&b, "i:");
		for (i = 0; i < out.len; i++) {
			if (i)
				pg_buf_putc(&b, '|');
			pg_buf_puts(&b, *PG_VEC_AT(&out, char *, i));
		}
	} else {
		assert_int_equal(out.len, 0);
	}
	for (i = 0; i < out.len; i++)
		free(*PG_VEC_AT(&out, char *, i));
	pg_vec_dispose(&out);
	return pg_buf_detach(&b);
}

#define EXPECT_REQ(re, want)                    \
	do {                                    \
		char *got_ = req(re);           \
		assert_string_equal(got_, want); \
		free(got_);                     \
	} while (0)

static void literals_of_rule_regexes(void **state)
{
	(void)state;
	EXPECT_REQ("^eval$", "eval");
	EXPECT_REQ("^(spawn|execFile)$", "execFile|spawn");
	EXPECT_REQ("^(((window|self|top|document)\\.)?location)(\\.href)?$", "location");
	EXPECT_REQ("location\\.(search|hash)\\b|document\\.(referrer|URL|documentURI)\\b|"
		   "(searchParams|[pP]arams|[qQ]uery)\\.get\\(|URLSearchParams\\(",
		   "Params.get(|Query.get(|URLSearchParams(|document.URL|document.documentURI|"
		   "document.referrer|location.hash|location.search|params.get(|query.get(");
	EXPECT_REQ("https?://", "http://|https://");
	EXPECT_REQ("Math\\.random\\s*\\(", "Math.random");
	EXPECT_REQ("clippy\\s*::", "clippy");
	EXPECT_REQ("^[\"']message[\"']$", "\"message\"|\"message'|'message\"|'message'");
	EXPECT_REQ("a+bcd", "bcd");
	EXPECT_REQ("(abc)+", "abc");
	EXPECT_REQ("(?:foo|bar)baz", "barbaz|foobaz");
	EXPECT_REQ("(?<name>alpha)", "alpha");
	EXPECT_REQ("x{2}token", "token");
	EXPECT_REQ("\\{literal\\}", "{literal}");
	EXPECT_REQ("^//(?![/!])TODO", "//TODO");
	/* (?i): any case; each 'k' or 's' also in the spelling PCRE2's
	 * Unicode folding maps to it (U+212A, U+017F), up to three of them;
	 * no non-ASCII letter: the longest piece between them */
	EXPECT_REQ("(?i)todo", "i:todo");
	EXPECT_REQ("(?i)^(fixme|todo)\\b", "i:fixme|todo");
#define LONG_S "\xc5\xbf"
#define KELVIN "\xe2\x84\xaa"
	EXPECT_REQ("(?i)password", "i:password|pas" LONG_S "word|pa" LONG_S "sword|pa" LONG_S LONG_S "word");
	EXPECT_REQ("(?i)kick", "i:kick|kic" KELVIN "|" KELVIN "ick|" KELVIN "ic" KELVIN);
	/* more than three: the longest piece with three ("a sassy ") */
	EXPECT_REQ("(?i)a sassy kiss", "i:a sassy |a sas" LONG_S "y |a sa" LONG_S "sy |a sa" LONG_S LONG_S "y |"
		   "a " LONG_S "assy |a " LONG_S "as" LONG_S "y |a " LONG_S "a" LONG_S "sy |a " LONG_S "a" LONG_S LONG_S
		   "y ");
	/* short ones too: the engine decides where they are worth a check */
	EXPECT_REQ("^\\{\\s*\\}$", "{");
	EXPECT_REQ("(foo)?b", "b");
	/* a back-reference: text unknown, the rest still counts */
	EXPECT_REQ("(a)\\1xyz", "xyz");
	EXPECT_REQ("x[[:alpha:]]yz", "yz");
	EXPECT_REQ("su[[:\"]|abcd", "abcd|su\"|su:|su[");
	EXPECT_REQ("x[[:^digit:]_]+yz", "yz");
	EXPECT_REQ("(?m)(?:\\A|^(?!//).*\\n)[ \\t]*\\K//[ \\t]*(?:let|var)\\b", "let|var");
}

static void regexes_that_require_nothing(void **state)
{
	(void)state;
	EXPECT_REQ("", "");
	EXPECT_REQ(".*", "");
	EXPECT_REQ("foo|.*", "");              /* one branch requires nothing */
	EXPECT_REQ("(abc)*", "");
	EXPECT_REQ("(?x) a b c", "");          /* extended syntax: not understood */
	EXPECT_REQ("\\x41bcd", "");            /* escapes with arguments */
	EXPECT_REQ("\\Qabc\\E", "");
	EXPECT_REQ("(?(1)abc|def)", "");
	EXPECT_REQ("[^abc]+", "");
	EXPECT_REQ("(unclosed", "");
	EXPECT_REQ("[a-z]+", "");
	EXPECT_REQ("(?i)\xc3\xa9\xc3\xa9", "");  /* nothing left between non-ASCII letters */
	/* "[:" not followed by a class name is two characters of the class,
	 * so the "||" after this class is still an empty alternative (found
	 * by fuzz_regex: the class was read up to the next ']') */
	EXPECT_REQ("su[:\"][[:\"]?|{99[:\"c'`]||x", "");
	/* a comment group: the quantifier after it applies to the 's' */
	EXPECT_REQ("abcs(?#c)*", "");
}

/* The requirement holds: every string a regex finds a match in contains a
 * literal of its requirement (checked with PCRE2 on sample strings). */
static void requirements_hold_on_samples(void **state)
{
	static const char *const regexes[] = {
		"^(((window|self|top|document)\\.)?location)(\\.href)?$",
		"https?://[a-z]+",
		"(?i)^(fixme|todo|xxx)\\b",
		"(?i)this is (just )?a stub",
		"(?i)keep",
		"(foo|bar)+baz",
		"ab?cde",
	};
	static const char *const samples[] = {
		"location", "window.location.href", "http://x", "https://abc", "TODO: x", "FixMe",
		"xxx later", "foofoobaz", "barbaz", "acde", "abcde", "nothing", "LOCATION",
		"THI" LONG_S " IS A STUB", "this i" LONG_S " just a " LONG_S "tub", KELVIN "EEP", "kee" KELVIN,
	};
	size_t r, s, k;
	(void)state;
	for (r = 0; r < sizeof(regexes) / sizeof(*regexes); r++) {
		int errc;
		PCRE2_SIZE erroff;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)regexes[r], PCRE2_ZERO_TERMINATED, PCRE2_UTF,
					       &errc, &erroff, NULL);
		pcre2_match_data *md = pcre2_match_data_create(4, NULL);
		pg_vec out;
		bool icase;
		assert_non_null(re);
		pg_vec_init(&out, sizeof(char *));
		assert_int_equal(pg_regex_literals(regexes[r], strlen(regexes[r]), &out, &icase), 1);
		for (s = 0; s < sizeof(samples) / sizeof(*samples); s++) {
			bool matched = pcre2_match(re, (PCRE2_SPTR)samples[s], strlen(samples[s]), 0, 0, md,
						   NULL) >= 0;
			bool contains = false;
			for (k = 0; k < out.len && !contains; k++) {
				const char *lit = *PG_VEC_AT(&out, char *, k);
				contains = icase ? strcasestr(samples[s], lit) != NULL
						 : strstr(samples[s], lit) != NULL;
			}
			if (matched && !contains)
				fail_msg("%s matches \"%s\", which contains none of its literals", regexes[r],
					 samples[s]);
		}
		for (k = 0; k < out.len; k++)
			free(*PG_VEC_AT(&out, char *, k));
		pg_vec_dispose(&out);
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
}

static void litscan_finds_each_literal(void **state)
{
	pg_litscan *ls = pg_litscan_new();
	uint8_t found[8];
	uint32_t he, she, his, hers, todo, loc;
	const char *text = "ushers wrote ToDo near window.Location";
	(void)state;
	he = pg_litscan_add(ls, "he", 2, false);
	she = pg_litscan_add(ls, "she", 3, false);
	his = pg_litscan_add(ls, "his", 3, false);
	hers = pg_litscan_add(ls, "hers", 4, false);
	todo = pg_litscan_add(ls, "todo", 4, true);
	loc = pg_litscan_add(ls, "location", 8, false); /* case-sensitive: absent */
	assert_int_equal(pg_litscan_add(ls, "she", 3, false), she);
	assert_int_equal(pg_litscan_count(ls), 6);
	pg_litscan_build(ls);
	memset(found, 0, sizeof(found));
	pg_litscan_run(ls, text, strlen(text), found);
	assert_int_equal(found[he], 1);
	assert_int_equal(found[she], 1);
	assert_int_equal(found[hers], 1);
	assert_int_equal(found[his], 0);
	assert_int_equal(found[todo], 1);
	assert_int_equal(found[loc], 0);
	assert_true(pg_litscan_any(ls, text, strlen(text)));
	assert_true(pg_litscan_any(ls, "my TODO list", 12));
	assert_false(pg_litscan_any(ls, "Location t0do", 13));
	assert_false(pg_litscan_any(ls, "", 0));
	/* a literal at the very end, and one cut off by it */
	memset(found, 0, sizeof(found));
	pg_litscan_run(ls, "xhis", 4, found);
	assert_int_equal(found[his], 1);
	memset(found, 0, sizeof(found));
	pg_litscan_run(ls, "xhe", 2, found);
	assert_int_equal(found[he], 0);
	pg_litscan_free(ls);
}

/* Against a plain search over every position: random texts over a small
 * alphabet, where literals overlap and share prefixes and suffixes. */
static void litscan_agrees_with_plain_search(void **state)
{
	static const char *const lits[] = { "ab", "abab", "bab", "ba", "aab", "bbb", "abba", "b" };
	bool icase[] = { false, true, false, true, false, false, true, false };
	pg_litscan *ls = pg_litscan_new();
	uint32_t seed = 12345, round;
	size_t i;
	(void)state;
	for (i = 0; i < 8; i++)
		pg_litscan_add(ls, lits[i], strlen(lits[i]), icase[i]);
	pg_litscan_build(ls);
	for (round = 0; round < 2000; round++) {
		char text[24];
		uint8_t found[8];
		size_t n = round % 24;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = "abAB"[(seed >> 16) % 4];
		}
		memset(found, 0, sizeof(found));
		pg_litscan_run(ls, text, n, found);
		for (i = 0; i < 8; i++) {
			size_t len = strlen(lits[i]), at;
			bool want = false;
			for (at = 0; at + len <= n && !want; at++)
				want = icase[i] ? strncasecmp(text + at, lits[i], len) == 0
						: memcmp(text + at, lits[i], len) == 0;
			if (found[i] != want)
				fail_msg("\"%.*s\": literal %s found %d, want %d", (int)n, text, lits[i], found[i],
					 want);
		}
	}
	pg_litscan_free(ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literals_of_rule_regexes),
		cmocka_unit_test(regexes_that_require_nothing),
		cmocka_unit_test(requirements_hold_on_samples),
		cmocka_unit_test(litscan_finds_each_literal),
		cmocka_unit_test(litscan_agrees_with_plain_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
