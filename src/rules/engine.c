/* engine.c - one combined query per language, client-side predicates. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "engine.h"
#include "prefilter.h"
#include "query_check.h"
#include "qmatch.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum pred_op { P_EQ, P_NOT_EQ, P_MATCH, P_NOT_MATCH, P_ANY_OF, P_NOT_ANY_OF } pred_op;

/* pred - one compiled predicate of a pattern.
 *   capture     - the capture it tests
 *   rhs_capture - for #eq? @a @b, the other capture, or UINT32_MAX
 *   str         - the literal to compare with (#eq?)
 *   re          - compiled regex (#match?), interpreted
 *   jit         - its JIT-compiled copy, made by the first search (NULL
 *                 before; searches meanwhile interpret re): a run compiles
 *                 only the regexes it uses, on the worker threads
 *   uses        - searches so far
 *   any         - literals (#any-of?)
 *   need        - for a positive test, literals one of which the
 *                 capture's text then contains (prefilter.h), or NULL */
typedef struct pred {
	pred_op op;
	bool early; /* tested by the matcher as the capture is made (qmatch.h) */
	uint32_t capture;
	uint32_t rhs_capture;
	char *str;
	uint32_t str_len;
	pcre2_code *re;
	char *re_src; /* the regex's text (for the prefilter) */
	_Atomic(pcre2_code *) jit;
	atomic_uint uses;
	char **any;
	uint32_t any_count;
	char **need;
	uint32_t need_count;
	bool need_icase;
	pg_litscan *need_scan; /* need[] searched together, for long node texts */
} pred;

/* pattern_info - what the engine knows of one pattern of a combined query. */
typedef struct pattern_info {
	const pg_rule *rule;
	pred *preds;
	uint32_t pred_count;
	int narrow; /* index in preds of a #match? on @match, or -1 */
	/* the prefilter's groups of literal ids: the pattern can match only
	 * a document that holds a literal of each group. Encoded as
	 * [n, id1 .. idn, n, ...]; need_len 0: no requirement */
	uint32_t *need;
	uint32_t need_len;
} pattern_info;

/* lang_query - the compiled rules of one language: by prgate's matcher
 * (qm) or, with PG_ENGINE_TSQUERY, by libtree-sitter's (query). */
typedef struct lang_query {
	const pg_lang *lang;
	TSQuery *query;
	pg_qm *qm;
	pattern_info *patterns;
	uint32_t pattern_count;
	uint32_t match_capture; /* id of @match, or UINT32_MAX */
	size_t rules;
	pg_litscan *lits; /* the prefilter's literals, or NULL: none */
} lang_query;

struct pg_engine {
	lang_query langs[8];
	size_t count;
	pg_engine_backend backend;
	/* pg_engine_new_lazy: langs[i] is pg_languages[i]'s part (count: the
	 * table's length), compiled by the first thread that needs it
	 * (part_for); bad counts what did not compile */
	bool lazy;
	const pg_ruleset *sets[3];
	void (*on_error)(void *, const char *);
	void *ctx;
	atomic_int bad;
	struct {
		pthread_mutex_t mu;
		atomic_bool built;
	} slots[8];
};

/* The query tables compile_predicates() and pg_match_format() read, from
 * either matcher. */
static const TSQueryPredicateStep *lq_predicates(const lang_query *lq, uint32_t pi, uint32_t *len)
{
	return lq->qm ? pg_qm_predicates(lq->qm, pi, len) : ts_query_predicates_for_pattern(lq->query, pi, len);
}

static const char *lq_string(const lang_query *lq, uint32_t id, uint32_t *len)
{
	return lq->qm ? pg_qm_string(lq->qm, id, len) : ts_query_string_value_for_id(lq->query, id, len);
}

static const char *lq_capture_name(const lang_query *lq, uint32_t id, uint32_t *len)
{
	return lq->qm ? pg_qm_capture_name(lq->qm, id, len) : ts_query_capture_name_for_id(lq->query, id, len);
}

static uint32_t lq_capture_count(const lang_query *lq)
{
	return lq->qm ? pg_qm_capture_count(lq->qm) : ts_query_capture_count(lq->query);
}

static const char *query_error_name(TSQueryError e)
{
	switch (e) {
	case TSQueryErrorSyntax: return "syntax error";
	case TSQueryErrorNodeType: return "unknown node type";
	case TSQueryErrorField: return "unknown field";
	case TSQueryErrorCapture: return "unknown capture";
	case TSQueryErrorStructure: return "impossible pattern structure";
	case TSQueryErrorLanguage: return "grammar version mismatch";
	default: return "error";
	}
}

/* Report an error at byte `off` of a rule's query, as file:line:col. */
static void report_at(const pg_rule *r, uint32_t off, const char *what,
		      void (*on_error)(void *, const char *), void *ctx)
{
	uint32_t line = 0, col = 0, i;
	char msg[1024], near[48];
	size_t n = 0;
	for (i = 0; i < off && r->query[i]; i++) {
		if (r->query[i] == '\n') {
			line++;
			col = 0;
		} else {
			col++;
		}
	}
	while (r->query[off + n] && r->query[off + n] != '\n' && n < sizeof(near) - 1) {
		near[n] = r->query[off + n];
		n++;
	}
	near[n] = '\0';
	snprintf(msg, sizeof(msg), "%s:%u:%u: rule %s: %s in query (byte %u) near '%s'", r->source,
		 r->query_line + line, (r->query_column ? r->query_column : 1) + col, r->id, what, off,
		 near);
	pg_error_set(PG_ECONFIG, "%s", msg);
	if (on_error)
		on_error(ctx, msg);
}

static void pred_dispose(pred *p)
{
	uint32_t i;
	free(p->str);
	free(p->re_src);
	if (p->re)
		pcre2_code_free(p->re);
	if (atomic_load(&p->jit))
		pcre2_code_free(atomic_load(&p->jit));
	for (i = 0; i < p->any_count; i++)
		free(p->any[i]);
	free(p->any);
	for (i = 0; i < p->need_count; i++)
		free(p->need[i]);
	free(p->need);
	pg_litscan_free(p->need_scan);
}

/* need_memo - a regex's literals, worked out once per engine build (the
 * packs repeat their long regexes in several patterns). */
typedef struct need_memo {
	const char *src;
	pg_vec lits; /* char * */
	bool icase;
} need_memo;

static const need_memo *regex_needs(pg_vec *memos, const char *src)
{
	need_memo *m;
	size_t i;
	for (i = 0; i < memos->len; i++)
		if (strcmp(PG_VEC_AT(memos, need_memo, i)->src, src) == 0)
			return PG_VEC_AT(memos, need_memo, i);
	m = pg_vec_push(memos);
	m->src = src;
	pg_vec_init(&m->lits, sizeof(char *));
	pg_regex_literals(src, strlen(src), &m->lits, &m->icase);
	return m;
}

