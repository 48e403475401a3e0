/*
 * lang - the language table, parsing, and embedded languages.
 *
 * A language is one row of a table (see lang.c): file extensions, grammar,
 * comment syntax, default test paths, the node types of functions, and two
 * hooks: where it embeds other languages, and whether a node is test code.
 * Adding a language means adding a row and its grammar, nothing else.
 *
 * A file is parsed into one or more documents (pg_doc): the root document,
 * and one per embedded region (a <script> element's JavaScript, an
 * onclick="..." handler, HTML markup inside a Rust string literal, ...).
 * Every document maps its byte offsets back to offsets of the file, so a
 * finding in JavaScript inside HTML inside a Rust raw string is reported at
 * the exact line and column of the .rs file.
 *
 * Ownership: a pg_source borrows the file's text (which must outlive it) and
 * owns its documents, their trees and any unescaped text copies. TSNodes
 * taken from a document never outlive pg_source_dispose().
 */
#ifndef PG_LANG_H
#define PG_LANG_H

#include "model/model.h"
#include <tree_sitter/api.h>

struct pg_source;
struct pg_doc;

typedef struct pg_lang {
	const char *name;    /* "rust": the key rules use */
	const char *display; /* "Rust" */
	const TSLanguage *(*grammar)(void);
	const char *const *extensions;    /* ".rs", NULL-terminated */
	const char *line_comment;         /* "//", or NULL */
	const char *block_open;           /* "/ *", "<!--" */
	const char *block_close;          /* "* /", "-->" */
	const char *const *comment_nodes; /* node types that are comments */
	const char *const *function_nodes; /* node types of functions/methods */
	const char *const *unit_nodes;    /* node types a test unit can be (a test
					   * function, a test call), or NULL */
	const char *const *test_nodes;    /* the node types test_node can say yes
					   * to, the only ones it is asked about;
					   * NULL: every node (its `sibling` state
					   * follows them all) */
	const char *const *test_paths;    /* default globs of test files */
	/* Find embedded regions in `doc` and append documents to `src`. */
	void (*inject)(struct pg_source *src, size_t doc_index);
	/* Is `node` test code in itself (a #[test] function, a describe(...)
	 * call)? Asked once per node (of test_nodes' types, when given), in
	 * document order, by the one walk that
	 * outlines a document (pg_doc_in_test), never inside test code already
	 * found; `sibling` is state the walk keeps per level of the tree, zero
	 * at a level's first child, for what earlier siblings said (attributes). */
	bool (*test_node)(const struct pg_doc *doc, TSNode node, uint8_t *sibling);
	/* Name of the function/method `node` declares (owned), or NULL.
	 * `parent`: its parent when the caller knows it, else a null node. */
	char *(*function_name)(const struct pg_doc *doc, TSNode node, TSNode parent);
	/* Could test_node say yes to any node of a document with this text?
	 * A necessary condition on the text alone (test_node's markers occur
	 * in it), for the restricted outline (pg_doc_outline_begin_within);
	 * NULL with test_node NULL (no test code in the language). */
	bool (*may_hold_tests)(const char *text, size_t len);
} pg_lang;

/* Install libtree-sitter's allocator (ts_alloc.c: it survives the library's
 * bad free of a node with 65,536 children or more). Called by
 * pg_source_parse() and pg_engine_new(); idempotent and thread-safe. */
void pg_lang_init(void);

/* The language of a path by extension, or NULL. */
const pg_lang *pg_lang_for_path(const char *path);
/* The language by name ("rust"), or NULL. */
const pg_lang *pg_lang_by_name(const char *name);
/* The table, NULL-terminated. */
extern const pg_lang *const pg_languages[];

/* A run of document bytes and where they came from in the file. When
 * `identity`, doc byte doc_off+i is file byte file_off+i; otherwise every byte
 * of the run maps to file_off (an escape sequence like \" decoded to one byte). */
typedef struct pg_seg {
	uint32_t doc_off;
	uint32_t file_off;
	bool identity;
} pg_seg;

/* Document bytes [start, end). */
typedef struct pg_span {
	uint32_t start, end;
} pg_span;

/* Does [a, b) meet one of `spans` (sorted, disjoint; an empty [a, a): lie
 * in one)? A binary search. */
