/* functions.c - the changed-function map, and which added lines are test code. */
#define _GNU_SOURCE /* memmem */
#include "cov_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* `anc`: the function's ancestors, nearest first (pg_doc_function_ancestors:
 * from the outline's walk; ts_node_parent would descend from the root). */
static const char *function_kind(TSNode n, const TSNode *anc)
{
	const char *t = ts_node_type(n);
	if (strcmp(t, "function_item") == 0) {
		if (!ts_node_is_null(anc[0]) && strcmp(ts_node_type(anc[0]), "declaration_list") == 0 &&
		    !ts_node_is_null(anc[1]) &&
		    (strcmp(ts_node_type(anc[1]), "impl_item") == 0 || strcmp(ts_node_type(anc[1]), "trait_item") == 0))
			return "method";
		return "function";
	}
	if (strcmp(t, "method_definition") == 0)
		return "method";
	if (strcmp(t, "arrow_function") == 0)
		return "arrow function";
	if (strcmp(t, "function_expression") == 0)
		return "function expression";
	if (strstr(t, "generator"))
		return "generator";
	return "function";
}

/* names - a small set of owned strings. */
typedef struct names {
	pg_vec v; /* char * */
} names;

static void names_add(names *s, char *owned)
{
	*(char **)pg_vec_push(&s->v) = owned;
}

static bool names_has(const names *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->v.len; i++)
		if (strcmp(*PG_VEC_AT(&s->v, char *, i), name) == 0)
			return true;
	return false;
}

static void names_dispose(names *s)
{
	size_t i;
	for (i = 0; i < s->v.len; i++)
		free(*PG_VEC_AT(&s->v, char *, i));
	pg_vec_dispose(&s->v);
}

/* Names a JavaScript document exports by list: `export { a, b as c }`,
 * `export default a`, `module.exports = { a, b: c }`, `exports.a = a`. */
static void js_export_names(const pg_doc *doc, TSNode root, names *out)
{
	uint32_t i, j, n = ts_node_named_child_count(root);
	for (i = 0; i < n; i++) {
		TSNode s = ts_node_named_child(root, i), e;
		const char *t = ts_node_type(s);
		if (strcmp(t, "export_statement") == 0) {
			TSNode clause = ts_node_named_child(s, 0);
			if (ts_node_is_null(clause))
				continue;
			if (strcmp(ts_node_type(clause), "export_clause") == 0) {
				for (j = 0; j < ts_node_named_child_count(clause); j++) {
					TSNode spec = ts_node_named_child(clause, j);
					TSNode name = ts_node_child_by_field_name(spec, "name", 4);
					if (!ts_node_is_null(name))
						names_add(out, pg_cov_node_text(doc, name));
				}
			} else if (strcmp(ts_node_type(clause), "identifier") == 0) {
				names_add(out, pg_cov_node_text(doc, clause));
			}
			continue;
		}
		if (strcmp(t, "expression_statement") != 0)
			continue;
		e = ts_node_named_child(s, 0);
		if (ts_node_is_null(e) || strcmp(ts_node_type(e), "assignment_expression") != 0)
			continue;
		{
			TSNode left = ts_node_child_by_field_name(e, "left", 4);
			TSNode right = ts_node_child_by_field_name(e, "right", 5);
			char *lt = pg_cov_node_text(doc, left);
			if (strcmp(lt, "module.exports") == 0 && !ts_node_is_null(right) &&
			    strcmp(ts_node_type(right), "object") == 0) {
				for (j = 0; j < ts_node_named_child_count(right); j++) {
					TSNode m = ts_node_named_child(right, j);
					if (strcmp(ts_node_type(m), "shorthand_property_identifier") == 0)
						names_add(out, pg_cov_node_text(doc, m));
					else if (strcmp(ts_node_type(m), "pair") == 0) {
						TSNode v = ts_node_child_by_field_name(m, "value", 5);
						TSNode k = ts_node_child_by_field_name(m, "key", 3);
						if (!ts_node_is_null(v) && strcmp(ts_node_type(v), "identifier") == 0)
							names_add(out, pg_cov_node_text(doc, v));
						if (!ts_node_is_null(k))
							names_add(out, pg_cov_node_text(doc, k));
					}
				}
			} else if ((pg_str_starts_with(lt, "module.exports.") || pg_str_starts_with(lt, "exports.")) &&
				   !ts_node_is_null(right) && strcmp(ts_node_type(right), "identifier") == 0) {
				names_add(out, pg_cov_node_text(doc, right));
			} else if (strcmp(lt, "module.exports") == 0 && !ts_node_is_null(right) &&
				   strcmp(ts_node_type(right), "identifier") == 0) {
				names_add(out, pg_cov_node_text(doc, right));
			}
			free(lt);
		}
	}
}

