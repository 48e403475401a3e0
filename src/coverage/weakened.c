/* weakened.c - tests made weaker, found by comparing the base and head syntax
 * trees of each changed file, and numeric thresholds lowered in test or
 * coverage configuration. */
#include "cov_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* unit - one test (a Rust test function, a JavaScript it/test/describe call).
 *   key      - its name: the function name, or the titles of the enclosing
 *              describe blocks and its own joined by " > " (owned)
 *   leaf     - a test itself, not a group (describe)
 *   line     - first line in its file */
typedef struct unit {
	char *key;
	bool leaf;
	uint32_t line;
	uint32_t asserts;
	uint32_t commented_asserts;
	bool ignored;  /* #[ignore], it.skip, xit, describe.skip, test.todo */
	bool focused;  /* .only, fit, fdescribe */
	bool should_panic;
	const char *how; /* how it was skipped or focused, for the message */
} unit;

void pg_cov_units_init(pg_vec *v)
{
	pg_vec_init(v, sizeof(unit));
}

void pg_cov_units_dispose(pg_vec *v)
{
	size_t i;
	for (i = 0; i < v->len; i++)
		free(PG_VEC_AT(v, unit, i)->key);
	pg_vec_dispose(v);
}

static bool has_word(const char *s, const char *w)
{
	size_t wl = strlen(w);
	const char *p = s;
	while ((p = strstr(p, w)) != NULL) {
		bool l = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool r = !(isalnum((unsigned char)p[wl]) || p[wl] == '_');
		if (l && r)
			return true;
		p += wl;
	}
	return false;
}

/* Is a comment's text a commented-out assertion? */
static bool comment_asserts(const char *t)
{
	return strstr(t, "assert!(") || strstr(t, "assert_eq!(") || strstr(t, "assert_ne!(") ||
	       strstr(t, "expect(") || strstr(t, "assert.") || strstr(t, "assert(");
}

/* Walk `n` counting assertions and commented-out assertions. */
static void count_asserts(const pg_doc *doc, TSNode root, bool rust, uint32_t *asserts, uint32_t *commented)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		const char *t = ts_node_type(n);
		if (pg_lang_is_comment(doc->lang, t)) {
			char *text = pg_cov_node_text(doc, n);
			if (comment_asserts(text))
				(*commented)++;
			free(text);
		} else if (rust && strcmp(t, "macro_invocation") == 0) {
			char *m = pg_cov_node_text(doc, ts_node_child_by_field_name(n, "macro", 5));
			if (strstr(m, "assert"))
				(*asserts)++;
			free(m);
		} else if (!rust && strcmp(t, "call_expression") == 0) {
			TSNode fn = ts_node_child_by_field_name(n, "function", 8);
			char *ft = NULL;
			if (!ts_node_is_null(fn) && strcmp(ts_node_type(fn), "identifier") == 0) {
				ft = pg_cov_node_text(doc, fn);
				if (strcmp(ft, "expect") == 0 || strcmp(ft, "assert") == 0)
					(*asserts)++;
			} else if (!ts_node_is_null(fn) && strcmp(ts_node_type(fn), "member_expression") == 0) {
				TSNode obj = ts_node_child_by_field_name(fn, "object", 6);
				if (!ts_node_is_null(obj) && strcmp(ts_node_type(obj), "identifier") == 0) {
					ft = pg_cov_node_text(doc, obj);
					if (strcmp(ft, "assert") == 0)
						(*asserts)++;
				}
			}
			free(ft);
		}
		if (ts_tree_cursor_goto_first_child(&cur))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cur))
			if (!ts_tree_cursor_goto_parent(&cur) || ts_node_eq(ts_tree_cursor_current_node(&cur), root))
				goto done;
	}
done:
	ts_tree_cursor_delete(&cur);
}

/* Rust: is `fn` itself a test (not only inside a #[cfg(test)] module)?
 * The language hook decides; inside a test module, where the hook cannot
 * tell a test from a helper, a `test` word in its own attributes does. */
