/* qmatch.c - compiled tree-sitter query patterns matched over a tree in one
 * walk (see qmatch.h; qmatch_compile.c reads the query text). */
#include "qmatch_internal.h"

#include <stdlib.h>
#include <string.h>

/* Limits that keep hostile input (a call with 100,000 arguments against a
 * pattern with a repeated child) from exhausting time or stack: a match
 * attempt at one node gives up after MAX_STEPS candidate children or
 * MAX_DEPTH nested continuations. */
#define MAX_STEPS 200000u
#define MAX_DEPTH 2000u

/* kid - a child of a node being matched, with its field. */
typedef struct kid {
	TSNode node;
	TSSymbol sym;
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
	const pg_qm *q;   /* of the exec under way */
	uint32_t pattern; /* the pattern being tried */
	pg_qm_check check;
	void *check_ctx;
	uint32_t steps, depth;
	bool aborted;
	uint64_t gave_up; /* match attempts stopped by a limit, this exec */
	void (*node_hook)(void *ctx, TSNode n, uint32_t depth);
	void *node_ctx;
	const uint8_t *enabled; /* per pattern, or NULL: all */
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

void pg_qm_cursor_set_enabled(pg_qm_cursor *c, const uint8_t *enabled)
{
	c->enabled = enabled;
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
	m->kids[m->nkids].sym = ts_node_symbol(n);
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

/* Push the children of n (of type sym) on kids, with their field ids when
 * a pattern matches children of that type with a field; returns where
 * they start. */
static size_t read_kids(pg_qm_cursor *m, TSNode n, TSSymbol sym, uint32_t *count)
{
	size_t off = m->nkids;
	const pg_qm *q = m->q;
	bool fields = q->uses_fields && (q->field_any || q->field_parent[sym < q->nsym ? sym : q->nsym]);
	if (!m->cur_live) {
		m->cur = ts_tree_cursor_new(n);
		m->cur_live = true;
	} else {
		ts_tree_cursor_reset(&m->cur, n);
	}
	if (ts_tree_cursor_goto_first_child(&m->cur)) {
		do {
			push_kid(m, ts_tree_cursor_current_node(&m->cur),
				 fields ? ts_tree_cursor_current_field_id(&m->cur) : 0);
		} while (ts_tree_cursor_goto_next_sibling(&m->cur));
	}
	*count = (uint32_t)(m->nkids - off);
	return off;
}

/* The children of n for a match attempt: read once per node while the
 * patterns at one walked node are tried. Reading counts towards the
 * attempt's step limit. */
static size_t fill_kids(pg_qm_cursor *m, TSNode n, TSSymbol sym, uint32_t *count)
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
	off = read_kids(m, n, sym, count);
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
	if (e->wild == W_NAMED ? !kd.named : (!e->wild && kd.sym != e->symbol))
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
		size_t kko = fill_kids(m, kd.node, kd.sym, &kn);
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
 * its parent inside). `kid_bits`: of the node's children's types (see
 * pattern.need_kids). What the attempts read stays (memo) until the walk
 * moves on. */
static void visit(const pg_qm *q, pg_qm_cursor *m, size_t ko, uint32_t kn, uint32_t j, bool seq_only,
		  uint64_t kid_bits, pg_qm_cb cb, void *ctx)
{
	TSSymbol s = m->kids[ko + j].sym;
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
		const pattern *pt = PG_VEC_AT(&q->patterns, pattern, pi);
		if (m->enabled && !m->enabled[pi])
			continue;
		if ((pt->need_kids & kid_bits) != pt->need_kids)
			continue;
		if (!seq_only || pt->root->kind == E_SEQ)
			try_pattern(q, m, pi, ko, kn, j, cb, ctx);
	}
}

void pg_qm_exec(const pg_qm *q, pg_qm_cursor *m, TSNode root, const pg_qm_range *ranges,
		size_t count, pg_qm_check check, pg_qm_cb cb, void *ctx)
{
	frame *f;
	if (ts_node_is_null(root) || !q->patterns.len || (ranges && !count))
		return;
	m->q = q;
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
		size_t ko, off = 0, x;
		uint32_t kn, j, n = 0;
		uint64_t bits = 0;
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
			 pg_spans_meet(ranges, count, ts_node_start_byte(kd.node), ts_node_end_byte(kd.node));
		/* below a node that meets the ranges: every pattern at the ones
		 * that meet them too, sibling sequences at the others (their
		 * later nodes may); the children of the ones inside are read
		 * once, for the walk and the patterns */
		if (!inside && m->frames.len == 1)
			continue;
		m->gen++;
		m->memo_used = 0;
		if (inside && ts_node_child_count(kd.node)) {
			off = read_kids(m, kd.node, kd.sym, &n);
			memo_put(m, kd.node, off, n);
			for (x = off; x < off + n; x++)
				bits |= (uint64_t)1 << (m->kids[x].sym & 63);
		}
		visit(q, m, ko, kn, j, !inside, bits, cb, ctx);
		if (n) {
			f = pg_vec_push(&m->frames);
			f->off = off;
			f->n = n;
			f->i = 0;
		}
	}
	m->nkids = 0;
}
