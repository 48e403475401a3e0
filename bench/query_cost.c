/*
 * query_cost - where the matching time goes: each rule's query alone, and the
 * combined query per language, over the same parsed files.
 *
 * It parses every .rs/.js/.mjs/.cjs/.jsx/.html file under DIR (up to -m
 * bytes in total, in path order) once with prgate's own pipeline (embedded
 * documents included) and keeps the trees; then it times one pass of the
 * combined engine of the embedded packs over every document, and one pass of
 * an engine built from each query rule alone. Prints the rules by cost, with
 * their share of the sum of the single-rule passes. Profile with it before
 * changing a rule or the engine (docs/performance.md).
 *
 * usage: query_cost [-m MAX_BYTES] [-r RULE_SUBSTRING] [-d RULE_DIR] DIR
 * (-d: the rules of RULE_DIR instead of the embedded packs)
 */
#include "lang/lang.h"
#include "rules/engine.h"
#include "rules/rule.h"
#include "util/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct parsed {
	char *path;
	char *text;
	pg_source src;
} parsed;

typedef struct corpus {
	pg_vec files; /* parsed */
	size_t bytes, max;
	TSParser *parser;
} corpus;

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	pg_vec names;
	size_t i;
	if (!d)
		return;
	pg_vec_init(&names, sizeof(char *));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			*(char **)pg_vec_push(&names) = pg_printf_alloc("%s/%s", dir, e->d_name);
	closedir(d);
	pg_vec_sort(&names, 0, path_cmp);
	for (i = 0; i < names.len; i++) {
		char *p = *PG_VEC_AT(&names, char *, i);
		struct stat st;
		const pg_lang *lang = pg_lang_for_path(p);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			add_dir(c, p);
		} else if (lang && S_ISREG(st.st_mode) && st.st_size < (2 << 20) &&
			   c->bytes + (size_t)st.st_size <= c->max) {
			FILE *f = fopen(p, "rb");
			parsed *pf;
			size_t n;
			if (!f)
				goto next;
			pf = pg_vec_push(&c->files);
			pf->path = pg_strdup(p);
			pf->text = pg_malloc((size_t)st.st_size + 1);
			n = fread(pf->text, 1, (size_t)st.st_size, f);
			fclose(f);
			pf->text[n] = 0;
			pg_source_parse(&pf->src, pf->path, pf->text, n, lang, c->parser, 0);
			c->bytes += n;
		}
next:
		free(p);
	}
	pg_vec_dispose(&names);
}

static void count_match(void *ctx, const pg_source *src, const pg_doc *doc, const pg_match *m)
{
	(void)src;
	(void)doc;
	(void)m;
	(*(size_t *)ctx)++;
}

/* One pass of `e` over every document; seconds, and matches in *n. */
static double pass(const corpus *c, const pg_engine *e, TSQueryCursor *cur, size_t *n)
{
	uint64_t t0 = pg_time_usec();
	size_t i, d;
	*n = 0;
	uint64_t worst = 0;
	const char *worst_path = NULL;
	for (i = 0; i < c->files.len; i++) {
		const parsed *pf = PG_VEC_AT(&c->files, parsed, i);
		uint64_t t1 = pg_time_usec();
		for (d = 0; d < pf->src.docs.len; d++)
			pg_engine_run(e, cur, &pf->src, PG_SOURCE_DOC(&pf->src, d), count_match, n);
		if (pg_time_usec() - t1 > worst) {
			worst = pg_time_usec() - t1;
			worst_path = pf->path;
		}
	}
	if (worst_path && getenv("QUERY_COST_WORST"))
		printf("  slowest file %.3f s: %s\n", (double)worst / 1e6, worst_path);
	return (double)(pg_time_usec() - t0) / 1e6;
}

static void on_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "query_cost: %s\n", msg);
}

typedef struct cost {
	const pg_rule *rule;
	double secs, compile;
	size_t matches;
} cost;

static int cost_cmp(const void *a, const void *b)
{
	const cost *x = a, *y = b;
	return x->secs < y->secs ? 1 : x->secs > y->secs ? -1 : 0;
}

int main(int argc, char **argv)
{
	corpus c;
	pg_ruleset rs;
	pg_engine *e;
	TSQueryCursor *cur = ts_query_cursor_new();
	pg_vec costs;
	const char *only = NULL, *rule_dir = NULL;
	double sum = 0, secs, compile_all;
	uint64_t t0;
	size_t i, k, n;
	int opt, bad = 0;

	memset(&c, 0, sizeof(c));
	c.max = (size_t)8 << 20;
	while ((opt = getopt(argc, argv, "m:r:d:")) != -1) {
		if (opt == 'm')
			c.max = (size_t)strtoull(optarg, NULL, 10);
		else if (opt == 'r')
			only = optarg;
		else if (opt == 'd')
			rule_dir = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	pg_vec_init(&c.files, sizeof(parsed));
	c.parser = ts_parser_new();
	add_dir(&c, argv[optind]);
	printf("query_cost: %zu files, %zu bytes parsed\n", c.files.len, c.bytes);

	pg_ruleset_init(&rs);
	if (rule_dir ? pg_ruleset_add_dir(&rs, rule_dir, on_error, NULL) != 0 : pg_ruleset_add_embedded(&rs) < 0) {
		fprintf(stderr, "query_cost: %s\n", pg_error_last());
		return 1;
	}
	t0 = pg_time_usec();
	if (pg_engine_new(&e, &rs, on_error, NULL, &bad) < 0) {
		fprintf(stderr, "query_cost: %s\n", pg_error_last());
		return 1;
	}
	compile_all = (double)(pg_time_usec() - t0) / 1e6;
	secs = pass(&c, e, cur, &n);
	printf("combined engine (all rules): %.3f s, %zu matches, compiled in %.3f s\n", secs, n, compile_all);
	pg_engine_free(e);

	pg_vec_init(&costs, sizeof(cost));
	for (i = 0; i < rs.rules.len; i++) {
		pg_rule *r = PG_RULESET_AT(&rs, i);
		cost *co;
		if (!r->query || (only && !strstr(r->id, only)))
			continue;
		for (k = 0; k < rs.rules.len; k++)
			PG_RULESET_AT(&rs, k)->enabled = k == i;
		t0 = pg_time_usec();
		if (pg_engine_new(&e, &rs, on_error, NULL, &bad) < 0)
			continue;
		co = pg_vec_push(&costs);
		co->compile = (double)(pg_time_usec() - t0) / 1e6;
		co->rule = r;
		co->secs = pass(&c, e, cur, &co->matches);
		sum += co->secs;
		pg_engine_free(e);
	}
	pg_vec_sort(&costs, 0, cost_cmp);
	printf("%-55s %8s %6s %8s %8s\n", "rule (alone)", "seconds", "share", "matches", "compile");
	for (i = 0; i < costs.len; i++) {
		const cost *co = PG_VEC_AT(&costs, cost, i);
		printf("%-55s %8.3f %5.1f%% %8zu %8.3f\n", co->rule->id, co->secs, sum > 0 ? 100 * co->secs / sum : 0,
		       co->matches, co->compile);
	}
	printf("sum of single-rule passes: %.3f s\n", sum);
	return 0;
usage:
	fprintf(stderr, "usage: query_cost [-m MAX_BYTES] [-r RULE_SUBSTRING] [-d RULE_DIR] DIR\n");
	return 2;
}
