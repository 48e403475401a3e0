/* covdata.c - reading coverage reports: format detection, path
 * normalisation, and merged line hits. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A report larger than this is refused (a tracefile of a very large
 * project is tens of megabytes). */
#define MAX_REPORT_SIZE ((size_t)1 << 30)

void pg_covdata_init(pg_covdata *d)
{
	pg_vec_init(&d->records, sizeof(pg_cov_record));
}

void pg_covdata_dispose(pg_covdata *d)
{
	size_t i;
	if (!d)
		return;
	for (i = 0; i < d->records.len; i++) {
		pg_cov_record *r = PG_VEC_AT(&d->records, pg_cov_record, i);
		free(r->path);
		pg_vec_dispose(&r->lines);
	}
	pg_vec_dispose(&d->records);
}

int pg_covdata_parse(pg_covdata *d, const char *name, const char *text, size_t len)
{
	size_t i = 0;
	json_t *root;
	json_error_t jerr;
	int err;
	/* skip a UTF-8 byte order mark and leading blanks */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i == len)
		return pg_error_set(PG_ECONFIG, "%s:1: empty coverage report", name);
	if (text[i] != '{')
		return pg_cov_parse_lcov(d, name, text, len);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return pg_error_set(PG_ECONFIG, "%s:%d:%d: invalid JSON: %s", name, jerr.line, jerr.column, jerr.text);
	if (json_object_get(root, "data") &&
	    (json_object_get(root, "type") || json_is_array(json_object_get(root, "data"))))
		err = pg_cov_parse_llvm(d, name, root);
	else
		err = pg_cov_parse_istanbul(d, name, root);
	json_decref(root);
	return err;
}

int pg_covdata_load(pg_covdata *d, const char *file)
{
	FILE *fp = fopen(file, "rb");
	pg_buf b;
	char chunk[65536];
	size_t n;
	int err = 0;
	if (!fp)
		return pg_error_set(PG_ECONFIG, "cannot read coverage report '%s': %s", file, strerror(errno));
	pg_buf_init(&b, MAX_REPORT_SIZE);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (pg_buf_put(&b, chunk, n) < 0) {
			err = pg_error_set(PG_ECONFIG, "%s: coverage report larger than %zu bytes", file, MAX_REPORT_SIZE);
			break;
		}
	if (!err && ferror(fp))
		err = pg_error_set(PG_ECONFIG, "cannot read coverage report '%s'", file);
	fclose(fp);
	if (!err)
		err = pg_covdata_parse(d, file, b.ptr, b.len);
	pg_buf_dispose(&b);
	return err;
}

char *pg_coverage_normalize_path(const char *path, const char *root)
{
	pg_buf b;
	const char *p;
	char *s, *out;
	size_t rl;
	pg_buf_init(&b, 0);
	pg_buf_puts(&b, path);
	s = b.ptr;
	for (p = s; *p; p++)
		if (*p == '\\')
			s[p - s] = '/';
	/* "C:/..." → "/C:/..." is not useful; compare drive paths as they are */
	p = s;
	if (root && *root) {
		rl = strlen(root);
		if (strncmp(p, root, rl) == 0)
			p += rl;
		else if (strlen(p) + 1 == rl && strncmp(p, root, rl - 1) == 0)
			p += rl - 1;
	}
	/* drop "./" prefixes and "/./" segments, and doubled slashes */
	pg_buf out_b;
	pg_buf_init(&out_b, 0);
	while (*p) {
		if (p[0] == '.' && (p[1] == '/' || p[1] == 0) && (out_b.len == 0 || out_b.ptr[out_b.len - 1] == '/')) {
			p += p[1] ? 2 : 1;
			continue;
		}
		if (p[0] == '/' && out_b.len && out_b.ptr[out_b.len - 1] == '/') {
			p++;
			continue;
		}
		pg_buf_putc(&out_b, *p++);
	}
	out = pg_buf_detach(&out_b);
	pg_buf_dispose(&b);
	return out;
}

static bool is_absolute(const char *p)
{
	return p[0] == '/' || (p[0] && p[1] == ':' && p[2] == '/');
}

bool pg_covdata_lookup(const pg_covdata *d, const char *root, const char *path, uint32_t nlines,
		       int64_t **out)
{
	int64_t *hits = pg_malloc(((size_t)nlines + 1) * sizeof(int64_t));
	size_t i, k, pl = strlen(path);
	bool any = false;
	for (i = 0; i <= nlines; i++)
		hits[i] = -1;
	for (i = 0; i < d->records.len; i++) {
		const pg_cov_record *rec = PG_VEC_AT(&d->records, pg_cov_record, i);
		char *norm = pg_coverage_normalize_path(rec->path, root);
		size_t nl = strlen(norm);
		bool match = strcmp(norm, path) == 0 ||
			     (is_absolute(norm) && nl > pl && norm[nl - pl - 1] == '/' &&
			      strcmp(norm + nl - pl, path) == 0);
		free(norm);
		if (!match)
			continue;
		any = true;
		for (k = 0; k < rec->lines.len; k++) {
			const pg_cov_line *l = PG_VEC_AT(&rec->lines, pg_cov_line, k);
			int64_t h = l->hits > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)l->hits;
			if (l->line > nlines)
				continue;
			if (h > hits[l->line])
				hits[l->line] = h;
		}
	}
	*out = hits;
	return any;
}
