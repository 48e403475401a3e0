/* prefilter.c - the literals a regex requires, and a set of literals found
 * in one pass over a text (see prefilter.h). */
#define _GNU_SOURCE /* memmem */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

/* ---- the literals a regex requires ----
 *
 * Each part of the regex gets two descriptions, in the manner of RE2's
 * prefilter and Google Code Search's trigram queries:
 *   exact - every string the part matches, when they are few (else NULL);
 *   req   - literals one of which every string it matches contains (NULL:
 *           none known).
 * A sequence's exact set is the product of its parts'; an alternation's
 * the union. Anything not understood gives "unknown" for the whole regex,
 * never a guess: a requirement that does not hold would make prgate skip a
 * document with a finding in it. */

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

#define MAX_SET 32  /* strings in an exact or required set */
#define MAX_CROSS 16 /* strings a product may make */
#define MAX_LEN 128 /* bytes in one of them */

typedef struct sset {
	char *s[MAX_SET];
	uint8_t len[MAX_SET];
	uint32_t n;
} sset;

typedef struct info {
	sset *exact; /* NULL: unknown */
	sset *req;   /* NULL: nothing required */
} info;

typedef struct rparse {
	const char *p, *end;
	bool fail, icase;
	uint32_t depth;
} rparse;

static void sset_free(sset *s)
{
	uint32_t i;
	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s);
}

static void info_free(info *in)
{
	sset_free(in->exact);
	sset_free(in->req);
	in->exact = in->req = NULL;
}

static sset *sset_new(void)
{
	return pg_calloc(1, sizeof(sset));
}

/* Add s[0, n) unless there (false: the set is full or s too long). */
static bool sset_add(sset *set, const char *s, size_t n)
{
	uint32_t i;
	if (n > MAX_LEN)
		return false;
	for (i = 0; i < set->n; i++)
		if (set->len[i] == n && memcmp(set->s[i], s, n) == 0)
			return true;
	if (set->n == MAX_SET)
		return false;
	set->s[set->n] = pg_strndup(s, n);
	set->len[set->n] = (uint8_t)n;
	set->n++;
	return true;
}

static sset *sset_of(const char *s, size_t n)
{
	sset *set = sset_new();
	sset_add(set, s, n);
	return set;
}

static sset *sset_copy(const sset *a)
{
	sset *c;
	uint32_t i;
	if (!a)
		return NULL;
	c = sset_new();
	for (i = 0; i < a->n; i++)
		sset_add(c, a->s[i], a->len[i]);
	return c;
}

static uint32_t sset_min_len(const sset *a)
{
	uint32_t i, m = UINT32_MAX;
	for (i = 0; i < a->n; i++)
		if (a->len[i] < m)
			m = a->len[i];
	return m;
}

/* a ∪ b, or NULL when it does not fit (either NULL: NULL). */
static sset *sset_union(const sset *a, const sset *b)
{
	sset *u;
	uint32_t i;
	if (!a || !b)
		return NULL;
	u = sset_copy(a);
	for (i = 0; i < b->n; i++)
		if (!sset_add(u, b->s[i], b->len[i])) {
			sset_free(u);
			return NULL;
		}
	return u;
}

/* Every concatenation of a string of a and one of b, or NULL. */
static sset *sset_cross(const sset *a, const sset *b)
{
	sset *c;
	uint32_t i, j;
	if (!a || !b || (uint64_t)a->n * b->n > MAX_CROSS)
		return NULL;
	c = sset_new();
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			char buf[2 * MAX_LEN];
			memcpy(buf, a->s[i], a->len[i]);
			memcpy(buf + a->len[i], b->s[j], b->len[j]);
			if (!sset_add(c, buf, (size_t)a->len[i] + b->len[j])) {
				sset_free(c);
				return NULL;
			}
		}
	return c;
}

/* Drop each string that contains another: as a requirement ("one of them
 * occurs") the set means the same, and stays small. */
static void sset_minimize(sset *set)
{
	uint32_t i = 0, j;
	while (set && i < set->n) {
		bool implied = false;
		for (j = 0; j < set->n && !implied; j++)
			implied = j != i && set->len[j] <= set->len[i] && memmem(set->s[i], set->len[i], set->s[j], set->len[j]);
		if (implied) {
			free(set->s[i]);
			set->s[i] = set->s[set->n - 1];
			set->len[i] = set->len[set->n - 1];
			set->n--;
		} else {
			i++;
		}
	}
}

