/* qmatch.c - tree-sitter query patterns, compiled and matched by prgate
 * (see qmatch.h). */
#include "qmatch.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile input (a call with 100,000 arguments against a
 * pattern with a repeated child) from exhausting time or stack: a match
 * attempt at one node gives up after MAX_STEPS candidate children or
 * MAX_DEPTH nested continuations. */
#define MAX_STEPS 200000u
#define MAX_DEPTH 2000u
#define MAX_NEST 64

enum { E_NODE, E_ALT, E_SEQ };
enum { Q_ONE, Q_OPT, Q_STAR, Q_PLUS };
enum { W_NONE, W_NAMED, W_ANY };

/* elem - one element of a pattern.
 *   E_NODE: a node of `symbol` (or a wildcard), with `field`, no child with
 *           a field of `neg`, and children matching the sequence `kids`
 *           (`anchor_last`: the last kid is the last named child);
 *   E_ALT:  one of `kids`;
 *   E_SEQ:  the sibling sequence `kids`.
 * `immediate`: no named sibling between the previous element's node and
 * this one (or, first in a node, this is the first named child). */
typedef struct elem elem;
struct elem {
	uint8_t kind, quant, wild;
	bool immediate, anchor_last;
	bool check; /* call the exec's check for its captures (pg_qm_check_capture) */
	/* An element without captures in it, no anchor at it or after it:
	 * which nodes it takes does not change a match's captures, only
	 * leaves later siblings fewer places. So `skip` (optional or
	 * repeated: zero times is always possible) is not tried at all, and
	 * `first_only` (once or more) takes the first node that matches:
	 * otherwise `(_)* (x) @x` would find each match 2^n times. */
	bool skip, first_only;
	TSSymbol symbol;
	TSFieldId field;
	uint32_t ncaps, nneg, nkids;
	uint32_t *caps;
	TSFieldId *neg;
	elem **kids;
};

typedef struct pattern {
	elem *root;
	uint32_t start;
	uint32_t pred_off, pred_len; /* in q->preds */
} pattern;

typedef struct str {
	char *s;
	uint32_t len;
} str;

struct pg_qm {
	const TSLanguage *lang;
	pg_vec patterns; /* pattern */
	pg_vec preds;    /* TSQueryPredicateStep */
	pg_vec strings;  /* str */
	pg_vec captures; /* str */
	/* dispatch: the patterns whose first node may have symbol s are
	 * by_sym[first[s] .. first[s + 1]) (ERROR is slot nsym); patterns that
	 * may start at any node are `wild`. Rebuilt after each pg_qm_add. */
	bool uses_fields; /* some pattern names a field: read children's fields */
	uint32_t nsym;
	uint32_t *first;
	uint32_t *by_sym;
	pg_vec wild; /* uint32_t */
};

/* ---- compiling ------------------------------------------------------- */

typedef struct parser {
	pg_qm *q;
	const char *s;
	uint32_t len, i;
	uint32_t err_off;
	char *what;
	size_t what_len;
	bool failed;
	pg_vec preds;    /* TSQueryPredicateStep of the pattern being read */
	pg_vec used;     /* uint32_t capture ids the predicates use, and */
	pg_vec used_at;  /* uint32_t their offsets */
	pg_vec defined;  /* uint32_t capture ids the pattern defines */
} parser;

static void elem_free(elem *e)
{
	uint32_t i;
	if (!e)
		return;
	for (i = 0; i < e->nkids; i++)
		elem_free(e->kids[i]);
	free(e->kids);
	free(e->caps);
	free(e->neg);
	free(e);
}

static int fail(parser *p, uint32_t at, const char *fmt, const char *arg, uint32_t arg_len)
{
	if (!p->failed) {
		p->failed = true;
		p->err_off = at;
		if (arg)
			snprintf(p->what, p->what_len, fmt, (int)arg_len, arg);
		else
			snprintf(p->what, p->what_len, "%s", fmt);
	}
	return -1;
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || (unsigned char)c >= 0x80;
}

static bool ident_char(char c)
{
	return ident_start(c) || c == '.' || c == '?' || c == '!';
}

static void skip_ws(parser *p)
{
	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			p->i++;
		} else if (c == ';') {
			while (p->i < p->len && p->s[p->i] != '\n')
				p->i++;
		} else {
			break;
		}
	}
}

static int peek(parser *p)
{
	return p->i < p->len ? (unsigned char)p->s[p->i] : -1;
}

/* An identifier at p->i (node type, field, capture or predicate name):
 * its length, 0 if none. Field names stop before ':' ('.' '?' '!' are
 * only part of capture and predicate names). */
static uint32_t read_ident(parser *p, bool loose)
{
	uint32_t j = p->i;
	if (j >= p->len || !ident_start(p->s[j]))
		return 0;
	while (j < p->len && (loose ? ident_char(p->s[j]) : ident_start(p->s[j])))
		j++;
	return j - p->i;
}

/* A "..." literal at p->i, unescaped into a new string. */
static int read_string(parser *p, char **out, uint32_t *out_len)
{
	uint32_t start = p->i++;
	pg_buf b;
	pg_buf_init(&b, 0);
	while (p->i < p->len && p->s[p->i] != '"') {
		char c = p->s[p->i++];
		if (c == '\n') {
			pg_buf_dispose(&b);
			return fail(p, start, "unterminated string", NULL, 0);
		}
		if (c == '\\' && p->i < p->len) {
			c = p->s[p->i++];
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			default: break;
			}
		}
		pg_buf_putc(&b, c);
	}
	if (p->i >= p->len) {
		pg_buf_dispose(&b);
		return fail(p, start, "unterminated string", NULL, 0);
	}
	p->i++;
	*out_len = (uint32_t)b.len;
	*out = pg_buf_detach(&b);
	return 0;
}

static uint32_t intern(pg_vec *table, const char *s, uint32_t len)
{
	size_t k;
	str *e;
	for (k = 0; k < table->len; k++) {
		e = PG_VEC_AT(table, str, k);
		if (e->len == len && memcmp(e->s, s, len) == 0)
			return (uint32_t)k;
	}
	e = pg_vec_push(table);
	e->s = pg_strndup(s, len);
	e->len = len;
	return (uint32_t)(table->len - 1);
}

static void push_step(parser *p, TSQueryPredicateStepType type, uint32_t value)
{
	TSQueryPredicateStep *st = pg_vec_push(&p->preds);
	st->type = type;
	st->value_id = value;
}

