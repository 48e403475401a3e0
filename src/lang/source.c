/* source.c - parsing a file into documents and mapping positions back. */
#include "lang.h"
#include "lang_hooks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Embedded regions nest at most this deep (Rust string → HTML → JavaScript). */
#define MAX_DEPTH 3
/* A file yields at most this many documents; the rest are not analysed. */
#define MAX_DOCS 4096

static int doc_depth(const pg_source *src, const pg_doc *d)
{
	int depth = 0;
	while (d->parent >= 0) {
		depth++;
		d = PG_VEC_AT(&src->docs, pg_doc, (size_t)d->parent);
	}
	return depth;
}

TSPoint pg_point_at(const char *text, uint32_t off)
{
	TSPoint p = { 0, 0 };
	uint32_t i, line_start = 0;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			p.row++;
			line_start = i + 1;
		}
	}
	p.column = off - line_start;
	return p;
}

/*
 * The parse budget is enforced here, not by libtree-sitter: 0.20.7's own
 * timeout (ts_parser_set_timeout_micros, and the cancellation flag, which
 * shares its check) crashes when it fires right after a comment of a grammar
 * whose comments are non-terminal extras, as Rust's are: it releases the
 * NULL lookahead the parser holds at that moment (parser.c, "no lookahead
 * after non-terminal extra"). Which parse step the clock stops at is chance,
 * so a slow Rust file with comments crashed now and then.
 *
 * Instead the text is handed to the parser in chunks, and once the budget is
 * spent the input ends where the bytes already handed out end (so the text
 * the parser sees stays consistent): the parser finishes at most a chunk
 * later, and the tree is dropped. test_lang.c holds the regression test.
 */
#define READ_CHUNK 4096

typedef struct budget_input {
	const char *text;
	uint32_t len;
	uint32_t served;   /* bytes [0, served) have been handed out */
	uint64_t deadline; /* pg_time_usec(), 0: none */
	bool expired;
} budget_input;

static const char *budget_read(void *payload, uint32_t byte, TSPoint point, uint32_t *n)
{
	budget_input *in = payload;
	uint32_t end;
	(void)point;
	/* the budget counts from the second chunk on, while there is text left
	 * to hand out: a text the parser already has whole is finished, however
	 * slow the machine (under valgrind the parser's setup alone can take
	 * longer than a 1 ms budget) */
	if (in->deadline && !in->expired && in->served > 0 && in->served < in->len &&
	    pg_time_usec() > in->deadline)
		in->expired = true;
	if (byte >= in->len || (in->expired && byte >= in->served)) {
		*n = 0;
		return "";
	}
	end = in->len - byte > READ_CHUNK ? byte + READ_CHUNK : in->len;
	if (in->expired && end > in->served)
		end = in->served;
	if (end > in->served)
		in->served = end;
	*n = end - byte;
	return in->text + byte;
}

static void parse_doc(pg_source *src, pg_doc *d, const TSTree *old)
{
	budget_input in;
	TSInput input;
	TSTree *tree;
	ts_parser_set_language(src->parser, d->lang->grammar());
	if (d->ranges)
		ts_parser_set_included_ranges(src->parser, d->ranges, d->range_count);
	else
		ts_parser_set_included_ranges(src->parser, NULL, 0);
	ts_parser_set_timeout_micros(src->parser, 0); /* never: see above */
	memset(&in, 0, sizeof(in));
	in.text = d->text;
	in.len = d->len;
	in.deadline = src->timeout_us ? pg_time_usec() + src->timeout_us : 0;
	input.payload = &in;
	input.read = budget_read;
	input.encoding = TSInputEncodingUTF8;
	tree = ts_parser_parse(src->parser, old, input);
	if (tree && in.expired) {
		ts_tree_delete(tree);
		tree = NULL;
	}
	if (!tree) {
		src->timed_out = true;
		ts_parser_reset(src->parser);
	}
	d->tree = tree;
}