static void memos_dispose(pg_vec *memos)
{
	size_t i, k;
	for (i = 0; i < memos->len; i++) {
		need_memo *m = PG_VEC_AT(memos, need_memo, i);
		for (k = 0; k < m->lits.len; k++)
			free(*PG_VEC_AT(&m->lits, char *, k));
		pg_vec_dispose(&m->lits);
	}
	pg_vec_dispose(memos);
}

/* What a predicate tells of its capture's text when it holds: it contains
 * one of need[] (prefilter.h); for a #not-match?, when it does not hold. */
static void set_need(pred *p, pg_vec *memos)
{
	pg_vec v;
	uint32_t k;
	pg_vec_init(&v, sizeof(char *));
	if (p->op == P_MATCH || p->op == P_NOT_MATCH) {
		const need_memo *m = regex_needs(memos, p->re_src);
		for (k = 0; k < m->lits.len; k++)
			*(char **)pg_vec_push(&v) = pg_strdup(*PG_VEC_AT(&m->lits, char *, k));
		p->need_icase = m->icase;
	} else if (p->op == P_EQ && p->str && p->str_len && strlen(p->str) == p->str_len) {
		*(char **)pg_vec_push(&v) = pg_strdup(p->str);
	} else if (p->op == P_ANY_OF) {
		for (k = 0; k < p->any_count; k++)
			if (!*p->any[k])
				break;
		if (k == p->any_count)
			for (k = 0; k < p->any_count; k++)
				*(char **)pg_vec_push(&v) = pg_strdup(p->any[k]);
	}
	p->need = v.items;
	p->need_count = (uint32_t)v.len;
	if (!p->need_count) {
		pg_vec_dispose(&v);
		p->need = NULL;
		return;
	}
	if (p->op == P_MATCH || p->op == P_NOT_MATCH)
		p->need_scan = pg_litscan_of(p->need, p->need_count, p->need_icase);
}

/* Put the string comparisons before the regexes (keeping each group's
 * order), so a match that fails a cheap test never runs a regex: most
 * candidate matches fail (on the benchmark corpus, a pattern delivers tens
 * of thousands for a few dozen findings). */
static void order_predicates(pattern_info *info)
{
	uint32_t i, n = 0, narrow_at = UINT32_MAX;
	pred *sorted;
	if (info->pred_count < 2)
		return;
	sorted = pg_malloc(info->pred_count * sizeof(pred));
	for (i = 0; i < info->pred_count; i++)
		if (!info->preds[i].re)
			memcpy(&sorted[n++], &info->preds[i], sizeof(pred));
	for (i = 0; i < info->pred_count; i++)
		if (info->preds[i].re) {
			if ((int)i == info->narrow)
				narrow_at = n;
			memcpy(&sorted[n++], &info->preds[i], sizeof(pred));
		}
	if (narrow_at != UINT32_MAX)
		info->narrow = (int)narrow_at;
	free(info->preds);
	info->preds = sorted;
}

/* Compile the predicates of pattern `pi` in `q`. Returns 0, or -1 with
 * *what describing the problem. */
static int compile_predicates(const lang_query *q, uint32_t pi, pattern_info *info,
			      uint32_t match_capture, char *what, size_t what_len)
{
	uint32_t steps_len, i = 0;
	const TSQueryPredicateStep *steps = lq_predicates(q, pi, &steps_len);
	pg_vec preds;
	pg_vec_init(&preds, sizeof(pred));
	info->narrow = -1;
	while (i < steps_len) {
		uint32_t start = i, argc, nlen;
		const char *name;
		pred p;
		while (i < steps_len && steps[i].type != TSQueryPredicateStepTypeDone)
			i++;
		argc = i - start - 1;
		i++; /* skip Done */
		if (steps[start].type != TSQueryPredicateStepTypeString)
			continue;
		name = lq_string(q, steps[start].value_id, &nlen);
		if (name[nlen - 1] == '!')
			continue; /* directives (#set! ...) carry no condition */
		memset(&p, 0, sizeof(p));
		p.rhs_capture = UINT32_MAX;
		if (strcmp(name, "eq?") == 0)
			p.op = P_EQ;
		else if (strcmp(name, "not-eq?") == 0)
			p.op = P_NOT_EQ;
		else if (strcmp(name, "match?") == 0)
			p.op = P_MATCH;
		else if (strcmp(name, "not-match?") == 0)
			p.op = P_NOT_MATCH;
		else if (strcmp(name, "any-of?") == 0)
			p.op = P_ANY_OF;
		else if (strcmp(name, "not-any-of?") == 0)
			p.op = P_NOT_ANY_OF;
		else {
			snprintf(what, what_len, "unsupported predicate #%s", name);
			goto fail;
		}
		if (argc < 2 || steps[start + 1].type != TSQueryPredicateStepTypeCapture) {
			snprintf(what, what_len, "#%s needs a capture and a value", name);
			goto fail;
		}
		p.capture = steps[start + 1].value_id;
		if (p.op == P_EQ || p.op == P_NOT_EQ) {
			if (argc != 2) {
				snprintf(what, what_len, "#%s takes exactly two arguments", name);
				goto fail;
			}
			if (steps[start + 2].type == TSQueryPredicateStepTypeCapture) {
				p.rhs_capture = steps[start + 2].value_id;
			} else {
				const char *s = lq_string(q, steps[start + 2].value_id, &nlen);
				p.str = pg_strndup(s, nlen);
				p.str_len = nlen;
			}
		} else if (p.op == P_MATCH || p.op == P_NOT_MATCH) {
			int errcode;
			PCRE2_SIZE erroff;
			const char *s;
			if (argc != 2 || steps[start + 2].type != TSQueryPredicateStepTypeString) {
				snprintf(what, what_len, "#%s takes a capture and one regex string", name);
				goto fail;
			}
			s = lq_string(q, steps[start + 2].value_id, &nlen);
			p.re = pcre2_compile((PCRE2_SPTR)s, nlen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
					     &errcode, &erroff, NULL);
			if (!p.re) {
				PCRE2_UCHAR buf[256];
				pcre2_get_error_message(errcode, buf, sizeof(buf));
				snprintf(what, what_len, "bad regex \"%.*s\" at offset %zu: %s", (int)nlen, s,
					 (size_t)erroff, buf);
				goto fail;
			}
			if (p.op == P_MATCH && p.capture == match_capture && info->narrow < 0)
				info->narrow = (int)preds.len;
			p.re_src = pg_strndup(s, nlen);
		} else {
			uint32_t k;
			p.any = pg_calloc(argc, sizeof(char *));
			for (k = start + 2; k < start + 1 + argc; k++) {
				const char *s;
				if (steps[k].type != TSQueryPredicateStepTypeString) {
					p.any_count = k - start - 2;
					pred_dispose(&p);
					snprintf(what, what_len, "#%s takes literal strings", name);
					goto fail;
				}
				s = lq_string(q, steps[k].value_id, &nlen);
				p.any[p.any_count++] = pg_strndup(s, nlen);
			}
		}
		*(pred *)pg_vec_push(&preds) = p;
	}
	info->preds = preds.items;
	info->pred_count = (uint32_t)preds.len;
	order_predicates(info);
	return 0;
fail:
	for (i = 0; i < preds.len; i++)
		pred_dispose(PG_VEC_AT(&preds, pred, i));
	pg_vec_dispose(&preds);
	info->narrow = -1;
	return -1;
}

