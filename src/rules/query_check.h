/*
 * query_check - a structural pre-check of tree-sitter query text.
 *
 * Debian's libtree-sitter 0.20.7 does not terminate on some malformed or
 * unusual queries and crashes on others (found by fuzzing rule files): for
 * example `((_) @a*)?`, a quantified group whose own elements are
 * quantified, never returns from ts_query_new(). Rule files are outside
 * input, so every query passes this check before it reaches the library:
 * strings and comments are skipped, parentheses and brackets must balance,
 * a quantifier may not apply to a group that holds a quantified element,
 * nor to another quantifier (`(x)??` hangs, `__? ?` crashes), nor to a
 * predicate or a group that matches no node (`((match? @a "x"))?`, where
 * 0.20.7 reads a name ending in ? or ! as a predicate: it then follows and
 * writes through step data past its array, or loops for ever), and an
 * alternative may not be a predicate (`[(a) (x?)]*` loops for ever).
 */
#ifndef PG_QUERY_CHECK_H
#define PG_QUERY_CHECK_H

#include <stdint.h>

/* 0 when the text may be handed to ts_query_new(); otherwise -1 with the
 * byte offset and a static description of the problem. */
int pg_query_precheck(const char *q, uint32_t len, uint32_t *err_off, const char **what);

#endif
