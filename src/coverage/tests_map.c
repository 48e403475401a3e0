#define _GNU_SOURCE
/* tests_map.c - which changed functions a test mentions, "code changed but no
 * test changed", and snapshot files rewritten with their code. */
#include "cov_internal.h"
#include "git/git.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEARCH_BUDGET_US (10u * 1000 * 1000)

/* search - the names still looked for, while walking the head tree.
 *   pending/found - the names and whether a test mentions them
 *   slots         - open-addressing hash table of indexes into pending + 1
 *                   (0 = empty), so a blob is scanned once whatever the
 *                   number of names */
typedef struct search {
	cov_ctx *c;
	const char **pending;
	bool *found;
	size_t count;
	size_t left;
	uint32_t *slots;
	size_t nslots;
} search;

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '$';
}

/* ident_table - 0: not in an identifier; 1: may start one; DIGIT: inside
 * only. Filled once (the scan below runs over every blob of the tree). */
enum { DIGIT = 2 };
static unsigned char ident_table[256];

static void fill_ident_table(void)
{
	int ch;
	for (ch = 0; ch < 256; ch++)
		ident_table[ch] = isdigit(ch) ? DIGIT : ident_char((char)ch) ? 1 : 0;
}

static void init_ident_table(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fill_ident_table);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The pending name equal to text[0..n), as an index, or -1. */
static long lookup(const search *s, const char *text, size_t n)
{
	size_t h = (size_t)hash_bytes(text, n) & (s->nslots - 1);
	while (s->slots[h]) {
		const char *w = s->pending[s->slots[h] - 1];
		if (strlen(w) == n && memcmp(w, text, n) == 0)
			return (long)s->slots[h] - 1;
		h = (h + 1) & (s->nslots - 1);
	}
	return -1;
}

/* Look for `name` too, once however many functions have it. */
static void add_name(search *s, const char *name)
{
	size_t n = strlen(name), h;
	if (lookup(s, name, n) >= 0)
		return;
	for (h = (size_t)hash_bytes(name, n) & (s->nslots - 1); s->slots[h]; h = (h + 1) & (s->nslots - 1))
		;
	s->pending[s->count] = name;
	s->slots[h] = (uint32_t)++s->count;
}

/* Is the identifier text[start, end) where test code can start, by the
 * markers the language hooks recognise: #[test...], #[cfg(test...)],
 * ::test... (#[tokio::test]), rstest..., quickcheck..., and the calls
 * describe( describe. it( it. test( test. suite( context( ? */
static bool test_marker(const char *text, size_t len, size_t start, size_t end)
{
	const char *w = text + start;
	size_t n = end - start;
	char next = end < len ? text[end] : 0;
	if (n >= 4 && memcmp(w, "test", 4) == 0 && start >= 2 &&
	    ((w[-2] == '#' && w[-1] == '[') || (w[-2] == ':' && w[-1] == ':') ||
	     (start >= 4 && memcmp(w - 4, "cfg(", 4) == 0)))
		return true;
	if ((n >= 6 && memcmp(w, "rstest", 6) == 0) || (n >= 10 && memcmp(w, "quickcheck", 10) == 0))
		return true;
	if ((next == '(' || next == '.') &&
	    ((n == 8 && memcmp(w, "describe", 8) == 0) || (n == 2 && memcmp(w, "it", 2) == 0) ||
	     (n == 4 && memcmp(w, "test", 4) == 0)))
		return true;
	return next == '(' && ((n == 5 && memcmp(w, "suite", 5) == 0) || (n == 7 && memcmp(w, "context", 7) == 0));
}

void pg_cov_test_idents(const char *text, size_t len, bool test_file,
			bool (*on_ident)(void *ctx, const char *s, size_t n), void *ctx)
{
	bool in_tests = test_file;
	size_t i;
	init_ident_table();
	for (i = 0; i < len;) {
		size_t start;
		unsigned char kind = ident_table[(unsigned char)text[i]];
		if (!kind) { /* between identifiers */
			i++;
			continue;
		}
		start = i;
		while (i < len && ident_table[(unsigned char)text[i]])
			i++;
		if (kind == DIGIT) /* a number, not a name */
			continue;
		if (!in_tests) {
			if (!test_marker(text, len, start, i))
				continue;
			in_tests = true;
		}
		if (on_ident(ctx, text + start, i - start))
			return;
	}
}

/* idset - the distinct identifiers of one file, NUL-separated in `out`. */
typedef struct idset {
	pg_buf *out;
	uint32_t *slots; /* offset in out + 1, 0 = empty */
	size_t cap, used;
} idset;

