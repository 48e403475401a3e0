/*
 * engine - rules' tree-sitter queries compiled and run over documents.
 *
 * The patterns of all enabled rules of one language are matched by
 * prgate's matcher (qmatch.h) in a single walk of a document whatever the
 * number of rules. Each rule is compiled on its own, so a broken query is
 * reported at its own file:line:col and left out instead of breaking its
 * whole language. (PG_ENGINE_TSQUERY runs libtree-sitter's query engine
 * instead, one combined query per language: the reference.)
 *
 * Predicates (#eq?, #not-eq?, #match?, #not-match?, #any-of?, #not-any-of?)
 * are evaluated here: Debian's libtree-sitter 0.20.7 parses but does not
 * evaluate them. Regexes are PCRE2, compiled once when the engine is built
 * and JIT-compiled by their first search. A predicate on one capture that
 * every match has is tested by the matcher as the capture is made.
 *
 * The reported node of a match is the capture named `match` (else the first
 * capture). When a #match? predicate tests @match, the finding is narrowed to
 * the regex's own match inside the node, so a rule on a long string or
 * comment points at the exact text.
 *
 * Thread safety: a built engine is immutable (a regex's JIT copy is
 * published atomically); each thread passes its own TSQueryCursor to
 * pg_engine_run() (used by PG_ENGINE_TSQUERY only).
 */
#ifndef PG_ENGINE_H
#define PG_ENGINE_H

#include "rules/qmatch.h"
#include "rules/rule.h"
#include "lang/lang.h"

typedef struct pg_engine pg_engine;

/* A raw match: the rule, the span in document bytes, and capture texts for
 * message interpolation. Spans are narrowed as described above. */
typedef struct pg_match {
	const pg_rule *rule;
	uint32_t start_byte, end_byte; /* document offsets */
	TSNode node;                   /* the reported node */
	const TSQueryCapture *captures;
	uint32_t capture_count;
	const struct lang_query *owner; /* the engine's, for capture names */
} pg_match;

typedef void (*pg_match_cb)(void *ctx, const pg_source *src, const pg_doc *doc,
			    const pg_match *m);

/* Build an engine for the enabled rules of `rs` (borrowed; must outlive the
 * engine). Each rule whose query does not compile is reported through
 * on_error ("file:line:col: message") and skipped; *bad counts them. A rule
 * switched off after the build (rule->enabled false, as the configuration
 * does) is neither matched nor reported, so the engine can be built before
 * the configuration is read; switching one on after the build has no
 * effect. */
int pg_engine_new(pg_engine **out, const pg_ruleset *rs,
		  void (*on_error)(void *ctx, const char *msg), void *ctx, int *bad);
/* The same with the enabled rules of a second set in the same combined
 * queries (a later stage's own rules, such as the stakes signals: one
 * query pass serves both). `extra` may be NULL; borrowed like `rs`. */
int pg_engine_new_with(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
		       void (*on_error)(void *ctx, const char *msg), void *ctx, int *bad);
/* Which matcher runs the queries: prgate's own (qmatch.h, the default) or
 * libtree-sitter's query cursor (slower to compile and to run; kept as the
 * reference the rule tests compare against). PRGATE_QUERY_ENGINE=tsquery
 * selects the latter for pg_engine_new/_with. */
typedef enum pg_engine_backend { PG_ENGINE_NATIVE, PG_ENGINE_TSQUERY } pg_engine_backend;
int pg_engine_new_backend(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
			  pg_engine_backend backend, void (*on_error)(void *ctx, const char *msg),
			  void *ctx, int *bad);
void pg_engine_free(pg_engine *e);
/* An engine whose part for each language is compiled when a document of
 * that language is first run (by that thread, beside the other languages'
 * on theirs), not before: a run compiles only the languages it meets, on
 * the workers, not on the path before them. A rule that does not compile
 * is reported through on_error then, from that thread, and counted by
 * pg_engine_bad. For rules known to compile (the embedded packs): a broken
 * one in a language the run does not meet goes unreported.
 * PRGATE_QUERY_ENGINE=tsquery compiles it whole, as pg_engine_new_with. */
int pg_engine_new_lazy(pg_engine **out, const pg_ruleset *rs, const pg_ruleset *extra,
		       void (*on_error)(void *ctx, const char *msg), void *ctx);
/* Rules of a lazy engine that did not compile so far (0 for another). */
int pg_engine_bad(const pg_engine *e);

/* A run of document bytes [start, end). */
typedef pg_qm_range pg_byte_span;

/* Run every rule of doc's language over the whole document. Both return
 * how many match attempts a limit of the matcher stopped (0 normally). */
uint64_t pg_engine_run(const pg_engine *e, TSQueryCursor *cursor, const pg_source *src,
		   const pg_doc *doc, pg_match_cb cb, void *ctx);

/* The same, when only matches whose reported node intersects one of
 * `spans` (document bytes, sorted, `count` of them) are wanted: patterns
 * are then tried only where such a match can start (see pg_qm_exec; an
 * optimisation: the callback must still filter, and may get matches
 * outside the spans). With PG_ENGINE_TSQUERY the query cursor walks the
 * top-level items around the spans instead, which assumes a pattern spans
 * at most a top-level item and its neighbours: the item before (and the
 * comments and attributes before each) and the item after. */
uint64_t pg_engine_run_spans(const pg_engine *e, TSQueryCursor *cursor, const pg_source *src,
			 const pg_doc *doc, const pg_byte_span *spans, size_t count,
			 pg_match_cb cb, void *ctx);

/* Interpolate {{capture}} placeholders in `tmpl` with captured texts.
 * With one_line (messages), each capture is cut at its first line break and
 * after 60 bytes; without (fix templates), it is copied whole. Owned. */
char *pg_match_format(const pg_match *m, const pg_doc *doc, const char *tmpl, bool one_line);

/* Number of rules with a compiled query, per language name (NULL: all);
 * of a lazy engine, in the parts compiled so far. */
size_t pg_engine_rule_count(const pg_engine *e, const char *language);

#endif