/* After "(#": the predicate up to its ')'. */
static int parse_predicate(parser *p)
{
	uint32_t n = read_ident(p, true);
	if (!n)
		return fail(p, p->i, "syntax error", NULL, 0);
	push_step(p, TSQueryPredicateStepTypeString, intern(&p->q->strings, p->s + p->i, n));
	p->i += n;
	for (;;) {
		int c;
		skip_ws(p);
		c = peek(p);
		if (c == ')') {
			p->i++;
			push_step(p, TSQueryPredicateStepTypeDone, 0);
			return 0;
		}
		if (c == '@') {
			uint32_t at = p->i++, id;
			n = read_ident(p, true);
			if (!n)
				return fail(p, p->i, "syntax error", NULL, 0);
			id = intern(&p->q->captures, p->s + p->i, n);
			push_step(p, TSQueryPredicateStepTypeCapture, id);
			*(uint32_t *)pg_vec_push(&p->used) = id;
			*(uint32_t *)pg_vec_push(&p->used_at) = at;
			p->i += n;
		} else if (c == '"') {
			char *s;
			uint32_t len;
			if (read_string(p, &s, &len) < 0)
				return -1;
			push_step(p, TSQueryPredicateStepTypeString, intern(&p->q->strings, s, len));
			free(s);
		} else if ((n = read_ident(p, true))) {
			push_step(p, TSQueryPredicateStepTypeString, intern(&p->q->strings, p->s + p->i, n));
			p->i += n;
		} else {
			return fail(p, p->i, "syntax error", NULL, 0);
		}
	}
}

static void add_kid(elem *e, elem *k)
{
	e->kids = pg_realloc(e->kids, (e->nkids + 1) * sizeof(elem *));
	e->kids[e->nkids++] = k;
}

static elem *new_elem(uint8_t kind)
{
	elem *e = pg_calloc(1, sizeof(*e));
	e->kind = kind;
	return e;
}

/* Does the '(' just read open a predicate? "#name", or 0.20.7's older
 * "name?" / "name!" form. */
static bool at_predicate(parser *p)
{
	uint32_t n;
	if (peek(p) == '#') {
		p->i++;
		return true;
	}
	n = read_ident(p, true);
	return n > 1 && (p->s[p->i + n - 1] == '?' || p->s[p->i + n - 1] == '!');
}

static int parse_elem(parser *p, int depth, elem **out);

/* The elements of a node's children or of a group, up to `close`. */
static int parse_seq(parser *p, int depth, elem *into, char close, bool node)
{
	bool immediate = false;
	for (;;) {
		int c, r;
		elem *k = NULL;
		skip_ws(p);
		c = peek(p);
		if (c == '.') {
			p->i++;
			immediate = true;
			continue;
		}
		if (c == close) {
			p->i++;
			if (immediate) {
				if (!into->nkids)
					return fail(p, p->i - 1, "syntax error", NULL, 0);
				into->anchor_last = true;
			}
			return 0;
		}
		if (c == -1 || c == ')' || c == ']')
			return fail(p, p->i, "syntax error", NULL, 0);
		if (c == '!' && node) {
			uint32_t n, at;
			TSFieldId f;
			p->i++;
			at = p->i;
			n = read_ident(p, false);
			if (!n)
				return fail(p, at, "syntax error", NULL, 0);
			f = ts_language_field_id_for_name(p->q->lang, p->s + at, n);
			if (!f)
				return fail(p, at, "unknown field", NULL, 0);
			p->q->uses_fields = true;
			p->i += n;
			into->neg = pg_realloc(into->neg, (into->nneg + 1) * sizeof(TSFieldId));
			into->neg[into->nneg++] = f;
			continue;
		}
		r = parse_elem(p, depth + 1, &k);
		if (r < 0)
			return -1;
		if (r == 0)
			continue; /* a predicate */
		k->immediate = immediate;
		immediate = false;
		add_kid(into, k);
	}
}

/* Put captures (and a field) of an alternation or group on the nodes
 * that match for it. */
static int push_down(parser *p, uint32_t at, elem *e, const uint32_t *caps, uint32_t ncaps,
		     TSFieldId field, bool immediate)
{
	uint32_t i;
	if (e->kind == E_NODE) {
		if (ncaps) {
			e->caps = pg_realloc(e->caps, (e->ncaps + ncaps) * sizeof(uint32_t));
			memcpy(e->caps + e->ncaps, caps, ncaps * sizeof(uint32_t));
			e->ncaps += ncaps;
		}
		if (field) {
			if (e->field && e->field != field)
				return fail(p, at, "two fields on one pattern", NULL, 0);
			e->field = field;
		}
		e->immediate |= immediate;
		return 0;
	}
	if (e->kind == E_ALT) {
		for (i = 0; i < e->nkids; i++)
			if (push_down(p, at, e->kids[i], caps, ncaps, field, immediate) < 0)
				return -1;
		return 0;
	}
	if ((ncaps || field) && e->nkids != 1)
		return fail(p, at, "a capture or field on a sequence of several patterns is not supported",
			    NULL, 0);
	return e->nkids ? push_down(p, at, e->kids[0], caps, ncaps, field, immediate) : 0;
}

/* Read one element at p->i. Returns 1 with *out, 0 for a predicate (no
 * element), -1 on error. */