/* `anc`: the function's ancestors, nearest first (pg_doc_function_ancestors). */
static bool rust_public(TSNode fn, const TSNode *anc)
{
	TSNode p;
	/* `pub` begins the item: its visibility is its first named child
	 * (attributes are the item's siblings) */
	if (ts_node_named_child_count(fn) &&
	    strcmp(ts_node_type(ts_node_named_child(fn, 0)), "visibility_modifier") == 0)
		return true;
	/* a method of a trait implementation is as public as the trait */
	p = anc[0];
	if (!ts_node_is_null(p) && strcmp(ts_node_type(p), "declaration_list") == 0) {
		p = anc[1];
		if (!ts_node_is_null(p) && strcmp(ts_node_type(p), "impl_item") == 0 &&
		    !ts_node_is_null(ts_node_child_by_field_name(p, "trait", 5)))
			return true;
	}
	return false;
}

static bool js_public(const pg_doc *doc, TSNode fn, const TSNode *anc, const char *name, const names *exported)
{
	TSNode n = anc[0];
	int depth = 0;
	/* export function f, export const f = () => ..., export class C { m() {} } */
	while (!ts_node_is_null(n) && depth++ < PG_FN_ANCESTORS) {
		const char *t = ts_node_type(n);
		if (strcmp(t, "export_statement") == 0)
			return true;
		if (strcmp(t, "program") == 0 || strcmp(t, "statement_block") == 0)
			break;
		if (strcmp(t, "assignment_expression") == 0) {
			char *lt = pg_cov_node_text(doc, ts_node_child_by_field_name(n, "left", 4));
			bool pub = pg_str_starts_with(lt, "module.exports") || pg_str_starts_with(lt, "exports.");
			free(lt);
			if (pub)
				return true;
		}
		n = depth < PG_FN_ANCESTORS ? anc[depth] : (TSNode){ 0 };
	}
	if (names_has(exported, name))
		return true;
	/* a top-level function of a <script> element is a global */
	if (strcmp(doc->origin, "file") != 0) {
		n = anc[0];
		return !ts_node_is_null(n) && strcmp(ts_node_type(n), "program") == 0;
	}
	return false;
}

/* The file line span of a node. */
static void node_lines(const pg_source *src, const pg_doc *doc, TSNode n, uint32_t *start, uint32_t *end)
{
	uint32_t col, a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	pg_source_position(src, doc, a, start, &col);
	pg_source_position(src, doc, b > a ? b - 1 : a, end, &col);
}