bool pg_spans_meet(const pg_span *spans, size_t count, uint32_t a, uint32_t b);

/*
 * pg_doc - one parse unit.
 *   lang     - its language
 *   text/len - the bytes parsed: the file's own text, or `owned`
 *   owned    - an unescaped copy (Rust "..." strings), or NULL
 *   ranges   - included ranges within text (NULL: all of it)
 *   map      - doc offset → file offset runs, sorted; NULL: identity.
 *              Borrowed from the parent when the doc shares its text.
 *   tree     - the syntax tree, or NULL if parsing failed or timed out
 *   parent   - index of the document it was found in, or -1
 *   origin   - "file", "script", "event-handler", "javascript-url",
 *              "rust-string"
 */
typedef struct pg_doc {
	const pg_lang *lang;
	const char *text;
	uint32_t len;
	char *owned;
	TSRange *ranges;
	uint32_t range_count;
	pg_seg *map;
	uint32_t map_count;
	bool owns_map;
	TSTree *tree;
	int parent;
	const char *origin;
	bool in_test; /* the whole document is test code (test path) */
	struct pg_outline *outline; /* test code and comments, on first use */
	int8_t tests_possible; /* 0: not asked yet; 1, -1: may_hold_tests' answer */
} pg_doc;

/*
 * pg_source - a file's text and all documents parsed from it.
 *   path      - borrowed
 *   text/len  - borrowed file content
 *   lines     - line index of the file
 *   docs      - pg_doc, docs[0] is the root
 *   timed_out - a parse hit the time limit (the file is reported as not analysed)
 */
typedef struct pg_source {
	const char *path;
	const char *text;
	uint32_t len;
	pg_lines lines;
	pg_vec docs;
	TSParser *parser;
	uint64_t timeout_us;
	bool timed_out;
	bool test_file;
	bool reused; /* the root was reparsed from another side's tree */
} pg_source;

/* Parse `text` as `lang` (and everything it embeds). `parser` is borrowed
 * (one per thread). `timeout_us` bounds each parse (0 = none). Returns 0;
 * on a timeout sets src->timed_out and keeps what was parsed. */
int pg_source_parse(pg_source *src, const char *path, const char *text, size_t len,
		    const pg_lang *lang, TSParser *parser, uint64_t timeout_us);
/* The same for the other side of a change to like's file: like's tree is
 * edited by the diff's hunks (old side: `text`; new side: like's text) and
 * the text reparsed incrementally, which costs what changed rather than
 * the whole file. Hunks that do not fit the texts give a full parse. The
 * trees are the same as a full parse's (tests/unit/test_lang.c). */
int pg_source_parse_from(pg_source *src, const char *path, const char *text, size_t len,
			 const pg_lang *lang, TSParser *parser, uint64_t timeout_us,
			 const pg_source *like, const pg_hunk *hunks, size_t nhunks);
void pg_source_dispose(pg_source *src);

/* Add a document for the bytes [start, end) of doc `parent_index`, parsed as
 * `lang`. For documents that need unescaping, `owned`/`map` may be given
 * (ownership passes to the source). Used by injection hooks. */
void pg_source_add_region(pg_source *src, size_t parent_index, const pg_lang *lang,
			  const TSRange *ranges, uint32_t range_count, const char *origin);
void pg_source_add_owned(pg_source *src, const pg_lang *lang, char *owned, uint32_t len,
			 pg_seg *map, uint32_t map_count, const char *origin, int parent);

#define PG_SOURCE_DOC(src, i) PG_VEC_AT(&(src)->docs, pg_doc, i)

/* Mark every document of `src` as test code or not (the file's path is a
 * test path); documents embedded later inherit it. */
void pg_source_mark_test_file(pg_source *src, bool test);