static int parse_elem(parser *p, int depth, elem **out)
{
	uint32_t start, n;
	TSFieldId field = 0;
	elem *e = NULL;
	pg_vec caps; /* uint32_t */
	int c;

	if (depth > MAX_NEST)
		return fail(p, p->i, "patterns nested too deeply", NULL, 0);
	skip_ws(p);
	start = p->i;
	c = peek(p);
	/* a field: name: pattern */
	if (c != '_' && (n = read_ident(p, false)) && p->i + n < p->len) {
		uint32_t save = p->i;
		p->i += n;
		skip_ws(p);
		if (peek(p) != ':')
			return fail(p, save, "syntax error", NULL, 0);
		field = ts_language_field_id_for_name(p->q->lang, p->s + save, n);
		if (!field)
			return fail(p, save, "unknown field", NULL, 0);
		p->q->uses_fields = true;
		p->i++;
		skip_ws(p);
		start = p->i;
		c = peek(p);
	}
	if (c == '"') {
		char *s;
		uint32_t len;
		TSSymbol sym;
		if (read_string(p, &s, &len) < 0)
			return -1;
		sym = ts_language_symbol_for_name(p->q->lang, s, len, false);
		free(s);
		if (!sym)
			return fail(p, start, "unknown node type", NULL, 0);
		e = new_elem(E_NODE);
		e->symbol = sym;
	} else if (c == '_' && !(p->i + 1 < p->len && ident_char(p->s[p->i + 1]))) {
		p->i++;
		e = new_elem(E_NODE);
		e->wild = W_ANY;
	} else if (c == '[') {
		p->i++;
		e = new_elem(E_ALT);
		if (parse_seq(p, depth, e, ']', false) < 0) {
			elem_free(e);
			return -1;
		}
		if (!e->nkids || e->anchor_last) {
			elem_free(e);
			return fail(p, start, "syntax error", NULL, 0);
		}
	} else if (c == '(') {
		p->i++;
		skip_ws(p);
		c = peek(p);
		if (at_predicate(p)) {
			if (field)
				return fail(p, start, "syntax error", NULL, 0);
			return parse_predicate(p) < 0 ? -1 : 0;
		}
		if (c == '(' || c == '[' || c == '"' || c == '.') {
			e = new_elem(E_SEQ);
			if (parse_seq(p, depth, e, ')', false) < 0) {
				elem_free(e);
				return -1;
			}
			if (!e->nkids) {
				elem_free(e);
				return fail(p, start, "syntax error", NULL, 0);
			}
		} else {
			uint32_t at = p->i;
			e = new_elem(E_NODE);
			n = read_ident(p, false);
			if (n == 1 && p->s[at] == '_') {
				e->wild = W_NAMED;
			} else if (n) {
				e->symbol = ts_language_symbol_for_name(p->q->lang, p->s + at, n, true);
				if (!e->symbol) {
					elem_free(e);
					return fail(p, at, "unknown node type", NULL, 0);
				}
			} else {
				elem_free(e);
				return fail(p, at, "syntax error", NULL, 0);
			}
			p->i += n;
			if (parse_seq(p, depth, e, ')', true) < 0) {
				elem_free(e);
				return -1;
			}
		}
	} else {
		return fail(p, start, "syntax error", NULL, 0);
	}
	/* suffixes: quantifiers and captures, in any order */
	pg_vec_init(&caps, sizeof(uint32_t));
	for (;;) {
		skip_ws(p);
		c = peek(p);
		if (c == '*' || c == '+' || c == '?') {
			uint8_t qt = c == '*' ? Q_STAR : c == '+' ? Q_PLUS : Q_OPT;
			if (e->quant != Q_ONE && e->quant != qt) {
				pg_vec_dispose(&caps);
				elem_free(e);
				return fail(p, p->i, "syntax error", NULL, 0);
			}
			e->quant = qt;
			p->i++;
		} else if (c == '@') {
			uint32_t id;
			p->i++;
			n = read_ident(p, true);
			if (!n) {
				pg_vec_dispose(&caps);
				elem_free(e);
				return fail(p, p->i, "syntax error", NULL, 0);
			}
			id = intern(&p->q->captures, p->s + p->i, n);
			*(uint32_t *)pg_vec_push(&caps) = id;
			*(uint32_t *)pg_vec_push(&p->defined) = id;
			p->i += n;
		} else {
			break;
		}
	}
	/* a group of one element is that element */
	if (e->kind == E_SEQ && e->nkids == 1 && (e->quant == Q_ONE || e->kids[0]->quant == Q_ONE)) {
		elem *k = e->kids[0];
		if (e->quant != Q_ONE)
			k->quant = e->quant;
		e->nkids = 0;
		elem_free(e);
		e = k;
	}
	if (push_down(p, start, e, caps.items, (uint32_t)caps.len, field, false) < 0) {
		pg_vec_dispose(&caps);
		elem_free(e);
		return -1;
	}
	pg_vec_dispose(&caps);
	*out = e;
	return 1;
}

/* An ALT or SEQ's immediacy belongs to the nodes it starts with. */
static void settle_immediate(elem *e)
{
	uint32_t i;
	if (e->kind != E_NODE && e->immediate && e->nkids) {
		if (e->kind == E_ALT)
			for (i = 0; i < e->nkids; i++)
				e->kids[i]->immediate = true;
		else
			e->kids[0]->immediate = true;
	}
	for (i = 0; i < e->nkids; i++)
		settle_immediate(e->kids[i]);
}

static bool has_captures(const elem *e)
{
	uint32_t i;
	if (e->ncaps)
		return true;
	for (i = 0; i < e->nkids; i++)
		if (has_captures(e->kids[i]))
			return true;
	return false;
}

/* Set skip/first_only on the elements of each children list under e. */
static void settle_free(elem *e)
{
	uint32_t i;
	for (i = 0; i < e->nkids; i++) {
		elem *k = e->kids[i], *next = i + 1 < e->nkids ? e->kids[i + 1] : NULL;
		/* the last of a group: what follows the group is not known here */
		bool anchored = k->immediate || (next && next->immediate) ||
				(!next && (e->anchor_last || e->kind == E_SEQ));
		if (e->kind != E_ALT && !anchored && !has_captures(k)) {
			k->skip = k->quant == Q_OPT || k->quant == Q_STAR;
			k->first_only = !k->skip;
		}
		settle_free(k);
	}
}

/* Can the pattern start (at the top level) with a node of any type? Adds
 * the types it can start with to `syms`. */
static bool first_nodes(const elem *e, pg_vec *syms)
{
	uint32_t i;
	bool any = false;
	switch (e->kind) {
	case E_NODE:
		if (e->wild)
			return true;
		*(TSSymbol *)pg_vec_push(syms) = e->symbol;
		return false;
	case E_ALT:
		for (i = 0; i < e->nkids; i++)
			any |= first_nodes(e->kids[i], syms);
		return any;
	default:
		return first_nodes(e->kids[0], syms);
	}
}