static bool idset_add(void *p, const char *text, size_t n)
{
	idset *set = p;
	size_t h, i;
	if ((set->used + 1) * 2 > set->cap) {
		uint32_t *old = set->slots;
		size_t oldcap = set->cap;
		set->cap = oldcap ? oldcap * 2 : 256;
		set->slots = pg_calloc(set->cap, sizeof(uint32_t));
		for (i = 0; i < oldcap; i++)
			if (old[i]) {
				const char *w = set->out->ptr + old[i] - 1;
				for (h = (size_t)hash_bytes(w, strlen(w)) & (set->cap - 1); set->slots[h];
				     h = (h + 1) & (set->cap - 1))
					;
				set->slots[h] = old[i];
			}
		free(old);
	}
	for (h = (size_t)hash_bytes(text, n) & (set->cap - 1); set->slots[h]; h = (h + 1) & (set->cap - 1)) {
		const char *w = set->out->ptr + set->slots[h] - 1;
		if (strlen(w) == n && memcmp(w, text, n) == 0)
			return false;
	}
	set->slots[h] = (uint32_t)set->out->len + 1;
	pg_buf_put(set->out, text, n);
	pg_buf_putc(set->out, '\0');
	set->used++;
	return false;
}

void pg_cov_collect_idents(cov_ctx *c, const pg_file *f, const char *text, size_t len, cov_slot *slot)
{
	idset set = { &slot->idents, NULL, 0, 0 };
	pg_cov_test_idents(text, len, pg_cov_is_test_path(c, f->path), idset_add, &set);
	free(set.slots);
	slot->idents_known = true;
}

/* A name is found: true when none is left to look for. */
static bool found_ident(void *p, const char *text, size_t n)
{
	search *s = p;
	long k = lookup(s, text, n);
	if (k >= 0 && !s->found[k]) {
		s->found[k] = true;
		s->left--;
	}
	return s->left == 0;
}

/* The changed files' mentions were collected during the analysis (their
 * slots): those paths are not read again. */
static bool slot_of_path(const cov_ctx *c, const char *path, size_t *index)
{
	size_t lo = 0, hi = c->r->files.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(PG_VEC_AT(&c->r->files, pg_file, mid)->path, path);
		if (cmp == 0) {
			*index = mid;
			return true;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool want_unread(search *s, const char *path)
{
	size_t i;
	if (!pg_lang_for_path(path))
		return false;
	return !(slot_of_path(s->c, path, &i) && i < s->c->nslots && s->c->slots[i].idents_known);
}

/* One pass over a blob of the head tree (see pg_cov_test_idents). This is a
 * text search by design: parsing every file of the head tree that holds
 * tests made the search cost grow with the repository, not the change. */
static int on_file(void *p, const char *path, const unsigned char oid[20])
{
	search *s = p;
	char *text;
	size_t len;
	if (!want_unread(s, path))
		return 0;
	if (pg_repo_read_blob(s->c->repo, oid, s->c->aopts ? s->c->aopts->max_file_size : 0, &text, &len) < 0) {
		pg_error_clear();
		return 0;
	}
	if (!pg_text_is_binary(text, len))
		pg_cov_test_idents(text, len, pg_cov_is_test_path(s->c, path), found_ident, s);
	free(text);
	return s->left == 0 ? 1 : 0;
}

static void find_untested(cov_ctx *c)
{
	pg_vec *fns = &c->sum->functions;
	search s;
	size_t i;
	uint64_t budget = c->opts->search_budget_us ? c->opts->search_budget_us : DEFAULT_SEARCH_BUDGET_US;
	uint64_t deadline = pg_time_usec() + budget;
	int err;

	if (c->aopts && c->aopts->deadline_us && c->aopts->deadline_us < deadline)
		deadline = c->aopts->deadline_us;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.pending = pg_calloc(fns->len + 1, sizeof(char *));
	s.found = pg_calloc(fns->len + 1, sizeof(bool));
	s.nslots = 16;
	while (s.nslots < fns->len * 2 + 1)
		s.nslots *= 2;
	s.slots = pg_calloc(s.nslots, sizeof(uint32_t));
	for (i = 0; i < fns->len; i++) {
		pg_changed_fn *fn = PG_VEC_AT(fns, pg_changed_fn, i);
		if (fn->is_public && !fn->is_test)
			add_name(&s, fn->name);
	}
	s.left = s.count;
	if (s.count) {
		for (i = 0; i < c->nslots && s.left; i++) {
			const cov_slot *slot = &c->slots[i];
			const char *p = slot->idents.ptr, *end = p + slot->idents.len;
			while (slot->idents_known && p < end && s.left) {
				size_t n = strlen(p);
				found_ident(&s, p, n);
				p += n + 1;
			}
		}
		err = s.left == 0 ? 0 : pg_repo_walk_tree(c->repo, c->r->range.head, on_file, &s, deadline);
		if (err < 0) {
			c->sum->search_incomplete = true;
			pg_error_clear();
		}
	}
	for (i = 0; i < fns->len; i++) {
		pg_changed_fn *fn = PG_VEC_AT(fns, pg_changed_fn, i);
		long k;
		if (!fn->is_public || fn->is_test)
			continue;
		if ((k = lookup(&s, fn->name, strlen(fn->name))) >= 0 && s.found[k])
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
	free(s.slots);
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
