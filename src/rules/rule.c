/* rule.c - loading rules from YAML (libyaml's document API, for positions). */
#include "rule.h"
#include "embedded.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static const char *const category_names[] = { "security", "robustness", "tests",
					       "maintainability", "ai-smell" };

const char *pg_category_name(pg_rule_category c)
{
	return (unsigned)c < PG_CAT__COUNT ? category_names[c] : "unknown";
}

static const char *const known_keys[] = { "id", "language", "severity", "category", "message",
					  "explain", "references", "fix", "paths", "in_tests",
					  "query", "builtin", NULL };
static const char *const known_languages[] = { "rust", "javascript", "html", "any", NULL };

/* Error at a YAML node's position: source:line:col: msg. */
static int node_error(const char *source, const yaml_node_t *node, const char *fmt, const char *arg)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	return pg_error_set(PG_ECONFIG, "%s:%zu:%zu: %s", source,
			    node ? node->start_mark.line + 1 : 1,
			    node ? node->start_mark.column + 1 : 1, msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int string_list(char ***out, yaml_document_t *doc, yaml_node_t *n, const char *source,
		       const char *key)
{
	yaml_node_item_t *it;
	size_t count = 0, i = 0;
	char **list;
	if (n->type == YAML_SCALAR_NODE) {
		list = pg_calloc(2, sizeof(char *));
		list[0] = pg_strdup(scalar(n));
		*out = list;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return node_error(source, n, "'%s' must be a list of strings", key);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		count++;
	list = pg_calloc(count + 1, sizeof(char *));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);
		if (!scalar(item)) {
			for (i = 0; list[i]; i++)
				free(list[i]);
			free(list);
			return node_error(source, item, "'%s' must be a list of strings", key);
		}
		list[i++] = pg_strdup(scalar(item));
	}
	*out = list;
	return 0;
}

static void free_list(char **l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; l[i]; i++)
		free(l[i]);
	free(l);
}

void pg_rule_free(pg_rule *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->language);
	free(r->message);
	free(r->explain);
	free_list(r->references);
	free(r->fix);
	free(r->query);
	free_list(r->include);
	free_list(r->exclude);
	free(r->source);
	free(r);
}

static const char *closest(const char *word, const char *const *choices)
{
	const char *best = NULL;
	size_t best_d = 3, i;
	for (i = 0; choices[i]; i++) {
		size_t d = pg_edit_distance(word, choices[i]);
		if (d < best_d) {
			best_d = d;
			best = choices[i];
		}
	}
	return best;
}

static bool valid_id(const char *id)
{
	/* lang/category/name: three non-empty parts of [a-z0-9_-] */
	int parts = 1;
	size_t run = 0;
	const char *p;
	for (p = id; *p; p++) {
		if (*p == '/') {
			if (run == 0)
				return false;
			parts++;
			run = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			   *p == '_' || *p == '.') {
			run++;
		} else {
			return false;
		}
	}
	return parts == 3 && run > 0;
}