static void rebuild_dispatch(pg_qm *q)
{
	uint32_t nslots = q->nsym + 1, i, k, *fill;
	pg_vec *per = pg_calloc(nslots, sizeof(pg_vec)), syms;
	size_t total = 0;
	pg_vec_init(&syms, sizeof(TSSymbol));
	q->wild.len = 0;
	for (i = 0; i < q->patterns.len; i++) {
		const pattern *pt = PG_VEC_AT(&q->patterns, pattern, i);
		syms.len = 0;
		if (first_nodes(pt->root, &syms)) {
			*(uint32_t *)pg_vec_push(&q->wild) = i;
			continue;
		}
		for (k = 0; k < syms.len; k++) {
			TSSymbol s = *PG_VEC_AT(&syms, TSSymbol, k);
			uint32_t slot = s < q->nsym ? s : q->nsym;
			pg_vec *v = &per[slot];
			if (!v->size)
				pg_vec_init(v, sizeof(uint32_t));
			if (v->len && *PG_VEC_AT(v, uint32_t, v->len - 1) == i)
				continue;
			*(uint32_t *)pg_vec_push(v) = i;
			total++;
		}
	}
	free(q->first);
	free(q->by_sym);
	q->first = pg_calloc(nslots + 1, sizeof(uint32_t));
	q->by_sym = pg_calloc(total ? total : 1, sizeof(uint32_t));
	fill = q->by_sym;
	for (i = 0; i < nslots; i++) {
		q->first[i] = (uint32_t)(fill - q->by_sym);
		if (per[i].len)
			memcpy(fill, per[i].items, per[i].len * sizeof(uint32_t));
		fill += per[i].len;
		if (per[i].size)
			pg_vec_dispose(&per[i]);
	}
	q->first[nslots] = (uint32_t)(fill - q->by_sym);
	free(per);
	pg_vec_dispose(&syms);
}

/* Top-level shapes the matcher starts from: a node or an alternation of
 * them, or a sequence whose first element is one of those, exactly once. */
static bool top_level_ok(const elem *e)
{
	if (e->quant != Q_ONE)
		return false;
	if (e->kind == E_SEQ)
		return top_level_ok(e->kids[0]);
	return true;
}

pg_qm *pg_qm_new(const TSLanguage *lang)
{
	pg_qm *q = pg_calloc(1, sizeof(*q));
	q->lang = lang;
	q->nsym = ts_language_symbol_count(lang);
	pg_vec_init(&q->patterns, sizeof(pattern));
	pg_vec_init(&q->preds, sizeof(TSQueryPredicateStep));
	pg_vec_init(&q->strings, sizeof(str));
	pg_vec_init(&q->captures, sizeof(str));
	pg_vec_init(&q->wild, sizeof(uint32_t));
	rebuild_dispatch(q);
	return q;
}

static void free_strs(pg_vec *v)
{
	size_t i;
	for (i = 0; i < v->len; i++)
		free(PG_VEC_AT(v, str, i)->s);
	pg_vec_dispose(v);
}

void pg_qm_free(pg_qm *q)
{
	size_t i;
	if (!q)
		return;
	for (i = 0; i < q->patterns.len; i++)
		elem_free(PG_VEC_AT(&q->patterns, pattern, i)->root);
	pg_vec_dispose(&q->patterns);
	pg_vec_dispose(&q->preds);
	free_strs(&q->strings);
	free_strs(&q->captures);
	pg_vec_dispose(&q->wild);
	free(q->first);
	free(q->by_sym);
	free(q);
}

/* Does the pattern define every capture its predicates use? */
static int check_used(parser *p)
{
	size_t i, k;
	for (i = 0; i < p->used.len; i++) {
		uint32_t id = *PG_VEC_AT(&p->used, uint32_t, i);
		bool ok = false;
		for (k = 0; k < p->defined.len && !ok; k++)
			ok = *PG_VEC_AT(&p->defined, uint32_t, k) == id;
		if (!ok)
			return fail(p, *PG_VEC_AT(&p->used_at, uint32_t, i), "unknown capture", NULL, 0);
	}
	return 0;
}

int pg_qm_add(pg_qm *q, const char *text, uint32_t len, uint32_t *err_off, char *what,
	      size_t what_len)
{
	parser p;
	pg_vec added; /* pattern */
	size_t old_strings = q->strings.len, old_captures = q->captures.len, i;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.q = q;
	p.s = text;
	p.len = len;
	p.what = what;
	p.what_len = what_len;
	pg_vec_init(&p.preds, sizeof(TSQueryPredicateStep));
	pg_vec_init(&p.used, sizeof(uint32_t));
	pg_vec_init(&p.used_at, sizeof(uint32_t));
	pg_vec_init(&p.defined, sizeof(uint32_t));
	pg_vec_init(&added, sizeof(pattern));
	for (;;) {
		pattern pt;
		elem *e = NULL;
		int r;
		skip_ws(&p);
		if (p.i >= p.len)
			break;
		memset(&pt, 0, sizeof(pt));
		pt.start = p.i;
		p.preds.len = p.used.len = p.used_at.len = 0;
		if (peek(&p) == '(') {
			/* a predicate after a pattern, outside it: the pattern's */
			uint32_t save = p.i++;
			skip_ws(&p);
			if (at_predicate(&p)) {
				pattern *last = added.len ? PG_VEC_AT(&added, pattern, added.len - 1) : NULL;
				if (!last) {
					rc = fail(&p, save, "a predicate outside a pattern", NULL, 0);
					break;
				}
				if (parse_predicate(&p) < 0 || check_used(&p) < 0) {
					rc = -1;
					break;
				}
				for (i = 0; i < p.preds.len; i++)
					*(TSQueryPredicateStep *)pg_vec_push(&q->preds) =
						*PG_VEC_AT(&p.preds, TSQueryPredicateStep, i);
				last->pred_len += (uint32_t)p.preds.len;
				continue;
			}
			p.i = save;
		}
		p.defined.len = 0;
		if (peek(&p) == ')' || peek(&p) == ']' || peek(&p) == '.') {
			rc = fail(&p, p.i, "syntax error", NULL, 0);
			break;
		}
		r = parse_elem(&p, 0, &e);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0) {
			rc = fail(&p, pt.start, "a predicate outside a pattern", NULL, 0);
			break;
		}
		if (!top_level_ok(e)) {
			elem_free(e);
			rc = fail(&p, pt.start,
				  "a pattern must start with one node (not optional or repeated)", NULL, 0);
			break;
		}
		if (check_used(&p) < 0) {
			rc = -1;
			elem_free(e);
			break;
		}
		settle_immediate(e);
		settle_free(e);
		pt.root = e;
		pt.pred_off = (uint32_t)q->preds.len;
		pt.pred_len = (uint32_t)p.preds.len;
		for (i = 0; i < p.preds.len; i++)
			*(TSQueryPredicateStep *)pg_vec_push(&q->preds) =
				*PG_VEC_AT(&p.preds, TSQueryPredicateStep, i);
		*(pattern *)pg_vec_push(&added) = pt;
	}
	if (rc < 0) {
		for (i = 0; i < added.len; i++)
			elem_free(PG_VEC_AT(&added, pattern, i)->root);
		/* drop what this text added to the shared tables */
		if (added.len)
			q->preds.len = PG_VEC_AT(&added, pattern, 0)->pred_off;
		while (q->strings.len > old_strings)
			free(PG_VEC_AT(&q->strings, str, --q->strings.len)->s);
		while (q->captures.len > old_captures)
			free(PG_VEC_AT(&q->captures, str, --q->captures.len)->s);
		*err_off = p.err_off;
	} else {
		for (i = 0; i < added.len; i++)
			*(pattern *)pg_vec_push(&q->patterns) = *PG_VEC_AT(&added, pattern, i);
		rc = (int)added.len;
		rebuild_dispatch(q);
	}
	pg_vec_dispose(&added);
	pg_vec_dispose(&p.preds);
	pg_vec_dispose(&p.used);
	pg_vec_dispose(&p.used_at);
	pg_vec_dispose(&p.defined);
	return rc;
}

