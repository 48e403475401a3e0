/* config.c - .prgate.yml: strict parsing with positions, and applying it. */
#include "config.h"
#include "lang/lang.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const char *const pg_config_default_excludes[] = {
	/* a leading double star: directories at any depth, as in .gitignore */
	"**/vendor/", "**/node_modules/", "**/dist/", "**/third_party/",
	"*.min.js", "*.min.css", "*.bundle.js", "*.generated.*",
	"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "*.lock",
	NULL,
};

/* The keys of each section: the schema as data, for "did you mean". */
static const char *const top_keys[] = { "version", "rules", "paths", "tests", "fail_level", "filter",
					"max_file_size", "coverage", "agents", NULL };
static const char *const rules_keys[] = { "enable", "disable", "severity", NULL };
static const char *const paths_keys[] = { "include", "exclude", "default_excludes", NULL };
static const char *const coverage_keys[] = { "min_diff_coverage", NULL };
static const char *const agents_keys[] = { "fail_level", "require_tests", "min_diff_coverage", "authors",
					   "trailers", NULL };

/* parse_ctx - what every helper needs to report a position. */
typedef struct parse_ctx {
	pg_config *c;
	yaml_document_t *doc;
	const char *source;
} parse_ctx;

static void free_list(char **list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; list[i]; i++)
		free(list[i]);
	free(list);
}

void pg_config_init(pg_config *c)
{
	memset(c, 0, sizeof(*c));
	c->source = pg_strdup("");
	pg_vec_init(&c->selectors, sizeof(pg_config_selector));
	pg_vec_init(&c->severities, sizeof(pg_config_selector));
	c->default_excludes = true;
	c->fail_level = PG_SEV_ERROR;
	c->filter = PG_FILTER_ADDED;
	c->min_diff_coverage = -1;
	c->agents.min_diff_coverage = -1;
	c->agents.fail_level = PG_SEV_ERROR;
}

static void selectors_dispose(pg_vec *v)
{
	size_t i;
	for (i = 0; i < v->len; i++)
		free(PG_VEC_AT(v, pg_config_selector, i)->pattern);
	pg_vec_dispose(v);
}

void pg_config_dispose(pg_config *c)
{
	size_t i;
	if (!c)
		return;
	free(c->source);
	selectors_dispose(&c->selectors);
	selectors_dispose(&c->severities);
	free_list(c->include);
	free_list(c->exclude);
	for (i = 0; i < PG_CONFIG_MAX_LANGS; i++) {
		free_list(c->test_paths[i]);
		pg_globset_free(c->test_sets[i]);
	}
	free_list(c->agents.authors);
	free_list(c->agents.trailers);
	free(c->exclude_all); /* borrowed strings: only the array */
	memset(c, 0, sizeof(*c));
}

/* --- parsing helpers ---------------------------------------------------- */

static int node_error(const parse_ctx *p, const yaml_node_t *n, const char *fmt, ...) PG_PRINTF(3, 4);