static int span_cmp(const void *a, const void *b)
{
	const pg_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Where the names of `want` occur in doc's text, sorted and merged. A
 * function's name is a node of its own or of its parent (lang.h), so a
 * function named so meets one of these spans, or its parent does. */
static void occurrences(const pg_doc *doc, const names *want, pg_vec *spans)
{
	size_t i, k, out = 0;
	for (i = 0; i < want->v.len; i++) {
		const char *name = *PG_VEC_AT(&want->v, char *, i);
		size_t n = strlen(name);
		const char *p = doc->text, *end = doc->text + doc->len;
		if (!n)
			continue;
		while ((p = memmem(p, (size_t)(end - p), name, n))) {
			pg_span *s = pg_vec_push(spans);
			s->start = (uint32_t)(p - doc->text);
			s->end = s->start + (uint32_t)n;
			p++;
		}
	}
	if (!spans->len)
		return;
	qsort(spans->items, spans->len, sizeof(pg_span), span_cmp);
	for (k = 1; k < spans->len; k++) {
		pg_span *last = PG_VEC_AT(spans, pg_span, out), *s = PG_VEC_AT(spans, pg_span, k);
		if (s->start <= last->end) {
			if (s->end > last->end)
				last->end = s->end;
		} else {
			*PG_VEC_AT(spans, pg_span, ++out) = *s;
		}
	}
	spans->len = out + 1;
}

/* Which of the names of `want` the base side names a function: those go
 * into `out`. Only the places where the names occur are outlined (all of
 * a document that can hold test code): the names of every base function
 * took a walk of every base tree. */
static void base_names(const pg_source *src, const names *want, names *out)
{
	size_t i, k, n;
	pg_vec spans;
	pg_vec_init(&spans, sizeof(pg_span));
	for (i = 0; i < src->docs.len; i++) {
		const pg_doc *doc = PG_SOURCE_DOC(src, i);
		const TSNode *fns;
		if (!doc->tree || !doc->lang->function_name)
			continue;
		spans.len = 0;
		occurrences(doc, want, &spans);
		if (!spans.len)
			continue;
		fns = pg_doc_functions_at(doc, spans.items, spans.len, &n);
		for (k = 0; k < n; k++) {
			char *name = doc->lang->function_name(doc, fns[k], pg_doc_function_ancestors(doc, k)[0]);
			if (name && names_has(want, name) && !names_has(out, name))
				names_add(out, name);
			else
				free(name);
		}
	}
	pg_vec_dispose(&spans);
}

static void map_doc(pg_vec *fns, const pg_file *f, const pg_source *src, const pg_doc *doc)
{
	const TSNode *nodes;
	names exported;
	size_t k, count;
	if (!doc->tree || !doc->lang->function_name)
		return;
	pg_vec_init(&exported.v, sizeof(char *));
	if (strcmp(doc->lang->name, "javascript") == 0)
		js_export_names(doc, ts_tree_root_node(doc->tree), &exported);
	/* the changed ones: those on added lines, which a restricted outline
	 * knows (its spans hold the added lines) */
	nodes = pg_doc_functions_meeting(doc, &count);
	for (k = 0; k < count; k++) {
		TSNode n = nodes[k];
		const TSNode *anc = pg_doc_function_ancestors(doc, k);
		uint32_t start, end;
		char *name;
		pg_changed_fn *fn;
		node_lines(src, doc, n, &start, &end);
		if (!pg_file_range_touches_added(f, start, end, 0) || !(name = doc->lang->function_name(doc, n, anc[0])))
			continue;
		fn = pg_vec_push(fns);
		fn->path = f->path;
		fn->name = name;
		fn->kind = function_kind(n, anc);
		fn->start_line = start;
		fn->end_line = end;
		fn->is_new = true; /* until the base side says otherwise */
		fn->is_test = pg_doc_in_test(doc, n);
		fn->is_public = strcmp(doc->lang->name, "rust") == 0 ? rust_public(n, anc)
								 : js_public(doc, n, anc, name, &exported);
		fn->tested = -1;
	}
	names_dispose(&exported);
}

/* The deepest document whose parsed ranges hold file offset `off` (only
 * documents that share the file's text; unescaped copies are skipped). */
static const pg_doc *doc_at(const pg_source *src, uint32_t off)
{
	const pg_doc *best = PG_SOURCE_DOC(src, 0);
	size_t i;
	uint32_t k;
	for (i = 1; i < src->docs.len; i++) {
		const pg_doc *d = PG_SOURCE_DOC(src, i);
		if (d->owned || !d->tree || d->text != src->text)
			continue;
		for (k = 0; k < d->range_count; k++)
			if (off >= d->ranges[k].start_byte && off < d->ranges[k].end_byte)
				best = d;
	}
	return best;
}

/* Classify each added line: blank or comment, test code, or other code. */
static void classify_lines(const pg_file *f, const pg_source *src, cov_filefacts *ff)
{
	size_t k;
	ff->file = f;
	for (k = 0; k < f->added_count; k++) {
		uint32_t line;
		for (line = f->added[k].start; line <= f->added[k].end && line <= src->lines.count; line++) {
			uint32_t len, i = 0, off;
			const char *text = pg_source_line(src, line, &len);
			const pg_doc *doc;
			while (i < len && isspace((unsigned char)text[i]))
				i++;
			if (i == len)
				continue;
			off = (uint32_t)(text + i - src->text);
			doc = doc_at(src, off);
			if (!doc->tree)
				continue;
			if (pg_doc_comment_at(doc, off))
				continue;
			if (doc->in_test || pg_doc_test_at(doc, off)) {
				ff->test_lines++;
			} else {
				if (!ff->code_lines)
					ff->first_code_line = line;
				ff->code_lines++;
			}
		}
	}
}

bool pg_cov_functions_wanted(const pg_file *f)
{
	return f->lang && f->status != PG_FILE_DELETED && f->added_count > 0 && !f->skip_reason;
}

void pg_cov_functions_look(cov_ctx *c, const pg_file *f, const pg_source *head, const pg_source *base,
			   cov_slot *slot)
{
	names want, old;
	size_t d, k, first = slot->fns.len;
	(void)c;
	for (d = 0; d < head->docs.len; d++)
		map_doc(&slot->fns, f, head, PG_SOURCE_DOC(head, d));
	/* a changed function is new unless the base side has one so named */
	if (base && slot->fns.len > first) {
		pg_vec_init(&want.v, sizeof(char *));
		pg_vec_init(&old.v, sizeof(char *));
		for (k = first; k < slot->fns.len; k++) {
			const char *name = PG_VEC_AT(&slot->fns, pg_changed_fn, k)->name;
			if (!names_has(&want, name))
				names_add(&want, pg_strdup(name));
		}
		base_names(base, &want, &old);
		for (k = first; k < slot->fns.len; k++) {
			pg_changed_fn *fn = PG_VEC_AT(&slot->fns, pg_changed_fn, k);
			fn->is_new = !names_has(&old, fn->name);
		}
		names_dispose(&want);
		names_dispose(&old);
	}
	memset(&slot->facts, 0, sizeof(slot->facts));
	slot->facts.file = f;
	classify_lines(f, head, &slot->facts);
	slot->has_facts = true;
}

int pg_cov_functions(cov_ctx *c)
{
	size_t i, k;
	for (i = 0; i < c->nslots; i++) {
		cov_slot *s = &c->slots[i];
		for (k = 0; k < s->fns.len; k++)
			*(pg_changed_fn *)pg_vec_push(&c->sum->functions) = *PG_VEC_AT(&s->fns, pg_changed_fn, k);
		s->fns.len = 0; /* the names moved to the summary */
		if (s->has_facts)
			*(cov_filefacts *)pg_vec_push(&c->facts) = s->facts;
	}
	return 0;
}
