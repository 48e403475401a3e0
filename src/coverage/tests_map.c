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

#define MENTIONS_FILE "prgate/test-mentions-v1"

/* search - the names still looked for, while walking the head tree.
 *   pending/found - the names and whether a test mentions them
 *   hashes        - pg_cov_ident_hash of each pending name
 *   slots         - open-addressing hash table of indexes into pending + 1
 *                   (0 = empty), so a blob is scanned once whatever the
 *                   number of names
 *   cache         - what each blob mentions, by blob id (mentions.c)
 *   max_size      - blobs larger than this are not read (0: no limit) */
/* queued - a file of the head tree the walk wants looked at, waiting in
 * its batch: its blob's mentions from the cache, or read (read: by one of
 * the batch's readers; err, len, hashes: what the read gave, the hashes
 * owned until put in the cache). */
typedef struct queued {
	unsigned char oid[20];
	bool test;
	bool found;        /* the cache has an entry: `known` (flush's peek) */
	cov_mention known;
	bool read;
	int err;
	size_t len;
	uint64_t *hashes;
	size_t count;
} queued;

#define READ_BATCH 64
#define MAX_READERS 8

typedef struct search {
	cov_ctx *c;
	const char **pending;
	uint64_t *hashes;
	bool *found;
	size_t count;
	size_t left;
	uint32_t *slots;
	size_t nslots;
	cov_mentions *cache;
	size_t max_size;
	queued batch[READ_BATCH]; /* the walk's files not looked at yet */
	size_t nbatch;
	size_t next;              /* the next of the batch to read (atomic) */
	struct pg_repo *repos[MAX_READERS]; /* the readers' handles, [0] unused */
	int nreaders;             /* 0: not decided yet */
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

uint64_t pg_cov_ident_hash(const char *s, size_t n)
{
	return hash_bytes(s, n);
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

/* hashset - the distinct hashes of one blob's identifiers, as they are
 * found: open addressing, 0 marks an empty slot (a hash of 0 is has_zero).
 * A set, not a list sorted at the end: test files repeat their
 * identifiers, and sorting every occurrence cost more than the scan. */
typedef struct hashset {
	uint64_t *slots;
	size_t cap, used;
	bool has_zero;
} hashset;

static size_t hashset_home(const hashset *set, uint64_t h)
{
	return (size_t)((h * 0x9e3779b97f4a7c15ULL) >> 32) & (set->cap - 1);
}

static void hashset_insert(hashset *set, uint64_t h)
{
	size_t i;
	for (i = hashset_home(set, h); set->slots[i]; i = (i + 1) & (set->cap - 1))
		if (set->slots[i] == h)
			return;
	set->slots[i] = h;
	set->used++;
}

static bool hashset_add(void *p, const char *text, size_t n)
{
	hashset *set = p;
	uint64_t h = hash_bytes(text, n);
	size_t i;
	if (!h) {
		set->has_zero = true;
		return false;
	}
	if ((set->used + 1) * 2 > set->cap) {
		hashset grown = { NULL, set->cap ? set->cap * 2 : 256, 0, set->has_zero };
		grown.slots = pg_calloc(grown.cap, sizeof(uint64_t));
		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				hashset_insert(&grown, set->slots[i]);
		free(set->slots);
		*set = grown;
	}
	hashset_insert(set, h);
	return false;
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

void pg_cov_mention_hashes(const char *text, size_t len, bool test_file, uint64_t **out, size_t *count)
{
	hashset set = { NULL, 0, 0, false };
	uint64_t *v = NULL;
	size_t i, n = 0;
	pg_cov_test_idents(text, len, test_file, hashset_add, &set);
	if (set.used || set.has_zero) {
		v = pg_malloc((set.used + 1) * sizeof(uint64_t));
		if (set.has_zero)
			v[n++] = 0;
		for (i = 0; i < set.cap; i++)
			if (set.slots[i])
				v[n++] = set.slots[i];
		qsort(v, n, sizeof(uint64_t), u64_cmp);
	}
	free(set.slots);
	*out = v;
	*count = n;
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

/* What a blob of the head tree can mention: from the cache, or by one pass
 * over its text (pg_cov_test_idents, made by the batch's readers), recorded
 * in the cache. This is a text search by design: parsing every file of the
 * head tree that holds tests made the search cost grow with the
 * repository, not the change. False when the blob mentions nothing that
 * counts: over the size limit or unreadable (a rescan would skip it too:
 * the cached size answers the first without a read; the second is never
 * cached). */
static bool blob_mentions(search *s, queued *q, cov_mention *out)
{
	pg_coverage_summary *sum = s->c->sum;

	if (q->found) {
		bool too_large = s->max_size && q->known.size > s->max_size;
		pg_cov_mentions_mark(s->cache, &q->known);
		*out = q->known;
		if (out->scanned || too_large) {
			sum->search_cached++;
			return !too_large;
		}
		/* not scanned then, and under the size limit now: it was read */
	}
	sum->search_read++;
	if (q->err < 0) {
		/* an unscanned entry's size is a lower bound: the limit + 1 */
		if (q->err == PG_ELIMIT)
			pg_cov_mentions_put(s->cache, q->oid, q->test, (uint64_t)s->max_size + 1, false, NULL, 0);
		return false;
	}
	pg_cov_mentions_put(s->cache, q->oid, q->test, q->len, true, q->hashes, q->count);
	out->size = q->len;
	out->scanned = true;
	out->hashes = q->hashes;
	out->count = q->count;
	q->hashes = NULL; /* the cache's now */
	return true;
}

/* Read one queued blob and find what it can mention. */
static void read_queued(search *s, struct pg_repo *repo, queued *q)
{
	char *text;
	size_t len;
	q->err = pg_repo_read_blob(repo, q->oid, s->max_size, &text, &len);
	if (q->err < 0) {
		pg_error_clear();
		return;
	}
	if (!pg_text_is_binary(text, len))
		pg_cov_mention_hashes(text, len, q->test, &q->hashes, &q->count);
	q->len = len;
	free(text);
}

/* reader - one thread's share of a batch's reads (a pg_task, or the
 * caller's own thread with the stage's repository handle). */
typedef struct reader {
	search *s;
	struct pg_repo *repo;
	pg_task task;
} reader;

static int read_share(void *p)
{
	reader *r = p;
	search *s = r->s;
	for (;;) {
		size_t i = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);
		if (i >= s->nbatch)
			return 0;
		if (s->batch[i].read)
			read_queued(s, r->repo, &s->batch[i]);
	}
}

/* The readers: one per core (or --jobs), each but the first with a
 * repository handle of its own, opened once per search. */
static int readers(search *s)
{
	int want, k;
	if (s->nreaders)
		return s->nreaders;
	want = pg_analysis_jobs(s->c->aopts);
	if (want > MAX_READERS)
		want = MAX_READERS;
	for (k = 1; k < want; k++)
		if (pg_repo_open_again(&s->repos[k], s->c->repo) < 0) {
			pg_error_clear();
			break;
		}
	return s->nreaders = k;
}

/* The blobs of the batch the cache does not answer, read in parallel. */
static void read_batch(search *s)
{
	reader r[MAX_READERS];
	int k, n = readers(s);
	s->next = 0;
	for (k = 0; k < n; k++) {
		r[k].s = s;
		r[k].repo = k ? s->repos[k] : s->c->repo;
	}
	for (k = 1; k < n; k++)
		pg_task_start(&r[k].task, read_share, &r[k]);
	read_share(&r[0]);
	for (k = 1; k < n; k++)
		pg_task_join(&r[k].task);
}

static bool has_hash(const uint64_t *v, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == h)
			return true;
		if (v[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
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

/* One queued file: the names its blob mentions are found. True when none
 * is left. */
static bool look_at(search *s, queued *q)
{
	cov_mention m;
	size_t k;
	s->c->sum->search_files++;
	if (!blob_mentions(s, q, &m))
		return false;
	for (k = 0; k < s->count && m.count; k++)
		if (!s->found[k] && has_hash(m.hashes, m.count, s->hashes[k])) {
			s->found[k] = true;
			s->left--;
		}
	return s->left == 0;
}

/* The batch, in the walk's order, as if each file were looked at when the
 * walk reached it: the blobs the cache does not answer are read first, in
 * parallel; then each file in turn, up to the one that finds the last name
 * (those after it are dropped: not looked at, not cached, as before they
 * were batched). Returns 1 to stop the walk. */
static int flush(search *s)
{
	size_t i, need = 0;
	bool done = false;
	for (i = 0; i < s->nbatch; i++) {
		queued *q = &s->batch[i];
		q->found = pg_cov_mentions_peek(s->cache, q->oid, q->test, &q->known);
		q->read = !(q->found && (q->known.scanned || (s->max_size && q->known.size > s->max_size)));
		need += q->read;
	}
	if (need)
		read_batch(s);
	for (i = 0; i < s->nbatch; i++) {
		queued *q = &s->batch[i];
		if (!done)
			done = look_at(s, q);
		free(q->hashes);
	}
	s->nbatch = 0;
	return done ? 1 : 0;
}

/* One file of the head tree: queued for its batch. */
static int on_file(void *p, const char *path, const unsigned char oid[20])
{
	search *s = p;
	queued *q;
	if (!want_unread(s, path))
		return 0;
	q = &s->batch[s->nbatch++];
	memset(q, 0, sizeof(*q));
	memcpy(q->oid, oid, 20);
	q->test = pg_cov_is_test_path(s->c, path);
	return s->nbatch == READ_BATCH ? flush(s) : 0;
}

static bool blob_exists(void *ctx, const unsigned char oid[20])
{
	return pg_repo_has_object(ctx, oid);
}

/* Walk the head tree for the names still pending, with the mentions cache
 * of the repository (unless turned off). What this walk scanned is saved
 * even when it stopped early (all found, or the time bound). */
static void walk_head(cov_ctx *c, search *s, uint64_t deadline)
{
	int k;
	char *path = c->opts->no_cache ? NULL : pg_printf_alloc("%s%s", pg_repo_common_dir(c->repo), MENTIONS_FILE);
	int err;
	s->cache = pg_cov_mentions_open(path, &c->sum->cache_warning);
	s->max_size = c->aopts ? c->aopts->max_file_size : 0;
	err = pg_repo_walk_tree(c->repo, c->r->range.head, on_file, s, deadline);
	if (err < 0) {
		c->sum->search_incomplete = true;
		pg_error_clear();
	}
	if (s->nbatch)
		flush(s);
	for (k = 1; k < MAX_READERS; k++)
		pg_repo_free(s->repos[k]);
	pg_cov_mentions_save(s->cache, blob_exists, c->repo);
	pg_cov_mentions_free(s->cache);
	s->cache = NULL;
	free(path);
}

static void find_untested(cov_ctx *c)
{
	pg_vec *fns = &c->sum->functions;
	search s;
	size_t i;
	uint64_t budget = c->opts->search_budget_us ? c->opts->search_budget_us : DEFAULT_SEARCH_BUDGET_US;
	uint64_t deadline = pg_time_usec() + budget;

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
	s.hashes = pg_calloc(s.count + 1, sizeof(uint64_t));
	for (i = 0; i < s.count; i++)
		s.hashes[i] = hash_bytes(s.pending[i], strlen(s.pending[i]));
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
		if (s.left)
			walk_head(c, &s, deadline);
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
	free(s.hashes);
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
