/*
 * lang_hooks - per-language hooks referenced by the table in lang.c.
 * Private to src/lang/.
 */
#ifndef PG_LANG_HOOKS_H
#define PG_LANG_HOOKS_H
#include "lang.h"
#include <strings.h>

extern const pg_lang pg_lang_rust;
extern const pg_lang pg_lang_javascript;
extern const pg_lang pg_lang_html;

void pg_rust_inject(pg_source *src, size_t doc_index);
bool pg_rust_test_node(const pg_doc *doc, TSNode node, uint8_t *sibling);
char *pg_rust_function_name(const pg_doc *doc, TSNode node, TSNode parent);

bool pg_rust_may_hold_tests(const char *text, size_t len);

bool pg_js_test_node(const pg_doc *doc, TSNode node, uint8_t *sibling);
bool pg_js_may_hold_tests(const char *text, size_t len);
char *pg_js_function_name(const pg_doc *doc, TSNode node, TSNode parent);

void pg_html_inject(pg_source *src, size_t doc_index);

/* What an injection hook's visitor needs: the source and the document. */
typedef struct pg_inject_ctx {
	pg_source *src;
	size_t doc_index;
} pg_inject_ctx;

/* Depth-first walk of `tree` with one cursor; `visit` returns whether to
 * descend into the node's children (the HTML hook). */
void pg_tree_walk(TSTree *tree, bool (*visit)(void *ctx, TSNode n), void *ctx);

/* Text of a node (owned copy). */
char *pg_node_text(const pg_doc *doc, TSNode node);
/* Does the node's text equal s? */
bool pg_node_text_eq(const pg_doc *doc, TSNode node, const char *s);

#endif
