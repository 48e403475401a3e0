/* query_check.c - keep queries that hang or crash tree-sitter 0.20.7 out. */
#include "query_check.h"

#include <stdbool.h>

#define MAX_DEPTH 64

/* frame - one open ( or [ .
 *   is_group      - a '(' whose first element is a pattern, not a node type
 *   is_predicate  - a '(' whose first token is #name, .name, or (the old
 *                   syntax 0.20.7 still takes) a name ending in ? or !
 *   has_quantified - an element directly inside carries * ? or +
 *   has_node      - an element inside matches a node (a node pattern, _,
 *                   a string, or a group or alternative holding one);
 *                   predicates, captures, fields and anchors do not */
typedef struct frame {
	char open;
	uint32_t at;
	bool first;
	bool is_group;
	bool is_predicate;
	bool has_quantified;
	bool has_node;
} frame;

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '?' || c == '!' || (unsigned char)c >= 0x80;
}

/* Does the '(' at q[i] open a predicate, the way 0.20.7 reads it? */
static bool opens_predicate(const char *q, uint32_t len, uint32_t i)
{
	uint32_t j = i + 1;
	while (j < len && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n' || q[j] == '\r'))
		j++;
	if (j < len && (q[j] == '#' || q[j] == '.'))
		return true;
	if (j >= len || q[j] == '_' || q[j] == '*' || !ident_char(q[j]) || q[j] == '.' ||
	    q[j] == '?' || q[j] == '!')
		return false;
	while (j + 1 < len && ident_char(q[j + 1]))
		j++;
	return q[j] == '?' || q[j] == '!';
}

int pg_query_precheck(const char *q, uint32_t len, uint32_t *err_off, const char **what)
{
	frame st[MAX_DEPTH];
	int depth = 0;
	uint32_t i = 0;
	bool closed_group = false;   /* the previous token closed a group */
	bool closed_quantified = false; /* ... that held quantified elements */
	bool closed_no_node = false;    /* ... or matched no node (predicates only) */
	bool after_quantifier = false;  /* the last token (captures aside) was one */

	while (i < len) {
		char c = q[i];
		if (c != '@' && c != '*' && c != '?' && c != '+' && c != ' ' && c != '\t' && c != '\n' &&
		    c != '\r' && c != ';')
			after_quantifier = false;
		if (c == '"') {
			uint32_t start = i++;
			while (i < len && q[i] != '"') {
				if (q[i] == '\\' && i + 1 < len)
					i++;
				if (q[i] == '\n') {
					*err_off = start;
					*what = "unterminated string";
					return -1;
				}
				i++;
			}
			if (i >= len) {
				*err_off = start;
				*what = "unterminated string";
				return -1;
			}
			i++;
			closed_group = false;
			closed_no_node = false;
			if (depth && st[depth - 1].first && st[depth - 1].open == '(')
				st[depth - 1].is_group = true; /* ("literal" ...) */
			if (depth) {
				st[depth - 1].first = false;
				st[depth - 1].has_node = true;
			}
			continue;
		}
		if (c == ';') {
			while (i < len && q[i] != '\n')
				i++;
			continue;
		}
		if (c == '(' || c == '[') {
			if (depth == MAX_DEPTH) {
				*err_off = i;
				*what = "patterns nested too deeply";
				return -1;
			}
			/* "((" or "([" opens a group: its first element is a pattern */
			if (depth && st[depth - 1].first && st[depth - 1].open == '(')
				st[depth - 1].is_group = true;
			if (depth)
				st[depth - 1].first = false;
			st[depth].open = c;
			st[depth].at = i;
			st[depth].first = true;
			st[depth].is_group = false;
			st[depth].is_predicate = c == '(' && opens_predicate(q, len, i);
			st[depth].has_quantified = false;
			st[depth].has_node = false;
			depth++;
			closed_group = false;
			closed_no_node = false;
			i++;
			continue;
		}
		if (c == ')' || c == ']') {
			frame *f;
			if (depth == 0 || (c == ')' && st[depth - 1].open != '(') ||
			    (c == ']' && st[depth - 1].open != '[')) {
				*err_off = i;
				*what = "unbalanced parenthesis or bracket";
				return -1;
			}
			f = &st[--depth];
			/* alternatives [...] and groups pass their quantified state up */
			closed_group = f->open == '[' || f->is_group;
			closed_quantified = closed_group && f->has_quantified;
			/* a predicate, or a group or alternative of predicates only,
			 * adds no step for a quantifier to apply to */
			closed_no_node = f->is_predicate || (closed_group && !f->has_node);
			if (depth && !closed_no_node)
				st[depth - 1].has_node = true;
			if (depth && closed_no_node && st[depth - 1].open == '[') {
				*err_off = f->at;
				*what = "an alternative that matches no node (tree-sitter 0.20.7 links it past the end of its steps)";
				return -1;
			}
			i++;
			continue;
		}
		if (c == '*' || c == '?' || c == '+') {
			if (after_quantifier) {
				*err_off = i;
				*what = "a quantifier on a quantifier (tree-sitter 0.20.7 does not terminate on it)";
				return -1;
			}
			after_quantifier = true;
			if (closed_group && closed_quantified) {
				*err_off = i;
				*what = "a quantifier on a group whose elements are quantified (tree-sitter 0.20.7 does not terminate on it)";
				return -1;
			}
			if (closed_no_node) {
				*err_off = i;
				*what = "a quantifier on a predicate or on a group that matches no node (tree-sitter 0.20.7 corrupts memory or hangs on it)";
				return -1;
			}
			if (depth)
				st[depth - 1].has_quantified = true;
			closed_group = false;
			closed_no_node = false;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		/* any other token: a node name, field, capture, anchor, predicate */
		if (depth)
			st[depth - 1].first = false;
		if (c == '@') {
			/* a capture after a closed group keeps the group as the
			 * operand of a following quantifier */
			while (i < len && q[i] != ' ' && q[i] != '\n' && q[i] != '\t' && q[i] != ')' &&
			       q[i] != ']' && q[i] != '*' && q[i] != '?' && q[i] != '+' && q[i] != '(')
				i++;
			continue;
		}
		closed_group = false;
		closed_no_node = false;
		if (c == '_' && depth)
			st[depth - 1].has_node = true; /* the wildcard _ */
		while (i < len && q[i] != ' ' && q[i] != '\n' && q[i] != '\t' && q[i] != '(' && q[i] != ')' &&
		       q[i] != '[' && q[i] != ']' && q[i] != '"' && q[i] != '*' && q[i] != '?' && q[i] != '+')
			i++;
	}
	if (depth) {
		*err_off = st[depth - 1].at;
		*what = "unclosed parenthesis or bracket";
		return -1;
	}
	return 0;
}