static int node_error(const parse_ctx *p, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pg_error_set(PG_ECONFIG, "%s:%zu:%zu: %s", p->source, n ? n->start_mark.line + 1 : 1,
			    n ? n->start_mark.column + 1 : 1, msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *closest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t i, best_d = (size_t)-1, limit = strlen(word) / 3 + 2;
	for (i = 0; candidates[i]; i++) {
		size_t d = pg_edit_distance(word, candidates[i]);
		if (strlen(word) >= 4 && pg_str_starts_with(candidates[i], word))
			d = 1; /* a truncated key */
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* Check that `n` is a mapping whose keys are all in `allowed`. */
static int check_mapping(const parse_ctx *p, const yaml_node_t *n, const char *what,
			 const char *const *allowed)
{
	yaml_node_pair_t *pair;
	size_t i;
	if (n->type != YAML_MAPPING_NODE)
		return node_error(p, n, "%s must be a mapping", what);
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		const char *key = scalar(k), *hint;
		bool known = false;
		if (!key)
			return node_error(p, k, "keys must be plain strings");
		if (!allowed)
			continue;
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				known = true;
		if (known)
			continue;
		hint = closest(key, allowed);
		if (hint)
			return node_error(p, k, "unknown key '%s' in %s (did you mean '%s'?)", key, what, hint);
		return node_error(p, k, "unknown key '%s' in %s", key, what);
	}
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_pair_t *q;
		for (q = n->data.mapping.pairs.start; q < pair; q++)
			if (strcmp(scalar(yaml_document_get_node(p->doc, q->key)),
				   scalar(yaml_document_get_node(p->doc, pair->key))) == 0)
				return node_error(p, yaml_document_get_node(p->doc, pair->key),
						  "duplicate key '%s' in %s",
						  scalar(yaml_document_get_node(p->doc, pair->key)), what);
	}
	return 0;
}

static int string_list(const parse_ctx *p, const yaml_node_t *n, const char *what, char ***out)
{
	yaml_node_item_t *it;
	size_t count = 0, i = 0;
	char **list;
	if (scalar(n)) {
		list = pg_calloc(2, sizeof(char *));
		list[0] = pg_strdup(scalar(n));
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			if (!scalar(yaml_document_get_node(p->doc, *it)))
				return node_error(p, yaml_document_get_node(p->doc, *it),
						  "%s must be a list of strings", what);
		count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		list = pg_calloc(count + 1, sizeof(char *));
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			list[i++] = pg_strdup(scalar(yaml_document_get_node(p->doc, *it)));
	} else {
		return node_error(p, n, "%s must be a list of strings", what);
	}
	for (i = 0; list[i]; i++)
		if (!list[i][0]) {
			free_list(list);
			return node_error(p, n, "%s has an empty entry", what);
		}
	free_list(*out);
	*out = list;
	return 0;
}

static int parse_bool(const parse_ctx *p, const yaml_node_t *n, const char *what, bool *out)
{
	const char *s = scalar(n);
	if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0)) {
		*out = true;
		return 0;
	}
	if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0)) {
		*out = false;
		return 0;
	}
	return node_error(p, n, "%s must be true or false", what);
}

static int parse_severity(const parse_ctx *p, const yaml_node_t *n, const char *what, bool allow_none,
			  pg_severity *out)
{
	const char *s = scalar(n);
	int v = s ? pg_severity_parse(s, allow_none) : -1;
	if (v < 0)
		return node_error(p, n, "%s must be error, warning, note%s, not '%s'", what,
				  allow_none ? " or none" : "", s ? s : "a list or mapping");
	*out = (pg_severity)v;
	return 0;
}

static int parse_percent(const parse_ctx *p, const yaml_node_t *n, const char *what, double *out)
{
	const char *s = scalar(n);
	char *end;
	double v;
	if (!s)
		return node_error(p, n, "%s must be a number from 0 to 100", what);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || v < 0 || v > 100)
		return node_error(p, n, "%s must be a number from 0 to 100, not '%s'", what, s);
	*out = v;
	return 0;
}

/* Walk the pairs of a mapping already checked with check_mapping. */
#define FOR_PAIRS(P, N, K, V, NAME)                                                                \
	for (yaml_node_pair_t *pair_ = (N)->data.mapping.pairs.start;                              \
	     pair_ < (N)->data.mapping.pairs.top &&                                                \
	     ((K) = yaml_document_get_node((P)->doc, pair_->key),                                  \
	     (V) = yaml_document_get_node((P)->doc, pair_->value), (NAME) = scalar(K), true);      \
	     pair_++)

static int add_selectors(const parse_ctx *p, const yaml_node_t *n, const char *what, bool enable)
{
	yaml_node_item_t *it;
	const yaml_node_t *items[1] = { NULL };
	size_t count, i;
	if (scalar(n)) {
		items[0] = n;
		count = 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		count = 0;
	} else {
		return node_error(p, n, "%s must be a list of rule ids, id prefixes or languages", what);
	}
	for (i = 0;; i++) {
		const yaml_node_t *item;
		pg_config_selector *s;
		if (n->type == YAML_SEQUENCE_NODE) {
			it = n->data.sequence.items.start + i;
			if (it >= n->data.sequence.items.top)
				break;
			item = yaml_document_get_node(p->doc, *it);
		} else {
			if (i >= count)
				break;
			item = items[i];
		}
		if (!scalar(item) || !scalar(item)[0])
			return node_error(p, item, "%s must be a list of rule ids, id prefixes or languages",
					  what);
		s = pg_vec_push(&p->c->selectors);
		s->pattern = pg_strdup(scalar(item));
		s->enable = enable;
		s->line = (uint32_t)item->start_mark.line + 1;
		s->column = (uint32_t)item->start_mark.column + 1;
	}
	return 0;
}