/* Mark the node elements of e that carry capture id (for a check); false
 * when one of them is optional, repeated or one of alternatives (`req`:
 * the path down to e is required). */
static bool mark_capture(elem *e, uint32_t id, bool req, bool mark)
{
	uint32_t i;
	bool ok = true;
	req = req && e->quant == Q_ONE;
	for (i = 0; i < e->ncaps; i++)
		if (e->caps[i] == id) {
			if (!req)
				return false;
			if (mark)
				e->check = true;
		}
	for (i = 0; i < e->nkids && ok; i++)
		ok = mark_capture(e->kids[i], id, req && e->kind != E_ALT, mark);
	return ok;
}

bool pg_qm_check_capture(pg_qm *q, uint32_t pattern_index, uint32_t capture)
{
	pattern *pt = PG_VEC_AT(&q->patterns, pattern, pattern_index);
	if (!mark_capture(pt->root, capture, true, false))
		return false;
	mark_capture(pt->root, capture, true, true);
	return true;
}

uint32_t pg_qm_pattern_count(const pg_qm *q)
{
	return (uint32_t)q->patterns.len;
}

uint32_t pg_qm_start_byte(const pg_qm *q, uint32_t pattern_index)
{
	return PG_VEC_AT(&q->patterns, pattern, pattern_index)->start;
}

uint32_t pg_qm_capture_count(const pg_qm *q)
{
	return (uint32_t)q->captures.len;
}

const char *pg_qm_capture_name(const pg_qm *q, uint32_t id, uint32_t *len)
{
	const str *s = PG_VEC_AT(&q->captures, str, id);
	*len = s->len;
	return s->s;
}

const char *pg_qm_string(const pg_qm *q, uint32_t id, uint32_t *len)
{
	const str *s = PG_VEC_AT(&q->strings, str, id);
	*len = s->len;
	return s->s;
}

const TSQueryPredicateStep *pg_qm_predicates(const pg_qm *q, uint32_t pattern_index, uint32_t *len)
{
	const pattern *pt = PG_VEC_AT(&q->patterns, pattern, pattern_index);
	*len = pt->pred_len;
	return pt->pred_len ? PG_VEC_AT(&q->preds, TSQueryPredicateStep, pt->pred_off) : NULL;
}

/* ---- matching -------------------------------------------------------- */

/* kid - a child of a node being matched, with its field. */
typedef struct kid {
	TSNode node;
	TSFieldId field;
	bool named;
} kid;

/* found - one complete match of the current pattern at the current node:
 * captures [off, off + n) of pool; hash of them, for duplicates. */
typedef struct found {
	uint32_t off, n;
	uint64_t hash;
} found;

#define MEMO_SLOTS 256

/* memo - where a node's children are in kids (valid while gen is the
 * cursor's). */
typedef struct memo {
	const void *id;
	uint32_t gen, n;
	size_t off;
} memo;

/* frame - a level of the walk: the children [off, off + n) of a node in
 * kids, the next to visit being i. */
typedef struct frame {
	size_t off;
	uint32_t n, i;
} frame;

/*
 * The cursor's kids array is a stack. At its bottom, the walk's frames: the
 * children of each node on the path from the root, so the node being
 * visited and its siblings are at hand (sibling sequences need them) and
 * each node's children are read once. Above them, the children a match
 * attempt reads, kept (memo) while the patterns at one node are tried and
 * dropped after. Positions are offsets: the array moves when it grows.
 */
struct pg_qm_cursor {
	TSTreeCursor cur; /* reads a node's children */
	bool cur_live;
	kid *kids;
	size_t nkids, kids_cap;
	pg_vec frames; /* frame */
	pg_vec caps;   /* TSQueryCapture: the captures of the match under way */
	pg_vec pool;   /* TSQueryCapture: of the complete matches */
	pg_vec found;  /* found */
	uint32_t *seen; /* open-addressing set of found indexes + 1 (0: free) */
	size_t nseen;   /* its slots, a power of two */
	memo memo[MEMO_SLOTS];
	uint32_t gen, memo_used;
	bool fields;      /* read the children's field ids */
	uint32_t pattern; /* the pattern being tried */
	pg_qm_check check;
	void *check_ctx;
	uint32_t steps, depth;
	bool aborted;
	uint64_t gave_up; /* match attempts stopped by a limit, this exec */
	void (*node_hook)(void *ctx, TSNode n, uint32_t depth);
	void *node_ctx;
};

typedef struct kont kont;
typedef int (*kont_fn)(pg_qm_cursor *m, const kont *k, int32_t last);

/* kont - what to do after an element matched, its node's position being
 * `last` in the children [ko, ko + kn). Matching functions return STOP
 * (a limit was reached: end the attempt), NONE (no node matched the
 * element) or SOME (one did, and the continuation ran). */
enum { STOP = -1, NONE = 0, SOME = 1 };

struct kont {
	kont_fn fn;
	const kont *next;
	const elem *e;
	elem *const *list;
	uint32_t n, i;
	size_t ko;
	uint32_t kn;
	int32_t last0;
};

pg_qm_cursor *pg_qm_cursor_new(void)
{
	pg_qm_cursor *c = pg_calloc(1, sizeof(*c));
	pg_vec_init(&c->frames, sizeof(frame));
	pg_vec_init(&c->caps, sizeof(TSQueryCapture));
	pg_vec_init(&c->pool, sizeof(TSQueryCapture));
	pg_vec_init(&c->found, sizeof(found));
	return c;
}

