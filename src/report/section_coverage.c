/* section_coverage.c - the coverage section: diff coverage per file and
 * overall, uncovered ranges and uncovered changed functions, in text and
 * JSON (docs/coverage.md). */
#include "sections.h"
#include "coverage/coverage.h"

#include <string.h>

static const pg_coverage_summary *summary_of(const pg_result *r)
{
	if (!r->coverage || r->coverage_free != pg_coverage_summary_free)
		return NULL;
	return r->coverage;
}

static json_t *percent_json(uint32_t covered, uint32_t executable)
{
	/* one decimal, as the text shows it */
	return executable ? json_real((double)(long long)(pg_coverage_percent(covered, executable) * 10.0 + 0.5) / 10.0) : json_null();
}

void pg_section_coverage_json(const pg_result *r, json_t *root)
{
	const pg_coverage_summary *s = summary_of(r);
	json_t *cov, *files, *fns, *reports;
	size_t i, k;
	if (!s || !s->nreports)
		return;
	cov = json_object();
	files = json_array();
	reports = json_array();
	for (i = 0; i < s->nreports; i++)
		json_array_append_new(reports, pg_json_text(s->reports[i]));
	json_object_set_new(cov, "covered", json_integer(s->covered));
	json_object_set_new(cov, "executable", json_integer(s->executable));
	json_object_set_new(cov, "percent", percent_json(s->covered, s->executable));
	json_object_set_new(cov, "min_percent", s->min_percent >= 0 ? json_real(s->min_percent) : json_null());
	json_object_set_new(cov, "below_min", json_boolean(s->below_min));
	json_object_set_new(cov, "reports", reports);
	for (i = 0; i < s->files.len; i++) {
		const pg_cov_file *f = PG_VEC_AT(&s->files, pg_cov_file, i);
		json_t *o = json_object(), *ranges = json_array(), *ufns = json_array();
		json_object_set_new(o, "path", pg_json_text(f->path));
		json_object_set_new(o, "has_data", json_boolean(f->has_data));
		json_object_set_new(o, "covered", json_integer(f->covered));
		json_object_set_new(o, "executable", json_integer(f->executable));
		json_object_set_new(o, "percent", percent_json(f->covered, f->executable));
		for (k = 0; k < f->uncovered_count; k++)
			json_array_append_new(ranges, json_pack("{s:i,s:i}", "start", (json_int_t)f->uncovered[k].start,
								"end", (json_int_t)f->uncovered[k].end));
		json_object_set_new(o, "uncovered", ranges);
		for (k = 0; k < s->functions.len; k++) {
			const pg_changed_fn *fn = PG_VEC_AT(&s->functions, pg_changed_fn, k);
			if (fn->path == f->path && fn->executable && !fn->covered && !fn->is_test)
				json_array_append_new(ufns, pg_json_text(fn->name));
		}
		json_object_set_new(o, "uncovered_functions", ufns);
		json_array_append_new(files, o);
	}
	json_object_set_new(cov, "files", files);
	fns = json_array();
	for (i = 0; i < s->functions.len; i++) {
		const pg_changed_fn *fn = PG_VEC_AT(&s->functions, pg_changed_fn, i);
		json_t *o = json_object();
		json_object_set_new(o, "path", pg_json_text(fn->path));
		json_object_set_new(o, "name", pg_json_text(fn->name));
		json_object_set_new(o, "kind", json_string(fn->kind));
		json_object_set_new(o, "start_line", json_integer(fn->start_line));
		json_object_set_new(o, "end_line", json_integer(fn->end_line));
		json_object_set_new(o, "change", json_string(fn->is_new ? "new" : "modified"));
		json_object_set_new(o, "public", json_boolean(fn->is_public));
		json_object_set_new(o, "test", json_boolean(fn->is_test));
		json_object_set_new(o, "tested", fn->tested < 0 ? json_null() : json_boolean(fn->tested));
		json_object_set_new(o, "covered", json_integer(fn->covered));
		json_object_set_new(o, "executable", json_integer(fn->executable));
		json_array_append_new(fns, o);
	}
	json_object_set_new(cov, "functions", fns);
	json_object_set_new(root, "coverage", cov);
}

void pg_section_coverage_text(const pg_result *r, pg_buf *out, bool color)
{
	const pg_coverage_summary *s = summary_of(r);
	size_t i, k;
	if (!s || !s->nreports)
		return;
	pg_buf_puts(out, color ? "\n\033[1mcoverage\033[0m" : "\ncoverage");
	if (s->executable)
		pg_buf_printf(out, ": %.1f%% of added executable lines covered (%u of %u)",
			      pg_coverage_percent(s->covered, s->executable), s->covered, s->executable);
	else
		pg_buf_puts(out, ": no added line has coverage data");
	if (s->min_percent >= 0)
		pg_buf_printf(out, ", minimum %.1f%%%s", s->min_percent, s->below_min ? ": below the minimum" : "");
	pg_buf_putc(out, '\n');
	for (i = 0; i < s->files.len; i++) {
		const pg_cov_file *f = PG_VEC_AT(&s->files, pg_cov_file, i);
		if (!f->has_data) {
			pg_buf_printf(out, "  %s: no coverage data\n", f->path);
			continue;
		}
		if (!f->executable) {
			pg_buf_printf(out, "  %s: no executable added lines\n", f->path);
			continue;
		}
		pg_buf_printf(out, "  %s: %.1f%% (%u of %u)", f->path, pg_coverage_percent(f->covered, f->executable),
			      f->covered, f->executable);
		for (k = 0; k < f->uncovered_count; k++) {
			pg_buf_puts(out, k ? ", " : ", uncovered lines ");
			if (f->uncovered[k].start == f->uncovered[k].end)
				pg_buf_printf(out, "%u", f->uncovered[k].start);
			else
				pg_buf_printf(out, "%u-%u", f->uncovered[k].start, f->uncovered[k].end);
		}
		pg_buf_putc(out, '\n');
		for (k = 0; k < s->functions.len; k++) {
			const pg_changed_fn *fn = PG_VEC_AT(&s->functions, pg_changed_fn, k);
			if (fn->path == f->path && fn->executable && !fn->covered && !fn->is_test)
				pg_buf_printf(out, "    %s `%s` (line %u) is not covered\n", fn->kind, fn->name,
					      fn->start_line);
		}
	}
}
