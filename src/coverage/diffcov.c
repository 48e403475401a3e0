/* diffcov.c - diff coverage: covered / executable over added lines. */
#include "cov_internal.h"
#include "git/git.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

/* The file's last line we need: the end of its last added range. */
static uint32_t last_added_line(const pg_file *f)
{
	uint32_t end = f->added_count ? f->added[f->added_count - 1].end : 0;
	return end > PG_COV_LINES_CAP ? PG_COV_LINES_CAP : end;
}

static const char *function_at(const cov_ctx *c, const char *path, uint32_t line)
{
	const pg_changed_fn *best = NULL;
	size_t i;
	for (i = 0; i < c->sum->functions.len; i++) {
		const pg_changed_fn *fn = PG_VEC_AT(&c->sum->functions, pg_changed_fn, i);
		/* the innermost: the one starting last */
		if (fn->path == path && fn->start_line <= line && line <= fn->end_line &&
		    (!best || fn->start_line >= best->start_line))
			best = fn;
	}
	return best ? best->name : NULL;
}

static void file_coverage(cov_ctx *c, const pg_file *f, const pg_covdata *d)
{
	uint32_t nlines = last_added_line(f), line;
	int64_t *hits = NULL;
	pg_cov_file *cf;
	pg_vec runs;
	size_t k, i;
	bool any = pg_covdata_lookup(d, pg_repo_root(c->repo), f->path, nlines, &hits);
	pg_line_range *open = NULL;

	cf = pg_vec_push(&c->sum->files);
	cf->path = f->path;
	cf->has_data = any;
	pg_vec_init(&runs, sizeof(pg_line_range));
	for (k = 0; any && k < f->added_count; k++)
		for (line = f->added[k].start; line <= f->added[k].end && line <= nlines; line++) {
			if (hits[line] < 0)
				continue; /* no data: not executable, does not break a run */
			cf->executable++;
			if (hits[line] > 0) {
				cf->covered++;
				open = NULL;
				continue;
			}
			if (!open) {
				open = pg_vec_push(&runs);
				open->start = line;
			}
			open->end = line;
		}
	/* a covered line with data closes a run; an unadded line between two
	 * uncovered added lines does not (the run is "added lines 4-9") */
	cf->uncovered = runs.items;
	cf->uncovered_count = runs.len;
	c->sum->covered += cf->covered;
	c->sum->executable += cf->executable;

	for (i = 0; any && i < c->sum->functions.len; i++) {
		pg_changed_fn *fn = PG_VEC_AT(&c->sum->functions, pg_changed_fn, i);
		if (fn->path != f->path)
			continue;
		for (k = 0; k < f->added_count; k++)
			for (line = f->added[k].start; line <= f->added[k].end && line <= nlines; line++)
				if (line >= fn->start_line && line <= fn->end_line && hits[line] >= 0) {
					fn->executable++;
					if (hits[line] > 0)
						fn->covered++;
				}
	}
	for (k = 0; k < cf->uncovered_count; k++) {
		const pg_line_range *u = &cf->uncovered[k];
		char *msg = u->start == u->end
				    ? pg_printf_alloc("added line %u is not covered by any test in the coverage report", u->start)
				    : pg_printf_alloc("added lines %u-%u are not covered by any test in the coverage report",
						      u->start, u->end);
		pg_cov_finding(c, "any/tests/uncovered-lines", f->path, u->start, u->end,
			       function_at(c, f->path, u->start), msg);
		free(msg);
	}
	free(hits);
}

int pg_cov_diff(cov_ctx *c, const pg_covdata *d)
{
	size_t i;
	for (i = 0; i < c->r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&c->r->files, pg_file, i);
		if (f->status == PG_FILE_DELETED || f->added_count == 0 || !f->lang)
			continue;
		if (f->skip_reason) /* excluded files too: generated, vendored */
			continue;
		if (pg_cov_is_test_path(c, f->path))
			continue;
		file_coverage(c, f, d);
	}
	if (c->sum->min_percent >= 0 && c->sum->executable &&
	    (double)c->sum->covered * 100.0 < c->sum->min_percent * (double)c->sum->executable)
		c->sum->below_min = true;
	return 0;
}