static int parse_mapping(pg_rule *r, yaml_document_t *doc, yaml_node_t *root, const char *source,
			 const char *text, size_t len)
{
	yaml_node_pair_t *pair;
	int err = 0;
	unsigned seen = 0;
	bool have_in_tests = false, builtin = false;
	yaml_node_t *query_node = NULL, *root_node = root;
	int category = -1;

	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(doc, pair->value);
		const char *key = scalar(k), *val = scalar(v);
		size_t i;
		bool known = false;
		if (!key)
			return node_error(source, k, "keys must be plain strings%s", NULL);
		for (i = 0; known_keys[i]; i++)
			if (strcmp(key, known_keys[i]) == 0) {
				known = true;
				if (seen & (1u << i))
					return node_error(source, k, "duplicate key '%s'", key);
				seen |= 1u << i;
			}
		if (!known) {
			const char *s = closest(key, known_keys);
			char msg[256];
			if (s)
				snprintf(msg, sizeof(msg), "unknown key '%s' (did you mean '%s'?)", key, s);
			else
				snprintf(msg, sizeof(msg), "unknown key '%s'", key);
			return node_error(source, k, "%s", msg);
		}
		if (strcmp(key, "references") == 0) {
			if ((err = string_list(&r->references, doc, v, source, key)) < 0)
				return err;
			continue;
		}
		if (strcmp(key, "paths") == 0) {
			yaml_node_pair_t *pp;
			if (v->type != YAML_MAPPING_NODE)
				return node_error(source, v, "'paths' must map include/exclude to globs%s", NULL);
			for (pp = v->data.mapping.pairs.start; pp < v->data.mapping.pairs.top; pp++) {
				yaml_node_t *pk = yaml_document_get_node(doc, pp->key);
				yaml_node_t *pv = yaml_document_get_node(doc, pp->value);
				const char *pks = scalar(pk);
				if (pks && strcmp(pks, "include") == 0 && !r->include)
					err = string_list(&r->include, doc, pv, source, "paths.include");
				else if (pks && strcmp(pks, "exclude") == 0 && !r->exclude)
					err = string_list(&r->exclude, doc, pv, source, "paths.exclude");
				else
					return node_error(source, pk,
							  "unknown key '%s' in paths (expected include or exclude)",
							  pks ? pks : "?");
				if (err < 0)
					return err;
			}
			continue;
		}
		if (!val)
			return node_error(source, v, "'%s' must be a string", key);
		if (strcmp(key, "id") == 0) {
			if (!valid_id(val))
				return node_error(source, v,
						  "rule id '%s' must look like language/category/name (lowercase)",
						  val);
			r->id = pg_strdup(val);
		} else if (strcmp(key, "language") == 0) {
			for (i = 0; known_languages[i]; i++)
				if (strcmp(val, known_languages[i]) == 0)
					break;
			if (!known_languages[i])
				return node_error(source, v,
						  "unknown language '%s' (expected rust, javascript, html or any)",
						  val);
			r->language = pg_strdup(val);
		} else if (strcmp(key, "severity") == 0) {
			int s = pg_severity_parse(val, false);
			if (s < 0)
				return node_error(source, v,
						  "unknown severity '%s' (expected error, warning or note)", val);
			r->severity = (pg_severity)s;
		} else if (strcmp(key, "category") == 0) {
			for (i = 0; i < PG_CAT__COUNT; i++)
				if (strcmp(val, category_names[i]) == 0)
					category = (int)i;
			if (category < 0)
				return node_error(source, v,
						  "unknown category '%s' (expected security, robustness, tests, maintainability or ai-smell)",
						  val);
			r->category = (pg_rule_category)category;
		} else if (strcmp(key, "message") == 0) {
			r->message = pg_strdup(val);
		} else if (strcmp(key, "explain") == 0) {
			r->explain = pg_strdup(val);
		} else if (strcmp(key, "fix") == 0) {
			r->fix = pg_strdup(val);
		} else if (strcmp(key, "query") == 0) {
			r->query = pg_strdup(val);
			query_node = v;
		} else if (strcmp(key, "in_tests") == 0 || strcmp(key, "builtin") == 0) {
			bool b;
			if (strcmp(val, "true") == 0)
				b = true;
			else if (strcmp(val, "false") == 0)
				b = false;
			else
				return node_error(source, v, "'%s' must be true or false", key);
			if (key[0] == 'i') {
				r->in_tests = b;
				have_in_tests = true;
			} else {
				builtin = b;
			}
		}
	}
	if (!r->id)
		return node_error(source, root_node, "missing required key 'id'%s", NULL);
	if (!r->language)
		return node_error(source, root_node, "missing required key 'language'%s", NULL);
	if (!r->severity)
		return node_error(source, root_node, "missing required key 'severity'%s", NULL);
	if (category < 0)
		return node_error(source, root_node, "missing required key 'category'%s", NULL);
	if (!r->message)
		return node_error(source, root_node, "missing required key 'message'%s", NULL);
	if (!r->explain)
		return node_error(source, root_node, "missing required key 'explain'%s", NULL);
	if (!r->query && !builtin)
		return node_error(source, root_node,
				  "missing required key 'query' (or 'builtin: true' for rules implemented in C)%s",
				  NULL);
	if (r->query && builtin)
		return node_error(source, query_node, "a builtin rule has no query%s", NULL);
	if (r->query && strcmp(r->language, "any") == 0)
		return node_error(source, query_node, "a query needs a concrete language, not 'any'%s", NULL);
	if (!have_in_tests)
		r->in_tests = r->category != PG_CAT_ROBUSTNESS;
	if (query_node) {
		/* Block scalars start on the line after the indicator. */
		r->query_line = (uint32_t)query_node->start_mark.line + 1;
		r->query_column = (uint32_t)query_node->start_mark.column + 1;
		if (query_node->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    query_node->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
			r->query_line++;
	}
	if (query_node && r->query_line >= 1) {
		/* Column of the query's first character, for error positions:
		 * block scalars strip their indentation. */
		const char *line = text;
		uint32_t l = 1, indent = 0;
		while (l < r->query_line && (line = memchr(line, '\n', len - (size_t)(line - text)))) {
			line++;
			l++;
		}
		if (line && l == r->query_line && query_node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
			while ((size_t)(line - text) + indent < len && line[indent] == ' ')
				indent++;
			if (query_node->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			    query_node->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
				r->query_column = indent + 1;
		}
	}
	return 0;
}

int pg_rule_parse(pg_rule **out, const char *source, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	pg_rule *r;
	int err;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return pg_error_set(PG_ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = pg_error_set(PG_ECONFIG, "%s:%zu:%zu: %s%s%s", source,
				   parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				   parser.problem ? parser.problem : "invalid YAML",
				   parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return err;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		err = pg_error_set(PG_ECONFIG, "%s:1:1: a rule file must be a YAML mapping", source);
		goto done;
	}
	r = pg_calloc(1, sizeof(*r));
	r->enabled = true;
	r->source = pg_strdup(source);
	if ((err = parse_mapping(r, &doc, root, source, text, len)) < 0) {
		pg_rule_free(r);
		goto done;
	}
	*out = r;
	err = 0;
done:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

void pg_ruleset_init(pg_ruleset *rs)
{
	pg_vec_init(&rs->rules, sizeof(pg_rule *));
}

void pg_ruleset_dispose(pg_ruleset *rs)
{
	size_t i;
	if (!rs)
		return;
	for (i = 0; i < rs->rules.len; i++)
		pg_rule_free(PG_RULESET_AT(rs, i));
	pg_vec_dispose(&rs->rules);
}

const pg_rule *pg_ruleset_find(const pg_ruleset *rs, const char *id)
{
	size_t i;
	for (i = 0; i < rs->rules.len; i++)
		if (strcmp(PG_RULESET_AT(rs, i)->id, id) == 0)
			return PG_RULESET_AT(rs, i);
	return NULL;
}

size_t pg_ruleset_count(const pg_ruleset *rs, const char *language)
{
	size_t i, n = 0;
	for (i = 0; i < rs->rules.len; i++)
		if (!language || strcmp(PG_RULESET_AT(rs, i)->language, language) == 0)
			n++;
	return n;
}

int pg_ruleset_add(pg_ruleset *rs, pg_rule *r)
{
	const pg_rule *dup = pg_ruleset_find(rs, r->id);
	if (dup) {
		int err = pg_error_set(PG_ECONFIG, "%s:1:1: rule id '%s' is already defined in %s",
				       r->source, r->id, dup->source);
		pg_rule_free(r);
		return err;
	}
	*(pg_rule **)pg_vec_push(&rs->rules) = r;
	return 0;
}

void pg_ruleset_merge(pg_ruleset *into, pg_ruleset *from)
{
	size_t i, k;
	for (i = 0; i < from->rules.len; i++) {
		pg_rule *r = PG_RULESET_AT(from, i);
		bool replaced = false;
		for (k = 0; k < into->rules.len && !replaced; k++) {
			if (strcmp(PG_RULESET_AT(into, k)->id, r->id) == 0) {
				pg_rule_free(PG_RULESET_AT(into, k));
				PG_RULESET_AT(into, k) = r;
				replaced = true;
			}
		}
		if (!replaced)
			*(pg_rule **)pg_vec_push(&into->rules) = r;
	}
	from->rules.len = 0;
}

int pg_ruleset_add_embedded(pg_ruleset *rs)
{
	size_t i;
	for (i = 0; pg_embedded_rules[i].path; i++) {
		pg_rule *r;
		int err = pg_rule_parse(&r, pg_embedded_rules[i].path, pg_embedded_rules[i].text,
					pg_embedded_rules[i].len);
		if (err < 0)
			return err; /* a broken embedded rule is a build defect */
		r->shipped = true;
		if ((err = pg_ruleset_add(rs, r)) < 0)
			return err;
	}
	return 0;
}

static bool is_yaml(const char *path)
{
	return pg_str_ends_with(path, ".yml") || pg_str_ends_with(path, ".yaml");
}

int pg_ruleset_add_dir(pg_ruleset *rs, const char *dir,
		       void (*on_error)(void *ctx, const char *msg), void *ctx)
{
	pg_vec paths;
	size_t i;
	int bad = 0;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		pg_error_set(PG_EUSAGE, "rules directory '%s' does not exist", dir);
		if (on_error)
			on_error(ctx, pg_error_last());
		return 1;
	}
	pg_vec_init(&paths, sizeof(char *));
	pg_list_files(dir, is_yaml, &paths);
	for (i = 0; i < paths.len; i++) {
		char *p = *PG_VEC_AT(&paths, char *, i);
		FILE *f = fopen(p, "rb");
		pg_buf text;
		pg_rule *r = NULL;
		int err = 0;
		pg_buf_init(&text, 1 << 20);
		if (!f) {
			err = pg_error_set(PG_ECONFIG, "%s: cannot read: %s", p, strerror(errno));
		} else {
			char chunk[8192];
			size_t n;
			while (err == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				err = pg_buf_put(&text, chunk, n);
			fclose(f);
			if (err < 0)
				err = pg_error_set(PG_ECONFIG, "%s: rule file larger than 1 MiB", p);
		}
		if (err == 0)
			err = pg_rule_parse(&r, p, text.ptr, text.len);
		if (err == 0)
			err = pg_ruleset_add(rs, r);
		if (err < 0) {
			bad++;
			if (on_error)
				on_error(ctx, pg_error_last());
		}
		pg_buf_dispose(&text);
		free(p);
	}
	pg_vec_dispose(&paths);
	return bad;
}