void pg_qm_cursor_free(pg_qm_cursor *c)
{
	if (!c)
		return;
	if (c->cur_live)
		ts_tree_cursor_delete(&c->cur);
	free(c->kids);
	pg_vec_dispose(&c->frames);
	pg_vec_dispose(&c->caps);
	pg_vec_dispose(&c->pool);
	pg_vec_dispose(&c->found);
	free(c->seen);
	free(c);
}

void pg_qm_cursor_set_node_hook(pg_qm_cursor *c, void (*fn)(void *ctx, TSNode n, uint32_t depth),
				void *ctx)
{
	c->node_hook = fn;
	c->node_ctx = ctx;
}

uint64_t pg_qm_cursor_gave_up(const pg_qm_cursor *c)
{
	return c->gave_up;
}

static void push_kid(pg_qm_cursor *m, TSNode n, TSFieldId field)
{
	if (m->nkids == m->kids_cap) {
		m->kids_cap = m->kids_cap ? m->kids_cap * 2 : 256;
		m->kids = pg_realloc(m->kids, m->kids_cap * sizeof(kid));
	}
	m->kids[m->nkids].node = n;
	m->kids[m->nkids].field = field;
	m->kids[m->nkids].named = ts_node_is_named(n);
	m->nkids++;
}

static void memo_put(pg_qm_cursor *m, TSNode n, size_t off, uint32_t count)
{
	size_t h = ((uintptr_t)n.id >> 4) & (MEMO_SLOTS - 1), probe;
	if (m->memo_used >= MEMO_SLOTS * 3 / 4)
		return;
	for (probe = 0; probe < MEMO_SLOTS; probe++, h = (h + 1) & (MEMO_SLOTS - 1))
		if (m->memo[h].gen != m->gen)
			break;
	m->memo[h].gen = m->gen;
	m->memo[h].id = n.id;
	m->memo[h].off = off;
	m->memo[h].n = count;
	m->memo_used++;
}

/* Push the children of n on kids; returns where they start. */
static size_t read_kids(pg_qm_cursor *m, TSNode n, uint32_t *count)
{
	size_t off = m->nkids;
	if (!m->cur_live) {
		m->cur = ts_tree_cursor_new(n);
		m->cur_live = true;
	} else {
		ts_tree_cursor_reset(&m->cur, n);
	}
	if (ts_tree_cursor_goto_first_child(&m->cur)) {
		do {
			push_kid(m, ts_tree_cursor_current_node(&m->cur),
				 m->fields ? ts_tree_cursor_current_field_id(&m->cur) : 0);
		} while (ts_tree_cursor_goto_next_sibling(&m->cur));
	}
	*count = (uint32_t)(m->nkids - off);
	return off;
}

/* The children of n for a match attempt: read once per node while the
 * patterns at one walked node are tried. Reading counts towards the
 * attempt's step limit. */
static size_t fill_kids(pg_qm_cursor *m, TSNode n, uint32_t *count)
{
	size_t h = ((uintptr_t)n.id >> 4) & (MEMO_SLOTS - 1), probe, off;
	for (probe = 0; probe < MEMO_SLOTS; probe++, h = (h + 1) & (MEMO_SLOTS - 1)) {
		memo *e = &m->memo[h];
		if (e->gen != m->gen)
			break;
		if (e->id == n.id) {
			*count = e->n;
			return e->off;
		}
	}
	off = read_kids(m, n, count);
	m->steps += *count;
	memo_put(m, n, off, *count);
	return off;
}

static int seq(pg_qm_cursor *m, elem *const *list, uint32_t n, uint32_t i, size_t ko, uint32_t kn,
	       int32_t last, const kont *k);
static int quant(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t kn, int32_t last, const kont *k);
static int once(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t kn, int32_t last, const kont *k);
static int seq_k(pg_qm_cursor *m, const kont *k, int32_t last);

/* A continuation going on with elements [i, n) of list, in [ko, ko + kn). */
static kont seq_kont(const kont *next, elem *const *list, uint32_t n, uint32_t i, size_t ko, uint32_t kn)
{
	kont k;
	memset(&k, 0, sizeof(k));
	k.fn = seq_k;
	k.next = next;
	k.list = list;
	k.n = n;
	k.i = i;
	k.ko = ko;
	k.kn = kn;
	return k;
}

/* A continuation fn about element e of [ko, ko + kn), from position last0. */
static kont elem_kont(kont_fn fn, const kont *next, const elem *e, size_t ko, uint32_t kn, int32_t last0)
{
	kont k;
	memset(&k, 0, sizeof(k));
	k.fn = fn;
	k.next = next;
	k.e = e;
	k.ko = ko;
	k.kn = kn;
	k.last0 = last0;
	return k;
}

static int seq_k(pg_qm_cursor *m, const kont *k, int32_t last)
{
	return seq(m, k->list, k->n, k->i, k->ko, k->kn, last, k->next);
}

static int seq(pg_qm_cursor *m, elem *const *list, uint32_t n, uint32_t i, size_t ko, uint32_t kn,
	       int32_t last, const kont *k)
{
	kont next;
	if (i == n)
		return k->fn(m, k, last);
	next = seq_kont(k, list, n, i + 1, ko, kn);
	return quant(m, list[i], ko, kn, last, &next) == STOP ? STOP : SOME;
}

/* After one more repetition of k->e: another one, or on. A repetition that
 * took no node ends the loop. */
static int rep_k(pg_qm_cursor *m, const kont *k, int32_t last)
{
	kont again;
	if (last == k->last0)
		return k->next->fn(m, k->next, last);
	again = *k;
	again.last0 = last;
	if (once(m, k->e, k->ko, k->kn, last, &again) == STOP)
		return STOP;
	return k->next->fn(m, k->next, last);
}

static int quant(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t kn, int32_t last, const kont *k)
{
	kont more;
	int r;
	if (e->skip)
		return k->fn(m, k, last) == STOP ? STOP : NONE;
	switch (e->quant) {
	case Q_OPT:
		if ((r = once(m, e, ko, kn, last, k)) == STOP)
			return STOP;
		return k->fn(m, k, last) == STOP ? STOP : r;
	case Q_STAR:
	case Q_PLUS:
		if (e->first_only) /* once is as good as more (see elem) */
			return once(m, e, ko, kn, last, k);
		more = elem_kont(rep_k, k, e, ko, kn, last);
		if ((r = once(m, e, ko, kn, last, &more)) == STOP)
			return STOP;
		if (e->quant == Q_STAR && k->fn(m, k, last) == STOP)
			return STOP;
		return r;
	default:
		return once(m, e, ko, kn, last, k);
	}
}