static bool rust_unit(const pg_doc *doc, TSNode fn, unit *u)
{
	TSNode parent = ts_node_parent(fn), sib;
	bool attr_test = false;
	for (sib = ts_node_prev_named_sibling(fn); !ts_node_is_null(sib); sib = ts_node_prev_named_sibling(sib)) {
		const char *t = ts_node_type(sib);
		char *text;
		if (strcmp(t, "attribute_item") != 0) {
			if (pg_lang_is_comment(doc->lang, t))
				continue;
			break;
		}
		text = pg_cov_node_text(doc, sib);
		if (pg_str_starts_with(text, "#[ignore"))
			u->ignored = true, u->how = "#[ignore]";
		if (pg_str_starts_with(text, "#[should_panic"))
			u->should_panic = true;
		if (has_word(text, "test") || strstr(text, "rstest") || strstr(text, "quickcheck"))
			attr_test = true;
		free(text);
	}
	if (!pg_doc_test_at(doc, ts_node_start_byte(fn)))
		return false;
	return attr_test || ts_node_is_null(parent) || !pg_doc_test_at(doc, ts_node_start_byte(parent));
}

static const char *const js_test_calls[] = { "it", "test", "specify", "xit", "xtest", "fit", "describe",
					     "suite", "context", "xdescribe", "xcontext", "fdescribe", NULL };

/* JavaScript: a call of it/test/describe (with .skip/.only/.each...) with a
 * string title. Sets the unit's flags; the title is returned (owned). */
static char *js_unit(const pg_doc *doc, TSNode call, unit *u)
{
	TSNode fn = ts_node_child_by_field_name(call, "function", 8), args, first;
	char *base = NULL, *title = NULL;
	const char *t;
	size_t i;
	bool skip = false, only = false;
	if (ts_node_is_null(fn))
		return NULL;
	/* describe.skip, it.only, test.each([...]) (the call's callee is a call) */
	for (t = ts_node_type(fn); strcmp(t, "member_expression") == 0 || strcmp(t, "call_expression") == 0;
	     t = ts_node_type(fn)) {
		if (strcmp(t, "member_expression") == 0) {
			char *prop = pg_cov_node_text(doc, ts_node_child_by_field_name(fn, "property", 8));
			if (strcmp(prop, "skip") == 0 || strcmp(prop, "todo") == 0)
				skip = true;
			if (strcmp(prop, "only") == 0)
				only = true;
			free(prop);
			fn = ts_node_child_by_field_name(fn, "object", 6);
		} else {
			fn = ts_node_child_by_field_name(fn, "function", 8);
		}
		if (ts_node_is_null(fn))
			return NULL;
	}
	if (strcmp(t, "identifier") != 0)
		return NULL;
	base = pg_cov_node_text(doc, fn);
	for (i = 0; js_test_calls[i]; i++)
		if (strcmp(base, js_test_calls[i]) == 0)
			break;
	if (!js_test_calls[i]) {
		free(base);
		return NULL;
	}
	args = ts_node_child_by_field_name(call, "arguments", 9);
	first = ts_node_is_null(args) ? args : ts_node_named_child(args, 0);
	if (ts_node_is_null(first) || (strcmp(ts_node_type(first), "string") != 0 &&
				       strcmp(ts_node_type(first), "template_string") != 0)) {
		free(base);
		return NULL;
	}
	title = pg_cov_node_text(doc, first);
	u->leaf = !(strstr(base, "describe") || strcmp(base, "suite") == 0 || strstr(base, "context"));
	if (skip || base[0] == 'x') {
		u->ignored = true;
		u->how = skip ? ".skip" : "an x-prefixed call";
	}
	if (only || strcmp(base, "fit") == 0 || strcmp(base, "fdescribe") == 0) {
		u->focused = true;
		/* `how` outlives `base`: always a static string */
		u->how = only ? ".only" : strcmp(base, "fit") == 0 ? "fit" : "fdescribe";
	}
	free(base);
	return title;
}