static void free_patterns(lang_query *lq)
{
	uint32_t i, j;
	for (i = 0; i < lq->pattern_count; i++) {
		for (j = 0; j < lq->patterns[i].pred_count; j++)
			pred_dispose(&lq->patterns[i].preds[j]);
		free(lq->patterns[i].preds);
		free(lq->patterns[i].need);
	}
	free(lq->patterns);
	lq->patterns = NULL;
	pg_litscan_free(lq->lits);
	lq->lits = NULL;
}

static uint32_t capture_id(const lang_query *q, const char *name)
{
	uint32_t i, n = lq_capture_count(q), len;
	for (i = 0; i < n; i++) {
		const char *c = lq_capture_name(q, i, &len);
		if (len == strlen(name) && memcmp(c, name, len) == 0)
			return i;
	}
	return UINT32_MAX;
}

/* Compile one rule alone: its query and its predicates. */
static bool rule_compiles(const pg_rule *r, const TSLanguage *ts,
			  void (*on_error)(void *, const char *), void *ctx)
{
	uint32_t off = 0, i;
	TSQueryError type = TSQueryErrorNone;
	TSQuery *q;
	lang_query one;
	const char *what;
	bool ok = true;
	if (pg_query_precheck(r->query, (uint32_t)strlen(r->query), &off, &what) < 0) {
		report_at(r, off, what, on_error, ctx);
		return false;
	}
	q = ts_query_new(ts, r->query, (uint32_t)strlen(r->query), &off, &type);
	if (!q) {
		report_at(r, off, query_error_name(type), on_error, ctx);
		return false;
	}
	if (ts_query_pattern_count(q) == 0) {
		report_at(r, 0, "the query has no pattern", on_error, ctx);
		ts_query_delete(q);
		return false;
	}
	memset(&one, 0, sizeof(one));
	one.query = q;
	for (i = 0; ok && i < ts_query_pattern_count(q); i++) {
		pattern_info info;
		char what[512];
		memset(&info, 0, sizeof(info));
		if (compile_predicates(&one, i, &info, capture_id(&one, "match"), what, sizeof(what)) < 0) {
			report_at(r, ts_query_start_byte_for_pattern(q, i), what, on_error, ctx);
			ok = false;
		} else {
			uint32_t j;
			for (j = 0; j < info.pred_count; j++)
				pred_dispose(&info.preds[j]);
			free(info.preds);
		}
	}
	ts_query_delete(q);
	return ok;
}

/* Skip blanks and ;-comments of query text from s; returns the next byte. */
static const char *skip_blank(const char *s, const char *end)
{
	while (s < end) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			s++;
		} else if (*s == ';') {
			while (s < end && *s != '\n')
				s++;
		} else {
			break;
		}
	}
	return s;
}

/* Is [s, end) self-contained query text: it opens with a pattern and its
 * brackets balance outside strings and comments? Then no pattern of the
 * combined query can straddle two rules. */
static bool self_contained(const char *s, const char *end)
{
	int depth = 0;
	s = skip_blank(s, end);
	if (s == end || !(*s == '(' || *s == '[' || *s == '"' || *s == '_'))
		return false;
	while (s < end) {
		char c = *s++;
		if (c == ';') {
			while (s < end && *s != '\n')
				s++;
		} else if (c == '"') {
			while (s < end && *s != '"')
				s += (*s == '\\' && s + 1 < end) ? 2 : 1;
			if (s == end)
				return false;
			s++;
		} else if (c == '(' || c == '[') {
			depth++;
		} else if (c == ')' || c == ']') {
			if (--depth < 0)
				return false;
		}
	}
	return depth == 0;
}

/* Compile the combined query of `rules` (their texts concatenated in `text`,
 * rule k starting at byte starts[k]) into lq. Returns false, leaving lq
 * empty, when the combined query does not compile cleanly: the caller then
 * compiles each rule alone to say which is broken. */
static bool compile_combined(lang_query *lq, const TSLanguage *ts, const pg_buf *text,
			     const pg_vec *starts, const pg_vec *rules, uint32_t *err_off,
			     TSQueryError *err_type)
{
	uint32_t i, *seen;
	size_t k;
	bool ok = true;
	lq->query = ts_query_new(ts, text->ptr, (uint32_t)text->len, err_off, err_type);
	if (!lq->query)
		return false;
	lq->match_capture = capture_id(lq, "match");
	lq->pattern_count = ts_query_pattern_count(lq->query);
	lq->patterns = pg_calloc(lq->pattern_count ? lq->pattern_count : 1, sizeof(pattern_info));
	seen = pg_calloc(rules->len, sizeof(uint32_t));
	for (i = 0; ok && i < lq->pattern_count; i++) {
		uint32_t sb = ts_query_start_byte_for_pattern(lq->query, i);
		size_t lo = 0, hi = starts->len;
		char what[512];
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (*PG_VEC_AT(starts, uint32_t, mid) <= sb)
				lo = mid;
			else
				hi = mid;
		}
		seen[lo]++;
		lq->patterns[i].rule = *PG_VEC_AT(rules, const pg_rule *, lo);
		if (compile_predicates(lq, i, &lq->patterns[i], lq->match_capture, what,
				       sizeof(what)) < 0) {
			lq->pattern_count = i; /* free what was compiled */
			ok = false;
		}
	}
	for (k = 0; ok && k < rules->len; k++) {
		uint32_t a = *PG_VEC_AT(starts, uint32_t, k);
		uint32_t b = k + 1 < starts->len ? *PG_VEC_AT(starts, uint32_t, k + 1) : (uint32_t)text->len;
		ok = seen[k] > 0 && self_contained(text->ptr + a, text->ptr + b);
	}
	free(seen);
	if (!ok) {
		free_patterns(lq);
		ts_query_delete(lq->query);
		lq->query = NULL;
		lq->pattern_count = 0;
	}
	return ok;
}

/* Concatenate the queries of the enabled rules of `lang` into text; with
 * `check`, compile each alone first and leave out (and report) broken ones.
 * Without it, returns false as soon as a query fails the structural
 * pre-check: such text must never reach ts_query_new(), combined or not. */
