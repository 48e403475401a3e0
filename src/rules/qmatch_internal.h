/* qmatch_internal.h - what qmatch's compiler (qmatch_compile.c) hands its
 * matcher (qmatch.c): the compiled pattern trees and the per-symbol
 * dispatch. Not for other modules: they use qmatch.h. */
#ifndef PG_QMATCH_INTERNAL_H
#define PG_QMATCH_INTERNAL_H

#include "qmatch.h"
#include "util/util.h"

enum { E_NODE, E_ALT, E_SEQ };
enum { Q_ONE, Q_OPT, Q_STAR, Q_PLUS };
enum { W_NONE, W_NAMED, W_ANY };

/* elem - one element of a pattern.
 *   E_NODE: a node of `symbol` (or a wildcard), with `field`, no child with
 *           a field of `neg`, and children matching the sequence `kids`
 *           (`anchor_last`: the last kid is the last named child);
 *   E_ALT:  one of `kids`;
 *   E_SEQ:  the sibling sequence `kids`.
 * `immediate`: no named sibling between the previous element's node and
 * this one (or, first in a node, this is the first named child). */
typedef struct elem elem;
struct elem {
	uint8_t kind, quant, wild;
	bool immediate, anchor_last;
	bool check; /* call the exec's check for its captures (pg_qm_check_capture) */
	/* An element without captures in it, no anchor at it or after it:
	 * which nodes it takes does not change a match's captures, only
	 * leaves later siblings fewer places. So `skip` (optional or
	 * repeated: zero times is always possible) is not tried at all, and
	 * `first_only` (once or more) takes the first node that matches:
	 * otherwise `(_)* (x) @x` would find each match 2^n times. */
	bool skip, first_only;
	TSSymbol symbol;
	TSFieldId field;
	uint32_t ncaps, nneg, nkids;
	uint32_t *caps;
	TSFieldId *neg;
	elem **kids;
};

typedef struct pattern {
	elem *root;
	/* bits (symbol % 64) of child types the root node must have: a node
	 * whose children's bits lack one is not tried (0: no such need) */
	uint64_t need_kids;
	uint32_t start;
	uint32_t pred_off, pred_len; /* in q->preds */
} pattern;

typedef struct named_symbol {
	char *name;
	uint32_t len;
	bool named;
	TSSymbol symbol;
} named_symbol;

typedef struct str {
	char *s;
	uint32_t len;
} str;

struct pg_qm {
	const TSLanguage *lang;
	pg_vec patterns; /* pattern */
	pg_vec preds;    /* TSQueryPredicateStep */
	pg_vec strings;  /* str */
	pg_vec captures; /* str */
	/* dispatch: the patterns whose first node may have symbol s are
	 * by_sym[first[s] .. first[s + 1]) (ERROR is slot nsym); patterns that
	 * may start at any node are `wild`. Rebuilt after each pg_qm_add. */
	bool uses_fields; /* some pattern names a field: read children's fields */
	/* ... of the nodes of which types (slot as in `first`): those a pattern
	 * matches children of with a field; `field_any`: of every node */
	uint8_t *field_parent;
	bool field_any;
	uint32_t nsym;
	uint32_t *first;
	uint32_t *by_sym;
	pg_vec wild; /* uint32_t */
	/* node type names resolved so far (symbol_for), for the next query:
	 * libtree-sitter 0.20.7 resolves a name by a scan of every symbol */
	pg_vec names; /* named_symbol */
};

#endif
