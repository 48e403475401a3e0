/* lang_rust.c - Rust's hooks: HTML markup in string literals, test code. */
#define _GNU_SOURCE /* memmem */
#include "lang_hooks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const html_tags[] = {
	"html", "head", "body", "div", "span", "p", "a", "b", "i", "u", "em", "strong", "table",
	"tr", "td", "th", "thead", "tbody", "tfoot", "ul", "ol", "li", "dl", "dt", "dd", "script",
	"style", "link", "meta", "img", "input", "button", "form", "select", "option", "textarea",
	"label", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "br", "hr", "section",
	"article", "nav", "header", "footer", "main", "iframe", "svg", "details", "summary",
	"canvas", "template", "small", "sup", "sub", "blockquote", "figure", "figcaption", "video",
	"audio", "source", "title", "aside", "caption", "col", "colgroup", "fieldset", "legend",
	"object", "embed", "noscript", "progress", "meter", "output", "dialog", "slot", NULL
};

/* Does `s` contain something that is clearly HTML markup (a known tag, a
 * closing tag, a comment or a doctype)? Cheap: scans for '<'. */
static bool looks_like_html(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *q = p + 1;
		size_t len = 0, i;
		p++;
		if (q < end && *q == '!')
			return end - q >= 3 && (memcmp(q, "!--", 3) == 0 || strncasecmp(q, "!DOCTYPE", end - q < 8 ? (size_t)(end - q) : 8) == 0);
		if (q < end && *q == '/')
			q++;
		while (q + len < end && isalnum((unsigned char)q[len]))
			len++;
		if (len == 0 || q + len >= end)
			continue;
		if (!(q[len] == '>' || q[len] == ' ' || q[len] == '/' || q[len] == '\n' || q[len] == '\t'))
			continue;
		for (i = 0; html_tags[i]; i++)
			if (strlen(html_tags[i]) == len && strncasecmp(q, html_tags[i], len) == 0)
				return true;
	}
	return false;
}

/* Decode the body of a plain Rust string literal, recording where each decoded byte came
 * from. Returns the owned text; *map and *map_count describe the runs. */
static char *unescape(const char *s, uint32_t n, uint32_t file_base, pg_seg **map,
		      uint32_t *map_count, uint32_t *out_len)
{
	pg_buf out;
	pg_vec segs;
	uint32_t i = 0;
	bool in_run = false;
	pg_buf_init(&out, (size_t)n + 1);
	pg_vec_init(&segs, sizeof(pg_seg));
	while (i < n) {
		if (s[i] != '\\') {
			if (!in_run) {
				pg_seg *g = pg_vec_push(&segs);
				g->doc_off = (uint32_t)out.len;
				g->file_off = file_base + i;
				g->identity = true;
				in_run = true;
			}
			pg_buf_putc(&out, s[i]);
			i++;
			continue;
		}
		in_run = false;
		{
			pg_seg *g = pg_vec_push(&segs);
			char c = i + 1 < n ? s[i + 1] : '\\';
			g->doc_off = (uint32_t)out.len;
			g->file_off = file_base + i;
			g->identity = false;
			i += 2;
			switch (c) {
			case 'n': pg_buf_putc(&out, '\n'); break;
			case 'r': pg_buf_putc(&out, '\r'); break;
			case 't': pg_buf_putc(&out, '\t'); break;
			case '0': pg_buf_putc(&out, ' '); break;
			case 'x':
				pg_buf_putc(&out, '?');
				i += 2;
				break;
			case 'u':
				pg_buf_putc(&out, '?');
				while (i < n && s[i] != '}')
					i++;
				i++;
				break;
			case '\n':
				/* line continuation: skip the newline and leading blanks */
				while (i < n && isspace((unsigned char)s[i]))
					i++;
				segs.len--; /* nothing was emitted */
				break;
			default: pg_buf_putc(&out, c); break;
			}
		}
	}
	*map = segs.items;
	*map_count = (uint32_t)segs.len;
	*out_len = (uint32_t)out.len;
	return pg_buf_detach(&out);
}

