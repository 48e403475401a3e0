/* report_lcov.c - lcov tracefiles (cargo llvm-cov --lcov, c8, nyc, jest,
 * geninfo): SF:path opens a record, DA:line,hits[,checksum] gives a line's
 * hits, end_of_record closes it. Other keys (TN, FN, FNDA, FNF, FNH, BRDA,
 * BRF, BRH, LF, LH, VER) carry nothing for line coverage and are skipped. */
#include "report.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE_LEN 65536

static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	if (n == 0)
		return -1;
	/* some generators write a negative count for "not executable" */
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			v = UINT64_MAX; /* saturate: a huge count is still "covered" */
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int pg_cov_parse_lcov(pg_covdata *d, const char *name, const char *text, size_t len)
{
	size_t i = 0, records = 0;
	uint32_t lineno = 0;
	pg_cov_record *cur = NULL;
	size_t cur_index = 0;
	while (i < len) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		i += n + 1;
		lineno++;
		if (n && s[n - 1] == '\r')
			n--;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n == 0)
			continue;
		if (n > MAX_LINE_LEN)
			return pg_error_set(PG_ECONFIG, "%s:%u: line too long for an lcov tracefile", name, lineno);
		if (memchr(s, '\0', n))
			return pg_error_set(PG_ECONFIG, "%s:%u: binary data in an lcov tracefile", name, lineno);
		if (n >= 3 && memcmp(s, "SF:", 3) == 0) {
			if (cur)
				return pg_error_set(PG_ECONFIG, "%s:%u: SF: before the previous record's end_of_record",
						    name, lineno);
			if (n == 3)
				return pg_error_set(PG_ECONFIG, "%s:%u: SF: without a path", name, lineno);
			cur = pg_vec_push(&d->records);
			cur->path = pg_strndup(s + 3, n - 3);
			pg_vec_init(&cur->lines, sizeof(pg_cov_line));
			cur_index = d->records.len - 1;
			records++;
		} else if (n >= 3 && memcmp(s, "DA:", 3) == 0) {
			const char *comma, *comma2;
			uint64_t line, hits;
			pg_cov_line *l;
			size_t rest;
			if (!cur)
				return pg_error_set(PG_ECONFIG, "%s:%u: DA: outside a record (no SF: before it)", name,
						    lineno);
			comma = memchr(s + 3, ',', n - 3);
			if (!comma)
				return pg_error_set(PG_ECONFIG, "%s:%u: DA: expects LINE,HITS", name, lineno);
			rest = (size_t)(s + n - (comma + 1));
			comma2 = memchr(comma + 1, ',', rest);
			if (comma2)
				rest = (size_t)(comma2 - (comma + 1));
			if (parse_u64(s + 3, (size_t)(comma - s - 3), PG_COV_MAX_LINE, &line) < 0 || line == 0)
				return pg_error_set(PG_ECONFIG, "%s:%u: DA: bad line number", name, lineno);
			if (rest && comma[1] == '-') {
				/* a negative count: no data for the line */
				continue;
			}
			if (parse_u64(comma + 1, rest, UINT64_MAX, &hits) < 0)
				return pg_error_set(PG_ECONFIG, "%s:%u: DA: bad hit count", name, lineno);
			cur = PG_VEC_AT(&d->records, pg_cov_record, cur_index);
			l = pg_vec_push(&cur->lines);
			l->line = (uint32_t)line;
			l->hits = hits;
		} else if (n == 13 && memcmp(s, "end_of_record", 13) == 0) {
			if (!cur)
				return pg_error_set(PG_ECONFIG, "%s:%u: end_of_record without SF:", name, lineno);
			cur = NULL;
		} else {
			size_t k = 0;
			while (k < n && (isupper((unsigned char)s[k]) || s[k] == '_'))
				k++;
			if (k == 0 || k == n || s[k] != ':')
				return pg_error_set(PG_ECONFIG, "%s:%u: not an lcov line (expected KEY:VALUE)", name,
						    lineno);
		}
	}
	if (cur)
		return pg_error_set(PG_ECONFIG, "%s:%u: the last record has no end_of_record", name, lineno);
	if (!records)
		return pg_error_set(PG_ECONFIG, "%s:%u: no SF: record: not an lcov tracefile", name, lineno ? lineno : 1);
	return 0;
}