static bool collect_rules(const pg_lang *lang, const pg_ruleset *const *sets, bool check, pg_buf *text,
			  pg_vec *starts, pg_vec *rules, void (*on_error)(void *, const char *),
			  void *ctx, int *bad)
{
	const TSLanguage *ts = lang->grammar();
	size_t set, k;
	for (set = 0; sets[set]; set++) {
		for (k = 0; k < sets[set]->rules.len; k++) {
			const pg_rule *r = PG_RULESET_AT(sets[set], k);
			uint32_t off;
			const char *what;
			if (!r->enabled || !r->query || strcmp(r->language, lang->name) != 0)
				continue;
			if (!check && pg_query_precheck(r->query, (uint32_t)strlen(r->query), &off, &what) < 0)
				return false;
			if (check && !rule_compiles(r, ts, on_error, ctx)) {
				(*bad)++;
				continue;
			}
			*(uint32_t *)pg_vec_push(starts) = (uint32_t)text->len;
			*(const pg_rule **)pg_vec_push(rules) = r;
			pg_buf_puts(text, r->query);
			pg_buf_putc(text, '\n');
		}
	}
	return true;
}

/*
 * Compiling a query costs a fixed analysis of the whole grammar (about
 * 15 ms for Rust or JavaScript with libtree-sitter 0.20.7), whatever its
 * size. So the combined query is compiled first, for all languages at once
 * on worker threads; only when it fails is each rule compiled alone (here,
 * in language order), to report the broken ones at their own location and
 * build the query from the others. Both ways give the same engine.
 */
typedef struct lang_build {
	const pg_lang *lang;
	const pg_ruleset *const *sets; /* NULL-terminated */
	lang_query lq;
	size_t rules; /* enabled rules of the language */
	bool ok;      /* lq holds the combined query */
	bool dirty;   /* a query failed the pre-check: take the checked path */
} lang_build;

static void *build_combined(void *p)
{
	lang_build *lb = p;
	pg_buf text;
	pg_vec starts, rules;
	uint32_t off;
	TSQueryError type;
	bool clean;
	pg_buf_init(&text, 0);
	pg_vec_init(&starts, sizeof(uint32_t));
	pg_vec_init(&rules, sizeof(const pg_rule *));
	clean = collect_rules(lb->lang, lb->sets, false, &text, &starts, &rules, NULL, NULL, NULL);
	lb->rules = rules.len;
	lb->dirty = !clean;
	memset(&lb->lq, 0, sizeof(lb->lq));
	lb->lq.lang = lb->lang;
	lb->lq.rules = rules.len;
	if (clean && rules.len)
		lb->ok = compile_combined(&lb->lq, lb->lang->grammar(), &text, &starts, &rules, &off, &type);
	pg_buf_dispose(&text);
	pg_vec_dispose(&starts);
	pg_vec_dispose(&rules);
	return NULL;
}

/* The slow path: compile each rule of `lang` alone, then the others combined. */
static int build_checked(pg_engine *e, const pg_lang *lang, const pg_ruleset *const *sets,
			 void (*on_error)(void *, const char *), void *ctx, int *bad)
{
	pg_buf text;
	pg_vec starts, rules; /* uint32_t byte offsets; const pg_rule * */
	lang_query *lq = &e->langs[e->count];
	uint32_t off = 0;
	TSQueryError type = TSQueryErrorNone;
	int err = 0;

	pg_buf_init(&text, 0);
	pg_vec_init(&starts, sizeof(uint32_t));
	pg_vec_init(&rules, sizeof(const pg_rule *));
	collect_rules(lang, sets, true, &text, &starts, &rules, on_error, ctx, bad);
	if (rules.len == 0)
		goto done;
	memset(lq, 0, sizeof(*lq));
	lq->lang = lang;
	lq->rules = rules.len;
	if (!compile_combined(lq, lang->grammar(), &text, &starts, &rules, &off, &type)) {
		/* Each rule compiled alone, so this cannot happen unless rules
		 * interfere; say so rather than guess. */
		err = pg_error_set(PG_ECONFIG, "combined %s query failed at byte %u: %s", lang->name,
				   off, query_error_name(type));
		goto done;
	}
	e->count++;
done:
	pg_buf_dispose(&text);
	pg_vec_dispose(&starts);
	pg_vec_dispose(&rules);
	return err;
}

/* libtree-sitter's compile of one rule's query (which passed the
 * pre-check): false, reported at its place, when it fails. */
static bool structure_ok(const pg_rule *r, const TSLanguage *ts, void (*on_error)(void *, const char *),
			 void *ctx)
{
	uint32_t off = 0;
	TSQueryError type = TSQueryErrorNone;
	TSQuery *q = ts_query_new(ts, r->query, (uint32_t)strlen(r->query), &off, &type);
	if (!q) {
		report_at(r, off, query_error_name(type), on_error, ctx);
		return false;
	}
	ts_query_delete(q);
	return true;
}

/* Let the matcher test a pattern's single-capture predicates as the capture
 * is made, when it can (pg_qm_check_capture): a candidate that fails
 * `(#eq? @name "new")` is dropped before the rest of the pattern is tried,
 * and most candidates fail. Only positive tests: most candidates pass a
 * negative one (#not-match? @prev "<code-like comment>" on any node), so
 * testing it early prunes nothing and runs it on every candidate, where
 * after the match it runs on the few that have the rest of the pattern. */
static void mark_early(lang_query *lq, uint32_t pattern_index, pattern_info *pi)
{
	uint32_t k;
	for (k = 0; k < pi->pred_count; k++) {
		pred *p = &pi->preds[k];
		if (p->rhs_capture == UINT32_MAX && (p->op == P_EQ || p->op == P_MATCH || p->op == P_ANY_OF))
			p->early = pg_qm_check_capture(lq->qm, pattern_index, p->capture);
	}
}

/* The prefilter's requirements of each pattern: from its positive
 * predicates on captures every match has (a predicate on a capture that
 * may be absent requires nothing). */
static void build_prefilter(lang_query *lq)
{
	uint32_t i, k, j;
	pg_litscan *ls;
	pg_vec memos;
	if (getenv("PRGATE_NO_PREFILTER"))
		return; /* the reference for tests and measurements */
	pg_vec_init(&memos, sizeof(need_memo));
	for (i = 0; i < lq->pattern_count; i++)
		for (k = 0; lq->patterns[i].rule && k < lq->patterns[i].pred_count; k++)
			set_need(&lq->patterns[i].preds[k], &memos);
	memos_dispose(&memos);
	ls = pg_litscan_new();
	for (i = 0; i < lq->pattern_count; i++) {
		pattern_info *pi = &lq->patterns[i];
		pg_vec need;
		if (!pi->rule)
			continue;
		pg_vec_init(&need, sizeof(uint32_t));
		for (k = 0; k < pi->pred_count; k++) {
			const pred *p = &pi->preds[k];
			if (!p->need || p->op == P_NOT_MATCH || !pg_qm_capture_required(lq->qm, i, p->capture))
				continue;
			for (j = 0; j < p->need_count; j++)
				if (strlen(p->need[j]) < PG_PREFILTER_MIN_LITERAL)
					break;
			if (j < p->need_count)
				continue; /* found in nearly every document */
			*(uint32_t *)pg_vec_push(&need) = p->need_count;
			for (j = 0; j < p->need_count; j++)
				*(uint32_t *)pg_vec_push(&need) =
					pg_litscan_add(ls, p->need[j], strlen(p->need[j]), p->need_icase);
		}
		pi->need = need.items;
		pi->need_len = (uint32_t)need.len;
		if (!pi->need_len) {
			pg_vec_dispose(&need);
			pi->need = NULL;
		}
	}
	if (!pg_litscan_count(ls)) {
		pg_litscan_free(ls);
		return;
	}
	pg_litscan_build(ls);
	lq->lits = ls;
}