/*
 * Test code, comments and functions of a document, found by one walk of its
 * tree on first use (spans sorted and disjoint) and kept with the document (a
 * document belongs to one thread, so the cache needs no lock).
 *   pg_doc_in_test     - is `node` test code: a test file, or inside a span
 *   pg_doc_test_at     - is offset `off` inside test code found in the tree
 *                        (whatever the file's path says)
 *   pg_doc_comment_at  - is offset `off` inside a comment outside test code
 *   pg_doc_has_tests   - is any of the document test code?
 *   pg_doc_functions   - the nodes of the language's function_nodes types,
 *                        in document order (borrowed, `count` of them)
 *   pg_doc_function_ancestors - the k-th of them's PG_FN_ANCESTORS nearest
 *                        ancestors, nearest first (null nodes above the
 *                        root), as ts_node_parent would give them one by
 *                        one, each from a walk down from the root
 *   pg_doc_test_roots  - the outermost test nodes (the spans' nodes), in
 *                        document order (borrowed); none for a test file
 *                        whose tree holds no test node: see doc->in_test
 *   pg_doc_test_units  - the nodes of the language's unit_nodes types in test
 *                        code (every one in a test file: doc->in_test), in
 *                        document order (borrowed)
 */
bool pg_doc_in_test(const pg_doc *doc, TSNode node);

/* Making the outline during another walk of the tree (the rules' matcher
 * walks every node anyway): begin returns NULL when the outline exists
 * already (or the document has no tree); then give every node in
 * depth-first order with its depth (the root: 0), and end. Until end, the
 * outline is partial: ask nothing of the document in between. */
typedef struct pg_outline_builder pg_outline_builder;
pg_outline_builder *pg_doc_outline_begin(const pg_doc *doc);
/* The same for a walk that visits only the nodes meeting `spans` (document
 * bytes, sorted, `count`) and the children of those: the matcher's walk
 * under the added filter. The outline is then restricted: functions and
 * comments are known inside the spans only (pg_doc_comment_at outside
 * them, and pg_doc_functions, make the whole outline first;
 * pg_doc_functions_meeting does not). Made only for a document that can
 * hold no test code (not a test file, and lang->may_hold_tests says no),
 * so the answers about test code are the same everywhere; NULL otherwise,
 * and the outline is made by a walk of its own when first asked. */
pg_outline_builder *pg_doc_outline_begin_within(const pg_doc *doc, const pg_span *spans, size_t count);
void pg_outline_node(pg_outline_builder *b, TSNode node, uint32_t depth);
void pg_doc_outline_end(pg_outline_builder *b);
bool pg_doc_test_at(const pg_doc *doc, uint32_t off);
bool pg_doc_comment_at(const pg_doc *doc, uint32_t off);
bool pg_doc_has_tests(const pg_doc *doc);
const TSNode *pg_doc_functions(const pg_doc *doc, size_t *count);
/* Every function meeting the spans of a restricted outline (and perhaps
 * more), or all of them: what pg_doc_functions gives, without making the
 * whole outline. pg_doc_function_ancestors indexes this list until an
 * outline question makes the whole one. */
const TSNode *pg_doc_functions_meeting(const pg_doc *doc, size_t *count);
/* Every function meeting `spans` (document bytes, sorted and disjoint;
 * perhaps more): from a walk of those spans alone when the document can
 * hold no test code (the outline becomes one restricted to them), else
 * from the whole outline. pg_doc_function_ancestors indexes the list. */
const TSNode *pg_doc_functions_at(const pg_doc *doc, const pg_span *spans, size_t nspans, size_t *count);
#define PG_FN_ANCESTORS 6
const TSNode *pg_doc_function_ancestors(const pg_doc *doc, size_t k);
const TSNode *pg_doc_test_roots(const pg_doc *doc, size_t *count);
const TSNode *pg_doc_test_units(const pg_doc *doc, size_t *count);

/* Map a document byte offset to a file byte offset. */
uint32_t pg_doc_file_offset(const pg_doc *doc, uint32_t off);
/* 1-based line and byte column in the file of a document offset. */
void pg_source_position(const pg_source *src, const pg_doc *doc, uint32_t off,
			uint32_t *line, uint32_t *column);
/* Text of the file's 1-based line (borrowed, not terminated); sets *len. */
const char *pg_source_line(const pg_source *src, uint32_t line, uint32_t *len);

/* TSPoint of byte `off` in `text` (row/column, bytes). */
TSPoint pg_point_at(const char *text, uint32_t off);

/* Is a comment node type for this language? */
bool pg_lang_is_comment(const pg_lang *lang, const char *type);

#endif
