/* qmatch_compile.c - tree-sitter query text read into pattern trees, with
 * the per-symbol dispatch the matcher starts from (see qmatch.h). */
#include "qmatch_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 64 /* patterns nested deeper are refused */

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

/* ts_language_symbol_for_name, remembered per query set: the packs name
 * the same node types in many queries, and 0.20.7 scans every symbol of
 * the grammar for each name (~8,000 instructions). */
static TSSymbol symbol_for(pg_qm *q, const char *s, uint32_t len, bool named)
{
	size_t i;
	named_symbol *ns;
	for (i = 0; i < q->names.len; i++) {
		ns = PG_VEC_AT(&q->names, named_symbol, i);
		if (ns->len == len && ns->named == named && memcmp(ns->name, s, len) == 0)
			return ns->symbol;
	}
	ns = pg_vec_push(&q->names);
	ns->name = pg_strndup(s, len);
	ns->len = len;
	ns->named = named;
	ns->symbol = ts_language_symbol_for_name(q->lang, s, len, named);
	return ns->symbol;
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
		sym = symbol_for(p->q, s, len, false);
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
				e->symbol = symbol_for(p->q, p->s + at, n, true);
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

/* The child types a node pattern's children must include: its kids (and
 * those of sibling groups among them) that occur at least once and name a
 * type. */
static uint64_t kid_bits(const elem *e)
{
	uint64_t bits = 0;
	uint32_t i;
	for (i = 0; i < e->nkids; i++) {
		const elem *k = e->kids[i];
		if (k->quant == Q_OPT || k->quant == Q_STAR)
			continue;
		if (k->kind == E_NODE && !k->wild)
			bits |= (uint64_t)1 << (k->symbol & 63);
		else if (k->kind == E_SEQ)
			bits |= kid_bits(k);
	}
	return bits;
}

/* Does the child structure of e (its kids, through groups and
 * alternatives, not into other nodes) name a field? */
static bool kids_use_field(const elem *e)
{
	uint32_t i;
	for (i = 0; i < e->nkids; i++) {
		const elem *k = e->kids[i];
		if (k->field || (k->kind != E_NODE && kids_use_field(k)))
			return true;
	}
	return false;
}

/* Mark the node types whose children some element matches with a field
 * (all types, for a wildcard or a top-level sibling sequence). */
static void mark_field_parents(pg_qm *q, const elem *e, bool top)
{
	uint32_t i;
	if (top && e->field)
		q->field_any = true; /* a field of the walked node itself: any parent */
	if (e->kind == E_NODE) {
		if (kids_use_field(e)) {
			if (e->wild)
				q->field_any = true;
			else
				q->field_parent[e->symbol < q->nsym ? e->symbol : q->nsym] = 1;
		}
	} else if (top && kids_use_field(e)) {
		q->field_any = true; /* siblings of the walk: any parent */
	}
	for (i = 0; i < e->nkids; i++)
		mark_field_parents(q, e->kids[i], top && e->kind != E_NODE);
}

static void rebuild_dispatch(pg_qm *q)
{
	uint32_t nslots = q->nsym + 1, i, k, *fill;
	pg_vec *per = pg_calloc(nslots, sizeof(pg_vec)), syms;
	size_t total = 0;
	pg_vec_init(&syms, sizeof(TSSymbol));
	q->wild.len = 0;
	free(q->field_parent);
	q->field_parent = pg_calloc(nslots, 1);
	q->field_any = false;
	for (i = 0; i < q->patterns.len; i++) {
		pattern *pt = PG_VEC_AT(&q->patterns, pattern, i);
		pt->need_kids = pt->root->kind == E_NODE ? kid_bits(pt->root) : 0;
		mark_field_parents(q, pt->root, true);
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
	pg_vec_init(&q->names, sizeof(named_symbol));
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
	for (i = 0; i < q->names.len; i++)
		free(PG_VEC_AT(&q->names, named_symbol, i)->name);
	pg_vec_dispose(&q->names);
	free(q->first);
	free(q->by_sym);
	free(q->field_parent);
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

static bool required_at(const elem *e, uint32_t id)
{
	uint32_t i;
	if (e->quant == Q_OPT || e->quant == Q_STAR)
		return false;
	for (i = 0; i < e->ncaps; i++)
		if (e->caps[i] == id)
			return true;
	if (e->kind == E_ALT)
		return false;
	for (i = 0; i < e->nkids; i++)
		if (required_at(e->kids[i], id))
			return true;
	return false;
}

bool pg_qm_capture_required(const pg_qm *q, uint32_t pattern_index, uint32_t capture)
{
	return required_at(PG_VEC_AT(&q->patterns, pattern, pattern_index)->root, capture);
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

