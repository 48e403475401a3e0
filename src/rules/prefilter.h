/*
 * prefilter - which patterns of a language cannot match a document, known
 * from its text alone before the walk.
 *
 * A pattern whose match always captures a node @c, with a predicate such as
 * (#eq? @c "postMessage"), (#any-of? @c "spawn" "execFile") or
 * (#match? @c "^(window\\.)?location$"), can only match a document whose
 * text contains one of a few literals ("postMessage"; "spawn" or
 * "execFile"; "location"): the captured node's text is part of the
 * document's. The engine asks, per document, which of its literals occur
 * (one pass over the text) and leaves the patterns whose literals are all
 * absent out of the walk. Most documents contain none of a security rule's
 * names, so most patterns are never tried.
 *
 * pg_regex_literals - what a regex requires: a set of literals such that
 *                     every string the regex finds a match in contains one
 *                     of them (its own analysis of PCRE2 syntax, written to
 *                     give up, "no requirement", on anything it does not
 *                     understand; a wrong answer would hide findings).
 * pg_litscan        - a set of literals searched for together: an
 *                     Aho-Corasick automaton over ASCII-folded bytes, one
 *                     table step per byte of text; literals marked icase
 *                     match in any ASCII case, the others are confirmed
 *                     byte for byte where the automaton finds them.
 */
#ifndef PG_PREFILTER_H
#define PG_PREFILTER_H

#include "util/util.h"

/* Literals shorter than this are found in nearly every document: a
 * requirement that includes one is not worth a document-level check. */
#define PG_PREFILTER_MIN_LITERAL 3

/* The literals one of which every match of the regex re[0, len) (PCRE2
 * syntax, compiled with PCRE2_UTF) contains: pushed to out (char *, owned by
 * out's user; none empty, none inside another) and 1 returned; *icase
 * tells they hold in any ASCII case (they are then in lower case). 0 when
 * the regex requires no literal this analysis can name (out is left
 * empty). */
int pg_regex_literals(const char *re, size_t len, pg_vec *out, bool *icase);



typedef struct pg_litscan pg_litscan;

pg_litscan *pg_litscan_new(void);
void pg_litscan_free(pg_litscan *ls);
/* The id of the literal s[0, len) (len > 0), added unless it is there. */
uint32_t pg_litscan_add(pg_litscan *ls, const char *s, size_t len, bool icase);
size_t pg_litscan_count(const pg_litscan *ls);
/* A built scan of the n literals (as pg_regex_literals gives them). */
pg_litscan *pg_litscan_of(char *const *lits, size_t n, bool icase);
/* Build the automaton: after the last add, before the first run. */
void pg_litscan_build(pg_litscan *ls);
/* found[id] = 1 for each literal that occurs in text[0, len) (found has
 * pg_litscan_count() bytes, cleared by the caller). Thread-safe. */
void pg_litscan_run(const pg_litscan *ls, const char *text, size_t len, uint8_t *found);
/* Does one of the literals occur in text[0, len)? (Stops at the first.) */
bool pg_litscan_any(const pg_litscan *ls, const char *text, size_t len);

#endif