/* The longest string inside every string of set (of at least
 * PG_PREFILTER_MIN_LITERAL bytes), into buf; its length, or 0. */
static size_t common_part(const sset *set, char *buf)
{
	uint32_t i, k, shortest = 0;
	size_t len, at;
	for (i = 1; i < set->n; i++)
		if (set->len[i] < set->len[shortest])
			shortest = i;
	if (set->len[shortest] > 32)
		return 0;
	for (len = set->len[shortest]; len >= PG_PREFILTER_MIN_LITERAL; len--)
		for (at = 0; at + len <= set->len[shortest]; at++) {
			const char *cand = set->s[shortest] + at;
			for (k = 0; k < set->n; k++)
				if (!memmem(set->s[k], set->len[k], cand, len))
					break;
			if (k == set->n) {
				memcpy(buf, cand, len);
				return len;
			}
		}
	return 0;
}

/* What every match contains: the exact set when known and without the
 * empty string (else nothing can be required of it), or req. */
static sset *req_of(const info *in)
{
	if (in->exact)
		return in->exact->n && sset_min_len(in->exact) > 0 ? sset_copy(in->exact) : NULL;
	return sset_copy(in->req);
}

/* Make a requirement smaller without weakening it much: minimized, and a
 * set of many strings that share a part (["'`]constructor["'`]) becomes
 * that part. */
static void shrink(sset **r)
{
	char part[MAX_LEN];
	size_t n;
	sset_minimize(*r);
	if (*r && (*r)->n > 8 && (n = common_part(*r, part)) > 0) {
		sset_free(*r);
		*r = sset_of(part, n);
	}
}

/* The union of two requirements (consumes both), each shrunk first; NULL
 * (nothing required) when it does not fit. */
static sset *req_union(sset *a, sset *b)
{
	sset *u;
	if (!a || !b) {
		sset_free(a);
		sset_free(b);
		return NULL;
	}
	shrink(&a);
	shrink(&b);
	u = sset_union(a, b);
	sset_free(a);
	sset_free(b);
	return u;
}

/* The more selective of two requirements (its shortest literal longer);
 * consumes both. */
static sset *best(sset *a, sset *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (sset_min_len(b) > sset_min_len(a)) {
		sset_free(a);
		return b;
	}
	sset_free(b);
	return a;
}

static info unknown(void)
{
	info in = { NULL, NULL };
	return in;
}

static info exactly(const char *s, size_t n)
{
	info in = { sset_of(s, n), NULL };
	return in;
}

static info fail(rparse *rp)
{
	rp->fail = true;
	return unknown();
}

static info parse_alt(rparse *rp);

/* A character class: its few characters, or unknown. */
static info parse_class(rparse *rp)
{
	char chars[16];
	size_t n = 0;
	bool known = true, first = true;
	if (rp->p < rp->end && *rp->p == '^') {
		known = false;
		rp->p++;
	}
	for (;;) {
		char c;
		if (rp->p >= rp->end)
			return fail(rp);
		c = *rp->p++;
		if (c == ']' && !first)
			break;
		first = false;
		if (c == '[' && rp->p < rp->end && *rp->p == ':') {
			/* [:alpha:] or [:^alpha:]; any other "[:" is two
			 * characters of the class, as PCRE2 reads it */
			const char *q = rp->p + 1;
			if (q < rp->end && *q == '^')
				q++;
			while (q < rp->end && *q >= 'a' && *q <= 'z')
				q++;
			if (q + 1 < rp->end && q > rp->p + 1 && q[0] == ':' && q[1] == ']') {
				rp->p = q + 2;
				known = false;
				continue;
			}
		}
		if (c == '\\') {
			if (rp->p >= rp->end)
				return fail(rp);
			c = *rp->p++;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
				/* \d, \w, \x41, \p{L}, ...: not a literal; the
				 * forms with arguments are not skipped reliably */
				if (strchr("dDwWsShHvVN", c)) {
					known = false;
					continue;
				}
				if (!strchr("ntrfea", c))
					return fail(rp);
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'f' ? '\f' : c == 'e' ? 0x1b : 0x07;
			}
		} else if (c == '-' && rp->p < rp->end && *rp->p != ']' && n) {
			known = false; /* a range */
			continue;
		} else if ((unsigned char)c >= 0x80) {
			known = false; /* a multi-byte character */
			continue;
		}
		if (n < sizeof(chars))
			chars[n++] = c;
		else
			known = false;
	}
	if (known && n && n <= 8) {
		info in = { sset_new(), NULL };
		size_t i;
		for (i = 0; i < n; i++)
			sset_add(in.exact, &chars[i], 1);
		return in;
	}
	return unknown();
}