static int parse_rules(const parse_ctx *p, const yaml_node_t *n)
{
	yaml_node_t *k, *v;
	const char *key;
	int err;
	if ((err = check_mapping(p, n, "rules", rules_keys)) < 0)
		return err;
	FOR_PAIRS(p, n, k, v, key)
	{
		if (strcmp(key, "enable") == 0 || strcmp(key, "disable") == 0) {
			char what[32];
			snprintf(what, sizeof(what), "rules.%s", key);
			if ((err = add_selectors(p, v, what, key[0] == 'e')) < 0)
				return err;
		} else { /* severity */
			yaml_node_t *sk, *sv;
			const char *id;
			if ((err = check_mapping(p, v, "rules.severity", NULL)) < 0)
				return err;
			FOR_PAIRS(p, v, sk, sv, id)
			{
				pg_config_selector *s;
				pg_severity sev;
				char what[300];
				snprintf(what, sizeof(what), "the severity of '%s'", id);
				if ((err = parse_severity(p, sv, what, false, &sev)) < 0)
					return err;
				s = pg_vec_push(&p->c->severities);
				s->pattern = pg_strdup(id);
				s->severity = sev;
				s->line = (uint32_t)sk->start_mark.line + 1;
				s->column = (uint32_t)sk->start_mark.column + 1;
			}
		}
	}
	return 0;
}

static int parse_paths(const parse_ctx *p, const yaml_node_t *n)
{
	yaml_node_t *k, *v;
	const char *key;
	int err;
	if ((err = check_mapping(p, n, "paths", paths_keys)) < 0)
		return err;
	FOR_PAIRS(p, n, k, v, key)
	{
		if (strcmp(key, "include") == 0)
			err = string_list(p, v, "paths.include", &p->c->include);
		else if (strcmp(key, "exclude") == 0)
			err = string_list(p, v, "paths.exclude", &p->c->exclude);
		else
			err = parse_bool(p, v, "paths.default_excludes", &p->c->default_excludes);
		if (err < 0)
			return err;
	}
	return 0;
}

static int parse_tests(const parse_ctx *p, const yaml_node_t *n)
{
	yaml_node_t *k, *v;
	const char *key;
	int err;
	if ((err = check_mapping(p, n, "tests", NULL)) < 0)
		return err;
	FOR_PAIRS(p, n, k, v, key)
	{
		size_t i;
		char what[64];
		for (i = 0; pg_languages[i] && i < PG_CONFIG_MAX_LANGS; i++)
			if (strcmp(pg_languages[i]->name, key) == 0)
				break;
		if (!pg_languages[i] || i >= PG_CONFIG_MAX_LANGS) {
			const char *names[PG_CONFIG_MAX_LANGS + 1] = { 0 };
			const char *hint;
			size_t j;
			for (j = 0; pg_languages[j] && j < PG_CONFIG_MAX_LANGS; j++)
				names[j] = pg_languages[j]->name;
			hint = closest(key, names);
			if (hint)
				return node_error(p, k, "unknown language '%s' in tests (did you mean '%s'?)", key,
						  hint);
			return node_error(p, k, "unknown language '%s' in tests", key);
		}
		snprintf(what, sizeof(what), "tests.%s", key);
		if ((err = string_list(p, v, what, &p->c->test_paths[i])) < 0)
			return err;
	}
	return 0;
}