/* A rule the configuration switched off after the build (engine.h). */
static bool pattern_live(const pattern_info *pi)
{
	return pi->rule && pi->rule->enabled;
}

/* The patterns worth trying in doc: those of live rules whose required
 * literals (if any) the document holds; NULL when that is every pattern. */
static uint8_t *prefilter(const lang_query *lq, const pg_doc *doc)
{
	uint8_t *found = NULL, *enabled;
	uint32_t i;
	if (!lq->lits) {
		for (i = 0; i < lq->pattern_count && pattern_live(&lq->patterns[i]); i++)
			;
		if (i == lq->pattern_count)
			return NULL;
	} else {
		found = pg_calloc(pg_litscan_count(lq->lits), 1);
		pg_litscan_run(lq->lits, doc->text, doc->len, found);
	}
	enabled = pg_malloc(lq->pattern_count ? lq->pattern_count : 1);
	for (i = 0; i < lq->pattern_count; i++) {
		const pattern_info *pi = &lq->patterns[i];
		uint32_t at = 0;
		bool ok = pattern_live(pi);
		while (ok && found && at < pi->need_len) {
			uint32_t n = pi->need[at++], j;
			bool any = false;
			for (j = 0; j < n && !any; j++)
				any = found[pi->need[at + j]];
			ok = any;
			at += n;
		}
		enabled[i] = ok;
	}
	free(found);
	return enabled;
}

/* prgate's matcher: each rule compiled alone (cheap), so a broken one is
 * reported at its own place and left out. */
static bool build_native(lang_query *lq, const pg_lang *lang, const pg_ruleset *const *sets,
			 void (*on_error)(void *, const char *), void *ctx, int *bad)
{
	pg_vec infos; /* pattern_info */
	size_t set, k;
	uint32_t i;
	const pg_rule *failed = NULL;

	memset(lq, 0, sizeof(*lq));
	lq->lang = lang;
	lq->qm = pg_qm_new(lang->grammar());
	pg_vec_init(&infos, sizeof(pattern_info));
	for (set = 0; sets[set]; set++) {
		for (k = 0; k < sets[set]->rules.len; k++) {
			const pg_rule *r = PG_RULESET_AT(sets[set], k);
			uint32_t off = 0, len;
			const char *what;
			char buf[512];
			int n;
			if (!r->enabled || !r->query || strcmp(r->language, lang->name) != 0)
				continue;
			len = (uint32_t)strlen(r->query);
			if (pg_query_precheck(r->query, len, &off, &what) < 0) {
				report_at(r, off, what, on_error, ctx);
				(*bad)++;
				continue;
			}
			n = pg_qm_add(lq->qm, r->query, len, &off, buf, sizeof(buf));
			if (n <= 0) {
				report_at(r, n < 0 ? off : 0, n < 0 ? buf : "the query has no pattern", on_error, ctx);
				(*bad)++;
				continue;
			}
			/* a rule from outside also gets libtree-sitter's check that
			 * the grammar can produce the pattern's structure (qmatch
			 * does not analyse the grammar; such a pattern would simply
			 * never match) */
			if (!r->shipped && !structure_ok(r, lang->grammar(), on_error, ctx)) {
				(*bad)++;
				r = NULL; /* its patterns stay, inert */
			} else {
				lq->rules++;
			}
			while (n-- > 0) {
				pattern_info *pi = pg_vec_push(&infos);
				memset(pi, 0, sizeof(*pi));
				pi->rule = r;
				pi->narrow = -1;
			}
		}
	}
	lq->patterns = infos.items;
	lq->pattern_count = (uint32_t)infos.len;
	lq->match_capture = capture_id(lq, "match");
	for (i = 0; i < lq->pattern_count; i++) {
		pattern_info *pi = &lq->patterns[i];
		char what[512];
		uint32_t j;
		if (!pi->rule)
			continue;
		if (compile_predicates(lq, i, pi, lq->match_capture, what, sizeof(what)) == 0) {
			mark_early(lq, i, pi);
			continue;
		}
		/* the rule is left out: all its patterns */
		if (pi->rule != failed) {
			report_at(pi->rule, pg_qm_start_byte(lq->qm, i), what, on_error, ctx);
			(*bad)++;
			lq->rules--;
			failed = pi->rule;
		}
		for (j = 0; j < lq->pattern_count; j++)
			if (lq->patterns[j].rule == failed)
				lq->patterns[j].rule = NULL;
	}
	if (lq->rules) {
		build_prefilter(lq);
		return true;
	}
	free_patterns(lq);
	pg_qm_free(lq->qm);
	memset(lq, 0, sizeof(*lq));
	return false;
}

int pg_engine_new(pg_engine **out, const pg_ruleset *rs,
		  void (*on_error)(void *ctx, const char *msg), void *ctx, int *bad)
{
	return pg_engine_new_with(out, rs, NULL, on_error, ctx, bad);
}

int pg_engine_new_with(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
		       void (*on_error)(void *ctx, const char *msg), void *ctx, int *bad)
{
	const char *env = getenv("PRGATE_QUERY_ENGINE");
	pg_engine_backend b = env && strcmp(env, "tsquery") == 0 ? PG_ENGINE_TSQUERY : PG_ENGINE_NATIVE;
	return pg_engine_new_backend(out, rs, extra, b, on_error, ctx, bad);
}

int pg_engine_new_backend(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
			  pg_engine_backend backend, void (*on_error)(void *ctx, const char *msg),
			  void *ctx, int *bad)
{
	const pg_ruleset *sets[3] = { rs, extra, NULL };
	pg_lang_init();
	pg_engine *e = pg_calloc(1, sizeof(*e));
	lang_build builds[8];
	pthread_t threads[8];
	bool started[8];
	size_t i, n;
	int err = 0, dummy = 0;
	if (!bad)
		bad = &dummy;
	*bad = 0;
	e->backend = backend;
	if (backend == PG_ENGINE_NATIVE) {
		for (n = 0; pg_languages[n] && n < 8; n++)
			if (build_native(&e->langs[e->count], pg_languages[n], sets, on_error, ctx, bad))
				e->count++;
		*out = e;
		return 0;
	}
	memset(builds, 0, sizeof(builds));
	for (n = 0; pg_languages[n] && n < 8; n++) {
		builds[n].lang = pg_languages[n];
		builds[n].sets = sets;
		started[n] = n > 0 && pthread_create(&threads[n], NULL, build_combined, &builds[n]) == 0;
	}
	if (n > 0)
		build_combined(&builds[0]);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			build_combined(&builds[i]);
	}
	for (i = 0; i < n; i++) {
		if (err < 0 || (!builds[i].rules && !builds[i].dirty)) {
			if (builds[i].ok) {
				free_patterns(&builds[i].lq);
				ts_query_delete(builds[i].lq.query);
			}
			continue;
		}
		if (builds[i].ok)
			e->langs[e->count++] = builds[i].lq;
		else
			err = build_checked(e, builds[i].lang, sets, on_error, ctx, bad);
	}
	if (err < 0) {
		pg_engine_free(e);
		*out = NULL;
		return err;
	}
	*out = e;
	return 0;
}