/* A group after its '(': the alternation, or nothing (lookaround, flags). */
static info parse_group(rparse *rp)
{
	info in;
	bool zero_width = false;
	if (rp->p < rp->end && *rp->p == '?') {
		const char *q = rp->p + 1;
		if (q >= rp->end)
			return fail(rp);
		if (*q == ':' || *q == '|' || *q == '>') {
			rp->p = q + 1;
		} else if (*q == '=' || *q == '!') {
			rp->p = q + 1;
			zero_width = true;
		} else if (*q == '<' && q + 1 < rp->end && (q[1] == '=' || q[1] == '!')) {
			rp->p = q + 2;
			zero_width = true;
		} else if (*q == '<' || *q == '\'' || (*q == 'P' && q + 1 < rp->end && q[1] == '<')) {
			char close = *q == '\'' ? '\'' : '>';
			const char *e = memchr(q, close, (size_t)(rp->end - q));
			if (!e || e == q)
				return fail(rp);
			rp->p = e + 1; /* a named group */
		} else {
			/* flags: (?i) (?i:...) (?-i) (?s) (?m); (?x) changes what
			 * the rest means: not understood */
			bool neg = false;
			for (; q < rp->end && *q != ')' && *q != ':'; q++) {
				if (*q == '-')
					neg = true;
				else if (*q == 'i' && !neg)
					rp->icase = true;
				else if (!strchr("imsnU", *q) && !(*q == 'J'))
					return fail(rp);
			}
			if (q >= rp->end)
				return fail(rp);
			rp->p = q + 1;
			if (*q == ')')
				return exactly("", 0);
		}
	} else if (rp->p < rp->end && *rp->p == '*') {
		return fail(rp); /* (*VERB) */
	}
	if (++rp->depth > 64)
		return fail(rp);
	in = parse_alt(rp);
	rp->depth--;
	if (rp->fail || rp->p >= rp->end || *rp->p != ')')
		return info_free(&in), fail(rp);
	rp->p++;
	if (zero_width) {
		info_free(&in);
		return exactly("", 0);
	}
	return in;
}

static info parse_atom(rparse *rp)
{
	unsigned char c = (unsigned char)*rp->p++;
	char lit;
	switch (c) {
	case '(':
		return parse_group(rp);
	case '[':
		return parse_class(rp);
	case '.':
		return unknown();
	case '^':
	case '$':
		return exactly("", 0);
	case '*':
	case '+':
	case '?':
	case ')':
	case '|':
		return fail(rp);
	case '\\':
		if (rp->p >= rp->end)
			return fail(rp);
		c = (unsigned char)*rp->p++;
		if (strchr("bBAzZGK", c))
			return exactly("", 0);
		if (strchr("dDwWsShHvVRNXC", c))
			return unknown();
		switch (c) {
		case 'n': lit = '\n'; break;
		case 't': lit = '\t'; break;
		case 'r': lit = '\r'; break;
		case 'f': lit = '\f'; break;
		case 'e': lit = 0x1b; break;
		case 'a': lit = 0x07; break;
		default:
			/* \1 .. \9: a back-reference, text not known here
			 * (\10 and up may be octal: not understood) */
			if (c >= '1' && c <= '9' && (rp->p >= rp->end || *rp->p < '0' || *rp->p > '9'))
				return unknown();
			/* \p{..}, \x.., \g, \k, \Q..\E, ...: not understood */
			if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
				return fail(rp);
			lit = (char)c;
		}
		return exactly(&lit, 1);
	default:
		if (c >= 0x80) { /* the whole UTF-8 character: one atom */
			const char *s = rp->p - 1;
			while (rp->p < rp->end && ((unsigned char)*rp->p & 0xC0) == 0x80)
				rp->p++;
			return exactly(s, (size_t)(rp->p - s));
		}
		lit = (char)c;
		return exactly(&lit, 1);
	}
}

/* A decimal number at *q (capped: only small bounds matter here). */
static uint32_t number(const char **q, const char *end)
{
	uint32_t v = 0;
	while (*q < end && **q >= '0' && **q <= '9') {
		v = v * 10 + (uint32_t)(**q - '0');
		if (v > 100000)
			v = 100000;
		(*q)++;
	}
	return v;
}

