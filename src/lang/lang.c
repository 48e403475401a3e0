/* lang.c - the language table. One row per language; behaviour that differs
 * between languages lives in the row's hooks (lang_rust.c, lang_javascript.c,
 * lang_html.c), consumed by the one generic pipeline in source.c. */
#include "lang.h"
#include "lang_hooks.h"

#include <string.h>

const TSLanguage *tree_sitter_rust(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_html(void);

static const char *const rust_ext[] = { ".rs", NULL };
static const char *const rust_comments[] = { "line_comment", "block_comment", NULL };
static const char *const rust_functions[] = { "function_item", NULL };
static const char *const rust_tests[] = { "tests/", "benches/", "**/tests/**", NULL };
static const char *const rust_units[] = { "function_item", NULL };

static const char *const js_ext[] = { ".js", ".mjs", ".cjs", ".jsx", NULL };
static const char *const js_comments[] = { "comment", "html_comment", NULL };
static const char *const js_functions[] = { "function_declaration", "generator_function_declaration",
					    "method_definition", "function_expression",
					    "arrow_function", "generator_function", NULL };
static const char *const js_tests[] = { "*.test.*", "*.spec.*", "__tests__/", "test/", "tests/",
					"**/__tests__/**", "**/test/**", "**/tests/**", NULL };
static const char *const js_units[] = { "call_expression", NULL };
static const char *const js_test_nodes[] = { "call_expression", NULL };

static const char *const html_ext[] = { ".html", ".htm", NULL };
static const char *const html_comments[] = { "comment", NULL };
static const char *const html_functions[] = { NULL };
static const char *const html_tests[] = { "tests/", "test/", "**/tests/**", "**/test/**", NULL };

const pg_lang pg_lang_rust = {
	"rust", "Rust", tree_sitter_rust, rust_ext, "//", "/*", "*/",
	rust_comments, rust_functions, rust_units, NULL, rust_tests,
	pg_rust_inject, pg_rust_test_node, pg_rust_function_name, pg_rust_may_hold_tests,
};

const pg_lang pg_lang_javascript = {
	"javascript", "JavaScript", tree_sitter_javascript, js_ext, "//", "/*", "*/",
	js_comments, js_functions, js_units, js_test_nodes, js_tests,
	NULL, pg_js_test_node, pg_js_function_name, pg_js_may_hold_tests,
};

const pg_lang pg_lang_html = {
	"html", "HTML", tree_sitter_html, html_ext, NULL, "<!--", "-->",
	html_comments, html_functions, NULL, NULL, html_tests,
	pg_html_inject, NULL, NULL, NULL,
};

const pg_lang *const pg_languages[] = { &pg_lang_rust, &pg_lang_javascript, &pg_lang_html, NULL };

const pg_lang *pg_lang_for_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	size_t i, j;
	if (!dot || (slash && dot < slash))
		return NULL;
	for (i = 0; pg_languages[i]; i++)
		for (j = 0; pg_languages[i]->extensions[j]; j++)
			if (strcasecmp(dot, pg_languages[i]->extensions[j]) == 0)
				return pg_languages[i];
	return NULL;
}

const pg_lang *pg_lang_by_name(const char *name)
{
	size_t i;
	for (i = 0; pg_languages[i]; i++)
		if (strcmp(pg_languages[i]->name, name) == 0)
			return pg_languages[i];
	return NULL;
}

bool pg_lang_is_comment(const pg_lang *lang, const char *type)
{
	size_t i;
	for (i = 0; lang->comment_nodes[i]; i++)
		if (strcmp(lang->comment_nodes[i], type) == 0)
			return true;
	return false;
}
