/* coverage.c - the stage driver: run the stages in order, attach the summary. */
#include "cov_internal.h"
#include "git/git.h"

#include <stdlib.h>
#include <string.h>

#define PARSE_TIMEOUT_US (5u * 1000 * 1000)

double pg_coverage_percent(uint32_t covered, uint32_t executable)
{
	return executable ? 100.0 * (double)covered / (double)executable : 100.0;
}

void pg_coverage_summary_free(void *p)
{
	pg_coverage_summary *s = p;
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->functions.len; i++)
		free(PG_VEC_AT(&s->functions, pg_changed_fn, i)->name);
	for (i = 0; i < s->files.len; i++)
		free(PG_VEC_AT(&s->files, pg_cov_file, i)->uncovered);
	pg_vec_dispose(&s->functions);
	pg_vec_dispose(&s->files);
	free(s);
}

void pg_cov_finding(cov_ctx *c, const char *rule_id, const char *path, uint32_t line,
		    uint32_t end_line, const char *context, const char *message)
{
	pg_finding *f = pg_result_add_builtin(c->r, c->rules, rule_id, path, line ? line : 1,
					      end_line ? end_line : line, message);
	int sev;
	if (!f)
		return;
	if (context)
		f->context = pg_strdup(context);
	if (c->aopts && c->aopts->severity_override) {
		sev = c->aopts->severity_override(c->aopts->override_ctx, rule_id);
		if (sev > 0)
			f->severity = (pg_severity)sev;
	}
}

char *pg_cov_read_blob(cov_ctx *c, const unsigned char oid[20], size_t *len)
{
	static const unsigned char zero[20];
	char *text = NULL;
	size_t max = c->aopts ? c->aopts->max_file_size : 0;
	*len = 0;
	if (!memcmp(oid, zero, 20))
		return NULL;
	if (pg_repo_read_blob(c->repo, oid, max, &text, len) < 0) {
		pg_error_clear();
		return NULL;
	}
	if (memchr(text, '\0', *len < 8000 ? *len : 8000)) {
		free(text);
		*len = 0;
		return NULL;
	}
	return text;
}

bool pg_cov_is_test_path(const cov_ctx *c, const char *path)
{
	return pg_analysis_is_test_path(c->aopts, path);
}

void pg_cov_parse(cov_ctx *c, pg_source *src, const char *path, const char *text, size_t len,
		  const pg_lang *lang)
{
	size_t i;
	pg_source_parse(src, path, text, len, lang, c->parser, PARSE_TIMEOUT_US);
	if (src->docs.len)
		PG_SOURCE_DOC(src, 0)->in_test = pg_cov_is_test_path(c, path);
	for (i = 1; i < src->docs.len; i++) {
		pg_doc *d = PG_SOURCE_DOC(src, i);
		if (d->parent >= 0)
			d->in_test = PG_SOURCE_DOC(src, (size_t)d->parent)->in_test;
	}
}

char *pg_cov_node_text(const pg_doc *doc, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	if (b > doc->len)
		b = doc->len;
	if (a > b)
		a = b;
	return pg_strndup(doc->text + a, b - a);
}

int pg_coverage_run(struct pg_repo *repo, const pg_ruleset *rules, const pg_analysis_opts *aopts,
		    const pg_coverage_opts *opts, pg_result *r)
{
	cov_ctx c;
	pg_covdata data;
	pg_coverage_summary *sum;
	size_t i;
	int err = 0;

	/* a threshold without a report (min_diff_coverage in .prgate.yml, no
	 * --coverage this run) measures nothing: no coverage gate */
	/* read the reports first: a bad report is an error before any work */
	pg_covdata_init(&data);
	for (i = 0; i < opts->nreports; i++)
		if ((err = pg_covdata_load(&data, opts->reports[i])) < 0) {
			pg_covdata_dispose(&data);
			return err;
		}

	sum = pg_calloc(1, sizeof(*sum));
	pg_vec_init(&sum->functions, sizeof(pg_changed_fn));
	pg_vec_init(&sum->files, sizeof(pg_cov_file));
	sum->reports = opts->reports;
	sum->nreports = opts->nreports;
	sum->min_percent = opts->min_percent;

	memset(&c, 0, sizeof(c));
	c.repo = repo;
	c.rules = rules;
	c.aopts = aopts;
	c.opts = opts;
	c.r = r;
	c.sum = sum;
	c.parser = ts_parser_new();
	pg_vec_init(&c.facts, sizeof(cov_filefacts));

	if ((err = pg_cov_functions(&c)) < 0)
		goto done;
	if ((err = pg_cov_tests(&c)) < 0)
		goto done;
	if ((err = pg_cov_weakened(&c)) < 0)
		goto done;
	if (opts->nreports && (err = pg_cov_diff(&c, &data)) < 0)
		goto done;
done:
	ts_parser_delete(c.parser);
	pg_vec_dispose(&c.facts);
	pg_covdata_dispose(&data);
	if (r->coverage && r->coverage_free)
		r->coverage_free(r->coverage);
	r->coverage = sum;
	r->coverage_free = pg_coverage_summary_free;
	return err;
}

void pg_coverage_apply_gate(pg_result *r)
{
	const pg_coverage_summary *s = r->coverage;
	if (s && r->coverage_free == pg_coverage_summary_free && s->below_min)
		r->gate_failed = true;
}