/* {n}, {n,}, {n,m} at p: true with the bounds (m = UINT32_MAX: none). */
static bool braces(const char *p, const char *end, uint32_t *lo, uint32_t *hi, const char **after)
{
	uint32_t a, b;
	const char *q = p + 1;
	if (q >= end || *q < '0' || *q > '9')
		return false;
	a = b = number(&q, end);
	if (q < end && *q == ',') {
		q++;
		b = q < end && *q >= '0' && *q <= '9' ? number(&q, end) : UINT32_MAX;
	}
	if (q >= end || *q != '}')
		return false;
	*lo = a;
	*hi = b;
	*after = q + 1;
	return true;
}

static info parse_quantified(rparse *rp)
{
	info a, out;
	uint32_t lo = 1, hi = 1;
	const char *after;
	if (*rp->p == '{' && braces(rp->p, rp->end, &lo, &hi, &after))
		return fail(rp); /* a quantifier with nothing before it */
	a = parse_atom(rp);
	if (rp->fail || rp->p >= rp->end)
		return a;
	switch (*rp->p) {
	case '?':
		lo = 0, hi = 1, rp->p++;
		break;
	case '*':
		lo = 0, hi = UINT32_MAX, rp->p++;
		break;
	case '+':
		lo = 1, hi = UINT32_MAX, rp->p++;
		break;
	case '{':
		if (braces(rp->p, rp->end, &lo, &hi, &after))
			rp->p = after;
		else
			return a; /* a literal '{', taken by the next atom */
		break;
	default:
		return a;
	}
	if (rp->p < rp->end && (*rp->p == '?' || *rp->p == '+')) /* lazy, possessive */
		rp->p++;
	if (lo == 1 && hi == 1)
		return a;
	out = unknown();
	if (lo == 0) {
		if (hi == 1 && a.exact) {
			sset *empty = sset_of("", 0);
			out.exact = sset_union(a.exact, empty);
			sset_free(empty);
		}
	} else {
		out.req = req_of(&a);
	}
	info_free(&a);
	return out;
}

/* A literal character at rp->p that no quantifier follows: true with it,
 * rp->p past it. */