static int source_parse(pg_source *src, const char *path, const char *text, size_t len,
			const pg_lang *lang, TSParser *parser, uint64_t timeout_us, const pg_source *like,
			const pg_hunk *hunks, size_t nhunks);

int pg_source_parse(pg_source *src, const char *path, const char *text, size_t len,
		    const pg_lang *lang, TSParser *parser, uint64_t timeout_us)
{
	return source_parse(src, path, text, len, lang, parser, timeout_us, NULL, NULL, 0);
}

int pg_source_parse_from(pg_source *src, const char *path, const char *text, size_t len,
			 const pg_lang *lang, TSParser *parser, uint64_t timeout_us, const pg_source *like,
			 const pg_hunk *hunks, size_t nhunks)
{
	return source_parse(src, path, text, len, lang, parser, timeout_us, like, hunks, nhunks);
}

/* Byte offset of 0-based line `line` of l (the end for lines past it). */
static uint32_t line_offset(const pg_lines *l, uint32_t line)
{
	return line < l->count ? l->starts[line] : l->text_len;
}

/*
 * like's root tree, edited into the shape of the text whose lines are
 * `to`: each hunk says which of like's lines (the new side) were the text's
 * lines (the old side). NULL when the hunks do not fit the two texts (then
 * the text is parsed from scratch): the bytes before each hunk must be at
 * the same distance from it on both sides.
 */
static TSTree *edited_tree(const pg_source *like, const pg_lines *to, const pg_hunk *hunks, size_t n)
{
	const pg_lines *from = &like->lines;
	TSTree *t;
	int64_t delta = 0, drow = 0;
	size_t k;
	if (!like->docs.len || !PG_SOURCE_DOC(like, 0)->tree)
		return NULL;
	t = ts_tree_copy(PG_SOURCE_DOC(like, 0)->tree);
	for (k = 0; k < n; k++) {
		const pg_hunk *h = &hunks[k];
		/* 0-based first lines; an empty side names the line before */
		uint32_t fs = h->new_lines ? h->new_start - 1 : h->new_start;
		uint32_t ts_ = h->old_lines ? h->old_start - 1 : h->old_start;
		uint32_t fa, fb, ta, tb;
		TSInputEdit e;
		if ((h->new_lines && !h->new_start) || (h->old_lines && !h->old_start) ||
		    fs + h->new_lines > from->count + 1 || ts_ + h->old_lines > to->count + 1)
			goto bad;
		fa = line_offset(from, fs);
		fb = line_offset(from, fs + h->new_lines);
		ta = line_offset(to, ts_);
		tb = line_offset(to, ts_ + h->old_lines);
		if ((int64_t)fa + delta != (int64_t)ta || (int64_t)fs + drow != (int64_t)ts_)
			goto bad;
		e.start_byte = ta;
		e.old_end_byte = (uint32_t)((int64_t)fb + delta);
		e.new_end_byte = tb;
		e.start_point.row = ts_;
		e.start_point.column = 0;
		e.old_end_point.row = (uint32_t)((int64_t)(fs + h->new_lines) + drow);
		e.old_end_point.column = 0;
		e.new_end_point.row = ts_ + h->old_lines;
		e.new_end_point.column = 0;
		ts_tree_edit(t, &e);
		delta += (int64_t)(tb - ta) - (int64_t)(fb - fa);
		drow += (int64_t)h->old_lines - (int64_t)h->new_lines;
	}
	/* what follows the last hunk is the same on both sides */
	if ((int64_t)from->text_len + delta != (int64_t)to->text_len)
		goto bad;
	return t;
bad:
	ts_tree_delete(t);
	return NULL;
}

