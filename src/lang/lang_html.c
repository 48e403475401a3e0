/* lang_html.c - HTML's hooks: <script> elements, on* handlers and
 * javascript: URLs are analysed as JavaScript. */
#include "lang_hooks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *pg_node_text(const pg_doc *doc, TSNode node)
{
	uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
	if (e > doc->len)
		e = doc->len;
	if (s > e)
		s = e;
	return pg_strndup(doc->text + s, e - s);
}

bool pg_node_text_eq(const pg_doc *doc, TSNode node, const char *s)
{
	uint32_t a = ts_node_start_byte(node), b = ts_node_end_byte(node);
	size_t n = strlen(s);
	return b - a == n && b <= doc->len && memcmp(doc->text + a, s, n) == 0;
}

static TSPoint advance(const char *text, uint32_t from, TSPoint p, uint32_t to)
{
	uint32_t i;
	for (i = from; i < to; i++) {
		if (text[i] == '\n') {
			p.row++;
			p.column = 0;
		} else {
			p.column++;
		}
	}
	return p;
}

static TSRange node_range(TSNode n)
{
	TSRange r;
	r.start_point = ts_node_start_point(n);
	r.end_point = ts_node_end_point(n);
	r.start_byte = ts_node_start_byte(n);
	r.end_byte = ts_node_end_byte(n);
	return r;
}

/* The value node of an attribute (attribute_value, inside quotes or not). */
static TSNode attribute_value(TSNode attr)
{
	uint32_t i, n = ts_node_named_child_count(attr);
	TSNode none = { { 0 }, NULL, NULL };
	for (i = 0; i < n; i++) {
		TSNode c = ts_node_named_child(attr, i);
		const char *t = ts_node_type(c);
		if (strcmp(t, "attribute_value") == 0)
			return c;
		if (strcmp(t, "quoted_attribute_value") == 0) {
			if (ts_node_named_child_count(c) > 0)
				return ts_node_named_child(c, 0);
			return none;
		}
	}
	return none;
}

static bool name_is(const pg_doc *doc, TSNode name, const char *s)
{
	uint32_t a = ts_node_start_byte(name), b = ts_node_end_byte(name);
	size_t n = strlen(s);
	return b - a == n && strncasecmp(doc->text + a, s, n) == 0;
}

/* Is this <script type=...> JavaScript? Classic and module scripts are;
 * JSON, templates and other data blocks are not. */
static bool script_is_js(const pg_doc *doc, TSNode start_tag)
{
	uint32_t i, n = ts_node_named_child_count(start_tag);
	for (i = 0; i < n; i++) {
		TSNode a = ts_node_named_child(start_tag, i), name, val;
		char *v;
		bool js;
		if (strcmp(ts_node_type(a), "attribute") != 0)
			continue;
		name = ts_node_named_child(a, 0);
		if (!name_is(doc, name, "type"))
			continue;
		val = attribute_value(a);
		if (ts_node_is_null(val))
			return true;
		v = pg_node_text(doc, val);
		js = v[0] == '\0' || strcasecmp(v, "module") == 0 ||
		     strcasecmp(v, "text/javascript") == 0 ||
		     strcasecmp(v, "application/javascript") == 0 ||
		     strcasecmp(v, "text/ecmascript") == 0 ||
		     strcasecmp(v, "application/ecmascript") == 0 ||
		     strcasecmp(v, "text/jsx") == 0;
		free(v);
		return js;
	}
	return true;
}

static void inject_attribute(pg_source *src, size_t doc_index, TSNode attr)
{
	pg_doc *doc = PG_SOURCE_DOC(src, doc_index);
	TSNode name = ts_node_named_child(attr, 0), val;
	uint32_t a, b;
	if (ts_node_is_null(name) || strcmp(ts_node_type(name), "attribute_name") != 0)
		return;
	val = attribute_value(attr);
	if (ts_node_is_null(val))
		return;
	a = ts_node_start_byte(name);
	b = ts_node_end_byte(name);
	if (b - a > 2 && strncasecmp(doc->text + a, "on", 2) == 0) {
		TSRange r = node_range(val);
		if (r.end_byte > r.start_byte)
			pg_source_add_region(src, doc_index, &pg_lang_javascript, &r, 1, "event-handler");
		return;
	}
	if (name_is(doc, name, "href") || name_is(doc, name, "src") || name_is(doc, name, "action") ||
	    name_is(doc, name, "formaction")) {
		TSRange r = node_range(val);
		uint32_t p = r.start_byte;
		while (p < r.end_byte && isspace((unsigned char)doc->text[p]))
			p++;
		if (r.end_byte - p > 11 && strncasecmp(doc->text + p, "javascript:", 11) == 0) {
			uint32_t s = p + 11;
			r.start_point = advance(doc->text, r.start_byte, r.start_point, s);
			r.start_byte = s;
			pg_source_add_region(src, doc_index, &pg_lang_javascript, &r, 1, "javascript-url");
		}
	}
}

/* Visit one node of an HTML document; returns whether to descend. */
static bool html_visit(void *ctx, TSNode n)
{
	pg_inject_ctx *ic = ctx;
	const char *t = ts_node_type(n);
	if (strcmp(t, "script_element") == 0) {
		uint32_t i, c = ts_node_named_child_count(n);
		TSNode start = ts_node_named_child(n, 0);
		if (ts_node_is_null(start) || !script_is_js(PG_SOURCE_DOC(ic->src, ic->doc_index), start))
			return true;
		for (i = 0; i < c; i++) {
			TSNode k = ts_node_named_child(n, i);
			if (strcmp(ts_node_type(k), "raw_text") == 0) {
				TSRange r = node_range(k);
				pg_source_add_region(ic->src, ic->doc_index, &pg_lang_javascript, &r, 1, "script");
			}
		}
		return true;
	}
	if (strcmp(t, "attribute") == 0) {
		inject_attribute(ic->src, ic->doc_index, n);
		return false;
	}
	return strcmp(t, "raw_text") != 0 && strcmp(t, "text") != 0 && strcmp(t, "comment") != 0;
}

void pg_html_inject(pg_source *src, size_t doc_index)
{
	pg_inject_ctx ic = { src, doc_index };
	pg_tree_walk(PG_SOURCE_DOC(src, doc_index)->tree, html_visit, &ic);
}
