/* report_llvm.c - llvm-cov export JSON (cargo llvm-cov --json,
 * `llvm-cov export -format=text`): {"type": "llvm.coverage.json.export",
 * "data": [{"files": [{"filename", "segments": [[line, col, count,
 * has_count, is_region_entry, is_gap_region?], ...]}]}]}.
 * Line hits come from the segments the way llvm-cov's LineCoverageStats
 * computes them (what its own lcov export writes): a line is executable when
 * a region with a count starts on it, or a counted region wraps into it, and
 * it does not start a skipped region; its count is the largest of those. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

typedef struct seg {
	json_int_t line, col;
	uint64_t count;
	bool has_count, entry, gap;
} seg;

static int bad(const char *name, size_t di, size_t fi, const char *what)
{
	return pg_error_set(PG_ECONFIG, "%s: at data[%zu].files[%zu]: %s", name, di, fi, what);
}

static int read_seg(json_t *a, seg *s)
{
	json_t *v;
	size_t n = json_array_size(a), i;
	if (!json_is_array(a) || n < 5)
		return -1;
	for (i = 0; i < 2; i++)
		if (!json_is_integer(json_array_get(a, i)))
			return -1;
	s->line = json_integer_value(json_array_get(a, 0));
	s->col = json_integer_value(json_array_get(a, 1));
	v = json_array_get(a, 2);
	if (!json_is_number(v) || !(json_number_value(v) >= 0))
		return -1;
	s->count = json_number_value(v) > 1e18 ? (uint64_t)1e18 : (uint64_t)json_number_value(v);
	for (i = 3; i < n && i < 6; i++)
		if (!json_is_boolean(json_array_get(a, i)))
			return -1;
	s->has_count = json_is_true(json_array_get(a, 3));
	s->entry = json_is_true(json_array_get(a, 4));
	s->gap = n > 5 && json_is_true(json_array_get(a, 5));
	if (s->line < 1 || s->line > (json_int_t)PG_COV_MAX_LINE)
		return -1;
	return 0;
}

static void line_stats(pg_cov_record *rec, const seg *segs, size_t a, size_t b, const seg *wrapped,
		       uint32_t line)
{
	size_t i;
	unsigned starts = 0;
	uint64_t count = 0;
	bool mapped, skipped;
	for (i = a; i < b; i++)
		if (!segs[i].gap && segs[i].has_count && segs[i].entry)
			starts++;
	skipped = a < b && !segs[a].has_count && segs[a].entry;
	mapped = !skipped && ((wrapped && wrapped->has_count) || starts > 0);
	if (!mapped)
		return;
	if (wrapped)
		count = wrapped->count;
	for (i = a; i < b; i++)
		if (!segs[i].gap && segs[i].has_count && segs[i].entry && segs[i].count > count)
			count = segs[i].count;
	{
		pg_cov_line *l = pg_vec_push(&rec->lines);
		l->line = line;
		l->hits = count;
	}
}

static int parse_file(pg_covdata *d, const char *name, size_t di, size_t fi, json_t *file)
{
	json_t *fname = json_object_get(file, "filename");
	json_t *segments = json_object_get(file, "segments");
	size_t n, i, a;
	seg *segs;
	pg_cov_record *rec;
	const seg *wrapped = NULL;
	if (!json_is_string(fname))
		return bad(name, di, fi, "\"filename\" must be a string");
	if (!json_is_array(segments))
		return bad(name, di, fi, "\"segments\" must be an array");
	n = json_array_size(segments);
	segs = pg_calloc(n ? n : 1, sizeof(seg));
	for (i = 0; i < n; i++) {
		if (read_seg(json_array_get(segments, i), &segs[i]) < 0) {
			free(segs);
			return pg_error_set(PG_ECONFIG, "%s: at data[%zu].files[%zu].segments[%zu]: expected "
					    "[line, column, count, has_count, is_region_entry, is_gap_region]",
					    name, di, fi, i);
		}
		if (i && (segs[i].line < segs[i - 1].line ||
			  (segs[i].line == segs[i - 1].line && segs[i].col < segs[i - 1].col))) {
			free(segs);
			return pg_error_set(PG_ECONFIG, "%s: at data[%zu].files[%zu].segments[%zu]: segments out of order",
					    name, di, fi, i);
		}
	}
	rec = pg_vec_push(&d->records);
	rec->path = pg_strdup(json_string_value(fname));
	pg_vec_init(&rec->lines, sizeof(pg_cov_line));
	/* walk lines from the first segment's to the last's */
	a = 0;
	if (n) {
		uint32_t line = (uint32_t)segs[0].line, last = (uint32_t)segs[n - 1].line;
		for (; line <= last; line++) {
			size_t b = a;
			while (b < n && segs[b].line == line)
				b++;
			line_stats(rec, segs, a, b, wrapped, line);
			if (b > a)
				wrapped = &segs[b - 1];
			a = b;
		}
	}
	free(segs);
	return 0;
}

int pg_cov_parse_llvm(pg_covdata *d, const char *name, json_t *root)
{
	json_t *data = json_object_get(root, "data");
	size_t di, fi;
	int err;
	if (!json_is_array(data))
		return pg_error_set(PG_ECONFIG, "%s: llvm-cov export without a \"data\" array", name);
	for (di = 0; di < json_array_size(data); di++) {
		json_t *files = json_object_get(json_array_get(data, di), "files");
		if (!json_is_array(files))
			return pg_error_set(PG_ECONFIG, "%s: at data[%zu]: \"files\" must be an array", name, di);
		for (fi = 0; fi < json_array_size(files); fi++)
			if ((err = parse_file(d, name, di, fi, json_array_get(files, fi))) < 0)
				return err;
	}
	return 0;
}
