/* lang_javascript.c - JavaScript's hooks: test blocks and function names. */
#define _GNU_SOURCE /* memmem */
#include "lang_hooks.h"

#include <stdlib.h>
#include <string.h>

static const char *const test_callees[] = { "describe", "it", "test", "suite", "context", "specify",
					    "beforeEach", "afterEach", "beforeAll", "afterAll",
					    "xit", "xtest", "xdescribe", "xcontext", "fit", "fdescribe", NULL };

static bool is_test_callee(const pg_doc *doc, TSNode fn)
{
	size_t i;
	const char *t = ts_node_type(fn);
	/* it.skip(...), describe.each(...)(...), test.only(...) */
	while (strcmp(t, "member_expression") == 0 || strcmp(t, "call_expression") == 0) {
		TSNode inner = strcmp(t, "member_expression") == 0
				       ? ts_node_child_by_field_name(fn, "object", 6)
				       : ts_node_child_by_field_name(fn, "function", 8);
		if (ts_node_is_null(inner))
			return false;
		fn = inner;
		t = ts_node_type(fn);
	}
	if (strcmp(t, "identifier") != 0)
		return false;
	for (i = 0; test_callees[i]; i++)
		if (pg_node_text_eq(doc, fn, test_callees[i]))
			return true;
	return false;
}

static bool ident_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
	       c >= 0x80;
}

/* Could the word at p (n bytes) be the identifier test_node looks for: the
 * innermost callee of a call, `it(`, `it.only(`, `describe.each(...)(`,
 * `` it`...` ``? Not part of a longer identifier, not a property (`.it`),
 * and followed, after blanks, by `(`, `.`, `?.`, a template or a comment. */
static bool may_be_callee(const char *text, const char *end, const char *p, size_t n)
{
	const char *q = p + n;
	if ((p > text && (ident_byte((unsigned char)p[-1]) || p[-1] == '.')) || (q < end && ident_byte((unsigned char)*q)))
		return false;
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
		q++;
	return q == end || *q == '(' || *q == '.' || *q == '?' || *q == '`' || *q == '/';
}

/* test_node says yes only to a call whose callee is an identifier spelled
 * as one of test_callees: a necessary condition on the text. */
bool pg_js_may_hold_tests(const char *text, size_t len)
{
	const char *end = text + len;
	size_t i;
	for (i = 0; test_callees[i]; i++) {
		size_t n = strlen(test_callees[i]);
		const char *p = text;
		while ((p = memmem(p, (size_t)(end - p), test_callees[i], n))) {
			if (may_be_callee(text, end, p, n))
				return true;
			p++;
		}
	}
	return false;
}

/* Does the text at `at` begin with one of test_callees, as a whole word?
 * The callee is_test_callee looks for is the leftmost part of the call
 * (the object of a member, the function of a call), so this holds of every
 * call it says yes to, and rules out nearly all others without reading
 * their children. */
static bool starts_with_callee(const pg_doc *doc, uint32_t at)
{
	const char *p = doc->text + at;
	size_t left = at < doc->len ? doc->len - at : 0, i;
	for (i = 0; test_callees[i]; i++) {
		size_t n = strlen(test_callees[i]);
		if (n <= left && *p == test_callees[i][0] && memcmp(p, test_callees[i], n) == 0 &&
		    (n == left || !ident_byte((unsigned char)p[n])))
			return true;
	}
	return false;
}

/* A call of describe/it/test (with .skip, .each, ...) is test code. Asked
 * about calls only (pg_lang.test_nodes). */
bool pg_js_test_node(const pg_doc *doc, TSNode node, uint8_t *sibling)
{
	TSNode fn;
	(void)sibling;
	if (!starts_with_callee(doc, ts_node_start_byte(node)))
		return false;
	fn = ts_node_child_by_field_name(node, "function", 8);
	return !ts_node_is_null(fn) && is_test_callee(doc, fn);
}

char *pg_js_function_name(const pg_doc *doc, TSNode node, TSNode parent)
{
	TSNode name = ts_node_child_by_field_name(node, "name", 4);
	if (!ts_node_is_null(name))
		return pg_node_text(doc, name);
	/* const f = () => ..., obj = { f: function () {} }, this.f = function () {} */
	if (ts_node_is_null(parent))
		parent = ts_node_parent(node);
	if (ts_node_is_null(parent))
		return NULL;
	if (strcmp(ts_node_type(parent), "variable_declarator") == 0)
		name = ts_node_child_by_field_name(parent, "name", 4);
	else if (strcmp(ts_node_type(parent), "pair") == 0)
		name = ts_node_child_by_field_name(parent, "key", 3);
	else if (strcmp(ts_node_type(parent), "assignment_expression") == 0)
		name = ts_node_child_by_field_name(parent, "left", 4);
	if (ts_node_is_null(name))
		return NULL;
	if (strcmp(ts_node_type(name), "member_expression") == 0) {
		TSNode prop = ts_node_child_by_field_name(name, "property", 8);
		if (!ts_node_is_null(prop))
			return pg_node_text(doc, prop);
	}
	return pg_node_text(doc, name);
}
