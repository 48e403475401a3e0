/*
 * qmatch - tree-sitter query patterns, compiled and matched by prgate.
 *
 * libtree-sitter 0.20.7's own query engine is too slow for a gate that runs
 * on every push: compiling one language's rules costs about 170 ms (an
 * analysis of the whole grammar per pattern), and its cursor costs more
 * than the parse on large files. qmatch reads the same query syntax
 * (node patterns, fields, negated fields, anonymous-node strings, the
 * wildcards `_` and `(_)`, captures, the quantifiers `?` `*` `+`,
 * alternations, grouped sibling sequences, the anchor `.`, predicates) and
 * matches it with one walk of the tree, trying only the patterns whose
 * first node has the walked node's type.
 *
 * Semantics follow tree-sitter's (docs/rules.md, "Query semantics"):
 *   - a child pattern matches a visible child, in order, other children
 *     may come between; a field pattern only a child with that field;
 *   - `.` between two child patterns: no named child between them; before
 *     the first: it is the first named child; after the last: the last;
 *   - one match per distinct set of captured nodes; a match whose captures
 *     are a subset of another's for the same pattern and root is dropped
 *     (so an optional capture is reported when it can match);
 *   - predicates are returned as steps (like ts_query_predicates_for_pattern)
 *     for the caller to evaluate.
 *
 * A compiled pg_qm is immutable and may be shared by threads; each thread
 * matches with its own pg_qm_cursor.
 */
#ifndef PG_QMATCH_H
#define PG_QMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "lang/lang.h" /* pg_span */

typedef struct pg_qm pg_qm;
typedef struct pg_qm_cursor pg_qm_cursor;

pg_qm *pg_qm_new(const TSLanguage *lang);
void pg_qm_free(pg_qm *q);

/* Compile the patterns of `text` (a whole query) and append them. Returns
 * the number of patterns added (0 when the text holds none), or -1 with
 * *err_off (a byte of text) and `what` set; then nothing is added. */
int pg_qm_add(pg_qm *q, const char *text, uint32_t len, uint32_t *err_off, char *what,
	      size_t what_len);

uint32_t pg_qm_pattern_count(const pg_qm *q);
/* The byte of the text given to pg_qm_add where a pattern starts. */
uint32_t pg_qm_start_byte(const pg_qm *q, uint32_t pattern);
/* Capture and string tables, as the tree-sitter functions of the same name. */
uint32_t pg_qm_capture_count(const pg_qm *q);
const char *pg_qm_capture_name(const pg_qm *q, uint32_t id, uint32_t *len);
const char *pg_qm_string(const pg_qm *q, uint32_t id, uint32_t *len);
const TSQueryPredicateStep *pg_qm_predicates(const pg_qm *q, uint32_t pattern, uint32_t *len);

/* One match: its pattern and captures (valid during the callback). */
typedef struct pg_qm_match {
	uint32_t pattern;
	const TSQueryCapture *captures;
	uint32_t capture_count;
} pg_qm_match;

typedef void (*pg_qm_cb)(void *ctx, const pg_qm_match *m);

/* A test of one captured node, made as soon as it is captured: false drops
 * every match that would capture it there, before the rest of the pattern
 * is tried. Called only for captures marked with pg_qm_check_capture. */
typedef bool (*pg_qm_check)(void *ctx, uint32_t pattern, uint32_t capture, TSNode node);

/* Ask for `capture` of a pattern to be checked as it is captured. Only a
 * capture every match of the pattern has, once per node that carries it,
 * qualifies (not under ?, *, + or inside an alternation): then dropping a
 * match early finds the same matches as testing it complete (a match
 * without the capture could otherwise survive as a subset). Returns
 * whether the capture qualified (and is now marked). */
bool pg_qm_check_capture(pg_qm *q, uint32_t pattern, uint32_t capture);

/* Does every match of the pattern capture a node as `capture` (one node
 * element carrying it is neither optional, repeated nor one of
 * alternatives, nor under one that is)? Then a predicate on the capture
 * holds of that node's text in every match (the engine's prefilter). */
bool pg_qm_capture_required(const pg_qm *q, uint32_t pattern, uint32_t capture);

pg_qm_cursor *pg_qm_cursor_new(void);
void pg_qm_cursor_free(pg_qm_cursor *c);
/* Call fn for every node the walk of the next pg_qm_exec comes to, in
 * depth-first order with its depth (the root: 0): without ranges, every
 * node of the tree (another stage's walk can ride along). */
void pg_qm_cursor_set_node_hook(pg_qm_cursor *c, void (*fn)(void *ctx, TSNode n, uint32_t depth),
				void *ctx);
/* Try, in the next pg_qm_exec, only the patterns p with enabled[p] != 0
 * (NULL: all; the array is borrowed until then). The walk and its node
 * hook are the same. */
void pg_qm_cursor_set_enabled(pg_qm_cursor *c, const uint8_t *enabled);
/* How many match attempts of the last pg_qm_exec stopped at a limit
 * (hostile input: their other matches are lost). */
uint64_t pg_qm_cursor_gave_up(const pg_qm_cursor *c);

/* A run of document bytes [start, end). */
typedef pg_span pg_qm_range;

/* Match every pattern at every node under `root`, calling cb per match: in
 * document order of the node where the match starts, then pattern order.
 * With `ranges` (sorted, `count` of them), only at the nodes that meet a
 * range, and for sibling sequences also at the other children of such a
 * node: every match whose nodes include one that meets a range is found
 * (the nodes of a match lie under its first node, or after it among its
 * siblings), with others around it. A pattern still sees a node's whole
 * subtree. */
void pg_qm_exec(const pg_qm *q, pg_qm_cursor *c, TSNode root, const pg_qm_range *ranges,
		size_t count, pg_qm_check check, pg_qm_cb cb, void *ctx);

#endif