static int source_parse(pg_source *src, const char *path, const char *text, size_t len,
			const pg_lang *lang, TSParser *parser, uint64_t timeout_us, const pg_source *like,
			const pg_hunk *hunks, size_t nhunks)
{
	pg_doc *root;
	size_t i;
	TSTree *reuse = NULL;

	pg_lang_init();
	memset(src, 0, sizeof(*src));
	src->path = path;
	src->text = text;
	src->len = (uint32_t)len;
	src->parser = parser;
	src->timeout_us = timeout_us;
	pg_lines_init(&src->lines, text, len);
	pg_vec_init(&src->docs, sizeof(pg_doc));
	root = pg_vec_push(&src->docs);
	root->lang = lang;
	root->text = text;
	root->len = (uint32_t)len;
	root->parent = -1;
	root->origin = "file";

	if (like && like->docs.len && PG_SOURCE_DOC(like, 0)->lang == lang)
		reuse = edited_tree(like, &src->lines, hunks, nhunks);
	src->reused = reuse != NULL;
	/* docs grows while we walk it: injections append new documents. */
	for (i = 0; i < src->docs.len; i++) {
		pg_doc *d = PG_VEC_AT(&src->docs, pg_doc, i);
		parse_doc(src, d, i == 0 ? reuse : NULL);
		if (src->timed_out)
			break;
		if (d->tree && d->lang->inject && doc_depth(src, d) < MAX_DEPTH)
			d->lang->inject(src, i);
	}
	ts_parser_set_included_ranges(parser, NULL, 0);
	if (reuse)
		ts_tree_delete(reuse);
	return 0;
}

/* pg_outline - a document's test code and comments (see lang.h). */
struct pg_outline {
	pg_vec tests;     /* pg_span */
	pg_vec test_roots; /* TSNode: the nodes of tests */
	pg_vec comments;  /* pg_span */
	pg_vec functions; /* TSNode */
	pg_vec ancestors; /* TSNode[PG_FN_ANCESTORS] per function, nearest first */
	pg_vec units;     /* TSNode: unit_nodes types in test code */
	/* restricted (pg_doc_outline_begin_within): the spans its walk met,
	 * else NULL (whole) */
	pg_span *within;
	size_t nwithin;
};

/* What a node's symbol is to the outline, per language of the table: read
 * once from the grammar's symbol names, so the walk compares numbers. */
enum { KIND_COMMENT = 1, KIND_FUNCTION = 2, KIND_UNIT = 4, KIND_TEST = 8 };

typedef struct symbol_kinds {
	const pg_lang *lang;
	uint8_t *kind; /* by TSSymbol */
	uint32_t count;
} symbol_kinds;

static symbol_kinds kinds_table[8];