int pg_engine_new_lazy(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
		       void (*on_error)(void *ctx, const char *msg), void *ctx)
{
	const char *env = getenv("PRGATE_QUERY_ENGINE");
	pg_engine *e;
	size_t n;
	if (env && strcmp(env, "tsquery") == 0) { /* the reference: compiled whole */
		int bad = 0, err = pg_engine_new_with(out, rs, extra, on_error, ctx, &bad);
		if (err == 0)
			atomic_store(&(*out)->bad, bad);
		return err;
	}
	pg_lang_init();
	e = pg_calloc(1, sizeof(*e));
	e->backend = PG_ENGINE_NATIVE;
	e->lazy = true;
	e->sets[0] = rs;
	e->sets[1] = extra;
	e->on_error = on_error;
	e->ctx = ctx;
	for (n = 0; pg_languages[n] && n < 8; n++)
		pthread_mutex_init(&e->slots[n].mu, NULL);
	e->count = n;
	*out = e;
	return 0;
}

/* The part of e for lang, or NULL when none of its rules is for it; a lazy
 * engine's is compiled here the first time (the other threads that need
 * it meanwhile wait; a part for another language compiles beside it). */
static const lang_query *part_for(const pg_engine *ce, const pg_lang *lang)
{
	pg_engine *e = (pg_engine *)ce; /* the lazy parts are the mutable state */
	size_t i;
	if (!e->lazy) {
		for (i = 0; i < e->count; i++)
			if (e->langs[i].lang == lang)
				return &e->langs[i];
		return NULL;
	}
	for (i = 0; i < e->count && pg_languages[i] != lang; i++)
		;
	if (i == e->count)
		return NULL;
	if (!atomic_load_explicit(&e->slots[i].built, memory_order_acquire)) {
		pthread_mutex_lock(&e->slots[i].mu);
		if (!atomic_load_explicit(&e->slots[i].built, memory_order_relaxed)) {
			int bad = 0;
			build_native(&e->langs[i], lang, e->sets, e->on_error, e->ctx, &bad);
			atomic_fetch_add(&e->bad, bad);
			atomic_store_explicit(&e->slots[i].built, true, memory_order_release);
		}
		pthread_mutex_unlock(&e->slots[i].mu);
	}
	return e->langs[i].rules ? &e->langs[i] : NULL;
}

int pg_engine_bad(const pg_engine *e)
{
	return atomic_load(&((pg_engine *)e)->bad);
}

void pg_engine_free(pg_engine *e)
{
	size_t i;
	if (!e)
		return;
	for (i = 0; i < e->count; i++) {
		free_patterns(&e->langs[i]);
		if (e->langs[i].query)
			ts_query_delete(e->langs[i].query);
		pg_qm_free(e->langs[i].qm);
		if (e->lazy)
			pthread_mutex_destroy(&e->slots[i].mu);
	}
	free(e);
}

size_t pg_engine_rule_count(const pg_engine *e, const char *language)
{
	size_t i, n = 0;
	for (i = 0; i < e->count; i++) /* a lazy engine's uncompiled parts have no lang */
		if (e->langs[i].lang && (!language || strcmp(e->langs[i].lang->name, language) == 0))
			n += e->langs[i].rules;
	return n;
}

static bool node_text(const pg_doc *doc, TSNode n, const char **s, uint32_t *len)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	if (b > doc->len || a > b)
		return false;
	*s = doc->text + a;
	*len = b - a;
	return true;
}

/* The search that JIT-compiles: the first. Interpreting the packs' long
 * alternations costs about ten times the JIT's code, so waiting for a
 * regex to prove itself (256 searches was tried) costs more than it saves. */
#define JIT_AFTER 0u

/* The code to search with: the JIT copy once there is one. PRGATE_NO_JIT=1
 * never makes one: valgrind cannot follow JIT-generated code and reports
 * its reads as uninitialised (the memcheck run of the tests sets it). */
static const pcre2_code *regex_code(const pred *cp)
{
	pred *p = (pred *)cp; /* the counters are the mutable part */
	pcre2_code *jit = atomic_load_explicit(&p->jit, memory_order_acquire);
	if (jit)
		return jit;
	/* exactly one search sees the count at JIT_AFTER: no lock needed */
	if (atomic_fetch_add_explicit(&p->uses, 1, memory_order_relaxed) == JIT_AFTER) {
		if (!getenv("PRGATE_NO_JIT") && (jit = pcre2_code_copy(p->re))) {
			if (pcre2_jit_compile(jit, PCRE2_JIT_COMPLETE) == 0) {
				atomic_store_explicit(&p->jit, jit, memory_order_release);
				return jit;
			}
			pcre2_code_free(jit);
		}
	}
	return p->re;
}

