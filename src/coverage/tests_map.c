/* tests_map.c - which changed functions a test mentions, "code changed but no
 * test changed", and snapshot files rewritten with their code. */
#include "cov_internal.h"
#include "git/git.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEARCH_BUDGET_US (10u * 1000 * 1000)

/* search - the names still looked for, while walking the head tree. */
typedef struct search {
	cov_ctx *c;
	const char **pending; /* names not yet found in a test */
	bool *found;
	size_t count;
	size_t left;
} search;

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '$';
}

/* Offset of the next whole-word occurrence of `w` in text[from..len), or -1. */
static long find_word(const char *text, size_t len, size_t from, const char *w)
{
	size_t wl = strlen(w);
	const char *p = text + from, *end = text + len;
	while (wl && (size_t)(end - p) >= wl) {
		const char *q = memchr(p, w[0], (size_t)(end - p) - wl + 1);
		if (!q)
			break;
		if (memcmp(q, w, wl) == 0 && (q == text || !ident_char(q[-1])) &&
		    (q + wl == end || !ident_char(q[wl])))
			return (long)(q - text);
		p = q + 1;
	}
	return -1;
}

static bool want_path(void *ctx, const char *path)
{
	(void)ctx;
	return pg_lang_for_path(path) != NULL;
}

/* Is the occurrence at file offset `off` inside test code of `src`? */
static bool occurrence_in_test(const pg_source *src, uint32_t off, uint32_t len)
{
	size_t i;
	uint32_t k;
	for (i = 0; i < src->docs.len; i++) {
		const pg_doc *d = PG_SOURCE_DOC(src, i);
		bool inside = d->ranges == NULL;
		TSNode node;
		if (d->owned || !d->tree || d->text != src->text || !d->lang->in_test)
			continue;
		for (k = 0; k < d->range_count; k++)
			if (off >= d->ranges[k].start_byte && off < d->ranges[k].end_byte)
				inside = true;
		if (!inside)
			continue;
		node = ts_node_descendant_for_byte_range(ts_tree_root_node(d->tree), off, off + len);
		if (d->lang->in_test(d, node))
			return true;
	}
	return false;
}

static int on_blob(void *p, const char *path, const char *text, size_t len)
{
	search *s = p;
	size_t i;
	bool test_file = pg_cov_is_test_path(s->c, path), parsed = false;
	pg_source src;
	if (memchr(text, '\0', len < 8000 ? len : 8000))
		return 0;
	for (i = 0; i < s->count; i++) {
		long at;
		if (s->found[i])
			continue;
		at = find_word(text, len, 0, s->pending[i]);
		if (at < 0)
			continue;
		if (!test_file && !parsed) {
			pg_cov_parse(s->c, &src, path, text, len, pg_lang_for_path(path));
			parsed = true;
		}
		while (at >= 0) {
			if (test_file || occurrence_in_test(&src, (uint32_t)at, (uint32_t)strlen(s->pending[i]))) {
				s->found[i] = true;
				s->left--;
				break;
			}
			at = find_word(text, len, (size_t)at + 1, s->pending[i]);
		}
	}
	if (parsed)
		pg_source_dispose(&src);
	return s->left == 0 ? 1 : 0;
}

static void find_untested(cov_ctx *c)
{
	pg_vec *fns = &c->sum->functions;
	search s;
	size_t i, j;
	uint64_t budget = c->opts->search_budget_us ? c->opts->search_budget_us : DEFAULT_SEARCH_BUDGET_US;
	uint64_t deadline = pg_time_usec() + budget;
	int err;

	if (c->aopts && c->aopts->deadline_us && c->aopts->deadline_us < deadline)
		deadline = c->aopts->deadline_us;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.pending = pg_calloc(fns->len + 1, sizeof(char *));
	s.found = pg_calloc(fns->len + 1, sizeof(bool));
	for (i = 0; i < fns->len; i++) {
		pg_changed_fn *fn = PG_VEC_AT(fns, pg_changed_fn, i);
		if (!fn->is_public || fn->is_test)
			continue;
		for (j = 0; j < s.count; j++)
			if (strcmp(s.pending[j], fn->name) == 0)
				break;
		if (j == s.count)
			s.pending[s.count++] = fn->name;
	}
	s.left = s.count;
	if (s.count) {
		err = pg_repo_walk_tree(c->repo, c->r->range.head, want_path, on_blob, &s,
					c->aopts ? c->aopts->max_file_size : 0, deadline);
		if (err < 0) {
			c->sum->search_incomplete = true;
			pg_error_clear();
		}
	}
	for (i = 0; i < fns->len; i++) {
		pg_changed_fn *fn = PG_VEC_AT(fns, pg_changed_fn, i);
		if (!fn->is_public || fn->is_test)
			continue;
		for (j = 0; j < s.count; j++)
			if (strcmp(s.pending[j], fn->name) == 0)
				break;
		if (j < s.count && s.found[j])
			fn->tested = 1;
		else if (!c->sum->search_incomplete)
			fn->tested = 0;
		if (fn->tested == 0) {
			char *msg = pg_printf_alloc("%s public %s `%s` has no test that mentions it",
						    fn->is_new ? "new" : "changed", fn->kind, fn->name);
			pg_cov_finding(c, "any/tests/untested-function", fn->path, fn->start_line, fn->start_line,
				       fn->name, msg);
			free(msg);
		}
	}
	free(s.pending);
	free(s.found);
}