/* The titles of the describe blocks around a JavaScript test call. */
static void js_prefix(const pg_doc *doc, TSNode call, pg_buf *b)
{
	TSNode n = ts_node_parent(call);
	pg_vec stack;
	size_t i;
	pg_vec_init(&stack, sizeof(char *));
	for (; !ts_node_is_null(n); n = ts_node_parent(n)) {
		unit tmp;
		char *title;
		if (strcmp(ts_node_type(n), "call_expression") != 0)
			continue;
		memset(&tmp, 0, sizeof(tmp));
		if ((title = js_unit(doc, n, &tmp)) != NULL)
			*(char **)pg_vec_push(&stack) = title;
	}
	for (i = stack.len; i-- > 0;) {
		pg_buf_puts(b, *PG_VEC_AT(&stack, char *, i));
		pg_buf_puts(b, " > ");
		free(*PG_VEC_AT(&stack, char *, i));
	}
	pg_vec_dispose(&stack);
}

static void add_unit(pg_vec *units, unit *u)
{
	size_t i, dup = 0;
	for (i = 0; i < units->len; i++)
		if (strcmp(PG_VEC_AT(units, unit, i)->key, u->key) == 0)
			dup++;
	if (dup) {
		char *k = pg_printf_alloc("%s #%zu", u->key, dup + 1);
		free(u->key);
		u->key = k;
	}
	*(unit *)pg_vec_push(units) = *u;
}

/* The units (tests) in the subtree of `top`. */
/* One node of the document's test units (pg_doc_test_units: a function
 * of Rust test code, a call of JavaScript test code): the unit it is, if
 * any, into `units`. */
static void unit_at(const pg_source *src, const pg_doc *doc, TSNode n, bool rust, bool asserts, pg_vec *units)
{
	unit u;
	uint32_t col;
	memset(&u, 0, sizeof(u));
	if (rust && rust_unit(doc, n, &u)) {
		u.key = doc->lang->function_name(doc, n, (TSNode){ 0 });
		u.leaf = true;
	} else if (!rust) {
		char *title = js_unit(doc, n, &u);
		if (title) {
			pg_buf b;
			pg_buf_init(&b, 0);
			js_prefix(doc, n, &b);
			pg_buf_puts(&b, title);
			free(title);
			u.key = pg_buf_detach(&b);
		}
	}
	if (u.key) {
		if (asserts && u.leaf) {
			TSNode body = rust ? ts_node_child_by_field_name(n, "body", 4)
					   : ts_node_child_by_field_name(n, "arguments", 9);
			if (!ts_node_is_null(body))
				count_asserts(doc, body, rust, &u.asserts, &u.commented_asserts);
		}
		pg_source_position(src, doc, ts_node_start_byte(n), &u.line, &col);
		add_unit(units, &u);
	}
}

void pg_cov_units_collect(const pg_source *src, pg_vec *units, bool asserts)
{
	size_t d, k, n;
	for (d = 0; d < src->docs.len; d++) {
		const pg_doc *doc = PG_SOURCE_DOC(src, d);
		bool rust = strcmp(doc->lang->name, "rust") == 0;
		const TSNode *nodes;
		if (!doc->tree || !doc->lang->test_node || (!rust && strcmp(doc->lang->name, "javascript") != 0))
			continue;
		if (!pg_doc_has_tests(doc)) /* every unit lies in test code */
			continue;
		/* a test file: all of it; else only the test subtrees (the
		 * outline's walk listed the candidates) */
		nodes = pg_doc_test_units(doc, &n);
		for (k = 0; k < n; k++)
			unit_at(src, doc, nodes[k], rust, asserts, units);
	}
}

static const unit *find_unit(const pg_vec *units, const char *key)
{
	size_t i;
	for (i = 0; i < units->len; i++)
		if (strcmp(PG_VEC_AT(units, unit, i)->key, key) == 0)
			return PG_VEC_AT(units, unit, i);
	return NULL;
}