static bool plain_char(rparse *rp, char *c)
{
	const char *p = rp->p;
	unsigned char ch = (unsigned char)*p;
	size_t n = 1;
	if (ch >= 0x80 || strchr("^$.|?*+()[]{", ch))
		return false;
	if (ch == '\\') {
		if (p + 1 >= rp->end)
			return false;
		ch = (unsigned char)p[1];
		if (ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
			return false;
		n = 2;
	}
	if (p + n < rp->end && strchr("?*+{", p[n]))
		return false;
	*c = (char)ch;
	rp->p += n;
	return true;
}

/* Append c to every string of set, in place (false, set unchanged: one
 * would be too long). */
static bool append_char(sset *set, char c)
{
	uint32_t i;
	for (i = 0; i < set->n; i++)
		if (set->len[i] >= MAX_LEN)
			return false;
	for (i = 0; i < set->n; i++) {
		set->s[i] = pg_realloc(set->s[i], (size_t)set->len[i] + 2);
		set->s[i][set->len[i]++] = c;
		set->s[i][set->len[i]] = 0;
	}
	return true;
}

/* A sequence: the exact set of its current run of exactly known parts
 * grows by product ("ab" "c" -> "abc"); an inexact part, or a product too
 * large, ends the run, and the sequence's requirement is the best of its
 * runs' and its inexact parts'. */
static info parse_seq(rparse *rp)
{
	sset *run = sset_of("", 0), *req = NULL;
	bool all_exact = true;
	info out;
	while (!rp->fail && rp->p < rp->end && *rp->p != '|' && *rp->p != ')') {
		info x, r = { NULL, NULL };
		char c;
		/* the common case, a literal character not quantified: onto
		 * the run's strings in place (no set made per character) */
		const char *at = rp->p;
		if (plain_char(rp, &c)) {
			if (append_char(run, c))
				continue;
			rp->p = at; /* too long: the general way below */
		}
		x = parse_quantified(rp);
		r.exact = run;
		if (rp->fail) {
			info_free(&x);
			break;
		}
		if (x.exact) {
			sset *grown = sset_cross(run, x.exact);
			if (grown) {
				sset_free(run);
				run = grown;
			} else {
				all_exact = false;
				req = best(req, req_of(&r));
				sset_free(run);
				run = sset_copy(x.exact);
			}
		} else {
			all_exact = false;
			req = best(req, req_of(&r));
			req = best(req, req_of(&x));
			sset_free(run);
			run = sset_of("", 0);
		}
		info_free(&x);
	}
	if (all_exact) {
		out.exact = run;
		out.req = NULL;
		return out;
	}
	out.exact = NULL;
	{
		info r = { run, NULL };
		out.req = best(req, req_of(&r));
	}
	sset_free(run);
	return out;
}

static info parse_alt(rparse *rp)
{
	info acc = parse_seq(rp);
	while (!rp->fail && rp->p < rp->end && *rp->p == '|') {
		info b, u;
		sset *ra, *rb;
		rp->p++;
		b = parse_seq(rp);
		u.exact = sset_union(acc.exact, b.exact);
		ra = req_of(&acc);
		rb = req_of(&b);
		if (u.exact) {
			u.req = NULL;
			sset_free(ra);
			sset_free(rb);
		} else {
			u.req = req_union(ra, rb);
		}
		info_free(&acc);
		info_free(&b);
		acc = u;
	}
	return acc;
}

/* Under (?i), PCRE2 in UTF mode also matches 'k' with the Kelvin sign
 * (U+212A), 's' with the long s (U+017F), and a non-ASCII letter with its
 * other case: an ASCII-folded search for the literal alone could miss a
 * match. Keep the longest piece without a non-ASCII letter and with at most
 * MAX_KS of 'k' and 's' (a part of every match), and push it in every
 * spelling of those: "this is " is searched as "this is ", "thi\u017f is ",
 * "this i\u017f " and "thi\u017f i\u017f ". */
#define MAX_KS 3

static bool is_ks(char c)
{
	c = (char)(c | ((c >= 'A' && c <= 'Z') ? 0x20 : 0));
	return c == 'k' || c == 's';
}

static void push_icase(pg_vec *out, const char *s, size_t n)
{
	size_t i, start = 0, bs = 0, bl = 0, nks = 0;
	size_t at[MAX_KS];
	uint32_t mask, k;
	/* the longest window [start, i] with no byte >= 0x80 and at most
	 * MAX_KS k/s */
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80) {
			start = i + 1;
			nks = 0;
			continue;
		}
		if (is_ks(s[i]) && ++nks > MAX_KS) {
			while (!is_ks(s[start]))
				start++;
			start++;
			nks--;
		}
		if (i + 1 - start > bl)
			bs = start, bl = i + 1 - start;
	}
	for (i = bs, nks = 0; i < bs + bl; i++)
		if (is_ks(s[i]))
			at[nks++] = i - bs;
	for (mask = 0; mask < (1u << nks); mask++) {
		pg_buf b;
		size_t from = 0;
		pg_buf_init(&b, 0);
		for (k = 0; k < nks; k++) {
			pg_buf_put(&b, s + bs + from, at[k] - from);
			if (mask & (1u << k))
				pg_buf_puts(&b, (s[bs + at[k]] | 0x20) == 'k' ? "\xe2\x84\xaa" : "\xc5\xbf");
			else
				pg_buf_putc(&b, s[bs + at[k]]);
			from = at[k] + 1;
		}
		pg_buf_put(&b, s + bs + from, bl - from);
		for (i = 0; i < b.len; i++)
			if (b.ptr[i] >= 'A' && b.ptr[i] <= 'Z')
				b.ptr[i] |= 0x20;
		*(char **)pg_vec_push(out) = pg_buf_detach(&b);
	}
}