/* A changed file that is test code: by path (any status), or with added
 * lines inside test code. */
static bool any_test_changed(cov_ctx *c)
{
	size_t i;
	for (i = 0; i < c->r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&c->r->files, pg_file, i);
		if (pg_cov_is_test_path(c, f->path) || (f->old_path && pg_cov_is_test_path(c, f->old_path)))
			return true;
	}
	for (i = 0; i < c->facts.len; i++)
		if (PG_VEC_AT(&c->facts, cov_filefacts, i)->test_lines)
			return true;
	return false;
}

static const char *const snapshot_globs[] = { "*.snap", "**/__snapshots__/**", "*.golden", "**/golden/**",
					      "**/snapshots/**", "*.snapshot", NULL };

static bool is_snapshot(const char *path)
{
	size_t i;
	for (i = 0; snapshot_globs[i]; i++)
		if (pg_glob_match(snapshot_globs[i], path))
			return true;
	return false;
}

/* The file name without directories and extensions ("src/rank.rs" → "rank"). */
static char *stem(const char *path)
{
	const char *b = strrchr(path, '/');
	const char *dot;
	b = b ? b + 1 : path;
	dot = strchr(b, '.');
	return pg_strndup(b, dot ? (size_t)(dot - b) : strlen(b));
}

static void snapshots(cov_ctx *c)
{
	size_t i, k;
	for (i = 0; i < c->r->files.len; i++) {
		const pg_file *f = PG_VEC_AT(&c->r->files, pg_file, i);
		const pg_file *code = NULL;
		char *msg;
		if (f->status != PG_FILE_MODIFIED || !is_snapshot(f->path))
			continue;
		for (k = 0; k < c->facts.len; k++) {
			const cov_filefacts *ff = PG_VEC_AT(&c->facts, cov_filefacts, k);
			char *st;
			if (!ff->code_lines)
				continue;
			st = stem(ff->file->path);
			if (st[0] && strstr(f->path, st))
				code = ff->file;
			free(st);
			if (code)
				break;
		}
		if (!code)
			continue;
		msg = pg_printf_alloc("snapshot rewritten in the same range as %s, the code it checks: "
				      "review the new expected output, not only the code",
				      code->path);
		pg_cov_finding(c, "any/tests/snapshot-rewritten", f->path, 1, 1, NULL, msg);
		free(msg);
	}
}

int pg_cov_tests(cov_ctx *c)
{
	size_t i, files = 0;
	const cov_filefacts *first = NULL;
	find_untested(c);
	for (i = 0; i < c->facts.len; i++) {
		const cov_filefacts *ff = PG_VEC_AT(&c->facts, cov_filefacts, i);
		if (ff->code_lines && !pg_cov_is_test_path(c, ff->file->path)) {
			files++;
			if (!first)
				first = ff;
		}
	}
	if (first && !any_test_changed(c)) {
		char *msg = pg_printf_alloc("source code changed in %zu file%s and no test changed in this range",
					    files, files == 1 ? "" : "s");
		pg_cov_finding(c, "any/tests/no-test-changes", first->file->path, first->first_code_line,
			       first->first_code_line, NULL, msg);
		free(msg);
	}
	snapshots(c);
	return 0;
}