static void compare(cov_ctx *c, const pg_file *f, const pg_vec *base, const pg_vec *head, uint32_t head_lines)
{
	size_t i, deleted = 0;
	char *msg;
	for (i = 0; i < head->len; i++) {
		const unit *h = PG_VEC_AT(head, unit, i);
		const unit *b = find_unit(base, h->key);
		if (h->focused && (!b || !b->focused)) {
			msg = pg_printf_alloc("`%s` is focused with %s: every other test of the suite is skipped", h->key, h->how);
			pg_cov_finding(c, "any/tests/focused-test", f->path, h->line, h->line, h->key, msg);
			free(msg);
		}
		if (h->ignored && (!b || !b->ignored)) {
			msg = pg_printf_alloc("%s `%s` is %s with %s", h->leaf ? "test" : "test group", h->key,
					      b ? "now skipped" : "added but skipped", h->how);
			pg_cov_finding(c, "any/tests/ignored-test", f->path, h->line, h->line, h->key, msg);
			free(msg);
		}
		if (!b)
			continue;
		if (h->should_panic && !b->should_panic) {
			msg = pg_printf_alloc("#[should_panic] added to the existing test `%s`: it now passes when the code panics", h->key);
			pg_cov_finding(c, "any/tests/should-panic-added", f->path, h->line, h->line, h->key, msg);
			free(msg);
		}
		if (h->leaf && h->asserts < b->asserts) {
			msg = pg_printf_alloc("%u of %u assertion%s %s from test `%s`", b->asserts - h->asserts, b->asserts,
					      b->asserts == 1 ? "" : "s",
					      h->commented_asserts > b->commented_asserts ? "commented out or removed" : "removed",
					      h->key);
			pg_cov_finding(c, "any/tests/assertion-removed", f->path, h->line, h->line, h->key, msg);
			free(msg);
		}
	}
	for (i = 0; i < base->len; i++) {
		const unit *b = PG_VEC_AT(base, unit, i);
		uint32_t line;
		if (!b->leaf || find_unit(head, b->key))
			continue;
		deleted++;
		if (deleted > 5)
			continue;
		line = head_lines == 0 ? 1 : b->line > head_lines ? head_lines : b->line;
		msg = pg_printf_alloc("test `%s` was deleted (or renamed)", b->key);
		pg_cov_finding(c, "any/tests/test-deleted", f->path, line, line, b->key, msg);
		free(msg);
	}
	if (deleted > 5) {
		msg = pg_printf_alloc("%zu more tests were deleted from this file", deleted - 5);
		pg_cov_finding(c, "any/tests/test-deleted", f->path, 1, 1, NULL, msg);
		free(msg);
	}
}

/* --- numeric thresholds in configuration --- */

static const char *const config_globs[] = { "jest.config.*", "vitest.config.*", ".nycrc", ".nycrc.*",
					    ".c8rc", ".c8rc.*", "package.json", "codecov.yml", ".codecov.yml",
					    "tarpaulin.toml", ".tarpaulin.toml", "karma.conf.*", ".prgate.yml",
					    NULL };
static const char *const threshold_words[] = { "threshold", "branches", "functions", "lines",
					       "statements", "coverage", "fail-under", "fail_under",
					       "min", "minimum", "target", NULL };

/* A line's key (numbers replaced by '#', blanks trimmed) when it holds a
 * number and a threshold word; its first number in *value. */
static char *threshold_key(const char *s, size_t n, double *value)
{
	pg_buf b;
	size_t i = 0, k;
	bool have = false, word = false;
	char *key;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (n - i > 300)
		return NULL;
	pg_buf_init(&b, 1024);
	while (i < n) {
		if (isdigit((unsigned char)s[i]) && (i == 0 || !(isalpha((unsigned char)s[i - 1]) || s[i - 1] == '_'))) {
			char tmp[64];
			size_t j = i;
			while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.') && j - i < 60)
				j++;
			if (!have) {
				memcpy(tmp, s + i, j - i);
				tmp[j - i] = 0;
				*value = strtod(tmp, NULL);
				have = true;
			}
			pg_buf_putc(&b, '#');
			i = j;
			continue;
		}
		pg_buf_putc(&b, (char)tolower((unsigned char)s[i]));
		i++;
	}
	for (k = 0; threshold_words[k]; k++)
		if (strstr(b.ptr, threshold_words[k]))
			word = true;
	if (!have || !word) {
		pg_buf_dispose(&b);
		return NULL;
	}
	key = pg_buf_detach(&b);
	return key;
}

typedef struct kv {
	char *key;
	double value;
	uint32_t line;
	int count;
} kv;