static bool regex_search(const pred *p, pcre2_match_data *md, const char *s, uint32_t len,
			 uint32_t *ms, uint32_t *me)
{
	int rc = pcre2_match(regex_code(p), (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	if (rc < 0)
		return false;
	if (ms) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		*ms = (uint32_t)ov[0];
		*me = (uint32_t)ov[1];
	}
	return true;
}

/* A regex is searched only in a node's text that holds one of the
 * literals it requires (prefilter.h), when the text is long enough for the
 * search of those literals to cost less than the regex's. */
#define NODE_PREFILTER_MIN 64

static bool need_met(const pred *p, const char *s, uint32_t len)
{
	return !p->need_scan || pg_litscan_any(p->need_scan, s, len);
}

/* Does the text s[0, len) of a captured node pass p? For #eq? @a @b,
 * `other` is the text of @b (NULL when @b is absent). */
static bool text_holds(const pred *p, const char *s, uint32_t len, const char *other, uint32_t olen,
		       pcre2_match_data *md)
{
	bool ok = false;
	uint32_t k;
	switch (p->op) {
	case P_EQ:
	case P_NOT_EQ:
		if (p->rhs_capture != UINT32_MAX)
			ok = other && olen == len && memcmp(s, other, len) == 0;
		else
			ok = p->str_len == len && memcmp(s, p->str, len) == 0;
		return p->op == P_NOT_EQ ? !ok : ok;
	case P_MATCH:
	case P_NOT_MATCH:
		ok = (len < NODE_PREFILTER_MIN || need_met(p, s, len)) && regex_search(p, md, s, len, NULL, NULL);
		return p->op == P_NOT_MATCH ? !ok : ok;
	case P_ANY_OF:
	case P_NOT_ANY_OF:
		for (k = 0; k < p->any_count && !ok; k++)
			ok = strlen(p->any[k]) == len && memcmp(p->any[k], s, len) == 0;
		return p->op == P_NOT_ANY_OF ? !ok : ok;
	}
	return false;
}

static bool pred_holds(const pred *p, const pg_doc *doc, const TSQueryMatch *m,
		       pcre2_match_data *md)
{
	uint32_t c;
	bool seen = false;
	for (c = 0; c < m->capture_count; c++) {
		const char *s, *other = NULL;
		uint32_t len, olen = 0;
		if (m->captures[c].index != p->capture)
			continue;
		seen = true;
		if (!node_text(doc, m->captures[c].node, &s, &len))
			return false;
		if (p->rhs_capture != UINT32_MAX) {
			uint32_t d;
			for (d = 0; d < m->capture_count; d++)
				if (m->captures[d].index == p->rhs_capture) {
					if (!node_text(doc, m->captures[d].node, &other, &olen))
						other = NULL;
					break;
				}
		}
		if (!text_holds(p, s, len, other, olen, md))
			return false;
	}
	/* A predicate on a capture that did not match (optional capture):
	 * positive tests fail, negative tests hold. */
	if (!seen)
		return p->op == P_NOT_EQ || p->op == P_NOT_MATCH || p->op == P_NOT_ANY_OF;
	return true;
}

/* Is a top-level node one a rule may anchor to the item after it (a comment,
 * an attribute like Rust's #[test])? */
static bool is_preamble(TSNode n)
{
	return ts_node_is_extra(n) || strstr(ts_node_type(n), "comment") != NULL ||
	       strstr(ts_node_type(n), "attribute") != NULL;
}

/* item - a top-level node's bytes, and whether it is a preamble. */
typedef struct item {
	uint32_t start, end;
	bool preamble;
} item;

/* Widen the spans to whole top-level items and their neighbours (see
 * engine.h), merged. Returns how many are left in out (capacity count).
 * The root's children are read once with a cursor: ts_node_child() walks
 * from the first child each time in tree-sitter 0.20.7. */
static size_t widen_spans(TSNode root, const pg_byte_span *spans, size_t count, pg_byte_span *out)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	pg_vec items; /* item */
	uint32_t n, i = 0;
	size_t k, m = 0;
	pg_vec_init(&items, sizeof(item));
	if (ts_tree_cursor_goto_first_child(&cur)) {
		do {
			TSNode c = ts_tree_cursor_current_node(&cur);
			item *it = pg_vec_push(&items);
			it->start = ts_node_start_byte(c);
			it->end = ts_node_end_byte(c);
			it->preamble = is_preamble(c);
		} while (ts_tree_cursor_goto_next_sibling(&cur));
	}
	ts_tree_cursor_delete(&cur);
	n = (uint32_t)items.len;
#define IT(x) PG_VEC_AT(&items, item, x)
	for (k = 0; k < count; k++) {
		uint32_t a = spans[k].start, b = spans[k].end, first, last;
		/* the first item that ends after a, then back over its neighbours */
		while (i < n && IT(i)->end <= a)
			i++;
		first = i;
		while (first > 0 && IT(first - 1)->preamble)
			first--;
		if (first > 0)
			first--; /* the item before */
		while (first > 0 && IT(first - 1)->preamble)
			first--;
		last = i;
		while (last < n && IT(last)->start < b)
			last++;
		/* last is the first item starting at or after b: keep it too */
		if (first < n && IT(first)->start < a)
			a = IT(first)->start;
		if (last < n)
			b = IT(last)->end;
		else if (n > 0 && IT(n - 1)->end > b)
			b = IT(n - 1)->end;
		if (m > 0 && a <= out[m - 1].end) {
			if (b > out[m - 1].end)
				out[m - 1].end = b;
		} else {
			out[m].start = a;
			out[m].end = b;
			m++;
		}
	}
#undef IT
	pg_vec_dispose(&items);
	return m;
}

/* run_ctx - one document's run. With `defer` (the outline is being made
 * by the same walk, so test code cannot be asked about yet), matches are
 * kept in `later` (captures in `later_caps`) and given after the walk. */
typedef struct run_ctx {
	const lang_query *lq;
	const pg_source *src;
	const pg_doc *doc;
	pcre2_match_data *md;
	pg_match_cb cb;
	void *ctx;
	bool defer;
	pg_vec later;      /* pg_match, captures as an offset into later_caps */
	pg_vec later_caps; /* TSQueryCapture */
} run_ctx;

/* One match of pattern pi: its predicates, its reported node, the callback. */
static void deliver(run_ctx *rc, uint32_t pattern_index, const TSQueryCapture *captures,
		    uint32_t capture_count)
{
	const lang_query *lq = rc->lq;
	const pg_doc *doc = rc->doc;
	pcre2_match_data *md = rc->md;
	const pattern_info *pi = &lq->patterns[pattern_index];
	TSQueryMatch m;
	pg_match out;
	uint32_t k;
	int reported = -1;
	if (capture_count == 0 || !pattern_live(pi))
		return;
	m.pattern_index = (uint16_t)pattern_index;
	m.captures = captures;
	m.capture_count = (uint16_t)capture_count;
	for (k = 0; k < pi->pred_count; k++)
		if (!pi->preds[k].early && !pred_holds(&pi->preds[k], doc, &m, md))
			return;
	for (k = 0; k < capture_count; k++)
		if (captures[k].index == lq->match_capture) {
			reported = (int)k;
			break;
		}
	if (reported < 0)
		reported = 0;
	out.rule = pi->rule;
	out.node = captures[reported].node;
	out.start_byte = ts_node_start_byte(out.node);
	out.end_byte = ts_node_end_byte(out.node);
	out.captures = captures;
	out.capture_count = capture_count;
	out.owner = lq;
	if (pi->narrow >= 0 && out.end_byte <= doc->len) {
		uint32_t ms, me;
		if (regex_search(&pi->preds[pi->narrow], md, doc->text + out.start_byte,
				 out.end_byte - out.start_byte, &ms, &me) && me > ms) {
			out.end_byte = out.start_byte + me;
			out.start_byte += ms;
		}
	}
	if (rc->defer) {
		pg_match *later = pg_vec_push(&rc->later);
		*later = out;
		later->captures = (const TSQueryCapture *)(uintptr_t)rc->later_caps.len;
		for (k = 0; k < capture_count; k++)
			*(TSQueryCapture *)pg_vec_push(&rc->later_caps) = captures[k];
		return;
	}
	rc->cb(rc->ctx, rc->src, doc, &out);
}