static bool in_list(const char *const *list, const char *name)
{
	size_t i;
	for (i = 0; list && list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static void kinds_init(void)
{
	size_t l;
	for (l = 0; pg_languages[l] && l < 8; l++) {
		const pg_lang *lang = pg_languages[l];
		const TSLanguage *ts = lang->grammar();
		symbol_kinds *k = &kinds_table[l];
		uint32_t s;
		k->lang = lang;
		k->count = ts_language_symbol_count(ts);
		k->kind = pg_calloc(k->count ? k->count : 1, 1);
		for (s = 0; s < k->count; s++) {
			const char *name = ts_language_symbol_name(ts, (TSSymbol)s);
			if (!name)
				continue;
			if (in_list(lang->comment_nodes, name))
				k->kind[s] |= KIND_COMMENT;
			if (in_list(lang->function_nodes, name))
				k->kind[s] |= KIND_FUNCTION;
			if (in_list(lang->unit_nodes, name))
				k->kind[s] |= KIND_UNIT;
			if (!lang->test_nodes || in_list(lang->test_nodes, name))
				k->kind[s] |= KIND_TEST;
		}
	}
}

static const symbol_kinds *kinds_of(const pg_lang *lang)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t l;
	pthread_once(&once, kinds_init);
	for (l = 0; l < 8 && kinds_table[l].lang; l++)
		if (kinds_table[l].lang == lang)
			return &kinds_table[l];
	return NULL;
}

static uint8_t symbol_kind(const symbol_kinds *k, TSNode n)
{
	TSSymbol s = ts_node_symbol(n);
	return k && s < k->count ? k->kind[s] : 0;
}

static void span_add(pg_vec *v, TSNode n)
{
	pg_span *s = pg_vec_push(v);
	s->start = ts_node_start_byte(n);
	s->end = ts_node_end_byte(n);
}

static bool span_find(const pg_vec *v, uint32_t off)
{
	size_t lo = 0, hi = v->len;
	while (lo < hi) { /* the first span that ends after off */
		size_t mid = lo + (hi - lo) / 2;
		if (PG_VEC_AT(v, pg_span, mid)->end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->len && PG_VEC_AT(v, pg_span, lo)->start <= off;
}

/* pg_outline_builder - an outline being made from the nodes of a
 * depth-first walk (see lang.h): every comment and function, and the
 * subtrees the language calls test code (not asked about again inside
 * one). sibling[d] is the test_node hook's state for the children list at
 * depth d. */
struct pg_outline_builder {
	const pg_doc *doc;
	struct pg_outline *o;
	const symbol_kinds *kinds;
	pg_vec sibling; /* uint8_t per depth */
	pg_vec path;    /* TSNode per depth: the last node given at each depth */
	uint32_t depth;
	size_t test_depth;
	bool started;
};

static void outline_free(struct pg_outline *o)
{
	pg_vec_dispose(&o->tests);
	pg_vec_dispose(&o->test_roots);
	pg_vec_dispose(&o->comments);
	pg_vec_dispose(&o->functions);
	pg_vec_dispose(&o->ancestors);
	pg_vec_dispose(&o->units);
	free(o->within);
	free(o);
}

pg_outline_builder *pg_doc_outline_begin(const pg_doc *doc)
{
	struct pg_outline *o;
	pg_outline_builder *b;
	if (doc->outline)
		return NULL;
	o = pg_calloc(1, sizeof(*o));
	pg_vec_init(&o->tests, sizeof(pg_span));
	pg_vec_init(&o->test_roots, sizeof(TSNode));
	pg_vec_init(&o->comments, sizeof(pg_span));
	pg_vec_init(&o->functions, sizeof(TSNode));
	pg_vec_init(&o->ancestors, sizeof(TSNode) * PG_FN_ANCESTORS);
	pg_vec_init(&o->units, sizeof(TSNode));
	((pg_doc *)doc)->outline = o; /* the cache: computed once, see lang.h */
	if (!doc->tree)
		return NULL;
	b = pg_calloc(1, sizeof(*b));
	b->doc = doc;
	b->o = o;
	b->kinds = kinds_of(doc->lang);
	b->test_depth = SIZE_MAX;
	pg_vec_init(&b->sibling, 1);
	*(uint8_t *)pg_vec_push(&b->sibling) = 0;
	pg_vec_init(&b->path, sizeof(TSNode));
	return b;
}

void pg_outline_node(pg_outline_builder *b, TSNode n, uint32_t depth)
{
	struct pg_outline *o = b->o;
	uint8_t kind = symbol_kind(b->kinds, n);
	if (b->started && depth > b->depth) { /* the first child of the last node */
		while (b->sibling.len <= depth)
			pg_vec_push(&b->sibling);
		*PG_VEC_AT(&b->sibling, uint8_t, depth) = 0;
	}
	b->started = true;
	b->depth = depth;
	while (b->path.len <= depth)
		pg_vec_push(&b->path);
	*PG_VEC_AT(&b->path, TSNode, depth) = n;
	if (b->test_depth != SIZE_MAX && depth <= b->test_depth)
		b->test_depth = SIZE_MAX; /* left the test subtree */
	if (kind & KIND_COMMENT) {
		span_add(&o->comments, n);
	} else {
		if (kind & KIND_FUNCTION) {
			/* its ancestors, from the walk: ts_node_parent would
			 * descend from the root again for each */
			TSNode *anc = pg_vec_push(&o->ancestors);
			uint32_t k;
			for (k = 0; k < PG_FN_ANCESTORS; k++)
				anc[k] = k < depth ? *PG_VEC_AT(&b->path, TSNode, depth - 1 - k) : (TSNode){ 0 };
			*(TSNode *)pg_vec_push(&o->functions) = n;
		}
		if (b->test_depth == SIZE_MAX && (!b->kinds || (kind & KIND_TEST)) && b->doc->lang->test_node &&
		    b->doc->lang->test_node(b->doc, n, PG_VEC_AT(&b->sibling, uint8_t, depth))) {
			span_add(&o->tests, n);
			*(TSNode *)pg_vec_push(&o->test_roots) = n;
			b->test_depth = depth;
		}
		if ((kind & KIND_UNIT) && (b->doc->in_test || b->test_depth != SIZE_MAX))
			*(TSNode *)pg_vec_push(&o->units) = n;
	}
}

/* Can any of doc be test code? A test file, or a text the language's
 * test_node could say yes in (asked once per document). */
static bool tests_possible(const pg_doc *doc)
{
	if (doc->in_test)
		return true;
	if (!doc->lang->test_node)
		return false;
	if (!doc->tests_possible)
		((pg_doc *)doc)->tests_possible =
			!doc->lang->may_hold_tests || doc->lang->may_hold_tests(doc->text, doc->len) ? 1 : -1;
	return doc->tests_possible > 0;
}

pg_outline_builder *pg_doc_outline_begin_within(const pg_doc *doc, const pg_span *spans, size_t count)
{
	pg_outline_builder *b;
	if (doc->outline || !doc->tree || tests_possible(doc))
		return NULL;
	if (!(b = pg_doc_outline_begin(doc)))
		return NULL;
	b->o->within = pg_malloc((count ? count : 1) * sizeof(pg_span));
	memcpy(b->o->within, spans, count * sizeof(pg_span));
	b->o->nwithin = count;
	return b;
}

void pg_doc_outline_end(pg_outline_builder *b)
{
	if (!b)
		return;
	pg_vec_dispose(&b->sibling);
	pg_vec_dispose(&b->path);
	free(b);
}

/* Give b every node of the tree under root in depth-first order; with
 * spans (sorted, n of them), only the nodes meeting one and the children
 * of those: the matcher's walk under the added filter (qmatch.c). */
static void outline_walk(pg_outline_builder *b, TSNode root, const pg_span *spans, size_t n)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	uint32_t depth = 0;
	for (;;) {
		TSNode node = ts_tree_cursor_current_node(&cur);
		bool in = true;
		pg_outline_node(b, node, depth);
		if (spans)
			in = pg_spans_meet(spans, n, ts_node_start_byte(node), ts_node_end_byte(node));
		if (in && ts_tree_cursor_goto_first_child(&cur)) {
			depth++;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&cur)) {
			if (!ts_tree_cursor_goto_parent(&cur))
				goto done;
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&cur);
}

/* The outline of doc, made by a walk of its own the first time. */
static struct pg_outline *outline(const pg_doc *doc)
{
	pg_outline_builder *b;
	if (doc->outline)
		return doc->outline;
	if (!(b = pg_doc_outline_begin(doc)))
		return doc->outline;
	outline_walk(b, ts_tree_root_node(doc->tree), NULL, 0);
	pg_doc_outline_end(b);
	return doc->outline;
}

/* Forget a restricted outline, for one made again (the cache is the
 * document's, see lang.h). */
static void drop_restricted(const pg_doc *doc)
{
	if (doc->outline && doc->outline->within) {
		outline_free(doc->outline);
		((pg_doc *)doc)->outline = NULL;
	}
}

/* The whole outline: a restricted one is made again by a walk of every
 * node. */
static struct pg_outline *whole(const pg_doc *doc)
{
	drop_restricted(doc);
	return outline(doc);
}

bool pg_spans_meet(const pg_span *spans, size_t count, uint32_t a, uint32_t b)
{
	size_t lo = 0, hi = count;
	while (lo < hi) { /* the first span ending after a */
		size_t mid = lo + (hi - lo) / 2;
		if (spans[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < count && (spans[lo].start < b || (a == b && spans[lo].start <= a));
}

/* Does a restricted outline know about offset off (inside one of its
 * spans)? A whole one always does. */
static bool knows(const struct pg_outline *o, uint32_t off)
{
	return !o->within || pg_spans_meet(o->within, o->nwithin, off, off + 1);
}

/* Is doc known to hold no test code without a walk? Not when a whole
 * outline is there to ask (the matcher walked every node: no scan of the
 * text then). */
static bool no_tests(const pg_doc *doc)
{
	if (doc->outline && !doc->outline->within)
		return false;
	return !tests_possible(doc);
}

bool pg_doc_test_at(const pg_doc *doc, uint32_t off)
{
	return !no_tests(doc) && span_find(&outline(doc)->tests, off);
}

bool pg_doc_in_test(const pg_doc *doc, TSNode node)
{
	return doc->in_test || pg_doc_test_at(doc, ts_node_start_byte(node));
}

bool pg_doc_comment_at(const pg_doc *doc, uint32_t off)
{
	struct pg_outline *o = outline(doc);
	return span_find(&(knows(o, off) ? o : whole(doc))->comments, off);
}

const TSNode *pg_doc_functions(const pg_doc *doc, size_t *count)
{
	struct pg_outline *o = whole(doc);
	*count = o->functions.len;
	return o->functions.items;
}

const TSNode *pg_doc_functions_meeting(const pg_doc *doc, size_t *count)
{
	struct pg_outline *o = outline(doc);
	*count = o->functions.len;
	return o->functions.items;
}

/* Does a restricted outline know all of spans? Its spans are merged
 * (none ends where the next starts), so each of these must lie inside one
 * of them: the first ending after its start. */
static bool knows_all(const struct pg_outline *o, const pg_span *spans, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		size_t lo = 0, hi = o->nwithin;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (o->within[mid].end <= spans[i].start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == o->nwithin || o->within[lo].start > spans[i].start || o->within[lo].end < spans[i].end)
			return false;
	}
	return true;
}

const TSNode *pg_doc_functions_at(const pg_doc *doc, const pg_span *spans, size_t nspans, size_t *count)
{
	struct pg_outline *o = doc->outline;
	pg_outline_builder *b;
	if (!doc->tree || (o && (!o->within || knows_all(o, spans, nspans))) || tests_possible(doc))
		return pg_doc_functions_meeting(doc, count);
	drop_restricted(doc); /* restricted to other spans */
	if ((b = pg_doc_outline_begin_within(doc, spans, nspans))) {
		outline_walk(b, ts_tree_root_node(doc->tree), spans, nspans);
		pg_doc_outline_end(b);
	}
	return pg_doc_functions_meeting(doc, count);
}

const TSNode *pg_doc_test_roots(const pg_doc *doc, size_t *count)
{
	struct pg_outline *o = outline(doc);
	*count = o->test_roots.len;
	return o->test_roots.items;
}

const TSNode *pg_doc_function_ancestors(const pg_doc *doc, size_t k)
{
	struct pg_outline *o = outline(doc);
	return k < o->ancestors.len ? PG_VEC_AT(&o->ancestors, TSNode, k * PG_FN_ANCESTORS) : NULL;
}

const TSNode *pg_doc_test_units(const pg_doc *doc, size_t *count)
{
	struct pg_outline *o = outline(doc);
	*count = o->units.len;
	return o->units.items;
}

bool pg_doc_has_tests(const pg_doc *doc)
{
	return doc->in_test || (!no_tests(doc) && outline(doc)->tests.len > 0);
}

void pg_source_mark_test_file(pg_source *src, bool test)
{
	size_t i;
	src->test_file = test;
	for (i = 0; i < src->docs.len; i++)
		PG_VEC_AT(&src->docs, pg_doc, i)->in_test = test;
}

void pg_source_dispose(pg_source *src)
{
	size_t i;
	if (!src)
		return;
	for (i = 0; i < src->docs.len; i++) {
		pg_doc *d = PG_VEC_AT(&src->docs, pg_doc, i);
		if (d->outline)
			outline_free(d->outline);
		if (d->tree)
			ts_tree_delete(d->tree);
		free(d->ranges);
		free(d->owned);
		if (d->owns_map)
			free(d->map);
	}
	pg_vec_dispose(&src->docs);
	pg_lines_dispose(&src->lines);
}

void pg_source_add_region(pg_source *src, size_t parent_index, const pg_lang *lang,
			  const TSRange *ranges, uint32_t range_count, const char *origin)
{
	pg_doc *parent, *d;
	if (src->docs.len >= MAX_DOCS || range_count == 0)
		return;
	d = pg_vec_push(&src->docs);
	parent = PG_VEC_AT(&src->docs, pg_doc, parent_index);
	d->lang = lang;
	d->text = parent->text;
	d->len = parent->len;
	d->map = parent->map; /* borrowed: same bytes, same mapping */
	d->map_count = parent->map_count;
	d->ranges = pg_malloc(range_count * sizeof(TSRange));
	memcpy(d->ranges, ranges, range_count * sizeof(TSRange));
	d->range_count = range_count;
	d->parent = (int)parent_index;
	d->origin = origin;
	d->in_test = parent->in_test;
}

void pg_source_add_owned(pg_source *src, const pg_lang *lang, char *owned, uint32_t len,
			 pg_seg *map, uint32_t map_count, const char *origin, int parent)
{
	pg_doc *d;
	if (src->docs.len >= MAX_DOCS) {
		free(owned);
		free(map);
		return;
	}
	d = pg_vec_push(&src->docs);
	d->lang = lang;
	d->text = owned;
	d->owned = owned;
	d->len = len;
	d->map = map;
	d->map_count = map_count;
	d->owns_map = true;
	d->parent = parent;
	d->origin = origin;
	if (parent >= 0)
		d->in_test = PG_VEC_AT(&src->docs, pg_doc, (size_t)parent)->in_test;
}

uint32_t pg_doc_file_offset(const pg_doc *doc, uint32_t off)
{
	uint32_t lo = 0, hi;
	const pg_seg *s;
	if (!doc->map)
		return off;
	hi = doc->map_count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (doc->map[mid].doc_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	s = &doc->map[lo];
	if (off < s->doc_off)
		return s->file_off;
	return s->identity ? s->file_off + (off - s->doc_off) : s->file_off;
}

void pg_source_position(const pg_source *src, const pg_doc *doc, uint32_t off, uint32_t *line,
			uint32_t *column)
{
	uint32_t fo = pg_doc_file_offset(doc, off);
	uint32_t l;
	if (fo > src->len)
		fo = src->len;
	l = pg_lines_find(&src->lines, fo);
	*line = l + 1;
	*column = fo - src->lines.starts[l] + 1;
}

const char *pg_source_line(const pg_source *src, uint32_t line, uint32_t *len)
{
	uint32_t start, end;
	if (line == 0 || line > src->lines.count) {
		*len = 0;
		return "";
	}
	start = src->lines.starts[line - 1];
	end = line < src->lines.count ? src->lines.starts[line] : src->len;
	while (end > start && (src->text[end - 1] == '\n' || src->text[end - 1] == '\r'))
		end--;
	*len = end - start;
	return src->text + start;
}

void pg_tree_walk(TSTree *tree, bool (*visit)(void *ctx, TSNode n), void *ctx)
{
	TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
	for (;;) {
		if (visit(ctx, ts_tree_cursor_current_node(&cur)) && ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur)) {
			if (!ts_tree_cursor_goto_parent(&cur)) {
				ts_tree_cursor_delete(&cur);
				return;
			}
		}
	}
}