static void collect_thresholds(const char *text, size_t len, pg_vec *out)
{
	size_t i = 0, k;
	uint32_t line = 1;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		double v = 0;
		char *key = threshold_key(text + i, e - i, &v);
		if (key) {
			for (k = 0; k < out->len; k++)
				if (strcmp(PG_VEC_AT(out, kv, k)->key, key) == 0)
					break;
			if (k < out->len) {
				PG_VEC_AT(out, kv, k)->count++;
				free(key);
			} else {
				kv *x = pg_vec_push(out);
				x->key = key;
				x->value = v;
				x->line = line;
				x->count = 1;
			}
		}
		i = e + 1;
		line++;
	}
}

static void kv_dispose(pg_vec *v)
{
	size_t i;
	for (i = 0; i < v->len; i++)
		free(PG_VEC_AT(v, kv, i)->key);
	pg_vec_dispose(v);
}

static void thresholds(cov_ctx *c, const pg_file *f)
{
	char *old_text, *new_text;
	size_t old_len, new_len, i, k;
	pg_vec base, head;
	bool config = false;
	for (i = 0; config_globs[i]; i++)
		if (pg_glob_match(config_globs[i], f->path))
			config = true;
	if (!config && !pg_cov_is_test_path(c, f->path))
		return;
	if (!(old_text = pg_cov_read_blob(c, f->old_oid, &old_len)))
		return;
	if (!(new_text = pg_cov_read_blob(c, f->new_oid, &new_len))) {
		free(old_text);
		return;
	}
	pg_vec_init(&base, sizeof(kv));
	pg_vec_init(&head, sizeof(kv));
	collect_thresholds(old_text, old_len, &base);
	collect_thresholds(new_text, new_len, &head);
	for (i = 0; i < head.len; i++) {
		const kv *h = PG_VEC_AT(&head, kv, i);
		if (h->count != 1 || !pg_file_line_added(f, h->line))
			continue;
		for (k = 0; k < base.len; k++) {
			const kv *b = PG_VEC_AT(&base, kv, k);
			if (b->count == 1 && strcmp(b->key, h->key) == 0 && h->value < b->value) {
				char *msg = pg_printf_alloc("threshold lowered from %g to %g", b->value, h->value);
				pg_cov_finding(c, "any/tests/threshold-lowered", f->path, h->line, h->line, NULL, msg);
				free(msg);
			}
		}
	}
	kv_dispose(&base);
	kv_dispose(&head);
	free(old_text);
	free(new_text);
}

bool pg_cov_units_wanted(const pg_file *f)
{
	const pg_lang *lang;
	if (f->status == PG_FILE_UNCHANGED)
		return false;
	if (f->skip_reason && (strcmp(f->skip_reason, "excluded") == 0 || strcmp(f->skip_reason, "parse-timeout") == 0 ||
			       strcmp(f->skip_reason, "time-limit") == 0))
		return false; /* no findings in excluded files; no second try at a file over the budget */
	if (f->status == PG_FILE_ADDED) /* a new test file with .only or skipped tests */
		return f->lang && f->lang->test_node;
	lang = pg_lang_for_path(f->old_path ? f->old_path : f->path);
	return lang && lang->test_node;
}

int pg_cov_weakened(cov_ctx *c)
{
	size_t i;
	pg_vec none;
	pg_vec_init(&none, sizeof(unit));
	for (i = 0; i < c->nslots; i++) {
		const pg_file *f = PG_VEC_AT(&c->r->files, pg_file, i);
		const cov_slot *s = &c->slots[i];
		if (f->status == PG_FILE_ADDED || f->status == PG_FILE_UNCHANGED)
			continue;
		if (f->status != PG_FILE_DELETED)
			thresholds(c, f);
		if (!pg_cov_units_wanted(f))
			continue;
		if (s->base_units.len || s->head_units.len)
			compare(c, f, &s->base_units, &s->head_units, s->head_lines);
	}
	for (i = 0; i < c->nslots; i++) {
		const pg_file *f = PG_VEC_AT(&c->r->files, pg_file, i);
		const cov_slot *s = &c->slots[i];
		if (f->status == PG_FILE_ADDED && pg_cov_units_wanted(f))
			compare(c, f, &none, &s->head_units, 0);
	}
	pg_vec_dispose(&none);
	return 0;
}
