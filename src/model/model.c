/* model.c - lifetimes and small helpers of the shared data. */
#include "model.h"
#include "rules/rule.h"

#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = { "none", "note", "warning", "error" };

const char *pg_severity_name(pg_severity s)
{
	return (unsigned)s < 4 ? severity_names[s] : "unknown";
}

int pg_severity_parse(const char *s, bool allow_none)
{
	int i;
	for (i = allow_none ? 0 : 1; i < 4; i++)
		if (strcmp(s, severity_names[i]) == 0)
			return i;
	return -1;
}

const char *pg_file_status_name(pg_file_status s)
{
	static const char *const names[] = { "added", "modified", "deleted", "renamed",
					      "copied", "typechange", "unchanged" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

bool pg_file_range_touches_added(const pg_file *f, uint32_t start, uint32_t end, uint32_t slack)
{
	size_t lo = 0, hi = f->added_count;
	uint32_t s = start > slack ? start - slack : 1;
	uint32_t e = end + slack;
	/* binary search for the first range whose end >= s */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->added[mid].end < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->added_count && f->added[lo].start <= e;
}

bool pg_file_line_added(const pg_file *f, uint32_t line)
{
	return pg_file_range_touches_added(f, line, line, 0);
}

void pg_finding_dispose(pg_finding *f)
{
	if (!f)
		return;
	free(f->message);
	free(f->snippet);
	free(f->fingerprint);
	free(f->fix);
	free(f->context);
	free(f->suppress_reason);
}

void pg_file_dispose(pg_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->old_path);
	free(f->added);
	free(f->hunks);
	free(f->content);
	free(f->error);
}

void pg_result_init(pg_result *r)
{
	memset(r, 0, sizeof(*r));
	pg_vec_init(&r->files, sizeof(pg_file));
	pg_vec_init(&r->findings, sizeof(pg_finding));
	r->fail_level = PG_SEV_ERROR;
}

void pg_result_dispose(pg_result *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->findings.len; i++)
		pg_finding_dispose(PG_VEC_AT(&r->findings, pg_finding, i));
	for (i = 0; i < r->files.len; i++)
		pg_file_dispose(PG_VEC_AT(&r->files, pg_file, i));
	pg_vec_dispose(&r->findings);
	pg_vec_dispose(&r->files);
	free(r->range.spec);
	free(r->range.description);
	if (r->coverage && r->coverage_free)
		r->coverage_free(r->coverage);
	if (r->stakes && r->stakes_free)
		r->stakes_free(r->stakes);
	memset(r, 0, sizeof(*r));
}

static int finding_cmp(const void *a, const void *b)
{
	const pg_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if ((c = strcmp(x->rule->id, y->rule->id)))
		return c;
	/* the same rule at the same place: the shorter span first, so the
	 * order does not depend on the order matches were found in */
	if (x->end_line != y->end_line)
		return x->end_line < y->end_line ? -1 : 1;
	if (x->end_column != y->end_column)
		return x->end_column < y->end_column ? -1 : 1;
	return strcmp(x->message ? x->message : "", y->message ? y->message : "");
}

void pg_result_finish(pg_result *r)
{
	size_t i;
	pg_vec_sort(&r->findings, 0, finding_cmp);
	memset(r->findings_by_severity, 0, sizeof(r->findings_by_severity));
	r->suppressed = 0;
	r->gate_failed = false;
	for (i = 0; i < r->findings.len; i++) {
		pg_finding *f = PG_VEC_AT(&r->findings, pg_finding, i);
		if (f->suppressed) {
			r->suppressed++;
			continue;
		}
		r->findings_by_severity[f->severity]++;
		if (r->fail_level != PG_SEV_NONE && f->severity >= r->fail_level)
			r->gate_failed = true;
	}
}