/* After a node's children matched: its last-child anchor, then on from the
 * node's own position (k->last0). */
static int kids_done_k(pg_qm_cursor *m, const kont *k, int32_t last)
{
	uint32_t j;
	if (k->e->anchor_last)
		for (j = (uint32_t)(last + 1); j < k->kn; j++)
			if (m->kids[k->ko + j].named)
				return NONE;
	return k->next->fn(m, k->next, k->last0);
}

/* Does node pattern e match the child at j of [ko, ...)? Then on to k. */
static int node_at(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t j, const kont *k)
{
	kid kd = m->kids[ko + j];
	size_t mark;
	uint32_t i;
	int r;
	if (e->wild == W_NAMED ? !kd.named : (!e->wild && ts_node_symbol(kd.node) != e->symbol))
		return NONE;
	if (e->field && kd.field != e->field)
		return NONE;
	for (i = 0; i < e->nneg; i++)
		if (!ts_node_is_null(ts_node_child_by_field_id(kd.node, e->neg[i])))
			return NONE;
	if (e->check && m->check)
		for (i = 0; i < e->ncaps; i++)
			if (!m->check(m->check_ctx, m->pattern, e->caps[i], kd.node))
				return NONE;
	mark = m->caps.len;
	for (i = 0; i < e->ncaps; i++) {
		TSQueryCapture *c = pg_vec_push(&m->caps);
		c->node = kd.node;
		c->index = e->caps[i];
	}
	if (e->nkids || e->anchor_last) {
		uint32_t kn;
		size_t kko = fill_kids(m, kd.node, &kn);
		kont done = elem_kont(kids_done_k, k, e, kko, kn, (int32_t)j);
		if (m->steps > MAX_STEPS) {
			m->aborted = true;
			r = STOP;
		} else {
			r = seq(m, e->kids, e->nkids, 0, kko, kn, -1, &done);
		}
	} else {
		r = k->fn(m, k, (int32_t)j) == STOP ? STOP : SOME;
	}
	m->caps.len = mark;
	return r;
}

/* Fold one try's result into r: true when the tries should end (a limit,
 * or a first match of a first_only element). */
static bool fold(int one, int *r, bool first_only)
{
	if (one == STOP) {
		*r = STOP;
		return true;
	}
	if (one == SOME) {
		*r = SOME;
		return first_only;
	}
	return false;
}

static int once(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t kn, int32_t last, const kont *k)
{
	uint32_t j, i;
	int r = NONE;
	if (++m->depth > MAX_DEPTH) {
		m->aborted = true;
		m->depth--;
		return STOP;
	}
	switch (e->kind) {
	case E_NODE:
		for (j = (uint32_t)(last + 1); j < kn; j++) {
			if (e->immediate && j > (uint32_t)(last + 1) && m->kids[ko + j - 1].named)
				break;
			if (++m->steps > MAX_STEPS) {
				m->aborted = true;
				r = STOP;
				break;
			}
			if (fold(node_at(m, e, ko, j, k), &r, e->first_only))
				break;
		}
		break;
	case E_ALT:
		for (i = 0; i < e->nkids; i++)
			if (fold(quant(m, e->kids[i], ko, kn, last, k), &r, e->first_only))
				break;
		break;
	default:
		r = seq(m, e->kids, e->nkids, 0, ko, kn, last, k);
		break;
	}
	m->depth--;
	return r;
}

/* The first element of a top-level pattern, at exactly child j. */
static int once_at(pg_qm_cursor *m, const elem *e, size_t ko, uint32_t kn, uint32_t j, const kont *k)
{
	uint32_t i;
	kont rest;
	int r = NONE, one;
	switch (e->kind) {
	case E_NODE:
		return node_at(m, e, ko, j, k);
	case E_ALT:
		for (i = 0; i < e->nkids; i++) {
			if (e->kids[i]->quant != Q_ONE)
				continue;
			if ((one = once_at(m, e->kids[i], ko, kn, j, k)) == STOP)
				return STOP;
			if (one == SOME)
				r = SOME;
		}
		return r;
	default:
		rest = seq_kont(k, e->kids, e->nkids, 1, ko, kn);
		return once_at(m, e->kids[0], ko, kn, j, &rest);
	}
}

static uint64_t captures_hash(const TSQueryCapture *c, uint32_t n)
{
	uint64_t h = 1469598103934665603ULL;
	uint32_t i;
	for (i = 0; i < n; i++) {
		h = (h ^ (uint64_t)(uintptr_t)c[i].node.id) * 1099511628211ULL;
		h = (h ^ c[i].index) * 1099511628211ULL;
	}
	return h;
}

static bool same_captures(const pg_qm_cursor *m, const found *a, const found *b)
{
	const TSQueryCapture *pool = m->pool.items;
	uint32_t i;
	if (a->n != b->n || a->hash != b->hash)
		return false;
	for (i = 0; i < a->n; i++)
		if (pool[a->off + i].index != pool[b->off + i].index ||
		    pool[a->off + i].node.id != pool[b->off + i].node.id)
			return false;
	return true;
}

/* A complete match: kept unless the same captures were found before (the
 * same set is found in the same order: captures are made left to right). */
static int record_k(pg_qm_cursor *m, const kont *k, int32_t last)
{
	found f, *slots_f = m->found.items;
	uint32_t *slots;
	size_t nslots, h, i;
	(void)k;
	(void)last;
	f.off = (uint32_t)m->pool.len;
	f.n = (uint32_t)m->caps.len;
	f.hash = captures_hash(m->caps.items, f.n);
	/* the set of found indexes, at least twice as large as found */
	if (m->nseen < (m->found.len + 1) * 2) {
		size_t want = m->nseen ? m->nseen * 2 : 64;
		while (want < (m->found.len + 1) * 2)
			want *= 2;
		free(m->seen);
		m->seen = pg_calloc(want, sizeof(uint32_t));
		m->nseen = want;
		for (i = 0; i < m->found.len; i++) {
			for (h = slots_f[i].hash & (want - 1); m->seen[h]; h = (h + 1) & (want - 1))
				;
			m->seen[h] = (uint32_t)i + 1;
		}
	}
	slots = m->seen;
	nslots = m->nseen;
	for (i = 0; i < m->caps.len; i++)
		*(TSQueryCapture *)pg_vec_push(&m->pool) = *PG_VEC_AT(&m->caps, TSQueryCapture, i);
	for (h = f.hash & (nslots - 1); slots[h]; h = (h + 1) & (nslots - 1))
		if (same_captures(m, PG_VEC_AT(&m->found, found, slots[h] - 1), &f)) {
			m->pool.len = f.off;
			return m->steps > MAX_STEPS ? STOP : SOME;
		}
	slots[h] = (uint32_t)m->found.len + 1;
	*(found *)pg_vec_push(&m->found) = f;
	return m->steps > MAX_STEPS ? STOP : SOME;
}