/* Add an HTML document for a string literal node that holds markup. */
static void inject_string(pg_source *src, size_t doc_index, TSNode lit, bool raw)
{
	pg_doc *doc = PG_SOURCE_DOC(src, doc_index);
	uint32_t a = ts_node_start_byte(lit), b = ts_node_end_byte(lit);
	const char *t = doc->text;
	uint32_t q = a, hashes = 0, cs, ce;
	pg_seg *map;
	uint32_t map_count, len;
	char *text;

	while (q < b && t[q] != '"') {
		if (t[q] == '#')
			hashes++;
		q++;
	}
	if (q >= b)
		return;
	cs = q + 1;
	if (b < cs + 1 + (raw ? hashes : 0))
		return;
	ce = b - 1 - (raw ? hashes : 0);
	if (ce <= cs || !looks_like_html(t + cs, ce - cs))
		return;
	if (raw) {
		map = pg_malloc(sizeof(pg_seg));
		map->doc_off = 0;
		map->file_off = pg_doc_file_offset(doc, cs);
		map->identity = true;
		map_count = 1;
		text = pg_strndup(t + cs, ce - cs);
		len = ce - cs;
	} else {
		uint32_t i;
		text = unescape(t + cs, ce - cs, cs, &map, &map_count, &len);
		if (map_count == 0) {
			free(text);
			free(map);
			return;
		}
		/* unescape() recorded doc offsets of this document; compose with
		 * the parent's mapping so offsets point into the file. */
		for (i = 0; i < map_count; i++)
			map[i].file_off = pg_doc_file_offset(doc, map[i].file_off);
	}
	pg_source_add_owned(src, &pg_lang_html, text, len, map, map_count, "rust-string",
			    (int)doc_index);
}

/* Could the '<' at t[i] start markup by looks_like_html()'s tests (without
 * its stop at a "<!" that is not a comment or doctype)? A string literal
 * whose text looks like HTML has such a '<': its tag and the character
 * after it lie inside the literal. */
static bool markup_at(const char *t, size_t n, size_t i)
{
	const char *q = t + i + 1, *end = t + n;
	size_t len = 0, k;
	if (q < end && *q == '!')
		return true;
	if (q < end && *q == '/')
		q++;
	while (q + len < end && isalnum((unsigned char)q[len]))
		len++;
	if (len == 0 || q + len >= end)
		return false;
	if (!(q[len] == '>' || q[len] == ' ' || q[len] == '/' || q[len] == '\n' || q[len] == '\t'))
		return false;
	for (k = 0; html_tags[k]; k++)
		if (strlen(html_tags[k]) == len && strncasecmp(q, html_tags[k], len) == 0)
			return true;
	return false;
}

/* Inject the string literals that hold markup. Instead of walking every
 * node (5% of a large run), look only where markup could start: for each
 * such '<', go down from the root to the node holding it, and inject the
 * string literal found on the way (a comment on the way: nothing). Same
 * literals, in the same order, as a walk. */
void pg_rust_inject(pg_source *src, size_t doc_index)
{
	const pg_doc *doc = PG_SOURCE_DOC(src, doc_index);
	const char *t = doc->text, *p;
	size_t n = doc->len;
	TSNode root = ts_tree_root_node(doc->tree);
	TSTreeCursor cur;
	uint32_t handled = 0; /* the bytes before this are done */
	bool live = false;
	for (p = t; p < t + n && (p = memchr(p, '<', (size_t)(t + n - p))) != NULL; p++) {
		uint32_t i = (uint32_t)(p - t);
		if (i < handled || !markup_at(t, n, i))
			continue;
		if (!live) {
			cur = ts_tree_cursor_new(root);
			live = true;
		} else {
			ts_tree_cursor_reset(&cur, root);
		}
		while (ts_tree_cursor_goto_first_child_for_byte(&cur, i) >= 0) {
			TSNode nd = ts_tree_cursor_current_node(&cur);
			const char *type = ts_node_type(nd);
			if (ts_node_start_byte(nd) > i)
				break; /* i lies between children */
			if (strcmp(type, "raw_string_literal") == 0 || strcmp(type, "string_literal") == 0) {
				handled = ts_node_end_byte(nd);
				inject_string(src, doc_index, nd, type[0] == 'r'); /* may move src->docs */
				break;
			}
			if (strcmp(type, "line_comment") == 0 || strcmp(type, "block_comment") == 0) {
				handled = ts_node_end_byte(nd);
				break;
			}
		}
	}
	if (live)
		ts_tree_cursor_delete(&cur);
}