int pg_regex_literals(const char *re, size_t len, pg_vec *out, bool *icase)
{
	rparse rp = { re, re + len, false, false, 0 };
	info top;
	sset *req = NULL;
	uint32_t i;
	size_t k;
	*icase = false;
	/* a comment group is invisible to what follows it: in "s(?#c)*" the
	 * '*' applies to the 's' (found by fuzz_regex); not worth reading */
	if (memmem(re, len, "(?#", 3))
		return 0;
	top = parse_alt(&rp);
	if (!rp.fail && rp.p == rp.end)
		req = req_of(&top);
	info_free(&top);
	if (!req)
		return 0;
	shrink(&req);
	for (i = 0; i < req->n; i++) {
		if (rp.icase)
			push_icase(out, req->s[i], req->len[i]);
		else
			*(char **)pg_vec_push(out) = pg_strndup(req->s[i], req->len[i]);
	}
	sset_free(req);
	if (!out->len)
		return 0;
	/* one literal inside another: the longer is implied ("location" is
	 * in "window.location") */
	for (k = 0; k < out->len;) {
		char *a = *PG_VEC_AT(out, char *, k);
		size_t j;
		bool implied = false;
		for (j = 0; j < out->len && !implied; j++)
			implied = j != k && strstr(a, *PG_VEC_AT(out, char *, j)) != NULL;
		if (implied) {
			free(a);
			*PG_VEC_AT(out, char *, k) = *PG_VEC_AT(out, char *, out->len - 1);
			out->len--;
		} else {
			k++;
		}
	}
	for (k = 0; k < out->len; k++)
		if (!**PG_VEC_AT(out, char *, k))
			break;
	if (k < out->len) { /* (?i) left an empty piece: nothing required */
		for (k = 0; k < out->len; k++)
			free(*PG_VEC_AT(out, char *, k));
		out->len = 0;
		return 0;
	}
	*icase = rp.icase;
	return 1;
}

/* ---- literals searched for together: Aho-Corasick ---- */

typedef struct lit {
	char *s;
	uint32_t len;
	bool icase;
	uint32_t next_here; /* the next literal ending at the same state + 1 */
} lit;

struct pg_litscan {
	pg_vec lits; /* lit */
	uint32_t nclass;
	uint8_t cls[256]; /* folded byte -> class (0: in no literal) */
	/* the automaton, for the scan: per state and class, (next state *
	 * nclass) << 1, the low bit set when a literal may end in that state */
	uint32_t *step;
	uint32_t *out;    /* per state: first literal ending there + 1, or 0 */
	uint32_t *dict;   /* per state: nearest state on its fail chain with out, + 1 */
	bool built;
};


pg_litscan *pg_litscan_new(void)
{
	pg_litscan *ls = pg_calloc(1, sizeof(*ls));
	pg_vec_init(&ls->lits, sizeof(lit));
	return ls;
}

void pg_litscan_free(pg_litscan *ls)
{
	size_t i;
	if (!ls)
		return;
	for (i = 0; i < ls->lits.len; i++)
		free(PG_VEC_AT(&ls->lits, lit, i)->s);
	pg_vec_dispose(&ls->lits);
	free(ls->step);
	free(ls->out);
	free(ls->dict);
	free(ls);
}

uint32_t pg_litscan_add(pg_litscan *ls, const char *s, size_t len, bool icase)
{
	size_t i;
	lit *l;
	for (i = 0; i < ls->lits.len; i++) {
		l = PG_VEC_AT(&ls->lits, lit, i);
		if (l->len == len && l->icase == icase && memcmp(l->s, s, len) == 0)
			return (uint32_t)i;
	}
	l = pg_vec_push(&ls->lits);
	l->s = pg_strndup(s, len);
	l->len = (uint32_t)len;
	l->icase = icase;
	l->next_here = 0;
	return (uint32_t)(ls->lits.len - 1);
}

pg_litscan *pg_litscan_of(char *const *lits, size_t n, bool icase)
{
	pg_litscan *ls = pg_litscan_new();
	size_t k;
	for (k = 0; k < n; k++)
		pg_litscan_add(ls, lits[k], strlen(lits[k]), icase);
	pg_litscan_build(ls);
	return ls;
}

size_t pg_litscan_count(const pg_litscan *ls)
{
	return ls->lits.len;
}