static bool has_capture(const TSQueryCapture *set, uint32_t n, const TSQueryCapture *c)
{
	uint32_t i;
	for (i = 0; i < n; i++)
		if (set[i].index == c->index && set[i].node.id == c->node.id)
			return true;
	return false;
}

/* Is every capture of a in b? */
static bool covered(const TSQueryCapture *a, uint32_t an, const TSQueryCapture *b, uint32_t bn)
{
	uint32_t i;
	if (an >= bn)
		return false;
	for (i = 0; i < an; i++)
		if (!has_capture(b, bn, &a[i]))
			return false;
	return true;
}

/* Report the matches found for one pattern at one node (distinct already):
 * none whose captures another match's strictly include, when there are
 * at most 256 (more come from quantified captures, whose subsets are then
 * reported too). */
static void emit(pg_qm_cursor *m, uint32_t pattern_index, pg_qm_cb cb, void *ctx)
{
	size_t i, j, n = m->found.len;
	TSQueryCapture *pool = m->pool.items;
	for (i = 0; i < n; i++) {
		const found *a = PG_VEC_AT(&m->found, found, i);
		bool drop = false;
		pg_qm_match out;
		if (n <= 256)
			for (j = 0; j < n && !drop; j++) {
				const found *b = PG_VEC_AT(&m->found, found, j);
				drop = j != i && covered(pool + a->off, a->n, pool + b->off, b->n);
			}
		if (drop)
			continue;
		out.pattern = pattern_index;
		out.captures = pool + a->off;
		out.capture_count = a->n;
		cb(ctx, &out);
	}
	if (m->nseen && n)
		memset(m->seen, 0, m->nseen * sizeof(uint32_t));
	m->found.len = 0;
	m->pool.len = 0;
}

/* Try pattern pi at child j of the children [ko, ko + kn) (the walked node
 * and its siblings). */
static void try_pattern(const pg_qm *q, pg_qm_cursor *m, uint32_t pi, size_t ko, uint32_t kn, uint32_t j,
			pg_qm_cb cb, void *ctx)
{
	const pattern *pt = PG_VEC_AT(&q->patterns, pattern, pi);
	kont done = elem_kont(record_k, NULL, NULL, 0, 0, 0);
	m->pattern = pi;
	m->steps = 0;
	m->depth = 0;
	m->aborted = false;
	once_at(m, pt->root, ko, kn, j, &done);
	if (m->aborted)
		m->gave_up++;
	emit(m, pi, cb, ctx);
}

/* Try the patterns that may start at child j of [ko, ko + kn); with
 * seq_only, only the sibling sequences (the node lies outside the ranges,
 * its parent inside). What the attempts read stays (memo) until the walk
 * moves on. */
static void visit(const pg_qm *q, pg_qm_cursor *m, size_t ko, uint32_t kn, uint32_t j, bool seq_only,
		  pg_qm_cb cb, void *ctx)
{
	TSSymbol s = ts_node_symbol(m->kids[ko + j].node);
	uint32_t slot = s < q->nsym ? s : q->nsym;
	const uint32_t *a = q->by_sym + q->first[slot], *ae = q->by_sym + q->first[slot + 1];
	const uint32_t *w = q->wild.items, *we = w + q->wild.len;
	/* the two lists merged in pattern order */
	while (a < ae || w < we) {
		uint32_t pi;
		if (w == we || (a < ae && *a < *w))
			pi = *a++;
		else if (a == ae || *w < *a)
			pi = *w++;
		else {
			pi = *a++;
			w++;
		}
		if (!seq_only || PG_VEC_AT(&q->patterns, pattern, pi)->root->kind == E_SEQ)
			try_pattern(q, m, pi, ko, kn, j, cb, ctx);
	}
}

/* Does [a, b) meet one of the sorted ranges (an empty node: lie in one)? */
static bool meets(const pg_qm_range *r, size_t count, uint32_t a, uint32_t b)
{
	size_t lo = 0, hi = count;
	while (lo < hi) { /* the first range ending after a */
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < count && (r[lo].start < b || (a == b && r[lo].start <= a));
}

void pg_qm_exec(const pg_qm *q, pg_qm_cursor *m, TSNode root, const pg_qm_range *ranges,
		size_t count, pg_qm_check check, pg_qm_cb cb, void *ctx)
{
	frame *f;
	if (ts_node_is_null(root) || !q->patterns.len || (ranges && !count))
		return;
	m->fields = q->uses_fields;
	m->check = check;
	m->check_ctx = ctx;
	m->gave_up = 0;
	m->nkids = 0;
	m->frames.len = 0;
	push_kid(m, root, 0);
	f = pg_vec_push(&m->frames);
	f->off = 0;
	f->n = 1;
	f->i = 0;
	while (m->frames.len) {
		size_t ko, off = 0;
		uint32_t kn, j, n = 0;
		kid kd;
		bool inside;
		f = PG_VEC_AT(&m->frames, frame, m->frames.len - 1);
		if (f->i == f->n) {
			m->frames.len--;
			continue;
		}
		ko = f->off;
		kn = f->n;
		j = f->i++;
		m->nkids = ko + kn; /* drops what the previous sibling pushed */
		kd = m->kids[ko + j];
		if (m->node_hook)
			m->node_hook(m->node_ctx, kd.node, (uint32_t)m->frames.len - 1);
		inside = !ranges ||
			 meets(ranges, count, ts_node_start_byte(kd.node), ts_node_end_byte(kd.node));
		/* below a node that meets the ranges: every pattern at the ones
		 * that meet them too, sibling sequences at the others (their
		 * later nodes may); the children of the ones inside are read
		 * once, for the walk and the patterns */
		if (!inside && m->frames.len == 1)
			continue;
		m->gen++;
		m->memo_used = 0;
		if (inside && ts_node_child_count(kd.node)) {
			off = read_kids(m, kd.node, &n);
			memo_put(m, kd.node, off, n);
		}
		visit(q, m, ko, kn, j, !inside, cb, ctx);
		if (n) {
			f = pg_vec_push(&m->frames);
			f->off = off;
			f->n = n;
			f->i = 0;
		}
	}
	m->nkids = 0;
}
