/* libFuzzer target: the literals a regex requires (src/rules/prefilter.c),
 * checked against PCRE2 itself. The input is a regex, a NUL byte, and a
 * subject; whenever PCRE2 (with the engine's options) finds a match in the
 * subject, the subject must contain one of the literals the analysis
 * required, or the prefilter would hide a finding. The literal scan is
 * checked against a plain search at the same time. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "rules/prefilter.h"

static bool contains(const char *s, size_t n, const char *lit, bool icase)
{
	size_t k = strlen(lit), i;
	for (i = 0; i + k <= n; i++)
		if (icase ? strncasecmp(s + i, lit, k) == 0 : memcmp(s + i, lit, k) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nul = memchr(in, 0, size);
	size_t relen, sublen, k;
	pcre2_code *re;
	pcre2_match_data *md;
	int errc;
	PCRE2_SIZE erroff;
	pg_vec lits;
	bool icase, matched, found = false;
	if (!nul)
		return 0;
	relen = (size_t)(nul - in);
	sublen = size - relen - 1;
	re = pcre2_compile((PCRE2_SPTR)in, relen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errc, &erroff, NULL);
	if (!re)
		return 0;
	md = pcre2_match_data_create(4, NULL);
	matched = pcre2_match(re, (PCRE2_SPTR)(nul + 1), sublen, 0, 0, md, NULL) >= 0;
	pg_vec_init(&lits, sizeof(char *));
	if (pg_regex_literals(in, relen, &lits, &icase)) {
		pg_litscan *ls = pg_litscan_new();
		for (k = 0; k < lits.len; k++) {
			const char *l = *PG_VEC_AT(&lits, char *, k);
			if (!*l)
				abort(); /* an empty literal requires nothing */
			found = found || contains(nul + 1, sublen, l, icase);
			pg_litscan_add(ls, l, strlen(l), icase);
		}
		pg_litscan_build(ls);
		if (pg_litscan_any(ls, nul + 1, sublen) != found)
			abort(); /* the scan disagrees with a plain search */
		if (matched && !found)
			abort(); /* a match without any required literal */
		pg_litscan_free(ls);
	}
	for (k = 0; k < lits.len; k++)
		free(*PG_VEC_AT(&lits, char *, k));
	pg_vec_dispose(&lits);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return 0;
}