void pg_litscan_build(pg_litscan *ls)
{
	uint32_t *delta, *fail_, *queue, qh = 0, qt = 0, s, c, nstates = 1, cap = 1;
	size_t i, k;
	/* classes: the folded bytes the literals use */
	memset(ls->cls, 0, sizeof(ls->cls));
	ls->nclass = 1;
	for (i = 0; i < ls->lits.len; i++) {
		const lit *l = PG_VEC_AT(&ls->lits, lit, i);
		for (k = 0; k < l->len; k++) {
			unsigned char b = fold((unsigned char)l->s[k]);
			if (!ls->cls[b])
				ls->cls[b] = (uint8_t)ls->nclass++;
		}
	}
	for (i = 0; i < 256; i++) /* upper case reads as its lower case */
		ls->cls[i] = ls->cls[fold((unsigned char)i)];
	for (i = 0; i < ls->lits.len; i++)
		cap += PG_VEC_AT(&ls->lits, lit, i)->len;
	/* the trie: delta[state * nclass + class], 0 = no edge yet */
	delta = pg_calloc((size_t)cap * ls->nclass, sizeof(uint32_t));
	ls->out = pg_calloc(cap, sizeof(uint32_t));
	ls->dict = pg_calloc(cap, sizeof(uint32_t));
	for (i = 0; i < ls->lits.len; i++) {
		lit *l = PG_VEC_AT(&ls->lits, lit, i);
		s = 0;
		for (k = 0; k < l->len; k++) {
			uint32_t *edge = &delta[(size_t)s * ls->nclass + ls->cls[(unsigned char)l->s[k]]];
			if (!*edge)
				*edge = nstates++;
			s = *edge;
		}
		l->next_here = ls->out[s];
		ls->out[s] = (uint32_t)i + 1;
	}
	/* breadth first: fail links, missing edges filled from them */
	fail_ = pg_calloc(nstates, sizeof(uint32_t));
	queue = pg_malloc(nstates * sizeof(uint32_t));
	for (c = 0; c < ls->nclass; c++) {
		uint32_t t = delta[c];
		if (t) {
			fail_[t] = 0;
			queue[qt++] = t;
		}
	}
	while (qh < qt) {
		s = queue[qh++];
		ls->dict[s] = ls->out[fail_[s]] ? fail_[s] + 1 : ls->dict[fail_[s]];
		for (c = 0; c < ls->nclass; c++) {
			uint32_t *edge = &delta[(size_t)s * ls->nclass + c];
			uint32_t via = delta[(size_t)fail_[s] * ls->nclass + c];
			if (*edge) {
				fail_[*edge] = via;
				queue[qt++] = *edge;
			} else {
				*edge = via;
			}
		}
	}
	free(fail_);
	free(queue);
	/* the step table in place of the trie, entry for entry (a second table
	 * as large would cost its page faults again) */
	for (i = 0; i < (size_t)nstates * ls->nclass; i++) {
		uint32_t t = delta[i];
		delta[i] = (t * ls->nclass) << 1 | (ls->out[t] || ls->dict[t] ? 1u : 0u);
	}
	ls->step = pg_realloc(delta, (size_t)nstates * ls->nclass * sizeof(uint32_t)); /* shrinks */
	ls->built = true;
}

/* The literals ending at text[end - 1], reached in state s (found NULL:
 * only whether there is one). */
static bool report(const pg_litscan *ls, uint32_t s, const char *text, size_t end, uint8_t *found)
{
	const lit *lits = ls->lits.items;
	bool any = false;
	for (;;) {
		uint32_t id;
		for (id = ls->out[s]; id; id = lits[id - 1].next_here) {
			const lit *l = &lits[id - 1];
			if (found && found[id - 1])
				continue;
			if (l->icase || memcmp(text + end - l->len, l->s, l->len) == 0) {
				if (!found)
					return true;
				found[id - 1] = 1;
				any = true;
			}
		}
		if (!ls->dict[s])
			return any;
		s = ls->dict[s] - 1;
	}
}

/* The scan: one table step per byte; e is (state * nclass) << 1 | may-end. */
void pg_litscan_run(const pg_litscan *ls, const char *text, size_t len, uint8_t *found)
{
	const uint32_t *step = ls->step;
	const uint8_t *cls = ls->cls;
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	uint32_t e = 0;
	if (!ls->built || !ls->lits.len)
		return;
	for (; p < end; p++) {
		e = step[(e >> 1) + cls[*p]];
		if (e & 1)
			report(ls, (e >> 1) / ls->nclass, text, (size_t)(p - (const unsigned char *)text) + 1, found);
	}
}

bool pg_litscan_any(const pg_litscan *ls, const char *text, size_t len)
{
	const uint32_t *step = ls->step;
	const uint8_t *cls = ls->cls;
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	uint32_t e = 0;
	if (!ls->built || !ls->lits.len)
		return false;
	for (; p < end; p++) {
		e = step[(e >> 1) + cls[*p]];
		if ((e & 1) && report(ls, (e >> 1) / ls->nclass, text,
				      (size_t)(p - (const unsigned char *)text) + 1, NULL))
			return true;
	}
	return false;
}