/* Is this attribute (text of an attribute_item) a test marker?
 * #[test], #[tokio::test], #[tokio::test(flavor = "..")], #[rstest],
 * #[cfg(test)], #[cfg(all(test, ..))]. */
static bool test_attribute(const char *s, size_t n)
{
	size_t i = 0, seg_start;
	if (n < 3 || s[0] != '#' || s[1] != '[')
		return false;
	i = 2;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i >= 4 && memcmp(s + i, "cfg(", 4) == 0) {
		size_t j;
		for (j = i + 4; j + 4 <= n; j++)
			if (memcmp(s + j, "test", 4) == 0 && !isalnum((unsigned char)s[j - 1]) &&
			    s[j - 1] != '_' && (j + 4 == n || !(isalnum((unsigned char)s[j + 4]) || s[j + 4] == '_')))
				return true;
		return false;
	}
	seg_start = i;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':')) {
		if (s[i] == ':')
			seg_start = i + 1;
		i++;
	}
	return (i - seg_start == 4 && memcmp(s + seg_start, "test", 4) == 0) ||
	       (i - seg_start == 6 && memcmp(s + seg_start, "rstest", 6) == 0) ||
	       (i - seg_start == 10 && memcmp(s + seg_start, "quickcheck", 10) == 0);
}

/* A function or module is test code when a test attribute precedes it
 * (comments may come between): `sibling` remembers one was seen. */
bool pg_rust_test_node(const pg_doc *doc, TSNode node, uint8_t *sibling)
{
	const char *t;
	bool test;
	if (!ts_node_is_named(node))
		return false;
	t = ts_node_type(node);
	if (t[0] != 'a' && t[0] != 'f' && t[0] != 'm' && t[0] != 'l' && t[0] != 'b') {
		*sibling = 0; /* not an attribute, comment or item that can be a test */
		return false;
	}
	if (strcmp(t, "attribute_item") == 0) {
		uint32_t a = ts_node_start_byte(node), b = ts_node_end_byte(node);
		if (test_attribute(doc->text + a, b - a))
			*sibling = 1;
		return false;
	}
	if (strcmp(t, "line_comment") == 0 || strcmp(t, "block_comment") == 0)
		return false;
	test = *sibling && (strcmp(t, "function_item") == 0 || strcmp(t, "mod_item") == 0);
	*sibling = 0;
	return test;
}

static bool word_byte(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* Does `word` occur in text[0, len) with no word byte either side? */
static bool has_word_in(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);
	const char *p = text, *end = text + len;
	while ((p = memmem(p, (size_t)(end - p), word, n))) {
		if ((p == text || !word_byte((unsigned char)p[-1])) && (p + n == end || !word_byte((unsigned char)p[n])))
			return true;
		p++;
	}
	return false;
}

/* test_node says yes only after an attribute test_attribute() accepts:
 * its text holds the word test (cfg(test), test, tokio::test), rstest or
 * quickcheck. */
bool pg_rust_may_hold_tests(const char *text, size_t len)
{
	return has_word_in(text, len, "test") || has_word_in(text, len, "rstest") ||
	       has_word_in(text, len, "quickcheck");
}

char *pg_rust_function_name(const pg_doc *doc, TSNode node, TSNode parent)
{
	(void)parent;
	TSNode name = ts_node_child_by_field_name(node, "name", 4);
	return ts_node_is_null(name) ? NULL : pg_node_text(doc, name);
}
