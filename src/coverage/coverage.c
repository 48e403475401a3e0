/* coverage.c - the stage driver: run the stages in order, attach the summary. */
#include "cov_internal.h"
#include "git/git.h"

#include <stdlib.h>
#include <string.h>

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
	free(s->cache_warning);
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
	return pg_repo_read_text(c->repo, oid, c->aopts ? c->aopts->max_file_size : 0, len);
}

bool pg_cov_is_test_path(const cov_ctx *c, const char *path)
{
	return pg_analysis_is_test_path(c->aopts, path);
}

void pg_cov_parse(cov_ctx *c, TSParser *parser, pg_source *src, const char *path, const char *text,
		  size_t len, const pg_lang *lang)
{
	pg_cov_parse_from(c, parser, src, path, text, len, lang, NULL, NULL);
}

void pg_cov_parse_from(cov_ctx *c, TSParser *parser, pg_source *src, const char *path, const char *text,
		       size_t len, const pg_lang *lang, const pg_source *head, const pg_file *f)
{
	/* the run's parse budget (--parse-timeout), as for the analysis */
	uint64_t budget = c->aopts ? c->aopts->parse_timeout_us : 0;
	if (head && f && f->hunks)
		pg_source_parse_from(src, path, text, len, lang, parser, budget, head, f->hunks, f->hunk_count);
	else
		pg_source_parse(src, path, text, len, lang, parser, budget);
	pg_source_mark_test_file(src, pg_cov_is_test_path(c, path));
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

static char *stage_read(void *ctx, const unsigned char oid[20], size_t *len)
{
	return pg_cov_read_blob(ctx, oid, len);
}

static char *worker_read(void *ctx, const unsigned char oid[20], size_t *len)
{
	return pg_worker_read_blob(ctx, oid, len);
}

static uint32_t count_text_lines(const char *s, size_t n)
{
	uint32_t lines = 0;
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return n && s[n - 1] != '\n' ? lines + 1 : lines;
}

/* The look at one file: its head parse (given by the analysis, or made
 * here when `head` is NULL), the base parse when a modified file needs one,
 * and what functions.c and weakened.c take from them into the slot. */
static void look(cov_ctx *c, const cov_io *io, const pg_file *f, const pg_source *head, cov_slot *slot)
{
	const char *base_path = f->old_path ? f->old_path : f->path;
	bool fns = pg_cov_functions_wanted(f), units = pg_cov_units_wanted(f);
	pg_source own_head, base;
	char *text = NULL, *old_text = NULL;
	size_t len = 0, old_len = 0;
	bool have_base = false;

	slot->seen = true;
	if (head && f->status != PG_FILE_DELETED)
		pg_cov_collect_idents(c, f, head->text, head->len, slot);
	if (!fns && !units)
		return;
	if (!head && f->status != PG_FILE_DELETED && f->lang && (text = io->read(io->ctx, f->new_oid, &len))) {
		pg_cov_parse(c, io->parser, &own_head, f->path, text, len, f->lang);
		head = &own_head;
	}
	if (f->status != PG_FILE_ADDED && f->status != PG_FILE_UNCHANGED &&
	    (old_text = io->read(io->ctx, f->old_oid, &old_len))) {
		const pg_lang *lang = units ? pg_lang_for_path(base_path) : f->lang;
		/* from the head's tree: the cost of what changed (the hunks) */
		pg_cov_parse_from(c, io->parser, &base, base_path, old_text, old_len, lang ? lang : f->lang,
				  head, f);
		have_base = true;
	}
	if (fns && head && !head->timed_out)
		pg_cov_functions_look(c, f, head, have_base ? &base : NULL, slot);
	/* a side over the parse budget is unknown, not empty: comparing it
	 * would call every test of the other side deleted or added */
	if (units && (have_base || f->status == PG_FILE_ADDED) && !(have_base && base.timed_out) &&
	    !(head && head->timed_out)) {
		if (have_base)
			pg_cov_units_collect(&base, &slot->base_units, true);
		if (head) {
			pg_cov_units_collect(head, &slot->head_units, have_base);
			slot->head_lines = count_text_lines(head->text, head->len);
		}
	}
	if (have_base)
		pg_source_dispose(&base);
	if (head == &own_head)
		pg_source_dispose(&own_head);
	free(old_text);
	free(text);
}

static void visitor_begin(void *ctx, const pg_result *r)
{
	cov_ctx *c = ctx;
	size_t i;
	c->nslots = r->files.len;
	c->slots = pg_calloc(c->nslots ? c->nslots : 1, sizeof(cov_slot));
	for (i = 0; i < c->nslots; i++) {
		pg_vec_init(&c->slots[i].fns, sizeof(pg_changed_fn));
		pg_cov_units_init(&c->slots[i].base_units);
		pg_cov_units_init(&c->slots[i].head_units);
		pg_buf_init(&c->slots[i].idents, 0);
	}
}

static bool visitor_wants(void *ctx, const pg_file *f)
{
	(void)ctx;
	return pg_cov_functions_wanted(f) || pg_cov_units_wanted(f);
}

static void visitor_visit(void *ctx, size_t index, const pg_file *f, const pg_source *src, pg_worker *w)
{
	cov_ctx *c = ctx;
	cov_io io = { worker_read, w, pg_worker_parser(w) };
	if (index < c->nslots)
		look(c, &io, f, src, &c->slots[index]);
}

int pg_coverage_stage_new(pg_coverage_stage **out, struct pg_repo *repo, const pg_ruleset *rules,
			  const pg_analysis_opts *aopts, const pg_coverage_opts *opts)
{
	cov_ctx *c;
	size_t i;
	int err;
	*out = NULL;
	c = pg_calloc(1, sizeof(*c));
	/* read the reports first: a bad report is an error before any work */
	pg_covdata_init(&c->data);
	for (i = 0; i < opts->nreports; i++)
		if ((err = pg_covdata_load(&c->data, opts->reports[i])) < 0) {
			pg_covdata_dispose(&c->data);
			free(c);
			return err;
		}
	c->repo = repo;
	c->rules = rules;
	c->aopts = aopts;
	c->opts_copy = *opts;
	c->opts = &c->opts_copy;
	c->parser = ts_parser_new();
	pg_vec_init(&c->facts, sizeof(cov_filefacts));
	c->visitor = (pg_file_visitor){ .begin = visitor_begin, .wants = visitor_wants, .visit = visitor_visit, .ctx = c };
	*out = c;
	return 0;
}

const pg_file_visitor *pg_coverage_stage_visitor(pg_coverage_stage *c)
{
	return &c->visitor;
}

int pg_coverage_stage_finish(pg_coverage_stage *c, pg_result *r)
{
	cov_io io = { stage_read, c, c->parser };
	pg_coverage_summary *sum;
	size_t i;
	int err = 0;

	if (!c->slots) /* no analysis ran with the visitor */
		visitor_begin(c, r);
	for (i = 0; i < c->nslots; i++)
		if (!c->slots[i].seen)
			look(c, &io, PG_VEC_AT(&r->files, pg_file, i), NULL, &c->slots[i]);

	sum = pg_calloc(1, sizeof(*sum));
	pg_vec_init(&sum->functions, sizeof(pg_changed_fn));
	pg_vec_init(&sum->files, sizeof(pg_cov_file));
	sum->reports = c->opts->reports;
	sum->nreports = c->opts->nreports;
	sum->min_percent = c->opts->min_percent;
	c->r = r;
	c->sum = sum;

	if ((err = pg_cov_functions(c)) < 0)
		goto done;
	if ((err = pg_cov_tests(c)) < 0)
		goto done;
	if ((err = pg_cov_weakened(c)) < 0)
		goto done;
	if (c->opts->nreports && (err = pg_cov_diff(c, &c->data)) < 0)
		goto done;
done:
	if (r->coverage && r->coverage_free)
		r->coverage_free(r->coverage);
	r->coverage = sum;
	r->coverage_free = pg_coverage_summary_free;
	return err;
}

void pg_coverage_stage_free(pg_coverage_stage *c)
{
	size_t i, k;
	if (!c)
		return;
	for (i = 0; i < c->nslots; i++) {
		cov_slot *s = &c->slots[i];
		for (k = 0; k < s->fns.len; k++)
			free(PG_VEC_AT(&s->fns, pg_changed_fn, k)->name);
		pg_vec_dispose(&s->fns);
		pg_cov_units_dispose(&s->base_units);
		pg_cov_units_dispose(&s->head_units);
		pg_buf_dispose(&s->idents);
	}
	free(c->slots);
	ts_parser_delete(c->parser);
	pg_vec_dispose(&c->facts);
	pg_covdata_dispose(&c->data);
	free(c);
}

int pg_coverage_run(struct pg_repo *repo, const pg_ruleset *rules, const pg_analysis_opts *aopts,
		    const pg_coverage_opts *opts, pg_result *r)
{
	pg_coverage_stage *c;
	int err;
	if ((err = pg_coverage_stage_new(&c, repo, rules, aopts, opts)) < 0)
		return err;
	err = pg_coverage_stage_finish(c, r);
	pg_coverage_stage_free(c);
	return err;
}

void pg_coverage_apply_gate(pg_result *r)
{
	const pg_coverage_summary *s = r->coverage;
	if (s && r->coverage_free == pg_coverage_summary_free && s->below_min)
		r->gate_failed = true;
}