/* The matches kept while the outline was made, in the order found. */
static void deliver_later(run_ctx *rc)
{
	size_t i;
	for (i = 0; i < rc->later.len; i++) {
		pg_match *m = PG_VEC_AT(&rc->later, pg_match, i);
		m->captures = PG_VEC_AT(&rc->later_caps, TSQueryCapture, (size_t)(uintptr_t)m->captures);
		rc->cb(rc->ctx, rc->src, rc->doc, m);
	}
	rc->later.len = 0;
	rc->later_caps.len = 0;
}

static void outline_node(void *ctx, TSNode n, uint32_t depth)
{
	pg_outline_node(ctx, n, depth);
}


/* The matcher's early test of a captured node (see build_native). */
static bool on_qm_check(void *p, uint32_t pattern_index, uint32_t capture, TSNode node)
{
	run_ctx *rc = p;
	const pattern_info *pi = &rc->lq->patterns[pattern_index];
	uint32_t k, len;
	const char *s;
	if (!pattern_live(pi))
		return false; /* a rule left out, or switched off */
	for (k = 0; k < pi->pred_count; k++) {
		const pred *pr = &pi->preds[k];
		if (!pr->early || pr->capture != capture)
			continue;
		if (!node_text(rc->doc, node, &s, &len) || !text_holds(pr, s, len, NULL, 0, rc->md))
			return false;
	}
	return true;
}

static void on_qm_match(void *p, const pg_qm_match *m)
{
	run_ctx *rc = p;
	deliver(rc, m->pattern, m->captures, m->capture_count);
}

/* Match [start, end) of the document with libtree-sitter's query cursor. */
static void run_range(const lang_query *lq, TSQueryCursor *cursor, run_ctx *rc, uint32_t start,
		      uint32_t end)
{
	TSQueryMatch m;
	ts_query_cursor_set_byte_range(cursor, start, end);
	ts_query_cursor_exec(cursor, lq->query, ts_tree_root_node(rc->doc->tree));
	while (ts_query_cursor_next_match(cursor, &m))
		deliver(rc, m.pattern_index, m.captures, m.capture_count);
	ts_query_cursor_set_byte_range(cursor, 0, UINT32_MAX);
}

uint64_t pg_engine_run(const pg_engine *e, TSQueryCursor *cursor, const pg_source *src,
		       const pg_doc *doc, pg_match_cb cb, void *ctx)
{
	return pg_engine_run_spans(e, cursor, src, doc, NULL, 0, cb, ctx);
}

uint64_t pg_engine_run_spans(const pg_engine *e, TSQueryCursor *cursor, const pg_source *src,
			 const pg_doc *doc, const pg_byte_span *spans, size_t count,
			 pg_match_cb cb, void *ctx)
{
	const lang_query *lq = NULL;
	pg_qm_cursor *qc = NULL;
	uint8_t *enabled = NULL;
	run_ctx rc;
	size_t i;
	uint64_t gave_up = 0;
	if (!doc->tree)
		return 0;
	lq = part_for(e, doc->lang);
	if (!lq || (spans && count == 0))
		return 0;
	rc.lq = lq;
	rc.src = src;
	rc.doc = doc;
	rc.md = pcre2_match_data_create(4, NULL);
	rc.cb = cb;
	rc.ctx = ctx;
	rc.defer = false;
	pg_vec_init(&rc.later, sizeof(pg_match));
	pg_vec_init(&rc.later_caps, sizeof(TSQueryCapture));
	if (lq->qm) {
		/* prgate's matcher needs no widening: a pattern sees whole
		 * subtrees wherever it starts (qmatch.h). Its walk also makes
		 * the document's outline (one walk less): the whole one, or,
		 * restricted to the spans, one that knows the nodes there
		 * (lang.h: only where the document can hold no test code). */
		pg_outline_builder *ob = !pg_qm_pattern_count(lq->qm) ? NULL
					 : spans ? pg_doc_outline_begin_within(doc, spans, count)
						 : pg_doc_outline_begin(doc);
		qc = pg_qm_cursor_new();
		if ((enabled = prefilter(lq, doc)))
			pg_qm_cursor_set_enabled(qc, enabled);
		if (ob) {
			pg_qm_cursor_set_node_hook(qc, outline_node, ob);
			rc.defer = true;
		}
		pg_qm_exec(lq->qm, qc, ts_tree_root_node(doc->tree), spans, count, on_qm_check,
			   on_qm_match, &rc);
		gave_up = pg_qm_cursor_gave_up(qc);
		pg_qm_cursor_free(qc);
		free(enabled);
		if (ob) {
			pg_doc_outline_end(ob);
			rc.defer = false;
			deliver_later(&rc);
		}
	} else if (!spans) {
		run_range(lq, cursor, &rc, 0, UINT32_MAX);
	} else {
		pg_byte_span *wide = pg_malloc(count * sizeof(*wide));
		size_t n = widen_spans(ts_tree_root_node(doc->tree), spans, count, wide);
		for (i = 0; i < n; i++)
			run_range(lq, cursor, &rc, wide[i].start, wide[i].end);
		free(wide);
	}
	pcre2_match_data_free(rc.md);
	pg_vec_dispose(&rc.later);
	pg_vec_dispose(&rc.later_caps);
	return gave_up;
}

char *pg_match_format(const pg_match *m, const pg_doc *doc, const char *tmpl, bool one_line)
{
	pg_buf b;
	const char *p = tmpl;
	pg_buf_init(&b, 1 << 16);
	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		uint32_t k;
		if (!open || !(close = strstr(open + 2, "}}"))) {
			pg_buf_puts(&b, p);
			break;
		}
		pg_buf_put(&b, p, (size_t)(open - p));
		{
			const char *name = open + 2;
			size_t nlen = (size_t)(close - name);
			bool found = false;
			while (nlen && *name == ' ') {
				name++;
				nlen--;
			}
			while (nlen && name[nlen - 1] == ' ')
				nlen--;
			for (k = 0; k < m->capture_count && !found; k++) {
				uint32_t len;
				const char *cn = lq_capture_name(m->owner, m->captures[k].index, &len);
				const char *s;
				uint32_t sl, i;
				if (len != nlen || memcmp(cn, name, len) != 0)
					continue;
				found = true;
				if (!node_text(doc, m->captures[k].node, &s, &sl))
					continue;
				/* messages: one line, at most 60 bytes */
				for (i = 0; i < sl && (!one_line || (i < 60 && s[i] != '\n' && s[i] != '\r')); i++)
					;
				pg_buf_put(&b, s, i);
				if (i < sl)
					pg_buf_puts(&b, "...");
			}
			if (!found)
				pg_buf_put(&b, open, (size_t)(close + 2 - open));
		}
		p = close + 2;
	}
	return pg_buf_detach(&b);
}
