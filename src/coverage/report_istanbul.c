/* report_istanbul.c - Istanbul's coverage-final.json (jest, nyc, c8):
 * { "<path>": { "path": ..., "statementMap": { id: {start: {line}, end} },
 *   "s": { id: hits }, ... } }. A line's hits are the largest count of the
 * statements that start on it, as istanbul-lib-coverage's getLineCoverage()
 * computes them; lines where no statement starts have no data. */
#include "report.h"

#include <math.h>
#include <string.h>

static int bad(const char *name, const char *key, const char *what)
{
	return pg_error_set(PG_ECONFIG, "%s: at \"%s\": %s", name, key, what);
}

int pg_cov_parse_istanbul(pg_covdata *d, const char *name, json_t *root)
{
	const char *key;
	json_t *file;
	if (!json_is_object(root))
		return pg_error_set(PG_ECONFIG, "%s: not an Istanbul coverage object", name);
	json_object_foreach(root, key, file) {
		json_t *path, *smap, *s, *loc;
		const char *id;
		pg_cov_record *rec;
		if (!json_is_object(file))
			return bad(name, key, "a file's coverage must be an object");
		path = json_object_get(file, "path");
		smap = json_object_get(file, "statementMap");
		s = json_object_get(file, "s");
		if (path && !json_is_string(path))
			return bad(name, key, "\"path\" must be a string");
		if (!json_is_object(smap) || !json_is_object(s))
			return bad(name, key, "missing \"statementMap\" or \"s\" object");
		rec = pg_vec_push(&d->records);
		rec->path = pg_strdup(path ? json_string_value(path) : key);
		pg_vec_init(&rec->lines, sizeof(pg_cov_line));
		json_object_foreach(smap, id, loc) {
			json_t *start = json_object_get(loc, "start");
			json_t *line = json_object_get(start, "line");
			json_t *hits = json_object_get(s, id);
			json_int_t ln;
			double h;
			pg_cov_line *l;
			if (!json_is_integer(line))
				return bad(name, key, "a statement without an integer start.line");
			ln = json_integer_value(line);
			if (ln < 1 || ln > (json_int_t)PG_COV_MAX_LINE)
				return bad(name, key, "a statement's line is out of range");
			if (!hits)
				continue; /* a statement without a count: no data */
			if (!json_is_number(hits))
				return bad(name, key, "a statement count must be a number");
			h = json_number_value(hits);
			if (!(h >= 0) || isinf(h))
				return bad(name, key, "a statement count must be a non-negative number");
			/* (re-fetch: the vector may move when records are added) */
			rec = PG_VEC_AT(&d->records, pg_cov_record, d->records.len - 1);
			l = pg_vec_push(&rec->lines);
			l->line = (uint32_t)ln;
			l->hits = h > 1e18 ? (uint64_t)1e18 : (uint64_t)h;
		}
	}
	return 0;
}