static int parse_agents(const parse_ctx *p, const yaml_node_t *n)
{
	pg_agent_policy *a = &p->c->agents;
	yaml_node_t *k, *v;
	const char *key;
	int err;
	if ((err = check_mapping(p, n, "agents", agents_keys)) < 0)
		return err;
	a->present = true;
	FOR_PAIRS(p, n, k, v, key)
	{
		if (strcmp(key, "fail_level") == 0) {
			err = parse_severity(p, v, "agents.fail_level", true, &a->fail_level);
			a->fail_level_set = true;
		} else if (strcmp(key, "require_tests") == 0) {
			err = parse_bool(p, v, "agents.require_tests", &a->require_tests);
		} else if (strcmp(key, "min_diff_coverage") == 0) {
			err = parse_percent(p, v, "agents.min_diff_coverage", &a->min_diff_coverage);
		} else if (strcmp(key, "authors") == 0) {
			err = string_list(p, v, "agents.authors", &a->authors);
		} else {
			err = string_list(p, v, "agents.trailers", &a->trailers);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static int parse_root(const parse_ctx *p, const yaml_node_t *root)
{
	pg_config *c = p->c;
	yaml_node_t *k, *v;
	const char *key;
	int err;
	if ((err = check_mapping(p, root, "the configuration", top_keys)) < 0)
		return err;
	FOR_PAIRS(p, root, k, v, key)
	{
		const char *s = scalar(v);
		if (strcmp(key, "version") == 0) {
			if (!s || strcmp(s, "1") != 0)
				return node_error(p, v, "unsupported config version '%s' (this prgate reads version 1)",
						  s ? s : "?");
		} else if (strcmp(key, "rules") == 0) {
			err = parse_rules(p, v);
		} else if (strcmp(key, "paths") == 0) {
			err = parse_paths(p, v);
		} else if (strcmp(key, "tests") == 0) {
			err = parse_tests(p, v);
		} else if (strcmp(key, "agents") == 0) {
			err = parse_agents(p, v);
		} else if (strcmp(key, "fail_level") == 0) {
			err = parse_severity(p, v, "fail_level", true, &c->fail_level);
			c->fail_level_set = true;
		} else if (strcmp(key, "filter") == 0) {
			if (!s || pg_filter_parse(s, &c->filter) < 0)
				return node_error(p, v, "filter must be added, context, file or all, not '%s'",
						  s ? s : "a list or mapping");
			c->filter_set = true;
		} else if (strcmp(key, "max_file_size") == 0) {
			long n;
			if (!s || pg_parse_long(s, 1, 1L << 40, &n) < 0)
				return node_error(p, v, "max_file_size must be a number of bytes, not '%s'",
						  s ? s : "a list or mapping");
			c->max_file_size = (size_t)n;
		} else if (strcmp(key, "coverage") == 0) {
			yaml_node_t *ck, *cv;
			const char *ckey;
			if ((err = check_mapping(p, v, "coverage", coverage_keys)) < 0)
				return err;
			FOR_PAIRS(p, v, ck, cv, ckey)
			{
				(void)ckey; /* the only key: min_diff_coverage */
				if ((err = parse_percent(p, cv, "coverage.min_diff_coverage",
							 &c->min_diff_coverage)) < 0)
					return err;
			}
		}
		if (err < 0)
			return err;
	}
	return 0;
}

int pg_config_parse(pg_config *c, const char *source, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	parse_ctx p = { c, &doc, source };
	int err = 0;

	free(c->source);
	c->source = pg_strdup(source);
	if (!yaml_parser_initialize(&parser))
		return pg_error_set(PG_ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = pg_error_set(PG_ECONFIG, "%s:%zu:%zu: %s%s%s", source, parser.problem_mark.line + 1,
				   parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML",
				   parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return err;
	}
	root = yaml_document_get_root_node(&doc);
	c->loaded = true;
	/* an empty file, or one with only comments, is an empty config */
	if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		err = parse_root(&p, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

int pg_config_load_file(pg_config *c, const char *path, const char *source)
{
	FILE *f = fopen(path, "rb");
	pg_buf b;
	char chunk[4096];
	size_t n;
	int err = 0;
	if (!f) {
		if (errno == ENOENT)
			return pg_error_set(PG_ENOTFOUND, "config file '%s' does not exist", path);
		return pg_error_set(PG_ERROR, "cannot read '%s': %s", path, strerror(errno));
	}
	pg_buf_init(&b, (size_t)1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (pg_buf_put(&b, chunk, n) < 0) {
			err = pg_error_set(PG_ECONFIG, "%s: larger than 1 MiB; is this a config file?", path);
			break;
		}
	if (!err && ferror(f))
		err = pg_error_set(PG_ERROR, "cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (!err)
		err = pg_config_parse(c, source ? source : path, b.ptr, b.len);
	pg_buf_dispose(&b);
	return err;
}

/* --- applying it -------------------------------------------------------- */

int pg_config_selector_match(const char *sel, const pg_rule *rule)
{
	size_t n = strlen(sel);
	if (strcmp(sel, rule->id) == 0)
		return 1000;
	if (n && sel[n - 1] == '/' && pg_str_starts_with(rule->id, sel))
		return 100 + (int)n;
	if (pg_str_starts_with(rule->id, sel) && rule->id[n] == '/')
		return 100 + (int)n + 1;
	if (strchr(sel, '*') || strchr(sel, '?') || strchr(sel, '['))
		return fnmatch(sel, rule->id, 0) == 0 ? 60 : 0;
	if (strcmp(sel, rule->language) == 0)
		return 50;
	return 0;
}

/* The most specific selector of `v` matching `rule`, later ones winning ties. */
static const pg_config_selector *best_selector(const pg_vec *v, const pg_rule *rule)
{
	const pg_config_selector *best = NULL;
	int best_score = 0;
	size_t i;
	for (i = 0; i < v->len; i++) {
		const pg_config_selector *s = PG_VEC_AT(v, pg_config_selector, i);
		int score = pg_config_selector_match(s->pattern, rule);
		if (score > 0 && score >= best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

void pg_config_apply_rules(const pg_config *c, pg_ruleset *rs)
{
	size_t i;
	for (i = 0; i < rs->rules.len; i++) {
		pg_rule *r = PG_RULESET_AT(rs, i);
		const pg_config_selector *s = best_selector(&c->selectors, r);
		if (s)
			r->enabled = s->enable;
		s = best_selector(&c->severities, r);
		if (s)
			r->severity = s->severity;
	}
}

static size_t unmatched_in(const pg_config *c, const pg_vec *v, const pg_ruleset *rs, const char *what,
			   void (*cb)(void *, const char *), void *ctx)
{
	size_t i, j, count = 0;
	for (i = 0; i < v->len; i++) {
		const pg_config_selector *s = PG_VEC_AT(v, pg_config_selector, i);
		const char *hint = NULL;
		size_t best_d = strlen(s->pattern) / 3 + 2;
		char *msg;
		bool found = false;
		for (j = 0; j < rs->rules.len && !found; j++) {
			const pg_rule *r = PG_RULESET_AT(rs, j);
			size_t d;
			if (pg_config_selector_match(s->pattern, r)) {
				found = true;
				break;
			}
			d = pg_edit_distance(s->pattern, r->id);
			if (d < best_d) {
				best_d = d;
				hint = r->id;
			}
		}
		if (found)
			continue;
		count++;
		if (!cb)
			continue;
		if (hint)
			msg = pg_printf_alloc("%s:%u:%u: %s '%s' matches no rule (did you mean '%s'?)", c->source,
					      s->line, s->column, what, s->pattern, hint);
		else
			msg = pg_printf_alloc("%s:%u:%u: %s '%s' matches no rule", c->source, s->line, s->column,
					      what, s->pattern);
		cb(ctx, msg);
		free(msg);
	}
	return count;
}

size_t pg_config_unmatched(const pg_config *c, const pg_ruleset *rs,
			   void (*on_unmatched)(void *ctx, const char *msg), void *ctx)
{
	return unmatched_in(c, &c->selectors, rs, "rule selector", on_unmatched, ctx) +
	       unmatched_in(c, &c->severities, rs, "severity override", on_unmatched, ctx);
}

const pg_path_filter *pg_config_path_filter(pg_config *c)
{
	size_t n = 0, i, k = 0;
	free(c->exclude_all);
	if (c->exclude)
		for (i = 0; c->exclude[i]; i++)
			n++;
	if (c->default_excludes)
		for (i = 0; pg_config_default_excludes[i]; i++)
			n++;
	c->exclude_all = pg_calloc(n + 1, sizeof(char *));
	if (c->exclude)
		for (i = 0; c->exclude[i]; i++)
			c->exclude_all[k++] = c->exclude[i];
	if (c->default_excludes)
		for (i = 0; pg_config_default_excludes[i]; i++)
			c->exclude_all[k++] = (char *)pg_config_default_excludes[i];
	memset(&c->paths_view, 0, sizeof(c->paths_view));
	c->paths_view.include = c->include;
	c->paths_view.exclude = c->exclude_all;
	for (i = 0; i < PG_CONFIG_MAX_LANGS && i < 8; i++) {
		c->paths_view.test_paths[i] = c->test_paths[i];
		pg_globset_free(c->test_sets[i]);
		c->test_sets[i] = c->test_paths[i] ? pg_globset_new((const char *const *)c->test_paths[i]) : NULL;
		c->paths_view.test_sets[i] = c->test_sets[i];
	}
	return &c->paths_view;
}
